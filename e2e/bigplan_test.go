package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBigPlanViewsStayBounded: a 5,000-segment plan is shown in the
// editor as a windowed table (only the rows near the view are in the
// page, spacers stand for the others), while the strategy's advertisement
// lists and the address map name only their first entries and say how
// many more there are (the page would otherwise lay out and rebuild tens
// of thousands of elements on each keystroke or pause in typing, issue
// 14). Typing into the first and the last segment keeps the focus and
// reaches the plan; scrolling brings the rows in view into the page;
// Shift+Tab crosses a row not in the page; a finding on a row not in the
// page is shown on it when its finding is clicked.
func TestBigPlanViewsStayBounded(t *testing.T) {
	b := newBrowser(t)
	b.open(suite.url)
	b.do(chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{writePlan(t, benchPlan(t, 5000))}))
	evalLong[bool](b, `(async () => {
		while (document.getElementById('plan-title').textContent !== 'bench-plan') await new Promise((r) => setTimeout(r, 100));
		await hybridplanPage.whenIdle();
		return true;
	})()`)
	segRows := `document.querySelectorAll('#editor tr[data-path^="$.idc.segments["]').length`
	if n := eval[int](b, segRows); n < 10 || n > 300 {
		t.Errorf("the editor has %d segment rows in the page, want a window of tens", n)
	}
	if n := eval[string](b, `document.querySelector('.table-field[data-path="$.idc.segments"] table').getAttribute('aria-rowcount')`); n != "5001" {
		t.Errorf("the segments table says it has %s rows, want 5001 (the header and 5,000 segments)", n)
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
	text := b.planJSON()
	if err := json.Unmarshal([]byte(text), &plan); err != nil {
		t.Fatal(err)
	}
	// The page keeps each segment's text between keystrokes; the whole must
	// still be exactly JSON.stringify of the plan.
	if !eval[bool](b, `(() => { const t = hybridplanPage.getPlanJSON(); return JSON.stringify(JSON.parse(t)) === t; })()`) {
		t.Errorf("the plan text is not what JSON.stringify makes of it: %.200s", text)
	}
	if len(plan.IDC.Segments) != 5000 || plan.IDC.Segments[0].Name != "typed" || plan.IDC.Segments[4999].Name != "typed" {
		t.Errorf("the typed names did not reach the plan (%d segments)", len(plan.IDC.Segments))
	}
	b.screenshot("big-plan")

	// Scrolling: the rows in view are in the page, in order, each showing
	// its own segment, with no gap where a spacer would show.
	scrollSegments := func(frac float64) map[string]any {
		return evalLong[map[string]any](b, fmt.Sprintf(`(async (frac) => {
			const pane = document.getElementById('editor');
			const table = document.querySelector('.table-field[data-path="$.idc.segments"] tbody');
			const top = table.getBoundingClientRect().top - pane.getBoundingClientRect().top + pane.scrollTop;
			pane.scrollTop = top + frac * table.getBoundingClientRect().height - pane.clientHeight / 2;
			for (let k = 0; k < 3; k++) await new Promise((r) => requestAnimationFrame(r));
			const box = pane.getBoundingClientRect();
			const seen = [], wrong = [];
			for (let y = box.top + 40; y < box.bottom - 40; y += 20) {
				const tr = document.elementFromPoint(box.left + 60, y)?.closest('tr');
				if (!tr?.dataset.path?.startsWith('$.idc.segments[')) { wrong.push('no row at ' + Math.round(y - box.top)); continue; }
				const i = Number(/\[(\d+)\]$/.exec(tr.dataset.path)[1]);
				const name = tr.querySelector('input[data-path$=".name"]').value;
				if (name !== 'seg-' + String(i).padStart(4, '0') && name !== 'typed') wrong.push(i + ' shows ' + name);
				seen.push(i);
			}
			return { seen, wrong, rows: document.querySelectorAll('#editor tr[data-path^="$.idc.segments["]').length };
		})(%v)`, frac))
	}
	for _, frac := range []float64{0.97, 0.23, 0.5} {
		view := scrollSegments(frac)
		seen, _ := view["seen"].([]any)
		if wrong, _ := view["wrong"].([]any); len(wrong) > 0 || len(seen) == 0 {
			t.Errorf("scrolled to %.0f%% of the segments: %v (rows %v)", frac*100, wrong, seen)
			continue
		}
		first, last := int(seen[0].(float64)), int(seen[len(seen)-1].(float64))
		if want := int(frac * 5000); first > want || last < want {
			t.Errorf("scrolled to %.0f%% of the segments, the view shows rows %d to %d, want around %d", frac*100, first, last, want)
		}
		if n := view["rows"].(float64); n > 300 {
			t.Errorf("after scrolling %v segment rows are in the page, want a window of tens", n)
		}
	}
	b.screenshot("big-plan-scrolled")

	// Shift+Tab from the last segment's first field goes to the segment
	// before it, which the window (now in the middle) did not hold.
	b.do(chromedp.Focus(chromedp.CSS(field("$.idc.segments[4999].name"))), chromedp.KeyEvent("\t", chromedp.KeyModifiers(chromedp.ModifierShift)))
	if got := eval[string](b, `document.activeElement?.closest('tr')?.dataset.path ?? document.activeElement?.tagName`); got != "$.idc.segments[4998]" {
		t.Errorf("Shift+Tab from segment 4999 went to %q, want a control of $.idc.segments[4998]", got)
	}

	// A finding on a row not in the page: clicking it brings the row in,
	// focuses the field and shows the message there. (Typing into segment
	// 0 scrolls segment 2500 out of the page.)
	const bad = "$.idc.segments[2500].cidr"
	scrollSegments(0.5)
	b.typeInto(bad, "not-a-cidr")
	evalLong[bool](b, `hybridplanPage.whenIdle().then(() => true)`)
	b.typeInto("$.idc.segments[0].name", "typed")
	b.waitFor(fmt.Sprintf(`!document.querySelector(%q)`, field(bad)))
	if !eval[bool](b, fmt.Sprintf(`!!document.querySelector('#findings-list li[data-path=%q] button')`, bad)) {
		t.Fatalf("no finding on %s in the list: %v", bad, eval[[]string](b, `[...document.querySelectorAll('#findings-list li')].map((li) => li.dataset.path + ' ' + li.textContent)`))
	}
	b.click(fmt.Sprintf(`#findings-list li[data-path=%q] button`, bad))
	if got := eval[string](b, `document.activeElement?.dataset?.path ?? ''`); got != bad {
		t.Errorf("clicking the finding on %s focused %q", bad, got)
	}
	if cls := eval[string](b, fmt.Sprintf(`document.querySelector('.field[data-path=%q]').className + ' ' + document.querySelector('.field[data-path=%q] .field-msg').textContent`, bad, bad)); !strings.Contains(cls, "sev-error") || strings.HasSuffix(cls, " ") {
		t.Errorf("the field of the finding shows %q, want its error", cls)
	}
	b.screenshot("big-plan-finding")
	b.noProblems(healthProbe404)
}

