//go:build js && wasm

// Command minimal is the floor the benchmarks compare the core with: a Go
// wasm module with only the runtime and syscall/js that installs an API
// object the way the core does (globalThis.hybridplan, no functions) and
// waits. scripts/bench.d/40-wasm.sh compares sizes, e2e's
// BenchmarkCoreReady the time to ready, loaded through the same bridge.
package main

import "syscall/js"

func main() {
	api := js.Global().Get("Object").New()
	api.Set("apiVersion", 0)
	js.Global().Set("hybridplan", api)
	select {}
}
