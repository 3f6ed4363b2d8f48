package server

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hybridplan/hybridplan/internal/browsertest"
	"github.com/hybridplan/hybridplan/server/standin"
	"github.com/hybridplan/hybridplan/server/store"
)

// The provisioning panel in real headless Chromium: the page and its
// WebAssembly core served by this server, the JD Cloud stand-in behind it,
// and a person signing in as the planner, the approver and the operator in
// turn, as in the acceptance.

// appFiles are index.html and web/ from the working tree, with a core
// built from this tree (or HYBRIDPLAN_E2E_WASM) and the toolchain's
// matching wasm_exec.js.
type appFiles struct {
	root  fs.FS
	extra map[string]string
}

func (a appFiles) Open(name string) (fs.File, error) {
	if p, ok := a.extra[name]; ok {
		return os.Open(p)
	}
	if name != "index.html" && name != "web" && !strings.HasPrefix(name, "web/") {
		return nil, fs.ErrNotExist
	}
	return a.root.Open(name)
}

func buildApp(t *testing.T) fs.FS {
	t.Helper()
	dir := t.TempDir()
	wasm, execJS, err := browsertest.BuildCore("..", dir)
	must(t, err)
	return appFiles{root: os.DirFS(".."), extra: map[string]string{
		"web/hybridplan.wasm": wasm,
		"web/wasm_exec.js":    execJS,
		// No precompressed variants: the server then serves the raw core.
		"web/hybridplan.wasm.br": filepath.Join(dir, "absent"),
		"web/hybridplan.wasm.gz": filepath.Join(dir, "absent"),
		// The later module (share links, exports), likewise raw.
		"web/hybridplan-later.wasm":    browsertest.LaterPath(wasm),
		"web/hybridplan-later.wasm.br": filepath.Join(dir, "absent"),
		"web/hybridplan-later.wasm.gz": filepath.Join(dir, "absent"),
	}}
}

type tab struct {
	t   *testing.T
	ctx context.Context
}

func newTab(t *testing.T, exe string) *tab {
	t.Helper()
	ctx := browsertest.Start(t, exe)
	tb := &tab{t: t, ctx: ctx}
	tb.do(chromedp.EmulateViewport(1366, 900))
	return tb
}

// do runs actions with a bound, so a broken page fails the test instead
// of hanging it.
func (b *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

func (b *tab) waitFor(js string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Poll[any](js, chromedp.WithPollingInterval(20*time.Millisecond)))
	if err != nil {
		status := b.eval(`(document.querySelector('#provision')||{}).innerText||''`)
		b.t.Fatalf("waiting for %s: %v\npanel: %s", js, err, status)
	}
	return fmt.Sprint(v)
}

func (b *tab) eval(js string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[any](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluating %s: %v", js, err)
	}
	return fmt.Sprint(v)
}

