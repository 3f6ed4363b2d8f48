package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The page asks the hybridplan server for api/v1/health to decide whether
// to load the provisioning panel; a static host answers 404, which Chromium
// logs as a failed resource. That line is expected, nothing else is.
const healthProbe404 = "status of 404"

func seedJSON(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(suite.root, "examples", "seed-dc-primary-vpn-backup.json"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func sameJSON(t *testing.T, got, want []byte) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("page plan is not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(g, w)
}

// openExample picks an example from the examples dialog, as a person would.
func (b *browser) openExample(name string) {
	b.t.Helper()
	b.click("#open-examples")
	b.click(fmt.Sprintf(`#examples-list button[data-example=%q]`, name))
	b.waitFor(fmt.Sprintf(`document.getElementById('plan-title').textContent === %q`, name))
	b.idle()
}

// findings returns the findings the page shows.
type shownFinding struct {
	Code, Path, Severity, Text string
}

func (b *browser) findings() []shownFinding {
	b.t.Helper()
	return eval[[]shownFinding](b, `[...document.querySelectorAll('#findings-list li.finding')].map(li => ({
		Code: li.dataset.code, Path: li.dataset.path,
		Severity: ['error','warning','info'].find(c => li.classList.contains(c)), Text: li.textContent }))`)
}

// TestEnterSeedScenario starts from an empty plan and types the seed
// scenario into the editor field by field; the page's plan must then be the
// seed document exactly, and valid.
func TestEnterSeedScenario(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.open(suite.url)
	b.click("#new-plan")
	b.idle()
	if got := b.text("#plan-title"); got != "new-plan" {
		t.Fatalf("after New the title is %q, want new-plan", got)
	}

	steps := []struct{ path, value string }{
		{"$.name", "seed-dc-primary-vpn-backup"},
		{"$.description", "An IDC with two segments reaches one VPC over Direct Connection; the IPsec VPN takes over when it fails. Both run BGP."},
		{"$.idc.name", "beijing-idc"},
		{"$.idc.routerId", "10.255.255.1"},
		{"$.idc.segments[0].name", "idc-servers"},
		{"$.idc.segments[0].cidr", "192.168.0.0/16"},
	}
	for _, s := range steps {
		b.typeInto(s.path, s.value)
	}
	// The verdict for what was typed can still move the form (a field's
	// message appears above the button): a click whose press and release
	// land on different elements clicks nothing, so the page settles first.
	b.idle()
	b.click(`.table-field[data-path="$.idc.segments"] > button.add`)
	for _, s := range []struct{ path, value string }{
		{"$.idc.segments[1].name", "idc-office"},
		{"$.idc.segments[1].cidr", "172.20.0.0/16"},
		{"$.borderGateway.name", "bgw-bj"},
		{"$.borderGateway.attachments[0].name", "attach-prod"},
		{"$.borderGateway.attachments[0].vpcId", "vpc-prod01"},
		{"$.borderGateway.attachments[0].vpcName", "prod"},
		{"$.borderGateway.attachments[0].cidrs", "10.0.0.0/16"},
		{"$.borderGateway.attachments[0].routeTables", "rtb-prod01"},
		{"$.directConnection.connectionId", "dc-bj-0001"},
		{"$.directConnection.interfaces[0].name", "pvif-bj-1"},
		{"$.directConnection.interfaces[0].bandwidthMbps", "1000"},
		{"$.vpn.customerGateway.name", "cgw-bj"},
		{"$.vpn.customerGateway.publicIps", "203.0.113.10"},
		{"$.vpn.connection.name", "vpn-bj"},
		{"$.vpn.connection.cloudPublicIps", "198.51.100.20, 198.51.100.21"},
	} {
		b.typeInto(s.path, s.value)
	}
	// Tunnels come with the next free public-IP pair, inside /30 and key
	// reference; only the bandwidth is left to type.
	for i := range 2 {
		b.idle()
		b.click(`.cards[data-path="$.vpn.tunnels"] > button.add`)
		b.typeInto(fmt.Sprintf("$.vpn.tunnels[%d].bandwidthMbps", i), "200")
	}
	b.idle()
	b.screenshot("seed-typed-in")

	if got := b.planJSON(); !sameJSON(t, []byte(got), seedJSON(t)) {
		t.Errorf("the typed plan differs from examples/seed-dc-primary-vpn-backup.json:\n%s", got)
	}
	for _, f := range b.findings() {
		if f.Severity == "error" {
			t.Errorf("the seed scenario has an error finding: %+v", f)
		}
	}
	if got := b.text("#plan-title"); got != "seed-dc-primary-vpn-backup" {
		t.Errorf("title %q does not follow the plan name", got)
	}
	b.noProblems(healthProbe404)
}

// TestOverlapErrorOnField makes an IDC segment overlap the VPC, both ways
// round: the error must appear on the field the finding names and on the
// other side of the conflict, and clicking the finding must focus the field.
func TestOverlapErrorOnField(t *testing.T) {
	t.Parallel()
	const segPath = "$.idc.segments[1].cidr"
	const vpcPath = "$.borderGateway.attachments[0].cidrs"
	// Both ways round: the VPC inside the segment, the segment inside the VPC.
	for _, tc := range []struct{ name, value string }{
		{"IDC segment contains the VPC", "10.0.0.0/8"},
		{"VPC contains the IDC segment", "10.0.128.0/17"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBrowser(t)
			b.open(suite.url)
			b.openExample("seed-dc-primary-vpn-backup")
			b.typeInto(segPath, tc.value)
			b.idle()

			// The core names one side of the conflict as the path and the
			// other as related; which one is its choice.
			var overlap *shownFinding
			for _, f := range b.findings() {
				if f.Severity == "error" && strings.HasPrefix(f.Code, "address.") &&
					(strings.HasPrefix(f.Path, segPath) || strings.HasPrefix(f.Path, vpcPath)) {
					overlap = &f
					break
				}
			}
			if overlap == nil {
				t.Fatalf("no address error on the segment or the VPC; findings: %+v", b.findings())
			}
			for _, p := range []string{segPath, vpcPath} {
				wrap := fmt.Sprintf(`document.querySelector('.field[data-path=%q]')`, p)
				if !eval[bool](b, wrap+`.classList.contains('sev-error')`) {
					t.Errorf("the field %s is not marked as an error", p)
				}
				msg := eval[string](b, wrap+`.querySelector('.field-msg').textContent`)
				if !strings.Contains(msg, "10.0.0.0/") {
					t.Errorf("the message on %s does not name the blocks: %q", p, msg)
				}
				if !eval[bool](b, fmt.Sprintf(`document.querySelector(%q).getAttribute('aria-invalid') === 'true'`, field(p))) {
					t.Errorf("the input %s is not aria-invalid", p)
				}
			}
			b.screenshot("overlap-error-" + strings.ReplaceAll(tc.value, "/", "_"))

			// Move focus away, then pick the finding: focus goes to its field.
			b.do(chromedp.Focus(chromedp.ID("trace-src")))
			b.click(fmt.Sprintf(`#findings-list li.finding[data-path=%q][data-code=%q] button`, overlap.Path, overlap.Code))
			got := eval[string](b, `document.activeElement.dataset.path || document.activeElement.id`)
			if got == "" || !strings.HasPrefix(overlap.Path, got) {
				t.Errorf("after clicking the finding on %s the focus is on %q", overlap.Path, got)
			}

			// Fixing the value clears the error from both fields.
			b.typeInto(segPath, "172.20.0.0/16")
			b.idle()
			for _, p := range []string{segPath, vpcPath} {
				if eval[bool](b, fmt.Sprintf(`document.querySelector('.field[data-path=%q]').classList.contains('sev-error')`, p)) {
					t.Errorf("the error stayed on %s after the overlap was fixed", p)
				}
			}
			b.noProblems(healthProbe404)
		})
	}
}

// TestLayoutAtLaptopAndProjector loads the seed at both sizes the page must
// be readable at, checks nothing spills sideways, and keeps screenshots.
func TestLayoutAtLaptopAndProjector(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	for _, vp := range []struct {
		name string
		w, h int64
	}{{"laptop-1366x768", laptopW, laptopH}, {"projector-1920x1080", projectorW, projectorH}} {
		b.viewport(vp.w, vp.h)
		b.open(suite.url)
		b.openExample("seed-dc-primary-vpn-backup")
		if w := eval[int64](b, `document.documentElement.scrollWidth`); w > vp.w {
			t.Errorf("%s: the page is %d px wide, wider than the window", vp.name, w)
		}
		if !eval[bool](b, `!!document.querySelector('#diagram svg')`) {
			t.Errorf("%s: no topology diagram", vp.name)
		}
		b.screenshot("seed-" + vp.name)
	}
	b.noProblems(healthProbe404)
}

// TestKeyboardAndLabels: every control in the editor has a label, and the
// skip link takes the keyboard to the editor.
func TestKeyboardAndLabels(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.open(suite.url)
	b.openExample("aspath-two-vpcs-redundant-dc")
	b.screenshot("aspath-two-vpcs-redundant-dc")
	// Showing a plan (editor, diagram, every view) never changes it: retype
	// the name so the page serialises its plan object again, and compare.
	b.typeInto("$.name", "aspath-two-vpcs-redundant-dc")
	b.idle()
	b.waitSaved() // leaving with unsaved edits would ask first
	want, err := os.ReadFile(filepath.Join(suite.root, "examples", "aspath-two-vpcs-redundant-dc.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := b.planJSON(); !sameJSON(t, []byte(got), want) {
		t.Errorf("viewing the example changed it:\n%s", got)
	}
	unlabelled := eval[[]string](b, `[...document.querySelectorAll('input:not([type=file]):not([type=radio]), select, textarea')]
		.filter(e => !e.hidden && e.labels.length === 0 && !e.getAttribute('aria-label'))
		.map(e => e.dataset.path || e.id || e.outerHTML.slice(0, 80))`)
	if len(unlabelled) > 0 {
		t.Errorf("controls without a label: %v", unlabelled)
	}
	// From a freshly loaded page, the first Tab reaches the skip link.
	b.open(suite.url)
	b.do(chromedp.KeyEvent("\t"))
	if got := eval[string](b, `document.activeElement.className`); got != "skip" {
		t.Errorf("the first Tab lands on %q, want the skip link", got)
	}
	b.do(chromedp.KeyEvent("\r"))
	b.do(chromedp.KeyEvent("\t"))
	if !eval[bool](b, `document.getElementById('editor').contains(document.activeElement)`) {
		t.Errorf("after the skip link, Tab does not go into the editor (focus on %s)", eval[string](b, `document.activeElement.outerHTML.slice(0,80)`))
	}
	// Focus must be visible: the focused control gets an outline.
	if style := eval[string](b, `getComputedStyle(document.activeElement).outlineStyle`); style == "none" {
		t.Errorf("the focused control shows no outline")
	}
	b.noProblems(healthProbe404)
}

// TestShareLinkInFreshProfile makes a link in one browser and opens it in a
// browser with a fresh profile: the same plan must appear, with an offer to
// keep it as a draft. A damaged link gets a clear message.
func TestShareLinkInFreshProfile(t *testing.T) {
	t.Parallel()
	a := newBrowser(t)
	a.open(suite.url)
	a.openExample("seed-dc-primary-vpn-backup")
	a.typeInto("$.name", "shared-by-alice")
	a.idle()
	sent := a.planJSON()
	a.click("#share-plan")
	link := a.waitFor(`document.getElementById('share-dialog').open && document.getElementById('share-url').value`)
	if !strings.HasPrefix(link, suite.url+"#") {
		t.Fatalf("the link %q is not this page with a fragment", link)
	}
	a.screenshot("share-dialog")

	b := newBrowser(t) // fresh --user-data-dir: no drafts, no state
	b.open(link)
	if got := b.planJSON(); !sameJSON(t, []byte(got), []byte(sent)) {
		t.Errorf("the shared plan differs:\n got %s\nwant %s", got, sent)
	}
	if got := b.text("#plan-title"); got != "shared-by-alice" {
		t.Errorf("title %q, want shared-by-alice", got)
	}
	banner := b.text(`#banners [data-key="link"]`)
	if !strings.Contains(banner, "Save as my draft") {
		t.Errorf("no offer to save the shared plan as a draft; banner: %q", banner)
	}
	b.screenshot("share-opened")
	b.click(`#banners [data-key="link"] button:first-of-type`) // Save as my draft
	saved := b.waitFor(`[...document.querySelectorAll('#banners [data-key="link"]')].map(e => e.textContent).find(t => t.startsWith('Saved as your draft'))`)
	if !strings.Contains(saved, "shared-by-alice") {
		t.Errorf("after saving the shared plan: %q", saved)
	}
	if h := eval[string](b, `location.hash`); h != "" {
		t.Errorf("the link's fragment stayed after saving (%.40s…): a reload would reopen the link, not the draft", h)
	}

	// A link cut short when copied.
	c := newBrowser(t)
	c.open(link[:len(link)-12])
	msg := c.text(`#banners [data-key="link"]`)
	if !strings.Contains(msg, "cannot be opened") {
		t.Errorf("a damaged link gives no clear message; banner: %q", msg)
	}
	// A link from a newer hybridplan, opened in the same tab: only the
	// fragment changes, so the page reacts to hashchange.
	c.do(chromedp.Navigate(suite.url + "#p9.AAAA"))
	msg = c.waitFor(`[...document.querySelectorAll('#banners [data-key="link"]')].map(e => e.textContent).find(t => t.includes('newer'))`)
	if !strings.Contains(msg, "cannot be opened") {
		t.Errorf("a link from a newer version gets %q", msg)
	}
	c.screenshot("share-bad-link")
	a.noProblems(healthProbe404)
	b.noProblems(healthProbe404)
}

// TestImportPlanFile imports a plan file through the file picker.
func TestImportPlanFile(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.open(suite.url)
	file := filepath.Join(suite.root, "examples", "dualstack-aggregate-over-vpn.json")
	b.do(chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{file}))
	b.waitFor(`document.getElementById('plan-title').textContent === 'dualstack-aggregate-over-vpn'`)
	b.idle()
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.planJSON(); !sameJSON(t, []byte(got), want) {
		t.Errorf("the imported plan differs from the file:\n%s", got)
	}
	// A file that is not JSON is refused with a message, the plan kept.
	bad := filepath.Join(t.TempDir(), "notes.json")
	if err := os.WriteFile(bad, []byte("not a plan"), 0o644); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{bad}))
	msg := b.waitFor(`[...document.querySelectorAll('#banners [data-key="import"]')].map(e => e.textContent).find(t => !t.startsWith('Imported'))`)
	if !strings.Contains(msg, "not valid JSON") {
		t.Errorf("importing a non-JSON file says %q", msg)
	}
	if got := b.text("#plan-title"); got != "dualstack-aggregate-over-vpn" {
		t.Errorf("a bad import replaced the plan (title %q)", got)
	}
	b.noProblems(healthProbe404)
}

