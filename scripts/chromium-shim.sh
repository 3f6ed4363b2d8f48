# Sourced by wasm/run-browser-tests.sh and scripts/bench-lib.sh.
#
# chromium_shim DIR fills DIR (to go first on PATH) with the two names go
# test needs to run a js/wasm test binary in headless Chromium:
# go_js_wasm_exec -> wasmbrowsertest (which starts "chromium" from PATH
# through chromedp), and a chromium wrapper adding the flags this machine
# needs (no sandbox as root, no outside connections).
chromium_shim() {
  local dir=$1
  bash scripts/test-deps.d/wasm.sh
  local runner chromium
  runner="$(go env GOPATH)/bin/wasmbrowsertest"
  chromium="$(command -v chromium || command -v chromium-browser || true)"
  if [ -z "$chromium" ]; then
    echo "chromium is not installed (apt-get install chromium, or bash scripts/install-test-deps.sh)" >&2
    return 1
  fi
  ln -sf "$runner" "$dir/go_js_wasm_exec"
  cat >"$dir/chromium" <<WRAPPER
#!/bin/sh
exec "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \\
  --disable-background-networking --disable-component-update --disable-sync \\
  --host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost" \\
  --disable-dev-shm-usage "\$@"
WRAPPER
  chmod +x "$dir/chromium"
}
