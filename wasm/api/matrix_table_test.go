package api

import (
	"encoding/json"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan/sim"
)

// TestMatrixTableRebuildsTheMatrix: the cells rebuilt from the table the
// way web/bridge.js does (names from the segments, verdicts by index, the
// two flags) are the matrix's cells, field for field, for every example
// plan that simulates; and each distinct verdict is listed once, shared
// by the cells of every scenario that matches the same route.
func TestMatrixTableRebuildsTheMatrix(t *testing.T) {
	tested := 0
	for _, ex := range examples.All() {
		m, err := Matrix(ex.JSON)
		if err != nil {
			continue // an example that shows an invalid plan
		}
		tested++
		tb, err := MatrixTableFor(ex.JSON)
		if err != nil {
			t.Fatalf("%s: the matrix computes, the table does not: %v", ex.Name, err)
		}
		for i, s := range m.Scenarios {
			if tb.Scenarios[i].Name != s.Name || tb.Scenarios[i].Description != s.Description {
				t.Fatalf("%s: scenario %d is %q in the table, %q in the matrix", ex.Name, i, tb.Scenarios[i].Name, s.Name)
			}
		}
		if len(tb.Cells) != CellFields*len(m.Cells) {
			t.Fatalf("%s: %d integers for %d cells", ex.Name, len(tb.Cells), len(m.Cells))
		}
		verdict := func(i int32) *sim.Verdict {
			if i < 0 {
				return nil
			}
			return tb.Verdicts[i]
		}
		rebuilt := make([]sim.Cell, len(m.Cells))
		for i := range rebuilt {
			c := tb.Cells[CellFields*i:]
			rebuilt[i] = sim.Cell{Scenario: tb.Scenarios[c[0]].Name,
				IDC: tb.IDCSegments[c[1]].Name, VPC: tb.VPCSegments[c[2]].Name, IDCIndex: int(c[1]), VPCIndex: int(c[2]),
				Forward: verdict(c[3]), Return: verdict(c[4]), Reachable: c[5]&CellReachable != 0, Symmetric: c[5]&CellSymmetric != 0}
		}
		want, _ := json.Marshal(m.Cells)
		got, _ := json.Marshal(rebuilt)
		if string(got) != string(want) {
			t.Errorf("%s: the rebuilt cells differ from the matrix's", ex.Name)
		}
		seen := map[*sim.Verdict]bool{}
		for _, v := range tb.Verdicts {
			if seen[v] {
				t.Errorf("%s: a verdict is listed twice", ex.Name)
			}
			seen[v] = true
		}
		if len(tb.Verdicts) >= 2*len(m.Cells) && len(m.Cells) > 4 {
			t.Errorf("%s: %d verdicts for %d cells: nothing shared", ex.Name, len(tb.Verdicts), len(m.Cells))
		}
	}
	if tested == 0 {
		t.Fatal("no example plan could be simulated")
	}
}
