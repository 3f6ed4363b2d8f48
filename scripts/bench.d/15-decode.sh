#!/usr/bin/env bash
# Plan decoding speed: plan.DecodeBytes on the seed and on generated clean
# plans of 10k and 100k address blocks (compact JSON, as the page and the
# server pass plans), natively, each beside its anchor validate.Check on the
# same plan, both timed in the same benchmark loop
# (pkg/plan/decodebench BenchmarkDecode). Goal (issue 14): decoding a
# 100k-block plan is no slower than checking it, decode/check <= 1.
#
# The decoder reads a long list's tail on a second goroutine where
# GOMAXPROCS > 1 (plan's splitList); Check uses one. Each round also runs
# with -cpu 1 (GOMAXPROCS=1, as in the page's WebAssembly, where the
# decoder reads alone), printed beside the goal for information.
#
# BENCHCOUNT (default 3) runs; the table shows, per size, the median
# decode/check of the runs (each run's ratio has its own anchor) and the
# fastest decode and Check times. BENCHTIME (default 1s) sets -benchtime.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench-lib.sh
pkg=./pkg/plan/decodebench
count=${BENCHCOUNT:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for r in $(seq "$count"); do
  bench_go native "$out/native.$r" "$pkg" '^BenchmarkDecode$' -count 1
  echo "the same with -cpu 1 (GOMAXPROCS=1: no helper goroutine)"
  bench_go native "$out/single.$r" "$pkg" '^BenchmarkDecode$' -count 1 -cpu 1
done

# Lines look like: BenchmarkDecode/blocks=100000-2  16  140310185 ns/op  84015225 check-ns/op
#   7388912 decode-B/op  56294026 decode-ns/op  0.6700 decode/check  4378305 doc-bytes
awk '
  function field(line, unit,   i, n, f) {
    n = split(line, f, /[ \t]+/)
    for (i = 2; i <= n; i++) if (f[i] == unit) return f[i-1]
    return ""
  }
  function lower(a, b) { return (a == "" || b + 0 < a + 0) ? b : a }
  # Rows keyed by size; the -cpu 1 rounds (files single.*) by "1:" size,
  # outside the table.
  /^BenchmarkDecode\// {
    split($1, a, "/"); size = a[2]; sub(/-[0-9]+$/, "", size); sub(/^blocks=/, "", size)
    if (FILENAME ~ /single/) size = "1:" size
    else if (!(size in seen)) { seen[size] = 1; sizes[++nsizes] = size }
    dec[size] = lower(dec[size], field($0, "decode-ns/op"))
    chk[size] = lower(chk[size], field($0, "check-ns/op"))
    bop[size] = lower(bop[size], field($0, "decode-B/op"))
    doc[size] = field($0, "doc-bytes")
    ratios[size, ++nr[size]] = field($0, "decode/check")
  }
  function median(s,   i, j, n, t, r) {
    n = nr[s]
    for (i = 1; i <= n; i++) r[i] = ratios[s, i] + 0
    for (i = 2; i <= n; i++) for (j = i; j > 1 && r[j-1] > r[j]; j--) { t = r[j]; r[j] = r[j-1]; r[j-1] = t }
    return n % 2 ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2
  }
  END {
    if (nsizes == 0) { print "no benchmark results: see the output above"; exit 1 }
    printf "\n%-8s | %-10s %-10s | %-12s %-12s | %-12s\n", "blocks", "decode ms", "Check ms", "decode/Check", "decode MB/op", "document MB"
    for (i = 1; i <= nsizes; i++) {
      s = sizes[i]
      printf "%-8s | %-10.3f %-10.3f | %-12.2f %-12.2f | %-12.2f\n", s, dec[s] / 1e6, chk[s] / 1e6, median(s), bop[s] / 1e6, doc[s] / 1e6
    }
    printf "\ndecode = plan.DecodeBytes of the compact JSON; anchor Check = validate.Check on the decoded plan, timed in the same loop\n"
    printf "decode/Check: median of %s runs, each against its own anchor; ms: fastest of the runs\n", count
    printf "goal: decode no slower than Check at 100000 blocks: %s (decode %s ms, anchor Check %s ms, same loop; GOMAXPROCS %s, the decoder uses 2 goroutines, Check 1)\n",
      ("100000" in seen ? sprintf("%.2f", median("100000")) : "-"),
      ("100000" in seen ? sprintf("%.2f", dec["100000"] / 1e6) : "-"), ("100000" in seen ? sprintf("%.2f", chk["100000"] / 1e6) : "-"), procs
    printf "for information, GOMAXPROCS=1 (-cpu 1, the decoder alone as in the page): decode/Check at 100000 blocks %s (decode %s ms, anchor Check %s ms); at 10000 %s\n",
      (("1:100000", 1) in ratios ? sprintf("%.2f", median("1:100000")) : "-"),
      ("1:100000" in dec ? sprintf("%.2f", dec["1:100000"] / 1e6) : "-"), ("1:100000" in chk ? sprintf("%.2f", chk["1:100000"] / 1e6) : "-"),
      (("1:10000", 1) in ratios ? sprintf("%.2f", median("1:10000")) : "-")
  }
' count="$count" procs="$(nproc)" "$out"/native.* "$out"/single.*
