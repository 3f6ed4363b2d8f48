package sim_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/sim"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

// matrixGolden holds the SHA-256 of the matrix's JSON, over the standard
// scenarios and over random ones, for every example and two generated
// plans, as the matrix computed them before it was made faster (commit
// d8fdd1a): every speed-up must give the same bytes.
var matrixGolden = map[string]string{
	"aspath-two-vpcs-redundant-dc/random":   "24425c9fecff53d3a984dd01c3c1a046d585c729b67cb63eceffa2019bab9bab",
	"aspath-two-vpcs-redundant-dc/standard": "1bc438b0b6ce7b8839bbdbb4cf1284838b895a7115f57266ec0a747dbdbbf245",
	"dualstack-aggregate-over-vpn/random":   "265c08defcfabd6902e47918e99aa19a2eae9ded1f9f1846b81ecad74d9a29d3",
	"dualstack-aggregate-over-vpn/standard": "d244a6870ae7fd04c17f0b18a43625671c8377e00a8595aebb0a826cc82e596f",
	"large-1000/random":                     "ed120aceaa4f2c16d2d7967c695dd16f1532f73c1c0bb708238933c87c4d32b9",
	"large-1000/standard":                   "6d03f8c880d9a2ec2764810879b31db92bf33de7ad26334a9b764ea65262cc2f",
	"large-60/random":                       "7cd1bfb7c2ca201c84f44980af903ec4bd43544df3ff155928d2068add4db4ff",
	"large-60/standard":                     "0cab146b9d25c6bc5c59feb960c895c313d605f50f273bd0dd3d74ccd4d94113",
	"seed-dc-primary-vpn-backup/random":     "bcee93374222dc2c7fcd679baa747f337c3917634a58dc3dfbf94f160b4ae122",
	"seed-dc-primary-vpn-backup/standard":   "25d9312b1792478a96a6baf42616d680c1294c237409d2bc3251df04666f1837",
}

// randomScenarios are n seeded scenarios of session, family, port, silent,
// and whole or per-prefix withdraw and restore events, all valid for p.
func randomScenarios(p *plan.Plan, seed uint64, n int) []sim.Scenario {
	var sessions []string
	for _, ev := range sim.InitialEvents(p) {
		sessions = append(sessions, ev.Session)
	}
	r := rand.New(rand.NewPCG(seed, 7))
	st := strategy.Compute(p)
	var dcPrefixes []netip.Prefix
	for _, a := range st.IDCToCloud.DirectConnection {
		dcPrefixes = append(dcPrefixes, a.Prefix)
	}
	hasDC := p.DirectConnection != nil && len(p.DirectConnection.Interfaces) > 0
	var out []sim.Scenario
	for k := range n {
		var events []sim.Event
		for range 1 + r.IntN(10) {
			switch r.IntN(6) {
			case 0, 1:
				kind := sim.EventSessionDown
				if r.IntN(2) == 0 {
					kind = sim.EventSessionUp
				}
				family := ""
				if r.IntN(4) == 0 {
					family = sim.FamilyIPv4
				}
				events = append(events, sim.Event{Kind: kind, Session: sessions[r.IntN(len(sessions))], Family: family})
			case 2, 3:
				if !hasDC {
					continue
				}
				kinds := []string{sim.EventLinkDown, sim.EventLinkUp, sim.EventSilentDown, sim.EventSilentUp}
				events = append(events, sim.Event{Kind: kinds[r.IntN(len(kinds))]})
			default:
				if !hasDC {
					continue
				}
				kind := sim.EventWithdraw
				if r.IntN(2) == 0 {
					kind = sim.EventRestore
				}
				var prefixes []netip.Prefix
				if len(dcPrefixes) > 0 && r.IntN(2) == 0 {
					for range 1 + r.IntN(5) {
						prefixes = append(prefixes, dcPrefixes[r.IntN(len(dcPrefixes))])
					}
				}
				events = append(events, sim.Event{Kind: kind, Prefixes: prefixes})
			}
		}
		out = append(out, sim.Scenario{Name: fmt.Sprintf("random-%d", k), Events: events})
	}
	return out
}

