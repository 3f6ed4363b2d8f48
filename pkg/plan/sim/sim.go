// Package sim simulates BGP route selection and forwarding between the IDC's
// customer router and the JD Cloud border gateway, normally and under
// failures.
//
// Each router has a decider: an explicit ordered list of steps that picks the
// best path(s) for one prefix and records why (DecideBorderGateway,
// DecideCustomerRouter). Forwarding then takes the longest matching prefix
// that has a best path. A scenario is an ordered list of events (sessions
// down and up, the port down and up, prefixes withdrawn and restored)
// applied after InitialEvents, so that the FRR oracle can replay it on real
// routers and compare.
//
// Entry points: Scenarios, Run, Trace and Matrix. Every result marshals to
// JSON with stable camelCase names; docs/simulate.md documents them.
package sim

import (
	"maps"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/hybridplan/hybridplan/pkg/cidr"
	"github.com/hybridplan/hybridplan/pkg/fmtlite"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

// Router names in results.
const (
	RouterBorderGateway  = "border-gateway"
	RouterCustomerRouter = "customer-router"
)

// State is the outcome of a scenario: the sessions and both routers' route
// tables.
type State struct {
	Scenario       Scenario       `json:"scenario"`
	Sessions       []SessionState `json:"sessions"`
	BorderGateway  Table          `json:"borderGateway"`
	CustomerRouter Table          `json:"customerRouter"`
}

// SessionState is one BGP session at the end of a scenario.
type SessionState struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	Up   bool   `json:"up"`
	// Established orders the sessions by when they last came up (1 first);
	// 0 when down.
	Established int `json:"established,omitempty"`
	// Withdrawn are the prefixes the customer router no longer advertises
	// on the session.
	Withdrawn []netip.Prefix `json:"withdrawn,omitempty"`
	// IPv6 is the session's IPv6 BGP session, when it has one: a separate
	// neighbor, as the exported configuration sets it up, which can fail
	// alone. Up and Established above are the IPv4 session's.
	IPv6 *FamilySession `json:"ipv6,omitempty"`
}

// FamilySession is one address family's BGP session of an interface or
// tunnel.
type FamilySession struct {
	Up          bool `json:"up"`
	Established int  `json:"established,omitempty"`
}

// Table is one router's effective routes, sorted by prefix (IPv4 first).
type Table struct {
	Router string  `json:"router"`
	Routes []Route `json:"routes"`

	// index finds routes by longest-prefix match; byRef maps its refs (the
	// model's prefix numbers) to Routes.
	index *lazyIndex
	byRef []int32
}

// Route is one prefix in a router's table: every candidate path, the
// decision, and the next hops it forwards to.
type Route struct {
	Prefix     netip.Prefix `json:"prefix"`
	Candidates []Path       `json:"candidates"`
	Decision   Decision     `json:"decision"`
	// NextHops are the best paths' next hops (several for ECMP).
	NextHops []NextHop `json:"nextHops"`
}

// NextHop is where a router forwards: a BGP session (its kind and the
// neighbor address) or, on the border gateway, a VPC attachment.
type NextHop struct {
	Kind       string     `json:"kind"`
	Session    string     `json:"session,omitempty"`
	Attachment string     `json:"attachment,omitempty"`
	Address    netip.Addr `json:"address,omitzero"`
}

// Lookup returns the route the router forwards addr by: the longest prefix
// that contains addr and has a best path. It works on tables from Run, not
// on ones decoded from JSON.
func (t *Table) Lookup(addr netip.Addr) (Route, bool) {
	if t.index == nil {
		return Route{}, false
	}
	cs := t.index.get().Containing(addr)
	for i := len(cs) - 1; i >= 0; i-- { // shortest first: walk back from the longest
		if r := t.byRef[cs[i].Ref]; r >= 0 {
			return t.Routes[r], true
		}
	}
	return Route{}, false
}

// Run simulates scenario s on plan p: InitialEvents, then s.Events in order.
// It fails when an event names a session, a connection or a prefix the plan
// does not have.
func Run(p *plan.Plan, s Scenario) (*State, error) {
	return newModel(p).run(s)
}

