package sim_test

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/sim"
)

// issueScenarios are the user-written scenarios of issue 9 for
// twoInterfacePlan (dc1, dc2, tun-1, tun-2).
func issueScenarios() []plan.UserScenario {
	return []plan.UserScenario{
		{Name: "dc1-shut-then-dc2-withdraws", Events: []plan.ScenarioEvent{
			{Kind: sim.EventSessionDown, Session: "dc1"},
			{Kind: sim.EventWithdraw, Session: "dc2"},
		}},
		{Name: "dc-fails-then-tunnel-down", Description: "the Direct Connection port fails, then tun-1 goes down", Events: []plan.ScenarioEvent{
			{Kind: sim.EventLinkDown},
			{Kind: sim.EventSessionDown, Session: "tun-1"},
		}},
		{Name: "withdraw-one-prefix-on-dc2", Events: []plan.ScenarioEvent{
			{Kind: sim.EventWithdraw, Session: "dc2", Prefixes: []netip.Prefix{netip.MustParsePrefix("192.168.0.0/17")}},
		}},
	}
}

func TestUserScenariosRun(t *testing.T) {
	p := twoInterfacePlan(t, &plan.LocalPreference{DirectConnection: 200, VPN: 100}, true)
	p.Scenarios = issueScenarios()
	if fs := sim.CheckPlan(p); len(fs) != 0 {
		t.Fatalf("findings: %v", fs)
	}
	all := sim.Scenarios(p)
	std := sim.StandardScenarios(p)
	if len(all) != len(std)+3 || all[len(std)].Name != "dc1-shut-then-dc2-withdraws" {
		t.Fatalf("Scenarios has %d, the standard %d; want the three user scenarios after them", len(all), len(std))
	}
	m, err := sim.Matrix(p)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(m.Scenarios, func(s sim.MatrixScenario) bool { return s.Name == "withdraw-one-prefix-on-dc2" }) {
		t.Error("the matrix leaves out the user scenarios")
	}
	want := map[string]string{ // trace 10.0.0.5 ↔ 192.168.1.1: forward/return
		"dc1-shut-then-dc2-withdraws": "vpn/dc",
		"dc-fails-then-tunnel-down":   "vpn/vpn",
		"withdraw-one-prefix-on-dc2":  "dc/dc",
	}
	for name, w := range want {
		tr, err := sim.Trace(p, scenario(t, p, name), netip.MustParseAddr("10.0.0.5"), netip.MustParseAddr("192.168.1.1"))
		if err != nil {
			t.Fatal(err)
		}
		if got := path(tr); got != w {
			t.Errorf("%s: %s, want %s (%s)", name, got, w, tr.Reason)
		}
	}
	st, err := sim.Run(p, scenario(t, p, "withdraw-one-prefix-on-dc2"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range st.BorderGateway.Routes {
		if r.Prefix.String() == "192.168.0.0/17" && (len(r.NextHops) != 1 || r.NextHops[0].Session != "dc1") {
			t.Errorf("192.168.0.0/17 withdrawn on dc2 only: next hops %+v, want dc1", r.NextHops)
		}
	}
}

func TestCheckUserScenarios(t *testing.T) {
	ev := func(kind, session string, prefixes ...string) plan.ScenarioEvent {
		e := plan.ScenarioEvent{Kind: kind, Session: session}
		for _, q := range prefixes {
			e.Prefixes = append(e.Prefixes, netip.MustParsePrefix(q))
		}
		return e
	}
	many := func(n int) []plan.ScenarioEvent {
		out := make([]plan.ScenarioEvent, n)
		for i := range out {
			out[i] = ev(sim.EventSessionDown, "tun-1")
		}
		return out
	}
	manyScenarios := make([]plan.UserScenario, plan.MaxUserScenarios+1)
	for i := range manyScenarios {
		manyScenarios[i] = plan.UserScenario{Name: fmt.Sprintf("s%d", i), Events: many(1)}
	}
	manyPrefixes := make([]string, plan.MaxScenarioPrefixes+1)
	for i := range manyPrefixes {
		manyPrefixes[i] = fmt.Sprintf("10.9.%d.%d/32", i/256, i%256)
	}
	for _, tc := range []struct {
		name      string
		list      []plan.UserScenario
		bringUp   string
		wantCode  string
		wantPath  string
		wantInMsg string
	}{
		{"unknown kind", []plan.UserScenario{{Name: "a", Events: []plan.ScenarioEvent{ev("explode", "dc1")}}}, "", sim.CodeScenarioEvent, "$.scenarios[0].events[0].kind", "unknown event kind"},
		{"unknown session", []plan.UserScenario{{Name: "a", Events: []plan.ScenarioEvent{ev(sim.EventSessionDown, "dc9")}}}, "", sim.CodeScenarioEvent, "$.scenarios[0].events[0].session", "no session \"dc9\""},
		{"prefix not advertised", []plan.UserScenario{{Name: "a", Events: []plan.ScenarioEvent{ev(sim.EventWithdraw, "dc2", "10.99.0.0/16")}}}, "", sim.CodeScenarioEvent, "$.scenarios[0].events[0].prefixes", "not advertised"},
		{"prefixes on a session event", []plan.UserScenario{{Name: "a", Events: []plan.ScenarioEvent{ev(sim.EventSessionDown, "dc1", "192.168.0.0/17")}}}, "", sim.CodeScenarioEvent, "$.scenarios[0].events[0].prefixes", "takes no prefixes"},
		{"no events", []plan.UserScenario{{Name: "a"}}, "", sim.CodeScenarioEvent, "$.scenarios[0].events", "no events"},
		{"no name", []plan.UserScenario{{Name: " ", Events: many(1)}}, "", sim.CodeScenarioName, "$.scenarios[0].name", "no name"},
		{"standard name", []plan.UserScenario{{Name: "dc-port-down", Events: many(1)}}, "", sim.CodeScenarioName, "$.scenarios[0].name", "standard scenario"},
		{"duplicate", []plan.UserScenario{{Name: "a", Events: many(1)}, {Name: "a", Events: many(1)}}, "", sim.CodeScenarioName, "$.scenarios[1].name", "scenario 0"},
		{"control character", []plan.UserScenario{{Name: "a\x1b[2J", Events: many(1)}}, "", sim.CodeScenarioName, "$.scenarios[0].name", "control"},
		{"long name", []plan.UserScenario{{Name: strings.Repeat("n", plan.MaxScenarioNameLength+1), Events: many(1)}}, "", sim.CodeScenarioLimit, "$.scenarios[0].name", "MaxScenarioNameLength"},
		{"too many events", []plan.UserScenario{{Name: "a", Events: many(plan.MaxScenarioEvents + 1)}}, "", sim.CodeScenarioLimit, "$.scenarios[0].events", "MaxScenarioEvents"},
		{"too many prefixes", []plan.UserScenario{{Name: "a", Events: []plan.ScenarioEvent{ev(sim.EventWithdraw, "dc2", manyPrefixes...)}}}, "", sim.CodeScenarioLimit, "$.scenarios[0].events[0].prefixes", "MaxScenarioPrefixes"},
		{"too many scenarios", manyScenarios, "", sim.CodeScenarioLimit, "$.scenarios", "MaxUserScenarios"},
		{"unknown bring-up order", nil, "sideways", sim.CodeBringUpUnknown, "$.bringUp", "sideways"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := twoInterfacePlan(t, nil, true)
			p.Scenarios, p.BringUp = tc.list, tc.bringUp
			fs := sim.CheckPlan(p)
			if !slices.ContainsFunc(fs, func(f plan.Finding) bool {
				return f.Code == tc.wantCode && f.Path == tc.wantPath && f.Severity == plan.SeverityError && strings.Contains(f.Message, tc.wantInMsg)
			}) {
				t.Errorf("want %s at %s mentioning %q; got %v", tc.wantCode, tc.wantPath, tc.wantInMsg, fs)
			}
			// The simulator never runs what the checks refuse, and stays
			// within the limits.
			if n := len(sim.UserScenarios(p)); n > plan.MaxUserScenarios {
				t.Errorf("%d user scenarios run, over the limit", n)
			}
			if _, err := sim.Matrix(p); err != nil {
				t.Errorf("the matrix fails on a plan with a bad scenario: %v", err)
			}
		})
	}
}
