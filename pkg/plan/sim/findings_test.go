package sim_test

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/sim"
)

// codesAt lists "code@path" for every finding, sorted.
func codesAt(fs []plan.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Code + "@" + f.Path
	}
	slices.Sort(out)
	return out
}

func TestCheckExamplesClean(t *testing.T) {
	for _, ex := range examples.All() {
		t.Run(ex.Name, func(t *testing.T) {
			p := example(t, ex.Name)
			if fs := sim.Check(p); len(fs) != 0 {
				t.Errorf("findings on an example: %v", fs)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name    string
		example string
		edit    func(p *plan.Plan)
		want    []string // code@path, sorted
	}{
		{
			name: "more-specifics over VPN: asymmetric in the normal state", example: "seed-dc-primary-vpn-backup",
			edit: func(p *plan.Plan) {
				p.Strategy.PrefixSplit.Overrides = []plan.SplitOverride{{
					Segment:          "idc-servers",
					DirectConnection: []netip.Prefix{netip.MustParsePrefix("192.168.0.0/16")},
					VPN:              []netip.Prefix{netip.MustParsePrefix("192.168.0.0/17"), netip.MustParsePrefix("192.168.128.0/17")},
				}}
			},
			want: []string{"sim.asymmetric@$.idc.segments[0].cidr"},
		},
		{
			name: "no local-preference: return stays on the VPN after failback", example: "seed-dc-primary-vpn-backup",
			edit: func(p *plan.Plan) { p.Strategy.LocalPreference = nil },
			want: []string{"sim.failback-not-direct-connection@$.borderGateway.attachments[0].cidrs[0]"},
		},
		{
			name: "local-preference higher on the VPN: asymmetric", example: "seed-dc-primary-vpn-backup",
			edit: func(p *plan.Plan) {
				p.Strategy.LocalPreference = &plan.LocalPreference{DirectConnection: 100, VPN: 200}
			},
			want: []string{"sim.asymmetric@$.idc.segments[0].cidr", "sim.asymmetric@$.idc.segments[1].cidr"},
		},
		{
			name: "aggregate not covering: one-way after Direct Connection fails", example: "dualstack-aggregate-over-vpn",
			edit: func(p *plan.Plan) {
				p.Strategy.PrefixSplit.VPNAggregates = []netip.Prefix{netip.MustParsePrefix("10.30.0.0/23"), netip.MustParsePrefix("2001:db8:30::/48")}
			},
			// 10.30.0.0/23 leaves gz-db and gz-ops without a VPN path.
			want: []string{"sim.one-way@$.idc.segments[2].cidr", "sim.one-way@$.idc.segments[3].cidr"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := example(t, tt.example)
			tt.edit(p)
			fs := sim.Check(p)
			got := slices.Compact(codesAt(fs))
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
				for _, f := range fs {
					t.Log(f)
				}
			}
			for _, f := range fs {
				if f.Message == "" || f.Hint == "" || f.Severity == "" || !strings.HasPrefix(f.Path, "$") {
					t.Errorf("ill-formed finding %+v", f)
				}
			}
		})
	}
}

// TestCheckBounds: a plan beyond the session or work bound gets one
// sim.not-checked warning, before any simulation work; one just inside
// is simulated.
func TestCheckBounds(t *testing.T) {
	withInterfaces := func(n int) *plan.Plan {
		p := example(t, "seed-dc-primary-vpn-backup")
		base := p.DirectConnection.Interfaces[0]
		p.DirectConnection.Interfaces = nil
		for i := range n {
			f := base
			f.Name = fmt.Sprintf("pvif-%d", i)
			f.VLAN = 100 + i
			f.Interconnect = netip.PrefixFrom(netip.AddrFrom4([4]byte{172, 16, byte(i / 64), byte(i % 64 * 4)}), 30)
			p.DirectConnection.Interfaces = append(p.DirectConnection.Interfaces, f)
		}
		return p
	}
	tunnels := len(example(t, "seed-dc-primary-vpn-backup").VPN.Tunnels)
	tests := []struct {
		name       string
		p          *plan.Plan
		notChecked bool
	}{
		{"sessions at the limit", withInterfaces(sim.MaxCheckSessions - tunnels), false},
		{"one session over the limit", withInterfaces(sim.MaxCheckSessions - tunnels + 1), true},
		{"many VPC prefixes over the work bound", func() *plan.Plan {
			p := withInterfaces(30)
			a := &p.BorderGateway.Attachments[0]
			for i := range 20000 {
				a.CIDRs = append(a.CIDRs, netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 128 + byte(i/256), byte(i % 256), 0}), 24))
			}
			return p
		}(), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := sim.Check(tt.p)
			got := slices.ContainsFunc(fs, func(f plan.Finding) bool { return f.Code == sim.CodeNotChecked })
			if got != tt.notChecked {
				t.Errorf("not-checked = %v, want %v: %v", got, tt.notChecked, fs)
			}
			if tt.notChecked && len(fs) != 1 {
				t.Errorf("want only the not-checked finding, got %v", fs)
			}
		})
	}
}

func TestCheckNilAndEmpty(t *testing.T) {
	if fs := sim.Check(nil); fs != nil {
		t.Errorf("nil plan: %v", fs)
	}
	if fs := sim.Check(&plan.Plan{}); fs != nil {
		t.Errorf("empty plan: %v", fs)
	}
}
