package plan

import "net/netip"

// Profile is everything the planner knows about JD Cloud's rules and limits:
// ASNs, ranges, priorities and quotas. Every value has a documented default
// (DefaultProfile, with its source in ProfileSources) and can be overridden per
// plan, so a user can correct a value JD Cloud changes without a new release.
type Profile struct {
	ASN          ProfileASN          `json:"asn"`
	VLAN         IntRange            `json:"vlan"`
	Interconnect ProfileInterconnect `json:"interconnect"`
	Tunnel       ProfileTunnel       `json:"tunnel"`
	HealthCheck  ProfileHealthCheck  `json:"healthCheck"`
	IKE          ProfileIKE          `json:"ike"`
	IPsec        ProfileIPsec        `json:"ipsec"`
	PSK          ProfilePSK          `json:"psk"`
	BorderGW     ProfileBorderGW     `json:"borderGateway"`
	Quotas       ProfileQuotas       `json:"quotas"`
	// CustomerGatewayIPCounts are the allowed numbers of public IPs on a
	// customer gateway.
	CustomerGatewayIPCounts []int `json:"customerGatewayIpCounts"`
	// VPNCloudPublicIPs is how many public IPs a VPN connection has.
	VPNCloudPublicIPs int `json:"vpnCloudPublicIps"`

	// --- JDCLOUD (issue 10): region availability ---

	// Regions are the regions JD Cloud's documents say offer what a plan
	// needs; a plan elsewhere gets a warning (region.availability).
	Regions ProfileRegions `json:"regions"`
	// --- end JDCLOUD (issue 10) ---
	// RouterIDs: see the block "Simulation assumptions: router IDs of JD
	// Cloud's BGP peers" below.
	RouterIDs ProfileRouterIDs `json:"routerIds"`
	// Timers are the failover timing values (issue 11).
	Timers ProfileTimers `json:"timers"`
}

// --- JDCLOUD (issue 10): region availability ---

// ProfileRegions lists where JD Cloud's documents say the border gateway's
// features are offered. The statements may be outdated: a plan outside the
// list gets a warning, not an error, and `hybridplan jdcloud preflight`
// asks the region itself.
type ProfileRegions struct {
	// BorderGatewayBGP are the regions where VPC attachments and BGP on
	// the border gateway are released. One version of JD Cloud's
	// Direct Connection documentation says "only released in Guangzhou and
	// Shanghai" (cn-south-1, cn-east-2); later versions no longer say so,
	// and list no regions instead. Empty means no restriction is known.
	BorderGatewayBGP []string `json:"borderGatewayBgp"`
}

// --- end JDCLOUD (issue 10) ---

// ---- Simulation assumptions: router IDs of JD Cloud's BGP peers ----
//
// Owned by the simulator (pkg/plan/sim). JD Cloud's dedicated line router
// (the Direct Connection's peer) and the border gateway (the VPN's peer)
// are likely different routers with different BGP router IDs. The customer
// router compares router IDs after "older path", before the neighbor
// address: when the paths' router IDs differ, they, not the addresses,
// decide a tie with no incumbent. JD Cloud documents neither value; both
// are unset by default (the simulator then treats every peer as one
// router, and the neighbor address decides). Set them when they are known
// (show bgp neighbors on the customer router).

// ProfileRouterIDs are the BGP router IDs of JD Cloud's peers, as the
// customer router sees them.
type ProfileRouterIDs struct {
	// DirectConnection is the dedicated line router's, on every private
	// virtual interface.
	DirectConnection netip.Addr `json:"directConnection,omitzero"`
	// VPN is the border gateway's, on every tunnel.
	VPN netip.Addr `json:"vpn,omitzero"`
}

// IntRange is an inclusive range.
type IntRange struct {
	Min int `json:"min"`
	Max int `json:"max"`
}

// Contains reports whether v is in the range.
func (r IntRange) Contains(v int) bool { return v >= r.Min && v <= r.Max }

