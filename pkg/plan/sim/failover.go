package sim

import (
	"slices"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/fmtlite"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

// The loss-window model: how long traffic is lost while it moves from one
// path to another, per scenario, per direction, for failover and failback.
//
// Each router switches on its own, over a path it already knows (both
// routers hold every session's routes), so the time to switch is
//
//	detection + BGP hops × profile.timers.updatePerHopMillis + profile.timers.fibUpdateMillis
//
// where detection is 0 for the router's own port going down and for an
// administrative shutdown, BFD's detect time (negotiated interval ×
// multiplier), NQA's interval × count (JD Cloud's end only), IPsec DPD's
// delay + timeout, or else the BGP hold time; and a BGP hop is a message
// that must reach the router first (the NOTIFICATION of a shutdown at the
// other end, the UPDATE of a withdrawal). Traffic is LOST during the switch
// only when the old path stopped forwarding at the failure (a port down, a
// silent failure); after a shutdown or a withdrawal the old line still
// carries packets until the router has moved (make before break), and a
// failback moves from a working path to another, so both lose nothing.

// Detection says how a router learns that its path failed.
const (
	DetectLinkDown      = "link-down"      // its own port lost carrier: at once
	DetectAdminShutdown = "admin-shutdown" // a neighbor shutdown: a NOTIFICATION, old path still forwards
	DetectWithdraw      = "withdraw"       // an UPDATE withdrawing the routes, old path still forwards
	DetectBFD           = "bfd"
	DetectNQA           = "nqa"
	DetectDPD           = "dpd"
	DetectHoldTimer     = "hold-timer"
	DetectNever         = "never"   // hold time 0 and nothing else watching: until repaired
	DetectRestore       = "restore" // failback: a session or route comes back
)

// Phases of a scenario.
const (
	PhaseFailover = "failover"
	PhaseFailback = "failback"
)

// Silent-failure scenario names.
const (
	ScenarioDCSilent     = "dc-silent-failure"
	ScenarioTunnelSilent = "tunnel-silent-failure"
)

// DefaultMaxSilentLossMillis is the default of the plan's
// failover.maxSilentLossMillis.
const DefaultMaxSilentLossMillis = 3000

// SilentScenarios are the silent failures of the plan's lines, each
// followed by its failback: the Direct Connection (every private virtual
// interface on the port, as a carrier fault between the two ends takes them
// all) and each VPN tunnel. They are apart from Scenarios because only the
// rehearsal's lab, not the FRR oracle, makes silent failures;
// FindScenario finds them too.
func SilentScenarios(p *plan.Plan) []Scenario {
	var out []Scenario
	add := func(name, item, desc, failbackDesc string, e Event) {
		suffix := ""
		if item != "" {
			suffix = ":" + item
		}
		out = append(out,
			Scenario{Name: name + suffix, Description: desc, Events: []Event{e}},
			Scenario{Name: name + FailbackSuffix + suffix, Description: failbackDesc, Events: append([]Event{e}, undo([]Event{e})...)},
		)
	}
	if dc := p.DirectConnection; dc != nil && len(dc.Interfaces) > 0 {
		add(ScenarioDCSilent, "", "the Direct Connection "+dc.ConnectionID+" stops passing packets with its carrier up and no BGP NOTIFICATION (a fault between the two ends); only BFD, NQA or the BGP hold timer notice",
			"the Direct Connection fails silently, is detected, then heals", Event{Kind: EventSilentDown, Session: dc.ConnectionID})
	}
	if p.VPN != nil {
		for _, t := range p.VPN.Tunnels {
			add(ScenarioTunnelSilent, t.Name, "VPN tunnel "+t.Name+" stops passing packets without going down; only IPsec DPD or the BGP hold timer notice",
				"VPN tunnel "+t.Name+" fails silently, is detected, then heals", Event{Kind: EventSilentDown, Session: t.Name})
		}
	}
	return out
}

// AllScenarios is Scenarios followed by SilentScenarios.
func AllScenarios(p *plan.Plan) []Scenario {
	return append(Scenarios(p), SilentScenarios(p)...)
}

// silentTargets returns the sessions a silent-down or silent-up applies to:
// one tunnel, or every Direct Connection session.
func (m *model) silentTargets(e Event) ([]int, error) {
	dc := m.p.DirectConnection
	if e.Session != "" && (dc == nil || e.Session != dc.ConnectionID) {
		i, err := m.session(e.Session)
		if err != nil {
			return nil, err
		}
		if m.sessions[i].Kind == strategy.VPN {
			return []int{i}, nil
		}
	}
	var out []int
	for i, s := range m.sessions {
		if s.Kind == strategy.DirectConnection {
			out = append(out, i)
		}
	}
	if len(out) == 0 {
		return nil, fmtlite.Errorf("%s names no tunnel and the plan has no Direct Connection interfaces; name a tunnel", e.Kind)
	}
	return out, nil
}

// LossWindow is the predicted loss in one direction for one phase of a
// scenario, for the worst VPC segment ↔ IDC segment pair.
type LossWindow struct {
	// Router decides this direction: the border gateway for VPC → IDC,
	// the customer router for IDC → VPC.
	Router string `json:"router"`
	// VPC and IDC name the segment pair this window is for.
	VPC string `json:"vpc,omitempty"`
	IDC string `json:"idc,omitempty"`
	// From and To are the path before and after ("direct-connection via
	// pvif-1", "vpn via tun-1, tun-2", "none").
	From string `json:"from"`
	To   string `json:"to"`
	// FromSessions and ToSessions are the sessions of those paths.
	FromSessions []string `json:"fromSessions"`
	ToSessions   []string `json:"toSessions"`
	// Changed is true when the traffic moves (or stops).
	Changed bool `json:"changed"`
	// Detection is one of the Detect… constants; empty when nothing
	// changed. Session is the failed session it concerns.
	Detection string `json:"detection,omitempty"`
	Session   string `json:"session,omitempty"`
	// DetectMinMillis..DetectMaxMillis is when the router notices: a
	// range, because a failure falls anywhere between two keepalives or
	// BFD packets.
	DetectMinMillis int `json:"detectMinMillis"`
	DetectMaxMillis int `json:"detectMaxMillis"`
	// SwitchMillis is when the new path carries traffic, at the latest.
	SwitchMillis int `json:"switchMillis"`
	// MinMillis..MaxMillis is the loss window: 0..0 when the old path
	// keeps forwarding until the switch.
	MinMillis int `json:"minMillis"`
	MaxMillis int `json:"maxMillis"`
	// Outage is true when no path is left (or the failure is never
	// detected): traffic is lost until the repair, whatever the timers.
	Outage bool   `json:"outage,omitempty"`
	Reason string `json:"reason"`
}

// PhaseLoss is one phase of a scenario: its failures (failover) or its
// repairs (failback), both directions.
type PhaseLoss struct {
	Phase   string     `json:"phase"`
	Events  []Event    `json:"events"`
	Forward LossWindow `json:"forward"`
	Return  LossWindow `json:"return"`
}

// ScenarioLoss is the loss-window prediction for one scenario.
type ScenarioLoss struct {
	Scenario string      `json:"scenario"`
	Phases   []PhaseLoss `json:"phases"`
}

// Phase returns the scenario's phase of that name.
func (s ScenarioLoss) Phase(name string) (PhaseLoss, bool) {
	i := slices.IndexFunc(s.Phases, func(p PhaseLoss) bool { return p.Phase == name })
	if i < 0 {
		return PhaseLoss{}, false
	}
	return s.Phases[i], true
}

// LossWindows predicts the loss windows of every scenario: a scenario's
// events split into phases where they turn from failures (down, withdraw)
// to repairs (up, restore); normal has none.
func LossWindows(p *plan.Plan, scenarios []Scenario) ([]ScenarioLoss, error) {
	mx, err := MatrixFor(p, nil) // the segments and their representative addresses
	if err != nil {
		return nil, err
	}
	return lossWindows(p, scenarios, mx)
}

// LossWindowsBetween is LossWindows for traffic between one VPC address
// and one IDC address (a trace's), rather than the worst segment pair.
func LossWindowsBetween(p *plan.Plan, scenarios []Scenario, vpc, idc Endpoint) ([]ScenarioLoss, error) {
	return lossWindows(p, scenarios, ConnectivityMatrix{
		IDCSegments: []MatrixSegment{{Name: idc.Segment, CIDR: idc.Prefix, Address: idc.Address}},
		VPCSegments: []MatrixSegment{{Name: vpc.Segment, Attachment: vpc.Attachment, CIDR: vpc.Prefix, Address: vpc.Address}},
	})
}

func lossWindows(p *plan.Plan, scenarios []Scenario, mx ConnectivityMatrix) ([]ScenarioLoss, error) {
	m := newModel(p)
	t := newTiming(p)
	idcRefs := containing(m.bgw, addrsOf(mx.IDCSegments, MatrixSegment.addr))
	vpcRefs := containing(m.cust, addrsOf(mx.VPCSegments, MatrixSegment.addr))
	out := make([]ScenarioLoss, 0, len(scenarios))
	for _, s := range scenarios {
		sl := ScenarioLoss{Scenario: s.Name, Phases: []PhaseLoss{}}
		var done []Event
		before, err := m.world(Scenario{Name: s.Name})
		if err != nil {
			return nil, err
		}
		for _, ph := range phases(s.Events) {
			done = append(done, ph...)
			after, err := m.world(Scenario{Name: s.Name, Events: done})
			if err != nil {
				return nil, err
			}
			name := PhaseFailover
			if isRepair(ph[0]) {
				name = PhaseFailback
			}
			causes, err := m.causes(ph)
			if err != nil {
				return nil, fmtlite.Errorf("scenario %q: %w", s.Name, err)
			}
			pl := PhaseLoss{Phase: name, Events: ph}
			prior := done[:len(done)-len(ph)]
			fwdSteps, err := m.detectionSteps(RouterBorderGateway, prior, ph, causes, t)
			if err != nil {
				return nil, fmtlite.Errorf("scenario %q: %w", s.Name, err)
			}
			retSteps, err := m.detectionSteps(RouterCustomerRouter, prior, ph, causes, t)
			if err != nil {
				return nil, fmtlite.Errorf("scenario %q: %w", s.Name, err)
			}
			pl.Forward = m.worst(RouterBorderGateway, m.bgw, before, after, causes, t, mx, idcRefs, fwdSteps)
			pl.Return = m.worst(RouterCustomerRouter, m.cust, before, after, causes, t, mx, vpcRefs, retSteps)
			sl.Phases = append(sl.Phases, pl)
			before = after
		}
		out = append(out, sl)
	}
	return out, nil
}

// isRepair reports whether an event undoes a failure.
func isRepair(e Event) bool {
	switch e.Kind {
	case EventSessionUp, EventLinkUp, EventRestore, EventSilentUp:
		return true
	}
	return false
}

// phases splits events into runs of failures and runs of repairs.
func phases(events []Event) [][]Event {
	var out [][]Event
	for i, e := range events {
		if i == 0 || isRepair(e) != isRepair(events[i-1]) {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], e)
	}
	return out
}

