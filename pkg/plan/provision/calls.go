package provision

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/plan"
)

// Problem is one thing in the plan that keeps it from being provisioned.
type Problem struct {
	// Path is the JSON path of the field at fault.
	Path    string `json:"path"`
	Message string `json:"message"`
}

// Error lists every problem found, so that one round of fixes is enough.
type Error struct {
	Problems []Problem `json:"problems"`
}

func (e *Error) Error() string {
	var b strings.Builder
	if len(e.Problems) == 1 {
		fmt.Fprintf(&b, "cannot provision the plan: %s: %s", e.Problems[0].Path, e.Problems[0].Message)
		return b.String()
	}
	fmt.Fprintf(&b, "cannot provision the plan, %d problems:", len(e.Problems))
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "\n  %s: %s", p.Path, p.Message)
	}
	return b.String()
}

// Calls returns the exact, ordered JD Cloud calls that provision p:
//
//  1. create the border gateway;
//  2. create the VPC attachments with their propagated segments
//     (propagateType "all", or "partial" with the chosen subnets' ids);
//  3. create the private virtual interfaces on the existing physical
//     connection (VLAN, peer IPs: customer first usable, JD Cloud second;
//     BGP with the customer ASN; health check);
//  4. create the customer gateway, the VPN connection and its tunnels (the
//     pre-shared key as a Secret reference only);
//  5. add VPC route table rules for the IDC segments with next hop the
//     border gateway (nextHopType "bgw"), for the route tables the plan lists;
//  6. read back the border gateway, the physical connection, each private
//     virtual interface (its BGP peers) and the VPN tunnels.
//
// Every call after the first refers to the ids it needs through Ref. A plan
// that lacks what JD Cloud needs (a VPC id, a subnet id, a valid name, a
// pre-shared key reference) gets an *Error naming each field.
func Calls(p *plan.Plan) ([]Call, error) {
	if p == nil {
		return nil, &Error{[]Problem{{Path: "$", Message: "no plan given"}}}
	}
	b := &builder{p: p, desc: p.ProvisionDescription()}
	if !plan.ValidDescription(b.desc) {
		b.problem("$.name", "the plan's name makes the resources' descriptions longer than JD Cloud's %d characters: use at most %d characters", plan.MaxDescriptionRunes, plan.MaxPlanNameRunes)
	}
	b.borderGateway()
	b.attachments()
	b.interfaces()
	b.vpn()
	b.routes()
	b.readBack()
	if len(b.problems) > 0 {
		return nil, &Error{b.problems}
	}
	return b.calls, nil
}

type builder struct {
	p        *plan.Plan
	desc     string
	calls    []Call
	problems []Problem
}

