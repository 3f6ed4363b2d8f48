// Package cidr works with address blocks (IPv4 and IPv6 prefixes) over
// net/netip: strict parsing, canonical form, splitting, aggregation,
// containment, overlap detection over whole sets, free-block search, and an
// incremental longest-prefix-match index.
//
// IPv4 and IPv6 are different address spaces here: they never overlap,
// contain or aggregate with each other. An IPv4-mapped IPv6 prefix
// (::ffff:10.0.0.0/104) is IPv6, as net/netip treats it.
package cidr

import (
	"errors"
	"net/netip"
	"slices"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/fmtlite"
)

// MaxSplitBits bounds Split: 2^16 = 65,536 prefixes is more than any plan
// advertises (JD Cloud drops dynamic routes beyond a few hundred), and the
// bound keeps a typo such as 30 from asking for a billion prefixes.
const MaxSplitBits = 16

// ParsePrefix parses an address block such as "10.1.0.0/16" or
// "2001:db8::/48". Unlike netip.ParsePrefix its errors say what was wrong
// and how to write it; like it, host bits may be set (see Canonical).
func ParsePrefix(s string) (netip.Prefix, error) {
	bad := func(reason, hint string) error {
		return fmtlite.Errorf("%q is not an address block: %s; %s", s, reason, hint)
	}
	const example = `write it as "10.1.0.0/16" or "2001:db8::/48"`
	switch {
	case s == "":
		return netip.Prefix{}, errors.New(`the address block is empty; ` + example)
	case strings.TrimSpace(s) != s:
		return netip.Prefix{}, bad("it has spaces around it", "remove them")
	}
	addr, bitsText, found := strings.Cut(s, "/")
	if !found {
		if a, err := netip.ParseAddr(s); err == nil {
			return netip.Prefix{}, bad("it has no prefix length",
				fmtlite.Sprintf("for the single address write %s/%d, for a block add its length", a, a.BitLen()))
		}
		return netip.Prefix{}, bad("it has no prefix length after a \"/\"", example)
	}
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return netip.Prefix{}, bad(fmtlite.Sprintf("the address %q is malformed (%s)", addr, ParseErrorReason(err)), example)
	}
	if a.Zone() != "" {
		return netip.Prefix{}, bad("an address block has no zone (the part after %)", "remove \"%"+a.Zone()+"\"")
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, bad(fmtlite.Sprintf("the prefix length %q is not a whole number from 0 to %d", bitsText, a.BitLen()), example)
	}
	return p, nil
}

// ParseErrorReason returns the reason of a net/netip parse error without
// the input it repeats, for messages that quote the input themselves.
func ParseErrorReason(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, "): "); i >= 0 {
		return s[i+3:]
	}
	if i := strings.LastIndex(s, ": "); i >= 0 {
		return s[i+2:]
	}
	return s
}

// Canonical returns p with its host bits cleared (10.0.0.1/16 → 10.0.0.0/16)
// and whether p already was in that form. An invalid p gives the zero
// Prefix and false.
func Canonical(p netip.Prefix) (netip.Prefix, bool) {
	if !p.IsValid() {
		return netip.Prefix{}, false
	}
	m := p.Masked()
	return m, m == p
}

