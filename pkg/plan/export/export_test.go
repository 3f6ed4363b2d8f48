package export

import (
	"bytes"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

var routerFormats = []string{FormatFRR, FormatIOSXE, FormatJunos, FormatVRP}

func TestFormats(t *testing.T) {
	want := []string{"frr", "ios-xe", "junos", "vrp", "strongswan", "plan", "calls"}
	if got := Formats(); !slices.Equal(got, want) {
		t.Fatalf("Formats() = %v, want %v", got, want)
	}
}

func examplePlan(t *testing.T, name string) *plan.Plan {
	t.Helper()
	p := examplePlans(t)[name]
	if p == nil {
		t.Fatalf("example %s is missing", name)
	}
	return p
}

func mustRender(t *testing.T, p *plan.Plan, format string, opts Options) string {
	t.Helper()
	b, err := Render(p, format, opts)
	if err != nil {
		t.Fatalf("Render(%s): %v", format, err)
	}
	return string(b)
}

func TestRenderRefusesBadInput(t *testing.T) {
	overlap := func(t *testing.T) *plan.Plan {
		p := seedPlan(t)
		// An IDC segment equal to the VPC's CIDR: validation must refuse it.
		p.IDC.Segments[0].CIDR = netip.MustParsePrefix("10.0.0.0/16")
		return p
	}
	tests := []struct {
		name    string
		plan    func(*testing.T) *plan.Plan
		format  string
		opts    Options
		wantErr string
		invalid bool
	}{
		{name: "no plan", plan: func(*testing.T) *plan.Plan { return nil }, format: "frr", wantErr: "no plan"},
		{name: "unknown format", plan: seedPlan, format: "cisco", wantErr: `unknown format "cisco"; use one of frr, ios-xe, junos, vrp, strongswan, plan`},
		{name: "keepalive zero", plan: seedPlan, format: "frr", opts: Options{BGPTimers: &[2]int{0, 3}}, wantErr: "hold time must be at least 3 s"},
		{name: "hold below 3", plan: seedPlan, format: "frr", opts: Options{BGPTimers: &[2]int{1, 2}}, wantErr: "hold time must be at least 3 s"},
		{name: "keepalive not below hold", plan: seedPlan, format: "junos", opts: Options{BGPTimers: &[2]int{3, 3}}, wantErr: "greater than the keepalive"},
		{name: "hold too long", plan: seedPlan, format: "vrp", opts: Options{BGPTimers: &[2]int{10, 70000}}, wantErr: "65535"},
		{name: "interface name with a space", plan: seedPlan, format: "ios-xe", opts: Options{DCInterface: "Gi0/0/1 shutdown"}, wantErr: "DC interface name"},
		{name: "validation errors", plan: overlap, format: "frr", wantErr: "validation error", invalid: true},
		{name: "validation errors, plan format too", plan: overlap, format: "plan", wantErr: "validation error", invalid: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Render(tc.plan(t), tc.format, tc.opts)
			if err == nil {
				t.Fatalf("Render succeeded (%d bytes), want an error containing %q", len(out), tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q does not contain %q", err, tc.wantErr)
			}
			var inv *InvalidPlanError
			if got := errors.As(err, &inv); got != tc.invalid {
				t.Fatalf("InvalidPlanError: got %v, want %v (%v)", got, tc.invalid, err)
			}
			if tc.invalid && !plan.HasErrors(inv.Findings) {
				t.Errorf("InvalidPlanError carries no error findings: %v", inv.Findings)
			}
		})
	}
}

// TestDesignErrors covers what only a strategy result inconsistent with the
// plan, or a profile override, can cause; renderRouter skips validation.
func TestDesignErrors(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(p *plan.Plan, r *strategy.Result)
		wantErr string
	}{
		{
			name: "sessions of one kind with different customer ASNs",
			edit: func(p *plan.Plan, r *strategy.Result) {
				r.Sessions[2].CustomerASN = 65002 // tun-2; tun-1 keeps 65001
			},
			wantErr: "give every VPN session the same customer ASN",
		},
		{
			name:    "session not in the plan",
			edit:    func(p *plan.Plan, r *strategy.Result) { r.Sessions[0].Name = "pvif-gone" },
			wantErr: `Direct Connection session "pvif-gone", which is not an interface`,
		},
		{
			name:    "unknown IKE cipher",
			edit:    func(p *plan.Plan, r *strategy.Result) { p.VPN.Tunnels[0].IKE.Cipher = "blowfish" },
			wantErr: `IKE cipher "blowfish" is not one of aes128, aes192, aes256, 3des`,
		},
		{
			name:    "unknown PFS group",
			edit:    func(p *plan.Plan, r *strategy.Result) { p.VPN.Tunnels[1].IPsec.PFS = "modp768" },
			wantErr: `IPsec PFS "modp768"`,
		},
		{
			name:    "IPv6 router ID",
			edit:    func(p *plan.Plan, r *strategy.Result) { p.IDC.RouterID = netip.MustParseAddr("2001:db8::1") },
			wantErr: "is not an IPv4 address; set $.idc.routerId",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := seedPlan(t)
			r := strategy.Compute(p)
			tc.edit(p, &r)
			for _, f := range routerFormats {
				_, err := renderRouter(p, r, f, Options{})
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("%s: error %v, want one containing %q", f, err, tc.wantErr)
				}
			}
		})
	}
}

