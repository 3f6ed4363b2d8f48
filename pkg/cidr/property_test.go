package cidr

import (
	"math/rand/v2"
	"net/netip"
	"testing"
)

// addrSet lists the addresses of prefixes inside 10.0.0.0/24 as a bitmap of
// the last octet, so unions can be compared exactly.
func addrSet(ps []netip.Prefix) [256]bool {
	var set [256]bool
	for _, p := range ps {
		p = p.Masked()
		first := int(p.Addr().As4()[3])
		for i := range 1 << (32 - p.Bits()) {
			set[first+i] = true
		}
	}
	return set
}

func randomSmallPrefixes(r *rand.Rand, n int) []netip.Prefix {
	out := make([]netip.Prefix, n)
	for i := range out {
		out[i] = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, 0, byte(r.IntN(256))}), 24+r.IntN(9)).Masked()
	}
	return out
}

// Aggregate covers exactly the union, with disjoint prefixes no two of
// which could merge into their parent, and nothing smaller exists: the
// greedy cover of each maximal run is minimal.
func TestAggregateProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for round := range 500 {
		in := randomSmallPrefixes(r, r.IntN(12))
		out := Aggregate(in)
		if addrSet(in) != addrSet(out) {
			t.Fatalf("round %d: Aggregate(%v) = %v covers other addresses", round, in, out)
		}
		for i := range out {
			if c, ok := Canonical(out[i]); !ok || c != out[i] {
				t.Fatalf("round %d: %s is not canonical", round, out[i])
			}
			for j := i + 1; j < len(out); j++ {
				a, b := out[i], out[j]
				if a.Overlaps(b) {
					t.Fatalf("round %d: %v and %v overlap in %v", round, a, b, out)
				}
				if a.Addr().Compare(b.Addr()) >= 0 {
					t.Fatalf("round %d: %v not sorted", round, out)
				}
				if a.Bits() == b.Bits() && a.Bits() > 0 {
					pa, _ := a.Addr().Prefix(a.Bits() - 1)
					pb, _ := b.Addr().Prefix(b.Bits() - 1)
					if pa == pb {
						t.Fatalf("round %d: siblings %v and %v left unmerged", round, a, b)
					}
				}
			}
		}
		// Minimal count: the greedy cover of each maximal run of
		// addresses, computed independently on the bitmap.
		if want := minimalCover(addrSet(in)); len(out) != want {
			t.Fatalf("round %d: Aggregate(%v) = %v has %d prefixes, minimal is %d", round, in, out, len(out), want)
		}
	}
}

// minimalCover counts the fewest aligned blocks covering exactly set.
func minimalCover(set [256]bool) int {
	n := 0
	for i := 0; i < 256; {
		if !set[i] {
			i++
			continue
		}
		size := 1
		for size*2 <= 256 && i%(size*2) == 0 && all(set[i:i+size*2]) {
			size *= 2
		}
		n++
		i += size
	}
	return n
}

func all(bs []bool) bool {
	for _, b := range bs {
		if !b {
			return false
		}
	}
	return true
}

// FreeBlock returns the lowest free block of the length, as a scan of
// every candidate would.
func TestFreeBlockMatchesScan(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	within := pfx("10.0.0.0/24")
	for round := range 500 {
		used := randomSmallPrefixes(r, r.IntN(10))
		bits := 24 + r.IntN(9)
		got, ok := FreeBlock(used, within, bits)
		set := addrSet(used)
		want, wantOK := netip.Prefix{}, false
		size := 1 << (32 - bits)
		for start := 0; start < 256 && !wantOK; start += size {
			free := true
			for i := start; i < start+size; i++ {
				free = free && !set[i]
			}
			if free {
				want, wantOK = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, 0, byte(start)}), bits), true
			}
		}
		if ok != wantOK || got != want {
			t.Fatalf("round %d: FreeBlock(%v, /%d) = %v %t, want %v %t", round, used, bits, got, ok, want, wantOK)
		}
	}
}

// Split's parts aggregate back to the prefix, for every length.
func TestSplitAggregateRoundTrip(t *testing.T) {
	for _, p := range []netip.Prefix{pfx("10.0.0.0/8"), pfx("0.0.0.0/0"), pfx("192.168.4.0/22"), pfx("2001:db8::/32"), pfx("::/0"), pfx("2001:db8::/120")} {
		for extra := 0; extra <= 8 && p.Bits()+extra <= p.Addr().BitLen(); extra++ {
			parts, err := Split(p, extra)
			if err != nil {
				t.Fatal(err)
			}
			for i := 1; i < len(parts); i++ {
				if after, _ := next(spanOf(parts[i-1]).last, p.Addr().BitLen()); after != spanOf(parts[i]).first {
					t.Fatalf("Split(%s, %d): %s does not follow %s", p, extra, parts[i], parts[i-1])
				}
			}
			if agg := Aggregate(parts); len(agg) != 1 || agg[0] != p.Masked() {
				t.Fatalf("Aggregate(Split(%s, %d)) = %v", p, extra, agg)
			}
		}
	}
}
