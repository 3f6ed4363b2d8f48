package validate

import (
	"cmp"
	"encoding/binary"
	"net/netip"
	"slices"
	"strconv"

	"github.com/hybridplan/hybridplan/pkg/cidr"
	"github.com/hybridplan/hybridplan/pkg/fmtlite"
	"github.com/hybridplan/hybridplan/pkg/plan"
)

// BlockKind names what an address block is for. It is part of the overlap
// codes (address.duplicate.idc-vpc), so the names are stable.
type BlockKind int

// Block kinds, in the order the overlap codes name them.
const (
	KindIDC          BlockKind = iota // an IDC segment
	KindVPC                           // a VPC CIDR
	KindSubnet                        // a VPC subnet
	KindInterconnect                  // a private virtual interface's interconnect (IPv4 or IPv6)
	KindTunnel                        // a VPN tunnel's inside block (IPv4 or IPv6)
)

var kindNames = [...]string{"idc", "vpc", "subnet", "interconnect", "tunnel"}

func (k BlockKind) String() string { return kindNames[k] }

// label is how a message names a kind to a person.
func (k BlockKind) label() string {
	return [...]string{"IDC segment", "VPC CIDR", "subnet", "interconnect", "tunnel inside block"}[k]
}

// block is one address block of the plan, with what it takes to name it in
// a finding. The path is built only when a finding needs it, so a plan with
// 100k clean blocks costs no string building.
type block struct {
	prefix netip.Prefix
	kind   BlockKind
	i, j   int  // attachment and CIDR/subnet index; interface or tunnel index in i
	ipv6   bool // the IPv6 field of an interface or tunnel
}

func (b block) path() string {
	i := strconv.Itoa(b.i)
	switch b.kind {
	case KindIDC:
		return "$.idc.segments[" + i + "].cidr"
	case KindVPC:
		return "$.borderGateway.attachments[" + i + "].cidrs[" + strconv.Itoa(b.j) + "]"
	case KindSubnet:
		return "$.borderGateway.attachments[" + i + "].subnets[" + strconv.Itoa(b.j) + "].cidr"
	case KindInterconnect:
		if b.ipv6 {
			return "$.directConnection.interfaces[" + i + "].interconnectIpv6"
		}
		return "$.directConnection.interfaces[" + i + "].interconnect"
	}
	if b.ipv6 {
		return "$.vpn.tunnels[" + i + "].insideCidrIpv6"
	}
	return "$.vpn.tunnels[" + i + "].insideCidr"
}

// describe names the block for a message: `IDC segment "servers" 10.0.0.0/16`.
func (b block) describe(p *plan.Plan) string {
	switch b.kind {
	case KindIDC:
		return fmtlite.Sprintf("IDC segment %s %s", plan.Quote(p.IDC.Segments[b.i].Name), b.prefix)
	case KindVPC:
		return fmtlite.Sprintf("VPC %s CIDR %s", plan.Quote(p.BorderGateway.Attachments[b.i].VPCName), b.prefix)
	case KindSubnet:
		a := p.BorderGateway.Attachments[b.i]
		return fmtlite.Sprintf("subnet %s %s of VPC %s", plan.Quote(a.Subnets[b.j].Name), b.prefix, plan.Quote(a.VPCName))
	case KindInterconnect:
		return fmtlite.Sprintf("interconnect %s of interface %s", b.prefix, plan.Quote(p.DirectConnection.Interfaces[b.i].Name))
	}
	return fmtlite.Sprintf("tunnel inside block %s of tunnel %s", b.prefix, plan.Quote(p.VPN.Tunnels[b.i].Name))
}

