// Package strategy works out, from a plan, exactly what the customer router
// and the JD Cloud border gateway advertise to each other on every BGP
// session, and what is wrong or risky about it.
//
// Compute is the single source of those advertisements: the simulator, the
// router-configuration exporter and the FRR oracle all read its Result, so
// they cannot disagree about what is announced where.
package strategy

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/cidr"
	"github.com/hybridplan/hybridplan/pkg/fmtlite"
	"github.com/hybridplan/hybridplan/pkg/plan"
)

// Finding codes of the strategy. They are stable: tests, the web UI and
// documentation refer to them.
const (
	// CodeMode: the strategy mode is neither prefix-split nor as-path.
	CodeMode = "strategy.mode"
	// CodeUnsplittable: a segment is too long to split as asked (a /32 or
	// /128, or fewer free bits than ExtraBits); it goes out whole or split
	// as far as it can be.
	CodeUnsplittable = "strategy.unsplittable"
	// CodeSplitTooDeep: splitting by ExtraBits would make more than
	// plan.MaxSplitPrefixes Direct Connection prefixes over all segments;
	// the strategy splits only as deep as that bound allows. (ExtraBits
	// outside 0–cidr.MaxSplitBits is clamped; validation reports it.)
	CodeSplitTooDeep = "strategy.split-too-deep"
	// CodeTooLarge: the plan exceeds one of plan's hard limits
	// (plan.LimitBreaches), so nothing is computed.
	CodeTooLarge = "strategy.too-large"
	// CodeVPNMoreSpecific: the VPN carries a more specific prefix than Direct
	// Connection for the same addresses, so the border gateway sends that
	// traffic over the VPN (longest prefix wins before any preference).
	CodeVPNMoreSpecific = "strategy.vpn-more-specific"
	// CodeAggregateNotCovering: a segment's VPN advertisements cover only
	// part of it, so part of it is lost when Direct Connection fails.
	CodeAggregateNotCovering = "strategy.aggregate-not-covering"
	// CodeAggregateTooWide: a VPN aggregate covers addresses in no IDC
	// segment, attracting traffic the IDC cannot deliver.
	CodeAggregateTooWide = "strategy.aggregate-too-wide"
	// CodeOneWay: a segment is advertised over only one of Direct Connection
	// and VPN (or, partly, over neither).
	CodeOneWay = "strategy.one-way"
	// CodeOverrideUnknownSegment: an override names no IDC segment.
	CodeOverrideUnknownSegment = "strategy.override-unknown-segment"
	// CodeOverrideOutsideSegment: an override's Direct Connection prefix is
	// not inside its segment.
	CodeOverrideOutsideSegment = "strategy.override-outside-segment"
	// CodeEqualASPathNoLocalPref: cloud → IDC paths tie on AS_PATH and no
	// local-preference is set: the older session wins, so a Direct
	// Connection flap leaves return traffic on the VPN.
	CodeEqualASPathNoLocalPref = "strategy.equal-as-path-no-local-preference"
	// CodeReturnTie: local-preference is set but equal on both paths, and the
	// AS_PATHs tie too: the same history effect as above.
	CodeReturnTie = "strategy.return-path-tie"
	// CodeReturnOverVPN: the customer router prefers the VPN for cloud → IDC
	// traffic while the cloud sends over Direct Connection: asymmetric.
	CodeReturnOverVPN = "strategy.return-over-vpn"
	// CodeIPv6NoSession: an IPv6 segment but no session (or no session of one
	// kind) with IPv6 addresses to carry it.
	CodeIPv6NoSession = "strategy.ipv6-no-session"
	// CodeQuotaExceeded: the border gateway would learn more dynamic routes
	// than its quota; JD Cloud drops the excess.
	CodeQuotaExceeded = "strategy.quota-exceeded"
	// CodeSinglePathKind: the plan has no Direct Connection or no VPN.
	CodeSinglePathKind = "strategy.single-path-kind"
)

// defaultLocalPref is BGP's default local-preference, what a route gets when
// the plan sets none.
const defaultLocalPref = 100

// announced is an Announcement with the plan field it comes from, for
// findings.
type announced struct {
	Announcement
	path fieldPath
}

// fieldPath names a plan field by kind and indexes; its JSON path text is
// built only when a finding quotes it. Building every announcement's path
// up front cost a formatted string per prefix (a third of the strategy's
// allocations), nearly all of them never read.
type fieldPath struct {
	kind int8
	i, j int32 // the plan's lists are bounded far below 2^31 (plan.Max…)
}

// The kinds of fieldPath.
const (
	pathSegmentCIDR  int8 = iota // $.idc.segments[i].cidr
	pathSegments                 // $.idc.segments
	pathOverrideDC               // $.strategy.prefixSplit.overrides[i].directConnection[j]
	pathOverrideVPN              // $.strategy.prefixSplit.overrides[i].vpn[j]
	pathVPNAggregate             // $.strategy.prefixSplit.vpnAggregates[i]
)

func (p fieldPath) String() string {
	switch p.kind {
	case pathSegmentCIDR:
		return segmentCIDRPath(int(p.i))
	case pathOverrideDC:
		return fmtlite.Sprintf("$.strategy.prefixSplit.overrides[%d].directConnection[%d]", p.i, p.j)
	case pathOverrideVPN:
		return fmtlite.Sprintf("$.strategy.prefixSplit.overrides[%d].vpn[%d]", p.i, p.j)
	case pathVPNAggregate:
		return fmtlite.Sprintf("$.strategy.prefixSplit.vpnAggregates[%d]", p.i)
	}
	return "$.idc.segments"
}

// segmentCIDRPath is the JSON path of IDC segment i's block.
func segmentCIDRPath(i int) string { return fmtlite.Sprintf("$.idc.segments[%d].cidr", i) }

