// Package store keeps the provisioning server's state in one bbolt file
// under the data directory: plans (immutable, under their content hash),
// approvals, runs, their step journal, the resources they created and every
// event. Everything is written before it is acted on, so that a server
// killed at any moment resumes from the file without doing anything twice.
package store

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// FileName is the store's file inside the data directory.
const FileName = "hybridplan.db"

var (
	bucketPlans     = []byte("plans")
	bucketApprovals = []byte("approvals")
	bucketRuns      = []byte("runs")
	// bucketOwners maps a resource identity to the plan whose runs own it.
	bucketOwners = []byte("owners")
	// Inside each run's bucket:
	keyRun        = []byte("run")
	bucketSteps   = []byte("steps")
	bucketEvents  = []byte("events")
	bucketTeardwn = []byte("teardownApproval")
)

// Errors callers branch on.
var (
	ErrNotFound = errors.New("not found")
	// ErrTampered means a stored plan no longer matches its hash: the file
	// was changed outside the server. Nothing is provisioned from it.
	ErrTampered = errors.New("the stored plan does not match its hash")
	ErrExists   = errors.New("already exists")
)

// Store is the state file. Its methods are safe for concurrent use.
type Store struct {
	db  *bolt.DB
	now func() time.Time
}

// Open opens (creating if needed) the store in dir. Only one server may use
// a data directory at a time; a second one fails after a second with an
// error saying so, instead of waiting forever for the file lock.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating the data directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("%s is in use by another hybridplan server; stop it or give a different --data directory", path)
		}
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketPlans, bucketApprovals, bucketRuns, bucketOwners} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("preparing %s: %w", path, err)
	}
	return &Store{db: db, now: func() time.Time { return time.Now().UTC() }}, nil
}

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

// Hash is the content hash of a canonical plan document: hex SHA-256.
func Hash(canonical []byte) string {
	h := sha256.Sum256(canonical)
	return hex.EncodeToString(h[:])
}

// Plan is a submitted plan.
type Plan struct {
	Hash        string    `json:"hash"`
	Name        string    `json:"name"`
	SubmittedBy string    `json:"submittedBy"`
	SubmittedAt time.Time `json:"submittedAt"`
	// Document is the canonical JSON (plan.Encode of the decoded plan),
	// whose SHA-256 is Hash. It is kept as bytes, not json.RawMessage,
	// because encoding/json compacts a RawMessage and the hash is over the
	// exact bytes.
	Document []byte `json:"document"`
}

// PutPlan stores a plan under the hash of its document. Plans are
// immutable: submitting the same document again returns the first record
// and created=false.
func (s *Store) PutPlan(name, by string, canonical []byte) (p Plan, created bool, err error) {
	p = Plan{Hash: Hash(canonical), Name: name, SubmittedBy: by, SubmittedAt: s.now(), Document: canonical}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPlans)
		if v := b.Get([]byte(p.Hash)); v != nil {
			return json.Unmarshal(v, &p)
		}
		created = true
		return putJSON(b, []byte(p.Hash), p)
	})
	return p, created, err
}

// GetPlan returns a plan, checking that its document still matches its hash.
func (s *Store) GetPlan(hash string) (Plan, error) {
	var p Plan
	err := s.db.View(func(tx *bolt.Tx) error {
		return getJSON(tx.Bucket(bucketPlans), []byte(hash), &p)
	})
	if err != nil {
		return Plan{}, err
	}
	if Hash(p.Document) != hash || p.Hash != hash {
		return Plan{}, fmt.Errorf("plan %s: %w", hash, ErrTampered)
	}
	return p, nil
}

// Approval records who approved what, and when.
type Approval struct {
	By      string    `json:"by"`
	At      time.Time `json:"at"`
	Comment string    `json:"comment,omitempty"`
	// UsedBy is, for a teardown approval, the teardown run that consumed
	// it: one approval allows one teardown.
	UsedBy string     `json:"usedBy,omitempty"`
	UsedAt *time.Time `json:"usedAt,omitempty"`
}