// blockSet is every address block of the plan, each known by its
// position in a fixed numbering of the plan's block fields: IDC segment i
// is i; attachment a's CIDR j is att[a]+j and its subnet j
// att[a]+len(CIDRs)+j; interface i's interconnect is ifc+2i (+1 for
// IPv6); tunnel i's inside block is tun+2i (+1 for IPv6). A position
// leads back to the field, so the set holds no copy of the plan: the
// overlap sweep gets one 8-byte key per IPv4 block and nothing with a
// pointer, which is what the WebAssembly collector, running on the page's
// only thread, would otherwise scan and guard with write barriers on
// every keystroke of a 100k-block plan. Missing blocks take no room.
type blockSet struct {
	p        *plan.Plan
	sweep    cidr.Blocks
	att      []int // position of each attachment's first CIDR
	ifc, tun int   // positions of the first interface and tunnel block
	n        int   // how many blocks the sweep holds, once the walk is done
}

// newBlockSet numbers the plan's block fields; its sweep is still empty.
func newBlockSet(p *plan.Plan) *blockSet {
	s := &blockSet{p: p, att: make([]int, len(p.BorderGateway.Attachments))}
	pos := len(p.IDC.Segments)
	for i := range p.BorderGateway.Attachments {
		a := &p.BorderGateway.Attachments[i]
		s.att[i] = pos
		pos += len(a.CIDRs) + len(a.Subnets)
	}
	s.ifc = pos
	if dc := p.DirectConnection; dc != nil {
		pos += 2 * len(dc.Interfaces)
	}
	s.tun = pos
	return s
}

// at is the block at position pos.
func (s *blockSet) at(pos int) block {
	p := s.p
	switch {
	case pos < len(p.IDC.Segments):
		return block{prefix: p.IDC.Segments[pos].CIDR, kind: KindIDC, i: pos}
	case pos < s.ifc:
		i := s.attachmentAt(pos)
		a := &p.BorderGateway.Attachments[i]
		j := pos - s.att[i]
		if j < len(a.CIDRs) {
			return block{prefix: a.CIDRs[j], kind: KindVPC, i: i, j: j}
		}
		j -= len(a.CIDRs)
		return block{prefix: a.Subnets[j].CIDR, kind: KindSubnet, i: i, j: j}
	case pos < s.tun:
		i, ipv6 := (pos-s.ifc)/2, (pos-s.ifc)%2 == 1
		f := &p.DirectConnection.Interfaces[i]
		if ipv6 {
			return block{prefix: f.InterconnectIPv6, kind: KindInterconnect, i: i, ipv6: true}
		}
		return block{prefix: f.Interconnect, kind: KindInterconnect, i: i}
	}
	i, ipv6 := (pos-s.tun)/2, (pos-s.tun)%2 == 1
	t := &p.VPN.Tunnels[i]
	if ipv6 {
		return block{prefix: t.InsideCIDRIPv6, kind: KindTunnel, i: i, ipv6: true}
	}
	return block{prefix: t.InsideCIDR, kind: KindTunnel, i: i}
}

