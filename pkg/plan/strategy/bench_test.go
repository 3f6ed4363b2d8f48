package strategy_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/internal/warmup"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

// splitPlan is the aspath example's topology with IDC segments enough for
// about `advertised` prefixes under a prefix split (every other /24 of
// 10.64.0.0/10, as two /25s over Direct Connection and whole over the
// VPN): the plan sim's BenchmarkMatrix1000 computes the strategy of.
func splitPlan(tb testing.TB, advertised int) *plan.Plan {
	ex, ok := examples.Get("aspath-two-vpcs-redundant-dc")
	if !ok {
		tb.Fatal("no aspath-two-vpcs-redundant-dc example")
	}
	p, err := plan.DecodeBytes([]byte(ex.JSON))
	if err != nil {
		tb.Fatalf("decoding the example: %v", err)
	}
	p.Strategy = plan.Strategy{
		Mode:            plan.StrategyPrefixSplit,
		PrefixSplit:     &plan.PrefixSplit{ExtraBits: new(1)},
		LocalPreference: &plan.LocalPreference{DirectConnection: 200, VPN: 100},
	}
	p.IDC.Segments = nil
	for i := range advertised / 3 {
		p.IDC.Segments = append(p.IDC.Segments, plan.Segment{
			Name: fmt.Sprintf("seg-%d", i),
			CIDR: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(64 + i/128), byte(2 * (i % 128)), 0}), 24),
		})
	}
	prof := plan.DefaultProfile()
	prof.Quotas.DynamicRoutesPerBorderGateway = 10000
	p.Profile = &prof
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
