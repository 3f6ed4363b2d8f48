package export

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

// TestPrefixSplitNoDiscardInsideSegment: the more-specifics of a prefix
// split lie inside an IDC segment, and the customer router's own route for
// that segment (10.1.0.0/16 towards the IDC core) is shorter than them. An
// installed discard route for a more-specific would win by longest-prefix
// match and drop the cloud's traffic to the IDC (found by the rehearsal).
// No format may install one: FRR announces without a route (no import
// check), Junos keeps the discard route out of the forwarding table
// (no-install), and IOS XE and VRP, which need an exact route the plan
// cannot give, leave it out and say so in a WARNING.
func TestPrefixSplitNoDiscardInsideSegment(t *testing.T) {
	p := seedPlan(t)
	d, err := buildDesign(p, strategy.Compute(p), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Split) == 0 {
		t.Fatal("the seed plan's prefix split originates no more-specific inside a segment; the test needs one")
	}
	comment := map[string]string{FormatFRR: "!", FormatIOSXE: "!", FormatJunos: "#", FormatVRP: "#", FormatStrongSwan: "#"}
	// must are lines (trimmed) every split prefix P needs in the output.
	must := map[string][]func(netip.Prefix) string{
		FormatFRR:   {func(netip.Prefix) string { return "no bgp network import-check" }},
		FormatJunos: {func(p netip.Prefix) string { return fmt.Sprintf("set routing-options static route %s no-install", p) }},
		FormatIOSXE: {func(p netip.Prefix) string { return "network " + p.Addr().String() + " mask " + netmask(p.Bits()) }},
		FormatVRP:   {func(p netip.Prefix) string { return fmt.Sprintf("network %s %d", p.Addr(), p.Bits()) }},
	}
	// warn: the vendors without a safe mechanism warn at the top.
	warn := map[string]bool{FormatIOSXE: true, FormatVRP: true}
	for _, format := range []string{FormatFRR, FormatIOSXE, FormatJunos, FormatVRP, FormatStrongSwan} {
		t.Run(format, func(t *testing.T) {
			out, err := Render(p, format, Options{})
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(out), "\n")
			text := string(out)
			for sp, seg := range d.Split {
				forms := []string{sp.String(), fmt.Sprintf("%s %s ", sp.Addr(), netmask(sp.Bits())), fmt.Sprintf("%s %d ", sp.Addr(), sp.Bits())}
				for _, l := range lines {
					l = strings.TrimSpace(l)
					if l == "" || strings.HasPrefix(l, comment[format]) {
						continue
					}
					named := false
					for _, f := range forms {
						named = named || strings.Contains(l+" ", f+" ") || strings.Contains(l, f)
					}
					if !named {
						continue
					}
					for _, kw := range []string{"blackhole", "Null0", "NULL0", "discard", "reject"} {
						if strings.Contains(l, kw) && !(format == FormatJunos && strings.Contains(text, fmt.Sprintf("route %s no-install", sp))) {
							t.Errorf("%s inside segment %s gets an installed discard route: %q", sp, seg, l)
						}
					}
				}
				for _, m := range must[format] {
					if !containsLine(lines, m(sp)) {
						t.Errorf("no line %q for %s", m(sp), sp)
					}
				}
				if warn[format] && !strings.Contains(text, "WARNING: no discard route for "+sp.String()) {
					t.Errorf("no WARNING at the discard routes for %s", sp)
				}
			}
			if warn[format] && !strings.Contains(text, "WARNING: "+map[string]string{FormatIOSXE: "IOS XE", FormatVRP: "VRP"}[format]+" announces a `network` prefix only") {
				t.Errorf("no WARNING at the top naming the missing routes")
			}
		})
	}
}

func containsLine(lines []string, want string) bool {
	for _, l := range lines {
		if strings.TrimSpace(l) == want {
			return true
		}
	}
	return false
}
