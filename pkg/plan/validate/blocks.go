package validate

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"

	"github.com/hybridplan/hybridplan/pkg/cidr"
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
		return fmt.Sprintf("IDC segment %s %s", plan.Quote(p.IDC.Segments[b.i].Name), b.prefix)
	case KindVPC:
		return fmt.Sprintf("VPC %s CIDR %s", plan.Quote(p.BorderGateway.Attachments[b.i].VPCName), b.prefix)
	case KindSubnet:
		a := p.BorderGateway.Attachments[b.i]
		return fmt.Sprintf("subnet %s %s of VPC %s", plan.Quote(a.Subnets[b.j].Name), b.prefix, plan.Quote(a.VPCName))
	case KindInterconnect:
		return fmt.Sprintf("interconnect %s of interface %s", b.prefix, plan.Quote(p.DirectConnection.Interfaces[b.i].Name))
	}
	return fmt.Sprintf("tunnel inside block %s of tunnel %s", b.prefix, plan.Quote(p.VPN.Tunnels[b.i].Name))
}

// loc is where a block sits in the plan, packed small: plans reach 100k
// blocks and the WebAssembly garbage collector feels every byte.
type loc struct {
	kind BlockKind
	ipv6 bool
	i, j int32
}

// blockSet is every address block of the plan: entries for the overlap
// sweep (Ref is the index) and, in parallel, where each one sits.
type blockSet struct {
	entries []cidr.Entry
	locs    []loc
}

func (s *blockSet) add(p netip.Prefix, kind BlockKind, i, j int, ipv6 bool) {
	if !p.IsValid() {
		// Missing blocks are reported by checkMissingBlocks and take no
		// room here: a plan of a million nulls stays small.
		return
	}
	// Filled in place: appending an Entry value (it holds a pointer)
	// copies it with a bulk write barrier while the collector marks.
	s.entries = append(s.entries, cidr.Entry{})
	e := &s.entries[len(s.entries)-1]
	e.Prefix, e.Ref = p, len(s.entries)-1
	s.locs = append(s.locs, loc{kind: kind, ipv6: ipv6, i: int32(i), j: int32(j)})
}

func (s *blockSet) at(n int) block {
	l := s.locs[n]
	return block{prefix: s.entries[n].Prefix, kind: l.kind, i: int(l.i), j: int(l.j), ipv6: l.ipv6}
}

// valid is 1 for a block that is there, 0 for a missing one.
func valid(p netip.Prefix) int {
	if p.IsValid() {
		return 1
	}
	return 0
}

