package oracle

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

// TestCloudConfig pins how the stand-in encodes the border gateway's rules;
// it needs neither root nor FRR.
func TestCloudConfig(t *testing.T) {
	seed := readPlan(t, "../../examples/seed-dc-primary-vpn-backup.json")
	dual := readPlan(t, "../../examples/dualstack-aggregate-over-vpn.json")
	asp := readPlan(t, "../../examples/aspath-two-vpcs-redundant-dc.json")
	custom := readPlan(t, "testdata/corpus/ps-cloudasn-1dc-2tun-lp.json")
	vpnFirst := readPlan(t, "../../examples/seed-dc-primary-vpn-backup.json")
	prof := plan.DefaultProfile()
	prof.BorderGW.NextHopPriority.VPNConnection = 110 // a profile override: the VPN now wins
	vpnFirst.Profile = &prof

	tests := []struct {
		name    string
		p       *plan.Plan
		want    []string
		notWant []string
	}{
		{"next-hop type as local-preference, ECMP, shut neighbors", seed, []string{
			"router bgp 65000",
			"neighbor 10.254.0.1 remote-as 65001",
			"neighbor 10.254.0.1 shutdown",
			"neighbor 10.254.0.1 bfd",
			"route-map ORACLE-IN-S0 permit 100\n set local-preference 880\n set origin igp\n set metric 0",
			"route-map ORACLE-IN-S1 permit 100\n set local-preference 860",
			"maximum-paths 64",
			"bgp bestpath as-path multipath-relax",
			"network 10.0.0.0/16",
			"ip prefix-list ORACLE-OUT-S0-V4-0 seq 5 permit 10.0.0.0/16",
			"timers bgp 1 3",
		}, []string{"neighbor 169.254.10.2 bfd", "set as-path prepend", "neighbor 169.254.10.2 local-as"}},
		{"profile priorities carry over", vpnFirst, []string{
			"route-map ORACLE-IN-S0 permit 100\n set local-preference 880",
			"route-map ORACLE-IN-S1 permit 100\n set local-preference 890",
		}, nil},
		{"IPv6 neighbors only in the IPv6 family", dual, []string{
			"no bgp default ipv4-unicast",
			" address-family ipv6 unicast\n  network 2001:db8:40::/56",
			"neighbor 2001:db8:ffff::1 activate",
			"ipv6 prefix-list ORACLE-OUT-S0-V6-0 seq 5 permit 2001:db8:40::/56",
			"match ipv6 address prefix-list ORACLE-OUT-S0-V6-0",
		}, []string{" address-family ipv4 unicast\n  network 2001"}},
		{"two VPCs, chosen subnets", asp, []string{"network 10.0.0.0/16", "network 10.1.0.0/24", "network 10.1.1.0/24"}, []string{"network 10.1.2.0/24"}},
		{"a session ASN other than the border gateway's", custom, []string{
			"neighbor 10.254.0.1 local-as 64512 no-prepend replace-as",
			"neighbor 169.254.10.2 remote-as 65002",
		}, []string{"neighbor 169.254.10.2 local-as"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conf, err := cloudConfig(tt.p, strategy.Compute(tt.p), "cloud", [2]int{1, 3})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(conf, w) {
					t.Errorf("missing %q in:\n%s", w, conf)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(conf, w) {
					t.Errorf("unexpected %q in:\n%s", w, conf)
				}
			}
		})
	}
}

func TestCloudConfigASPath(t *testing.T) {
	s := strategy.Session{Name: "pvif-1", CloudASN: 65000}
	pfx := netip.MustParsePrefix("10.0.0.0/16")
	tests := []struct {
		name        string
		path        []uint32
		wantPrepend string
		wantErr     string
	}{
		{"the session's ASN alone", []uint32{65000}, "", ""},
		{"no path given: the session's ASN", nil, "", ""},
		{"a longer path is prepended after the session's ASN", []uint32{65000, 65000, 64600}, "65000 64600", ""},
		{"a path starting with another ASN: the session's own replaces it", []uint32{64512, 64600}, "64600", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			groups, err := groupByASPath(s, []strategy.Announcement{{Prefix: pfx, ASPath: tt.path}})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(groups) != 1 || joinASNs(groups[0].prepend) != tt.wantPrepend {
				t.Fatalf("groups %+v, want one prepending %q", groups, tt.wantPrepend)
			}
		})
	}
}

func TestBuildRefusesBadInput(t *testing.T) {
	seed := readPlan(t, "../../examples/seed-dc-primary-vpn-backup.json")
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no plan", Config{Name: "x"}, "no plan"},
		{"bad name", Config{Name: "a/b", Plan: seed, Strategy: strategy.Compute(seed)}, "namespaces"},
		{"no sessions", Config{Name: "x", Plan: seed}, "no sessions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(t.Context(), tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
}

func TestRouterASN(t *testing.T) {
	for _, tt := range []struct{ conf, want, err string }{
		{"!\nrouter bgp 65001\n bgp router-id 1.1.1.1\n", "65001", ""},
		{"hostname x\n", "", "no \"router bgp ASN\" line"},
	} {
		got, err := routerASN([]byte(tt.conf))
		if got != tt.want || (tt.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("routerASN(%q) = %q, %v; want %q, error with %q", tt.conf, got, err, tt.want, tt.err)
		}
	}
}
