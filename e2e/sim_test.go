package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// linkState is what the diagram says about one BGP session's link.
func (b *browser) linkState(session string) string {
	b.t.Helper()
	return eval[string](b, fmt.Sprintf(`(document.querySelector('#diagram path[data-session=%q]') || {dataset: {state: 'missing'}}).dataset.state`, session))
}

// routeKinds returns, for one router's table, the next-hop kinds of the
// route to each prefix.
func (b *browser) routeKinds(router string) map[string]string {
	b.t.Helper()
	return eval[map[string]string](b, fmt.Sprintf(`Object.fromEntries([...document.querySelectorAll('table.routes[data-router=%q] tbody tr')].map(tr => [tr.dataset.prefix, tr.dataset.kind]))`, router))
}

// TestDirectConnectionDown toggles the Direct Connection session down on
// the seed: the diagram must move the path to the VPN at once, and both
// routers' tables and a trace must follow; back to normal restores it.
func TestDirectConnectionDown(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.open(suite.url)
	b.openExample("seed-dc-primary-vpn-backup")
	b.waitFor(`document.querySelector('table.routes[data-router="bgw"]')`)

	if got := b.linkState("pvif-bj-1"); got != "active" {
		t.Fatalf("normally the Direct Connection link is %q, want active", got)
	}
	for _, tun := range []string{"tun-1", "tun-2"} {
		if got := b.linkState(tun); got != "idle" {
			t.Errorf("normally tunnel %s is %q, want idle", tun, got)
		}
	}
	// Normal: the border gateway reaches the IDC's more-specifics over
	// Direct Connection, the customer router the VPC over it too.
	bgw := b.routeKinds("bgw")
	for _, p := range []string{"192.168.0.0/17", "192.168.128.0/17", "172.20.0.0/17", "172.20.128.0/17"} {
		if bgw[p] != "direct-connection" {
			t.Errorf("normal: border gateway route %s goes via %q, want direct-connection (table %v)", p, bgw[p], bgw)
		}
	}
	if cr := b.routeKinds("cr"); cr["10.0.0.0/16"] != "direct-connection" {
		t.Errorf("normal: customer router route 10.0.0.0/16 via %q, want direct-connection (table %v)", cr["10.0.0.0/16"], cr)
	}
	b.screenshot("scenario-normal")

	// Toggle: the diagram redraws in the same event, before the tables.
	b.click(`label[for="scn-dc-session-down"]`)
	if got := b.linkState("pvif-bj-1"); got != "down" {
		t.Errorf("after the toggle the Direct Connection link is %q, want down", got)
	}
	for _, tun := range []string{"tun-1", "tun-2"} {
		if got := b.linkState(tun); got != "active" {
			t.Errorf("after the toggle tunnel %s is %q, want active", tun, got)
		}
	}
	b.idle()
	bgw = b.routeKinds("bgw")
	for p, k := range bgw {
		if k == "direct-connection" {
			t.Errorf("DC down: the border gateway still routes %s over Direct Connection", p)
		}
	}
	for _, p := range []string{"192.168.0.0/16", "172.20.0.0/16"} {
		if bgw[p] != "vpn" {
			t.Errorf("DC down: border gateway route %s via %q, want vpn (table %v)", p, bgw[p], bgw)
		}
	}
	if cr := b.routeKinds("cr"); !strings.Contains(cr["10.0.0.0/16"], "vpn") || strings.Contains(cr["10.0.0.0/16"], "direct") {
		t.Errorf("DC down: customer router route 10.0.0.0/16 via %q, want vpn (table %v)", cr["10.0.0.0/16"], cr)
	}
	if sum := b.text("#scenario-summary"); !strings.Contains(sum, "VPN") {
		t.Errorf("the scenario summary does not name the VPN: %q", sum)
	}
	// How long traffic is lost while it moves (sim.LossWindows): an
	// administrative shutdown loses nothing, the old line forwards until
	// the new path is chosen.
	if loss := b.text("#scenario-loss"); !strings.Contains(loss, "Traffic lost while it moves — failover:") || !strings.Contains(loss, "VPC → IDC") || !strings.Contains(loss, "no loss (admin-shutdown)") {
		t.Errorf("DC down: the loss line is %q, want the failover windows of a shutdown", loss)
	}
	b.do(chromedp.ScrollIntoView(chromedp.CSS(".topology")))
	b.screenshot("scenario-dc-session-down")

	// Trace from a VM to an IDC server, both ways, in this scenario.
	b.typeIntoID("trace-src", "10.0.1.10")
	b.typeIntoID("trace-dst", "192.168.1.20")
	b.click(`#trace-form button[type=submit]`)
	res := b.waitFor(`(() => { const r = document.querySelector('.trace-result'); return r && r.dataset.forward + '/' + r.dataset.back + '/' + r.dataset.symmetric; })()`)
	if res != "vpn/vpn/true" {
		t.Errorf("trace with DC down: forward/return/symmetric = %s, want vpn/vpn/true", res)
	}
	if loss := b.text(".trace-loss"); !strings.Contains(loss, "failover:") {
		t.Errorf("the trace does not say how long traffic is lost: %q", loss)
	}
	b.screenshot("trace-dc-session-down")

	// After recovery the plan's local-preference brings traffic back to
	// Direct Connection (without it BGP would keep the older VPN path).
	b.click("#scn-failback")
	b.idle()
	if got := b.linkState("pvif-bj-1"); got != "active" {
		t.Errorf("after recovery the Direct Connection link is %q, want active", got)
	}
	if got := b.text("#routes-scenario"); !strings.Contains(got, "recovered") {
		t.Errorf("the route tables are for %q, want the failback scenario", got)
	}
	b.click("#scn-failback")

	// Back to normal.
	b.click(`label[for="scn-normal"]`)
	b.idle()
	if got := b.linkState("pvif-bj-1"); got != "active" {
		t.Errorf("back to normal the Direct Connection link is %q, want active", got)
	}
	if loss := b.text("#scenario-loss"); loss != "" {
		t.Errorf("normal: nothing moves, yet the loss line says %q", loss)
	}
	b.noProblems(healthProbe404)
}

