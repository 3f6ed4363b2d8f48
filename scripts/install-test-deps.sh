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
if [ ${#need[@]} -gt 0 ]; then
  echo "installing with apt-get: ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Per-area extras (npm packages, tools built with go install, …).
for s in scripts/test-deps.d/*.sh; do
  [ -e "$s" ] || continue
  bash "$s"
done
