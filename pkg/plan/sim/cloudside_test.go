package sim_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/sim"
)

// TestReceivedASPathFollowsThePlan (issue 9, case 5): the customer router
// receives VPC prefixes with the session's own cloud ASN first, the plan's
// cloudAsn on an interface and the VPN connection's localAsn, not the
// profile's default; the rest of the profile's path follows it.
func TestReceivedASPathFollowsThePlan(t *testing.T) {
	p := twoInterfacePlan(t, nil, true)
	p.DirectConnection.Interfaces[1].CloudASN = 64600
	p.VPN.Connection.LocalASN = 64700
	prof := p.EffectiveProfile()
	prof.ASN.DirectConnectionPathToCustomer = []uint32{64512, 65000}
	p.Profile = &prof
	st, err := sim.Run(p, scenario(t, p, sim.ScenarioNormal))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]uint32{"dc1": {64512, 65000}, "dc2": {64600, 65000}, "tun-1": {64700}, "tun-2": {64700}}
	for _, r := range st.CustomerRouter.Routes {
		for _, c := range r.Candidates {
			if !slices.Equal(c.ASPath, want[c.Session]) || c.NeighborAS != want[c.Session][0] {
				t.Errorf("%s via %s: AS_PATH %v from AS %d, want %v", r.Prefix, c.Session, c.ASPath, c.NeighborAS, want[c.Session])
			}
		}
	}
}

// TestIPv6SessionFailsAlone (issue 9, case 5): IPv4 and IPv6 are separate
// BGP sessions, as the exporter configures them; shutting the IPv6 one
// down moves only IPv6 traffic, and undoing it brings it back.
func TestIPv6SessionFailsAlone(t *testing.T) {
	p := example(t, "dualstack-aggregate-over-vpn")
	down := sim.Event{Kind: sim.EventSessionDown, Session: "pvif-gz-1", Family: sim.FamilyIPv6}
	up := sim.Event{Kind: sim.EventSessionUp, Session: "pvif-gz-1", Family: sim.FamilyIPv6}
	for _, tc := range []struct {
		name       string
		events     []sim.Event
		wantV6Up   bool
		wantV6Kind string
	}{
		{"ipv6 down", []sim.Event{down}, false, sim.KindVPN},
		{"ipv6 down and up", []sim.Event{down, up}, true, sim.KindDirectConnection},
		{"ipv6 down, then the whole session bounces", []sim.Event{down, {Kind: sim.EventSessionDown, Session: "pvif-gz-1"}, {Kind: sim.EventSessionUp, Session: "pvif-gz-1"}}, true, sim.KindDirectConnection},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := sim.Run(p, sim.Scenario{Name: "x", Events: tc.events})
			if err != nil {
				t.Fatal(err)
			}
			ss := st.Sessions[0]
			if ss.Name != "pvif-gz-1" || !ss.Up || ss.IPv6 == nil || ss.IPv6.Up != tc.wantV6Up {
				t.Fatalf("session state %+v (IPv6 %+v), want IPv4 up and IPv6 up=%v", ss, ss.IPv6, tc.wantV6Up)
			}
			for _, addr := range []string{"10.40.0.1", "2001:db8:40::1"} {
				r, ok := st.CustomerRouter.Lookup(netip.MustParseAddr(addr))
				want := sim.KindDirectConnection
				if netip.MustParseAddr(addr).Is6() {
					want = tc.wantV6Kind
				}
				if !ok || r.NextHops[0].Kind != want {
					t.Errorf("%s returns over %+v, want %s", addr, r.NextHops, want)
				}
			}
		})
	}
	if _, err := sim.Run(p, sim.Scenario{Name: "x", Events: []sim.Event{{Kind: sim.EventSessionDown, Session: "pvif-gz-1", Family: "ipx"}}}); err == nil {
		t.Error("an unknown family was accepted")
	}
	if _, err := sim.Run(p, sim.Scenario{Name: "x", Events: []sim.Event{{Kind: sim.EventLinkDown, Family: sim.FamilyIPv6}}}); err == nil {
		t.Error("a family on a link event was accepted")
	}
}

// TestRouterIDPerPeer (issue 9, case 5): with the profile's router IDs of
// the dedicated line router and the border gateway set, the router-ID step
// decides a tie with no incumbent before the neighbor address does.
func TestRouterIDPerPeer(t *testing.T) {
	for _, tc := range []struct {
		name     string
		dc, vpn  string
		want     string
		wantStep string
	}{
		{"unset: one router, the neighbor address decides", "", "", "dc1", sim.StepNeighborAddress},
		{"the border gateway's router ID is lower", "10.255.0.9", "10.255.0.1", "tun-2", sim.StepRouterID},
		{"the dedicated line router's is lower", "10.255.0.1", "10.255.0.9", "dc1", sim.StepRouterID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := twoInterfacePlan(t, nil, true)
			p.DirectConnection.Interfaces = p.DirectConnection.Interfaces[:1]
			p.BringUp = plan.BringUpVPNFirst
			prof := p.EffectiveProfile()
			if tc.dc != "" {
				prof.RouterIDs.DirectConnection = netip.MustParseAddr(tc.dc)
				prof.RouterIDs.VPN = netip.MustParseAddr(tc.vpn)
			}
			p.Profile = &prof
			st, err := sim.Run(p, scenario(t, p, "tunnel-down:tun-1"))
			if err != nil {
				t.Fatal(err)
			}
			r, _ := st.CustomerRouter.Lookup(netip.MustParseAddr("10.0.0.1"))
			if got := r.NextHops[0].Session; got != tc.want || r.Decision.Step != tc.wantStep {
				t.Errorf("return via %s by %s (%s), want %s by %s", got, r.Decision.Step, r.Decision.Reason, tc.want, tc.wantStep)
			}
		})
	}
}
