// Package engine carries out provisioning and teardown runs, one call at a
// time, journalling every step in the store before and after it acts, so
// that a run interrupted at any point (even by kill -9) resumes where it
// stopped without creating anything twice.
//
// The engine knows nothing about JD Cloud: it drives a Program, which the
// server builds from a plan (the real one sends the calls through the JD
// Cloud SDK; tests use fakes).
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/server/store"
)

// Call is one provisioning call, as the engine journals and reports it.
type Call struct {
	ID      string `json:"id"`
	Step    int    `json:"step"`
	Action  string `json:"action"`
	Name    string `json:"name"`
	Summary string `json:"summary"`
	// DependsOn are the IDs of earlier calls whose outputs this one uses.
	DependsOn []string `json:"dependsOn,omitempty"`
	// Creates says the call creates a resource that teardown deletes;
	// read-only calls (the read-back of step 6) do not.
	Creates bool `json:"creates"`
}

// Attempt is one try of a call that the program reports while it retries.
type Attempt struct {
	// Number counts from 1.
	Number int
	// Err is why this attempt failed (nil for a success).
	Err error
	// Retrying says another attempt follows, after Wait.
	Retrying bool
	Wait     time.Duration
}

// Outputs are the outputs of earlier calls, by call ID.
type Outputs = map[string]map[string]string

// Program is what a run executes: the calls of one plan against one cloud.
type Program interface {
	// Calls are the plan's calls in execution order.
	Calls() []Call
	// Apply makes the call's resource exist and returns its outputs. It
	// must be idempotent: called again after a crash it finds what the
	// earlier attempt created instead of creating it twice. Errors the
	// cloud returned are *store.Failure.
	Apply(ctx context.Context, id string, outputs Outputs, observe func(Attempt)) (map[string]string, error)
	// Delete removes what Apply created; deleting what is already gone
	// succeeds.
	Delete(ctx context.Context, id string, outputs Outputs, observe func(Attempt)) error
}

// Builder makes the program of a plan.
type Builder func(p *plan.Plan) (Program, error)

// Options configure an Engine.
type Options struct {
	Store *store.Store
	Build Builder
	// Log receives one line per run transition; nil discards.
	Log *slog.Logger
	// Redact scrubs secrets from messages that came from elsewhere (error
	// texts) before they reach an event or a log line; nil keeps them.
	Redact func(string) string
	// Admit, when set, is asked before any call of a run is sent, each
	// time the run starts or resumes (teardowns included); an error fails
	// the run before it acts (a *store.Failure keeps its code).
	Admit func(r store.Run, p *plan.Plan) error
	// CloseWait bounds how long Close waits for runs (DefaultCloseWait
	// when zero).
	CloseWait time.Duration
}

// Engine runs runs. Create one per server.
type Engine struct {
	st     *store.Store
	build  Builder
	log    *slog.Logger
	redact func(string) string
	admit  func(store.Run, *plan.Plan) error
	hub    *Hub

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu sync.Mutex
	// active are the runs executing in this process, with the function
	// that cancels each one's context.
	active map[string]context.CancelFunc
	// closeWait bounds how long Close waits for runs to stop.
	closeWait time.Duration
	// stalled are the runs whose journal could not be written, with why:
	// they are failed for now and resume once a write works again.
	stalled map[string]*store.Failure
}

// DefaultCloseWait is how long Close waits for running calls to notice
// the shutdown before it returns anyway.
const DefaultCloseWait = 10 * time.Second

