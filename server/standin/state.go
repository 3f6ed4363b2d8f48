package standin

import (
	"net/netip"
	"slices"
	"time"

	bgw "github.com/jdcloud-api/jdcloud-sdk-go/services/bgw/models"
	vpc "github.com/jdcloud-api/jdcloud-sdk-go/services/vpc/models"
)

// state is everything the stand-in holds; the Server's mutex guards it.
type state struct {
	bgws        map[string]*bgwRes
	attachments map[string]*attachmentRes
	vifs        map[string]*vifRes
	cgws        map[string]*cgwRes
	vpns        map[string]*vpnRes
	tunnels     map[string]*tunnelRes
	vpcs        map[string]*vpcRes
	routeTables map[string]*routeTableRes
	connections map[string]*connectionRes
	// ipPool hands out VPN connections' cloud public IPs.
	ipPool []string
	nextIP netip.Addr
}

type bgwRes struct {
	region string
	bgw.Bgw
}

type attachmentRes struct {
	region string
	bgw.VpcAttachment
	// gone is when an accepted delete completes (zero: not deleting).
	gone time.Time
}

type vifRes struct {
	region string
	bgw.PrivateVif
	// gone is when an accepted delete completes (zero: not deleting).
	gone time.Time
}

type cgwRes struct {
	region string
	bgw.CustomerGateway
}

type vpnRes struct {
	region string
	bgw.VpnConnection
}

type tunnelRes struct {
	region string
	bgw.VpnTunnel
}

type vpcRes struct {
	region string
	vpc.Vpc
	cidrs []netip.Prefix
}

type routeTableRes struct {
	region string
	vpc.RouteTable
}

func (t *routeTableRes) view() vpc.RouteTable {
	v := t.RouteTable
	v.RouteTableRules = slices.Clone(t.RouteTableRules)
	return v
}

type connectionRes struct {
	region string
	bgw.Connection
}

const defaultRegion = "cn-north-1"

func orRegion(r, def string) string {
	if r != "" {
		return r
	}
	if def != "" {
		return def
	}
	return defaultRegion
}

func newState(f Fixtures) state {
	st := state{
		bgws:        map[string]*bgwRes{},
		attachments: map[string]*attachmentRes{},
		vifs:        map[string]*vifRes{},
		cgws:        map[string]*cgwRes{},
		vpns:        map[string]*vpnRes{},
		tunnels:     map[string]*tunnelRes{},
		vpcs:        map[string]*vpcRes{},
		routeTables: map[string]*routeTableRes{},
		connections: map[string]*connectionRes{},
		ipPool:      slices.Clone(f.PublicIPs),
		nextIP:      netip.MustParseAddr("198.18.0.1"),
	}
	for _, v := range f.VPCs {
		region := orRegion(v.Region, f.Region)
		r := &vpcRes{region: region, Vpc: vpc.Vpc{VpcId: v.ID, VpcName: v.Name, AzType: "standard", RouteTableIds: slices.Clone(v.RouteTables)}}
		for _, c := range v.CIDRs {
			if p, err := netip.ParsePrefix(c); err == nil {
				r.cidrs = append(r.cidrs, p)
				if r.AddressPrefix == "" && p.Addr().Is4() {
					r.AddressPrefix = c
				}
			}
		}
		for _, s := range v.Subnets {
			r.Subnets = append(r.Subnets, vpc.Subnet{SubnetId: s.ID, SubnetName: s.Name, AddressPrefix: s.CIDR, VpcId: v.ID})
		}
		st.vpcs[v.ID] = r
		for _, t := range v.RouteTables {
			st.routeTables[t] = &routeTableRes{region: region, RouteTable: vpc.RouteTable{
				RouteTableId: t, RouteTableName: t, RouteTableType: "custom", AssociateType: "subnet", VpcId: v.ID, AzType: "standard",
				RouteTableRules: []vpc.RouteTableRule{{RuleId: "local", Priority: 100, NextHopType: "local", NextHopId: "local", AddressPrefix: r.AddressPrefix, Origin: "static"}},
			}}
		}
	}
	for _, c := range f.Connections {
		st.connections[c.ID] = &connectionRes{region: orRegion(c.Region, f.Region), Connection: bgw.Connection{
			ConnectionId: c.ID, ConnectionName: c.Name, Type: "jcloud", BandwidthMbps: c.BandwidthMbps, ConnectionStatus: "Active",
		}}
	}
	return st
}

// takeIP hands out the next cloud public IP.
func (st *state) takeIP() string {
	if len(st.ipPool) > 0 {
		ip := st.ipPool[0]
		st.ipPool = st.ipPool[1:]
		return ip
	}
	ip := st.nextIP
	st.nextIP = ip.Next()
	return ip.String()
}

// purge removes the resources whose asynchronous deletion has completed.
// Callers hold s.mu.
func (st *state) purge(now time.Time) {
	for id, a := range st.attachments {
		if !a.gone.IsZero() && !now.Before(a.gone) {
			delete(st.attachments, id)
		}
	}
	for id, v := range st.vifs {
		if !v.gone.IsZero() && !now.Before(v.gone) {
			delete(st.vifs, id)
		}
	}
}
