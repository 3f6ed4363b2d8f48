package validate

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/hybridplan/hybridplan/pkg/plan"
)

// messyPlan is a generated plan of about n blocks with every kind of block
// problem mixed in at random (seeded, so the plan is the same every run):
// missing, non-canonical, duplicate and nested blocks of every kind,
// IPv4-mapped, special and documentation blocks, subnets outside their
// VPC, IPv6 everywhere an IPv6 block may go, blank and repeated names.
// It exercises every path of the block checks, including the listing
// limits, so that a faster implementation can be held to the findings of
// the one before it.
func messyPlan(tb testing.TB, n int, rngSeed uint64) *plan.Plan {
	tb.Helper()
	p := generatedPlan(tb, n)
	rng := rand.New(rand.NewPCG(rngSeed, 99))
	odd := []netip.Prefix{
		{}, // missing
		mp("10.0.0.1/16"), mp("10.1.2.3/24"), mp("11.0.1.0/16"), mp("10.0.0.0/8"), mp("0.0.0.0/0"),
		mp("127.0.0.0/8"), mp("127.1.0.0/16"), mp("169.254.1.0/24"), mp("224.0.0.0/3"), mp("240.0.0.0/4"),
		mp("255.255.255.255/32"), mp("0.0.0.0/8"), mp("192.0.2.0/24"), mp("192.0.2.128/25"), mp("198.18.0.0/16"),
		mp("203.0.113.7/32"), mp("::ffff:10.0.0.0/104"), mp("::ffff:10.0.0.0/120"), mp("::/128"), mp("::1/128"),
		mp("fe80::/64"), mp("ff02::/16"), mp("2001:db8::/48"), mp("3fff::/24"), mp("fd00:db8::/56"), mp("fd00::/8"),
		mp("fd00::1/64"), mp("10.254.0.0/30"), mp("10.254.0.0/16"), mp("169.254.0.0/30"), mp("172.16.0.0/12"),
		mp("11.0.0.0/8"), mp("11.0.0.0/16"), mp("11.0.3.0/24"), mp("11.0.3.0/25"),
	}
	pick := func(cur netip.Prefix) netip.Prefix {
		switch rng.IntN(4) {
		case 0:
			return odd[rng.IntN(len(odd))]
		case 1: // a copy of another block: duplicates across kinds
			all := entriesOf(p)
			return all[rng.IntN(len(all))].Prefix
		case 2: // host bits or a shorter length
			if cur.IsValid() {
				return netip.PrefixFrom(cur.Addr().Next(), max(cur.Bits()-rng.IntN(9), 0))
			}
		}
		if cur.IsValid() {
			b, _ := cur.Addr().Prefix(max(cur.Bits()-1-rng.IntN(12), 0))
			return b // a supernet: containment
		}
		return cur
	}
	rate := max(n/60, 1)
	segs := p.IDC.Segments
	for range rate {
		i := rng.IntN(len(segs))
		segs[i].CIDR = pick(segs[i].CIDR)
		switch rng.IntN(5) {
		case 0:
			segs[i].Name = ""
		case 1:
			segs[i].Name = segs[rng.IntN(len(segs))].Name
		}
	}
	for range rate {
		a := &p.BorderGateway.Attachments[rng.IntN(len(p.BorderGateway.Attachments))]
		if rng.IntN(3) == 0 && len(a.CIDRs) > 0 {
			k := rng.IntN(len(a.CIDRs))
			a.CIDRs[k] = pick(a.CIDRs[k])
			continue
		}
		if len(a.Subnets) > 0 {
			k := rng.IntN(len(a.Subnets))
			a.Subnets[k].CIDR = pick(a.Subnets[k].CIDR)
			if rng.IntN(4) == 0 {
				a.Subnets[k].Name = a.Subnets[rng.IntN(len(a.Subnets))].Name
			}
		}
	}
	// An IPv6 VPC with IPv6 subnets, inside and outside it.
	a := &p.BorderGateway.Attachments[1]
	a.CIDRs = append(a.CIDRs, mp("fd10::/48"), mp("fd10:0:1::/48"), mp("fd10::/56"))
	a.Subnets = append(a.Subnets, plan.Subnet{Name: "v6-in", CIDR: mp("fd10::/64")},
		plan.Subnet{Name: "v6-in2", CIDR: mp("fd10:0:1:5::/64")}, plan.Subnet{Name: "v6-out", CIDR: mp("fd11::/64")},
		plan.Subnet{Name: "v6-wide", CIDR: mp("fd10::/40")}, plan.Subnet{Name: "v4-in-v6", CIDR: mp("::ffff:11.0.1.0/120")})
	if dc := p.DirectConnection; dc != nil {
		for i := range dc.Interfaces {
			f := &dc.Interfaces[i]
			f.InterconnectIPv6 = []netip.Prefix{mp("fd00:1::/126"), mp("fd00:1::/127"), mp("10.0.0.0/30"), mp("fe80::/126"), {}}[rng.IntN(5)]
			if rng.IntN(2) == 0 {
				f.Interconnect = pick(f.Interconnect)
			}
		}
	}
	if v := p.VPN; v != nil {
		for i := range v.Tunnels {
			t := &v.Tunnels[i]
			t.InsideCIDRIPv6 = []netip.Prefix{mp("fd00:2::/126"), mp("fd00:1::/126"), mp("::ffff:169.254.0.0/126"), {}}[rng.IntN(4)]
			if rng.IntN(2) == 0 {
				t.InsideCIDR = pick(t.InsideCIDR)
			}
		}
	}
	return p
}

