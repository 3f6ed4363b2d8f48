package lab

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

// The cloud router is an FRR stand-in for the JD Cloud border gateway. FRR
// decides by BGP's order (weight, local-preference, …, AS_PATH length, …);
// the border gateway by next-hop type, then route type, then AS_PATH length,
// then ECMP. The configuration below makes the first order give the second's
// answers (docs/oracle.md explains each step):
//
//   - next-hop type → local-preference set inbound per session kind, derived
//     from the profile's priorities (lower priority number = higher
//     local-preference), so a private virtual interface beats a VPN
//     connection for an equal prefix whatever the AS_PATH;
//   - route type → nothing to do: every route learned from the IDC is eBGP;
//   - AS_PATH length → FRR's own AS_PATH step, which comes right after
//     local-preference once origin and MED are made equal inbound (the
//     border gateway compares neither);
//   - ECMP → "maximum-paths" with multipath-relax (the customer gateway's ASN
//     may differ from the interfaces'), so every path equal up to AS_PATH
//     length is a multipath, and the oracle reads the multipath set.

// localPrefBase turns a next-hop priority (lower wins) into a
// local-preference (higher wins).
const localPrefBase = 1000

// cloudRouterID is the stand-in's BGP router ID: from TEST-NET-1, so it
// never collides with an address of a plan.
const cloudRouterID = "192.0.2.254"

// cloudLocalPref is the local-preference that stands for the next-hop type
// of sessions of kind k.
func cloudLocalPref(prof plan.Profile, k strategy.PathKind) int {
	prio := prof.BorderGW.NextHopPriority.VPNConnection
	if k == strategy.DirectConnection {
		prio = prof.BorderGW.NextHopPriority.PrivateInterface
	}
	return localPrefBase - prio
}

// sessionNames are the FRR object names of one session on the cloud router.
type sessionNames struct {
	in, out                string // route-maps
	outV4, outV6           string // prefix-list stems (one list per AS_PATH group)
	withdrawV4, withdrawV6 string // prefix-lists of withdrawn routes (inbound deny)
	bfd                    string // BFD profile
}

func namesFor(i int) sessionNames {
	return sessionNames{
		in:         fmt.Sprintf("STANDIN-IN-S%d", i),
		out:        fmt.Sprintf("STANDIN-OUT-S%d", i),
		outV4:      fmt.Sprintf("STANDIN-OUT-S%d-V4", i),
		outV6:      fmt.Sprintf("STANDIN-OUT-S%d-V6", i),
		withdrawV4: fmt.Sprintf("STANDIN-WITHDRAWN-S%d-V4", i),
		withdrawV6: fmt.Sprintf("STANDIN-WITHDRAWN-S%d-V6", i),
		bfd:        fmt.Sprintf("STANDIN-BFD-S%d", i),
	}
}

