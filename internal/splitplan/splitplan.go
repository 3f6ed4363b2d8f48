// Package splitplan builds the large prefix-split plan the simulation and
// strategy benchmarks and tests share (test-only machinery): the aspath
// example's topology (two private virtual interfaces, four tunnels, two
// VPCs) with IDC segments enough for about a given number of advertised
// prefixes.
package splitplan

import (
	"fmt"
	"net/netip"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
)

// Build returns a plan that advertises about `advertised` prefixes under a
// prefix split: each of advertised/3 non-adjacent /24s (every other /24 of
// 10.64.0.0/10, so that segments do not aggregate) goes out as two /25s
// over Direct Connection and whole over the VPN. Its dynamic-route quota is
// raised to 10,000 so the plan has no findings.
func Build(advertised int) (*plan.Plan, error) {
	p, err := examples.Plan("aspath-two-vpcs-redundant-dc")
	if err != nil {
		return nil, err
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
	return p, nil
}
