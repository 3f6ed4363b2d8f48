package e2e

import (
	"fmt"
	"io/fs"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/verdict"
	"github.com/hybridplan/hybridplan/server"
	"github.com/hybridplan/hybridplan/server/auth"
	"github.com/hybridplan/hybridplan/server/jdcloud"
	"github.com/hybridplan/hybridplan/server/standin"
	"github.com/hybridplan/hybridplan/server/store"
)

// The Provision panel, driven in Chromium against the hybridplan server
// with the JD Cloud stand-in behind it (the server's own page tests cover
// the happy path; these cover what the walkthrough found).

// users of the test server, by role; tokens are fixed test values.
var provUsers = []auth.UserConfig{
	{Name: "pat", Roles: []string{"planner"}, Token: "pat-token-0123456789abcdef"},
	{Name: "alex", Roles: []string{"approver"}, Token: "alex-token-0123456789abcdef"},
	{Name: "olive", Roles: []string{"operator"}, Token: "olive-token-0123456789abcdef"},
}

func tokenFor(name string) string {
	for _, u := range provUsers {
		if u.Name == name {
			return u.Token
		}
	}
	return ""
}

// appFS serves index.html, web/ and the built core, as the binary embeds them.
type appFS struct{}

func (appFS) Open(name string) (fs.File, error) {
	switch name {
	case "web/hybridplan.wasm":
		return os.Open(suite.wasm)
	case "web/wasm_exec.js":
		return os.Open(suite.execJS)
	case "web/hybridplan.wasm.br", "web/hybridplan.wasm.gz":
		return nil, fs.ErrNotExist
	}
	if name != "." && name != "index.html" && name != "web" && !strings.HasPrefix(name, "web/") {
		return nil, fs.ErrNotExist
	}
	return os.DirFS(suite.root).Open(name)
}

type provEnv struct {
	url     string
	standin *standin.Server
}

