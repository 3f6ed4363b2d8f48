//go:build js && wasm && !hplater

// Command wasm is the hybridplan WebAssembly core: it installs the
// JavaScript API globalThis.hybridplan (documented in API.md) over the Go
// planning packages and then waits for calls for the life of the page.
package main

import "syscall/js"

func main() {
	global := js.Global()
	install(global)
	signalReady(global)
	// The functions installed above run on the page's event loop; main
	// must not return or the Go runtime exits and they stop working.
	select {}
}
