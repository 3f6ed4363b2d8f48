package export

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

// family is an address family.
type family int

const (
	ipv4 family = 4
	ipv6 family = 6
)

func familyOf(p netip.Prefix) family {
	if p.Addr().Is4() {
		return ipv4
	}
	return ipv6
}

func (f family) suffix() string {
	if f == ipv4 {
		return "V4"
	}
	return "V6"
}

// prefixList is a named list of exact prefixes of one family.
type prefixList struct {
	Name     string
	Family   family
	Prefixes []netip.Prefix
}

// term is one permit entry of a policy: routes whose prefix is exactly in
// List pass, with Prepend extra copies of the policy's PrependASN and, if
// LocalPref is not 0, that local-preference.
type term struct {
	List      *prefixList
	Prepend   int
	LocalPref uint32
}

// policy is a route map / policy statement / route policy for one path
// kind, direction and family. Routes that match no term are denied.
type policy struct {
	Name       string
	Kind       strategy.PathKind
	Out        bool
	Family     family
	PrependASN uint32
	Terms      []term
}

// neighbor is one eBGP neighbor (a session carries one IPv4 and optionally
// one IPv6 neighbor).
type neighbor struct {
	Kind    strategy.PathKind
	Session string
	Family  family
	Local   netip.Addr
	Remote  netip.Addr
	PeerASN uint32
	// LocalAS is the customer ASN of this session when it differs from
	// the router's own (0 otherwise).
	LocalAS uint32
	BFD     *plan.BFD
	In, Out *policy
	// DC is the index into design.DC, Tunnel into design.Tunnels.
	DC, Tunnel int
}

// dcInterface is the customer end of a private virtual interface.
type dcInterface struct {
	Name string
	// ID names the interface's objects (FRR BFD profile).
	ID            string
	VLAN          int
	Connection    string
	BandwidthMbps int
	V4, V6        netip.Prefix // customer address with the interconnect's length
	Health        plan.HealthCheck
	BFD           *plan.BFD
}

// tunnel is the customer end of one IPsec tunnel.
type tunnel struct {
	Number int // 1-based, for interface names
	Name   string
	// ID names the tunnel's objects (IKE profile, gateway, ...).
	ID             string
	CloudPublic    netip.Addr
	CustomerPublic netip.Addr
	V4, V6         netip.Prefix // customer inside address with the inside length
	IKE            plan.IKE
	IPsec          plan.IPsec
	PSKRef         string
	MTU            int
}

// design is the vendor-neutral customer-router configuration.
type design struct {
	PlanName   string
	Mode       string
	Connection string
	VPNName    string
	ASN        uint32
	RouterID   netip.Addr
	// Originate are the prefixes the router originates into BGP, IPv4
	// first, each backed by a discard route.
	Originate []netip.Prefix
	// Split are the originated prefixes that lie strictly inside an IDC
	// segment (the more-specifics of a prefix split). A discard route for
	// one would be longer than the router's internal route for the whole
	// segment (say 10.1.0.0/16 towards the IDC core), so longest-prefix
	// match would drop the cloud's traffic into it: no vendor backs them
	// with an installed discard route. Each maps to its segment.
	Split     map[netip.Prefix]netip.Prefix
	Lists     []*prefixList
	Policies  []*policy
	Neighbors []neighbor
	DC        []dcInterface
	Tunnels   []tunnel
	LocalPref *plan.LocalPreference
	Timers    *[2]int
	Opts      Options
	// Warnings are said at the top of the configuration, as comments.
	Warnings []string
	// Assumptions are profile values JD Cloud does not document.
	Assumptions []string
	// Notes explain the strategy (strategy.Result.Notes).
	Notes []string
}

// discardDistance is the administrative distance (preference) of the
// discard routes that back `network` statements: the highest a usable
// static route can have, so any real route to the same prefix (connected,
// IGP, another static) wins and the discard route only ever catches
// traffic to unassigned parts of an announced block.
const discardDistance = 254

func kindCode(k strategy.PathKind) string {
	if k == strategy.DirectConnection {
		return "DC"
	}
	return "VPN"
}