func (b *tab) click(sel string) {
	b.t.Helper()
	b.waitFor(fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e && !e.disabled && e.offsetParent !== null; })()`, sel))
	b.do(chromedp.Click(chromedp.CSS(sel)))
}

func (b *tab) signIn(user string) {
	b.t.Helper()
	if b.eval(`!document.querySelector('.prov-signedin').hidden`) == "true" {
		b.click(".prov-signedin button")
	}
	b.do(chromedp.SendKeys(chromedp.CSS("#prov-token"), tokenOf(user)))
	b.click(".prov-signin button[type=submit]")
	b.waitFor(fmt.Sprintf(`document.querySelector('.prov-who').textContent.includes(%q)`, user))
	b.waitFor(`document.querySelector('.prov-plan code') !== null`)
}

func (b *tab) screenshot(name string) {
	b.t.Helper()
	dir := filepath.Join("..", "testoutput", "screenshots")
	must(b.t, os.MkdirAll(dir, 0o755))
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	// The panel lives in a pane as tall as the window: make the window tall
	// enough for all of it, then capture the panel itself.
	b.do(chromedp.EmulateViewport(1366, 2400))
	defer b.do(chromedp.EmulateViewport(1366, 900))
	b.do(chromedp.ScrollIntoView(chromedp.CSS("#provision")))
	buf, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS("#provision")))
	must(b.t, err)
	must(b.t, os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644))
}

func TestPanelSubmitApproveProvision(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Chromium; skipped with -short")
	}
	exe := browsertest.Chromium(t)
	e := newE2EWith(t, buildApp(t))
	b := newTab(t, exe)
	b.do(chromedp.Navigate(e.http.URL + "/"))
	b.waitFor(`document.documentElement.dataset.state === 'ready'`)
	// The page runs under the server's Content-Security-Policy: reaching
	// "ready" means its scripts, worker and WebAssembly loaded; from here
	// on any violation is collected and must not happen.
	const collectViolations = `window.cspViolations = []; document.addEventListener('securitypolicyviolation', e => cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample||''))); true`
	b.eval(collectViolations)
	if v := b.eval(`(() => { const l = document.querySelector('#diagram svg .l'); return l ? getComputedStyle(l).strokeWidth : 'no diagram'; })()`); v == "1px" {
		t.Errorf("the diagram's inline style sheet is blocked (links have the default stroke width %s): its CSP hash is missing", v)
	}
	b.waitFor(`(() => { const p = document.getElementById('provision'); return p && !p.hidden && document.getElementById('prov-token'); })()`)
	if cloud := b.eval(`document.querySelector('.prov-cloud').textContent`); !strings.Contains(cloud, "stand-in") {
		t.Errorf("the panel says calls go to %q; it must say it is the stand-in", cloud)
	}

	b.screenshot("provision-signed-out")
	b.signIn("pat")
	b.click(`#provision [data-action="submit"]`)
	b.waitFor(`document.getElementById('prov-status').textContent.startsWith('Submitted as')`)
	b.screenshot("provision-submitted")
	if b.eval(`document.querySelector('#provision [data-action="approve"]').disabled`) != "true" {
		t.Error("a planner sees an enabled Approve button")
	}

	b.signIn("alex")
	b.click(`#provision [data-action="approve"]`)
	b.waitFor(`document.getElementById('prov-status').textContent.startsWith('Approved')`)
	b.click(`#provision [data-action="dry-run"]`)
	rows := b.waitFor(`document.querySelectorAll('.prov-calls tbody tr').length || 0`)
	if rows != "12" {
		t.Errorf("the dry run shows %s calls, want the seed plan's 12", rows)
	}
	b.screenshot("provision-dry-run")

	b.signIn("olive")
	b.click(`#provision [data-action="provision"]`)
	b.waitFor(`document.querySelector('.prov-runview .pill.prov-succeeded') !== null`)
	if got := countsOf(e.standin); got != seedCounts {
		t.Errorf("after provisioning from the page the stand-in holds %s, want %s", got, seedCounts)
	}
	steps := b.eval(`[...document.querySelectorAll('.prov-steps li')].filter(li => li.dataset.state === 'succeeded').length`)
	if steps != "12" {
		t.Errorf("%s steps shown as succeeded, want 12", steps)
	}
	if !strings.Contains(b.eval(`document.querySelector('.prov-events').textContent`), "all 12 calls done") {
		t.Error("the live event log lacks the run's last event")
	}
	b.screenshot("provision-succeeded")

	if v := b.eval(`JSON.stringify(cspViolations)`); v != "[]" {
		t.Errorf("Content-Security-Policy violations: %s", v)
	}

	// A reload keeps the sign-in for the tab and shows the finished run.
	b.do(chromedp.Reload())
	b.waitFor(`document.documentElement.dataset.state === 'ready'`)
	b.eval(collectViolations)
	b.waitFor(`document.querySelector('.prov-runview .pill.prov-succeeded') !== null`)

	// Teardown: approved by an approver, started by the operator, and
	// followed live through a dropped connection. Every call is held back
	// so the run is still going when the socket drops.
	b.signIn("alex")
	b.click(`#provision [data-action="approve-teardown"]`)
	b.waitFor(`document.getElementById('prov-status').textContent.startsWith('Teardown of run')`)
	b.signIn("olive")
	e.standin.Faults().Add(standin.Fault{Times: 1 << 20, Delay: 150 * time.Millisecond})
	b.click(`#provision [data-action="teardown"]`)
	b.waitFor(`document.querySelector('.prov-runview h3').textContent.startsWith('Teardown') && document.querySelectorAll('.prov-events li').length >= 3`)
	b.eval(`hybridplanProvision.watch.ws.close(4000, 'the test drops the connection')`)
	b.waitFor(`document.querySelector('.prov-runview .pill.prov-succeeded') !== null`)
	e.standin.Faults().Clear()
	shown := b.eval(`document.querySelectorAll('.prov-events li').length`)
	lastSeq := b.eval(`hybridplanProvision.watch.lastSeq`)
	runID := b.eval(`hybridplanProvision.watch.run.id`)
	run, err := e.st.GetRun(runID)
	must(t, err)
	if run.Kind != store.KindTeardown || shown != fmt.Sprint(run.LastSeq) || lastSeq != shown {
		t.Errorf("teardown %s (%s): the panel shows %s events up to seq %s, the run has %d; after a reconnect none may be missing or repeated", run.ID, run.Kind, shown, lastSeq, run.LastSeq)
	}
	if got := countsOf(e.standin); got != noCounts {
		t.Errorf("after the teardown from the page the stand-in holds %s", got)
	}
	b.screenshot("provision-teardown")
	if v := b.eval(`JSON.stringify(cspViolations)`); v != "[]" {
		t.Errorf("Content-Security-Policy violations: %s", v)
	}
}