// ProfileASN holds JD Cloud's ASN rules.
type ProfileASN struct {
	// BorderGateway is the border gateway's ASN (fixed at 65000 today).
	BorderGateway uint32 `json:"borderGateway"`
	// Customer is the range a customer (IDC, customer gateway) ASN must be in.
	Customer IntRange `json:"customer"`
	// VPNLocal is the range of a VPN connection's local ASN.
	VPNLocal IntRange `json:"vpnLocal"`
	// DirectConnectionPeer is the ASN the customer router peers with over a
	// private virtual interface.
	DirectConnectionPeer uint32 `json:"directConnectionPeer"`
	// DirectConnectionPathToCustomer is the AS_PATH the customer router
	// receives on VPC prefixes over Direct Connection. JD Cloud does not
	// document it: an assumption, shown as one.
	DirectConnectionPathToCustomer []uint32 `json:"directConnectionPathToCustomer"`
	// VPNPathToCustomer is the AS_PATH received on VPC prefixes over the VPN
	// (the VPN connection's local ASN).
	VPNPathToCustomer []uint32 `json:"vpnPathToCustomer"`
}

// ProfileInterconnect holds the private virtual interface addressing rules.
type ProfileInterconnect struct {
	PrefixLength int            `json:"prefixLength"`
	Allowed      []netip.Prefix `json:"allowed"`
	// BandwidthMbps is the range of a private virtual interface's
	// bandwidth: a physical connection carries up to 10 Gbps (added for
	// issue 13: one verdict).
	BandwidthMbps IntRange `json:"bandwidthMbps"`
}

// ProfileTunnel holds the VPN tunnel rules.
type ProfileTunnel struct {
	InsidePrefixLength int            `json:"insidePrefixLength"`
	InsideAllowed      []netip.Prefix `json:"insideAllowed"`
	BandwidthMbps      IntRange       `json:"bandwidthMbps"`
	MTU                int            `json:"mtu"`
}

// ProfileHealthCheck holds the private virtual interface health check ranges.
type ProfileHealthCheck struct {
	NQAIntervalSeconds IntRange `json:"nqaIntervalSeconds"`
	NQACount           IntRange `json:"nqaCount"`
	NQATimeoutSeconds  IntRange `json:"nqaTimeoutSeconds"`
	BFDIntervalMillis  IntRange `json:"bfdIntervalMillis"`
	BFDMultiplier      IntRange `json:"bfdMultiplier"`
}

// ProfileIKE holds the accepted IKE options and their defaults.
type ProfileIKE struct {
	Versions         []string `json:"versions"`
	Modes            []string `json:"modes"`
	DHGroups         []string `json:"dhGroups"`
	Ciphers          []string `json:"ciphers"`
	Auths            []string `json:"auths"`
	DPDSeconds       []int    `json:"dpdSeconds"`
	LifetimeSeconds  IntRange `json:"lifetimeSeconds"`
	Default          IKE      `json:"default"`
	DefaultDPDSecond int      `json:"defaultDpdSeconds"`
}

// ProfileIPsec holds the accepted IPsec options and their defaults.
type ProfileIPsec struct {
	Ciphers         []string `json:"ciphers"`
	Auths           []string `json:"auths"`
	PFS             []string `json:"pfs"`
	LifetimeSeconds IntRange `json:"lifetimeSeconds"`
	Default         IPsec    `json:"default"`
}

// ProfilePSK holds the pre-shared key rules.
type ProfilePSK struct {
	MaxLength         int      `json:"maxLength"`
	Alphabet          string   `json:"alphabet"`
	ForbiddenPrefixes []string `json:"forbiddenPrefixes"`
}

// ProfileBorderGW holds the border gateway's route preference, lower wins at
// each step (JD Cloud Border-Gateway-Features).
type ProfileBorderGW struct {
	NextHopPriority NextHopPriority `json:"nextHopPriority"`
	RouteDistance   RouteDistance   `json:"routeDistance"`
}

