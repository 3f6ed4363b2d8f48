package sim

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/fmtlite"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

// Codes of the simulation-level findings (Check). They are stable: the
// verdict, the page and codes.md refer to them.
const (
	// CodeOneWay: in some scenario traffic between an IDC segment and a VPC
	// segment gets through in one direction only.
	CodeOneWay = "sim.one-way"
	// CodeAsymmetric: with every session up, the two directions between an
	// IDC segment and a VPC segment take different path kinds (or ECMP
	// spreads one over both), which stateful firewalls drop.
	CodeAsymmetric = "sim.asymmetric"
	// CodeFailbackNotDC: after a failure is repaired, a direction that used
	// Direct Connection in the normal state stays on the VPN (BGP keeps the
	// older of two equal paths).
	CodeFailbackNotDC = "sim.failback-not-direct-connection"
	// CodeNotChecked: the plan is too large to simulate within MaxCheckWork;
	// the simulation-level checks were not run.
	CodeNotChecked = "sim.not-checked"
	// CodeFailed: a standard scenario could not be applied to the plan.
	CodeFailed = "sim.failed"

	// ---- SIM (issue 9): failure-state asymmetry, bring-up order, the
	// plan's simulation fields ----

	// CodeFailureAsymmetric: during a failure (a scenario other than
	// normal and the failbacks), the two directions between an IDC
	// segment and a VPC segment take different path kinds. An error when
	// the cloud still sends over Direct Connection and only the customer
	// router's choice moved the return to the VPN (local-preference fixes
	// it); a warning otherwise, e.g. dc-routes-withdrawn, where the
	// customer router still holds the VPC prefixes over Direct Connection.
	CodeFailureAsymmetric = "sim.failure-asymmetric"
	// CodeIPv6SingleInterface: of several private virtual interfaces only
	// some carry IPv6, so losing those moves every IPv6 flow to the VPN
	// (or nowhere) while IPv4 stays on Direct Connection.
	CodeIPv6SingleInterface = "sim.ipv6-partial-interfaces"
	// CodeBringUpOrderDependent: the normal state (every session up) is not
	// the same under both bring-up orders. BGP keeps the older of two
	// otherwise equal eBGP paths, so which path came up first decides the
	// customer router's return path.
	CodeBringUpOrderDependent = "sim.bring-up-order-dependent"

	// Codes of the findings about the simulation fields of a plan
	// (bringUp, scenarios; CheckPlan). Every one is an error: the
	// simulator cannot run what they describe.

	// CodeBringUpUnknown: bringUp is not one of plan.BringUpOrders.
	CodeBringUpUnknown = "sim.bring-up-unknown"
	// CodeScenarioLimit: more scenarios, events or prefixes than the
	// limits in pkg/plan (plan.MaxUserScenarios, …); the message names it.
	CodeScenarioLimit = "sim.scenario-limit"
	// CodeScenarioName: a scenario name that is empty, too long, repeated,
	// or the name of a standard scenario.
	CodeScenarioName = "sim.scenario-name"
	// CodeScenarioEvent: an event the plan cannot apply (unknown kind, a
	// session or prefix the plan does not have); the path names the field.
	CodeScenarioEvent = "sim.scenario-event"
)

// Bounds of Check. Its cost grows with the sessions (each scenario brings
// every session up, and each change makes the customer router choose again
// for every VPC prefix) and with the segments (one decision per segment per
// scenario); the bound is checked before any of that work is done.
const (
	// MaxCheckSessions is the most BGP sessions (private virtual interfaces
	// plus tunnels) Check simulates. JD Cloud's quotas allow 50 interfaces
	// per connection and 8 tunnels (2 cloud × 4 customer IPs).
	MaxCheckSessions = 64
	// MaxCheckWork bounds Check's estimated cost (checkWork): a second or
	// two on a plan at the bound. A plan of 8 sessions stays within it up to
	// about 30,000 segments; one of 64 sessions only when it is small.
	MaxCheckWork = 50_000_000
)

