package sim_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/sim"
)

func example(t testing.TB, name string) *plan.Plan {
	t.Helper()
	p, err := examples.Plan(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func scenario(t *testing.T, p *plan.Plan, name string) sim.Scenario {
	t.Helper()
	s, err := sim.FindScenario(p, name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// path is a compact trace verdict: "dc/dc", "vpn/dc", "-/-" (unreachable),
// forward then return.
func path(tr sim.TraceResult) string {
	short := func(l sim.Leg) string {
		switch {
		case !l.Reachable:
			return "-"
		case l.Kind == sim.KindDirectConnection:
			return "dc"
		case l.Kind == sim.KindVPN:
			return "vpn"
		}
		return l.Kind
	}
	return short(tr.Forward) + "/" + short(tr.Return)
}

func TestScenarioNames(t *testing.T) {
	tests := []struct {
		example string
		want    []string
	}{
		{"seed-dc-primary-vpn-backup", []string{
			"normal",
			"dc-session-down", "dc-session-down-failback",
			"dc-routes-withdrawn", "dc-routes-withdrawn-failback",
			"dc-port-down", "dc-port-down-failback",
			"tunnel-down:tun-1", "tunnel-down-failback:tun-1",
			"tunnel-down:tun-2", "tunnel-down-failback:tun-2",
			"vpn-down", "vpn-down-failback",
			"both-down", "both-down-failback",
		}},
		{"aspath-two-vpcs-redundant-dc", []string{
			"normal",
			"dc-session-down", "dc-session-down-failback",
			"dc-session-down:pvif-sh-a", "dc-session-down-failback:pvif-sh-a",
			"dc-session-down:pvif-sh-b", "dc-session-down-failback:pvif-sh-b",
			"dc-routes-withdrawn", "dc-routes-withdrawn-failback",
			"dc-port-down", "dc-port-down-failback",
			"tunnel-down:tun-a1", "tunnel-down-failback:tun-a1",
			"tunnel-down:tun-a2", "tunnel-down-failback:tun-a2",
			"tunnel-down:tun-b1", "tunnel-down-failback:tun-b1",
			"tunnel-down:tun-b2", "tunnel-down-failback:tun-b2",
			"vpn-down", "vpn-down-failback",
			"both-down", "both-down-failback",
		}},
	}
	for _, tt := range tests {
		p := example(t, tt.example)
		var got []string
		for _, s := range sim.Scenarios(p) {
			got = append(got, s.Name)
			if s.Description == "" {
				t.Errorf("%s: scenario %s has no description", tt.example, s.Name)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: scenarios\n got %v\nwant %v", tt.example, got, tt.want)
		}
	}
	seed := example(t, "seed-dc-primary-vpn-backup")
	init := sim.InitialEvents(seed)
	if got := []string{init[0].String(), init[1].String(), init[2].String()}; !slices.Equal(got, []string{"session-up pvif-bj-1", "session-up tun-1", "session-up tun-2"}) {
		t.Errorf("InitialEvents = %v: Direct Connection first, then tunnels in plan order", got)
	}
	bf := scenario(t, seed, "both-down-failback")
	var evs []string
	for _, e := range bf.Events {
		evs = append(evs, e.String())
	}
	want := []string{"link-down dc-bj-0001", "session-down tun-1", "session-down tun-2", "link-up dc-bj-0001", "session-up tun-1", "session-up tun-2"}
	if !slices.Equal(evs, want) {
		t.Errorf("both-down-failback events = %v, want %v", evs, want)
	}
}

// TestExampleScenarios checks every scenario of every example: which path
// each direction takes between a VM and an IDC host.
func TestExampleScenarios(t *testing.T) {
	tests := []struct {
		example  string
		vm, host string
		want     map[string]string // scenario → forward/return; unlisted: dc/dc
	}{
		{
			example: "seed-dc-primary-vpn-backup", vm: "10.0.0.1", host: "192.168.0.1",
			want: map[string]string{
				"dc-session-down": "vpn/vpn",
				// The customer stops advertising over DC but still
				// receives over DC with the higher local-preference: real
				// routers return over DC.
				"dc-routes-withdrawn": "vpn/dc",
				"dc-port-down":        "vpn/vpn",
				"both-down":           "-/-",
			},
		},
		{
			example: "seed-dc-primary-vpn-backup", vm: "10.0.255.254", host: "172.20.200.9",
			want: map[string]string{
				"dc-session-down": "vpn/vpn", "dc-routes-withdrawn": "vpn/dc", "dc-port-down": "vpn/vpn", "both-down": "-/-",
			},
		},
		{
			example: "aspath-two-vpcs-redundant-dc", vm: "10.1.0.1", host: "10.200.0.1",
			want: map[string]string{
				"dc-session-down": "vpn/vpn", "dc-routes-withdrawn": "vpn/dc", "dc-port-down": "vpn/vpn", "both-down": "-/-",
			},
		},
		{
			// A subnet that is not propagated: the cloud reaches the IDC,
			// the IDC has no route back.
			example: "aspath-two-vpcs-redundant-dc", vm: "10.1.2.1", host: "10.201.1.1",
			want: map[string]string{
				"normal": "dc/-", "dc-session-down": "vpn/-", "dc-session-down-failback": "dc/-",
				"dc-session-down:pvif-sh-a": "dc/-", "dc-session-down-failback:pvif-sh-a": "dc/-",
				"dc-session-down:pvif-sh-b": "dc/-", "dc-session-down-failback:pvif-sh-b": "dc/-",
				"dc-routes-withdrawn": "vpn/-", "dc-routes-withdrawn-failback": "dc/-",
				"dc-port-down": "vpn/-", "dc-port-down-failback": "dc/-",
				"tunnel-down:tun-a1": "dc/-", "tunnel-down-failback:tun-a1": "dc/-",
				"tunnel-down:tun-a2": "dc/-", "tunnel-down-failback:tun-a2": "dc/-",
				"tunnel-down:tun-b1": "dc/-", "tunnel-down-failback:tun-b1": "dc/-",
				"tunnel-down:tun-b2": "dc/-", "tunnel-down-failback:tun-b2": "dc/-",
				"vpn-down": "dc/-", "vpn-down-failback": "dc/-",
				"both-down": "-/-", "both-down-failback": "dc/-",
			},
		},
		{
			example: "dualstack-aggregate-over-vpn", vm: "10.40.3.4", host: "10.30.2.1",
			want: map[string]string{
				"dc-session-down": "vpn/vpn", "dc-routes-withdrawn": "vpn/dc", "dc-port-down": "vpn/vpn", "both-down": "-/-",
			},
		},
		{
			example: "dualstack-aggregate-over-vpn", vm: "2001:db8:40::10", host: "2001:db8:30:ffff::1",
			want: map[string]string{
				"dc-session-down": "vpn/vpn", "dc-routes-withdrawn": "vpn/dc", "dc-port-down": "vpn/vpn", "both-down": "-/-",
			},
		},
	}
	for _, tt := range tests {
		p := example(t, tt.example)
		vm, host := netip.MustParseAddr(tt.vm), netip.MustParseAddr(tt.host)
		for _, s := range sim.Scenarios(p) {
			want := tt.want[s.Name]
			if want == "" {
				want = "dc/dc"
			}
			tr, err := sim.Trace(p, s, vm, host)
			if err != nil {
				t.Fatalf("%s %s: %v", tt.example, s.Name, err)
			}
			if got := path(tr); got != want {
				t.Errorf("%s %s %s→%s: %s, want %s (%s)", tt.example, s.Name, tt.vm, tt.host, got, want, tr.Reason)
			}
			// The reverse trace takes the same legs, swapped.
			rev, err := sim.Trace(p, s, host, vm)
			if err != nil {
				t.Fatal(err)
			}
			if rev.Forward.Reachable != tr.Return.Reachable || rev.Forward.Kind != tr.Return.Kind || rev.Return.Kind != tr.Forward.Kind {
				t.Errorf("%s %s: reverse trace %s is not the swap of %s", tt.example, s.Name, path(rev), path(tr))
			}
			if tr.Symmetric != (tr.Reachable && tr.Forward.Kind == tr.Return.Kind) {
				t.Errorf("%s %s: symmetric %v for %s", tt.example, s.Name, tr.Symmetric, path(tr))
			}
		}
	}
}

// TestHistory: equal AS_PATHs and no local-preference leave the choice to
// the older path. After a Direct Connection flap the VPN paths are older, so
// the IDC keeps returning over the VPN while the cloud sends over DC.
func TestHistory(t *testing.T) {
	p := example(t, "seed-dc-primary-vpn-backup")
	p.Strategy.LocalPreference = nil
	vm, host := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("192.168.0.1")
	tests := []struct {
		scenario string
		want     string
		step     string
		best     string
		// swap gives tun-2 the lower neighbor address.
		swap bool
	}{
		{scenario: "normal", want: "dc/dc", step: sim.StepOlderPath, best: "pvif-bj-1"},
		// The best path is gone: the two tunnels tie, neither is the
		// current best, and the neighbor address decides, not their age.
		{scenario: "dc-session-down", want: "vpn/vpn", step: sim.StepNeighborAddress, best: "tun-1"},
		{scenario: "dc-session-down", want: "vpn/vpn", step: sim.StepNeighborAddress, best: "tun-2", swap: true},
		// DC comes back, but the tunnel is the current best: it stays.
		{scenario: "dc-session-down-failback", want: "dc/vpn", step: sim.StepOlderPath, best: "tun-1"},
		{scenario: "dc-session-down-failback", want: "dc/vpn", step: sim.StepOlderPath, best: "tun-2", swap: true},
		{scenario: "dc-port-down-failback", want: "dc/vpn", step: sim.StepOlderPath, best: "tun-1"},
		// The DC comes back first after both fail: it is the best again.
		{scenario: "both-down-failback", want: "dc/dc", step: sim.StepOlderPath, best: "pvif-bj-1"},
		// A tunnel flap does not disturb the DC path.
		{scenario: "tunnel-down-failback:tun-1", want: "dc/dc", step: sim.StepOlderPath, best: "pvif-bj-1"},
		{scenario: "dc-routes-withdrawn-failback", want: "dc/dc", step: sim.StepOlderPath, best: "pvif-bj-1"},
	}
	swapped := example(t, "seed-dc-primary-vpn-backup")
	swapped.Strategy.LocalPreference = nil
	swapped.VPN.Tunnels[0].InsideCIDR, swapped.VPN.Tunnels[1].InsideCIDR = swapped.VPN.Tunnels[1].InsideCIDR, swapped.VPN.Tunnels[0].InsideCIDR
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s swap=%v", tt.scenario, tt.swap), func(t *testing.T) {
			p := p
			if tt.swap {
				p = swapped
			}
			s := scenario(t, p, tt.scenario)
			tr, err := sim.Trace(p, s, vm, host)
			if err != nil {
				t.Fatal(err)
			}
			if got := path(tr); got != tt.want {
				t.Errorf("%s, want %s: %s", got, tt.want, tr.Reason)
			}
			st, err := sim.Run(p, s)
			if err != nil {
				t.Fatal(err)
			}
			r, ok := st.CustomerRouter.Lookup(vm)
			if !ok {
				t.Fatal("no route to the VM")
			}
			frr := map[string]string{sim.StepOlderPath: "Older Path", sim.StepNeighborAddress: "Neighbor IP"}[tt.step]
			if r.Decision.Step != tt.step || r.NextHops[0].Session != tt.best || r.Decision.FRRReason != frr {
				t.Errorf("customer router: best %v by %q (%s), want %s by %s (%s)", r.NextHops, r.Decision.Step, r.Decision.FRRReason, tt.best, tt.step, r.Decision.Reason)
			}
		})
	}
}

func TestRunTables(t *testing.T) {
	p := example(t, "seed-dc-primary-vpn-backup")
	st, err := sim.Run(p, scenario(t, p, "normal"))
	if err != nil {
		t.Fatal(err)
	}
	var bgw []string
	for _, r := range st.BorderGateway.Routes {
		var hops []string
		for _, h := range r.NextHops {
			hops = append(hops, h.Session+h.Attachment+"@"+h.Address.String())
		}
		bgw = append(bgw, r.Prefix.String()+" "+r.Decision.Step+" "+strings.Join(hops, ","))
	}
	want := []string{
		"10.0.0.0/16 only-path attach-prod@invalid IP",
		"172.20.0.0/16 ecmp tun-1@169.254.10.2,tun-2@169.254.10.6",
		"172.20.0.0/17 only-path pvif-bj-1@10.254.0.1",
		"172.20.128.0/17 only-path pvif-bj-1@10.254.0.1",
		"192.168.0.0/16 ecmp tun-1@169.254.10.2,tun-2@169.254.10.6",
		"192.168.0.0/17 only-path pvif-bj-1@10.254.0.1",
		"192.168.128.0/17 only-path pvif-bj-1@10.254.0.1",
	}
	if !slices.Equal(bgw, want) {
		t.Errorf("border gateway table\n got %q\nwant %q", bgw, want)
	}
	if len(st.CustomerRouter.Routes) != 1 {
		t.Fatalf("customer router routes: %+v", st.CustomerRouter.Routes)
	}
	r := st.CustomerRouter.Routes[0]
	if len(r.Candidates) != 3 || r.NextHops[0].Session != "pvif-bj-1" || r.NextHops[0].Address != netip.MustParseAddr("10.254.0.2") || r.Decision.Step != sim.StepLocalPreference {
		t.Errorf("customer router route: %+v", r)
	}
	for _, s := range st.Sessions {
		if !s.Up {
			t.Errorf("session %s down in the normal scenario", s.Name)
		}
	}
	data, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"borderGateway"`, `"customerRouter"`, `"candidates"`, `"decision"`, `"nextHops"`, `"reason"`, `"frrReason":"Local Pref"`, `"established":1`} {
		if !strings.Contains(string(data), key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
}

func TestWithdrawChosenPrefixes(t *testing.T) {
	p := example(t, "seed-dc-primary-vpn-backup")
	s := sim.WithdrawScenario([]netip.Prefix{netip.MustParsePrefix("192.168.0.0/17")})
	if s.Name != "dc-routes-withdrawn:192.168.0.0/17" {
		t.Errorf("name %q", s.Name)
	}
	vm := netip.MustParseAddr("10.0.0.1")
	for host, want := range map[string]string{"192.168.0.1": "vpn/dc", "192.168.128.1": "dc/dc", "172.20.0.1": "dc/dc"} {
		tr, err := sim.Trace(p, s, vm, netip.MustParseAddr(host))
		if err != nil {
			t.Fatal(err)
		}
		if got := path(tr); got != want {
			t.Errorf("%s: %s, want %s", host, got, want)
		}
	}
	st, err := sim.Run(p, s)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Sessions[0].Withdrawn; len(got) != 1 || got[0].String() != "192.168.0.0/17" {
		t.Errorf("withdrawn on pvif-bj-1: %v", got)
	}
	// Withdrawn, then the session flaps: the route-map still holds it back.
	s.Events = append(s.Events, sim.Event{Kind: sim.EventSessionDown, Session: "pvif-bj-1"}, sim.Event{Kind: sim.EventSessionUp, Session: "pvif-bj-1"})
	tr, err := sim.Trace(p, s, vm, netip.MustParseAddr("192.168.0.1"))
	if err != nil || path(tr) != "vpn/dc" {
		t.Errorf("after a flap: %s, %v", path(tr), err)
	}
}

func TestRunErrors(t *testing.T) {
	p := example(t, "seed-dc-primary-vpn-backup")
	tests := []struct {
		name   string
		events []sim.Event
		want   string
	}{
		{"unknown session", []sim.Event{{Kind: sim.EventSessionDown, Session: "pvif-x"}}, `no session "pvif-x" in the plan; use one of: pvif-bj-1, tun-1, tun-2`},
		{"no session", []sim.Event{{Kind: sim.EventSessionUp}}, "names no session"},
		{"unknown kind", []sim.Event{{Kind: "explode"}}, `unknown event kind "explode"`},
		{"wrong connection", []sim.Event{{Kind: sim.EventLinkDown, Session: "dc-other"}}, `"dc-other" is neither the plan's Direct Connection nor one of its interfaces; use "dc-bj-0001"`},
		{"link of a tunnel", []sim.Event{{Kind: sim.EventLinkDown, Session: "tun-1"}}, `"tun-1" is neither the plan's Direct Connection`},
		{"prefix not advertised", []sim.Event{{Kind: sim.EventWithdraw, Prefixes: []netip.Prefix{netip.MustParsePrefix("192.168.0.0/16")}}}, "192.168.0.0/16 is not advertised over direct-connection"},
		{"second event is wrong", []sim.Event{{Kind: sim.EventSessionDown, Session: "tun-1"}, {Kind: sim.EventSessionDown, Session: "tun-3"}}, `event 2 (session-down tun-3)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sim.Run(p, sim.Scenario{Name: "custom", Events: tt.events})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
	// The port may be named by an interface on it.
	st, err := sim.Run(p, sim.Scenario{Events: []sim.Event{{Kind: sim.EventLinkDown, Session: "pvif-bj-1"}}})
	if err != nil || st.Sessions[0].Up {
		t.Errorf("link-down by interface name: %v, up %v", err, st != nil && st.Sessions[0].Up)
	}
	noDC := example(t, "seed-dc-primary-vpn-backup")
	noDC.DirectConnection = nil
	if _, err := sim.Run(noDC, sim.Scenario{Events: []sim.Event{{Kind: sim.EventLinkDown}}}); err == nil || !strings.Contains(err.Error(), "no Direct Connection") {
		t.Errorf("link-down without DC: %v", err)
	}
	if _, err := sim.FindScenario(p, "meteor"); err == nil || !strings.Contains(err.Error(), "choose one of: normal, dc-session-down") {
		t.Errorf("FindScenario: %v", err)
	}
}

func TestTraceErrors(t *testing.T) {
	p := example(t, "seed-dc-primary-vpn-backup")
	s := scenario(t, p, "normal")
	tests := []struct {
		src, dst string
		want     string
	}{
		{"10.0.0.1", "10.0.0.2", "both 10.0.0.1 and 10.0.0.2 are in the VPC"},
		{"192.168.0.1", "172.20.0.1", "are in the IDC"},
		{"8.8.8.8", "10.0.0.1", "the source 8.8.8.8 is in no IDC segment and no VPC CIDR"},
		{"10.0.0.1", "", "the destination address is missing"},
	}
	dual := example(t, "dualstack-aggregate-over-vpn")
	if _, err := sim.Trace(dual, scenario(t, dual, "normal"), netip.MustParseAddr("10.40.0.1"), netip.MustParseAddr("2001:db8:30::1")); err == nil || !strings.Contains(err.Error(), "different address families") {
		t.Errorf("mixed families: %v", err)
	}
	for _, tt := range tests {
		var dst netip.Addr
		if tt.dst != "" {
			dst = netip.MustParseAddr(tt.dst)
		}
		_, err := sim.Trace(p, s, netip.MustParseAddr(tt.src), dst)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Trace(%s, %s): %v, want %q", tt.src, tt.dst, err, tt.want)
		}
	}
}

// TestClassicMistakes: what the strategy findings warn about really happens
// in the simulation.
func TestClassicMistakes(t *testing.T) {
	vm := netip.MustParseAddr("10.0.0.1")
	t.Run("specifics over VPN make the VPN primary", func(t *testing.T) {
		p := example(t, "seed-dc-primary-vpn-backup")
		p.Strategy.PrefixSplit.Overrides = []plan.SplitOverride{{
			Segment:          "idc-servers",
			DirectConnection: []netip.Prefix{netip.MustParsePrefix("192.168.0.0/16")},
			VPN:              []netip.Prefix{netip.MustParsePrefix("192.168.0.0/17"), netip.MustParsePrefix("192.168.128.0/17")},
		}}
		tr, err := sim.Trace(p, scenario(t, p, "normal"), vm, netip.MustParseAddr("192.168.0.1"))
		if err != nil {
			t.Fatal(err)
		}
		if path(tr) != "vpn/dc" || tr.Symmetric {
			t.Errorf("%s symmetric=%v, want vpn/dc asymmetric", path(tr), tr.Symmetric)
		}
	})
	t.Run("aggregate not covering: part of a segment lost on failover", func(t *testing.T) {
		p := example(t, "dualstack-aggregate-over-vpn")
		p.Strategy.PrefixSplit.VPNAggregates = []netip.Prefix{netip.MustParsePrefix("10.30.0.0/23"), netip.MustParsePrefix("2001:db8:30::/48")}
		tr, err := sim.Trace(p, scenario(t, p, "dc-port-down"), netip.MustParseAddr("10.40.0.1"), netip.MustParseAddr("10.30.2.1"))
		if err != nil {
			t.Fatal(err)
		}
		if path(tr) != "-/vpn" {
			t.Errorf("%s, want -/vpn: %s", path(tr), tr.Reason)
		}
	})
	t.Run("as-path mode: the next-hop type decides equal prefixes", func(t *testing.T) {
		p := example(t, "aspath-two-vpcs-redundant-dc")
		p.Strategy.ASPath.Prepend = new(0) // even without a prepend
		st, err := sim.Run(p, scenario(t, p, "normal"))
		if err != nil {
			t.Fatal(err)
		}
		r, _ := st.BorderGateway.Lookup(netip.MustParseAddr("10.200.0.1"))
		if r.Decision.Step != sim.StepECMP || legKinds(r.NextHops) != "direct-connection,direct-connection" || !strings.HasPrefix(r.Decision.Reason, "next-hop-type:") {
			t.Errorf("route %s: %v by %s (%s)", r.Prefix, r.NextHops, r.Decision.Step, r.Decision.Reason)
		}
	})
}

func legKinds(hops []sim.NextHop) string {
	var ks []string
	for _, h := range hops {
		ks = append(ks, h.Kind)
	}
	return strings.Join(ks, ",")
}

// TestIPv6 only over sessions with IPv6 addresses.
func TestIPv6(t *testing.T) {
	p := example(t, "dualstack-aggregate-over-vpn")
	p.DirectConnection.Interfaces[0].InterconnectIPv6 = netip.Prefix{}
	vm, host := netip.MustParseAddr("2001:db8:40::1"), netip.MustParseAddr("2001:db8:30::1")
	tr, err := sim.Trace(p, scenario(t, p, "normal"), vm, host)
	if err != nil {
		t.Fatal(err)
	}
	if path(tr) != "vpn/vpn" {
		t.Errorf("IPv6 without DC IPv6: %s, want vpn/vpn", path(tr))
	}
	if tr.Forward.NextHops[0].Address != netip.MustParseAddr("2001:db8:fffe::2") {
		t.Errorf("IPv6 next hop %v, want the tunnel's IPv6 customer address", tr.Forward.NextHops)
	}
	v4, err := sim.Trace(p, scenario(t, p, "normal"), netip.MustParseAddr("10.40.0.1"), netip.MustParseAddr("10.30.0.1"))
	if err != nil || path(v4) != "dc/dc" {
		t.Errorf("IPv4 still over DC: %s %v", path(v4), err)
	}
}

func TestMatrix(t *testing.T) {
	p := example(t, "dualstack-aggregate-over-vpn")
	m, err := sim.Matrix(p)
	if err != nil {
		t.Fatal(err)
	}
	// 4 IPv4 IDC segments × 1 IPv4 VPC CIDR + 1 IPv6 × 1 IPv6.
	if len(m.Cells) != len(sim.Scenarios(p))*5 {
		t.Fatalf("%d cells, want %d", len(m.Cells), len(sim.Scenarios(p))*5)
	}
	if m.IDCSegments[4].Address != netip.MustParseAddr("2001:db8:30::1") || m.VPCSegments[0].Address != netip.MustParseAddr("10.40.0.1") {
		t.Errorf("representative addresses: %v %v", m.IDCSegments[4], m.VPCSegments[0])
	}
	if _, err := json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	// Every cell of every example agrees with Trace between the
	// representative addresses.
	for _, e := range examples.All() {
		p := example(t, e.Name)
		m, err := sim.Matrix(p)
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]sim.Scenario{}
		for _, s := range sim.Scenarios(p) {
			byName[s.Name] = s
		}
		// A VPC segment's name may repeat (an attachment's IPv4 and IPv6
		// CIDRs): cells pair one family, so find the one of the IDC's.
		addr := func(segs []sim.MatrixSegment, name string, v4 bool) netip.Addr {
			for _, s := range segs {
				if s.Name == name && s.Address.Is4() == v4 {
					return s.Address
				}
			}
			t.Fatalf("%s: no segment %s", e.Name, name)
			return netip.Addr{}
		}
		for _, c := range m.Cells {
			idc, vpc := m.IDCSegments[c.IDCIndex].Address, m.VPCSegments[c.VPCIndex].Address
			if m.IDCSegments[c.IDCIndex].Name != c.IDC || vpc != addr(m.VPCSegments, c.VPC, idc.Is4()) {
				t.Errorf("%s: cell indexes %+v", e.Name, c)
			}
			tr, err := sim.Trace(p, byName[c.Scenario], vpc, idc)
			if err != nil {
				t.Fatal(err)
			}
			if tr.Reachable != c.Reachable || tr.Symmetric != c.Symmetric || tr.Forward.Kind != c.Forward.Kind || tr.Return.Kind != c.Return.Kind ||
				tr.Forward.Route != c.Forward.Route || tr.Return.Route != c.Return.Route {
				t.Errorf("%s: cell %+v %+v %+v disagrees with trace %s", e.Name, c, *c.Forward, *c.Return, tr.Reason)
			}
		}
	}
	// Non-propagated subnets appear, unreachable on the way back.
	m2, err := sim.Matrix(example(t, "aspath-two-vpcs-redundant-dc"))
	if err != nil {
		t.Fatal(err)
	}
	var vpcs []string
	for _, s := range m2.VPCSegments {
		vpcs = append(vpcs, s.Name)
	}
	if !slices.Equal(vpcs, []string{"attach-app", "data-db", "data-etl", "data-private"}) {
		t.Errorf("VPC segments %v", vpcs)
	}
	for _, c := range m2.Cells {
		if c.Scenario == "normal" && c.VPC == "data-private" && (c.Return.Reachable || !c.Forward.Reachable) {
			t.Errorf("data-private: %+v", c)
		}
	}
}

func TestWithdrawRestoreSequences(t *testing.T) {
	p := example(t, "seed-dc-primary-vpn-backup")
	pf := func(s string) []netip.Prefix { return []netip.Prefix{netip.MustParsePrefix(s)} }
	tests := []struct {
		name   string
		events []sim.Event
		want   []string // withdrawn on pvif-bj-1
	}{
		{"all", []sim.Event{{Kind: sim.EventWithdraw}}, []string{"172.20.0.0/17", "172.20.128.0/17", "192.168.0.0/17", "192.168.128.0/17"}},
		{"all, then one restored", []sim.Event{{Kind: sim.EventWithdraw}, {Kind: sim.EventRestore, Prefixes: pf("192.168.0.0/17")}},
			[]string{"172.20.0.0/17", "172.20.128.0/17", "192.168.128.0/17"}},
		{"all, one restored, withdrawn again", []sim.Event{{Kind: sim.EventWithdraw}, {Kind: sim.EventRestore, Prefixes: pf("192.168.0.0/17")}, {Kind: sim.EventWithdraw, Prefixes: pf("192.168.0.0/17")}},
			[]string{"172.20.0.0/17", "172.20.128.0/17", "192.168.0.0/17", "192.168.128.0/17"}},
		{"one, then all restored", []sim.Event{{Kind: sim.EventWithdraw, Prefixes: pf("172.20.0.0/17")}, {Kind: sim.EventRestore}}, nil},
		{"one on the session by name", []sim.Event{{Kind: sim.EventWithdraw, Session: "pvif-bj-1", Prefixes: pf("172.20.0.0/17")}}, []string{"172.20.0.0/17"}},
		{"restore without withdraw", []sim.Event{{Kind: sim.EventRestore, Prefixes: pf("172.20.0.0/17")}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := sim.Run(p, sim.Scenario{Name: "custom", Events: tt.events})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, q := range st.Sessions[0].Withdrawn {
				got = append(got, q.String())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("withdrawn %v, want %v", got, tt.want)
			}
			// The border gateway's table agrees.
			var dc []string
			for _, r := range st.BorderGateway.Routes {
				if r.NextHops[0].Kind == sim.KindDirectConnection {
					dc = append(dc, r.Prefix.String())
				}
			}
			if len(dc)+len(tt.want) != 4 {
				t.Errorf("DC routes %v with %v withdrawn", dc, tt.want)
			}
		})
	}
	// Withdrawing on a tunnel by name: the VPN's aggregate.
	st, err := sim.Run(p, sim.Scenario{Events: []sim.Event{{Kind: sim.EventWithdraw, Session: "tun-1", Prefixes: pf("192.168.0.0/16")}}})
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := st.BorderGateway.Lookup(netip.MustParseAddr("192.168.200.1")); r.Prefix.String() != "192.168.128.0/17" {
		t.Errorf("lookup %v", r.Prefix)
	}
	for _, r := range st.BorderGateway.Routes {
		if r.Prefix.String() == "192.168.0.0/16" && (len(r.NextHops) != 1 || r.NextHops[0].Session != "tun-2") {
			t.Errorf("192.168.0.0/16 via %v, want only tun-2", r.NextHops)
		}
	}
}

// TestRandomEvents applies long random event sequences (fixed seeds) and
// checks the invariants every state must keep.
func TestRandomEvents(t *testing.T) {
	for _, e := range examples.All() {
		p := example(t, e.Name)
		init := sim.InitialEvents(p)
		var sessions []string
		for _, ev := range init {
			sessions = append(sessions, ev.Session)
		}
		conn := p.DirectConnection.ConnectionID
		r := rand.New(rand.NewPCG(1, uint64(len(e.Name))))
		for run := range 30 {
			var events []sim.Event
			for range 1 + r.IntN(12) {
				switch r.IntN(4) {
				case 0, 1:
					kind := sim.EventSessionDown
					if r.IntN(2) == 0 {
						kind = sim.EventSessionUp
					}
					events = append(events, sim.Event{Kind: kind, Session: sessions[r.IntN(len(sessions))]})
				case 2:
					kind := sim.EventLinkDown
					if r.IntN(2) == 0 {
						kind = sim.EventLinkUp
					}
					events = append(events, sim.Event{Kind: kind, Session: conn})
				default:
					kind := sim.EventWithdraw
					if r.IntN(2) == 0 {
						kind = sim.EventRestore
					}
					events = append(events, sim.Event{Kind: kind})
				}
			}
			s := sim.Scenario{Name: fmt.Sprintf("random-%d", run), Events: events}
			st, err := sim.Run(p, s)
			if err != nil {
				t.Fatalf("%s %v: %v", e.Name, events, err)
			}
			up := map[string]bool{}
			for _, ss := range st.Sessions {
				up[ss.Name] = ss.Up
				if ss.Up != (ss.Established > 0) {
					t.Errorf("%s: session %+v", e.Name, ss)
				}
			}
			for _, tbl := range []sim.Table{st.BorderGateway, st.CustomerRouter} {
				for _, route := range tbl.Routes {
					if len(route.Decision.Best) == 0 || len(route.NextHops) != len(route.Decision.Best) {
						t.Errorf("%s %s %s: decision %+v", e.Name, tbl.Router, route.Prefix, route.Decision)
					}
					if tbl.Router == sim.RouterCustomerRouter && len(route.Decision.Best) != 1 {
						t.Errorf("%s: customer router uses %d paths for %s", e.Name, len(route.Decision.Best), route.Prefix)
					}
					for _, c := range route.Candidates {
						if c.Session != "" && !up[c.Session] {
							t.Errorf("%s %s %s: candidate from down session %s", e.Name, tbl.Router, route.Prefix, c.Session)
						}
					}
				}
			}
			if _, err := json.Marshal(st); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestDegeneratePlans: plans that validation would refuse still simulate
// without panicking (the server and the page may call before validating).
func TestDegeneratePlans(t *testing.T) {
	tests := map[string]func(p *plan.Plan){
		"empty":           func(p *plan.Plan) { *p = plan.Plan{} },
		"no segments":     func(p *plan.Plan) { p.IDC.Segments = nil },
		"invalid segment": func(p *plan.Plan) { p.IDC.Segments[0].CIDR = netip.Prefix{} },
		"no VPN":          func(p *plan.Plan) { p.VPN = nil },
		"no DC":           func(p *plan.Plan) { p.DirectConnection = nil },
		"no interfaces":   func(p *plan.Plan) { p.DirectConnection.Interfaces = nil },
		"no attachments":  func(p *plan.Plan) { p.BorderGateway.Attachments = nil },
		"invalid tunnel":  func(p *plan.Plan) { p.VPN.Tunnels[0].InsideCIDR = netip.Prefix{} },
		"duplicate names": func(p *plan.Plan) { p.VPN.Tunnels[1].Name = p.VPN.Tunnels[0].Name },
		"mapped IPv6":     func(p *plan.Plan) { p.IDC.Segments[0].CIDR = netip.MustParsePrefix("::ffff:192.168.0.0/112") },
		"huge split": func(p *plan.Plan) {
			// Capped at what a /26 holds; a /16 would make 65,536 prefixes.
			p.IDC.Segments = p.IDC.Segments[:1]
			p.IDC.Segments[0].CIDR = netip.MustParsePrefix("192.168.0.0/26")
			p.Strategy.PrefixSplit.ExtraBits = new(40)
		},
		"unknown mode":     func(p *plan.Plan) { p.Strategy.Mode = "" },
		"nil prefix split": func(p *plan.Plan) { p.Strategy.PrefixSplit = nil },
	}
	for name, edit := range tests {
		t.Run(name, func(t *testing.T) {
			p := example(t, "seed-dc-primary-vpn-backup")
			edit(p)
			if _, err := sim.Matrix(p); err != nil {
				t.Logf("matrix: %v", err)
			}
			for _, s := range sim.Scenarios(p) {
				if st, err := sim.Run(p, s); err == nil {
					st.BorderGateway.Lookup(netip.MustParseAddr("192.168.0.1"))
					st.CustomerRouter.Lookup(netip.MustParseAddr("10.0.0.1"))
				}
				_, _ = sim.Trace(p, s, netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("192.168.0.1"))
			}
		})
	}
}

// A port going down drops every session on it at once: the customer router
// then chooses among the tunnels with no incumbent, so the choice falls to
// router ID and neighbor address, as FRR reports ("Neighbor IP"), not to
// "older path" for a tunnel picked between the two interfaces' drops.
func TestPortDownDropsItsSessionsTogether(t *testing.T) {
	p := example(t, "aspath-two-vpcs-redundant-dc")
	p.Strategy.LocalPreference = nil
	s := scenario(t, p, "dc-port-down")
	st, err := sim.Run(p, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.CustomerRouter.Routes) == 0 {
		t.Fatal("the customer router has no routes")
	}
	for _, r := range st.CustomerRouter.Routes {
		if r.Decision.Step == sim.StepOlderPath {
			t.Errorf("%s decided by %s (%s); want no incumbent after the port went down", r.Prefix, r.Decision.Step, r.Decision.Reason)
		}
		if len(r.NextHops) != 1 || r.NextHops[0].Kind != "vpn" {
			t.Errorf("%s forwards over %+v, want one VPN tunnel", r.Prefix, r.NextHops)
		}
	}
}
