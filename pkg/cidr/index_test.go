package cidr

import (
	"errors"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"
)

func TestIndexLookup(t *testing.T) {
	ix := NewIndex()
	for i, s := range []string{"10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.0.0/16", "2001:db8::/32", "2001:db8:1::/48", "0.0.0.0/0"} {
		if err := ix.Insert(pfx(s), i); err != nil {
			t.Fatal(err)
		}
	}
	if ix.Len() != 6 {
		t.Fatalf("Len = %d, want 6 distinct blocks", ix.Len())
	}
	tests := []struct {
		addr   string
		prefix string
		refs   []int
	}{
		{"10.1.2.3", "10.1.2.0/24", []int{2}},
		{"10.1.3.3", "10.1.0.0/16", []int{1, 3}},
		{"10.200.0.1", "10.0.0.0/8", []int{0}},
		{"192.0.2.1", "0.0.0.0/0", []int{6}},
		{"2001:db8:1::5", "2001:db8:1::/48", []int{5}},
		{"2001:db8:2::5", "2001:db8::/32", []int{4}},
		{"2001:db9::1", "", nil},
		{"::ffff:10.1.2.3", "", nil}, // IPv6, not the IPv4 10.1.2.3
	}
	for _, tt := range tests {
		p, refs, ok := ix.Lookup(netip.MustParseAddr(tt.addr))
		if tt.prefix == "" {
			if ok {
				t.Errorf("Lookup(%s) = %s %v, want no match", tt.addr, p, refs)
			}
			continue
		}
		if !ok || p.String() != tt.prefix || !slices.Equal(refs, tt.refs) {
			t.Errorf("Lookup(%s) = %s %v %t, want %s %v", tt.addr, p, refs, ok, tt.prefix, tt.refs)
		}
	}
	if got := ix.Containing(netip.MustParseAddr("10.1.2.3")); len(got) != 5 || got[0].Prefix != pfx("0.0.0.0/0") {
		t.Errorf("Containing(10.1.2.3) = %v", got)
	}

	// Removing one of two refs keeps the block; removing the last drops it.
	if !ix.Remove(pfx("10.1.0.0/16"), 1) {
		t.Fatal("Remove(10.1.0.0/16, 1) found nothing")
	}
	if _, refs, _ := ix.Lookup(netip.MustParseAddr("10.1.3.3")); !slices.Equal(refs, []int{3}) {
		t.Errorf("after removing ref 1: refs %v, want [3]", refs)
	}
	if ix.Remove(pfx("10.1.0.0/16"), 1) {
		t.Error("removing ref 1 twice reported success")
	}
	ix.Remove(pfx("10.1.0.0/16"), 3)
	if p, _, _ := ix.Lookup(netip.MustParseAddr("10.1.3.3")); p != pfx("10.0.0.0/8") {
		t.Errorf("after removing 10.1.0.0/16: Lookup gives %s, want 10.0.0.0/8", p)
	}
}

func TestIndexInsertErrors(t *testing.T) {
	ix := NewIndex()
	if err := ix.Insert(netip.Prefix{}, 1); err == nil {
		t.Error("inserting an invalid prefix succeeded")
	}
	if err := ix.Insert(pfx("::ffff:10.0.0.0/104"), 1); !errors.Is(err, ErrMappedIPv6) {
		t.Errorf("inserting a mapped prefix: %v, want ErrMappedIPv6", err)
	}
	// Host bits are ignored and the same ref is kept once.
	_ = ix.Insert(pfx("10.0.0.1/8"), 1)
	_ = ix.Insert(pfx("10.0.0.0/8"), 1)
	if _, refs, _ := ix.Lookup(netip.MustParseAddr("10.0.0.9")); !slices.Equal(refs, []int{1}) {
		t.Errorf("refs = %v, want [1]", refs)
	}
}

func TestIndexOverlapping(t *testing.T) {
	ix := NewIndex()
	for i, s := range []string{"10.0.0.0/8", "10.1.0.0/16", "10.1.0.0/16", "10.1.2.0/24", "10.2.0.0/16", "10.1.0.0/17", "2001:db8::/32"} {
		if err := ix.Insert(pfx(s), i); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		p    string
		want []string
	}{
		{"10.1.0.0/16", []string{"10.0.0.0/8#0", "10.1.0.0/16#1", "10.1.0.0/16#2", "10.1.0.0/17#5", "10.1.2.0/24#3"}},
		{"10.1.128.0/17", []string{"10.0.0.0/8#0", "10.1.0.0/16#1", "10.1.0.0/16#2"}},
		{"10.3.0.0/16", []string{"10.0.0.0/8#0"}},
		{"11.0.0.0/8", nil},
		{"0.0.0.0/0", []string{"10.0.0.0/8#0", "10.1.0.0/16#1", "10.1.0.0/16#2", "10.1.0.0/17#5", "10.1.2.0/24#3", "10.2.0.0/16#4"}},
		{"2001:db8:5::/48", []string{"2001:db8::/32#6"}},
		{"::/0", []string{"2001:db8::/32#6"}},
	}
	for _, tt := range tests {
		var got []string
		for _, e := range ix.Overlapping(pfx(tt.p)) {
			got = append(got, e.Prefix.String()+"#"+string(rune('0'+e.Ref)))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Overlapping(%s) = %v, want %v", tt.p, got, tt.want)
		}
	}
}

// The index and the sweep must find the same overlapping pairs.
func TestIndexAgreesWithSweep(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := range 100 {
		in := randomEntries(r, 1+r.IntN(40))
		ix := NewIndex()
		for _, e := range in {
			if err := ix.Insert(e.Prefix, e.Ref); err != nil {
				t.Fatal(err)
			}
		}
		fromIndex := 0
		for _, e := range in {
			fromIndex += len(ix.Overlapping(e.Prefix)) - 1 // itself
		}
		if want := 2 * CountOverlaps(in); fromIndex != want {
			t.Fatalf("round %d: index sees %d ordered pairs, sweep %d", round, fromIndex, want)
		}
	}
}

func TestIndexRefusesWhatItCannotHold(t *testing.T) {
	ix := NewIndex()
	_ = ix.Insert(pfx("10.0.0.0/8"), 1)
	if got := ix.Overlapping(netip.Prefix{}); got != nil {
		t.Errorf("Overlapping(invalid) = %v", got)
	}
	if got := ix.Overlapping(pfx("::ffff:10.0.0.0/104")); got != nil {
		t.Errorf("Overlapping(mapped) = %v", got)
	}
	if got := ix.Containing(netip.Addr{}); got != nil {
		t.Errorf("Containing(invalid) = %v", got)
	}
	if got := ix.Containing(netip.MustParseAddr("::ffff:10.0.0.1")); got != nil {
		t.Errorf("Containing(mapped) = %v", got)
	}
	if ix.Remove(netip.Prefix{}, 1) || ix.Remove(pfx("11.0.0.0/8"), 1) {
		t.Error("Remove of an absent block reported success")
	}
	if _, _, ok := ix.Lookup(netip.Addr{}); ok {
		t.Error("Lookup(invalid) matched")
	}
}

func TestOverlapKindString(t *testing.T) {
	for k, want := range map[OverlapKind]string{Duplicate: "duplicate", Contains: "contains", 0: "unknown"} {
		if k.String() != want {
			t.Errorf("%d.String() = %q, want %q", k, k.String(), want)
		}
	}
}
