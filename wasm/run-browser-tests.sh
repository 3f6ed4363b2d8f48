#!/usr/bin/env bash
# Runs the js/wasm bridge suite in a real browser (headless Chromium through
# wasmbrowsertest), beside its run under Node (make test-wasm). The drafts
# (web/draftstore.js) are page JavaScript and have their own Chromium suite:
# go test ./wasm/drafts/.
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

PATH="$shim:$PATH" GOOS=js GOARCH=wasm go test -tags browser -count=1 "$@" ./wasm/