// Check simulates the plan's standard scenarios (Scenarios) and returns the
// simulation-level findings, sorted: one-way reachability in any scenario
// (error; a warning when it happens only after a failure in a plan with a
// single path kind, which has no backup by design; a subnet its VPC does
// not propagate is meant to be out of the IDC's reach and exempt), asymmetry in the normal state (error) and failback that does not
// return to Direct Connection (warning). Findings sit on the segment whose
// traffic is affected: the IDC segment for the border gateway's choice
// (VPC → IDC), the VPC CIDR or subnet for the customer router's (IDC → VPC);
// one finding per segment and code, counting the pairs and scenarios.
//
// Check does work proportional to scenarios × (sessions × VPC prefixes ×
// sessions + segments × sessions); a plan over MaxCheckSessions or
// MaxCheckWork gets one CodeNotChecked warning instead. It is meant for a
// plan without validation or strategy errors (the verdict runs it only
// then); on other plans it stays total but its findings say little.
func Check(p *plan.Plan) []plan.Finding {
	if p == nil {
		return nil
	}
	return check(p, nil)
}

// CheckWith is Check with the plan's strategy result (strategy.Compute(p)),
// which the caller has already computed; it saves computing it again.
func CheckWith(p *plan.Plan, strat strategy.Result) []plan.Finding {
	if p == nil {
		return nil
	}
	return check(p, &strat)
}

func check(p *plan.Plan, strat *strategy.Result) []plan.Finding {
	// SIM (issue 9): the plan's simulation fields (bringUp, scenarios),
	// IPv6 on only some interfaces, and, once the scenarios could be
	// simulated, whether the normal state depends on the bring-up order.
	out := append(CheckPlan(p), ipv6PartialInterfaces(p)...)
	dyn := checkScenarios(p, strat)
	out = append(out, dyn...)
	if !slices.ContainsFunc(dyn, func(f plan.Finding) bool { return f.Code == CodeNotChecked || f.Code == CodeFailed }) {
		out = append(out, OrderFindings(p)...)
	}
	plan.SortFindings(out)
	return out
}

// checkScenarios is Check's simulation of every scenario.
func checkScenarios(p *plan.Plan, strat *strategy.Result) []plan.Finding {
	idc, vpc := checkSegments(p)
	sessions := 0
	if dc := p.DirectConnection; dc != nil {
		sessions += len(dc.Interfaces)
	}
	if v := p.VPN; v != nil {
		sessions += len(v.Tunnels)
	}
	if sessions == 0 || len(idc) == 0 || len(vpc) == 0 {
		return nil // nothing to simulate; validation reports what is missing
	}
	if bs := p.LimitBreaches(); len(bs) > 0 {
		return []plan.Finding{notChecked(fmtlite.Sprintf("the plan has %d %s, over the planner's limit of %d", bs[0].Count, bs[0].What, bs[0].Limit))}
	}
	if sessions > MaxCheckSessions {
		return []plan.Finding{notChecked(fmtlite.Sprintf("the plan has %d BGP sessions; the simulation checks run on at most %d", sessions, MaxCheckSessions))}
	}
	propagated := 0
	for _, a := range p.BorderGateway.Attachments {
		if a.PropagationMode() == plan.PropagateAll {
			propagated += len(a.CIDRs)
		} else {
			propagated += len(a.Propagation.Subnets)
		}
	}
	userEvents := 0
	for _, u := range p.Scenarios[:min(len(p.Scenarios), plan.MaxUserScenarios)] {
		userEvents += min(len(u.Events), plan.MaxScenarioEvents) + sessions
	}
	if work := checkWork(sessions, propagated, len(idc)+len(vpc)) + userEvents*max(propagated, 1)*sessions; work > MaxCheckWork {
		return []plan.Finding{notChecked(fmtlite.Sprintf("simulating every scenario would cost about %d units; the simulation checks stop at %d", work, MaxCheckWork))}
	}

	var m *model
	if strat != nil {
		m = newModelFrom(p, *strat)
	} else {
		m = newModel(p)
	}
	scenarios := Scenarios(p)
	idcRefs := containing(m.bgw, addrsOf(idc, checkSegment.address))
	vpcRefs := containing(m.cust, addrsOf(vpc, checkSegment.address))
	c := &simChecker{p: p, idc: idc, vpc: vpc, byKey: map[findingKey]*tally{},
		bothPaths: p.DirectConnection != nil && len(p.DirectConnection.Interfaces) > 0 && p.VPN != nil && len(p.VPN.Tunnels) > 0}
	var normalFwd, normalBack []*Verdict
	for _, s := range scenarios {
		w, err := m.world(s)
		if err != nil {
			return []plan.Finding{{Code: CodeFailed, Severity: plan.SeverityError, Path: "$",
				Message: "the simulation cannot apply its standard scenarios to this plan: " + err.Error(),
				Hint:    "fix the plan's validation errors (session names must be unique) and check again"}}
		}
		fv := newVerdicts(m, m.bgw, RouterBorderGateway, w)
		bv := newVerdicts(m, m.cust, RouterCustomerRouter, w)
		fwd := make([]*Verdict, len(idc))
		for i := range idc {
			fwd[i] = fv.get(idcRefs[i])
		}
		back := make([]*Verdict, len(vpc))
		for j := range vpc {
			back[j] = bv.get(vpcRefs[j])
		}
		if s.Name == ScenarioNormal {
			normalFwd, normalBack = fwd, back
			c.asymmetry(s, fwd, back)
		} else if !isFailback(s.Name) && normalFwd != nil {
			c.failureAsymmetry(s, fwd, back, normalFwd, normalBack)
		}
		c.oneWay(s, fwd, back)
		if isFailback(s.Name) && normalFwd != nil {
			c.failback(s, fwd, back, normalFwd, normalBack)
		}
	}
	return c.findings()
}

