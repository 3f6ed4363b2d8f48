package lab

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan/export"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

// TestPrefixSplitReachesIDC: the seed plan splits its IDC segments (/16)
// into /17s announced over Direct Connection, and the customer router's
// only route into the IDC is the connected /16 (topology.go). Its exported
// FRR configuration used to back the /17s with blackhole routes, which beat
// the /16 by longest match and dropped every probe from the cloud's VM to
// the IDC host. With every session up, the probes must arrive both ways.
func TestPrefixSplitReachesIDC(t *testing.T) {
	requireLab(t)
	p, err := examples.Plan(examples.Seed)
	if err != nil {
		t.Fatal(err)
	}
	if p.Strategy.Mode != "prefix-split" {
		t.Fatalf("the seed plan's strategy is %q; the test needs a prefix split", p.Strategy.Mode)
	}
	timers := [2]int{1, 3}
	lp, _, err := LabPlan(p, timers)
	if err != nil {
		t.Fatal(err)
	}
	conf, err := export.Render(lp, export.FormatFRR, export.Options{BGPTimers: &timers})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	topo, err := Build(ctx, Config{
		Name: fmt.Sprintf("%s%d-split", NamePrefix, os.Getpid()), Plan: lp, Strategy: strategy.Compute(lp),
		CustomerConfig: conf, Timers: timers, WorkDir: t.TempDir(), Logf: t.Logf, Hosts: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := topo.Close(); err != nil {
			t.Error(err)
		}
	}()
	if err := topo.EstablishInitial(ctx, topo.SessionOrder()); err != nil {
		t.Fatal(err)
	}
	pr, err := topo.StartProbes(time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	from := time.Now()
	time.Sleep(500 * time.Millisecond)
	to := time.Now()
	time.Sleep(100 * time.Millisecond) // the last probes' way back
	if err := pr.Stop(); err != nil {
		t.Fatal(err)
	}
	fwd, back := pr.Span(from, to)
	for _, c := range []struct {
		dir  string
		loss Loss
	}{{"VM → IDC host (cloud to IDC)", fwd}, {"IDC host → VM", back}} {
		if c.loss.Sent == 0 || c.loss.Lost*10 > c.loss.Sent {
			t.Errorf("%s: %d of %d probes lost; a discard route for a split prefix inside the IDC segment drops them", c.dir, c.loss.Lost, c.loss.Sent)
		}
	}
}