// causes maps each session a phase touches to the first event that touched
// it.
func (m *model) causes(events []Event) (map[int]string, error) {
	out := map[int]string{}
	set := func(is []int, kind string) {
		for _, i := range is {
			if _, ok := out[i]; !ok {
				out[i] = kind
			}
		}
	}
	for _, e := range events {
		switch e.Kind {
		case EventSessionUp, EventSessionDown:
			i, err := m.session(e.Session)
			if err != nil {
				return nil, err
			}
			set([]int{i}, e.Kind)
		case EventLinkDown, EventLinkUp:
			var is []int
			for i, s := range m.sessions {
				if s.Kind == strategy.DirectConnection {
					is = append(is, i)
				}
			}
			set(is, e.Kind)
		case EventWithdraw, EventRestore:
			is, err := m.withdrawTargets(e)
			if err != nil {
				return nil, err
			}
			set(is, e.Kind)
		case EventSilentDown, EventSilentUp:
			is, err := m.silentTargets(e)
			if err != nil {
				return nil, err
			}
			set(is, e.Kind)
		default:
			return nil, fmtlite.Errorf("unknown event kind %q", e.Kind)
		}
	}
	return out, nil
}

// worst returns the direction's window for the segment pair that loses the
// most: an outage first, then the longest window, then the longest switch.
// refs are the prefixes containing each far-end address (IDC addresses
// for the border gateway, VPC addresses for the customer router).
func (m *model) worst(router string, pps []prefixPaths, before, after *world, causes map[int]string, t timing, mx ConnectivityMatrix, refs [][]int, steps []detectionStep) LossWindow {
	vb := newVerdicts(m, pps, router, before)
	va := newVerdicts(m, pps, router, after)
	vs := make([]*verdicts, len(steps))
	for k, st := range steps {
		vs[k] = newVerdicts(m, pps, router, st.w)
	}
	best := LossWindow{Router: router, From: "none", To: "none", FromSessions: []string{}, ToSessions: []string{}, Reason: "no VPC segment and IDC segment of one address family"}
	first := true
	for i, is := range mx.IDCSegments {
		for j, vseg := range mx.VPCSegments {
			if is.Address.Is4() != vseg.Address.Is4() {
				continue
			}
			far := i // the border gateway looks up the IDC address
			if router == RouterCustomerRouter {
				far = j
			}
			r := refs[far]
			trail := make([]*Verdict, len(vs))
			for k, v := range vs {
				trail[k] = v.get(r)
			}
			w := m.window(router, vb.get(r), va.get(r), causes, t, steps, trail)
			w.VPC, w.IDC = vseg.Name, is.Name
			if first || worse(w, best) {
				best, first = w, false
			}
		}
	}
	return best
}

