package oracle

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/export"
	"github.com/hybridplan/hybridplan/pkg/plan/sim"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

// requireRouters skips the test when the machine cannot run the oracle,
// unless HYBRIDPLAN_REQUIRE_FRR=1 (make test sets it): then a missing FRR
// or missing root is a failure, never a silent pass.
func requireRouters(t *testing.T) {
	t.Helper()
	if missing := Requirements(); missing != "" {
		if os.Getenv("HYBRIDPLAN_REQUIRE_FRR") == "1" {
			t.Fatalf("the FRR oracle cannot run, and HYBRIDPLAN_REQUIRE_FRR=1 forbids skipping it; missing: %s", missing)
		}
		t.Skipf("skipping the FRR oracle (set HYBRIDPLAN_REQUIRE_FRR=1 to make this a failure); missing: %s", missing)
	}
	if err := RemoveStale(context.Background()); err != nil {
		t.Logf("removing what killed runs left behind: %v", err)
	}
}

func readPlan(t *testing.T, path string) *plan.Plan {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := plan.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return p
}

// newTopology builds a topology for p with the given customer configuration
// and removes it when the test ends, whatever happens.
func newTopology(t *testing.T, ctx context.Context, name string, p *plan.Plan, res strategy.Result, customerConf []byte) *Topology {
	t.Helper()
	topo, err := Build(ctx, Config{
		Name:           fmt.Sprintf(NamePrefix+"%d-%s", os.Getpid(), name),
		Plan:           p,
		Strategy:       res,
		CustomerConfig: customerConf,
		Timers:         [2]int{1, 3},
		WorkDir:        t.TempDir(),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		st := time.Now()
		defer func() { t.Logf("closed in %s", time.Since(st)) }()
		if err := topo.Close(); err != nil {
			t.Errorf("cleaning up the topology: %v", err)
		}
	})
	return topo
}