func kindLabel(k strategy.PathKind) string {
	if k == strategy.DirectConnection {
		return "Direct Connection"
	}
	return "VPN"
}

// buildDesign turns a plan and its strategy result into the neutral design.
func buildDesign(p *plan.Plan, res strategy.Result, opts Options) (*design, error) {
	if !p.IDC.RouterID.Is4() {
		return nil, fmt.Errorf("export: the IDC router ID %v is not an IPv4 address; set $.idc.routerId (BGP router IDs are 32-bit)", p.IDC.RouterID)
	}
	d := &design{
		PlanName:  p.Name,
		Mode:      res.Mode,
		ASN:       p.IDC.ASN,
		RouterID:  p.IDC.RouterID,
		LocalPref: res.LocalPreference,
		Timers:    opts.BGPTimers,
		Opts:      opts,
	}
	if p.DirectConnection != nil {
		d.Connection = p.DirectConnection.ConnectionID
	}
	if p.VPN != nil {
		d.VPNName = p.VPN.Connection.Name
	}
	prof := p.EffectiveProfile()
	if p.DirectConnection != nil && len(p.DirectConnection.Interfaces) > 0 {
		// The profile marks the Direct Connection peer ASN as an assumption
		// (JD Cloud's documents name three candidates).
		d.Assumptions = append(d.Assumptions, fmt.Sprintf("JD Cloud's Direct Connection peer ASN is %d unless an interface sets cloudAsn (profile asn.directConnectionPeer)", prof.ASN.DirectConnectionPeer))
	}
	d.Assumptions = append(d.Assumptions, res.Assumptions...)
	d.Notes = res.Notes

	// The customer ASN of each path kind; policies prepend it.
	kindASN := map[strategy.PathKind]uint32{}
	for _, s := range res.Sessions {
		if s.Kind != strategy.DirectConnection && s.Kind != strategy.VPN {
			return nil, fmt.Errorf("export: session %q has unknown path kind %q", s.Name, s.Kind)
		}
		if a, ok := kindASN[s.Kind]; ok && a != s.CustomerASN {
			return nil, fmt.Errorf("export: %s sessions use different customer ASNs (%d and %d on %q); give every %s session the same customer ASN so one policy can prepend it", kindLabel(s.Kind), a, s.CustomerASN, s.Name, kindLabel(s.Kind))
		}
		kindASN[s.Kind] = s.CustomerASN
	}

	// Interfaces and tunnels, in plan order, and a neighbor per session
	// and family.
	type key struct {
		kind strategy.PathKind
		fam  family
	}
	hasNeighbors := map[key]bool{}
	for _, s := range res.Sessions {
		n := neighbor{Kind: s.Kind, Session: s.Name, PeerASN: s.CloudASN, BFD: s.BFD, DC: -1, Tunnel: -1}
		if s.CustomerASN != d.ASN {
			n.LocalAS = s.CustomerASN
		}
		var v4Bits, v6Bits int
		switch s.Kind {
		case strategy.DirectConnection:
			i, pi := findInterface(p, s.Name)
			if i < 0 {
				return nil, fmt.Errorf("export: the strategy names Direct Connection session %q, which is not an interface in $.directConnection.interfaces", s.Name)
			}
			v4Bits, v6Bits = pi.Interconnect.Bits(), pi.InterconnectIPv6.Bits()
			di := dcInterface{Name: pi.Name, VLAN: pi.VLAN, Connection: d.Connection, BandwidthMbps: pi.BandwidthMbps, Health: pi.HealthCheck, BFD: s.BFD}
			if s.CustomerIP.IsValid() {
				di.V4 = netip.PrefixFrom(s.CustomerIP, v4Bits)
			}
			if s.CustomerIPv6.IsValid() {
				di.V6 = netip.PrefixFrom(s.CustomerIPv6, v6Bits)
			}
			n.DC = len(d.DC)
			d.DC = append(d.DC, di)
		case strategy.VPN:
			i, t := findTunnel(p, s.Name)
			if i < 0 {
				return nil, fmt.Errorf("export: the strategy names VPN session %q, which is not a tunnel in $.vpn.tunnels", s.Name)
			}
			v4Bits, v6Bits = t.InsideCIDR.Bits(), t.InsideCIDRIPv6.Bits()
			tu := tunnel{
				Number: len(d.Tunnels) + 1, Name: t.Name,
				CloudPublic: t.CloudPublicIP, CustomerPublic: t.CustomerPublicIP,
				IKE: p.IKEOptions(t), IPsec: p.IPsecOptions(t), PSKRef: t.PSKRef, MTU: prof.Tunnel.MTU,
			}
			if s.CustomerIP.IsValid() {
				tu.V4 = netip.PrefixFrom(s.CustomerIP, v4Bits)
			}
			if s.CustomerIPv6.IsValid() {
				tu.V6 = netip.PrefixFrom(s.CustomerIPv6, v6Bits)
			}
			if err := checkCrypto(tu); err != nil {
				return nil, err
			}
			n.Tunnel = len(d.Tunnels)
			d.Tunnels = append(d.Tunnels, tu)
		}
		if s.CloudIP.IsValid() {
			if !s.CloudIP.Is4() || !s.CustomerIP.Is4() {
				return nil, fmt.Errorf("export: session %q: IPv4 addresses expected, got %v and %v", s.Name, s.CustomerIP, s.CloudIP)
			}
			n4 := n
			n4.Family, n4.Local, n4.Remote = ipv4, s.CustomerIP, s.CloudIP
			d.Neighbors = append(d.Neighbors, n4)
			hasNeighbors[key{s.Kind, ipv4}] = true
		}
		if s.CloudIPv6.IsValid() {
			if !s.CloudIPv6.Is6() || !s.CustomerIPv6.Is6() {
				return nil, fmt.Errorf("export: session %q: IPv6 addresses expected, got %v and %v", s.Name, s.CustomerIPv6, s.CloudIPv6)
			}
			n6 := n
			n6.Family, n6.Local, n6.Remote = ipv6, s.CustomerIPv6, s.CloudIPv6
			d.Neighbors = append(d.Neighbors, n6)
			hasNeighbors[key{s.Kind, ipv6}] = true
		}
	}
	names := make([]string, len(d.DC))
	for i, di := range d.DC {
		names[i] = di.Name
	}
	for i, id := range uniqueIDs(names, "PVIF") {
		d.DC[i].ID = id
	}
	names = make([]string, len(d.Tunnels))
	for i, t := range d.Tunnels {
		names[i] = t.Name
	}
	for i, id := range uniqueIDs(names, "TUN") {
		d.Tunnels[i].ID = id
	}

	// Direct Connection neighbors first: readers look for the primary path first.
	slices.SortStableFunc(d.Neighbors, func(a, b neighbor) int {
		return cmp.Compare(kindOrder(a.Kind), kindOrder(b.Kind))
	})

	// Policies per kind and family that has neighbors.
	originate := map[netip.Prefix]bool{}
	for _, kind := range []strategy.PathKind{strategy.DirectConnection, strategy.VPN} {
		for _, fam := range []family{ipv4, ipv6} {
			out := ofFamily(res.IDCToCloud.For(kind), fam)
			in := ofFamily(res.CloudToIDC.For(kind), fam)
			if !hasNeighbors[key{kind, fam}] {
				if len(out) > 0 {
					d.Warnings = append(d.Warnings, fmt.Sprintf("the strategy announces %d IPv%d prefix(es) over %s, but no %s session has IPv%d addresses: they are not announced; add IPv%d addresses to the sessions or drop the IPv%d segments", len(out), fam, kindLabel(kind), kindLabel(kind), fam, fam, fam))
				}
				continue
			}
			outPol := &policy{Name: fmt.Sprintf("JDC-%s-OUT-%s", kindCode(kind), fam.suffix()), Kind: kind, Out: true, Family: fam, PrependASN: kindASN[kind]}
			groups := groupByPrepend(out)
			for _, g := range groups {
				name := fmt.Sprintf("JDC-IDC-TO-%s-%s", kindCode(kind), fam.suffix())
				if len(groups) > 1 {
					name += fmt.Sprintf("-P%d", g.prepend)
				}
				l := &prefixList{Name: name, Family: fam, Prefixes: g.prefixes}
				d.Lists = append(d.Lists, l)
				outPol.Terms = append(outPol.Terms, term{List: l, Prepend: g.prepend})
				for _, pr := range g.prefixes {
					originate[pr] = true
				}
			}
			inPol := &policy{Name: fmt.Sprintf("JDC-%s-IN-%s", kindCode(kind), fam.suffix()), Kind: kind, Family: fam}
			if len(in) > 0 {
				l := &prefixList{Name: fmt.Sprintf("JDC-VPC-FROM-%s-%s", kindCode(kind), fam.suffix()), Family: fam, Prefixes: uniquePrefixes(in)}
				d.Lists = append(d.Lists, l)
				t := term{List: l}
				if d.LocalPref != nil {
					t.LocalPref = d.LocalPref.VPN
					if kind == strategy.DirectConnection {
						t.LocalPref = d.LocalPref.DirectConnection
					}
				}
				inPol.Terms = append(inPol.Terms, t)
			}
			d.Policies = append(d.Policies, outPol, inPol)
			for i := range d.Neighbors {
				nb := &d.Neighbors[i]
				if nb.Kind == kind && nb.Family == fam {
					nb.Out, nb.In = outPol, inPol
				}
			}
		}
	}
	for pr := range originate {
		d.Originate = append(d.Originate, pr)
	}
	slices.SortFunc(d.Originate, comparePrefix)
	d.Split = insideSegments(d.Originate, p.IDC.Segments)
	for _, f := range res.Findings {
		if f.Severity != plan.SeverityInfo {
			w := fmt.Sprintf("%s %s at %s: %s", f.Severity, f.Code, f.Path, f.Message)
			if f.Hint != "" {
				w += " (" + f.Hint + ")"
			}
			d.Warnings = append(d.Warnings, w)
		}
	}
	return d, nil
}

