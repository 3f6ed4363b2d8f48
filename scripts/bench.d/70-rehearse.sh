#!/usr/bin/env bash
# Rehearsal wall time: `hybridplan rehearse --all --timers 1,3` on the seed
# plan (real FRR routers in network namespaces, UDP probes at 1 kHz), the
# wall time of every scenario: build or reset, bring-up, failure, failback,
# each path watched for 0.4 s. The anchor is the `normal` scenario of the
# same run (bring-up and one observation, no failure): each scenario is
# also given as a ratio to it. Needs root and FRR (scripts/test-deps.d/frr.sh);
# without them it says so and skips.
set -euo pipefail
cd "$(dirname "$0")/../.."
plan=${REHEARSE_PLAN:-examples/seed-dc-primary-vpn-backup.json}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

if [ "$(id -u)" != 0 ] || [ ! -x /usr/lib/frr/bgpd ]; then
  echo "70-rehearse: skipped (needs root and FRR: bash scripts/test-deps.d/frr.sh)"
  exit 0
fi
go build -o "$out/hybridplan" ./cmd/hybridplan
start=$(date +%s.%N)
status=0
"$out/hybridplan" rehearse --all --timers 1,3 --json "$plan" > "$out/report.json" || status=$?
end=$(date +%s.%N)
if [ "$status" = 2 ]; then
  echo "70-rehearse: the lab could not run (exit 2)"
  exit 1
fi
# The indented JSON has each scenario's name and wall time on lines of
# their own: "scenario": "…", … "wallMillis": N.
awk -v start="$start" -v end="$end" -v status="$status" '
  /^      "scenario": / { name = $2; gsub(/[",]/, "", name) }
  /^      "agree": / { ok = $2; gsub(/,/, "", ok) }
  /^      "wallMillis": / { ms = $2; gsub(/,/, "", ms); names[++n] = name; wall[n] = ms; agree[n] = ok; if (name == "normal") anchor = ms }
  END {
    if (n == 0) { print "no scenarios in the report"; exit 1 }
    printf "\n%-42s | %-8s %-9s %s\n", "scenario", "wall s", "/normal", "agrees"
    for (i = 1; i <= n; i++)
      printf "%-42s | %-8.1f %-9s %s\n", names[i], wall[i] / 1000, anchor ? sprintf("%.1fx", wall[i] / anchor) : "-", agree[i]
    printf "\nwhole rehearsal %.1f s for %d scenarios (exit %d: 0 agree, 1 disagree)\n", end - start, n, status
  }
' "$out/report.json"
