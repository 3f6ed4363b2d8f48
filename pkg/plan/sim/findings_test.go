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

// TestCheckExamplesClean: the examples (the recommended designs) have no
// simulation errors; the one warning they all get is the failure-state
// asymmetry of dc-routes-withdrawn (issue 9): while the IDC prefixes are
// withdrawn from Direct Connection, the customer router still returns
// over it.
func TestCheckExamplesClean(t *testing.T) {
	for _, ex := range examples.All() {
		t.Run(ex.Name, func(t *testing.T) {
			p := example(t, ex.Name)
			for _, f := range sim.Check(p) {
				if f.Code != sim.CodeFailureAsymmetric || f.Severity != plan.SeverityWarning || !strings.Contains(f.Message, `"dc-routes-withdrawn"`) {
					t.Errorf("finding on an example: %v", f)
				}
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
		// errors are the codes whose findings are errors; every other
		// sim.failure-asymmetric, sim.failback-not-direct-connection and
		// sim.bring-up-order-dependent finding is a warning.
		errors []string
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
			// idc-office is symmetric normally, asymmetric while the IDC
			// prefixes are withdrawn from Direct Connection.
			want: []string{"sim.asymmetric@$.idc.segments[0].cidr", "sim.failure-asymmetric@$.idc.segments[1].cidr"},
		},
		{
			name: "no local-preference: return stays on the VPN after failback", example: "seed-dc-primary-vpn-backup",
			edit: func(p *plan.Plan) { p.Strategy.LocalPreference = nil },
			want: []string{"sim.bring-up-order-dependent@$.strategy.localPreference", "sim.failback-not-direct-connection@$.borderGateway.attachments[0].cidrs[0]",
				"sim.failure-asymmetric@$.idc.segments[0].cidr", "sim.failure-asymmetric@$.idc.segments[1].cidr"},
		},
		{
			// Issue 9: losing one of two interfaces with no local-preference
			// and tunnel addresses below the interconnects moves the return
			// to a tunnel while the cloud still sends over the other
			// interface.
			name: "one of two interfaces lost, tunnels below the interconnects", example: "seed-dc-primary-vpn-backup",
			edit: func(p *plan.Plan) {
				p.Strategy.LocalPreference = nil
				second := p.DirectConnection.Interfaces[0]
				second.Name, second.VLAN = "pvif-bj-2", second.VLAN+1
				second.Interconnect = netip.MustParsePrefix("10.254.0.4/30")
				p.DirectConnection.Interfaces = append(p.DirectConnection.Interfaces, second)
				p.DirectConnection.Interfaces[0].Interconnect = netip.MustParsePrefix("10.254.0.0/30")
				p.VPN.Tunnels[0].InsideCIDR = netip.MustParsePrefix("10.253.0.0/30")
				p.VPN.Tunnels[1].InsideCIDR = netip.MustParsePrefix("10.253.0.4/30")
			},
			want: []string{"sim.bring-up-order-dependent@$.strategy.localPreference", "sim.failback-not-direct-connection@$.borderGateway.attachments[0].cidrs[0]",
				"sim.failure-asymmetric@$.idc.segments[0].cidr", "sim.failure-asymmetric@$.idc.segments[1].cidr"},
			errors: []string{"sim.failure-asymmetric"},
		},
		{
			name: "IPv6 on one of two interfaces", example: "dualstack-aggregate-over-vpn",
			edit: func(p *plan.Plan) {
				second := p.DirectConnection.Interfaces[0]
				second.Name, second.VLAN = "pvif-gz-2", second.VLAN+1
				second.Interconnect = netip.MustParsePrefix("10.254.1.4/30")
				second.InterconnectIPv6 = netip.Prefix{}
				p.DirectConnection.Interfaces = append(p.DirectConnection.Interfaces, second)
			},
			want: []string{"sim.failure-asymmetric@$.idc.segments[0].cidr", "sim.failure-asymmetric@$.idc.segments[1].cidr", "sim.failure-asymmetric@$.idc.segments[2].cidr",
				"sim.failure-asymmetric@$.idc.segments[3].cidr", "sim.failure-asymmetric@$.idc.segments[4].cidr", "sim.ipv6-partial-interfaces@$.directConnection.interfaces[1].interconnectIpv6"},
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
			want: []string{"sim.failure-asymmetric@$.idc.segments[0].cidr", "sim.failure-asymmetric@$.idc.segments[1].cidr", "sim.failure-asymmetric@$.idc.segments[4].cidr",
				"sim.one-way@$.idc.segments[2].cidr", "sim.one-way@$.idc.segments[3].cidr"},
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
				switch f.Code {
				case sim.CodeFailureAsymmetric, sim.CodeFailbackNotDC, sim.CodeBringUpOrderDependent:
					if want := slices.Contains(tt.errors, f.Code); (f.Severity == plan.SeverityError) != want {
						t.Errorf("%s is %s, want error=%v: %s", f.Code, f.Severity, want, f.Message)
					}
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

// TestCheckSinglePath: without a VPN, withdrawing the routes from Direct
// Connection leaves traffic one way; that is the missing backup validation
// already warns about, so it is a warning, not an error.
func TestCheckSinglePath(t *testing.T) {
	p := example(t, "seed-dc-primary-vpn-backup")
	p.VPN = nil
	fs := sim.Check(p)
	if len(fs) == 0 {
		t.Fatal("no finding")
	}
	for _, f := range fs {
		if f.Code != sim.CodeOneWay || f.Severity != plan.SeverityWarning {
			t.Errorf("%s", f)
		}
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

// BenchmarkCheckAtBound: Check on plans just inside MaxCheckWork, the
// slowest it runs; the seed is the anchor.
func BenchmarkCheckAtBound(b *testing.B) {
	seed := example(b, "seed-dc-primary-vpn-backup")
	sessions := example(b, "seed-dc-primary-vpn-backup")
	base := sessions.DirectConnection.Interfaces[0]
	sessions.DirectConnection.Interfaces = nil
	for i := range sim.MaxCheckSessions - len(sessions.VPN.Tunnels) {
		f := base
		f.Name = fmt.Sprintf("pvif-%d", i)
		f.VLAN = 100 + i
		f.Interconnect = netip.PrefixFrom(netip.AddrFrom4([4]byte{172, 16, byte(i / 64), byte(i % 64 * 4)}), 30)
		sessions.DirectConnection.Interfaces = append(sessions.DirectConnection.Interfaces, f)
	}
	segments := example(b, "seed-dc-primary-vpn-backup")
	base = segments.DirectConnection.Interfaces[0]
	for i := range 5 { // 6 interfaces and 2 tunnels: 8 sessions
		f := base
		f.Name = fmt.Sprintf("pvif-%d", i)
		f.VLAN = 200 + i
		f.Interconnect = netip.PrefixFrom(netip.AddrFrom4([4]byte{172, 17, 0, byte(i * 4)}), 30)
		segments.DirectConnection.Interfaces = append(segments.DirectConnection.Interfaces, f)
	}
	segments.IDC.Segments = nil
	for i := range 28000 {
		segments.IDC.Segments = append(segments.IDC.Segments, plan.Segment{Name: fmt.Sprint(i), CIDR: netip.PrefixFrom(netip.AddrFrom4([4]byte{192, 168, byte(i >> 8), byte(i)}), 32)})
	}
	for _, bc := range []struct {
		name string
		p    *plan.Plan
	}{{"seed", seed}, {"64-sessions", sessions}, {"8-sessions-28000-segments", segments}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if fs := sim.Check(bc.p); slices.ContainsFunc(fs, func(f plan.Finding) bool { return f.Code == sim.CodeNotChecked }) {
					b.Fatalf("not checked: %v", fs)
				}
			}
		})
	}
}