// frrConfig is what the structural tests read back from FRR output.
type frrConfig struct {
	lists map[string][]string // prefix list -> prefixes in order
	maps  map[string][]rmEntry
	// neighbor -> "in"/"out" -> route map
	policy    map[string]map[string]string
	networks  []string
	neighbors map[string]string // address -> remote-as
	activated map[string]string // address -> "ipv4"/"ipv6"
}

type rmEntry struct {
	action, list, prepend, localPref string
}

func parseFRR(t *testing.T, conf string) frrConfig {
	t.Helper()
	c := frrConfig{lists: map[string][]string{}, maps: map[string][]rmEntry{}, policy: map[string]map[string]string{}, neighbors: map[string]string{}, activated: map[string]string{}}
	var cur *rmEntry
	var curMap, af string
	for _, line := range strings.Split(conf, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "!") {
			continue
		}
		switch {
		case (f[0] == "ip" || f[0] == "ipv6") && len(f) == 7 && f[1] == "prefix-list":
			c.lists[f[2]] = append(c.lists[f[2]], f[6])
		case f[0] == "route-map" && len(f) == 4:
			if cur != nil {
				c.maps[curMap] = append(c.maps[curMap], *cur)
			}
			curMap, cur = f[1], &rmEntry{action: f[2]}
		case f[0] == "match" && cur != nil:
			cur.list = f[len(f)-1]
		case f[0] == "set" && f[1] == "as-path" && cur != nil:
			cur.prepend = strings.Join(f[3:], " ")
		case f[0] == "set" && f[1] == "local-preference" && cur != nil:
			cur.localPref = f[2]
		case f[0] == "exit" && cur != nil:
			c.maps[curMap] = append(c.maps[curMap], *cur)
			cur = nil
		case f[0] == "address-family":
			af = f[1]
		case f[0] == "exit-address-family":
			af = ""
		case f[0] == "network":
			c.networks = append(c.networks, f[1])
		case f[0] == "neighbor" && len(f) >= 4 && f[2] == "remote-as":
			c.neighbors[f[1]] = f[3]
		case f[0] == "neighbor" && f[2] == "activate":
			c.activated[f[1]] = af
		case f[0] == "neighbor" && f[2] == "route-map":
			if c.policy[f[1]] == nil {
				c.policy[f[1]] = map[string]string{}
			}
			c.policy[f[1]][f[4]] = f[3]
		}
	}
	return c
}

func ann(prefix string, prepend int) strategy.Announcement {
	return strategy.Announcement{Prefix: netip.MustParsePrefix(prefix), Prepend: prepend, Origin: "test"}
}

