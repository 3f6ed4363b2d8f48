package engine

import (
	"encoding/json"
	"sync"

	"github.com/hybridplan/hybridplan/server/store"
)

// Hub fans a run's events out to its watchers. The engine publishes each
// event once it is in the store; the hub encodes it once and keeps it in
// memory while the run executes, so a hundred watchers cost one encoding
// and no store reads per event. A watcher asks for the events after the
// last one it saw together with a channel that closes at the next publish,
// and waits on that channel: publishing closes one channel whatever the
// number of watchers and never waits for a slow one, which just takes more
// events at once when it gets round to it.
//
// Events from before the run started executing in this process (and runs
// not executing here) are not in memory: watchers read those from the
// store, and use the channel only to wake up.
type Hub struct {
	mu    sync.Mutex
	feeds map[string]*feed
}

type feed struct {
	sig chan struct{}
	// open says the run executes here and frames hold every event after
	// base.
	open   bool
	base   uint64
	frames []Frame
}

// Frame is one event, encoded as JSON once for every watcher.
type Frame struct {
	Seq  uint64
	Data []byte
}

// NewHub makes an empty hub.
func NewHub() *Hub { return &Hub{feeds: map[string]*feed{}} }

func (h *Hub) feed(runID string) *feed {
	f, ok := h.feeds[runID]
	if !ok {
		f = &feed{sig: make(chan struct{})}
		h.feeds[runID] = f
	}
	return f
}

// open starts keeping the run's events after base (its last stored event).
func (h *Hub) open(runID string, base uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f := h.feed(runID)
	f.open, f.base, f.frames = true, base, nil
}

// publish hands watchers events that are in the store. finished says the
// run has ended: the feed is dropped after waking everyone, since watchers
// then find the whole history in the store.
func (h *Hub) publish(runID string, evs []store.Event, finished bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f := h.feed(runID)
	if f.open {
		for _, e := range evs {
			last := f.base
			if n := len(f.frames); n > 0 {
				last = f.frames[n-1].Seq
			}
			if e.Seq != last+1 {
				// Recorded by another writer (a cancel request) and
				// published out of order: the hub can no longer vouch for
				// the sequence, so watchers read the store from now on.
				f.open = false
				break
			}
			data, err := json.Marshal(e)
			if err != nil {
				// Cannot happen for store.Event; if it did, the watcher
				// falls back to the store for this run.
				f.open = false
				break
			}
			f.frames = append(f.frames, Frame{Seq: e.Seq, Data: data})
		}
	}
	close(f.sig)
	if finished {
		delete(h.feeds, runID)
		return
	}
	f.sig = make(chan struct{})
}

// Since returns the encoded events after seq `after` and a channel that
// closes at the run's next event. complete is false when the hub cannot
// vouch for every event after `after` (the run is not executing here, or
// `after` is older than what it keeps): the caller then reads the store,
// and uses Wait for a channel. Since never allocates for a run the hub
// does not know, so watchers of finished runs leave nothing behind.
func (h *Hub) Since(runID string, after uint64) (frames []Frame, next <-chan struct{}, complete bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f, ok := h.feeds[runID]
	if !ok {
		return nil, nil, false
	}
	if !f.open || after < f.base {
		return nil, f.sig, false
	}
	i := 0
	for i < len(f.frames) && f.frames[i].Seq <= after {
		i++
	}
	// frames is append-only while the feed lives; a capped copy of the
	// slice header is safe to read without the lock.
	return f.frames[i:len(f.frames):len(f.frames)], f.sig, true
}

// Wait returns a channel that closes at the run's next event. Call it only
// for a run that has not finished (a finished run has no next event).
func (h *Hub) Wait(runID string) <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.feed(runID).sig
}
