package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// The defects a walkthrough of the page found (issue 12), one test each,
// written to fail before the fix.

// viewports are the two sizes the page must fit.
var viewports = []struct {
	name string
	w, h int64
}{{"1366x768", laptopW, laptopH}, {"1920x1080", projectorW, projectorH}}

// TestDocumentNeverScrolls (defect 1): the document is exactly as tall as
// the window at both sizes; the panes scroll, never the page. A click on a
// finding and the skip link leave the page where it is, with the header
// and the target heading in view.
func TestDocumentNeverScrolls(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	for _, vp := range viewports {
		b.viewport(vp.w, vp.h)
		b.open(suite.url)
		b.openExample("dualstack-aggregate-over-vpn")
		if h := eval[int64](b, `document.documentElement.scrollHeight`); h != vp.h {
			t.Errorf("%s: the document is %d px tall, want the window's %d", vp.name, h, vp.h)
		}
		// A finding that points far down the editor.
		b.typeInto("$.idc.segments[0].cidr", "10.0.0.0/16")
		b.idle()
		b.click(`#findings-list li.finding button`)
		if y := eval[float64](b, `scrollY`); y != 0 {
			t.Errorf("%s: a click on a finding scrolled the page by %v px", vp.name, y)
		}
		if top := eval[float64](b, `document.getElementById('findings').getBoundingClientRect().top`); top < eval[float64](b, `document.querySelector('header').getBoundingClientRect().bottom`) {
			t.Errorf("%s: the Findings card slid under the header (top %v)", vp.name, top)
		}
		// Wheel over the analysis pane far past its end.
		b.wheel(float64(vp.w)-200, float64(vp.h)/2, 20000)
		if y := eval[float64](b, `scrollY`); y != 0 {
			t.Errorf("%s: wheel-scrolling the analysis pane scrolled the page by %v px", vp.name, y)
		}
		b.screenshot("no-document-scroll-" + vp.name)
		b.noNullText(vp.name)
	}
	b.noProblems(healthProbe404)
}

// TestSkipLinks (defects 1 and 14): skip links reach the editor (its
// heading stays visible), the findings and the failure toggles; each
// lands the keyboard there in a Tab or two.
func TestSkipLinks(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.open(suite.url)
	links := eval[[]string](b, `[...document.querySelectorAll('.skip-links a')].map(a => a.getAttribute('href'))`)
	for _, want := range []string{"#editor", "#findings", "#failures"} {
		found := false
		for _, l := range links {
			found = found || l == want
		}
		if !found {
			t.Errorf("no skip link to %s (links: %v)", want, links)
		}
	}
	// Tab to the failure toggles' link, follow it, one Tab: a toggle (once
	// the analysis has drawn them).
	b.idle()
	b.waitFor(`document.querySelector('#failures input[name="scenario"]') !== null`)
	b.do(chromedp.KeyEvent("\t"))
	for i := 0; i < 5 && eval[string](b, `document.activeElement.getAttribute('href') || ''`) != "#failures"; i++ {
		b.do(chromedp.KeyEvent("\t"))
	}
	b.do(chromedp.KeyEvent("\r"))
	b.do(chromedp.KeyEvent("\t"))
	if got := eval[string](b, `document.activeElement.name || document.activeElement.id`); got != "scenario" {
		t.Errorf("after the failure toggles' skip link, Tab lands on %q, want a failure toggle", got)
	}
	if y := eval[float64](b, `scrollY`); y != 0 {
		t.Errorf("the skip link scrolled the page by %v px", y)
	}
	// The editor's link: its first heading is in view, below the header.
	b.open(suite.url)
	b.do(chromedp.KeyEvent("\t"), chromedp.KeyEvent("\r"))
	top := eval[float64](b, `document.querySelector('#editor h2').getBoundingClientRect().top`)
	if hdr := eval[float64](b, `document.querySelector('header').getBoundingClientRect().bottom`); top < hdr {
		t.Errorf("the editor's heading is hidden under the header (top %v < %v)", top, hdr)
	}
	b.noProblems(healthProbe404)
}

