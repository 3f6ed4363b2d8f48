//go:build js && wasm

package main

import (
	"strings"
	"syscall/js"
	"testing"
)

// overlapping is the seed with an IDC segment inside the VPC's 10.0.0.0/16:
// it decodes but has a validation error.
func overlapping(t *testing.T) string {
	return strings.Replace(seed(t), `"172.20.0.0/16"`, `"10.0.1.0/24"`, 1)
}

func TestStrategyAndScenarios(t *testing.T) {
	var res struct {
		Mode     string `json:"mode"`
		Sessions []struct {
			Name, Kind string
		} `json:"sessions"`
	}
	mustResolve(t, "strategy", &res, seed(t))
	if res.Mode != "prefix-split" || len(res.Sessions) != 3 {
		t.Errorf("strategy: mode %q with %d sessions, want prefix-split with 1 interface + 2 tunnels", res.Mode, len(res.Sessions))
	}
	var scs []struct{ Name string }
	mustResolve(t, "scenarios", &scs, seed(t))
	if len(scs) < 3 || scs[0].Name != "normal" {
		t.Fatalf("scenarios %+v: want normal first and failures after", scs)
	}
	names := map[string]bool{}
	for _, s := range scs {
		names[s.Name] = true
	}
	if !names["dc-session-down"] {
		t.Errorf("no dc-session-down scenario in %v", names)
	}
}

func TestSimulateTraceMatrix(t *testing.T) {
	var st map[string]any
	mustResolve(t, "simulate", &st, seed(t), "dc-session-down")
	if len(st) == 0 {
		t.Fatal("simulate resolved with nothing")
	}
	// A scenario name left out means "normal".
	mustResolve(t, "simulate", &st, seed(t))

	var normal, down map[string]any
	mustResolve(t, "trace", &normal, seed(t), "normal", "10.0.1.5", "192.168.3.4")
	mustResolve(t, "trace", &down, seed(t), "dc-session-down", "10.0.1.5", "192.168.3.4")
	n, d := stringifyGo(normal), stringifyGo(down)
	if !strings.Contains(n, "direct-connection") {
		t.Errorf("normal trace does not use Direct Connection: %s", n)
	}
	if !strings.Contains(d, `"vpn"`) {
		t.Errorf("trace with Direct Connection down does not use the VPN: %s", d)
	}

	var m struct {
		Scenarios []any `json:"scenarios"`
		Cells     []any `json:"cells"`
	}
	mustResolve(t, "matrix", &m, seed(t))
	if len(m.Scenarios) == 0 || len(m.Cells) == 0 {
		t.Errorf("matrix has %d scenarios and %d cells", len(m.Scenarios), len(m.Cells))
	}
}

func TestAnalysisErrors(t *testing.T) {
	tests := []struct {
		name     string
		fn       string
		args     []any
		wantCode string
	}{
		{"unknown scenario", "simulate", []any{seed(t), "meteor-strike"}, "sim.scenario"},
		{"address not an address", "trace", []any{seed(t), "normal", "10.0.1.500", "192.168.3.4"}, "sim.address"},
		{"both ends in the IDC", "trace", []any{seed(t), "normal", "192.168.1.1", "192.168.3.4"}, "sim.trace"},
		{"trace without dst", "trace", []any{seed(t), "normal", "10.0.1.5"}, "call.argument"},
		{"simulate an invalid plan", "simulate", []any{overlapping(t), "normal"}, "plan.invalid"},
		{"matrix of an invalid plan", "matrix", []any{overlapping(t)}, "plan.invalid"},
		{"export an invalid plan", "exportConfig", []any{overlapping(t), "frr"}, "plan.invalid"},
		{"calls of an invalid plan", "exportConfig", []any{overlapping(t), "calls"}, "plan.invalid"},
		{"strategy of broken JSON", "strategy", []any{`{`}, "decode.syntax"},
		{"unknown export format", "exportConfig", []any{seed(t), "word"}, "export.format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustReject(t, tt.fn, tt.args...)
			if r.Code != tt.wantCode {
				t.Errorf("code %s (%s), want %s", r.Code, r.Message, tt.wantCode)
			}
			if tt.wantCode == "plan.invalid" && (len(r.Findings) == 0 || r.Path == "") {
				t.Errorf("plan.invalid without findings or path: %+v", r)
			}
		})
	}
}

func TestExportConfig(t *testing.T) {
	var formats []string
	mustResolve(t, "exportFormats", &formats)
	if len(formats) < 3 || formats[len(formats)-1] != "calls" {
		t.Fatalf("exportFormats %v: want the router formats and calls", formats)
	}
	for _, f := range append(formats, "provisioning") {
		t.Run(f, func(t *testing.T) {
			var out string
			mustResolve(t, "exportConfig", &out, seed(t), f)
			if len(out) < 100 {
				t.Errorf("%s export is only %d characters: %q", f, len(out), out)
			}
		})
	}
	var frr string
	mustResolve(t, "exportConfig", &frr, seed(t), "frr")
	if !strings.Contains(frr, "router bgp 65001") {
		t.Errorf("FRR configuration without the customer ASN:\n%s", frr)
	}
	var calls string
	mustResolve(t, "exportConfig", &calls, seed(t), "calls")
	if !strings.Contains(calls, `"action": "CreateBgw"`) {
		t.Errorf("calls without CreateBgw:\n%.300s", calls)
	}
}

// TestMatrixTableCellsAreAnInt32Array: matrixTable resolves with the
// indexed matrix, its cells an Int32Array of six integers per cell of
// matrix (what the page's bridge transfers and rebuilds).
func TestMatrixTableCellsAreAnInt32Array(t *testing.T) {
	var m struct{ Cells []any }
	mustResolve(t, "matrix", &m, seed(t))
	res, rej := await(t, "matrixTable", seed(t))
	if !rej.IsUndefined() {
		t.Fatalf("matrixTable rejected: %s", stringify(rej))
	}
	cells := res.Get("cells")
	if !cells.InstanceOf(js.Global().Get("Int32Array")) || cells.Length() != 6*len(m.Cells) || len(m.Cells) == 0 {
		t.Fatalf("cells is %s of length %d, want an Int32Array of %d", cells.Type(), cells.Length(), 6*len(m.Cells))
	}
	if n := res.Get("verdicts").Length(); n == 0 || n > 2*len(m.Cells) {
		t.Errorf("%d verdicts for %d cells", n, len(m.Cells))
	}
	// The first cell: scenario normal (index 0), flags with reachable.
	if s := cells.Index(0).Int(); s != 0 {
		t.Errorf("first cell's scenario index %d, want 0", s)
	}
}