// Covers reports whether every address of inner is in outer. Prefixes of
// different families never cover each other; invalid prefixes cover nothing.
func Covers(outer, inner netip.Prefix) bool {
	if !outer.IsValid() || !inner.IsValid() || outer.Addr().Is4() != inner.Addr().Is4() {
		return false
	}
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

// Last returns the last address of p (the broadcast address of an IPv4
// subnet), or the zero Addr for an invalid p.
func Last(p netip.Prefix) netip.Addr {
	if !p.IsValid() {
		return netip.Addr{}
	}
	return spanOf(p).last.addr(p.Addr().Is4())
}

// HostBits returns the number of host bits of p, so p holds 2^HostBits
// addresses (32 for an IPv4 /0, 2 for a /30), or -1 for an invalid p.
func HostBits(p netip.Prefix) int {
	if !p.IsValid() {
		return -1
	}
	return p.Addr().BitLen() - p.Bits()
}

// IsFirstOrLast reports whether a is the first or the last address of p.
func IsFirstOrLast(p netip.Prefix, a netip.Addr) bool {
	return p.IsValid() && a.IsValid() && (a == p.Masked().Addr() || a == Last(p))
}

// Split divides p into 2^extraBits equal prefixes extraBits longer, in
// address order: a /16 with 1 gives its two /17s. extraBits 0 gives p
// itself (masked). It refuses a p that is invalid, a result longer than the
// address (splitting a /32 or a /128), and extraBits outside 0..MaxSplitBits.
func Split(p netip.Prefix, extraBits int) ([]netip.Prefix, error) {
	if !p.IsValid() {
		return nil, errors.New("cannot split an invalid address block; give one such as 10.1.0.0/16")
	}
	if extraBits < 0 || extraBits > MaxSplitBits {
		return nil, fmtlite.Errorf("cannot split %s by %d bits: use 0 to %d extra bits (at most %d prefixes)", p, extraBits, MaxSplitBits, 1<<MaxSplitBits)
	}
	bitLen := p.Addr().BitLen()
	newBits := p.Bits() + extraBits
	if newBits > bitLen {
		return nil, fmtlite.Errorf("cannot split %s by %d bits: the parts would be /%d, longer than the %d-bit address; use at most %d extra bits", p, extraBits, newBits, bitLen, bitLen-p.Bits())
	}
	is4 := p.Addr().Is4()
	host := lowOnes(bitLen - newBits)
	cur := spanOf(p).first
	out := make([]netip.Prefix, 0, 1<<extraBits)
	for i := 0; i < 1<<extraBits; i++ {
		out = append(out, netip.PrefixFrom(cur.addr(is4), newBits))
		// The last part ends at the family's last address; do not wrap.
		if n, ok := next(cur.or(host), bitLen); ok {
			cur = n
		}
	}
	return out, nil
}

// Aggregate returns the fewest prefixes that cover exactly the addresses of
// ps: contained prefixes disappear into their containers and adjacent
// siblings merge (10.0.0.0/25 + 10.0.0.128/25 → 10.0.0.0/24). The result is
// canonical and sorted, IPv4 before IPv6; invalid prefixes are ignored.
func Aggregate(ps []netip.Prefix) []netip.Prefix {
	var v4, v6 []span
	for _, p := range ps {
		switch {
		case !p.IsValid():
		case p.Addr().Is4():
			v4 = append(v4, spanOf(p))
		default:
			v6 = append(v6, spanOf(p))
		}
	}
	out := make([]netip.Prefix, 0, len(ps))
	out = appendMerged(out, v4, true)
	return appendMerged(out, v6, false)
}

// appendMerged merges overlapping and touching spans and appends the
// minimal prefix cover of each merged span.
func appendMerged(out []netip.Prefix, spans []span, is4 bool) []netip.Prefix {
	if len(spans) == 0 {
		return out
	}
	bitLen := 128
	if is4 {
		bitLen = 32
	}
	slices.SortFunc(spans, func(a, b span) int { return a.first.cmp(b.first) })
	cur := spans[0]
	for _, s := range spans[1:] {
		if after, ok := next(cur.last, bitLen); ok && s.first.cmp(after) > 0 {
			out = appendRange(out, cur, bitLen, is4)
			cur = s
			continue
		}
		if s.last.cmp(cur.last) > 0 {
			cur.last = s.last
		}
	}
	return appendRange(out, cur, bitLen, is4)
}

// appendRange appends the minimal prefixes covering exactly [s.first,
// s.last]: at each step the largest aligned block that starts there and
// does not pass the end.
func appendRange(out []netip.Prefix, s span, bitLen int, is4 bool) []netip.Prefix {
	cur := s.first
	for {
		host := min(cur.trailingZeros(), bitLen)
		for cur.or(lowOnes(host)).cmp(s.last) > 0 {
			host--
		}
		end := cur.or(lowOnes(host))
		out = append(out, netip.PrefixFrom(cur.addr(is4), bitLen-host))
		if end == s.last {
			return out
		}
		cur, _ = next(end, bitLen) // end < s.last, so there is a next address
	}
}

// FreeBlock returns the first (lowest) block of length bits inside within
// that overlaps none of used, for hints such as "move the VPC to
// 10.20.0.0/16, which is free". Used blocks of the other family are
// ignored. It reports false when within is invalid, bits is shorter than
// within or longer than the address, or no such block is free.
func FreeBlock(used []netip.Prefix, within netip.Prefix, bits int) (netip.Prefix, bool) {
	if !within.IsValid() || bits < within.Bits() || bits > within.Addr().BitLen() {
		return netip.Prefix{}, false
	}
	is4 := within.Addr().Is4()
	bitLen := within.Addr().BitLen()
	w := spanOf(within)
	var busy []span
	for _, u := range used {
		if !u.IsValid() || u.Addr().Is4() != is4 {
			continue
		}
		s := spanOf(u)
		if s.last.cmp(w.first) < 0 || s.first.cmp(w.last) > 0 {
			continue
		}
		busy = append(busy, s)
	}
	slices.SortFunc(busy, func(a, b span) int { return a.first.cmp(b.first) })
	host := lowOnes(bitLen - bits)
	cur := w.first // always aligned to the block size
	for _, b := range busy {
		if b.last.cmp(cur) < 0 {
			continue // behind the candidate already
		}
		if cur.or(host).cmp(b.first) < 0 {
			break // the candidate ends before this busy span starts
		}
		// Move to the first aligned block after the busy span.
		n, ok := next(b.last.or(host), bitLen)
		if !ok {
			return netip.Prefix{}, false
		}
		cur = n
	}
	if cur.or(host).cmp(w.last) > 0 || cur.cmp(w.first) < 0 {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(cur.addr(is4), bits), true
}
