package sim

import (
	"net/netip"

	"github.com/hybridplan/hybridplan/pkg/cidr"
	"github.com/hybridplan/hybridplan/pkg/plan"
)

// ConnectivityMatrix is every IDC segment × every VPC segment × every standard scenario,
// each cell with its verdict: the connectivity an engineer checks the real
// network against (the seed's step 6, written down in advance).
type ConnectivityMatrix struct {
	Scenarios   []MatrixScenario `json:"scenarios"`
	IDCSegments []MatrixSegment  `json:"idcSegments"`
	VPCSegments []MatrixSegment  `json:"vpcSegments"`
	// Cells are ordered by scenario, then IDC segment, then VPC segment;
	// only pairs of one address family appear.
	Cells []Cell `json:"cells"`
}

// MatrixScenario names a scenario of the matrix.
type MatrixScenario struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// MatrixSegment is a segment and its representative address, the first
// usable host (the address itself for a /32 or /128).
type MatrixSegment struct {
	Name       string       `json:"name"`
	Attachment string       `json:"attachment,omitempty"`
	CIDR       netip.Prefix `json:"cidr"`
	Address    netip.Addr   `json:"address"`
}

// Cell is the verdict for one VPC segment ↔ IDC segment pair in one
// scenario. Forward is VPC → IDC (the border gateway decides), Return is
// IDC → VPC (the customer router decides).
type Cell struct {
	Scenario  string  `json:"scenario"`
	IDC       string  `json:"idc"`
	VPC       string  `json:"vpc"`
	Forward   Verdict `json:"forward"`
	Return    Verdict `json:"return"`
	Reachable bool    `json:"reachable"`
	Symmetric bool    `json:"symmetric"`
}

// Verdict is one direction of a cell.
type Verdict struct {
	Reachable bool         `json:"reachable"`
	Kind      string       `json:"kind,omitempty"`
	Sessions  []string     `json:"sessions"`
	Route     netip.Prefix `json:"route,omitzero"`
}

// Matrix computes the whole matrix for p over Scenarios(p). It does the
// work once per scenario and once per address: a plan with 1,000
// advertised prefixes takes milliseconds.
func Matrix(p *plan.Plan) (ConnectivityMatrix, error) {
	return MatrixFor(p, Scenarios(p))
}

// MatrixFor is Matrix over the given scenarios (for one scenario, or a
// custom one such as WithdrawScenario's).
func MatrixFor(p *plan.Plan, scenarios []Scenario) (ConnectivityMatrix, error) {
	m := newModel(p)
	out := ConnectivityMatrix{Scenarios: make([]MatrixScenario, len(scenarios))}
	for i, s := range scenarios {
		out.Scenarios[i] = MatrixScenario{Name: s.Name, Description: s.Description}
	}
	for _, s := range p.IDC.Segments {
		out.IDCSegments = append(out.IDCSegments, MatrixSegment{Name: s.Name, CIDR: s.CIDR.Masked(), Address: representative(s.CIDR)})
	}
	for _, a := range p.BorderGateway.Attachments {
		// Subnets show which propagate and which do not; without subnets
		// the VPC's CIDRs stand for the VPC.
		if len(a.Subnets) > 0 && a.PropagationMode() == plan.PropagateSubnets {
			for _, sn := range a.Subnets {
				out.VPCSegments = append(out.VPCSegments, MatrixSegment{Name: sn.Name, Attachment: a.Name, CIDR: sn.CIDR.Masked(), Address: representative(sn.CIDR)})
			}
			continue
		}
		for _, c := range a.CIDRs {
			out.VPCSegments = append(out.VPCSegments, MatrixSegment{Name: a.Name, Attachment: a.Name, CIDR: c.Masked(), Address: representative(c)})
		}
	}
	// Which prefixes contain each representative address does not change
	// between scenarios: look it up once per address.
	idcRefs := make([][]int, len(out.IDCSegments))
	for i, s := range out.IDCSegments {
		idcRefs[i] = containing(m.bgwIdx, s.Address)
	}
	vpcRefs := make([][]int, len(out.VPCSegments))
	for j, s := range out.VPCSegments {
		vpcRefs[j] = containing(m.custIdx, s.Address)
	}
	for _, s := range scenarios {
		st, err := m.run(s)
		if err != nil {
			return ConnectivityMatrix{}, err
		}
		fwd := newVerdicts(&st.BorderGateway)
		back := newVerdicts(&st.CustomerRouter)
		for i, is := range out.IDCSegments {
			f := fwd.get(idcRefs[i])
			for j, vs := range out.VPCSegments {
				if is.Address.Is4() != vs.Address.Is4() {
					continue
				}
				b := back.get(vpcRefs[j])
				out.Cells = append(out.Cells, Cell{
					Scenario: s.Name, IDC: is.Name, VPC: vs.Name, Forward: f, Return: b,
					Reachable: f.Reachable && b.Reachable,
					Symmetric: f.Reachable && b.Reachable && f.Kind == b.Kind && f.Kind != "mixed",
				})
			}
		}
	}
	return out, nil
}

// representative is a segment's first usable host.
func representative(p netip.Prefix) netip.Addr {
	if a := plan.FirstUsable(p); a.IsValid() {
		return a
	}
	return p.Masked().Addr()
}

// containing returns the refs of every prefix in ix that contains a,
// longest first.
func containing(ix *cidr.Index, a netip.Addr) []int {
	cs := ix.Containing(a)
	refs := make([]int, len(cs))
	for i, c := range cs {
		refs[len(cs)-1-i] = c.Ref
	}
	return refs
}

// verdicts memoizes one verdict per route of a table: cells that match the
// same route share it.
type verdicts struct {
	t    *Table
	memo []*Verdict
}

func newVerdicts(t *Table) verdicts {
	return verdicts{t: t, memo: make([]*Verdict, len(t.Routes))}
}

// get is the verdict for an address contained by refs (longest first).
func (v verdicts) get(refs []int) Verdict {
	for _, ref := range refs {
		r := v.t.byRef[ref]
		if r < 0 {
			continue
		}
		if m := v.memo[r]; m != nil {
			return *m
		}
		route := &v.t.Routes[r]
		vd := Verdict{Route: route.Prefix, Kind: legKind(route.NextHops), Sessions: make([]string, len(route.NextHops))}
		for i, h := range route.NextHops {
			vd.Sessions[i] = h.Session
		}
		vd.Reachable = vd.Kind == KindDirectConnection || vd.Kind == KindVPN || vd.Kind == "mixed"
		if !vd.Reachable {
			vd.Kind = ""
		}
		v.memo[r] = &vd
		return vd
	}
	return Verdict{Sessions: []string{}}
}
