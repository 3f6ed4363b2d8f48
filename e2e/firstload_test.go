package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// laterRequested is a page expression: whether the page has fetched the
// later module (share links, exports) so far.
const laterRequested = `performance.getEntriesByType('resource').some((e) => e.name.endsWith('/web/hybridplan-later.wasm'))`

// TestFirstScreenSkipsLaterModule: the first screen (the seed plan, its
// findings and analysis, the drafts list) loads only the core; the first
// export fetches the later module, which then answers.
func TestFirstScreenSkipsLaterModule(t *testing.T) {
	b := newBrowser(t)
	b.open(suite.url)
	b.idle()
	if eval[bool](b, laterRequested) {
		t.Fatal("the first screen fetched web/hybridplan-later.wasm; it should load only on the first share or export")
	}
	// The examples are a static file, preloaded by index.html: fetched
	// once (the preload is what bridge.js uses, not a second request).
	if n := eval[int](b, `performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/web/examples.json')).length`); n != 1 {
		t.Errorf("web/examples.json was fetched %d times at start, want once (the preload used)", n)
	}
	b.openExample("seed-dc-primary-vpn-backup")
	dir := t.TempDir()
	b.downloadsTo(dir)
	b.click("#open-export")
	b.click(`[data-export="provisioning"]`)
	name, data := waitFile(t, dir)
	if name != "seed-dc-primary-vpn-backup-provisioning.json" || !strings.Contains(string(data), `"service"`) {
		t.Errorf("the provisioning export saved %q:\n%.300s", name, data)
	}
	eval[chromedp.Void](b, `document.getElementById('export-dialog').close()`)
	if !eval[bool](b, laterRequested) {
		t.Error("the export worked without fetching web/hybridplan-later.wasm: which module answered?")
	}
	// A share link, answered by the now loaded later module.
	got := eval[map[string]any](b, fmt.Sprintf(`(async (doc) => {
		const { loadCore } = await import('./web/bridge.js');
		const api = await loadCore();
		const frag = await api.shareEncode(doc);
		const back = JSON.parse(await api.shareDecode(frag));
		return { name: back.name, frag: frag.length };
	})(%q)`, string(seedJSON(t))))
	if got["name"] != "seed-dc-primary-vpn-backup" || got["frag"].(float64) < 10 {
		t.Errorf("share round trip through the later module: %v", got)
	}
	b.noProblems(healthProbe404)
}

// TestLaterModuleMissing: where the later module cannot be fetched, its
// calls reject with code core.later saying so (never a Promise that hangs),
// the core's calls keep working, and a later call tries again.
func TestLaterModuleMissing(t *testing.T) {
	site := staticSite(suite.root, suite.wasm, suite.execJS)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/hybridplan-later.wasm") {
			http.NotFound(w, r)
			return
		}
		site.ServeHTTP(w, r)
	}))
	defer srv.Close()
	b := newBrowser(t)
	b.open(srv.URL + "/")
	got := eval[map[string]any](b, fmt.Sprintf(`(async (doc) => {
		const { loadCore } = await import('./web/bridge.js');
		const api = await loadCore();
		const first = await api.exportConfig(doc, 'frr').then(() => ({ code: 'resolved' }), (e) => e);
		const again = await api.shareEncode(doc).then(() => ({ code: 'resolved' }), (e) => e);
		const v = await api.validate(doc);
		return { code: first.code, message: first.message, again: again.code, ok: v.ok };
	})(%q)`, string(seedJSON(t))))
	if got["code"] != "core.later" || !strings.Contains(fmt.Sprint(got["message"]), "hybridplan-later.wasm: HTTP 404") {
		t.Errorf("exportConfig without the later module rejected with %v, want code core.later naming the file", got)
	}
	if got["again"] != "core.later" || got["ok"] != true {
		t.Errorf("after the failure: shareEncode %v (want core.later again), validate ok %v (want true)", got["again"], got["ok"])
	}
	b.noProblems(healthProbe404)
}