// TestNewPlanFindings (defect 3): an empty CIDR in a new plan is reported
// as missing, not as an IPv6 prefix.
func TestNewPlanFindings(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.open(suite.url)
	b.click("#new-plan")
	b.idle()
	for _, f := range b.findings() {
		if strings.Contains(f.Text, "IPv6") {
			t.Errorf("a new plan shows %q", f.Text)
		}
	}
	b.noProblems(healthProbe404)
}

// TestQuotaFromPlan (defect 4): the Advertisements card quotes the quota
// the plan sets, once.
func TestQuotaFromPlan(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.open(suite.url)
	b.openExample("dualstack-aggregate-over-vpn")
	plan := b.planJSON()
	if !strings.Contains(plan, "dynamicRoutesPerBorderGateway") {
		t.Fatalf("the dual-stack example no longer overrides the quota: %s", plan)
	}
	out := b.text("#strategy-out")
	if strings.Contains(out, "quota 300") {
		t.Errorf("the card quotes the default quota: %s", out)
	}
	b.noProblems(healthProbe404)
}

// TestStrategySwitchDropsHiddenOptions (defect 5): switching to AS_PATH
// mode removes the prefix-split options the editor hides (no warning the
// user cannot clear), and switching back restores them.
func TestStrategySwitchDropsHiddenOptions(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.open(suite.url)
	b.openExample("seed-dc-primary-vpn-backup")
	before := eval[string](b, `JSON.stringify(JSON.parse(hybridplanPage.getPlanJSON()).strategy.prefixSplit)`)
	if before == "" || before == "undefined" {
		t.Fatalf("the seed has no prefixSplit options")
	}
	b.setSelect("$.strategy.mode", "as-path")
	b.idle()
	for _, f := range b.findings() {
		if strings.Contains(f.Text, "ignored") {
			t.Errorf("after switching to AS_PATH: %q", f.Text)
		}
	}
	if strings.Contains(b.planJSON(), "prefixSplit") {
		t.Errorf("the plan keeps hidden prefixSplit options: %s", b.planJSON())
	}
	b.setSelect("$.strategy.mode", "prefix-split")
	b.idle()
	if after := eval[string](b, `JSON.stringify(JSON.parse(hybridplanPage.getPlanJSON()).strategy.prefixSplit)`); after != before {
		t.Errorf("switching back gives prefixSplit %s, want the earlier %s", after, before)
	}
	b.noProblems(healthProbe404)
}

// wheel turns the mouse wheel over x, y and waits two frames.
func (b *browser) wheel(x, y, dy float64) {
	b.t.Helper()
	for i := 0; i < 5; i++ {
		b.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseWheel, X: x, Y: y, DeltaX: 0.01, DeltaY: dy})
			return err
		}))
	}
	b.waitFor(`new Promise(r => setTimeout(() => requestAnimationFrame(() => r(true)), 300))`)
}

// setSelect chooses a value in the select bound to path, as a person would.
func (b *browser) setSelect(path, value string) {
	b.t.Helper()
	b.do(chromedp.SetValue(chromedp.CSS(field(path)), value))
	eval[chromedp.Void](b, fmt.Sprintf(`document.querySelector(%q).dispatchEvent(new Event('change', {bubbles: true}))`, field(path)))
}

// TestLongNameExports (defect 6): a very long plan name still downloads,
// under a file name a file system takes.
func TestLongNameExports(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	dir := t.TempDir()
	b.downloadsTo(dir)
	b.open(suite.url)
	b.openExample("seed-dc-primary-vpn-backup")
	long := strings.Repeat("very-long-plan-name-", 15)
	eval[chromedp.Void](b, fmt.Sprintf(`(() => { const i = document.querySelector(%q); i.value = %q; i.dispatchEvent(new Event('input')); })()`, field("$.name"), long))
	b.idle()
	b.click("#open-export")
	b.click(`[data-export="plan"]`)
	name, _ := waitFile(t, dir)
	if len(name) > 120 {
		t.Errorf("the file name is %d bytes long", len(name))
	}
	b.noProblems(healthProbe404)
}

