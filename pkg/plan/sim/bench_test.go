package sim_test

import (
	"testing"

	"github.com/hybridplan/hybridplan/internal/splitplan"
	"github.com/hybridplan/hybridplan/internal/warmup"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/sim"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

// largePlan is the shared large prefix-split plan (internal/splitplan):
// about `advertised` prefixes over the aspath example's topology.
func largePlan(t testing.TB, advertised int) *plan.Plan {
	p, err := splitplan.Build(advertised)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLargePlan(t *testing.T) {
	p := largePlan(t, 1000)
	r := strategy.Compute(p)
	if n := len(r.IDCToCloud.DirectConnection) + len(r.IDCToCloud.VPN); n < 990 || n > 1000 {
		t.Errorf("%d advertised prefixes, want about 1,000", n)
	}
	if len(r.Findings) != 0 {
		t.Errorf("findings: %v", r.Findings)
	}
	m, err := sim.Matrix(p)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(sim.Scenarios(p)) * len(p.IDC.Segments) * 4; len(m.Cells) != want {
		t.Errorf("%d cells, want %d", len(m.Cells), want)
	}
	for _, c := range m.Cells {
		if c.Scenario == sim.ScenarioNormal && c.VPC != "data-private" && (!c.Symmetric || c.Forward.Kind != sim.KindDirectConnection) {
			t.Errorf("normal: %+v", c)
		}
	}
}

// BenchmarkMatrix1000 is the whole scenario matrix for a plan with 1,000
// advertised prefixes (goal: under 20 ms native). scripts/bench.d/20-sim.sh
// runs it natively and as WebAssembly under Node.
func BenchmarkMatrix1000(b *testing.B) {
	p := largePlan(b, 1000)
	// Untimed runs first: as WebAssembly the first calls also pay for
	// compiling and tiering up the code they reach (seconds on a loaded
	// machine), which would end a time-based run after one iteration.
	if err := warmup.Run(func() error { _, err := sim.Matrix(p); return err }); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sim.Matrix(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatrixIndexed1000 is BenchmarkMatrix1000's matrix as the page
// gets it (MatrixIndexed: each verdict once, cells as integers), without
// the 30,636 Cell structs the server and the CLI encode.
func BenchmarkMatrixIndexed1000(b *testing.B) {
	p := largePlan(b, 1000)
	if err := warmup.Run(func() error { _, err := sim.MatrixIndexed(p); return err }); err != nil { // as above
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sim.MatrixIndexed(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRun1000 is one scenario's route tables with reasons.
func BenchmarkRun1000(b *testing.B) {
	p := largePlan(b, 1000)
	s := sim.Scenarios(p)[0]
	if err := warmup.Run(func() error { _, err := sim.Run(p, s); return err }); err != nil { // as above
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sim.Run(p, s); err != nil {
			b.Fatal(err)
		}
	}
}