// checkWork estimates Check's cost in units of about 15–50 ns (measured):
// per scenario, every session coming up (and the scenario's few events)
// makes the customer router choose again for each VPC prefix, and every
// segment gets one decision; each choice ranks one path per session
// against the others, so both grow with the square of the sessions.
func checkWork(sessions, vpcPrefixes, segments int) int {
	scenarios := 2*sessions + 10
	return scenarios * sessions * sessions * ((sessions+4)*max(vpcPrefixes, 1) + segments)
}

func notChecked(why string) plan.Finding {
	return plan.Finding{Code: CodeNotChecked, Severity: plan.SeverityWarning, Path: "$",
		Message: why + ", so one-way reachability, asymmetry and failback were not simulated",
		Hint:    "use fewer, larger segments and sessions, or run the simulation on a part of the plan"}
}

func isFailback(name string) bool {
	base, _, _ := strings.Cut(name, ":")
	return strings.HasSuffix(base, FailbackSuffix)
}

// checkSegment is a segment Check decides for: its representative
// address, its family, and the path of the field that holds it.
type checkSegment struct {
	name string
	addr netip.Addr
	path string
	// isolated marks a subnet its VPC deliberately does not propagate: the
	// IDC is not meant to reach it, so one-way traffic there is the design.
	isolated bool
}

// checkSegments lists the IDC segments and the VPC segments the way the
// connectivity matrix does: a VPC's propagated subnets when it propagates
// subnets, its CIDRs otherwise. Invalid prefixes are left out (validation
// reports them).
func checkSegments(p *plan.Plan) (idc, vpc []checkSegment) {
	for i, s := range p.IDC.Segments {
		if s.CIDR.IsValid() {
			idc = append(idc, checkSegment{s.Name, representative(s.CIDR), "$.idc.segments[" + strconv.Itoa(i) + "].cidr", false})
		}
	}
	for i, a := range p.BorderGateway.Attachments {
		ap := "$.borderGateway.attachments[" + strconv.Itoa(i) + "]"
		if len(a.Subnets) > 0 && a.PropagationMode() == plan.PropagateSubnets {
			for j, sn := range a.Subnets {
				if sn.CIDR.IsValid() {
					vpc = append(vpc, checkSegment{sn.Name, representative(sn.CIDR), ap + ".subnets[" + strconv.Itoa(j) + "].cidr",
						!slices.Contains(a.Propagation.Subnets, sn.Name)})
				}
			}
			continue
		}
		for j, q := range a.CIDRs {
			if q.IsValid() {
				vpc = append(vpc, checkSegment{a.Name, representative(q), ap + ".cidrs[" + strconv.Itoa(j) + "]", false})
			}
		}
	}
	return idc, vpc
}

// addrsOf lists each segment's representative address.
func addrsOf[S any](segs []S, addr func(S) netip.Addr) []netip.Addr {
	out := make([]netip.Addr, len(segs))
	for i, s := range segs {
		out[i] = addr(s)
	}
	return out
}

func (s checkSegment) address() netip.Addr { return s.addr }
func (s MatrixSegment) addr() netip.Addr   { return s.Address }

// findingKey is one finding: a code on one segment (IDC when idc, else VPC).
type findingKey struct {
	code string
	idc  bool
	i    int
}

// tally is what one finding reports: the first example and how often the
// problem occurs, so a plan with many pairs gets one finding per segment.
type tally struct {
	first     string // the first pair or direction, in words
	scenario  string // the first scenario it occurs in
	related   string
	pairs     int
	scenarios map[string]bool
	order     int
	// severe: an occurrence that makes the finding an error.
	severe bool
}

