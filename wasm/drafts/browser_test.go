//go:build !js

// Package drafts_test holds the browser tests of the page's drafts
// (web/draftstore.js: hybridplan.drafts of wasm/API.md, kept in IndexedDB by
// page JavaScript, not by the Go core). They run the rules suite in
// testdata/suite.js in headless Chromium against the browser's real
// IndexedDB: two connections as two tabs, eight racing saves, the error
// codes, a quota that is really exceeded, and storage that is missing,
// refuses or does not answer.
package drafts_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"

	"github.com/hybridplan/hybridplan/internal/browsertest"
)

// site serves the suite's page and the page's real draftstore.js from
// loopback (module scripts and IndexedDB need an http origin).
func site(t *testing.T) *httptest.Server { return siteFor(t) }

func siteFor(t testing.TB) *httptest.Server {
	web, err := filepath.Abs("../../web")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(web, "draftstore.js")); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/web/", http.StripPrefix("/web/", http.FileServer(http.Dir(web))))
	mux.Handle("/", http.FileServer(http.Dir("testdata")))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

type result struct {
	Name  string `json:"name"`
	Error string `json:"error"`
}

// runSuite opens the suite page in a fresh browser, runs before (DevTools
// calls) and then the suite's cases (only: "" for all, "quota"), reporting
// each case as a subtest.
func runSuite(t *testing.T, only string, before func(ctx context.Context, origin string) error) {
	exe := browsertest.Chromium(t)
	srv := site(t)
	ctx := browsertest.Start(t, exe)
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/index.html")); err != nil {
		t.Fatal(err)
	}
	if before != nil {
		if err := before(ctx, srv.URL); err != nil {
			t.Fatal(err)
		}
	}
	// The module script defines runSuite once it has loaded.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`typeof globalThis.runSuite === 'function'`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("the suite page did not load: %v", err)
	}
	results, err := chromedp.Run(ctx, chromedp.Evaluate[[]result](`runSuite(`+quote(only)+`)`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("running the suite: %v", err)
	}
	if len(results) == 0 {
		t.Fatal("the suite ran no cases")
	}
	for _, r := range results {
		t.Run(r.Name, func(t *testing.T) {
			if r.Error != "" {
				t.Error(r.Error)
			}
		})
	}
}

func quote(s string) string {
	if s == "" {
		return "undefined"
	}
	return "'" + s + "'"
}

// TestDraftRulesInChromium: every rule of the drafts over real IndexedDB.
func TestDraftRulesInChromium(t *testing.T) {
	runSuite(t, "", nil)
}

// TestDraftQuotaInChromium: with the site's quota lowered to 256 KiB (a
// fresh profile, through the DevTools protocol), a save that does not fit
// rejects with storage.quota and leaves the stored draft as it was.
func TestDraftQuotaInChromium(t *testing.T) {
	runSuite(t, "quota", func(ctx context.Context, origin string) error {
		return chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
			quota := float64(256 << 10)
			_, err := cdp.Call(ctx, target, storage.OverrideQuotaForOrigin, storage.OverrideQuotaForOriginParams{Origin: origin, QuotaSize: &quota})
			return err
		}))
	})
}

// BenchmarkDraftSave5000Segments: what autosaving a 5,000-segment plan costs
// the page's thread (testdata/suite.js, benchSave), with the store on that
// thread and in its worker as the page runs it: the synchronous part of
// a save and the long tasks (over 50 ms) during saves, beside the long tasks
// of the same loop without saves (the anchor, interleaved in the same run).
// The goal is no long task of the drafts': saves no worse than the anchor.
func BenchmarkDraftSave5000Segments(b *testing.B) {
	for _, where := range []struct {
		name   string
		worker bool
	}{{"page-thread", false}, {"worker", true}} {
		b.Run(where.name, func(b *testing.B) { benchDraftSave(b, where.worker) })
	}
}

func benchDraftSave(b *testing.B, viaWorker bool) {
	exe := browsertest.Chromium(b)
	srv := siteFor(b)
	ctx := browsertest.Start(b, exe)
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/index.html")); err != nil {
		b.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`typeof globalThis.benchSave === 'function'`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		b.Fatalf("the suite page did not load: %v", err)
	}
	type result struct {
		Bytes                                           int
		SyncMs, TotalMs, SaveLongestMs, AnchorLongestMs float64
		SaveTasks, AnchorTasks                          int
	}
	b.ResetTimer()
	r, err := chromedp.Run(ctx, chromedp.Evaluate[result](fmt.Sprintf(`benchSave(5000, %d, %t)`, max(b.N, 5), viaWorker), chromedp.EvalAwaitPromise))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(r.Bytes), "plan-bytes")
	b.ReportMetric(r.SyncMs, "save-sync-ms")
	b.ReportMetric(r.TotalMs, "save-total-ms")
	b.ReportMetric(float64(r.SaveTasks), "long-tasks-saving")
	b.ReportMetric(float64(r.AnchorTasks), "long-tasks-anchor")
	b.ReportMetric(r.SaveLongestMs, "longest-ms-saving")
	b.ReportMetric(r.AnchorLongestMs, "longest-ms-anchor")
}
