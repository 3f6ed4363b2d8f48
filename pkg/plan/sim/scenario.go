package sim

import (
	"net/netip"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/fmtlite"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

// Event kinds. Each is something the FRR oracle can do to real routers, so
// a scenario replays the same way in the simulator and on the oracle.
const (
	// EventSessionUp establishes one BGP session (`no neighbor X shutdown`).
	EventSessionUp = "session-up"
	// EventSessionDown shuts one BGP session down (`neighbor X shutdown`).
	EventSessionDown = "session-down"
	// EventLinkDown takes the Direct Connection's port down: every private
	// virtual interface on it loses its session. Session names the
	// connection (its connectionId) or one of its interfaces, or is empty.
	EventLinkDown = "link-down"
	// EventLinkUp brings the port back: the interfaces' sessions come up in
	// plan order (those not shut down by session-down).
	EventLinkUp = "link-up"
	// EventWithdraw makes the customer router stop advertising Prefixes (all
	// of them when empty) on Session (every Direct Connection session when
	// empty), e.g. by a route-map change.
	EventWithdraw = "withdraw"
	// EventRestore advertises withdrawn prefixes again; the same fields.
	EventRestore = "restore"
	// EventSilentDown makes a line stop passing packets with its carrier
	// up and no NOTIFICATION (a fault between the two ends): Session names
	// a tunnel, or the Direct Connection (its connectionId, one of its
	// interfaces, or empty), whose every interface fails. Only BFD, NQA,
	// DPD or the BGP hold timer notice; the route tables are those after
	// detection, the loss until then is sim.LossWindows' answer.
	EventSilentDown = "silent-down"
	// EventSilentUp heals the line; the same fields.
	EventSilentUp = "silent-up"
)

// Address families a session-up or session-down event may name: the
// exporter configures one BGP neighbor per family, so an IPv6 session can
// fail (or be shut down) while the IPv4 one stays up.
const (
	FamilyIPv4 = "ipv4"
	FamilyIPv6 = "ipv6"
)

// Event is one change applied to the network.
type Event struct {
	Kind     string         `json:"kind"`
	Session  string         `json:"session,omitempty"`
	Prefixes []netip.Prefix `json:"prefixes,omitempty"`
	// Family limits a session-up or session-down to one address family's
	// BGP session (FamilyIPv4, FamilyIPv6); empty means both.
	Family string `json:"family,omitempty"`
}

func (e Event) String() string {
	s := e.Kind
	if e.Session != "" {
		s += " " + e.Session
	}
	if e.Family != "" {
		s += " (" + e.Family + ")"
	}
	if len(e.Prefixes) > 0 {
		ps := make([]string, len(e.Prefixes))
		for i, p := range e.Prefixes {
			ps[i] = p.String()
		}
		s += " " + strings.Join(ps, ",")
	}
	return s
}

// Scenario is a named list of events applied, in order, after the initial
// state (InitialEvents).
type Scenario struct {
	// Name is stable: "normal", "dc-session-down", "tunnel-down:tun-1",
	// "vpn-down-failback", …
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Events      []Event `json:"events"`
}

// Scenario names (a ":NAME" suffix names the session of a per-session one;
// "-failback" goes before it for the failback after it).
const (
	ScenarioNormal           = "normal"
	ScenarioDCSessionDown    = "dc-session-down"
	ScenarioDCRoutesWithdraw = "dc-routes-withdrawn"
	ScenarioDCPortDown       = "dc-port-down"
	ScenarioTunnelDown       = "tunnel-down"
	ScenarioVPNDown          = "vpn-down"
	ScenarioBothDown         = "both-down"
	FailbackSuffix           = "-failback"
)

// InitialEvents brings every session up in the plan's bring-up order
// (plan.BringUp): by default the Direct Connection's private virtual
// interfaces, then the VPN tunnels; with plan.BringUpVPNFirst the tunnels
// first. Within a path, plan order. The oracle establishes its sessions in
// this order too; it matters because BGP prefers the older of two
// otherwise equal eBGP paths.
func InitialEvents(p *plan.Plan) []Event {
	sessions := strategy.Sessions(p)
	out := make([]Event, 0, len(sessions))
	first, second := strategy.DirectConnection, strategy.VPN
	if p.BringUp == plan.BringUpVPNFirst {
		first, second = second, first
	}
	for _, kind := range []strategy.PathKind{first, second} {
		for _, s := range sessions {
			if s.Kind == kind {
				out = append(out, Event{Kind: EventSessionUp, Session: s.Name})
			}
		}
	}
	return out
}

// BringUp returns the plan's bring-up order, the default when it sets none.
func BringUp(p *plan.Plan) string {
	if p.BringUp == "" {
		return plan.BringUpDirectConnectionFirst
	}
	return p.BringUp
}

// WithBringUp returns a shallow copy of p with the bring-up order set: the
// simulator reads plans and never changes them, so the copy may share
// everything else.
func WithBringUp(p *plan.Plan, order string) *plan.Plan {
	q := *p
	q.BringUp = order
	return &q
}

// bringUpPhrase describes the order for a person.
func bringUpPhrase(p *plan.Plan) string {
	if BringUp(p) == plan.BringUpVPNFirst {
		return "brought up the VPN tunnels first, then Direct Connection"
	}
	return "brought up Direct Connection first, then the tunnels"
}

// Scenarios returns the standard scenarios for the plan, then the plan's
// user-written ones that pass CheckPlan (UserScenarios). The standard ones,
// each failure followed by its failback: normal; every Direct Connection session shut
// down (and each one alone when there are several); the Direct Connection
// routes withdrawn; the port down; each tunnel down; the VPN down; both
// down.
func Scenarios(p *plan.Plan) []Scenario {
	return append(StandardScenarios(p), UserScenarios(p)...)
}

// StandardScenarios is Scenarios without the plan's user-written ones.
func StandardScenarios(p *plan.Plan) []Scenario {
	var dc, vpn []strategy.Session
	for _, s := range strategy.Sessions(p) {
		if s.Kind == strategy.DirectConnection {
			dc = append(dc, s)
		} else {
			vpn = append(vpn, s)
		}
	}
	out := []Scenario{{
		Name:        ScenarioNormal,
		Description: "every session up, " + bringUpPhrase(p),
		Events:      []Event{},
	}}
	add := func(name, item, desc, failbackDesc string, events []Event) {
		suffix := ""
		if item != "" {
			suffix = ":" + item
		}
		out = append(out,
			Scenario{Name: name + suffix, Description: desc, Events: events},
			Scenario{Name: name + FailbackSuffix + suffix, Description: failbackDesc, Events: append(append([]Event{}, events...), undo(events)...)},
		)
	}
	if len(dc) > 0 {
		connection := p.DirectConnection.ConnectionID
		var down []Event
		for _, s := range dc {
			down = append(down, Event{Kind: EventSessionDown, Session: s.Name})
		}
		add(ScenarioDCSessionDown, "", "every Direct Connection BGP session shut down (neighbor shutdown)",
			"Direct Connection BGP sessions shut down, then re-established in plan order", down)
		if len(dc) > 1 {
			for _, s := range dc {
				add(ScenarioDCSessionDown, s.Name, "the BGP session on private virtual interface "+s.Name+" shut down; the others stay up",
					"the BGP session on "+s.Name+" shut down, then re-established", []Event{{Kind: EventSessionDown, Session: s.Name}})
			}
		}
		add(ScenarioDCRoutesWithdraw, "", "the customer router stops advertising every IDC prefix over Direct Connection; the sessions stay up",
			"IDC prefixes withdrawn from Direct Connection, then advertised again", []Event{{Kind: EventWithdraw}})
		add(ScenarioDCPortDown, "", "the Direct Connection port "+connection+" goes down: every private virtual interface on it loses its session",
			"the Direct Connection port goes down, then comes back up", []Event{{Kind: EventLinkDown, Session: connection}})
	}
	if len(vpn) > 0 {
		var down []Event
		for _, s := range vpn {
			add(ScenarioTunnelDown, s.Name, "VPN tunnel "+s.Name+" down; the other tunnels stay up",
				"VPN tunnel "+s.Name+" down, then back up", []Event{{Kind: EventSessionDown, Session: s.Name}})
			down = append(down, Event{Kind: EventSessionDown, Session: s.Name})
		}
		add(ScenarioVPNDown, "", "every VPN tunnel down", "every VPN tunnel down, then back up in plan order", down)
	}
	if len(dc) > 0 && len(vpn) > 0 {
		down := []Event{{Kind: EventLinkDown, Session: p.DirectConnection.ConnectionID}}
		for _, s := range vpn {
			down = append(down, Event{Kind: EventSessionDown, Session: s.Name})
		}
		add(ScenarioBothDown, "", "the Direct Connection port and every VPN tunnel down: no path",
			"both paths down, then the Direct Connection comes back first, then the tunnels", down)
	}
	return out
}

// undo returns the events that reverse events, in the same order: what
// failed first comes back first.
func undo(events []Event) []Event {
	out := make([]Event, 0, len(events))
	for _, e := range events {
		r := e
		switch e.Kind {
		case EventSessionDown:
			r.Kind = EventSessionUp
		case EventLinkDown:
			r.Kind = EventLinkUp
		case EventWithdraw:
			r.Kind = EventRestore
		case EventSessionUp:
			r.Kind = EventSessionDown
		case EventLinkUp:
			r.Kind = EventLinkDown
		case EventRestore:
			r.Kind = EventWithdraw
		case EventSilentDown:
			r.Kind = EventSilentUp
		case EventSilentUp:
			r.Kind = EventSilentDown
		}
		out = append(out, r)
	}
	return out
}

// WithdrawScenario is a scenario in which the customer router stops
// advertising the chosen prefixes over Direct Connection (every session).
// The prefixes must be among the Direct Connection advertisements; Run says
// which are not.
func WithdrawScenario(prefixes []netip.Prefix) Scenario {
	ps := make([]string, len(prefixes))
	for i, p := range prefixes {
		ps[i] = p.String()
	}
	list := strings.Join(ps, ",")
	return Scenario{
		Name:        ScenarioDCRoutesWithdraw + ":" + list,
		Description: fmtlite.Sprintf("the customer router stops advertising %s over Direct Connection; the sessions stay up", list),
		Events:      []Event{{Kind: EventWithdraw, Prefixes: append([]netip.Prefix(nil), prefixes...)}},
	}
}

// FindScenario returns the standard, user-written or silent-failure scenario with that
// name.
func FindScenario(p *plan.Plan, name string) (Scenario, error) {
	all := append(Scenarios(p), SilentScenarios(p)...)
	for _, s := range all {
		if s.Name == name {
			return s, nil
		}
	}
	names := make([]string, len(all))
	for i, s := range all {
		names[i] = s.Name
	}
	return Scenario{}, fmtlite.Errorf("no scenario %q for this plan; choose one of: %s", name, strings.Join(names, ", "))
}
