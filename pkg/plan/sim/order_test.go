package sim_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/sim"
)

// TestBringUpOrder: the initial events follow plan.BringUp, and with equal
// AS_PATHs and no local-preference the VPN that came up first keeps the
// return traffic in the normal state; local-preference makes the order
// irrelevant.
func TestBringUpOrder(t *testing.T) {
	for _, tc := range []struct {
		name       string
		lp         *plan.LocalPreference
		order      string
		wantFirst  string
		wantReturn string // kind of the customer router's best path for the VPC
	}{
		{"default, no local-preference", nil, "", "dc1", sim.KindDirectConnection},
		{"dc first, no local-preference", nil, plan.BringUpDirectConnectionFirst, "dc1", sim.KindDirectConnection},
		{"vpn first, no local-preference", nil, plan.BringUpVPNFirst, "tun-1", sim.KindVPN},
		{"vpn first, local-preference", &plan.LocalPreference{DirectConnection: 200, VPN: 100}, plan.BringUpVPNFirst, "tun-1", sim.KindDirectConnection},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := twoInterfacePlan(t, tc.lp, true)
			p.Strategy.Mode = plan.StrategyASPath
			p.Strategy.PrefixSplit = nil
			p.Strategy.ASPath = &plan.ASPath{}
			p.BringUp = tc.order
			ev := sim.InitialEvents(p)
			if len(ev) != 4 || ev[0].Session != tc.wantFirst {
				t.Fatalf("initial events %v, want %s first of 4", ev, tc.wantFirst)
			}
			st, err := sim.Run(p, scenario(t, p, sim.ScenarioNormal))
			if err != nil {
				t.Fatal(err)
			}
			r, ok := st.CustomerRouter.Lookup(netip.MustParseAddr("10.0.0.1"))
			if !ok || r.NextHops[0].Kind != tc.wantReturn {
				t.Errorf("return over %+v (%s), want %s", r.NextHops, r.Decision.Reason, tc.wantReturn)
			}
			if !strings.Contains(st.Scenario.Description, map[bool]string{true: "VPN tunnels first", false: "Direct Connection first"}[tc.order == plan.BringUpVPNFirst]) {
				t.Errorf("normal's description %q does not name the order", st.Scenario.Description)
			}
		})
	}
}

// TestOrderFindings: a plan whose normal state depends on the bring-up
// order gets a finding naming both orders and the fix; one with
// local-preference gets none.
func TestOrderFindings(t *testing.T) {
	noLP := twoInterfacePlan(t, nil, true)
	fs := sim.OrderFindings(noLP)
	if len(fs) != 1 || fs[0].Code != sim.CodeBringUpOrderDependent || fs[0].Severity != plan.SeverityWarning ||
		fs[0].Path != "$.strategy.localPreference" || !strings.Contains(fs[0].Message, "vpn-first") || !strings.Contains(fs[0].Hint, "localPreference") {
		t.Errorf("no local-preference: %v", fs)
	}
	if fs := sim.OrderFindings(twoInterfacePlan(t, &plan.LocalPreference{DirectConnection: 200, VPN: 100}, true)); len(fs) != 0 {
		t.Errorf("local-preference: %v", fs)
	}
	if fs := sim.OrderFindings(twoInterfacePlan(t, nil, false)); len(fs) != 0 {
		t.Errorf("Direct Connection only: %v", fs)
	}
}
