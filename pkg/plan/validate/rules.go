package validate

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hybridplan/hybridplan/pkg/cidr"
	"github.com/hybridplan/hybridplan/pkg/fmtlite"
	"github.com/hybridplan/hybridplan/pkg/plan"
)

// isRegionID reports whether s has JD Cloud's region id shape: two or more
// lower-case letters, a dash, lower-case letters, a dash, digits
// ("cn-north-1", "cn-east-2"). Written out rather than as a regular
// expression: regexp would add half a megabyte to the WebAssembly core.
func isRegionID(s string) bool {
	parts := strings.Split(s, "-")
	return len(parts) == 3 && len(parts[0]) >= 2 &&
		allOf(parts[0], isLower) && allOf(parts[1], isLower) && allOf(parts[2], isDigit)
}

// allOf reports whether s is non-empty and every byte satisfies ok.
func allOf(s string, ok func(byte) bool) bool {
	for i := range len(s) {
		if !ok(s[i]) {
			return false
		}
	}
	return s != ""
}

func isLower(b byte) bool { return 'a' <= b && b <= 'z' }
func isDigit(b byte) bool { return '0' <= b && b <= '9' }

func idx(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// checkNames reports missing names and names used twice among n items of
// one kind. The later item carries a duplicate; Related names the first.
func (c *checker) checkNames(what string, n int, name func(int) string, path func(int) string) {
	t := &c.names
	t.reset(n, probeBound(n))
	for i := range n {
		s := name(i)
		if blank(s) {
			if c.full(CodeNameMissing) {
				c.col.Count(CodeNameMissing, plan.SeverityError)
				continue
			}
			c.err(CodeNameMissing, path(i), fmtlite.Sprintf("the %s has no name", what),
				"give it a name that says what it is; findings, exports and the provisioning log refer to it")
			continue
		}
		if j := t.add(s, i, name); j >= 0 {
			if c.full(CodeNameDuplicate) {
				c.col.Count(CodeNameDuplicate, plan.SeverityError)
				continue
			}
			c.err(CodeNameDuplicate, path(i), fmtlite.Sprintf("%s name %s is already used by another %s", what, plan.Quote(s), what),
				"names identify items in findings, strategy overrides and exports: make each one unique", path(j))
		}
	}
}

// blank reports whether s is empty or only white space, as
// strings.TrimSpace(s) == "" does, without its call for the usual name
// that starts with a printable ASCII character.
func blank(s string) bool {
	if s != "" && s[0]-'!' < utf8.RuneSelf-'!' { // '!' ≤ s[0] < 0x80, as bytes wrap
		return false
	}
	return strings.TrimSpace(s) == ""
}

func (c *checker) checkProfile() {
	if c.p.Profile == nil {
		return // the defaults are known good
	}
	pr := c.prof
	ranges := []struct {
		path string
		r    plan.IntRange
	}{
		{"$.profile.asn.customer", pr.ASN.Customer},
		{"$.profile.asn.vpnLocal", pr.ASN.VPNLocal},
		{"$.profile.vlan", pr.VLAN},
		{"$.profile.tunnel.bandwidthMbps", pr.Tunnel.BandwidthMbps},
		{"$.profile.interconnect.bandwidthMbps", pr.Interconnect.BandwidthMbps},
		{"$.profile.healthCheck.nqaIntervalSeconds", pr.HealthCheck.NQAIntervalSeconds},
		{"$.profile.healthCheck.nqaCount", pr.HealthCheck.NQACount},
		{"$.profile.healthCheck.nqaTimeoutSeconds", pr.HealthCheck.NQATimeoutSeconds},
		{"$.profile.healthCheck.bfdIntervalMillis", pr.HealthCheck.BFDIntervalMillis},
		{"$.profile.healthCheck.bfdMultiplier", pr.HealthCheck.BFDMultiplier},
		{"$.profile.ike.lifetimeSeconds", pr.IKE.LifetimeSeconds},
		{"$.profile.ipsec.lifetimeSeconds", pr.IPsec.LifetimeSeconds},
	}
	def := plan.DefaultProfile()
	for _, l := range []struct {
		path      string
		bits, def int
	}{
		{"$.profile.interconnect.prefixLength", pr.Interconnect.PrefixLength, def.Interconnect.PrefixLength},
		{"$.profile.tunnel.insidePrefixLength", pr.Tunnel.InsidePrefixLength, def.Tunnel.InsidePrefixLength},
	} {
		// Both are IPv4 blocks with two usable addresses: /31 at most.
		if l.bits < 0 || l.bits > 31 {
			c.err(CodeProfilePrefixLength, l.path, fmtlite.Sprintf("prefix length %d cannot hold a customer and a JD Cloud address", l.bits),
				fmtlite.Sprintf("JD Cloud documents /%d; delete the override to use it", l.def))
		}
	}
	for _, r := range ranges {
		if r.r.Min > r.r.Max {
			c.err(CodeProfileRange, r.path, fmtlite.Sprintf("the range's min %d is above its max %d, so nothing is allowed", r.r.Min, r.r.Max),
				"swap them, or delete the override to use JD Cloud's documented range")
		}
	}
}

func (c *checker) checkPlan() {
	p := c.p
	if strings.TrimSpace(p.Name) == "" {
		c.err(CodePlanNameMissing, "$.name", "the plan has no name", "name it after the site and the VPC, e.g. \"beijing-idc-to-prod\"")
	}
	switch {
	case p.Region == "":
		c.err(CodePlanRegionMissing, "$.region", "the plan has no JD Cloud region", `give the region id, e.g. "cn-north-1"`)
	case !isRegionID(p.Region):
		c.warn(CodePlanRegionFormat, "$.region", fmtlite.Sprintf("region %s does not look like a JD Cloud region id", plan.Quote(p.Region)),
			`JD Cloud region ids look like "cn-north-1", "cn-east-2", "cn-south-1"`)
	}

	// IDC
	switch {
	case p.IDC.ASN == 0:
		c.err(CodeASNMissing, "$.idc.asn", "the IDC has no BGP ASN",
			fmtlite.Sprintf("give the customer router's private ASN, %s", rangeText(c.prof.ASN.Customer)))
	default:
		c.customerASN("$.idc.asn", "the IDC", p.IDC.ASN)
	}
	switch {
	case !p.IDC.RouterID.IsValid():
		c.err(CodeIDCRouterIDMissing, "$.idc.routerId", "the IDC router has no BGP router ID",
			"use the customer router's loopback address, e.g. \"10.255.255.1\"")
	case !p.IDC.RouterID.Is4():
		c.err(CodeIDCRouterIDNotIPv4, "$.idc.routerId", fmtlite.Sprintf("router ID %s is not IPv4: a BGP router ID is a 32-bit value written as an IPv4 address", p.IDC.RouterID),
			"use the router's IPv4 loopback address, even on an IPv6-only router")
	}
	if len(p.IDC.Segments) == 0 {
		c.err(CodeIDCSegmentsMissing, "$.idc.segments", "the IDC has no address segments, so there is nothing to connect",
			`list the IDC's address blocks, e.g. {"name": "servers", "cidr": "192.168.0.0/16"}`)
	}
	c.checkNames("IDC segment", len(p.IDC.Segments), func(i int) string { return p.IDC.Segments[i].Name },
		func(i int) string { return idx("$.idc.segments", i) + ".name" })

	// Border gateway
	if strings.TrimSpace(p.BorderGateway.Name) == "" {
		c.err(CodeNameMissing, "$.borderGateway.name", "the border gateway has no name", "name it, e.g. \"bgw-bj\"")
	}
	if asn := p.BorderGateway.ASN; asn != 0 && asn != c.prof.ASN.BorderGateway {
		c.err(CodeASNBorderGateway, "$.borderGateway.asn",
			fmtlite.Sprintf("JD Cloud fixes the border gateway's ASN at %d; %d cannot be set", c.prof.ASN.BorderGateway, asn),
			"remove borderGateway.asn; if JD Cloud now lets you choose it, set profile.asn.borderGateway to the new value")
	}

	// Strategy
	s := p.Strategy
	switch s.Mode {
	case "":
		c.err(CodeStrategyModeMissing, "$.strategy.mode", "the plan does not say how Direct Connection is made primary",
			fmtlite.Sprintf("set strategy.mode to %q (more-specifics over Direct Connection) or %q (AS_PATH prepend on the VPN)", plan.StrategyPrefixSplit, plan.StrategyASPath))
	case plan.StrategyPrefixSplit:
		if s.ASPath != nil {
			c.warn(CodeStrategyIgnored, "$.strategy.asPath", "asPath options are ignored in prefix-split mode",
				"remove them, or set strategy.mode to \"as-path\" if that was meant")
		}
	case plan.StrategyASPath:
		if s.PrefixSplit != nil {
			c.warn(CodeStrategyIgnored, "$.strategy.prefixSplit", "prefixSplit options are ignored in as-path mode",
				"remove them, or set strategy.mode to \"prefix-split\" if that was meant")
		}
	default:
		c.err(CodeStrategyModeUnknown, "$.strategy.mode", fmtlite.Sprintf("strategy mode %s is not known", plan.Quote(s.Mode)),
			fmtlite.Sprintf("use %q or %q", plan.StrategyPrefixSplit, plan.StrategyASPath))
	}
}

// customerASN checks an ASN JD Cloud accepts from the customer side.
func (c *checker) customerASN(path, who string, asn uint32) {
	if r := c.prof.ASN.Customer; !r.Contains(int(asn)) {
		c.err(CodeASNCustomerRange, path, fmtlite.Sprintf("%s uses ASN %d; JD Cloud accepts customer ASNs %s", who, asn, rangeText(r)),
			fmtlite.Sprintf("pick a private ASN in %s (the customer router can keep another ASN internally and use local-as towards JD Cloud)", rangeText(r)))
	}
}

func (c *checker) checkAttachments() {
	bgw := c.p.BorderGateway
	const base = "$.borderGateway.attachments"
	if len(bgw.Attachments) == 0 {
		c.err(CodeAttachmentNone, base, "the border gateway attaches no VPC, so the IDC reaches nothing in JD Cloud",
			"add an attachment with the VPC's name and CIDRs")
		return
	}
	c.checkNames("attachment", len(bgw.Attachments), func(i int) string { return bgw.Attachments[i].Name },
		func(i int) string { return idx(base, i) + ".name" })
	byID, byName := map[string]int{}, map[string]int{}
	for i, a := range bgw.Attachments {
		ap := idx(base, i)
		if strings.TrimSpace(a.VPCName) == "" {
			c.err(CodeAttachmentVPCName, ap+".vpcName", "the attachment does not name its VPC", "give the VPC's name as in the JD Cloud console")
		} else if j, dup := byName[a.VPCName]; dup {
			c.err(CodeAttachmentVPCDup, ap+".vpcName", fmtlite.Sprintf("VPC %s is attached twice; JD Cloud allows one attachment per VPC and border gateway", plan.Quote(a.VPCName)),
				"merge the two attachments", idx(base, j)+".vpcName")
		} else {
			byName[a.VPCName] = i
		}
		if a.VPCID != "" {
			if j, dup := byID[a.VPCID]; dup {
				c.err(CodeAttachmentVPCDup, ap+".vpcId", fmtlite.Sprintf("VPC %s is attached twice; JD Cloud allows one attachment per VPC and border gateway", plan.Quote(a.VPCID)),
					"merge the two attachments", idx(base, j)+".vpcId")
			} else {
				byID[a.VPCID] = i
			}
		}
		if len(a.CIDRs) == 0 {
			c.err(CodeAttachmentCIDRs, ap+".cidrs", fmtlite.Sprintf("the attachment of VPC %s gives none of the VPC's CIDRs", plan.Quote(a.VPCName)),
				"list the VPC's address blocks, e.g. [\"10.0.0.0/16\"]")
		}
		c.checkNames("subnet", len(a.Subnets), func(j int) string { return a.Subnets[j].Name },
			func(j int) string { return idx(ap+".subnets", j) + ".name" })
		c.checkPropagation(ap, a)
	}
}

func (c *checker) checkPropagation(ap string, a plan.Attachment) {
	pp := ap + ".propagation"
	switch a.PropagationMode() {
	case plan.PropagateAll:
		if len(a.Propagation.Subnets) > 0 {
			c.warn(CodePropagationIgnored, pp+".subnets", "the listed subnets are ignored: mode \"all\" propagates every VPC CIDR",
				"set propagation.mode to \"subnets\" to propagate only these, or remove the list")
		}
	case plan.PropagateSubnets:
		if len(a.Propagation.Subnets) == 0 {
			c.err(CodePropagationEmpty, pp+".subnets", fmtlite.Sprintf("VPC %s propagates no subnet, so the IDC can reach none of it", plan.Quote(a.VPCName)),
				"list the subnets the IDC must reach, or use mode \"all\"")
		}
		names := make(map[string]bool, len(a.Subnets))
		for _, s := range a.Subnets {
			names[s.Name] = true
		}
		for k, name := range a.Propagation.Subnets {
			if !names[name] {
				c.err(CodePropagationUnknown, idx(pp+".subnets", k), fmtlite.Sprintf("subnet %s is not among VPC %s's subnets", plan.Quote(name), plan.Quote(a.VPCName)),
					"add the subnet to the attachment's subnets, or fix the name")
			}
		}
	default:
		c.err(CodePropagationMode, pp+".mode", fmtlite.Sprintf("propagation mode %s is not known", plan.Quote(a.Propagation.Mode)),
			fmtlite.Sprintf("use %q (every VPC CIDR) or %q (the listed subnets)", plan.PropagateAll, plan.PropagateSubnets))
	}
}

func (c *checker) checkPaths() {
	p := c.p
	switch {
	case p.DirectConnection == nil && p.VPN == nil:
		c.err(CodePathNone, "$", "the plan has neither a Direct Connection nor a VPN, so nothing connects the IDC to JD Cloud",
			"add directConnection (primary) and vpn (backup)")
	case p.DirectConnection == nil:
		c.warn(CodePathDCMissing, "$.directConnection", "the plan has no Direct Connection: the VPN carries everything and nothing takes over when it fails",
			"add the Direct Connection as the primary path")
	case p.VPN == nil:
		c.warn(CodePathVPNMissing, "$.vpn", "the plan has no VPN: nothing takes over when the Direct Connection fails",
			"add an IPsec VPN with BGP as the backup path")
	}
	if p.VPN != nil && !p.VPNBGPEnabled() {
		c.err(CodeVPNBGPDisabled, "$.vpn.connection.bgp", "the VPN connection does not run BGP; failover between Direct Connection and VPN needs BGP on both",
			"remove \"bgp\": false (JD Cloud enables BGP by default)")
	}
}

func (c *checker) checkDirectConnection() {
	dc := c.p.DirectConnection
	if dc == nil {
		return
	}
	const base = "$.directConnection"
	pr := c.prof
	if strings.TrimSpace(dc.ConnectionID) == "" {
		c.err(CodeDCConnectionID, base+".connectionId", "the Direct Connection names no physical connection",
			"give the id of the physical connection JD Cloud delivered, e.g. \"dc-xxxxxxxx\"")
	}
	if len(dc.Interfaces) == 0 {
		c.err(CodeDCInterfaces, base+".interfaces", "the Direct Connection has no private virtual interface, so no BGP session runs over it",
			"add an interface with a VLAN and a /30 interconnect (two, for redundancy)")
	}
	c.checkNames("private virtual interface", len(dc.Interfaces), func(i int) string { return dc.Interfaces[i].Name },
		func(i int) string { return idx(base+".interfaces", i) + ".name" })
	def := plan.DefaultProfile()
	vlans := map[int]int{}
	for i, f := range dc.Interfaces {
		fp := idx(base+".interfaces", i)
		switch {
		case !pr.VLAN.Contains(f.VLAN):
			hint := fmtlite.Sprintf("pick a VLAN in %s that the IDC's switch has free", rangeText(pr.VLAN))
			if f.VLAN == 1 {
				hint += "; JD Cloud's SDK accepts VLAN 1 though its documentation does not: if your account takes it, set profile.vlan.min to 1"
			}
			c.err(CodeDCVLANRange, fp+".vlan", fmtlite.Sprintf("VLAN %d is outside %s", f.VLAN, rangeText(pr.VLAN)), hint)
		case !def.VLAN.Contains(f.VLAN):
			c.info(CodeDCVLANUndocumented, fp+".vlan", fmtlite.Sprintf("VLAN %d is allowed by this plan's profile but outside JD Cloud's documented %s", f.VLAN, rangeText(def.VLAN)),
				"JD Cloud's SDK accepts it; the console may not")
		}
		if j, dup := vlans[f.VLAN]; dup {
			c.err(CodeDCVLANDuplicate, fp+".vlan", fmtlite.Sprintf("VLAN %d is already used by interface %s on this connection", f.VLAN, plan.Quote(dc.Interfaces[j].Name)),
				"each private virtual interface on a physical connection needs its own VLAN", idx(base+".interfaces", j)+".vlan")
		} else {
			vlans[f.VLAN] = i
		}
		switch r := pr.Interconnect.BandwidthMbps; {
		case f.BandwidthMbps < 0:
			c.err(CodeDCBandwidth, fp+".bandwidthMbps", fmtlite.Sprintf("bandwidth %d Mbps is negative", f.BandwidthMbps), "give the interface's bandwidth in Mbps, or leave it out")
		case f.BandwidthMbps != 0 && !r.Contains(f.BandwidthMbps):
			c.err(CodeDCBandwidthRange, fp+".bandwidthMbps", fmtlite.Sprintf("bandwidth %d Mbps is outside %s Mbps: a physical connection carries at most %d Mbps", f.BandwidthMbps, rangeText(r), r.Max),
				fmtlite.Sprintf("choose %s Mbps, or leave it out; if your port is faster, set profile.interconnect.bandwidthMbps", rangeText(r)))
		}
		c.checkInterconnect(fp, f)
		c.checkInterfaceASNs(fp, f)
		c.checkHealthCheck(fp+".healthCheck", f.HealthCheck)
	}
}

func allowedText(ps []netip.Prefix) string { return prefixList(ps) }

func coveredByAny(ps []netip.Prefix, p netip.Prefix) bool {
	return slices.ContainsFunc(ps, func(q netip.Prefix) bool { return cidr.Covers(q, p) })
}

// IPv6 interconnect and tunnel blocks are point-to-point: a /126 as a /30,
// or a /127 (RFC 6164). The profile has no IPv6 rule to override.
const (
	minIPv6PeerBits = 126
	maxIPv6PeerBits = 127
)

func (c *checker) checkInterconnect(fp string, f plan.PrivateInterface) {
	pr := c.prof.Interconnect
	if ic := f.Interconnect; ic.IsValid() {
		path := fp + ".interconnect"
		switch {
		case !ic.Addr().Is4():
			c.err(CodeDCFamily, path, fmtlite.Sprintf("interconnect %s is IPv6; this field is the IPv4 /%d", ic, pr.PrefixLength),
				"put the IPv6 block in interconnectIpv6 and an IPv4 block here")
		default:
			if ic.Bits() != pr.PrefixLength {
				c.err(CodeDCLength, path, fmtlite.Sprintf("interconnect %s is a /%d; JD Cloud uses a /%d per BGP session", ic, ic.Bits(), pr.PrefixLength),
					lengthHint(ic, pr.PrefixLength))
			}
			if !coveredByAny(pr.Allowed, ic) {
				c.err(CodeDCRange, path, fmtlite.Sprintf("interconnect %s is outside the ranges JD Cloud allows (%s)", ic, allowedText(pr.Allowed)),
					c.freeHint(block{prefix: ic, kind: KindInterconnect}, pr.PrefixLength, "take the interconnect from those ranges"))
			}
			cust, cloud := f.CustomerAddr(), f.CloudAddr()
			if !cust.IsValid() || !cloud.IsValid() || cust == cloud {
				c.err(CodeDCAddresses, path, fmtlite.Sprintf("interconnect %s has no two usable addresses for the customer router and JD Cloud", ic),
					fmtlite.Sprintf("use a /%d", pr.PrefixLength))
			}
		}
	}
	if ic := f.InterconnectIPv6; ic.IsValid() {
		path := fp + ".interconnectIpv6"
		switch {
		case !ic.Addr().Is6() || ic.Addr().Is4In6():
			c.err(CodeDCFamily, path, fmtlite.Sprintf("interconnectIpv6 %s is not an IPv6 block", ic), "put IPv4 in interconnect, an IPv6 /126 or /127 here")
		case ic.Bits() < minIPv6PeerBits || ic.Bits() > maxIPv6PeerBits:
			c.err(CodeDCLength, path, fmtlite.Sprintf("interconnectIpv6 %s is a /%d; a point-to-point IPv6 link is a /126 or /127", ic, ic.Bits()),
				fmtlite.Sprintf("use %s", netip.PrefixFrom(ic.Masked().Addr(), minIPv6PeerBits).Masked()))
		}
	}
}

// freeHint offers a free block of the given length where b's kind may go,
// or the fallback when there is none.
func (c *checker) freeHint(b block, bits int, fallback string) string {
	if p, ok := c.freeSpace().suggest(b, bits); ok {
		return fmtlite.Sprintf("use %s, which is free", p)
	}
	return fallback
}

// lengthHint suggests the block of the wanted length at p's address.
func lengthHint(p netip.Prefix, bits int) string {
	if q := netip.PrefixFrom(p.Masked().Addr(), bits); q.IsValid() {
		return fmtlite.Sprintf("use a /%d such as %s", bits, q.Masked())
	}
	return fmtlite.Sprintf("use a /%d", bits)
}

func (c *checker) checkInterfaceASNs(fp string, f plan.PrivateInterface) {
	p := c.p
	if f.CustomerASN != 0 {
		c.customerASN(fp+".customerAsn", fmtlite.Sprintf("interface %s", plan.Quote(f.Name)), f.CustomerASN)
		if p.IDC.ASN != 0 && f.CustomerASN != p.IDC.ASN {
			c.warn(CodeASNCustomerMismatch, fp+".customerAsn", fmtlite.Sprintf("interface %s uses ASN %d while the IDC uses %d", plan.Quote(f.Name), f.CustomerASN, p.IDC.ASN),
				"one customer router has one ASN towards JD Cloud; remove customerAsn unless another router terminates this interface", "$.idc.asn")
		}
	}
	if f.CloudASN != 0 && f.CloudASN != c.prof.ASN.DirectConnectionPeer {
		c.warn(CodeASNDCPeer, fp+".cloudAsn", fmtlite.Sprintf("JD Cloud's end of a private virtual interface uses ASN %d by this plan's profile, not %d", c.prof.ASN.DirectConnectionPeer, f.CloudASN),
			"remove cloudAsn unless JD Cloud told you otherwise; then set profile.asn.directConnectionPeer instead")
	}
	if cust, cloud := p.InterfaceCustomerASN(f), p.InterfaceCloudASN(f); cust != 0 && cust == cloud {
		c.err(CodeASNSameAsCloud, fp, fmtlite.Sprintf("interface %s peers ASN %d with itself; JD Cloud's side uses %d too", plan.Quote(f.Name), cust, cloud),
			fmtlite.Sprintf("use a customer ASN in %s other than %d", rangeText(c.prof.ASN.Customer), cloud))
	}
}

func (c *checker) checkHealthCheck(hp string, h plan.HealthCheck) {
	pr := c.prof.HealthCheck
	typ := h.Type
	if typ == "" {
		typ = plan.HealthCheckNone
	}
	switch typ {
	case plan.HealthCheckNone, plan.HealthCheckNQA, plan.HealthCheckBFD:
	default:
		c.err(CodeDCHealthType, hp+".type", fmtlite.Sprintf("health check type %s is not known", plan.Quote(h.Type)),
			fmtlite.Sprintf("use %q, %q or %q", plan.HealthCheckNone, plan.HealthCheckNQA, plan.HealthCheckBFD))
		return
	}
	if h.NQA != nil && typ != plan.HealthCheckNQA {
		c.warn(CodeDCHealthOptions, hp+".nqa", fmtlite.Sprintf("NQA timers are ignored: the health check type is %s", plan.Quote(typ)),
			"remove them, or set the type to \"nqa\"")
	}
	if h.BFD != nil && typ != plan.HealthCheckBFD {
		c.warn(CodeDCHealthOptions, hp+".bfd", fmtlite.Sprintf("BFD timers are ignored: the health check type is %s", plan.Quote(typ)),
			"remove them, or set the type to \"bfd\"")
	}
	inRange := func(code, path, what string, v int, r plan.IntRange, unit string) {
		if !r.Contains(v) {
			c.err(code, path, fmtlite.Sprintf("%s %d%s is outside %s%s", what, v, unit, rangeText(r), unit), fmtlite.Sprintf("choose %s in %s%s", what, rangeText(r), unit))
		}
	}
	switch typ {
	case plan.HealthCheckNQA:
		if h.NQA == nil {
			c.err(CodeDCHealthOptions, hp+".nqa", "the NQA health check has no timers",
				fmtlite.Sprintf("give intervalSeconds (%s), count (%s) and timeoutSeconds (%s)", rangeText(pr.NQAIntervalSeconds), rangeText(pr.NQACount), rangeText(pr.NQATimeoutSeconds)))
			return
		}
		inRange(CodeDCNQAInterval, hp+".nqa.intervalSeconds", "the NQA interval", h.NQA.IntervalSeconds, pr.NQAIntervalSeconds, " s")
		inRange(CodeDCNQACount, hp+".nqa.count", "the NQA probe count", h.NQA.Count, pr.NQACount, "")
		inRange(CodeDCNQATimeout, hp+".nqa.timeoutSeconds", "the NQA timeout", h.NQA.TimeoutSeconds, pr.NQATimeoutSeconds, " s")
	case plan.HealthCheckBFD:
		if h.BFD == nil {
			c.err(CodeDCHealthOptions, hp+".bfd", "the BFD health check has no timers",
				fmtlite.Sprintf("give minTxMillis and minRxMillis (%s) and multiplier (%s)", rangeText(pr.BFDIntervalMillis), rangeText(pr.BFDMultiplier)))
			return
		}
		inRange(CodeDCBFDInterval, hp+".bfd.minTxMillis", "the BFD transmit interval", h.BFD.MinTxMillis, pr.BFDIntervalMillis, " ms")
		inRange(CodeDCBFDInterval, hp+".bfd.minRxMillis", "the BFD receive interval", h.BFD.MinRxMillis, pr.BFDIntervalMillis, " ms")
		inRange(CodeDCBFDMultiplier, hp+".bfd.multiplier", "the BFD multiplier", h.BFD.Multiplier, pr.BFDMultiplier, "")
	}
}

// publicIP reports why a must not be used as a VPN public IP, or "".
func publicIP(a netip.Addr) string {
	switch {
	case !a.IsValid():
		return "is missing"
	case a.Is4In6():
		return "is an IPv4-mapped IPv6 address; write it as IPv4"
	case !a.IsGlobalUnicast():
		return "is not a unicast address reachable on the internet"
	case a.IsPrivate():
		return "is a private address; IPsec runs between public addresses"
	}
	return ""
}

func (c *checker) checkPublicIPs(path, owner string, ips []netip.Addr) {
	seen := make(map[netip.Addr]int, len(ips))
	for k, a := range ips {
		ip := idx(path, k)
		if why := publicIP(a); why != "" {
			c.err(CodeVPNPublicIPInvalid, ip, fmtlite.Sprintf("%s public IP %s %s", owner, a, why), "give the public address the IPsec peer uses")
			continue
		}
		if j, dup := seen[a]; dup {
			c.err(CodeVPNPublicIPDup, ip, fmtlite.Sprintf("%s public IP %s is listed twice", owner, a), "list each address once", idx(path, j))
			continue
		}
		seen[a] = k
	}
}

func (c *checker) checkVPN() {
	v := c.p.VPN
	if v == nil {
		return
	}
	p, pr := c.p, c.prof
	const base = "$.vpn"
	cgw, conn := v.CustomerGateway, v.Connection
	if strings.TrimSpace(cgw.Name) == "" {
		c.err(CodeNameMissing, base+".customerGateway.name", "the customer gateway has no name", "name it, e.g. \"cgw-bj\"")
	}
	if strings.TrimSpace(conn.Name) == "" {
		c.err(CodeNameMissing, base+".connection.name", "the VPN connection has no name", "name it, e.g. \"vpn-bj\"")
	}
	if !slices.Contains(pr.CustomerGatewayIPCounts, len(cgw.PublicIPs)) {
		c.err(CodeVPNCGWIPCount, base+".customerGateway.publicIps", fmtlite.Sprintf("the customer gateway has %d public IPs; JD Cloud accepts %s", len(cgw.PublicIPs), intsText(pr.CustomerGatewayIPCounts)),
			"list the IDC's VPN public addresses")
	}
	c.checkPublicIPs(base+".customerGateway.publicIps", "customer gateway", cgw.PublicIPs)
	if len(conn.CloudPublicIPs) != pr.VPNCloudPublicIPs {
		c.err(CodeVPNCloudIPCount, base+".connection.cloudPublicIps", fmtlite.Sprintf("the VPN connection has %d cloud public IPs; JD Cloud gives every VPN connection %d", len(conn.CloudPublicIPs), pr.VPNCloudPublicIPs),
			"copy the VPN connection's public IPs from the JD Cloud console")
	}
	c.checkPublicIPs(base+".connection.cloudPublicIps", "VPN connection", conn.CloudPublicIPs)
	for _, a := range cgw.PublicIPs {
		if a.IsValid() && slices.Contains(conn.CloudPublicIPs, a) {
			c.err(CodeVPNPublicIPDup, base+".customerGateway.publicIps", fmtlite.Sprintf("%s is both a customer gateway and a cloud public IP", a), "the two ends of a tunnel have different addresses", base+".connection.cloudPublicIps")
		}
	}

	// ASNs
	if cgw.ASN != 0 {
		c.customerASN(base+".customerGateway.asn", "the customer gateway", cgw.ASN)
		if p.IDC.ASN != 0 && cgw.ASN != p.IDC.ASN {
			c.warn(CodeASNCustomerMismatch, base+".customerGateway.asn", fmtlite.Sprintf("the customer gateway uses ASN %d while the IDC uses %d", cgw.ASN, p.IDC.ASN),
				"JD Cloud cannot change a customer gateway's ASN later: remove asn to use the IDC's unless another router terminates the VPN", "$.idc.asn")
		}
	}
	local := p.VPNLocalASN()
	if !pr.ASN.VPNLocal.Contains(int(local)) {
		path := base + ".connection.localAsn"
		if conn.LocalASN == 0 {
			path = "$.borderGateway.asn"
		}
		c.err(CodeASNVPNLocalRange, path, fmtlite.Sprintf("the VPN connection's local ASN %d is outside %s", local, rangeText(pr.ASN.VPNLocal)),
			fmtlite.Sprintf("remove localAsn to use the border gateway's %d", pr.ASN.BorderGateway))
	}
	if cust := p.CustomerGatewayASN(); cust != 0 && cust == local {
		c.err(CodeASNSameAsCloud, base+".connection", fmtlite.Sprintf("the VPN peers ASN %d with itself: the customer gateway and the VPN connection both use it", cust),
			fmtlite.Sprintf("use a customer ASN in %s other than %d", rangeText(pr.ASN.Customer), local))
	}

	// Tunnels
	tp := base + ".tunnels"
	if len(v.Tunnels) == 0 {
		c.err(CodeVPNTunnelsMissing, tp, "the VPN has no tunnel, so no BGP session runs over it",
			"add a tunnel per cloud public IP (two, for redundancy)")
	}
	if maxT := len(conn.CloudPublicIPs) * len(cgw.PublicIPs); maxT > 0 && len(v.Tunnels) > maxT {
		c.err(CodeVPNTunnelsTooMany, tp, fmtlite.Sprintf("%d tunnels, but %d cloud × %d customer gateway IPs allow at most %d (one per pair)", len(v.Tunnels), len(conn.CloudPublicIPs), len(cgw.PublicIPs), maxT),
			"remove tunnels, or add customer gateway IPs")
	}
	c.checkNames("tunnel", len(v.Tunnels), func(i int) string { return v.Tunnels[i].Name }, func(i int) string { return idx(tp, i) + ".name" })
	type pair struct{ cloud, cust netip.Addr }
	pairs := map[pair]int{}
	for i, t := range v.Tunnels {
		ip := idx(tp, i)
		if t.CloudPublicIP.IsValid() && !slices.Contains(conn.CloudPublicIPs, t.CloudPublicIP) {
			c.err(CodeVPNTunnelIPUnknown, ip+".cloudPublicIp", fmtlite.Sprintf("tunnel %s uses cloud IP %s, which is not among the VPN connection's (%s)", plan.Quote(t.Name), t.CloudPublicIP, addrList(conn.CloudPublicIPs)),
				"use one of the VPN connection's cloud public IPs", base+".connection.cloudPublicIps")
		} else if !t.CloudPublicIP.IsValid() {
			c.err(CodeVPNTunnelIPUnknown, ip+".cloudPublicIp", fmtlite.Sprintf("tunnel %s names no cloud public IP", plan.Quote(t.Name)), "use one of the VPN connection's cloud public IPs")
		}
		if t.CustomerPublicIP.IsValid() && !slices.Contains(cgw.PublicIPs, t.CustomerPublicIP) {
			c.err(CodeVPNTunnelIPUnknown, ip+".customerPublicIp", fmtlite.Sprintf("tunnel %s uses customer IP %s, which is not among the customer gateway's (%s)", plan.Quote(t.Name), t.CustomerPublicIP, addrList(cgw.PublicIPs)),
				"use one of the customer gateway's public IPs", base+".customerGateway.publicIps")
		} else if !t.CustomerPublicIP.IsValid() {
			c.err(CodeVPNTunnelIPUnknown, ip+".customerPublicIp", fmtlite.Sprintf("tunnel %s names no customer public IP", plan.Quote(t.Name)), "use one of the customer gateway's public IPs")
		}
		if t.CloudPublicIP.IsValid() && t.CustomerPublicIP.IsValid() {
			k := pair{t.CloudPublicIP, t.CustomerPublicIP}
			if j, dup := pairs[k]; dup {
				c.err(CodeVPNTunnelPairDup, ip, fmtlite.Sprintf("tunnel %s joins %s and %s like tunnel %s; JD Cloud allows one tunnel per pair of public IPs", plan.Quote(t.Name), k.cloud, k.cust, plan.Quote(v.Tunnels[j].Name)),
					"pair another cloud IP with another customer IP", idx(tp, j))
			} else {
				pairs[k] = i
			}
		}
		c.checkTunnelInside(ip, t)
		if b := t.BandwidthMbps; b != 0 && !pr.Tunnel.BandwidthMbps.Contains(b) {
			c.err(CodeVPNBandwidth, ip+".bandwidthMbps", fmtlite.Sprintf("tunnel bandwidth %d Mbps is outside %s Mbps", b, rangeText(pr.Tunnel.BandwidthMbps)),
				fmtlite.Sprintf("choose %s Mbps per tunnel", rangeText(pr.Tunnel.BandwidthMbps)))
		}
		c.checkPSKRef(ip+".pskRef", t.PSKRef)
		c.checkIKE(ip, t)
	}
}

func intsText(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

func addrList(as []netip.Addr) string {
	if len(as) == 0 {
		return "none"
	}
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

func (c *checker) checkTunnelInside(ip string, t plan.Tunnel) {
	pr := c.prof.Tunnel
	if in := t.InsideCIDR; in.IsValid() {
		path := ip + ".insideCidr"
		if !in.Addr().Is4() {
			c.err(CodeVPNInsideFamily, path, fmtlite.Sprintf("inside block %s is not IPv4; this field is the IPv4 /%d", in, pr.InsidePrefixLength),
				"put an IPv6 block in insideCidrIpv6 and an IPv4 block here")
		} else {
			if in.Bits() != pr.InsidePrefixLength {
				c.err(CodeVPNInsideLength, path, fmtlite.Sprintf("inside block %s is a /%d; JD Cloud uses a /%d per tunnel", in, in.Bits(), pr.InsidePrefixLength),
					lengthHint(in, pr.InsidePrefixLength))
			}
			if !coveredByAny(pr.InsideAllowed, in) {
				c.err(CodeVPNInsideRange, path, fmtlite.Sprintf("inside block %s is outside the ranges JD Cloud allows (%s)", in, allowedText(pr.InsideAllowed)),
					c.freeHint(block{prefix: in, kind: KindTunnel}, pr.InsidePrefixLength, "take the inside block from those ranges"))
			}
			for _, o := range []struct {
				field string
				a     netip.Addr
			}{{".cloudInsideIp", t.CloudInsideIP}, {".customerInsideIp", t.CustomerInsideIP}} {
				switch {
				case !o.a.IsValid():
				case !in.Contains(o.a):
					c.err(CodeVPNInsideIPOutside, ip+o.field, fmtlite.Sprintf("inside IP %s is not in the tunnel's inside block %s", o.a, in),
						fmtlite.Sprintf("use an address of %s other than its first and last, or remove the override", in.Masked()), path)
				case cidr.IsFirstOrLast(in, o.a):
					c.err(CodeVPNInsideReserved, ip+o.field, fmtlite.Sprintf("inside IP %s is the first or last address of %s, which JD Cloud does not accept", o.a, in),
						fmtlite.Sprintf("use %s or %s, or remove the override", plan.FirstUsable(in), plan.SecondUsable(in)), path)
				}
			}
			if cl, cu := t.CloudAddr(), t.CustomerAddr(); cl.IsValid() && cl == cu {
				c.err(CodeVPNInsideSame, ip, fmtlite.Sprintf("JD Cloud's and the customer's inside IPs are both %s", cl),
					"each end of the tunnel needs its own inside address")
			}
		}
	}
	if in := t.InsideCIDRIPv6; in.IsValid() {
		path := ip + ".insideCidrIpv6"
		switch {
		case !in.Addr().Is6() || in.Addr().Is4In6():
			c.err(CodeVPNInsideFamily, path, fmtlite.Sprintf("insideCidrIpv6 %s is not an IPv6 block", in), "put IPv4 in insideCidr, an IPv6 /126 or /127 here")
		case in.Bits() < minIPv6PeerBits || in.Bits() > maxIPv6PeerBits:
			c.err(CodeVPNInsideLength, path, fmtlite.Sprintf("insideCidrIpv6 %s is a /%d; a tunnel's IPv6 inside block is a /126 or /127", in, in.Bits()),
				fmtlite.Sprintf("use %s", netip.PrefixFrom(in.Masked().Addr(), minIPv6PeerBits).Masked()))
		}
	}
}

func (c *checker) checkQuotas() {
	p, q := c.p, c.prof.Quotas
	if n := len(p.BorderGateway.Attachments); n > q.AttachmentsPerBorderGateway {
		c.err(CodeQuotaAttachments, "$.borderGateway.attachments", fmtlite.Sprintf("%d VPC attachments exceed the border gateway's quota of %d", n, q.AttachmentsPerBorderGateway),
			"ask JD Cloud to raise the quota by ticket (then set profile.quotas.attachmentsPerBorderGateway), or use a second border gateway")
	}
	if dc := p.DirectConnection; dc != nil && len(dc.Interfaces) > q.PrivateInterfacesPerConnection {
		c.err(CodeQuotaInterfaces, "$.directConnection.interfaces", fmtlite.Sprintf("%d private virtual interfaces exceed the connection's quota of %d", len(dc.Interfaces), q.PrivateInterfacesPerConnection),
			"ask JD Cloud to raise the quota by ticket (then set profile.quotas.privateInterfacesPerConnection)")
	}
	// A first estimate: each distinct IDC segment becomes at least one route
	// the border gateway learns. The strategy package counts the real
	// advertisements (split more-specifics, aggregates).
	if len(p.IDC.Segments) <= q.DynamicRoutesPerBorderGateway {
		return // cannot exceed it, whatever duplicates there are
	}
	distinct := map[netip.Prefix]struct{}{} // not sized by the segments: most may be null
	for _, s := range p.IDC.Segments {
		if s.CIDR.IsValid() {
			distinct[s.CIDR.Masked()] = struct{}{}
		}
	}
	if n := len(distinct); n > q.DynamicRoutesPerBorderGateway {
		c.err(CodeQuotaDynamicRoutes, "$.idc.segments", fmtlite.Sprintf("the IDC advertises at least %d prefixes; the border gateway keeps %d dynamic routes and drops the rest", n, q.DynamicRoutesPerBorderGateway),
			"aggregate the IDC segments into fewer, larger prefixes, or ask JD Cloud to raise the quota by ticket (then set profile.quotas.dynamicRoutesPerBorderGateway)")
	}
}
