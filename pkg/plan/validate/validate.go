// Package validate checks a plan: its address blocks, its required fields,
// and JD Cloud's rules and quotas from the plan's effective profile. The same
// code runs in the browser (WebAssembly) and on the server.
//
// Every finding has a stable code, a severity, the JSON path of the field at
// fault (and, for a conflict, the other field's path in Related), a message
// a person can act on and, where it helps, a hint. codes.md lists the codes
// with their severity and meaning; the table below is the same list.
//
// # Decisions
//
//   - A non-canonical prefix (10.0.0.1/16) is an ERROR whose hint gives the
//     canonical form: a plan that provisions must say exactly which block it
//     means, and host bits usually betray a typo in the length.
//   - A plan with only one of Direct Connection and VPN gets a WARNING
//     (path.direct-connection-missing or path.vpn-missing): a draft may add
//     the paths one at a time, but there is no failover until both exist.
//     Neither path is an error (path.none), and so is a VPN without BGP
//     (vpn.bgp-disabled): the planner steers traffic with BGP only.
//   - Overlapping address blocks are errors, except an IDC segment inside
//     another IDC segment and an interconnect or tunnel block inside an IDC
//     segment, which are warnings (both can be deliberate). A subnet inside
//     its own VPC's CIDR is expected and no finding.
//   - At most 1000 overlapping pairs are listed one by one, then one
//     address.overlaps-not-listed finding counts the rest: a plan with more
//     is broken wholesale and a million findings would stall the browser.
//
// # Codes
//
// Address blocks (IDC segments, VPC CIDRs, subnets, interconnects, tunnel
// inside blocks; strategy prefixes are advertisements, checked by the
// strategy package):
//
//	address.missing                 error    a required address block is absent
//	address.non-canonical           error    host bits set; the hint gives the canonical form
//	address.duplicate.K1-K2         error*   two blocks are the same (K1 ≤ K2 in the kind order below)
//	address.contains.OUTER-INNER    error*   the OUTER block contains the INNER one
//	address.overlaps-not-listed     varies   more overlapping pairs than are listed
//	subnet.outside-vpc              error    a subnet is not inside its VPC's CIDRs
//
// Kinds, in order: idc, vpc, subnet, interconnect, tunnel. (*) warning for
// address.contains.idc-idc and for idc with interconnect or tunnel.
//
// Plan, IDC, border gateway and attachments:
//
//	plan.name-missing               error    the plan has no name
//	plan.region-missing             error    the plan has no JD Cloud region
//	plan.region-format              warning  the region does not look like "cn-north-1"
//	name.missing                    error    a segment, attachment, subnet, interface, tunnel or gateway has no name
//	name.duplicate                  error    two items of one kind share a name
//	idc.segments-missing            error    the IDC has no segments
//	idc.router-id-missing           error    the IDC router has no BGP router ID
//	idc.router-id-not-ipv4          error    a BGP router ID is a 32-bit IPv4-style value
//	attachment.none                 error    the border gateway attaches no VPC
//	attachment.vpc-name-missing     error    an attachment names no VPC
//	attachment.vpc-duplicate        error    one VPC attached twice to the border gateway
//	attachment.cidrs-missing        error    an attachment gives no VPC CIDR
//	attachment.propagation-mode     error    unknown propagation mode
//	attachment.propagation-empty    error    mode "subnets" propagates no subnet
//	attachment.propagation-unknown-subnet error a propagated subnet name is not among the VPC's subnets
//	attachment.propagation-ignored  warning  subnets listed while the mode propagates all CIDRs
//
// BGP and paths:
//
//	path.none                       error    neither Direct Connection nor VPN
//	path.direct-connection-missing  warning  no Direct Connection: VPN only, no failover
//	path.vpn-missing                warning  no VPN: Direct Connection only, no failover
//	vpn.bgp-disabled                error    the VPN connection does not run BGP
//	asn.missing                     error    the IDC has no ASN
//	asn.customer-range              error    a customer ASN is outside the profile's range
//	asn.customer-mismatch           warning  an interface or the customer gateway uses another ASN than the IDC
//	asn.border-gateway              error    the border gateway ASN differs from the profile's
//	asn.direct-connection-peer      warning  an interface's cloud ASN differs from the profile's
//	asn.vpn-local-range             error    the VPN connection's local ASN is outside the profile's range
//	asn.same-as-cloud               error    a customer ASN equals the cloud ASN it peers with (eBGP needs two)
//	strategy.mode-missing           error    the strategy has no mode
//	strategy.mode-unknown           error    the strategy mode is not prefix-split or as-path
//	strategy.options-ignored        warning  options for the other mode are set
//
// Direct Connection:
//
//	dc.connection-id-missing        error    no physical connection id
//	dc.interfaces-missing           error    no private virtual interface
//	dc.vlan-range                   error    VLAN outside the profile's range
//	dc.vlan-undocumented            info     VLAN accepted by the profile but outside JD Cloud's documented range
//	dc.vlan-duplicate               error    two interfaces of the connection share a VLAN
//	dc.bandwidth-negative           error    negative bandwidth
//	dc.interconnect-family          error    IPv6 in the IPv4 field or the reverse
//	dc.interconnect-length          error    interconnect is not the profile's length (/30)
//	dc.interconnect-range           error    interconnect outside the profile's allowed ranges
//	dc.interconnect-addresses       error    the block has no distinct first and second usable address
//	dc.health-check-type            error    unknown health check type
//	dc.health-check-options         error/warning  timers missing for the type (error) or set for another type (warning)
//	dc.nqa-interval, dc.nqa-count, dc.nqa-timeout   error  NQA timer outside the profile's range
//	dc.bfd-interval, dc.bfd-multiplier              error  BFD timer outside the profile's range
//
// VPN:
//
//	vpn.customer-gateway-ip-count   error    customer gateway public IP count not allowed (1, 2 or 4)
//	vpn.cloud-ip-count              error    VPN connection cloud public IP count differs from the profile's (2)
//	vpn.public-ip-invalid           error    a public IP is missing, private or not unicast
//	vpn.public-ip-duplicate         error    a public IP listed twice
//	vpn.tunnels-missing             error    the VPN has no tunnel
//	vpn.tunnels-too-many            error    more tunnels than cloud IPs × customer gateway IPs
//	vpn.tunnel-pair-duplicate       error    two tunnels on one (cloud IP, customer IP) pair
//	vpn.tunnel-ip-unknown           error    a tunnel's public IP is not among the connection's or the gateway's
//	vpn.inside-family               error    IPv6 in the IPv4 inside field or the reverse
//	vpn.inside-length               error    inside block is not the profile's length (/30)
//	vpn.inside-range                error    inside block outside the profile's allowed ranges
//	vpn.inside-ip-outside           error    an inside IP override is not in the inside block
//	vpn.inside-ip-reserved          error    an inside IP override is the block's first or last address
//	vpn.inside-ip-same              error    cloud and customer inside IPs are equal
//	vpn.bandwidth-range             error    tunnel bandwidth outside the profile's range
//	vpn.psk-ref-missing             error    no pskRef
//	vpn.psk-ref-format              error    pskRef is not "env:NAME" or "file:/absolute/path"
//	vpn.psk-literal                 error    pskRef looks like the key itself
//	vpn.ike-version, vpn.ike-mode, vpn.ike-dh-group, vpn.ike-cipher, vpn.ike-auth,
//	vpn.ike-dpd, vpn.ike-lifetime   error    IKE option not among the profile's
//	vpn.ike-mode-ignored            warning  aggressive mode with IKEv2 (IKEv2 has no modes)
//	vpn.ipsec-cipher, vpn.ipsec-auth, vpn.ipsec-pfs, vpn.ipsec-lifetime  error  IPsec option not among the profile's
//	vpn.weak-crypto                 info     3DES, SHA-1 or modp1024 chosen
//
// Quotas and profile:
//
//	quota.attachments               error    more VPC attachments than the border gateway allows
//	quota.private-interfaces        error    more private virtual interfaces than a connection allows
//	quota.dynamic-routes            error    more IDC segments than the border gateway's dynamic-route quota (a first estimate; the strategy refines it)
//	profile.range                   error    a profile range has min above max
//	profile.prefix-length           error    a profile prefix length cannot hold two peer addresses (outside 0–31)
//
// Added for one verdict (issue 13): hard limits (plan.Max*, not moved by
// the profile), JD Cloud's naming rules, bandwidth, the strategy's numbers
// and special-purpose addresses:
//
//	limit.segments                  error    more IDC segments than plan.MaxSegments
//	limit.attachments               error    more VPC attachments than plan.MaxAttachments
//	limit.vpc-blocks                error    more VPC CIDRs and subnets (or propagated subnet names) than plan.MaxVPCBlocks
//	limit.route-tables              error    more route tables than plan.MaxRouteTables
//	limit.interfaces                error    more private virtual interfaces than plan.MaxInterfaces
//	limit.tunnels                   error    more VPN tunnels than plan.MaxTunnels
//	limit.public-ips                error    more public IPs on a gateway than plan.MaxPublicIPs
//	limit.strategy-prefixes         error    more strategy overrides and prefixes than plan.MaxStrategyPrefixes
//	plan.name-too-long              error    the plan name does not fit JD Cloud's descriptions (plan.MaxPlanNameRunes)
//	name.jdcloud-format             error    a provisioned resource's name breaks JD Cloud's rule (plan.ValidResourceName)
//	description.too-long            error    the border gateway's description is over 256 characters
//	dc.bandwidth-range              error    interface bandwidth outside the profile's range (physical port: 10 Gbps)
//	strategy.extra-bits-range       error    prefixSplit.extraBits outside 0–16
//	strategy.split-none             warning  extraBits 0: nothing is split
//	strategy.prepend-range          error    asPath.prepend outside 0–plan.MaxPrepend (10)
//	strategy.prepend-none           warning  prepend 0: nothing is prepended
//	address.ipv4-mapped             error    an IPv4-mapped IPv6 prefix (refused, not unmapped)
//	address.special-purpose         error    a block in or covering loopback, multicast, unspecified, link-local or reserved space
//	address.documentation           warning  a block inside a documentation or benchmarking range
//	vpn.psk-unresolved              error    with a key resolver (CollectKeys), a pskRef does not resolve
//	vpn.psk-invalid                 error    the resolved key breaks JD Cloud's rules (ValidatePSK); never quoted
package validate

