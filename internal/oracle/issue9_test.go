package oracle

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/export"
	"github.com/hybridplan/hybridplan/pkg/plan/sim"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

// requireChosen skips a regression test when the whole package runs:
// TestOracle replays the same corpus plans with every scenario (a
// superset), so running both would only double the oracle's time. Chosen
// with -run, the test replays just its cases, in a few minutes.
func requireChosen(t *testing.T) {
	t.Helper()
	if f := flag.Lookup("test.run"); f == nil || f.Value.String() == "" {
		t.Skip("covered by TestOracle (the same corpus plans, every scenario); choose it with -run to replay only its cases")
	}
}

// oracleCase is one plan and the scenarios a regression test replays on it.
type oracleCase struct {
	name      string
	plan      *plan.Plan
	scenarios []sim.Scenario
}

// checkCases replays each case's scenarios on real FRR (the cases in
// parallel; tag keeps the namespace names of parallel tests apart) and fails on every disagreement with the simulator except a
// reason-only one, which is logged. It returns how many scenarios were
// compared.
func checkCases(t *testing.T, tag string, cases []oracleCase) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute) // as TestOracle: both wait for topologySlots
	defer cancel()
	type outcome struct {
		results []ScenarioResult
		err     error
	}
	outs := make([]outcome, len(cases))
	sem, err := topologySlots()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i, c := range cases {
		if len(c.scenarios) == 0 {
			t.Fatalf("%s: no scenarios to replay", c.name)
		}
		conf, err := export.Render(c.plan, export.FormatFRR, export.Options{BGPTimers: &[2]int{1, 3}, Force: true})
		if err != nil {
			t.Fatalf("%s: exporting the FRR configuration: %v", c.name, err)
		}
		cfg := Config{
			Name:           fmt.Sprintf(NamePrefix+"%d-%s%d", os.Getpid(), tag, i),
			Plan:           c.plan,
			Strategy:       strategy.Compute(c.plan),
			CustomerConfig: conf,
			Timers:         [2]int{1, 3},
			WorkDir:        t.TempDir(),
		}
		if os.Getenv("HYBRIDPLAN_ORACLE_TRACE") == "1" {
			cfg.Logf = t.Logf
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			r, err := CheckScenarios(ctx, cfg, c.scenarios)
			outs[i] = outcome{r, err}
		}()
	}
	wg.Wait()
	n := 0
	for i, c := range cases {
		o := outs[i]
		n += len(o.results)
		t.Run(c.name, func(t *testing.T) {
			for _, r := range o.results {
				for _, m := range r.Mismatches {
					if m.ReasonOnly {
						t.Logf("same choice, another reason: %s", m)
						continue
					}
					t.Errorf("%s", m)
				}
			}
			if o.err != nil {
				t.Errorf("the oracle could not finish: %v", o.err)
			}
		})
	}
	return n
}

// corpusScenarios returns the corpus plan and its standard scenarios whose
// names start with one of prefixes.
func corpusScenarios(t *testing.T, name string, prefixes ...string) oracleCase {
	t.Helper()
	p := readPlan(t, filepath.Join(corpusDir, name+".json"))
	var scs []sim.Scenario
	for _, s := range sim.Scenarios(p) {
		for _, pre := range prefixes {
			if strings.HasPrefix(s.Name, pre) {
				scs = append(scs, s)
				break
			}
		}
	}
	return oracleCase{name: name, plan: p, scenarios: scs}
}

// TestOracleFailbackTwoInterfaces is issue 9, case 1: with two private
// virtual interfaces whose interconnects run against plan order (the one
// that comes back first has the higher neighbor address), the customer
// router keeps the interface that came back first after the port (or both
// paths) come back, as FRR does ("oldest external"): it was selected when
// the second arrived. With and without local-preference, prefix split and
// AS_PATH, Direct Connection only and with tunnels; both directions (the
// border gateway's ECMP set and forwarding are compared too).
func TestOracleFailbackTwoInterfaces(t *testing.T) {
	requireRouters(t)
	requireChosen(t)
	t.Parallel()
	n := checkCases(t, "fb", []oracleCase{
		corpusScenarios(t, "ps-dc-only-2dc-reversed-ifaces-lp", "dc-port-down", "dc-session-down"),
		corpusScenarios(t, "ps-dc-only-2dc-reversed-ifaces-nolp", "dc-port-down", "dc-session-down"),
		corpusScenarios(t, "ps-2dc-2tun-lp-reversed-ifaces", "dc-port-down", "both-down"),
		corpusScenarios(t, "asp-2dc-2tun-nolp-reversed-ifaces", "dc-port-down", "both-down"),
	})
	t.Logf("%d scenarios compared", n)
}

// TestOracleBringUpOrder is issue 9, case 2: the VPN brought up first, with
// and without local-preference, one and two interfaces, both strategies.
// Without local-preference the VPN keeps the return traffic in the normal
// state (FRR's "Older Path"); with it Direct Connection takes over.
func TestOracleBringUpOrder(t *testing.T) {
	requireRouters(t)
	requireChosen(t)
	t.Parallel()
	pre := []string{sim.ScenarioNormal, sim.ScenarioDCSessionDown, sim.ScenarioDCPortDown}
	n := checkCases(t, "bu", []oracleCase{
		corpusScenarios(t, "ps-1dc-2tun-lp-vpn-first", pre...),
		corpusScenarios(t, "ps-1dc-2tun-nolp-vpn-first", pre...),
		corpusScenarios(t, "ps-2dc-2tun-nolp-vpn-first", pre...),
		corpusScenarios(t, "asp-2dc-2tun-lp-vpn-first", pre...),
	})
	t.Logf("%d scenarios compared", n)
}

// TestOracleUserScenarios is issue 9, case 3: user-written scenarios (an
// interface shut then the other withdraws its routes; the Direct
// Connection fails then a tunnel goes down; one prefix withdrawn on one
// session; and their way back) replayed on FRR, with and without
// local-preference and under both bring-up orders; and case 5's IPv6
// session failing alone (a dual-stack plan's user-written scenarios).
func TestOracleUserScenarios(t *testing.T) {
	requireRouters(t)
	requireChosen(t)
	t.Parallel()
	var cases []oracleCase
	for _, name := range []string{"ps-2dc-2tun-lp-scenarios", "asp-2dc-2tun-nolp-vpn-first-scenarios", "ps-dual-2dc-2tun-nolp-ipv6-scenarios"} {
		p := readPlan(t, filepath.Join(corpusDir, name+".json"))
		scs := sim.UserScenarios(p)
		if len(scs) != len(p.Scenarios) || len(scs) < 3 {
			t.Fatalf("%s: %d of %d user scenarios can run; want every one, at least 3", name, len(scs), len(p.Scenarios))
		}
		cases = append(cases, oracleCase{name: name, plan: p, scenarios: scs})
	}
	n := checkCases(t, "us", cases)
	t.Logf("%d scenarios compared", n)
}

// TestOracleCloudASNs is issue 9, case 5: an interface's cloudAsn and the
// VPN connection's local ASN are what the customer router sees first in
// the AS_PATH (and the neighbor AS the MED step groups by).
func TestOracleCloudASNs(t *testing.T) {
	requireRouters(t)
	requireChosen(t)
	t.Parallel()
	n := checkCases(t, "ca", []oracleCase{
		corpusScenarios(t, "ps-2dc-2tun-nolp-cloudasns", sim.ScenarioNormal, sim.ScenarioDCSessionDown, sim.ScenarioDCPortDown, sim.ScenarioVPNDown),
	})
	t.Logf("%d scenarios compared", n)
}
