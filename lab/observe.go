package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// Path is one BGP path to a prefix as FRR holds it.
type Path struct {
	// Session is the plan session the path was learned on.
	Session string `json:"session"`
	// Best is FRR's best path; Multipath marks the other paths it
	// installs alongside (ECMP).
	Best      bool `json:"best,omitempty"`
	Multipath bool `json:"multipath,omitempty"`
	// Reason is FRR's selectionReason, set on the best path.
	Reason    string `json:"reason,omitempty"`
	ASPath    string `json:"asPath"`
	LocalPref int    `json:"localPref"`
}

// Route is every path FRR holds for one prefix learned over BGP.
type Route struct {
	Prefix netip.Prefix `json:"prefix"`
	Paths  []Path       `json:"paths"`
}

// Selected returns the sessions of the best path and of the multipaths
// installed with it, sorted.
func (r Route) Selected() []string {
	var out []string
	for _, p := range r.Paths {
		if p.Best || p.Multipath {
			out = append(out, p.Session)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Reason is the best path's selectionReason.
func (r Route) Reason() string {
	for _, p := range r.Paths {
		if p.Best {
			return p.Reason
		}
	}
	return ""
}

// Table is a router's learned routes by prefix; locally originated routes
// are left out.
type Table map[netip.Prefix]Route

// Forwarding is the kernel's decision for one destination address.
type Forwarding struct {
	Addr netip.Addr `json:"addr"`
	// Route is the longest matching kernel route; invalid when none.
	Route netip.Prefix `json:"route,omitzero"`
	// Type is the kernel route type ("unicast", "blackhole", …).
	Type string `json:"type,omitempty"`
	// Sessions are the plan sessions of the route's next hops, sorted.
	Sessions []string `json:"sessions,omitempty"`
	// Local is set when the route is on a local interface (the address is
	// on this router's own side: IDC for the customer, VPC for the cloud).
	Local bool `json:"local,omitempty"`
}

// Reachable reports whether packets to the address leave on a session or
// stay on this side.
func (f Forwarding) Reachable() bool { return len(f.Sessions) > 0 || f.Local }

// Observation is what both routers say at one moment.
type Observation struct {
	Customer    Table                     `json:"customer"`
	Cloud       Table                     `json:"cloud"`
	CustomerFwd map[netip.Addr]Forwarding `json:"customerForwarding"`
	CloudFwd    map[netip.Addr]Forwarding `json:"cloudForwarding"`
}

// Lookups are the destination addresses to ask each router's kernel about.
type Lookups struct {
	Customer []netip.Addr
	Cloud    []netip.Addr
}

// bgpTable is "show bgp ipv4|ipv6 unicast json".
type bgpTable struct {
	Routes map[string][]struct {
		Valid           bool   `json:"valid"`
		Bestpath        bool   `json:"bestpath"`
		Multipath       bool   `json:"multipath"`
		SelectionReason string `json:"selectionReason"`
		PeerID          string `json:"peerId"`
		Path            string `json:"path"`
		LocPrf          *int   `json:"locPrf"`
	} `json:"routes"`
}

// readTable reads both address families' learned routes from r, naming
// each path by its session (the neighbor address identifies it).
func (t *Topology) readTable(ctx context.Context, r *router) (Table, error) {
	bySessionAddr := map[string]string{}
	for _, s := range t.sessions {
		for _, f := range s.families() {
			if r == t.customer {
				bySessionAddr[f.cloud.String()] = s.Name
			} else {
				bySessionAddr[f.cust.String()] = s.Name
			}
		}
	}
	tab := Table{}
	out, err := r.bgpd(ctx, "show bgp ipv4 unicast json", "show bgp ipv6 unicast json")
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	for range 2 {
		var bt bgpTable
		if err := dec.Decode(&bt); err != nil {
			return nil, fmt.Errorf("bgpd in %s: reading the BGP tables' JSON: %w", r.ns, err)
		}
		for key, paths := range bt.Routes {
			pfx, err := netip.ParsePrefix(key)
			if err != nil {
				return nil, fmt.Errorf("FRR listed a route %q that is not a prefix", key)
			}
			var route Route
			for _, p := range paths {
				name, ok := bySessionAddr[p.PeerID]
				if !ok || !p.Valid {
					continue // locally originated, or unusable
				}
				lp := 100 // FRR's default, omitted from its JSON when unset
				if p.LocPrf != nil {
					lp = *p.LocPrf
				}
				route.Paths = append(route.Paths, Path{
					Session: name, Best: p.Bestpath, Multipath: p.Multipath && !p.Bestpath,
					Reason: p.SelectionReason, ASPath: p.Path, LocalPref: lp,
				})
			}
			if len(route.Paths) == 0 {
				continue
			}
			route.Prefix = pfx
			slices.SortFunc(route.Paths, func(a, b Path) int { return strings.Compare(a.Session, b.Session) })
			tab[pfx] = route
		}
	}
	return tab, nil
}

// kernelRoute is one entry of "ip -j route show match ADDR".
type kernelRoute struct {
	Dst      string `json:"dst"`
	Type     string `json:"type"`
	Dev      string `json:"dev"`
	Gateway  string `json:"gateway"`
	Nexthops []struct {
		Dev     string `json:"dev"`
		Gateway string `json:"gateway"`
	} `json:"nexthops"`
}

// lookups asks the namespace's kernel which route it uses for each address:
// the longest of the routes that contain it (the main table is the only one
// here), with every next hop of a multipath route, which "ip route get"
// would hide behind its hash choice. One "ip -batch" per family keeps it to
// two processes however many addresses there are.
func (t *Topology) lookups(ctx context.Context, ns string, addrs []netip.Addr, into map[netip.Addr]Forwarding) error {
	for _, v6 := range []bool{false, true} {
		var fam []netip.Addr
		var script strings.Builder
		for _, a := range addrs {
			if a.Is6() == v6 {
				fam = append(fam, a)
				fmt.Fprintf(&script, "route show match %s\n", a)
			}
		}
		if len(fam) == 0 {
			continue
		}
		flag := map[bool]string{false: "-4", true: "-6"}[v6]
		cmd := exec.CommandContext(ctx, "ip", "-j", flag, "-n", ns, "-batch", "-")
		cmd.Stdin = strings.NewReader(script.String())
		out, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("ip -n %s -batch (route show match …): %w", ns, err)
		}
		dec := json.NewDecoder(bytes.NewReader(out))
		for _, a := range fam {
			var routes []kernelRoute
			if err := dec.Decode(&routes); err != nil {
				return fmt.Errorf("ip route show match %s in %s: %w", a, ns, err)
			}
			f, err := t.forwarding(a, routes)
			if err != nil {
				return err
			}
			into[a] = f
		}
	}
	return nil
}

// forwarding picks the longest of the routes containing addr.
func (t *Topology) forwarding(addr netip.Addr, routes []kernelRoute) (Forwarding, error) {
	fwd := Forwarding{Addr: addr}
	var devs []string
	for _, kr := range routes {
		dst := kr.Dst
		if dst == "default" {
			dst = map[bool]string{false: "0.0.0.0/0", true: "::/0"}[addr.Is6()]
		}
		if !strings.Contains(dst, "/") {
			dst += map[bool]string{false: "/32", true: "/128"}[addr.Is6()]
		}
		pfx, err := netip.ParsePrefix(dst)
		if err != nil {
			return Forwarding{}, fmt.Errorf("ip route: unexpected destination %q", kr.Dst)
		}
		if fwd.Route.IsValid() && pfx.Bits() < fwd.Route.Bits() {
			continue
		}
		if !fwd.Route.IsValid() || pfx.Bits() > fwd.Route.Bits() {
			fwd.Route, devs = pfx, nil
			fwd.Type = kr.Type
			if fwd.Type == "" {
				fwd.Type = "unicast"
			}
		}
		// IPv6 multipath may come as one entry per next hop.
		if kr.Dev != "" {
			devs = append(devs, kr.Dev)
		}
		for _, nh := range kr.Nexthops {
			devs = append(devs, nh.Dev)
		}
	}
	if fwd.Type != "unicast" {
		return fwd, nil
	}
	for _, d := range devs {
		switch {
		case d == "idc" || d == "vpc" || d == "lo":
			fwd.Local = true
		default:
			if s := t.sessionByDev(d); s != "" {
				fwd.Sessions = append(fwd.Sessions, s)
			}
		}
	}
	slices.Sort(fwd.Sessions)
	fwd.Sessions = slices.Compact(fwd.Sessions)
	return fwd, nil
}

func (t *Topology) sessionByDev(dev string) string {
	for _, s := range t.sessions {
		if s.dev == dev {
			return s.Name
		}
	}
	return ""
}

// observeOnce reads both routers once.
func (t *Topology) observeOnce(ctx context.Context, l Lookups) (Observation, error) {
	var o Observation
	var err error
	if o.Customer, err = t.readTable(ctx, t.customer); err != nil {
		return o, err
	}
	if o.Cloud, err = t.readTable(ctx, t.cloud); err != nil {
		return o, err
	}
	o.CustomerFwd = map[netip.Addr]Forwarding{}
	o.CloudFwd = map[netip.Addr]Forwarding{}
	if err := t.lookups(ctx, t.custNS, l.Customer, o.CustomerFwd); err != nil {
		return o, err
	}
	return o, t.lookups(ctx, t.cloudNS, l.Cloud, o.CloudFwd)
}

// stableReads is how many identical consecutive reads make a state stable:
// BGP best-path runs and zebra's kernel updates happen after the session
// states that settle waits for, so one read may catch them half done.
const stableReads = 2

// Observe reads both routers' BGP tables and the kernels' forwarding for the
// lookups, repeating until several consecutive reads agree (bounded; on
// timeout the last read is returned with an error saying it was unstable).
func (t *Topology) Observe(ctx context.Context, l Lookups) (Observation, error) {
	start := time.Now()
	defer func() { t.Logf("%s: read in %s", t.cfg.Plan.Name, time.Since(start).Round(time.Millisecond)) }()
	var last Observation
	same := 0
	deadline := time.Now().Add(prefixTimeout)
	for {
		o, err := t.observeOnce(ctx, l)
		if err != nil {
			return o, err
		}
		if same > 0 && equalObservations(o, last) {
			same++
		} else {
			same = 1
		}
		last = o
		if same >= stableReads {
			return o, nil
		}
		if time.Now().After(deadline) {
			return o, fmt.Errorf("the routers' state kept changing for %s", prefixTimeout)
		}
		select {
		case <-ctx.Done():
			return o, ctx.Err()
		case <-time.After(pollInterval):
		}
	}
}

func equalObservations(a, b Observation) bool {
	eqRoute := func(x, y Route) bool {
		return x.Prefix == y.Prefix && slices.Equal(x.Paths, y.Paths)
	}
	eqFwd := func(x, y Forwarding) bool {
		return x.Addr == y.Addr && x.Route == y.Route && x.Type == y.Type && x.Local == y.Local && slices.Equal(x.Sessions, y.Sessions)
	}
	return maps.EqualFunc(a.Customer, b.Customer, eqRoute) && maps.EqualFunc(a.Cloud, b.Cloud, eqRoute) &&
		maps.EqualFunc(a.CustomerFwd, b.CustomerFwd, eqFwd) && maps.EqualFunc(a.CloudFwd, b.CloudFwd, eqFwd)
}