// model is everything about a plan that does not change between scenarios,
// computed once: sessions, candidate paths per prefix, lookup indexes.
type model struct {
	p        *plan.Plan
	strat    strategy.Result
	sessions []strategy.Session
	byName   map[string]int
	// bgw and cust list each router's prefixes (sorted) with the candidate
	// paths each could have; a VPC attachment route is always present.
	bgw, cust       []prefixPaths
	bgwIdx, custIdx *lazyIndex
	// single holds each session's name as a one-element list, shared by
	// the matrix verdicts of routes with one next hop.
	single [][]string
	// canon maps each session to the one its name resolves to (byName:
	// the first of that name), so hot loops need no string lookups.
	canon []int
	// multi holds the session lists of ECMP verdicts, one per distinct
	// list of canonical sessions (multiKey), shared like single.
	multi    [][]string
	multiKey [][]int
	// selBuf and selBest are reselect's buffers, reused.
	selBuf  []Path
	selSess []int
	selBest []int
	upBuf   [2][]bool // upLinks' answer, reused
	// selHead and selMemo remember reselect's choices (selEntry).
	selHead []int32
	selMemo []selEntry
	// initial is the world after InitialEvents (initialEvents), which
	// every scenario starts from, or initialErr; initialDone says they
	// have been computed.
	initialDone   bool
	initialEvents []Event
	initial       *world
	initialErr    error
	// Per-session attributes shared by all of a session's paths.
	priority  []int        // border gateway next-hop priority
	localPref []uint32     // customer router local-preference
	routerID  []netip.Addr // the cloud peer's router ID (profile routerIds)
	nh        plan.NextHopPriority
	rd        plan.RouteDistance
}

type prefixPaths struct {
	prefix netip.Prefix
	paths  []sessionPath
}

// sessionPath is a candidate path in compact form; candidates expands it to
// a Path only when a scenario needs it.
type sessionPath struct {
	prefix netip.Prefix
	// session indexes model.sessions; -1 for a VPC attachment route, whose
	// attachment's name is in attachment.
	session    int
	attachment string
	// asPath is shared between paths.
	asPath []uint32
}

func newModel(p *plan.Plan) *model { return newModelFrom(p, strategy.Compute(p)) }

// newModelFrom builds the model from a strategy result the caller already
// computed for p (Check's callers have one).
func newModelFrom(p *plan.Plan, strat strategy.Result) *model {
	m := &model{
		p:      p,
		strat:  strat,
		byName: map[string]int{},
	}
	m.sessions = m.strat.Sessions
	m.single = make([][]string, len(m.sessions))
	m.canon = make([]int, len(m.sessions))
	m.selSess = make([]int, 0, 8) // not nil: candidatesOf fills it
	for i, s := range m.sessions {
		if _, dup := m.byName[s.Name]; !dup {
			m.byName[s.Name] = i
		}
		m.canon[i] = m.byName[s.Name]
		m.single[i] = []string{s.Name}
	}
	prof := p.EffectiveProfile()
	m.nh, m.rd = prof.BorderGW.NextHopPriority, prof.BorderGW.RouteDistance

	// Every announcement on every session, plus the VPC routes.
	nBGW, nCust := 0, 0
	for _, s := range m.sessions {
		nBGW += len(m.strat.IDCToCloud.For(s.Kind))
		nCust += len(m.strat.CloudToIDC.For(s.Kind))
	}
	var vpc []sessionPath
	empty := []uint32{}
	for _, a := range p.BorderGateway.Attachments {
		for _, q := range a.Propagated() {
			vpc = append(vpc, sessionPath{prefix: q.Masked(), session: -1, attachment: a.Name, asPath: empty})
		}
	}
	bgw := append(make([]sessionPath, 0, nBGW+len(vpc)), vpc...)
	cust := make([]sessionPath, 0, nCust)
	lp := p.Strategy.LocalPreference
	m.priority = make([]int, len(m.sessions))
	m.localPref = make([]uint32, len(m.sessions))
	m.routerID = make([]netip.Addr, len(m.sessions))
	for si, s := range m.sessions {
		m.routerID[si] = prof.RouterIDs.VPN
		if s.Kind == strategy.DirectConnection {
			m.routerID[si] = prof.RouterIDs.DirectConnection
		}
		m.priority[si] = m.nh.PrivateInterface
		if s.Kind == strategy.VPN {
			m.priority[si] = m.nh.VPNConnection
		}
		m.localPref[si] = 100 // BGP's default
		if lp != nil {
			m.localPref[si] = lp.VPN
			if s.Kind == strategy.DirectConnection {
				m.localPref[si] = lp.DirectConnection
			}
		}
		// One AS_PATH per prepend count, shared by the session's paths.
		paths := map[int][]uint32{}
		for _, a := range m.strat.IDCToCloud.For(s.Kind) {
			if !s.Carries(a.Prefix) {
				continue
			}
			path, ok := paths[a.Prepend]
			if !ok {
				path = make([]uint32, 1+a.Prepend)
				for i := range path {
					path[i] = s.CustomerASN
				}
				paths[a.Prepend] = path
			}
			bgw = append(bgw, sessionPath{prefix: a.Prefix, session: si, asPath: path})
		}
		// What the session's cloud end sends, one slice per distinct
		// profile path (announcements share theirs).
		var from, received []uint32
		for _, a := range m.strat.CloudToIDC.For(s.Kind) {
			if s.Carries(a.Prefix) {
				if received == nil || !slices.Equal(from, a.ASPath) {
					from, received = a.ASPath, ReceivedASPath(s, a.ASPath)
				}
				cust = append(cust, sessionPath{prefix: a.Prefix, session: si, asPath: received})
			}
		}
	}
	m.bgw, m.bgwIdx = groupByPrefix(bgw)
	m.cust, m.custIdx = groupByPrefix(cust)
	return m
}

func comparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return a.Bits() - b.Bits()
}

// groupByPrefix sorts the paths by prefix, keeping their order within one
// prefix (VPC routes first, then sessions in bring-up order), and groups
// them.
func groupByPrefix(paths []sessionPath) ([]prefixPaths, *lazyIndex) {
	// Sort positions, not the paths themselves: a stable sort of values
	// that hold pointers moves each many times, every move with a write
	// barrier while the collector marks (most of the time under
	// WebAssembly). The position breaks ties, which keeps the order a
	// stable sort would.
	sorted := make([]sessionPath, len(paths))
	if keys := ipv4Keys(paths); keys != nil {
		slices.Sort(keys)
		for i, k := range keys {
			sorted[i] = paths[k&posMask]
		}
	} else {
		order := make([]int32, len(paths))
		for i := range order {
			order[i] = int32(i)
		}
		slices.SortFunc(order, func(a, b int32) int {
			if c := comparePrefix(paths[a].prefix, paths[b].prefix); c != 0 {
				return c
			}
			return int(a - b)
		})
		for i, k := range order {
			sorted[i] = paths[k]
		}
	}
	paths = sorted
	var out []prefixPaths
	for i := 0; i < len(paths); {
		j := i + 1
		for j < len(paths) && paths[j].prefix == paths[i].prefix {
			j++
		}
		out = append(out, prefixPaths{prefix: paths[i].prefix, paths: paths[i:j:j]})
		i = j
	}
	return out, &lazyIndex{pps: out}
}

// posMask is the position's part of an ipv4Keys key.
const posMask = 1<<26 - 1

// ipv4Keys packs each path's prefix and position into one integer that
// sorts as comparePrefix and then the position do (address, then length,
// then position), when every prefix is IPv4; nil otherwise. Sorting plain
// integers needs no comparison function: under WebAssembly the calls of a
// SortFunc's closure were most of the model's construction.
func ipv4Keys(paths []sessionPath) []uint64 {
	if len(paths) > posMask {
		return nil
	}
	keys := make([]uint64, len(paths))
	for i := range paths {
		q := paths[i].prefix
		if !q.Addr().Is4() {
			return nil
		}
		a := q.Addr().As4()
		// 32 bits of address, 6 of length (0–32), 26 of position.
		keys[i] = uint64(a[0])<<56 | uint64(a[1])<<48 | uint64(a[2])<<40 | uint64(a[3])<<32 | uint64(q.Bits())<<26 | uint64(i)
	}
	return keys
}

// lazyIndex is a router's prefixes in a longest-prefix-match trie, built on
// the first lookup: the matrix finds its matches with one sweep instead and
// never needs it.
type lazyIndex struct {
	once sync.Once
	pps  []prefixPaths
	ix   *cidr.Index
}

func (l *lazyIndex) get() *cidr.Index {
	l.once.Do(func() {
		l.ix = cidr.NewIndex()
		for i, pp := range l.pps {
			_ = l.ix.Insert(pp.prefix, i) // refused only for IPv4-mapped IPv6, which validation reports
		}
	})
	return l.ix
}

