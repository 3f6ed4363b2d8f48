//go:build js && wasm && hplater

package main

import "syscall/js"

// main of the later module (modules.go): the same bridge with only
// laterFunctions, in a worker of its own (web/bridge.js).
func main() {
	global := js.Global()
	install(global)
	signalReady(global)
	select {}
}
