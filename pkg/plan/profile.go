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
	// Timers are the failover timing values (issue 11).
	Timers ProfileTimers `json:"timers"`
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
			PrefixLength: 30,
			Allowed:      append([]netip.Prefix(nil), rfc1918...),
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
		Timers:                  defaultTimers(),
	}
}

// ProfileSources names, for each group of profile values, the JD Cloud
// document it comes from (in the jdcloudcom documentation repository under
// documentation/Networking/) or says that it is an assumption.
func ProfileSources() map[string]string {
	return map[string]string{
		"asn.borderGateway":                  "VPN/Operation-Guide/Border-Gateway-Management/Border-Gateway-Configuration.md (fixed at 65000)",
		"asn.customer":                       "Direct-Connection/Introduction/Features/Direct-Connect-Features.md (65001–65499)",
		"asn.vpnLocal":                       "VPN connection creation: local ASN 64512–65534, default the border gateway's",
		"asn.directConnectionPeer":           "Direct-Connection setup guides: JD Cloud's dedicated line router (DLR) peers as 64512; the docs also name 65501",
		"asn.directConnectionPathToCustomer": "assumption: the DLR's ASN alone (JD Cloud does not document whether the border gateway's 65000 follows it)",
		"asn.vpnPathToCustomer":              "assumption: the VPN connection's local ASN",
		"vlan":                               "Direct-Connect-Features.md (2–4000); the SDK's CreatePrivateVifSpec accepts [1,4000]",
		"interconnect":                       "Direct-Connect-Features.md: a /30 per BGP session from 10/8, 172.16/12, 192.168/16",
		"tunnel":                             "VPN tunnel creation: inside /30 in 169.254.0.0/20 or RFC 1918, MTU ≤ 1450, 1–1500 Mbps",
		"healthCheck":                        "Direct-Connect-Features.md: NQA and BFD ranges",
		"ike":                                "VPN tunnel creation: IKE options and defaults",
		"ipsec":                              "VPN tunnel creation: IPsec options and defaults",
		"psk":                                "VPN tunnel creation: letters, digits, _ and -, ≤ 20, not 0x/0s",
		"borderGateway":                      "Direct-Connection/Introduction/Features/Border-Gateway-Features.md (route selection)",
		"quotas":                             "Direct-Connection/Introduction/Restrictions.md (default quotas)",
		"customerGatewayIpCounts":            "VPN customer gateway creation: 1, 2 or 4 public IPs",
		"vpnCloudPublicIps":                  "VPN connection creation: 2 cloud public IPs",
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