// newProvEnv starts the stand-in (with the examples' VPCs and physical
// connections) and a hybridplan server in front of it, on loopback.
func newProvEnv(t *testing.T) provEnv {
	t.Helper()
	var plans []*plan.Plan
	for _, ex := range examples.All() {
		if p, err := plan.DecodeBytes([]byte(ex.JSON)); err == nil {
			plans = append(plans, p)
		}
	}
	const ak, sk = "e2e-access-key", "e2e-secret-key-0123456789"
	sin := standin.New(standin.Options{Credentials: map[string]string{ak: sk}, Fixtures: standin.FixturesFor(plans...), Seed: 1})
	cs := httptest.NewServer(sin)
	t.Cleanup(cs.Close)
	redactor := &server.Redactor{}
	redactor.Add(sk)
	secrets := &server.Secrets{Redactor: redactor, DemoKeys: true}
	cloud, err := server.NewJDCloud(jdcloud.Config{
		Endpoint: cs.URL, AccessKey: ak, SecretKey: sk, Secrets: secrets.Resolve,
		Retry: jdcloud.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, RequestTimeout: 10 * time.Second},
	}, "the JD Cloud API stand-in at "+cs.URL)
	if err != nil {
		t.Fatal(err)
	}
	authn, err := auth.New(provUsers)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(nil)
	srv, err := server.New(server.Options{Store: st, Auth: authn, Cloud: cloud, Web: appFS{}, Redactor: redactor,
		Validate: verdict.Check, Keys: secrets, PublicOrigin: "http://" + hs.Listener.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	hs.Config.Handler = srv
	hs.Start()
	t.Cleanup(func() { hs.Close(); srv.Close(); st.Close() })
	return provEnv{url: hs.URL + "/", standin: sin}
}

// openPanel opens the page from the server and waits for the panel.
func (b *browser) openPanel(url string) {
	b.t.Helper()
	b.open(url)
	b.waitFor(`(() => { const p = document.getElementById('provision'); return p && !p.hidden && document.getElementById('prov-token'); })()`)
}

func (b *browser) signIn(user string) {
	b.t.Helper()
	if eval[bool](b, `!document.querySelector('.prov-signedin').hidden`) {
		b.click(".prov-signedin button")
	}
	b.do(chromedp.SendKeys(chromedp.CSS("#prov-token"), tokenFor(user)))
	b.click(".prov-signin button[type=submit]")
	b.waitFor(fmt.Sprintf(`document.querySelector('.prov-who').textContent.includes(%q)`, user))
	b.waitFor(`document.querySelector('.prov-plan code') !== null`)
}

// act clicks a workflow button once it is enabled.
func (b *browser) act(action string) {
	b.t.Helper()
	sel := fmt.Sprintf(`#provision [data-action=%q]`, action)
	b.waitFor(fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e && !e.disabled; })()`, sel))
	b.click(sel)
}

// enabled reports which workflow buttons are enabled, by data-action.
func (b *browser) enabled() map[string]bool {
	b.t.Helper()
	return eval[map[string]bool](b, `Object.fromEntries([...document.querySelectorAll('#provision [data-action]')].map(e => [e.dataset.action, !e.disabled]))`)
}

// noNullText fails when the page shows a null or undefined that code put
// there: a text node that is just "null"/"undefined" (a value rendered as
// text) or "nullnull". Prose that uses the word (a JD Cloud source saying
// "PFS null or a DH group") is not one.
func (b *browser) noNullText(where string) {
	b.t.Helper()
	bad := eval[[]string](b, `(() => {
		const out = [], w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let n = w.nextNode(); n; n = w.nextNode()) {
			const t = n.textContent;
			if (!n.parentElement || n.parentElement.closest('[hidden], script, style, dialog:not([open])')) continue;
			if (/^\s*(null|undefined)\s*$/.test(t) || /nullnull|undefinedundefined|\bnull[A-Z]|\bundefined\b/.test(t)) out.push((n.parentElement.textContent || '').slice(0, 120));
		}
		return out;
	})()`)
	for _, s := range bad {
		b.t.Errorf("%s: the page shows %q", where, s)
	}
}

// TestProvisionErrorsReadable (defect 2): an error in the panel reads as
// a sentence, never "nullnull".
func TestProvisionErrorsReadable(t *testing.T) {
	t.Parallel()
	e := newProvEnv(t)
	b := newBrowser(t)
	b.openPanel(e.url)
	b.do(chromedp.SendKeys(chromedp.CSS("#prov-token"), "not-a-valid-token-0123456789"))
	b.click(".prov-signin button[type=submit]")
	b.waitFor(`!document.querySelector('.prov-error').hidden`)
	b.noNullText("after a refused sign-in")
	b.screenshot("provision-error")
	// Defect 14: the panel sits under Findings, and a skip link reaches it.
	if !eval[bool](b, `document.getElementById('findings').nextElementSibling === document.getElementById('provision')`) {
		t.Error("the Provision panel does not follow the findings")
	}
	b.do(chromedp.Focus(chromedp.CSS(`.skip-links a[href="#provision"]`)), chromedp.KeyEvent("\r"), chromedp.KeyEvent("\t"))
	if !eval[bool](b, `document.getElementById('provision').contains(document.activeElement)`) {
		t.Errorf("after the Provision skip link, Tab lands on %s", eval[string](b, `document.activeElement.outerHTML.slice(0, 80)`))
	}
	b.noProblems("status of 401")
}

// TestProvisionWorkflowButtons (defects 7, 8, 13): the buttons follow the
// workflow and say why they are unavailable in visible text; a run whose
// read-back finds the BGP sessions down is not shown as plain success;
// the dry run shows placeholders readably.
func TestProvisionWorkflowButtons(t *testing.T) {
	t.Parallel()
	e := newProvEnv(t)
	b := newBrowser(t)
	b.viewport(projectorW, projectorH)
	b.openPanel(e.url)
	b.openExample("seed-dc-primary-vpn-backup")
	b.signIn("pat")
	b.act("submit")
	b.waitFor(`document.getElementById('prov-status').textContent.startsWith('Submitted as')`)
	if why := b.text(`#provision [data-why="approve"]`); !strings.Contains(why, "approver") {
		t.Errorf("a planner sees no visible reason why Approve is off (%q)", why)
	}
	b.signIn("alex")
	b.act("approve")
	b.waitFor(`document.getElementById('prov-status').textContent.startsWith('Approved')`)
	b.act("dry-run")
	b.waitFor(`document.querySelectorAll('.prov-calls tbody tr').length > 0`)
	if calls := b.text(".prov-calls"); strings.Contains(calls, "%3C") {
		t.Errorf("the dry run shows URL-encoded placeholders: %s", calls[:min(len(calls), 400)])
	}
	b.signIn("olive")
	en := b.enabled()
	if en["teardown"] {
		t.Error("Tear down is enabled before anything was provisioned")
	}
	b.act("provision")
	b.waitFor(`document.querySelector('.prov-runview [data-verdict]') !== null`)
	verdict := b.text(".prov-verdict")
	if !strings.Contains(verdict, "Down") && !strings.Contains(verdict, "DOWN") && !strings.Contains(verdict, "down") {
		t.Errorf("after provisioning into the stand-in (no customer router), the verdict is %q", verdict)
	}
	if eval[bool](b, `document.querySelector('.prov-runview .pill.prov-succeeded') !== null && !document.querySelector('.prov-runview [data-verdict="ready"]')`) {
		if eval[string](b, `document.querySelector('.prov-runview [data-verdict]').dataset.verdict`) == "ready" {
			t.Error("the run shows plain success although its read-back has sessions down")
		}
	}
	if !strings.Contains(b.text(".prov-readback"), "bgpStatus") && !strings.Contains(b.text(".prov-readback"), "BGP") {
		t.Errorf("the read-back is not shown: %q", b.text(".prov-readback"))
	}
	b.screenshot("provision-verdict")
	// Check again: a new run of the approved plan finds every resource
	// (creates nothing) and reads the state back.
	first := eval[string](b, `document.querySelector('.prov-runview h3 code').textContent`)
	b.act("check-again")
	b.waitFor(fmt.Sprintf(`document.querySelector('.prov-runview h3 code').textContent !== %q && document.querySelector('.prov-runview [data-verdict]') !== null`, first))
	if got := countsOf(e.standin); got != seedCounts {
		t.Errorf("checking again changed the region: %s, want %s", got, seedCounts)
	}
	// The diff now finds every resource the plan makes, matching.
	b.act("preflight")
	b.waitFor(`document.querySelector('.prov-diff') !== null && document.querySelector('.prov-diff').dataset.exists !== '0'`)
	if got := eval[string](b, `(d => d.dataset.create + '/' + d.dataset.exists + '/' + d.dataset.conflict)(document.querySelector('.prov-diff'))`); got != "0/8/0" {
		t.Errorf("after provisioning the diff says create/exists/conflict = %s, want 0/8/0: %s", got, b.text(".prov-diff"))
	}
	en = b.enabled()
	if en["teardown"] {
		t.Error("Tear down is enabled before a teardown approval")
	}
	if why := b.text(`#provision [data-why="teardown"]`); why == "" {
		t.Error("no visible reason why Tear down is off")
	}
	// Before approving a teardown, the approver sees what it deletes.
	b.signIn("alex")
	b.waitFor(`!document.querySelector('.prov-teardown-preview').hidden`)
	if got := b.text(".prov-teardown-preview summary"); !strings.Contains(got, "deletes 8 resources") {
		t.Errorf("the teardown preview says %q, want the 8 resources the seed run created (12 calls less 4 read-backs)", got)
	}
	b.act("approve-teardown")
	b.waitFor(`document.getElementById('prov-status').textContent.startsWith('Teardown of run')`)
	if got := b.text(".prov-plan"); !strings.Contains(got, "Teardownapproved by alex") {
		t.Errorf("the teardown approval is not shown: %q", got)
	}
	b.signIn("olive")
	b.act("teardown")
	b.waitFor(`document.querySelector('.prov-runview h3').textContent.startsWith('Teardown') && document.querySelector('.prov-runview .pill.prov-succeeded') !== null`)
	en = b.enabled()
	if en["teardown"] || en["approve-teardown"] {
		t.Errorf("after the teardown ran, the buttons are %v", en)
	}
	b.noNullText("after teardown")
	b.screenshot("provision-after-teardown")
	// plans/{hash} answers 404 until the plan is submitted: the panel's
	// way of asking, logged by Chromium as a failed resource.
	b.noProblems("status of 404")
}

func countsOf(s *standin.Server) string {
	c := s.Snapshot().Counts()
	return fmt.Sprintf("bgws=%d attachments=%d vifs=%d cgws=%d vpns=%d tunnels=%d routeRules=%d",
		c["bgws"], c["vpcAttachments"], c["privateVifs"], c["customerGateways"], c["vpnConnections"], c["vpnTunnels"], c["routeRules"])
}

// What the seed plan creates: one of each, two tunnels, a rule per IDC
// segment in its one route table.
const seedCounts = "bgws=1 attachments=1 vifs=1 cgws=1 vpns=1 tunnels=2 routeRules=2"

const noCounts = "bgws=0 attachments=0 vifs=0 cgws=0 vpns=0 tunnels=0 routeRules=0"
