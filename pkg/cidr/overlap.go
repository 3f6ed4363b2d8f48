package cidr

import (
	"cmp"
	"iter"
	"net/netip"
	"slices"
)

// Entry is an address block with a caller's reference (an index into the
// caller's own list, say), so that overlaps can be traced back to where the
// blocks came from.
type Entry struct {
	Prefix netip.Prefix
	Ref    int
}

// OverlapKind tells a duplicate from a containment.
type OverlapKind int

const (
	// Duplicate: A and B are the same block.
	Duplicate OverlapKind = iota + 1
	// Contains: A strictly contains B (A is the shorter prefix).
	Contains
)

func (k OverlapKind) String() string {
	switch k {
	case Duplicate:
		return "duplicate"
	case Contains:
		return "contains"
	}
	return "unknown"
}

// Overlap is two entries whose blocks share addresses. Two prefixes that
// share an address always nest, so the pair is either a duplicate or a
// containment with A the outer block. For a duplicate, A is the entry that
// came first in the input.
type Overlap struct {
	A, B Entry
	Kind OverlapKind
}

// sweepItem is a block reduced to what the sweep compares.
type sweepItem struct {
	first, last u128
	bits        int
	ref         int
	v6          bool
}

// maxKeyRef is the largest reference an IPv4 sort key holds (26 bits).
const maxKeyRef = 1<<26 - 1

// wideKey is a block the IPv4 keys do not hold, in 24 bytes: its first
// address, then its family, length and reference packed in one word.
type wideKey struct {
	hi, lo uint64
	meta   uint64 // v6 << 63 | bits << 55 | ref
}

// maxWideRef is the largest reference a wideKey holds.
const maxWideRef = 1<<55 - 1

func newWideKey(first u128, bits, ref int, v6 bool) wideKey {
	if uint(ref) > maxWideRef {
		panic("cidr: Blocks reference out of range")
	}
	meta := uint64(bits)<<55 | uint64(ref)
	if v6 {
		meta |= 1 << 63
	}
	return wideKey{first.hi, first.lo, meta}
}

// item unpacks k for the sweep.
func (k wideKey) item() sweepItem {
	bits, v6 := int(k.meta>>55&0xff), k.meta>>63 == 1
	width := 32
	if v6 {
		width = 128
	}
	first := u128{k.hi, k.lo}
	return sweepItem{first, first.or(lowOnes(width - bits)), bits, int(k.meta & maxWideRef), v6}
}

// compareWide orders wide keys for the sweep: IPv4 first, then first
// address, then length, then reference.
func compareWide(a, b wideKey) int {
	if a.meta>>63 != b.meta>>63 {
		return cmp.Compare(a.meta>>63, b.meta>>63)
	}
	if c := (u128{a.hi, a.lo}).cmp(u128{b.hi, b.lo}); c != 0 {
		return c
	}
	return cmp.Compare(a.meta, b.meta)
}

// Blocks is a set of address blocks reduced to integers for the overlap
// sweep, each with a caller's reference (a position in the caller's own
// lists, say). It holds no pointers: the garbage collector never scans it
// and filling it costs no write barriers, which matters under WebAssembly,
// where the collector runs on the same thread and a 100k-block plan is
// checked on every keystroke. The zero Blocks is empty and ready to use.
//
// Overlaps and Count sort the set in place; blocks may be added after
// them.
type Blocks struct {
	// v4 holds IPv4 blocks as one sort key each: first address << 32 |
	// prefix length << 26 | reference. Sorting 8-byte integers is several
	// times faster than sorting items with a comparison function.
	v4 []uint64
	// wide holds IPv6 blocks and, once a reference does not fit a key
	// (spilled), every IPv4 block too.
	wide []wideKey
	// spilled is 0, or above maxKeyRef once the IPv4 blocks are items
	// (one comparison in AddV4 tests both the reference and this).
	spilled uint
}

