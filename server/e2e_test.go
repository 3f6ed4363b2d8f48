package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/sim"
	"github.com/hybridplan/hybridplan/pkg/plan/validate"
	"github.com/hybridplan/hybridplan/server/jdcloud"
	"github.com/hybridplan/hybridplan/server/standin"
	"github.com/hybridplan/hybridplan/server/store"
)

// These tests run the whole flow through the real JD Cloud SDK (signing,
// parameter building, HTTP) to the stand-in on 127.0.0.1.

const (
	e2eAK = "AKE2EHYBRIDPLAN00001"
	// The secret key and pre-shared keys are distinctive so that a search
	// of every response, event and log line for them means something.
	e2eSK   = "SKe2e-7c1d0b9a5f3e4c2d-never-shown"
	e2ePSK1 = "pskTUN1xK3v9QmZ"
	e2ePSK2 = "pskTUN2wR8j2LpY"
)

var e2eEnv = map[string]string{"HYBRIDPLAN_PSK_TUN1": e2ePSK1, "HYBRIDPLAN_PSK_TUN2": e2ePSK2}

func seedPlan(t testing.TB) *plan.Plan {
	t.Helper()
	p, err := plan.DecodeBytes([]byte(seedJSON(t)))
	must(t, err)
	return p
}

type e2e struct {
	*testServer
	standin *standin.Server
}

func newE2E(t testing.TB) e2e {
	t.Helper()
	return newE2EWith(t, nil)
}

// newE2EWith serves web as the app (nil: the small test files).
func newE2EWith(t testing.TB, web fs.FS) e2e {
	t.Helper()
	sin := standin.New(standin.Options{Credentials: map[string]string{e2eAK: e2eSK}, Fixtures: standin.FixturesFor(seedPlan(t)), Seed: 1})
	hs := httptest.NewServer(sin)
	t.Cleanup(hs.Close)
	return e2e{testServer: newE2EServer(t, hs.URL, testOptions{web: web}), standin: sin}
}

// newE2EServer starts a server (on o.dir, if set) sending its calls to the
// stand-in at url, with a fresh redactor that knows only the secret key,
// as after a restart, and keys from HYBRIDPLAN_PSK_* in e2eEnv (or from
// o.sources).
func newE2EServer(t testing.TB, url string, o testOptions) *testServer {
	t.Helper()
	redactor := &Redactor{}
	redactor.Add(e2eSK)
	src := jdcloud.SecretSources{EnvPrefix: jdcloud.DefaultEnvPrefix, LookupEnv: func(k string) (string, bool) { v, ok := e2eEnv[k]; return v, ok }}
	if o.sources != nil {
		src = *o.sources
	}
	secrets := &Secrets{Redactor: redactor, Sources: src}
	cloud, err := NewJDCloud(jdcloud.Config{
		Endpoint: url, AccessKey: e2eAK, SecretKey: e2eSK, Secrets: secrets.Resolve,
		Retry: jdcloud.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, RequestTimeout: 10 * time.Second},
	}, "the JD Cloud stand-in at "+url)
	must(t, err)
	o.cloud, o.validate, o.redactor, o.keys = cloud, validate.Check, redactor, secrets
	return newTestServer(t, o)
}

// runToEnd starts provisioning of hash and follows it over the WebSocket
// to the end, returning the run and every event.
func (e e2e) runToEnd(path string) (store.Run, []store.Event) {
	e.t.Helper()
	var rv runView
	if st := e.do("POST", path, "olive", nil, &rv); st != http.StatusAccepted {
		e.t.Fatalf("POST %s: status %d", path, st)
	}
	return e.follow(rv.ID)
}

func (e e2e) follow(id string) (store.Run, []store.Event) {
	e.t.Helper()
	c, _, err := e.dialEvents(id, "vera", 0, "")
	must(e.t, err)
	defer c.Close()
	evs, closed := readEvents(e.t, c, -1)
	if !closed {
		e.t.Fatalf("the event stream of %s did not close normally", id)
	}
	checkSeqs(e.t, evs, 1)
	run, err := e.st.GetRun(id)
	must(e.t, err)
	return run, evs
}

