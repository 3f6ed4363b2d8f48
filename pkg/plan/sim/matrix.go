package sim

import (
	"net/netip"
	"slices"

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
	Scenario string `json:"scenario"`
	IDC      string `json:"idc"`
	VPC      string `json:"vpc"`
	// IDCIndex and VPCIndex index IDCSegments and VPCSegments: a VPC's
	// name repeats when it has an IPv4 and an IPv6 CIDR.
	IDCIndex int `json:"idcIndex"`
	VPCIndex int `json:"vpcIndex"`
	// Forward and Return are shared between cells that match the same
	// route; treat them as read-only.
	Forward   *Verdict `json:"forward"`
	Return    *Verdict `json:"return"`
	Reachable bool     `json:"reachable"`
	Symmetric bool     `json:"symmetric"`
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
	// between scenarios: find them once, with one sweep per router.
	idcAddrs := make([]netip.Addr, len(out.IDCSegments))
	for i, s := range out.IDCSegments {
		idcAddrs[i] = s.Address
	}
	vpcAddrs := make([]netip.Addr, len(out.VPCSegments))
	for j, s := range out.VPCSegments {
		vpcAddrs[j] = s.Address
	}
	// The exact number of cells: only pairs of one address family.
	idc4, vpc4 := 0, 0
	for _, a := range idcAddrs {
		if a.Is4() {
			idc4++
		}
	}
	for _, a := range vpcAddrs {
		if a.Is4() {
			vpc4++
		}
	}
	perScenario := idc4*vpc4 + (len(idcAddrs)-idc4)*(len(vpcAddrs)-vpc4)
	// The cells, the largest allocation, come first, before the model.
	// Under WebAssembly (one thread, no preemption) a collection that
	// starts at an allocation marks only while the program allocates (its
	// assists) or yields; the loop that fills the cells does neither, so a
	// collection started just before it would keep the write barrier on
	// for every pointer of every cell, measured at two thirds of the
	// matrix's time under Node. Allocated first, a collection it starts
	// is finished by the model's allocations, and the fill runs without
	// barriers.
	out.Cells = make([]Cell, 0, len(scenarios)*perScenario)
	m := newModel(p)
	idcRefs := containing(m.bgw, idcAddrs)
	vpcRefs := containing(m.cust, vpcAddrs)
	var fwd, back *verdicts // one of each, reset per scenario
	fwdMemo, backMemo := newWorldMemo(m.bgw), newWorldMemo(m.cust)
	backs := make([]*Verdict, len(vpcAddrs))
	vpc4s := make([]bool, len(vpcAddrs))
	for j, a := range vpcAddrs {
		vpc4s[j] = a.Is4()
	}
	for _, s := range scenarios {
		w, err := m.world(s)
		if err != nil {
			return ConnectivityMatrix{}, err
		}
		fwd = fwd.reset(m, m.bgw, RouterBorderGateway, w)
		back = back.reset(m, m.cust, RouterCustomerRouter, w)
		fwd.across, back.across = fwdMemo, backMemo
		// The return verdicts once per VPC segment, then the cells; the
		// loops index the segments rather than copy one per cell.
		for j := range backs {
			backs[j] = back.get(vpcRefs[j])
		}
		for i := range out.IDCSegments {
			is := &out.IDCSegments[i]
			f := fwd.get(idcRefs[i])
			v4 := is.Address.Is4()
			for j := range out.VPCSegments {
				if vpc4s[j] != v4 {
					continue
				}
				b := backs[j]
				// Fields are set in place: appending a Cell value copies
				// it with a bulk write barrier while the collector marks,
				// which under WebAssembly (one thread, so marking lasts
				// long) cost more than the rest of the cell.
				out.Cells = out.Cells[:len(out.Cells)+1]
				c := &out.Cells[len(out.Cells)-1]
				c.Scenario, c.IDC, c.VPC = s.Name, is.Name, out.VPCSegments[j].Name
				c.IDCIndex, c.VPCIndex = i, j
				c.Forward, c.Return = f, b
				c.Reachable = f.Reachable && b.Reachable
				c.Symmetric = c.Reachable && f.Kind == b.Kind && f.Kind != "mixed"
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

// containing returns, for each address, the positions in pps of the
// prefixes that contain it, longest first.
func containing(pps []prefixPaths, addrs []netip.Addr) [][]int {
	n := len(pps)
	entries := make([]cidr.Entry, 0, n+len(addrs))
	for i, pp := range pps {
		entries = append(entries, cidr.Entry{Prefix: pp.prefix, Ref: i})
	}
	for j, a := range addrs {
		entries = append(entries, cidr.Entry{Prefix: netip.PrefixFrom(a, a.BitLen()), Ref: n + j})
	}
	out := make([][]int, len(addrs))
	// Pairs come with the outer prefix first, outermost first for each
	// address; a host route equal to the address comes as a duplicate with
	// the prefix (earlier in entries) as A.
	for o := range cidr.AllOverlaps(entries) {
		if o.A.Ref < n && o.B.Ref >= n {
			j := o.B.Ref - n
			out[j] = append(out[j], o.A.Ref)
		}
	}
	for _, refs := range out {
		slices.Reverse(refs)
	}
	return out
}

// verdicts decides a router's prefixes lazily, only those a
// representative address needs, and memoizes one verdict per prefix: most
// of a large plan's prefixes are never the longest match of a first host.
type verdicts struct {
	m      *model
	pps    []prefixPaths
	router string
	w      *world
	done   []bool
	memo   []*Verdict
	none   *Verdict
	// across, when not nil, remembers verdicts across worlds (see
	// worldMemo): most scenarios leave most prefixes' paths as they are.
	across  *worldMemo
	scratch []Path
	sess    []int // the session of each scratch path
	key     []int
	slab    []Verdict
	buf     []int
}

func newVerdicts(m *model, pps []prefixPaths, router string, w *world) *verdicts {
	return &verdicts{m: m, pps: pps, router: router, w: w, done: make([]bool, len(pps)), memo: make([]*Verdict, len(pps)),
		none: &Verdict{Sessions: []string{}}, sess: make([]int, 0, 8)}
}

// reset readies v (nil: a new one) for another world, keeping its buffers.
// Verdicts already handed out stay as they are: the slab is not reused,
// and every world gets its own unreachable verdict, as before.
func (v *verdicts) reset(m *model, pps []prefixPaths, router string, w *world) *verdicts {
	if v == nil {
		return newVerdicts(m, pps, router, w)
	}
	v.w = w
	clear(v.done)
	clear(v.memo)
	v.none = &Verdict{Sessions: []string{}}
	return v
}

// get is the verdict for an address contained by refs (longest first): the
// longest prefix that has a best path.
func (v *verdicts) get(refs []int) *Verdict {
	for _, ref := range refs {
		if !v.done[ref] {
			v.done[ref] = true
			if v.across != nil {
				v.memo[ref] = v.across.get(v, ref)
			} else {
				v.memo[ref] = v.decide(ref)
			}
		}
		if m := v.memo[ref]; m != nil {
			return m
		}
	}
	return v.none
}

// worldMemo remembers a router's verdicts across worlds. A prefix's
// verdict depends on the world only through which of its paths are
// candidates and, on the customer router, the incumbent (the Selected
// flag): decide reads no other attribute that changes between worlds
// (Received only appears in reasons, which the matrix does not build). So
// a verdict found once for a prefix is reused, the same pointer, by every
// world with the same live paths and incumbent.
type worldMemo struct {
	entries [][]memoEntry // per prefix ref
}

type memoEntry struct {
	live      uint64 // bit k: the prefix's path k is a candidate
	incumbent int
	v         *Verdict // nil: no candidate
}

// maxMemoPaths is the most paths a prefix may have for worldMemo (one bit
// each); prefixes with more are decided in every world.
const maxMemoPaths = 64

func newWorldMemo(pps []prefixPaths) *worldMemo {
	return &worldMemo{entries: make([][]memoEntry, len(pps))}
}

// get is v.decide(ref) for v's world, remembered.
func (x *worldMemo) get(v *verdicts, ref int) *Verdict {
	pp := &v.pps[ref]
	if len(pp.paths) > maxMemoPaths {
		return v.decide(ref)
	}
	w := v.w
	f := familyOf(pp.prefix)
	bgw := v.router == RouterBorderGateway
	var live uint64
	for k := range pp.paths {
		i := pp.paths[k].session
		// The same test as candidatesOf's.
		if i < 0 || w.upFamily(i, f) && !(bgw && w.isWithdrawn(i, pp.prefix)) {
			live |= 1 << k
		}
	}
	if live == 0 {
		return nil
	}
	inc := -1
	if !bgw {
		inc = w.incumbent[ref]
	}
	for _, e := range x.entries[ref] {
		if e.live == live && e.incumbent == inc {
			return e.v
		}
	}
	d := v.decide(ref)
	x.entries[ref] = append(x.entries[ref], memoEntry{live: live, incumbent: inc, v: d})
	return d
}

func (v *verdicts) decide(ref int) *Verdict {
	pp := v.pps[ref]
	v.scratch, v.sess = v.m.candidatesOf(v.scratch[:0], v.sess[:0], v.router, ref, pp, v.w)
	if len(v.scratch) == 0 {
		return nil
	}
	steps, ecmp := customerRouterSteps, false
	if v.router == RouterBorderGateway {
		steps, ecmp = borderGatewaySteps, true
	}
	d := decide(steps, v.scratch, ecmp, false, v.buf)
	v.buf = d.Best // reused by the next decision; d is used up before it
	// Verdicts come from a slab: one allocation per 64.
	if len(v.slab) == cap(v.slab) {
		v.slab = make([]Verdict, 0, 64)
	}
	v.slab = v.slab[:len(v.slab)+1]
	vd := &v.slab[len(v.slab)-1]
	vd.Route = pp.prefix
	vd.Sessions = v.sessions(d.Best)
	for i, b := range d.Best {
		c := &v.scratch[b]
		switch {
		case i == 0:
			vd.Kind = c.Kind
		case vd.Kind != c.Kind:
			vd.Kind = "mixed"
		}
	}
	vd.Reachable = vd.Kind == KindDirectConnection || vd.Kind == KindVPN || vd.Kind == "mixed"
	if !vd.Reachable {
		vd.Kind = ""
	}
	return vd
}

// maxSharedLists bounds the distinct ECMP session lists a model shares.
const maxSharedLists = 64

// sessions is the Sessions list of a verdict whose best paths are best
// (indexes of v.scratch): a shared list when every path came from a
// session (the same names in the same order always give the same list),
// a new one otherwise.
func (v *verdicts) sessions(best []int) []string {
	m := v.m
	shared := true
	key := v.key[:0]
	for _, b := range best {
		i := v.sess[b]
		if i < 0 || v.scratch[b].Session == "" {
			shared = false
			break
		}
		key = append(key, m.canon[i])
	}
	v.key = key
	if shared && len(key) == 1 {
		return m.single[key[0]]
	}
	if shared {
		for k, mk := range m.multiKey {
			if slices.Equal(mk, key) {
				return m.multi[k]
			}
		}
	}
	names := make([]string, len(best))
	for i, b := range best {
		names[i] = v.scratch[b].Session
	}
	if shared && len(m.multi) < maxSharedLists {
		m.multiKey = append(m.multiKey, slices.Clone(key))
		m.multi = append(m.multi, names)
	}
	return names
}
