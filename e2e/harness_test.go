// Package e2e tests the browser app end to end in real headless Chromium,
// driven by github.com/chromedp/chromedp: the page (index.html and web/ from
// the repository) with the WebAssembly core built from this tree, served from
// a loopback httptest server exactly as a static host would serve them.
package e2e

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/hybridplan/hybridplan/internal/browsertest"
)

// env is what TestMain prepares once for every test and benchmark.
type env struct {
	root    string // the repository
	url     string // the page, served from loopback
	browser string // the chromium executable
	wasm    string // the built core
	execJS  string // its wasm_exec.js
}

// suite is set by TestMain before any test runs and never changed after.
var suite env

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

// parallel is how many tests run at once when go test's -parallel is not
// given (its default is the number of CPUs). Each test drives its own
// browser, and a browser spends much of a test waiting for the page, the
// workers and the debounce timers, so more tests than cores keep the CPUs
// busy: on 2 cores the suite took 254 s one at a time.
const parallel = 4

// defaultParallel sets -test.parallel to parallel unless the command line
// chose a value.
func defaultParallel() {
	flag.Parse()
	chosen := false
	flag.Visit(func(f *flag.Flag) { chosen = chosen || f.Name == "test.parallel" })
	if !chosen {
		_ = flag.Set("test.parallel", strconv.Itoa(parallel))
	}
}

func run(m *testing.M) int {
	defaultParallel()
	exe := browsertest.FindChromium()
	if exe == "" {
		if browsertest.Required() {
			fmt.Fprintln(os.Stderr, "e2e: chromium is not installed but HYBRIDPLAN_REQUIRE_BROWSER=1; install it with scripts/install-test-deps.sh (apt-get install chromium)")
			return 1
		}
		fmt.Fprintln(os.Stderr, "e2e: skipping the browser tests: chromium is not installed (set HYBRIDPLAN_REQUIRE_BROWSER=1 to make this a failure)")
		return 0
	}
	root, err := repoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	dir, err := os.MkdirTemp("", "hybridplan-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	wasm, execJS, err := browsertest.BuildCore(root, dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	srv := httptest.NewServer(staticSite(root, wasm, execJS))
	defer srv.Close()
	suite = env{root: root, url: srv.URL + "/", browser: exe, wasm: wasm, execJS: execJS}
	return m.Run()
}

func repoRoot() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("cannot locate the e2e package's source")
	}
	root := filepath.Dir(filepath.Dir(file))
	if _, err := os.Stat(filepath.Join(root, "index.html")); err != nil {
		return "", fmt.Errorf("index.html not found in %s: run the tests from the repository", root)
	}
	return root, nil
}

// staticSite serves what a static host would: index.html, web/ from the
// repository, and the freshly built core. Nothing else answers, in
// particular not api/v1/health: the page must work with no server.
func staticSite(root, wasm, execJS string) http.Handler {
	return staticSiteTyped(root, wasm, execJS, "application/wasm")
}

// staticSiteTyped is staticSite with the core sent as wasmType, to check
// hosts that do not know the wasm content type.
func staticSiteTyped(root, wasm, execJS, wasmType string) http.Handler {
	web := http.FileServer(http.Dir(root))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		switch p := r.URL.Path; {
		case p == "/" || p == "/index.html":
			http.ServeFile(w, r, filepath.Join(root, "index.html"))
		case p == "/web/hybridplan.wasm":
			w.Header().Set("Content-Type", wasmType)
			http.ServeFile(w, r, wasm)
		case p == "/web/hybridplan-later.wasm":
			w.Header().Set("Content-Type", wasmType)
			http.ServeFile(w, r, browsertest.LaterPath(wasm))
		case p == "/web/wasm_exec.js":
			w.Header().Set("Content-Type", "text/javascript")
			http.ServeFile(w, r, execJS)
		case strings.HasPrefix(p, "/web/") && !strings.Contains(p, ".."):
			if strings.HasSuffix(p, ".js") {
				w.Header().Set("Content-Type", "text/javascript")
			}
			web.ServeHTTP(w, r)
		default:
			http.NotFound(w, r)
		}
	})
}

// browser is one Chromium with a fresh profile, and one tab in it.
type browser struct {
	t   testing.TB
	ctx context.Context

	mu       sync.Mutex
	problems []string // uncaught exceptions and console errors
}

// Viewports the page is checked at: a laptop and a projector.
const (
	laptopW, laptopH       = 1366, 768
	projectorW, projectorH = 1920, 1080
)

// newBrowser starts Chromium (browsertest.Start: the project's flags, a
// fresh profile) at the laptop viewport, listening for page errors.
func newBrowser(t testing.TB) *browser {
	t.Helper()
	ctx := browsertest.Start(t, suite.browser)
	b := &browser{t: t, ctx: ctx}
	b.listen()
	b.viewport(laptopW, laptopH)
	return b
}

// listen collects the tab's uncaught exceptions and console errors.
func (b *browser) listen() {
	msgs := chromedp.Console(b.ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == chromedp.ConsoleError {
				b.mu.Lock()
				b.problems = append(b.problems, m.String())
				b.mu.Unlock()
			}
		}
	}()
}

