package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The page benchmarks run in headless Chromium (scripts/bench.d/50-page.sh).
// Times are taken inside the page with performance.now(), so they exclude
// the DevTools round trips of the driver; each benchmark reports its own
// metric (ms per navigation, ms per keystroke) besides Go's ns/op, which
// includes those round trips.

// BenchmarkNavigationToInteractive starts a browser with a cold profile
// each time and measures, in the page, navigation start to the moment the
// editor shows the plan and its validation (performance mark
// "hybridplan:interactive").
func BenchmarkNavigationToInteractive(b *testing.B) {
	var total, core float64
	var all []float64
	for range b.N {
		b.StopTimer()
		br := newBrowser(b)
		b.StartTimer()
		br.open(suite.url)
		ms := eval[[]float64](br, `['hybridplan:core-started', 'hybridplan:interactive'].map(n => performance.getEntriesByName(n)[0].startTime)`)
		core += ms[0]
		total += ms[1]
		all = append(all, ms[1])
	}
	b.ReportMetric(total/float64(b.N), "ms-to-interactive")
	b.ReportMetric(slices.Max(all), "max-ms")
	// How much of it is fetching, compiling and starting the core.
	b.ReportMetric(core/float64(b.N), "ms-core-started")
}

// BenchmarkCoreReady measures, with a cold profile each time, navigation
// start to the core being ready (performance mark hybridplan:core-started:
// the wasm fetched and compiled, the core worker started) for the real core
// and, interleaved with it, for a minimal Go wasm module (wasm/minimal: the
// runtime and syscall/js only) loaded the same way: same page, same bridge,
// same worker. The goal is a median within 1.5x of the minimal module's.
func BenchmarkCoreReady(b *testing.B) {
	dir := b.TempDir()
	minimal := filepath.Join(dir, "minimal.wasm")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", minimal, "./wasm/minimal")
	cmd.Dir = suite.root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("building wasm/minimal: %v\n%s", err, out)
	}
	floor := httptest.NewServer(staticSite(suite.root, minimal, suite.execJS))
	defer floor.Close()
	ready := func(url string) float64 {
		b.StopTimer()
		br := newBrowser(b)
		b.StartTimer()
		br.do(chromedp.Navigate(url))
		// The minimal module has no functions, so the page stops right
		// after the mark; only the mark is waited for.
		var ms float64
		if _, err := fmt.Sscan(br.waitFor(`performance.getEntriesByName('hybridplan:core-started')[0]?.startTime`), &ms); err != nil {
			b.Fatal(err)
		}
		return ms
	}
	var core, min []float64
	for range b.N {
		core = append(core, ready(suite.url))
		min = append(min, ready(floor.URL+"/"))
	}
	median := func(v []float64) float64 { slices.Sort(v); return v[len(v)/2] }
	mc, mm := median(core), median(min)
	b.ReportMetric(mc, "core-ready-ms")
	b.ReportMetric(mm, "minimal-ready-ms")
	b.ReportMetric(mc/mm, "core/minimal")
}

// keystrokeJS types one character into a field (appending or deleting, so
// the plan stays the same size) and resolves with the time until the
// findings of the new text are in the page (the browser paints them in its
// next frame).
const keystrokeJS = `(async (path, add) => {
	await hybridplanPage.whenIdle();
	const el = document.querySelector('input[data-path="' + path + '"]');
	el.focus();
	const t0 = performance.now();
	el.value = add ? el.value + 'x' : el.value.slice(0, -1);
	el.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: add ? 'insertText' : 'deleteContentBackward', data: add ? 'x' : null}));
	await hybridplanPage.whenValidated();
	return performance.now() - t0;
})(%q, %t)`

func benchKeystrokes(b *testing.B, planFile string) {
	br := newBrowser(b)
	br.open(suite.url)
	br.do(chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{planFile}))
	br.waitFor(`document.getElementById('plan-title').textContent === 'bench-plan'`)
	br.idle()
	var all []float64
	b.ResetTimer()
	for i := range b.N {
		all = append(all, eval[float64](br, fmt.Sprintf(keystrokeJS, "$.idc.segments[0].name", i%2 == 0)))
	}
	b.StopTimer()
	slices.Sort(all)
	var sum float64
	for _, v := range all {
		sum += v
	}
	b.ReportMetric(sum/float64(len(all)), "ms/keystroke")
	b.ReportMetric(all[len(all)*95/100], "p95-ms")
	b.ReportMetric(float64(eval[int](br, `hybridplanPage.getPlanJSON().length`)), "plan-bytes")
}

func BenchmarkKeystrokeSeed(b *testing.B) {
	benchKeystrokes(b, writePlan(b, benchPlan(b, 0)))
}

func BenchmarkKeystroke200Segments(b *testing.B) {
	benchKeystrokes(b, writePlan(b, benchPlan(b, 200)))
}

func BenchmarkKeystroke1000Segments(b *testing.B) {
	benchKeystrokes(b, writePlan(b, benchPlan(b, 1000)))
}