// Address families of a session's BGP neighbors, as indexes: every
// session has an IPv4 neighbor; one with IPv6 addresses has an IPv6
// neighbor too, a separate BGP session (as the exporter configures it).
const (
	famIPv4 = 0
	famIPv6 = 1
)

func familyOf(q netip.Prefix) int {
	if q.Addr().Is6() {
		return famIPv6
	}
	return famIPv4
}

// link is one address family's BGP session of one plan session.
type link struct{ session, family int }

// world is the sessions' state while events are applied.
type world struct {
	adminUp []bool
	// famShut shuts one address family's neighbor of a session down on its
	// own (a session-down event with a family).
	famShut [2][]bool
	linkUp  []bool
	// established orders each family's sessions by when they came up; 0
	// when down.
	established [2][]int
	// withdrawn holds each session's withdrawn prefixes; when allWithdrawn
	// is set it holds the exceptions instead (prefixes restored since), so
	// withdrawing everything costs nothing per prefix.
	withdrawn    []map[netip.Prefix]bool
	allWithdrawn []bool
	// clock counts each family's session establishments: paths of one
	// prefix are all of one family, so only a family's order matters.
	clock [2]int
	// selected is the customer router's best path per prefix (indexing
	// model.cust): the session, or -1. It is kept up to date after every
	// session change, as a router does, because BGP keeps the current best
	// over an equal newer eBGP path. incumbent is the best before the last
	// change to the prefix's paths: the decision the router made then is
	// the one it reports (FRR's selectionReason).
	selected, incumbent []int
	// pending marks sessions that one event brings up but that have not
	// established yet: they come up one at a time, and until its turn a
	// session offers the customer router no path.
	pending [2][]bool
}

// upFamily reports whether session i's neighbor of family f is up.
func (w *world) upFamily(i, f int) bool {
	return w.adminUp[i] && !w.famShut[f][i] && w.linkUp[i] && !w.pending[f][i]
}

// up reports whether session i's IPv4 session is up.
func (w *world) up(i int) bool { return w.upFamily(i, famIPv4) }

// families returns how many address families session i has a neighbor
// for: 1 (famIPv4) or 2 (famIPv4 and famIPv6), so that `for f := range`
// visits them without a slice allocated per call.
func (m *model) families(i int) int {
	if m.sessions[i].CustomerIPv6.IsValid() {
		return 2
	}
	return 1
}

// upLinks is every family session's state, for settle. It reuses the
// model's buffer: apply, its only caller, is done with the previous
// answer when it asks again.
func (m *model) upLinks(w *world) [2][]bool {
	for f := range m.upBuf {
		if m.upBuf[f] == nil {
			m.upBuf[f] = make([]bool, len(m.sessions))
		}
		for i := range m.sessions {
			m.upBuf[f][i] = w.upFamily(i, f)
		}
	}
	return m.upBuf
}

// isWithdrawn reports whether the customer router holds q back on session i.
func (w *world) isWithdrawn(i int, q netip.Prefix) bool {
	if w.withdrawn[i] == nil { // no exceptions: no map lookup
		return w.allWithdrawn[i]
	}
	if w.allWithdrawn[i] {
		return !w.withdrawn[i][q]
	}
	return w.withdrawn[i][q]
}

// setWithdrawn withdraws (or restores) prefixes on session i; no prefixes
// means all of them.
func (w *world) setWithdrawn(i int, prefixes []netip.Prefix, withdraw bool) {
	if len(prefixes) == 0 {
		w.allWithdrawn[i] = withdraw
		w.withdrawn[i] = nil
		return
	}
	// In the exceptions mode, withdrawing removes an exception.
	mark := withdraw != w.allWithdrawn[i]
	if w.withdrawn[i] == nil {
		w.withdrawn[i] = map[netip.Prefix]bool{}
	}
	for _, q := range prefixes {
		if mark {
			w.withdrawn[i][q.Masked()] = true
		} else {
			delete(w.withdrawn[i], q.Masked())
		}
	}
}

