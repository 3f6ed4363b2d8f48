//go:build js && wasm

package main

import (
	"syscall/js"
	"testing"
)

func object(kv map[string]any) js.Value { return js.ValueOf(kv) }

type saved struct {
	ID        string `json:"id"`
	Revision  int64  `json:"revision"`
	UpdatedAt string `json:"updatedAt"`
}

func TestDraftsThroughTheBridge(t *testing.T) {
	var s saved
	mustResolve(t, "drafts.save", &s, object(map[string]any{"name": "bridge", "plan": seed(t)}))
	if s.ID == "" || s.Revision != 1 || s.UpdatedAt == "" {
		t.Fatalf("save resolved with %+v", s)
	}
	// A plan given as an object is stored as its JSON text.
	var s2 saved
	mustResolve(t, "drafts.save", &s2, object(map[string]any{"id": s.ID, "name": "bridge", "plan": js.Global().Get("JSON").Call("parse", `{"version":1}`), "baseRevision": 1}))
	if s2.Revision != 2 {
		t.Errorf("second save: %+v", s2)
	}
	var got struct {
		ID, Name, Plan, UpdatedAt string
		Revision                  int64
	}
	mustResolve(t, "drafts.get", &got, s.ID)
	if got.Plan != `{"version":1}` || got.Revision != 2 || got.Name != "bridge" {
		t.Errorf("get resolved with %+v", got)
	}

	// Another tab's stale save: draft.conflict with the stored revision.
	r := mustReject(t, "drafts.save", object(map[string]any{"id": s.ID, "name": "bridge", "plan": "{}", "baseRevision": 1}))
	if r.Code != "draft.conflict" || r.StoredRevision == nil || *r.StoredRevision != 2 || r.Hint == "" {
		t.Errorf("stale save rejected with %+v, want draft.conflict storedRevision 2 and a hint", r)
	}

	var renamed saved
	mustResolve(t, "drafts.rename", &renamed, s.ID, "renamed")
	var copyID string
	mustResolve(t, "drafts.duplicate", &copyID, s.ID)
	var list []struct {
		ID, Name string
		Revision int64
	}
	mustResolve(t, "drafts.list", &list)
	names := map[string]string{}
	for _, d := range list {
		names[d.ID] = d.Name
	}
	if names[s.ID] != "renamed" || names[copyID] != "Copy of renamed" {
		t.Errorf("list %+v: want the renamed draft and its copy", list)
	}
	var null any
	mustResolve(t, "drafts.delete", &null, copyID)
	if r := mustReject(t, "drafts.get", copyID); r.Code != "draft.not-found" {
		t.Errorf("get of a deleted draft: %+v", r)
	}
}

func TestDraftsBadArguments(t *testing.T) {
	tests := []struct {
		name string
		fn   string
		args []any
	}{
		{"save without an object", "drafts.save", []any{"plan"}},
		{"save without plan", "drafts.save", []any{object(map[string]any{"name": "x"})}},
		{"save with an id but no baseRevision", "drafts.save", []any{object(map[string]any{"id": "d-1", "plan": "{}"})}},
		{"save with a fractional baseRevision", "drafts.save", []any{object(map[string]any{"plan": "{}", "baseRevision": 1.5})}},
		{"save with a string baseRevision", "drafts.save", []any{object(map[string]any{"plan": "{}", "baseRevision": "3"})}},
		{"get without id", "drafts.get", nil},
		{"rename without name", "drafts.rename", []any{"d-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := mustReject(t, tt.fn, tt.args...); r.Code != "call.argument" {
				t.Errorf("code %s (%s), want call.argument", r.Code, r.Message)
			}
		})
	}
	if r := mustReject(t, "drafts.rename", "d-1", "  "); r.Code != "draft.invalid" {
		t.Errorf("rename to blank: %+v", r)
	}
}