type simChecker struct {
	p        *plan.Plan
	idc, vpc []checkSegment
	byKey    map[findingKey]*tally
	keys     []findingKey
	// bothPaths: the plan has Direct Connection and VPN sessions. Without
	// one of them a failure leaves no backup, which validation already
	// warns about (path.*-missing), so one-way traffic after a failure is
	// a warning then, not an error.
	bothPaths bool
}

func (c *simChecker) note(k findingKey, scenario, example, related string, pairs int) {
	c.noteSevere(k, scenario, example, related, pairs, k.code != CodeOneWay || scenario == ScenarioNormal || c.bothPaths)
}

// noteSevere is note with the severity decided by the caller: severe makes
// the finding an error.
func (c *simChecker) noteSevere(k findingKey, scenario, example, related string, pairs int, severe bool) {
	t, ok := c.byKey[k]
	if !ok {
		t = &tally{first: example, scenario: scenario, related: related, scenarios: map[string]bool{}, order: len(c.keys)}
		c.byKey[k] = t
		c.keys = append(c.keys, k)
	}
	t.pairs += pairs
	t.scenarios[scenario] = true
	if severe {
		t.severe = true
	}
}

func kindText(v *Verdict) string {
	switch {
	case !v.Reachable:
		return "no route"
	case v.Kind == KindDirectConnection:
		return "Direct Connection"
	case v.Kind == KindVPN:
		return "the VPN"
	}
	return "both Direct Connection and the VPN (ECMP)"
}

// famStats summarises one router's verdicts for the segments of one
// address family, so that pair checks cost O(segments), not O(pairs).
type famStats struct {
	reachable  int
	firstReach int // the first reachable segment, or -1
	// byKind counts the reachable segments of each path kind and names the
	// first of them.
	byKind map[string]kindStat
}

type kindStat struct{ count, first int }

func statsOf(segs []checkSegment, vs []*Verdict) [2]famStats {
	var st [2]famStats
	for f := range st {
		st[f] = famStats{byKind: map[string]kindStat{}, firstReach: -1}
	}
	for i, s := range segs {
		v := vs[i]
		if !v.Reachable {
			continue
		}
		f := &st[family(s.addr)]
		f.reachable++
		if f.firstReach < 0 {
			f.firstReach = i
		}
		k, ok := f.byKind[v.Kind]
		if !ok {
			k.first = i
		}
		k.count++
		f.byKind[v.Kind] = k
	}
	return st
}

func family(a netip.Addr) int {
	if a.Is4() {
		return 0
	}
	return 1
}

// asymmetry: in the normal state both directions of every pair take the
// same path kind. The finding sits on the IDC segment and counts its
// asymmetric pairs.
func (c *simChecker) asymmetry(s Scenario, fwd, back []*Verdict) {
	st := statsOf(c.vpc, back)
	for i, is := range c.idc {
		f := fwd[i]
		if !f.Reachable {
			continue
		}
		fs := st[family(is.addr)]
		// Every reachable return path is asymmetric to an ECMP forward
		// path; otherwise those of another kind (ECMP included) are.
		n, j := fs.reachable, fs.firstReach
		if f.Kind != "mixed" {
			n, j = fs.reachable-fs.byKind[f.Kind].count, -1
			for k, ks := range fs.byKind {
				if k != f.Kind && (j < 0 || ks.first < j) {
					j = ks.first
				}
			}
		}
		if n == 0 || j < 0 {
			continue
		}
		vs := c.vpc[j]
		c.note(findingKey{CodeAsymmetric, true, i}, s.Name,
			fmtlite.Sprintf("VPC %s → IDC goes over %s, IDC → VPC %s over %s", plan.Quote(vs.name), kindText(f), plan.Quote(vs.name), kindText(back[j])), vs.path, n)
	}
}