// settle records the sessions that changed state and lets the customer
// router choose again. Sessions that one event takes down go down together
// (a port going down drops every session on it before the router runs its
// best-path selection once, so none of them leaves an incumbent behind);
// sessions that come up establish one at a time, in session order, with a
// choice after each, as BGP sessions do.
func (m *model) settle(w *world, wasUp [2][]bool) {
	var down []link
	for i := range w.adminUp {
		for f := range m.families(i) {
			if !w.upFamily(i, f) && wasUp[f][i] {
				w.established[f][i] = 0
				down = append(down, link{i, f})
			}
		}
	}
	if len(down) > 0 {
		m.reselect(w, down)
	}
	// Sessions that come up establish one at a time. Until its turn a
	// session is pending (not up): otherwise the first one's choice would
	// already see the later ones' paths, as if they had arrived together,
	// and the neighbor address, not arrival, would decide between them
	// (issue 9: after a port came back, the customer router returned over
	// the interface that came back second).
	var coming []link
	for i := range w.adminUp {
		for f := range m.families(i) {
			if w.upFamily(i, f) && !wasUp[f][i] {
				w.pending[f][i] = true
				coming = append(coming, link{i, f})
			}
		}
	}
	for _, l := range coming {
		w.pending[l.family][l.session] = false
		w.clock[l.family]++
		w.established[l.family][l.session] = w.clock[l.family]
		m.reselect(w, []link{l})
	}
}

// reselect lets the customer router choose again for the prefixes whose
// paths changed when the sessions changed state.
func (m *model) reselect(w *world, links []link) {
	// The buffers live on the model: a matrix reselects a few times per
	// scenario, and each fresh buffer is garbage the collector, single
	// threaded under WebAssembly, has to run for.
	buf, sess, best := m.selBuf[:0], m.selSess[:0], m.selBest[:0]
	for ref := range m.cust {
		pp := &m.cust[ref]
		f := familyOf(pp.prefix)
		if !slices.ContainsFunc(pp.paths, func(sp sessionPath) bool { return slices.Contains(links, link{sp.session, f}) }) {
			continue
		}
		w.incumbent[ref] = w.selected[ref]
		// The choice depends on the world only through the live paths
		// and the incumbent (as for worldMemo): made once per pair.
		live, memo := uint64(0), len(pp.paths) <= maxMemoPaths
		if memo {
			for k := range pp.paths {
				if w.upFamily(pp.paths[k].session, f) { // the same test as candidatesOf's
					live |= 1 << k
				}
			}
			if m.selHead == nil {
				m.selHead = make([]int32, len(m.cust))
				for i := range m.selHead {
					m.selHead[i] = -1
				}
			}
			e := m.selHead[ref]
			for ; e >= 0; e = m.selMemo[e].next {
				if m.selMemo[e].live == live && m.selMemo[e].incumbent == w.incumbent[ref] {
					break
				}
			}
			if e >= 0 {
				w.selected[ref] = m.selMemo[e].selected
				continue
			}
		}
		buf, sess = m.candidatesOf(buf[:0], sess[:0], RouterCustomerRouter, ref, *pp, w)
		w.selected[ref] = -1
		if len(buf) > 0 {
			best = decide(customerRouterSteps, buf, false, false, best).Best
			// The customer router's paths all come from sessions; canon
			// is byName's answer for the path's session name.
			w.selected[ref] = m.canon[sess[best[0]]]
		}
		if memo {
			m.selMemo = append(m.selMemo, selEntry{live: live, incumbent: w.incumbent[ref], selected: w.selected[ref], next: m.selHead[ref]})
			m.selHead[ref] = int32(len(m.selMemo) - 1)
		}
	}
	m.selBuf, m.selSess, m.selBest = buf[:0], sess[:0], best[:0]
}

// selEntry is one remembered choice of reselect: for a prefix, the live
// paths (bit k: path k) and the incumbent, the session selected (-1:
// none). Entries of one prefix are chained from model.selHead by next.
type selEntry struct {
	live                uint64
	incumbent, selected int
	next                int32
}

