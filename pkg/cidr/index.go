package cidr

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"

	"github.com/yl2chen/cidranger"
)

// Index is an incremental set of address blocks for lookups: which stored
// block is the longest match for an address, which stored blocks overlap a
// new one. It suits checking one change against a plan, or forwarding
// decisions in a simulation. To check a whole set for overlaps use
// Overlaps, which is far faster in bulk.
//
// Several refs may share one block: cidranger keeps one entry per network
// (inserting an equal network replaces the old entry), so the refs per block
// live beside it. The zero Index is not usable; call NewIndex.
type Index struct {
	ranger cidranger.Ranger
	refs   map[netip.Prefix][]int
}

// rangerEntry carries the netip form with the entry, so results need no
// conversion back from net.IPNet.
type rangerEntry struct {
	network net.IPNet
	prefix  netip.Prefix
}

func (e rangerEntry) Network() net.IPNet { return e.network }

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{ranger: cidranger.NewPCTrieRanger(), refs: make(map[netip.Prefix][]int)}
}

// ErrMappedIPv6 is returned for IPv4-mapped IPv6 blocks (::ffff:0:0/96 and
// inside it): the underlying trie files them under IPv4, which would mix
// the two address spaces.
var ErrMappedIPv6 = errors.New("IPv4-mapped IPv6 blocks (::ffff:a.b.c.d) cannot be indexed; write the block as IPv4")

func ipNet(p netip.Prefix) net.IPNet {
	return net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}

func indexable(p netip.Prefix) error {
	switch {
	case !p.IsValid():
		return errors.New("cannot index an invalid address block; give one such as 10.1.0.0/16")
	case p.Addr().Is4In6():
		return ErrMappedIPv6
	}
	return nil
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
		if err := ix.ranger.Insert(rangerEntry{ipNet(p), p}); err != nil {
			return fmt.Errorf("indexing %s: %w", p, err)
		}
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
	// Cannot fail: p is valid and of a family the ranger holds.
	_, _ = ix.ranger.Remove(ipNet(p))
	return true
}

// Len returns how many distinct blocks the index holds.
func (ix *Index) Len() int { return len(ix.refs) }

// Lookup returns the longest stored block that contains a, and its refs in
// insertion order; ok is false when no block contains a.
func (ix *Index) Lookup(a netip.Addr) (p netip.Prefix, refs []int, ok bool) {
	if !a.IsValid() || a.Is4In6() {
		return netip.Prefix{}, nil, false
	}
	found, err := ix.ranger.ContainingNetworks(a.AsSlice())
	if err != nil || len(found) == 0 {
		return netip.Prefix{}, nil, false
	}
	best := netip.Prefix{}
	for _, e := range found {
		if q := e.(rangerEntry).prefix; !best.IsValid() || q.Bits() > best.Bits() {
			best = q
		}
	}
	return best, slices.Clone(ix.refs[best]), true
}

// Containing returns every stored block that contains a, shortest first,
// one Entry per ref.
func (ix *Index) Containing(a netip.Addr) []Entry {
	if !a.IsValid() || a.Is4In6() {
		return nil
	}
	found, err := ix.ranger.ContainingNetworks(a.AsSlice())
	if err != nil {
		return nil
	}
	return ix.entries(found, func(netip.Prefix) bool { return true })
}

// Overlapping returns every stored block that shares an address with p:
// those containing it, an equal one, and those inside it; one Entry per
// ref, ordered by address then prefix length then insertion.
func (ix *Index) Overlapping(p netip.Prefix) []Entry {
	if indexable(p) != nil {
		return nil
	}
	p = p.Masked()
	outer, err := ix.ranger.ContainingNetworks(p.Addr().AsSlice())
	if err != nil {
		return nil
	}
	inner, err := ix.ranger.CoveredNetworks(ipNet(p))
	if err != nil {
		return nil
	}
	// Containing networks of p's first address that are longer than p lie
	// inside p, so CoveredNetworks returns them as well: keep them once.
	out := ix.entries(outer, func(q netip.Prefix) bool { return q.Bits() < p.Bits() })
	return append(out, ix.entries(inner, func(netip.Prefix) bool { return true })...)
}

func (ix *Index) entries(found []cidranger.RangerEntry, keep func(netip.Prefix) bool) []Entry {
	ps := make([]netip.Prefix, 0, len(found))
	for _, e := range found {
		if q := e.(rangerEntry).prefix; keep(q) {
			ps = append(ps, q)
		}
	}
	slices.SortFunc(ps, func(a, b netip.Prefix) int {
		if c := a.Addr().Compare(b.Addr()); c != 0 {
			return c
		}
		return a.Bits() - b.Bits()
	})
	var out []Entry
	for _, q := range ps {
		for _, r := range ix.refs[q] {
			out = append(out, Entry{Prefix: q, Ref: r})
		}
	}
	return out
}
