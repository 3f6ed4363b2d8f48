package cidr

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"
)

func entries(ss ...string) []Entry {
	out := make([]Entry, len(ss))
	for i, s := range ss {
		out[i] = Entry{Prefix: pfx(s), Ref: i}
	}
	return out
}

// pairString writes a pair as "Aref>Bref" for containment, "Aref=Bref" for
// a duplicate.
func pairString(o Overlap) string {
	sep := ">"
	if o.Kind == Duplicate {
		sep = "="
	}
	return fmt.Sprintf("%d%s%d", o.A.Ref, sep, o.B.Ref)
}

func TestOverlaps(t *testing.T) {
	tests := []struct {
		name string
		in   []Entry
		want []string
	}{
		{"none", entries("10.0.0.0/8", "192.168.0.0/16"), nil},
		{"adjacent siblings", entries("10.0.0.0/25", "10.0.0.128/25"), nil},
		{"adjacent non-siblings", entries("10.0.1.0/24", "10.0.2.0/24", "10.0.0.0/24"), nil},
		{"idc vs vpc seed", entries("192.168.0.0/16", "172.20.0.0/16", "10.0.0.0/16", "10.0.0.0/16"), []string{"2=3"}},
		{"containment", entries("10.1.0.0/16", "10.0.0.0/8"), []string{"1>0"}},
		{"three duplicates", entries("10.0.0.0/8", "10.0.0.0/8", "10.0.0.0/8"), []string{"0=1", "0=2", "1=2"}},
		{"chain", entries("10.1.2.0/24", "10.1.0.0/16", "10.0.0.0/8"), []string{"2>1", "2>0", "1>0"}},
		{"siblings under one", entries("10.0.0.0/8", "10.1.0.0/16", "10.2.0.0/16"), []string{"0>1", "0>2"}},
		{"pop then contain", entries("10.0.0.0/16", "10.0.5.0/24", "10.1.0.0/16", "10.1.0.0/24"), []string{"0>1", "2>3"}},
		{"non-canonical compared by block", entries("10.0.0.1/16", "10.0.5.0/24"), []string{"0>1"}},
		{"host route inside", entries("10.0.0.0/30", "10.0.0.3/32"), []string{"0>1"}},
		{"whole space", entries("0.0.0.0/0", "255.255.255.255/32", "0.0.0.0/32"), []string{"0>2", "0>1"}},
		{"families apart", entries("0.0.0.0/0", "::/0", "10.0.0.0/8", "2001:db8::/32"), []string{"0>2", "1>3"}},
		{"mapped is ipv6", entries("::ffff:10.0.0.0/104", "10.0.0.0/8"), nil},
		{"ipv6 duplicates and containment", entries("2001:db8::/32", "2001:db8:1::/48", "2001:db8:1::/48", "2001:db8:2::/48"), []string{"0>1", "0>2", "1=2", "0>3"}},
		{"ipv6 adjacent", entries("2001:db8::/64", "2001:db8:0:1::/64"), nil},
		{"invalid skipped", []Entry{{Ref: 7}, {Prefix: pfx("10.0.0.0/8"), Ref: 8}, {Prefix: pfx("10.0.0.0/8"), Ref: 9}}, []string{"8=9"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, o := range Overlaps(tt.in) {
				got = append(got, pairString(o))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Overlaps = %v, want %v", got, tt.want)
			}
			if n := CountOverlaps(tt.in); n != len(tt.want) {
				t.Errorf("CountOverlaps = %d, want %d", n, len(tt.want))
			}
		})
	}
}

func TestAllOverlapsStops(t *testing.T) {
	in := entries("10.0.0.0/8", "10.0.0.0/8", "10.0.0.0/8", "10.0.0.0/8", "2001:db8::/32", "2001:db8::/32")
	n := 0
	for range AllOverlaps(in) {
		n++
		if n == 2 {
			break
		}
	}
	if n != 2 {
		t.Fatalf("stopped after %d pairs, want 2", n)
	}
	if c := CountOverlaps(in); c != 7 {
		t.Fatalf("CountOverlaps = %d, want 7", c)
	}
}

// bruteOverlaps is the O(n²) definition Overlaps must agree with.
func bruteOverlaps(in []Entry) map[string]int {
	got := map[string]int{}
	for i := range in {
		for j := i + 1; j < len(in); j++ {
			a, b := in[i], in[j]
			if !a.Prefix.IsValid() || !b.Prefix.IsValid() || !a.Prefix.Overlaps(b.Prefix) {
				continue
			}
			switch {
			case a.Prefix.Bits() == b.Prefix.Bits():
				got[pairString(Overlap{A: a, B: b, Kind: Duplicate})]++
			case a.Prefix.Bits() < b.Prefix.Bits():
				got[pairString(Overlap{A: a, B: b, Kind: Contains})]++
			default:
				got[pairString(Overlap{A: b, B: a, Kind: Contains})]++
			}
		}
	}
	return got
}

