#!/usr/bin/env bash
# Provisioning: building the seed plan's ordered JD Cloud calls (natively and
# as WebAssembly under Node, since the page shows them), their JSON round
# trip (a stored run), the dry run (every call rendered as its HTTP request
# by the SDK's parameter builder), and a full provision + teardown of the
# seed plan through the real SDK against the JD Cloud stand-in on loopback.
# Prints the per-call costs and the ratios between them.
#
# BENCHTIME (default 1s) sets go test -benchtime natively; WASM_BENCHTIME
# (default 3s) under Node, where the first second is mostly Node compiling
# and tiering up the wasm (1s runs measured ~4 ms per Calls, 3s ~0.18 ms).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench-lib.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

bench_go native "$out/native-calls" ./pkg/plan/provision '^BenchmarkCalls(JSON)?$' -count 1
bench_go native "$out/native-sdk" ./server/jdcloud '^Benchmark(DryRun|ProvisionSeed)$' -count 1
cat "$out/native-calls" "$out/native-sdk" >"$out/native"
bench_go wasm "$out/wasm" ./pkg/plan/provision '^BenchmarkCalls$' -benchtime "${WASM_BENCHTIME:-3s}" -count 1

# Lines look like: BenchmarkDryRun-2  262  873249 ns/op  12.00 calls/op ...
awk '
  function field(line, unit,   i, n, f) {
    n = split(line, f, /[ \t]+/)
    for (i = 2; i <= n; i++) if (f[i] == unit) return f[i-1]
    return ""
  }
  FNR == 1 { run = (FILENAME ~ /wasm$/) ? "wasm" : "native" }
  /^Benchmark/ {
    name = $1; sub(/^Benchmark/, "", name); sub(/-[0-9]+$/, "", name)
    ns[name, run] = field($0, "ns/op")
    if (field($0, "calls/op") != "") calls = field($0, "calls/op")
    if (field($0, "requests/op") != "") reqs = field($0, "requests/op")
  }
  function us(x) { return x == "" ? "-" : sprintf("%.1f", x / 1000) }
  function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "-" : sprintf("%.1fx", a / b) }
  END {
    if (ns["Calls", "native"] == "") { print "no benchmark results: see the output above"; exit 1 }
    printf "\n%-34s %12s %12s\n", "seed plan", "native µs", "wasm µs"
    printf "%-34s %12s %12s   wasm/native %s\n", "Calls (12 calls)", us(ns["Calls", "native"]), us(ns["Calls", "wasm"]), ratio(ns["Calls", "wasm"], ns["Calls", "native"])
    printf "%-34s %12s\n", "calls JSON round trip", us(ns["CallsJSON", "native"])
    printf "%-34s %12s   (%s µs per call)\n", "dry run (" calls " HTTP requests)", us(ns["DryRun", "native"]), (calls ? us(ns["DryRun", "native"] / calls) : "-")
    printf "%-34s %12s   (%s requests, %s µs per request)\n", "provision + teardown via SDK", us(ns["ProvisionSeed", "native"]), reqs, (reqs ? us(ns["ProvisionSeed", "native"] / reqs) : "-")
    printf "\nratios: dry run / Calls %s, provision+teardown / dry run %s\n", ratio(ns["DryRun", "native"], ns["Calls", "native"]), ratio(ns["ProvisionSeed", "native"], ns["DryRun", "native"])
  }
' "$out/native" "$out/wasm"
