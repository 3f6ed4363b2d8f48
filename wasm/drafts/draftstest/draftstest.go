// Package draftstest holds the drafts rules as a test suite that runs over
// any drafts.Store: natively over MemoryStore, and in a real browser over
// the IndexedDB store, so the adapter is held to exactly the same behaviour.
package draftstest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hybridplan/hybridplan/wasm/drafts"
)

// NewStore returns an empty store for one test.
type NewStore func(t *testing.T) drafts.Store

// fixture is a Service with a clock that moves one second per reading and
// sequential ids, so every expected value is exact.
type fixture struct {
	svc   *drafts.Service
	store drafts.Store
}

func newFixture(t *testing.T, newStore NewStore) *fixture {
	var mu sync.Mutex
	clock := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	ids := 0
	st := newStore(t)
	return &fixture{
		store: st,
		svc: drafts.New(st,
			func() time.Time {
				mu.Lock()
				defer mu.Unlock()
				clock = clock.Add(time.Second)
				return clock
			},
			func() (string, error) {
				mu.Lock()
				defer mu.Unlock()
				ids++
				return fmt.Sprintf("d-%d", ids), nil
			}),
	}
}

func (f *fixture) save(t *testing.T, req drafts.SaveRequest) drafts.Saved {
	t.Helper()
	s, err := f.svc.Save(context.Background(), req)
	if err != nil {
		t.Fatalf("save %+v: %v", req, err)
	}
	return s
}

func (f *fixture) get(t *testing.T, id string) drafts.Record {
	t.Helper()
	r, err := f.svc.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("get %s: %v", id, err)
	}
	return r
}

// wantCode checks that err is a *drafts.Error with that code.
func wantCode(t *testing.T, err error, code string) *drafts.Error {
	t.Helper()
	var e *drafts.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want *drafts.Error %s", err, err, code)
	}
	if e.Code != code {
		t.Fatalf("code %s (%s), want %s", e.Code, e.Message, code)
	}
	if e.Message == "" || e.Hint == "" {
		t.Errorf("error %s without message or hint: %+v", code, e)
	}
	return e
}

