//go:build js && wasm && browser

package idbstore

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/hack-pad/go-indexeddb/idb"

	"github.com/hybridplan/hybridplan/wasm/drafts"
	"github.com/hybridplan/hybridplan/wasm/drafts/draftstest"
)

// These tests need a real browser's IndexedDB: run them with
// wasm/run-browser-tests.sh (wasmbrowsertest and headless Chromium).

var dbCounter atomic.Int64

// freshDatabase returns a database name no other test uses, deleted when
// the test ends.
func freshDatabase(t *testing.T, stores ...*Store) string {
	name := fmt.Sprintf("hybridplan-test-%d", dbCounter.Add(1))
	t.Cleanup(func() {
		f, err := idb.WrapFactory(New(name).factory)
		if err != nil {
			t.Error(err)
			return
		}
		req, err := f.DeleteDatabase(name)
		if err != nil {
			t.Error(err)
			return
		}
		if err := req.Await(context.Background()); err != nil {
			t.Errorf("deleting %s: %v", name, err)
		}
	})
	return name
}

func TestRulesOverIndexedDB(t *testing.T) {
	draftstest.Run(t, func(t *testing.T) drafts.Store {
		s := New(freshDatabase(t))
		// Registered after freshDatabase's cleanup, so it runs first:
		// the database is closed before it is deleted.
		t.Cleanup(s.Close)
		return s
	})
}

// TestSurvivesReload: a new connection (a reloaded page, a restarted
// browser) finds what an earlier one saved.
func TestSurvivesReload(t *testing.T) {
	ctx := context.Background()
	name := freshDatabase(t)
	first := New(name)
	saved, err := drafts.New(first, nil, nil).Save(ctx, drafts.SaveRequest{Name: "kept", Plan: `{"version":1}`})
	if err != nil {
		t.Fatal(err)
	}
	first.Close()

	second := New(name)
	defer second.Close()
	got, err := drafts.New(second, nil, nil).Get(ctx, saved.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "kept" || got.Plan != `{"version":1}` || got.Revision != 1 {
		t.Errorf("after reopening: %+v", got)
	}
}

// TestTwoTabs: two connections to one database, as two tabs have, are
// held to the revision rule.
func TestTwoTabs(t *testing.T) {
	ctx := context.Background()
	name := freshDatabase(t)
	a, b := New(name), New(name)
	defer a.Close()
	defer b.Close()
	tabA, tabB := drafts.New(a, nil, nil), drafts.New(b, nil, nil)
	s, err := tabA.Save(ctx, drafts.SaveRequest{Name: "shared", Plan: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tabB.Get(ctx, s.ID); err != nil {
		t.Fatalf("tab B cannot see tab A's draft: %v", err)
	}
	if _, err := tabA.Save(ctx, drafts.SaveRequest{ID: s.ID, Name: "shared", Plan: "A", BaseRevision: 1}); err != nil {
		t.Fatal(err)
	}
	_, err = tabB.Save(ctx, drafts.SaveRequest{ID: s.ID, Name: "shared", Plan: "B", BaseRevision: 1})
	if e, ok := err.(*drafts.Error); !ok || e.Code != drafts.CodeConflict || e.Stored != 2 {
		t.Fatalf("tab B's stale save: %v, want draft.conflict with stored revision 2", err)
	}
	if r, _ := tabB.Get(ctx, s.ID); r.Plan != "A" {
		t.Errorf("stored plan %q, want tab A's", r.Plan)
	}
}