// longTasksJS types count characters into a field, one every gap ms (a
// quick typist), waits until validation and analysis have caught up, and
// resolves with the main thread's long tasks (over 50 ms, reported by a
// PerformanceObserver) from the first keystroke to idle: how many, the
// longest, and the time to idle after the last keystroke.
const longTasksJS = `(async (path, count, gap) => {
	await hybridplanPage.whenIdle();
	const tasks = [];
	const obs = new PerformanceObserver((l) => { for (const e of l.getEntries()) tasks.push(e.duration); });
	obs.observe({ type: 'longtask' });
	const el = document.querySelector('input[data-path="' + path + '"]');
	el.focus();
	for (let i = 0; i < count; i++) {
		const add = (i & 1) === 0;
		el.value = add ? el.value + 'x' : el.value.slice(0, -1);
		el.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: add ? 'insertText' : 'deleteContentBackward', data: add ? 'x' : null}));
		await new Promise((r) => setTimeout(r, gap));
	}
	const t0 = performance.now();
	await hybridplanPage.whenIdle();
	const settle = performance.now() - t0;
	// Long tasks are reported after they end; let the last one arrive.
	await new Promise((r) => setTimeout(r, 100));
	obs.disconnect();
	return [tasks.length, tasks.length ? Math.max(...tasks) : 0, settle];
})(%q, %d, %d)`

// BenchmarkLongTasksTyping5000Segments types into a 5,000-segment plan
// and reports the main thread's long tasks while typing and until
// validation and analysis are done; the goal is none (issue 14). The plan
// is over the default dynamic-route quota, as the issue measured it: each
// pause validates, computes the strategy and is refused the simulation.
func BenchmarkLongTasksTyping5000Segments(b *testing.B) {
	br := newBrowser(b)
	br.open(suite.url)
	br.do(chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{writePlan(b, benchPlan(b, 5000))}))
	// Showing 5,000 segments takes the page tens of seconds on a busy
	// machine: wait longer than the tests' 30 s.
	evalLong[bool](br, `(async () => {
		while (document.getElementById('plan-title').textContent !== 'bench-plan') await new Promise((r) => setTimeout(r, 100));
		await hybridplanPage.whenIdle();
		return true;
	})()`)
	var tasks, longest, settle float64
	b.ResetTimer()
	for range b.N {
		r := evalLong[[]float64](br, fmt.Sprintf(longTasksJS, "$.idc.segments[0].name", 10, 80))
		tasks += r[0]
		longest = max(longest, r[1])
		settle += r[2]
	}
	b.StopTimer()
	b.ReportMetric(tasks/float64(b.N), "long-tasks/10-keys")
	b.ReportMetric(longest, "longest-task-ms")
	b.ReportMetric(settle/float64(b.N), "ms-to-idle")
}

// evalLong is eval with a 5-minute limit, for the benchmarks of large plans.
func evalLong[T any](b *browser, js string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Minute)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluating %s: %v", abbreviate(js), err)
	}
	return v
}

// BenchmarkShareLinkLength reports the share link's length for the seed
// and for a 100-prefix plan, made by the page's Share button.
func BenchmarkShareLinkLength(b *testing.B) {
	br := newBrowser(b)
	for _, tc := range []struct {
		name     string
		segments int
	}{{"seed", 0}, {"100-prefixes", 100}} {
		br.open(suite.url)
		br.do(chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{writePlan(b, benchPlan(b, tc.segments))}))
		br.waitFor(`document.getElementById('plan-title').textContent === 'bench-plan'`)
		br.idle()
		n := 0
		for range b.N {
			eval[chromedp.Void](br, `document.getElementById('share-dialog').close()`)
			br.click("#share-plan")
			link := br.waitFor(`document.getElementById('share-dialog').open && document.getElementById('share-url').value`)
			n = len(link) - len(suite.url)
		}
		b.ReportMetric(float64(n), tc.name+"-link-chars")
	}
}

// benchPlan is the seed scenario, renamed, with its IDC segments replaced
// by n generated /24s when n > 0 (172.16.0.0/24 upwards: inside no other
// block of the seed).
func benchPlan(tb testing.TB, n int) []byte {
	tb.Helper()
	var doc map[string]any
	data, err := os.ReadFile(filepath.Join(suite.root, "examples", "seed-dc-primary-vpn-backup.json"))
	if err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		tb.Fatal(err)
	}
	doc["name"] = "bench-plan"
	if n > 0 {
		segs := make([]any, n)
		base := netip.MustParseAddr("172.16.0.0").As4()
		for i := range n {
			a := base
			a[1] += byte(i / 256)
			a[2] = byte(i % 256)
			segs[i] = map[string]any{"name": fmt.Sprintf("seg-%04d", i), "cidr": netip.PrefixFrom(netip.AddrFrom4(a), 24).String()}
		}
		doc["idc"].(map[string]any)["segments"] = segs
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func writePlan(tb testing.TB, data []byte) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), fmt.Sprintf("bench-%d.json", time.Now().UnixNano()))
	if err := os.WriteFile(p, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}
