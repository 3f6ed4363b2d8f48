#!/usr/bin/env bash
# make bench: runs every benchmark natively and as WebAssembly under Node,
# then prints the summary tables. Sections are added as suites appear.
set -euo pipefail
cd "$(dirname "$0")/.."
for s in scripts/bench.d/*.sh; do
  [ -e "$s" ] || continue
  echo "== $(basename "$s" .sh)"
  bash "$s"
done
