package plan

import (
	"net/netip"
)

// Version is the only plan document version this code reads and writes.
const Version = 1

// Plan is a network architect's design: an IDC connected to JD Cloud VPCs
// through a border gateway, over a Direct Connection with a VPN as backup.
type Plan struct {
	Version     int    `json:"version"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Region is the JD Cloud region, e.g. "cn-north-1".
	Region string `json:"region"`

	IDC              IDC               `json:"idc"`
	BorderGateway    BorderGateway     `json:"borderGateway"`
	DirectConnection *DirectConnection `json:"directConnection,omitempty"`
	VPN              *VPN              `json:"vpn,omitempty"`
	Strategy         Strategy          `json:"strategy"`

	// Profile overrides JD Cloud's documented rules and limits for this plan.
	// Absent fields keep DefaultProfile's values; nil means all defaults.
	Profile *Profile `json:"profile,omitempty"`

	// Simulation parameters: see the block "Simulation: bring-up order and
	// user-written scenarios" at the end of this file.
	BringUp   string         `json:"bringUp,omitempty"`
	Scenarios []UserScenario `json:"scenarios,omitempty"`
	// Failover states what the plan requires of failover (issue 11); nil
	// keeps the defaults.
	Failover *Failover `json:"failover,omitempty"`
}

// IDC is the enterprise data centre and its customer (edge) router.
type IDC struct {
	Name string `json:"name,omitempty"`
	// ASN is the customer's private BGP ASN (JD Cloud accepts 65001–65499).
	ASN uint32 `json:"asn"`
	// RouterID is the customer router's BGP router ID.
	RouterID netip.Addr `json:"routerId"`
	// Segments are the IDC address blocks the cloud must reach.
	Segments []Segment `json:"segments"`
}

// Segment is a named address block, IPv4 or IPv6.
type Segment struct {
	Name        string       `json:"name"`
	CIDR        netip.Prefix `json:"cidr"`
	Description string       `json:"description,omitempty"`
}

// BorderGateway is the JD Cloud border gateway (BGW) and its VPC attachments.
type BorderGateway struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// ASN is the border gateway's BGP ASN; 0 means the profile's (65000).
	ASN         uint32       `json:"asn,omitempty"`
	Attachments []Attachment `json:"attachments"`
}

// Attachment attaches one VPC to the border gateway.
type Attachment struct {
	Name string `json:"name"`
	// VPCID is the id of an existing VPC ("vpc-…"); empty when the VPC is
	// known only by name in a draft.
	VPCID   string `json:"vpcId,omitempty"`
	VPCName string `json:"vpcName"`
	// CIDRs are the VPC's address prefixes.
	CIDRs []netip.Prefix `json:"cidrs"`
	// Subnets are the VPC's subnets, the unit JD Cloud propagates by.
	Subnets []Subnet `json:"subnets,omitempty"`
	// Propagation says which VPC segments reach the border gateway's routes.
	Propagation Propagation `json:"propagation"`
	// RouteTables are VPC route tables that get rules towards the border
	// gateway for the IDC segments (provisioning step 5).
	RouteTables []string `json:"routeTables,omitempty"`
}

// Subnet is a VPC subnet.
type Subnet struct {
	Name string       `json:"name"`
	ID   string       `json:"id,omitempty"`
	CIDR netip.Prefix `json:"cidr"`
}

// Propagation modes, as JD Cloud's propagateType.
const (
	PropagateAll     = "all"     // every VPC CIDR
	PropagateSubnets = "subnets" // only the named subnets
)

// Propagation selects the VPC segments propagated to the border gateway.
type Propagation struct {
	// Mode is PropagateAll (default when empty) or PropagateSubnets.
	Mode string `json:"mode,omitempty"`
	// Subnets names the propagated subnets when Mode is PropagateSubnets.
	Subnets []string `json:"subnets,omitempty"`
}

// DirectConnection is the dedicated line: an existing physical connection
// and the private virtual interfaces (one BGP session each) on it.
type DirectConnection struct {
	// ConnectionID is the physical connection, ordered and cabled by people.
	ConnectionID string             `json:"connectionId"`
	Interfaces   []PrivateInterface `json:"interfaces"`
}

// PrivateInterface is a private virtual interface: a VLAN and one eBGP
// session over a /30 interconnect.
type PrivateInterface struct {
	Name          string `json:"name"`
	VLAN          int    `json:"vlan"`
	BandwidthMbps int    `json:"bandwidthMbps,omitempty"`
	// Interconnect is the /30 of the BGP session: the customer router takes
	// the first usable address, JD Cloud the second.
	Interconnect netip.Prefix `json:"interconnect"`
	// InterconnectIPv6 optionally carries IPv6 segments (a /126 or /127;
	// customer first usable, JD Cloud second).
	InterconnectIPv6 netip.Prefix `json:"interconnectIpv6,omitzero"`
	// CustomerASN defaults to the IDC's ASN; CloudASN to the profile's
	// Direct Connection peer ASN.
	CustomerASN uint32      `json:"customerAsn,omitempty"`
	CloudASN    uint32      `json:"cloudAsn,omitempty"`
	HealthCheck HealthCheck `json:"healthCheck"`
	// BGPTimers are the session's keepalive and hold time; nil takes the
	// profile's (timers.bgpKeepaliveSeconds, timers.bgpHoldSeconds).
	BGPTimers *BGPTimers `json:"bgpTimers,omitempty"`
}

// Health check types of a private virtual interface.
const (
	HealthCheckNone = "none"
	HealthCheckNQA  = "nqa"
	HealthCheckBFD  = "bfd"
)

// HealthCheck detects a failed Direct Connection faster than the BGP hold time.
type HealthCheck struct {
	// Type is HealthCheckNone (default when empty), HealthCheckNQA or HealthCheckBFD.
	Type string `json:"type,omitempty"`
	NQA  *NQA   `json:"nqa,omitempty"`
	BFD  *BFD   `json:"bfd,omitempty"`
}

// NQA probe timers.
type NQA struct {
	IntervalSeconds int `json:"intervalSeconds"`
	Count           int `json:"count"`
	TimeoutSeconds  int `json:"timeoutSeconds"`
}

// BFD timers.
type BFD struct {
	MinTxMillis int `json:"minTxMillis"`
	MinRxMillis int `json:"minRxMillis"`
	Multiplier  int `json:"multiplier"`
}

// VPN is the IPsec VPN: a customer gateway, one VPN connection on the border
// gateway, and its tunnels (one eBGP session each).
type VPN struct {
	CustomerGateway CustomerGateway `json:"customerGateway"`
	Connection      VPNConnection   `json:"connection"`
	Tunnels         []Tunnel        `json:"tunnels"`
}

// CustomerGateway is the IDC end of the VPN.
type CustomerGateway struct {
	Name      string       `json:"name"`
	PublicIPs []netip.Addr `json:"publicIps"`
	// ASN defaults to the IDC's ASN; JD Cloud cannot change it later.
	ASN uint32 `json:"asn,omitempty"`
}

// VPNConnection is the cloud end of the VPN, on the border gateway.
type VPNConnection struct {
	Name           string       `json:"name"`
	CloudPublicIPs []netip.Addr `json:"cloudPublicIps"`
	// LocalASN defaults to the border gateway's ASN.
	LocalASN uint32 `json:"localAsn,omitempty"`
	// BGP is on unless explicitly false; this planner requires it.
	BGP *bool `json:"bgp,omitempty"`
}

// Tunnel is one IPsec tunnel between a cloud and a customer public IP.
type Tunnel struct {
	Name             string     `json:"name"`
	CloudPublicIP    netip.Addr `json:"cloudPublicIp"`
	CustomerPublicIP netip.Addr `json:"customerPublicIp"`
	// InsideCIDR is the tunnel's inside /30. By default JD Cloud's end takes
	// the first usable address and the customer's the second.
	InsideCIDR netip.Prefix `json:"insideCidr"`
	// CloudInsideIP and CustomerInsideIP override that default.
	CloudInsideIP    netip.Addr `json:"cloudInsideIp,omitzero"`
	CustomerInsideIP netip.Addr `json:"customerInsideIp,omitzero"`
	// InsideCIDRIPv6 optionally carries IPv6 segments over the tunnel.
	InsideCIDRIPv6 netip.Prefix `json:"insideCidrIpv6,omitzero"`
	BandwidthMbps  int          `json:"bandwidthMbps,omitempty"`
	// PSKRef names where the server finds the pre-shared key ("env:NAME" or
	// "file:/path"); the key itself never appears in a plan.
	PSKRef string `json:"pskRef"`
	IKE    IKE    `json:"ike"`
	IPsec  IPsec  `json:"ipsec"`
	// BGPTimers are the tunnel BGP session's keepalive and hold time; nil
	// takes the profile's.
	BGPTimers *BGPTimers `json:"bgpTimers,omitempty"`
}

// IKE options; empty fields take the profile defaults.
type IKE struct {
	Version         string `json:"version,omitempty"` // v1 | v2
	Mode            string `json:"mode,omitempty"`    // main | aggressive
	DHGroup         string `json:"dhGroup,omitempty"`
	Cipher          string `json:"cipher,omitempty"`
	Auth            string `json:"auth,omitempty"`
	DPDSeconds      *int   `json:"dpdSeconds,omitempty"` // 0 or 10
	LifetimeSeconds int    `json:"lifetimeSeconds,omitempty"`
}

// IPsec options; empty fields take the profile defaults.
type IPsec struct {
	Cipher          string `json:"cipher,omitempty"`
	Auth            string `json:"auth,omitempty"`
	PFS             string `json:"pfs,omitempty"` // none or a DH group
	LifetimeSeconds int    `json:"lifetimeSeconds,omitempty"`
}

// Strategy modes.
const (
	// StrategyPrefixSplit advertises more-specific prefixes over Direct
	// Connection and the covering aggregate over VPN.
	StrategyPrefixSplit = "prefix-split"
	// StrategyASPath advertises the same prefixes on both, with the customer
	// ASN prepended on the VPN.
	StrategyASPath = "as-path"
)

// Strategy says how Direct Connection is made primary and VPN backup.
type Strategy struct {
	Mode        string       `json:"mode"`
	PrefixSplit *PrefixSplit `json:"prefixSplit,omitempty"`
	ASPath      *ASPath      `json:"asPath,omitempty"`
	// LocalPreference on the customer router steers cloud → IDC traffic;
	// nil leaves the choice to AS_PATH and session age (asymmetry risk).
	LocalPreference *LocalPreference `json:"localPreference,omitempty"`
}

// PrefixSplit parameters.
type PrefixSplit struct {
	// ExtraBits splits each IDC segment into 2^ExtraBits more-specifics for
	// Direct Connection. Absent (nil) means the default 1: a /16 becomes two
	// /17s; an explicit 0 splits nothing (a warning says what that leaves).
	ExtraBits *int `json:"extraBits,omitempty"`
	// Overrides set the advertisements of single segments by hand.
	Overrides []SplitOverride `json:"overrides,omitempty"`
	// VPNAggregates, when set, replace the segments as the VPN
	// advertisements; each must cover the segments it stands for.
	VPNAggregates []netip.Prefix `json:"vpnAggregates,omitempty"`
}

// SplitOverride sets what one segment advertises on each path.
type SplitOverride struct {
	Segment          string         `json:"segment"`
	DirectConnection []netip.Prefix `json:"directConnection,omitempty"`
	VPN              []netip.Prefix `json:"vpn,omitempty"`
}

// ASPath parameters.
type ASPath struct {
	// Prepend is how many extra times the customer ASN goes on the VPN
	// advertisements. Absent (nil) means the default 3; an explicit 0
	// prepends nothing (a warning says what that leaves).
	Prepend *int `json:"prepend,omitempty"`
}

// LocalPreference values the customer router sets on routes received from
// each path. Higher wins.
type LocalPreference struct {
	DirectConnection uint32 `json:"directConnection"`
	VPN              uint32 `json:"vpn"`
}

// ---- Simulation: bring-up order and user-written scenarios ----
//
// Owned by the simulator (pkg/plan/sim, docs/simulate.md). The simulator
// checks these fields (sim.CheckPlan: unknown kinds, sessions and prefixes,
// and the limits below, each finding with its JSON path).

// Bring-up orders: which path's BGP sessions were established first in the
// initial state. BGP keeps the older of two otherwise equal eBGP paths, so
// with equal AS_PATHs and no local-preference the order decides the normal
// state's return path.
const (
	// BringUpDirectConnectionFirst: the private virtual interfaces, then the
	// tunnels, each in plan order (the default when BringUp is empty).
	BringUpDirectConnectionFirst = "direct-connection-first"
	// BringUpVPNFirst: the tunnels, then the private virtual interfaces, as
	// when the VPN runs for weeks before the line is delivered.
	BringUpVPNFirst = "vpn-first"
)

// BringUpOrders lists the bring-up orders, the default first.
func BringUpOrders() []string { return []string{BringUpDirectConnectionFirst, BringUpVPNFirst} }

// Limits on user-written scenarios: each scenario is simulated (and
// replayed by the oracle) event by event, so their number is bounded
// before any work is done.
const (
	MaxUserScenarios      = 32
	MaxScenarioEvents     = 64
	MaxScenarioPrefixes   = 256
	MaxScenarioNameLength = 64
)

// UserScenario is a scenario the architect writes: an ordered list of events
// applied after the initial state, like the standard scenarios.
type UserScenario struct {
	// Name is unique among the plan's scenarios and differs from every
	// standard scenario's name.
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Events      []ScenarioEvent `json:"events"`
}

// ScenarioEvent is one event of a user-written scenario; the kinds and
// fields are the simulator's (docs/simulate.md, "Scenarios and events").
type ScenarioEvent struct {
	// Kind is session-up, session-down, link-down, link-up, withdraw or
	// restore.
	Kind string `json:"kind"`
	// Session names a session (a private virtual interface or a tunnel), or
	// for link events the Direct Connection; empty means every Direct
	// Connection session (withdraw/restore) or the port (link events).
	Session string `json:"session,omitempty"`
	// Prefixes restricts withdraw/restore to these announcements.
	Prefixes []netip.Prefix `json:"prefixes,omitempty"`
	// Family limits session-up/session-down to one address family's BGP
	// session, "ipv4" or "ipv6"; empty means both.
	Family string `json:"family,omitempty"`
}

// ---- Failover timing (issue 11: loss windows and `hybridplan rehearse`) ----

// BGPTimers are one BGP session's timers. The session uses the lower hold
// time of its two ends (RFC 4271 §4.2); JD Cloud's end is the profile's
// timers.bgpHoldSeconds.
type BGPTimers struct {
	KeepaliveSeconds int `json:"keepaliveSeconds"`
	// HoldSeconds is 0 (no hold timer: a silent failure is never detected
	// by BGP) or at least 3.
	HoldSeconds int `json:"holdSeconds"`
}

// Failover holds the plan's failover requirements.
type Failover struct {
	// MaxSilentLossMillis is the longest a silent failure (a line that
	// stops passing packets without a link-down or a NOTIFICATION) may
	// blackhole traffic before the planner warns; 0 means 3000.
	MaxSilentLossMillis int `json:"maxSilentLossMillis,omitempty"`
}
