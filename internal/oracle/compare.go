package oracle

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/sim"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

// Mismatch is one disagreement between FRR and the simulator.
type Mismatch struct {
	Plan     string `json:"plan"`
	Scenario string `json:"scenario"`
	// Router is sim.RouterCustomerRouter or sim.RouterBorderGateway.
	Router string `json:"router"`
	// What is "best path for PREFIX", "paths for PREFIX" or "forwarding to ADDR".
	What string `json:"what"`
	FRR  string `json:"frr"`
	Sim  string `json:"sim"`
	// ReasonOnly is set when FRR and the simulator chose the same path and
	// disagree only on why (FRR's selectionReason against the simulator's
	// frrReason). It is reported, not failed: when one event takes several
	// sessions down at once (a port down), FRR's reason depends on the
	// order it processes them in, while the choice does not.
	ReasonOnly bool `json:"reasonOnly,omitempty"`
}

func (m Mismatch) String() string {
	return fmt.Sprintf("plan %s, scenario %s, %s, %s:\n    FRR:       %s\n    simulator: %s", m.Plan, m.Scenario, m.Router, m.What, m.FRR, m.Sim)
}

// LookupsFor returns the addresses whose forwarding the oracle compares:
// on the customer router the representative host of every VPC prefix the
// border gateway announces, on the cloud router that of every IDC segment
// and every prefix the customer router announces (so each more-specific and
// each aggregate is hit).
func LookupsFor(p *plan.Plan, res strategy.Result) Lookups {
	var l Lookups
	seen := map[netip.Addr]bool{}
	add := func(list *[]netip.Addr, pfx netip.Prefix) {
		a := hostIn(pfx)
		if !seen[a] {
			seen[a] = true
			*list = append(*list, a)
		}
	}
	for _, k := range []strategy.PathKind{strategy.DirectConnection, strategy.VPN} {
		for _, a := range res.CloudToIDC.For(k) {
			add(&l.Customer, a.Prefix)
		}
	}
	for _, s := range p.IDC.Segments {
		add(&l.Cloud, s.CIDR)
	}
	for _, k := range []strategy.PathKind{strategy.DirectConnection, strategy.VPN} {
		for _, a := range res.IDCToCloud.For(k) {
			add(&l.Cloud, a.Prefix)
		}
	}
	slices.SortFunc(l.Customer, netip.Addr.Compare)
	slices.SortFunc(l.Cloud, netip.Addr.Compare)
	return l
}