// Compute works out the plan's advertisements in both directions, the BGP
// sessions, the dynamic-route count and the findings. It never fails: a plan
// with mistakes gets findings, and the advertisements a router would really
// send with that plan.
func Compute(p *plan.Plan) Result {
	prof := p.EffectiveProfile()
	r := Result{
		Mode:              p.Strategy.Mode,
		Sessions:          Sessions(p),
		LocalPreference:   p.Strategy.LocalPreference,
		DynamicRouteQuota: prof.Quotas.DynamicRoutesPerBorderGateway,
		Findings:          []plan.Finding{},
		Notes:             []string{},
		Assumptions:       []string{},
	}
	if bs := p.LimitBreaches(); len(bs) > 0 {
		// Bounded before any work: validation reports each limit as
		// limit.NAME; the strategy only says why it computed nothing.
		b := bs[0]
		r.Findings = append(r.Findings, plan.Finding{
			Code: CodeTooLarge, Severity: plan.SeverityError, Path: b.Path,
			Message: fmtlite.Sprintf("the advertisements are not computed: the plan has %d %s, over the planner's limit of %d", b.Count, b.What, b.Limit),
			Hint:    "bring the plan within the limits (docs/plan.md lists them)",
		})
		return r
	}
	c := computer{p: p, prof: prof, r: &r}
	c.idcToCloud()
	c.cloudToIDC()
	c.checkPathKinds()
	c.checkIPv6()
	c.countRoutes()
	plan.SortFindings(r.Findings)
	return r
}

// Sessions lists the plan's BGP sessions in the order they are brought up:
// the Direct Connection's private virtual interfaces, then the VPN tunnels,
// each in plan order.
func Sessions(p *plan.Plan) []Session {
	var out []Session
	if dc := p.DirectConnection; dc != nil {
		for i, itf := range dc.Interfaces {
			s := Session{
				Name:         itf.Name,
				Kind:         DirectConnection,
				Path:         fmtlite.Sprintf("$.directConnection.interfaces[%d]", i),
				CustomerASN:  p.InterfaceCustomerASN(itf),
				CloudASN:     p.InterfaceCloudASN(itf),
				CustomerIP:   itf.CustomerAddr(),
				CloudIP:      itf.CloudAddr(),
				CustomerIPv6: itf.CustomerAddrIPv6(),
				CloudIPv6:    itf.CloudAddrIPv6(),
			}
			if itf.HealthCheck.Type == plan.HealthCheckBFD && itf.HealthCheck.BFD != nil {
				bfd := *itf.HealthCheck.BFD
				s.BFD = &bfd
			}
			out = append(out, s)
		}
	}
	if v := p.VPN; v != nil {
		for i, t := range v.Tunnels {
			out = append(out, Session{
				Name:         t.Name,
				Kind:         VPN,
				Path:         fmtlite.Sprintf("$.vpn.tunnels[%d]", i),
				CustomerASN:  p.CustomerGatewayASN(),
				CloudASN:     p.VPNLocalASN(),
				CustomerIP:   t.CustomerAddr(),
				CloudIP:      t.CloudAddr(),
				CustomerIPv6: t.CustomerAddrIPv6(),
				CloudIPv6:    t.CloudAddrIPv6(),
			})
		}
	}
	return out
}

type computer struct {
	p     *plan.Plan
	prof  plan.Profile
	r     *Result
	paths map[pathKey][]uint32
	// origins caches segmentsIn per prefix; segIdx is its index of the
	// segments, built on first use.
	origins map[netip.Prefix]string
	segIdx  *segmentIndex
}

func (c *computer) add(f plan.Finding) { c.r.Findings = append(c.r.Findings, f) }

func (c *computer) note(format string, args ...any) {
	c.r.Notes = append(c.r.Notes, fmtlite.Sprintf(format, args...))
}

// customerPath is the AS_PATH the border gateway receives from the customer
// on a session kind: the sending ASN once, plus the prepends.
func (c *computer) customerPath(k PathKind, prepend int) []uint32 {
	// One slice per kind and prepend count, shared by the announcements.
	key := pathKey{k, prepend}
	if path, ok := c.paths[key]; ok {
		return path
	}
	path := c.newCustomerPath(k, prepend)
	if c.paths == nil {
		c.paths = map[pathKey][]uint32{}
	}
	c.paths[key] = path
	return path
}

type pathKey struct {
	kind    PathKind
	prepend int
}

func (c *computer) newCustomerPath(k PathKind, prepend int) []uint32 {
	asn := c.p.IDC.ASN
	if k == DirectConnection && c.p.DirectConnection != nil && len(c.p.DirectConnection.Interfaces) > 0 {
		asn = c.p.InterfaceCustomerASN(c.p.DirectConnection.Interfaces[0])
	}
	if k == VPN {
		asn = c.p.CustomerGatewayASN()
	}
	path := make([]uint32, 1+prepend)
	for i := range path {
		path[i] = asn
	}
	return path
}

func (c *computer) idcToCloud() {
	switch c.p.Strategy.Mode {
	case plan.StrategyPrefixSplit:
		c.prefixSplit()
	case plan.StrategyASPath:
		// Validation reports a prepend outside 0–MaxPrepend.
		c.asPath(min(max(c.p.Strategy.Prepend(), 0), plan.MaxPrepend))
	default:
		c.add(plan.Finding{
			Code: CodeMode, Severity: plan.SeverityError, Path: "$.strategy.mode",
			Message: fmtlite.Sprintf("strategy mode %s is not known, so nothing steers traffic: both paths get the segments unchanged", plan.Quote(c.p.Strategy.Mode)),
			Hint:    fmtlite.Sprintf("set it to %q or %q", plan.StrategyPrefixSplit, plan.StrategyASPath),
		})
		c.asPath(0)
	}
}