func (b *builder) problem(path, format string, args ...any) {
	b.problems = append(b.problems, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (b *builder) add(c Call) {
	if c.Params == nil {
		c.Params = map[string]any{}
	}
	c.Params["regionId"] = b.p.Region
	b.calls = append(b.calls, c)
}

func (b *builder) name(path, kind, name string) {
	if !plan.ValidResourceName(name) {
		b.problem(path, "%s name %s is not accepted by JD Cloud: use %s", kind, plan.Quote(name), plan.ResourceNameRule)
	}
}

const bgwID = "bgw"

var bgwRef = Ref{Call: bgwID, Output: OutputID}

func (b *builder) borderGateway() {
	if b.p.Region == "" {
		b.problem("$.region", "the JD Cloud region is empty: set it, e.g. \"cn-north-1\"")
	}
	g := b.p.BorderGateway
	b.name("$.borderGateway.name", "border gateway", g.Name)
	desc := g.Description
	if desc == "" {
		desc = b.desc
	}
	if !plan.ValidDescription(g.Description) {
		b.problem("$.borderGateway.description", "the border gateway's description is longer than JD Cloud's %d characters: shorten it", plan.MaxDescriptionRunes)
	}
	b.add(Call{
		Step: StepBorderGateway, ID: bgwID, Service: ServiceBGW, Action: ActionCreateBgw,
		Kind: KindBorderGateway, Name: g.Name,
		Params: map[string]any{"bgwSpec": map[string]any{
			"bgwName":     g.Name,
			"description": desc,
			"azType":      "standard",
		}},
		Summary: fmt.Sprintf("Create border gateway %s in %s (ASN %d)", g.Name, b.p.Region, b.p.BorderGatewayASN()),
	})
}

func attachmentID(a plan.Attachment) string { return "attachment/" + a.Name }

func (b *builder) attachments() {
	for i, a := range b.p.BorderGateway.Attachments {
		path := fmt.Sprintf("$.borderGateway.attachments[%d]", i)
		b.name(path+".name", "VPC attachment", a.Name)
		if a.VPCID == "" {
			b.problem(path+".vpcId", "VPC %q has no id: provisioning needs the existing VPC's id (vpc-…); look it up in the JD Cloud console and set vpcId", a.VPCName)
		}
		spec := map[string]any{
			"vpcAttachmentName": a.Name,
			"vpcId":             a.VPCID,
			"bgwId":             bgwRef,
		}
		var what string
		switch a.PropagationMode() {
		case plan.PropagateAll:
			spec["propagateType"] = "all"
			what = "all its CIDRs (" + joinPrefixes(a.CIDRs) + ")"
		case plan.PropagateSubnets:
			// JD Cloud calls propagating chosen subnets "partial".
			spec["propagateType"] = "partial"
			var ids []any
			for j, name := range a.Propagation.Subnets {
				k := slices.IndexFunc(a.Subnets, func(s plan.Subnet) bool { return s.Name == name })
				switch {
				case k < 0:
					b.problem(fmt.Sprintf("%s.propagation.subnets[%d]", path, j), "subnet %q is not among the attachment's subnets: add it to subnets or remove it here", name)
				case a.Subnets[k].ID == "":
					b.problem(fmt.Sprintf("%s.subnets[%d].id", path, k), "subnet %q has no id: propagating chosen subnets needs their ids (subnet-…)", name)
				default:
					ids = append(ids, a.Subnets[k].ID)
				}
			}
			spec["subnetIds"] = ids
			what = "subnets " + joinPrefixes(a.Propagated())
		default:
			b.problem(path+".propagation.mode", "unknown propagation mode %q: use \"all\" or \"subnets\"", a.Propagation.Mode)
		}
		b.add(Call{
			Step: StepAttachments, ID: attachmentID(a), Service: ServiceBGW, Action: ActionCreateVpcAttachment,
			Kind: KindVPCAttachment, Name: a.Name, DependsOn: []string{bgwID},
			Params:  map[string]any{"vpcAttachmentSpec": spec},
			Summary: fmt.Sprintf("Attach VPC %s (%s) to border gateway %s, propagating %s", a.VPCName, a.VPCID, b.p.BorderGateway.Name, what),
		})
	}
}

// healthCheck maps the plan's health check onto JD Cloud's HealthCheckSpec.
func healthCheck(h plan.HealthCheck) map[string]any {
	switch h.Type {
	case plan.HealthCheckBFD:
		m := map[string]any{"healthCheckType": "BFD"}
		if h.BFD != nil {
			m["bfdInfo"] = map[string]any{
				"minTxInterval":    h.BFD.MinTxMillis,
				"minRxInterval":    h.BFD.MinRxMillis,
				"detectMultiplier": h.BFD.Multiplier,
			}
		}
		return m
	case plan.HealthCheckNQA:
		m := map[string]any{"healthCheckType": "NQA"}
		if h.NQA != nil {
			m["nqaInfo"] = map[string]any{
				"txInterval":      h.NQA.IntervalSeconds,
				"thresholdCount":  h.NQA.Count,
				"responseTimeout": h.NQA.TimeoutSeconds,
			}
		}
		return m
	}
	return map[string]any{"healthCheckType": "NO_CHECK"}
}

func (b *builder) interfaces() {
	dc := b.p.DirectConnection
	if dc == nil {
		return
	}
	if dc.ConnectionID == "" && len(dc.Interfaces) > 0 {
		b.problem("$.directConnection.connectionId", "the physical connection id is empty: private virtual interfaces are created on an existing connection (dc-…); set its id")
	}
	for i, vif := range dc.Interfaces {
		path := fmt.Sprintf("$.directConnection.interfaces[%d]", i)
		b.name(path+".name", "private virtual interface", vif.Name)
		cust, cloud := vif.CustomerAddr(), vif.CloudAddr()
		if !cust.IsValid() || !cloud.IsValid() || !cust.Is4() {
			b.problem(path+".interconnect", "interconnect %s has no customer and JD Cloud IPv4 address: use an IPv4 /30", vif.Interconnect)
		}
		asn := b.p.InterfaceCustomerASN(vif)
		summary := fmt.Sprintf("Create private virtual interface %s on %s, VLAN %d, customer %s AS%d ↔ JD Cloud %s AS%d, health check %s",
			vif.Name, dc.ConnectionID, vif.VLAN, cust, asn, cloud, b.p.InterfaceCloudASN(vif), healthCheckName(vif.HealthCheck))
		if vif.InterconnectIPv6.IsValid() {
			// JD Cloud's BgpSpec takes addressFamily ipv4 only: the IPv6
			// session is not settable through the API, say so rather than
			// drop it silently.
			summary += fmt.Sprintf("; IPv6 interconnect %s is not settable through the API (ipv4 only): arrange it with JD Cloud", vif.InterconnectIPv6)
		}
		b.add(Call{
			Step: StepInterfaces, ID: "pvif/" + vif.Name, Service: ServiceBGW, Action: ActionCreatePrivateVif,
			Kind: KindPrivateVif, Name: vif.Name, DependsOn: []string{bgwID},
			Params: map[string]any{"privateVifSpec": map[string]any{
				"privateVifName": vif.Name,
				"connectionId":   dc.ConnectionID,
				"bgwId":          bgwRef,
				"vlan":           vif.VLAN,
				"description":    b.desc,
				"enableBgp":      true,
				"peerIps": []any{map[string]any{
					"customerIp": addrString(cust),
					"jdCloudIp":  addrString(cloud),
				}},
				// No authKey: JD Cloud documents that the BGP key does not
				// take effect.
				"bgpSpec":     map[string]any{"addressFamily": "ipv4", "customerAsn": int(asn)},
				"healthCheck": healthCheck(vif.HealthCheck),
			}},
			Summary: summary,
		})
	}
}

func healthCheckName(h plan.HealthCheck) string {
	if h.Type == "" {
		return plan.HealthCheckNone
	}
	return h.Type
}

const (
	cgwID = "cgw"
	vpnID = "vpn"
)

func (b *builder) vpn() {
	v := b.p.VPN
	if v == nil {
		return
	}
	cg := v.CustomerGateway
	b.name("$.vpn.customerGateway.name", "customer gateway", cg.Name)
	var ips []any
	for _, a := range cg.PublicIPs {
		ips = append(ips, addrString(a))
	}
	b.add(Call{
		Step: StepVPN, ID: cgwID, Service: ServiceBGW, Action: ActionCreateCustomerGateway,
		Kind: KindCustomerGateway, Name: cg.Name,
		Params: map[string]any{"customerGatewaySpec": map[string]any{
			"customerGatewayName": cg.Name,
			"customerIps":         ips,
			"bgpAsn":              int(b.p.CustomerGatewayASN()),
			"description":         b.desc,
		}},
		Summary: fmt.Sprintf("Create customer gateway %s (%s, AS%d)", cg.Name, joinAddrs(cg.PublicIPs), b.p.CustomerGatewayASN()),
	})

	c := v.Connection
	b.name("$.vpn.connection.name", "VPN connection", c.Name)
	b.add(Call{
		Step: StepVPN, ID: vpnID, Service: ServiceBGW, Action: ActionCreateVpnConnection,
		Kind: KindVPNConnection, Name: c.Name, DependsOn: []string{bgwID, cgwID},
		Params: map[string]any{"vpnConnectionSpec": map[string]any{
			"vpnConnectionName": c.Name,
			"description":       b.desc,
			"bgwId":             bgwRef,
			"cgwId":             Ref{Call: cgwID, Output: OutputID},
			"bgpEnabled":        b.p.VPNBGPEnabled(),
			"localAsn":          int(b.p.VPNLocalASN()),
		}},
		Summary: fmt.Sprintf("Create VPN connection %s on border gateway %s to customer gateway %s (BGP %v, local AS%d)",
			c.Name, b.p.BorderGateway.Name, cg.Name, b.p.VPNBGPEnabled(), b.p.VPNLocalASN()),
	})

	for i, t := range v.Tunnels {
		path := fmt.Sprintf("$.vpn.tunnels[%d]", i)
		if t.Name == "" {
			b.problem(path+".name", "the tunnel has no name: name it, calls and their outputs are keyed by it")
		}
		k := slices.Index(c.CloudPublicIPs, t.CloudPublicIP)
		if k < 0 {
			b.problem(path+".cloudPublicIp", "%s is not one of the VPN connection's cloudPublicIps (%s): JD Cloud assigns those addresses and the tunnel uses one by position", t.CloudPublicIP, joinAddrs(c.CloudPublicIPs))
		}
		if !slices.Contains(cg.PublicIPs, t.CustomerPublicIP) {
			b.problem(path+".customerPublicIp", "%s is not one of the customer gateway's publicIps (%s)", t.CustomerPublicIP, joinAddrs(cg.PublicIPs))
		}
		if t.PSKRef == "" {
			b.problem(path+".pskRef", "the tunnel has no pre-shared key reference: set pskRef to \"env:NAME\" or \"file:/path\" on the server")
		}
		ike, ipsec := b.p.IKEOptions(t), b.p.IPsecOptions(t)
		spec := map[string]any{
			"vpnConnectionId": Ref{Call: vpnID, Output: OutputID},
			"cloudPublicIp":   Ref{Call: vpnID, Output: OutputCloudPublicIP(k + 1)},
			"customerIp":      addrString(t.CustomerPublicIP),
			"psk":             Secret{Ref: t.PSKRef},
			"tunnelIp":        prefixString(t.InsideCIDR),
			"localTunnelIp":   addrString(t.CloudAddr()),
			"ikeVersion":      ike.Version,
			"ikeMode":         ike.Mode,
			"ikeKeyExchange":  ike.DHGroup,
			"ikeCipher":       ike.Cipher,
			"ikeAuth":         ike.Auth,
			"ikeSaLifeSec":    ike.LifetimeSeconds,
			"ipsecCipher":     ipsec.Cipher,
			"ipsecAuth":       ipsec.Auth,
			"ipsecSaLifeSec":  ipsec.LifetimeSeconds,
		}
		if ike.DPDSeconds != nil {
			spec["ikeDpdSec"] = *ike.DPDSeconds
		}
		// JD Cloud's "no PFS" is an absent ipsecKeyExchange (null).
		if ipsec.PFS != "" && ipsec.PFS != "none" {
			spec["ipsecKeyExchange"] = ipsec.PFS
		}
		if t.BandwidthMbps > 0 {
			spec["bandwidthMbps"] = t.BandwidthMbps
		}
		summary := fmt.Sprintf("Create VPN tunnel %s: cloud public IP #%d (planned %s) ↔ %s, inside %s (JD Cloud %s, customer %s), IKE %s %s/%s/%s, key from %s",
			t.Name, k+1, t.CloudPublicIP, t.CustomerPublicIP, t.InsideCIDR, t.CloudAddr(), t.CustomerAddr(), ike.Version, ike.Cipher, ike.Auth, ike.DHGroup, t.PSKRef)
		if t.InsideCIDRIPv6.IsValid() {
			summary += fmt.Sprintf("; IPv6 inside %s is not settable through the API: arrange it with JD Cloud", t.InsideCIDRIPv6)
		}
		b.add(Call{
			Step: StepVPN, ID: "tunnel/" + t.Name, Service: ServiceBGW, Action: ActionCreateVpnTunnel,
			Kind: KindVPNTunnel, Name: t.Name, DependsOn: []string{vpnID},
			Params:  map[string]any{"vpnTunnelSpec": spec},
			Summary: summary,
		})
	}
}

// RoutePriority is the priority of the route table rules hybridplan adds:
// JD Cloud's default, so that only the prefix length decides.
const RoutePriority = 100

func (b *builder) routes() {
	var prefixes []netip.Prefix
	for _, s := range b.p.IDC.Segments {
		prefixes = append(prefixes, s.CIDR)
	}
	for i, a := range b.p.BorderGateway.Attachments {
		for j, rtb := range a.RouteTables {
			path := fmt.Sprintf("$.borderGateway.attachments[%d].routeTables[%d]", i, j)
			if rtb == "" {
				b.problem(path, "the route table id is empty: use the route table's id (rtb-…)")
			}
			var rules []any
			for _, pf := range prefixes {
				rules = append(rules, map[string]any{
					"nextHopType":   "bgw",
					"nextHopId":     bgwRef,
					"addressPrefix": prefixString(pf),
					"priority":      RoutePriority,
					"description":   b.desc,
				})
			}
			b.add(Call{
				Step: StepRoutes, ID: "routes/" + a.Name + "/" + rtb, Service: ServiceVPC, Action: ActionAddRouteTableRules,
				Kind: KindRouteTableRules, Name: rtb, DependsOn: []string{bgwID, attachmentID(a)},
				Params: map[string]any{
					"routeTableId":        rtb,
					"routeTableRuleSpecs": rules,
				},
				Summary: fmt.Sprintf("In route table %s of VPC %s, route %s to border gateway %s", rtb, a.VPCName, joinPrefixes(prefixes), b.p.BorderGateway.Name),
			})
		}
	}
}

func (b *builder) readBack() {
	b.add(Call{
		Step: StepReadBack, ID: "readback/bgw", Service: ServiceBGW, Action: ActionDescribeBgw,
		Kind: KindReadBack, Name: b.p.BorderGateway.Name, DependsOn: []string{bgwID},
		Params:  map[string]any{"bgwId": bgwRef},
		Summary: fmt.Sprintf("Read back border gateway %s and what is attached to it", b.p.BorderGateway.Name),
	})
	if dc := b.p.DirectConnection; dc != nil && len(dc.Interfaces) > 0 {
		b.add(Call{
			Step: StepReadBack, ID: "readback/connection", Service: ServiceBGW, Action: ActionDescribeConnections,
			Kind: KindReadBack, Name: dc.ConnectionID,
			Params: map[string]any{"filters": []any{map[string]any{
				"name": "connectionIds", "values": []any{dc.ConnectionID},
			}}},
			Summary: fmt.Sprintf("Read back physical connection %s (status)", dc.ConnectionID),
		})
		for _, vif := range dc.Interfaces {
			id := "pvif/" + vif.Name
			b.add(Call{
				Step: StepReadBack, ID: "readback/" + id, Service: ServiceBGW, Action: ActionDescribePrivateVif,
				Kind: KindReadBack, Name: vif.Name, DependsOn: []string{id},
				Params:  map[string]any{"privateVifId": Ref{Call: id, Output: OutputID}},
				Summary: fmt.Sprintf("Read back private virtual interface %s and its BGP session", vif.Name),
			})
		}
	}
	if v := b.p.VPN; v != nil && len(v.Tunnels) > 0 {
		b.add(Call{
			Step: StepReadBack, ID: "readback/vpn", Service: ServiceBGW, Action: ActionDescribeVpnTunnels,
			Kind: KindReadBack, Name: v.Connection.Name, DependsOn: []string{vpnID},
			Params: map[string]any{"filters": []any{map[string]any{
				"name": "vpnConnectionId", "values": []any{Ref{Call: vpnID, Output: OutputID}},
			}}},
			Summary: fmt.Sprintf("Read back the tunnels of VPN connection %s (status)", v.Connection.Name),
		})
	}
}

// addrString and prefixString write the zero value as "" so that a missing
// address shows as an empty field rather than "invalid IP".
func addrString(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

func prefixString(p netip.Prefix) string {
	if !p.IsValid() {
		return ""
	}
	return p.String()
}

func joinPrefixes(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}

func joinAddrs(as []netip.Addr) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}
