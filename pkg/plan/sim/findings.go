package sim

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

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
	// MaxCheckWork bounds Check's estimated steps (see checkWork): about a
	// second natively on a plan of that size.
	MaxCheckWork = 20_000_000
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
	if sessions > MaxCheckSessions {
		return []plan.Finding{notChecked(fmt.Sprintf("the plan has %d BGP sessions; the simulation checks run on at most %d", sessions, MaxCheckSessions))}
	}
	propagated := 0
	for _, a := range p.BorderGateway.Attachments {
		if a.PropagationMode() == plan.PropagateAll {
			propagated += len(a.CIDRs)
		} else {
			propagated += len(a.Propagation.Subnets)
		}
	}
	if work := checkWork(sessions, propagated, len(idc)+len(vpc)); work > MaxCheckWork {
		return []plan.Finding{notChecked(fmt.Sprintf("simulating every scenario would take about %d steps; the simulation checks stop at %d", work, MaxCheckWork))}
	}

	var m *model
	if strat != nil {
		m = newModelFrom(p, *strat)
	} else {
		m = newModel(p)
	}
	scenarios := Scenarios(p)
	idcRefs := containing(m.bgw, addrsOf(idc))
	vpcRefs := containing(m.cust, addrsOf(vpc))
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
		}
		c.oneWay(s, fwd, back)
		if isFailback(s.Name) && normalFwd != nil {
			c.failback(s, fwd, back, normalFwd, normalBack)
		}
	}
	return c.findings()
}

// checkWork estimates Check's steps: per scenario, bringing every session
// up (and the scenario's few events) makes the customer router choose again
// for each VPC prefix over each session's path, and every segment gets one
// decision over the sessions.
func checkWork(sessions, vpcPrefixes, segments int) int {
	scenarios := 2*sessions + 10
	perScenario := (sessions+4)*max(vpcPrefixes, 1)*sessions + segments*sessions
	return scenarios * perScenario
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

func addrsOf(segs []checkSegment) []netip.Addr {
	out := make([]netip.Addr, len(segs))
	for i, s := range segs {
		out[i] = s.addr
	}
	return out
}

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
	t, ok := c.byKey[k]
	if !ok {
		t = &tally{first: example, scenario: scenario, related: related, scenarios: map[string]bool{}, order: len(c.keys)}
		c.byKey[k] = t
		c.keys = append(c.keys, k)
	}
	t.pairs += pairs
	t.scenarios[scenario] = true
	if k.code != CodeOneWay || scenario == ScenarioNormal || c.bothPaths {
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
			fmt.Sprintf("VPC %s → IDC goes over %s, IDC → VPC %s over %s", plan.Quote(vs.name), kindText(f), plan.Quote(vs.name), kindText(back[j])), vs.path, n)
	}
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
				fmt.Sprintf("VPC → IDC segment %s gets through, IDC → VPC has no route", plan.Quote(is.name)), is.path, fs.reachable)
		}
	}
	for i, is := range c.idc {
		if fwd[i].Reachable {
			continue
		}
		if bs := bst[family(is.addr)]; bs.reachable > 0 {
			vs := c.vpc[bs.firstReach]
			c.note(findingKey{CodeOneWay, true, i}, s.Name,
				fmt.Sprintf("IDC → VPC %s gets through, VPC → IDC has no route", plan.Quote(vs.name)), vs.path, bs.reachable)
		}
	}
}

// failback: after a failure and its repair, each direction that used Direct
// Connection in the normal state uses it again.
func (c *simChecker) failback(s Scenario, fwd, back, normalFwd, normalBack []*Verdict) {
	for i := range c.idc {
		if normalFwd[i].Kind == KindDirectConnection && fwd[i].Kind != KindDirectConnection {
			c.note(findingKey{CodeFailbackNotDC, true, i}, s.Name,
				fmt.Sprintf("the border gateway sends VPC → IDC traffic over %s instead of Direct Connection", kindText(fwd[i])), "", 1)
		}
	}
	for j := range c.vpc {
		if normalBack[j].Kind == KindDirectConnection && back[j].Kind != KindDirectConnection {
			c.note(findingKey{CodeFailbackNotDC, false, j}, s.Name,
				fmt.Sprintf("the customer router sends IDC → VPC traffic over %s instead of Direct Connection", kindText(back[j])), "", 1)
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
			more = fmt.Sprintf(" (and after %d more scenarios)", len(t.scenarios)-1)
		case k.code != CodeFailbackNotDC && t.pairs > 1:
			more = fmt.Sprintf(" (%d segment pairs in %d scenario(s))", t.pairs, len(t.scenarios))
		}
		switch k.code {
		case CodeAsymmetric:
			f.Severity = plan.SeverityError
			f.Message = fmt.Sprintf("with every session up, traffic of %s %s is asymmetric: %s%s; stateful firewalls drop such traffic", what, plan.Quote(sg.name), t.first, more)
			f.Hint = "make both routers prefer Direct Connection: set strategy.localPreference (e.g. directConnection 200, vpn 100) and advertise the IDC more-specifics over Direct Connection"
		case CodeOneWay:
			f.Severity = plan.SeverityError
			if !t.severe {
				f.Severity = plan.SeverityWarning
			}
			f.Message = fmt.Sprintf("in scenario %s, traffic of %s %s gets through one way only: %s%s", plan.Quote(t.scenario), what, plan.Quote(sg.name), t.first, more)
			f.Hint = "every prefix must be advertised in both directions over the paths that are up: check the VPC's propagation and the IDC's advertisements"
		case CodeFailbackNotDC:
			f.Severity = plan.SeverityWarning
			f.Message = fmt.Sprintf("after scenario %s is repaired, for %s %s %s%s: BGP keeps the older of two equal paths", plan.Quote(t.scenario), what, plan.Quote(sg.name), t.first, more)
			f.Hint = "set strategy.localPreference with directConnection above vpn so the customer router returns to Direct Connection, and keep the VPN's advertisements less preferred"
		}
		out = append(out, f)
	}
	plan.SortFindings(out)
	return out
}