// findingsHash is the SHA-256 of the findings as JSON: every field, in
// order.
func findingsHash(tb testing.TB, fs []plan.Finding) string {
	tb.Helper()
	data, err := json.Marshal(fs)
	if err != nil {
		tb.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

// The block checks' findings on messy generated plans are held to hashes
// taken from the implementation before the pointer-free block set (issue
// 14): a faster Check must say exactly the same, byte for byte, in the
// same order. A deliberate change of the findings updates the hashes
// (go test -run TestMessyPlanFindings -v prints them).
func TestMessyPlanFindings(t *testing.T) {
	want := map[string]string{
		"n=40/seed=1":    "2bf98a84f19649c5",
		"n=40/seed=2":    "438fc77b2889be1c",
		"n=300/seed=3":   "c7f120ec768d9fe8",
		"n=300/seed=4":   "31c4005d70714aee",
		"n=3000/seed=5":  "6843a5d644c9d699",
		"n=3000/seed=6":  "b249d77f6bdaf52c",
		"n=30000/seed=7": "85e0e2cb3a7fcc65",
	}
	for _, c := range []struct {
		n    int
		seed uint64
	}{{40, 1}, {40, 2}, {300, 3}, {300, 4}, {3000, 5}, {3000, 6}, {30000, 7}} {
		name := fmt.Sprintf("n=%d/seed=%d", c.n, c.seed)
		p := messyPlan(t, c.n, c.seed)
		fs := Check(p)
		got := findingsHash(t, fs)
		t.Logf("%s: %d findings, hash %s", name, len(fs), got)
		if w := want[name]; w != got {
			t.Errorf("%s: findings hash %s, want %s", name, got, w)
		}
	}
}

// The positions lead back to the plan's fields, and checkOverlaps' quick
// test for a subnet and its own VPC's CIDR says what overlapSeverity's
// rule says, for every pair of positions of a messy plan (empty
// attachments and IPv6 fields included).
func TestPositionsAndOwnVPC(t *testing.T) {
	p := messyPlan(t, 300, 11)
	p.BorderGateway.Attachments = append(p.BorderGateway.Attachments[:3],
		append([]plan.Attachment{{Name: "empty"}, {Name: "cidrs-only", CIDRs: []netip.Prefix{mp("11.9.0.0/16")}}}, p.BorderGateway.Attachments[3:]...)...)
	s := newBlockSet(p)
	var all []block
	for pos := range s.end() {
		all = append(all, s.at(pos))
	}
	if len(all) != len(entriesOf(p))+countMissing(all) {
		t.Fatalf("%d positions, %d blocks and %d missing", len(all), len(entriesOf(p)), countMissing(all))
	}
	for a := range all {
		r := s.rangeAt(a)
		for b := range all {
			x, y := all[a], all[b]
			want := (x.kind == KindVPC && y.kind == KindSubnet || x.kind == KindSubnet && y.kind == KindVPC) && x.i == y.i
			if got := r.ownVPC(a, b); got != want {
				t.Fatalf("positions %d (%s) and %d (%s): ownVPC %v, want %v", a, x.path(), b, y.path(), got, want)
			}
		}
	}
}

func countMissing(bs []block) int {
	n := 0
	for _, b := range bs {
		if !b.prefix.IsValid() {
			n++
		}
	}
	return n
}
