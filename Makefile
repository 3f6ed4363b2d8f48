# hybridplan — see README.md. Every target installs what it needs itself.
GO        ?= go
GOROOT    := $(shell $(GO) env GOROOT)
WASM_DIR  := $(GOROOT)/lib/wasm
BIN       := bin/hybridplan
ADDR      ?= 127.0.0.1:8080
FUZZTIME  ?= 15s
# Browser and router tests refuse to skip under `make test`: a missing
# chromium or FRR is a failure, not a silent pass.
export HYBRIDPLAN_REQUIRE_BROWSER ?= 1
export HYBRIDPLAN_REQUIRE_FRR     ?= 1

GO_SOURCES := $(shell find . -name '*.go' -not -path './node_modules/*') go.mod go.sum

.PHONY: all build wasm run test test-deps test-go test-side test-wasm test-wasm-browser fuzz test-checkptr test-race lint bench clean

all: build

## wasm: the WebAssembly core, its later module (share links, exports), the page's scripts, style sheets and example plans, precompressed, and the matching wasm_exec.js
wasm: web/hybridplan.wasm web/hybridplan-later.wasm web/wasm_exec.js web/.precompressed-assets web/index.html.br

# The page's files, compressed at build time (served like the wasm, by
# negotiation; the sums keep an edited file from going out as its stale copy).
# web/examples.json is generated from examples/*.json (go generate ./examples)
# and committed, so a static host serves it without a build.
WEB_ASSETS := $(sort $(wildcard web/*.js web/*.css) web/examples.json web/wasm_exec.js)

# A stamp, not web/precompressed.sums itself: compressing the wasm files
# rewrites the sums too, which made them look newer than an edited or new
# script, so the scripts were not compressed again. (The stamp starts with a
# dot, so the binary does not embed it.)
# cmd/precompress is a prerequisite too: it minifies the scripts and styles
# it compresses, so a change to it must reach their compressed copies.
web/.precompressed-assets: $(WEB_ASSETS) cmd/precompress/main.go
	$(GO) run ./cmd/precompress $(WEB_ASSETS)
	touch $@

# index.html compressed into web/, where the server looks for it
# (server/static.go: the binary embeds only index.html from the top level).
web/index.html.br: index.html
	cp index.html web/index.html
	$(GO) run ./cmd/precompress web/index.html; rc=$$?; rm -f web/index.html; exit $$rc

# Two modules from ./wasm (wasm/modules.go): the core the first screen
# needs, and what the page loads on first use.
web/hybridplan.wasm: $(GO_SOURCES)
	GOOS=js GOARCH=wasm $(GO) build -tags hpcore -trimpath -ldflags='-s -w' -o $@ ./wasm
	$(GO) run ./cmd/precompress $@

web/hybridplan-later.wasm: $(GO_SOURCES)
	GOOS=js GOARCH=wasm $(GO) build -tags hplater -trimpath -ldflags='-s -w' -o $@ ./wasm
	$(GO) run ./cmd/precompress $@

web/wasm_exec.js: $(WASM_DIR)/wasm_exec.js
	cp $< $@

## build: the command, with the page and the wasm core embedded
build: wasm
	$(GO) build -o $(BIN) ./cmd/hybridplan

## run: build and start the app on loopback with the embedded defaults
##      (make run ADDR=127.0.0.1:9090 DATA=/tmp/hp picks another port or state directory)
run: build
	./$(BIN) serve --addr $(ADDR)$(if $(DATA), --data $(DATA))

## test: every test; installs chromium and FRR with apt-get when missing
# The Go packages (test-go) and the rest (test-side: the wasm tests under
# Node and in Chromium, then the fuzz targets) run at the same time: the
# longest Go packages, the FRR oracle and the browser suite, spend most of
# their time waiting on BGP timers and pages, not on the CPU. test-go
# prints as it goes; test-side's output is kept and printed in one piece
# when it ends, so the two never interleave. Either failing fails the run.
test: test-deps lint wasm
	@$(MAKE) --no-print-directory -j2 test-go test-side

test-deps:
	bash scripts/install-test-deps.sh

test-go:
	$(GO) test -count=1 -timeout 25m ./...

test-side:
	@log=$$(mktemp); trap 'rm -f "$$log"' EXIT; start=$$(date +%s); \
	  if { $(MAKE) --no-print-directory test-wasm && $(MAKE) --no-print-directory test-wasm-browser && \
	       $(MAKE) --no-print-directory fuzz && $(MAKE) --no-print-directory test-checkptr && \
	       $(MAKE) --no-print-directory test-race; } >"$$log" 2>&1; then rc=0; else rc=$$?; fi; \
	  echo "=== test-side (test-wasm, test-wasm-browser, fuzz, test-checkptr, test-race), $$(( $$(date +%s) - start )) s:"; cat "$$log"; \
	  if [ $$rc -ne 0 ]; then echo "=== test-side FAILED (test-wasm, test-wasm-browser, fuzz, test-checkptr or test-race: see above)"; exit 1; fi

# The packages that run in the browser, tested as js/wasm under Node. There
# is no browser or router inside that runtime, so those tests may skip there.
# pkg/plan/decodebench is left to test-go: it pins and measures the native
# decoder over a corpus of 8 MiB documents (7 minutes under Node beside the
# browser suites, the longest step of make test), while the decoder's own
# tests in pkg/plan, the shortcuts' agreement with the general reading
# among them, run here too.
WASM_PKGS = $(shell GOOS=js GOARCH=wasm $(GO) list ./pkg/... ./wasm/... | grep -v '/pkg/plan/decodebench$$')
test-wasm:
	HYBRIDPLAN_REQUIRE_BROWSER= HYBRIDPLAN_REQUIRE_FRR= GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(WASM_DIR)/go_js_wasm_exec" $(WASM_PKGS)

# The bridge suite in real headless Chromium (the drafts, web/draftstore.js,
# are tested in Chromium by go test ./wasm/drafts/).
test-wasm-browser:
	bash wasm/run-browser-tests.sh

# The plan decoder writes decoded values through unsafe pointers at offsets
# it takes from reflection once (pkg/plan/decode.go): its tests, the pinned
# agreement corpus and the adversarial documents run again with the
# compiler's pointer checks, which fail on arithmetic leaving an allocation.
test-checkptr:
	$(GO) test -count=1 -gcflags=all=-d=checkptr ./pkg/plan/ ./pkg/plan/decodebench/

# The decoder's helper goroutine (pkg/plan/decode_split.go) writes the
# elements of a list while the decoder reads on: its tests, every way a
# helper's tail is taken or read again, run with the race detector.
test-race:
	$(GO) test -count=1 -race -run 'TestDecodeSplit' ./pkg/plan/

# Each fuzz target for a bounded time (go test runs one target at a time).
fuzz:
	bash scripts/fuzz.sh $(FUZZTIME)

# go vet checks pkg/fmtlite's Sprintf and Fprintf calls (and the wrappers it
# finds around them) as it checks fmt's: verbs against operand types, counts.
# Not Errorf: vet allows %w only in fmt.Errorf itself, so fmtlite's Errorf
# calls are checked by pkg/fmtlite's TestFormatsInSubset (verbs and counts).
FMTLITE := github.com/hybridplan/hybridplan/pkg/fmtlite
VETFLAGS := -printf.funcs=$(FMTLITE).Sprintf,$(FMTLITE).Fprintf

lint:
	@$(GO) mod tidy -diff >/dev/null || { echo "go.mod/go.sum are not tidy: run 'go mod tidy'"; $(GO) mod tidy -diff; exit 1; }
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(VETFLAGS) ./...
	GOOS=js GOARCH=wasm $(GO) vet $(VETFLAGS) ./wasm/... ./pkg/...
	GOOS=js GOARCH=wasm $(GO) vet $(VETFLAGS) -tags hpcore ./wasm/...
	GOOS=js GOARCH=wasm $(GO) vet $(VETFLAGS) -tags hplater ./wasm/...

## bench: benchmarks native and as WebAssembly, with summary tables
bench: test-deps wasm
	bash scripts/bench.sh

clean:
	rm -rf bin testoutput web/hybridplan.wasm web/hybridplan-later.wasm web/*.gz web/*.br web/precompressed.sums web/.precompressed-assets web/wasm_exec.js
