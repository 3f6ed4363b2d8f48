package validate

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/internal/warmup"
	"github.com/hybridplan/hybridplan/pkg/cidr"
	"github.com/hybridplan/hybridplan/pkg/plan"
)

// benchSizes are the plan sizes, in address blocks, that make bench reports.
var benchSizes = []int{1_000, 10_000, 100_000}

// generatedPlan builds a clean plan with about n address blocks: half IDC
// segments (a tenth of them IPv6), half VPC subnets spread over 50 VPC
// attachments, each VPC with as many /16 CIDRs as its subnets need.
func generatedPlan(tb testing.TB, n int) *plan.Plan {
	tb.Helper()
	p := seed(tb)
	pr := plan.DefaultProfile()
	// Quotas are not what is measured; keep the plan clean.
	pr.Quotas.DynamicRoutesPerBorderGateway = n
	p.Profile = &pr
	idc := n / 2
	p.IDC.Segments = make([]plan.Segment, 0, idc)
	for i := range idc {
		var c netip.Prefix
		if i%10 == 9 {
			c = netip.PrefixFrom(netip.AddrFrom16([16]byte{0xfd, 0x00, 0x0d, 0xb8, byte(i >> 16), byte(i >> 8), byte(i)}), 56)
		} else {
			c = netip.PrefixFrom(netip.AddrFrom4([4]byte{172, byte(16 + i>>16), byte(i >> 8), byte(i)}), 32)
			// /24s fill 10.0.0.0–10.253.255.0, stopping short of the
			// seed's interconnect 10.254.0.0/30 (a segment over it would
			// be a finding, not a clean plan); the rest are /32s.
			if i < 254<<8 {
				c = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 8), byte(i), 0}), 24)
			}
		}
		p.IDC.Segments = append(p.IDC.Segments, plan.Segment{Name: fmt.Sprintf("idc-%d", i), CIDR: c})
	}
	const attachments = 50
	subnets := n - idc
	p.BorderGateway.Attachments = make([]plan.Attachment, attachments)
	for a := range attachments {
		p.BorderGateway.Attachments[a] = plan.Attachment{Name: fmt.Sprintf("attach-%d", a), VPCName: fmt.Sprintf("vpc-%d", a)}
	}
	// Subnets are /24s in VPC /16s counted up from 11.0.0.0, clear of the
	// IDC's 10.0.0.0/8 (the checks do not require private VPC space).
	for s := range subnets {
		a := &p.BorderGateway.Attachments[s%attachments]
		k := s / attachments // the subnet's number within its VPC
		vpcBlock := s%attachments + attachments*(k/256)
		if k%256 == 0 {
			a.CIDRs = append(a.CIDRs, netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(11 + vpcBlock>>8), byte(vpcBlock), 0, 0}), 16))
		}
		a.Subnets = append(a.Subnets, plan.Subnet{Name: fmt.Sprintf("sn-%d", k),
			CIDR: netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(11 + vpcBlock>>8), byte(vpcBlock), byte(k % 256), 0}), 24)})
	}
	return p
}

func blockCount(p *plan.Plan) int { return len(entriesOf(p)) }

// 150,000 blocks reach the generator's /32 segments and subnets beyond
// 11.255.255.0, where a larger plan once overlapped the seed's interconnect
// and expectedPairs missed subnets.
func TestGeneratedPlansAreClean(t *testing.T) {
	for _, n := range []int{1_000, 10_000, 150_000} {
		p := generatedPlan(t, n)
		fs := Check(p)
		if n > plan.MaxVPCBlocks {
			// Beyond the planner's hard limits the limit findings are
			// expected; the blocks themselves must still be clean.
			fs = slices.DeleteFunc(fs, func(f plan.Finding) bool { return strings.HasPrefix(f.Code, "limit.") })
		}
		if len(fs) != 0 {
			t.Fatalf("generated plan of %d blocks has %d findings, first %v", n, len(fs), fs[0])
		}
		if got := blockCount(p); got < n || got > n+n/10 {
			t.Fatalf("generated plan of %d has %d blocks", n, got)
		}
		if e := entriesOf(p); expectedPairs(e) != cidr.CountOverlaps(e) {
			t.Fatalf("generated plan of %d: expectedPairs %d, the sweep finds %d", n, expectedPairs(e), cidr.CountOverlaps(e))
		}
	}
}

