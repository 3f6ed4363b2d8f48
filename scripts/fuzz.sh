#!/usr/bin/env bash
# Runs every fuzz target for a bounded time ($1, default 15s). Go runs one
# fuzz target per invocation, so targets are listed and run one by one.
set -euo pipefail
cd "$(dirname "$0")/.."
budget=${1:-15s}
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    echo "fuzz $pkg $target for $budget"
    go test -run='^$' -fuzz="^${target}\$" -fuzztime="$budget" "$pkg"
  done
done
