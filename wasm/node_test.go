//go:build js && wasm && !browser

package main

import (
	"encoding/json"
	"syscall/js"
	"testing"

	"github.com/hybridplan/hybridplan/wasm/drafts"
	"github.com/hybridplan/hybridplan/wasm/drafts/idbstore"
)

// Node has no IndexedDB: the bridge's drafts run over the in-memory store.
func testStore() drafts.Store { return drafts.NewMemoryStore() }

// TestDraftsWithoutIndexedDB: the real store under Node, which has no
// IndexedDB, rejects with storage.unavailable and a hint, like a browser
// in a mode without site storage.
func TestDraftsWithoutIndexedDB(t *testing.T) {
	hp := js.Global().Get("hybridplan")
	old := hp.Get("drafts")
	defer hp.Set("drafts", old)
	d := js.Global().Get("Object").New()
	for name, m := range draftMethods(drafts.New(idbstore.New("node-has-none"), nil, nil)) {
		f := asyncFunc("drafts."+name, m)
		defer f.Release()
		d.Set(name, f)
	}
	hp.Set("drafts", d)
	for _, call := range []struct {
		fn   string
		args []any
	}{
		{"drafts.list", nil},
		{"drafts.save", []any{object(map[string]any{"name": "n", "plan": "{}"})}},
	} {
		r := mustReject(t, call.fn, call.args...)
		if r.Code != "storage.unavailable" || r.Hint == "" {
			b, _ := json.Marshal(r)
			t.Errorf("%s without IndexedDB: %s, want storage.unavailable with a hint", call.fn, b)
		}
	}
}
