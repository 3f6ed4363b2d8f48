package drafts_test

import (
	"context"
	"errors"
	"testing"

	"github.com/hybridplan/hybridplan/wasm/drafts"
	"github.com/hybridplan/hybridplan/wasm/drafts/draftstest"
)

func TestMemoryStore(t *testing.T) {
	draftstest.Run(t, func(*testing.T) drafts.Store { return drafts.NewMemoryStore() })
}

func TestStorageFailures(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		fail     error
		wantCode string
	}{
		{"store reports quota", &drafts.Error{Code: drafts.CodeStorageQuota, Message: "full", Hint: "delete drafts"}, drafts.CodeStorageQuota},
		{"store reports unavailable", &drafts.Error{Code: drafts.CodeStorageUnavailable, Message: "private mode", Hint: "h"}, drafts.CodeStorageUnavailable},
		{"store breaks some other way", errors.New("disk I/O error"), drafts.CodeStorageUnavailable},
		{"store does not answer", context.DeadlineExceeded, drafts.CodeStorageUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := drafts.NewMemoryStore()
			st.Fail = tt.fail
			svc := drafts.New(st, nil, nil)
			calls := map[string]error{}
			_, calls["list"] = svc.List(ctx)
			_, calls["get"] = svc.Get(ctx, "d-1")
			_, calls["save"] = svc.Save(ctx, drafts.SaveRequest{Name: "n", Plan: "p"})
			_, calls["rename"] = svc.Rename(ctx, "d-1", "n")
			_, calls["duplicate"] = svc.Duplicate(ctx, "d-1")
			calls["delete"] = svc.Delete(ctx, "d-1")
			for call, err := range calls {
				var e *drafts.Error
				if !errors.As(err, &e) || e.Code != tt.wantCode || e.Message == "" || e.Hint == "" {
					t.Errorf("%s: %v (%#v), want %s with message and hint", call, err, err, tt.wantCode)
				}
			}
		})
	}
}

func TestRandomID(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id, err := drafts.RandomID()
		if err != nil {
			t.Fatal(err)
		}
		if len(id) != 18 || id[:2] != "d-" || seen[id] {
			t.Fatalf("id %q: want d- and 16 hex digits, unique", id)
		}
		seen[id] = true
	}
}
