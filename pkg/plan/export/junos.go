package export

import (
	"fmt"

	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

const (
	defaultJunosInterface = "ge-0/0/1"
	defaultJunosWAN       = "ge-0/0/0.0"
	junosZone             = "jdcloud"
)

// renderJunos writes Junos OS configuration as `set` commands (for
// `load set terminal`), for an SRX-class device running route-based IPsec
// (st0 units). Syntax per Juniper's Junos OS documentation: policy-options
// prefix-list and policy-statement (as-path-prepend, local-preference),
// protocols bgp groups (bfd-liveness-detection), routing-options static
// discard routes, security ike/ipsec.
func renderJunos(w *writer, d *design) {
	const c = "#"
	parent := orText(d.Opts.DCInterface, defaultJunosInterface)
	wan := orText(d.Opts.WANInterface, defaultJunosWAN)
	header(w, d, c, "Junos OS (SRX, route-based IPsec), as set commands", []string{
		fmt.Sprintf("Interface names are examples: Direct Connection units on %s, IKE from %s.", parent, wan),
		"BGP routes that no export term matches are rejected explicitly: without the final reject Junos's default BGP export policy would pass routes learned from one JD Cloud path to the other.",
	})
	if len(d.DC) > 0 {
		w.line("set interfaces %s vlan-tagging", parent)
	}
	for _, di := range d.DC {
		unit := fmt.Sprintf("set interfaces %s unit %d", parent, di.VLAN)
		w.line("%s description \"%s\"", unit, text(fmt.Sprintf("JD Cloud Direct Connection %s (%s)", di.Name, di.Connection)))
		w.line("%s vlan-id %d", unit, di.VLAN)
		if di.V4.IsValid() {
			w.line("%s family inet address %s", unit, di.V4)
		}
		if di.V6.IsValid() {
			w.line("%s family inet6 address %s", unit, di.V6)
		}
		if di.Health.Type == "nqa" {
			w.comment(c, fmt.Sprintf("JD Cloud checks %s with NQA probes to %s: allow ping on this unit.", di.Name, di.V4.Addr()))
		}
	}
	writeJunosIPsec(w, d, wan)
	if len(d.DC)+len(d.Tunnels) > 0 {
		w.comment(c, "Security zone for the JD Cloud links: BGP, BFD and ping must reach the routing engine. Add security policies between this zone and the IDC's zones for the traffic itself.")
		for _, di := range d.DC {
			ifc := fmt.Sprintf("%s.%d", parent, di.VLAN)
			w.line("set security zones security-zone %s interfaces %s host-inbound-traffic protocols bgp", junosZone, ifc)
			w.line("set security zones security-zone %s interfaces %s host-inbound-traffic protocols bfd", junosZone, ifc)
			w.line("set security zones security-zone %s interfaces %s host-inbound-traffic system-services ping", junosZone, ifc)
		}
		for _, t := range d.Tunnels {
			w.line("set security zones security-zone %s interfaces st0.%d host-inbound-traffic protocols bgp", junosZone, t.Number)
		}
	}

	w.line("set routing-options router-id %s", d.RouterID)
	w.line("set routing-options autonomous-system %d", d.ASN)
	if len(d.Originate) > 0 {
		w.comment(c, discardNote)
		if len(d.Split) > 0 {
			w.comment(c, "The prefix-split more-specifics "+d.splitList()+" are no-install: in the routing table, so the export "+
				"policies announce them, but not in the forwarding table, because "+splitDiscardRisk+" Traffic to them follows your route for the segment.")
		}
		for _, p := range d.Originate {
			prefix := "set routing-options static"
			if familyOf(p) == ipv6 {
				prefix = "set routing-options rib inet6.0 static"
			}
			w.line("%s route %s discard", prefix, p)
			w.line("%s route %s preference %d", prefix, p, discardDistance)
			if _, ok := d.Split[p]; ok {
				w.line("%s route %s no-install", prefix, p)
			}
		}
	}

	for _, l := range d.Lists {
		for _, p := range l.Prefixes {
			w.line("set policy-options prefix-list %s %s", l.Name, p)
		}
	}
	for _, p := range d.Policies {
		w.comment(c, p.Name+" "+p.describe()+".")
		ps := "set policy-options policy-statement " + p.Name
		for i, t := range p.Terms {
			term := fmt.Sprintf("%s term t%d", ps, (i+1)*10)
			// `from prefix-list` matches the listed prefixes exactly.
			w.line("%s from prefix-list %s", term, t.List.Name)
			if t.Prepend > 0 {
				w.line("%s then as-path-prepend \"%s\"", term, repeatASN(p.PrependASN, t.Prepend))
			}
			if t.LocalPref != 0 {
				w.line("%s then local-preference %d", term, t.LocalPref)
			}
			w.line("%s then accept", term)
		}
		w.line("%s term reject-rest then reject", ps)
	}

	for _, kind := range []strategy.PathKind{strategy.DirectConnection, strategy.VPN} {
		for _, fam := range []family{ipv4, ipv6} {
			ns := d.neighborsOf(kind, fam)
			if len(ns) == 0 {
				continue
			}
			g := fmt.Sprintf("set protocols bgp group JDC-%s-%s", kindCode(kind), fam.suffix())
			w.line("%s type external", g)
			w.line("%s description \"JD Cloud %s IPv%d\"", g, kindLabel(kind), fam)
			if fam == ipv4 {
				w.line("%s family inet unicast", g)
			} else {
				w.line("%s family inet6 unicast", g)
			}
			w.line("%s import %s", g, ns[0].In.Name)
			w.line("%s export %s", g, ns[0].Out.Name)
			if d.Timers != nil {
				// Junos sets the hold time only; keepalives go at a third of it.
				w.line("%s hold-time %d", g, d.Timers[1])
			}
			for _, n := range ns {
				nb := fmt.Sprintf("%s neighbor %s", g, n.Remote)
				w.line("%s description \"%s\"", nb, neighborDescription(d, n))
				w.line("%s peer-as %d", nb, n.PeerASN)
				w.line("%s local-address %s", nb, n.Local)
				if n.LocalAS != 0 {
					w.line("%s local-as %d no-prepend-global-as", nb, n.LocalAS)
				}
				if n.BFD != nil {
					w.line("%s bfd-liveness-detection transmit-interval minimum-interval %d", nb, n.BFD.MinTxMillis)
					w.line("%s bfd-liveness-detection minimum-receive-interval %d", nb, n.BFD.MinRxMillis)
					w.line("%s bfd-liveness-detection multiplier %d", nb, n.BFD.Multiplier)
				}
			}
		}
	}
}

func junosIKEAuth(a string) string {
	switch a {
	case "sha256":
		return "sha-256"
	case "sha384":
		return "sha-384"
	}
	return "sha1"
}

func junosCipher(c string) string {
	if c == "3des" {
		return "3des-cbc"
	}
	b, _ := cipherBits(c)
	return fmt.Sprintf("aes-%d-cbc", b)
}

func junosESPAuth(a string) string {
	switch a {
	case "sha256":
		return "hmac-sha-256-128"
	case "sha384":
		return "hmac-sha-384-192"
	}
	return "hmac-sha1-96"
}

func writeJunosIPsec(w *writer, d *design, wan string) {
	const c = "#"
	if len(d.Tunnels) == 0 {
		return
	}
	seen := map[string]bool{}
	for _, t := range d.Tunnels {
		name := fmt.Sprintf("%s-%d", ikeSuite(t), t.IKE.LifetimeSeconds)
		if seen[name] {
			continue
		}
		seen[name] = true
		g, _ := dhGroupNumber(t.IKE.DHGroup)
		p := "set security ike proposal " + name
		w.line("%s authentication-method pre-shared-keys", p)
		w.line("%s dh-group group%d", p, g)
		w.line("%s authentication-algorithm %s", p, junosIKEAuth(t.IKE.Auth))
		w.line("%s encryption-algorithm %s", p, junosCipher(t.IKE.Cipher))
		w.line("%s lifetime-seconds %d", p, t.IKE.LifetimeSeconds)
	}
	for _, t := range d.Tunnels {
		name := fmt.Sprintf("%s-%d", espSuite(t), t.IPsec.LifetimeSeconds)
		if seen[name] {
			continue
		}
		seen[name] = true
		p := "set security ipsec proposal " + name
		w.line("%s protocol esp", p)
		w.line("%s authentication-algorithm %s", p, junosESPAuth(t.IPsec.Auth))
		w.line("%s encryption-algorithm %s", p, junosCipher(t.IPsec.Cipher))
		w.line("%s lifetime-seconds %d", p, t.IPsec.LifetimeSeconds)
	}
	for _, t := range d.Tunnels {
		name := tunnelName(t)
		lifetimeWarning(w, c, "Junos", "IKE", t, t.IKE.LifetimeSeconds, 180)
		lifetimeWarning(w, c, "Junos", "IPsec", t, t.IPsec.LifetimeSeconds, 180)
		st := fmt.Sprintf("set interfaces st0 unit %d", t.Number)
		w.line("%s description \"%s\"", st, text(fmt.Sprintf("JD Cloud VPN %s tunnel %s", d.VPNName, t.Name)))
		if t.V4.IsValid() {
			w.line("%s family inet address %s", st, t.V4)
			w.line("%s family inet mtu %d", st, t.MTU)
		}
		if t.V6.IsValid() {
			w.line("%s family inet6 address %s", st, t.V6)
			w.line("%s family inet6 mtu %d", st, t.MTU)
		}
		pol := "set security ike policy " + name
		if t.IKE.Version == "v1" {
			// The exchange mode exists in IKEv1 only.
			w.line("%s mode %s", pol, t.IKE.Mode)
		}
		w.line("%s proposals %s-%d", pol, ikeSuite(t), t.IKE.LifetimeSeconds)
		w.comment(c, pskNote(t))
		w.line("%s pre-shared-key ascii-text \"%s\"", pol, pskPlaceholder(t))
		gw := "set security ike gateway " + name
		w.line("%s ike-policy %s", gw, name)
		w.line("%s address %s", gw, t.CloudPublic)
		w.line("%s local-address %s", gw, t.CustomerPublic)
		w.line("%s external-interface %s", gw, wan)
		if t.IKE.Version == "v2" {
			w.line("%s version v2-only", gw)
		} else {
			w.line("%s version v1-only", gw)
		}
		if s := dpdSeconds(t); s > 0 {
			w.line("%s dead-peer-detection interval %d", gw, s)
			w.line("%s dead-peer-detection threshold 3", gw)
		}
		ip := "set security ipsec policy " + name
		if g, ok := dhGroupNumber(t.IPsec.PFS); ok {
			w.line("%s perfect-forward-secrecy keys group%d", ip, g)
		}
		w.line("%s proposals %s-%d", ip, espSuite(t), t.IPsec.LifetimeSeconds)
		vpn := "set security ipsec vpn " + name
		w.line("%s bind-interface st0.%d", vpn, t.Number)
		w.line("%s ike gateway %s", vpn, name)
		w.line("%s ike ipsec-policy %s", vpn, name)
		w.line("%s establish-tunnels immediately", vpn)
	}
	w.comment(c, fmt.Sprintf("The zone of %s must allow IKE: set security zones security-zone <its zone> interfaces %s host-inbound-traffic system-services ike", wan, wan))
}
