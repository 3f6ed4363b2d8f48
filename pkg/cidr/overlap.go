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

// sweepItem is an entry reduced to what the sweep compares.
type sweepItem struct {
	first, last u128
	bits        int
	idx         int // position in the input, for stable order and lookup
}

// sweepFamily walks the valid entries of one family in sweep order — first
// address ascending, then prefix length ascending (a container before what
// it contains), then input position — keeping a stack of open blocks:
// every block on the stack contains the one above it, so when a new block
// starts, the blocks that end before it are popped and the rest all contain
// it. visit gets each item and its containers (outermost first) and returns
// false to stop. Beyond the sort the cost is O(n) plus the visits.
func sweepFamily(entries []Entry, is4 bool, visit func(cur sweepItem, open []sweepItem) bool) {
	stack := make([]sweepItem, 0, 32)
	step := func(it sweepItem) bool {
		for len(stack) > 0 && stack[len(stack)-1].last.cmp(it.first) < 0 {
			stack = stack[:len(stack)-1]
		}
		if !visit(it, stack) {
			return false
		}
		stack = append(stack, it)
		return true
	}
	n := 0
	for _, e := range entries {
		if e.Prefix.IsValid() && e.Prefix.Addr().Is4() == is4 {
			n++
		}
	}
	if n == 0 {
		return
	}
	if is4 && len(entries) < 1<<26 {
		// IPv4 packs into one integer (address, length, position): sorting
		// 8-byte integers is several times faster than sorting items with a
		// comparison function, and the items are rebuilt one at a time.
		keys := make([]uint64, 0, n)
		for i, e := range entries {
			if e.Prefix.IsValid() && e.Prefix.Addr().Is4() {
				first := spanOf(e.Prefix).first.lo
				keys = append(keys, first<<32|uint64(e.Prefix.Bits())<<26|uint64(i))
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			first, bits, i := k>>32, int(k>>26&63), int(k&(1<<26-1))
			if !step(sweepItem{u128{0, first}, u128{0, first | (1<<(32-bits) - 1)}, bits, i}) {
				return
			}
		}
		return
	}
	items := make([]sweepItem, 0, n)
	for i, e := range entries {
		if !e.Prefix.IsValid() || e.Prefix.Addr().Is4() != is4 {
			continue
		}
		s := spanOf(e.Prefix)
		items = append(items, sweepItem{s.first, s.last, e.Prefix.Bits(), i})
	}
	slices.SortFunc(items, func(a, b sweepItem) int {
		if c := a.first.cmp(b.first); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.bits, b.bits), cmp.Compare(a.idx, b.idx))
	})
	for _, it := range items {
		if !step(it) {
			return
		}
	}
}

// AllOverlaps yields every overlapping pair among entries: the sort is
// O(n log n) and each of the k pairs costs O(1), so a set without overlaps
// costs O(n log n) and one with k pairs O(n log n + k). Adjacent blocks
// (10.0.0.0/25 and 10.0.0.128/25) do not overlap; IPv4 and IPv6 never do;
// invalid prefixes are skipped. Non-canonical prefixes are compared by the
// block they denote. Pairs come IPv4 first, in address order of B, the
// outer A first.
func AllOverlaps(entries []Entry) iter.Seq[Overlap] {
	return func(yield func(Overlap) bool) {
		for _, is4 := range []bool{true, false} {
			stopped := false
			sweepFamily(entries, is4, func(cur sweepItem, open []sweepItem) bool {
				for _, o := range open {
					kind := Contains
					if o.bits == cur.bits {
						kind = Duplicate
					}
					if !yield(Overlap{A: entries[o.idx], B: entries[cur.idx], Kind: kind}) {
						stopped = true
						return false
					}
				}
				return true
			})
			if stopped {
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
func CountOverlaps(entries []Entry) int {
	n := 0
	for _, is4 := range []bool{true, false} {
		sweepFamily(entries, is4, func(_ sweepItem, open []sweepItem) bool {
			n += len(open)
			return true
		})
	}
	return n
}
