package sim

import (
	"net/netip"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/fmtlite"
	"github.com/hybridplan/hybridplan/pkg/plan"
)

// Sides of an endpoint.
const (
	SideIDC = "idc"
	SideVPC = "vpc"
)

// Endpoint is one end of a trace: an address and the segment it is in.
type Endpoint struct {
	Address netip.Addr `json:"address"`
	// Side is SideIDC or SideVPC.
	Side string `json:"side"`
	// Segment is the IDC segment's name, or the VPC subnet's name (the
	// attachment's name when no subnet holds the address).
	Segment    string       `json:"segment"`
	Attachment string       `json:"attachment,omitempty"`
	Prefix     netip.Prefix `json:"prefix"`
}

// Leg is one direction of a trace: the router that chooses the path (the
// border gateway for cloud → IDC, the customer router for IDC → cloud), the
// route it matched and where it sends the traffic.
type Leg struct {
	Router    string `json:"router"`
	Reachable bool   `json:"reachable"`
	// Route is the matched prefix (longest prefix with a best path).
	Route netip.Prefix `json:"route,omitzero"`
	// Kind is the path kind used: "direct-connection", "vpn", or "mixed"
	// when ECMP spreads the traffic over both.
	Kind     string    `json:"kind,omitempty"`
	NextHops []NextHop `json:"nextHops"`
	Reason   string    `json:"reason"`
}

// TraceResult is the path from Source to Destination and back in one
// scenario.
type TraceResult struct {
	Scenario    string   `json:"scenario"`
	Source      Endpoint `json:"source"`
	Destination Endpoint `json:"destination"`
	Forward     Leg      `json:"forward"`
	Return      Leg      `json:"return"`
	// Reachable is true when both legs are.
	Reachable bool `json:"reachable"`
	// Symmetric is true when both legs are reachable and use the same path
	// kind; stateful devices on the way then see both directions.
	Symmetric bool `json:"symmetric"`
	// SameSessions is true when both legs use exactly the same sessions.
	SameSessions bool   `json:"sameSessions"`
	Reason       string `json:"reason"`
}

// Trace follows traffic from src to dst and back in scenario s. One address
// must be in an IDC segment and the other in a VPC (an attachment's CIDR).
func Trace(p *plan.Plan, s Scenario, src, dst netip.Addr) (TraceResult, error) {
	srcEP, err := endpoint(p, src, "source")
	if err != nil {
		return TraceResult{}, err
	}
	dstEP, err := endpoint(p, dst, "destination")
	if err != nil {
		return TraceResult{}, err
	}
	if srcEP.Address.Is4() != dstEP.Address.Is4() {
		return TraceResult{}, fmtlite.Errorf("%s and %s are of different address families; trace IPv4 to IPv4 or IPv6 to IPv6", src, dst)
	}
	if srcEP.Side == dstEP.Side {
		return TraceResult{}, fmtlite.Errorf("both %s and %s are in the %s; trace from a VPC address to an IDC address or the reverse", src, dst, sideName(srcEP.Side))
	}
	st, err := Run(p, s)
	if err != nil {
		return TraceResult{}, err
	}
	return st.trace(srcEP, dstEP), nil
}

func sideName(side string) string {
	if side == SideIDC {
		return "IDC"
	}
	return "VPC"
}

// endpoint finds the segment holding a.
func endpoint(p *plan.Plan, a netip.Addr, role string) (Endpoint, error) {
	if !a.IsValid() {
		return Endpoint{}, fmtlite.Errorf("the %s address is missing; give an IPv4 or IPv6 address", role)
	}
	a = a.Unmap()
	best := Endpoint{}
	for _, s := range p.IDC.Segments {
		if s.CIDR.Contains(a) && (!best.Prefix.IsValid() || s.CIDR.Bits() > best.Prefix.Bits()) {
			best = Endpoint{Address: a, Side: SideIDC, Segment: s.Name, Prefix: s.CIDR.Masked()}
		}
	}
	for _, at := range p.BorderGateway.Attachments {
		for _, c := range at.CIDRs {
			if c.Contains(a) && (!best.Prefix.IsValid() || c.Bits() > best.Prefix.Bits()) {
				best = Endpoint{Address: a, Side: SideVPC, Segment: at.Name, Attachment: at.Name, Prefix: c.Masked()}
			}
		}
		for _, sn := range at.Subnets {
			if sn.CIDR.Contains(a) && (!best.Prefix.IsValid() || sn.CIDR.Bits() > best.Prefix.Bits()) {
				best = Endpoint{Address: a, Side: SideVPC, Segment: sn.Name, Attachment: at.Name, Prefix: sn.CIDR.Masked()}
			}
		}
	}
	if !best.Prefix.IsValid() {
		return Endpoint{}, fmtlite.Errorf("the %s %s is in no IDC segment and no VPC CIDR of the plan; give an address inside one", role, a)
	}
	return best, nil
}

