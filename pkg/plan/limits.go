package plan

// Hard limits on what one plan may hold. JD Cloud's quotas (the profile's
// Quotas) are far lower and a plan may raise them; these limits do not move
// with the profile, so that no plan, whatever its profile says, can make
// validation, the strategy or the simulation do unbounded work. Validation
// reports a plan over a limit (codes limit.*, naming the limit) and the
// strategy refuses to compute its advertisements. docs/plan.md lists them.
const (
	// MaxSegments bounds the IDC segments (JD Cloud keeps 300 dynamic
	// routes per border gateway by default; the checks are built for plans
	// of 100,000 address blocks).
	MaxSegments = 65536
	// MaxAttachments bounds the VPC attachments (quota: 50).
	MaxAttachments = 256
	// MaxVPCBlocks bounds the VPC CIDRs and subnets of all attachments.
	MaxVPCBlocks = 65536
	// MaxInterfaces bounds the private virtual interfaces (quota: 50 per
	// connection).
	MaxInterfaces = 256
	// MaxTunnels bounds the VPN tunnels (2 cloud × 4 customer IPs = 8).
	MaxTunnels = 64
	// MaxPublicIPs bounds the public IPs of a customer gateway or a VPN
	// connection (JD Cloud: 1, 2 or 4, and 2).
	MaxPublicIPs = 16
	// MaxStrategyPrefixes bounds the prefixes written in the strategy
	// (overrides and VPN aggregates together).
	MaxStrategyPrefixes = 4096
	// MaxSplitPrefixes bounds the Direct Connection prefixes a prefix split
	// may produce over all segments; beyond it the strategy does not split.
	MaxSplitPrefixes = 65536
	// MaxPrepend is the most AS_PATH prepends the planner accepts. JD Cloud
	// documents none; more than a few change nothing (the border gateway
	// ranks next-hop types before AS_PATH length) and long paths are
	// filtered by routers' maxas-limit.
	MaxPrepend = 10
)

// MaxRouteTables bounds the route tables of all attachments: provisioning
// writes one rule per IDC segment into each.
const MaxRouteTables = 1024

// LimitBreach is one hard limit a plan exceeds.
type LimitBreach struct {
	// Name is the limit's short name; validation reports it as the code
	// "limit.NAME".
	Name string
	// Path is the JSON path of the list that is too long.
	Path string
	// What names the counted items for a message ("IDC segments").
	What         string
	Count, Limit int
}

// LimitBreaches returns every hard limit p exceeds, in a fixed order;
// counting is linear in the plan's size. Validation reports them; the
// strategy and the simulation refuse a plan that has any.
func (p *Plan) LimitBreaches() []LimitBreach {
	var out []LimitBreach
	over := func(name, path, what string, n, limit int) {
		if n > limit {
			out = append(out, LimitBreach{name, path, what, n, limit})
		}
	}
	over("segments", "$.idc.segments", "IDC segments", len(p.IDC.Segments), MaxSegments)
	over("attachments", "$.borderGateway.attachments", "VPC attachments", len(p.BorderGateway.Attachments), MaxAttachments)
	vpcBlocks, propagated, tables := 0, 0, 0
	for _, a := range p.BorderGateway.Attachments {
		vpcBlocks += len(a.CIDRs) + len(a.Subnets)
		propagated += len(a.Propagation.Subnets)
		tables += len(a.RouteTables)
	}
	over("vpc-blocks", "$.borderGateway.attachments", "VPC CIDRs and subnets", vpcBlocks, MaxVPCBlocks)
	over("vpc-blocks", "$.borderGateway.attachments", "propagated subnet names", propagated, MaxVPCBlocks)
	over("route-tables", "$.borderGateway.attachments", "route tables", tables, MaxRouteTables)
	if dc := p.DirectConnection; dc != nil {
		over("interfaces", "$.directConnection.interfaces", "private virtual interfaces", len(dc.Interfaces), MaxInterfaces)
	}
	if v := p.VPN; v != nil {
		over("tunnels", "$.vpn.tunnels", "VPN tunnels", len(v.Tunnels), MaxTunnels)
		over("public-ips", "$.vpn.customerGateway.publicIps", "customer gateway public IPs", len(v.CustomerGateway.PublicIPs), MaxPublicIPs)
		over("public-ips", "$.vpn.connection.cloudPublicIps", "VPN connection public IPs", len(v.Connection.CloudPublicIPs), MaxPublicIPs)
	}
	if ps := p.Strategy.PrefixSplit; ps != nil {
		n := len(ps.VPNAggregates) + len(ps.Overrides)
		for _, o := range ps.Overrides {
			n += len(o.DirectConnection) + len(o.VPN)
		}
		over("strategy-prefixes", "$.strategy.prefixSplit", "strategy overrides and prefixes", n, MaxStrategyPrefixes)
	}
	return out
}