// TestExportDownloads exports the plan file, the diagram and the
// provisioning calls; the router configuration is TestExportRouterConfig.
func TestExportDownloads(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.open(suite.url)
	b.openExample("seed-dc-primary-vpn-backup")
	for _, tc := range []struct {
		button, file, contains string
	}{
		{"plan", "seed-dc-primary-vpn-backup.json", `"name": "seed-dc-primary-vpn-backup"`},
		{"svg", "seed-dc-primary-vpn-backup-topology.svg", "<svg"},
		{"provisioning", "seed-dc-primary-vpn-backup-provisioning.json", `"service"`},
	} {
		dir := t.TempDir()
		b.downloadsTo(dir)
		b.click("#open-export")
		b.click(fmt.Sprintf(`[data-export=%q]`, tc.button))
		name, data := waitFile(t, dir)
		if name != tc.file {
			t.Errorf("export %s saved %q, want %q", tc.button, name, tc.file)
		}
		if !strings.Contains(string(data), tc.contains) {
			t.Errorf("export %s: %q not in the file:\n%.300s", tc.button, tc.contains, data)
		}
		eval[chromedp.Void](b, `document.getElementById('export-dialog').close()`)
	}
	b.noProblems(healthProbe404)
}

// TestTypoKeptAndReported: text that is not a number in a number field is
// kept as typed, and the core's decode error lands on that field.
func TestTypoKeptAndReported(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.open(suite.url)
	b.openExample("seed-dc-primary-vpn-backup")
	b.typeInto("$.idc.asn", "65O01")
	b.idle()
	found := false
	for _, f := range b.findings() {
		if f.Path == "$.idc.asn" && f.Severity == "error" && strings.HasPrefix(f.Code, "decode.") {
			found = true
		}
	}
	if !found {
		t.Errorf("no decode error on $.idc.asn; findings: %+v", b.findings())
	}
	if !eval[bool](b, `document.querySelector('.field[data-path="$.idc.asn"]').classList.contains('sev-error')`) {
		t.Errorf("the ASN field is not marked")
	}
	if !strings.Contains(b.planJSON(), `"asn":"65O01"`) {
		t.Errorf("the typed text was not kept: %s", b.planJSON())
	}
	if sum := b.text("#scenario-summary"); !strings.Contains(sum, "Fix the errors") {
		t.Errorf("with a broken plan the topology says %q", sum)
	}
	b.screenshot("typo-in-asn")
	b.typeInto("$.idc.asn", "65002")
	b.idle()
	if !strings.Contains(b.planJSON(), `"asn":65002`) {
		t.Errorf("a corrected ASN is not a number: %s", b.planJSON())
	}
	for _, f := range b.findings() {
		if f.Severity == "error" {
			t.Errorf("error left after the fix: %+v", f)
		}
	}
	b.noProblems(healthProbe404)
}