func (st *State) trace(src, dst Endpoint) TraceResult {
	r := TraceResult{Scenario: st.Scenario.Name, Source: src, Destination: dst}
	r.Forward = st.leg(src, dst)
	r.Return = st.leg(dst, src)
	r.Reachable = r.Forward.Reachable && r.Return.Reachable
	r.Symmetric = r.Reachable && r.Forward.Kind == r.Return.Kind && r.Forward.Kind != "mixed"
	r.SameSessions = r.Reachable && sameSessions(r.Forward.NextHops, r.Return.NextHops)
	switch {
	case !r.Forward.Reachable && !r.Return.Reachable:
		r.Reason = "unreachable both ways: " + r.Forward.Reason + "; " + r.Return.Reason
	case !r.Forward.Reachable:
		r.Reason = "forward path unreachable: " + r.Forward.Reason
	case !r.Return.Reachable:
		r.Reason = "return path unreachable: " + r.Return.Reason
	case r.Symmetric:
		r.Reason = fmtlite.Sprintf("symmetric over %s: forward %s, return %s", kindName(r.Forward.Kind), r.Forward.Reason, r.Return.Reason)
	default:
		r.Reason = fmtlite.Sprintf("ASYMMETRIC: forward over %s, return over %s (stateful firewalls drop such traffic): forward %s, return %s",
			kindName(r.Forward.Kind), kindName(r.Return.Kind), r.Forward.Reason, r.Return.Reason)
	}
	return r
}

// leg is the path from one side to the other: the router on the source's
// side chooses it.
func (st *State) leg(from, to Endpoint) Leg {
	t := &st.BorderGateway
	if from.Side == SideIDC {
		t = &st.CustomerRouter
	}
	route, ok := t.Lookup(to.Address)
	return legFor(t.Router, to, route, ok)
}

func legFor(router string, to Endpoint, route Route, ok bool) Leg {
	l := Leg{Router: router, NextHops: []NextHop{}}
	who := "the border gateway"
	if router == RouterCustomerRouter {
		who = "the customer router"
	}
	if !ok {
		l.Reason = fmtlite.Sprintf("%s has no route to %s (%s %s): no prefix covering it is advertised on a session that is up", who, to.Address, sideName(to.Side), to.Segment)
		return l
	}
	l.Route = route.Prefix
	l.NextHops = route.NextHops
	l.Kind = legKind(route.NextHops)
	if l.Kind == KindVPCAttachment || l.Kind == "" {
		l.Reason = fmtlite.Sprintf("%s matches %s, a route into the VPC, not towards the IDC", who, route.Prefix)
		l.Kind = ""
		return l
	}
	l.Reachable = true
	l.Reason = fmtlite.Sprintf("%s matches %s and sends over %s via %s (%s)", who, route.Prefix, kindName(l.Kind), hopNames(route.NextHops), route.Decision.Reason)
	return l
}

func legKind(hops []NextHop) string {
	kind := ""
	for _, h := range hops {
		switch {
		case kind == "":
			kind = h.Kind
		case kind != h.Kind:
			return "mixed"
		}
	}
	return kind
}

func kindName(kind string) string {
	switch kind {
	case KindDirectConnection:
		return "Direct Connection"
	case KindVPN:
		return "VPN"
	}
	return kind
}

func hopNames(hops []NextHop) string {
	names := make([]string, len(hops))
	for i, h := range hops {
		names[i] = h.Session
	}
	return strings.Join(names, ", ")
}

func sameSessions(a, b []NextHop) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		found := false
		for _, y := range b {
			if x.Session == y.Session {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
