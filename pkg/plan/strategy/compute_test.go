package strategy_test

import (
	"encoding/json"
	"net/netip"
	"slices"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

func example(t *testing.T, name string) *plan.Plan {
	t.Helper()
	p, err := examples.Plan(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func prefixes(as []strategy.Announcement) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Prefix.String()
	}
	return out
}

func codes(fs []plan.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, string(f.Severity)+" "+f.Code+" "+f.Path)
	}
	return out
}

func pfx(s ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(s))
	for i, x := range s {
		out[i] = netip.MustParsePrefix(x)
	}
	return out
}

func TestComputeExamples(t *testing.T) {
	tests := []struct {
		example        string
		dc, vpn        []string
		cloudDC        []string
		dynamicRoutes  int
		vpnPrepend     int
		sessions       []string
		sessionsV6Kind []strategy.PathKind
	}{
		{
			example:       "seed-dc-primary-vpn-backup",
			dc:            []string{"192.168.0.0/17", "192.168.128.0/17", "172.20.0.0/17", "172.20.128.0/17"},
			vpn:           []string{"172.20.0.0/16", "192.168.0.0/16"},
			cloudDC:       []string{"10.0.0.0/16"},
			dynamicRoutes: 4 + 2*2,
			sessions:      []string{"pvif-bj-1", "tun-1", "tun-2"},
		},
		{
			example:       "aspath-two-vpcs-redundant-dc",
			dc:            []string{"10.200.0.0/16", "10.201.0.0/24", "10.201.1.0/24"},
			vpn:           []string{"10.200.0.0/16", "10.201.0.0/24", "10.201.1.0/24"},
			cloudDC:       []string{"10.0.0.0/16", "10.1.0.0/24", "10.1.1.0/24"},
			dynamicRoutes: 3*2 + 3*4,
			vpnPrepend:    3,
			sessions:      []string{"pvif-sh-a", "pvif-sh-b", "tun-a1", "tun-a2", "tun-b1", "tun-b2"},
		},
		{
			example:       "dualstack-aggregate-over-vpn",
			dc:            []string{"10.30.0.0/24", "10.30.1.0/24", "10.30.2.0/24", "10.30.3.0/24", "2001:db8:30::/49", "2001:db8:30:8000::/49"},
			vpn:           []string{"10.30.0.0/22", "2001:db8:30::/48"},
			cloudDC:       []string{"10.40.0.0/16", "2001:db8:40::/56"},
			dynamicRoutes: 6 + 2*2,
			sessions:      []string{"pvif-gz-1", "tun-gz-1", "tun-gz-2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.example, func(t *testing.T) {
			r := strategy.Compute(example(t, tt.example))
			if got := prefixes(r.IDCToCloud.DirectConnection); !slices.Equal(got, tt.dc) {
				t.Errorf("IDC→cloud over DC = %v, want %v", got, tt.dc)
			}
			if got := prefixes(r.IDCToCloud.VPN); !slices.Equal(got, tt.vpn) {
				t.Errorf("IDC→cloud over VPN = %v, want %v", got, tt.vpn)
			}
			if got := prefixes(r.CloudToIDC.DirectConnection); !slices.Equal(got, tt.cloudDC) {
				t.Errorf("cloud→IDC over DC = %v, want %v", got, tt.cloudDC)
			}
			if got := prefixes(r.CloudToIDC.VPN); !slices.Equal(got, tt.cloudDC) {
				t.Errorf("cloud→IDC over VPN = %v, want %v", got, tt.cloudDC)
			}
			for _, a := range r.IDCToCloud.VPN {
				if a.Prepend != tt.vpnPrepend || len(a.ASPath) != 1+tt.vpnPrepend {
					t.Errorf("VPN %s prepend %d path %v, want prepend %d", a.Prefix, a.Prepend, a.ASPath, tt.vpnPrepend)
				}
			}
			if r.DynamicRoutes != tt.dynamicRoutes {
				t.Errorf("DynamicRoutes = %d, want %d", r.DynamicRoutes, tt.dynamicRoutes)
			}
			var names []string
			for _, s := range r.Sessions {
				names = append(names, s.Name)
			}
			if !slices.Equal(names, tt.sessions) {
				t.Errorf("sessions = %v, want %v (Direct Connection first, then tunnels)", names, tt.sessions)
			}
			if len(r.Findings) != 0 {
				t.Errorf("example has findings: %v", codes(r.Findings))
			}
			if len(r.Notes) == 0 || len(r.Assumptions) != 2 {
				t.Errorf("notes %d, assumptions %d: want explanations and both AS_PATH assumptions", len(r.Notes), len(r.Assumptions))
			}
			if _, err := json.Marshal(r); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestSessionsIPv6(t *testing.T) {
	p := example(t, "dualstack-aggregate-over-vpn")
	r := strategy.Compute(p)
	v6 := netip.MustParsePrefix("2001:db8:30::/48")
	for _, s := range r.Sessions {
		if !s.Carries(v6) {
			t.Errorf("session %s should carry IPv6", s.Name)
		}
	}
	// Without IPv6 on the tunnels, the VPN carries no IPv6 prefix.
	for i := range p.VPN.Tunnels {
		p.VPN.Tunnels[i].InsideCIDRIPv6 = netip.Prefix{}
	}
	r = strategy.Compute(p)
	for _, s := range r.Sessions {
		on := prefixes(r.IDCToCloud.On(s))
		hasV6 := slices.ContainsFunc(on, func(x string) bool { return netip.MustParsePrefix(x).Addr().Is6() })
		if hasV6 != (s.Kind == strategy.DirectConnection) {
			t.Errorf("session %s sends %v: IPv6 only where the session has IPv6 addresses", s.Name, on)
		}
	}
	if got := codes(r.Findings); !slices.Contains(got, "warning strategy.ipv6-no-session $.idc.segments[4].cidr") ||
		!slices.Contains(got, "warning strategy.ipv6-no-session $.borderGateway.attachments[0].cidrs[1]") {
		t.Errorf("findings = %v, want IPv6 warnings for the IDC and VPC IPv6 segments", got)
	}
	if r.DynamicRoutes != 6+2*1 {
		t.Errorf("DynamicRoutes = %d, want 8 (IPv6 counted only where carried)", r.DynamicRoutes)
	}
}

func TestComputeFindings(t *testing.T) {
	tests := []struct {
		name   string
		base   string
		mutate func(p *plan.Plan)
		want   []string // severity code path, all of them, sorted as SortFindings does
		dc     []string // when set, the DC advertisements
		vpn    []string
	}{
		{
			name: "specifics over VPN, aggregate over DC",
			base: "seed-dc-primary-vpn-backup",
			mutate: func(p *plan.Plan) {
				p.Strategy.PrefixSplit.Overrides = []plan.SplitOverride{{
					Segment:          "idc-servers",
					DirectConnection: pfx("192.168.0.0/16"),
					VPN:              pfx("192.168.0.0/17", "192.168.128.0/17"),
				}}
			},
			want: []string{
				"error strategy.vpn-more-specific $.strategy.prefixSplit.overrides[0].vpn[0]",
				"error strategy.vpn-more-specific $.strategy.prefixSplit.overrides[0].vpn[1]",
			},
			dc:  []string{"192.168.0.0/16", "172.20.0.0/17", "172.20.128.0/17"},
			vpn: []string{"192.168.0.0/17", "192.168.128.0/17", "172.20.0.0/16"},
		},
		{
			name: "aggregate not covering the specifics",
			base: "dualstack-aggregate-over-vpn",
			mutate: func(p *plan.Plan) {
				p.Strategy.PrefixSplit.VPNAggregates = pfx("10.30.0.0/23", "10.30.2.0/24", "10.30.3.0/25", "2001:db8:30::/48")
			},
			// The /25 is also more specific than the DC's /24: both mistakes.
			want: []string{
				"error strategy.aggregate-not-covering $.strategy.prefixSplit.vpnAggregates",
				"error strategy.vpn-more-specific $.strategy.prefixSplit.vpnAggregates[2]",
			},
		},
		{
			name: "segment only over DC",
			base: "dualstack-aggregate-over-vpn",
			mutate: func(p *plan.Plan) {
				p.Strategy.PrefixSplit.VPNAggregates = pfx("10.30.0.0/23", "10.30.2.0/24", "10.30.3.0/24")
			},
			want: []string{"error strategy.one-way $.idc.segments[4].cidr"},
		},
		{
			name: "aggregate wider than the segments",
			base: "dualstack-aggregate-over-vpn",
			mutate: func(p *plan.Plan) {
				p.Strategy.PrefixSplit.VPNAggregates = pfx("10.30.0.0/21", "2001:db8:30::/48")
			},
			want: []string{"warning strategy.aggregate-too-wide $.strategy.prefixSplit.vpnAggregates[0]"},
		},
		{
			name: "override unknown segment and outside its segment",
			base: "seed-dc-primary-vpn-backup",
			mutate: func(p *plan.Plan) {
				p.Strategy.PrefixSplit.Overrides = []plan.SplitOverride{
					{Segment: "nope", DirectConnection: pfx("192.168.0.0/17")},
					{Segment: "idc-office", DirectConnection: pfx("172.21.0.0/17", "172.20.0.0/16")},
				}
			},
			want: []string{
				"error strategy.override-unknown-segment $.strategy.prefixSplit.overrides[0].segment",
				"error strategy.override-outside-segment $.strategy.prefixSplit.overrides[1].directConnection[0]",
			},
		},
		{
			name: "unsplittable /32 and /128",
			base: "dualstack-aggregate-over-vpn",
			mutate: func(p *plan.Plan) {
				p.IDC.Segments = append(p.IDC.Segments,
					plan.Segment{Name: "host", CIDR: netip.MustParsePrefix("10.31.0.7/32")},
					plan.Segment{Name: "host6", CIDR: netip.MustParsePrefix("2001:db8:31::7/128")})
				p.Strategy.PrefixSplit.VPNAggregates = nil
				p.Strategy.PrefixSplit.Overrides = nil
			},
			want: []string{
				"info strategy.unsplittable $.idc.segments[5].cidr",
				"info strategy.unsplittable $.idc.segments[6].cidr",
			},
			dc: []string{"10.30.0.0/25", "10.30.0.128/25", "10.30.1.0/25", "10.30.1.128/25", "10.30.2.0/25", "10.30.2.128/25",
				"10.30.3.0/25", "10.30.3.128/25", "2001:db8:30::/49", "2001:db8:30:8000::/49", "10.31.0.7/32", "2001:db8:31::7/128"},
			// Adjacent segments aggregate; the others go out as they are.
			vpn: []string{"10.30.0.0/22", "10.31.0.7/32", "2001:db8:30::/48", "2001:db8:31::7/128"},
		},
		{
			name:   "equal AS_PATH and no local-preference",
			base:   "seed-dc-primary-vpn-backup",
			mutate: func(p *plan.Plan) { p.Strategy.LocalPreference = nil },
			want:   []string{"warning strategy.equal-as-path-no-local-preference $.strategy.localPreference"},
		},
		{
			name: "equal local-preference",
			base: "seed-dc-primary-vpn-backup",
			mutate: func(p *plan.Plan) {
				p.Strategy.LocalPreference = &plan.LocalPreference{DirectConnection: 150, VPN: 150}
			},
			want: []string{"warning strategy.return-path-tie $.strategy.localPreference"},
		},
		{
			name: "local-preference inverted",
			base: "seed-dc-primary-vpn-backup",
			mutate: func(p *plan.Plan) {
				p.Strategy.LocalPreference = &plan.LocalPreference{DirectConnection: 100, VPN: 200}
			},
			want: []string{"error strategy.return-over-vpn $.strategy.localPreference"},
		},
		{
			name: "VPN AS_PATH shorter, no local-preference",
			base: "seed-dc-primary-vpn-backup",
			mutate: func(p *plan.Plan) {
				p.Strategy.LocalPreference = nil
				prof := plan.DefaultProfile()
				prof.ASN.DirectConnectionPathToCustomer = []uint32{64512, 65000}
				p.Profile = &prof
			},
			want: []string{"error strategy.return-over-vpn $.strategy.localPreference"},
		},
		{
			name: "DC AS_PATH shorter, no local-preference",
			base: "seed-dc-primary-vpn-backup",
			mutate: func(p *plan.Plan) {
				p.Strategy.LocalPreference = nil
				prof := plan.DefaultProfile()
				prof.ASN.VPNPathToCustomer = []uint32{64512, 65000}
				p.Profile = &prof
			},
			want: nil,
		},
		{
			name: "IPv6 segment and no IPv6 session",
			base: "dualstack-aggregate-over-vpn",
			mutate: func(p *plan.Plan) {
				p.DirectConnection.Interfaces[0].InterconnectIPv6 = netip.Prefix{}
				for i := range p.VPN.Tunnels {
					p.VPN.Tunnels[i].InsideCIDRIPv6 = netip.Prefix{}
				}
			},
			want: []string{
				"error strategy.ipv6-no-session $.borderGateway.attachments[0].cidrs[1]",
				"error strategy.ipv6-no-session $.idc.segments[4].cidr",
			},
		},
		{
			name: "quota exceeded",
			base: "seed-dc-primary-vpn-backup",
			mutate: func(p *plan.Plan) {
				p.Strategy.PrefixSplit.ExtraBits = new(8) // 2 segments × 256 on DC + 2 × 2 on the tunnels
			},
			want: []string{"error strategy.quota-exceeded $.strategy"},
		},
		{
			name: "split too deep",
			base: "seed-dc-primary-vpn-backup",
			mutate: func(p *plan.Plan) {
				p.IDC.Segments = []plan.Segment{{Name: "small", CIDR: netip.MustParsePrefix("192.168.0.0/28")}}
				p.Strategy.PrefixSplit.ExtraBits = new(40)
			},
			// Clamped to 16 (validation reports extraBits 40), then split as
			// far as the /28 allows: 16 /32s.
			want: []string{
				"info strategy.unsplittable $.idc.segments[0].cidr",
			},
		},
		{
			name:   "unknown mode",
			base:   "seed-dc-primary-vpn-backup",
			mutate: func(p *plan.Plan) { p.Strategy.Mode = "magic" },
			want:   []string{"error strategy.mode $.strategy.mode"},
			dc:     []string{"192.168.0.0/16", "172.20.0.0/16"},
			vpn:    []string{"192.168.0.0/16", "172.20.0.0/16"},
		},
		{
			name:   "no VPN",
			base:   "seed-dc-primary-vpn-backup",
			mutate: func(p *plan.Plan) { p.VPN = nil },
			want:   []string{"warning strategy.single-path-kind $.vpn"},
		},
		{
			name:   "no Direct Connection",
			base:   "seed-dc-primary-vpn-backup",
			mutate: func(p *plan.Plan) { p.DirectConnection = nil },
			want:   []string{"warning strategy.single-path-kind $.directConnection"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := example(t, tt.base)
			tt.mutate(p)
			r := strategy.Compute(p)
			if got := codes(r.Findings); !slices.Equal(got, tt.want) {
				t.Errorf("findings:\n got %q\nwant %q", got, tt.want)
			}
			for _, f := range r.Findings {
				if f.Message == "" || (f.Severity != plan.SeverityInfo && f.Hint == "") {
					t.Errorf("finding %s needs a message and a hint: %+v", f.Code, f)
				}
			}
			if tt.dc != nil {
				if got := prefixes(r.IDCToCloud.DirectConnection); !slices.Equal(got, tt.dc) {
					t.Errorf("DC = %v, want %v", got, tt.dc)
				}
			}
			if tt.vpn != nil {
				if got := prefixes(r.IDCToCloud.VPN); !slices.Equal(got, tt.vpn) {
					t.Errorf("VPN = %v, want %v", got, tt.vpn)
				}
			}
		})
	}
}

func TestFormatASPath(t *testing.T) {
	for _, tt := range []struct {
		in   []uint32
		want string
	}{{nil, "(empty)"}, {[]uint32{65000}, "65000"}, {[]uint32{65001, 65001}, "65001 65001"}} {
		if got := strategy.FormatASPath(tt.in); got != tt.want {
			t.Errorf("FormatASPath(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A path the plan does not have announces nothing, in either direction, and
// only the missing path is reported, not split mistakes against it.
func TestMissingPathAnnouncesNothing(t *testing.T) {
	for _, mode := range []string{plan.StrategyPrefixSplit, plan.StrategyASPath} {
		for _, drop := range []strategy.PathKind{strategy.DirectConnection, strategy.VPN} {
			t.Run(mode+"/no-"+string(drop), func(t *testing.T) {
				p := example(t, "seed-dc-primary-vpn-backup")
				p.Strategy.Mode = mode
				if drop == strategy.VPN {
					p.VPN = nil
				} else {
					p.DirectConnection = nil
				}
				r := strategy.Compute(p)
				if n := len(r.IDCToCloud.For(drop)) + len(r.CloudToIDC.For(drop)); n != 0 {
					t.Errorf("%d announcements on the missing %s path", n, drop)
				}
				other := map[strategy.PathKind]strategy.PathKind{strategy.VPN: strategy.DirectConnection, strategy.DirectConnection: strategy.VPN}[drop]
				if len(r.IDCToCloud.For(other)) == 0 || len(r.CloudToIDC.For(other)) == 0 {
					t.Errorf("the remaining %s path announces nothing", other)
				}
				for _, f := range r.Findings {
					if f.Code != strategy.CodeSinglePathKind {
						t.Errorf("unexpected finding %s", f)
					}
				}
			})
		}
	}
}