// New makes an engine. Call Close to stop it.
func New(o Options) *Engine {
	ctx, cancel := context.WithCancel(context.Background())
	e := &Engine{
		st: o.Store, build: o.Build, log: o.Log, redact: o.Redact, admit: o.Admit, hub: NewHub(),
		ctx: ctx, cancel: cancel, active: map[string]context.CancelFunc{}, closeWait: o.CloseWait,
		stalled: map[string]*store.Failure{},
	}
	if e.closeWait <= 0 {
		e.closeWait = DefaultCloseWait
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.redact == nil {
		e.redact = func(s string) string { return s }
	}
	return e
}

// Published hands events someone else recorded for a run (the cancel
// request) to its watchers.
func (e *Engine) Published(runID string, evs []store.Event) {
	if len(evs) > 0 {
		e.hub.publish(runID, evs, false)
	}
}

// Hub is where watchers wait for a run's next event.
func (e *Engine) Hub() *Hub { return e.hub }

// Close stops every run at its current call and waits for them, at most
// CloseWait: a call that ignores its context (a hung file system, a
// program that does not honour cancellation) must not keep the process
// from exiting. Stopped runs stay "running" in the store and resume at the
// next start. It reports whether every run stopped in time.
func (e *Engine) Close() bool {
	e.cancel()
	done := make(chan struct{})
	go func() { e.wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(e.closeWait):
		e.mu.Lock()
		n := len(e.active)
		e.mu.Unlock()
		e.log.Error("runs did not stop in time for the shutdown; they resume at the next start", "runs", n, "waited", e.closeWait)
		return false
	}
}

// Start executes a stored run in the background, unless it is already
// executing or finished.
func (e *Engine) Start(runID string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.active[runID] != nil || e.ctx.Err() != nil {
		return
	}
	ctx, cancel := context.WithCancel(e.ctx)
	e.active[runID] = cancel
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		for {
			e.execute(ctx, runID)
			if !e.isStalled(runID) || !e.awaitJournal(ctx, runID) {
				break
			}
		}
		e.mu.Lock()
		delete(e.active, runID)
		e.mu.Unlock()
		cancel()
	}()
}

// Cancel stops a run whose cancellation the store has recorded
// (store.RequestCancel): a run executing here stops at its current call and
// records itself cancelled; one not executing is recorded cancelled now.
func (e *Engine) Cancel(runID string) error {
	e.mu.Lock()
	if cancel := e.active[runID]; cancel != nil {
		cancel()
		e.mu.Unlock()
		return nil
	}
	defer e.mu.Unlock()
	r, err := e.st.GetRun(runID)
	if err != nil || r.Finished() {
		return err
	}
	return e.cancelled(r, nil, "")
}

// cancelled records the end of a cancelled run. step is the call in
// flight, if any: it stays "started" in the journal, since the cloud may
// have created its resource, so a teardown looks for it.
func (e *Engine) cancelled(r store.Run, step *store.Step, during string) error {
	by := "someone"
	if r.Cancel != nil {
		by = r.Cancel.By
	}
	msg := fmt.Sprintf("cancelled by %s before it sent anything more", by)
	if during != "" {
		msg = fmt.Sprintf("cancelled by %s during %s; whatever the run created stays in its journal, so a teardown of this run removes it", by, during)
	}
	e.log.Info("run cancelled", "run", r.ID, "by", by)
	return e.record(r.ID, store.Change{State: store.StateCancelled, Step: step, Events: []store.Event{{Type: "run.cancelled", Message: msg}}})
}

// Stalled returns why a run is stopped by a journal write failure, or nil.
func (e *Engine) Stalled(runID string) *store.Failure {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stalled[runID]
}

// Degraded says why the engine cannot work normally ("" when it can): runs
// stopped by journal write failures.
func (e *Engine) Degraded() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.stalled) == 0 {
		return ""
	}
	return fmt.Sprintf("%d runs are stopped because their journal cannot be written (is the data directory's disk full?); they resume once it can", len(e.stalled))
}

func (e *Engine) isStalled(runID string) bool { return e.Stalled(runID) != nil }

// journalRetryMax bounds the wait between attempts to write a stalled run's
// journal.
const journalRetryMax = 5 * time.Second