// Grow makes room for n more IPv4 blocks, so that a caller that knows how
// many are coming fills one allocation instead of growing it.
func (s *Blocks) Grow(n int) { s.v4 = slices.Grow(s.v4, n) }

// Reuse empties the set and makes it keep its IPv4 blocks in buf's
// storage (buf's contents are overwritten), so that a caller with a spare
// buffer of 8-byte words allocates nothing for them.
func (s *Blocks) Reuse(buf []uint64) {
	*s = Blocks{v4: buf[:0], wide: s.wide[:0]}
}

// Take empties the set and hands the storage of its IPv4 blocks to the
// caller, for Reuse or any other use: the set no longer refers to it.
func (s *Blocks) Take() []uint64 {
	buf := s.v4[:0]
	*s = Blocks{wide: s.wide[:0]}
	return buf
}

// Len is the number of blocks in the set.
func (s *Blocks) Len() int { return len(s.v4) + len(s.wide) }

// Add adds the block p (host bits ignored) with reference ref ≥ 0; an
// invalid p is skipped.
func (s *Blocks) Add(p netip.Prefix, ref int) {
	switch {
	case !p.IsValid():
	case p.Addr().Is4():
		s.AddV4(uint32(spanOf(p).first.lo), p.Bits(), ref)
	default:
		sp := spanOf(p)
		s.AddV6(sp.first.hi, sp.first.lo, p.Bits(), ref)
	}
}

// AddV6 adds the IPv6 block whose first address is hi:lo (host bits
// clear; Add clears them) and whose length is bits (0 to 128), with
// reference ref ≥ 0.
func (s *Blocks) AddV6(hi, lo uint64, bits, ref int) {
	s.wide = append(s.wide, newWideKey(u128{hi, lo}, bits, ref, true))
}

// AddV4 adds the IPv4 block first/bits with reference ref ≥ 0, for
// callers that already hold the address as an integer: first is the
// block's first address (host bits clear; Add clears them) and bits is 0
// to 32.
func (s *Blocks) AddV4(first uint32, bits, ref int) {
	if uint(ref)|s.spilled <= maxKeyRef {
		s.v4 = append(s.v4, uint64(first)<<32|uint64(bits)<<26|uint64(ref))
		return
	}
	// A reference that does not fit a key: from then on every IPv4 block
	// is an item, so that one sweep sees them all.
	if s.spilled == 0 {
		s.spilled = maxKeyRef + 1
		for _, k := range s.v4 {
			it := keyItem(k)
			s.wide = append(s.wide, newWideKey(it.first, it.bits, it.ref, false))
		}
		s.v4 = nil
	}
	s.wide = append(s.wide, newWideKey(u128{0, uint64(first)}, bits, ref, false))
}

// keyItem unpacks an IPv4 sort key.
func keyItem(k uint64) sweepItem {
	first, bits := k>>32, int(k>>26&63)
	return sweepItem{u128{0, first}, u128{0, first | (1<<(32-bits) - 1)}, bits, int(k & maxKeyRef), false}
}

// Pair is two overlapping blocks of a Blocks set by their references: A
// contains B, or for a Duplicate A is the one added first (the smaller
// reference, for blocks added in reference order).
type Pair struct {
	A, B int
	Kind OverlapKind
}

// sort puts the set in sweep order: IPv4 before IPv6, then first address
// ascending, then prefix length ascending (a container before what it
// contains), then reference.
func (s *Blocks) sort() {
	slices.Sort(s.v4)
	if !slices.IsSortedFunc(s.wide, compareWide) {
		slices.SortFunc(s.wide, compareWide)
	}
}

