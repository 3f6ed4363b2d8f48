package sim

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/fmtlite"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

// Path kinds of a candidate path: the two BGP session kinds, and the border
// gateway's own routes to a VPC.
const (
	KindDirectConnection = string(strategy.DirectConnection)
	KindVPN              = string(strategy.VPN)
	KindVPCAttachment    = "vpc-attachment"
)

// Route types of the border gateway, each with an administrative distance
// in the profile.
const (
	RouteStatic      = "static"
	RoutePropagation = "vpc-propagation"
	RouteEBGP        = "ebgp"
	RouteIBGP        = "ibgp"
)

// Origin attribute values, best first.
const (
	OriginIGP        = "igp"
	OriginEGP        = "egp"
	OriginIncomplete = "incomplete"
)

// Path is one candidate route to a prefix on one router, with every
// attribute either decider looks at. Attributes a router does not use are
// left zero (and out of the JSON).
type Path struct {
	Prefix netip.Prefix `json:"prefix"`
	// Kind is KindDirectConnection, KindVPN or KindVPCAttachment.
	Kind string `json:"kind"`
	// Session is the BGP session the path was learned on; Attachment the
	// VPC attachment of a border gateway's VPC route.
	Session    string `json:"session,omitempty"`
	Attachment string `json:"attachment,omitempty"`
	// NextHop is the BGP neighbor's address on the session.
	NextHop netip.Addr `json:"nextHop,omitzero"`
	ASPath  []uint32   `json:"asPath"`

	// Border gateway attributes (lower wins). RouteType names the route
	// type the distance belongs to: RouteStatic, RoutePropagation,
	// RouteEBGP or RouteIBGP.
	NextHopPriority int    `json:"nextHopPriority,omitempty"`
	RouteType       string `json:"routeType,omitempty"`
	RouteDistance   int    `json:"routeDistance,omitempty"`

	// Customer router attributes (standard BGP).
	Weight     uint32 `json:"weight,omitempty"`
	LocalPref  uint32 `json:"localPref,omitempty"`
	Local      bool   `json:"local,omitempty"`
	Origin     string `json:"origin,omitempty"`
	MED        uint32 `json:"med,omitempty"`
	NeighborAS uint32 `json:"neighborAs,omitempty"`
	IBGP       bool   `json:"ibgp,omitempty"`
	IGPMetric  uint32 `json:"igpMetric,omitempty"`
	// Received orders paths by when they arrived (the session came up):
	// lower is older.
	Received int `json:"received,omitempty"`
	// Selected marks the router's best path before this decision (in a
	// scenario: before the last change to the prefix's paths). Between
	// otherwise equal eBGP paths BGP keeps it ("the oldest path"): FRR
	// checks exactly this flag, so when the best path is gone, the step
	// does not decide and router ID and neighbor address do.
	Selected bool       `json:"selected,omitempty"`
	RouterID netip.Addr `json:"routerId,omitzero"`
}

// name is how a reason refers to the path.
func (p Path) name() string {
	if p.Session != "" {
		return p.Session
	}
	return p.Attachment
}

// Decision is a decider's choice among the candidates for one prefix.
type Decision struct {
	// Best indexes the chosen candidates: one, or several for ECMP.
	Best []int `json:"best"`
	// Step is the code of the last step that removed a candidate, "only-path"
	// for a single candidate, or "ecmp" when several remain.
	Step string `json:"step"`
	// Reason explains, for a person, every step that removed a candidate.
	Reason string `json:"reason"`
	// FRRReason is what FRR's selectionReason says for the same choice
	// (customer router only; exact when there are two candidates).
	FRRReason string `json:"frrReason,omitempty"`
	// Multipath lists, on the customer router, the candidates a router with
	// eBGP multipath enabled (FRR's default, maximum-paths 2 or more) would
	// also forward over: equal with the best up to the IGP metric, with an
	// identical AS_PATH. Forwarding here uses Best only (maximum-paths 1,
	// the default of Cisco, Juniper and Huawei); empty when nothing ties.
	Multipath []int `json:"multipath,omitempty"`
}