func sweepOverlaps(in []Entry) map[string]int {
	got := map[string]int{}
	for _, o := range Overlaps(in) {
		got[pairString(o)]++
	}
	return got
}

// randomEntries draws prefixes from a small space so that they collide
// often: IPv4 inside 10.0.0.0/24, IPv6 inside 2001:db8::/120.
func randomEntries(r *rand.Rand, n int) []Entry {
	out := make([]Entry, n)
	for i := range out {
		bits := 24 + r.IntN(9)
		a := netip.AddrFrom4([4]byte{10, 0, 0, byte(r.IntN(256))})
		if r.IntN(4) == 0 {
			b := netip.MustParseAddr("2001:db8::").As16()
			b[15] = byte(r.IntN(256))
			a = netip.AddrFrom16(b)
			bits += 96
		}
		out[i] = Entry{Prefix: netip.PrefixFrom(a, bits), Ref: i}
	}
	return out
}

func TestOverlapsMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 300 {
		in := randomEntries(r, 1+r.IntN(40))
		want, got := bruteOverlaps(in), sweepOverlaps(in)
		if !mapsEqual(want, got) {
			t.Fatalf("round %d: %v\nsweep %v\nbrute %v", round, in, got, want)
		}
		n := 0
		for _, c := range want {
			n += c
		}
		if c := CountOverlaps(in); c != n {
			t.Fatalf("round %d: CountOverlaps = %d, want %d", round, c, n)
		}
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// FuzzOverlaps decodes bytes into a small set of prefixes (3 bytes each:
// family and length, then an address byte pattern) and checks the sweep
// against the brute-force definition.
func FuzzOverlaps(f *testing.F) {
	f.Add([]byte{24, 0, 0, 25, 0, 0, 25, 128, 0})
	f.Add([]byte{8, 10, 0, 16, 10, 1, 16, 10, 1, 24, 10, 1})
	f.Add([]byte{0x80 | 32, 0x20, 0x01, 0x80 | 48, 0x20, 0x01, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		var in []Entry
		for i := 0; i+2 < len(data) && len(in) < 64; i += 3 {
			v6 := data[i]&0x80 != 0
			bits := int(data[i] & 0x7f)
			var p netip.Prefix
			if v6 {
				var b [16]byte
				b[0], b[1] = data[i+1], data[i+2]
				p = netip.PrefixFrom(netip.AddrFrom16(b), min(bits, 128))
			} else {
				p = netip.PrefixFrom(netip.AddrFrom4([4]byte{data[i+1], data[i+2], 0, 0}), min(bits, 32))
			}
			in = append(in, Entry{Prefix: p, Ref: len(in)})
		}
		if want, got := bruteOverlaps(in), sweepOverlaps(in); !mapsEqual(want, got) {
			t.Fatalf("%v\nsweep %v\nbrute %v", in, got, want)
		}
	})
}

func FuzzParsePrefix(f *testing.F) {
	for _, s := range []string{"10.1.0.0/16", "10.0.0.1/16", "2001:db8::/48", "::ffff:10.0.0.0/104", "", "10.0.0.0/33", "fe80::1%eth0/64", "1.2.3.4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePrefix(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("ParsePrefix(%q): empty error", s)
			}
			return
		}
		q, err := ParsePrefix(p.String())
		if err != nil {
			t.Fatalf("ParsePrefix(%q) = %s, which does not parse back: %v", s, p, err)
		}
		if p != q {
			t.Fatalf("round trip %q → %s → %s", s, p, q)
		}
		if c, ok := Canonical(p); !c.IsValid() || ok != (c == p) || !Covers(c, p) || !Covers(p, c) {
			t.Fatalf("Canonical(%s) = %s, %t", p, c, ok)
		}
	})
}

// A Blocks set whose references pass what an IPv4 sort key holds moves
// its IPv4 blocks to items mid-way: the pairs, their order and the count
// must be those of the same set with small references, whether the large
// references come first, last or in the middle.
func TestBlocksLargeReferences(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := range 200 {
		in := randomEntries(r, 1+r.IntN(40))
		var small, large Blocks
		base := maxKeyRef - r.IntN(len(in)+2)
		for i, e := range in {
			small.Add(e.Prefix, i)
			large.Add(e.Prefix, base+i)
		}
		var want, got []Pair
		for p := range small.Overlaps() {
			want = append(want, p)
		}
		for p := range large.Overlaps() {
			got = append(got, Pair{p.A - base, p.B - base, p.Kind})
		}
		if !slices.Equal(got, want) {
			t.Fatalf("round %d (first reference %d): %v\nwant %v", round, base, got, want)
		}
		if c := large.Count(); c != len(want) {
			t.Fatalf("round %d: Count = %d, want %d", round, c, len(want))
		}
		if large.Len() != small.Len() {
			t.Fatalf("round %d: Len %d, want %d", round, large.Len(), small.Len())
		}
	}
}
