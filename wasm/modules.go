//go:build js && wasm && !hpcore && !hplater

package main

// The page loads the API as two modules built from this package with build
// tags (Makefile, target wasm):
//
//	-tags hpcore   web/hybridplan.wasm: coreFunctions
//	-tags hplater  web/hybridplan-later.wasm: laterFunctions
//
// Without either tag (the tests, a plain go build) the module has the whole
// API, so one test suite covers every function through the same bridge.

func coreMethods() map[string]method  { return coreFunctions() }
func laterMethods() map[string]method { return laterFunctions() }
