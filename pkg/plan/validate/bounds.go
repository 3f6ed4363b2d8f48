package validate

// Rules added for issue 13 (one verdict): hard limits on what a plan holds,
// JD Cloud's naming rules, the strategy's numbers, and special-purpose and
// IPv4-mapped addresses.

import (
	"net/netip"
	"unicode/utf8"

	"github.com/hybridplan/hybridplan/pkg/cidr"
	"github.com/hybridplan/hybridplan/pkg/fmtlite"
	"github.com/hybridplan/hybridplan/pkg/plan"
)

// checkLimits reports a plan over one of plan's hard limits
// (plan.LimitBreaches), as the code "limit.NAME". The limits do not move
// with the profile; the strategy refuses to compute a plan over them, so
// these errors are what a user sees.
func (c *checker) checkLimits() {
	for _, b := range c.p.LimitBreaches() {
		c.err("limit."+b.Name, b.Path, fmtlite.Sprintf("the plan has %d %s; the planner handles at most %d", b.Count, b.What, b.Limit),
			"split the design into several plans, or aggregate: no JD Cloud border gateway takes this many")
	}
}

// checkNaming applies JD Cloud's rules for the names and descriptions of
// the resources the plan provisions (plan.ValidResourceName), the same
// rules provisioning applies. Empty names are name.missing.
func (c *checker) checkNaming() {
	p := c.p
	if n := utf8.RuneCountInString(p.Name); n > plan.MaxPlanNameRunes {
		c.err(CodePlanNameTooLong, "$.name", fmtlite.Sprintf("the plan's name is %d characters long; it goes into JD Cloud descriptions (at most %d characters after %q), so at most %d fit",
			n, plan.MaxDescriptionRunes, plan.DescriptionPrefix, plan.MaxPlanNameRunes), "shorten the name; put the details in description")
	}
	name := func(path, what, s string) {
		if s == "" || plan.ValidResourceName(s) {
			return
		}
		if c.full(CodeNameJDCloud) {
			c.col.Count(CodeNameJDCloud, plan.SeverityError)
			return
		}
		c.err(CodeNameJDCloud, path, fmtlite.Sprintf("%s name %s is not accepted by JD Cloud, which takes %s", what, plan.Quote(s), plan.ResourceNameRule),
			`rename it, e.g. "bgw-bj-prod"; spaces, dots and punctuation other than "_" and "-" are refused`)
	}
	name("$.borderGateway.name", "border gateway", p.BorderGateway.Name)
	if n := utf8.RuneCountInString(p.BorderGateway.Description); n > plan.MaxDescriptionRunes {
		c.err(CodeDescriptionTooLong, "$.borderGateway.description", fmtlite.Sprintf("the description is %d characters long; JD Cloud accepts at most %d", n, plan.MaxDescriptionRunes),
			"shorten it")
	}
	for i, a := range p.BorderGateway.Attachments {
		name(idx("$.borderGateway.attachments", i)+".name", "VPC attachment", a.Name)
	}
	if dc := p.DirectConnection; dc != nil {
		for i, f := range dc.Interfaces {
			name(idx("$.directConnection.interfaces", i)+".name", "private virtual interface", f.Name)
		}
	}
	if v := p.VPN; v != nil {
		name("$.vpn.customerGateway.name", "customer gateway", v.CustomerGateway.Name)
		name("$.vpn.connection.name", "VPN connection", v.Connection.Name)
	}
}

