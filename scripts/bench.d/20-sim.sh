#!/usr/bin/env bash
# Route simulation speed: sim.Matrix (every IDC segment × every VPC segment ×
# every standard scenario, 19 scenarios here) and sim.Run (one scenario's
# route tables with reasons) on a plan with 1,000 advertised prefixes,
# natively and as WebAssembly under Node. Prints ms per run and the
# wasm/native ratio; the goal is the whole matrix under 20 ms natively.
#
# Each benchmark makes one untimed call first: under Node the first call
# also pays for compiling the wasm code it reaches (over a second on these
# machines), a one-off cost per page load that is not the simulator's speed.
#
# BENCHTIME (default 1s) sets go test -benchtime.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench-lib.sh
pkg=./pkg/plan/sim
pattern='^Benchmark(Matrix1000|Run1000)$'
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

bench_go native "$out/native" "$pkg" "$pattern" -count 1
bench_go wasm "$out/wasm" "$pkg" "$pattern" -count 1

# Lines look like: BenchmarkMatrix1000-2  120  9745539 ns/op  6256446 B/op  31032 allocs/op
awk '
  FNR == 1 { run = (FILENAME ~ /wasm$/) ? "wasm" : "native" }
  /^Benchmark(Matrix1000|Run1000)/ {
    name = $1; sub(/^Benchmark/, "", name); sub(/-[0-9]+$/, "", name)
    for (i = 2; i <= NF; i++) if ($i == "ns/op") ns[name, run] = $(i-1)
    if (!(name in seen)) { seen[name] = 1; names[++n] = name }
  }
  function ms(x) { return x == "" ? "-" : sprintf("%.2f", x / 1e6) }
  function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "-" : sprintf("%.1fx", a / b) }
  END {
    if (n == 0) { print "no benchmark results: see the output above"; exit 1 }
    printf "\n%-12s | %-10s %-10s %-11s\n", "benchmark", "native ms", "wasm ms", "wasm/native"
    for (i = 1; i <= n; i++) {
      b = names[i]
      printf "%-12s | %-10s %-10s %-11s\n", b, ms(ns[b, "native"]), ms(ns[b, "wasm"]), ratio(ns[b, "wasm"], ns[b, "native"])
    }
    printf "\ngoal: Matrix1000 under 20 ms natively\n"
  }
' "$out/native" "$out/wasm"
