# Sourced by scripts/bench.d/*.sh.
. scripts/chromium-shim.sh
#
# bench_go WHERE OUTFILE PKG PATTERN [go test flags…] runs PKG's benchmarks
# matching PATTERN natively (WHERE=native), as WebAssembly under Node
# (WHERE=wasm) or in headless Chromium through wasmbrowsertest
# (WHERE=chromium, the engine the page runs in), keeps the full output in OUTFILE for the script's table and
# echoes the result lines. BENCHTIME (default 1s) sets -benchtime; flags
# given after PATTERN come later on the command line and so override it.
bench_go() {
  local where=$1 outfile=$2 pkg=$3 pattern=$4
  shift 4
  local -a envs=() exec=()
  local shim=""
  if [ "$where" = wasm ]; then
    echo "wasm under Node ($(node --version 2>/dev/null || echo 'node missing'))..."
    envs=(GOOS=js GOARCH=wasm)
    exec=(-exec="$(go env GOROOT)/lib/wasm/go_js_wasm_exec")
  elif [ "$where" = chromium ]; then
    echo "wasm in headless Chromium ($(chromium --version 2>/dev/null || echo 'chromium missing'))..."
    shim="$(mktemp -d)"
    chromium_shim "$shim" || return 1
    envs=(GOOS=js GOARCH=wasm PATH="$shim:$PATH")
    exec=(-exec="$shim/go_js_wasm_exec")
  else
    echo "native ($(go env GOARCH), GOMAXPROCS $(nproc))..."
  fi
  env "${envs[@]}" go test "${exec[@]}" -run '^$' -bench "$pattern" -benchtime "${BENCHTIME:-1s}" "$@" "$pkg" |
    tee "$outfile" | grep -E '^(Benchmark|ok|FAIL)' || true
  [ -z "$shim" ] || rm -rf "$shim"
}