// checkStrategyValues: the strategy's numbers are in range, and a 0 that
// is written is honoured but explained (it used to mean the default).
func (c *checker) checkStrategyValues() {
	s := c.p.Strategy
	if ps := s.PrefixSplit; ps != nil && ps.ExtraBits != nil {
		const path = "$.strategy.prefixSplit.extraBits"
		switch v := *ps.ExtraBits; {
		case v < 0 || v > cidr.MaxSplitBits:
			c.err(CodeStrategyExtraBits, path, fmtlite.Sprintf("extraBits %d is outside 0–%d", v, cidr.MaxSplitBits),
				fmtlite.Sprintf("1 (two halves per segment, the default) is enough for longest-prefix match to prefer Direct Connection; each extra bit doubles the routes the border gateway learns (quota: %d)", c.prof.Quotas.DynamicRoutesPerBorderGateway))
		case v == 0 && s.Mode == plan.StrategyPrefixSplit:
			c.warn(CodeStrategySplitNone, path, "extraBits 0 splits nothing: Direct Connection and the VPN carry the same prefixes, and only the border gateway's next-hop type rule keeps Direct Connection primary",
				"remove extraBits for the default 1, or use mode \"as-path\" if equal prefixes are meant")
		}
	}
	if ap := s.ASPath; ap != nil && ap.Prepend != nil {
		const path = "$.strategy.asPath.prepend"
		switch v := *ap.Prepend; {
		case v < 0 || v > plan.MaxPrepend:
			c.err(CodeStrategyPrepend, path, fmtlite.Sprintf("prepend %d is outside 0–%d", v, plan.MaxPrepend),
				fmtlite.Sprintf("%d (the default) is plenty: the border gateway ranks next-hop types before AS_PATH length, and routers drop paths longer than their maxas-limit", plan.DefaultPrepend))
		case v == 0 && s.Mode == plan.StrategyASPath:
			c.warn(CodeStrategyPrependNone, path, "prepend 0 adds nothing to the VPN's AS_PATH: only the border gateway's next-hop type rule keeps Direct Connection primary",
				fmtlite.Sprintf("remove prepend for the default %d", plan.DefaultPrepend))
		}
	}
	if ps := s.PrefixSplit; ps != nil {
		for k, o := range ps.Overrides {
			op := idx("$.strategy.prefixSplit.overrides", k)
			for m, q := range o.DirectConnection {
				c.checkStrategyPrefix(idx(op+".directConnection", m), q)
			}
			for m, q := range o.VPN {
				c.checkStrategyPrefix(idx(op+".vpn", m), q)
			}
		}
		for j, q := range ps.VPNAggregates {
			c.checkStrategyPrefix(idx("$.strategy.prefixSplit.vpnAggregates", j), q)
		}
	}
}

// checkStrategyPrefix: an advertisement is a real prefix, not IPv4-mapped.
func (c *checker) checkStrategyPrefix(path string, q netip.Prefix) {
	switch {
	case !q.IsValid():
		c.err(CodeAddressMissing, path, "the strategy lists an empty prefix", `give one such as "10.1.0.0/17", or remove it`)
	case q.Addr().Is4In6():
		c.mapped(path, q)
	}
}

// mapped reports an IPv4-mapped IPv6 prefix. The planner refuses rather
// than unmaps them: ::ffff:10.0.0.0/104 reads as IPv6 to routers and to
// JD Cloud, which would not match the IPv4 traffic the user means.
func (c *checker) mapped(path string, q netip.Prefix) {
	if c.full(CodeAddressMapped) {
		c.col.Count(CodeAddressMapped, plan.SeverityError)
		return
	}
	hint := "write the IPv4 block itself"
	if q.Bits() >= 96 {
		hint = fmtlite.Sprintf("write %s", netip.PrefixFrom(q.Addr().Unmap(), q.Bits()-96).Masked())
	}
	c.err(CodeAddressMapped, path, fmtlite.Sprintf("%s is an IPv4-mapped IPv6 prefix: routers and JD Cloud treat it as IPv6, not as the IPv4 block it names", q), hint)
}

// specialRange is a special-purpose block (RFC 6890 and its IPv6
// counterparts) with what it is.
type specialRange struct {
	prefix netip.Prefix
	what   string
	// doc marks documentation and benchmarking ranges: a warning (examples
	// and drafts use them), and only for blocks inside them.
	doc bool
}

var specialRanges = func() []specialRange {
	r := func(s, what string, doc bool) specialRange {
		return specialRange{netip.MustParsePrefix(s), what, doc}
	}
	return []specialRange{
		r("0.0.0.0/8", "the unspecified (\"this network\") range 0.0.0.0/8", false),
		r("127.0.0.0/8", "the loopback range 127.0.0.0/8", false),
		r("169.254.0.0/16", "the link-local range 169.254.0.0/16", false),
		r("224.0.0.0/4", "the multicast range 224.0.0.0/4", false),
		r("240.0.0.0/4", "the reserved range 240.0.0.0/4 (with the broadcast address)", false),
		r("::/128", "the unspecified address ::", false),
		r("::1/128", "the loopback address ::1", false),
		r("fe80::/10", "the IPv6 link-local range fe80::/10", false),
		r("ff00::/8", "the IPv6 multicast range ff00::/8", false),
		r("192.0.2.0/24", "the documentation range 192.0.2.0/24 (TEST-NET-1)", true),
		r("198.51.100.0/24", "the documentation range 198.51.100.0/24 (TEST-NET-2)", true),
		r("203.0.113.0/24", "the documentation range 203.0.113.0/24 (TEST-NET-3)", true),
		r("198.18.0.0/15", "the benchmarking range 198.18.0.0/15", true),
		r("2001:db8::/32", "the IPv6 documentation range 2001:db8::/32", true),
		r("3fff::/20", "the IPv6 documentation range 3fff::/20", true),
	}
}()