// TestExampleMenuKeyboard (defect 10): ArrowDown on the examples menu
// moves through it; nothing loads until the person chooses.
func TestExampleMenuKeyboard(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.open(suite.url)
	b.click("#new-plan")
	b.idle()
	b.do(chromedp.Focus(chromedp.CSS("#open-examples")), chromedp.KeyEvent("\r"))
	b.waitFor(`document.getElementById('examples-dialog').open`)
	b.do(chromedp.KeyEvent(kb("ArrowDown")))
	if got := b.text("#plan-title"); got != "untitled plan" && !strings.HasPrefix(got, "new") {
		// the new plan's title is whatever newPlan names it
		if strings.Contains(got, "seed") || strings.Contains(got, "aspath") || strings.Contains(got, "dualstack") {
			t.Errorf("ArrowDown loaded %q", got)
		}
	}
	b.do(chromedp.KeyEvent("\r"))
	b.waitFor(`!document.getElementById('examples-dialog').open`)
	b.idle()
	if got := b.text("#plan-title"); !strings.Contains(got, "-") {
		t.Errorf("Enter on an example loaded %q", got)
	}
	b.noProblems(healthProbe404)
}

func kb(name string) string {
	switch name {
	case "ArrowDown":
		return "\ue015"
	case "ArrowUp":
		return "\ue013"
	}
	return name
}

// TestTraceFollowsToggle (defect 11): a shown trace follows the failure
// toggle, and its labels say both directions.
func TestTraceFollowsToggle(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.open(suite.url)
	b.openExample("seed-dc-primary-vpn-backup")
	b.do(chromedp.SetValue(chromedp.CSS("#trace-src"), "10.0.1.10"), chromedp.SetValue(chromedp.CSS("#trace-dst"), "192.168.1.20"))
	b.click(`#trace-form button[type=submit]`)
	b.waitFor(`document.querySelector('.trace-result') !== null`)
	b.click(`label[for="scn-both-down"]`)
	b.idle()
	b.waitFor(`document.querySelector('.trace-result') && document.querySelector('.trace-result').textContent.includes('Both down')`)
	if got := b.text("#routes-scenario"); !strings.Contains(got, "Both down") {
		t.Errorf("route tables for %q", got)
	}
	if labels := b.text("#trace-form"); strings.Contains(labels, "From VM") || strings.Contains(labels, "To IDC") {
		t.Errorf("the trace labels claim one direction: %q", labels)
	}
	b.noProblems(healthProbe404)
}

// TestUnreachablePairsNamed (defect 12): when a scenario leaves pairs
// unreachable, the page names them and says why.
func TestUnreachablePairsNamed(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.open(suite.url)
	b.openExample("seed-dc-primary-vpn-backup")
	b.click(`label[for="scn-both-down"]`)
	b.idle()
	sum := b.text("#scenario-summary")
	if !strings.Contains(sum, "unreachable") {
		t.Fatalf("both down, the summary says %q", sum)
	}
	detail := b.text("#scenario-pairs")
	if !strings.Contains(detail, "↔") || !strings.Contains(detail, "no route") && !strings.Contains(detail, "unreachable") {
		t.Errorf("the unreachable pairs are not named: %q", detail)
	}
	b.noProblems(healthProbe404)
}

// TestDiagramDetails (defect 13): the legend shows the idle VPN line,
// labels have a halo so lines do not run through them, the VPC box shows
// whole IPv6 CIDRs, and no "the 1 … segments".
func TestDiagramDetails(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.open(suite.url)
	b.openExample("dualstack-aggregate-over-vpn")
	svg := eval[string](b, `document.querySelector('#diagram svg').outerHTML`)
	if legend := svg[strings.Index(svg, `<g class="legend">`):]; !strings.Contains(legend, `class="l vpn"`) {
		t.Errorf("the legend lacks the idle VPN style")
	}
	if strings.Contains(b.text("#diagram"), "…") {
		t.Errorf("the diagram truncates text: %s", b.text("#diagram"))
	}
	if po := eval[string](b, `getComputedStyle(document.querySelector('#diagram .lbl')).paintOrder`); !strings.Contains(po, "stroke") {
		t.Errorf("labels have no halo (paint-order %q): lines run through them", po)
	}
	// The page's copy carries no <style> element (a strict
	// Content-Security-Policy blocks inline styles); its look comes from a
	// constructed style sheet.
	if eval[bool](b, `!!document.querySelector('#diagram svg style')`) {
		t.Errorf("the diagram in the page has an inline <style>")
	}
	if stroke := eval[string](b, `getComputedStyle(document.querySelector('#diagram path.l')).fill`); stroke != "none" {
		t.Errorf("the diagram's lines are filled (%q): its styles did not apply", stroke)
	}
	if s := b.text("#strategy-out"); strings.Contains(s, "the 1 propagated VPC segments") {
		t.Errorf("strategy notes: %q", s)
	}
	b.screenshot("diagram-dualstack")
	b.noProblems(healthProbe404)
}

