package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/server/store"
	bolt "go.etcd.io/bbolt"
)

// fakeProgram is a cloud in memory: three calls, b uses a's output, c is a
// read-back that creates nothing. Failures are scripted per call as a list
// of errors returned by successive attempts.
type fakeProgram struct {
	mu       sync.Mutex
	script   map[string][]error
	applied  []string
	deleted  []string
	seenDeps map[string]Outputs
	// block, when set for a call, makes Apply wait until the context ends.
	block   string
	blocked chan struct{}
}

func (f *fakeProgram) Calls() []Call {
	return []Call{
		{ID: "a", Step: 1, Action: "create", Name: "bgw", Summary: "create a", Creates: true},
		{ID: "b", Step: 2, Action: "create", Name: "att", Summary: "create b", DependsOn: []string{"a"}, Creates: true},
		{ID: "c", Step: 6, Action: "describe", Name: "read", Summary: "read back"},
	}
}

func (f *fakeProgram) attempt(ctx context.Context, id string, observe func(Attempt)) error {
	f.mu.Lock()
	if f.block == id {
		f.mu.Unlock()
		close(f.blocked)
		<-ctx.Done()
		return ctx.Err()
	}
	errs := f.script[id]
	f.mu.Unlock()
	for n := 1; ; n++ {
		var err error
		if n <= len(errs) {
			err = errs[n-1]
		}
		var transient *transientErr
		retry := errors.As(err, &transient)
		observe(Attempt{Number: n, Err: err, Retrying: retry, Wait: time.Millisecond})
		if !retry {
			return err
		}
	}
}

type transientErr struct{ msg string }

func (e *transientErr) Error() string { return e.msg }

func (f *fakeProgram) Apply(ctx context.Context, id string, outs Outputs, observe func(Attempt)) (map[string]string, error) {
	if err := f.attempt(ctx, id, observe); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.applied = append(f.applied, id)
	deps := Outputs{}
	for k, v := range outs {
		deps[k] = v
	}
	f.seenDeps[id] = deps
	return map[string]string{"id": id + "-123"}, nil
}

func (f *fakeProgram) Delete(ctx context.Context, id string, outs Outputs, observe func(Attempt)) error {
	if err := f.attempt(ctx, "delete-"+id, observe); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deleted = append(f.deleted, id+"="+outs[id]["id"])
	return nil
}

func newFake() *fakeProgram {
	return &fakeProgram{script: map[string][]error{}, seenDeps: map[string]Outputs{}, blocked: make(chan struct{})}
}