// asPath advertises every segment unchanged on both kinds, with the customer
// ASN prepended on the VPN.
func (c *computer) asPath(prepend int) {
	var dc, vpn []announced
	for i, seg := range c.p.IDC.Segments {
		path := fieldPath{kind: pathSegmentCIDR, i: int32(i)}
		dc = append(dc, announced{Announcement{Prefix: seg.CIDR.Masked(), Origin: seg.Name, ASPath: c.customerPath(DirectConnection, 0)}, path})
		vpn = append(vpn, announced{Announcement{Prefix: seg.CIDR.Masked(), Prepend: prepend, Origin: seg.Name, ASPath: c.customerPath(VPN, prepend)}, path})
	}
	c.setIDCToCloud(dc, vpn)
	if c.p.Strategy.Mode == plan.StrategyASPath {
		nh := c.prof.BorderGW.NextHopPriority
		c.note("IDC → cloud: every segment goes out unchanged on both paths, with the customer ASN prepended %d more times on the VPN.", prepend)
		c.note("For one prefix the border gateway ranks next-hop types first: private virtual interface (%d) beats VPN connection (%d), lower wins, before AS_PATH length is looked at. So it already prefers Direct Connection for these equal prefixes; the prepend protects the design only where that rule does not decide (a profile that ranks them otherwise, or a router between that compares AS_PATH first).", nh.PrivateInterface, nh.VPNConnection)
	}
}

// prefixSplit advertises more-specifics over Direct Connection and covering
// aggregates over the VPN.
func (c *computer) prefixSplit() {
	ps := c.p.Strategy.PrefixSplit
	if ps == nil {
		ps = &plan.PrefixSplit{}
	}
	// Validation reports extraBits outside 0–MaxSplitBits.
	extra := min(max(c.p.Strategy.SplitExtraBits(), 0), cidr.MaxSplitBits)
	segIndex := map[string]int{}
	for i, s := range c.p.IDC.Segments {
		if _, dup := segIndex[s.Name]; !dup {
			segIndex[s.Name] = i
		}
	}
	// Overrides by segment index; an unknown segment name is a finding.
	overrides := map[int]int{}
	for k, o := range ps.Overrides {
		i, ok := segIndex[o.Segment]
		if !ok {
			c.add(plan.Finding{
				Code: CodeOverrideUnknownSegment, Severity: plan.SeverityError,
				Path:    fmtlite.Sprintf("$.strategy.prefixSplit.overrides[%d].segment", k),
				Message: fmtlite.Sprintf("the override names segment %s, which is not one of the IDC segments, so it changes nothing", plan.Quote(o.Segment)),
				Hint:    "use the name of a segment in $.idc.segments, or remove the override",
			})
			continue
		}
		overrides[i] = k
	}
	// Bound the split before making it: at most plan.MaxSplitPrefixes
	// Direct Connection prefixes over all segments.
	n := c.splitCount(extra, overrides, ps)
	if n > plan.MaxSplitPrefixes {
		want := extra
		for extra > 0 && c.splitCount(extra, overrides, ps) > plan.MaxSplitPrefixes {
			extra--
		}
		c.add(plan.Finding{
			Code: CodeSplitTooDeep, Severity: plan.SeverityError, Path: "$.strategy.prefixSplit.extraBits",
			Message: fmtlite.Sprintf("splitting the segments by %d bits would make more than %d Direct Connection prefixes, the most the planner makes, so it splits by %d bits", want, plan.MaxSplitPrefixes, extra),
			Hint:    fmtlite.Sprintf("1 extra bit (two halves) is enough for longest-prefix match to prefer Direct Connection; the border gateway keeps only %d dynamic routes", c.prof.Quotas.DynamicRoutesPerBorderGateway),
		})
	}

	// Sized once: n (bounded above) is the Direct Connection prefixes'
	// count, and the VPN gets at most one per segment unless overridden.
	dc := make([]announced, 0, min(n, plan.MaxSplitPrefixes))
	vpn := make([]announced, 0, len(c.p.IDC.Segments))
	type named struct {
		prefix netip.Prefix
		name   string
	}
	var pool []named // segments whose VPN advertisement is the default
	for i, seg := range c.p.IDC.Segments {
		prefix := seg.CIDR.Masked()
		k, hasOverride := overrides[i]
		var o plan.SplitOverride
		if hasOverride {
			o = ps.Overrides[k]
		}
		if len(o.DirectConnection) > 0 {
			for m, q := range o.DirectConnection {
				qpath := fieldPath{kind: pathOverrideDC, i: int32(k), j: int32(m)}
				if !cidr.Covers(prefix, q) {
					c.add(plan.Finding{
						Code: CodeOverrideOutsideSegment, Severity: plan.SeverityError, Path: qpath.String(),
						Related: []string{segmentCIDRPath(i)},
						Message: fmtlite.Sprintf("%s is not inside segment %s (%s): Direct Connection would attract traffic for addresses the segment does not hold", q, plan.Quote(seg.Name), prefix),
						Hint:    fmtlite.Sprintf("use prefixes inside %s", prefix),
					})
				}
				dc = append(dc, announced{Announcement{Prefix: q.Masked(), Origin: seg.Name, ASPath: c.customerPath(DirectConnection, 0)}, qpath})
			}
		} else {
			segPath := fieldPath{kind: pathSegmentCIDR, i: int32(i)}
			bits := min(extra, prefix.Addr().BitLen()-prefix.Bits())
			if bits < extra {
				what := "whole, the same prefix as on the VPN; the border gateway still prefers Direct Connection for an equal prefix by next-hop type"
				if bits > 0 {
					what = fmtlite.Sprintf("split by %d bits only", bits)
				}
				c.add(plan.Finding{
					Code: CodeUnsplittable, Severity: plan.SeverityInfo, Path: segPath.String(),
					Message: fmtlite.Sprintf("segment %s (%s) cannot be split by %d bits; it goes over Direct Connection %s", plan.Quote(seg.Name), prefix, extra, what),
				})
			}
			parts, err := cidr.Split(prefix, bits)
			if err != nil { // cannot happen: bits is within range
				parts = []netip.Prefix{prefix}
			}
			for _, q := range parts {
				dc = append(dc, announced{Announcement{Prefix: q, Origin: seg.Name, ASPath: c.customerPath(DirectConnection, 0)}, segPath})
			}
		}
		if len(o.VPN) > 0 {
			for m, q := range o.VPN {
				vpn = append(vpn, announced{Announcement{Prefix: q.Masked(), Origin: seg.Name, ASPath: c.customerPath(VPN, 0)}, fieldPath{kind: pathOverrideVPN, i: int32(k), j: int32(m)}})
			}
		} else if len(ps.VPNAggregates) == 0 {
			pool = append(pool, named{prefix, seg.Name})
		}
	}
	if len(ps.VPNAggregates) > 0 {
		for j, agg := range ps.VPNAggregates {
			vpn = append(vpn, announced{Announcement{Prefix: agg.Masked(), Origin: c.segmentsIn(agg), ASPath: c.customerPath(VPN, 0)}, fieldPath{kind: pathVPNAggregate, i: int32(j)}})
		}
	} else {
		// Segments that are adjacent or nested merge into one aggregate;
		// the others go out as they are. Aggregate returns disjoint blocks
		// sorted IPv4 first, then by address: walking the pool sorted the
		// same way names each aggregate's segments in one pass.
		slices.SortStableFunc(pool, func(a, b named) int {
			if a4, b4 := a.prefix.Addr().Is4(), b.prefix.Addr().Is4(); a4 != b4 {
				if a4 {
					return -1
				}
				return 1
			}
			if c := a.prefix.Addr().Compare(b.prefix.Addr()); c != 0 {
				return c
			}
			return a.prefix.Bits() - b.prefix.Bits()
		})
		prefixes := make([]netip.Prefix, len(pool))
		for i, n := range pool {
			prefixes[i] = n.prefix
		}
		k := 0
		for _, agg := range cidr.Aggregate(prefixes) {
			var names []string
			seen := map[string]bool{} // not slices.Contains: one aggregate may stand for thousands of segments
			for k < len(pool) && cidr.Covers(agg, pool[k].prefix) {
				if !seen[pool[k].name] {
					seen[pool[k].name] = true
					names = append(names, pool[k].name)
				}
				k++
			}
			vpn = append(vpn, announced{Announcement{Prefix: agg, Origin: originText(names), ASPath: c.customerPath(VPN, 0)}, fieldPath{kind: pathSegments}})
		}
	}
	dc = dedupe(dc)
	vpn = dedupe(vpn)
	dc, vpn = c.setIDCToCloud(dc, vpn)
	if len(dc) > 0 && len(vpn) > 0 {
		// With one path there is nothing to steer between; the missing
		// path is reported once, by checkPathKinds. (Empty, not nil: the
		// lists are made with their capacity up front.)
		c.checkSplit(dc, vpn, len(ps.VPNAggregates) > 0)
	}
	nh := c.prof.BorderGW.NextHopPriority
	c.note("IDC → cloud: Direct Connection carries %d more-specific prefixes and the VPN %d covering prefixes. The border gateway forwards by longest prefix first, so traffic follows the more-specifics over Direct Connection and falls back to the VPN's aggregates only when they are withdrawn.", len(dc), len(vpn))
	onVPN := make(map[netip.Prefix]bool, len(vpn))
	for _, v := range vpn {
		onVPN[v.Prefix] = true
	}
	if slices.ContainsFunc(dc, func(d announced) bool { return onVPN[d.Prefix] }) {
		c.note("Where both paths carry the same prefix (an unsplittable segment), the border gateway's next-hop type rule decides: private virtual interface (%d) beats VPN connection (%d).", nh.PrivateInterface, nh.VPNConnection)
	}
}