// collectBlocks lists every address block of the plan. Strategy prefixes
// (overrides, VPN aggregates) are advertisements, not blocks: the strategy
// package checks them.
func collectBlocks(p *plan.Plan) *blockSet {
	// Sized exactly for the blocks present (the lists may be mostly
	// null): growing a 100k-entry list copies it again and again, which
	// WebAssembly pays dearly for.
	n := 0
	// Loops index the lists: ranging over them by value copies every
	// segment and subnet, a memmove each under WebAssembly.
	for i := range p.IDC.Segments {
		n += valid(p.IDC.Segments[i].CIDR)
	}
	for i := range p.BorderGateway.Attachments {
		a := &p.BorderGateway.Attachments[i]
		for _, c := range a.CIDRs {
			n += valid(c)
		}
		for j := range a.Subnets {
			n += valid(a.Subnets[j].CIDR)
		}
	}
	if dc := p.DirectConnection; dc != nil {
		for _, f := range dc.Interfaces {
			n += valid(f.Interconnect) + valid(f.InterconnectIPv6)
		}
	}
	if v := p.VPN; v != nil {
		for _, t := range v.Tunnels {
			n += valid(t.InsideCIDR) + valid(t.InsideCIDRIPv6)
		}
	}
	s := &blockSet{entries: make([]cidr.Entry, 0, n), locs: make([]loc, 0, n)}
	for i := range p.IDC.Segments {
		s.add(p.IDC.Segments[i].CIDR, KindIDC, i, 0, false)
	}
	for i := range p.BorderGateway.Attachments {
		a := &p.BorderGateway.Attachments[i]
		for j, c := range a.CIDRs {
			s.add(c, KindVPC, i, j, false)
		}
		for j := range a.Subnets {
			s.add(a.Subnets[j].CIDR, KindSubnet, i, j, false)
		}
	}
	if dc := p.DirectConnection; dc != nil {
		for i, f := range dc.Interfaces {
			s.add(f.Interconnect, KindInterconnect, i, 0, false)
			if f.InterconnectIPv6.IsValid() {
				s.add(f.InterconnectIPv6, KindInterconnect, i, 0, true)
			}
		}
	}
	if v := p.VPN; v != nil {
		for i, t := range v.Tunnels {
			s.add(t.InsideCIDR, KindTunnel, i, 0, false)
			if t.InsideCIDRIPv6.IsValid() {
				s.add(t.InsideCIDRIPv6, KindTunnel, i, 0, true)
			}
		}
	}
	return s
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

// checkBlocks reports missing and non-canonical blocks, subnets outside
// their VPC, and every overlapping pair of blocks.
func (c *checker) checkBlocks() {
	blocks := collectBlocks(c.p)
	c.blocks = blocks
	c.checkMissingBlocks()
	for n := range blocks.entries {
		b := blocks.at(n)
		c.checkSpecial(b)
		if canon, ok := cidr.Canonical(b.prefix); !ok {
			// An error, not a warning: a plan that provisions must say
			// exactly which block it means, and 10.0.0.1/16 reads as a
			// typo for either 10.0.0.0/16 or 10.0.0.0/24.
			c.err(CodeAddressNonCanonical, b.path(),
				fmt.Sprintf("%s has host bits set: the block it denotes is %s", b.prefix, canon),
				fmt.Sprintf("write %s, or fix the prefix length if another block was meant", canon))
		}
	}
	c.checkSubnetsInsideVPC()
	c.checkOverlaps(blocks)
}

// checkMissingBlocks reports every required address block left out (the
// optional IPv6 fields are not required). It walks the plan instead of
// storing the missing blocks, and stops building findings at the cap.
func (c *checker) checkMissingBlocks() {
	missing := func(p netip.Prefix, b block) {
		if p.IsValid() {
			return
		}
		if c.full(CodeAddressMissing) {
			c.col.Count(CodeAddressMissing, plan.SeverityError)
			return
		}
		c.err(CodeAddressMissing, b.path(), fmt.Sprintf("the %s has no address block", b.kind.label()), `give one such as "10.1.0.0/16"`)
	}
	p := c.p
	for i := range p.IDC.Segments {
		missing(p.IDC.Segments[i].CIDR, block{kind: KindIDC, i: i})
	}
	for i := range p.BorderGateway.Attachments {
		a := &p.BorderGateway.Attachments[i]
		for j, q := range a.CIDRs {
			missing(q, block{kind: KindVPC, i: i, j: j})
		}
		for j := range a.Subnets {
			missing(a.Subnets[j].CIDR, block{kind: KindSubnet, i: i, j: j})
		}
	}
	if dc := p.DirectConnection; dc != nil {
		for i, f := range dc.Interfaces {
			missing(f.Interconnect, block{kind: KindInterconnect, i: i})
		}
	}
	if v := p.VPN; v != nil {
		for i, t := range v.Tunnels {
			missing(t.InsideCIDR, block{kind: KindTunnel, i: i})
		}
	}
}

// checkSubnetsInsideVPC: every subnet lies inside one of its VPC's CIDRs.
func (c *checker) checkSubnetsInsideVPC() {
	for i, a := range c.p.BorderGateway.Attachments {
		if len(a.Subnets) == 0 {
			continue
		}
		// A subnet lies in one CIDR, never across two adjacent ones, so the
		// CIDRs are not aggregated; dropping those inside another leaves
		// disjoint sorted blocks, where one binary search per subnet finds
		// the only CIDR that can hold it.
		vpc := outermost(a.CIDRs)
		for j := range a.Subnets {
			s := &a.Subnets[j]
			if !s.CIDR.IsValid() {
				continue
			}
			k, _ := slices.BinarySearchFunc(vpc, s.CIDR.Masked().Addr(), func(p netip.Prefix, t netip.Addr) int {
				return p.Addr().Compare(t)
			})
			inside := (k < len(vpc) && cidr.Covers(vpc[k], s.CIDR)) || (k > 0 && cidr.Covers(vpc[k-1], s.CIDR))
			if inside {
				continue
			}
			related := make([]string, len(a.CIDRs))
			for m := range a.CIDRs {
				related[m] = block{kind: KindVPC, i: i, j: m}.path()
			}
			c.add(plan.SeverityError, CodeSubnetOutsideVPC, block{kind: KindSubnet, i: i, j: j}.path(),
				fmt.Sprintf("subnet %s %s is not inside any CIDR of VPC %s (%s)", plan.Quote(s.Name), s.CIDR, plan.Quote(a.VPCName), prefixList(a.CIDRs)),
				"a subnet is carved from its VPC's CIDRs: change the subnet or add its block to the VPC's cidrs", related...)
		}
	}
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
	entries := blocks.entries
	listed, unlisted, scanned := 0, 0, 0
	worst := plan.SeverityInfo
	for o := range cidr.AllOverlaps(entries) {
		a, b := blocks.at(o.A.Ref), blocks.at(o.B.Ref)
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
			msg = fmt.Sprintf("%s is the same block as %s", move.describe(c.p), keep.describe(c.p))
		} else {
			msg = fmt.Sprintf("%s lies inside %s", b.describe(c.p), a.describe(c.p))
		}
		msg += ": " + overlapConsequence(a, b)
		hint := ""
		if o.Kind == cidr.Duplicate && a.kind == b.kind && a.kind == KindIDC {
			// Two names for one IDC block: one of them is redundant.
			hint = "remove one of the two segments, or give this one the block it was meant to have"
		} else {
			if free, ok := c.freeSpace().suggest(move, move.prefix.Bits()); ok {
				hint = fmt.Sprintf("move the %s to %s, which is free", move.kind.label(), free)
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
		msg := fmt.Sprintf("%d more overlapping pairs of address blocks are not listed; only the first %d are", unlisted, maxOverlapFindings)
		if scanned >= maxOverlapScan {
			msg = fmt.Sprintf("the plan has %d overlapping pairs of address blocks (subnets inside their own VPC included); only the first %d problems are listed",
				cidr.CountOverlaps(entries), maxOverlapFindings)
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
	used := make([]netip.Prefix, 0, len(blocks.entries))
	for _, e := range blocks.entries {
		if e.Prefix.IsValid() {
			used = append(used, e.Prefix)
		}
	}
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
		used = make([]netip.Prefix, 0, len(f.blocks.entries))
		for n, e := range f.blocks.entries {
			if l := f.blocks.locs[n]; e.Prefix.IsValid() && !(l.kind == KindVPC && int(l.i) == b.i) {
				used = append(used, e.Prefix)
			}
		}
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