// detectionStep is the world after the router has noticed one more of a
// phase's silently failed sessions.
type detectionStep struct {
	session int
	d       detection
	w       *world
}

// detectionSteps orders the phase's silently failed sessions by when the
// router notices each (BFD on one Direct Connection interface, the hold
// timer on another), with the world after each: until it notices them
// all, the router may move the traffic onto a session that is as dead as
// the first. Nil when the phase has no silent failure.
func (m *model) detectionSteps(router string, prior, ph []Event, causes map[int]string, t timing) ([]detectionStep, error) {
	var silent []detectionStep
	for i, c := range causes {
		if c == EventSilentDown {
			silent = append(silent, detectionStep{session: i, d: t.detect(m, i, c, router)})
		}
	}
	if len(silent) == 0 {
		return nil, nil
	}
	slices.SortFunc(silent, func(a, b detectionStep) int {
		if a.d.never != b.d.never {
			if a.d.never {
				return 1
			}
			return -1
		}
		if a.d.max != b.d.max {
			return a.d.max - b.d.max
		}
		return a.session - b.session
	})
	events := slices.Clone(prior)
	for _, e := range ph {
		if e.Kind != EventSilentDown {
			events = append(events, e)
		}
	}
	for k := range silent {
		if silent[k].d.never {
			return silent[:k], nil
		}
		events = append(events, Event{Kind: EventSessionDown, Session: m.sessions[silent[k].session].Name})
		w, err := m.world(Scenario{Events: slices.Clone(events)})
		if err != nil {
			return nil, err
		}
		silent[k].w = w
	}
	return silent, nil
}

