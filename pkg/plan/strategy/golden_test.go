package strategy_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

// goldenStrategyHash pins strategy.Compute's whole result (advertisements,
// origins, notes, assumptions, findings with their paths and messages) over
// the examples and randomly mutated plans, taken before the strategy was
// made cheaper under WebAssembly (findings' paths built only when a finding
// is made, coverage walked without aggregating): a speed-up must say
// exactly the same. Regenerate only for a deliberate change of output, and
// read the diff of a few results when you do.
const goldenStrategyHash = "b90eea06deed3b2d20d4ff3e82ecd6f4ce296b208a18965113b5bd01e672d3d5"

func TestStrategyGoldenHash(t *testing.T) {
	h := sha256.New()
	for _, p := range goldenPlans(t) {
		b, err := json.Marshal(strategy.Compute(p))
		if err != nil {
			t.Fatal(err)
		}
		h.Write(b)
		h.Write([]byte{'\n'})
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != goldenStrategyHash {
		t.Errorf("strategy results changed: hash %s, want %s", got, goldenStrategyHash)
	}
}

// goldenPlans are the examples and 300 mutations of them: segments that
// nest, repeat, touch or are IPv6; prefix splits of 0–3 bits with Direct
// Connection and VPN overrides inside, across and outside segments, unknown
// segment names and explicit VPN aggregates; AS_PATH with prepends; and
// plans without one of the paths.
func goldenPlans(t testing.TB) []*plan.Plan {
	var base []*plan.Plan
	for _, name := range []string{"seed-dc-primary-vpn-backup", "aspath-two-vpcs-redundant-dc", "dualstack-aggregate-over-vpn"} {
		ex, ok := examples.Get(name)
		if !ok {
			t.Fatalf("no example %s", name)
		}
		p, err := plan.DecodeBytes([]byte(ex.JSON))
		if err != nil {
			t.Fatal(err)
		}
		base = append(base, p)
	}
	out := append([]*plan.Plan{}, base...)
	out = append(out, splitPlan(t, 1000))
	rng := rand.New(rand.NewPCG(14, 2026))
	prefix4 := func() netip.Prefix {
		bits := 16 + rng.IntN(14)
		a := netip.AddrFrom4([4]byte{10, byte(rng.IntN(4)), byte(rng.IntN(256)), byte(rng.IntN(256))})
		return netip.PrefixFrom(a, bits).Masked()
	}
	prefix6 := func() netip.Prefix {
		var b [16]byte
		b[0], b[1], b[2], b[3], b[4] = 0xfd, 0x00, byte(rng.IntN(2)), byte(rng.IntN(4)), byte(rng.IntN(256))
		return netip.PrefixFrom(netip.AddrFrom16(b), 40+rng.IntN(24)).Masked()
	}
	for i := range 300 {
		src := base[i%len(base)]
		b, err := json.Marshal(src)
		if err != nil {
			t.Fatal(err)
		}
		p, err := plan.DecodeBytes(b)
		if err != nil {
			t.Fatal(err)
		}
		p.IDC.Segments = nil
		n := rng.IntN(41) // none too: a plan may have aggregates and no segments
		for j := range n {
			var q netip.Prefix
			switch r := rng.IntN(10); {
			case r < 6:
				q = prefix4()
			case r < 8:
				q = prefix6()
			case j > 0: // a copy or a half of an earlier segment
				q = p.IDC.Segments[rng.IntN(j)].CIDR
				if rng.IntN(2) == 0 && q.Bits() < q.Addr().BitLen() {
					q = netip.PrefixFrom(q.Addr(), q.Bits()+1)
				}
			default:
				q = prefix4()
			}
			name := fmt.Sprintf("s%d", j)
			if rng.IntN(15) == 0 && j > 0 {
				name = fmt.Sprintf("s%d", rng.IntN(j)) // a repeated name
			}
			p.IDC.Segments = append(p.IDC.Segments, plan.Segment{Name: name, CIDR: q})
		}
		if rng.IntN(4) == 0 {
			p.Strategy = plan.Strategy{Mode: plan.StrategyASPath, ASPath: &plan.ASPath{Prepend: new(rng.IntN(5))}}
		} else {
			ps := &plan.PrefixSplit{ExtraBits: new(rng.IntN(4))}
			for range rng.IntN(4) {
				o := plan.SplitOverride{Segment: fmt.Sprintf("s%d", rng.IntN(n+2))}
				for range rng.IntN(3) {
					o.DirectConnection = append(o.DirectConnection, prefix4())
				}
				if rng.IntN(2) == 0 && len(p.IDC.Segments) > 0 {
					s := p.IDC.Segments[rng.IntN(len(p.IDC.Segments))].CIDR
					if s.Bits() < s.Addr().BitLen() {
						o.DirectConnection = append(o.DirectConnection, netip.PrefixFrom(s.Addr(), s.Bits()+1))
					}
				}
				for range rng.IntN(2) {
					o.VPN = append(o.VPN, prefix4())
				}
				ps.Overrides = append(ps.Overrides, o)
			}
			if rng.IntN(3) == 0 {
				for range 1 + rng.IntN(3) {
					q := prefix4()
					ps.VPNAggregates = append(ps.VPNAggregates, netip.PrefixFrom(q.Addr(), max(8, q.Bits()-4)).Masked())
				}
			}
			p.Strategy = plan.Strategy{Mode: plan.StrategyPrefixSplit, PrefixSplit: ps}
		}
		switch rng.IntN(10) {
		case 0:
			p.VPN = nil
		case 1:
			p.DirectConnection = nil
		}
		out = append(out, p)
	}
	// No segments, with VPN aggregates and with overrides for segments
	// that do not exist: nothing goes over Direct Connection.
	for _, ps := range []*plan.PrefixSplit{
		{VPNAggregates: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}},
		{Overrides: []plan.SplitOverride{{Segment: "none", DirectConnection: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/24")}}}},
	} {
		p := splitPlan(t, 3)
		p.IDC.Segments = nil
		p.Strategy.PrefixSplit = ps
		out = append(out, p)
	}
	return out
}
