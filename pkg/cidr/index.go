package cidr

import (
	"errors"
	"net/netip"
	"slices"
	"sync"
)

// Index is an incremental set of address blocks for lookups: which stored
// block is the longest match for an address, which stored blocks overlap a
// new one. It suits checking one change against a plan, or forwarding
// decisions in a simulation. To check a whole set for overlaps use
// Overlaps, which is far faster in bulk.
//
// It is built on net/netip alone (no net.IPNet, no trie library): the
// WebAssembly core links no package "net". Blocks are kept in a map keyed
// by the masked prefix, with a count of blocks per prefix length and
// family, so a longest-match lookup probes only the lengths in use (a plan
// has a handful); the blocks inside a queried one come from a sorted copy,
// rebuilt on the first such query after a change.
//
// Several refs may share one block. The zero Index is not usable; call
// NewIndex. Insert and Remove must not run concurrently with anything
// else; lookups may run concurrently with each other.
type Index struct {
	refs map[netip.Prefix][]int
	// lens counts the blocks of each prefix length: [0] IPv4, [1] IPv6.
	lens [2][129]int

	mu     sync.Mutex
	sorted []netip.Prefix // every block, by address then length
	stale  bool           // sorted misses a change
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{refs: make(map[netip.Prefix][]int)}
}

// ErrMappedIPv6 is returned for IPv4-mapped IPv6 blocks (::ffff:0:0/96 and
// inside it): they name IPv4 addresses in IPv6 form, and filing them apart
// from the IPv4 blocks would hide overlaps; validation reports them.
var ErrMappedIPv6 = errors.New("IPv4-mapped IPv6 blocks (::ffff:a.b.c.d) cannot be indexed; write the block as IPv4")

func indexable(p netip.Prefix) error {
	switch {
	case !p.IsValid():
		return errors.New("cannot index an invalid address block; give one such as 10.1.0.0/16")
	case p.Addr().Is4In6():
		return ErrMappedIPv6
	}
	return nil
}

func family(a netip.Addr) int {
	if a.Is4() {
		return 0
	}
	return 1
}

// Insert adds ref under p (host bits are ignored: 10.0.0.1/16 is filed as
// 10.0.0.0/16). Inserting the same ref twice under one block keeps one.
func (ix *Index) Insert(p netip.Prefix, ref int) error {
	if err := indexable(p); err != nil {
		return err
	}
	p = p.Masked()
	refs, present := ix.refs[p]
	if slices.Contains(refs, ref) {
		return nil
	}
	if !present {
		ix.lens[family(p.Addr())][p.Bits()]++
		ix.stale = true
	}
	ix.refs[p] = append(refs, ref)
	return nil
}

// Remove drops ref from p and reports whether it was there. The block leaves
// the index with its last ref.
func (ix *Index) Remove(p netip.Prefix, ref int) bool {
	if indexable(p) != nil {
		return false
	}
	p = p.Masked()
	refs := ix.refs[p]
	i := slices.Index(refs, ref)
	if i < 0 {
		return false
	}
	refs = slices.Delete(refs, i, i+1)
	if len(refs) > 0 {
		ix.refs[p] = refs
		return true
	}
	delete(ix.refs, p)
	ix.lens[family(p.Addr())][p.Bits()]--
	ix.stale = true
	return true
}

// Len returns how many distinct blocks the index holds.
func (ix *Index) Len() int { return len(ix.refs) }

// containing appends to out the stored blocks of length below max that
// contain a, shortest first.
func (ix *Index) containing(out []netip.Prefix, a netip.Addr, max int) []netip.Prefix {
	lens := &ix.lens[family(a)]
	for bits := 0; bits < max; bits++ {
		if lens[bits] == 0 {
			continue
		}
		if q, err := a.Prefix(bits); err == nil {
			if _, ok := ix.refs[q]; ok {
				out = append(out, q)
			}
		}
	}
	return out
}

// Lookup returns the longest stored block that contains a, and its refs in
// insertion order; ok is false when no block contains a.
func (ix *Index) Lookup(a netip.Addr) (p netip.Prefix, refs []int, ok bool) {
	if !a.IsValid() || a.Is4In6() {
		return netip.Prefix{}, nil, false
	}
	lens := &ix.lens[family(a)]
	for bits := a.BitLen(); bits >= 0; bits-- {
		if lens[bits] == 0 {
			continue
		}
		q, _ := a.Prefix(bits)
		if refs, ok := ix.refs[q]; ok {
			return q, slices.Clone(refs), true
		}
	}
	return netip.Prefix{}, nil, false
}

// Containing returns every stored block that contains a, shortest first,
// one Entry per ref.
func (ix *Index) Containing(a netip.Addr) []Entry {
	if !a.IsValid() || a.Is4In6() {
		return nil
	}
	return ix.entries(ix.containing(nil, a, a.BitLen()+1))
}

// Overlapping returns every stored block that shares an address with p:
// those containing it, an equal one, and those inside it; one Entry per
// ref, ordered by address then prefix length then insertion.
func (ix *Index) Overlapping(p netip.Prefix) []Entry {
	if indexable(p) != nil {
		return nil
	}
	p = p.Masked()
	ps := ix.containing(nil, p.Addr(), p.Bits())
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.stale {
		ix.sorted = ix.sorted[:0]
		for q := range ix.refs {
			ix.sorted = append(ix.sorted, q)
		}
		slices.SortFunc(ix.sorted, comparePrefixes)
		ix.stale = false
	}
	// The blocks inside p are the ones from p itself up to p's last
	// address; a shorter block starting there contains p and is counted
	// above.
	i, _ := slices.BinarySearchFunc(ix.sorted, p, comparePrefixes)
	last := Last(p)
	for _, q := range ix.sorted[i:] {
		if q.Addr().Compare(last) > 0 {
			break
		}
		if q.Bits() >= p.Bits() {
			ps = append(ps, q)
		}
	}
	return ix.entries(ps)
}

// comparePrefixes orders blocks by address (IPv4 before IPv6), then
// length.
func comparePrefixes(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return a.Bits() - b.Bits()
}

func (ix *Index) entries(ps []netip.Prefix) []Entry {
	slices.SortFunc(ps, comparePrefixes)
	var out []Entry
	for _, q := range ps {
		for _, r := range ix.refs[q] {
			out = append(out, Entry{Prefix: q, Ref: r})
		}
	}
	return out
}
