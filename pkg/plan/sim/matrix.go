package sim

import (
	"encoding/binary"
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
	// id is the verdict's position in IndexedMatrix.Verdicts plus one
	// (0: not listed yet), so that indexing needs no map.
	id int32
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
	f := newMatrixFrame(p, scenarios)
	out := ConnectivityMatrix{Scenarios: f.scenarios, IDCSegments: f.idc, VPCSegments: f.vpc}
	// The cells, the largest allocation, come first, before the model.
	// Under WebAssembly (one thread, no preemption) a collection that
	// starts at an allocation marks only while the program allocates (its
	// assists) or yields; the loop that fills the cells does neither, so a
	// collection started just before it would keep the write barrier on
	// for every pointer of every cell, measured at two thirds of the
	// matrix's time under Node. Allocated first, a collection it starts
	// is finished by the model's allocations.
	out.Cells = make([]Cell, f.cells)
	// The cells are made from the indexed ones a scenario at a time, right
	// after the scenario's verdicts, whose allocations help finish a
	// collection started in between (one long fill at the end would run
	// with the barrier of any collection the last allocation started).
	// Some fills still run while the collector marks: the pointers of the
	// Cells (and marking them) are what MatrixIndexed, the page's form,
	// does without.
	_, err := f.index(p, scenarios, func(x *IndexedMatrix, first int) {
		// Fields are set in place: assigning a Cell value copies it with
		// a bulk write barrier while the collector marks.
		for n := range len(x.Cells) / MatrixCellFields {
			k := x.Cells[n*MatrixCellFields:]
			c := &out.Cells[first+n]
			i, j := int(k[1]), int(k[2])
			c.Scenario, c.IDC, c.VPC = out.Scenarios[k[0]].Name, out.IDCSegments[i].Name, out.VPCSegments[j].Name
			c.IDCIndex, c.VPCIndex = i, j
			c.Forward, c.Return = x.Verdicts[k[3]], x.Verdicts[k[4]]
			c.Reachable, c.Symmetric = k[5]&CellReachable != 0, k[5]&CellSymmetric != 0
		}
	})
	if err != nil {
		return ConnectivityMatrix{}, err
	}
	return out, nil
}

// IndexedMatrix is the matrix with every name and every distinct verdict
// once and each cell as MatrixCellFields integers: what the page receives
// (it moves the integers between threads without copying), and what
// Matrix's cells are made from. Building it writes no pointer per cell,
// which under WebAssembly is most of the cost of a Cell.
type IndexedMatrix struct {
	Scenarios   []MatrixScenario `json:"scenarios"`
	IDCSegments []MatrixSegment  `json:"idcSegments"`
	VPCSegments []MatrixSegment  `json:"vpcSegments"`
	// Verdicts are the distinct verdicts the cells point to, in the order
	// the cells first do; cells of different scenarios that match the
	// same route with the same best paths share one.
	Verdicts []*Verdict `json:"verdicts"`
	// Cells holds MatrixCellFields integers per cell, in the order of
	// ConnectivityMatrix.Cells: scenario index, IDC segment index, VPC
	// segment index, forward verdict index, return verdict index, flags
	// (CellReachable, CellSymmetric).
	Cells []int32 `json:"cells"`
}

// MatrixCellFields is the number of integers per cell in
// IndexedMatrix.Cells.
const MatrixCellFields = 6

// Flags of an IndexedMatrix cell.
const (
	CellReachable = 1 << iota
	CellSymmetric
)

// MatrixIndexed is Matrix as an IndexedMatrix.
func MatrixIndexed(p *plan.Plan) (IndexedMatrix, error) {
	return MatrixIndexedFor(p, Scenarios(p))
}

// MatrixIndexedFor is MatrixFor as an IndexedMatrix.
func MatrixIndexedFor(p *plan.Plan, scenarios []Scenario) (IndexedMatrix, error) {
	return newMatrixFrame(p, scenarios).index(p, scenarios, nil)
}

// matrixFrame is what a matrix shows before any scenario runs: its
// scenarios, its segments and how many cells it has.
type matrixFrame struct {
	scenarios []MatrixScenario
	idc, vpc  []MatrixSegment
	cells     int
}

