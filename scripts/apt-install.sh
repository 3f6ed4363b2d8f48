#!/usr/bin/env bash
# apt-install.sh PACKAGE…: installs Debian packages without prompts, as root
# or through sudo. Callers decide what is missing; this only installs it.
set -euo pipefail
[ $# -gt 0 ] || exit 0
echo "installing with apt-get: $*"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
