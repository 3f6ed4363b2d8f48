package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
)

func seed(*testing.T) string { return examples.SeedJSON() }

func TestValidateExamplesAndDecodeFindings(t *testing.T) {
	for _, e := range examples.All() {
		if r := Validate(e.JSON); !r.OK || r.Findings == nil {
			t.Errorf("example %s: ok=%v findings=%v", e.Name, r.OK, r.Findings)
		}
	}
	r := Validate(strings.Replace(seed(t), `"asn": 65001`, `"asn": "65001"`, 1))
	if r.OK || len(r.Findings) != 1 || r.Findings[0].Code != plan.CodeDecodeType || r.Findings[0].Path != "$.idc.asn" {
		t.Errorf("a string ASN: %+v", r)
	}
	// The JSON shape the page reads: findings is a list even when empty.
	b, _ := json.Marshal(ValidateResult{OK: true, Findings: []plan.Finding{}})
	if string(b) != `{"ok":true,"findings":[]}` {
		t.Errorf("shape %s", b)
	}
}

func TestErrorOf(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want Error
	}{
		{"decode error", &plan.DecodeError{Findings: []plan.Finding{{Code: "decode.value", Path: "$.idc.asn", Message: "bad", Hint: "h"}}},
			Error{Code: "decode.value", Path: "$.idc.asn", Message: "bad", Hint: "h"}},
		{"wrapped API error", fmt.Errorf("reading: %w", ArgumentError("bad %s", "x")),
			Error{Code: CodeArgument, Message: "bad x", Hint: "this is a bug in the page calling the planner core; see wasm/API.md"}},
		{"anything else", errors.New("boom"), Error{Code: CodeInternal, Message: "the planner core failed: boom"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ErrorOf(tt.err)
			got.Findings = nil
			if tt.want.Code == CodeInternal {
				tt.want.Hint = got.Hint
			}
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(tt.want)
			if string(g) != string(w) {
				t.Errorf("got %s, want %s", g, w)
			}
		})
	}
	if ErrorOf(nil) != nil {
		t.Error("ErrorOf(nil) is not nil")
	}
}

func TestExportAndTraceInputErrors(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		wantCode string
	}{
		{"empty address", func() error { _, err := Trace(seed(t), "", " ", "10.0.0.1"); return err }(), CodeAddress},
		{"prefix for an address", func() error { _, err := Trace(seed(t), "", "10.0.0.0/24", "192.168.0.1"); return err }(), CodeAddress},
		{"unknown scenario", func() error { _, err := Simulate(seed(t), "no-such"); return err }(), CodeScenario},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e *Error
			if !errors.As(tt.err, &e) || e.Code != tt.wantCode || e.Hint == "" {
				t.Errorf("got %v, want %s with a hint", tt.err, tt.wantCode)
			}
		})
	}
}