func newMatrixFrame(p *plan.Plan, scenarios []Scenario) *matrixFrame {
	f := &matrixFrame{scenarios: make([]MatrixScenario, len(scenarios)), idc: make([]MatrixSegment, len(p.IDC.Segments))}
	for i, s := range scenarios {
		f.scenarios[i] = MatrixScenario{Name: s.Name, Description: s.Description}
	}
	// Fields set in place, not appended: no segment is copied (with the
	// write barrier of its strings) as the slice grows.
	for i, s := range p.IDC.Segments {
		seg := &f.idc[i]
		seg.Name, seg.CIDR, seg.Address = s.Name, s.CIDR.Masked(), representative(s.CIDR)
	}
	for _, a := range p.BorderGateway.Attachments {
		// Subnets show which propagate and which do not; without subnets
		// the VPC's CIDRs stand for the VPC.
		if len(a.Subnets) > 0 && a.PropagationMode() == plan.PropagateSubnets {
			for _, sn := range a.Subnets {
				f.vpc = append(f.vpc, MatrixSegment{Name: sn.Name, Attachment: a.Name, CIDR: sn.CIDR.Masked(), Address: representative(sn.CIDR)})
			}
			continue
		}
		for _, c := range a.CIDRs {
			f.vpc = append(f.vpc, MatrixSegment{Name: a.Name, Attachment: a.Name, CIDR: c.Masked(), Address: representative(c)})
		}
	}
	// The exact number of cells: only pairs of one address family.
	idc4, vpc4 := 0, 0
	for _, s := range f.idc {
		if s.Address.Is4() {
			idc4++
		}
	}
	for _, s := range f.vpc {
		if s.Address.Is4() {
			vpc4++
		}
	}
	f.cells = len(scenarios) * (idc4*vpc4 + (len(f.idc)-idc4)*(len(f.vpc)-vpc4))
	return f
}

// index computes the matrix's verdicts and cells. done, when not nil, is
// called after each scenario with x.Cells holding only that scenario's
// cells, the first of them numbered first in the whole matrix; the next
// scenario then reuses the buffer, so that x ends with the last
// scenario's cells only.
func (f *matrixFrame) index(p *plan.Plan, scenarios []Scenario, done func(x *IndexedMatrix, first int)) (IndexedMatrix, error) {
	n := f.cells
	if done != nil && len(scenarios) > 0 {
		n /= len(scenarios) // every scenario has the same cells
	}
	x := IndexedMatrix{Scenarios: f.scenarios, IDCSegments: f.idc, VPCSegments: f.vpc,
		Verdicts: []*Verdict{}, Cells: make([]int32, 0, MatrixCellFields*n)}
	m := newModel(p)
	// Which prefixes contain each representative address does not change
	// between scenarios: find them once, with one sweep per router.
	idcAddrs := make([]netip.Addr, len(f.idc))
	for i, s := range f.idc {
		idcAddrs[i] = s.Address
	}
	vpcAddrs := make([]netip.Addr, len(f.vpc))
	vpc4s := make([]bool, len(f.vpc))
	for j, s := range f.vpc {
		vpcAddrs[j], vpc4s[j] = s.Address, s.Address.Is4()
	}
	idcRefs := containing(m.bgw, idcAddrs)
	vpcRefs := containing(m.cust, vpcAddrs)
	var fwd, back *verdicts // one of each, reset per scenario
	fwdMemo, backMemo := newWorldMemo(m.bgw), newWorldMemo(m.cust)
	// One unreachable verdict serves every world and both directions.
	none := &Verdict{Sessions: []string{}}
	// id numbers the verdicts in the order the cells first point to them.
	id := func(v *Verdict) int32 {
		if v.id == 0 {
			x.Verdicts = append(x.Verdicts, v)
			v.id = int32(len(x.Verdicts))
		}
		return v.id - 1
	}
	// A world that leaves a router where an earlier one did (worldKey)
	// gets the same verdicts: many scenarios end with the same sessions
	// up, and then reuse the earlier scenario's verdicts without looking
	// any prefix up.
	var fwdSeen, backSeen []seenWorld
	first := 0
	for si, s := range scenarios {
		if done != nil {
			x.Cells = x.Cells[:0]
		}
		w, err := m.world(s)
		if err != nil {
			return IndexedMatrix{}, err
		}
		fwd = fwd.reset(m, m.bgw, RouterBorderGateway, w)
		back = back.reset(m, m.cust, RouterCustomerRouter, w)
		fwd.across, back.across = fwdMemo, backMemo
		fwd.none, back.none = none, none
		// The verdicts once per segment, then the cells.
		var fwds, backs []*Verdict
		fwds, fwdSeen = seen(fwdSeen, m.worldKey(w, RouterBorderGateway), fwd, idcRefs)
		backs, backSeen = seen(backSeen, m.worldKey(w, RouterCustomerRouter), back, vpcRefs)
		for i, fv := range fwds {
			v4 := idcAddrs[i].Is4()
			var fi int32 = -1
			for j, bv := range backs {
				if vpc4s[j] != v4 {
					continue
				}
				if fi < 0 {
					fi = id(fv)
				}
				var flags int32
				if fv.Reachable && bv.Reachable {
					flags = CellReachable
					if fv.Kind == bv.Kind && fv.Kind != "mixed" {
						flags |= CellSymmetric
					}
				}
				x.Cells = append(x.Cells, int32(si), int32(i), int32(j), fi, id(bv), flags)
			}
		}
		if done != nil {
			done(&x, first)
			first += len(x.Cells) / MatrixCellFields
		}
	}
	return x, nil
}

