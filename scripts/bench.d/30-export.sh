#!/usr/bin/env bash
# Router configuration export speed: export.Render (validation, strategy,
# design and rendering) for each vendor on generated plans announcing 1k and
# 10k prefixes, natively and as WebAssembly under Node, with the wasm/native
# ratio. Export runs once per download, so the point is that it stays well
# under a second for the largest realistic plan in the browser.
#
# BENCHTIME (default 1s) sets go test -benchtime.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench-lib.sh
pkg=./pkg/plan/export
pattern='^BenchmarkRender$'
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

bench_go native "$out/native" "$pkg" "$pattern" -count 1
bench_go wasm "$out/wasm" "$pkg" "$pattern" -count 1

# Lines look like: BenchmarkRender/format=frr/prefixes=1000-2  20  5111243 ns/op  92727 bytes  5116 ns/prefix
awk '
  function field(line, unit,   i, n, f) {
    n = split(line, f, /[ \t]+/)
    for (i = 2; i <= n; i++) if (f[i] == unit) return f[i-1]
    return ""
  }
  FNR == 1 { run = (FILENAME ~ /wasm$/) ? "wasm" : "native" }
  /^BenchmarkRender\/format=/ {
    split($1, a, "/"); fmt = a[2]; sub(/^format=/, "", fmt)
    size = a[3]; sub(/^prefixes=/, "", size); sub(/-[0-9]+$/, "", size)
    key = fmt " " size
    op[key, run] = field($0, "ns/op"); bytes[key] = field($0, "bytes")
    if (!(key in seen)) { seen[key] = 1; keys[++n] = key }
  }
  function ms(x) { return x == "" ? "-" : sprintf("%.1f", x / 1e6) }
  function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "-" : sprintf("%.1fx", a / b) }
  END {
    if (n == 0) { print "no benchmark results: see the output above"; exit 1 }
    printf "\n%-8s %-9s | %-10s %-10s %-11s | %-9s\n", "format", "prefixes", "native ms", "wasm ms", "wasm/native", "KiB"
    for (i = 1; i <= n; i++) {
      split(keys[i], k, " ")
      printf "%-8s %-9s | %-10s %-10s %-11s | %-9s\n", k[1], k[2], ms(op[keys[i], "native"]), ms(op[keys[i], "wasm"]),
        ratio(op[keys[i], "wasm"], op[keys[i], "native"]), (bytes[keys[i]] == "" ? "-" : sprintf("%.0f", bytes[keys[i]] / 1024))
    }
  }
' "$out/native" "$out/wasm"