import (
	"github.com/hybridplan/hybridplan/pkg/fmtlite"
	"github.com/hybridplan/hybridplan/pkg/plan"
)

// Codes. Overlap codes are built from the block kinds (see overlapCode).
const (
	CodeAddressMissing           = "address.missing"
	CodeAddressNonCanonical      = "address.non-canonical"
	CodeAddressOverlapsNotListed = "address.overlaps-not-listed"
	CodeSubnetOutsideVPC         = "subnet.outside-vpc"

	CodePlanNameMissing   = "plan.name-missing"
	CodePlanRegionMissing = "plan.region-missing"
	CodePlanRegionFormat  = "plan.region-format"
	CodeNameMissing       = "name.missing"
	CodeNameDuplicate     = "name.duplicate"

	CodeIDCSegmentsMissing  = "idc.segments-missing"
	CodeIDCRouterIDMissing  = "idc.router-id-missing"
	CodeIDCRouterIDNotIPv4  = "idc.router-id-not-ipv4"
	CodeAttachmentNone      = "attachment.none"
	CodeAttachmentVPCName   = "attachment.vpc-name-missing"
	CodeAttachmentVPCDup    = "attachment.vpc-duplicate"
	CodeAttachmentCIDRs     = "attachment.cidrs-missing"
	CodePropagationMode     = "attachment.propagation-mode"
	CodePropagationEmpty    = "attachment.propagation-empty"
	CodePropagationUnknown  = "attachment.propagation-unknown-subnet"
	CodePropagationIgnored  = "attachment.propagation-ignored"
	CodePathNone            = "path.none"
	CodePathDCMissing       = "path.direct-connection-missing"
	CodePathVPNMissing      = "path.vpn-missing"
	CodeVPNBGPDisabled      = "vpn.bgp-disabled"
	CodeASNMissing          = "asn.missing"
	CodeASNCustomerRange    = "asn.customer-range"
	CodeASNCustomerMismatch = "asn.customer-mismatch"
	CodeASNBorderGateway    = "asn.border-gateway"
	CodeASNDCPeer           = "asn.direct-connection-peer"
	CodeASNVPNLocalRange    = "asn.vpn-local-range"
	CodeASNSameAsCloud      = "asn.same-as-cloud"
	CodeStrategyModeMissing = "strategy.mode-missing"
	CodeStrategyModeUnknown = "strategy.mode-unknown"
	CodeStrategyIgnored     = "strategy.options-ignored"

	CodeDCConnectionID     = "dc.connection-id-missing"
	CodeDCInterfaces       = "dc.interfaces-missing"
	CodeDCVLANRange        = "dc.vlan-range"
	CodeDCVLANUndocumented = "dc.vlan-undocumented"
	CodeDCVLANDuplicate    = "dc.vlan-duplicate"
	CodeDCBandwidth        = "dc.bandwidth-negative"
	CodeDCFamily           = "dc.interconnect-family"
	CodeDCLength           = "dc.interconnect-length"
	CodeDCRange            = "dc.interconnect-range"
	CodeDCAddresses        = "dc.interconnect-addresses"
	CodeDCHealthType       = "dc.health-check-type"
	CodeDCHealthOptions    = "dc.health-check-options"
	CodeDCNQAInterval      = "dc.nqa-interval"
	CodeDCNQACount         = "dc.nqa-count"
	CodeDCNQATimeout       = "dc.nqa-timeout"
	CodeDCBFDInterval      = "dc.bfd-interval"
	CodeDCBFDMultiplier    = "dc.bfd-multiplier"

	CodeVPNCGWIPCount      = "vpn.customer-gateway-ip-count"
	CodeVPNCloudIPCount    = "vpn.cloud-ip-count"
	CodeVPNPublicIPInvalid = "vpn.public-ip-invalid"
	CodeVPNPublicIPDup     = "vpn.public-ip-duplicate"
	CodeVPNTunnelsMissing  = "vpn.tunnels-missing"
	CodeVPNTunnelsTooMany  = "vpn.tunnels-too-many"
	CodeVPNTunnelPairDup   = "vpn.tunnel-pair-duplicate"
	CodeVPNTunnelIPUnknown = "vpn.tunnel-ip-unknown"
	CodeVPNInsideFamily    = "vpn.inside-family"
	CodeVPNInsideLength    = "vpn.inside-length"
	CodeVPNInsideRange     = "vpn.inside-range"
	CodeVPNInsideIPOutside = "vpn.inside-ip-outside"
	CodeVPNInsideReserved  = "vpn.inside-ip-reserved"
	CodeVPNInsideSame      = "vpn.inside-ip-same"
	CodeVPNBandwidth       = "vpn.bandwidth-range"
	CodeVPNPSKMissing      = "vpn.psk-ref-missing"
	CodeVPNPSKFormat       = "vpn.psk-ref-format"
	CodeVPNPSKLiteral      = "vpn.psk-literal"
	CodeIKEVersion         = "vpn.ike-version"
	CodeIKEMode            = "vpn.ike-mode"
	CodeIKEDHGroup         = "vpn.ike-dh-group"
	CodeIKECipher          = "vpn.ike-cipher"
	CodeIKEAuth            = "vpn.ike-auth"
	CodeIKEDPD             = "vpn.ike-dpd"
	CodeIKELifetime        = "vpn.ike-lifetime"
	CodeIKEModeIgnored     = "vpn.ike-mode-ignored"
	CodeIPsecCipher        = "vpn.ipsec-cipher"
	CodeIPsecAuth          = "vpn.ipsec-auth"
	CodeIPsecPFS           = "vpn.ipsec-pfs"
	CodeIPsecLifetime      = "vpn.ipsec-lifetime"
	CodeWeakCrypto         = "vpn.weak-crypto"

	CodeQuotaAttachments    = "quota.attachments"
	CodeQuotaInterfaces     = "quota.private-interfaces"
	CodeQuotaDynamicRoutes  = "quota.dynamic-routes"
	CodeProfileRange        = "profile.range"
	CodeProfilePrefixLength = "profile.prefix-length"
)