// TestPolicyDetails renders a hand-built strategy result and reads the FRR
// policies back: which prefixes land in which list, prepend counts per
// group, local-preference per path, which neighbor uses which policy.
func TestPolicyDetails(t *testing.T) {
	p := seedPlan(t)
	r := strategy.Compute(p)
	r.IDCToCloud = strategy.Advertisements{
		DirectConnection: []strategy.Announcement{ann("192.168.128.0/17", 0), ann("192.168.0.0/17", 0)},
		VPN:              []strategy.Announcement{ann("192.168.0.0/16", 2), ann("172.20.0.0/16", 5)},
	}
	r.CloudToIDC = strategy.Advertisements{
		DirectConnection: []strategy.Announcement{ann("10.0.0.0/16", 0), ann("10.9.0.0/24", 0)},
		VPN:              []strategy.Announcement{ann("10.0.0.0/16", 0)},
	}
	r.LocalPreference = &plan.LocalPreference{DirectConnection: 300, VPN: 50}
	out, err := renderRouter(p, r, FormatFRR, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := parseFRR(t, string(out))

	wantLists := map[string][]string{
		"JDC-IDC-TO-DC-V4":     {"192.168.0.0/17", "192.168.128.0/17"},
		"JDC-IDC-TO-VPN-V4-P2": {"192.168.0.0/16"},
		"JDC-IDC-TO-VPN-V4-P5": {"172.20.0.0/16"},
		"JDC-VPC-FROM-DC-V4":   {"10.0.0.0/16", "10.9.0.0/24"},
		"JDC-VPC-FROM-VPN-V4":  {"10.0.0.0/16"},
	}
	if len(c.lists) != len(wantLists) {
		t.Errorf("prefix lists %v, want %v", c.lists, wantLists)
	}
	for name, want := range wantLists {
		if got := c.lists[name]; !slices.Equal(got, want) {
			t.Errorf("prefix list %s = %v, want %v", name, got, want)
		}
	}
	wantMaps := map[string][]rmEntry{
		"JDC-DC-OUT-V4": {{action: "permit", list: "JDC-IDC-TO-DC-V4"}, {action: "deny"}},
		"JDC-VPN-OUT-V4": {
			{action: "permit", list: "JDC-IDC-TO-VPN-V4-P2", prepend: "65001 65001"},
			{action: "permit", list: "JDC-IDC-TO-VPN-V4-P5", prepend: "65001 65001 65001 65001 65001"},
			{action: "deny"},
		},
		"JDC-DC-IN-V4":  {{action: "permit", list: "JDC-VPC-FROM-DC-V4", localPref: "300"}, {action: "deny"}},
		"JDC-VPN-IN-V4": {{action: "permit", list: "JDC-VPC-FROM-VPN-V4", localPref: "50"}, {action: "deny"}},
	}
	for name, want := range wantMaps {
		if got := c.maps[name]; !slices.Equal(got, want) {
			t.Errorf("route-map %s = %+v, want %+v", name, got, want)
		}
	}
	wantPolicy := map[string][2]string{
		"10.254.0.2":   {"JDC-DC-IN-V4", "JDC-DC-OUT-V4"},
		"169.254.10.1": {"JDC-VPN-IN-V4", "JDC-VPN-OUT-V4"},
		"169.254.10.5": {"JDC-VPN-IN-V4", "JDC-VPN-OUT-V4"},
	}
	for addr, want := range wantPolicy {
		if got := c.policy[addr]; got["in"] != want[0] || got["out"] != want[1] {
			t.Errorf("neighbor %s uses %v, want in %s out %s", addr, got, want[0], want[1])
		}
		// JD Cloud's dedicated line router peers as 64512 on Direct
		// Connection, the VPN connection as the border gateway's 65000.
		wantAS := map[bool]string{true: "64512", false: "65000"}[strings.HasPrefix(want[0], "JDC-DC")]
		if c.neighbors[addr] != wantAS || c.activated[addr] != "ipv4" {
			t.Errorf("neighbor %s: remote-as %q activated in %q, want %s in ipv4", addr, c.neighbors[addr], c.activated[addr], wantAS)
		}
	}
	wantNetworks := []string{"172.20.0.0/16", "192.168.0.0/16", "192.168.0.0/17", "192.168.128.0/17"}
	if !slices.Equal(c.networks, wantNetworks) {
		t.Errorf("networks %v, want %v (every announced prefix, once)", c.networks, wantNetworks)
	}
	// A discard route backs each whole segment; the prefix-split /17s
	// inside a segment get none (it would out-match the router's route
	// for the segment) and are announced without import check.
	for _, n := range wantNetworks {
		has := strings.Contains(string(out), "ip route "+n+" blackhole 254\n")
		if whole := strings.HasSuffix(n, "/16"); has != whole {
			t.Errorf("network %s: discard route %v, want %v", n, has, whole)
		}
	}
	if !strings.Contains(string(out), "\n no bgp network import-check\n") {
		t.Error("the /17s have no route in the table, but FRR's import check is on")
	}

	// The other vendors render the same groups.
	others := map[string][]string{
		FormatIOSXE: {
			"ip prefix-list JDC-IDC-TO-VPN-V4-P5 seq 10 permit 172.20.0.0/16",
			"route-map JDC-VPN-OUT-V4 permit 20\n match ip address prefix-list JDC-IDC-TO-VPN-V4-P5\n set as-path prepend 65001 65001 65001 65001 65001\n",
			"route-map JDC-DC-IN-V4 permit 10\n match ip address prefix-list JDC-VPC-FROM-DC-V4\n set local-preference 300\n",
			"  network 192.168.128.0 mask 255.255.128.0\n",
			"ip route 192.168.0.0 255.255.0.0 Null0 254\n",
			"! ip route 192.168.128.0 255.255.128.0 <next hop of your route to 192.168.0.0/16> 254\n",
		},
		FormatJunos: {
			"set policy-options prefix-list JDC-IDC-TO-VPN-V4-P2 192.168.0.0/16\n",
			"set policy-options policy-statement JDC-VPN-OUT-V4 term t10 from prefix-list JDC-IDC-TO-VPN-V4-P2\nset policy-options policy-statement JDC-VPN-OUT-V4 term t10 then as-path-prepend \"65001 65001\"\n",
			"set policy-options policy-statement JDC-VPN-IN-V4 term t10 then local-preference 50\n",
			"set policy-options policy-statement JDC-DC-OUT-V4 term reject-rest then reject\n",
			"set routing-options static route 172.20.0.0/16 discard\nset routing-options static route 172.20.0.0/16 preference 254\n",
		},
		FormatVRP: {
			"ip ip-prefix JDC-IDC-TO-DC-V4 index 20 permit 192.168.128.0 17\n",
			"route-policy JDC-VPN-OUT-V4 permit node 10\n if-match ip-prefix JDC-IDC-TO-VPN-V4-P2\n apply as-path 65001 65001 additive\n",
			"route-policy JDC-DC-IN-V4 permit node 10\n if-match ip-prefix JDC-VPC-FROM-DC-V4\n apply local-preference 300\n",
			"  network 192.168.0.0 17\n",
			"ip route-static 192.168.0.0 16 NULL0 preference 254\n",
		},
	}
	for format, wants := range others {
		out, err := renderRouter(p, r, format, Options{})
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		for _, w := range wants {
			if !strings.Contains(string(out), w) {
				t.Errorf("%s output lacks %q", format, w)
			}
		}
	}
}

// TestPrependAndLocalPreference checks the examples' AS_PATH prepend and
// local-preference on every vendor: present exactly where the plan says.
func TestPrependAndLocalPreference(t *testing.T) {
	noLP := examplePlan(t, "aspath-two-vpcs-redundant-dc")
	noLP.Strategy.LocalPreference = nil
	tests := []struct {
		name   string
		plan   *plan.Plan
		format string
		// want appear exactly count times; absent never appear.
		want   map[string]int
		absent []string
	}{
		{"as-path frr", examplePlan(t, "aspath-two-vpcs-redundant-dc"), FormatFRR,
			map[string]int{" set as-path prepend 65100 65100 65100\n": 1, " set local-preference 200\n": 1, " set local-preference 100\n": 1}, nil},
		{"as-path ios-xe", examplePlan(t, "aspath-two-vpcs-redundant-dc"), FormatIOSXE,
			map[string]int{" set as-path prepend 65100 65100 65100\n": 1, " set local-preference 200\n": 1, " set local-preference 100\n": 1}, nil},
		{"as-path junos", examplePlan(t, "aspath-two-vpcs-redundant-dc"), FormatJunos,
			map[string]int{"JDC-VPN-OUT-V4 term t10 then as-path-prepend \"65100 65100 65100\"\n": 1, "JDC-DC-IN-V4 term t10 then local-preference 200\n": 1, "JDC-VPN-IN-V4 term t10 then local-preference 100\n": 1}, nil},
		{"as-path vrp", examplePlan(t, "aspath-two-vpcs-redundant-dc"), FormatVRP,
			map[string]int{" apply as-path 65100 65100 65100 additive\n": 1, " apply local-preference 200\n": 1, " apply local-preference 100\n": 1}, nil},
		{"prefix split has no prepend", examplePlan(t, "seed-dc-primary-vpn-backup"), FormatFRR,
			map[string]int{" set local-preference 200\n": 1}, []string{"as-path prepend"}},
		{"no local-preference frr", noLP, FormatFRR, map[string]int{"as-path prepend 65100 65100 65100": 1}, []string{"set local-preference"}},
		{"no local-preference junos", noLP, FormatJunos, nil, []string{"then local-preference"}},
		{"no local-preference vrp", noLP, FormatVRP, nil, []string{"apply local-preference"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Force: without local-preference this example's return moves to
			// a tunnel when one interface fails (sim.failure-asymmetric, an
			// error); the test is about what the exporter writes.
			out := mustRender(t, tc.plan, tc.format, Options{Force: true})
			for s, n := range tc.want {
				if got := strings.Count(out, s); got != n {
					t.Errorf("%q appears %d times, want %d", s, got, n)
				}
			}
			for _, s := range tc.absent {
				if strings.Contains(out, s) {
					t.Errorf("output contains %q", s)
				}
			}
		})
	}
}

// TestIPv6 checks the dual-stack example: IPv6 neighbors live only in the
// IPv6 address family with IPv6 lists, and the other way round.
func TestIPv6(t *testing.T) {
	p := examplePlan(t, "dualstack-aggregate-over-vpn")
	c := parseFRR(t, mustRender(t, p, FormatFRR, Options{}))
	for addr, af := range c.activated {
		want := "ipv4"
		if strings.Contains(addr, ":") {
			want = "ipv6"
		}
		if af != want {
			t.Errorf("neighbor %s activated in %s, want %s", addr, af, want)
		}
		fam := "-V4"
		if want == "ipv6" {
			fam = "-V6"
		}
		for dir, rm := range c.policy[addr] {
			if !strings.HasSuffix(rm, fam) {
				t.Errorf("neighbor %s %s uses %s, want a %s route map", addr, dir, rm, fam)
			}
		}
	}
	if got := len(c.activated); got != 6 {
		t.Errorf("%d neighbors activated, want 6 (3 sessions x 2 families)", got)
	}
	for name, ps := range c.lists {
		for _, pr := range ps {
			if strings.HasSuffix(name, "-V6") != strings.Contains(pr, ":") {
				t.Errorf("prefix list %s holds %s of the other family", name, pr)
			}
		}
	}
	wantV6 := map[string][]string{
		"JDC-IDC-TO-DC-V6":   {"2001:db8:30::/49", "2001:db8:30:8000::/49"},
		"JDC-IDC-TO-VPN-V6":  {"2001:db8:30::/48"},
		"JDC-VPC-FROM-DC-V6": {"2001:db8:40::/56"},
	}
	for name, want := range wantV6 {
		if got := c.lists[name]; !slices.Equal(got, want) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	others := map[string][]string{
		FormatIOSXE: {"ipv6 unicast-routing\n", " address-family ipv6\n  network 2001:db8:30::/48\n", "ipv6 prefix-list JDC-IDC-TO-VPN-V6 seq 10 permit 2001:db8:30::/48\n", " ipv6 address 2001:db8:ffff::1/126\n", " tunnel mode ipsec dual-overlay\n", "ipv6 route 2001:db8:30::/48 Null0 254\n"},
		FormatJunos: {"set protocols bgp group JDC-VPN-V6 family inet6 unicast\n", "set protocols bgp group JDC-DC-V6 neighbor 2001:db8:ffff::2 local-address 2001:db8:ffff::1\n", "set routing-options rib inet6.0 static route 2001:db8:30::/48 discard\n", "set interfaces st0 unit 1 family inet6 address 2001:db8:fffe::2/126\n"},
		FormatVRP:   {"ip ipv6-prefix JDC-IDC-TO-DC-V6 index 20 permit 2001:db8:30:8000:: 49\n", " if-match ipv6 address prefix-list JDC-IDC-TO-DC-V6\n", " ipv6-family unicast\n  network 2001:db8:30:: 48\n", "ipv6 route-static 2001:db8:30:: 48 NULL0 preference 254\n"},
	}
	for format, wants := range others {
		out := mustRender(t, p, format, Options{})
		for _, w := range wants {
			if !strings.Contains(out, w) {
				t.Errorf("%s output lacks %q", format, w)
			}
		}
	}
}

// TestIPv6WithoutSessions: IPv6 prefixes with no IPv6-capable session are
// not silently dropped; the configuration says so, and has no IPv6 part.
func TestIPv6WithoutSessions(t *testing.T) {
	p := seedPlan(t)
	r := strategy.Compute(p)
	r.IDCToCloud.VPN = append(r.IDCToCloud.VPN, ann("2001:db8:1::/48", 0))
	for _, f := range routerFormats {
		out, err := renderRouter(p, r, f, Options{})
		if err != nil {
			t.Fatal(err)
		}
		s := string(out)
		if !strings.Contains(s, "WARNING: the strategy announces 1 IPv6 prefix(es) over VPN, but no VPN session has IPv6") {
			t.Errorf("%s: no warning about the unannounced IPv6 prefix", f)
		}
		if strings.Contains(s, "2001:db8:1::") && !strings.Contains(s, "WARNING") {
			t.Errorf("%s: the IPv6 prefix is configured", f)
		}
		for _, l := range strings.Split(s, "\n") {
			if strings.Contains(l, "2001:db8:1::") && !strings.HasPrefix(l, "!") && !strings.HasPrefix(l, "#") {
				t.Errorf("%s: the IPv6 prefix appears outside comments: %q", f, l)
			}
		}
	}
}

func TestBFDAndTimers(t *testing.T) {
	p := seedPlan(t)
	timers := Options{BGPTimers: &[2]int{1, 3}}
	tests := []struct {
		format string
		opts   Options
		want   []string
		absent []string
	}{
		{FormatFRR, timers, []string{" timers bgp 1 3\n", " profile JDC-pvif-bj-1\n  detect-multiplier 3\n  receive-interval 300\n  transmit-interval 300\n", " neighbor 10.254.0.2 bfd profile JDC-pvif-bj-1\n"}, []string{"neighbor 169.254.10.1 bfd"}},
		{FormatFRR, Options{}, nil, []string{"timers bgp"}},
		{FormatIOSXE, timers, []string{" timers bgp 1 3\n", " bfd interval 300 min_rx 300 multiplier 3\n", " neighbor 10.254.0.2 fall-over bfd\n"}, []string{"169.254.10.1 fall-over"}},
		{FormatJunos, timers, []string{"set protocols bgp group JDC-DC-V4 hold-time 3\n", "neighbor 10.254.0.2 bfd-liveness-detection transmit-interval minimum-interval 300\n", "neighbor 10.254.0.2 bfd-liveness-detection minimum-receive-interval 300\n", "neighbor 10.254.0.2 bfd-liveness-detection multiplier 3\n"}, []string{"169.254.10.1 bfd"}},
		{FormatJunos, Options{}, nil, []string{"hold-time"}},
		{FormatVRP, timers, []string{" timer keepalive 1 hold 3\n", " peer 10.254.0.2 bfd min-tx-interval 300 min-rx-interval 300 detect-multiplier 3\n", " peer 10.254.0.2 bfd enable\n", "\nbfd\n"}, []string{"peer 169.254.10.1 bfd"}},
	}
	for _, tc := range tests {
		out := mustRender(t, p, tc.format, tc.opts)
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s %+v: output lacks %q", tc.format, tc.opts, w)
			}
		}
		for _, a := range tc.absent {
			if strings.Contains(out, a) {
				t.Errorf("%s %+v: output contains %q", tc.format, tc.opts, a)
			}
		}
	}
}

