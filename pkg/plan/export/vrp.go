package export

import (
	"fmt"

	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

const defaultVRPInterface = "GigabitEthernet0/0/1"

// renderVRP writes Huawei VRP configuration for an AR-series router
// (V200R010 and later): dot1q termination subinterfaces, IKE peers and
// IPsec profiles on IPsec tunnel interfaces, ip ip-prefix lists,
// route-policies (apply as-path … additive, apply local-preference) and BGP
// with ipv4-family/ipv6-family views. Syntax per Huawei's AR command
// reference (IP routing, BGP, IPsec, BFD).
func renderVRP(w *writer, d *design) {
	const c = "#"
	parent := orText(d.Opts.DCInterface, defaultVRPInterface)
	if len(d.Split) > 0 {
		d.Warnings = append(d.Warnings, splitNeedsRoute(d, "VRP", "ip route-static 10.1.0.0 17 <next hop> preference 254"))
	}
	header(w, d, c, "Huawei VRP (AR series, V200R010 or later)", []string{
		fmt.Sprintf("Interface names are examples: Direct Connection subinterfaces on %s; tunnels are sourced from the customer gateway's public IPs, which must be configured on the WAN interface.", parent),
	})
	if len(d.DC) > 0 && hasBFD(d) {
		// BFD must be enabled globally before a BGP peer can use it.
		w.line("bfd")
		w.line("#")
	}
	if d.hasFamily(ipv6) {
		w.line("ipv6")
		w.line("#")
	}
	for _, di := range d.DC {
		w.line("interface %s.%d", parent, di.VLAN)
		w.line(" description %s", text(fmt.Sprintf("JD Cloud Direct Connection %s (%s)", di.Name, di.Connection)))
		w.line(" dot1q termination vid %d", di.VLAN)
		if di.V4.IsValid() {
			w.line(" ip address %s", addrMask(di.V4))
		}
		// A dot1q termination subinterface answers ARP broadcasts only when told to.
		w.line(" arp broadcast enable")
		if di.V6.IsValid() {
			w.line(" ipv6 enable")
			w.line(" ipv6 address %s", di.V6)
		}
		w.line("#")
		if di.Health.Type == "nqa" {
			w.comment(c, fmt.Sprintf("JD Cloud checks %s with NQA probes to %s: keep ICMP echo allowed on this subinterface.", di.Name, di.V4.Addr()))
			w.line("#")
		}
	}
	writeVRPIPsec(w, d)

	if len(d.Originate) > 0 {
		w.comment(c, discardNote)
		for _, p := range d.Originate {
			if seg, ok := d.Split[p]; ok {
				w.comment(c, fmt.Sprintf("WARNING: no discard route for %s (it would drop cloud-to-IDC traffic; see the WARNING at the top). FILL IN the next hop of your route to %s:", p, seg))
				kw := "ip route-static"
				if familyOf(p) == ipv6 {
					kw = "ipv6 route-static"
				}
				w.comment(c, fmt.Sprintf("  %s %s %d <next hop of your route to %s> preference %d", kw, p.Addr(), p.Bits(), seg, discardDistance))
				continue
			}
			if familyOf(p) == ipv4 {
				w.line("ip route-static %s %d NULL0 preference %d", p.Addr(), p.Bits(), discardDistance)
			} else {
				w.line("ipv6 route-static %s %d NULL0 preference %d", p.Addr(), p.Bits(), discardDistance)
			}
		}
		w.line("#")
	}
	for _, l := range d.Lists {
		kw := "ip ip-prefix"
		if l.Family == ipv6 {
			kw = "ip ipv6-prefix"
		}
		// Without greater-equal/less-equal an entry matches the prefix exactly.
		for i, p := range l.Prefixes {
			w.line("%s %s index %d permit %s %d", kw, l.Name, (i+1)*10, p.Addr(), p.Bits())
		}
		w.line("#")
	}
	for _, p := range d.Policies {
		w.comment(c, p.Name+" "+p.describe()+".")
		for i, t := range p.Terms {
			w.line("route-policy %s permit node %d", p.Name, (i+1)*10)
			if p.Family == ipv4 {
				w.line(" if-match ip-prefix %s", t.List.Name)
			} else {
				w.line(" if-match ipv6 address prefix-list %s", t.List.Name)
			}
			if t.Prepend > 0 {
				// additive: prepend to the path; without it VRP replaces the path.
				w.line(" apply as-path %s additive", repeatASN(p.PrependASN, t.Prepend))
			}
			if t.LocalPref != 0 {
				w.line(" apply local-preference %d", t.LocalPref)
			}
		}
		w.line("route-policy %s deny node %d", p.Name, denySeq)
		w.line("#")
	}

	w.line("bgp %d", d.ASN)
	w.line(" router-id %s", d.RouterID)
	if d.Timers != nil {
		w.line(" timer keepalive %d hold %d", d.Timers[0], d.Timers[1])
	}
	// Peers join address families explicitly below.
	w.line(" undo default ipv4-unicast")
	for _, n := range d.Neighbors {
		w.line(" peer %s as-number %d", n.Remote, n.PeerASN)
		w.line(" peer %s description %s", n.Remote, neighborDescription(d, n))
		if n.LocalAS != 0 {
			w.line(" peer %s fake-as %d", n.Remote, n.LocalAS)
		}
		if n.BFD != nil {
			w.line(" peer %s bfd min-tx-interval %d min-rx-interval %d detect-multiplier %d", n.Remote, n.BFD.MinTxMillis, n.BFD.MinRxMillis, n.BFD.Multiplier)
			w.line(" peer %s bfd enable", n.Remote)
		}
	}
	for _, fam := range []family{ipv4, ipv6} {
		if !d.hasFamily(fam) {
			continue
		}
		w.line(" #")
		if fam == ipv4 {
			w.line(" ipv4-family unicast")
			w.line("  undo synchronization")
		} else {
			w.line(" ipv6-family unicast")
		}
		for _, p := range d.originated(fam) {
			w.line("  network %s %d", p.Addr(), p.Bits())
		}
		for _, kind := range []strategy.PathKind{strategy.DirectConnection, strategy.VPN} {
			for _, n := range d.neighborsOf(kind, fam) {
				w.line("  peer %s enable", n.Remote)
				w.line("  peer %s route-policy %s import", n.Remote, n.In.Name)
				w.line("  peer %s route-policy %s export", n.Remote, n.Out.Name)
			}
		}
	}
	w.line("#")
	w.line("return")
}

func hasBFD(d *design) bool {
	for _, n := range d.Neighbors {
		if n.BFD != nil {
			return true
		}
	}
	return false
}

func vrpCipher(c string) string {
	if c == "3des" {
		return "3des"
	}
	b, _ := cipherBits(c)
	return fmt.Sprintf("aes-%d", b)
}

func vrpAuth(a string) string {
	switch a {
	case "sha256":
		return "sha2-256"
	case "sha384":
		return "sha2-384"
	}
	return "sha1"
}

func writeVRPIPsec(w *writer, d *design) {
	if len(d.Tunnels) == 0 {
		return
	}
	const c = "#"
	// IKE proposals are numbered; tunnels with the same algorithms and
	// lifetime share one.
	ikeNum := map[string]int{}
	for _, t := range d.Tunnels {
		key := fmt.Sprintf("%s/%d", ikeSuite(t), t.IKE.LifetimeSeconds)
		if _, ok := ikeNum[key]; ok {
			continue
		}
		n := (len(ikeNum) + 1) * 10
		ikeNum[key] = n
		g, _ := dhGroupNumber(t.IKE.DHGroup)
		w.line("ike proposal %d", n)
		w.line(" encryption-algorithm %s", vrpCipher(t.IKE.Cipher))
		w.line(" authentication-method pre-share")
		w.line(" authentication-algorithm %s", vrpAuth(t.IKE.Auth))
		if t.IKE.Version == "v2" {
			// IKEv2 negotiates integrity and PRF separately from the
			// IKEv1 authentication algorithm.
			w.line(" integrity-algorithm hmac-%s", vrpAuth(t.IKE.Auth))
			w.line(" prf hmac-%s", vrpAuth(t.IKE.Auth))
		}
		w.line(" dh group%d", g)
		w.line(" sa duration %d", t.IKE.LifetimeSeconds)
		w.line("#")
	}
	for _, t := range d.Tunnels {
		if t.IPsec.Auth != "sha1" {
			// VRP truncates SHA-2 ESP checksums in a pre-RFC 4868 way
			// unless told otherwise; JD Cloud's side follows the RFC.
			w.line("ipsec authentication sha2 compatible enable")
			w.line("#")
			break
		}
	}
	// VRP limits IKE peer, IPsec proposal and IPsec profile names to 15
	// characters, so they are numbered; descriptions and comments carry the
	// plan's names.
	espName := map[string]string{}
	for _, t := range d.Tunnels {
		suite := espSuite(t)
		if _, ok := espName[suite]; ok {
			continue
		}
		name := fmt.Sprintf("JDC-ESP-%d", len(espName)+1)
		espName[suite] = name
		w.comment(c, fmt.Sprintf("%s: ESP %s/%s.", name, t.IPsec.Cipher, t.IPsec.Auth))
		w.line("ipsec proposal %s", name)
		w.line(" esp authentication-algorithm %s", vrpAuth(t.IPsec.Auth))
		w.line(" esp encryption-algorithm %s", vrpCipher(t.IPsec.Cipher))
		w.line("#")
	}
	for _, t := range d.Tunnels {
		peer, profile := fmt.Sprintf("JDC-PEER-%d", t.Number), fmt.Sprintf("JDC-PROF-%d", t.Number)
		w.comment(c, fmt.Sprintf("Tunnel %s: IKE peer %s, IPsec profile %s, interface Tunnel0/0/%d.", t.Name, peer, profile, t.Number))
		w.comment(c, pskNote(t))
		w.line("ike peer %s", peer)
		if t.IKE.Version == "v2" {
			w.line(" undo version 1")
		} else {
			w.line(" undo version 2")
			w.line(" exchange-mode %s", t.IKE.Mode)
		}
		w.line(" pre-shared-key cipher %s", pskPlaceholder(t))
		w.line(" ike-proposal %d", ikeNum[fmt.Sprintf("%s/%d", ikeSuite(t), t.IKE.LifetimeSeconds)])
		w.line(" local-address %s", t.CustomerPublic)
		w.line(" remote-address %s", t.CloudPublic)
		if s := dpdSeconds(t); s > 0 {
			w.line(" dpd type periodic")
			w.line(" dpd idle-time %d", s)
		}
		w.line("#")
		w.line("ipsec profile %s", profile)
		w.line(" ike-peer %s", peer)
		w.line(" proposal %s", espName[espSuite(t)])
		if g, ok := dhGroupNumber(t.IPsec.PFS); ok {
			w.line(" pfs dh-group%d", g)
		}
		w.line(" sa duration time-based %d", t.IPsec.LifetimeSeconds)
		w.line("#")
		w.line("interface Tunnel0/0/%d", t.Number)
		w.line(" description %s", text(fmt.Sprintf("JD Cloud VPN %s tunnel %s", d.VPNName, t.Name)))
		w.line(" mtu %d", t.MTU)
		if t.V4.IsValid() {
			w.line(" ip address %s", addrMask(t.V4))
			w.line(" tcp adjust-mss %d", t.MTU-40)
		}
		if t.V6.IsValid() {
			w.line(" ipv6 enable")
			w.line(" ipv6 address %s", t.V6)
		}
		w.line(" tunnel-protocol ipsec")
		w.line(" source %s", t.CustomerPublic)
		w.line(" destination %s", t.CloudPublic)
		w.line(" ipsec profile %s", profile)
		w.line("#")
	}
}
