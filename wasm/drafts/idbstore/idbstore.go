//go:build js && wasm

// Package idbstore keeps drafts in the browser's IndexedDB, through
// github.com/hack-pad/go-indexeddb: database "hybridplan", object store
// "drafts", one object {id, name, plan, revision, updatedAt} per draft,
// keyed by id. IndexedDB survives reloads and browser restarts and is
// shared by every tab of the site, which is why drafts.Service checks
// revisions.
//
// Every method blocks until IndexedDB answers, so call it from a goroutine,
// never from inside a js.FuncOf callback.
package idbstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"syscall/js"

	"github.com/hack-pad/go-indexeddb/idb"

	"github.com/hybridplan/hybridplan/wasm/drafts"
)

// Names in IndexedDB. Changing the layout needs a new schemaVersion and an
// upgrade step in open, or drafts already saved become unreadable.
const (
	DefaultDatabase = "hybridplan"
	objectStore     = "drafts"
	schemaVersion   = 1
)

// Store is a drafts.Store over IndexedDB. The database is opened on first
// use, and opened again after a failure, so a page that started while
// storage was unavailable recovers when it becomes available.
type Store struct {
	factory js.Value // globalThis.indexedDB, or undefined
	name    string

	mu sync.Mutex
	db *idb.Database
}

// New returns a Store over database name ("" for DefaultDatabase) of
// globalThis.indexedDB. It does not touch IndexedDB until first used.
func New(name string) *Store {
	if name == "" {
		name = DefaultDatabase
	}
	return &Store{factory: js.Global().Get("indexedDB"), name: name}
}

// NewWithFactory is New over another IDBFactory: a page's own wrapper, or
// a stand-in in tests of how failures are reported.
func NewWithFactory(factory js.Value, name string) *Store {
	s := New(name)
	s.factory = factory
	return s
}

// Close closes the connection, if open; the next call opens it again. A
// database can only be deleted or upgraded once every connection is closed.
func (s *Store) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db != nil {
		_ = s.db.Close()
		s.db = nil
	}
}

var _ drafts.Store = (*Store)(nil)

