package server

import (
	"net/http"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/gorilla/websocket"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/server/store"
)

// eventTypes lists the types of a run's stored events.
func (ts *testServer) eventTypes(runID string) []string {
	ts.t.Helper()
	evs, err := ts.st.Events(runID, 0, 0)
	must(ts.t, err)
	var out []string
	for _, e := range evs {
		out = append(out, e.Type)
	}
	return out
}

// A run can be cancelled while queued and while running, by a canceller or
// an operator, never by others; a finished run cannot be; the cancel is an
// event; a run cancelled mid-call keeps that call "started" so its teardown
// looks for what it may have created.
func TestCancelInEveryState(t *testing.T) {
	t.Run("queued", func(t *testing.T) {
		ts := newTestServer(t, testOptions{})
		hash := ts.submitApproved()
		// A queued run that no engine picked up (as after a failed start).
		_, _, err := ts.st.CreateRun(store.Run{ID: "run-q", Kind: store.KindProvision, PlanHash: hash, StartedBy: "olive", Calls: []string{"bgw"}}, store.Event{Type: "run.queued"})
		must(t, err)
		var eb errBody
		if st := ts.do("POST", "/api/v1/runs/run-q/cancel", "pat", nil, &eb); st != http.StatusForbidden || eb.Error.Code != "auth.role" {
			t.Fatalf("planner cancelling: %d %+v", st, eb.Error)
		}
		var rv runView
		if st := ts.do("POST", "/api/v1/runs/run-q/cancel", "cara", nil, &rv); st != http.StatusAccepted || rv.State != store.StateCancelled || rv.Cancel == nil || rv.Cancel.By != "cara" {
			t.Fatalf("cancel: %d %+v", st, rv.Run)
		}
		if got := ts.eventTypes("run-q"); !slices.Equal(got, []string{"run.queued", "run.cancel-requested", "run.cancelled"}) {
			t.Errorf("events %v", got)
		}
		if st := ts.do("POST", "/api/v1/runs/run-q/cancel", "olive", nil, &eb); st != http.StatusConflict || eb.Error.Code != "run.finished" {
			t.Errorf("cancelling a cancelled run: %d %+v", st, eb.Error)
		}
	})
	t.Run("running, then teardown", func(t *testing.T) {
		fc := &fakeCloud{gate: make(chan struct{})}
		ts := newTestServer(t, testOptions{cloud: fc})
		hash := ts.submitApproved()
		var rv runView
		if st := ts.do("POST", "/api/v1/plans/"+hash+"/runs", "olive", nil, &rv); st != http.StatusAccepted {
			t.Fatalf("provision: %d", st)
		}
		fc.gate <- struct{}{} // bgw is created; attachment/a is held
		c, _, err := ts.dialEvents(rv.ID, "vera", 0, "")
		must(t, err)
		defer c.Close()
		readUntil(t, c, func(e store.Event) bool { return e.Type == "step.started" && e.Step == "attachment/a" })
		if st := ts.do("POST", "/api/v1/runs/"+rv.ID+"/cancel", "olive", nil, nil); st != http.StatusAccepted {
			t.Fatalf("cancel: %d", st)
		}
		evs, closed := readEvents(t, c, -1)
		if !closed || len(evs) == 0 || evs[len(evs)-1].Type != "run.cancelled" {
			t.Fatalf("the stream did not end with run.cancelled: %+v (closed %v)", evs, closed)
		}
		run, _ := ts.st.GetRun(rv.ID)
		steps, _ := ts.st.Steps(rv.ID)
		if run.State != store.StateCancelled || steps[0].State != store.StepSucceeded || steps[1].State != store.StepStarted || steps[2].State != store.StepPending {
			t.Fatalf("run %s, steps %+v", run.State, steps)
		}
		ts.do("POST", "/api/v1/runs/"+rv.ID+"/teardown/approval", "alex", nil, nil)
		var td runView
		if st := ts.do("POST", "/api/v1/runs/"+rv.ID+"/teardown", "olive", nil, &td); st != http.StatusAccepted || !slices.Equal(td.Calls, []string{"attachment/a", "bgw"}) {
			t.Fatalf("teardown of the cancelled run: %d, calls %v", st, td.Calls)
		}
	})
}

// A server killed after the cancel was recorded but before the run stopped
// finishes the cancel at its next start, sending nothing.
func TestCancelSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	first := newTestServer(t, testOptions{dir: dir})
	hash := first.submitApproved()
	first.close()
	// What a kill -9 between the two leaves: a running run with a recorded
	// cancel request.
	st, err := store.Open(dir)
	must(t, err)
	_, _, err = st.CreateRun(store.Run{ID: "run-k", Kind: store.KindProvision, PlanHash: hash, StartedBy: "olive", Calls: []string{"bgw", "attachment/a"}}, store.Event{Type: "run.queued"})
	must(t, err)
	_, err = st.Record("run-k", store.Change{State: store.StateRunning, Events: []store.Event{{Type: "run.started"}}})
	must(t, err)
	_, _, err = st.RequestCancel("run-k", "cara")
	must(t, err)
	must(t, st.Close())

	fc := &fakeCloud{}
	second := newTestServer(t, testOptions{dir: dir, cloud: fc})
	c, _, err := second.dialEvents("run-k", "vera", 0, "")
	must(t, err)
	defer c.Close()
	evs, closed := readEvents(t, c, -1)
	if !closed || evs[len(evs)-1].Type != "run.cancelled" {
		t.Fatalf("events %+v", evs)
	}
	if len(fc.made) != 0 {
		t.Errorf("the cancelled run sent calls after the restart: %v", fc.made)
	}
}