func countsOf(s *standin.Server) string {
	c := s.Snapshot().Counts()
	return fmt.Sprintf("bgws=%d attachments=%d vifs=%d cgws=%d vpns=%d tunnels=%d routeRules=%d",
		c["bgws"], c["vpcAttachments"], c["privateVifs"], c["customerGateways"], c["vpnConnections"], c["vpnTunnels"], c["routeRules"])
}

// What the seed plan creates: one of each, two tunnels, a rule per IDC
// segment in its one route table.
const seedCounts = "bgws=1 attachments=1 vifs=1 cgws=1 vpns=1 tunnels=2 routeRules=2"
const noCounts = "bgws=0 attachments=0 vifs=0 cgws=0 vpns=0 tunnels=0 routeRules=0"

func TestProvisionAndTeardownThroughTheSDK(t *testing.T) {
	e := newE2E(t)
	hash := e.submitApproved()

	var dr dryRunResponse
	if st := e.do("POST", "/api/v1/plans/"+hash+"/dry-run", "vera", nil, &dr); st != 200 {
		t.Fatalf("dry run: %d", st)
	}
	calls, err := e.cloud.(*JDCloud).Program(seedPlan(t))
	must(t, err)
	if len(dr.Calls) != len(calls.Calls()) || dr.Calls[0].ID != "bgw" {
		t.Fatalf("dry run has %d calls starting %q; the plan has %d starting with bgw", len(dr.Calls), dr.Calls[0].ID, len(calls.Calls()))
	}
	if countsOf(e.standin) != noCounts {
		t.Fatalf("the dry run created something: %s", countsOf(e.standin))
	}

	run, evs := e.runToEnd("/api/v1/plans/" + hash + "/runs")
	if run.State != store.StateSucceeded {
		t.Fatalf("run %s: %+v; events %v", run.State, run.Failure, evs)
	}
	if got := countsOf(e.standin); got != seedCounts {
		t.Errorf("stand-in holds %s, want %s", got, seedCounts)
	}
	steps, _ := e.st.Steps(run.ID)
	if id := steps[0].Outputs["id"]; !strings.HasPrefix(id, "bgw-") {
		t.Errorf("the border gateway's output id is %q", id)
	}

	var ver struct {
		ReadBack map[string]map[string]string `json:"readBack"`
		Matrix   sim.ConnectivityMatrix       `json:"matrix"`
	}
	if st := e.do("GET", "/api/v1/runs/"+run.ID+"/verification", "vera", nil, &ver); st != 200 || len(ver.ReadBack) == 0 || len(ver.Matrix.Cells) == 0 {
		t.Errorf("verification: %d, %d read-backs, %d matrix cells", st, len(ver.ReadBack), len(ver.Matrix.Cells))
	}

	// Provisioning the same plan again finds everything and creates nothing.
	again, _ := e.runToEnd("/api/v1/plans/" + hash + "/runs")
	if again.State != store.StateSucceeded || countsOf(e.standin) != seedCounts {
		t.Errorf("second provisioning: %s, stand-in %s", again.State, countsOf(e.standin))
	}

	// Teardown needs its own approval.
	var eb errBody
	if st := e.do("POST", "/api/v1/runs/"+run.ID+"/teardown", "olive", nil, &eb); st != 409 || eb.Error.Code != "teardown.not-approved" {
		t.Fatalf("unapproved teardown: %d %+v", st, eb.Error)
	}
	if st := e.do("POST", "/api/v1/runs/"+run.ID+"/teardown/approval", "olive", nil, &eb); st != 403 {
		t.Fatalf("operator approving a teardown: %d, want 403", st)
	}
	if st := e.do("POST", "/api/v1/runs/"+run.ID+"/teardown/approval", "alex", nil, nil); st != 201 {
		t.Fatalf("teardown approval: %d", st)
	}
	td, evs := e.runToEnd("/api/v1/runs/" + run.ID + "/teardown")
	if td.State != store.StateSucceeded || td.Kind != store.KindTeardown || td.Of != run.ID {
		t.Fatalf("teardown %+v; events %v", td, evs)
	}
	if got := countsOf(e.standin); got != noCounts {
		t.Errorf("after teardown the stand-in holds %s", got)
	}
}