func kindOrder(k strategy.PathKind) int {
	if k == strategy.DirectConnection {
		return 0
	}
	return 1
}

func findInterface(p *plan.Plan, name string) (int, plan.PrivateInterface) {
	if p.DirectConnection == nil {
		return -1, plan.PrivateInterface{}
	}
	for i, pi := range p.DirectConnection.Interfaces {
		if pi.Name == name {
			return i, pi
		}
	}
	return -1, plan.PrivateInterface{}
}

func findTunnel(p *plan.Plan, name string) (int, plan.Tunnel) {
	if p.VPN == nil {
		return -1, plan.Tunnel{}
	}
	for i, t := range p.VPN.Tunnels {
		if t.Name == name {
			return i, t
		}
	}
	return -1, plan.Tunnel{}
}

func ofFamily(as []strategy.Announcement, f family) []strategy.Announcement {
	var out []strategy.Announcement
	for _, a := range as {
		if a.Prefix.IsValid() && familyOf(a.Prefix) == f {
			out = append(out, a)
		}
	}
	return out
}

type prependGroup struct {
	prepend  int
	prefixes []netip.Prefix
}

// groupByPrepend splits announcements by prepend count, fewest first, so
// each group becomes one prefix list and one policy term. A prefix listed
// twice keeps its first prepend count (a strategy never does that).
func groupByPrepend(as []strategy.Announcement) []prependGroup {
	seen := map[netip.Prefix]bool{}
	byCount := map[int][]netip.Prefix{}
	for _, a := range as {
		pr := a.Prefix.Masked()
		if seen[pr] {
			continue
		}
		seen[pr] = true
		byCount[a.Prepend] = append(byCount[a.Prepend], pr)
	}
	var out []prependGroup
	for c, ps := range byCount {
		slices.SortFunc(ps, comparePrefix)
		out = append(out, prependGroup{prepend: c, prefixes: ps})
	}
	slices.SortFunc(out, func(a, b prependGroup) int { return cmp.Compare(a.prepend, b.prepend) })
	return out
}

