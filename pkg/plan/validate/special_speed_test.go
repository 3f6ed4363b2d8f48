package validate

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/pkg/cidr"
	"github.com/hybridplan/hybridplan/pkg/plan"
)

// touchesSpecialV4 is checkSpecial's shortcut: it must say false exactly
// when no special range contains or overlaps the block, as the netip
// test in the loop decides, for blocks near every range edge and random
// ones, host bits set or not.
func TestTouchesSpecialV4AgreesWithNetip(t *testing.T) {
	slow := func(q netip.Prefix) bool {
		for _, r := range specialRanges {
			if cidr.Covers(r.prefix, q) || q.Overlaps(r.prefix) {
				return true
			}
		}
		return false
	}
	var qs []netip.Prefix
	for _, r := range specialRanges {
		if !r.prefix.Addr().Is4() {
			continue
		}
		first, last := v4Span(r.prefix)
		for _, v := range []uint32{first - 1, first, first + 1, last - 1, last, last + 1} {
			for bits := 0; bits <= 32; bits++ {
				qs = append(qs, netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), bits))
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		v := rng.Uint32()
		qs = append(qs, netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), rng.IntN(33)))
	}
	for _, q := range qs {
		if got, want := touchesSpecialV4(q), slow(q); got != want {
			t.Fatalf("%s: touchesSpecialV4 %v, netip %v", q, got, want)
		}
	}
}

// checkNames finds duplicates with its own hash table: every duplicate
// must point at the first item of its name, as a map from name to first
// index says, for names that share prefixes, differ only in spaces, and
// fill the table to its probing limit.
func TestDuplicateNamesAgreeWithMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 7, 8, 9, 300, 5000} {
		p := generatedPlan(t, 2*n)
		segs := p.IDC.Segments
		for i := range segs {
			switch rng.IntN(6) {
			case 0:
				segs[i].Name = segs[rng.IntN(i+1)].Name
			case 1:
				segs[i].Name = " " + segs[rng.IntN(i+1)].Name
			case 2:
				segs[i].Name = "a"
			}
		}
		// Listed up to the cap per code, in item order.
		want := map[string]string{}
		first := map[string]int{}
		for i, s := range segs {
			if _, dup := first[s.Name]; dup && strings.TrimSpace(s.Name) != "" && len(want) < plan.MaxFindingsPerCode {
				want[fmt.Sprintf("$.idc.segments[%d].name", i)] = fmt.Sprintf("$.idc.segments[%d].name", first[s.Name])
			} else if !dup {
				first[s.Name] = i
			}
		}
		if n >= 300 && len(want) == 0 {
			t.Fatalf("%d segments: the test made no duplicates", len(segs))
		}
		got := map[string]string{}
		for _, f := range Check(p) {
			if f.Code == CodeNameDuplicate && strings.HasPrefix(f.Path, "$.idc.") {
				got[f.Path] = strings.Join(f.Related, ",")
			}
		}
		if !maps.Equal(got, want) {
			t.Errorf("%d segments: %d duplicates found, want %d", len(segs), len(got), len(want))
		}
	}
}

// blank is checkNames' shortcut for strings.TrimSpace(s) == "": it must
// agree for every first byte, Unicode spaces, invalid UTF-8 and names
// that only end in spaces.
func TestBlankAgreesWithTrimSpace(t *testing.T) {
	ss := []string{"", " ", "\t\n\v\f\r ", "\u0085", "\u00a0", "\u3000x", "x\u3000", " \u2000 ", "\xff", "\xc2", "a", " a", "a "}
	for b := range 256 {
		ss = append(ss, string([]byte{byte(b)}), string([]byte{byte(b), 'x'}), string([]byte{byte(b), ' '}))
	}
	for _, s := range ss {
		if got, want := blank(s), strings.TrimSpace(s) == ""; got != want {
			t.Errorf("blank(%q) = %v, want %v", s, got, want)
		}
	}
}