// NextHopPriority ranks routes to one prefix by next-hop type.
type NextHopPriority struct {
	VPCAttachment    int `json:"vpcAttachment"`
	PrivateInterface int `json:"privateInterface"`
	VPNConnection    int `json:"vpnConnection"`
}

// RouteDistance ranks routes to one prefix by route type (administrative distance).
type RouteDistance struct {
	Static         int `json:"static"`
	VPCPropagation int `json:"vpcPropagation"`
	EBGP           int `json:"ebgp"`
	IBGP           int `json:"ibgp"`
}

// ProfileQuotas are JD Cloud's default quotas (raisable by ticket).
type ProfileQuotas struct {
	BorderGatewaysPerRegion        int `json:"borderGatewaysPerRegion"`
	AttachmentsPerBorderGateway    int `json:"attachmentsPerBorderGateway"`
	StaticRoutesPerBorderGateway   int `json:"staticRoutesPerBorderGateway"`
	DynamicRoutesPerBorderGateway  int `json:"dynamicRoutesPerBorderGateway"`
	ConnectionsPerRegion           int `json:"connectionsPerRegion"`
	PrivateInterfacesPerConnection int `json:"privateInterfacesPerConnection"`
	CustomerGatewaysPerRegion      int `json:"customerGatewaysPerRegion"`
	VPNConnectionsPerBorderGateway int `json:"vpnConnectionsPerBorderGateway"`
}

var (
	rfc1918 = []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("172.16.0.0/12"),
		netip.MustParsePrefix("192.168.0.0/16"),
	}
)

// DefaultProfile returns JD Cloud's documented values. Each call returns a
// fresh value the caller may change.
func DefaultProfile() Profile {
	dpd := 10
	return Profile{
		ASN: ProfileASN{
			BorderGateway:                  65000,
			Customer:                       IntRange{65001, 65499},
			VPNLocal:                       IntRange{64512, 65534},
			DirectConnectionPeer:           64512,
			DirectConnectionPathToCustomer: []uint32{64512},
			VPNPathToCustomer:              []uint32{65000},
		},
		VLAN: IntRange{2, 4000},
		Interconnect: ProfileInterconnect{
			PrefixLength:  30,
			Allowed:       append([]netip.Prefix(nil), rfc1918...),
			BandwidthMbps: IntRange{1, 10000},
		},
		Tunnel: ProfileTunnel{
			InsidePrefixLength: 30,
			InsideAllowed:      append([]netip.Prefix{netip.MustParsePrefix("169.254.0.0/20")}, rfc1918...),
			BandwidthMbps:      IntRange{1, 1500},
			MTU:                1450,
		},
		HealthCheck: ProfileHealthCheck{
			NQAIntervalSeconds: IntRange{1, 20},
			NQACount:           IntRange{3, 8},
			NQATimeoutSeconds:  IntRange{1, 10},
			BFDIntervalMillis:  IntRange{200, 1000},
			BFDMultiplier:      IntRange{3, 10},
		},
		IKE: ProfileIKE{
			Versions:         []string{"v1", "v2"},
			Modes:            []string{"main", "aggressive"},
			DHGroups:         []string{"modp1024", "modp1536", "modp2048", "ecp256", "ecp384"},
			Ciphers:          []string{"aes128", "aes192", "aes256", "3des"},
			Auths:            []string{"sha1", "sha256", "sha384"},
			DPDSeconds:       []int{0, 10},
			LifetimeSeconds:  IntRange{60, 86400},
			Default:          IKE{Version: "v2", Mode: "main", DHGroup: "ecp256", Cipher: "aes128", Auth: "sha256", DPDSeconds: &dpd, LifetimeSeconds: 14400},
			DefaultDPDSecond: 10,
		},
		IPsec: ProfileIPsec{
			Ciphers:         []string{"aes128", "aes192", "aes256"},
			Auths:           []string{"sha1", "sha256", "sha384"},
			PFS:             []string{"none", "modp1024", "modp1536", "modp2048", "ecp256", "ecp384"},
			LifetimeSeconds: IntRange{60, 86400},
			Default:         IPsec{Cipher: "aes128", Auth: "sha256", PFS: "none", LifetimeSeconds: 3600},
		},
		PSK: ProfilePSK{
			MaxLength:         20,
			Alphabet:          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
			ForbiddenPrefixes: []string{"0x", "0s"},
		},
		BorderGW: ProfileBorderGW{
			NextHopPriority: NextHopPriority{VPCAttachment: 100, PrivateInterface: 120, VPNConnection: 140},
			RouteDistance:   RouteDistance{Static: 100, VPCPropagation: 120, EBGP: 150, IBGP: 200},
		},
		Quotas: ProfileQuotas{
			BorderGatewaysPerRegion:        5,
			AttachmentsPerBorderGateway:    50,
			StaticRoutesPerBorderGateway:   50,
			DynamicRoutesPerBorderGateway:  300,
			ConnectionsPerRegion:           10,
			PrivateInterfacesPerConnection: 50,
			CustomerGatewaysPerRegion:      10,
			VPNConnectionsPerBorderGateway: 10,
		},
		CustomerGatewayIPCounts: []int{1, 2, 4},
		VPNCloudPublicIPs:       2,
		// JDCLOUD (issue 10): possibly outdated, see ProfileRegions.
		Regions: ProfileRegions{BorderGatewayBGP: []string{"cn-south-1", "cn-east-2"}},
		Timers:  defaultTimers(),
	}
}

