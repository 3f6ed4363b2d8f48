package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBigPlanViewsStayBounded: a 5,000-segment plan is shown in full in
// the editor, while the strategy's advertisement lists and the address
// map name only their first entries and say how many more there are (the
// page would otherwise rebuild 20,000 elements on each pause in typing,
// issue 14). Typing into the first and the last segment keeps the focus
// and reaches the plan.
func TestBigPlanViewsStayBounded(t *testing.T) {
	b := newBrowser(t)
	b.open(suite.url)
	b.do(chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{writePlan(t, benchPlan(t, 5000))}))
	evalLong[bool](b, `(async () => {
		while (document.getElementById('plan-title').textContent !== 'bench-plan') await new Promise((r) => setTimeout(r, 100));
		await hybridplanPage.whenIdle();
		return true;
	})()`)
	if n := eval[int](b, `document.querySelectorAll('#editor input[data-path$=".cidr"][data-path^="$.idc.segments["]').length`); n != 5000 {
		t.Errorf("the editor shows %d segment CIDR fields, want 5000", n)
	}
	for _, ul := range eval[[]int](b, `[...document.querySelectorAll('#strategy-out ul.ann')].map((u) => u.children.length)`) {
		if ul > 51 {
			t.Errorf("an advertisement list has %d items, want at most 50 and a line saying how many more", ul)
		}
	}
	for _, n := range eval[[]int](b, `[...document.querySelectorAll('#address-map-out ul.amap-used-list')].map((u) => u.children.length)`) {
		if n > 101 {
			t.Errorf("the address map lists %d blocks of one space, want at most 100 and a line saying how many more", n)
		}
	}
	if s := eval[string](b, `document.getElementById('address-map-out').textContent`); !strings.Contains(s, "more blocks") {
		t.Errorf("the address map does not say that more blocks are in the plan: %.300s", s)
	}
	for _, path := range []string{"$.idc.segments[0].name", "$.idc.segments[4999].name"} {
		b.typeInto(path, "typed")
		evalLong[bool](b, `hybridplanPage.whenIdle().then(() => true)`)
		if got := eval[string](b, `document.activeElement?.dataset?.path ?? ''`); got != path {
			t.Errorf("after typing into %s the focus is on %q", path, got)
		}
	}
	var plan struct {
		IDC struct {
			Segments []struct{ Name string } `json:"segments"`
		} `json:"idc"`
	}
	if err := json.Unmarshal([]byte(b.planJSON()), &plan); err != nil {
		t.Fatal(err)
	}
	if len(plan.IDC.Segments) != 5000 || plan.IDC.Segments[0].Name != "typed" || plan.IDC.Segments[4999].Name != "typed" {
		t.Errorf("the typed names did not reach the plan (%d segments)", len(plan.IDC.Segments))
	}
	b.screenshot("big-plan")
	b.noProblems(healthProbe404)
}