// segmentsIn names the IDC segments that prefix q overlaps (originText),
// in address order. It looks the segments up in an index built once, so
// that thousands of aggregates over thousands of segments stay cheap:
// the segments inside q are a range of the sorted distinct prefixes, and
// those containing q are among its at most 128 ancestors.
func (c *computer) segmentsIn(q netip.Prefix) string {
	q = q.Masked()
	if s, ok := c.origins[q]; ok {
		return s
	}
	if c.segIdx == nil {
		c.segIdx = newSegmentIndex(c.p.IDC.Segments)
	}
	var names []string
	n := 0
	take := func(g segGroup) {
		n += g.count
		for _, name := range g.names {
			if len(names) < maxOriginNames {
				names = append(names, name)
			}
		}
	}
	if q.IsValid() {
		for bits := range q.Bits() { // the segments that contain q
			if a, err := q.Addr().Prefix(bits); err == nil {
				if g, ok := c.segIdx.byPrefix[a]; ok {
					take(g)
				}
			}
		}
		ps := c.segIdx.sorted
		lo, _ := slices.BinarySearchFunc(ps, q, compareAddrBits)
		for i := lo; i < len(ps) && q.Contains(ps[i].Addr()); i++ {
			take(c.segIdx.byPrefix[ps[i]])
			if len(names) >= maxOriginNames {
				// The rest only counts: add the groups' counts at once.
				hi, _ := slices.BinarySearchFunc(ps, lastAddr(q), func(p netip.Prefix, t netip.Addr) int {
					if c := p.Addr().Compare(t); c != 0 {
						return c
					}
					return -1 // every prefix starting at t sorts before "after t"
				})
				n += c.segIdx.countBefore[hi] - c.segIdx.countBefore[i+1]
				break
			}
		}
	}
	if c.origins == nil {
		c.origins = map[netip.Prefix]string{}
	}
	c.origins[q] = originTextN(names, n)
	return c.origins[q]
}

// segmentIndex groups the IDC segments by masked prefix.
type segmentIndex struct {
	byPrefix map[netip.Prefix]segGroup
	// sorted are the distinct valid prefixes by address, shorter first;
	// countBefore[i] sums the segments of sorted[:i].
	sorted      []netip.Prefix
	countBefore []int
}

type segGroup struct {
	count int
	names []string // the first maxOriginNames, in plan order
}

func newSegmentIndex(segs []plan.Segment) *segmentIndex {
	ix := &segmentIndex{byPrefix: map[netip.Prefix]segGroup{}}
	for _, s := range segs {
		q := s.CIDR.Masked()
		if !q.IsValid() {
			continue
		}
		g, ok := ix.byPrefix[q]
		if !ok {
			ix.sorted = append(ix.sorted, q)
		}
		g.count++
		if len(g.names) < maxOriginNames {
			g.names = append(g.names, s.Name)
		}
		ix.byPrefix[q] = g
	}
	slices.SortFunc(ix.sorted, compareAddrBits)
	ix.countBefore = make([]int, len(ix.sorted)+1)
	for i, q := range ix.sorted {
		ix.countBefore[i+1] = ix.countBefore[i] + ix.byPrefix[q].count
	}
	return ix
}

