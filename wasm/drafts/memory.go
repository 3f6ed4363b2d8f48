package drafts

import (
	"context"
	"sync"
)

// MemoryStore is a Store in memory: the reference the IndexedDB adapter is
// held to, used in tests. A mutex makes Update atomic, as an IndexedDB
// readwrite transaction does.
type MemoryStore struct {
	mu      sync.Mutex
	records map[string]Record
	// Fail, when set, is returned by every operation: a store that broke
	// (quota, private mode) for tests of the error paths.
	Fail error
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{records: map[string]Record{}}
}

// List implements Store.
func (m *MemoryStore) List(ctx context.Context) ([]Summary, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Fail != nil {
		return nil, m.Fail
	}
	out := make([]Summary, 0, len(m.records))
	for _, r := range m.records {
		out = append(out, Summary{ID: r.ID, Name: r.Name, UpdatedAt: r.UpdatedAt, Revision: r.Revision})
	}
	return out, ctx.Err()
}

// Get implements Store.
func (m *MemoryStore) Get(ctx context.Context, id string) (Record, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Fail != nil {
		return Record{}, false, m.Fail
	}
	r, ok := m.records[id]
	return r, ok, ctx.Err()
}

// Update implements Store.
func (m *MemoryStore) Update(ctx context.Context, id string, fn func(cur *Record) (*Record, error)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Fail != nil {
		return m.Fail
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	var cur *Record
	if r, ok := m.records[id]; ok {
		cur = &r
	}
	next, err := fn(cur)
	if err != nil {
		return err
	}
	if next == nil {
		delete(m.records, id)
		return nil
	}
	m.records[id] = *next
	return nil
}