// TestMakeRunPassesDataAndAddr (defect 15): make run takes DATA= and
// ADDR=, and the README says so.
func TestMakeRunPassesDataAndAddr(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("make", "-C", suite.root, "-n", "-W", "web/hybridplan.wasm", "run", "ADDR=127.0.0.1:9999", "DATA=/tmp/hp-data").CombinedOutput()
	if err != nil {
		t.Fatalf("make -n run: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--addr 127.0.0.1:9999") || !strings.Contains(string(out), "--data /tmp/hp-data") {
		t.Errorf("make run does not pass ADDR and DATA:\n%s", out)
	}
	readme := readFile(t, "README.md")
	if !strings.Contains(readme, "ADDR=") || !strings.Contains(readme, "DATA=") {
		t.Errorf("the README does not mention make run ADDR= and DATA=")
	}
}

// TestOnePlanOneName (defect 9): the plan's name and its draft's name are
// one: renaming either renames both, and a copy is "Copy of X" everywhere.
func TestOnePlanOneName(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.open(suite.url)
	b.openExample("seed-dc-primary-vpn-backup")
	b.typeInto("$.name", "plan-a")
	b.waitSaved()
	b.typeInto("$.name", "plan-b")
	b.waitSaved()
	b.click("#open-drafts")
	b.waitFor(`document.querySelector('#drafts-list tbody tr')`)
	if got := b.draftNames(); len(got) != 1 || got[0] != "plan-b" {
		t.Errorf("after renaming the plan, the drafts are %v, want [plan-b]", got)
	}
	// Rename the draft: the plan follows.
	b.click(`#drafts-list tbody tr:first-child .row-actions button:nth-child(2)`)
	b.do(
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#drafts-list .draft-name input').select()`),
		chromedp.SendKeys(chromedp.CSS(`#drafts-list .draft-name input`), "plan-c\r"),
	)
	b.waitFor(`[...document.querySelectorAll('#drafts-list .draft-name')].some(td => td.textContent.startsWith('plan-c'))`)
	b.waitFor(`document.getElementById('plan-title').textContent === 'plan-c'`)
	if got := eval[string](b, `document.querySelector(`+"`"+`input[data-path="$.name"]`+"`"+`).value`); got != "plan-c" {
		t.Errorf("the name field says %q after renaming the draft to plan-c", got)
	}
	// Duplicate: "Copy of plan-c", and so is the plan inside it.
	b.click(`#drafts-list tbody tr:first-child .row-actions button:nth-child(3)`)
	b.waitFor(`document.querySelectorAll('#drafts-list tbody tr').length === 2`)
	names := b.draftNames()
	if !contains(names, "Copy of plan-c") {
		t.Errorf("after duplicating: %v, want Copy of plan-c", names)
	}
	// The core runs in a worker: ask one of its own (drafts are shared,
	// in IndexedDB) what each draft holds.
	inner := eval[[]string](b, `import('./web/bridge.js').then(m => m.loadCore()).then(api =>
		api.drafts.list().then(ds => Promise.all(ds.map(d => api.drafts.get(d.id))))).then(ds => ds.map(d => d.name + '=' + JSON.parse(d.plan).name))`)
	for _, s := range inner {
		if n := strings.SplitN(s, "=", 2); n[0] != n[1] {
			t.Errorf("draft %q holds a plan named %q", n[0], n[1])
		}
	}
	b.noProblems(healthProbe404)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func readFile(t *testing.T, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(suite.root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
