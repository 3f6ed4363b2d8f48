//go:build js && wasm && hplater

package main

// The later module (see modules.go): only laterFunctions.

func coreMethods() map[string]method  { return nil }
func laterMethods() map[string]method { return laterFunctions() }