func compareAddrBits(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return a.Bits() - b.Bits()
}

// lastAddr is the last address of q.
func lastAddr(q netip.Prefix) netip.Addr {
	a := q.Masked().Addr()
	if a.Is4() {
		b := a.As4()
		v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		if bits := q.Bits(); bits < 32 {
			v |= 1<<(32-bits) - 1
		}
		return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
	}
	b := a.As16() // an array, not AsSlice: no allocation per call
	for i := q.Bits(); i < 128; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	return netip.AddrFrom16(b)
}

// maxOriginNames is how many segment names an announcement's Origin lists;
// one aggregate can stand for thousands of segments.
const maxOriginNames = 8

// originText joins names with commas, the first maxOriginNames of them and
// then how many more.
func originText(names []string) string {
	return originTextN(names[:min(len(names), maxOriginNames)], len(names))
}

// originTextN joins the first names of n.
func originTextN(first []string, n int) string {
	if n <= len(first) {
		return strings.Join(first, ",")
	}
	return strings.Join(first, ",") + fmtlite.Sprintf(",… and %d more", n-len(first))
}

// dedupe drops repeated prefixes, keeping the first.
func dedupe(as []announced) []announced {
	if slices.IsSortedFunc(as, func(a, b announced) int {
		if c := compareAddrBits(a.Prefix, b.Prefix); c != 0 {
			return c
		}
		return -1 // equal neighbours are not in order: a repeat to drop
	}) {
		// Strictly increasing (segments listed in address order, the
		// usual plan): nothing repeats, and no map is built.
		return as
	}
	seen := make(map[netip.Prefix]bool, len(as))
	out := as[:0]
	for _, a := range as {
		if !seen[a.Prefix] {
			seen[a.Prefix] = true
			out = append(out, a)
		}
	}
	return out
}

// setIDCToCloud records the customer router's advertisements. A path the
// plan does not have announces nothing; the pruned sets are returned so the
// checks and notes that follow speak only of paths that exist.
func (c *computer) setIDCToCloud(dc, vpn []announced) ([]announced, []announced) {
	if c.p.DirectConnection == nil {
		dc = nil
	}
	if c.p.VPN == nil {
		vpn = nil
	}
	c.r.IDCToCloud.DirectConnection = strip(dc)
	c.r.IDCToCloud.VPN = strip(vpn)
	return dc, vpn
}

func strip(as []announced) []Announcement {
	out := make([]Announcement, len(as))
	for i, a := range as {
		out[i] = a.Announcement
	}
	return out
}