// world applies InitialEvents and then the scenario's events.
func (m *model) world(s Scenario) (*world, error) {
	n := len(m.sessions)
	if !m.initialDone {
		// The world after InitialEvents is the same for every scenario:
		// found once, then copied.
		m.initialDone = true
		m.initialEvents = InitialEvents(m.p)
		if len(m.initialEvents) == n { // one event per session, so an error below is an initial event's
			w := m.newWorld()
			for k, e := range m.initialEvents {
				if err := m.apply(w, e); err != nil {
					m.initialErr = fmtlite.Errorf("initial event %d (%s): %w", k+1, e, err)
					break
				}
			}
			m.initial = w
		}
	}
	if m.initialErr != nil {
		return nil, m.initialErr
	}
	if m.initial != nil {
		w := m.initial.clone()
		for k, e := range s.Events {
			if err := m.apply(w, e); err != nil {
				return nil, fmtlite.Errorf("scenario %q, event %d (%s): %w", s.Name, k+1, e, err)
			}
		}
		return w, nil
	}
	w := m.newWorld()
	events := append(slices.Clip(m.initialEvents), s.Events...)
	for k, e := range events {
		if err := m.apply(w, e); err != nil {
			if k >= n {
				return nil, fmtlite.Errorf("scenario %q, event %d (%s): %w", s.Name, k-n+1, e, err)
			}
			return nil, fmtlite.Errorf("initial event %d (%s): %w", k+1, e, err)
		}
	}
	return w, nil
}

// clone is a deep copy of w.
func (w *world) clone() *world {
	c := &world{
		adminUp:      slices.Clone(w.adminUp),
		linkUp:       slices.Clone(w.linkUp),
		withdrawn:    slices.Clone(w.withdrawn),
		allWithdrawn: slices.Clone(w.allWithdrawn),
		clock:        w.clock,
		selected:     slices.Clone(w.selected),
		incumbent:    slices.Clone(w.incumbent),
	}
	for i, wd := range c.withdrawn {
		if wd != nil {
			c.withdrawn[i] = maps.Clone(wd)
		}
	}
	for f := range 2 {
		c.famShut[f] = slices.Clone(w.famShut[f])
		c.established[f] = slices.Clone(w.established[f])
		c.pending[f] = slices.Clone(w.pending[f])
	}
	return c
}

// newWorld is the world before any event: every session down.
func (m *model) newWorld() *world {
	n := len(m.sessions)
	w := &world{
		adminUp:      make([]bool, n),
		linkUp:       make([]bool, n),
		withdrawn:    make([]map[netip.Prefix]bool, n),
		allWithdrawn: make([]bool, n),
		selected:     make([]int, len(m.cust)),
		incumbent:    make([]int, len(m.cust)),
	}
	for f := range 2 {
		w.famShut[f] = make([]bool, n)
		w.established[f] = make([]int, n)
		w.pending[f] = make([]bool, n)
	}
	for i := range w.linkUp {
		w.linkUp[i] = true
	}
	for i := range w.selected {
		w.selected[i], w.incumbent[i] = -1, -1
	}
	return w
}

func (m *model) run(s Scenario) (*State, error) {
	w, err := m.world(s)
	if err != nil {
		return nil, err
	}
	n := len(m.sessions)
	st := &State{Scenario: s, Sessions: make([]SessionState, n)}
	for i, sess := range m.sessions {
		ss := SessionState{Name: sess.Name, Kind: string(sess.Kind), Up: w.up(i), Established: w.established[famIPv4][i]}
		if sess.CustomerIPv6.IsValid() {
			ss.IPv6 = &FamilySession{Up: w.upFamily(i, famIPv6), Established: w.established[famIPv6][i]}
		}
		for _, a := range m.strat.IDCToCloud.For(sess.Kind) {
			if sess.Carries(a.Prefix) && w.isWithdrawn(i, a.Prefix) {
				ss.Withdrawn = append(ss.Withdrawn, a.Prefix)
			}
		}
		slices.SortFunc(ss.Withdrawn, comparePrefix)
		st.Sessions[i] = ss
	}
	st.BorderGateway = m.table(RouterBorderGateway, m.bgw, m.bgwIdx, w, DecideBorderGateway)
	st.CustomerRouter = m.table(RouterCustomerRouter, m.cust, m.custIdx, w, DecideCustomerRouter)
	return st, nil
}

// Fields of an event that an eventError can name.
const (
	fieldKind     = "kind"
	fieldSession  = "session"
	fieldPrefixes = "prefixes"
	fieldFamily   = "family"
)

// eventError is an event the plan cannot apply, with the field at fault
// (fieldKind, fieldSession or fieldPrefixes), so that a user-written
// scenario's finding can point at it.
type eventError struct {
	field string
	err   error
}

func (e *eventError) Error() string { return e.err.Error() }
func (e *eventError) Unwrap() error { return e.err }

func fieldErr(field string, err error) error { return &eventError{field, err} }