// awaitJournal tries, with growing pauses, to write a stalled run's journal
// again; once a write works the run resumes from its journal. It gives up
// (false) when the run's context ends.
func (e *Engine) awaitJournal(ctx context.Context, runID string) bool {
	wait := 50 * time.Millisecond
	for {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(wait):
		}
		evs, err := e.st.Record(runID, store.Change{Events: []store.Event{{Type: "run.journal-recovered",
			Message: "the journal can be written again; the run resumes (calls that had started are looked up before anything is created again)"}}})
		if err == nil {
			e.mu.Lock()
			delete(e.stalled, runID)
			e.mu.Unlock()
			e.hub.publish(runID, evs, false)
			e.log.Info("run journal writable again; resuming", "run", runID)
			return true
		}
		wait = min(2*wait, journalRetryMax)
	}
}

// Active reports whether a run is executing in this process.
func (e *Engine) Active(runID string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.active[runID] != nil
}

// ResumeAll starts every unfinished run in the store; the server calls it
// once at start-up.
func (e *Engine) ResumeAll() (int, error) {
	runs, err := e.st.Runs()
	if err != nil {
		return 0, fmt.Errorf("listing runs to resume: %w", err)
	}
	n := 0
	for _, r := range slices.Backward(runs) { // oldest first
		if !r.Finished() {
			e.Start(r.ID)
			n++
		}
	}
	return n, nil
}

// record writes a change and then hands its events to the run's watchers.
func (e *Engine) record(runID string, c store.Change) error {
	evs, err := e.st.Record(runID, c)
	if err != nil {
		// The journal is the source of truth: without it the engine must
		// not act, so the run stops here, shows as failed (retryable), and
		// resumes once a write works again.
		e.log.Error("writing the run journal failed; the run stops and resumes once the journal can be written", "run", runID, "err", err)
		e.mu.Lock()
		e.stalled[runID] = &store.Failure{Code: "journal.write", Retryable: true,
			Message: "the server could not write the run's journal (" + e.redact(err.Error()) + "); the run is stopped and resumes by itself once writing works again (free disk space on the data directory)"}
		e.mu.Unlock()
		return err
	}
	e.hub.publish(runID, evs, (store.Run{State: c.State}).Finished())
	return nil
}

// fail ends a run with a failure.
func (e *Engine) fail(runID string, step *store.Step, f *store.Failure, msg string) {
	f.Message = e.redact(f.Message)
	evs := []store.Event{}
	if step != nil {
		evs = append(evs, store.Event{Type: "step.failed", Step: step.CallID, Index: step.Index, Attempt: step.Attempts, Failure: f,
			Message: fmt.Sprintf("%s failed: %s", step.CallID, f.Error())})
	}
	evs = append(evs, store.Event{Type: "run.failed", Failure: f, Message: e.redact(msg)})
	e.log.Warn("run failed", "run", runID, "code", f.Code, "message", f.Message)
	_ = e.record(runID, store.Change{State: store.StateFailed, Failure: f, Step: step, Events: evs})
}