// The cidr.Index bulk check must agree with the sweep, or comparing their
// speed means nothing.
func TestIndexBulkAgrees(t *testing.T) {
	p := generatedPlan(t, 2_000)
	// Add overlaps of every kind.
	p.IDC.Segments = append(p.IDC.Segments, plan.Segment{Name: "x", CIDR: p.BorderGateway.Attachments[3].CIDRs[0]},
		plan.Segment{Name: "y", CIDR: netip.MustParsePrefix("10.0.0.0/8")})
	entries := entriesOf(p)
	if got, want := indexPairs(entries), cidr.CountOverlaps(entries); got != want {
		t.Fatalf("cidr.Index finds %d pairs, the sweep %d", got, want)
	}
}

// entriesOf is every block of the plan, in position order.
func entriesOf(p *plan.Plan) []cidr.Entry {
	var out []cidr.Entry
	newBlockSet(p).each(func(_ int, b block) { out = append(out, cidr.Entry{Prefix: b.prefix, Ref: len(out)}) })
	return out
}

// indexPairs is the bulk overlap check done with cidr.Index alone: insert
// every block, then ask for each block which stored blocks overlap it. It
// counts each overlapping pair once.
func indexPairs(entries []cidr.Entry) int {
	ix := cidr.NewIndex()
	for _, e := range entries {
		_ = ix.Insert(e.Prefix, e.Ref)
	}
	n := 0
	for _, e := range entries {
		n += len(ix.Overlapping(e.Prefix)) - 1 // itself
	}
	return n / 2
}

// expectedPairs is the number of overlapping pairs in a generated plan:
// one per subnet, with its VPC CIDR. Subnets are the IPv4 /24s outside the
// IDC's 10.0.0.0/8 (from 11.0.0.0 up: large plans go past 11.255.255.0).
func expectedPairs(entries []cidr.Entry) int {
	n := 0
	for _, e := range entries {
		if a := e.Prefix.Addr(); e.Prefix.Bits() == 24 && a.Is4() && a.As4()[0] != 10 {
			n++
		}
	}
	return n
}

// BenchmarkValidate runs the whole Check on generated clean plans.
func BenchmarkValidate(b *testing.B) {
	for _, n := range benchSizes {
		p := generatedPlan(b, n)
		blocks := blockCount(p)
		// Untimed calls first, as sim's benchmarks do: as WebAssembly the
		// first calls also pay for compiling and tiering up the code they
		// reach, a one-off cost per page load that is not Check's speed
		// (it ended the 1,000-block run after one slow iteration).
		if err := warmup.Run(func() error {
			if fs := Check(p); len(fs) != 0 {
				return fmt.Errorf("findings: %v", fs[0])
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("prefixes=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if fs := Check(p); len(fs) != 0 {
					b.Fatalf("findings: %v", fs[0])
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(blocks), "ns/prefix")
		})
	}
}

// BenchmarkSweep is the sort-and-sweep overlap check alone, the part of
// Check that BenchmarkIndex does with cidr.Index.
func BenchmarkSweep(b *testing.B) {
	for _, n := range benchSizes {
		entries := entriesOf(generatedPlan(b, n))
		// Each subnet lies in its VPC's CIDR: expected pairs, no findings.
		want := expectedPairs(entries)
		b.Run(fmt.Sprintf("prefixes=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if got := cidr.CountOverlaps(entries); got != want {
					b.Fatalf("%d pairs, want %d", got, want)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(entries)), "ns/prefix")
		})
	}
}

// BenchmarkIndex is the same bulk overlap check with cidr.Index: insert
// every block, then query every block.
func BenchmarkIndex(b *testing.B) {
	for _, n := range benchSizes {
		entries := entriesOf(generatedPlan(b, n))
		want := expectedPairs(entries)
		b.Run(fmt.Sprintf("prefixes=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if got := indexPairs(entries); got != want {
					b.Fatalf("%d pairs, want %d", got, want)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(entries)), "ns/prefix")
		})
	}
}