// ProfileSources names, for each group of profile values, where it comes
// from: a JD Cloud document (in the jdcloudcom documentation repository
// under documentation/Networking/), a model file of the Go SDK
// (github.com/jdcloud-api/jdcloud-sdk-go v1.64.0–v1.66.0,
// services/bgw/models/, whose field comments document ranges and
// defaults), or "assumption" — which includes every value that JD Cloud's
// own documents state in conflicting ways, naming the conflict.
//
// JDCLOUD (issue 10): sources checked against the SDK and the docs
// repositories (../shared/jdcloud-facts.md, last section).
func ProfileSources() map[string]string {
	return map[string]string{
		"asn.borderGateway":                  "VPN/Operation-Guide/Border-Gateway-Management/Border-Gateway-Configuration.md (fixed at 65000)",
		"asn.customer":                       "SDK models BgpSpec.go and CustomerGatewaySpec.go ([65001,65499]); Direct-Connect-Features.md agrees",
		"asn.vpnLocal":                       "SDK model VpnConnectionSpec.go (64512–65534, default inherited from the border gateway's 65000)",
		"asn.directConnectionPeer":           "SDK model BgpSpec.go (JD Cloud uses 64512); the docs also name 65501 for JD Cloud",
		"asn.directConnectionPathToCustomer": "assumption: the DLR's ASN alone (JD Cloud does not document whether the border gateway's 65000 follows it)",
		"asn.vpnPathToCustomer":              "assumption: the VPN connection's local ASN",
		"routerIds":                          "assumption: undocumented; unset means one router (the neighbor address decides ties), set the dedicated line router's and the border gateway's when known",
		"vlan":                               "Direct-Connect-Features.md (2–4000); the SDK model CreatePrivateVifSpec.go accepts [1,4000]",
		"interconnect":                       "SDK model PeerIpsSpec.go (two addresses of one subnet, customer first, JD Cloud second); Direct-Connect-Features.md: a /30 from 10/8, 172.16/12, 192.168/16; up to 10 Gbps per physical connection",
		"tunnel":                             "SDK model VpnTunnelSpec.go (inside /30 in 169.254.0.0/20 or RFC 1918, local address neither first nor last, bandwidthMbps [1,1500]); MTU ≤ 1450 from VPN tunnel creation in the docs",
		"healthCheck":                        "SDK models NqaSpec.go (interval 1–20 s, count 3–8, timeout 1–10 s) and BfdSpec.go (200–1000 ms, multiplier 3–10)",
		"ike":                                "SDK model VpnTunnelSpec.go (versions, modes, DH groups, ciphers, auths, DPD 0|10 default 10, SA lifetime [60,86400] default 14400). Assumption on conflicting documents: the VPN features page lists only SHA1/SHA256, AES128/AES256 and DH groups 2/5, and the tunnel guide says DPD is disabled by default; the SDK's wider list and default 10 are used",
		"ipsec":                              "SDK model VpnTunnelSpec.go (ciphers aes128/192/256, auths, PFS null or a DH group, default null; SA lifetime [60,86400] default 3600). Assumption: the VPN features page's narrower list (AES128/AES256, SHA1/SHA256, groups 2/5) may be what the console offers",
		"psk":                                "SDK model VpnTunnelSpec.go (letters, digits, _ and -, ≤ 20, not 0x/0s)",
		"borderGateway":                      "Direct-Connection/Introduction/Features/Border-Gateway-Features.md (route selection)",
		"quotas":                             "Direct-Connection/Introduction/Restrictions.md (default quotas, raisable by ticket). Assumption on conflicting documents: border gateways per region is 5 in two versions and 1 in another; 5 is used. The physical connection's 10 Gbps ceiling may be outdated: a newer Restrictions page lists a 100GBase-LR4 port",
		"customerGatewayIpCounts":            "SDK model CustomerGatewaySpec.go (one, two or four distinct IPs)",
		"vpnCloudPublicIps":                  "SDK model VpnConnectionSpec.go (two public IP lines)",
		"regions":                            "assumption, possibly outdated: one version of the Direct Connection docs says VPC attachments and BGP on the border gateway are only released in Guangzhou and Shanghai (cn-south-1, cn-east-2); later versions do not restrict them. A plan elsewhere gets the warning region.availability; hybridplan jdcloud preflight asks the region",
		"timers":                             timersSource,
	}
}