func (e *Engine) execute(ctx context.Context, runID string) {
	r, err := e.st.GetRun(runID)
	if err != nil {
		e.log.Error("cannot read the run to execute", "run", runID, "err", err)
		return
	}
	if r.Finished() {
		return
	}
	e.hub.open(runID, r.LastSeq)
	if r.Cancel != nil {
		// Cancelled before it started, or the server stopped (even by
		// kill -9) between the request and the run stopping.
		_ = e.cancelled(r, nil, "")
		return
	}
	prog, calls, outputs, err := e.prepare(r)
	if err != nil {
		var f *store.Failure
		if !errors.As(err, &f) {
			f = &store.Failure{Code: "run.prepare", Message: err.Error()}
		}
		e.fail(runID, nil, f, "the run cannot start: "+f.Message)
		return
	}
	ev := store.Event{Type: "run.started", Message: fmt.Sprintf("%s of plan %s: %d calls", r.Kind, r.PlanHash[:12], len(r.Calls))}
	if r.State == store.StateRunning {
		ev = store.Event{Type: "run.resumed", Message: "the server restarted; resuming from the journal (calls that had started are looked up before anything is created again)"}
	}
	if e.record(runID, store.Change{State: store.StateRunning, Events: []store.Event{ev}}) != nil {
		return
	}
	e.log.Info(ev.Type, "run", runID, "kind", r.Kind, "plan", r.PlanHash)

	steps, err := e.st.Steps(runID)
	if err != nil {
		e.fail(runID, nil, &store.Failure{Code: "run.journal", Message: err.Error()}, "the run's journal cannot be read")
		return
	}
	for i := range steps {
		st := steps[i]
		if st.State == store.StepSucceeded {
			if r.Kind == store.KindProvision {
				outputs[st.CallID] = st.Outputs
			}
			continue
		}
		c := calls[st.CallID]
		now := time.Now().UTC()
		st.State, st.StartedAt, st.Failure = store.StepStarted, &now, nil
		verb := "applying"
		switch {
		case r.Kind == store.KindTeardown:
			verb = "deleting"
		case !c.Creates:
			verb = "reading"
		}
		msg := fmt.Sprintf("step %d, %s %s: %s", c.Step, verb, c.ID, c.Summary)
		if r.Kind == store.KindTeardown {
			// The summary describes the creation; say what goes instead.
			msg = fmt.Sprintf("step %d, %s %s, created by run %s", c.Step, verb, c.ID, r.Of)
			if c.Name != "" {
				msg = fmt.Sprintf("step %d, %s %s (%s), created by run %s", c.Step, verb, c.ID, c.Name, r.Of)
			}
		}
		if e.stopping(ctx, runID, nil, "") {
			return
		}
		if e.record(runID, store.Change{Step: &st, Events: []store.Event{{
			Type: "step.started", Step: st.CallID, Index: st.Index, Message: msg,
		}}}) != nil {
			return
		}
		observe := func(a Attempt) {
			st.Attempts = a.Number
			if a.Err == nil || !a.Retrying {
				return // success and the final failure have their own events
			}
			f := toFailure(a.Err)
			f.Message = e.redact(f.Message)
			_ = e.record(runID, store.Change{Step: &st, Events: []store.Event{{
				Type: "step.retry", Step: st.CallID, Index: st.Index, Attempt: a.Number, Failure: f,
				Message: fmt.Sprintf("attempt %d of %s failed (%s); retrying in %s", a.Number, st.CallID, f.Error(), a.Wait.Round(time.Millisecond)),
			}}})
		}
		var out map[string]string
		if r.Kind == store.KindTeardown {
			err = prog.Delete(ctx, st.CallID, outputs, observe)
		} else {
			out, err = prog.Apply(ctx, st.CallID, outputs, observe)
		}
		// A call that finished despite the cancel is journalled as usual
		// (its outputs let teardown find what it made); one cut short
		// stays "started".
		if err != nil && e.stopping(ctx, runID, &st, st.CallID) {
			return
		}
		done := time.Now().UTC()
		st.FinishedAt = &done
		if err != nil {
			st.State = store.StepFailed
			f := toFailure(err)
			st.Failure = f
			e.fail(runID, &st, f, fmt.Sprintf("the run stopped at %s (step %d): %s", st.CallID, c.Step, e.redact(f.Error())))
			return
		}
		// Outputs are ids and states; scrub them anyway, since they are
		// stored, shown in events and reused by later calls.
		for k, v := range out {
			out[k] = e.redact(v)
		}
		st.State, st.Outputs = store.StepSucceeded, out
		if r.Kind == store.KindProvision {
			outputs[st.CallID] = out
		}
		if e.record(runID, store.Change{Step: &st, Events: []store.Event{{
			Type: "step.succeeded", Step: st.CallID, Index: st.Index, Attempt: st.Attempts, Outputs: out,
			Message: fmt.Sprintf("step %d, %s done", c.Step, st.CallID),
		}}}) != nil {
			return
		}
	}
	msg := fmt.Sprintf("all %d calls done; the read-back and the verification matrix to check from the customer router are at /api/v1/runs/%s/verification", len(steps), runID)
	if r.Kind == store.KindTeardown {
		msg = fmt.Sprintf("deleted what run %s created (%d calls)", r.Of, len(steps))
	}
	_ = e.record(runID, store.Change{State: store.StateSucceeded, Events: []store.Event{{Type: "run.succeeded", Message: msg}}})
	e.log.Info("run succeeded", "run", runID)
}