func worse(a, b LossWindow) bool {
	if a.Outage != b.Outage {
		return a.Outage
	}
	if a.MaxMillis != b.MaxMillis {
		return a.MaxMillis > b.MaxMillis
	}
	if a.Changed != b.Changed {
		return a.Changed
	}
	return a.SwitchMillis > b.SwitchMillis
}

func pathText(v *Verdict) string {
	if !v.Reachable {
		return "none"
	}
	return v.Kind + " via " + strings.Join(v.Sessions, ", ")
}

// window is one direction's window for one segment pair.
func (m *model) window(router string, b, a *Verdict, causes map[int]string, t timing, steps []detectionStep, trail []*Verdict) LossWindow {
	w := LossWindow{Router: router, From: pathText(b), To: pathText(a), FromSessions: b.Sessions, ToSessions: a.Sessions}
	w.Changed = w.From != w.To || b.Route != a.Route
	switch {
	case !w.Changed:
		w.Reason = "the path does not change"
		return w
	case !b.Reachable:
		// Restored after an outage: when is the repaired session's BGP
		// back? That depends on connect-retry and open timers this model
		// does not know.
		w.Detection = DetectRestore
		w.Outage = true
		w.Reason = "traffic had no path; it flows again once the repaired session is established and has exchanged routes (not modelled: connect-retry timers)"
		return w
	}
	// The sessions that carried the traffic and failed in this phase.
	var failed []int
	for _, name := range b.Sessions {
		i, ok := m.byName[name]
		if !ok {
			continue
		}
		if c, ok := causes[i]; ok && !isRepair(Event{Kind: c}) {
			failed = append(failed, i)
		}
	}
	if len(failed) == 0 {
		// A repair, or a change that leaves the old path working (a
		// better path appeared): make before break.
		w.Detection = DetectRestore
		w.SwitchMillis = t.fib
		w.Reason = "the old path keeps forwarding until the new one is installed: no loss"
		return w
	}
	// Several silently failed sessions, noticed one after the other: the
	// loss ends at the first detection after which the router's path
	// avoids every failed session.
	if len(steps) > 0 && slices.ContainsFunc(failed, func(i int) bool { return causes[i] == EventSilentDown }) {
		for k, st := range steps {
			v := trail[k]
			if v.Reachable && !slices.ContainsFunc(v.Sessions, func(name string) bool {
				_, hit := causes[m.byName[name]]
				return hit
			}) {
				failed = []int{st.session}
				break
			}
		}
	}
	// The failed session that takes longest to notice decides.
	for k, i := range failed {
		d := t.detect(m, i, causes[i], router)
		if k == 0 || d.max > w.DetectMaxMillis || d.never {
			w.Detection, w.Session, w.DetectMinMillis, w.DetectMaxMillis = d.kind, m.sessions[i].Name, d.min, d.max
			w.Outage = d.never
			w.SwitchMillis = d.max + d.hops*t.perHop + t.fib
			w.Reason = d.reason
		}
		if d.never {
			break
		}
	}
	if !a.Reachable {
		w.Outage = true
		w.Reason += "; no path is left: traffic is lost until the repair"
		return w
	}
	if w.Outage {
		return w
	}
	switch w.Detection {
	case DetectAdminShutdown, DetectWithdraw:
		w.Reason += "; the old line keeps forwarding until the switch: no loss"
	default:
		w.MinMillis = w.DetectMinMillis
		w.MaxMillis = w.SwitchMillis
	}
	if len(b.Sessions) > len(failed) {
		w.Reason += fmtlite.Sprintf(" (only the flows hashed onto %s)", w.Session)
	}
	return w
}