func seedPlan(t *testing.T, st *store.Store) string {
	t.Helper()
	ex, _ := examples.Get(examples.Seed)
	p, err := plan.DecodeBytes([]byte(ex.JSON))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := plan.Encode(&buf, p); err != nil {
		t.Fatal(err)
	}
	rec, _, err := st.PutPlan(p.Name, "pat", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return rec.Hash
}

func newRun(t *testing.T, st *store.Store, id, kind, hash, of string, calls []string) {
	t.Helper()
	if _, _, err := st.CreateRun(store.Run{ID: id, Kind: kind, PlanHash: hash, Of: of, StartedBy: "olive", Calls: calls},
		store.Event{Type: "run.queued", Message: "queued"}); err != nil {
		t.Fatal(err)
	}
}

// waitFinished waits on the hub until the run is finished.
func waitFinished(t *testing.T, e *Engine, st *store.Store, id string) store.Run {
	t.Helper()
	for {
		sig := e.Hub().Wait(id)
		r, err := st.GetRun(id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Finished() {
			return r
		}
		select {
		case <-sig:
		case <-t.Context().Done():
			t.Fatal("test ended before the run finished")
		}
	}
}

func eventTypes(t *testing.T, st *store.Store, id string) []string {
	t.Helper()
	evs, err := st.Events(id, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i, e := range evs {
		if e.Seq != uint64(i+1) {
			t.Errorf("event %d has seq %d; sequence numbers must count from 1 without gaps", i, e.Seq)
		}
		s := e.Type
		if e.Step != "" {
			s += ":" + e.Step
		}
		out = append(out, s)
	}
	return out
}

func TestRuns(t *testing.T) {
	perm := &store.Failure{Code: "QuotaExceeded", Status: "FAILED_PRECONDITION", HTTPStatus: 400, Message: "border gateway quota exceeded", RequestID: "req-1"}
	tests := []struct {
		name       string
		script     map[string][]error
		wantState  string
		wantEvents []string
		wantCode   string
		wantApply  []string
	}{
		{
			name:      "every call succeeds",
			wantState: store.StateSucceeded,
			wantEvents: []string{"run.queued", "run.started",
				"step.started:a", "step.succeeded:a", "step.started:b", "step.succeeded:b", "step.started:c", "step.succeeded:c",
				"run.succeeded"},
			wantApply: []string{"a", "b", "c"},
		},
		{
			name:      "transient errors are retried and reported",
			script:    map[string][]error{"b": {&transientErr{"HTTP 503"}, &transientErr{"HTTP 429"}}},
			wantState: store.StateSucceeded,
			wantEvents: []string{"run.queued", "run.started",
				"step.started:a", "step.succeeded:a", "step.started:b", "step.retry:b", "step.retry:b", "step.succeeded:b",
				"step.started:c", "step.succeeded:c", "run.succeeded"},
			wantApply: []string{"a", "b", "c"},
		},
		{
			name:      "a permanent error stops the run with the cloud's code",
			script:    map[string][]error{"b": {fmt.Errorf("creating: %w", perm)}},
			wantState: store.StateFailed,
			wantEvents: []string{"run.queued", "run.started",
				"step.started:a", "step.succeeded:a", "step.started:b", "step.failed:b", "run.failed"},
			wantCode:  "QuotaExceeded",
			wantApply: []string{"a"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := store.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			fake := newFake()
			fake.script = tc.script
			e := New(Options{Store: st, Build: func(*plan.Plan) (Program, error) { return fake, nil }})
			defer e.Close()
			hash := seedPlan(t, st)
			newRun(t, st, "r1", store.KindProvision, hash, "", ProvisionCalls(fake))
			e.Start("r1")
			r := waitFinished(t, e, st, "r1")
			if r.State != tc.wantState {
				t.Errorf("state %s, want %s", r.State, tc.wantState)
			}
			if got := eventTypes(t, st, "r1"); !slices.Equal(got, tc.wantEvents) {
				t.Errorf("events\n got %v\nwant %v", got, tc.wantEvents)
			}
			if !slices.Equal(fake.applied, tc.wantApply) {
				t.Errorf("applied %v, want %v", fake.applied, tc.wantApply)
			}
			if tc.wantCode != "" {
				if r.Failure == nil || r.Failure.Code != tc.wantCode || r.Failure.RequestID != "req-1" || r.Failure.Message != perm.Message {
					t.Errorf("run failure %+v, want the cloud's code %s, message and request ID", r.Failure, tc.wantCode)
				}
				steps, _ := st.Steps("r1")
				if steps[1].State != store.StepFailed || steps[2].State != store.StepPending {
					t.Errorf("steps after the failure: %+v", steps)
				}
			}
			if tc.wantState == store.StateSucceeded {
				if got := fake.seenDeps["b"]["a"]["id"]; got != "a-123" {
					t.Errorf("call b saw output %q of a, want a-123", got)
				}
			}
		})
	}
}

// An engine stopped mid-call leaves the step "started"; the next engine on
// the same store resumes from there without applying finished calls again.
func TestResumeAfterStop(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	first := newFake()
	first.block = "b"
	e := New(Options{Store: st, Build: func(*plan.Plan) (Program, error) { return first, nil }})
	hash := seedPlan(t, st)
	newRun(t, st, "r1", store.KindProvision, hash, "", ProvisionCalls(first))
	e.Start("r1")
	<-first.blocked
	e.Close()
	steps, _ := st.Steps("r1")
	if steps[0].State != store.StepSucceeded || steps[1].State != store.StepStarted {
		t.Fatalf("journal after stop: %+v", steps)
	}

	second := newFake()
	e2 := New(Options{Store: st, Build: func(*plan.Plan) (Program, error) { return second, nil }})
	defer e2.Close()
	if n, err := e2.ResumeAll(); err != nil || n != 1 {
		t.Fatalf("ResumeAll = %d, %v; want 1 run", n, err)
	}
	r := waitFinished(t, e2, st, "r1")
	if r.State != store.StateSucceeded {
		t.Fatalf("resumed run ended %s: %+v", r.State, r.Failure)
	}
	if !slices.Equal(second.applied, []string{"b", "c"}) {
		t.Errorf("resumed engine applied %v, want [b c] (a had finished)", second.applied)
	}
	if got := second.seenDeps["b"]["a"]["id"]; got != "a-123" {
		t.Errorf("resumed call b saw a's output %q, want a-123 from the journal", got)
	}
	got := eventTypes(t, st, "r1")
	if !slices.Contains(got, "run.resumed") {
		t.Errorf("events %v lack run.resumed", got)
	}
	st.Close()
}

func TestTeardownDeletesCreatedInReverse(t *testing.T) {
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fake := newFake()
	e := New(Options{Store: st, Build: func(*plan.Plan) (Program, error) { return fake, nil }})
	defer e.Close()
	hash := seedPlan(t, st)
	newRun(t, st, "r1", store.KindProvision, hash, "", ProvisionCalls(fake))
	e.Start("r1")
	waitFinished(t, e, st, "r1")
	steps, _ := st.Steps("r1")
	calls := TeardownCalls(fake, steps)
	if !slices.Equal(calls, []string{"b", "a"}) {
		t.Fatalf("teardown calls %v, want [b a]: reverse order, read-backs skipped", calls)
	}
	if _, _, err := st.ApproveTeardown("r1", store.Approval{By: "alex"}); err != nil {
		t.Fatal(err)
	}
	newRun(t, st, "r2", store.KindTeardown, hash, "r1", calls)
	e.Start("r2")
	if r := waitFinished(t, e, st, "r2"); r.State != store.StateSucceeded {
		t.Fatalf("teardown %s: %+v", r.State, r.Failure)
	}
	if !slices.Equal(fake.deleted, []string{"b=b-123", "a=a-123"}) {
		t.Errorf("deleted %v, want [b=b-123 a=a-123]", fake.deleted)
	}
}

// A plan edited in the store behind the server's back is never provisioned.
func TestTamperedPlanFailsTheRun(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	hash := seedPlan(t, st)
	fake := newFake()
	newRun(t, st, "r1", store.KindProvision, hash, "", ProvisionCalls(fake))
	st.Close()
	tamperPlan(t, dir, hash)

	st, err = store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e := New(Options{Store: st, Build: func(*plan.Plan) (Program, error) { return fake, nil }})
	defer e.Close()
	e.Start("r1")
	r := waitFinished(t, e, st, "r1")
	if r.State != store.StateFailed || r.Failure == nil || r.Failure.Code != "plan.tampered" {
		t.Fatalf("run %s %+v, want failed with plan.tampered", r.State, r.Failure)
	}
	if len(fake.applied) != 0 {
		t.Errorf("applied %v from a tampered plan", fake.applied)
	}
}

// tamperPlan changes one ASN in a stored plan document, keeping its hash.
func tamperPlan(t *testing.T, dir, hash string) {
	t.Helper()
	db, err := bolt.Open(dir+"/"+store.FileName, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("plans"))
		v := b.Get([]byte(hash))
		// Document is base64 in the record; rewrite the decoded record.
		var rec store.Plan
		if err := json.Unmarshal(v, &rec); err != nil {
			return err
		}
		rec.Document = bytes.Replace(rec.Document, []byte("65001"), []byte("65002"), 1)
		nv, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		return b.Put([]byte(hash), nv)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// stubborn is a program whose call ignores cancellation (a hung file
// system, a client without timeouts).
type stubborn struct{ entered, release chan struct{} }

func (s stubborn) Calls() []Call { return []Call{{ID: "a", Step: 1, Creates: true}} }
func (s stubborn) Apply(context.Context, string, Outputs, func(Attempt)) (map[string]string, error) {
	close(s.entered)
	<-s.release
	return nil, nil
}
func (s stubborn) Delete(context.Context, string, Outputs, func(Attempt)) error { return nil }

// Close returns after CloseWait even when a call never notices the
// shutdown, so the process can exit.
func TestCloseIsBounded(t *testing.T) {
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	prog := stubborn{entered: make(chan struct{}), release: make(chan struct{})}
	defer close(prog.release)
	e := New(Options{Store: st, Build: func(*plan.Plan) (Program, error) { return prog, nil }, CloseWait: 50 * time.Millisecond})
	hash := seedPlan(t, st)
	newRun(t, st, "r1", store.KindProvision, hash, "", []string{"a"})
	e.Start("r1")
	<-prog.entered
	done := make(chan bool)
	go func() { done <- e.Close() }()
	select {
	case stopped := <-done:
		if stopped {
			t.Error("Close says every run stopped, but the call is still held")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Close waits for a call that ignores cancellation")
	}
}
