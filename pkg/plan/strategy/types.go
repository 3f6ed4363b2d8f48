package strategy

import (
	"net/netip"

	"github.com/hybridplan/hybridplan/pkg/plan"
)

// PathKind is the kind of link a BGP session runs over.
type PathKind string

// Path kinds.
const (
	DirectConnection PathKind = "direct-connection"
	VPN              PathKind = "vpn"
)

// Session is one eBGP session between the customer router and JD Cloud: a
// private virtual interface or a VPN tunnel.
type Session struct {
	// Name is the interface's or the tunnel's name in the plan.
	Name string   `json:"name"`
	Kind PathKind `json:"kind"`
	// Path is the JSON path of the interface or tunnel in the plan.
	Path        string     `json:"path"`
	CustomerASN uint32     `json:"customerAsn"`
	CloudASN    uint32     `json:"cloudAsn"`
	CustomerIP  netip.Addr `json:"customerIp"`
	CloudIP     netip.Addr `json:"cloudIp"`
	// CustomerIPv6 and CloudIPv6 are set when the session carries IPv6.
	CustomerIPv6 netip.Addr `json:"customerIpv6,omitzero"`
	CloudIPv6    netip.Addr `json:"cloudIpv6,omitzero"`
	// BFD is set when the plan asks for BFD on this session.
	BFD *plan.BFD `json:"bfd,omitempty"`
}

// Announcement is one prefix advertised on a session.
type Announcement struct {
	Prefix netip.Prefix `json:"prefix"`
	// Prepend is how many extra times the sender prepends its own ASN.
	Prepend int `json:"prepend,omitempty"`
	// Origin names what the prefix stands for: an IDC segment or a VPC
	// attachment (several, comma-separated, for an aggregate: the first
	// eight, then how many more).
	Origin string `json:"origin"`
	// ASPath is the AS_PATH the receiving router sees on the prefix: the
	// sender's ASN, prepended, for IDC → cloud; the profile's assumed path
	// for cloud → IDC. Announcements share these slices: read only.
	ASPath []uint32 `json:"asPath,omitempty"`
}

// Advertisements are what one side sends, per path kind. Every session of a
// kind sends the same set.
type Advertisements struct {
	DirectConnection []Announcement `json:"directConnection"`
	VPN              []Announcement `json:"vpn"`
}

// For returns the announcements sent on sessions of kind k.
func (a Advertisements) For(k PathKind) []Announcement {
	if k == DirectConnection {
		return a.DirectConnection
	}
	return a.VPN
}

// Result is what the plan's strategy makes each side advertise, and what the
// planner has to say about it.
type Result struct {
	Mode     string    `json:"mode"`
	Sessions []Session `json:"sessions"`
	// IDCToCloud is what the customer router advertises to JD Cloud.
	IDCToCloud Advertisements `json:"idcToCloud"`
	// CloudToIDC is what the border gateway advertises to the customer router.
	CloudToIDC Advertisements `json:"cloudToIdc"`
	// LocalPreference the customer router sets on routes it receives; nil
	// when the plan sets none.
	LocalPreference *plan.LocalPreference `json:"localPreference,omitempty"`
	// DynamicRoutes is how many routes the border gateway learns over BGP,
	// counted against its dynamic-route quota.
	DynamicRoutes int `json:"dynamicRoutes"`
	// DynamicRouteQuota is the border gateway's dynamic-route quota from the
	// plan's profile; routes beyond it are dropped by JD Cloud.
	DynamicRouteQuota int `json:"dynamicRouteQuota"`
	// Assumptions are values the planner relies on that JD Cloud does not
	// document (from the profile), shown to the user as such.
	Assumptions []string `json:"assumptions"`
	// Findings are the strategy's mistakes and risks (codes "strategy.…").
	Findings []plan.Finding `json:"findings"`
	// Notes explain the design to a person, in order.
	Notes []string `json:"notes"`
}

// Carries reports whether the session can carry prefix p: IPv4 always (every
// session has IPv4 addresses), IPv6 only when the session has IPv6 addresses.
func (s Session) Carries(p netip.Prefix) bool {
	if p.Addr().Is4() {
		return s.CustomerIP.IsValid()
	}
	return s.CustomerIPv6.IsValid()
}

// CloudAddrFor is JD Cloud's address on the session for prefixes of p's
// family: the BGP neighbor the customer router sees for p.
func (s Session) CloudAddrFor(p netip.Prefix) netip.Addr {
	if p.Addr().Is4() {
		return s.CloudIP
	}
	return s.CloudIPv6
}

// CustomerAddrFor is the customer router's address on the session for
// prefixes of p's family: the BGP neighbor the border gateway sees for p.
func (s Session) CustomerAddrFor(p netip.Prefix) netip.Addr {
	if p.Addr().Is4() {
		return s.CustomerIP
	}
	return s.CustomerIPv6
}

// On returns the announcements actually sent on session s: those of the
// session's kind whose family the session carries.
func (a Advertisements) On(s Session) []Announcement {
	all := a.For(s.Kind)
	out := make([]Announcement, 0, len(all))
	for _, an := range all {
		if s.Carries(an.Prefix) {
			out = append(out, an)
		}
	}
	return out
}
