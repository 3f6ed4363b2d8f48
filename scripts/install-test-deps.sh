#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine: Go modules,
# Debian's chromium (browser tests) and FRR (the BGP router oracle).
set -euo pipefail
cd "$(dirname "$0")/.."

go mod download

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -x /usr/lib/frr/bgpd ] || need+=(frr)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v node >/dev/null 2>&1 || need+=(nodejs)
bash "$(dirname "$0")/apt-install.sh" "${need[@]}"

# Per-area extras (npm packages, tools built with go install, …).
for s in scripts/test-deps.d/*.sh; do
  [ -e "$s" ] || continue
  bash "$s"
done
