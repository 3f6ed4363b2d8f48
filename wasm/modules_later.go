//go:build js && wasm && hplater

package main

// The later module (see modules.go): only laterFunctions, and no drafts (the
// core keeps them; main_later.go installs no store).

func coreMethods() map[string]method  { return nil }
func laterMethods() map[string]method { return laterFunctions() }