// checkSplit finds the classic prefix-split mistakes. One sweep over the
// segments and both advertisement sets finds every nesting pair in
// O(n log n), so a plan with thousands of prefixes stays fast.
func (c *computer) checkSplit(dc, vpn []announced, explicitAggregates bool) {
	segs := c.p.IDC.Segments
	// Segments with the same block share one entry: thousands of copies of
	// one block would otherwise make every pair of them an overlap to walk.
	uniq := make([]netip.Prefix, 0, len(segs))
	segOf := make([]int, len(segs))
	increasing := true // segments in strictly increasing address order: all distinct
	for i, s := range segs {
		q := s.CIDR.Masked()
		if i > 0 && compareAddrBits(uniq[i-1], q) >= 0 {
			increasing = false
			break
		}
		uniq = append(uniq, q)
		segOf[i] = i
	}
	if !increasing {
		uniq = uniq[:0]
		distinct := map[netip.Prefix]int{}
		for i, s := range segs {
			q := s.CIDR.Masked()
			d, ok := distinct[q]
			if !ok {
				d = len(uniq)
				distinct[q] = d
				uniq = append(uniq, q)
			}
			segOf[i] = d
		}
	}
	nS, nD := len(uniq), len(dc)
	entries := make([]cidr.Entry, 0, nS+nD+len(vpn))
	for _, q := range uniq {
		entries = append(entries, cidr.Entry{Prefix: q, Ref: len(entries)})
	}
	for _, a := range dc {
		entries = append(entries, cidr.Entry{Prefix: a.Prefix, Ref: len(entries)})
	}
	for _, a := range vpn {
		entries = append(entries, cidr.Entry{Prefix: a.Prefix, Ref: len(entries)})
	}
	isSeg := func(r int) bool { return r < nS }
	isDC := func(r int) bool { return r >= nS && r < nS+nD }
	isVPN := func(r int) bool { return r >= nS+nD }
	// Per segment and kind: whether one advertisement covers it whole, and
	// the advertisements inside it, as a list threaded through one flat
	// slice (first is 1 + the index of the newest, 0 for none) rather than
	// a slice per segment: one allocation instead of one or two per segment.
	type segCover struct {
		whole [2]bool
		first [2]int32
	}
	type insideLink struct {
		prefix netip.Prefix
		next   int32 // 1 + the index of the next one, 0 at the end
	}
	cov := make([]segCover, nS)
	inside := make([]insideLink, 0, nD+len(vpn)) // most announcements lie inside one segment
	kindOf := func(r int) int {
		if isDC(r) {
			return 0
		}
		return 1
	}
	vpnContainer := make([]int, len(vpn)) // a DC prefix strictly containing it, +1
	for o := range cidr.AllOverlaps(entries) {
		a, b := o.A.Ref, o.B.Ref
		switch {
		case isDC(a) && isVPN(b) && o.Kind == cidr.Contains:
			if vpnContainer[b-nS-nD] == 0 {
				vpnContainer[b-nS-nD] = a - nS + 1
			}
		case isSeg(a) && !isSeg(b) && o.Kind == cidr.Duplicate,
			!isSeg(a) && isSeg(b):
			seg, ann := a, b
			if isSeg(b) {
				seg, ann = b, a
			}
			cov[seg].whole[kindOf(ann)] = true
		case isSeg(a) && !isSeg(b):
			k := kindOf(b)
			inside = append(inside, insideLink{entries[b].Prefix, cov[a].first[k]})
			cov[a].first[k] = int32(len(inside))
		}
	}
	// A VPN prefix strictly inside a Direct Connection prefix wins by longest
	// prefix match: the VPN becomes primary for those addresses.
	for j, v := range vpn {
		if k := vpnContainer[j]; k > 0 {
			d := dc[k-1]
			c.add(plan.Finding{
				Code: CodeVPNMoreSpecific, Severity: plan.SeverityError, Path: v.path.String(), Related: []string{d.path.String()},
				Message: fmtlite.Sprintf("the VPN advertises %s, more specific than %s over Direct Connection: the border gateway matches the longest prefix first, so traffic to %s goes over the VPN while Direct Connection is up", v.Prefix, d.Prefix, v.Prefix),
				Hint:    "advertise the more-specifics over Direct Connection and the covering aggregate over the VPN, not the other way round",
			})
		}
	}
	if c.p.DirectConnection == nil || c.p.VPN == nil {
		return // checkPathKinds reports the missing path once
	}
	aggPath := "$.idc.segments"
	if explicitAggregates {
		aggPath = "$.strategy.prefixSplit.vpnAggregates"
	}
	var parts []netip.Prefix // reused by every coverage call
	coverage := func(i, kind int) cover {
		switch {
		case cov[i].whole[kind]:
			return coverAll
		case cov[i].first[kind] == 0:
			return coverNone
		}
		parts = parts[:0]
		for l := cov[i].first[kind]; l != 0; l = inside[l-1].next {
			parts = append(parts, inside[l-1].prefix)
		}
		if fills(uniq[i], parts) {
			return coverAll
		}
		return coverPart
	}
	for i, seg := range segs {
		dcCov := coverage(segOf[i], 0)
		vpnCov := coverage(segOf[i], 1)
		if dcCov == coverAll && vpnCov == coverAll {
			continue // the common case: nothing to say, no path to build
		}
		segPath := segmentCIDRPath(i)
		prefix := seg.CIDR.Masked()
		switch {
		case dcCov == coverNone && vpnCov == coverNone:
			c.add(plan.Finding{
				Code: CodeOneWay, Severity: plan.SeverityError, Path: segPath,
				Message: fmtlite.Sprintf("segment %s (%s) is advertised over neither Direct Connection nor VPN: the cloud cannot reach it", plan.Quote(seg.Name), prefix),
				Hint:    "check the overrides and VPN aggregates for this segment",
			})
		case vpnCov == coverNone:
			c.add(plan.Finding{
				Code: CodeOneWay, Severity: plan.SeverityError, Path: segPath, Related: []string{aggPath},
				Message: fmtlite.Sprintf("segment %s (%s) is advertised only over Direct Connection: when it fails, the cloud cannot reach the segment although the VPN is up", plan.Quote(seg.Name), prefix),
				Hint:    "add a VPN aggregate (or an override) that covers the segment",
			})
		case dcCov == coverNone:
			c.add(plan.Finding{
				Code: CodeOneWay, Severity: plan.SeverityWarning, Path: segPath,
				Message: fmtlite.Sprintf("segment %s (%s) is advertised only over the VPN: its traffic never uses Direct Connection", plan.Quote(seg.Name), prefix),
				Hint:    "give the segment Direct Connection prefixes, or accept the VPN as its only path",
			})
		case vpnCov == coverPart:
			c.add(plan.Finding{
				Code: CodeAggregateNotCovering, Severity: plan.SeverityError, Path: aggPath, Related: []string{segPath},
				Message: fmtlite.Sprintf("the VPN advertisements cover only part of segment %s (%s): when Direct Connection fails, the rest of it is unreachable from the cloud", plan.Quote(seg.Name), prefix),
				Hint:    fmtlite.Sprintf("make a VPN aggregate cover all of %s", prefix),
			})
		case dcCov == coverPart:
			c.add(plan.Finding{
				Code: CodeOneWay, Severity: plan.SeverityWarning, Path: segPath,
				Message: fmtlite.Sprintf("the Direct Connection advertisements cover only part of segment %s (%s): the rest always goes over the VPN", plan.Quote(seg.Name), prefix),
				Hint:    "make the Direct Connection prefixes cover the whole segment",
			})
		}
	}
	// An aggregate wider than the segments it stands for attracts traffic
	// for addresses the IDC does not hold.
	if explicitAggregates {
		segs := make([]netip.Prefix, 0, len(c.p.IDC.Segments))
		for _, s := range c.p.IDC.Segments {
			segs = append(segs, s.CIDR.Masked())
		}
		segAgg := cidr.Aggregate(segs)
		for j, agg := range c.p.Strategy.PrefixSplit.VPNAggregates {
			if !slices.ContainsFunc(segAgg, func(s netip.Prefix) bool { return cidr.Covers(s, agg.Masked()) }) {
				c.add(plan.Finding{
					Code: CodeAggregateTooWide, Severity: plan.SeverityWarning, Path: fmtlite.Sprintf("$.strategy.prefixSplit.vpnAggregates[%d]", j),
					Message: fmtlite.Sprintf("VPN aggregate %s covers addresses that are in no IDC segment: the cloud sends traffic for them to the IDC, which has nowhere to deliver it", agg),
					Hint:    "use aggregates made only of IDC segments",
				})
			}
		}
	}
}

// fills reports whether prefixes, each inside seg, together cover all of
// it: walked in address order, each must start at or before the first
// address not yet covered, until one reaches seg's last address. It is
// cidr.Aggregate(parts) == [seg] without building the aggregate (which
// allocated per segment). It sorts parts.
func fills(seg netip.Prefix, parts []netip.Prefix) bool {
	if !slices.IsSortedFunc(parts, compareAddrBits) {
		slices.SortFunc(parts, compareAddrBits)
	}
	next := seg.Masked().Addr() // the first address not yet covered
	end := lastAddr(seg)
	for _, q := range parts {
		if q.Addr().Compare(next) > 0 {
			return false // a gap before q
		}
		last := lastAddr(q)
		if last.Compare(end) >= 0 {
			return true
		}
		if after := last.Next(); after.Compare(next) > 0 {
			next = after
		}
	}
	return false
}