func matrixHash(t *testing.T, p *plan.Plan, scenarios []sim.Scenario) string {
	t.Helper()
	m, err := sim.MatrixFor(p, scenarios)
	var b []byte
	if err != nil {
		t.Fatalf("the scenarios do not apply: %v", err)
	}
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// TestMatrixGolden: the matrix's bytes are those it had before its
// speed-ups (matrixGolden).
func TestMatrixGolden(t *testing.T) {
	plans := map[string]*plan.Plan{"large-1000": largePlan(t, 1000), "large-60": largePlan(t, 60)}
	for _, e := range examples.All() {
		plans[e.Name] = example(t, e.Name)
	}
	got := map[string]string{}
	for name, p := range plans {
		got[name+"/standard"] = matrixHash(t, p, sim.Scenarios(p))
		got[name+"/random"] = matrixHash(t, p, randomScenarios(p, uint64(len(name)), 40))
	}
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range got {
			if !yield(k) {
				return
			}
		}
	}) {
		if matrixGolden[k] != got[k] {
			t.Errorf("%q: %q, // matrix JSON hash differs from before the speed-ups", k, got[k])
		}
	}
}

// TestMatrixIndexed: the cells rebuilt from MatrixIndexedFor (names from
// the segments, verdicts by index, the two flags) are MatrixFor's, field
// for field, over the standard and random scenarios; every verdict is
// listed once and pointed to, and verdicts are shared between scenarios.
func TestMatrixIndexed(t *testing.T) {
	plans := map[string]*plan.Plan{"large-1000": largePlan(t, 1000), "large-60": largePlan(t, 60)}
	for _, e := range examples.All() {
		plans[e.Name] = example(t, e.Name)
	}
	for name, p := range plans {
		for kind, scenarios := range map[string][]sim.Scenario{"standard": sim.Scenarios(p), "random": randomScenarios(p, uint64(len(name)), 40)} {
			m, err := sim.MatrixFor(p, scenarios)
			if err != nil {
				t.Fatal(err)
			}
			x, err := sim.MatrixIndexedFor(p, scenarios)
			if err != nil {
				t.Fatal(err)
			}
			if len(x.Cells) != sim.MatrixCellFields*len(m.Cells) {
				t.Fatalf("%s %s: %d integers for %d cells", name, kind, len(x.Cells), len(m.Cells))
			}
			rebuilt := make([]sim.Cell, len(m.Cells))
			pointed := make([]bool, len(x.Verdicts))
			for i := range rebuilt {
				c := x.Cells[sim.MatrixCellFields*i:]
				rebuilt[i] = sim.Cell{Scenario: x.Scenarios[c[0]].Name, IDC: x.IDCSegments[c[1]].Name, VPC: x.VPCSegments[c[2]].Name,
					IDCIndex: int(c[1]), VPCIndex: int(c[2]), Forward: x.Verdicts[c[3]], Return: x.Verdicts[c[4]],
					Reachable: c[5]&sim.CellReachable != 0, Symmetric: c[5]&sim.CellSymmetric != 0}
				pointed[c[3]], pointed[c[4]] = true, true
			}
			want, _ := json.Marshal(m)
			got, _ := json.Marshal(sim.ConnectivityMatrix{Scenarios: x.Scenarios, IDCSegments: x.IDCSegments, VPCSegments: x.VPCSegments, Cells: rebuilt})
			if string(got) != string(want) {
				t.Errorf("%s %s: the cells rebuilt from the indexed matrix differ from the matrix's", name, kind)
			}
			listed := map[*sim.Verdict]bool{}
			for k, v := range x.Verdicts {
				if listed[v] || !pointed[k] {
					t.Errorf("%s %s: verdict %d listed twice or pointed to by no cell", name, kind, k)
				}
				listed[v] = true
			}
			if name == "large-1000" && kind == "standard" && len(x.Verdicts)*20 > len(m.Cells) {
				t.Errorf("%s: %d verdicts for %d cells: too little is shared", name, len(x.Verdicts), len(m.Cells))
			}
		}
	}
}
