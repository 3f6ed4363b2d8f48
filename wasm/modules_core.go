//go:build js && wasm && hpcore

package main

// The core module (see modules.go): it does not compile later_bridge.go, so
// share links, exports and provisioning are not linked into it.

func coreMethods() map[string]method  { return coreFunctions() }
func laterMethods() map[string]method { return nil }