func (b *browser) viewport(w, h int64) {
	b.t.Helper()
	b.do(chromedp.EmulateViewport(w, h))
}

// do runs actions with a bound, so a broken page fails the test instead of
// hanging the suite.
func (b *browser) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// eval runs a JavaScript expression (awaiting a Promise) and decodes its value.
func eval[T any](b *browser, js string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluating %s: %v", abbreviate(js), err)
	}
	return v
}

func abbreviate(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		return s[:117] + "..."
	}
	return s
}

// open navigates and waits until the page says it is ready.
func (b *browser) open(url string) {
	b.t.Helper()
	b.do(chromedp.Navigate(url))
	b.waitReady()
}

func (b *browser) waitReady() {
	b.t.Helper()
	state := b.waitFor(`document.documentElement.dataset.state !== 'loading' && document.documentElement.dataset.state`)
	if state != "ready" {
		b.t.Fatalf("the page did not start (state %q): %s", state, b.text("#editor"))
	}
}

// waitFor polls a JavaScript expression until it is truthy and returns its
// value as a string.
func (b *browser) waitFor(js string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Poll[any](js, chromedp.WithPollingInterval(20*time.Millisecond)))
	if err != nil {
		b.t.Fatalf("waiting for %s: %v\nproblems so far: %v", abbreviate(js), err, b.consoleProblems())
	}
	return fmt.Sprint(v)
}

// idle waits until validation and analysis have caught up with the edits.
func (b *browser) idle() {
	b.t.Helper()
	eval[chromedp.Void](b, `hybridplanPage.whenIdle()`)
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	return eval[string](b, fmt.Sprintf(`(document.querySelector(%q)||{}).textContent||''`, sel))
}

// field is the CSS selector of the input bound to a plan JSON path.
func field(path string) string {
	return fmt.Sprintf(`:is(input,select,textarea)[data-path=%q]`, path)
}

// typeInto replaces a field's value by typing, as a person would: select
// what is there and send the new text as key events.
func (b *browser) typeInto(path, value string) {
	b.t.Helper()
	sel := field(path)
	// Selecting what is there first makes a repeat after a redraw
	// (doOnNode) type the same value, not append to it.
	sel0 := []chromedp.Action[chromedp.Void]{
		chromedp.ScrollIntoView(chromedp.CSS(sel)),
		chromedp.Focus(chromedp.CSS(sel)),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).select()`, sel)),
	}
	if value == "" {
		b.doOnNode(append(sel0, chromedp.KeyEvent("\b"))...)
		return
	}
	b.doOnNode(append(sel0, chromedp.SendKeys(chromedp.CSS(sel), value))...)
}

// click clicks the element sel matches (see doOnNode).
func (b *browser) click(sel string) {
	b.t.Helper()
	b.doOnNode(chromedp.Click(chromedp.CSS(sel)))
}

// doOnNode runs actions that query an element and act on it. The page may
// render the element again between the query and the action (findings and
// analysis redraw when a later verdict arrives, later on a busy machine);
// the action then finds its node gone and all of them are run again on the
// new one, as a person's click or typing lands on whatever is there.
func (b *browser) doOnNode(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	for {
		err := chromedp.Do(ctx, actions...)
		if err == nil {
			return
		}
		if !replacedNode(err) || ctx.Err() != nil {
			b.t.Fatalf("browser: %v", err)
		}
	}
}

// replacedNode reports whether err says the node an action was working on
// left the document while it ran.
func replacedNode(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "Could not find node with given id") || strings.Contains(msg, "Node is detached from document")
}

func (b *browser) planJSON() string {
	b.t.Helper()
	return eval[string](b, `hybridplanPage.getPlanJSON()`)
}

// screenshot saves the viewport under testoutput/screenshots/ for people to
// look at.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	dir := filepath.Join(suite.root, "testoutput", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatalf("screenshots: %v", err)
	}
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
}

func (b *browser) consoleProblems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.problems...)
}

// noProblems fails the test on uncaught exceptions or console errors other
// than the ones a test expects (matched by substring).
func (b *browser) noProblems(expected ...string) {
	b.t.Helper()
	for _, p := range b.consoleProblems() {
		ok := false
		for _, e := range expected {
			if strings.Contains(p, e) {
				ok = true
			}
		}
		if !ok {
			b.t.Errorf("the page logged an error: %s", p)
		}
	}
}

// injectBeforeLoad runs script in every document before the page's own.
func (b *browser) injectBeforeLoad(script string) {
	b.t.Helper()
	b.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: script})
		return err
	}))
}

// downloadsTo makes the browser save downloads in dir under their own names.
func (b *browser) downloadsTo(dir string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
	}); err != nil {
		b.t.Fatalf("setting the download folder: %v", err)
	}
}

// waitFile waits for a finished download (Chromium writes .crdownload first).
func waitFile(t testing.TB, dir string) (name string, data []byte) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if !strings.HasSuffix(e.Name(), ".crdownload") {
				data, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err == nil && len(data) > 0 {
					return e.Name(), data
				}
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("no download arrived in %s", dir)
	return "", nil
}