// Run runs every rule against stores from newStore.
func Run(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("new draft", func(t *testing.T) {
		f := newFixture(t, newStore)
		s := f.save(t, drafts.SaveRequest{Name: "  Beijing  ", Plan: `{"version":1}`})
		if s.ID != "d-1" || s.Revision != 1 || s.UpdatedAt != "2026-11-26T12:00:01.000Z" {
			t.Errorf("saved %+v, want d-1 revision 1 at 12:00:01.000Z", s)
		}
		r := f.get(t, "d-1")
		want := drafts.Record{ID: "d-1", Name: "Beijing", Plan: `{"version":1}`, Revision: 1, UpdatedAt: "2026-11-26T12:00:01.000Z"}
		if r != want {
			t.Errorf("stored %+v, want %+v", r, want)
		}
	})

	t.Run("unnamed draft", func(t *testing.T) {
		f := newFixture(t, newStore)
		s := f.save(t, drafts.SaveRequest{Plan: "{}"})
		if r := f.get(t, s.ID); r.Name != drafts.UntitledName {
			t.Errorf("name %q, want %q", r.Name, drafts.UntitledName)
		}
		// Saving again without a name keeps the one it has.
		if _, err := f.svc.Rename(ctx, s.ID, "Named"); err != nil {
			t.Fatal(err)
		}
		f.save(t, drafts.SaveRequest{ID: s.ID, Plan: "{ }", BaseRevision: 2})
		if r := f.get(t, s.ID); r.Name != "Named" || r.Plan != "{ }" || r.Revision != 3 {
			t.Errorf("after a save without name: %+v", r)
		}
	})

	t.Run("an invalid plan is kept as typed", func(t *testing.T) {
		f := newFixture(t, newStore)
		text := `{"version": 1, "idc": {"segments": [{"cidr": "10.0.0.0/` // mid-edit
		s := f.save(t, drafts.SaveRequest{Name: "wip", Plan: text})
		if r := f.get(t, s.ID); r.Plan != text {
			t.Errorf("plan %q, want it unchanged %q", r.Plan, text)
		}
	})

	t.Run("saves in sequence", func(t *testing.T) {
		f := newFixture(t, newStore)
		s := f.save(t, drafts.SaveRequest{Name: "a", Plan: "1"})
		for i := 2; i <= 4; i++ {
			s = f.save(t, drafts.SaveRequest{ID: s.ID, Name: "a", Plan: fmt.Sprint(i), BaseRevision: s.Revision})
			if s.Revision != int64(i) {
				t.Fatalf("revision %d, want %d", s.Revision, i)
			}
		}
		if r := f.get(t, s.ID); r.Plan != "4" || r.Revision != 4 {
			t.Errorf("stored %+v", r)
		}
	})

	t.Run("two tabs", func(t *testing.T) {
		f := newFixture(t, newStore)
		s := f.save(t, drafts.SaveRequest{Name: "shared", Plan: "v1"})
		// Both tabs opened revision 1. Tab A saves first.
		a := f.save(t, drafts.SaveRequest{ID: s.ID, Name: "shared", Plan: "from A", BaseRevision: 1})
		// Tab B's save, based on revision 1, is refused with the stored revision.
		_, err := f.svc.Save(ctx, drafts.SaveRequest{ID: s.ID, Name: "shared", Plan: "from B", BaseRevision: 1})
		e := wantCode(t, err, drafts.CodeConflict)
		if e.Stored != a.Revision {
			t.Errorf("conflict reports revision %d, want %d", e.Stored, a.Revision)
		}
		if rev, ok := e.ConflictRevision(); !ok || rev != a.Revision {
			t.Errorf("ConflictRevision() = %d, %v", rev, ok)
		}
		// Nothing of B was written.
		if r := f.get(t, s.ID); r.Plan != "from A" || r.Revision != 2 {
			t.Errorf("stored %+v, want A's plan at revision 2", r)
		}
		// B reloads (revision 2) and saves on top knowingly.
		b := f.save(t, drafts.SaveRequest{ID: s.ID, Name: "shared", Plan: "from B", BaseRevision: 2})
		if b.Revision != 3 {
			t.Errorf("B's save got revision %d, want 3", b.Revision)
		}
	})

	t.Run("racing saves: exactly one wins", func(t *testing.T) {
		f := newFixture(t, newStore)
		s := f.save(t, drafts.SaveRequest{Name: "race", Plan: "0"})
		const n = 8
		errs := make(chan error, n)
		for i := range n {
			go func() {
				_, err := f.svc.Save(ctx, drafts.SaveRequest{ID: s.ID, Name: "race", Plan: fmt.Sprint(i + 1), BaseRevision: 1})
				errs <- err
			}()
		}
		wins := 0
		for range n {
			if err := <-errs; err == nil {
				wins++
			} else {
				wantCode(t, err, drafts.CodeConflict)
			}
		}
		if wins != 1 {
			t.Errorf("%d saves on revision 1 succeeded, want exactly 1", wins)
		}
		if r := f.get(t, s.ID); r.Revision != 2 {
			t.Errorf("revision %d, want 2", r.Revision)
		}
	})

	t.Run("save after delete in another tab", func(t *testing.T) {
		f := newFixture(t, newStore)
		s := f.save(t, drafts.SaveRequest{Name: "x", Plan: "p"})
		if err := f.svc.Delete(ctx, s.ID); err != nil {
			t.Fatal(err)
		}
		_, err := f.svc.Save(ctx, drafts.SaveRequest{ID: s.ID, Name: "x", Plan: "p2", BaseRevision: 1})
		if e := wantCode(t, err, drafts.CodeConflict); e.Stored != 0 || !strings.Contains(e.Message, "deleted") {
			t.Errorf("conflict %+v, want stored revision 0 and 'deleted'", e)
		}
		if _, err := f.svc.Get(ctx, s.ID); err == nil {
			t.Error("the refused save recreated the draft")
		}
	})

	t.Run("page-chosen id", func(t *testing.T) {
		f := newFixture(t, newStore)
		s := f.save(t, drafts.SaveRequest{ID: "imported_1", Name: "i", Plan: "p", BaseRevision: 0})
		if s.ID != "imported_1" || s.Revision != 1 {
			t.Errorf("saved %+v", s)
		}
		// Creating it again with base 0 is a conflict, not an overwrite.
		_, err := f.svc.Save(ctx, drafts.SaveRequest{ID: "imported_1", Name: "i", Plan: "other", BaseRevision: 0})
		if e := wantCode(t, err, drafts.CodeConflict); e.Stored != 1 {
			t.Errorf("stored revision %d, want 1", e.Stored)
		}
	})

	t.Run("rename", func(t *testing.T) {
		f := newFixture(t, newStore)
		s := f.save(t, drafts.SaveRequest{Name: "old", Plan: "p"})
		r, err := f.svc.Rename(ctx, s.ID, " new name ")
		if err != nil {
			t.Fatal(err)
		}
		if r.Revision != 2 {
			t.Errorf("rename gave revision %d, want 2", r.Revision)
		}
		if got := f.get(t, s.ID); got.Name != "new name" || got.Plan != "p" || got.UpdatedAt != r.UpdatedAt {
			t.Errorf("after rename %+v", got)
		}
		// A tab that still has revision 1 would put the old name back: refused.
		_, err = f.svc.Save(ctx, drafts.SaveRequest{ID: s.ID, Name: "old", Plan: "p", BaseRevision: 1})
		wantCode(t, err, drafts.CodeConflict)
		_, err = f.svc.Rename(ctx, s.ID, "   ")
		wantCode(t, err, drafts.CodeInvalid)
		_, err = f.svc.Rename(ctx, "d-404", "x")
		wantCode(t, err, drafts.CodeNotFound)
	})

	t.Run("duplicate", func(t *testing.T) {
		f := newFixture(t, newStore)
		s := f.save(t, drafts.SaveRequest{Name: "orig", Plan: "plan text"})
		f.save(t, drafts.SaveRequest{ID: s.ID, Name: "orig", Plan: "plan text 2", BaseRevision: 1})
		id, err := f.svc.Duplicate(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if id == s.ID {
			t.Fatal("duplicate reused the id")
		}
		c := f.get(t, id)
		if c.Name != "Copy of orig" || c.Plan != "plan text 2" || c.Revision != 1 {
			t.Errorf("copy %+v", c)
		}
		if o := f.get(t, s.ID); o.Revision != 2 || o.Name != "orig" {
			t.Errorf("original changed: %+v", o)
		}
		_, err = f.svc.Duplicate(ctx, "d-404")
		wantCode(t, err, drafts.CodeNotFound)
	})

	t.Run("delete", func(t *testing.T) {
		f := newFixture(t, newStore)
		s := f.save(t, drafts.SaveRequest{Name: "gone", Plan: "p"})
		keep := f.save(t, drafts.SaveRequest{Name: "kept", Plan: "q"})
		if err := f.svc.Delete(ctx, s.ID); err != nil {
			t.Fatal(err)
		}
		_, err := f.svc.Get(ctx, s.ID)
		wantCode(t, err, drafts.CodeNotFound)
		// Deleting again (another tab did it first) succeeds.
		if err := f.svc.Delete(ctx, s.ID); err != nil {
			t.Errorf("second delete: %v", err)
		}
		f.get(t, keep.ID)
	})

	t.Run("list", func(t *testing.T) {
		f := newFixture(t, newStore)
		list, err := f.svc.List(ctx)
		if err != nil || list == nil || len(list) != 0 {
			t.Fatalf("empty store lists %v, %v; want an empty, non-nil list", list, err)
		}
		a := f.save(t, drafts.SaveRequest{Name: "a", Plan: "1"})
		b := f.save(t, drafts.SaveRequest{Name: "b", Plan: "2"})
		f.save(t, drafts.SaveRequest{ID: a.ID, Name: "a", Plan: "1b", BaseRevision: 1}) // a is now newest
		list, err = f.svc.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []drafts.Summary{
			{ID: a.ID, Name: "a", UpdatedAt: "2026-11-26T12:00:03.000Z", Revision: 2},
			{ID: b.ID, Name: "b", UpdatedAt: "2026-11-26T12:00:02.000Z", Revision: 1},
		}
		if fmt.Sprint(list) != fmt.Sprint(want) {
			t.Errorf("list %+v, want %+v", list, want)
		}
	})

	t.Run("bad input", func(t *testing.T) {
		f := newFixture(t, newStore)
		tests := []struct {
			name string
			err  func() error
		}{
			{"empty id on get", func() error { _, err := f.svc.Get(ctx, ""); return err }},
			{"id with a slash", func() error { _, err := f.svc.Get(ctx, "../x"); return err }},
			{"id too long", func() error { _, err := f.svc.Get(ctx, strings.Repeat("a", drafts.MaxIDLength+1)); return err }},
			{"name too long", func() error {
				_, err := f.svc.Save(ctx, drafts.SaveRequest{Name: strings.Repeat("é", drafts.MaxNameRunes+1), Plan: "p"})
				return err
			}},
			{"name not UTF-8", func() error {
				_, err := f.svc.Save(ctx, drafts.SaveRequest{Name: "\xff", Plan: "p"})
				return err
			}},
			{"plan too large", func() error {
				_, err := f.svc.Save(ctx, drafts.SaveRequest{Name: "big", Plan: strings.Repeat(" ", 8<<20+1)})
				return err
			}},
			{"negative base", func() error {
				_, err := f.svc.Save(ctx, drafts.SaveRequest{ID: "d-1", Name: "n", Plan: "p", BaseRevision: -1})
				return err
			}},
			{"base without id", func() error {
				_, err := f.svc.Save(ctx, drafts.SaveRequest{Name: "n", Plan: "p", BaseRevision: 3})
				return err
			}},
			{"empty id on delete", func() error { return f.svc.Delete(ctx, "") }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.err(), drafts.CodeInvalid) })
		}
		if list, _ := f.svc.List(ctx); len(list) != 0 {
			t.Errorf("bad input stored %d drafts", len(list))
		}
	})
}
