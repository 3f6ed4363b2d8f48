// Package drafts keeps plan drafts in the browser: a list the architect
// opens, renames, duplicates and deletes, saved as they type.
//
// The rules live here, in plain Go over a small Store interface, so they
// are unit-tested natively with MemoryStore; package idbstore is the
// IndexedDB Store used in the page.
//
// Concurrency: two tabs may edit one draft. Every record carries a
// revision that grows by one with each change. A save names the revision it
// was based on; when the stored revision differs (another tab saved, renamed
// or deleted it since), the save is refused with CodeConflict and the
// stored revision, and nothing is written. So no tab overwrites another's
// work without the page having asked the person first.
package drafts

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hybridplan/hybridplan/pkg/plan"
)

// Record is one stored draft. The plan is kept as the text the page had,
// valid or not: a draft is work in progress, and an edit must never be lost
// because it does not parse yet.
type Record struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Plan     string `json:"plan"`
	Revision int64  `json:"revision"`
	// UpdatedAt is the time of the last change, RFC 3339 in UTC with
	// milliseconds ("2026-11-26T12:00:00.000Z"), which JavaScript's
	// new Date() reads and which sorts as text.
	UpdatedAt string `json:"updatedAt"`
}

// Summary is a draft as listed: everything but the plan.
type Summary struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	UpdatedAt string `json:"updatedAt"`
	Revision  int64  `json:"revision"`
}

// Store persists records. Implementations must make Update atomic: no
// other change to the same record may happen between reading cur and
// writing the result, or two tabs could both pass the revision check.
type Store interface {
	// List returns a summary of every record, in any order.
	List(ctx context.Context) ([]Summary, error)
	// Get returns the record with that id; found is false if there is none.
	Get(ctx context.Context, id string) (rec Record, found bool, err error)
	// Update reads the record with that id (nil if absent), calls fn, and
	// writes what fn returns: a record to store under id, or nil to delete
	// it. When fn returns an error nothing is written and Update returns
	// that error.
	Update(ctx context.Context, id string, fn func(cur *Record) (*Record, error)) error
}

// Error codes.
const (
	// CodeConflict: the draft changed in another tab since the page read it.
	CodeConflict = "draft.conflict"
	// CodeNotFound: no draft has that id (deleted, perhaps in another tab).
	CodeNotFound = "draft.not-found"
	// CodeInvalid: a name, id or plan the drafts cannot take.
	CodeInvalid = "draft.invalid"
	// CodeStorageUnavailable: the browser's storage cannot be used at all
	// (IndexedDB missing, disabled, private mode, broken).
	CodeStorageUnavailable = "storage.unavailable"
	// CodeStorageQuota: the browser refused to store more.
	CodeStorageQuota = "storage.quota"
)

// Error is a failure of a drafts operation with a stable code.
type Error struct {
	Code    string
	Message string
	Hint    string
	// Stored is the stored revision, with CodeConflict (0: deleted).
	Stored int64
}

func (e *Error) Error() string { return e.Message }

// ErrorCode returns the stable code (the wasm API's rejection code).
func (e *Error) ErrorCode() string { return e.Code }

// ErrorHint says what to do.
func (e *Error) ErrorHint() string { return e.Hint }

// ConflictRevision returns the stored revision of a conflict.
func (e *Error) ConflictRevision() (int64, bool) { return e.Stored, e.Code == CodeConflict }

// Limits on what a draft holds.
const (
	// MaxNameRunes bounds a draft's name: it is a label in a list.
	MaxNameRunes = 200
	// MaxIDLength bounds an id chosen by the page.
	MaxIDLength = 64
	// UntitledName names a new draft saved without a name.
	UntitledName = "Untitled draft"
)

// Service applies the drafts rules over a Store.
type Service struct {
	store Store
	now   func() time.Time
	newID func() (string, error)
}

// New returns a Service over store. now and newID may be nil for the
// clock and random ids; tests pass their own to get exact values.
func New(store Store, now func() time.Time, newID func() (string, error)) *Service {
	if now == nil {
		now = time.Now
	}
	if newID == nil {
		newID = RandomID
	}
	return &Service{store: store, now: now, newID: newID}
}

// RandomID returns "d-" and 16 random hex digits: unique across tabs
// without coordination, which a counter could not be. An id is not a
// secret, so math/rand/v2's generator (ChaCha8, seeded by the runtime from
// the browser's crypto.getRandomValues) is enough, and it keeps crypto/rand
// with its FIPS module and math/big out of the WebAssembly download.
func RandomID() (string, error) {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], rand.Uint64())
	return "d-" + hex.EncodeToString(b[:]), nil
}

