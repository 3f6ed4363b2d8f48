package validate

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"net/netip"
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