// Approve records the approval of a stored plan. A plan is approved once;
// approving it again returns the first approval and created=false.
func (s *Store) Approve(hash string, a Approval) (got Approval, created bool, err error) {
	a.At = s.now()
	err = s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketPlans).Get([]byte(hash)) == nil {
			return ErrNotFound
		}
		b := tx.Bucket(bucketApprovals)
		if v := b.Get([]byte(hash)); v != nil {
			return json.Unmarshal(v, &got)
		}
		got, created = a, true
		return putJSON(b, []byte(hash), a)
	})
	return got, created, err
}

// GetApproval returns the approval of a plan, or ErrNotFound.
func (s *Store) GetApproval(hash string) (Approval, error) {
	var a Approval
	err := s.db.View(func(tx *bolt.Tx) error {
		return getJSON(tx.Bucket(bucketApprovals), []byte(hash), &a)
	})
	return a, err
}

// Run kinds.
const (
	KindProvision = "provision"
	KindTeardown  = "teardown"
)

// Run states. A run is queued when created, running once the engine has
// picked it up; both mean "not finished" and are resumed at start-up.
const (
	StateQueued    = "queued"
	StateRunning   = "running"
	StateSucceeded = "succeeded"
	StateFailed    = "failed"
	// StateCancelled: someone cancelled the run; what it created stays in
	// its journal (succeeded steps, and the step in flight as "started"),
	// so a teardown of it removes that too.
	StateCancelled = "cancelled"
)

// Failure is why a step or a run failed: the JD Cloud error when the cloud
// refused a call, or the server's own reason.
type Failure struct {
	// Code is JD Cloud's error code (e.g. "QuotaExceeded") or the server's
	// ("secret.unavailable", "internal").
	Code       string `json:"code"`
	Status     string `json:"status,omitempty"`
	HTTPStatus int    `json:"httpStatus,omitempty"`
	Message    string `json:"message"`
	RequestID  string `json:"requestId,omitempty"`
	// Retryable says the server resumes the run by itself once the cause
	// is gone (a journal write that failed, e.g. on a full disk).
	Retryable bool `json:"retryable,omitempty"`
}

func (f *Failure) Error() string {
	if f.Status != "" {
		return fmt.Sprintf("%s (%s): %s", f.Code, f.Status, f.Message)
	}
	return fmt.Sprintf("%s: %s", f.Code, f.Message)
}