// commands drops comment lines ("!" and "#"), leaving what a router executes.
func commands(conf string) string {
	var b strings.Builder
	for _, l := range strings.Split(conf, "\n") {
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "!") || strings.HasPrefix(t, "#") {
			continue
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}

// TestSinglePath: a plan with only one path kind gets only that kind's
// neighbors and policies (and IPsec only with a VPN).
func TestSinglePath(t *testing.T) {
	dcOnly := seedPlan(t)
	dcOnly.VPN = nil
	vpnOnly := seedPlan(t)
	vpnOnly.DirectConnection = nil
	for _, f := range routerFormats {
		dc := commands(mustRender(t, dcOnly, f, Options{}))
		for _, absent := range []string{"JDC-VPN-", "169.254.10.", "PSK from", "Tunnel", "st0"} {
			if strings.Contains(dc, absent) {
				t.Errorf("%s Direct Connection only: output contains %q", f, absent)
			}
		}
		if !strings.Contains(dc, "JDC-DC-OUT-V4") {
			t.Errorf("%s Direct Connection only: no JDC-DC-OUT-V4", f)
		}
		vpn := commands(mustRender(t, vpnOnly, f, Options{}))
		for _, absent := range []string{"JDC-DC-", "10.254.0.", "bfd", "dot1"} {
			if strings.Contains(strings.ToLower(vpn), strings.ToLower(absent)) {
				t.Errorf("%s VPN only: output contains %q", f, absent)
			}
		}
		if !strings.Contains(vpn, "JDC-VPN-OUT-V4") {
			t.Errorf("%s VPN only: no JDC-VPN-OUT-V4", f)
		}
	}
}

// TestLocalAS: a customer gateway ASN other than the IDC's runs the VPN
// sessions with that ASN (local-as) and prepends it, not the router's.
func TestLocalAS(t *testing.T) {
	p := examplePlan(t, "aspath-two-vpcs-redundant-dc")
	p.VPN.CustomerGateway.ASN = 65102
	peer := p.VPN.Tunnels[0].CloudAddr().String()
	want := map[string][]string{
		FormatFRR:   {" neighbor " + peer + " local-as 65102 no-prepend replace-as\n", " set as-path prepend 65102 65102 65102\n"},
		FormatIOSXE: {" neighbor " + peer + " local-as 65102 no-prepend replace-as\n", " set as-path prepend 65102 65102 65102\n"},
		FormatJunos: {"neighbor " + peer + " local-as 65102 no-prepend-global-as\n", "then as-path-prepend \"65102 65102 65102\"\n"},
		FormatVRP:   {" peer " + peer + " fake-as 65102\n", " apply as-path 65102 65102 65102 additive\n"},
	}
	for format, ws := range want {
		out := mustRender(t, p, format, Options{})
		for _, w := range ws {
			if !strings.Contains(out, w) {
				t.Errorf("%s lacks %q", format, w)
			}
		}
		if strings.Contains(out, "172.31.0.2 local-as") || strings.Contains(out, "172.31.0.2 fake-as") {
			t.Errorf("%s: the Direct Connection neighbor got a local-as", format)
		}
	}
}

// TestIPsec pins the algorithm names each vendor uses for the plan's IKE
// and IPsec options, and that the pre-shared key is only ever a marked
// placeholder.
func TestIPsec(t *testing.T) {
	strong := examplePlan(t, "aspath-two-vpcs-redundant-dc") // IKEv2 aes256/sha384/ecp384, ESP aes256/sha256, PFS ecp384
	v1 := seedPlan(t)
	for i := range v1.VPN.Tunnels {
		v1.VPN.Tunnels[i].IKE.Version = "v1"
		v1.VPN.Tunnels[i].IKE.Mode = "aggressive"
		v1.VPN.Tunnels[i].IKE.Auth = "sha1"
		v1.VPN.Tunnels[i].IKE.DHGroup = "modp2048"
		v1.VPN.Tunnels[i].IPsec.Cipher = "aes192"
		v1.VPN.Tunnels[i].IPsec.Auth = "sha384"
	}
	tests := []struct {
		name   string
		plan   *plan.Plan
		format string
		want   []string
	}{
		{"ikev2 ios-xe", strong, FormatIOSXE, []string{
			"crypto ikev2 proposal JDC-IKE-AES256-SHA384-ECP384\n encryption aes-cbc-256\n integrity sha384\n group 20\n",
			"crypto ikev2 policy JDC-IKEV2-POLICY-1\n match address local 203.0.113.50\n proposal JDC-IKE-AES256-SHA384-ECP384\n",
			"crypto ipsec transform-set JDC-ESP-AES256-SHA256 esp-aes 256 esp-sha256-hmac\n",
			" set pfs group20\n", " set ikev2-profile JDC-tun-a1\n", " lifetime 14400\n", " dpd 10 3 periodic\n",
			"interface Tunnel4\n", " tunnel destination 198.51.100.61\n", " tunnel protection ipsec profile JDC-tun-b2\n", " ip mtu 1450\n ip tcp adjust-mss 1410\n",
		}},
		{"ikev2 junos", strong, FormatJunos, []string{
			"set security ike proposal JDC-IKE-AES256-SHA384-ECP384-14400 dh-group group20\n",
			"set security ike proposal JDC-IKE-AES256-SHA384-ECP384-14400 authentication-algorithm sha-384\n",
			"set security ike proposal JDC-IKE-AES256-SHA384-ECP384-14400 encryption-algorithm aes-256-cbc\n",
			"set security ipsec proposal JDC-ESP-AES256-SHA256-3600 authentication-algorithm hmac-sha-256-128\n",
			"set security ipsec policy JDC-tun-b1 perfect-forward-secrecy keys group20\n",
			"set security ike gateway JDC-tun-a2 version v2-only\n",
			"set security ike gateway JDC-tun-a2 external-interface ge-0/0/0.0\n",
			"set security ipsec vpn JDC-tun-b2 bind-interface st0.4\n",
		}},
		{"ikev2 vrp", strong, FormatVRP, []string{
			"ike proposal 10\n encryption-algorithm aes-256\n authentication-method pre-share\n authentication-algorithm sha2-384\n integrity-algorithm hmac-sha2-384\n prf hmac-sha2-384\n dh group20\n sa duration 14400\n",
			"ipsec authentication sha2 compatible enable\n",
			"ipsec proposal JDC-ESP-1\n esp authentication-algorithm sha2-256\n esp encryption-algorithm aes-256\n",
			"ipsec profile JDC-PROF-3\n ike-peer JDC-PEER-3\n proposal JDC-ESP-1\n pfs dh-group20\n",
			" undo version 1\n", "interface Tunnel0/0/3\n", " tunnel-protocol ipsec\n source 203.0.113.51\n destination 198.51.100.60\n ipsec profile JDC-PROF-3\n",
		}},
		{"ikev1 aggressive ios-xe", v1, FormatIOSXE, []string{
			"crypto isakmp policy 10\n encryption aes\n hash sha\n authentication pre-share\n group 14\n lifetime 14400\n",
			" initiate mode aggressive\n", " set isakmp-profile JDC-tun-1\n", "esp-aes 192 esp-sha384-hmac",
			" pre-shared-key address 198.51.100.20 key <PSK from env:HYBRIDPLAN_PSK_TUN1>\n",
		}},
		{"ikev1 aggressive junos", v1, FormatJunos, []string{
			"set security ike policy JDC-tun-1 mode aggressive\n", "set security ike gateway JDC-tun-2 version v1-only\n",
			"authentication-algorithm sha1\n", "encryption-algorithm aes-192-cbc\n", "authentication-algorithm hmac-sha-384-192\n",
		}},
		{"ikev1 aggressive vrp", v1, FormatVRP, []string{
			" undo version 2\n exchange-mode aggressive\n", " authentication-algorithm sha1\n", " dh group14\n", " esp encryption-algorithm aes-192\n",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := mustRender(t, tc.plan, tc.format, Options{})
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q", w)
				}
			}
		})
	}

	// Keys: every key line holds a placeholder naming the tunnel's pskRef.
	for name, p := range examplePlans(t) {
		for _, f := range routerFormats {
			out := mustRender(t, p, f, Options{})
			keyLines := 0
			for _, l := range strings.Split(out, "\n") {
				if strings.HasPrefix(l, "!") || strings.HasPrefix(l, "#") {
					continue
				}
				// "pre-shared-keys" (an IKE authentication method) is not a key.
				if strings.Contains(l, "pre-shared-key ") {
					keyLines++
					if !strings.Contains(l, "<PSK from ") {
						t.Errorf("%s %s: key line without placeholder: %q", name, f, l)
					}
				}
			}
			want := len(p.VPN.Tunnels)
			if f == FormatFRR {
				want = 0 // FRR does not configure IPsec
			}
			if keyLines != want {
				t.Errorf("%s %s: %d key lines, want %d", name, f, keyLines, want)
			}
			for _, tun := range p.VPN.Tunnels {
				if f != FormatFRR && !strings.Contains(out, "<PSK from "+tun.PSKRef+">") {
					t.Errorf("%s %s: no placeholder for tunnel %s (%s)", name, f, tun.Name, tun.PSKRef)
				}
			}
		}
	}
}