// timing is the plan's timers with the profile's defaults applied.
type timing struct {
	p                *plan.Plan
	prof             plan.Profile
	perHop, fib      int
	cloudHold, cloud int // JD Cloud's end: hold and keepalive, seconds
}

func newTiming(p *plan.Plan) timing {
	prof := p.EffectiveProfile()
	pt := prof.Timers
	return timing{p: p, prof: prof, perHop: max(pt.UpdatePerHopMillis, 0), fib: max(pt.FIBUpdateMillis, 0),
		cloudHold: max(pt.BGPHoldSeconds, 0), cloud: max(pt.BGPKeepaliveSeconds, 0)}
}

// detection is when one router notices a failure of one session.
type detection struct {
	kind     string
	min, max int // milliseconds
	hops     int
	never    bool
	reason   string
}

// detect says how and when the router notices that session i failed by an
// event of kind c.
func (t timing) detect(m *model, i int, c, router string) detection {
	s := m.sessions[i]
	switch c {
	case EventLinkDown:
		return detection{kind: DetectLinkDown, reason: "the port loses carrier: " + s.Name + "'s session ends at once"}
	case EventSessionDown:
		d := detection{kind: DetectAdminShutdown, reason: s.Name + "'s session is shut down"}
		if router == RouterCustomerRouter {
			// The stand-in (and JD Cloud's console) shuts the neighbor
			// down on the cloud side: its NOTIFICATION must arrive.
			d.hops = 1
			d.reason += "; the customer router learns it from the NOTIFICATION"
		}
		return d
	case EventWithdraw:
		d := detection{kind: DetectWithdraw, reason: "the routes over " + s.Name + " are withdrawn"}
		if router == RouterBorderGateway {
			d.hops = 1
		}
		return d
	}
	// A silent failure: the fastest mechanism watching this end.
	cands := []*detection{t.bfd(s), t.dpd(s)}
	if router == RouterBorderGateway {
		cands = append(cands, t.nqa(s))
	}
	best := t.hold(s)
	for _, d := range cands {
		if d != nil && (best.never || d.max < best.max) {
			best = *d
		}
	}
	return best
}

