package strategy

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/pkg/plan"
)

// TestSegmentsIn: the index finds the same segments as checking every
// one, containing and contained, and names at most maxOriginNames.
func TestSegmentsIn(t *testing.T) {
	segs := []plan.Segment{
		{Name: "big", CIDR: netip.MustParsePrefix("10.0.0.0/8")},
		{Name: "big-again", CIDR: netip.MustParsePrefix("10.0.0.0/8")},
		{Name: "a", CIDR: netip.MustParsePrefix("10.1.0.0/16")},
		{Name: "b", CIDR: netip.MustParsePrefix("10.2.0.0/16")},
		{Name: "other", CIDR: netip.MustParsePrefix("192.168.0.0/16")},
		{Name: "v6", CIDR: netip.MustParsePrefix("fd00::/48")},
	}
	for i := range 20 {
		segs = append(segs, plan.Segment{Name: fmt.Sprintf("h%d", i), CIDR: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 3, 0, byte(i)}), 32)})
	}
	c := &computer{p: &plan.Plan{IDC: plan.IDC{Segments: segs}}}
	tests := []struct {
		q    string
		want string
	}{
		{"10.1.0.0/16", "big,big-again,a"},
		{"10.1.2.0/24", "big,big-again,a"},
		{"10.0.0.0/8", "big,big-again,a,b,h0,h1,h2,h3,… and 16 more"},
		{"10.3.0.0/24", "big,big-again,h0,h1,h2,h3,h4,h5,… and 14 more"},
		{"10.3.0.5/32", "big,big-again,h5"},
		{"0.0.0.0/0", "big,big-again,a,b,h0,h1,h2,h3,… and 17 more"},
		{"172.16.0.0/12", ""},
		{"fd00::/16", "v6"},
		{"::/0", "v6"},
	}
	for _, tt := range tests {
		q := netip.MustParsePrefix(tt.q)
		if got := c.segmentsIn(q); got != tt.want {
			t.Errorf("segmentsIn(%s) = %q, want %q", q, got, tt.want)
		}
		// The same count as a plain scan.
		n := 0
		for _, s := range segs {
			if s.CIDR.Overlaps(q) {
				n++
			}
		}
		names := strings.Count(tt.want, ",") + 1
		if tt.want == "" {
			names = 0
		}
		if i := strings.Index(tt.want, "… and "); i >= 0 {
			var more int
			fmt.Sscanf(tt.want[i:], "… and %d more", &more)
			names = maxOriginNames + more
		}
		if names != n {
			t.Errorf("segmentsIn(%s) accounts for %d segments, a scan finds %d", q, names, n)
		}
	}
}
