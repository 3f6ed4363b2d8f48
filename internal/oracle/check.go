package oracle

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"time"

	"github.com/hybridplan/hybridplan/pkg/plan/sim"
)

// ScenarioResult is the oracle's verdict on one scenario of a plan.
type ScenarioResult struct {
	Scenario   string
	Mismatches []Mismatch
	// Took is the time from the last shared state to the comparison.
	Took time.Duration
}

// PlanScenarios are the scenarios the oracle replays for a plan: the
// simulator's standard ones, plus, when Direct Connection announces several
// prefixes, withdrawing only the first (a partial withdrawal).
func PlanScenarios(cfg Config) []sim.Scenario {
	scs := sim.Scenarios(cfg.Plan)
	if dc := cfg.Strategy.IDCToCloud.DirectConnection; len(dc) > 1 && cfg.Plan.DirectConnection != nil {
		scs = append(scs, sim.WithdrawScenario([]netip.Prefix{dc[0].Prefix}))
	}
	return scs
}

// Check builds the plan's topology, replays every scenario on it and
// compares each outcome with sim.Run's. An error means the oracle could not
// run (a broken configuration, a session that never came up);
// disagreements are in the results.
//
// Scenarios start from the initial state (every session brought up in the
// simulator's order), but the routers are not reset before each one, which
// would cost a second per session each time:
//
//   - a scenario whose events begin with the previous one's (a failure,
//     then its failback) goes on from where that one ended;
//   - a scenario that ends with every session up, every link up and
//     nothing withdrawn, with the customer router's best path for every
//     prefix what it was in the initial state, leaves FRR in the initial
//     state: FRR's only memory of history is which path is selected (its
//     "older path" step keeps the selected path on a tie and compares no
//     arrival times), and the border gateway stand-in's choice (the
//     multipath set) has no memory at all. The next scenario starts there;
//   - otherwise (a history case: after a flap the VPN path stayed best) the
//     topology is reset: every session shut down, every learned route gone,
//     and the initial state built again.
func Check(ctx context.Context, cfg Config) ([]ScenarioResult, error) {
	return CheckScenarios(ctx, cfg, PlanScenarios(cfg))
}

// CheckScenarios is Check for chosen scenarios (a regression test's, or a
// plan's user-written ones), replayed the same way.
func CheckScenarios(ctx context.Context, cfg Config, scs []sim.Scenario) ([]ScenarioResult, error) {
	scs = slices.Clone(scs)
	slices.SortStableFunc(scs, func(a, b sim.Scenario) int { return compareEvents(a.Events, b.Events) })
	var order []string
	for _, e := range sim.InitialEvents(cfg.Plan) {
		if e.Kind != sim.EventSessionUp {
			return nil, fmt.Errorf("the simulator's initial event %s is not a session coming up; the oracle cannot replay it", e)
		}
		order = append(order, e.Session)
	}
	topo, err := Build(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer topo.Close()
	look := LookupsFor(cfg.Plan, cfg.Strategy)
	var (
		applied     []sim.Event
		fresh       = true
		atInitial   bool
		initialBest map[netip.Prefix]string
		results     []ScenarioResult
	)
	for _, sc := range scs {
		start := time.Now()
		switch {
		case !fresh && isPrefix(applied, sc.Events):
			// Go on from the previous scenario.
		case !fresh && atInitial:
			applied = nil
		default:
			if !fresh {
				if err := topo.Reset(ctx); err != nil {
					return results, fmt.Errorf("scenario %s: resetting: %w", sc.Name, err)
				}
				topo.logf("%s: reset before %s", cfg.Plan.Name, sc.Name)
			}
			fresh = false
			if err := topo.EstablishInitial(ctx, order); err != nil {
				return results, fmt.Errorf("scenario %s: initial state: %w", sc.Name, err)
			}
			applied = nil
			if initialBest == nil {
				obs, err := topo.Observe(ctx, look)
				if err != nil {
					return results, fmt.Errorf("reading the initial state: %w", err)
				}
				initialBest = bestPaths(obs.Customer)
			}
		}
		for _, e := range sc.Events[len(applied):] {
			if err := topo.Apply(ctx, e); err != nil {
				return results, fmt.Errorf("scenario %s: event %s: %w", sc.Name, e, err)
			}
			applied = append(applied, e)
		}
		st, err := sim.Run(cfg.Plan, sc)
		if err != nil {
			return results, fmt.Errorf("scenario %s: the simulator: %w", sc.Name, err)
		}
		obs, err := topo.Observe(ctx, look)
		if err != nil {
			return results, fmt.Errorf("scenario %s: reading the routers: %w", sc.Name, err)
		}
		atInitial = topo.pristine() && maps.Equal(bestPaths(obs.Customer), initialBest)
		topo.logf("%s: scenario %s compared after %s", cfg.Plan.Name, sc.Name, time.Since(start).Round(time.Millisecond))
		results = append(results, ScenarioResult{Scenario: sc.Name, Mismatches: Compare(cfg.Plan.Name, st, obs, look), Took: time.Since(start)})
	}
	return results, topo.Close()
}

// bestPaths is the session of the best path of every prefix.
func bestPaths(t Table) map[netip.Prefix]string {
	out := make(map[netip.Prefix]string, len(t))
	for p, r := range t {
		for _, path := range r.Paths {
			if path.Best {
				out[p] = path.Session
			}
		}
	}
	return out
}

func compareEvents(a, b []sim.Event) int {
	for i := range min(len(a), len(b)) {
		if c := cmp.Compare(a[i].String(), b[i].String()); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

func isPrefix(prefix, events []sim.Event) bool {
	if len(prefix) > len(events) {
		return false
	}
	for i := range prefix {
		if prefix[i].String() != events[i].String() {
			return false
		}
	}
	return true
}