// List returns every draft, most recently changed first.
func (s *Service) List(ctx context.Context) ([]Summary, error) {
	list, err := s.store.List(ctx)
	if err != nil {
		return nil, storageError(err)
	}
	if list == nil {
		list = []Summary{}
	}
	slices.SortFunc(list, func(a, b Summary) int {
		if c := strings.Compare(b.UpdatedAt, a.UpdatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return list, nil
}

// Get returns one draft.
func (s *Service) Get(ctx context.Context, id string) (Record, error) {
	if err := checkID(id); err != nil {
		return Record{}, err
	}
	rec, found, err := s.store.Get(ctx, id)
	if err != nil {
		return Record{}, storageError(err)
	}
	if !found {
		return Record{}, notFound(id)
	}
	return rec, nil
}

// SaveRequest is what the page saves.
type SaveRequest struct {
	// ID of the draft; empty for a new one (the service picks the id).
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
	Plan string `json:"plan"`
	// BaseRevision is the revision the page's copy is based on: the one
	// get or the last save returned, 0 for a draft not stored yet.
	BaseRevision int64 `json:"baseRevision"`
}

// Saved is the state of a draft after a change.
type Saved struct {
	ID        string `json:"id"`
	Revision  int64  `json:"revision"`
	UpdatedAt string `json:"updatedAt"`
}

// Save stores the plan if the stored revision is still req.BaseRevision
// (0 meaning nothing stored under req.ID), and returns the new revision.
// Otherwise it fails with CodeConflict and the stored revision. An empty
// name keeps the stored name (or UntitledName for a new draft).
func (s *Service) Save(ctx context.Context, req SaveRequest) (Saved, error) {
	name, err := checkName(req.Name, true)
	if err != nil {
		return Saved{}, err
	}
	if len(req.Plan) > plan.MaxDocumentBytes {
		return Saved{}, &Error{Code: CodeInvalid,
			Message: fmt.Sprintf("the plan is %d bytes, more than a draft may hold (%d MiB)", len(req.Plan), plan.MaxDocumentBytes>>20),
			Hint:    "a plan is a few kilobytes; check that the right file was imported"}
	}
	if req.BaseRevision < 0 {
		return Saved{}, &Error{Code: CodeInvalid, Message: fmt.Sprintf("baseRevision %d is negative", req.BaseRevision),
			Hint: "pass the revision the draft was loaded or last saved with, or 0 for a new draft"}
	}
	id := req.ID
	if id == "" {
		if req.BaseRevision != 0 {
			return Saved{}, &Error{Code: CodeInvalid, Message: "a new draft (no id) cannot have a base revision",
				Hint: "pass the draft's id with its revision, or baseRevision 0 for a new draft"}
		}
		if id, err = s.newID(); err != nil {
			return Saved{}, storageError(err)
		}
	} else if err := checkID(id); err != nil {
		return Saved{}, err
	}
	var out Saved
	err = s.store.Update(ctx, id, func(cur *Record) (*Record, error) {
		stored := int64(0)
		if cur != nil {
			stored = cur.Revision
		}
		if stored != req.BaseRevision {
			return nil, conflict(id, req.BaseRevision, stored)
		}
		next := &Record{ID: id, Name: name, Plan: req.Plan, Revision: stored + 1, UpdatedAt: s.timestamp()}
		if next.Name == "" {
			next.Name = UntitledName
			if cur != nil {
				next.Name = cur.Name
			}
		}
		out = Saved{ID: id, Revision: next.Revision, UpdatedAt: next.UpdatedAt}
		return next, nil
	})
	if err != nil {
		return Saved{}, storageError(err)
	}
	return out, nil
}

// Rename gives a draft a new name. It is a change like a save: the
// revision grows, so another tab still holding the old revision is told
// before its next save would put the old name back.
func (s *Service) Rename(ctx context.Context, id, name string) (Saved, error) {
	if err := checkID(id); err != nil {
		return Saved{}, err
	}
	name, err := checkName(name, false)
	if err != nil {
		return Saved{}, err
	}
	var out Saved
	err = s.store.Update(ctx, id, func(cur *Record) (*Record, error) {
		if cur == nil {
			return nil, notFound(id)
		}
		next := *cur
		next.Name = name
		next.Revision++
		next.UpdatedAt = s.timestamp()
		out = Saved{ID: id, Revision: next.Revision, UpdatedAt: next.UpdatedAt}
		return &next, nil
	})
	if err != nil {
		return Saved{}, storageError(err)
	}
	return out, nil
}

// Duplicate copies a draft under a new id and the name "Copy of …", and
// returns the new draft's id.
func (s *Service) Duplicate(ctx context.Context, id string) (string, error) {
	src, err := s.Get(ctx, id)
	if err != nil {
		return "", err
	}
	newID, err := s.newID()
	if err != nil {
		return "", storageError(err)
	}
	name := truncateRunes("Copy of "+src.Name, MaxNameRunes)
	err = s.store.Update(ctx, newID, func(cur *Record) (*Record, error) {
		if cur != nil {
			// A random 64-bit id never collides in practice; refuse
			// rather than overwrite if it ever does.
			return nil, &Error{Code: CodeInvalid, Message: "the new draft's id is taken", Hint: "try again"}
		}
		return &Record{ID: newID, Name: name, Plan: src.Plan, Revision: 1, UpdatedAt: s.timestamp()}, nil
	})
	if err != nil {
		return "", storageError(err)
	}
	return newID, nil
}

// Delete removes a draft. Deleting a draft that is already gone succeeds:
// the person's intent is met, and two tabs deleting at once must not
// produce an error.
func (s *Service) Delete(ctx context.Context, id string) error {
	if err := checkID(id); err != nil {
		return err
	}
	err := s.store.Update(ctx, id, func(*Record) (*Record, error) { return nil, nil })
	if err != nil {
		return storageError(err)
	}
	return nil
}

func (s *Service) timestamp() string {
	return s.now().UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

func checkID(id string) error {
	if id == "" {
		return &Error{Code: CodeInvalid, Message: "the draft id is empty", Hint: "pass the id that drafts.list or drafts.save returned"}
	}
	if len(id) > MaxIDLength || strings.IndexFunc(id, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	}) >= 0 {
		return &Error{Code: CodeInvalid, Message: fmt.Sprintf("%.80q is not a draft id", id),
			Hint: fmt.Sprintf("ids are up to %d letters, digits, '-' and '_'; pass the id that drafts.list or drafts.save returned", MaxIDLength)}
	}
	return nil
}

// checkName trims the name and checks it; an empty name is an error unless
// allowEmpty.
func checkName(name string, allowEmpty bool) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case !utf8.ValidString(name):
		return "", &Error{Code: CodeInvalid, Message: "the draft name is not valid text", Hint: "type the name again"}
	case name == "" && !allowEmpty:
		return "", &Error{Code: CodeInvalid, Message: "a draft needs a name", Hint: "type a name for the draft"}
	case utf8.RuneCountInString(name) > MaxNameRunes:
		return "", &Error{Code: CodeInvalid, Message: fmt.Sprintf("the draft name is %d characters long; the limit is %d", utf8.RuneCountInString(name), MaxNameRunes),
			Hint: "use a shorter name; the plan's description can hold the details"}
	}
	return name, nil
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}

func notFound(id string) *Error {
	return &Error{Code: CodeNotFound, Message: fmt.Sprintf("there is no draft %s; it may have been deleted in another tab", id),
		Hint: "reload the list of drafts"}
}

func conflict(id string, base, stored int64) *Error {
	e := &Error{Code: CodeConflict, Stored: stored}
	switch {
	case stored == 0:
		e.Message = fmt.Sprintf("draft %s was deleted in another tab after this tab loaded it", id)
		e.Hint = "save this plan as a new draft to keep it"
	case base == 0:
		e.Message = fmt.Sprintf("a draft %s already exists (revision %d)", id, stored)
		e.Hint = "open it, or save this plan as a new draft"
	default:
		e.Message = fmt.Sprintf("draft %s was changed in another tab (this tab has revision %d, the stored one is %d)", id, base, stored)
		e.Hint = "reload the stored version, or save this tab's plan as a new draft so neither is lost"
	}
	return e
}

// storageError keeps *Error as it is and reports any other failure of the
// store as CodeStorageUnavailable, so the page always gets a code it can
// show and the message of what went wrong.
func storageError(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return &Error{Code: CodeStorageUnavailable, Message: "the browser's storage did not answer in time",
			Hint: "this edit is kept in this tab; close other tabs of hybridplan, then save again"}
	}
	return &Error{Code: CodeStorageUnavailable, Message: "the browser could not store drafts: " + err.Error(),
		Hint: "this edit is kept in this tab; export the plan to a file to keep it, and check that the browser allows site storage"}
}