// TestObjectNames: names made from the plan's tunnel and interface names
// stay short and distinct even when the plan's names are long or differ
// only in characters a router cannot take.
func TestObjectNames(t *testing.T) {
	p := examplePlan(t, "aspath-two-vpcs-redundant-dc")
	p.VPN.Tunnels[0].Name = "tun a1"
	p.VPN.Tunnels[1].Name = "tun/a1"                                          // the same identifier as "tun a1"
	p.VPN.Tunnels[2].Name = "a-tunnel-name-far-longer-than-any-router-allows" // too long
	p.DirectConnection.Interfaces[0].Name = "pvif a"
	p.DirectConnection.Interfaces[1].Name = "pvif.a"
	p.DirectConnection.Interfaces[1].HealthCheck = p.DirectConnection.Interfaces[0].HealthCheck // BFD on both
	// JD Cloud refuses "pvif a" as a name (name.jdcloud-format); the
	// router names are what is tested here.
	junos := mustRender(t, p, FormatJunos, Options{Force: true})
	for _, w := range []string{"set security ike gateway JDC-TUN-1 ", "set security ike gateway JDC-TUN-2 ", "set security ike gateway JDC-TUN-3 ", "set security ike gateway JDC-tun-b2 "} {
		if !strings.Contains(junos, w) {
			t.Errorf("junos lacks %q", w)
		}
	}
	frr := mustRender(t, p, FormatFRR, Options{Force: true})
	for _, w := range []string{" profile JDC-pvif-a\n", " profile JDC-pvif.a\n"} {
		if !strings.Contains(frr, w) {
			t.Errorf("frr lacks %q", w)
		}
	}
	ios := mustRender(t, p, FormatIOSXE, Options{Force: true})
	if strings.Count(ios, "crypto ikev2 profile JDC-TUN-") != 3 {
		t.Errorf("ios-xe: want 3 numbered IKEv2 profiles")
	}
}