// Codes added for issue 13 (one verdict): hard limits, JD Cloud naming,
// bandwidth, the strategy's numbers and special-purpose addresses.
const (
	CodeLimitSegments         = "limit.segments"
	CodeLimitAttachments      = "limit.attachments"
	CodeLimitVPCBlocks        = "limit.vpc-blocks"
	CodeLimitRouteTables      = "limit.route-tables"
	CodeLimitInterfaces       = "limit.interfaces"
	CodeLimitTunnels          = "limit.tunnels"
	CodeLimitPublicIPs        = "limit.public-ips"
	CodeLimitStrategyPrefixes = "limit.strategy-prefixes"

	CodePlanNameTooLong    = "plan.name-too-long"
	CodeNameJDCloud        = "name.jdcloud-format"
	CodeDescriptionTooLong = "description.too-long"
	CodeDCBandwidthRange   = "dc.bandwidth-range"

	CodeStrategyExtraBits   = "strategy.extra-bits-range"
	CodeStrategySplitNone   = "strategy.split-none"
	CodeStrategyPrepend     = "strategy.prepend-range"
	CodeStrategyPrependNone = "strategy.prepend-none"

	CodeAddressMapped        = "address.ipv4-mapped"
	CodeAddressSpecial       = "address.special-purpose"
	CodeAddressDocumentation = "address.documentation"

	// The key check runs only where keys are available (CollectKeys).
	CodeVPNPSKUnresolved = "vpn.psk-unresolved"
	CodeVPNPSKInvalid    = "vpn.psk-invalid"
)