// attachmentAt is the attachment whose blocks include position pos (one
// of s.att's): the last one starting at or before it, since those after
// an empty attachment start where it does.
func (s *blockSet) attachmentAt(pos int) int {
	lo, hi := 0, len(s.att)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.att[m] <= pos {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo - 1
}

// attRange is the positions of one attachment's blocks: its CIDRs from
// start, its subnets from cidrs, up to end. The zero attRange holds none.
type attRange struct{ start, cidrs, end int }

// rangeAt is the attRange of the attachment holding position pos, or the
// zero attRange when pos is not an attachment's.
func (s *blockSet) rangeAt(pos int) attRange {
	if pos < len(s.p.IDC.Segments) || pos >= s.ifc {
		return attRange{}
	}
	i := s.attachmentAt(pos)
	a := &s.p.BorderGateway.Attachments[i]
	start := s.att[i]
	return attRange{start, start + len(a.CIDRs), start + len(a.CIDRs) + len(a.Subnets)}
}

// ownVPC reports whether the blocks at positions a (inside r) and b are a
// VPC CIDR and a subnet of r's attachment, in either order: the pair every
// subnet makes and overlapSeverity passes over, told apart here without
// building either block.
func (r attRange) ownVPC(a, b int) bool {
	return r.start <= b && b < r.end && (a < r.cidrs) != (b < r.cidrs)
}

// each calls fn with every block the plan has, in position order.
func (s *blockSet) each(fn func(pos int, b block)) {
	for pos := range s.end() {
		if b := s.at(pos); b.prefix.IsValid() {
			fn(pos, b)
		}
	}
}

// end is the number of positions.
func (s *blockSet) end() int {
	if v := s.p.VPN; v != nil {
		return s.tun + 2*len(v.Tunnels)
	}
	return s.tun
}

// Families addPlain reports.
const (
	notPlain = iota // the block needs checkBlock
	plain4          // an IPv4 block, added
	plain6          // an IPv6 block, added
)

// addPlain adds q at pos to the sweep when q is the common case that
// needs no finding of its own: a valid, canonical block, not IPv4-mapped,
// inside one IPv4 /8 or IPv6 /16 that no special-purpose range touches;
// for IPv4 it also gives the block's first and last address. One call
// with integer tests instead of checkBlock's netip arithmetic and its
// loop over the special ranges, whose calls WebAssembly pays for dearly.
// Every other block goes through checkBlock.
func (s *blockSet) addPlain(q netip.Prefix, pos int) (fam int, first, last uint32) {
	if !q.IsValid() {
		return notPlain, 0, 0
	}
	a, bits := q.Addr(), q.Bits()
	b := a.As16() // IPv4 in the last four bytes
	if a.Is4() {
		v := binary.BigEndian.Uint32(b[12:])
		host := uint32(1)<<(32-bits) - 1
		if v&host != 0 || host >= 1<<24 || specialOctet[v>>24] {
			return notPlain, 0, 0
		}
		s.sweep.AddV4(v, bits, pos)
		return plain4, v, v | host
	}
	if a.Is4In6() || bits < 16 {
		return notPlain, 0, 0
	}
	hi, lo := binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
	if bits <= 64 && (hi&(1<<(64-bits)-1) != 0 || lo != 0) || bits > 64 && lo&(1<<(128-bits)-1) != 0 {
		return notPlain, 0, 0
	}
	if top := hi >> 48; specialTop16[top>>6]&(1<<(top&63)) != 0 {
		return notPlain, 0, 0
	}
	s.sweep.AddV6(hi, lo, bits, pos)
	return plain6, 0, 0
}

// checkBlock checks one block field that addPlain did not take (missing,
// non-canonical, IPv4-mapped, special or wide) and adds it to the sweep.
func (c *checker) checkBlock(b block, pos int) {
	if !b.prefix.IsValid() {
		if !b.ipv6 { // the IPv6 fields are optional
			c.missingBlock(b)
		}
		return
	}
	c.checkSpecial(b)
	if canon, ok := cidr.Canonical(b.prefix); !ok {
		// An error, not a warning: a plan that provisions must say
		// exactly which block it means, and 10.0.0.1/16 reads as a
		// typo for either 10.0.0.0/16 or 10.0.0.0/24.
		c.err(CodeAddressNonCanonical, b.path(),
			fmtlite.Sprintf("%s has host bits set: the block it denotes is %s", b.prefix, canon),
			fmtlite.Sprintf("write %s, or fix the prefix length if another block was meant", canon))
	}
	c.blocks.sweep.Add(b.prefix, pos)
}

// missingBlock reports a required address block left out, building the
// finding only below the cap.
func (c *checker) missingBlock(b block) {
	if c.full(CodeAddressMissing) {
		c.col.Count(CodeAddressMissing, plan.SeverityError)
		return
	}
	c.err(CodeAddressMissing, b.path(), fmtlite.Sprintf("the %s has no address block", b.kind.label()), `give one such as "10.1.0.0/16"`)
}

// Limits on what the overlap check lists. A plan with more overlapping
// pairs than this is broken wholesale; listing a million pairs helps no one
// and would stall the browser.
const (
	// maxOverlapFindings is how many overlapping pairs are listed one by one.
	maxOverlapFindings = 1000
	// maxFreeHints is how many findings of one plan get a free-block hint;
	// each hint scans the used space once.
	maxFreeHints = 50
	// maxOverlapScan bounds how many pairs are examined after the listing
	// limit, to grade and count the rest.
	maxOverlapScan = 1_000_000
)

// checkBlocks reports missing, non-canonical and special blocks and
// subnets outside their VPC in one walk over the plan's block fields, in
// position order (so each code's findings come in the order they always
// did), then every overlapping pair of blocks. Strategy prefixes
// (overrides, VPN aggregates) are advertisements, not blocks: the
// strategy package checks them.
func (c *checker) checkBlocks() {
	p := c.p
	s := newBlockSet(p)
	c.blocks = s
	// Room for every field up to the interfaces, nulls included: 8 bytes
	// a field, in the name table's storage, which is free until the
	// attachments' names are checked (checkPlan has sized it for the
	// segments); it goes back there after the sweep.
	s.sweep.Reuse(c.names.take())
	s.sweep.Grow(s.ifc)
	for i := range p.IDC.Segments {
		q := p.IDC.Segments[i].CIDR
		if fam, _, _ := s.addPlain(q, i); fam == notPlain {
			c.checkBlock(block{prefix: q, kind: KindIDC, i: i}, i)
		}
	}
	var vpc4 []span4 // reused for every attachment
	for i := range p.BorderGateway.Attachments {
		a := &p.BorderGateway.Attachments[i]
		pos := s.att[i]
		for j, q := range a.CIDRs {
			if fam, _, _ := s.addPlain(q, pos+j); fam == notPlain {
				c.checkBlock(block{prefix: q, kind: KindVPC, i: i, j: j}, pos+j)
			}
		}
		pos += len(a.CIDRs)
		// Every subnet lies inside one of its VPC's CIDRs. A subnet lies
		// in one CIDR, never across two adjacent ones, so the CIDRs are
		// not aggregated; dropping those inside another leaves disjoint
		// sorted blocks, where one binary search per subnet finds the
		// only CIDR that can hold it.
		vpc4 = outermostV4(vpc4[:0], a.CIDRs)
		var vpc []netip.Prefix // the same for subnets that are not IPv4, on first use
		for j := range a.Subnets {
			q := a.Subnets[j].CIDR
			fam, first, last := s.addPlain(q, pos+j)
			if fam == notPlain {
				c.checkBlock(block{prefix: q, kind: KindSubnet, i: i, j: j}, pos+j)
				if !q.IsValid() {
					continue
				}
				if q.Addr().Is4() {
					fam = plain4
					first, last = v4Span(q)
				}
			}
			var inside bool
			if fam == plain4 {
				// The last disjoint CIDR starting at or before the subnet.
				lo, hi := 0, len(vpc4)
				for lo < hi {
					m := int(uint(lo+hi) >> 1)
					if vpc4[m].first <= first {
						lo = m + 1
					} else {
						hi = m
					}
				}
				inside = lo > 0 && last <= vpc4[lo-1].last
			} else {
				if vpc == nil {
					vpc = outermost(a.CIDRs)
				}
				inside = insideAny(vpc, q)
			}
			if !inside {
				c.subnetOutside(i, j)
			}
		}
	}
	if dc := p.DirectConnection; dc != nil {
		for i := range dc.Interfaces {
			f := &dc.Interfaces[i]
			c.checkBlock(block{prefix: f.Interconnect, kind: KindInterconnect, i: i}, s.ifc+2*i)
			c.checkBlock(block{prefix: f.InterconnectIPv6, kind: KindInterconnect, i: i, ipv6: true}, s.ifc+2*i+1)
		}
	}
	if v := p.VPN; v != nil {
		for i := range v.Tunnels {
			t := &v.Tunnels[i]
			c.checkBlock(block{prefix: t.InsideCIDR, kind: KindTunnel, i: i}, s.tun+2*i)
			c.checkBlock(block{prefix: t.InsideCIDRIPv6, kind: KindTunnel, i: i, ipv6: true}, s.tun+2*i+1)
		}
	}
	s.n = s.sweep.Len()
	c.checkOverlaps(s)
	c.names.give(s.sweep.Take())
}

// span4 is an IPv4 block as its first and last address.
type span4 struct{ first, last uint32 }

// outermostV4 appends to dst the IPv4 prefixes of ps that no other
// contains, as spans sorted by address: disjoint, so a binary search finds
// the only one that can hold a block.
func outermostV4(dst []span4, ps []netip.Prefix) []span4 {
	for _, p := range ps {
		if p.IsValid() && p.Addr().Is4() {
			first, last := v4Span(p)
			dst = append(dst, span4{first, last})
		}
	}
	// Sorted by first address, the larger block first when two start
	// together: only the last kept span can contain the next one.
	slices.SortFunc(dst, func(x, y span4) int { return cmp.Or(cmp.Compare(x.first, y.first), cmp.Compare(y.last, x.last)) })
	out := dst[:0]
	for _, sp := range dst {
		if len(out) > 0 && sp.last <= out[len(out)-1].last {
			continue
		}
		out = append(out, sp)
	}
	return out
}

// insideAny reports whether a VPC CIDR of vpc (from outermost) holds q.
func insideAny(vpc []netip.Prefix, q netip.Prefix) bool {
	k, _ := slices.BinarySearchFunc(vpc, q.Masked().Addr(), func(p netip.Prefix, t netip.Addr) int {
		return p.Addr().Compare(t)
	})
	return (k < len(vpc) && cidr.Covers(vpc[k], q)) || (k > 0 && cidr.Covers(vpc[k-1], q))
}

// subnetOutside reports subnet j of attachment i outside its VPC's CIDRs.
func (c *checker) subnetOutside(i, j int) {
	a := &c.p.BorderGateway.Attachments[i]
	s := &a.Subnets[j]
	related := make([]string, len(a.CIDRs))
	for m := range a.CIDRs {
		related[m] = block{kind: KindVPC, i: i, j: m}.path()
	}
	c.add(plan.SeverityError, CodeSubnetOutsideVPC, block{kind: KindSubnet, i: i, j: j}.path(),
		fmtlite.Sprintf("subnet %s %s is not inside any CIDR of VPC %s (%s)", plan.Quote(s.Name), s.CIDR, plan.Quote(a.VPCName), prefixList(a.CIDRs)),
		"a subnet is carved from its VPC's CIDRs: change the subnet or add its block to the VPC's cidrs", related...)
}

// outermost returns the valid prefixes of ps that no other contains,
// canonical and sorted by address.
func outermost(ps []netip.Prefix) []netip.Prefix {
	sorted := make([]netip.Prefix, 0, len(ps))
	for _, p := range ps {
		if p.IsValid() {
			sorted = append(sorted, p.Masked())
		}
	}
	slices.SortFunc(sorted, func(x, y netip.Prefix) int {
		if c := x.Addr().Compare(y.Addr()); c != 0 {
			return c
		}
		return x.Bits() - y.Bits()
	})
	out := sorted[:0]
	for _, p := range sorted {
		// Sorted by address, shorter first: only the last kept prefix can
		// contain p.
		if len(out) > 0 && cidr.Covers(out[len(out)-1], p) {
			continue
		}
		out = append(out, p)
	}
	return out
}

func prefixList(ps []netip.Prefix) string {
	if len(ps) == 0 {
		return "none"
	}
	s := ""
	for i, p := range ps {
		if i > 0 {
			s += ", "
		}
		s += p.String()
	}
	return s
}

// overlapSeverity grades a pair of kinds; ok is false for a pair that is
// expected and no finding.
func overlapSeverity(a, b block, kind cidr.OverlapKind) (plan.Severity, bool) {
	// A subnet inside its own VPC is how VPCs work; a subnet larger than
	// its VPC's CIDR is reported once, as subnet.outside-vpc.
	if (a.kind == KindVPC && b.kind == KindSubnet || a.kind == KindSubnet && b.kind == KindVPC) && a.i == b.i {
		return "", false
	}
	lo, hi := min(a.kind, b.kind), max(a.kind, b.kind)
	switch {
	case lo == KindIDC && hi == KindIDC && kind == cidr.Contains:
		// A more-specific IDC segment inside a larger one can be
		// deliberate (a site inside the company block), but it is
		// advertised twice and usually a mistake.
		return plan.SeverityWarning, true
	case lo == KindIDC && (hi == KindInterconnect || hi == KindTunnel):
		// Interconnects are often carved from the IDC's own space; that
		// works as long as the IDC does not also use those addresses.
		return plan.SeverityWarning, true
	}
	return plan.SeverityError, true
}

// overlapCode is address.duplicate.K1-K2 (kinds in BlockKind order) or
// address.contains.OUTER-INNER.
func overlapCode(a, b block, kind cidr.OverlapKind) string {
	if kind == cidr.Duplicate {
		lo, hi := min(a.kind, b.kind), max(a.kind, b.kind)
		return "address.duplicate." + lo.String() + "-" + hi.String()
	}
	return "address.contains." + a.kind.String() + "-" + b.kind.String()
}

func (c *checker) checkOverlaps(blocks *blockSet) {
	listed, unlisted, scanned := 0, 0, 0
	worst := plan.SeverityInfo
	// The outer block's attachment, looked up once per outer block: a VPC
	// CIDR comes with all its subnets in a row.
	outer, r := -1, attRange{}
	for o := range blocks.sweep.Overlaps() {
		if o.A != outer {
			outer, r = o.A, blocks.rangeAt(o.A)
		}
		if r.ownVPC(o.A, o.B) {
			continue // a subnet inside its own VPC: most pairs of a clean plan
		}
		a, b := blocks.at(o.A), blocks.at(o.B)
		sev, ok := overlapSeverity(a, b, o.Kind)
		if !ok {
			continue
		}
		if listed >= maxOverlapFindings {
			unlisted++
			if sev == plan.SeverityError || sev == plan.SeverityWarning && worst == plan.SeverityInfo {
				worst = sev
			}
			if scanned++; scanned >= maxOverlapScan {
				break
			}
			continue
		}
		listed++
		// The finding sits on the block to change: the VPC side of an
		// IDC–VPC conflict (the IDC exists, the VPC is being planned),
		// otherwise the inner or later block.
		move, keep := b, a
		if b.kind == KindIDC && a.kind != KindIDC {
			move, keep = a, b
		}
		var msg string
		if o.Kind == cidr.Duplicate {
			msg = fmtlite.Sprintf("%s is the same block as %s", move.describe(c.p), keep.describe(c.p))
		} else {
			msg = fmtlite.Sprintf("%s lies inside %s", b.describe(c.p), a.describe(c.p))
		}
		msg += ": " + overlapConsequence(a, b)
		hint := ""
		if o.Kind == cidr.Duplicate && a.kind == b.kind && a.kind == KindIDC {
			// Two names for one IDC block: one of them is redundant.
			hint = "remove one of the two segments, or give this one the block it was meant to have"
		} else {
			if free, ok := c.freeSpace().suggest(move, move.prefix.Bits()); ok {
				hint = fmtlite.Sprintf("move the %s to %s, which is free", move.kind.label(), free)
				if sev == plan.SeverityWarning {
					hint = "if that is deliberate, nothing needs to change; otherwise " + hint
				}
			}
		}
		switch {
		case hint != "":
		case sev == plan.SeverityWarning:
			hint = "if that is deliberate, nothing needs to change; otherwise give one of the two other addresses"
		default:
			hint = "give one of the two other addresses so that they do not overlap"
		}
		c.add(sev, overlapCode(a, b, o.Kind), move.path(), msg, hint, keep.path())
	}
	if unlisted > 0 {
		msg := fmtlite.Sprintf("%d more overlapping pairs of address blocks are not listed; only the first %d are", unlisted, maxOverlapFindings)
		if scanned >= maxOverlapScan {
			msg = fmtlite.Sprintf("the plan has %d overlapping pairs of address blocks (subnets inside their own VPC included); only the first %d problems are listed",
				blocks.sweep.Count(), maxOverlapFindings)
		}
		c.add(worst, CodeAddressOverlapsNotListed, "$", msg, "fix the listed overlaps and validate again")
	}
}

func overlapConsequence(x, y block) string {
	lo, hi := min(x.kind, y.kind), max(x.kind, y.kind)
	sameVPC := lo >= KindVPC && hi <= KindSubnet && x.i == y.i
	switch {
	case sameVPC && lo == KindSubnet:
		return "subnets of one VPC cannot share addresses"
	case sameVPC:
		return "the VPC lists the same addresses twice"
	case lo == KindIDC && hi == KindIDC:
		return "the IDC advertises the addresses twice"
	case lo == KindIDC && (hi == KindVPC || hi == KindSubnet):
		return "the IDC and the VPC would claim the same addresses and traffic to them cannot reach both"
	case lo == KindIDC:
		return "make sure the IDC does not use these addresses elsewhere"
	case hi == KindVPC || hi == KindSubnet:
		return "the border gateway cannot tell which VPC the addresses belong to"
	case lo == KindVPC || lo == KindSubnet:
		return "the VPC's addresses would be shadowed by a BGP peering block"
	}
	return "BGP peering blocks must be unique on the border gateway"
}

// freeSpace finds free blocks for hints, remembering what it suggested so
// that two hints never offer the same block.
type freeSpace struct {
	c      *checker
	blocks *blockSet
	// used is every block, aggregated once so that each search is linear
	// in the used space; suggestions are appended (FreeBlock sorts only
	// the blocks inside its range).
	used []netip.Prefix
	// suggested counts the suggestions at the end of used; searches counts
	// every search, found or not, against maxFreeHints.
	suggested, searches int
}

// freeSpace returns the checker's free-space finder, built on first use:
// plans without problems never pay for it.
func (c *checker) freeSpace() *freeSpace {
	if c.free == nil {
		c.free = newFreeSpace(c, c.blocks)
	}
	return c.free
}

func newFreeSpace(c *checker, blocks *blockSet) *freeSpace {
	used := make([]netip.Prefix, 0, blocks.n)
	blocks.each(func(_ int, b block) { used = append(used, b.prefix) })
	return &freeSpace{c: c, blocks: blocks, used: cidr.Aggregate(used)}
}

var rfc1918 = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"), netip.MustParsePrefix("192.168.0.0/16")}

// suggest returns a free block of b's length where b could move: inside
// its own VPC for a subnet, inside the profile's allowed ranges for an
// interconnect or a tunnel, private space for the rest (near the block for
// IPv6), preferring the range the block is in now.
func (f *freeSpace) suggest(b block, bits int) (netip.Prefix, bool) {
	if f.searches >= maxFreeHints {
		return netip.Prefix{}, false
	}
	f.searches++
	used := f.used
	var ranges []netip.Prefix
	switch {
	case b.kind == KindSubnet:
		// The subnet's own VPC CIDRs are where it must go, so they do not
		// count as used; everything else, other subnets included, does.
		ranges = f.c.p.BorderGateway.Attachments[b.i].CIDRs
		used = make([]netip.Prefix, 0, f.blocks.n)
		f.blocks.each(func(_ int, o block) {
			if !(o.kind == KindVPC && o.i == b.i) {
				used = append(used, o.prefix)
			}
		})
		used = append(used, f.used[len(f.used)-f.suggested:]...)
	case b.ipv6 || b.prefix.Addr().Is6():
		// Stay near the block: the block 16 bits shorter around it.
		outer, _ := b.prefix.Addr().Prefix(max(b.prefix.Bits()-16, 0))
		ranges = []netip.Prefix{outer}
	case b.kind == KindInterconnect:
		ranges = f.c.prof.Interconnect.Allowed
	case b.kind == KindTunnel:
		ranges = f.c.prof.Tunnel.InsideAllowed
	default:
		ranges = rfc1918
	}
	ranges = slices.Clone(ranges)
	slices.SortStableFunc(ranges, func(x, y netip.Prefix) int {
		return boolRank(!cidr.Covers(x, b.prefix)) - boolRank(!cidr.Covers(y, b.prefix))
	})
	for _, within := range ranges {
		if p, ok := cidr.FreeBlock(used, within, bits); ok {
			f.used = append(f.used, p)
			f.suggested++
			return p, true
		}
	}
	return netip.Prefix{}, false
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