// cloudConfig writes the stand-in's FRR configuration. Every neighbor starts
// shut down: the oracle enables them one by one in the simulator's order,
// because which session came up first decides ties ("Older Path").
func cloudConfig(p *plan.Plan, res strategy.Result, hostname string, timers [2]int) (string, error) {
	prof := p.EffectiveProfile()
	asn := p.BorderGatewayASN()
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w("frr defaults traditional")
	w("hostname %s", hostname)
	w("!")

	type neighbor struct {
		addr   netip.Addr
		v6     bool
		s      strategy.Session
		names  sessionNames
		groups []asPathGroup
	}
	var neighbors []neighbor
	var networks4, networks6 []netip.Prefix
	for i, s := range res.Sessions {
		if !s.CustomerIP.IsValid() || !s.CloudIP.IsValid() {
			return "", fmt.Errorf("session %s has no IPv4 addresses; every private virtual interface and tunnel needs its /30", s.Name)
		}
		names := namesFor(i)
		anns := res.CloudToIDC.On(s)
		groups, err := groupByASPath(s, anns)
		if err != nil {
			return "", err
		}
		for _, a := range anns {
			if a.Prefix.Addr().Is4() {
				networks4 = append(networks4, a.Prefix)
			} else {
				networks6 = append(networks6, a.Prefix)
			}
		}
		// Outbound: exactly the session's announcements, each group with
		// its AS_PATH. FRR puts the session's own ASN in front, so the
		// route-map prepends the rest of the path.
		seq := 10
		for gi, g := range groups {
			for _, fam := range []struct {
				v6   bool
				stem string
			}{{false, names.outV4}, {true, names.outV6}} {
				list := fmt.Sprintf("%s-%d", fam.stem, gi)
				n := 0
				for _, pfx := range g.prefixes {
					if pfx.Addr().Is6() != fam.v6 {
						continue
					}
					n++
					w("%s prefix-list %s seq %d permit %s", ipWord(fam.v6), list, n*5, pfx)
				}
				if n == 0 {
					continue
				}
				w("route-map %s permit %d", names.out, seq)
				w(" match %s address prefix-list %s", ipWord(fam.v6), list)
				if len(g.prepend) > 0 {
					w(" set as-path prepend %s", joinASNs(g.prepend))
				}
				w("exit")
				seq += 10
			}
		}
		// A route-map with no entry would deny everything, which is what
		// a session with nothing to announce must do; say it explicitly.
		w("route-map %s deny 65000", names.out)
		w("exit")
		// Inbound: withdrawn routes (entries added at run time below 100),
		// then the next-hop type as local-preference; origin and MED are
		// made equal because the border gateway compares neither.
		w("route-map %s permit 100", names.in)
		w(" set local-preference %d", cloudLocalPref(prof, s.Kind))
		w(" set origin igp")
		w(" set metric 0")
		w("exit")
		neighbors = append(neighbors, neighbor{addr: s.CustomerIP, s: s, names: names, groups: groups})
		if s.CustomerIPv6.IsValid() {
			if !s.CloudIPv6.IsValid() {
				return "", fmt.Errorf("session %s has a customer IPv6 address but no cloud one", s.Name)
			}
			neighbors = append(neighbors, neighbor{addr: s.CustomerIPv6, v6: true, s: s, names: names, groups: groups})
		}
	}
	// BFD with the plan's timers, as JD Cloud's health check runs it: the
	// customer router's exported profile has the same values.
	var bfd []neighbor
	for _, n := range neighbors {
		if n.s.BFD != nil {
			bfd = append(bfd, n)
		}
	}
	if len(bfd) > 0 {
		w("bfd")
		for _, n := range bfd {
			w(" profile %s", n.names.bfd)
			w("  detect-multiplier %d", n.s.BFD.Multiplier)
			w("  receive-interval %d", n.s.BFD.MinRxMillis)
			w("  transmit-interval %d", n.s.BFD.MinTxMillis)
			w(" exit")
		}
		w("exit")
	}
	w("!")
	w("router bgp %d", asn)
	w(" bgp router-id %s", cloudRouterID)
	w(" no bgp ebgp-requires-policy")
	w(" no bgp network import-check")
	w(" no bgp default ipv4-unicast")
	w(" bgp bestpath as-path multipath-relax")
	w(" timers bgp %d %d", timers[0], timers[1])
	// Send a new session's first updates at once rather than after the
	// default 1 s subgroup coalesce time: only timing changes.
	w(" coalesce-time 0")
	for _, n := range neighbors {
		w(" neighbor %s remote-as %d", n.addr, n.s.CustomerASN)
		w(" neighbor %s description %s", n.addr, n.s.Name)
		w(" neighbor %s shutdown", n.addr)
		// Reconnect quickly after a session is enabled or a link comes
		// back: FRR's default connect-retry is 120 s.
		w(" neighbor %s timers connect 1", n.addr)
		if n.s.CloudASN != 0 && n.s.CloudASN != asn {
			// The session's ASN differs from the border gateway's (a
			// VPN connection's local ASN, a private interface's peer
			// ASN): present it alone, as JD Cloud does.
			w(" neighbor %s local-as %d no-prepend replace-as", n.addr, n.s.CloudASN)
		}
		if n.s.BFD != nil {
			w(" neighbor %s bfd profile %s", n.addr, n.names.bfd)
		}
	}
	for _, fam := range []struct {
		v6   bool
		nets []netip.Prefix
	}{{false, networks4}, {true, networks6}} {
		w(" address-family %s unicast", map[bool]string{false: "ipv4", true: "ipv6"}[fam.v6])
		slices.SortFunc(fam.nets, comparePrefix)
		for _, pfx := range slices.Compact(fam.nets) {
			w("  network %s", pfx)
		}
		w("  maximum-paths 64")
		for _, n := range neighbors {
			if n.v6 != fam.v6 {
				continue
			}
			w("  neighbor %s activate", n.addr)
			w("  neighbor %s route-map %s in", n.addr, n.names.in)
			w("  neighbor %s route-map %s out", n.addr, n.names.out)
		}
		w(" exit-address-family")
	}
	w("exit")
	return b.String(), nil
}

// asPathGroup is a set of prefixes announced with the same AS_PATH.
type asPathGroup struct {
	prepend  []uint32 // what the route-map prepends (the path minus the session's ASN)
	prefixes []netip.Prefix
}

// groupByASPath groups a session's announcements by the AS_PATH the
// customer router must receive. An eBGP speaker always puts its own ASN
// first, so a path that starts with another ASN cannot be produced.
func groupByASPath(s strategy.Session, anns []strategy.Announcement) ([]asPathGroup, error) {
	var groups []asPathGroup
	for _, a := range anns {
		path := a.ASPath
		if len(path) == 0 {
			path = []uint32{s.CloudASN}
		}
		if path[0] != s.CloudASN {
			return nil, fmt.Errorf("session %s: prefix %s must reach the customer with AS_PATH %s, but the session's ASN is %d and a BGP speaker always sends its own ASN first; make the profile's path start with %d",
				s.Name, a.Prefix, joinASNs(path), s.CloudASN, s.CloudASN)
		}
		prepend := path[1:]
		i := slices.IndexFunc(groups, func(g asPathGroup) bool { return slices.Equal(g.prepend, prepend) })
		if i < 0 {
			groups = append(groups, asPathGroup{prepend: slices.Clone(prepend)})
			i = len(groups) - 1
		}
		groups[i].prefixes = append(groups[i].prefixes, a.Prefix)
	}
	return groups, nil
}

func ipWord(v6 bool) string {
	if v6 {
		return "ipv6"
	}
	return "ip"
}

func joinASNs(path []uint32) string {
	parts := make([]string, len(path))
	for i, a := range path {
		parts[i] = fmt.Sprint(a)
	}
	return strings.Join(parts, " ")
}

func comparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return a.Bits() - b.Bits()
}
