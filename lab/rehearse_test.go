package lab

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/sim"
)

// requireLab skips the test when the machine cannot run the lab, unless
// HYBRIDPLAN_REQUIRE_FRR=1 (make test sets it): then it is a failure.
func requireLab(t *testing.T) {
	t.Helper()
	if missing := Requirements(); missing != "" {
		if os.Getenv("HYBRIDPLAN_REQUIRE_FRR") == "1" {
			t.Fatalf("the lab cannot run, and HYBRIDPLAN_REQUIRE_FRR=1 forbids skipping it; missing: %s", missing)
		}
		t.Skipf("skipping the lab (set HYBRIDPLAN_REQUIRE_FRR=1 to make this a failure); missing: %s", missing)
	}
	if err := RemoveStale(context.Background(), NamePrefix); err != nil {
		t.Logf("removing what killed runs left behind: %v", err)
	}
}

func rehearse(t *testing.T, name string, p *plan.Plan, scenarios ...string) *Report {
	t.Helper()
	var scs []sim.Scenario
	for _, n := range scenarios {
		s, err := sim.FindScenario(p, n)
		if err != nil {
			t.Fatal(err)
		}
		scs = append(scs, s)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	rep, err := Rehearsal{
		Plan: p, Timers: [2]int{1, 3}, Scenarios: scs, Name: fmt.Sprintf("%s%d-%s", NamePrefix, os.Getpid(), name),
		WorkDir: t.TempDir(), Logf: t.Logf,
	}.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestRehearseSeedBFD: the seed plan (BFD 300 ms × 3) on real routers. A
// silent failure of the Direct Connection must cut traffic for BFD's
// detect time, within the tolerance, both ways; the port going down for
// next to nothing; failback for nothing.
func TestRehearseSeedBFD(t *testing.T) {
	requireLab(t)
	p, err := examples.Plan("seed-dc-primary-vpn-backup")
	if err != nil {
		t.Fatal(err)
	}
	rep := rehearse(t, "seed", p, "dc-silent-failure-failback", "dc-port-down-failback")
	var b strings.Builder
	rep.WriteText(&b)
	t.Log(b.String())
	if !rep.Agree {
		t.Error("the rehearsal disagrees with the prediction")
	}
	silent := rep.Scenarios[0].Phases[0]
	for _, d := range []DirectionReport{silent.Forward, silent.Return} {
		if d.Predicted.Detection != sim.DetectBFD || d.Predicted.MaxMillis != 950 {
			t.Errorf("prediction %+v, want BFD up to 950 ms", d.Predicted)
		}
		if d.Loss.WindowMillis < 600-ToleranceMillis || d.Loss.WindowMillis > 950+ToleranceMillis+95 {
			t.Errorf("measured loss window %.0f ms, outside BFD's 600–950 ms ± tolerance", d.Loss.WindowMillis)
		}
		if len(d.Path.Sessions) != 1 || !strings.HasPrefix(d.Path.Sessions[0], "tun-") {
			t.Errorf("after the silent failure the probes left on %v, want one tunnel", d.Path.Sessions)
		}
	}
}
