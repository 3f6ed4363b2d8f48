package plan

import "net/netip"

// Values derived from the plan, in one place so that validation, strategy,
// simulation, export and provisioning agree on them.

// FirstUsable returns the first address after the network address of p, the
// second address of the block (for a /31 or /127, which have no network
// address, the first). It returns the zero Addr for a single-address block.
func FirstUsable(p netip.Prefix) netip.Addr {
	return usable(p, 0)
}

// SecondUsable returns the address after FirstUsable, or the zero Addr.
func SecondUsable(p netip.Prefix) netip.Addr {
	return usable(p, 1)
}

func usable(p netip.Prefix, n int) netip.Addr {
	if !p.IsValid() || p.IsSingleIP() {
		return netip.Addr{}
	}
	a := p.Masked().Addr()
	if p.Bits() < a.BitLen()-1 {
		a = a.Next() // skip the network address
	}
	for range n {
		a = a.Next()
	}
	if !p.Contains(a) {
		return netip.Addr{}
	}
	return a
}

// CustomerAddr is the customer router's address on the interconnect.
func (i PrivateInterface) CustomerAddr() netip.Addr { return FirstUsable(i.Interconnect) }

// CloudAddr is JD Cloud's address on the interconnect.
func (i PrivateInterface) CloudAddr() netip.Addr { return SecondUsable(i.Interconnect) }

// CustomerAddrIPv6 is the customer router's IPv6 interconnect address, if any.
func (i PrivateInterface) CustomerAddrIPv6() netip.Addr { return FirstUsable(i.InterconnectIPv6) }

// CloudAddrIPv6 is JD Cloud's IPv6 interconnect address, if any.
func (i PrivateInterface) CloudAddrIPv6() netip.Addr { return SecondUsable(i.InterconnectIPv6) }

// CloudAddr is JD Cloud's inside address of the tunnel.
func (t Tunnel) CloudAddr() netip.Addr {
	if t.CloudInsideIP.IsValid() {
		return t.CloudInsideIP
	}
	return FirstUsable(t.InsideCIDR)
}

// CustomerAddr is the customer router's inside address of the tunnel.
func (t Tunnel) CustomerAddr() netip.Addr {
	if t.CustomerInsideIP.IsValid() {
		return t.CustomerInsideIP
	}
	return SecondUsable(t.InsideCIDR)
}

// CloudAddrIPv6 is JD Cloud's IPv6 inside address of the tunnel, if any.
func (t Tunnel) CloudAddrIPv6() netip.Addr { return FirstUsable(t.InsideCIDRIPv6) }

// CustomerAddrIPv6 is the customer router's IPv6 inside address, if any.
func (t Tunnel) CustomerAddrIPv6() netip.Addr { return SecondUsable(t.InsideCIDRIPv6) }

// BorderGatewayASN is the border gateway's ASN, the profile's by default.
func (p *Plan) BorderGatewayASN() uint32 {
	if p.BorderGateway.ASN != 0 {
		return p.BorderGateway.ASN
	}
	return p.EffectiveProfile().ASN.BorderGateway
}

// InterfaceCustomerASN is the customer ASN on a private virtual interface.
func (p *Plan) InterfaceCustomerASN(i PrivateInterface) uint32 {
	if i.CustomerASN != 0 {
		return i.CustomerASN
	}
	return p.IDC.ASN
}

// InterfaceCloudASN is JD Cloud's ASN on a private virtual interface.
func (p *Plan) InterfaceCloudASN(i PrivateInterface) uint32 {
	if i.CloudASN != 0 {
		return i.CloudASN
	}
	return p.EffectiveProfile().ASN.DirectConnectionPeer
}

// CustomerGatewayASN is the customer gateway's ASN.
func (p *Plan) CustomerGatewayASN() uint32 {
	if p.VPN != nil && p.VPN.CustomerGateway.ASN != 0 {
		return p.VPN.CustomerGateway.ASN
	}
	return p.IDC.ASN
}

// VPNLocalASN is the VPN connection's ASN.
func (p *Plan) VPNLocalASN() uint32 {
	if p.VPN != nil && p.VPN.Connection.LocalASN != 0 {
		return p.VPN.Connection.LocalASN
	}
	return p.BorderGatewayASN()
}

// VPNBGPEnabled reports whether the VPN connection runs BGP (the default).
func (p *Plan) VPNBGPEnabled() bool {
	return p.VPN != nil && (p.VPN.Connection.BGP == nil || *p.VPN.Connection.BGP)
}

// PropagationMode is the attachment's propagation mode, PropagateAll by default.
func (a Attachment) PropagationMode() string {
	if a.Propagation.Mode == "" {
		return PropagateAll
	}
	return a.Propagation.Mode
}

// Propagated returns the VPC segments the attachment propagates to the
// border gateway: every VPC CIDR, or the chosen subnets' CIDRs. Unknown
// subnet names are skipped (validation reports them).
func (a Attachment) Propagated() []netip.Prefix {
	if a.PropagationMode() == PropagateAll {
		return append([]netip.Prefix(nil), a.CIDRs...)
	}
	var out []netip.Prefix
	for _, name := range a.Propagation.Subnets {
		for _, s := range a.Subnets {
			if s.Name == name {
				out = append(out, s.CIDR)
				break
			}
		}
	}
	return out
}

// Defaults of the strategy's numbers, used when the plan leaves them out.
const (
	DefaultExtraBits = 1
	DefaultPrepend   = 3
)

// SplitExtraBits is the prefix-split depth as written, DefaultExtraBits
// when absent. An explicit 0 stays 0. Validation reports values outside
// 0–cidr.MaxSplitBits; users of the value clamp it.
func (s Strategy) SplitExtraBits() int {
	if s.PrefixSplit != nil && s.PrefixSplit.ExtraBits != nil {
		return *s.PrefixSplit.ExtraBits
	}
	return DefaultExtraBits
}

// Prepend is the AS_PATH prepend count on the VPN as written,
// DefaultPrepend when absent. An explicit 0 stays 0. Validation reports
// values outside 0–MaxPrepend; users of the value clamp it.
func (s Strategy) Prepend() int {
	if s.ASPath != nil && s.ASPath.Prepend != nil {
		return *s.ASPath.Prepend
	}
	return DefaultPrepend
}

// IKEOptions returns the tunnel's IKE options with the profile's defaults
// filled in.
func (p *Plan) IKEOptions(t Tunnel) IKE {
	def := p.EffectiveProfile().IKE.Default
	o := t.IKE
	o.Version = orDefault(o.Version, def.Version)
	o.Mode = orDefault(o.Mode, def.Mode)
	o.DHGroup = orDefault(o.DHGroup, def.DHGroup)
	o.Cipher = orDefault(o.Cipher, def.Cipher)
	o.Auth = orDefault(o.Auth, def.Auth)
	if o.DPDSeconds == nil {
		o.DPDSeconds = def.DPDSeconds
	}
	if o.LifetimeSeconds == 0 {
		o.LifetimeSeconds = def.LifetimeSeconds
	}
	return o
}

// IPsecOptions returns the tunnel's IPsec options with the profile's defaults.
func (p *Plan) IPsecOptions(t Tunnel) IPsec {
	def := p.EffectiveProfile().IPsec.Default
	o := t.IPsec
	o.Cipher = orDefault(o.Cipher, def.Cipher)
	o.Auth = orDefault(o.Auth, def.Auth)
	o.PFS = orDefault(o.PFS, def.PFS)
	if o.LifetimeSeconds == 0 {
		o.LifetimeSeconds = def.LifetimeSeconds
	}
	return o
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