// hold is detection by the BGP hold timer: the lower of the two ends'
// hold times; the last keepalive arrived at most a keepalive interval
// (at most a third of the hold time) before the failure.
func (t timing) hold(s strategy.Session) detection {
	k, h := t.prof.Timers.BGPKeepaliveSeconds, t.prof.Timers.BGPHoldSeconds
	if bt := t.sessionTimers(s); bt != nil {
		k, h = bt.KeepaliveSeconds, bt.HoldSeconds
	}
	if h <= 0 || t.cloudHold <= 0 {
		return detection{kind: DetectNever, never: true, reason: "a silent failure of " + s.Name + " is never detected: the BGP hold time is 0 and nothing else watches the line"}
	}
	h = min(h, t.cloudHold)
	k = min(max(min(k, t.cloud), 1), max(h/3, 1))
	return detection{kind: DetectHoldTimer, min: (h - k) * 1000, max: h * 1000,
		reason: fmtlite.Sprintf("nothing but the BGP hold timer watches %s: it expires %d s after the last keepalive (keepalive %d s)", s.Name, h, k)}
}

func (t timing) sessionTimers(s strategy.Session) *plan.BGPTimers {
	switch s.Kind {
	case strategy.DirectConnection:
		if pi, ok := findInterface(t.p, s.Name); ok {
			return pi.BGPTimers
		}
	case strategy.VPN:
		if tu, ok := findTunnel(t.p, s.Name); ok {
			return tu.BGPTimers
		}
	}
	return nil
}

// bfd: both ends run BFD with the plan's timers (JD Cloud's health check
// and the exported customer configuration), so each waits multiplier ×
// the negotiated interval, max(tx, rx), after the last packet.
func (t timing) bfd(s strategy.Session) *detection {
	b := s.BFD
	if b == nil || b.Multiplier <= 0 {
		return nil
	}
	iv := max(b.MinTxMillis, b.MinRxMillis, 1)
	return &detection{kind: DetectBFD, min: (b.Multiplier - 1) * iv, max: b.Multiplier * iv,
		reason: fmtlite.Sprintf("BFD on %s detects it after %d × %d ms", s.Name, b.Multiplier, iv)}
}