// TestPlanTextSentOnce: calls of the analysis worker about the same large
// plan text carry it once (bridge.js, callMessage): the next call says
// sameText instead, and the worker answers for that text; a call about
// another text carries it again.
func TestPlanTextSentOnce(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.open(suite.url)
	big := string(benchPlan(t, 300))
	small := string(benchPlan(t, 0))
	got := eval[map[string]any](b, fmt.Sprintf(`(async (big, small) => {
		const sent = [];
		const post = Worker.prototype.postMessage;
		Worker.prototype.postMessage = function (m, ...rest) {
			if (m && m.type === 'call') sent.push({ fn: m.fn, text: typeof m.args[0] === 'string' ? m.args[0].length : m.args[0], same: !!m.sameText });
			return post.call(this, m, ...rest);
		};
		const { loadCore } = await import('./web/bridge.js');
		const api = await loadCore();
		const first = await api.strategy(big);
		const again = await api.scenarios(big);
		const other = await api.scenarios(small);
		const back = await api.strategy(big);
		Worker.prototype.postMessage = post;
		const calls = sent.filter((s) => s.fn === 'strategy' || s.fn === 'scenarios');
		return { calls, sameResult: JSON.stringify(first) === JSON.stringify(back), scenarios: again.length, otherScenarios: other.length };
	})(%q, %q)`, big, small))
	calls, _ := got["calls"].([]any)
	want := []string{"strategy text", "scenarios same", "scenarios text", "strategy text"}
	if len(calls) != len(want) {
		t.Fatalf("the analysis calls sent %v, want %v", calls, want)
	}
	for i, c := range calls {
		m := c.(map[string]any)
		kind := "text"
		if m["same"] == true {
			kind = "same"
			if m["text"] != nil {
				t.Errorf("call %d says sameText but carries %v", i, m["text"])
			}
		}
		if g := fmt.Sprint(m["fn"], " ", kind); g != want[i] {
			t.Errorf("call %d sent %q, want %q (all: %v)", i, g, want[i], calls)
		}
	}
	if got["sameResult"] != true || got["scenarios"].(float64) < 2 || got["otherScenarios"].(float64) < 2 {
		t.Errorf("the answers differ: %v", got)
	}
	b.noProblems(healthProbe404)
}
