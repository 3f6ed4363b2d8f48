package oracle

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/pkg/plan/sim"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

// observationOf is what FRR would show if it agreed with the simulator.
func observationOf(st *sim.State, l Lookups) Observation {
	o := Observation{Customer: Table{}, Cloud: Table{}, CustomerFwd: map[netip.Addr]Forwarding{}, CloudFwd: map[netip.Addr]Forwarding{}}
	for _, side := range []struct {
		table *sim.Table
		into  Table
		fwd   map[netip.Addr]Forwarding
		addrs []netip.Addr
	}{{&st.CustomerRouter, o.Customer, o.CustomerFwd, l.Customer}, {&st.BorderGateway, o.Cloud, o.CloudFwd, l.Cloud}} {
		for _, r := range side.table.Routes {
			if len(sessionsOf(r.Candidates)) == 0 {
				continue
			}
			route := Route{Prefix: r.Prefix}
			for i, c := range r.Candidates {
				best := len(r.Decision.Best) > 0 && r.Decision.Best[0] == i
				multi := !best && slices.Contains(r.Decision.Best, i)
				route.Paths = append(route.Paths, Path{Session: c.Session, Best: best, Multipath: multi, Reason: map[bool]string{true: r.Decision.FRRReason}[best], ASPath: joinASNs(c.ASPath)})
			}
			side.into[r.Prefix] = route
		}
		for _, a := range side.addrs {
			f := Forwarding{Addr: a}
			if r, ok := side.table.Lookup(a); ok {
				f.Route, f.Type = r.Prefix, "unicast"
				for _, h := range r.NextHops {
					f.Sessions = append(f.Sessions, h.Session)
				}
				slices.Sort(f.Sessions)
			}
			side.fwd[a] = f
		}
	}
	return o
}

func TestCompare(t *testing.T) {
	p := readPlan(t, "../../examples/seed-dc-primary-vpn-backup.json")
	res := strategy.Compute(p)
	l := LookupsFor(p, res)
	if got := len(l.Customer); got != 1 {
		t.Fatalf("customer lookups %v, want the VPC's one address", l.Customer)
	}
	// Two segments, four specifics and two aggregates, whose hosts coincide
	// with the segments' and the first specifics'.
	if got := len(l.Cloud); got != 4 {
		t.Fatalf("cloud lookups %v, want 4 addresses", l.Cloud)
	}
	sc, err := sim.FindScenario(p, sim.ScenarioDCSessionDown)
	if err != nil {
		t.Fatal(err)
	}
	st, err := sim.Run(p, sc)
	if err != nil {
		t.Fatal(err)
	}
	vpc := netip.MustParsePrefix("10.0.0.0/16")
	tests := []struct {
		name   string
		change func(o *Observation)
		want   []string // one entry per expected mismatch: "|"-separated substrings of its text
	}{
		{"agreement", func(*Observation) {}, nil},
		{"another best path", func(o *Observation) {
			r := o.Customer[vpc]
			for i := range r.Paths {
				r.Paths[i].Best = !r.Paths[i].Best
			}
		}, []string{"customer-router, best path for 10.0.0.0/16"}},
		{"ECMP in the kernel where the simulator has one path", func(o *Observation) {
			f := o.CustomerFwd[netip.MustParseAddr("10.0.0.1")]
			f.Sessions = []string{"tun-1", "tun-2"}
			o.CustomerFwd[f.Addr] = f
		}, []string{"forwarding to 10.0.0.1|via tun-1, tun-2"}},
		{"a route FRR has and the simulator does not", func(o *Observation) {
			x := netip.MustParsePrefix("10.99.0.0/16")
			o.Cloud[x] = Route{Prefix: x, Paths: []Path{{Session: "tun-1", Best: true}}}
		}, []string{"border-gateway, paths for 10.99.0.0/16|no route learned over BGP"}},
		{"a missing route", func(o *Observation) { delete(o.Customer, vpc) }, []string{"paths for 10.0.0.0/16"}},
		{"another AS_PATH", func(o *Observation) {
			r := o.Customer[vpc]
			r.Paths[0].ASPath = "64600"
		}, []string{"customer-router, AS_PATH for 10.0.0.0/16|AS_PATH \"64600\" via tun-1, the simulator \"65000\""}},
		{"another selection reason", func(o *Observation) {
			r := o.Customer[vpc]
			for i := range r.Paths {
				if r.Paths[i].Best {
					r.Paths[i].Reason = "Router ID"
				}
			}
		}, []string{"selection reason for 10.0.0.0/16|Router ID"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := observationOf(st, l)
			tt.change(&o)
			ms := Compare(p.Name, st, o, l)
			for _, m := range ms {
				if m.ReasonOnly != strings.Contains(m.What, "selection reason") {
					t.Errorf("ReasonOnly %v on %q", m.ReasonOnly, m.What)
				}
			}
			if len(ms) != len(tt.want) {
				t.Fatalf("%d mismatches, want %d: %v", len(ms), len(tt.want), ms)
			}
			for i, m := range ms {
				s := m.String()
				if !strings.Contains(s, "plan "+p.Name+", scenario "+sc.Name) {
					t.Errorf("mismatch does not name the plan and scenario: %s", s)
				}
				for _, w := range strings.Split(tt.want[i], "|") {
					if !strings.Contains(s, w) {
						t.Errorf("mismatch %q does not say %q", s, w)
					}
				}
			}
		})
	}
}