// failureAsymmetry: during a failure, both directions of a pair take the
// same path kind. The finding sits on the IDC segment, counts its
// asymmetric pairs and scenarios, and is an error when some pair's forward
// traffic still uses Direct Connection while its return moved to the VPN:
// the Direct Connection works, only the customer router's choice (no
// local-preference) left it.
func (c *simChecker) failureAsymmetry(s Scenario, fwd, back, normalFwd, normalBack []*Verdict) {
	asym := func(f, b *Verdict) bool { return f.Reachable && b.Reachable && (f.Kind != b.Kind || f.Kind == "mixed") }
	for i, is := range c.idc {
		f := fwd[i]
		if !f.Reachable {
			continue
		}
		n, first, severe := 0, -1, false
		for j, vs := range c.vpc {
			b := back[j]
			// Pairs already asymmetric with every session up have their
			// finding (sim.asymmetric); this one is about what a failure does.
			if family(vs.addr) != family(is.addr) || !asym(f, b) || asym(normalFwd[i], normalBack[j]) {
				continue
			}
			n++
			if first < 0 {
				first = j
			}
			if f.Kind == KindDirectConnection && b.Kind == KindVPN {
				severe = true
			}
		}
		if n == 0 {
			continue
		}
		vs := c.vpc[first]
		c.noteSevere(findingKey{CodeFailureAsymmetric, true, i}, s.Name,
			fmtlite.Sprintf("VPC %s → IDC goes over %s, IDC → VPC %s over %s", plan.Quote(vs.name), kindText(f), plan.Quote(vs.name), kindText(back[first])), vs.path, n, severe)
	}
}

// ipv6PartialInterfaces: with several private virtual interfaces and IPv6
// to carry, every interface needs an IPv6 interconnect, or losing the ones
// that have it moves all IPv6 traffic to the VPN (or nowhere) while IPv4
// stays on Direct Connection.
func ipv6PartialInterfaces(p *plan.Plan) []plan.Finding {
	dc := p.DirectConnection
	if dc == nil || len(dc.Interfaces) < 2 {
		return nil
	}
	hasV6 := slices.ContainsFunc(p.IDC.Segments, func(s plan.Segment) bool { return s.CIDR.Addr().Is6() })
	var with []string
	missing := -1
	for k, itf := range dc.Interfaces {
		if itf.InterconnectIPv6.IsValid() {
			with = append(with, itf.Name)
		} else if missing < 0 {
			missing = k
		}
	}
	if !hasV6 || len(with) == 0 || missing < 0 {
		return nil
	}
	return []plan.Finding{{
		Code: CodeIPv6SingleInterface, Severity: plan.SeverityWarning,
		Path: fmtlite.Sprintf("$.directConnection.interfaces[%d].interconnectIpv6", missing),
		Message: fmtlite.Sprintf("only %s of the %d private virtual interfaces carry IPv6: when %s fail, every IPv6 flow moves to the VPN (or has no path) while IPv4 stays on Direct Connection",
			strings.Join(with, ", "), len(dc.Interfaces), map[bool]string{true: "it", false: "they"}[len(with) == 1]),
		Hint: "give every interface an interconnectIpv6 (a /126) so IPv6 fails over like IPv4",
	}}
}

// oneWay: in any scenario, a pair is reachable both ways or neither. A VPC
// segment the customer router cannot reach while the border gateway reaches
// the IDC carries the finding (and the reverse for an IDC segment).
func (c *simChecker) oneWay(s Scenario, fwd, back []*Verdict) {
	fst, bst := statsOf(c.idc, fwd), statsOf(c.vpc, back)
	for j, vs := range c.vpc {
		if back[j].Reachable || vs.isolated {
			continue
		}
		if fs := fst[family(vs.addr)]; fs.reachable > 0 {
			is := c.idc[fs.firstReach]
			c.note(findingKey{CodeOneWay, false, j}, s.Name,
				fmtlite.Sprintf("VPC → IDC segment %s gets through over %s, IDC → VPC has no route", plan.Quote(is.name), kindText(fwd[fs.firstReach])), is.path, fs.reachable)
		}
	}
	for i, is := range c.idc {
		if fwd[i].Reachable {
			continue
		}
		if bs := bst[family(is.addr)]; bs.reachable > 0 {
			vs := c.vpc[bs.firstReach]
			c.note(findingKey{CodeOneWay, true, i}, s.Name,
				fmtlite.Sprintf("IDC → VPC %s gets through (the return path) over %s, VPC → IDC has no route", plan.Quote(vs.name), kindText(back[bs.firstReach])), vs.path, bs.reachable)
		}
	}
}

