//go:build js && wasm

package idbstore

import (
	"context"
	"errors"
	"strings"
	"syscall/js"
	"testing"

	"github.com/hack-pad/go-indexeddb/idb"

	"github.com/hybridplan/hybridplan/wasm/drafts"
)

func TestStorageErrorCodes(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		wantCode string
		wantIn   string
	}{
		{"quota", idb.NewDOMException("QuotaExceededError"), drafts.CodeStorageQuota, "full"},
		{"private mode", idb.NewDOMException("InvalidStateError"), drafts.CodeStorageUnavailable, "private browsing"},
		{"blocked by policy", idb.NewDOMException("SecurityError"), drafts.CodeStorageUnavailable, "private browsing"},
		{"anything else", idb.NewDOMException("UnknownError"), drafts.CodeStorageUnavailable, "UnknownError"},
		{"a Go error", errors.New("boom"), drafts.CodeStorageUnavailable, "boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e *drafts.Error
			if err := storageError("saving a draft", tt.err); !errors.As(err, &e) {
				t.Fatalf("got %v (%T), want *drafts.Error", err, err)
			}
			if e.Code != tt.wantCode || !strings.Contains(e.Message, tt.wantIn) || !strings.Contains(e.Hint, "edit stays in this tab") {
				t.Errorf("got %s %q (hint %q), want %s containing %q and a hint that the edit is kept", e.Code, e.Message, e.Hint, tt.wantCode, tt.wantIn)
			}
		})
	}
	// A timeout is left for drafts.Service, which words it.
	if err := storageError("x", context.DeadlineExceeded); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timeout became %v", err)
	}
}

// throwingFactory is an IDBFactory whose open() throws a DOMException, as
// browsers do where site data is blocked. It is plain JavaScript: a Go
// callback must never throw into the runtime.
func throwingFactory(name string) js.Value {
	return js.Global().Call("eval", `({open() { throw new DOMException("The operation is insecure.", "`+name+`"); }})`)
}

// TestUnusableStorage: with no IndexedDB, or one that refuses, every call
// fails with a storage code, a message and a hint, and nothing panics.
func TestUnusableStorage(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		factory js.Value
	}{
		{"no IndexedDB", js.Undefined()},
		{"IndexedDB refuses", throwingFactory("SecurityError")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc := drafts.New(NewWithFactory(tt.factory, "unusable"), nil, nil)
			calls := map[string]error{}
			_, calls["list"] = svc.List(ctx)
			_, calls["get"] = svc.Get(ctx, "d-1")
			_, calls["save"] = svc.Save(ctx, drafts.SaveRequest{Name: "n", Plan: "p"})
			calls["delete"] = svc.Delete(ctx, "d-1")
			for call, err := range calls {
				var e *drafts.Error
				if !errors.As(err, &e) || e.Code != drafts.CodeStorageUnavailable || e.Hint == "" {
					t.Errorf("%s: %v, want %s with a hint", call, err, drafts.CodeStorageUnavailable)
				}
			}
		})
	}
}
