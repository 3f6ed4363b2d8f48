#!/usr/bin/env bash
# The provisioning server: the time of one dry run of the seed plan through
# the API (and of the call rendering alone), and 500 WebSocket watchers of
# one provisioning run on loopback — the server (`hybridplan serve`, its own
# process) provisions the seed plan against the JD Cloud stand-in with each
# call held back 20 ms, and every watcher follows the run. Reported: event
# delivery delay from the event being recorded (before the journal's fsync)
# to each watcher receiving it, median and p99, over events recorded after
# the watcher connected; the server's resident memory with the watchers
# connected, and per watcher. Everything stays on 127.0.0.1 and stops by
# itself (bounded runs: fixed iteration counts, one provisioning run).
#
# WATCHERS (default 500) and DRYRUNS (default 300) change the sizes.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
dryruns=${DRYRUNS:-300}
export HYBRIDPLAN_BENCH_WATCHERS=${WATCHERS:-500}

echo "dry run of the seed plan ($dryruns runs)..."
go test -run '^$' -bench '^BenchmarkDryRunSeed(Render)?$' -benchtime "${dryruns}x" -count 1 ./server/ \
  | tee "$out/dryrun" | grep -E '^(Benchmark|ok|FAIL)' || true
echo "$HYBRIDPLAN_BENCH_WATCHERS WebSocket watchers of one run..."
go test -run '^$' -bench '^BenchmarkWatchers$' -benchtime 1x -count 1 -timeout 5m ./server/ \
  | tee "$out/watchers" | grep -E '^(Benchmark|ok|FAIL)' || true

awk '
  function field(line, unit,   i, n, f) {
    n = split(line, f, /[ \t]+/)
    for (i = 2; i <= n; i++) if (f[i] == unit) return f[i-1]
    return ""
  }
  /^BenchmarkDryRunSeed-/       { api = field($0, "ns/op") }
  /^BenchmarkDryRunSeedRender-/ { render = field($0, "ns/op") }
  /^BenchmarkWatchers-/ {
    w = field($0, "watchers"); p50 = field($0, "p50-ms"); p99 = field($0, "p99-ms")
    rss = field($0, "server-rss-MB"); per = field($0, "KB/watcher"); peak = field($0, "server-peak-rss-MB")
    ev = field($0, "events/run")
  }
  END {
    print ""
    printf "| %-41s | %s |\n", "server", "value"
    print "|-------------------------------------------|-------|"
    if (api != "")    printf "| dry run of the seed plan via the API      | %.2f ms |\n", api / 1e6
    if (render != "") printf "| of which rendering the 12 calls           | %.2f ms (%.0f%%) |\n", render / 1e6, 100 * render / api
    if (w != "") {
      printf "| watchers of one run (events in the run)   | %d (%d) |\n", w, ev
      printf "| event delivery delay, median              | %.1f ms |\n", p50
      printf "| event delivery delay, p99                 | %.1f ms |\n", p99
      printf "| server RSS with the watchers (peak)       | %.1f MB (%.1f MB) |\n", rss, peak
      printf "| server memory per watcher                 | %.1f KB |\n", per
    }
  }
' "$out/dryrun" "$out/watchers"
