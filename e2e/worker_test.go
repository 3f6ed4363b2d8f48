package e2e

import (
	"fmt"
	"testing"
)

// TestNewerPlanCancelsRunningAnalysis: while the analysis worker computes
// the matrix of a large valid plan, validating an edited plan (what the page does
// on every keystroke) cancels it: the older call rejects with code
// "cancelled" and running true, and a fresh analysis worker answers the
// next call for the new plan. The bridge is loaded on its own (its own
// workers) next to the page's.
func TestNewerPlanCancelsRunningAnalysis(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.open(suite.url)
	big := string(benchPlan(t, 3000))
	edited := string(benchPlan(t, 10))
	got := eval[map[string]any](b, fmt.Sprintf(`(async (big, edited) => {
		const { loadCore } = await import('./web/bridge.js');
		let started;
		const running = new Promise((r) => (started = r));
		const api = await loadCore({ onStarted: (fn) => { if (fn === 'matrix' || fn === 'matrixTable') started(); } });
		// Room for every segment's route, so the big plan is valid and its
		// matrix is computed.
		const { profile } = await api.defaultProfile();
		profile.quotas.dynamicRoutesPerBorderGateway = 10000;
		big = JSON.stringify({ ...JSON.parse(big), profile });
		const older = api.matrix(big).then(() => ({ code: 'finished' }), (e) => e);
		await running;
		const validated = api.validate(edited); // the newer keystroke
		const o = await older;
		const v = await validated;
		const scenarios = await api.scenarios(edited);
		const m = await api.matrix(edited);
		const t = await api.matrixTable(edited);
		const keys = Object.keys(m.cells[0]).join(',');
		return { code: o.code, running: o.running, ok: v.ok, scenarios: scenarios.length, idc: m.idcSegments.length,
			keys, fields: t.cells.length / m.cells.length, int32: t.cells instanceof Int32Array };
	})(%q, %q)`, big, edited))
	if got["code"] != "cancelled" || got["running"] != true {
		t.Errorf("the older analysis ended with %v, want code cancelled while running", got)
	}
	if got["ok"] != true || got["scenarios"].(float64) < 2 || got["idc"].(float64) != 10 {
		t.Errorf("after the cancellation the core answered %v, want a valid plan, its scenarios and a 10-segment matrix", got)
	}
	// The matrix comes over as the indexed table and is rebuilt in the
	// documented shape (wasm/API.md).
	if got["keys"] != "scenario,idc,vpc,idcIndex,vpcIndex,forward,return,reachable,symmetric" || got["fields"] != 6.0 || got["int32"] != true {
		t.Errorf("matrix cells %v, %v integers per cell in an Int32Array (%v)", got["keys"], got["fields"], got["int32"])
	}
	b.noProblems(healthProbe404)
}