// apply changes the world by one event.
func (m *model) apply(w *world, e Event) error {
	wasUp := m.upLinks(w)
	if e.Family != "" && e.Kind != EventSessionUp && e.Kind != EventSessionDown {
		return fieldErr(fieldFamily, fmtlite.Errorf("a %s event takes no family; only session-up and session-down act on one address family's session", e.Kind))
	}
	switch e.Kind {
	case EventSessionUp, EventSessionDown:
		i, err := m.session(e.Session)
		if err != nil {
			return fieldErr(fieldSession, err)
		}
		up := e.Kind == EventSessionUp
		switch e.Family {
		case "":
			// The whole session: every family's neighbor.
			w.adminUp[i] = up
			if up {
				w.famShut[famIPv4][i], w.famShut[famIPv6][i] = false, false
			}
		case FamilyIPv4:
			w.famShut[famIPv4][i] = !up
		case FamilyIPv6:
			if !m.sessions[i].CustomerIPv6.IsValid() {
				return fieldErr(fieldFamily, fmtlite.Errorf("%s has no IPv6 session (no IPv6 interconnect or inside addresses)", e.Session))
			}
			w.famShut[famIPv6][i] = !up
		default:
			return fieldErr(fieldFamily, fmtlite.Errorf("unknown family %q; use %s, %s, or leave it out for both", e.Family, FamilyIPv4, FamilyIPv6))
		}
	case EventLinkDown, EventLinkUp:
		dc := m.p.DirectConnection
		if dc == nil || len(dc.Interfaces) == 0 {
			return fieldErr(fieldKind, fmtlite.Errorf("the plan has no Direct Connection interfaces to take %s", strings.TrimPrefix(e.Kind, "link-")))
		}
		// The port is named by the connection or by any session on it.
		if e.Session != "" && e.Session != dc.ConnectionID {
			if i, ok := m.byName[e.Session]; !ok || m.sessions[i].Kind != strategy.DirectConnection {
				return fieldErr(fieldSession, fmtlite.Errorf("%q is neither the plan's Direct Connection nor one of its interfaces; use %q or leave the session empty", e.Session, dc.ConnectionID))
			}
		}
		for i, s := range m.sessions {
			if s.Kind == strategy.DirectConnection {
				w.linkUp[i] = e.Kind == EventLinkUp
			}
		}
	case EventWithdraw, EventRestore:
		targets, err := m.withdrawTargets(e)
		if err != nil {
			return err
		}
		for _, i := range targets {
			w.setWithdrawn(i, e.Prefixes, e.Kind == EventWithdraw)
		}
	case EventSilentDown, EventSilentUp:
		// After detection a silent failure leaves the routers as a link
		// failure does (failover.go).
		targets, err := m.silentTargets(e)
		if err != nil {
			return fieldErr(fieldSession, err)
		}
		for _, i := range targets {
			w.linkUp[i] = e.Kind == EventSilentUp
		}
	default:
		return fieldErr(fieldKind, fmtlite.Errorf("unknown event kind %q; use one of %s, %s, %s, %s, %s, %s, %s, %s", e.Kind,
			EventSessionUp, EventSessionDown, EventLinkDown, EventLinkUp, EventWithdraw, EventRestore, EventSilentDown, EventSilentUp))
	}
	m.settle(w, wasUp)
	return nil
}

func (m *model) session(name string) (int, error) {
	if i, ok := m.byName[name]; ok {
		return i, nil
	}
	names := make([]string, len(m.sessions))
	for i, s := range m.sessions {
		names[i] = s.Name
	}
	if name == "" {
		return 0, fmtlite.Errorf("the event names no session; use one of: %s", strings.Join(names, ", "))
	}
	return 0, fmtlite.Errorf("no session %q in the plan; use one of: %s", name, strings.Join(names, ", "))
}