// Overlaps yields every overlapping pair of the set: the sort is
// O(n log n) and each of the k pairs costs O(1). It walks the blocks in
// sweep order keeping a stack of open blocks: every block on the stack
// contains the one above it, so when a new block starts, the blocks that
// end before it are popped and the rest all contain it. Adjacent blocks
// (10.0.0.0/25 and 10.0.0.128/25) do not overlap; IPv4 and IPv6 never do.
// Pairs come IPv4 first, in sweep order of B, the outer A first.
func (s *Blocks) Overlaps() iter.Seq[Pair] {
	return func(yield func(Pair) bool) {
		s.sort()
		stack := make([]sweepItem, 0, 32)
		for _, k := range s.v4 {
			it := keyItem(k)
			for len(stack) > 0 && stack[len(stack)-1].last.lo < it.first.lo {
				stack = stack[:len(stack)-1]
			}
			for _, o := range stack {
				if !yield(pairOf(o, it)) {
					return
				}
			}
			stack = append(stack, it)
		}
		stack = stack[:0]
		for _, k := range s.wide {
			it := k.item()
			if len(stack) > 0 && it.v6 != stack[0].v6 {
				stack = stack[:0] // the families never overlap
			}
			for len(stack) > 0 && stack[len(stack)-1].last.cmp(it.first) < 0 {
				stack = stack[:len(stack)-1]
			}
			for _, o := range stack {
				if !yield(pairOf(o, it)) {
					return
				}
			}
			stack = append(stack, it)
		}
	}
}

func pairOf(outer, inner sweepItem) Pair {
	if outer.bits == inner.bits {
		return Pair{outer.ref, inner.ref, Duplicate}
	}
	return Pair{outer.ref, inner.ref, Contains}
}

// Count returns how many pairs Overlaps would yield, in O(n log n)
// whatever that number is.
func (s *Blocks) Count() int {
	s.sort()
	n := 0
	stack := make([]sweepItem, 0, 32)
	for _, k := range s.v4 {
		it := keyItem(k)
		for len(stack) > 0 && stack[len(stack)-1].last.lo < it.first.lo {
			stack = stack[:len(stack)-1]
		}
		n += len(stack)
		stack = append(stack, it)
	}
	stack = stack[:0]
	for _, k := range s.wide {
		it := k.item()
		if len(stack) > 0 && it.v6 != stack[0].v6 {
			stack = stack[:0]
		}
		for len(stack) > 0 && stack[len(stack)-1].last.cmp(it.first) < 0 {
			stack = stack[:len(stack)-1]
		}
		n += len(stack)
		stack = append(stack, it)
	}
	return n
}

// blocksOf is entries as a Blocks set, each referenced by its index.
func blocksOf(entries []Entry) *Blocks {
	s := &Blocks{}
	for i := range entries {
		s.Add(entries[i].Prefix, i)
	}
	return s
}

// AllOverlaps yields every overlapping pair among entries: the sort is
// O(n log n) and each of the k pairs costs O(1), so a set without overlaps
// costs O(n log n) and one with k pairs O(n log n + k). Adjacent blocks
// (10.0.0.0/25 and 10.0.0.128/25) do not overlap; IPv4 and IPv6 never do;
// invalid prefixes are skipped. Non-canonical prefixes are compared by the
// block they denote. Pairs come IPv4 first, in address order of B, the
// outer A first; for a duplicate, A is the entry that came first.
func AllOverlaps(entries []Entry) iter.Seq[Overlap] {
	return func(yield func(Overlap) bool) {
		for o := range blocksOf(entries).Overlaps() {
			if !yield(Overlap{A: entries[o.A], B: entries[o.B], Kind: o.Kind}) {
				return
			}
		}
	}
}

// Overlaps returns every overlapping pair among entries (see AllOverlaps).
// A set where many blocks nest can have up to n(n-1)/2 pairs; callers that
// report to people should use AllOverlaps with a limit and CountOverlaps.
func Overlaps(entries []Entry) []Overlap {
	var out []Overlap
	for o := range AllOverlaps(entries) {
		out = append(out, o)
	}
	return out
}

// CountOverlaps returns how many pairs Overlaps would return, in O(n log n)
// whatever that number is.
func CountOverlaps(entries []Entry) int { return blocksOf(entries).Count() }