// failback: after a failure and its repair, each direction that used Direct
// Connection in the normal state uses it again.
func (c *simChecker) failback(s Scenario, fwd, back, normalFwd, normalBack []*Verdict) {
	// Return traffic left on the VPN while the border gateway sends over
	// Direct Connection is asymmetric: an error (issue 9), not only a
	// missed failback.
	fst := statsOf(c.idc, fwd)
	for i := range c.idc {
		if normalFwd[i].Kind == KindDirectConnection && fwd[i].Kind != KindDirectConnection {
			c.note(findingKey{CodeFailbackNotDC, true, i}, s.Name,
				fmtlite.Sprintf("the border gateway sends VPC → IDC traffic over %s instead of Direct Connection", kindText(fwd[i])), "", 1)
		}
	}
	for j := range c.vpc {
		if normalBack[j].Kind == KindDirectConnection && back[j].Kind != KindDirectConnection {
			asym := fst[family(c.vpc[j].addr)].byKind[KindDirectConnection].count > 0
			text := fmtlite.Sprintf("the customer router sends IDC → VPC traffic over %s instead of Direct Connection", kindText(back[j]))
			if asym {
				text += " while the border gateway sends VPC → IDC over Direct Connection: asymmetric, and stateful firewalls drop it"
			}
			c.note(findingKey{CodeFailbackNotDC, false, j}, s.Name, text, "", 1)
		}
	}
}

func (c *simChecker) findings() []plan.Finding {
	out := make([]plan.Finding, 0, len(c.keys))
	for _, k := range c.keys {
		t := c.byKey[k]
		seg := c.vpc
		what := "VPC segment"
		if k.idc {
			seg, what = c.idc, "IDC segment"
		}
		sg := seg[k.i]
		f := plan.Finding{Code: k.code, Path: sg.path}
		if t.related != "" {
			f.Related = []string{t.related}
		}
		more := ""
		switch {
		case k.code == CodeFailbackNotDC && len(t.scenarios) > 1:
			more = fmtlite.Sprintf(" (and after %d more scenarios)", len(t.scenarios)-1)
		case k.code != CodeFailbackNotDC && t.pairs > 1:
			more = fmtlite.Sprintf(" (%d segment pairs in %d scenario(s))", t.pairs, len(t.scenarios))
		}
		switch k.code {
		case CodeAsymmetric:
			f.Severity = plan.SeverityError
			f.Message = fmtlite.Sprintf("with every session up, traffic of %s %s is asymmetric: %s%s; stateful firewalls drop such traffic", what, plan.Quote(sg.name), t.first, more)
			f.Hint = "make both routers prefer Direct Connection: set strategy.localPreference (e.g. directConnection 200, vpn 100) and advertise the IDC more-specifics over Direct Connection"
		case CodeFailureAsymmetric:
			f.Severity = plan.SeverityWarning
			f.Message = fmtlite.Sprintf("in scenario %s, traffic of %s %s is asymmetric: %s%s; a stateful firewall on either path drops it for as long as the failure lasts", plan.Quote(t.scenario), what, plan.Quote(sg.name), t.first, more)
			f.Hint = "withdraw Direct Connection in both directions: shut its BGP sessions (or also deny the VPC prefixes inbound on them) rather than only withdrawing the IDC prefixes, or keep stateful firewalls off both paths"
			if t.severe {
				f.Severity = plan.SeverityError
				f.Hint = "set strategy.localPreference (e.g. directConnection 200, vpn 100): the customer router then returns over the Direct Connection interfaces that are still up, as the border gateway sends"
			}
		case CodeOneWay:
			f.Severity = plan.SeverityError
			if !t.severe {
				f.Severity = plan.SeverityWarning
			}
			f.Message = fmtlite.Sprintf("in scenario %s, traffic of %s %s gets through one way only: %s%s", plan.Quote(t.scenario), what, plan.Quote(sg.name), t.first, more)
			f.Hint = "every prefix must be advertised in both directions over the paths that are up: check the VPC's propagation and the IDC's advertisements"
		case CodeFailbackNotDC:
			// A warning even when asymmetric: it depends on the history
			// (which path was selected when the failure was repaired), and
			// the message says what it does to stateful firewalls.
			f.Severity = plan.SeverityWarning
			f.Message = fmtlite.Sprintf("after scenario %s is repaired, for %s %s %s%s: BGP keeps the older of two equal paths", plan.Quote(t.scenario), what, plan.Quote(sg.name), t.first, more)
			f.Hint = "set strategy.localPreference with directConnection above vpn so the customer router returns to Direct Connection, and keep the VPN's advertisements less preferred"
		}
		out = append(out, f)
	}
	plan.SortFindings(out)
	return out
}
