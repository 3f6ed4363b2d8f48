package sim_test

import (
	"slices"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/sim"
)

// TestMatrixAgreesWithRun checks every matrix cell, sessions and routes
// included, against the route tables Run computes for the scenario: the
// matrix decides lazily, shares verdicts and session lists, and fills its
// cells in place for speed, and must still say what the tables say.
func TestMatrixAgreesWithRun(t *testing.T) {
	plans := map[string]*plan.Plan{"large-1000": largePlan(t, 1000), "large-60": largePlan(t, 60)}
	for _, e := range examples.All() {
		plans[e.Name] = example(t, e.Name)
	}
	for name, p := range plans {
		m, err := sim.Matrix(p)
		if err != nil {
			t.Fatal(err)
		}
		states := map[string]*sim.State{}
		for _, s := range sim.Scenarios(p) {
			if states[s.Name], err = sim.Run(p, s); err != nil {
				t.Fatal(err)
			}
		}
		n := 0
		for _, c := range m.Cells {
			st := states[c.Scenario]
			idc, vpc := m.IDCSegments[c.IDCIndex], m.VPCSegments[c.VPCIndex]
			if c.IDC != idc.Name || c.VPC != vpc.Name || idc.Address.Is4() != vpc.Address.Is4() {
				t.Fatalf("%s: cell %+v does not match its segments", name, c)
			}
			check := func(dir string, v *sim.Verdict, tab *sim.Table) {
				r, ok := tab.Lookup(m.IDCSegments[c.IDCIndex].Address)
				if dir == "return" {
					r, ok = tab.Lookup(m.VPCSegments[c.VPCIndex].Address)
				}
				var sessions []string
				for _, h := range r.NextHops {
					sessions = append(sessions, h.Session)
				}
				if !ok {
					sessions = []string{}
				}
				if !slices.Equal(v.Sessions, sessions) || v.Sessions == nil || (ok && v.Route != r.Prefix) || (!ok && v.Route.IsValid()) {
					t.Errorf("%s %s %s→%s %s: matrix %+v, table %v %v", name, c.Scenario, c.VPC, c.IDC, dir, *v, r.Prefix, sessions)
				}
			}
			check("forward", c.Forward, &st.BorderGateway)
			check("return", c.Return, &st.CustomerRouter)
			n++
		}
		if n == 0 {
			t.Errorf("%s: no cells", name)
		}
	}
}