// Each fault the stand-in injects shows up in the run's events: transient
// ones as retries of a run that succeeds, permanent ones stopping the run
// with JD Cloud's code and message.
func TestFaultsSurfaceAsEvents(t *testing.T) {
	tests := []struct {
		name       string
		inject     func(*standin.Faults)
		wantState  string
		wantRetry  int
		wantCode   string
		wantStatus string
		wantMsg    string
	}{
		{"503 twice", func(f *standin.Faults) { f.FailNext("CreateVpcAttachment", 2, 503) }, store.StateSucceeded, 2, "", "", ""},
		{"429 throttled", func(f *standin.Faults) { f.FailNext("CreatePrivateVif", 1, 429) }, store.StateSucceeded, 1, "", "", ""},
		{"500 then fine", func(f *standin.Faults) { f.FailNext("CreateBgw", 1, 500) }, store.StateSucceeded, 1, "", "", ""},
		{"slow answer", func(f *standin.Faults) { f.Slow("CreateVpnConnection", 1, 300*time.Millisecond) }, store.StateSucceeded, 0, "", "", ""},
		{"answer lost after the create", func(f *standin.Faults) { f.LoseAnswer("CreateCustomerGateway", 503) }, store.StateSucceeded, 1, "", "", ""},
		{"gives up after repeated 503s", func(f *standin.Faults) { f.FailNext("CreateBgw", 10, 503) }, store.StateFailed, 3, "503", "UNAVAILABLE", "service unavailable"},
		{"permanent 400", func(f *standin.Faults) {
			f.Add(standin.Fault{Action: "CreatePrivateVif", Status: 400, ErrorStatus: "INVALID_ARGUMENT", Message: "vlan 100 is already used on dc-bj-0001"})
		}, store.StateFailed, 0, "400", "INVALID_ARGUMENT", "vlan 100 is already used on dc-bj-0001"},
		// Not by request number: the run's first call is preceded by
		// preflight's describe calls (server/jdcloud, Config.PlanCalls).
		{"permanent 403", func(f *standin.Faults) { f.Add(standin.Fault{Action: "CreateVpcAttachment", Status: 403}) }, store.StateFailed, 0, "403", "HTTP_FORBIDDEN", "injected permission denied"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newE2E(t)
			hash := e.submitApproved()
			tc.inject(e.standin.Faults())
			run, evs := e.runToEnd("/api/v1/plans/" + hash + "/runs")
			retries := 0
			var failed *store.Event
			for i, ev := range evs {
				switch ev.Type {
				case "step.retry":
					retries++
					if ev.Failure == nil || ev.Failure.Message == "" {
						t.Errorf("retry event without the error: %+v", ev)
					}
				case "run.failed":
					failed = &evs[i]
				}
			}
			if run.State != tc.wantState || retries != tc.wantRetry {
				t.Fatalf("run %s with %d retries, want %s with %d; failure %+v", run.State, retries, tc.wantState, tc.wantRetry, run.Failure)
			}
			if tc.wantState == store.StateSucceeded {
				if got := countsOf(e.standin); got != seedCounts {
					t.Errorf("stand-in holds %s, want %s (nothing twice)", got, seedCounts)
				}
				return
			}
			if failed == nil || failed.Failure == nil {
				t.Fatal("no run.failed event with the failure")
			}
			f := run.Failure
			if f.Code != tc.wantCode || f.Status != tc.wantStatus || !strings.Contains(f.Message, tc.wantMsg) || f.RequestID == "" {
				t.Errorf("failure %+v, want code %s status %s message containing %q and JD Cloud's request ID", f, tc.wantCode, tc.wantStatus, tc.wantMsg)
			}
			if !strings.Contains(failed.Message, tc.wantMsg) {
				t.Errorf("run.failed message %q lacks JD Cloud's message", failed.Message)
			}
			steps, _ := e.st.Steps(run.ID)
			if last := steps[len(steps)-1]; last.State != store.StepPending {
				t.Errorf("the run went on after a permanent error: last step %+v", last)
			}
		})
	}
}

