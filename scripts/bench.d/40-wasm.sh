#!/usr/bin/env bash
# The WebAssembly core: its size as served (raw, gzip, brotli), the share-link
# length of the seed scenario and of a 100-prefix plan, and validation per
# keystroke natively and through the js/wasm bridge under Node (steady state:
# 3 s per benchmark so Node's optimising tier has kicked in), as a ratio.
set -euo pipefail
cd "$(dirname "$0")/../.."

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Built here with the flags of `make wasm`, so this section stands alone.
GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' -o "$tmp/hybridplan.wasm" ./wasm
go run ./cmd/precompress "$tmp/hybridplan.wasm"
size() { stat -c %s "$1"; }
raw=$(size "$tmp/hybridplan.wasm"); gz=$(size "$tmp/hybridplan.wasm.gz"); br=$(size "$tmp/hybridplan.wasm.br")
echo "wasm core size (goal: under 1 MB transferred)"
printf '  %-8s %10s bytes  %7.2f MiB\n' raw "$raw" "$(echo "$raw/1048576" | bc -l)"
printf '  %-8s %10s bytes  %7.2f MiB  (%.1f%% of raw)\n' gzip "$gz" "$(echo "$gz/1048576" | bc -l)" "$(echo "100*$gz/$raw" | bc -l)"
printf '  %-8s %10s bytes  %7.2f MiB  (%.1f%% of raw)\n' brotli "$br" "$(echo "$br/1048576" | bc -l)" "$(echo "100*$br/$raw" | bc -l)"

echo "share-link length (goal: seed under 600 characters)"
go test -run '^$' -bench 'BenchmarkEncode' -benchtime 50x ./pkg/plan/share/ |
  awk '/^BenchmarkEncode/ { for (i = 1; i <= NF; i++) if ($i == "link-chars") chars = $(i-1);
       name = $1; sub(/^BenchmarkEncode/, "", name); sub(/-[0-9]+$/, "", name);
       printf "  %-14s %6d characters  (encode %s %s)\n", name, chars, $3, $4 }'

echo "validate per keystroke: native vs js/wasm bridge under Node (goal: under 16 ms up to 200 prefixes)"
go test -run '^$' -bench 'BenchmarkValidate' -benchtime 1s ./wasm/api/ | awk '/^BenchmarkValidate/ { n = $1; sub(/^BenchmarkValidate/, "", n); sub(/-[0-9]+$/, "", n); print n, $3 }' >"$tmp/native"
GOOS=js GOARCH=wasm go test -exec="$(go env GOROOT)/lib/wasm/go_js_wasm_exec" -run '^$' -bench 'BenchmarkBridgeValidate' -benchtime 3s ./wasm/ |
  awk '/^BenchmarkBridgeValidate/ { n = $1; sub(/^BenchmarkBridgeValidate/, "", n); sub(/-[0-9]+$/, "", n); print n, $3 }' >"$tmp/wasm"
join <(sort "$tmp/native") <(sort "$tmp/wasm") | awk '{ printf "  %-9s native %8.3f ms   wasm bridge %8.3f ms   ratio %5.1fx\n", ($1 == "Seed" ? "seed" : $1 " seg"), $2/1e6, $3/1e6, $3/$2 }'