// Run is one provisioning or teardown run of an approved plan.
type Run struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	PlanHash string `json:"planHash"`
	// Of is, for a teardown, the provisioning run whose resources it deletes.
	Of        string    `json:"of,omitempty"`
	State     string    `json:"state"`
	StartedBy string    `json:"startedBy"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	// Calls are the IDs of the run's calls in the order they execute,
	// fixed when the run is created so a resumed run does the same thing.
	Calls   []string `json:"calls"`
	Failure *Failure `json:"failure,omitempty"`
	// LastSeq is the sequence number of the run's latest event.
	LastSeq uint64 `json:"lastSeq"`
	// Resources are the identities (region, kind and name) of what the
	// run's plan creates. A provisioning run claims them for its plan; no
	// run of another plan may create, adopt or delete them until a
	// teardown of the owner has succeeded.
	Resources []string `json:"resources,omitempty"`
	// Approval is, for a teardown, the approval it consumed.
	Approval *Approval `json:"approval,omitempty"`
	// Cancel records who asked to cancel the run, and when. It is written
	// before the engine acts on it, so a server killed mid-cancel finishes
	// the cancel at its next start instead of resuming the run.
	Cancel *Approval `json:"cancel,omitempty"`
}

// Finished reports whether the run has stopped for good.
func (r Run) Finished() bool {
	return r.State == StateSucceeded || r.State == StateFailed || r.State == StateCancelled
}

// Step states.
const (
	StepPending   = "pending"
	StepStarted   = "started"
	StepSucceeded = "succeeded"
	StepFailed    = "failed"
)

// Step is the journal of one call of a run.
type Step struct {
	CallID   string `json:"callId"`
	Index    int    `json:"index"`
	State    string `json:"state"`
	Attempts int    `json:"attempts"`
	// Outputs are what the call returned (resource IDs and the like);
	// later calls refer to them, and teardown deletes what they name.
	Outputs    map[string]string `json:"outputs,omitempty"`
	Failure    *Failure          `json:"failure,omitempty"`
	StartedAt  *time.Time        `json:"startedAt,omitempty"`
	FinishedAt *time.Time        `json:"finishedAt,omitempty"`
}

// Event is one thing that happened in a run, in order.
type Event struct {
	Seq  uint64    `json:"seq"`
	Time time.Time `json:"time"`
	// Type is run.queued, run.started, run.resumed, run.succeeded,
	// run.failed, step.started, step.retry, step.succeeded, step.failed.
	Type    string            `json:"type"`
	Step    string            `json:"step,omitempty"`
	Index   int               `json:"index,omitempty"`
	Message string            `json:"message"`
	Attempt int               `json:"attempt,omitempty"`
	Failure *Failure          `json:"failure,omitempty"`
	Outputs map[string]string `json:"outputs,omitempty"`
}

// OwnedError is CreateRun's refusal of a provisioning run whose resources
// another plan owns.
type OwnedError struct {
	Resource, PlanHash, Run string
}

func (e *OwnedError) Error() string {
	return fmt.Sprintf("%s belongs to plan %s (run %s)", e.Resource, e.PlanHash, e.Run)
}

// owner is a claim on a resource identity.
type owner struct {
	PlanHash string    `json:"planHash"`
	Run      string    `json:"run"`
	At       time.Time `json:"at"`
}

// claim makes r's plan the owner of r's resources, unless another plan
// owns one of them.
func claim(b *bolt.Bucket, r Run) error {
	for _, id := range r.Resources {
		var o owner
		if err := getJSON(b, []byte(id), &o); err == nil && o.PlanHash != r.PlanHash {
			return &OwnedError{Resource: id, PlanHash: o.PlanHash, Run: o.Run}
		} else if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	for _, id := range r.Resources {
		if b.Get([]byte(id)) != nil {
			continue // the plan's first claim stays
		}
		if err := putJSON(b, []byte(id), owner{PlanHash: r.PlanHash, Run: r.ID, At: r.CreatedAt}); err != nil {
			return err
		}
	}
	return nil
}

// release gives up r's plan's claims on r's resources.
func release(b *bolt.Bucket, r Run) error {
	for _, id := range r.Resources {
		var o owner
		if err := getJSON(b, []byte(id), &o); err == nil && o.PlanHash == r.PlanHash {
			if err := b.Delete([]byte(id)); err != nil {
				return err
			}
		}
	}
	return nil
}

// Errors of CreateRun for a teardown.
var (
	ErrNotApproved  = errors.New("the teardown is not approved")
	ErrApprovalUsed = errors.New("the teardown approval was used by another teardown")
	ErrOwnApproval  = errors.New("the teardown was approved by the user starting it")
)

// CreateRun stores a new queued run with its pending steps and first event,
// all in one transaction. A teardown consumes the unused teardown approval
// of the run it undoes in the same transaction, so one approval allows one
// teardown; it is refused if the approver is the one starting it.
func (s *Store) CreateRun(r Run, first Event) (Run, Event, error) {
	now := s.now()
	r.State, r.CreatedAt, r.UpdatedAt = StateQueued, now, now
	err := s.db.Update(func(tx *bolt.Tx) error {
		runs := tx.Bucket(bucketRuns)
		if r.Kind == KindProvision {
			if err := claim(tx.Bucket(bucketOwners), r); err != nil {
				return err
			}
		}
		if r.Kind == KindTeardown {
			src := runs.Bucket([]byte(r.Of))
			if src == nil {
				return fmt.Errorf("run %s: %w", r.Of, ErrNotFound)
			}
			var a Approval
			if err := getJSON(src, bucketTeardwn, &a); errors.Is(err, ErrNotFound) {
				return ErrNotApproved
			} else if err != nil {
				return err
			}
			switch {
			case a.UsedBy != "":
				return ErrApprovalUsed
			case a.By == r.StartedBy:
				return ErrOwnApproval
			}
			a.UsedBy, a.UsedAt = r.ID, &now
			if err := putJSON(src, bucketTeardwn, a); err != nil {
				return err
			}
			r.Approval = &a
		}
		if runs.Bucket([]byte(r.ID)) != nil {
			return fmt.Errorf("run %s: %w", r.ID, ErrExists)
		}
		rb, err := runs.CreateBucket([]byte(r.ID))
		if err != nil {
			return err
		}
		sb, err := rb.CreateBucket(bucketSteps)
		if err != nil {
			return err
		}
		if _, err := rb.CreateBucket(bucketEvents); err != nil {
			return err
		}
		for i, id := range r.Calls {
			if err := putJSON(sb, []byte(id), Step{CallID: id, Index: i, State: StepPending}); err != nil {
				return err
			}
		}
		first, err = appendEvent(rb, &r, first, now)
		if err != nil {
			return err
		}
		return putJSON(rb, keyRun, r)
	})
	return r, first, err
}

// Change is one journal write: any of the run's new state, one step's new
// record and events, applied atomically.
type Change struct {
	State   string
	Failure *Failure
	Step    *Step
	Events  []Event
}

// Record applies a change to a run and returns the stored events, with
// their sequence numbers.
func (s *Store) Record(runID string, c Change) ([]Event, error) {
	now := s.now()
	var out []Event
	err := s.db.Update(func(tx *bolt.Tx) error {
		rb := tx.Bucket(bucketRuns).Bucket([]byte(runID))
		if rb == nil {
			return fmt.Errorf("run %s: %w", runID, ErrNotFound)
		}
		var r Run
		if err := getJSON(rb, keyRun, &r); err != nil {
			return err
		}
		if c.State != "" {
			r.State = c.State
			if err := releaseIfDone(tx, rb, r); err != nil {
				return err
			}
		}
		if c.Failure != nil {
			r.Failure = c.Failure
		}
		r.UpdatedAt = now
		if c.Step != nil {
			if err := putJSON(rb.Bucket(bucketSteps), []byte(c.Step.CallID), c.Step); err != nil {
				return err
			}
		}
		for _, e := range c.Events {
			e, err := appendEvent(rb, &r, e, now)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return putJSON(rb, keyRun, r)
	})
	return out, err
}

// releaseIfDone gives up a plan's claims once nothing of it can exist: a
// teardown succeeded, or a provisioning run ended before any call began.
func releaseIfDone(tx *bolt.Tx, rb *bolt.Bucket, r Run) error {
	owners := tx.Bucket(bucketOwners)
	switch {
	case r.Kind == KindTeardown && r.State == StateSucceeded:
		return release(owners, r)
	case r.Kind == KindProvision && r.Finished() && r.State != StateSucceeded:
		untouched := true
		err := rb.Bucket(bucketSteps).ForEach(func(_, v []byte) error {
			var st Step
			if err := json.Unmarshal(v, &st); err != nil {
				return err
			}
			untouched = untouched && st.State == StepPending
			return nil
		})
		if err != nil || !untouched {
			return err
		}
		// Another provisioning run of the plan may have made something.
		runs := tx.Bucket(bucketRuns)
		c := runs.Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			var o Run
			if err := getJSON(runs.Bucket(k), keyRun, &o); err != nil || o.ID == r.ID || o.PlanHash != r.PlanHash {
				continue
			}
			if o.Kind == KindProvision {
				return nil // keep the claim; a teardown releases it
			}
		}
		return release(owners, r)
	}
	return nil
}

func appendEvent(rb *bolt.Bucket, r *Run, e Event, now time.Time) (Event, error) {
	r.LastSeq++
	e.Seq, e.Time = r.LastSeq, now
	return e, putJSON(rb.Bucket(bucketEvents), seqKey(e.Seq), e)
}

// seqKey is big-endian so that bbolt's byte order is event order.
func seqKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, seq)
}

// ErrFinished is RequestCancel's answer for a run that has already stopped.
var ErrFinished = errors.New("the run has finished")

// RequestCancel records that by asked to cancel an unfinished run, with a
// run.cancel-requested event, in one transaction. Asking again returns the
// first request.
func (s *Store) RequestCancel(runID, by string) (Run, []Event, error) {
	now := s.now()
	var r Run
	var evs []Event
	err := s.db.Update(func(tx *bolt.Tx) error {
		rb := tx.Bucket(bucketRuns).Bucket([]byte(runID))
		if rb == nil {
			return ErrNotFound
		}
		if err := getJSON(rb, keyRun, &r); err != nil {
			return err
		}
		if r.Finished() {
			return ErrFinished
		}
		if r.Cancel != nil {
			return nil
		}
		r.Cancel = &Approval{By: by, At: now}
		r.UpdatedAt = now
		e, err := appendEvent(rb, &r, Event{Type: "run.cancel-requested", Message: by + " asked to cancel the run; it stops at the current call"}, now)
		if err != nil {
			return err
		}
		evs = append(evs, e)
		return putJSON(rb, keyRun, r)
	})
	return r, evs, err
}

// GetRun returns a run.
func (s *Store) GetRun(id string) (Run, error) {
	var r Run
	err := s.db.View(func(tx *bolt.Tx) error {
		rb := tx.Bucket(bucketRuns).Bucket([]byte(id))
		if rb == nil {
			return ErrNotFound
		}
		return getJSON(rb, keyRun, &r)
	})
	return r, err
}

// Steps returns a run's steps in execution order.
func (s *Store) Steps(runID string) ([]Step, error) {
	var out []Step
	err := s.db.View(func(tx *bolt.Tx) error {
		rb := tx.Bucket(bucketRuns).Bucket([]byte(runID))
		if rb == nil {
			return ErrNotFound
		}
		var r Run
		if err := getJSON(rb, keyRun, &r); err != nil {
			return err
		}
		sb := rb.Bucket(bucketSteps)
		for _, id := range r.Calls {
			var st Step
			if err := getJSON(sb, []byte(id), &st); err != nil {
				return fmt.Errorf("step %s: %w", id, err)
			}
			out = append(out, st)
		}
		return nil
	})
	return out, err
}

// Runs returns every run, newest first.
func (s *Store) Runs() ([]Run, error) {
	var out []Run
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRuns).ForEachBucket(func(k []byte) error {
			var r Run
			if err := getJSON(tx.Bucket(bucketRuns).Bucket(k), keyRun, &r); err != nil {
				return err
			}
			out = append(out, r)
			return nil
		})
	})
	// Run IDs start with a timestamp, so reverse key order is newest first.
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, err
}

// Events returns up to limit events of a run with Seq > after, in order
// (limit <= 0: all of them).
func (s *Store) Events(runID string, after uint64, limit int) ([]Event, error) {
	var out []Event
	err := s.db.View(func(tx *bolt.Tx) error {
		rb := tx.Bucket(bucketRuns).Bucket([]byte(runID))
		if rb == nil {
			return ErrNotFound
		}
		c := rb.Bucket(bucketEvents).Cursor()
		for k, v := c.Seek(seqKey(after + 1)); k != nil; k, v = c.Next() {
			var e Event
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("event %x of run %s: %w", k, runID, err)
			}
			out = append(out, e)
			if limit > 0 && len(out) == limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// ApproveTeardown records the approval to tear down what a run created.
func (s *Store) ApproveTeardown(runID string, a Approval) (got Approval, created bool, err error) {
	a.At = s.now()
	err = s.db.Update(func(tx *bolt.Tx) error {
		rb := tx.Bucket(bucketRuns).Bucket([]byte(runID))
		if rb == nil {
			return ErrNotFound
		}
		if v := rb.Get(bucketTeardwn); v != nil {
			if err := json.Unmarshal(v, &got); err != nil {
				return err
			}
			if got.UsedBy == "" {
				return nil // still waiting for its teardown
			}
		}
		got, created = a, true
		return putJSON(rb, bucketTeardwn, a)
	})
	return got, created, err
}

// GetTeardownApproval returns the teardown approval of a run, or ErrNotFound.
func (s *Store) GetTeardownApproval(runID string) (Approval, error) {
	var a Approval
	err := s.db.View(func(tx *bolt.Tx) error {
		rb := tx.Bucket(bucketRuns).Bucket([]byte(runID))
		if rb == nil {
			return ErrNotFound
		}
		return getJSON(rb, bucketTeardwn, &a)
	})
	return a, err
}

func putJSON(b *bolt.Bucket, k []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(k, data)
}

func getJSON(b *bolt.Bucket, k []byte, v any) error {
	data := b.Get(k)
	if data == nil {
		return ErrNotFound
	}
	return json.Unmarshal(data, v)
}