// TestVRPNameLengths: VRP refuses IKE peer, IPsec proposal and IPsec profile
// names over 15 characters, whatever the plan calls its tunnels.
func TestVRPNameLengths(t *testing.T) {
	p := examplePlan(t, "aspath-two-vpcs-redundant-dc")
	p.VPN.Tunnels[0].Name = "tunnel-to-shanghai-primary-a1"
	p.VPN.Tunnels[1].IPsec.Auth = "sha1" // a second ESP proposal
	out := commands(mustRender(t, p, FormatVRP, Options{}))
	n := 0
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		var name string
		switch {
		case len(f) == 3 && (f[0] == "ike" || f[0] == "ipsec") && (f[1] == "peer" || f[1] == "proposal" || f[1] == "profile"):
			name = f[2]
		case len(f) == 2 && (f[0] == "ike-peer" || f[0] == "proposal"):
			name = f[1]
		case len(f) == 3 && f[0] == "ipsec" && f[1] == "profile":
			name = f[2]
		default:
			continue
		}
		n++
		if len(name) > 15 {
			t.Errorf("name %q is over VRP's 15 characters: %q", name, l)
		}
	}
	if n < 10 {
		t.Fatalf("found only %d IKE/IPsec names; the test no longer reads the output", n)
	}
	if !strings.Contains(out, "ipsec proposal JDC-ESP-2\n") {
		t.Error("the second ESP suite has no proposal of its own")
	}
}

