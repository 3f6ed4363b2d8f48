package validate

import (
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/hybridplan/hybridplan/pkg/cidr"
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