// nqa: JD Cloud probes the line from its end only, so only the border
// gateway notices; it declares the line down after count probes failed.
func (t timing) nqa(s strategy.Session) *detection {
	pi, ok := findInterface(t.p, s.Name)
	if !ok || pi.HealthCheck.Type != plan.HealthCheckNQA || pi.HealthCheck.NQA == nil {
		return nil
	}
	n := pi.HealthCheck.NQA
	iv, c := max(n.IntervalSeconds, 1), max(n.Count, 1)
	return &detection{kind: DetectNQA, min: (c - 1) * iv * 1000, max: c * iv * 1000,
		reason: fmtlite.Sprintf("JD Cloud's NQA on %s declares it down after %d probes %d s apart (the customer router has no NQA: it waits for its hold timer)", s.Name, c, iv)}
}

// dpd: IPsec dead peer detection probes dpdSeconds after the last packet
// received and gives up after the profile's DPD timeout; the tunnel
// interface then goes down, and the BGP session with it.
func (t timing) dpd(s strategy.Session) *detection {
	if s.Kind != strategy.VPN {
		return nil
	}
	tu, ok := findTunnel(t.p, s.Name)
	if !ok {
		return nil
	}
	dpd := t.prof.IKE.DefaultDPDSecond
	if d := t.p.IKEOptions(tu).DPDSeconds; d != nil {
		dpd = *d
	}
	if dpd <= 0 {
		return nil
	}
	to := max(t.prof.Timers.DPDTimeoutSeconds, 0)
	ka := max(t.cloud, 1) // keepalives are the least traffic a live tunnel carries
	if bt := tu.BGPTimers; bt != nil && bt.KeepaliveSeconds > 0 {
		ka = bt.KeepaliveSeconds
	}
	return &detection{kind: DetectDPD, min: max(dpd+to-ka, 0) * 1000, max: (dpd + to) * 1000,
		reason: fmtlite.Sprintf("IPsec DPD on %s probes %d s after the last packet and gives up after %d s", s.Name, dpd, to)}
}

func findInterface(p *plan.Plan, name string) (plan.PrivateInterface, bool) {
	if p.DirectConnection != nil {
		for _, i := range p.DirectConnection.Interfaces {
			if i.Name == name {
				return i, true
			}
		}
	}
	return plan.PrivateInterface{}, false
}

func findTunnel(p *plan.Plan, name string) (plan.Tunnel, bool) {
	if p.VPN != nil {
		for _, t := range p.VPN.Tunnels {
			if t.Name == name {
				return t, true
			}
		}
	}
	return plan.Tunnel{}, false
}

// Finding codes of the loss-window model.
const (
	CodeSilentLoss = "failover.silent-loss"
	CodeBGPTimers  = "failover.bgp-timers"
)

