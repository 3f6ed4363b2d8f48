#!/usr/bin/env bash
# The browser tests (e2e/) need Debian's chromium; chromedp needs no driver.
# install-test-deps.sh installs chromium already; this keeps the e2e suite's
# need explicit and checks the binary actually starts, so a broken install
# fails here and not in the middle of the tests.
set -euo pipefail
command -v chromium >/dev/null 2>&1 || bash "$(dirname "$0")/../apt-install.sh" chromium
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --disable-dev-shm-usage --disable-quic \
  --host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost" \
  --user-data-dir="$profile" --dump-dom about:blank >/dev/null 2>&1 ||
  { echo "e2e.sh: chromium is installed but does not start headless" >&2; exit 1; }
