package export

import (
	"fmt"
	"net/netip"

	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

// denySeq is the sequence of the explicit final deny entry of every route
// map and route policy. Routes that match no entry are denied anyway; the
// explicit entry says so to the reader and leaves room for the permits.
const denySeq = 1000

// renderFRR writes an integrated FRR configuration (frr.conf, or `vtysh -f`)
// for zebra, staticd, bfdd and bgpd. Syntax per the FRR 8.4 user guide
// (bgp.rst, bfd.rst, filter.rst, routemap.rst, static.rst) and checked by
// loading it into FRR (frr_test.go).
func renderFRR(w *writer, d *design) {
	const c = "!"
	notes := []string{"FRR configures routing only: the operating system owns the interfaces. Before loading this, give the router:"}
	for _, di := range d.DC {
		notes = append(notes, fmt.Sprintf("  Direct Connection %s: a VLAN %d subinterface (e.g. `ip link add link eth1 name eth1.%d type vlan id %d`) with %s%s.", di.Name, di.VLAN, di.VLAN, di.VLAN, di.V4, v6Suffix(di.V6)))
		if di.Health.Type == "nqa" {
			notes = append(notes, fmt.Sprintf("  JD Cloud checks %s with NQA probes to %s: let it answer ICMP echo.", di.Name, di.V4.Addr()))
		}
	}
	for _, t := range d.Tunnels {
		notes = append(notes, fmt.Sprintf("  VPN tunnel %s: a route-based IPsec interface from %s to %s with inside address %s%s, MTU %d (strongSwan with a VTI, as in JD Cloud's strongSwan guide: `ip link add jdc%d type vti local %s remote %s key %d`, charon install_routes=no); IKE%s %s/%s/%s, lifetime %d s; ESP %s/%s, PFS %s, lifetime %d s.",
			t.Name, t.CustomerPublic, t.CloudPublic, t.V4, v6Suffix(t.V6), t.MTU, t.Number, t.CustomerPublic, t.CloudPublic, t.Number,
			ikeVersionMode(t), t.IKE.Cipher, t.IKE.Auth, t.IKE.DHGroup, t.IKE.LifetimeSeconds, t.IPsec.Cipher, t.IPsec.Auth, t.IPsec.PFS, t.IPsec.LifetimeSeconds))
	}
	if len(d.Tunnels) > 0 {
		notes = append(notes, "  The pre-shared keys come from the secret store; they never appear here.")
	}
	notes = append(notes, "Load it with `vtysh -f FILE` (or as /etc/frr/frr.conf) with zebra, staticd, bfdd and bgpd running.")
	header(w, d, c, "FRR 8.4 or later (integrated configuration)", notes)

	if len(d.Originate) > 0 {
		w.comment(c, discardNote)
		if len(d.Split) > 0 {
			w.comment(c, "No discard route for the prefix-split more-specifics "+d.splitList()+": "+splitDiscardRisk+
				" `no bgp network import-check` under router bgp announces them without a route in the table; traffic to them follows your route for the segment.")
		}
		for _, p := range d.Originate {
			if _, ok := d.Split[p]; ok {
				continue
			}
			if familyOf(p) == ipv4 {
				w.line("ip route %s blackhole %d", p, discardDistance)
			} else {
				w.line("ipv6 route %s blackhole %d", p, discardDistance)
			}
		}
		w.line("!")
	}

	writeCiscoPrefixLists(w, d)
	for _, p := range d.Policies {
		writeCiscoRouteMap(w, p, true)
	}

	var withBFD []neighbor
	for _, n := range d.Neighbors {
		if n.BFD != nil {
			withBFD = append(withBFD, n)
		}
	}
	if len(withBFD) > 0 {
		w.comment(c, "BFD profiles with the timers the plan gives JD Cloud's side of each private virtual interface.")
		w.line("bfd")
		seen := map[string]bool{}
		for _, n := range withBFD {
			name := bfdProfileName(d, n)
			if seen[name] {
				continue
			}
			seen[name] = true
			w.line(" profile %s", name)
			w.line("  detect-multiplier %d", n.BFD.Multiplier)
			w.line("  receive-interval %d", n.BFD.MinRxMillis)
			w.line("  transmit-interval %d", n.BFD.MinTxMillis)
			w.line(" exit")
		}
		w.line("exit")
		w.line("!")
	}

	writeCiscoBGP(w, d, frrDialect)
}

// ciscoDialect is what FRR and IOS XE write differently in their otherwise
// identical "router bgp" block.
type ciscoDialect struct {
	// familySuffix follows "address-family ipv4|ipv6".
	familySuffix string
	// network writes a network statement's operands.
	network func(p netip.Prefix) string
	// bfd writes the neighbor's BFD line.
	bfd func(d *design, n neighbor) string
	// familyLines open every address family.
	familyLines []string
	// closing lines follow the block.
	closing []string
	// noImportCheck turns off the check that a `network` prefix is in the
	// routing table when the design has prefix-split more-specifics, which
	// get no discard route (design.Split). FRR has the knob; IOS XE not.
	noImportCheck bool
}

var frrDialect = ciscoDialect{
	familySuffix: " unicast",
	network:      func(p netip.Prefix) string { return p.String() },
	bfd: func(d *design, n neighbor) string {
		return fmt.Sprintf(" neighbor %s bfd profile %s", n.Remote, bfdProfileName(d, n))
	},
	// One best path per prefix, as Cisco, Juniper and Huawei do by default
	// and as the planner's simulation assumes: FRR's eBGP default is 256
	// paths, which would load-share over Direct Connection and VPN whenever
	// their attributes tie. Raise it only to load-share over several Direct
	// Connection interfaces.
	familyLines:   []string{"  maximum-paths 1"},
	closing:       []string{"exit", "!"},
	noImportCheck: true,
}

// writeCiscoBGP writes the "router bgp" block in FRR's or IOS XE's dialect.
func writeCiscoBGP(w *writer, d *design, dialect ciscoDialect) {
	w.line("router bgp %d", d.ASN)
	w.line(" bgp router-id %s", d.RouterID)
	w.line(" bgp log-neighbor-changes")
	// Address families are enabled per neighbor below, so an IPv6 session
	// never carries IPv4 routes or the other way round.
	w.line(" no bgp default ipv4-unicast")
	if dialect.noImportCheck && len(d.Split) > 0 {
		w.line(" no bgp network import-check")
	}
	if d.Timers != nil {
		w.line(" timers bgp %d %d", d.Timers[0], d.Timers[1])
	}
	for _, n := range d.Neighbors {
		w.line(" neighbor %s remote-as %d", n.Remote, n.PeerASN)
		w.line(" neighbor %s description %s", n.Remote, neighborDescription(d, n))
		if n.LocalAS != 0 {
			w.line(" neighbor %s local-as %d no-prepend replace-as", n.Remote, n.LocalAS)
		}
		if n.BFD != nil {
			w.line("%s", dialect.bfd(d, n))
		}
	}
	for _, fam := range []family{ipv4, ipv6} {
		if !d.hasFamily(fam) {
			continue
		}
		w.line(" !")
		if fam == ipv4 {
			w.line(" address-family ipv4%s", dialect.familySuffix)
		} else {
			w.line(" address-family ipv6%s", dialect.familySuffix)
		}
		for _, p := range d.originated(fam) {
			w.line("  network %s", dialect.network(p))
		}
		for _, l := range dialect.familyLines {
			w.line("%s", l)
		}
		for _, kind := range []strategy.PathKind{strategy.DirectConnection, strategy.VPN} {
			for _, n := range d.neighborsOf(kind, fam) {
				w.line("  neighbor %s activate", n.Remote)
				w.line("  neighbor %s route-map %s in", n.Remote, n.In.Name)
				w.line("  neighbor %s route-map %s out", n.Remote, n.Out.Name)
			}
		}
		w.line(" exit-address-family")
	}
	for _, l := range dialect.closing {
		w.line("%s", l)
	}
}

func v6Suffix(p interface{ IsValid() bool }) string {
	if !p.IsValid() {
		return ""
	}
	return fmt.Sprintf(" and %v", p)
}

func bfdProfileName(d *design, n neighbor) string {
	if n.DC >= 0 {
		return d.DC[n.DC].ID
	}
	return d.Tunnels[n.Tunnel].ID
}

// writeCiscoPrefixLists writes the prefix lists in the syntax FRR and
// IOS XE share: `ip prefix-list NAME seq N permit P` matches P exactly.
func writeCiscoPrefixLists(w *writer, d *design) {
	for _, l := range d.Lists {
		kw := "ip"
		if l.Family == ipv6 {
			kw = "ipv6"
		}
		for i, p := range l.Prefixes {
			w.line("%s prefix-list %s seq %d permit %s", kw, l.Name, (i+1)*10, p)
		}
		w.line("!")
	}
}

// writeCiscoRouteMap writes one route map in the syntax FRR and IOS XE
// share; FRR closes each entry with `exit`.
func writeCiscoRouteMap(w *writer, p *policy, frr bool) {
	w.comment("!", p.Name+" "+p.describe()+".")
	match := "ip"
	if p.Family == ipv6 {
		match = "ipv6"
	}
	for i, t := range p.Terms {
		w.line("route-map %s permit %d", p.Name, (i+1)*10)
		w.line(" match %s address prefix-list %s", match, t.List.Name)
		if t.Prepend > 0 {
			w.line(" set as-path prepend %s", repeatASN(p.PrependASN, t.Prepend))
		}
		if t.LocalPref != 0 {
			w.line(" set local-preference %d", t.LocalPref)
		}
		if frr {
			w.line("exit")
		}
	}
	w.line("route-map %s deny %d", p.Name, denySeq)
	if frr {
		w.line("exit")
	}
	w.line("!")
}

// ikeVersionMode is " v2", or " v1 main" / " v1 aggressive": the exchange
// mode exists in IKEv1 only.
func ikeVersionMode(t tunnel) string {
	if t.IKE.Version == "v1" {
		return " v1 " + t.IKE.Mode
	}
	return " " + t.IKE.Version
}
