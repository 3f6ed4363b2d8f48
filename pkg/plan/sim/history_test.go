package sim_test

import (
	"net/netip"
	"testing"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/sim"
)

// twoInterfacePlan is issue 9's smallest case: Direct Connection only (or
// with tunnels), dc1 on 10.254.0.4/30 and dc2 on 10.254.0.0/30, so the
// interface second in plan order has the lower neighbor address.
func twoInterfacePlan(t *testing.T, lp *plan.LocalPreference, tunnels bool) *plan.Plan {
	t.Helper()
	p := example(t, "seed-dc-primary-vpn-backup")
	p.DirectConnection.Interfaces = p.DirectConnection.Interfaces[:1]
	first := p.DirectConnection.Interfaces[0]
	first.Name, first.VLAN = "dc1", 101
	first.Interconnect = netip.MustParsePrefix("10.254.0.4/30")
	first.InterconnectIPv6 = netip.Prefix{}
	second := first
	second.Name, second.VLAN = "dc2", 102
	second.Interconnect = netip.MustParsePrefix("10.254.0.0/30")
	p.DirectConnection.Interfaces = []plan.PrivateInterface{first, second}
	if !tunnels {
		p.VPN = nil
	}
	p.Strategy.LocalPreference = lp
	return p
}

// TestFailbackKeepsTheInterfaceThatCameBackFirst: sessions that one event
// brings up establish one at a time; the first to come back is selected
// before the second arrives and keeps the traffic ("oldest external" in
// FRR's bgp_path_info_cmp), whatever the neighbor addresses say.
func TestFailbackKeepsTheInterfaceThatCameBackFirst(t *testing.T) {
	for _, tc := range []struct {
		name     string
		lp       *plan.LocalPreference
		tunnels  bool
		scenario string
	}{
		{"dc-only, local-preference, port", &plan.LocalPreference{DirectConnection: 200, VPN: 100}, false, "dc-port-down-failback"},
		{"dc-only, no local-preference, port", nil, false, "dc-port-down-failback"},
		{"dc-only, no local-preference, sessions", nil, false, "dc-session-down-failback"},
		{"with tunnels, local-preference, port", &plan.LocalPreference{DirectConnection: 200, VPN: 100}, true, "dc-port-down-failback"},
		{"with tunnels, local-preference, both", &plan.LocalPreference{DirectConnection: 200, VPN: 100}, true, "both-down-failback"},
		{"with tunnels, no local-preference, both", nil, true, "both-down-failback"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := twoInterfacePlan(t, tc.lp, tc.tunnels)
			st, err := sim.Run(p, scenario(t, p, tc.scenario))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range st.CustomerRouter.Routes {
				if got := r.NextHops[0].Session; got != "dc1" {
					t.Errorf("%s: customer router returns over %s (%s), want dc1, the interface that came back first", r.Prefix, got, r.Decision.Reason)
				}
			}
		})
	}
}