// FailoverFindings reports what the loss-window model finds wrong with the
// plan: BGP timers a router refuses, and every line whose silent failure
// blackholes traffic longer than failover.maxSilentLossMillis (default
// 3 s) although a backup path exists, with the fix as the hint. The
// verdict includes these.
func FailoverFindings(p *plan.Plan) []plan.Finding {
	var out []plan.Finding
	check := func(path string, bt *plan.BGPTimers) {
		if bt == nil {
			return
		}
		switch {
		case bt.HoldSeconds != 0 && bt.HoldSeconds < 3, bt.HoldSeconds > 65535:
			out = append(out, plan.Finding{Code: CodeBGPTimers, Severity: plan.SeverityError, Path: path + ".holdSeconds",
				Message: fmtlite.Sprintf("BGP hold time %d s: routers accept 0 or 3–65535 s (RFC 4271)", bt.HoldSeconds),
				Hint:    "use at least 3 s; 3× the keepalive is usual"})
		case bt.HoldSeconds != 0 && (bt.KeepaliveSeconds < 1 || bt.KeepaliveSeconds >= bt.HoldSeconds), bt.KeepaliveSeconds < 0:
			out = append(out, plan.Finding{Code: CodeBGPTimers, Severity: plan.SeverityError, Path: path + ".keepaliveSeconds",
				Message: fmtlite.Sprintf("BGP keepalive %d s with hold time %d s: the keepalive must be at least 1 s and below the hold time", bt.KeepaliveSeconds, bt.HoldSeconds),
				Hint:    "use a third of the hold time"})
		}
	}
	if p.DirectConnection != nil {
		for i, itf := range p.DirectConnection.Interfaces {
			check(fmtlite.Sprintf("$.directConnection.interfaces[%d].bgpTimers", i), itf.BGPTimers)
		}
	}
	if p.VPN != nil {
		for i, tu := range p.VPN.Tunnels {
			check(fmtlite.Sprintf("$.vpn.tunnels[%d].bgpTimers", i), tu.BGPTimers)
		}
	}
	if plan.HasErrors(out) {
		return out
	}
	limit := DefaultMaxSilentLossMillis
	if f := p.Failover; f != nil && f.MaxSilentLossMillis > 0 {
		limit = f.MaxSilentLossMillis
	}
	var failovers []Scenario
	for _, s := range SilentScenarios(p) {
		if !strings.Contains(s.Name, FailbackSuffix) {
			failovers = append(failovers, s)
		}
	}
	losses, err := LossWindows(p, failovers)
	if err != nil {
		return out // the scenarios come from the plan itself; an error here is reported by Run
	}
	strat := strategy.Compute(p)
	for k, sl := range losses {
		ph, ok := sl.Phase(PhaseFailover)
		if !ok {
			continue
		}
		var parts []string
		for _, w := range []LossWindow{ph.Forward, ph.Return} {
			never := w.Detection == DetectNever
			if !w.Changed || !never && (w.Outage || w.MaxMillis <= limit) {
				continue
			}
			dir := "VPC → IDC"
			if w.Router == RouterCustomerRouter {
				dir = "IDC → VPC"
			}
			if never {
				parts = append(parts, dir+" traffic until the line is repaired ("+w.Reason+")")
				continue
			}
			parts = append(parts, fmtlite.Sprintf("%s traffic for up to %s (%s)", dir, seconds(w.MaxMillis), w.Detection))
		}
		if len(parts) == 0 {
			continue
		}
		e := failovers[k].Events[0]
		path, hint := "$.directConnection.interfaces", "set healthCheck to BFD (tx/rx 300 ms × 3 detects in under a second on both ends) and lower bgpTimers (e.g. 10/30 s) for what BFD cannot see"
		if s := sessionNamed(strat.Sessions, e.Session); s != nil && s.Kind == strategy.VPN {
			path = s.Path + ".bgpTimers"
			hint = "keep IPsec DPD on (ike.dpdSeconds 10) and lower the tunnel's bgpTimers (e.g. 1/3 s); JD Cloud offers no BFD on VPN tunnels"
		}
		out = append(out, plan.Finding{Code: CodeSilentLoss, Severity: plan.SeverityWarning, Path: path,
			Related: []string{"$.failover.maxSilentLossMillis"},
			Message: fmtlite.Sprintf("scenario %s: a silent failure blackholes %s, longer than the %s the plan allows", sl.Scenario, strings.Join(parts, " and "), seconds(limit)),
			Hint:    hint})
	}
	return out
}

func sessionNamed(ss []strategy.Session, name string) *strategy.Session {
	for i := range ss {
		if ss[i].Name == name {
			return &ss[i]
		}
	}
	return nil
}

func seconds(ms int) string {
	if ms%1000 == 0 {
		return fmtlite.Sprintf("%d s", ms/1000)
	}
	return fmtlite.Sprintf("%.1f s", float64(ms)/1000)
}