func (b *browser) typeIntoID(id, value string) {
	b.t.Helper()
	b.do(
		chromedp.ScrollIntoView(chromedp.ID(id)),
		chromedp.Focus(chromedp.ID(id)),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById(%q).select()`, id)),
		chromedp.SendKeys(chromedp.ID(id), value),
	)
}

// TestVerificationMatrix: the matrix covers every pair in every scenario
// and downloads as CSV.
func TestVerificationMatrix(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.open(suite.url)
	b.openExample("seed-dc-primary-vpn-backup")
	b.waitFor(`document.querySelector('table.matrix-table')`)
	rows := eval[int](b, `document.querySelectorAll('table.matrix-table tbody tr').length`)
	if rows != 2 { // two IDC segments × one VPC CIDR
		t.Errorf("the matrix has %d rows, want 2", rows)
	}
	dir := t.TempDir()
	b.downloadsTo(dir)
	b.click("#matrix-csv")
	name, data := waitFile(t, dir)
	if name != "seed-dc-primary-vpn-backup-matrix.csv" {
		t.Errorf("matrix saved as %q", name)
	}
	csv := string(data)
	for _, want := range []string{"scenario,idc_segment", "normal,idc-servers,192.168.0.0/16", "dc-session-down,idc-office"} {
		if !strings.Contains(csv, want) {
			t.Errorf("the CSV lacks %q:\n%.600s", want, csv)
		}
	}
	b.noProblems(healthProbe404)
}

// TestExportRouterConfig downloads the FRR configuration of the seed.
func TestExportRouterConfig(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.open(suite.url)
	b.openExample("seed-dc-primary-vpn-backup")
	dir := t.TempDir()
	b.downloadsTo(dir)
	b.click("#open-export")
	eval[chromedp.Void](b, `(() => { const s = document.getElementById('export-vendor'); s.value = 'frr'; s.dispatchEvent(new Event('change')); })()`)
	b.click(`[data-export="router"]`)
	name, data := waitFile(t, dir)
	if !strings.HasPrefix(name, "seed-dc-primary-vpn-backup") || !strings.Contains(name, "frr") {
		t.Errorf("the configuration was saved as %q", name)
	}
	cfg := string(data)
	for _, want := range []string{"router bgp 65001", "neighbor 10.254.0.2", "neighbor 169.254.10.1"} {
		if !strings.Contains(cfg, want) {
			t.Errorf("the FRR configuration lacks %q:\n%.800s", want, cfg)
		}
	}
	if status := b.text("#export-status"); !strings.HasPrefix(status, "Downloaded") {
		t.Errorf("export status %q", status)
	}
	b.screenshot("export-dialog")
	b.noProblems(healthProbe404)
}
