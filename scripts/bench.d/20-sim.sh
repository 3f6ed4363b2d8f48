#!/usr/bin/env bash
# Route simulation speed: sim.Matrix (every IDC segment × every VPC segment ×
# every standard scenario: 23 scenarios, 333 IDC segments and 4 VPC
# segments here, 30,636 cells, as the Cell structs the server and the CLI
# encode), sim.MatrixIndexed (the same matrix as the page's matrixTable
# computes it: each verdict once, cells as integers) and sim.Run (one
# scenario's route tables with reasons) on a plan with 1,000 advertised
# prefixes, natively, as WebAssembly in headless Chromium (the page's
# engine) and under Node. Prints ms per run and each ratio beside its
# anchor (native, measured in the same rounds); goals: the whole matrix
# under 20 ms natively, and Chromium/native <= 3x for the matrix.
#
# Each benchmark warms up untimed first (internal/warmup: at least 3 calls
# and 1 s): as WebAssembly the first calls also pay for compiling and
# tiering up the code they reach (seconds each on a loaded machine), a
# one-off cost per page load that is not the simulator's speed.
#
# Native and Chromium runs alternate, BENCHCOUNT (default 3) rounds, the
# fastest of each side kept. BENCHTIME (default 1s) sets go test -benchtime.
# Each run passes over the benchmarks BENCHPASSES (default 2) times in one
# process: on a loaded machine V8 can still be tiering up the first
# benchmark's code after the warm-up (one or two calls of a second each
# where the steady state takes tens of milliseconds); the later pass times
# the steady state.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench-lib.sh
pkg=./pkg/plan/sim
pattern='^Benchmark(Matrix1000|MatrixIndexed1000|Run1000)$'
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

count=${BENCHCOUNT:-3}
passes=${BENCHPASSES:-2}
for r in $(seq "$count"); do
  bench_go native "$out/native.$r" "$pkg" "$pattern" -count "$passes"
  bench_go chromium "$out/chromium.$r" "$pkg" "$pattern" -count "$passes"
done
bench_go wasm "$out/node.1" "$pkg" "$pattern" -count "$passes"

# Lines look like: BenchmarkMatrix1000-2  120  9745539 ns/op  6256446 B/op  31032 allocs/op
awk '
  FNR == 1 { run = FILENAME; sub(/^.*\//, "", run); sub(/\.[0-9]+$/, "", run) }
  /^Benchmark(Matrix1000|MatrixIndexed1000|Run1000)/ {
    name = $1; sub(/^Benchmark/, "", name); sub(/-[0-9]+$/, "", name)
    for (i = 2; i <= NF; i++) if ($i == "ns/op" && (ns[name, run] == "" || $(i-1) + 0 < ns[name, run] + 0)) ns[name, run] = $(i-1)
    if (!(name in seen)) { seen[name] = 1; names[++n] = name }
  }
  function ms(x) { return x == "" ? "-" : sprintf("%.2f", x / 1e6) }
  function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "-" : sprintf("%.1fx", a / b) }
  END {
    if (n == 0) { print "no benchmark results: see the output above"; exit 1 }
    printf "\n%-17s | %-10s %-12s %-16s %-9s %-11s\n", "benchmark", "native ms", "Chromium ms", "Chromium/native", "Node ms", "Node/native"
    for (i = 1; i <= n; i++) {
      b = names[i]
      printf "%-17s | %-10s %-12s %-16s %-9s %-11s\n", b, ms(ns[b, "native"]), ms(ns[b, "chromium"]), ratio(ns[b, "chromium"], ns[b, "native"]), ms(ns[b, "node"]), ratio(ns[b, "node"], ns[b, "native"])
    }
    printf "\nfastest of %s interleaved native/Chromium rounds (Node: one run after them)\n", count
    printf "goal: Matrix1000 under 20 ms natively: %s ms\n", ms(ns["Matrix1000", "native"])
    for (k = 1; k <= 2; k++) {
      b = k == 1 ? "Matrix1000" : "MatrixIndexed1000"
      printf "goal: %s Chromium/native <= 3x: %s (Chromium %s ms, anchor native %s ms, same rounds)\n", b, ratio(ns[b, "chromium"], ns[b, "native"]), ms(ns[b, "chromium"]), ms(ns[b, "native"])
    }
  }
' count="$count" "$out"/native.* "$out"/chromium.* "$out"/node.*