// nameTable answers the same whether it hashes with quickHash, with
// maphash from the start, or turns to maphash part-way through a list
// when its probe bound is reached: each name's first item, as a map says.
func TestNameTableModesAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{1, 5, 9, 100, 3000} {
		names := make([]string, n)
		for i := range names {
			switch rng.IntN(4) {
			case 0:
				names[i] = names[rng.IntN(i+1)]
			case 1:
				names[i] = fmt.Sprintf("n%d", rng.IntN(n))
			default:
				names[i] = fmt.Sprintf("name-%d-%d", i, rng.Int())
			}
		}
		first := map[string]int{}
		want := make([]int, n)
		for i, s := range names {
			if j, ok := first[s]; ok {
				want[i] = j
			} else {
				first[s], want[i] = i, -1
			}
		}
		for _, mode := range []struct {
			name      string
			strong    bool
			maxProbes int
		}{{"quick", false, probeBound(n)}, {"maphash", true, probeBound(n)}, {"turns to maphash", false, n / 50}} {
			var tb nameTable
			tb.strongAlways = mode.strong
			for round := range 2 { // the second round reuses the cleared table
				tb.reset(n, mode.maxProbes)
				for i, s := range names {
					if got := tb.add(s, i, func(k int) string { return names[k] }); got != want[i] {
						t.Fatalf("%d names, %s, round %d: item %d (%q) found %d, want %d", n, mode.name, round, i, s, got, want[i])
					}
				}
				if mode.maxProbes < probeBound(n) && n >= 100 && !tb.strong {
					t.Errorf("%d names, %s: the table never turned to maphash", n, mode.name)
				}
			}
		}
	}
}

// addPlain takes a block only when checkBlock would report nothing about
// it (canonical, not special, not mapped), and what it adds to the sweep
// overlaps other blocks exactly as cidr.Blocks.Add's entry does: for
// blocks at every special range's edges, IPv4-mapped and non-canonical
// ones, and random blocks of both families.
func TestAddPlainAgreesWithCheckBlock(t *testing.T) {
	var qs []netip.Prefix
	for _, r := range specialRanges {
		b := r.prefix.Masked().Addr()
		for _, a := range []netip.Addr{b, b.Prev(), b.Next(), cidr.Last(r.prefix), cidr.Last(r.prefix).Next(), cidr.Last(r.prefix).Prev()} {
			if !a.IsValid() {
				continue
			}
			for bits := 0; bits <= a.BitLen(); bits++ {
				qs = append(qs, netip.PrefixFrom(a, bits))
			}
		}
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for range 100_000 {
		var q netip.Prefix
		switch rng.IntN(3) {
		case 0:
			v := rng.Uint32()
			q = netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), rng.IntN(33))
		case 1:
			var b [16]byte
			for k := range b {
				b[k] = byte(rng.Uint32())
			}
			if rng.IntN(4) == 0 {
				b = [16]byte{10: 0xff, 11: 0xff, 12: b[12], 13: b[13]} // IPv4-mapped
			}
			q = netip.PrefixFrom(netip.AddrFrom16(b), rng.IntN(129))
		default:
			q = netip.PrefixFrom(netip.AddrFrom16([16]byte{0xfd, byte(rng.IntN(3))}), rng.IntN(129)) // near fd00::
		}
		if rng.IntN(2) == 0 {
			q = q.Masked()
		}
		qs = append(qs, q)
	}
	p := seed(t)
	plain := 0
	for n, q := range qs {
		s := &blockSet{p: p}
		fam, first, last := s.addPlain(q, 0)
		if fam == notPlain {
			continue
		}
		plain++
		var col plan.Collector
		c := &checker{p: p, prof: p.EffectiveProfile(), col: &col, blocks: &blockSet{p: p}}
		for _, k := range []BlockKind{KindIDC, KindVPC, KindSubnet} {
			c.checkBlock(block{prefix: q, kind: k}, 0)
		}
		if fs := col.Findings(); len(fs) != 0 {
			t.Fatalf("%s taken as plain, but checkBlock reports %v", q, fs[0])
		}
		if fam == plain4 {
			if f, l := v4Span(q); f != first || l != last {
				t.Fatalf("%s: span %d–%d, want %d–%d", q, first, last, f, l)
			}
		}
		// Against a neighbour, the pairs match those of Add's entry.
		r := qs[rng.IntN(len(qs))]
		if n > 0 && rng.IntN(2) == 0 {
			r = qs[n-1]
		}
		s.sweep.Add(r, 1)
		var want cidr.Blocks
		want.Add(q, 0)
		want.Add(r, 1)
		if got, w := slices.Collect(s.sweep.Overlaps()), slices.Collect(want.Overlaps()); !slices.Equal(got, w) {
			t.Fatalf("%s beside %s: pairs %v, Add's entry makes %v", q, r, got, w)
		}
	}
	if plain < 10_000 {
		t.Fatalf("only %d of %d blocks were plain: the test exercises little", plain, len(qs))
	}
}