// TestLifetimeBelowVendorMinimum: JD Cloud accepts 60 s lifetimes, IOS XE
// and Junos do not; the configuration says so next to the tunnel.
func TestLifetimeBelowVendorMinimum(t *testing.T) {
	p := seedPlan(t)
	p.VPN.Tunnels[0].IKE.LifetimeSeconds = 60
	p.VPN.Tunnels[0].IPsec.LifetimeSeconds = 150
	want := map[string][]string{
		FormatIOSXE: {"WARNING: tunnel tun-1's IKEv2 lifetime 60 s is below IOS XE's minimum of 120 s"},
		FormatJunos: {"WARNING: tunnel tun-1's IKE lifetime 60 s is below Junos's minimum of 180 s", "WARNING: tunnel tun-1's IPsec lifetime 150 s is below Junos's minimum of 180 s"},
		FormatVRP:   nil,
	}
	for f, ws := range want {
		out := mustRender(t, p, f, Options{})
		for _, w := range ws {
			if !strings.Contains(out, w) {
				t.Errorf("%s lacks %q", f, w)
			}
		}
		if strings.Contains(out, "tun-2's") {
			t.Errorf("%s warns about tun-2, whose lifetimes are the defaults", f)
		}
		if ws == nil && strings.Contains(out, "lifetime 60 s is below") {
			t.Errorf("%s warns although it accepts 60 s", f)
		}
	}
}

