#!/usr/bin/env bash
# Plan validation speed: validate.Check on generated clean plans of 1k, 10k
# and 100k address blocks (already decoded: Check alone, not decoding),
# natively, as WebAssembly in headless Chromium (the page's engine) and
# under Node, beside the bulk overlap check done two ways in the same run:
# the sort-and-sweep that Check uses (cidr.CountOverlaps, the counting
# form of Check's cidr.AllOverlaps) and cidr.Index alone (insert every
# block, query every block). Sizes are the generator's; ns per block
# divides by the blocks the plan really has. Prints each ratio beside its
# anchor (native, measured in the same rounds). Goals:
# Check on 100k blocks in well under 100 ms natively; Chromium/native <= 3x
# at 10k and 100k blocks. Decoding is timed with the page's calls (40-wasm).
#
# Check warms up untimed first (internal/warmup), as the simulation
# benchmarks do: the engine's compilation is not Check's speed.
#
# Native and Chromium runs alternate, BENCHCOUNT (default 3) rounds, so both
# sides of the ratio see the same moments of a shared machine; the table
# keeps each side's fastest run, the one least disturbed. BENCHTIME
# (default 1s) sets go test -benchtime.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench-lib.sh
pkg=./pkg/plan/validate
pattern='^Benchmark(Validate|Sweep|Index)$'
count=${BENCHCOUNT:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for r in $(seq "$count"); do
  bench_go native "$out/native.$r" "$pkg" "$pattern" -count 1
  bench_go chromium "$out/chromium.$r" "$pkg" '^BenchmarkValidate$' -count 1
done
bench_go wasm "$out/node.1" "$pkg" "$pattern" -count 1

# Lines look like: BenchmarkValidate/prefixes=1000-2  5  291222 ns/op  276.6 ns/prefix ...
awk '
  function field(line, unit,   i, n, f) {
    n = split(line, f, /[ \t]+/)
    for (i = 2; i <= n; i++) if (f[i] == unit) return f[i-1]
    return ""
  }
  FNR == 1 { run = FILENAME; sub(/^.*\//, "", run); sub(/\.[0-9]+$/, "", run) }
  /^Benchmark(Validate|Sweep|Index)\/prefixes=/ {
    split($1, a, "/"); name = a[1]; sub(/^Benchmark/, "", name)
    size = a[2]; sub(/^prefixes=/, "", size); sub(/-[0-9]+$/, "", size)
    nsp = field($0, "ns/prefix"); nop = field($0, "ns/op")
    if (ns[name, run, size] == "" || nsp + 0 < ns[name, run, size] + 0) ns[name, run, size] = nsp
    if (op[name, run, size] == "" || nop + 0 < op[name, run, size] + 0) op[name, run, size] = nop
    if (!(size in seen)) { seen[size] = 1; sizes[++nsizes] = size }
  }
  function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "-" : sprintf("%.1fx", a / b) }
  function v(x) { return x == "" ? "-" : x }
  END {
    if (nsizes == 0) { print "no benchmark results: see the output above"; exit 1 }
    printf "\n%-9s | %-11s %-11s %-9s %-11s %-9s | %-11s %-11s %-11s | %-9s\n", "prefixes", "Check ns/p", "Check ns/p", "Chromium/", "Check ns/p", "Node/", "sweep ns/p", "index ns/p", "index/", "Check ms"
    printf "%-9s | %-11s %-11s %-9s %-11s %-9s | %-11s %-11s %-11s | %-9s\n", "", "native", "Chromium", "native", "Node", "native", "native", "native", "sweep", "native"
    for (i = 1; i <= nsizes; i++) {
      s = sizes[i]
      printf "%-9s | %-11s %-11s %-9s %-11s %-9s | %-11s %-11s %-11s | %-9s\n", s,
        v(ns["Validate", "native", s]), v(ns["Validate", "chromium", s]), ratio(ns["Validate", "chromium", s], ns["Validate", "native", s]),
        v(ns["Validate", "node", s]), ratio(ns["Validate", "node", s], ns["Validate", "native", s]),
        v(ns["Sweep", "native", s]), v(ns["Index", "native", s]), ratio(ns["Index", "native", s], ns["Sweep", "native", s]),
        (op["Validate", "native", s] == "" ? "-" : sprintf("%.1f", op["Validate", "native", s] / 1e6))
    }
    printf "\nns/p = ns per address block; fastest of %s interleaved native/Chromium rounds (Node: one run after them)\n", count
    printf "sweep = cidr.CountOverlaps (the sort-and-sweep Check uses, as cidr.AllOverlaps); index = the same check with cidr.Index\n"
    printf "goal: Check (decoded plan) on 100000 prefixes natively in well under 100 ms: %s ms\n", (op["Validate", "native", "100000"] == "" ? "-" : sprintf("%.1f", op["Validate", "native", "100000"] / 1e6))
    for (k = 1; k <= 2; k++) {
      s = (k == 1 ? "10000" : "100000")
      printf "goal: Check Chromium/native <= 3x at %s prefixes: %s (Chromium %s ns/p, anchor native %s ns/p, same rounds)\n", s,
        ratio(ns["Validate", "chromium", s], ns["Validate", "native", s]), v(ns["Validate", "chromium", s]), v(ns["Validate", "native", s])
    }
  }
' count="$count" "$out"/native.* "$out"/chromium.* "$out"/node.*