// TestStaticHostWithoutWasmType: a static host that sends the core as
// application/octet-stream (instantiateStreaming refuses it) still gets a
// working page, through the fallback, in a sub-path.
func TestStaticHostWithoutWasmType(t *testing.T) {
	t.Parallel()
	site := staticSiteTyped(suite.root, suite.wasm, suite.execJS, "application/octet-stream")
	srv := httptest.NewServer(http.StripPrefix("/some/sub/path", site))
	defer srv.Close()
	b := newBrowser(t)
	b.open(srv.URL + "/some/sub/path/")
	b.idle()
	if got := b.text("#plan-title"); got != "seed-dc-primary-vpn-backup" {
		t.Errorf("the page shows %q", got)
	}
	b.noProblems(healthProbe404)
}

// TestPlanWithoutVPN: unticking the VPN takes it out of the plan (a warning
// says there is no failover, the diagram has no tunnels) and ticking it
// again brings the same VPN back.
func TestPlanWithoutVPN(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.open(suite.url)
	b.openExample("seed-dc-primary-vpn-backup")
	before := b.planJSON()
	b.click(`input[data-path="$.vpn#on"]`)
	b.idle()
	if strings.Contains(b.planJSON(), `"vpn":{"customerGateway"`) {
		t.Errorf("the VPN is still in the plan: %s", b.planJSON())
	}
	warned := false
	for _, f := range b.findings() {
		if strings.HasPrefix(f.Path, "$.vpn") && f.Severity == "warning" {
			warned = true
		}
	}
	if !warned {
		t.Errorf("no warning about the missing VPN; findings %+v", b.findings())
	}
	if n := eval[int](b, `document.querySelectorAll('#diagram path[data-kind="vpn"]').length`); n != 0 {
		t.Errorf("the diagram still draws %d tunnels", n)
	}
	if got := b.linkState("pvif-bj-1"); got != "active" {
		t.Errorf("without the VPN the Direct Connection link is %q", got)
	}
	b.screenshot("plan-without-vpn")
	b.click(`input[data-path="$.vpn#on"]`)
	b.idle()
	if got := b.planJSON(); !sameJSON(t, []byte(got), []byte(before)) {
		t.Errorf("ticking the VPN again did not bring it back:\n%s", got)
	}
	b.noProblems(healthProbe404)
}