type cover int

const (
	coverNone cover = iota
	coverPart
	coverAll
)

// cloudToIDC: the border gateway advertises every propagated VPC segment on
// every session; the AS_PATH the customer router sees is the profile's
// assumption.
func (c *computer) cloudToIDC() {
	dcPath := slices.Clone(c.prof.ASN.DirectConnectionPathToCustomer)
	vpnPath := slices.Clone(c.prof.ASN.VPNPathToCustomer)
	var dc, vpn []Announcement
	for _, a := range c.p.BorderGateway.Attachments {
		for _, q := range a.Propagated() {
			if c.p.DirectConnection != nil {
				dc = append(dc, Announcement{Prefix: q.Masked(), Origin: a.Name, ASPath: dcPath})
			}
			if c.p.VPN != nil {
				vpn = append(vpn, Announcement{Prefix: q.Masked(), Origin: a.Name, ASPath: vpnPath})
			}
		}
	}
	c.r.CloudToIDC = Advertisements{DirectConnection: dc, VPN: vpn}
	c.r.Assumptions = append(c.r.Assumptions,
		fmtlite.Sprintf("the customer router receives VPC prefixes over Direct Connection with AS_PATH %s (profile asn.directConnectionPathToCustomer; JD Cloud does not document it)", FormatASPath(dcPath)),
		fmtlite.Sprintf("the customer router receives VPC prefixes over the VPN with AS_PATH %s (profile asn.vpnPathToCustomer)", FormatASPath(vpnPath)),
	)
	segs := fmtlite.Sprintf("the %d propagated VPC segments", len(dc))
	if len(dc) == 1 {
		segs = "the one propagated VPC segment"
	}
	c.note("Cloud → IDC: the border gateway advertises %s on every session. The customer router must prefer Direct Connection for them too, or traffic returns over the VPN.", segs)
	if c.p.DirectConnection == nil || c.p.VPN == nil {
		return
	}
	// What the customer router prefers, with BGP's order: local-preference,
	// then AS_PATH length; a tie goes to the older session.
	lp := c.p.Strategy.LocalPreference
	lpDC, lpVPN := uint32(defaultLocalPref), uint32(defaultLocalPref)
	if lp != nil {
		lpDC, lpVPN = lp.DirectConnection, lp.VPN
	}
	switch {
	case lpDC > lpVPN:
		c.note("The customer router sets local-preference %d on routes from Direct Connection and %d on routes from the VPN, so it returns traffic over Direct Connection whatever the AS_PATHs and the order the sessions came up in.", lpDC, lpVPN)
	case lpDC < lpVPN:
		c.add(plan.Finding{
			Code: CodeReturnOverVPN, Severity: plan.SeverityError, Path: "$.strategy.localPreference",
			Message: fmtlite.Sprintf("local-preference is higher on the VPN (%d) than on Direct Connection (%d): the IDC returns cloud traffic over the VPN while the cloud sends over Direct Connection, an asymmetric path that stateful firewalls drop", lpVPN, lpDC),
			Hint:    "set directConnection above vpn, e.g. 200 and 100",
		})
	case len(dcPath) < len(vpnPath):
		c.note("Without a local-preference difference the customer router prefers Direct Connection only because its AS_PATH (%s) is shorter than the VPN's (%s), an undocumented assumption; set local-preference to make it explicit.", FormatASPath(dcPath), FormatASPath(vpnPath))
	case len(dcPath) > len(vpnPath):
		c.add(plan.Finding{
			Code: CodeReturnOverVPN, Severity: plan.SeverityError, Path: "$.strategy.localPreference",
			Message: fmtlite.Sprintf("without a local-preference difference the customer router prefers the VPN's shorter AS_PATH (%s over %s): traffic returns over the VPN, asymmetrically", FormatASPath(vpnPath), FormatASPath(dcPath)),
			Hint:    "set local-preference, e.g. directConnection 200 and vpn 100",
		})
	case lp == nil:
		c.add(plan.Finding{
			Code: CodeEqualASPathNoLocalPref, Severity: plan.SeverityWarning, Path: "$.strategy.localPreference",
			Message: fmtlite.Sprintf("the customer router gets VPC prefixes with equal AS_PATH length (%d) over both paths and no local-preference is set: BGP keeps the path that is already best, so return traffic uses whichever session came up first, and after a Direct Connection flap it stays on the VPN (asymmetric)", len(dcPath)),
			Hint:    "set local-preference, e.g. directConnection 200 and vpn 100",
		})
	default:
		c.add(plan.Finding{
			Code: CodeReturnTie, Severity: plan.SeverityWarning, Path: "$.strategy.localPreference",
			Message: fmtlite.Sprintf("local-preference is equal on both paths (%d) and so is the AS_PATH length: return traffic uses whichever session came up first, and after a Direct Connection flap it stays on the VPN (asymmetric)", lpDC),
			Hint:    "set directConnection above vpn, e.g. 200 and 100",
		})
	}
}

func (c *computer) checkPathKinds() {
	switch {
	case c.p.DirectConnection == nil && c.p.VPN == nil:
		c.add(plan.Finding{
			Code: CodeSinglePathKind, Severity: plan.SeverityError, Path: "$",
			Message: "the plan has neither a Direct Connection nor a VPN: nothing connects the IDC to the cloud",
			Hint:    "add a directConnection and a vpn",
		})
	case c.p.DirectConnection == nil:
		c.add(plan.Finding{
			Code: CodeSinglePathKind, Severity: plan.SeverityWarning, Path: "$.directConnection",
			Message: "the plan has no Direct Connection: the VPN is the only path, and the strategy steers nothing",
			Hint:    "add the Direct Connection's private virtual interfaces",
		})
	case c.p.VPN == nil:
		c.add(plan.Finding{
			Code: CodeSinglePathKind, Severity: plan.SeverityWarning, Path: "$.vpn",
			Message: "the plan has no VPN: nothing takes over when Direct Connection fails",
			Hint:    "add a VPN connection as backup",
		})
	}
}

