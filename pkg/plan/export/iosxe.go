package export

import (
	"fmt"
	"net/netip"
	"slices"
)

const defaultIOSXEInterface = "GigabitEthernet0/0/1"

// renderIOSXE writes Cisco IOS XE configuration (17.x): dot1Q
// subinterfaces, IKEv2 (or IKEv1 ISAKMP) with static virtual tunnel
// interfaces, prefix lists, route maps and BGP with per-family activation.
// Syntax per Cisco's IOS XE 17 configuration guides (IP Routing BGP,
// Security for VPNs with IPsec, FlexVPN and IKEv2, BFD).
func renderIOSXE(w *writer, d *design) {
	const c = "!"
	if len(d.Split) > 0 {
		d.Warnings = append(d.Warnings, splitNeedsRoute(d, "IOS XE", "ip route 10.1.0.0 255.255.128.0 <next hop> 254"))
	}
	header(w, d, c, "Cisco IOS XE 17", []string{
		fmt.Sprintf("Interface names are examples: the Direct Connection subinterfaces hang off %s; tunnels are sourced from the customer gateway's public IPs, which must be configured on the WAN interface.", orText(d.Opts.DCInterface, defaultIOSXEInterface)),
	})
	if d.hasFamily(ipv6) {
		w.line("ipv6 unicast-routing")
		w.line("!")
	}
	parent := orText(d.Opts.DCInterface, defaultIOSXEInterface)
	for _, di := range d.DC {
		w.line("interface %s.%d", parent, di.VLAN)
		w.line(" description %s", text(fmt.Sprintf("JD Cloud Direct Connection %s (%s)", di.Name, di.Connection)))
		w.line(" encapsulation dot1Q %d", di.VLAN)
		if di.V4.IsValid() {
			w.line(" ip address %s", addrMask(di.V4))
		}
		if di.V6.IsValid() {
			w.line(" ipv6 address %s", di.V6)
		}
		if di.BFD != nil {
			// Interface BFD timers; `neighbor … fall-over bfd` below ties the
			// BGP session to them.
			w.line(" bfd interval %d min_rx %d multiplier %d", di.BFD.MinTxMillis, di.BFD.MinRxMillis, di.BFD.Multiplier)
		}
		w.line(" no shutdown")
		w.line("!")
		if di.Health.Type == "nqa" {
			w.comment(c, fmt.Sprintf("JD Cloud checks %s with NQA probes to %s: keep ICMP echo allowed on this subinterface.", di.Name, di.V4.Addr()))
			w.line("!")
		}
	}
	writeIOSXEIPsec(w, d)

	if len(d.Originate) > 0 {
		w.comment(c, discardNote)
		for _, p := range d.Originate {
			if seg, ok := d.Split[p]; ok {
				w.comment(c, fmt.Sprintf("WARNING: no discard route for %s (it would drop cloud-to-IDC traffic; see the WARNING at the top). FILL IN the next hop of your route to %s:", p, seg))
				if familyOf(p) == ipv4 {
					w.comment(c, fmt.Sprintf("  ip route %s %s <next hop of your route to %s> %d", p.Addr(), netmask(p.Bits()), seg, discardDistance))
				} else {
					w.comment(c, fmt.Sprintf("  ipv6 route %s <next hop of your route to %s> %d", p, seg, discardDistance))
				}
				continue
			}
			if familyOf(p) == ipv4 {
				w.line("ip route %s %s Null0 %d", p.Addr(), netmask(p.Bits()), discardDistance)
			} else {
				w.line("ipv6 route %s Null0 %d", p, discardDistance)
			}
		}
		w.line("!")
	}
	writeCiscoPrefixLists(w, d)
	for _, p := range d.Policies {
		writeCiscoRouteMap(w, p, false)
	}

	writeCiscoBGP(w, d, iosxeDialect)
}

var iosxeDialect = ciscoDialect{
	network: func(p netip.Prefix) string {
		if p.Addr().Is4() {
			return fmt.Sprintf("%s mask %s", p.Addr(), netmask(p.Bits()))
		}
		return p.String()
	},
	bfd:     func(_ *design, n neighbor) string { return fmt.Sprintf(" neighbor %s fall-over bfd", n.Remote) },
	closing: []string{"!", "end"},
}