// TestFormatPlan: the plan format is the canonical JSON, and reads back
// to the same document.
func TestFormatPlan(t *testing.T) {
	for name, p := range examplePlans(t) {
		out := mustRender(t, p, FormatPlan, Options{})
		var want bytes.Buffer
		if err := plan.Encode(&want, p); err != nil {
			t.Fatal(err)
		}
		if out != want.String() {
			t.Errorf("%s: plan format differs from plan.Encode", name)
		}
		back, err := plan.DecodeBytes([]byte(out))
		if err != nil {
			t.Fatalf("%s: the exported plan does not decode: %v", name, err)
		}
		again := mustRender(t, back, FormatPlan, Options{})
		if again != out {
			t.Errorf("%s: exporting the exported plan changes it", name)
		}
	}
}

// TestDeterministic: the same plan gives byte-identical output, so configs
// can be diffed and reviewed.
func TestDeterministic(t *testing.T) {
	for name, p := range examplePlans(t) {
		for _, f := range routerFormats {
			a := mustRender(t, p, f, Options{})
			for range 5 {
				if b := mustRender(t, p, f, Options{}); b != a {
					t.Fatalf("%s %s: two renderings differ", name, f)
				}
			}
		}
	}
}

// TestASCII: comments are spelled in ASCII (router parsers may choke on
// UTF-8), without '?', and names from the plan cannot break out of their line.
func TestASCII(t *testing.T) {
	p := seedPlan(t)
	p.DirectConnection.Interfaces[0].Name = "pvif→北京 \"x\"\n! shutdown?"
	r := strategy.Compute(p)
	for _, f := range routerFormats {
		out, err := renderRouter(p, r, f, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i, l := range strings.Split(string(out), "\n") {
			for _, c := range l {
				if c >= 0x80 {
					t.Fatalf("%s line %d is not ASCII: %q", f, i+1, l)
				}
			}
			if strings.Contains(l, "?") {
				t.Errorf("%s line %d has a '?', which IOS XE and VRP take as a help request: %q", f, i+1, l)
			}
			if strings.TrimSpace(l) == "shutdown" || strings.HasPrefix(l, "! shutdown") {
				t.Errorf("%s line %d: the plan's name escaped into a command: %q", f, i+1, l)
			}
		}
	}
}