// TestHarnessHandWritten checks the harness itself, independently of the
// exporter and the simulator: the seed plan with a hand-written customer
// configuration, whose behaviour is known from the design (Direct
// Connection carries both directions; after its session goes down the VPN
// does; the aggregate takes over when the specifics are withdrawn).
func TestHarnessHandWritten(t *testing.T) {
	requireRouters(t)
	t.Parallel()
	ctx := context.Background()
	p := readPlan(t, "../../examples/seed-dc-primary-vpn-backup.json")
	res := strategy.Compute(p)
	conf, err := os.ReadFile(filepath.Join("testdata", "handwritten", "seed-customer.frr.conf"))
	if err != nil {
		t.Fatal(err)
	}
	bs := time.Now()
	topo := newTopology(t, ctx, "hand", p, res, conf)
	t.Logf("built in %s", time.Since(bs))
	start := time.Now()
	if err := topo.Establish(ctx, topo.SessionOrder()); err != nil {
		t.Fatal(err)
	}
	t.Logf("established in %s", time.Since(start).Round(time.Millisecond))
	vpc := netip.MustParseAddr("10.0.0.1")
	idc := netip.MustParseAddr("192.168.200.1")
	vpcPrefix := netip.MustParsePrefix("10.0.0.0/16")
	look := Lookups{Customer: []netip.Addr{vpc}, Cloud: []netip.Addr{idc}}

	type want struct {
		customerBest []string // best session(s) for 10.0.0.0/16 on the customer router
		customerFwd  []string // next-hop sessions for 10.0.0.1 on the customer router
		cloudFwd     []string // next-hop sessions for 192.168.200.1 on the cloud router
		cloudRoute   string   // the cloud's route for it
	}
	steps := []struct {
		name  string
		event *sim.Event
		want  want
	}{
		{"normal", nil, want{[]string{"pvif-bj-1"}, []string{"pvif-bj-1"}, []string{"pvif-bj-1"}, "192.168.128.0/17"}},
		// FRR installs up to 64 equal eBGP paths by default, so both tunnels
		// carry the return traffic.
		{"dc session down", &sim.Event{Kind: sim.EventSessionDown, Session: "pvif-bj-1"},
			want{[]string{"tun-1", "tun-2"}, []string{"tun-1", "tun-2"}, []string{"tun-1", "tun-2"}, "192.168.0.0/16"}},
		{"dc session up again", &sim.Event{Kind: sim.EventSessionUp, Session: "pvif-bj-1"},
			want{[]string{"pvif-bj-1"}, []string{"pvif-bj-1"}, []string{"pvif-bj-1"}, "192.168.128.0/17"}},
		{"dc specifics withdrawn", &sim.Event{Kind: sim.EventWithdraw, Session: "pvif-bj-1", Prefixes: []netip.Prefix{netip.MustParsePrefix("192.168.128.0/17")}},
			want{[]string{"pvif-bj-1"}, []string{"pvif-bj-1"}, []string{"tun-1", "tun-2"}, "192.168.0.0/16"}},
		{"dc specifics restored", &sim.Event{Kind: sim.EventRestore, Session: "pvif-bj-1"},
			want{[]string{"pvif-bj-1"}, []string{"pvif-bj-1"}, []string{"pvif-bj-1"}, "192.168.128.0/17"}},
		{"dc port down", &sim.Event{Kind: sim.EventLinkDown, Session: "pvif-bj-1"},
			want{[]string{"tun-1", "tun-2"}, []string{"tun-1", "tun-2"}, []string{"tun-1", "tun-2"}, "192.168.0.0/16"}},
		{"tunnel 1 down too", &sim.Event{Kind: sim.EventLinkDown, Session: "tun-1"},
			want{[]string{"tun-2"}, []string{"tun-2"}, []string{"tun-2"}, "192.168.0.0/16"}},
		{"dc port up", &sim.Event{Kind: sim.EventLinkUp, Session: "pvif-bj-1"},
			want{[]string{"pvif-bj-1"}, []string{"pvif-bj-1"}, []string{"pvif-bj-1"}, "192.168.128.0/17"}},
	}
	for _, st := range steps {
		start := time.Now()
		if st.event != nil {
			if err := topo.Apply(ctx, *st.event); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
		}
		obs, err := topo.Observe(ctx, look)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		t.Logf("%s: settled in %s", st.name, time.Since(start).Round(time.Millisecond))
		got := want{
			customerBest: obs.Customer[vpcPrefix].Selected(),
			customerFwd:  obs.CustomerFwd[vpc].Sessions,
			cloudFwd:     obs.CloudFwd[idc].Sessions,
			cloudRoute:   obs.CloudFwd[idc].Route.String(),
		}
		if fmt.Sprint(got) != fmt.Sprint(st.want) {
			t.Errorf("%s: got %+v, want %+v\ncustomer table: %+v\ncloud table: %+v", st.name, got, st.want, obs.Customer, obs.Cloud)
		}
	}
	// Reset and establish again: the history starts afresh.
	bs = time.Now()
	if err := topo.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("reset in %s", time.Since(bs))
	if err := topo.Establish(ctx, topo.SessionOrder()); err != nil {
		t.Fatal(err)
	}
	obs, err := topo.Observe(ctx, look)
	if err != nil {
		t.Fatal(err)
	}
	if got := obs.Customer[vpcPrefix].Selected(); fmt.Sprint(got) != "[pvif-bj-1]" {
		t.Errorf("after reset: customer best %v, want [pvif-bj-1]", got)
	}
}

// topologySlots bounds how many plans' topologies run at once across the
// package's tests (TestOracle and the regression tests run in parallel):
// HYBRIDPLAN_ORACLE_PARALLEL, default 12. A plan spends most of its time
// waiting on BGP timers: measured on a quiet 2-core machine, the whole
// package took 300 s at 6 and 190 s at 12, using about one core.
var topologySlots = sync.OnceValues(func() (chan struct{}, error) {
	n := 12
	if v := os.Getenv("HYBRIDPLAN_ORACLE_PARALLEL"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("HYBRIDPLAN_ORACLE_PARALLEL=%q: give a positive number", v)
		}
	}
	return make(chan struct{}, n), nil
})

