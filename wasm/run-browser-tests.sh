#!/usr/bin/env bash
# Runs the js/wasm tests that need a real browser (build tag "browser": the
# IndexedDB drafts store, and the whole bridge suite over it) in headless
# Chromium through wasmbrowsertest.
#
# go test runs a js/wasm test binary with the go_js_wasm_exec it finds on
# PATH; scripts/chromium-shim.sh makes that wasmbrowsertest, in headless
# Chromium with this machine's flags.
#
# Usage: bash wasm/run-browser-tests.sh [go test flags…]
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/chromium-shim.sh
shim="$(mktemp -d)"
trap 'rm -rf "$shim"' EXIT
chromium_shim "$shim"

# The IndexedDB store itself, then the whole bridge over it.
PATH="$shim:$PATH" GOOS=js GOARCH=wasm go test -tags browser -count=1 "$@" ./wasm/drafts/idbstore/ ./wasm/
