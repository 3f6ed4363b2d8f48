package engine

import "sync"

// Hub wakes the watchers of a run when it records an event. A watcher
// takes the run's current signal channel, reads the events it has not seen
// from the store, and waits for the channel to close. Notify closes the
// channel and replaces it, which costs the run the same whatever the
// number of watchers and never waits for a slow one: a slow watcher just
// reads more events from the store when it gets round to it.
type Hub struct {
	mu   sync.Mutex
	sigs map[string]chan struct{}
}

// NewHub makes an empty hub.
func NewHub() *Hub { return &Hub{sigs: map[string]chan struct{}{}} }

// Signal returns the channel that closes at the run's next event. Take it
// before reading the store, so that an event between the read and the wait
// is not missed.
func (h *Hub) Signal(runID string) <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	c, ok := h.sigs[runID]
	if !ok {
		c = make(chan struct{})
		h.sigs[runID] = c
	}
	return c
}

// Notify wakes everyone waiting on the run.
func (h *Hub) Notify(runID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if c, ok := h.sigs[runID]; ok {
		close(c)
		delete(h.sigs, runID)
	}
}

// Finish wakes the run's watchers for the last time. Watchers check the
// run's state after each read and stop once it is finished, so the hub
// keeps nothing for finished runs.
func (h *Hub) Finish(runID string) { h.Notify(runID) }