func iosIKEv2Encryption(c string) string {
	if c == "3des" {
		return "3des"
	}
	b, _ := cipherBits(c)
	return fmt.Sprintf("aes-cbc-%d", b)
}

func iosISAKMPEncryption(c string) string {
	switch c {
	case "3des":
		return "3des"
	case "aes128":
		return "aes"
	}
	b, _ := cipherBits(c)
	return fmt.Sprintf("aes %d", b)
}

func iosISAKMPHash(a string) string {
	if a == "sha1" {
		return "sha"
	}
	return a
}

func iosESPAuth(a string) string {
	if a == "sha1" {
		return "esp-sha-hmac"
	}
	return "esp-" + a + "-hmac"
}

func iosESPCipher(c string) string {
	b, _ := cipherBits(c)
	if b == 128 {
		return "esp-aes"
	}
	return fmt.Sprintf("esp-aes %d", b)
}

// writeIOSXEIPsec writes the IKE and IPsec objects and one static virtual
// tunnel interface per tunnel.
func writeIOSXEIPsec(w *writer, d *design) {
	if len(d.Tunnels) == 0 {
		return
	}
	const c = "!"
	// IKEv2 proposals are shared by tunnels with the same algorithms; an
	// IKEv2 policy per customer public IP offers the proposals of every
	// tunnel sourced from it (IOS XE picks the policy by local address).
	var v2, v1 []tunnel
	for _, t := range d.Tunnels {
		if t.IKE.Version == "v2" {
			v2 = append(v2, t)
		} else {
			v1 = append(v1, t)
		}
	}
	if len(v2) > 0 {
		seen := map[string]bool{}
		for _, t := range v2 {
			name := ikeSuite(t)
			if seen[name] {
				continue
			}
			seen[name] = true
			g, _ := dhGroupNumber(t.IKE.DHGroup)
			w.line("crypto ikev2 proposal %s", name)
			w.line(" encryption %s", iosIKEv2Encryption(t.IKE.Cipher))
			w.line(" integrity %s", t.IKE.Auth)
			w.line(" group %d", g)
			w.line("!")
		}
		var locals []string
		byLocal := map[string][]string{}
		for _, t := range v2 {
			l := t.CustomerPublic.String()
			if _, ok := byLocal[l]; !ok {
				locals = append(locals, l)
			}
			if !slices.Contains(byLocal[l], ikeSuite(t)) {
				byLocal[l] = append(byLocal[l], ikeSuite(t))
			}
		}
		for i, l := range locals {
			w.line("crypto ikev2 policy JDC-IKEV2-POLICY-%d", i+1)
			w.line(" match address local %s", l)
			for _, p := range byLocal[l] {
				w.line(" proposal %s", p)
			}
			w.line("!")
		}
	}
	if len(v1) > 0 {
		seen := map[string]bool{}
		prio := 10
		for _, t := range v1 {
			key := fmt.Sprintf("%s/%d", ikeSuite(t), t.IKE.LifetimeSeconds)
			if seen[key] {
				continue
			}
			seen[key] = true
			g, _ := dhGroupNumber(t.IKE.DHGroup)
			w.line("crypto isakmp policy %d", prio)
			w.line(" encryption %s", iosISAKMPEncryption(t.IKE.Cipher))
			w.line(" hash %s", iosISAKMPHash(t.IKE.Auth))
			w.line(" authentication pre-share")
			w.line(" group %d", g)
			w.line(" lifetime %d", t.IKE.LifetimeSeconds)
			w.line("!")
			prio += 10
		}
	}
	seenESP := map[string]bool{}
	for _, t := range d.Tunnels {
		name := espSuite(t)
		if seenESP[name] {
			continue
		}
		seenESP[name] = true
		w.line("crypto ipsec transform-set %s %s %s", name, iosESPCipher(t.IPsec.Cipher), iosESPAuth(t.IPsec.Auth))
		w.line(" mode tunnel")
		w.line("!")
	}
	for _, t := range d.Tunnels {
		name := tunnelName(t)
		if t.IKE.Version == "v2" {
			lifetimeWarning(w, c, "IOS XE", "IKEv2", t, t.IKE.LifetimeSeconds, 120)
		}
		lifetimeWarning(w, c, "IOS XE", "IPsec", t, t.IPsec.LifetimeSeconds, 120)
		w.comment(c, pskNote(t))
		if t.IKE.Version == "v2" {
			w.line("crypto ikev2 keyring %s", name)
			w.line(" peer %s", name)
			w.line("  address %s", t.CloudPublic)
			w.line("  pre-shared-key %s", pskPlaceholder(t))
			w.line(" !")
			w.line("!")
			w.line("crypto ikev2 profile %s", name)
			w.line(" match identity remote address %s 255.255.255.255", t.CloudPublic)
			w.line(" identity local address %s", t.CustomerPublic)
			w.line(" authentication remote pre-share")
			w.line(" authentication local pre-share")
			w.line(" keyring local %s", name)
			w.line(" lifetime %d", t.IKE.LifetimeSeconds)
			if s := dpdSeconds(t); s > 0 {
				// Periodic, as JD Cloud's Cisco guide configures it: a dead
				// tunnel is noticed even when no traffic is waiting.
				w.line(" dpd %d 3 periodic", s)
			}
			w.line("!")
		} else {
			w.line("crypto keyring %s", name)
			w.line(" local-address %s", t.CustomerPublic)
			w.line(" pre-shared-key address %s key %s", t.CloudPublic, pskPlaceholder(t))
			w.line("!")
			w.line("crypto isakmp profile %s", name)
			w.line(" keyring %s", name)
			w.line(" match identity address %s 255.255.255.255", t.CloudPublic)
			w.line(" local-address %s", t.CustomerPublic)
			if t.IKE.Mode == "aggressive" {
				w.line(" initiate mode aggressive")
			}
			if s := dpdSeconds(t); s > 0 {
				w.line(" keepalive %d retry 3", s)
			}
			w.line("!")
		}
		w.line("crypto ipsec profile %s", name)
		w.line(" set transform-set %s", espSuite(t))
		if t.IKE.Version == "v2" {
			w.line(" set ikev2-profile %s", name)
		} else {
			w.line(" set isakmp-profile %s", name)
		}
		w.line(" set security-association lifetime seconds %d", t.IPsec.LifetimeSeconds)
		if g, ok := dhGroupNumber(t.IPsec.PFS); ok {
			w.line(" set pfs group%d", g)
		}
		w.line("!")
		w.line("interface Tunnel%d", t.Number)
		w.line(" description %s", text(fmt.Sprintf("JD Cloud VPN %s tunnel %s", d.VPNName, t.Name)))
		if t.V4.IsValid() {
			w.line(" ip address %s", addrMask(t.V4))
			w.line(" ip mtu %d", t.MTU)
			// 40 bytes of IPv4 and TCP headers inside the tunnel MTU.
			w.line(" ip tcp adjust-mss %d", t.MTU-40)
		}
		if t.V6.IsValid() {
			w.line(" ipv6 address %s", t.V6)
			w.line(" ipv6 mtu %d", t.MTU)
			w.line(" ipv6 tcp adjust-mss %d", t.MTU-60)
		}
		w.line(" tunnel source %s", t.CustomerPublic)
		if t.V6.IsValid() {
			// Both families over one IPv4 IPsec SA pair needs the dual
			// overlay mode, which IOS XE offers with IKEv2 only.
			if t.IKE.Version != "v2" {
				w.comment(c, fmt.Sprintf("WARNING: tunnel %s carries IPv6 but uses IKEv1; IOS XE runs IPv4 and IPv6 over one tunnel (dual-overlay) with IKEv2 only: set the tunnel's IKE version to v2.", t.Name))
			}
			w.line(" tunnel mode ipsec dual-overlay")
		} else {
			w.line(" tunnel mode ipsec ipv4")
		}
		w.line(" tunnel destination %s", t.CloudPublic)
		w.line(" tunnel protection ipsec profile %s", name)
		w.line("!")
	}
}