// open returns the database, opening (and creating) it if needed.
func (s *Store) open(ctx context.Context) (*idb.Database, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db != nil {
		return s.db, nil
	}
	if !s.factory.Truthy() {
		return nil, &drafts.Error{Code: drafts.CodeStorageUnavailable,
			Message: "this browser offers no IndexedDB storage, so drafts cannot be kept",
			Hint:    "your edit stays in this tab; export the plan to a file to keep it, or use a browser with site storage enabled"}
	}
	f, err := idb.WrapFactory(s.factory)
	if err != nil {
		return nil, storageError("opening the drafts database", err)
	}
	req, err := f.Open(ctx, s.name, schemaVersion, func(db *idb.Database, oldVersion, newVersion uint) error {
		if oldVersion < 1 {
			if _, err := db.CreateObjectStore(objectStore, idb.ObjectStoreOptions{KeyPath: js.ValueOf("id")}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, storageError("opening the drafts database", err)
	}
	db, err := req.Await(ctx)
	if err == nil {
		err = ctx.Err() // Await returns no error when ctx ends first
	}
	if err != nil {
		return nil, storageError("opening the drafts database", err)
	}
	s.db = db
	return db, nil
}

// txn starts a transaction on the drafts object store. A connection closed
// under us (another tab upgraded the database, the browser cleared site
// data) is opened again once.
func (s *Store) txn(ctx context.Context, mode idb.TransactionMode) (*idb.Transaction, *idb.ObjectStore, error) {
	for attempt := 0; ; attempt++ {
		db, err := s.open(ctx)
		if err != nil {
			return nil, nil, err
		}
		t, err := db.Transaction(mode, objectStore)
		if err != nil {
			if attempt == 0 && errors.Is(err, idb.NewDOMException("InvalidStateError")) {
				s.mu.Lock()
				s.db = nil
				s.mu.Unlock()
				continue
			}
			return nil, nil, storageError("starting a transaction", err)
		}
		st, err := t.ObjectStore(objectStore)
		if err != nil {
			return nil, nil, storageError("opening the drafts store", err)
		}
		return t, st, nil
	}
}

// List implements drafts.Store. Plans stay in JavaScript: only the fields
// of a summary are copied into Go.
func (s *Store) List(ctx context.Context) ([]drafts.Summary, error) {
	_, st, err := s.txn(ctx, idb.TransactionReadOnly)
	if err != nil {
		return nil, err
	}
	cur, err := st.OpenCursor(idb.CursorNext)
	if err != nil {
		return nil, storageError("listing drafts", err)
	}
	out := []drafts.Summary{}
	err = cur.Iter(ctx, func(c *idb.CursorWithValue) error {
		v, err := c.Value()
		if err != nil {
			return err
		}
		r, err := fromJS(v, false)
		if err != nil {
			// A record this code did not write (another version, a
			// browser extension): leave it, list the rest.
			js.Global().Get("console").Call("warn", "hybridplan: skipping a damaged draft: "+err.Error())
			return nil
		}
		out = append(out, drafts.Summary{ID: r.ID, Name: r.Name, UpdatedAt: r.UpdatedAt, Revision: r.Revision})
		return nil
	})
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, storageError("listing drafts", err)
	}
	return out, nil
}

// Get implements drafts.Store.
func (s *Store) Get(ctx context.Context, id string) (drafts.Record, bool, error) {
	_, st, err := s.txn(ctx, idb.TransactionReadOnly)
	if err != nil {
		return drafts.Record{}, false, err
	}
	return get(ctx, st, id)
}

func get(ctx context.Context, st *idb.ObjectStore, id string) (drafts.Record, bool, error) {
	req, err := st.Get(js.ValueOf(id))
	if err != nil {
		return drafts.Record{}, false, storageError("reading a draft", err)
	}
	v, err := req.Await(ctx)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return drafts.Record{}, false, storageError("reading a draft", err)
	}
	if v.IsUndefined() {
		return drafts.Record{}, false, nil
	}
	r, err := fromJS(v, true)
	if err != nil {
		return drafts.Record{}, false, &drafts.Error{Code: drafts.CodeStorageUnavailable,
			Message: fmt.Sprintf("draft %s is damaged: %v", id, err),
			Hint:    "delete this draft; the others are not affected"}
	}
	return r, true, nil
}

// Update implements drafts.Store in one readwrite transaction: IndexedDB
// runs readwrite transactions on one object store one after another, so
// no other tab's change can fall between the read and the write. The
// transaction stays active across the read because the Go runtime issues
// the write before it returns control to the browser's event loop.
func (s *Store) Update(ctx context.Context, id string, fn func(cur *drafts.Record) (*drafts.Record, error)) error {
	t, st, err := s.txn(ctx, idb.TransactionReadWrite)
	if err != nil {
		return err
	}
	rec, found, err := get(ctx, st, id)
	if err != nil {
		_ = t.Abort()
		return err
	}
	var cur *drafts.Record
	if found {
		cur = &rec
	}
	next, err := fn(cur)
	if err != nil {
		_ = t.Abort()
		return err
	}
	switch {
	case next != nil:
		if next.ID != id {
			_ = t.Abort()
			return fmt.Errorf("idbstore: update of %s returned a record for %s", id, next.ID)
		}
		if _, err := st.Put(toJS(*next)); err != nil {
			_ = t.Abort()
			return storageError("saving a draft", err)
		}
	case found:
		if _, err := st.Delete(js.ValueOf(id)); err != nil {
			_ = t.Abort()
			return storageError("deleting a draft", err)
		}
	}
	// Success is the transaction's completion, not the request's: a full
	// disk shows up as the transaction aborting with QuotaExceededError.
	if err := t.Await(ctx); err != nil {
		return storageError("saving a draft", err)
	}
	return nil
}

func toJS(r drafts.Record) js.Value {
	return js.ValueOf(map[string]any{
		"id":        r.ID,
		"name":      r.Name,
		"plan":      r.Plan,
		"revision":  r.Revision,
		"updatedAt": r.UpdatedAt,
	})
}

// fromJS reads a stored object; withPlan also copies the plan text.
func fromJS(v js.Value, withPlan bool) (drafts.Record, error) {
	if v.Type() != js.TypeObject {
		return drafts.Record{}, fmt.Errorf("a stored draft is %s, not an object", v.Type())
	}
	var r drafts.Record
	var err error
	str := func(key string) string {
		f := v.Get(key)
		if f.Type() != js.TypeString {
			err = errors.Join(err, fmt.Errorf("%s is %s, not a string", key, f.Type()))
			return ""
		}
		return f.String()
	}
	r.ID = str("id")
	r.Name = str("name")
	r.UpdatedAt = str("updatedAt")
	if withPlan {
		r.Plan = str("plan")
	}
	if rev := v.Get("revision"); rev.Type() == js.TypeNumber && rev.Float() >= 1 && rev.Float() == float64(int64(rev.Float())) {
		r.Revision = int64(rev.Float())
	} else {
		err = errors.Join(err, fmt.Errorf("revision is not a positive whole number"))
	}
	return r, err
}

// storageError turns an IndexedDB failure into the drafts error codes the
// page shows: a full disk or quota is CodeStorageQuota, anything else
// CodeStorageUnavailable; both say that the edit is not lost.
func storageError(doing string, err error) error {
	var de *drafts.Error
	if errors.As(err, &de) {
		return de
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return err // drafts.Service reports it as storage that did not answer
	}
	switch {
	case errors.Is(err, idb.NewDOMException("QuotaExceededError")):
		return &drafts.Error{Code: drafts.CodeStorageQuota,
			Message: "the browser's storage for this site is full, so the draft was not saved",
			Hint:    "your edit stays in this tab; delete old drafts or free disk space, then save again (or export the plan to a file)"}
	case errors.Is(err, idb.NewDOMException("InvalidStateError")), errors.Is(err, idb.NewDOMException("SecurityError")):
		return &drafts.Error{Code: drafts.CodeStorageUnavailable,
			Message: "the browser does not let this page store data (private browsing, or site data blocked)",
			Hint:    "your edit stays in this tab; export the plan to a file to keep it, or allow site data for this page"}
	}
	return &drafts.Error{Code: drafts.CodeStorageUnavailable,
		Message: fmt.Sprintf("the browser's storage failed while %s: %v", doing, err),
		Hint:    "your edit stays in this tab; export the plan to a file to keep it, then reload the page"}
}