func uniquePrefixes(as []strategy.Announcement) []netip.Prefix {
	var out []netip.Prefix
	for _, a := range as {
		out = append(out, a.Prefix.Masked())
	}
	slices.SortFunc(out, comparePrefix)
	return slices.Compact(out)
}

// comparePrefix orders IPv4 before IPv6, then by address, then shorter first.
func comparePrefix(a, b netip.Prefix) int {
	return cmp.Or(
		cmp.Compare(a.Addr().BitLen(), b.Addr().BitLen()),
		a.Addr().Compare(b.Addr()),
		cmp.Compare(a.Bits(), b.Bits()),
	)
}

// repeatASN is asn written n times, space-separated, as prepend commands take it.
func repeatASN(asn uint32, n int) string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprint(asn)
	}
	return strings.Join(s, " ")
}

// netmask is a prefix's IPv4 mask in dotted form (IOS XE, VRP interfaces).
func netmask(bits int) string {
	var b [4]byte
	for i := 0; i < bits; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	return netip.AddrFrom4(b).String()
}

// neighborsOf returns the neighbors of one kind and family.
func (d *design) neighborsOf(kind strategy.PathKind, fam family) []neighbor {
	var out []neighbor
	for _, n := range d.Neighbors {
		if n.Kind == kind && n.Family == fam {
			out = append(out, n)
		}
	}
	return out
}

