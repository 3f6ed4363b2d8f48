#!/usr/bin/env bash
# Test dependencies of wasm/: wasmbrowsertest runs js/wasm tests in headless
# Chromium (the bridge suite, wasm/run-browser-tests.sh, and the Chromium
# benchmarks). Idempotent:
# installs only when the pinned version is missing.
set -euo pipefail
version=v0.11.0
bin="$(go env GOPATH)/bin/wasmbrowsertest"
if [ -x "$bin" ] && go version -m "$bin" 2>/dev/null | grep -q "wasmbrowsertest[[:space:]]*${version}"; then
  exit 0
fi
echo "installing github.com/agnivade/wasmbrowsertest@${version}"
go install "github.com/agnivade/wasmbrowsertest@${version}"