// The secret key and the pre-shared keys never appear in a response, an
// event or a log line, through a full provision, a dry run, a failure
// whose message would carry a key, and a teardown.
func TestSecretsNeverLeave(t *testing.T) {
	e := newE2E(t)
	var seen bytes.Buffer
	record := func(v any) {
		data, _ := json.Marshal(v)
		seen.Write(data)
	}
	hash := e.submitApproved()
	var dr, plan, runs any
	e.do("POST", "/api/v1/plans/"+hash+"/dry-run", "vera", nil, &dr)
	e.do("GET", "/api/v1/plans/"+hash, "vera", nil, &plan)
	record(dr)
	record(plan)
	// A permanent error whose message quotes the secret key and a PSK, as
	// a careless API might: it must be scrubbed before it is stored.
	e.standin.Faults().Add(standin.Fault{Action: "CreateVpnTunnel", Status: 400, Message: "bad signature for " + e2eSK + " with key " + e2ePSK1})
	run, evs := e.runToEnd("/api/v1/plans/" + hash + "/runs")
	record(evs)
	if run.State != store.StateFailed {
		t.Fatalf("run %s, want failed by the injected error", run.State)
	}
	run, evs = e.runToEnd("/api/v1/plans/" + hash + "/runs")
	record(evs)
	var rv, ev any
	e.do("GET", "/api/v1/runs/"+run.ID, "vera", nil, &rv)
	e.do("GET", "/api/v1/runs/"+run.ID+"/events", "vera", nil, &ev)
	e.do("GET", "/api/v1/runs", "vera", nil, &runs)
	record(rv)
	record(ev)
	record(runs)
	e.do("POST", "/api/v1/runs/"+run.ID+"/teardown/approval", "alex", nil, nil)
	_, evs = e.runToEnd("/api/v1/runs/" + run.ID + "/teardown")
	record(evs)
	e.close()
	all := seen.String() + e.logs.String()
	if !strings.Contains(e.logs.String(), "run succeeded") || !strings.Contains(all, "step.retry") && !strings.Contains(all, "step.failed") {
		t.Fatalf("the capture missed the run; logs:\n%s", e.logs.String())
	}
	for _, secret := range []string{e2eSK, e2ePSK1, e2ePSK2} {
		if i := strings.Index(all, secret); i >= 0 {
			t.Errorf("secret %q leaked: …%s…", secret, all[max(0, i-120):min(len(all), i+40)])
		}
	}
	if !strings.Contains(all, redactedMark) && !strings.Contains(all, "******") {
		t.Error("the injected message was not redacted (no mask found); did the fault fire?")
	}
}

// Every valid example plan the page offers dry-runs on the server.
func TestExamplesDryRun(t *testing.T) {
	e := newE2E(t)
	for _, ex := range examples.All() {
		var v validateResponse
		if st := e.do("POST", "/api/v1/validate", "", ex.JSON, &v); st != 200 {
			t.Errorf("%s: validate %d", ex.Name, st)
			continue
		}
		if !v.Valid {
			continue // the validator's own tests cover examples with errors
		}
		var pv planView
		e.do("POST", "/api/v1/plans", "pat", ex.JSON, &pv)
		var dr dryRunResponse
		if st := e.do("POST", "/api/v1/plans/"+pv.Hash+"/dry-run", "vera", nil, &dr); st != 200 || len(dr.Calls) == 0 {
			t.Errorf("%s: dry run %d with %d calls", ex.Name, st, len(dr.Calls))
		}
	}
}