// originated returns the originated prefixes of one family.
func (d *design) originated(fam family) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range d.Originate {
		if familyOf(p) == fam {
			out = append(out, p)
		}
	}
	return out
}

// hasFamily reports whether any neighbor is of family fam.
func (d *design) hasFamily(fam family) bool {
	return slices.ContainsFunc(d.Neighbors, func(n neighbor) bool { return n.Family == fam })
}

// policiesOf returns the policies of one family.
func (d *design) policiesOf(fam family) []*policy {
	var out []*policy
	for _, p := range d.Policies {
		if p.Family == fam {
			out = append(out, p)
		}
	}
	return out
}

// describe is a one-line comment on what a policy does, for every vendor.
func (p *policy) describe() string {
	if p.Out {
		var parts []string
		for _, t := range p.Terms {
			s := fmt.Sprintf("%d prefix(es) from %s", len(t.List.Prefixes), t.List.Name)
			if t.Prepend > 0 {
				s += fmt.Sprintf(" with AS %d prepended %d extra time(s)", p.PrependASN, t.Prepend)
			}
			parts = append(parts, s)
		}
		if len(parts) == 0 {
			return fmt.Sprintf("announces nothing over %s (the strategy sends no IPv%d prefixes there)", kindLabel(p.Kind), p.Family)
		}
		return fmt.Sprintf("announces over %s exactly %s; nothing else", kindLabel(p.Kind), strings.Join(parts, ", "))
	}
	if len(p.Terms) == 0 {
		return fmt.Sprintf("accepts nothing over %s (JD Cloud advertises no IPv%d VPC prefixes there)", kindLabel(p.Kind), p.Family)
	}
	t := p.Terms[0]
	s := fmt.Sprintf("accepts over %s exactly the %d VPC prefix(es) in %s", kindLabel(p.Kind), len(t.List.Prefixes), t.List.Name)
	if t.LocalPref != 0 {
		s += fmt.Sprintf(", local-preference %d", t.LocalPref)
	}
	return s + "; nothing else"
}

// insideSegments maps each prefix of ps that is strictly more specific
// than one of the segments to the longest such segment. It looks up each
// shorter length of the prefix in a set of the segments, so the work is
// at most 128 look-ups per prefix however many segments there are.
func insideSegments(ps []netip.Prefix, segs []plan.Segment) map[netip.Prefix]netip.Prefix {
	set := make(map[netip.Prefix]bool, len(segs))
	for _, s := range segs {
		if s.CIDR.IsValid() {
			set[s.CIDR.Masked()] = true
		}
	}
	out := map[netip.Prefix]netip.Prefix{}
	for _, p := range ps {
		for bits := p.Bits() - 1; bits >= 0; bits-- {
			if up, _ := p.Addr().Prefix(bits); set[up] {
				out[p] = up
				break
			}
		}
	}
	return out
}