// withdrawTargets returns the sessions a withdraw or restore applies to and
// checks that its prefixes are advertised there.
func (m *model) withdrawTargets(e Event) ([]int, error) {
	var targets []int
	kind := strategy.DirectConnection
	if e.Session == "" {
		for i, s := range m.sessions {
			if s.Kind == strategy.DirectConnection {
				targets = append(targets, i)
			}
		}
		if len(targets) == 0 {
			return nil, fieldErr(fieldSession, fmtlite.Errorf("the plan has no Direct Connection sessions to %s prefixes on; name a session", e.Kind))
		}
	} else {
		i, err := m.session(e.Session)
		if err != nil {
			return nil, fieldErr(fieldSession, err)
		}
		targets = []int{i}
		kind = m.sessions[i].Kind
	}
	for _, q := range e.Prefixes {
		if !slices.ContainsFunc(m.strat.IDCToCloud.For(kind), func(a strategy.Announcement) bool { return a.Prefix == q.Masked() }) {
			var list []string
			for _, a := range m.strat.IDCToCloud.For(kind) {
				list = append(list, a.Prefix.String())
			}
			return nil, fieldErr(fieldPrefixes, fmtlite.Errorf("%s is not advertised over %s, so it cannot be withdrawn or restored; choose from: %s", q, kind, strings.Join(list, ", ")))
		}
	}
	return targets, nil
}

// table runs a decider over every prefix's live candidates.
func (m *model) table(router string, pps []prefixPaths, ix *lazyIndex, w *world, decider func([]Path) Decision) Table {
	t := Table{Router: router, Routes: make([]Route, 0, len(pps)), index: ix, byRef: make([]int32, len(pps))}
	for ref, pp := range pps {
		cands := m.candidates(nil, router, ref, pp, w)
		if len(cands) == 0 {
			t.byRef[ref] = -1
			continue
		}
		d := decider(cands)
		hops := make([]NextHop, len(d.Best))
		for k, b := range d.Best {
			c := cands[b]
			hops[k] = NextHop{Kind: c.Kind, Session: c.Session, Attachment: c.Attachment, Address: c.NextHop}
		}
		t.byRef[ref] = int32(len(t.Routes))
		t.Routes = append(t.Routes, Route{Prefix: pp.prefix, Candidates: cands, Decision: d, NextHops: hops})
	}
	return t
}

// candidates appends to buf the paths to pp.prefix that the router has in
// world w: from sessions that are up (and, on the border gateway, that
// still advertise the prefix), and the VPC routes.
func (m *model) candidates(buf []Path, router string, ref int, pp prefixPaths, w *world) []Path {
	buf, _ = m.candidatesOf(buf, nil, router, ref, pp, w)
	return buf
}

// candidatesOf is candidates that also appends to sess, when not nil, each
// path's session (model.sessions index; -1 for a VPC route).
func (m *model) candidatesOf(buf []Path, sess []int, router string, ref int, pp prefixPaths, w *world) ([]Path, []int) {
	// Each path is appended as a zero value and filled in place: appending
	// a Path literal copies it with a bulk write barrier while the
	// collector marks, which under WebAssembly costs more than the path.
	for _, sp := range pp.paths {
		if sp.session < 0 {
			buf = append(buf, Path{})
			c := &buf[len(buf)-1]
			c.Prefix, c.Kind, c.Attachment, c.ASPath = pp.prefix, KindVPCAttachment, sp.attachment, sp.asPath
			c.NextHopPriority, c.RouteType, c.RouteDistance = m.nh.VPCAttachment, RoutePropagation, m.rd.VPCPropagation
			if sess != nil {
				sess = append(sess, -1)
			}
			continue
		}
		i := sp.session
		f := familyOf(pp.prefix)
		if !w.upFamily(i, f) || router == RouterBorderGateway && w.isWithdrawn(i, pp.prefix) {
			continue
		}
		if buf == nil {
			buf = make([]Path, 0, len(pp.paths))
		}
		s := &m.sessions[i]
		if sess != nil {
			sess = append(sess, i)
		}
		buf = append(buf, Path{})
		c := &buf[len(buf)-1]
		c.Prefix, c.Kind, c.Session, c.ASPath = pp.prefix, string(s.Kind), s.Name, sp.asPath
		if router == RouterBorderGateway {
			c.NextHop = s.CustomerAddrFor(pp.prefix)
			c.NextHopPriority, c.RouteType, c.RouteDistance = m.priority[i], RouteEBGP, m.rd.EBGP
			continue
		}
		neighborAS := s.CloudASN
		if len(sp.asPath) > 0 {
			neighborAS = sp.asPath[0]
		}
		c.NextHop = s.CloudAddrFor(pp.prefix)
		c.LocalPref, c.Origin, c.NeighborAS = m.localPref[i], OriginIGP, neighborAS
		c.Received, c.Selected, c.RouterID = w.established[f][i], w.incumbent[ref] == i, m.routerID[i]
	}
	return buf, sess
}
