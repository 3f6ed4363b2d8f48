// Package warmup runs a benchmark's call untimed until the engine has
// settled. As WebAssembly (V8 in Chromium and Node) the first calls run
// code that is still being compiled and tiered up in the background: on a
// loaded machine the first three calls of sim.Matrix took 4.0, 3.2 and
// 1.9 s, then 20–100 ms each. A time-based benchmark (-benchtime 1s) that
// starts timing there ends after one or two of those calls and reports
// the compiler, not the code. The page pays that once per load (the core
// ready time measures it); benchmarks time the steady state.
package warmup

import "time"

// Minimums of the warm-up: at least this many calls, and calls until this
// much time has passed.
const (
	MinCalls = 3
	MinTime  = time.Second
)

// Run calls f untimed (call it before the benchmark's timed loop) at least
// MinCalls times and until MinTime has passed, stopping early at the first
// error, which it returns.
func Run(f func() error) error {
	start := time.Now()
	for n := 0; n < MinCalls || time.Since(start) < MinTime; n++ {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}
