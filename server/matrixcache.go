package server

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/sim"
)

// Computing a plan's verification matrix can take seconds and hundreds of
// megabytes for a large plan, and GET runs/{id}/verification is open to
// every viewer. So the matrix is computed once per plan (plans are
// immutable under their hash), by at most maxMatrixJobs at a time, and kept
// encoded; a viewer asking again or meanwhile waits for that one result.

const (
	// maxMatrixJobs bounds concurrent matrix computations.
	maxMatrixJobs = 1
	// maxMatrixCache bounds the bytes of encoded matrices kept; the oldest
	// go first. A matrix larger than this is served but not kept.
	maxMatrixCache = 64 << 20
)

type matrixEntry struct {
	ready chan struct{}
	data  json.RawMessage
	err   error
}

type matrixCache struct {
	compute func(*plan.Plan) (sim.ConnectivityMatrix, error)
	jobs    chan struct{}

	mu      sync.Mutex
	entries map[string]*matrixEntry
	order   []string
	bytes   int
}

func newMatrixCache() *matrixCache {
	return &matrixCache{compute: sim.Matrix, jobs: make(chan struct{}, maxMatrixJobs), entries: map[string]*matrixEntry{}}
}

// get returns the encoded matrix of the plan with this hash, computing it
// unless it is known or being computed. It gives up when ctx ends (the
// viewer went away); the computation of another viewer goes on.
func (c *matrixCache) get(ctx context.Context, hash string, p *plan.Plan) (json.RawMessage, error) {
	c.mu.Lock()
	e, ok := c.entries[hash]
	if !ok {
		e = &matrixEntry{ready: make(chan struct{})}
		c.entries[hash] = e
	}
	c.mu.Unlock()
	if ok {
		select {
		case <-e.ready:
			return e.data, e.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	select {
	case c.jobs <- struct{}{}:
	case <-ctx.Done():
		c.drop(hash, e, ctx.Err())
		return nil, ctx.Err()
	}
	m, err := c.compute(p)
	<-c.jobs
	if err == nil {
		e.data, err = json.Marshal(m)
	}
	if err != nil {
		c.drop(hash, e, err)
		return nil, err
	}
	c.mu.Lock()
	c.order = append(c.order, hash)
	c.bytes += len(e.data)
	for c.bytes > maxMatrixCache && len(c.order) > 0 {
		old := c.order[0]
		c.order = c.order[1:]
		if oe := c.entries[old]; oe != nil {
			c.bytes -= len(oe.data)
			delete(c.entries, old)
		}
	}
	c.mu.Unlock()
	close(e.ready)
	return e.data, nil
}

// drop forgets an entry that has no result, waking its waiters with err.
func (c *matrixCache) drop(hash string, e *matrixEntry, err error) {
	c.mu.Lock()
	if c.entries[hash] == e {
		delete(c.entries, hash)
	}
	c.mu.Unlock()
	e.err = err
	close(e.ready)
}
