package export

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/hybridplan/hybridplan/pkg/plan"
)

// benchPlan is the seed plan with n /24 IDC segments in 172.16.0.0/12, so
// the prefix split announces 3n prefixes (two /25s each over Direct
// Connection, the /24 over the VPN). The dynamic-route quota is raised so
// the plan stays clean.
func benchPlan(b *testing.B, n int) *plan.Plan {
	b.Helper()
	p := seedPlanB(b)
	p.IDC.Segments = p.IDC.Segments[:0]
	base := netip.MustParseAddr("172.16.0.0").As4()
	for i := range n {
		a := base
		a[1] += byte(i >> 8)
		a[2] = byte(i)
		p.IDC.Segments = append(p.IDC.Segments, plan.Segment{Name: fmt.Sprintf("seg-%d", i), CIDR: netip.PrefixFrom(netip.AddrFrom4(a), 24)})
	}
	prof := p.EffectiveProfile()
	prof.Quotas.DynamicRoutesPerBorderGateway = 1 << 20
	p.Profile = &prof
	return p
}

func seedPlanB(b *testing.B) *plan.Plan {
	b.Helper()
	p, err := plan.DecodeBytes(seedJSON(b))
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkRender measures a whole export (validation, strategy, design and
// rendering) per vendor; ns/prefix is per announced prefix.
func BenchmarkRender(b *testing.B) {
	for _, prefixes := range []int{1000, 10000} {
		p := benchPlan(b, prefixes/3)
		for _, f := range []string{FormatFRR, FormatIOSXE, FormatJunos, FormatVRP} {
			b.Run(fmt.Sprintf("format=%s/prefixes=%d", f, prefixes), func(b *testing.B) {
				var size int
				for b.Loop() {
					out, err := Render(p, f, Options{})
					if err != nil {
						b.Fatal(err)
					}
					size = len(out)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(prefixes/3*3), "ns/prefix")
				b.ReportMetric(float64(size), "bytes")
			})
		}
	}
}
