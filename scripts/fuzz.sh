#!/usr/bin/env bash
# Runs every fuzz target for a bounded time ($1, default 15s). Go runs one
# fuzz target per invocation, so targets are listed and run one by one.
# Each runs FUZZ_WORKERS fuzzing processes (default 1): make test runs this
# beside the Go packages on 2 cores, where a worker per core would take the
# CPU the browser suite and the routers need. Alone, FUZZ_WORKERS=2 (or the
# number of cores) fuzzes more inputs in the same time.
#
# A target fails the run when go test fails for any reason but one: Go 1.26's
# fuzz coordinator can end a duration-bounded run with a bare "context
# deadline exceeded" although no input failed (golang/go#75804, fixed in Go
# 1.27). A real failure always writes its input to testdata/fuzz/TARGET/, so
# that message with no new file there is reported as the known race and the
# run goes on; anything else, or a new file, fails.
set -euo pipefail
cd "$(dirname "$0")/.."
budget=${1:-15s}
workers=${FUZZ_WORKERS:-1}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    echo "fuzz $pkg $target for $budget, $workers worker(s)"
    corpus="$dir/testdata/fuzz/$target"
    before=$(ls "$corpus" 2>/dev/null | sort || true)
    if go test -run='^$' -fuzz="^${target}\$" -fuzztime="$budget" -parallel="$workers" "$pkg" 2>&1 | tee "$log"; then
      continue
    fi
    after=$(ls "$corpus" 2>/dev/null | sort || true)
    if [ "$before" = "$after" ] && grep -q '^    context deadline exceeded$' "$log" && ! grep -q 'Failing input written' "$log"; then
      echo "fuzz $target: stopped by Go's fuzz-coordinator deadline race (golang/go#75804); no failing input was found"
      continue
    fi
    echo "fuzz $target FAILED: see the output above (a failing input is under $corpus)" >&2
    exit 1
  done
done