// Step codes. They are stable: the oracle, the UI and the docs use them.
const (
	StepOnlyPath        = "only-path"
	StepNextHopType     = "next-hop-type"
	StepRouteType       = "route-type"
	StepASPathLength    = "as-path-length"
	StepECMP            = "ecmp"
	StepWeight          = "weight"
	StepLocalPreference = "local-preference"
	StepLocalRoute      = "local-route"
	StepOrigin          = "origin"
	StepMED             = "med"
	StepEBGPOverIBGP    = "ebgp-over-ibgp"
	StepIGPMetric       = "igp-metric"
	StepOlderPath       = "older-path"
	StepRouterID        = "router-id"
	StepNeighborAddress = "neighbor-address"
)

// step is one rule of a decision process: it keeps the candidates that are
// best by one attribute.
type step struct {
	code string
	frr  string
	// compare orders two paths by the step's attribute, best first.
	compare func(a, b *Path) int
	// applies says whether the step is used for these candidates at all.
	applies func(paths []Path, alive []int) bool
	// filter replaces the compare-based selection (MED compares only within
	// one neighbor AS).
	filter func(paths []Path, alive, dst []int) []int
	// describe shows the attribute's value in a reason.
	describe func(p Path) string
}

var borderGatewaySteps = []step{
	{
		code:    StepNextHopType,
		compare: func(a, b *Path) int { return cmp.Compare(a.NextHopPriority, b.NextHopPriority) },
		describe: func(p Path) string {
			return fmtlite.Sprintf("next-hop type %s (%d)", nextHopTypeName(p.Kind), p.NextHopPriority)
		},
	},
	{
		code:     StepRouteType,
		compare:  func(a, b *Path) int { return cmp.Compare(a.RouteDistance, b.RouteDistance) },
		describe: func(p Path) string { return fmtlite.Sprintf("route type %s (%d)", routeTypeName(p), p.RouteDistance) },
	},
	{
		code:     StepASPathLength,
		compare:  func(a, b *Path) int { return cmp.Compare(len(a.ASPath), len(b.ASPath)) },
		describe: func(p Path) string { return fmtlite.Sprintf("AS_PATH length %d", len(p.ASPath)) },
	},
}

var customerRouterSteps = []step{
	{
		code: StepWeight, frr: "Weight",
		compare:  func(a, b *Path) int { return cmp.Compare(b.Weight, a.Weight) },
		describe: func(p Path) string { return fmtlite.Sprintf("weight %d", p.Weight) },
	},
	{
		code: StepLocalPreference, frr: "Local Pref",
		compare:  func(a, b *Path) int { return cmp.Compare(b.LocalPref, a.LocalPref) },
		describe: func(p Path) string { return fmtlite.Sprintf("local-preference %d", p.LocalPref) },
	},
	{
		code: StepLocalRoute, frr: "Local Route",
		compare: func(a, b *Path) int { return cmp.Compare(boolRank(!a.Local), boolRank(!b.Local)) },
		describe: func(p Path) string {
			if p.Local {
				return "locally originated"
			}
			return "learned from a neighbor"
		},
	},
	{
		code: StepASPathLength, frr: "AS Path",
		compare: func(a, b *Path) int { return cmp.Compare(len(a.ASPath), len(b.ASPath)) },
		describe: func(p Path) string {
			return fmtlite.Sprintf("AS_PATH length %d (%s)", len(p.ASPath), strategy.FormatASPath(p.ASPath))
		},
	},
	{
		code: StepOrigin, frr: "Origin",
		compare:  func(a, b *Path) int { return cmp.Compare(originRank(a.Origin), originRank(b.Origin)) },
		describe: func(p Path) string { return "origin " + originName(p.Origin) },
	},
	{
		code: StepMED, frr: "MED",
		filter:   filterMED,
		describe: func(p Path) string { return fmtlite.Sprintf("MED %d from AS %d", p.MED, p.NeighborAS) },
	},
	{
		code: StepEBGPOverIBGP, frr: "eBGP peer",
		compare: func(a, b *Path) int { return cmp.Compare(boolRank(a.IBGP), boolRank(b.IBGP)) },
		describe: func(p Path) string {
			if p.IBGP {
				return "iBGP"
			}
			return "eBGP"
		},
	},
	{
		code: StepIGPMetric, frr: "IGP Metric",
		compare:  func(a, b *Path) int { return cmp.Compare(a.IGPMetric, b.IGPMetric) },
		describe: func(p Path) string { return fmtlite.Sprintf("IGP metric %d", p.IGPMetric) },
	},
	{
		// Only between eBGP paths: keeping the incumbent avoids churn, and
		// is why the order of events decides a tie.
		code: StepOlderPath, frr: "Older Path",
		applies: func(paths []Path, alive []int) bool {
			for _, i := range alive {
				if paths[i].IBGP {
					return false
				}
			}
			return true
		},
		filter: func(paths []Path, alive, dst []int) []int {
			for _, i := range alive {
				if paths[i].Selected {
					return append(dst, i)
				}
			}
			return append(dst, alive...)
		},
		describe: func(p Path) string {
			if p.Selected {
				return fmtlite.Sprintf("the current best path (received #%d)", p.Received)
			}
			return fmtlite.Sprintf("received #%d", p.Received)
		},
	},
	{
		code: StepRouterID, frr: "Router ID",
		compare:  func(a, b *Path) int { return a.RouterID.Compare(b.RouterID) },
		describe: func(p Path) string { return fmtlite.Sprintf("router ID %s", addrOrUnset(p.RouterID)) },
	},
	{
		code: StepNeighborAddress, frr: "Neighbor IP",
		compare:  func(a, b *Path) int { return a.NextHop.Compare(b.NextHop) },
		describe: func(p Path) string { return fmtlite.Sprintf("neighbor address %s", addrOrUnset(p.NextHop)) },
	},
}