// One teardown approval allows one teardown, and nobody tears down on their
// own approval, whatever roles they hold.
func TestTeardownApprovalIsConsumed(t *testing.T) {
	ts := newTestServer(t, testOptions{cloud: &fakeCloud{}})
	hash := ts.submitApproved()
	var rv runView
	ts.do("POST", "/api/v1/plans/"+hash+"/runs", "olive", nil, &rv)
	c, _, err := ts.dialEvents(rv.ID, "vera", 0, "")
	must(t, err)
	readEvents(t, c, -1)
	c.Close()

	var eb errBody
	if st := ts.do("POST", "/api/v1/runs/"+rv.ID+"/teardown/approval", "oscar", nil, nil); st != http.StatusCreated {
		t.Fatalf("oscar approves: %d", st)
	}
	if st := ts.do("POST", "/api/v1/runs/"+rv.ID+"/teardown", "oscar", nil, &eb); st != http.StatusForbidden || eb.Error.Code != "approval.own-teardown" {
		t.Fatalf("oscar tearing down on his own approval: %d %+v", st, eb.Error)
	}
	var td runView
	if st := ts.do("POST", "/api/v1/runs/"+rv.ID+"/teardown", "olive", nil, &td); st != http.StatusAccepted || td.Approval == nil || td.Approval.By != "oscar" || td.Approval.UsedBy != td.ID {
		t.Fatalf("olive tears down: %d %+v", st, td.Approval)
	}
	c, _, err = ts.dialEvents(td.ID, "vera", 0, "")
	must(t, err)
	readEvents(t, c, -1)
	c.Close()
	if st := ts.do("POST", "/api/v1/runs/"+rv.ID+"/teardown", "olive", nil, &eb); st != http.StatusConflict || eb.Error.Code != "teardown.not-approved" {
		t.Fatalf("a second teardown on the same approval: %d %+v", st, eb.Error)
	}
	var a store.Approval
	if st := ts.do("GET", "/api/v1/runs/"+rv.ID+"/teardown/approval", "vera", nil, &a); st != 200 || a.By != "oscar" || a.UsedBy != td.ID || a.At.IsZero() {
		t.Errorf("GET teardown approval: %d %+v", st, a)
	}
	// A new approval allows a new teardown.
	if st := ts.do("POST", "/api/v1/runs/"+rv.ID+"/teardown/approval", "alex", nil, nil); st != http.StatusCreated {
		t.Fatalf("approving again: %d", st)
	}
	if st := ts.do("POST", "/api/v1/runs/"+rv.ID+"/teardown", "olive", nil, nil); st != http.StatusAccepted {
		t.Fatalf("teardown on the new approval: %d", st)
	}
}

// While the server shuts down, it starts no new runs.
func TestShutdownRefusesNewRuns(t *testing.T) {
	ts := newTestServer(t, testOptions{})
	hash := ts.submitApproved()
	ts.srv.Close()
	var eb errBody
	if st := ts.do("POST", "/api/v1/plans/"+hash+"/runs", "olive", nil, &eb); st != http.StatusServiceUnavailable || eb.Error.Code != "server.shutting-down" {
		t.Fatalf("provision during shutdown: %d %+v", st, eb.Error)
	}
	runs, _ := ts.st.Runs()
	if len(runs) != 0 {
		t.Errorf("%d runs were stored during the shutdown", len(runs))
	}
}

// readUntil reads events until one matches.
func readUntil(t testing.TB, c *websocket.Conn, match func(store.Event) bool) {
	t.Helper()
	for {
		evs, _ := readEvents(t, c, 1)
		if len(evs) == 0 {
			t.Fatal("the stream ended before the awaited event")
		}
		if match(evs[0]) {
			return
		}
	}
}

// The validation hook gates submit, approve, dry run and provision: a plan
// the hook finds errors in at any of them goes no further (as when the
// verdict grows a check after the plan was stored).
func TestValidationGatesEveryStep(t *testing.T) {
	var broken atomic.Bool
	hook := func(*plan.Plan) []plan.Finding {
		if broken.Load() {
			return []plan.Finding{{Code: "strategy.aggregate-over-dc", Severity: plan.SeverityError, Path: "$.strategy", Message: "aggregate over DC, more-specifics over VPN"}}
		}
		return nil
	}
	ts := newTestServer(t, testOptions{validate: hook})
	broken.Store(true)
	var eb errBody
	if st := ts.do("POST", "/api/v1/plans", "pat", seedJSON(t), &eb); st != 422 || eb.Error.Code != "plan.invalid" {
		t.Fatalf("submit: %d %+v", st, eb.Error)
	}
	broken.Store(false)
	var pv planView
	ts.do("POST", "/api/v1/plans", "pat", seedJSON(t), &pv)
	broken.Store(true)
	if st := ts.do("POST", "/api/v1/plans/"+pv.Hash+"/approval", "alex", nil, &eb); st != 422 || eb.Error.Code != "plan.invalid" {
		t.Fatalf("approve: %d %+v", st, eb.Error)
	}
	broken.Store(false)
	ts.do("POST", "/api/v1/plans/"+pv.Hash+"/approval", "alex", nil, nil)
	broken.Store(true)
	for _, path := range []string{"/dry-run", "/runs"} {
		if st := ts.do("POST", "/api/v1/plans/"+pv.Hash+path, "olive", nil, &eb); st != 422 || eb.Error.Code != "plan.invalid" {
			t.Errorf("%s: %d %+v", path, st, eb.Error)
		}
	}
	if runs, _ := ts.st.Runs(); len(runs) != 0 {
		t.Errorf("%d runs started from an invalid plan", len(runs))
	}
}
