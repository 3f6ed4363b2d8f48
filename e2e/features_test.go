package e2e

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The capabilities issue 12 asks for beyond the defects: undo and redo,
// the address map, export previews.

func (b *browser) tunnels() int {
	b.t.Helper()
	return eval[int](b, `(JSON.parse(hybridplanPage.getPlanJSON()).vpn?.tunnels || []).length`)
}

// TestUndoRestoresRemovedTunnel: removing a tunnel is one click; Ctrl+Z
// brings it back exactly, Ctrl+Shift+Z removes it again, and the Undo
// button does what Ctrl+Z does. A run of keystrokes is one step.
func TestUndoRestoresRemovedTunnel(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.open(suite.url)
	b.openExample("seed-dc-primary-vpn-backup")
	before := b.planJSON()
	if b.tunnels() != 2 {
		t.Fatalf("the seed has %d tunnels", b.tunnels())
	}
	b.click(`details[data-path="$.vpn.tunnels[1]"] > summary button[aria-label^="Remove"]`)
	b.idle()
	if b.tunnels() != 1 {
		t.Fatalf("after removing a tunnel the plan has %d", b.tunnels())
	}
	b.do(chromedp.KeyEvent("z", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	b.idle()
	if got := b.planJSON(); got != before {
		t.Errorf("Ctrl+Z did not restore the plan:\n%s\nwant\n%s", got, before)
	}
	if !eval[bool](b, `!!document.querySelector('details[data-path="$.vpn.tunnels[1]"]')`) {
		t.Error("the restored tunnel is not in the editor")
	}
	b.do(chromedp.KeyEvent("z", chromedp.KeyModifiers(chromedp.ModifierCtrl, chromedp.ModifierShift)))
	b.idle()
	if b.tunnels() != 1 {
		t.Errorf("Ctrl+Shift+Z left %d tunnels, want 1", b.tunnels())
	}
	b.click("#undo")
	b.idle()
	if got := b.planJSON(); got != before {
		t.Errorf("the Undo button did not restore the plan")
	}
	// Typing a word is one step.
	b.typeInto("$.name", "renamed-plan")
	b.idle()
	b.click("#undo")
	b.idle()
	if got := b.text("#plan-title"); got != "seed-dc-primary-vpn-backup" {
		t.Errorf("one undo after typing a name shows %q, want the name before", got)
	}
	if eval[bool](b, `document.getElementById('redo').disabled`) {
		t.Error("Redo is disabled after an undo")
	}
	b.noProblems(healthProbe404)
}

// TestAddressMap: the map shows the plan's blocks, offers only free
// blocks, and a click on one fills the field last focused (an undoable
// edit).
func TestAddressMap(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.viewport(projectorW, projectorH)
	b.open(suite.url)
	b.openExample("seed-dc-primary-vpn-backup")
	b.waitFor(`document.querySelectorAll('#address-map [data-used]').length > 0`)
	plan := b.planJSON()
	var used []netip.Prefix
	for _, s := range eval[[]string](b, `[...document.querySelectorAll('#address-map [data-used]')].map(e => e.dataset.used)`) {
		used = append(used, netip.MustParsePrefix(s))
	}
	for _, want := range []string{"192.168.0.0/16", "172.20.0.0/16", "10.0.0.0/16", "10.254.0.0/30", "169.254.10.0/30", "169.254.10.4/30"} {
		if !containsPrefix(used, want) {
			t.Errorf("the map does not show the plan's block %s (shows %v)", want, used)
		}
	}
	free := eval[[]string](b, `[...document.querySelectorAll('#address-map button[data-free]')].map(e => e.dataset.free)`)
	if len(free) == 0 {
		t.Fatal("the map offers no free block")
	}
	for _, f := range free {
		fp := netip.MustParsePrefix(f)
		for _, u := range used {
			if fp.Overlaps(u) {
				t.Errorf("the map offers %s, which overlaps the plan's %s", f, u)
			}
		}
	}
	// Add a segment, then fill its CIDR from the map.
	b.click(`.table-field[data-path="$.idc.segments"] > button.add`)
	b.waitFor(`document.activeElement && document.activeElement.dataset.path === '$.idc.segments[2].name'`)
	b.do(chromedp.Focus(chromedp.CSS(field("$.idc.segments[2].cidr"))))
	b.waitFor(`document.getElementById('address-map-target').textContent.includes('segments[2].cidr') || document.getElementById('address-map-target').textContent.includes('segment 3')`)
	pick := eval[string](b, `document.querySelector('#address-map button[data-free]').dataset.free`)
	b.click(`#address-map button[data-free]`)
	b.idle()
	got := eval[string](b, `JSON.parse(hybridplanPage.getPlanJSON()).idc.segments[2].cidr`)
	if got != pick {
		t.Errorf("the new segment's CIDR is %q, want the free block clicked, %s", got, pick)
	}
	for _, f := range b.findings() {
		if f.Severity == "error" && strings.Contains(f.Path, "segments[2].cidr") {
			t.Errorf("the picked block is not free: %s", f.Text)
		}
	}
	b.screenshot("address-map")
	_ = plan
	b.noProblems(healthProbe404)
}

func containsPrefix(list []netip.Prefix, s string) bool {
	for _, p := range list {
		if p.String() == s {
			return true
		}
	}
	return false
}

// TestExportPreview: the export dialog previews a router configuration and
// copies it.
func TestExportPreview(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.open(suite.url)
	b.openExample("seed-dc-primary-vpn-backup")
	b.click("#open-export")
	b.do(chromedp.SetValue(chromedp.CSS("#export-vendor"), "frr"))
	b.click(`[data-preview="router"]`)
	b.waitFor(`document.getElementById('export-preview').textContent.includes('router bgp')`)
	b.injectClipboard()
	b.click("#export-copy")
	b.waitFor(`document.getElementById('export-status').textContent.startsWith('Copied')`)
	if got := eval[string](b, `window.__copied || ''`); !strings.Contains(got, "router bgp") {
		t.Errorf("copied %q", got[:min(len(got), 80)])
	}
	b.screenshot("export-preview")
	b.noProblems(healthProbe404)
}

// injectClipboard replaces the clipboard (which headless Chromium denies
// without a user gesture permission) with a recorder.
func (b *browser) injectClipboard() {
	b.t.Helper()
	eval[chromedp.Void](b, fmt.Sprintf(`Object.defineProperty(navigator, 'clipboard', {configurable: true, value: {writeText: async (s) => { window.__copied = s; }}})`))
}

// TestRouterInterfaceNames: the export takes the router's interface names
// per vendor, remembers them, and keeps each vendor's own.
func TestRouterInterfaceNames(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.open(suite.url)
	b.openExample("seed-dc-primary-vpn-backup")
	b.click("#open-export")
	b.setValue("#export-vendor", "ios-xe", "change")
	b.setValue("#export-dc-if", "TenGigabitEthernet1/0/3", "input")
	b.click(`[data-preview="router"]`)
	b.waitFor(`document.getElementById('export-preview').textContent.includes('TenGigabitEthernet1/0/3.100')`)
	if strings.Contains(b.text("#export-preview"), "GigabitEthernet0/0/1") {
		t.Error("the configuration still names the example interface")
	}
	b.setValue("#export-vendor", "junos", "change")
	if got := eval[string](b, `document.getElementById('export-dc-if').value`); got != "" {
		t.Errorf("Junos shows IOS XE's interface %q", got)
	}
	b.setValue("#export-dc-if", "xe-0/0/2", "input")
	b.setValue("#export-wan-if", "ge-0/0/5.0", "input")
	b.click(`[data-preview="router"]`)
	b.waitFor(`document.getElementById('export-preview').textContent.includes('xe-0/0/2') && document.getElementById('export-preview').textContent.includes('ge-0/0/5.0')`)
	// Remembered per vendor across a reload.
	b.open(suite.url)
	b.click("#open-export")
	b.setValue("#export-vendor", "ios-xe", "change")
	if got := eval[string](b, `document.getElementById('export-dc-if').value`); got != "TenGigabitEthernet1/0/3" {
		t.Errorf("after a reload IOS XE's interface is %q", got)
	}
	b.noProblems(healthProbe404)
}

// setValue sets a control's value and fires the event a person's change
// would.
func (b *browser) setValue(sel, value, event string) {
	b.t.Helper()
	eval[chromedp.Void](b, fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.value = %q; e.dispatchEvent(new Event(%q, {bubbles: true})); })()`, sel, value, event))
}
