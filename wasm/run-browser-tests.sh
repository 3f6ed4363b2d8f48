#!/usr/bin/env bash
# Runs the js/wasm tests that need a real browser (build tag "browser": the
# IndexedDB drafts store, and the whole bridge suite over it) in headless
# Chromium through wasmbrowsertest.
#
# go test runs a js/wasm test binary with the go_js_wasm_exec it finds on
# PATH; here that is wasmbrowsertest, which starts "chromium" from PATH
# through chromedp. A temporary directory first on PATH holds both names:
# go_js_wasm_exec -> wasmbrowsertest, and a chromium wrapper adding the
# flags this machine needs (no sandbox as root, no outside connections).
#
# Usage: bash wasm/run-browser-tests.sh [go test flags…]
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/test-deps.d/wasm.sh
runner="$(go env GOPATH)/bin/wasmbrowsertest"
chromium="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$chromium" ]; then
  echo "run-browser-tests: chromium is not installed (apt-get install chromium, or bash scripts/install-test-deps.sh)" >&2
  exit 1
fi

shim="$(mktemp -d)"
trap 'rm -rf "$shim"' EXIT
ln -s "$runner" "$shim/go_js_wasm_exec"
cat >"$shim/chromium" <<WRAPPER
#!/bin/sh
exec "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \\
  --disable-background-networking --disable-component-update --disable-sync \\
  --disable-dev-shm-usage \\
  --host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost" "\$@"
WRAPPER
chmod +x "$shim/chromium"

# The IndexedDB store itself, then the whole bridge over it.
PATH="$shim:$PATH" GOOS=js GOARCH=wasm go test -tags browser -count=1 "$@" ./wasm/drafts/idbstore/ ./wasm/