// specialV4 is the IPv4 ranges of specialRanges as first and last
// address: checkSpecial's quick test that an IPv4 block touches none of
// them, without netip's 128-bit arithmetic (slow under WebAssembly).
var specialV4 = func() (out [][2]uint32) {
	for _, r := range specialRanges {
		if r.prefix.Addr().Is4() {
			first, last := v4Span(r.prefix)
			out = append(out, [2]uint32{first, last})
		}
	}
	return out
}()

// specialOctet marks each first octet whose /8 some special IPv4 range
// touches: a block inside one unmarked /8 touches none (addPlain).
var specialOctet = func() (out [256]bool) {
	for _, r := range specialV4 {
		for o := r[0] >> 24; o <= r[1]>>24; o++ {
			out[o] = true
		}
	}
	return out
}()

// specialTop16 is a bit set of the first 16 bits of IPv6 addresses whose
// /16 some special IPv6 range touches: a block inside one unmarked /16
// touches none (addPlain). IPv4-mapped blocks are refused before it.
var specialTop16 = func() (out [1 << 16 / 64]uint64) {
	for _, r := range specialRanges {
		if r.prefix.Addr().Is4() {
			continue
		}
		b := r.prefix.Masked().Addr().As16()
		first := uint32(b[0])<<8 | uint32(b[1])
		last := first | (1<<max(16-r.prefix.Bits(), 0) - 1)
		for t := first; t <= last; t++ {
			out[t>>6] |= 1 << (t & 63)
		}
	}
	return out
}()

// v4Span is an IPv4 prefix's first and last address (host bits ignored).
func v4Span(q netip.Prefix) (first, last uint32) {
	a := q.Addr().As4()
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	host := uint32(1<<(32-q.Bits())) - 1 // a /0 shifts by 32: 0, so host is all ones
	return v &^ host, v | host
}

// touchesSpecialV4 reports whether IPv4 block q overlaps any special
// range: lying in one or covering one both need that.
func touchesSpecialV4(q netip.Prefix) bool {
	first, last := v4Span(q)
	for _, r := range specialV4 {
		if first <= r[1] && r[0] <= last {
			return true
		}
	}
	return false
}

// checkSpecial reports a block that is IPv4-mapped, or that lies in (or,
// for the non-documentation ranges, covers) a special-purpose range: such
// addresses are never routed between an IDC and a VPC. IPv4 interconnect
// and tunnel inside blocks are left to the profile's allowed ranges
// (169.254.0.0/20 is allowed for tunnels). One finding per block.
func (c *checker) checkSpecial(b block) {
	q := b.prefix
	if q.Addr().Is4In6() {
		if !b.ipv6 { // the IPv6 fields' family check already refuses it
			c.mapped(b.path(), q)
		}
		return
	}
	if (b.kind == KindInterconnect || b.kind == KindTunnel) && !b.ipv6 {
		// The profile's allowed ranges govern these (dc.interconnect-range,
		// vpn.inside-range), 169.254.0.0/20 for tunnels included.
		return
	}
	if q.Addr().Is4() && !touchesSpecialV4(q) {
		return // most blocks: one integer test instead of the loop below
	}
	for _, r := range specialRanges {
		inside := cidr.Covers(r.prefix, q)
		if !inside && (r.doc || !q.Overlaps(r.prefix)) {
			continue
		}
		code, sev := CodeAddressSpecial, plan.SeverityError
		if r.doc {
			code, sev = CodeAddressDocumentation, plan.SeverityWarning
		}
		if c.full(code) {
			c.col.Count(code, sev)
			return
		}
		verb := "lies in"
		if !inside {
			verb = "covers"
		}
		msg := fmtlite.Sprintf("%s %s %s %s, which is never routed between an IDC and a VPC", b.kind.label(), q, verb, r.what)
		hint := "use the addresses the network really has (private space such as 10.0.0.0/8 for a VPC)"
		if r.doc {
			msg = fmtlite.Sprintf("%s %s %s %s: fine for an example, but no real network uses it", b.kind.label(), q, verb, r.what)
			hint = "replace it with the real block before provisioning"
		}
		c.add(sev, code, b.path(), msg, hint)
		return
	}
}