// TestOracle replays every scenario of every plan (the corpus and the
// examples) on real FRR routers running the exported configuration and
// fails on every disagreement with the simulator. Plans run in parallel
// (HYBRIDPLAN_ORACLE_PARALLEL, default 12): each waits mostly on BGP timers,
// not on the CPU. HYBRIDPLAN_ORACLE_PLANS limits the run to plans whose
// file name contains it; HYBRIDPLAN_ORACLE_TRACE=1 logs every wait.
func TestOracle(t *testing.T) {
	requireRouters(t)
	t.Parallel()
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.json"))
	examples, _ := filepath.Glob("../../examples/*.json")
	files = append(files, examples...)
	if only := os.Getenv("HYBRIDPLAN_ORACLE_PLANS"); only != "" {
		files = slices.DeleteFunc(files, func(f string) bool { return !strings.Contains(filepath.Base(f), only) })
	}
	if len(files) == 0 {
		t.Fatal("no plans to check")
	}
	sem, err := topologySlots()
	if err != nil {
		t.Fatal(err)
	}
	type outcome struct {
		results []ScenarioResult
		err     error
		took    time.Duration
		// crowded is the first run's outcome when it disagreed and the
		// plan was run again alone (see below); nil otherwise.
		crowded *outcome
	}
	disagrees := func(o outcome) bool {
		if o.err != nil {
			return true
		}
		for _, r := range o.results {
			for _, m := range r.Mismatches {
				if !m.ReasonOnly {
					return true
				}
			}
		}
		return false
	}
	outcomes := make([]outcome, len(files))
	// The corpus (49 plans) takes about 3 minutes on an idle 2-core
	// machine and longer while make test runs the browser suites beside
	// it: the bound stops a hung topology, not a slow machine.
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	cfgs := make([]*Config, len(files))
	cost := make([]int, len(files))
	for i, f := range files {
		p := readPlan(t, f)
		res := strategy.Compute(p)
		// Force: the corpus holds designs the verdict rejects on purpose
		// (return over the VPN, VPN first without local-preference); the
		// oracle checks that the simulator predicts what they do.
		conf, err := export.Render(p, export.FormatFRR, export.Options{BGPTimers: &[2]int{1, 3}, Force: true})
		if err != nil {
			outcomes[i].err = fmt.Errorf("exporting the FRR configuration: %w", err)
			continue
		}
		cfg := Config{
			Name:           fmt.Sprintf(NamePrefix+"%d-%d", os.Getpid(), i),
			Plan:           p,
			Strategy:       res,
			CustomerConfig: conf,
			Timers:         [2]int{1, 3},
			WorkDir:        t.TempDir(),
		}
		if os.Getenv("HYBRIDPLAN_ORACLE_TRACE") == "1" {
			cfg.Logf = t.Logf
		}
		cfgs[i] = &cfg
		// A plan's time is mostly its scenarios' session events, each a
		// second or so of BGP timers.
		cost[i] = len(PlanScenarios(cfg)) * len(res.Sessions)
	}
	// The longest plans start first, so the run does not end waiting on
	// one long plan started last.
	order := make([]int, len(files))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cost[b] - cost[a] })
	var wg sync.WaitGroup
	for _, i := range order {
		if cfgs[i] == nil {
			continue
		}
		sem <- struct{}{} // taken here, in order; given back by the plan's goroutine
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			start := time.Now()
			r, err := Check(ctx, *cfgs[i])
			outcomes[i] = outcome{results: r, err: err, took: time.Since(start)}
		}()
	}
	wg.Wait()
	// A plan that disagreed runs once more, alone. Beside eleven other
	// topologies and make test's browsers on two cores, a bgpd can miss
	// its 1 s keepalives for the 3 s hold time: the session drops and comes
	// back, and FRR's "older path" step then keeps the path that came back
	// first, which no plan predicts (seen once: the aspath example's
	// customer router on pvif-sh-b). What the second run finds is the
	// verdict; the first run's disagreement is logged beside it, so a
	// crowded-only difference stays visible.
	for _, i := range order {
		if cfgs[i] == nil || !disagrees(outcomes[i]) {
			continue
		}
		first := outcomes[i]
		start := time.Now()
		r, err := Check(ctx, *cfgs[i])
		outcomes[i] = outcome{r, err, time.Since(start), &first}
	}
	for i, f := range files {
		o := outcomes[i]
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
			t.Logf("%d scenarios in %s", len(o.results), o.took.Round(time.Millisecond))
			if c := o.crowded; c != nil {
				t.Logf("the first run, beside the other plans, disagreed (%d scenarios in %s); this is a second run, alone. The first run said:", len(c.results), c.took.Round(time.Millisecond))
				for _, r := range c.results {
					for _, m := range r.Mismatches {
						if !m.ReasonOnly {
							t.Logf("  first run: %s", m)
						}
					}
				}
				if c.err != nil {
					t.Logf("  first run: the oracle could not finish: %v", c.err)
				}
			}
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
				t.Errorf("%s: the oracle could not finish: %v", f, o.err)
			}
		})
	}
}