// BorderGatewaySteps lists the border gateway's decision steps for one
// prefix, in order (JD Cloud Border-Gateway-Features): next-hop type
// priority, route type (administrative distance), AS_PATH length; paths
// still equal share the traffic (ECMP). Longest-prefix match across prefixes
// comes before all of them, when forwarding.
func BorderGatewaySteps() []string { return stepCodes(borderGatewaySteps, StepECMP) }

// CustomerRouterSteps lists the customer router's BGP best-path steps, in
// order (RFC 4271 §9.1 as FRR and Cisco apply it).
func CustomerRouterSteps() []string { return stepCodes(customerRouterSteps, "") }

func stepCodes(steps []step, last string) []string {
	out := make([]string, 0, len(steps)+1)
	for _, s := range steps {
		out = append(out, s.code)
	}
	if last != "" {
		out = append(out, last)
	}
	return out
}

// DecideBorderGateway picks the border gateway's route(s) among candidates
// for one prefix: lower next-hop priority, then lower route distance, then
// shorter AS_PATH; candidates still equal are all used (ECMP).
func DecideBorderGateway(paths []Path) Decision {
	return decide(borderGatewaySteps, paths, true, true, nil)
}

// DecideCustomerRouter picks the customer router's best path among
// candidates for one prefix with the standard BGP order. It picks exactly
// one: the customer router is modelled without BGP multipath, as the
// exported configuration sets it up.
func DecideCustomerRouter(paths []Path) Decision {
	return decide(customerRouterSteps, paths, false, true, nil)
}

// decide runs the steps over paths. Without explain it leaves the Reason
// and Multipath empty, which saves the matrix most of its work. buf, when not nil, holds
// the candidate numbers and ends up as Best: callers that pass one use the
// decision before deciding again.
func decide(steps []step, paths []Path, ecmp, explain bool, buf []int) Decision {
	alive := buf[:0]
	for i := range paths {
		alive = append(alive, i)
	}
	switch len(paths) {
	case 0:
		return Decision{}
	case 1:
		d := Decision{Best: alive, Step: StepOnlyPath, Reason: "only path"}
		if !ecmp {
			d.FRRReason = "First path received"
		}
		return d
	}
	var reasons []string
	var tied []int // the candidates left before the older-path step
	d := Decision{}
	for _, s := range steps {
		if len(alive) == 1 {
			break
		}
		if s.code == StepOlderPath && !ecmp && explain { // Multipath is part of the explanation
			tied = slices.Clone(alive)
		}
		if s.applies != nil && !s.applies(paths, alive) {
			continue
		}
		// Explaining needs the candidates before the step; otherwise the
		// step filters alive in place.
		dst := alive[:0]
		if explain {
			dst = make([]int, 0, len(alive))
		}
		var kept []int
		if s.filter != nil {
			kept = s.filter(paths, alive, dst)
		} else {
			kept = keepBest(paths, alive, s.compare, dst)
		}
		if len(kept) == len(alive) {
			alive = kept
			continue
		}
		if explain {
			reasons = append(reasons, explainStep(s, paths, alive, kept))
		}
		d.Step, d.FRRReason = s.code, s.frr
		alive = kept
	}
	if len(alive) > 1 {
		if ecmp {
			if explain {
				names := make([]string, len(alive))
				for i, a := range alive {
					names[i] = paths[a].name()
				}
				reasons = append(reasons, fmtlite.Sprintf("ECMP over %s: equal on every step", strings.Join(names, ", ")))
			}
			d.Step = StepECMP
		} else {
			// Only identical neighbors tie on every step; keep the first.
			alive = alive[:1]
			reasons = append(reasons, "equal on every step; the first received is kept")
			d.Step, d.FRRReason = StepNeighborAddress, "Nothing left to compare"
		}
	}
	if !ecmp && d.FRRReason == "" {
		d.FRRReason = "First path received"
	}
	d.Best = alive
	if tied != nil {
		d.Multipath = multipath(paths, tied, alive[0])
	}
	d.Reason = strings.Join(reasons, "; ")
	return d
}