// Compare returns every disagreement between the simulator's state and
// what FRR did in the same scenario:
//
//   - for each prefix learned over BGP, on each router: the sessions it was
//     learned on, and the chosen path(s): the customer router's single best
//     path; the border gateway's best paths, all of them under ECMP (FRR's
//     multipath set);
//   - on the customer router with exactly two candidates, FRR's
//     selectionReason against the simulator's FRRReason (ReasonOnly);
//   - for each lookup address, the route the kernel forwards by and the
//     sessions of its next hops, against the simulator's longest-prefix
//     match.
func Compare(planName string, st *sim.State, obs Observation, l Lookups) []Mismatch {
	var out []Mismatch
	add := func(router, what, frr, simSays string) {
		out = append(out, Mismatch{Plan: planName, Scenario: st.Scenario.Name, Router: router, What: what, FRR: frr, Sim: simSays})
	}
	for _, side := range []struct {
		router string
		table  *sim.Table
		frr    Table
		fwd    map[netip.Addr]Forwarding
		addrs  []netip.Addr
	}{
		{sim.RouterCustomerRouter, &st.CustomerRouter, obs.Customer, obs.CustomerFwd, l.Customer},
		{sim.RouterBorderGateway, &st.BorderGateway, obs.Cloud, obs.CloudFwd, l.Cloud},
	} {
		simRoutes := map[netip.Prefix]sim.Route{}
		for _, r := range side.table.Routes {
			if len(sessionsOf(r.Candidates)) > 0 {
				simRoutes[r.Prefix] = r
			}
		}
		var prefixes []netip.Prefix
		for p := range simRoutes {
			prefixes = append(prefixes, p)
		}
		for p := range side.frr {
			if _, ok := simRoutes[p]; !ok {
				prefixes = append(prefixes, p)
			}
		}
		slices.SortFunc(prefixes, comparePrefix)
		for _, pfx := range prefixes {
			sr, inSim := simRoutes[pfx]
			fr, inFRR := side.frr[pfx]
			switch {
			case !inSim:
				add(side.router, "paths for "+pfx.String(), describeFRR(fr), "no route learned over BGP")
				continue
			case !inFRR:
				add(side.router, "paths for "+pfx.String(), "no route learned over BGP", describeSim(sr))
				continue
			}
			frrCands := make([]string, len(fr.Paths))
			for i, p := range fr.Paths {
				frrCands[i] = p.Session
			}
			slices.Sort(frrCands)
			if simCands := sessionsOf(sr.Candidates); !slices.Equal(frrCands, simCands) {
				add(side.router, "paths for "+pfx.String(), describeFRR(fr), describeSim(sr))
				continue
			}
			if d := asPathDiff(fr, sr); d != "" {
				add(side.router, "AS_PATH for "+pfx.String(), describeFRR(fr)+"; "+d, describeSim(sr))
				continue
			}
			var frrBest []string
			if side.router == sim.RouterCustomerRouter {
				for _, p := range fr.Paths {
					if p.Best {
						frrBest = append(frrBest, p.Session)
					}
				}
			} else {
				frrBest = fr.Selected()
			}
			simBest := bestOf(sr)
			if !slices.Equal(frrBest, simBest) {
				add(side.router, "best path for "+pfx.String(), describeFRR(fr), describeSim(sr))
				continue
			}
			if side.router == sim.RouterCustomerRouter && len(sr.Candidates) == 2 && sr.Decision.FRRReason != "" && sr.Decision.FRRReason != fr.Reason() {
				add(side.router, "selection reason for "+pfx.String(), describeFRR(fr), describeSim(sr))
				out[len(out)-1].ReasonOnly = true
			}
		}
		for _, a := range side.addrs {
			f := side.fwd[a]
			sr, ok := side.table.Lookup(a)
			var simHops []string
			simRoute := "no route"
			if ok {
				simRoute = sr.Prefix.String()
				for _, h := range sr.NextHops {
					if h.Session != "" {
						simHops = append(simHops, h.Session)
					}
				}
				slices.Sort(simHops)
				simHops = slices.Compact(simHops)
			}
			frrRoute := "no route"
			if f.Route.IsValid() {
				frrRoute = f.Route.String()
			}
			if !slices.Equal(f.Sessions, simHops) || (len(simHops) > 0 && frrRoute != simRoute) {
				add(side.router, "forwarding to "+a.String(),
					fmt.Sprintf("kernel route %s %s via %s", frrRoute, f.Type, listOrNone(f.Sessions)),
					fmt.Sprintf("route %s via %s", simRoute, listOrNone(simHops)))
			}
		}
	}
	return out
}

// asPathDiff compares the AS_PATH of every path FRR holds with the
// simulator's candidate from the same session (issue 9: the plan's cloud
// ASNs must be what the customer router sees). "" means they agree.
func asPathDiff(fr Route, sr sim.Route) string {
	var diffs []string
	for _, p := range fr.Paths {
		for _, c := range sr.Candidates {
			if c.Session != p.Session {
				continue
			}
			if want := joinASNs(c.ASPath); want != p.ASPath {
				diffs = append(diffs, fmt.Sprintf("AS_PATH %q via %s, the simulator %q", p.ASPath, p.Session, want))
			}
		}
	}
	return strings.Join(diffs, ", ")
}

func sessionsOf(paths []sim.Path) []string {
	var out []string
	for _, p := range paths {
		if p.Session != "" {
			out = append(out, p.Session)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func bestOf(r sim.Route) []string {
	var out []string
	for _, i := range r.Decision.Best {
		if i >= 0 && i < len(r.Candidates) && r.Candidates[i].Session != "" {
			out = append(out, r.Candidates[i].Session)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func describeFRR(r Route) string {
	var parts []string
	for _, p := range r.Paths {
		s := fmt.Sprintf("%s (AS_PATH %q, local-pref %d", p.Session, p.ASPath, p.LocalPref)
		switch {
		case p.Best:
			s += ", BEST: " + p.Reason
		case p.Multipath:
			s += ", multipath"
		}
		parts = append(parts, s+")")
	}
	return strings.Join(parts, "; ")
}

func describeSim(r sim.Route) string {
	var parts []string
	best := map[int]bool{}
	for _, i := range r.Decision.Best {
		best[i] = true
	}
	for i, c := range r.Candidates {
		name := c.Session
		if name == "" {
			name = "VPC attachment " + c.Attachment
		}
		s := fmt.Sprintf("%s (AS_PATH %v", name, c.ASPath)
		if best[i] {
			s += ", BEST"
		}
		parts = append(parts, s+")")
	}
	reason := r.Decision.Reason
	if r.Decision.FRRReason != "" {
		reason += fmt.Sprintf(" [FRR would say %q]", r.Decision.FRRReason)
	}
	return strings.Join(parts, "; ") + "; step " + r.Decision.Step + ": " + reason
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "nothing"
	}
	return strings.Join(s, ", ")
}