// Check returns every finding about p, sorted with plan.SortFindings, at
// most plan.MaxFindingsPerCode of each code (then one
// plan.CodeFindingsNotListed finding counts the rest). A nil plan gives one
// error.
func Check(p *plan.Plan) []plan.Finding {
	var col plan.Collector
	Collect(&col, p)
	return col.Findings()
}

// Collect adds every finding about p to col, so that a caller that runs
// further checks (the verdict) caps and sorts all of them together.
func Collect(col *plan.Collector, p *plan.Plan) {
	if p == nil {
		col.Add(plan.Finding{Code: CodeAddressMissing, Severity: plan.SeverityError, Path: "$",
			Message: "there is no plan to check", Hint: "decode a plan document first"})
		return
	}
	c := &checker{p: p, prof: p.EffectiveProfile(), col: col}
	c.checkProfile()
	c.checkLimits()
	c.checkPlan()
	c.checkNaming()
	c.checkBlocks()
	c.checkAttachments()
	c.checkPaths()
	c.checkDirectConnection()
	c.checkVPN()
	c.checkQuotas()
	c.checkStrategyValues()
	c.checkRegionAvailability() // JDCLOUD (issue 10): region.go
}

// checker collects findings for one plan. It lives for one Check call, so
// there is no shared state between calls.
type checker struct {
	p    *plan.Plan
	prof plan.Profile
	col  *plan.Collector
	// blocks are the plan's address blocks (set by checkBlocks, which runs
	// before the rules that suggest free blocks); free is built from them
	// when the first hint needs it.
	blocks *blockSet
	free   *freeSpace
	// names is checkNames' table, reused by every list.
	names nameTable
}

func (c *checker) add(sev plan.Severity, code, path, msg, hint string, related ...string) {
	c.col.Add(plan.Finding{Code: code, Severity: sev, Path: path, Related: related, Message: msg, Hint: hint})
}

// full reports whether findings of code are only counted from now on; a
// rule that repeats per item asks before building its message, and then
// counts the finding with c.col.Count.
func (c *checker) full(code string) bool { return c.col.Full(code) }

func (c *checker) err(code, path, msg, hint string, related ...string) {
	c.add(plan.SeverityError, code, path, msg, hint, related...)
}

func (c *checker) warn(code, path, msg, hint string, related ...string) {
	c.add(plan.SeverityWarning, code, path, msg, hint, related...)
}

func (c *checker) info(code, path, msg, hint string, related ...string) {
	c.add(plan.SeverityInfo, code, path, msg, hint, related...)
}

// rangeText writes an inclusive range for a message.
func rangeText(r plan.IntRange) string { return fmtlite.Sprintf("%d–%d", r.Min, r.Max) }
