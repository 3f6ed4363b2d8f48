package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hybridplan/hybridplan/pkg/plan/validate"
	"github.com/hybridplan/hybridplan/server/jdcloud"
	"github.com/hybridplan/hybridplan/server/standin"
	"github.com/hybridplan/hybridplan/server/store"
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

// JDCLOUD (issue 10): a provisioning run against an API that lacks an
// operation the plan needs fails at its first step with preflight.missing,
// and nothing is created.
func TestProvisioningRefusedWhenPreflightFindsAnOperationMissing(t *testing.T) {
	sin := standin.New(standin.Options{Credentials: map[string]string{e2eAK: e2eSK}, Fixtures: standin.FixturesFor(seedPlan(t)), Seed: 1,
		Unknown: []string{"DescribeVpnTunnels"}})
	hs := httptest.NewServer(sin)
	t.Cleanup(hs.Close)
	redactor := &Redactor{}
	redactor.Add(e2eSK)
	secrets := &Secrets{Redactor: redactor, Sources: jdcloud.SecretSources{EnvPrefix: jdcloud.DefaultEnvPrefix,
		LookupEnv: func(k string) (string, bool) { v, ok := e2eEnv[k]; return v, ok }}}
	cloud, err := NewJDCloud(jdcloud.Config{Endpoint: hs.URL, AccessKey: e2eAK, SecretKey: e2eSK, Secrets: secrets.Resolve,
		Retry: jdcloud.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}}, "stand-in")
	must(t, err)
	e := e2e{testServer: newTestServer(t, testOptions{cloud: cloud, validate: validate.Check, redactor: redactor}), standin: sin}
	hash := e.submitApproved()
	run, _ := e.runToEnd("/api/v1/plans/" + hash + "/runs")
	if run.State != store.StateFailed || run.Failure == nil || run.Failure.Code != "preflight.missing" ||
		!strings.Contains(run.Failure.Message, "CreateVpnTunnel") {
		t.Fatalf("run %s, failure %+v; want failed with preflight.missing naming CreateVpnTunnel", run.State, run.Failure)
	}
	if got := countsOf(sin); got != noCounts {
		t.Errorf("the refused run created %s", got)
	}
}