// stopping reports whether the run must stop here: for a shutdown (the
// step stays "started" and resumes at the next start) or a cancel (the run
// is recorded cancelled).
func (e *Engine) stopping(ctx context.Context, runID string, step *store.Step, during string) bool {
	if ctx.Err() == nil {
		return false
	}
	if e.ctx.Err() != nil {
		e.log.Info("run paused for shutdown", "run", runID, "step", during)
		return true
	}
	r, err := e.st.GetRun(runID)
	if err != nil {
		e.log.Error("cannot read the cancelled run", "run", runID, "err", err)
		return true
	}
	_ = e.cancelled(r, step, during)
	return true
}

// prepare rebuilds the program from the stored plan and checks that it
// still has the calls the run journalled, and gathers the outputs a
// teardown needs from the run it undoes.
func (e *Engine) prepare(r store.Run) (Program, map[string]Call, Outputs, error) {
	rec, err := e.st.GetPlan(r.PlanHash)
	if err != nil {
		if errors.Is(err, store.ErrTampered) {
			return nil, nil, nil, &store.Failure{Code: "plan.tampered", Message: err.Error() + "; nothing is provisioned from it. Submit and approve the plan again"}
		}
		return nil, nil, nil, err
	}
	p, err := plan.DecodeBytes(rec.Document)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("the stored plan cannot be decoded: %w", err)
	}
	if e.admit != nil {
		if err := e.admit(r, p); err != nil {
			return nil, nil, nil, err
		}
	}
	prog, err := e.build(p)
	if err != nil {
		return nil, nil, nil, err
	}
	calls := map[string]Call{}
	for _, c := range prog.Calls() {
		calls[c.ID] = c
	}
	for _, id := range r.Calls {
		if _, ok := calls[id]; !ok {
			return nil, nil, nil, &store.Failure{Code: "run.calls-changed", Message: fmt.Sprintf("call %s of this run is no longer among the plan's calls (was the server upgraded mid-run?); start a new run", id)}
		}
	}
	outputs := Outputs{}
	if r.Kind == store.KindTeardown {
		steps, err := e.st.Steps(r.Of)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("reading run %s to tear down: %w", r.Of, err)
		}
		for _, s := range steps {
			if s.State == store.StepSucceeded {
				outputs[s.CallID] = s.Outputs
			}
		}
	}
	return prog, calls, outputs, nil
}

func toFailure(err error) *store.Failure {
	var f *store.Failure
	if errors.As(err, &f) {
		c := *f
		return &c
	}
	return &store.Failure{Code: "call.error", Message: err.Error()}
}

// ProvisionCalls lists the call IDs a provisioning run of prog executes.
func ProvisionCalls(prog Program) []string {
	var ids []string
	for _, c := range prog.Calls() {
		ids = append(ids, c.ID)
	}
	return ids
}

// TeardownCalls lists the call IDs a teardown of a provisioning run
// executes: the calls that created something and succeeded, in reverse
// order, so that nothing is deleted while something else still uses it.
func TeardownCalls(prog Program, steps []store.Step) []string {
	creates := map[string]bool{}
	for _, c := range prog.Calls() {
		creates[c.ID] = c.Creates
	}
	var ids []string
	for _, s := range slices.Backward(steps) {
		if creates[s.CallID] && (s.State == store.StepSucceeded || s.State == store.StepStarted || s.State == store.StepFailed) {
			ids = append(ids, s.CallID)
		}
	}
	return ids
}