// seenWorld is a world's key and the verdicts it gave.
type seenWorld struct {
	key      []byte
	verdicts []*Verdict
}

// seen returns v's verdict for each of refs: an earlier world's when one
// had the same key (nil: none can have), otherwise found and remembered.
func seen(worlds []seenWorld, key []byte, v *verdicts, refs [][]int) ([]*Verdict, []seenWorld) {
	if key != nil {
		for _, sw := range worlds {
			if string(sw.key) == string(key) {
				return sw.verdicts, worlds
			}
		}
	}
	out := make([]*Verdict, len(refs))
	for i, r := range refs {
		out[i] = v.get(r)
	}
	if key != nil {
		worlds = append(worlds, seenWorld{key, out})
	}
	return out, worlds
}

// worldKey spells out all of w that a router's verdicts depend on: which
// family sessions are up, on the border gateway what the customer router
// withdraws, on the customer router each prefix's incumbent (the
// Selected flag). Nil when prefixes are withdrawn one by one (the key
// would have to list them): such a world is never taken for another.
func (m *model) worldKey(w *world, router string) []byte {
	key := make([]byte, 0, 3*len(m.sessions)+4*len(m.cust))
	for i := range m.sessions {
		key = append(key, boolByte(w.upFamily(i, famIPv4)), boolByte(w.upFamily(i, famIPv6)))
		if router == RouterBorderGateway {
			if w.withdrawn[i] != nil {
				return nil
			}
			key = append(key, boolByte(w.allWithdrawn[i]))
		}
	}
	if router == RouterCustomerRouter {
		for _, inc := range w.incumbent {
			key = binary.LittleEndian.AppendUint32(key, uint32(inc))
		}
	}
	return key
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
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

// worldMemo remembers a router's verdicts across worlds and prefixes. A
// prefix's verdict depends on the world only through which of its paths
// are candidates and, on the customer router, the incumbent (the Selected
// flag): decide reads no other attribute that changes between worlds
// (Received only appears in reasons, which the matrix does not build). So
// a verdict found once for a prefix is reused, the same pointer, by every
// world with the same live paths and incumbent. And prefixes whose paths
// come from the same sessions with AS_PATHs of the same length and first
// AS (the same signature) decide alike: their verdicts differ only in the
// route, so one decision serves them all.
type worldMemo struct {
	// head is each prefix ref's first entry in entries (-1: none); the
	// entries of one ref are chained by next. One flat slice instead of a
	// slice per ref: no allocation per ref.
	head    []int32
	entries []memoEntry
	// sig is each ref's signature number, -1 until needed; sigs numbers
	// the signatures, key is the buffer that spells one out.
	sig  []int32
	sigs map[string]int32
	key  []byte
	// outcomes holds the decisions made, chained per signature from
	// outHead like entries.
	outHead  []int32
	outcomes []outcome
}

type memoEntry struct {
	live      uint64 // bit k: the prefix's path k is a candidate
	incumbent int
	next      int32
	outcome   int32    // index in outcomes
	v         *Verdict // nil: no candidate
}

// outcome is a decision for a signature: the verdict of the first prefix
// that made it, whose Reachable, Kind and Sessions every prefix of the
// signature shares.
type outcome struct {
	live      uint64
	incumbent int
	next      int32
	v         *Verdict
}

// maxMemoPaths is the most paths a prefix may have for worldMemo (one bit
// each); prefixes with more are decided in every world.
const maxMemoPaths = 64

func newWorldMemo(pps []prefixPaths) *worldMemo {
	x := &worldMemo{head: make([]int32, len(pps)), sig: make([]int32, len(pps)), sigs: map[string]int32{}}
	for i := range x.head {
		x.head[i], x.sig[i] = -1, -1
	}
	return x
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
	for e := x.head[ref]; e >= 0; e = x.entries[e].next {
		if x.entries[e].live == live && x.entries[e].incumbent == inc {
			return x.entries[e].v
		}
	}
	sig := x.signature(v, ref)
	o := x.outHead[sig]
	for ; o >= 0; o = x.outcomes[o].next {
		if x.outcomes[o].live == live && x.outcomes[o].incumbent == inc {
			break
		}
	}
	var d *Verdict
	if o < 0 {
		d = v.decide(ref)
		x.outcomes = append(x.outcomes, outcome{live: live, incumbent: inc, next: x.outHead[sig], v: d})
		o = int32(len(x.outcomes) - 1)
		x.outHead[sig] = o
	} else {
		// Another world may have come to the same outcome for this ref.
		for e := x.head[ref]; e >= 0 && d == nil; e = x.entries[e].next {
			if x.entries[e].outcome == o {
				d = x.entries[e].v
			}
		}
		if d == nil {
			proto := x.outcomes[o].v
			d = v.newVerdict()
			d.Reachable, d.Kind, d.Sessions, d.Route = proto.Reachable, proto.Kind, proto.Sessions, pp.prefix
		}
	}
	x.entries = append(x.entries, memoEntry{live: live, incumbent: inc, next: x.head[ref], outcome: o, v: d})
	x.head[ref] = int32(len(x.entries) - 1)
	return d
}

// signature numbers what a decision among ref's paths reads that is not
// the same for every prefix: the family (the neighbor addresses), and per
// path its session (priority, local preference, router ID, names and
// kinds) and its AS_PATH's length and first AS (the neighbor AS). A VPC
// route has no session; its attributes are the same for every VPC route.
func (x *worldMemo) signature(v *verdicts, ref int) int32 {
	if s := x.sig[ref]; s >= 0 {
		return s
	}
	pp := &v.pps[ref]
	key := append(x.key[:0], byte(familyOf(pp.prefix)))
	for _, sp := range pp.paths {
		first := uint32(0)
		if len(sp.asPath) > 0 {
			first = sp.asPath[0]
		}
		key = binary.LittleEndian.AppendUint64(key, uint64(sp.session+1))
		key = binary.LittleEndian.AppendUint64(key, uint64(len(sp.asPath)))
		key = binary.LittleEndian.AppendUint32(key, first)
	}
	x.key = key
	s, ok := x.sigs[string(key)]
	if !ok {
		s = int32(len(x.outHead))
		x.sigs[string(key)] = s
		x.outHead = append(x.outHead, -1)
	}
	x.sig[ref] = s
	return s
}

// newVerdict is a zero verdict from v's slab: one allocation per 64.
func (v *verdicts) newVerdict() *Verdict {
	if len(v.slab) == cap(v.slab) {
		v.slab = make([]Verdict, 0, 64)
	}
	v.slab = v.slab[:len(v.slab)+1]
	return &v.slab[len(v.slab)-1]
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
	vd := v.newVerdict()
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
