package server

import (
	"encoding/json"
	"net/http"
	"testing"
)

// JDCLOUD (issue 10): the preflight endpoint runs the read-only preflight
// through the SDK against the stand-in: operators only, only GETs reach
// the stand-in, nothing is created, and the report says the seed is ready.
func TestPreflightEndpoint(t *testing.T) {
	e := newE2E(t)
	hash := e.submitApproved()
	if st := e.do("POST", "/api/v1/plans/"+hash+"/preflight", "vera", nil, nil); st != http.StatusForbidden {
		t.Errorf("viewer: status %d, want 403", st)
	}
	before := len(e.standin.Requests())
	var resp preflightResponse
	if st := e.do("POST", "/api/v1/plans/"+hash+"/preflight", "olive", nil, &resp); st != http.StatusOK {
		t.Fatalf("operator: status %d", st)
	}
	if !resp.Report.Ready || len(resp.Report.Missing) != 0 || resp.Hash != hash || len(resp.Report.Operations) == 0 {
		b, _ := json.Marshal(resp)
		t.Errorf("report %s", b)
	}
	for _, r := range e.standin.Requests()[before:] {
		if r.Method != "GET" {
			t.Errorf("preflight sent %s %s", r.Method, r.Action)
		}
	}
	if got := countsOf(e.standin); got != noCounts {
		t.Errorf("after preflight the stand-in holds %s", got)
	}
}