// multipath returns the candidates in tied (equal up to the IGP metric)
// that share the best's neighbor AS and AS_PATH, when there are several.
func multipath(paths []Path, tied []int, best int) []int {
	var out []int
	for _, i := range tied {
		if paths[i].NeighborAS == paths[best].NeighborAS && slices.Equal(paths[i].ASPath, paths[best].ASPath) {
			out = append(out, i)
		}
	}
	if len(out) < 2 {
		return nil
	}
	return out
}

// keepBest appends to dst the candidates in alive that compare best. dst may
// share alive's array: it is written only behind the reading position.
func keepBest(paths []Path, alive []int, compare func(a, b *Path) int, dst []int) []int {
	best := alive[0]
	for _, i := range alive[1:] {
		if compare(&paths[i], &paths[best]) < 0 {
			best = i
		}
	}
	bestPath := &paths[best]
	for _, i := range alive {
		if compare(&paths[i], bestPath) == 0 {
			dst = append(dst, i)
		}
	}
	return dst
}

// filterMED compares MED only among paths from the same neighbor AS (the
// default without always-compare-med), keeping each AS's lowest.
func filterMED(paths []Path, alive, dst []int) []int {
	lowest := map[uint32]uint32{}
	for _, i := range alive {
		as := paths[i].NeighborAS
		if m, ok := lowest[as]; !ok || paths[i].MED < m {
			lowest[as] = paths[i].MED
		}
	}
	for _, i := range alive {
		if paths[i].MED == lowest[paths[i].NeighborAS] {
			dst = append(dst, i)
		}
	}
	return dst
}

// explainStep says why the step kept some candidates and removed others.
func explainStep(s step, paths []Path, alive, kept []int) string {
	var lost []string
	var loser Path
	k := 0
	for _, i := range alive {
		if k < len(kept) && kept[k] == i {
			k++
			continue
		}
		if lost == nil {
			loser = paths[i]
		}
		lost = append(lost, paths[i].name())
	}
	winners := make([]string, len(kept))
	for i, w := range kept {
		winners[i] = paths[w].name()
	}
	return fmtlite.Sprintf("%s: %s (%s) beats %s (%s)", s.code, s.describe(paths[kept[0]]), strings.Join(winners, ", "), s.describe(loser), strings.Join(lost, ", "))
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func originRank(o string) int {
	switch o {
	case OriginIGP, "":
		return 0
	case OriginEGP:
		return 1
	}
	return 2
}

func originName(o string) string {
	if o == "" {
		return OriginIGP
	}
	return o
}

func nextHopTypeName(kind string) string {
	switch kind {
	case KindDirectConnection:
		return "private virtual interface"
	case KindVPN:
		return "VPN connection"
	case KindVPCAttachment:
		return "VPC attachment"
	}
	return kind
}

func routeTypeName(p Path) string {
	switch p.RouteType {
	case RouteStatic:
		return "static"
	case RoutePropagation:
		return "VPC attachment propagation"
	case RouteEBGP:
		return "eBGP"
	case RouteIBGP:
		return "iBGP"
	}
	return "unnamed"
}

func addrOrUnset(a netip.Addr) string {
	if !a.IsValid() {
		return "(unset)"
	}
	return a.String()
}