// TestBatchedStartEquivalent checks EstablishInitial's shortcut against
// the plain one-session-at-a-time start on real routers: on a plan where
// every path ties (AS_PATH prepend on the VPN only, so cloud → IDC paths are
// all equal and session age decides), both starts must leave FRR in the same
// state, normally and after the Direct Connection sessions go down (when the
// paths that never got selected take over).
func TestBatchedStartEquivalent(t *testing.T) {
	requireRouters(t)
	t.Parallel()
	ctx := context.Background()
	p := readPlan(t, filepath.Join(corpusDir, "asp-2dc-4tun-nolp.json"))
	res := strategy.Compute(p)
	conf, err := export.Render(p, export.FormatFRR, export.Options{BGPTimers: &[2]int{1, 3}, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	look := LookupsFor(p, res)
	var obs [2][]Observation
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, sequential := range []bool{false, true} {
		topo, err := Build(ctx, Config{
			Name: fmt.Sprintf(NamePrefix+"%d-eq%d", os.Getpid(), i), Plan: p, Strategy: res, CustomerConfig: conf,
			Timers: [2]int{1, 3}, WorkDir: t.TempDir(), SequentialStart: sequential,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := topo.Close(); err != nil {
				t.Errorf("cleaning up: %v", err)
			}
		})
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = func() error {
				if err := topo.EstablishInitial(ctx, topo.SessionOrder()); err != nil {
					return err
				}
				for _, ev := range []*sim.Event{nil, {Kind: sim.EventSessionDown, Session: "pvif-1"}, {Kind: sim.EventSessionDown, Session: "pvif-2"}} {
					if ev != nil {
						if err := topo.Apply(ctx, *ev); err != nil {
							return err
						}
					}
					o, err := topo.Observe(ctx, look)
					if err != nil {
						return err
					}
					obs[i] = append(obs[i], o)
				}
				return nil
			}()
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for k := range obs[0] {
		if d := decisionDiff(obs[0][k], obs[1][k]); d != "" {
			t.Errorf("step %d: the batched start and the start one at a time differ: %s", k, d)
		}
	}
}

// decisionDiff describes how two observations differ in what Compare
// checks: the customer router's paths and best path, the border gateway's
// paths and best + multipath set (not which of them FRR calls best, which
// depends on arrival order and decides nothing), and forwarding. Selection
// reasons are left out. "" means no difference.
func decisionDiff(a, b Observation) string {
	type view struct {
		cands, chosen []string
	}
	summarize := func(t Table, customer bool) map[netip.Prefix]view {
		out := map[netip.Prefix]view{}
		for p, r := range t {
			var v view
			for _, path := range r.Paths {
				v.cands = append(v.cands, path.Session)
				if path.Best && customer {
					v.chosen = append(v.chosen, path.Session)
				}
			}
			if !customer {
				v.chosen = r.Selected()
			}
			out[p] = v
		}
		return out
	}
	var diffs []string
	for _, side := range []struct {
		name     string
		x, y     Table
		customer bool
	}{{"customer", a.Customer, b.Customer, true}, {"cloud", a.Cloud, b.Cloud, false}} {
		sx, sy := summarize(side.x, side.customer), summarize(side.y, side.customer)
		if fmt.Sprint(sx) != fmt.Sprint(sy) {
			diffs = append(diffs, fmt.Sprintf("%s routes %v against %v", side.name, sx, sy))
		}
	}
	for _, side := range []struct {
		name string
		x, y map[netip.Addr]Forwarding
	}{{"customer", a.CustomerFwd, b.CustomerFwd}, {"cloud", a.CloudFwd, b.CloudFwd}} {
		if fmt.Sprint(side.x) != fmt.Sprint(side.y) {
			diffs = append(diffs, fmt.Sprintf("%s forwarding %v against %v", side.name, side.x, side.y))
		}
	}
	return strings.Join(diffs, "; ")
}
