package strategy_test

import (
	"testing"

	"github.com/hybridplan/hybridplan/internal/splitplan"
	"github.com/hybridplan/hybridplan/internal/warmup"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

// splitPlan is the plan sim's BenchmarkMatrix1000 computes the strategy
// of (internal/splitplan): about `advertised` prefixes under a prefix split.
func splitPlan(tb testing.TB, advertised int) *plan.Plan {
	p, err := splitplan.Build(advertised)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// BenchmarkCompute1000 is the strategy for about 1,000 advertised
// prefixes: part of every simulation (sim builds its model on it).
func BenchmarkCompute1000(b *testing.B) {
	p := splitPlan(b, 1000)
	if r := strategy.Compute(p); len(r.Findings) != 0 {
		b.Fatalf("findings: %v", r.Findings)
	}
	if err := warmup.Run(func() error { strategy.Compute(p); return nil }); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		strategy.Compute(p)
	}
}