// checkIPv6: IPv6 prefixes go only over sessions with IPv6 addresses.
func (c *computer) checkIPv6() {
	carries := map[PathKind]bool{}
	has := map[PathKind]bool{}
	for _, s := range c.r.Sessions {
		has[s.Kind] = true
		if s.CustomerIPv6.IsValid() && s.CloudIPv6.IsValid() {
			carries[s.Kind] = true
		}
	}
	if (carries[DirectConnection] || carries[VPN]) && (!has[DirectConnection] || carries[DirectConnection]) && (!has[VPN] || carries[VPN]) {
		// Every kind of session the plan has carries IPv6: no case below
		// can apply, so no block's path and name need to be formatted.
		return
	}
	check := func(prefix netip.Prefix, path, what string) {
		// A missing or invalid prefix (an empty CIDR in a new row) is
		// validation's finding, not an IPv6 one.
		if !prefix.IsValid() || prefix.Addr().Is4() {
			return
		}
		switch {
		case !carries[DirectConnection] && !carries[VPN]:
			c.add(plan.Finding{
				Code: CodeIPv6NoSession, Severity: plan.SeverityError, Path: path,
				Message: fmtlite.Sprintf("%s %s is IPv6 but no session has IPv6 addresses: it is advertised nowhere and unreachable", what, prefix),
				Hint:    "give the private virtual interfaces an interconnectIpv6 and the tunnels an insideCidrIpv6",
			})
		case has[DirectConnection] && !carries[DirectConnection]:
			c.add(plan.Finding{
				Code: CodeIPv6NoSession, Severity: plan.SeverityWarning, Path: path,
				Message: fmtlite.Sprintf("%s %s is IPv6 but no Direct Connection interface has IPv6 addresses: it goes only over the VPN", what, prefix),
				Hint:    "give the private virtual interfaces an interconnectIpv6",
			})
		case has[VPN] && !carries[VPN]:
			c.add(plan.Finding{
				Code: CodeIPv6NoSession, Severity: plan.SeverityWarning, Path: path,
				Message: fmtlite.Sprintf("%s %s is IPv6 but no VPN tunnel has IPv6 addresses: nothing backs it up when Direct Connection fails", what, prefix),
				Hint:    "give the tunnels an insideCidrIpv6",
			})
		}
	}
	for i, s := range c.p.IDC.Segments {
		check(s.CIDR, segmentCIDRPath(i), "IDC segment "+plan.Quote(s.Name))
	}
	for i, a := range c.p.BorderGateway.Attachments {
		for j, q := range a.CIDRs {
			check(q, fmtlite.Sprintf("$.borderGateway.attachments[%d].cidrs[%d]", i, j), "VPC segment of "+plan.Quote(a.Name))
		}
	}
}

// splitCount is how many Direct Connection prefixes splitting by extra
// bits makes: 2^min(extra, free bits) per segment without a Direct
// Connection override, plus the overrides' prefixes. It stops counting
// past plan.MaxSplitPrefixes, so it never overflows.
func (c *computer) splitCount(extra int, overrides map[int]int, ps *plan.PrefixSplit) int {
	n := 0
	for i, seg := range c.p.IDC.Segments {
		if k, ok := overrides[i]; ok && len(ps.Overrides[k].DirectConnection) > 0 {
			n += len(ps.Overrides[k].DirectConnection)
		} else {
			n += 1 << max(min(extra, seg.CIDR.Addr().BitLen()-seg.CIDR.Bits()), 0)
		}
		if n > plan.MaxSplitPrefixes {
			return n
		}
	}
	return n
}

// countRoutes counts what the border gateway learns over BGP: every prefix
// on every established session is one route in its table, so two private
// virtual interfaces carrying the same /17 count twice. That is the
// conservative reading of the quota; JD Cloud drops routes beyond it. It
// multiplies counts per kind and family instead of walking sessions ×
// prefixes.
func (c *computer) countRoutes() {
	var prefixes, sessions [2][2]int // [kind: DC 0, VPN 1][family: IPv4 0, IPv6 1]
	kind := func(k PathKind) int {
		if k == DirectConnection {
			return 0
		}
		return 1
	}
	for _, k := range []PathKind{DirectConnection, VPN} {
		for _, a := range c.r.IDCToCloud.For(k) {
			f := 0
			if !a.Prefix.Addr().Is4() {
				f = 1
			}
			prefixes[kind(k)][f]++
		}
	}
	for _, s := range c.r.Sessions {
		if s.CustomerIP.IsValid() {
			sessions[kind(s.Kind)][0]++
		}
		if s.CustomerIPv6.IsValid() {
			sessions[kind(s.Kind)][1]++
		}
	}
	n := 0
	for k := range 2 {
		for f := range 2 {
			n += prefixes[k][f] * sessions[k][f]
		}
	}
	c.r.DynamicRoutes = n
	q := c.r.DynamicRouteQuota
	c.note("The border gateway learns %d dynamic routes (every prefix on every session), against a quota of %d.", n, q)
	if q > 0 && n > q {
		c.add(plan.Finding{
			Code: CodeQuotaExceeded, Severity: plan.SeverityError, Path: "$.strategy", Related: []string{"$.profile.quotas.dynamicRoutesPerBorderGateway"},
			Message: fmtlite.Sprintf("the border gateway would learn %d dynamic routes, over its quota of %d: JD Cloud drops the routes beyond the quota, so some segments become unreachable", n, q),
			Hint:    "split less (lower extraBits), aggregate segments, use fewer sessions, or raise the quota by ticket and set it in the profile",
		})
	}
}

// FormatASPath writes an AS_PATH the way routers print it, "65000 65000";
// an empty path is "(empty)".
func FormatASPath(path []uint32) string {
	if len(path) == 0 {
		return "(empty)"
	}
	var b strings.Builder
	for i, a := range path {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatUint(uint64(a), 10))
	}
	return b.String()
}