// EffectiveProfile returns the plan's profile: DefaultProfile with the plan's
// overrides applied (the decoder applies them field by field).
func (p *Plan) EffectiveProfile() Profile {
	if p.Profile != nil {
		return *p.Profile
	}
	return DefaultProfile()
}

// ---- Failover timing (issue 11) ----

// ProfileTimers are the values the loss-window model (sim.Failover) uses
// besides the plan's own BFD, NQA, DPD and BGP timers. JD Cloud documents
// none of them: each is an assumption, shown as one, that a plan can
// correct.
type ProfileTimers struct {
	// BGPKeepaliveSeconds and BGPHoldSeconds are JD Cloud's end of every
	// BGP session, and the customer's end when a session sets no
	// bgpTimers: the common router defaults 60/180 s.
	BGPKeepaliveSeconds int `json:"bgpKeepaliveSeconds"`
	BGPHoldSeconds      int `json:"bgpHoldSeconds"`
	// DPDTimeoutSeconds is how long IPsec dead peer detection waits for
	// an answer after its probe before it declares the tunnel down (the
	// probe goes out dpdSeconds after the last packet received).
	DPDTimeoutSeconds int `json:"dpdTimeoutSeconds"`
	// UpdatePerHopMillis is the time a BGP message (NOTIFICATION or
	// UPDATE withdrawing routes) takes per router it crosses, processing
	// included.
	UpdatePerHopMillis int `json:"updatePerHopMillis"`
	// FIBUpdateMillis is the time a router takes to change its forwarding
	// table once its best path changed.
	FIBUpdateMillis int `json:"fibUpdateMillis"`
}

const timersSource = "assumption: JD Cloud documents no BGP timers (60/180 s, the common router default), no DPD timeout (30 s) and no convergence times (50 ms per BGP hop, 50 ms per forwarding-table update)"

func defaultTimers() ProfileTimers {
	return ProfileTimers{
		BGPKeepaliveSeconds: 60,
		BGPHoldSeconds:      180,
		DPDTimeoutSeconds:   30,
		UpdatePerHopMillis:  50,
		FIBUpdateMillis:     50,
	}
}
