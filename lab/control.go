package lab

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/hybridplan/hybridplan/pkg/plan/sim"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

// Event is the simulator's event: the oracle replays exactly the events
// sim.Run applies, so the two can never disagree on what a scenario is.
type Event = sim.Event

// Timeouts for convergence. They bound waits; nothing sleeps for a fixed
// time, every wait polls for the expected state.
const (
	sessionTimeout = 20 * time.Second // hold time plus reconnects, with room for a loaded machine
	prefixTimeout  = 5 * time.Second  // updates after Established (the route-map delay is avoided by soft clears)
	pollInterval   = 100 * time.Millisecond
)

// targets returns the sessions an event applies to.
func (t *Topology) targets(e Event) ([]*liveSession, error) {

	if e.Session == "" {
		var out []*liveSession
		for _, s := range t.sessions {
			if s.Kind == strategy.DirectConnection {
				out = append(out, s)
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("lab: event %s names no session and the plan has no Direct Connection", e)
		}
		return out, nil
	}
	port := e.Kind == sim.EventLinkDown || e.Kind == sim.EventLinkUp || e.Kind == sim.EventSilentDown || e.Kind == sim.EventSilentUp
	if port && t.cfg.Plan.DirectConnection != nil && e.Session == t.cfg.Plan.DirectConnection.ConnectionID {
		return t.targets(Event{Kind: e.Kind})
	}
	s, err := t.session(e.Session)
	if err != nil {
		return nil, err
	}
	if port && s.Kind == strategy.DirectConnection {
		// One physical port carries every private virtual interface.
		return t.targets(Event{Kind: e.Kind})
	}
	return []*liveSession{s}, nil
}

// Apply replays one event on the routers, as a real failure or repair, and
// waits until BGP has settled: every session that should be up is
// Established with all its prefixes exchanged, every other is not.
//
//   - session-up/down: the session's BGP neighbors are enabled or shut down
//     on the cloud side ("neighbor X shutdown": a NOTIFICATION ends it);
//   - link-down/up: the link is set down or up on the cloud side, so the
//     customer side loses carrier: for Direct Connection the physical port,
//     taking every private virtual interface with it; for a tunnel its own;
//   - withdraw/restore: the routes the customer announces on a Direct
//     Connection session disappear from (or return to) the border gateway,
//     by an inbound prefix-list change on the cloud router and a soft clear.
func (t *Topology) Apply(ctx context.Context, e Event) error {
	ss, err := t.targets(e)
	if err != nil {
		return err
	}
	switch e.Kind {
	case sim.EventSessionUp, sim.EventSessionDown:
		down := e.Kind == sim.EventSessionDown
		switch e.Family {
		case "":
			if !down {
				for _, s := range ss {
					s.famShut = [2]bool{}
				}
			}
			if err := t.setShut(ctx, ss, down); err != nil {
				return err
			}
		case sim.FamilyIPv4, sim.FamilyIPv6:
			// One family's neighbor alone: the exported configuration has
			// one per family.
			f := 0
			if e.Family == sim.FamilyIPv6 {
				f = 1
			}
			for _, s := range ss {
				if f == 1 && !s.CustomerIPv6.IsValid() {
					return fmt.Errorf("lab: session %s has no IPv6 neighbor", s.Name)
				}
				s.famShut[f] = down
				if err := t.setShut(ctx, []*liveSession{s}, s.shut); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("lab: unknown family %q in %s", e.Family, e)
		}
	case sim.EventLinkDown, sim.EventLinkUp:
		up := e.Kind == sim.EventLinkUp
		if up && len(ss) > 1 {
			return t.linkUpInOrder(ctx, ss)
		}
		done := map[string]bool{}
		for _, s := range ss {
			s.linkDown = !up
			if done[s.linkDev] {
				continue
			}
			done[s.linkDev] = true
			if err := linkSet(ctx, t.cloudNS, s.linkDev, up); err != nil {
				return err
			}
		}
	case sim.EventWithdraw, sim.EventRestore:
		for _, s := range ss {
			prefixes := e.Prefixes
			if len(prefixes) == 0 {
				for _, a := range t.cfg.Strategy.IDCToCloud.On(s.Session) {
					prefixes = append(prefixes, a.Prefix)
				}
			}
			for _, p := range prefixes {
				if e.Kind == sim.EventWithdraw {
					s.withdrawn[p] = true
				} else {
					delete(s.withdrawn, p)
				}
			}
			if err := t.syncWithdrawn(ctx, s); err != nil {
				return err
			}
		}
	case sim.EventSilentDown, sim.EventSilentUp:
		if e.Kind == sim.EventSilentUp && len(ss) > 1 {
			return t.upInOrder(ctx, ss, func(s *liveSession) error { return t.setSilent(ctx, s, false) })
		}
		for _, s := range ss {
			if err := t.setSilent(ctx, s, e.Kind == sim.EventSilentDown); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("lab: unknown event kind %q; use one of %s", e.Kind,
			strings.Join([]string{sim.EventSessionUp, sim.EventSessionDown, sim.EventLinkDown, sim.EventLinkUp, sim.EventWithdraw, sim.EventRestore, sim.EventSilentDown, sim.EventSilentUp}, ", "))
	}
	return t.settle(ctx)
}

// linkUpInOrder brings the Direct Connection port up with its sessions
// coming up one by one in plan order, as the simulator assumes. Left to
// themselves they would race (each neighbor retries its connection on its
// own timer) and which is older, a tie-breaker, would be chance. So the
// sessions that should come up are held shut while the port comes up, then
// enabled in order.
func (t *Topology) linkUpInOrder(ctx context.Context, ss []*liveSession) error {
	done := map[string]bool{}
	return t.upInOrder(ctx, ss, func(s *liveSession) error {
		s.linkDown = false
		if done[s.linkDev] {
			return nil
		}
		done[s.linkDev] = true
		return linkSet(ctx, t.cloudNS, s.linkDev, true)
	})
}

// upInOrder repairs the sessions' links (a port coming up, a silent
// failure healing) with their BGP sessions held shut, then enables them one
// by one in plan order.
func (t *Topology) upInOrder(ctx context.Context, ss []*liveSession, repair func(*liveSession) error) error {
	var held []*liveSession
	for _, s := range ss {
		if !s.shut {
			held = append(held, s)
		}
	}
	if len(held) > 0 {
		if err := t.setShut(ctx, held, true); err != nil {
			return err
		}
	}
	for _, s := range ss {
		if err := repair(s); err != nil {
			return err
		}
	}
	if err := t.settle(ctx); err != nil {
		return err
	}
	// Enabled one by one, each settled before the next; a family shut
	// down on its own stays down, as in the simulator.
	for _, s := range held {
		if err := t.setShut(ctx, []*liveSession{s}, false); err != nil {
			return err
		}
		if err := t.settle(ctx); err != nil {
			return err
		}
	}
	return nil
}

// setShut shuts the sessions' neighbors down on the cloud router, or
// enables them (except a family shut down on its own).
func (t *Topology) setShut(ctx context.Context, ss []*liveSession, shut bool) error {
	cmds := []string{fmt.Sprintf("router bgp %d", t.cfg.Plan.BorderGatewayASN())}
	for _, s := range ss {
		s.shut = shut
		for _, f := range s.families() {
			cmds = append(cmds, neg(!s.neighborShut(f))+fmt.Sprintf("neighbor %s shutdown", f.cust))
		}
	}
	return t.cloud.configure(ctx, cmds...)
}

func neg(b bool) string {
	if b {
		return "no "
	}
	return ""
}

// syncWithdrawn rewrites the session's inbound deny list from s.withdrawn
// and asks the customer router to resend (a route refresh), so the change
// takes effect now rather than after FRR's route-map delay timer.
func (t *Topology) syncWithdrawn(ctx context.Context, s *liveSession) error {
	cmds := []string{
		"no " + ipWord(false) + " prefix-list " + s.names.withdrawV4,
		"no " + ipWord(true) + " prefix-list " + s.names.withdrawV6,
		fmt.Sprintf("no route-map %s deny 10", s.names.in),
		fmt.Sprintf("no route-map %s deny 11", s.names.in),
	}
	var v4, v6 []netip.Prefix
	for p := range s.withdrawn {
		if p.Addr().Is4() {
			v4 = append(v4, p)
		} else {
			v6 = append(v6, p)
		}
	}
	for i, l := range []struct {
		v6       bool
		list     string
		prefixes []netip.Prefix
	}{{false, s.names.withdrawV4, v4}, {true, s.names.withdrawV6, v6}} {
		if len(l.prefixes) == 0 {
			continue
		}
		slices.SortFunc(l.prefixes, ComparePrefix)
		for j, p := range l.prefixes {
			cmds = append(cmds, fmt.Sprintf("%s prefix-list %s seq %d permit %s", ipWord(l.v6), l.list, (j+1)*5, p))
		}
		cmds = append(cmds, fmt.Sprintf("route-map %s deny %d", s.names.in, 10+i),
			fmt.Sprintf("match %s address prefix-list %s", ipWord(l.v6), l.list), "exit")
	}
	// "no" of a list or entry that does not exist is an error; run the
	// removals one by one and ignore those.
	for _, c := range cmds[:4] {
		_ = t.cloud.configure(ctx, c)
	}
	if len(cmds) > 4 {
		if err := t.cloud.configure(ctx, cmds[4:]...); err != nil {
			return err
		}
	}
	for _, f := range s.families() {
		if s.neighborShut(f) || s.linkDown {
			continue
		}
		if _, err := t.cloud.bgpd(ctx, fmt.Sprintf("clear bgp %s %s soft in", afiWord(f.v6), f.cust)); err != nil {
			return err
		}
	}
	return nil
}

func afiWord(v6 bool) string {
	if v6 {
		return "ipv6"
	}
	return "ipv4"
}

// peerState is one neighbor's line of "show bgp summary json".
type peerState struct {
	State  string `json:"state"`
	PfxRcd int    `json:"pfxRcd"`
}

type summary map[string]struct {
	Peers map[string]peerState `json:"peers"`
}

func (r *router) summary(ctx context.Context) (summary, error) {
	var s summary
	err := r.showJSON(ctx, "show bgp summary json", &s)
	return s, err
}

func (s summary) peer(afi string, addr netip.Addr) peerState {
	return s[afi].Peers[addr.String()]
}

// expectation is what one BGP neighbor of a session should look like now.
type expectation struct {
	s          *liveSession
	f          family
	up         bool
	custPfx    int // prefixes the customer router accepts from the cloud
	cloudPfx   int // prefixes the cloud router accepts from the customer
	custState  peerState
	cloudState peerState
}

func (t *Topology) expectations() []*expectation {
	var out []*expectation
	for _, s := range t.sessions {
		for _, f := range s.families() {
			e := &expectation{s: s, f: f, up: !s.neighborShut(f) && !s.linkDown && !s.silent}
			for _, a := range t.cfg.Strategy.CloudToIDC.On(s.Session) {
				if a.Prefix.Addr().Is6() == f.v6 {
					e.custPfx++
				}
			}
			for _, a := range t.cfg.Strategy.IDCToCloud.On(s.Session) {
				if a.Prefix.Addr().Is6() == f.v6 && !s.withdrawn[a.Prefix] {
					e.cloudPfx++
				}
			}
			out = append(out, e)
		}
	}
	return out
}

// settle waits until every neighbor's state is what the control state says
// (an error after sessionTimeout: a session that never comes up is a broken
// configuration), then until the prefix counts match the strategy (bounded
// by prefixTimeout without error: a count that differs is something the
// comparison reports).
func (t *Topology) settle(ctx context.Context) error {
	start := time.Now()
	defer func() { t.Logf("%s: settled in %s", t.cfg.Plan.Name, time.Since(start).Round(time.Millisecond)) }()
	exps := t.expectations()
	read := func() error {
		cs, err := t.customer.summary(ctx)
		if err != nil {
			return err
		}
		ks, err := t.cloud.summary(ctx)
		if err != nil {
			return err
		}
		for _, e := range exps {
			e.custState = cs.peer(e.f.afi(), e.f.cloud)
			e.cloudState = ks.peer(e.f.afi(), e.f.cust)
		}
		return nil
	}
	statesOK := func() bool {
		for _, e := range exps {
			if (e.custState.State == "Established") != e.up || (e.cloudState.State == "Established") != e.up {
				return false
			}
		}
		return true
	}
	err := poll(ctx, t.sessionTimeout(), pollInterval, func() (bool, error) {
		if err := read(); err != nil {
			return false, err
		}
		return statesOK(), nil
	}, func() string {
		var b strings.Builder
		b.WriteString("BGP sessions did not reach the expected state:")
		for _, e := range exps {
			if (e.custState.State == "Established") != e.up || (e.cloudState.State == "Established") != e.up {
				want := "down"
				if e.up {
					want = "Established"
				}
				fmt.Fprintf(&b, " session %s (%s) should be %s, customer router says %q, cloud router says %q;",
					e.s.Name, e.f.cust, want, e.custState.State, e.cloudState.State)
			}
		}
		return b.String()
	})
	if err != nil {
		return err
	}
	err = poll(ctx, prefixTimeout, pollInterval, func() (bool, error) {
		if err := read(); err != nil {
			return false, err
		}
		if !statesOK() {
			return false, nil
		}
		for _, e := range exps {
			if e.up && (e.custState.PfxRcd != e.custPfx || e.cloudState.PfxRcd != e.cloudPfx) {
				return false, nil
			}
		}
		return true, nil
	}, func() string { return "" })
	if err != nil && ctx.Err() != nil {
		return err
	}
	return nil
}

// Reset returns the topology to its starting point: links up, no
// withdrawn routes, every session shut down and every learned route gone,
// so the next Establish starts the routers' history afresh.
func (t *Topology) Reset(ctx context.Context) error {
	if err := t.setShut(ctx, t.sessions, true); err != nil {
		return err
	}
	for _, s := range t.sessions {
		s.famShut = [2]bool{}
	}
	var errs []error
	for _, s := range t.sessions {
		if s.linkDown {
			s.linkDown = false
			errs = append(errs, linkSet(ctx, t.cloudNS, s.linkDev, true))
		}
		if len(s.withdrawn) > 0 {
			clear(s.withdrawn)
			errs = append(errs, t.syncWithdrawn(ctx, s))
		}
		if s.silent {
			errs = append(errs, t.setSilent(ctx, s, false))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if err := t.settle(ctx); err != nil {
		return err
	}
	// Every learned route must be gone before the history starts again.
	return poll(ctx, sessionTimeout, pollInterval, func() (bool, error) {
		for _, r := range []*router{t.customer, t.cloud} {
			tab, err := t.readTable(ctx, r)
			if err != nil {
				return false, err
			}
			if len(tab) > 0 {
				return false, nil
			}
		}
		return true, nil
	}, func() string { return "learned BGP routes remained after every session was shut down" })
}

// Establish brings the sessions up one at a time in the given order (plan
// session names), each Established with its prefixes exchanged before the
// next starts, as the simulator's initial state assumes.
func (t *Topology) Establish(ctx context.Context, order []string) error {
	for _, name := range order {
		if err := t.Apply(ctx, Event{Kind: sim.EventSessionUp, Session: name}); err != nil {
			return fmt.Errorf("bringing up session %s: %w", name, err)
		}
	}
	return nil
}

// SessionOrder is the plan's order: Direct Connection interfaces first, then
// tunnels, each in plan order (the order strategy.Compute lists them).
func (t *Topology) SessionOrder() []string {
	var dc, vpn []string
	for _, s := range t.sessions {
		if s.Kind == strategy.DirectConnection {
			dc = append(dc, s.Name)
		} else {
			vpn = append(vpn, s.Name)
		}
	}
	return append(dc, vpn...)
}

// pathRank is what the customer router compares before session age: the
// local-preference its inbound policy sets per path kind, then the AS_PATH
// length (origin, MED and the rest are equal on every path here).
type pathRank struct {
	localPref int
	asPathLen int
}

func (a pathRank) betterThan(b pathRank) bool {
	if a.localPref != b.localPref {
		return a.localPref > b.localPref
	}
	return a.asPathLen < b.asPathLen
}

// ranks returns, per prefix, the rank of the session's path on the
// customer router.
func (t *Topology) ranks(s *liveSession) map[netip.Prefix]pathRank {
	lp := 100 // BGP's default when the plan sets none
	if l := t.cfg.Strategy.LocalPreference; l != nil {
		lp = int(l.VPN)
		if s.Kind == strategy.DirectConnection {
			lp = int(l.DirectConnection)
		}
	}
	out := map[netip.Prefix]pathRank{}
	for _, a := range t.cfg.Strategy.CloudToIDC.On(s.Session) {
		n := len(a.ASPath)
		if n == 0 {
			n = 1
		}
		out[a.Prefix] = pathRank{lp, n}
	}
	return out
}

// EstablishInitial brings the sessions up in the given order like
// Establish, but in fewer steps: a session that cannot take over any prefix
// from the paths already there comes up together with the next ones that
// cannot either. That gives FRR the same state as one at a time, because
// FRR's "older path" rule does not compare arrival times: it keeps the path
// currently selected when a new one ties with it (bgp_path_info_cmp checks
// BGP_PATH_SELECTED), so the order in which paths that never get selected
// arrive leaves no trace. A session whose path would beat the selected one
// for some prefix, or that brings a prefix no session carries yet, comes up
// alone, because there the order decides. Config.SequentialStart turns this
// off.
func (t *Topology) EstablishInitial(ctx context.Context, order []string) error {
	if t.cfg.SequentialStart {
		return t.Establish(ctx, order)
	}
	selected := map[netip.Prefix]pathRank{}
	improves := func(s *liveSession) bool {
		for p, r := range t.ranks(s) {
			cur, ok := selected[p]
			if !ok || r.betterThan(cur) {
				return true
			}
		}
		return false
	}
	var batch []*liveSession
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := t.setShut(ctx, batch, false); err != nil {
			return err
		}
		batch = nil
		return t.settle(ctx)
	}
	for _, name := range order {
		s, err := t.session(name)
		if err != nil {
			return err
		}
		if !improves(s) {
			batch = append(batch, s)
			continue
		}
		if err := flush(); err != nil {
			return err
		}
		if err := t.Apply(ctx, Event{Kind: sim.EventSessionUp, Session: name}); err != nil {
			return fmt.Errorf("bringing up session %s: %w", name, err)
		}
		for p, r := range t.ranks(s) {
			if cur, ok := selected[p]; !ok || r.betterThan(cur) {
				selected[p] = r
			}
		}
	}
	return flush()
}

// Pristine reports whether every session and link is up (no family shut
// down on its own, no silent failure) and nothing is withdrawn, as in the
// initial state.
func (t *Topology) Pristine() bool {
	for _, s := range t.sessions {
		if s.shut || s.famShut != [2]bool{} || s.linkDown || s.silent || len(s.withdrawn) > 0 {
			return false
		}
	}
	return true
}

// silentMAC is the link-layer address a silent failure sends to: no
// interface has it, so the far end drops every frame as not its own.
const silentMAC = "02:00:00:00:00:01"

// setSilent makes a session's link fail silently, or heals it. Each end's
// neighbor entry for the other end points at silentMAC (permanent, so the
// kernel never resolves it again): every packet either way (BGP, BFD and
// the traffic routed over the session) leaves and is dropped on arrival,
// while the carrier stays up and no NOTIFICATION gets through, as with a
// fault on the line between the two routers. (The test machine's kernel
// has no netem or tc classifiers to drop packets otherwise.) Healing
// deletes the entries; the kernel resolves the peers again.
func (t *Topology) setSilent(ctx context.Context, s *liveSession, silent bool) error {
	s.silent = silent
	for _, f := range s.families() {
		for _, end := range []struct {
			ns   string
			peer netip.Addr
		}{{t.custNS, f.cloud}, {t.cloudNS, f.cust}} {
			var err error
			if silent {
				_, err = run(ctx, "ip", "-n", end.ns, "neigh", "replace", end.peer.String(), "lladdr", silentMAC, "nud", "permanent", "dev", s.dev)
			} else {
				_, err = run(ctx, "ip", "-n", end.ns, "neigh", "del", end.peer.String(), "dev", s.dev)
			}
			if err != nil {
				return fmt.Errorf("session %s, %s a silent failure: %w", s.Name, map[bool]string{true: "making", false: "healing"}[silent], err)
			}
		}
	}
	return nil
}

// sessionTimeout bounds the wait for sessions to reach their state: room
// for a loaded machine beyond the hold time, after which a silently
// failed session must be down.
func (t *Topology) sessionTimeout() time.Duration {
	hold := time.Duration(t.cfg.Timers[1]) * time.Second
	return max(sessionTimeout, hold+10*time.Second)
}
