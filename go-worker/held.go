package worker

import (
	"context"
	"sync"
	"time"
)

// heldSet is every stream entry this worker holds: read or claimed, and not yet committed or
// abandoned. The renewer keeps their claims fresh; the claimer skips them.
type heldSet struct {
	mu      sync.Mutex
	entries map[*stage]map[string]*holding
}

type holding struct {
	since  time.Time               // when this worker got the entry, or last renewed it
	cancel context.CancelCauseFunc // the running task's, nil until it runs
}

// add records an entry; false if it was held already.
func (h *heldSet) add(st *stage, entry string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.entries == nil {
		h.entries = make(map[*stage]map[string]*holding)
	}
	m := h.entries[st]
	if m == nil {
		m = make(map[string]*holding)
		h.entries[st] = m
	}
	if _, ok := m[entry]; ok {
		return false
	}
	m[entry] = &holding{since: time.Now()}
	return true
}

// running attaches the cancel function of the entry's task, for cancelLost.
func (h *heldSet) running(st *stage, entry string, cancel context.CancelCauseFunc) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if e := h.entries[st][entry]; e != nil {
		e.cancel = cancel
	}
}

// has reports whether the entry is still held (not lost to another worker).
func (h *heldSet) has(st *stage, entry string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.entries[st][entry] != nil
}

func (h *heldSet) remove(st *stage, entry string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.entries[st], entry)
}

// lost forgets an entry another consumer has claimed and cancels its task, if running: its
// result could not be committed anyway.
func (h *heldSet) lost(st *stage, entry string, cause error) {
	h.mu.Lock()
	e := h.entries[st][entry]
	delete(h.entries[st], entry)
	h.mu.Unlock()
	if e != nil && e.cancel != nil {
		e.cancel(cause)
	}
}

// olderThan returns, by stage, the entries held (or last renewed) before t.
func (h *heldSet) olderThan(t time.Time) map[*stage][]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[*stage][]string)
	for st, m := range h.entries {
		for id, e := range m {
			if !e.since.After(t) {
				out[st] = append(out[st], id)
			}
		}
	}
	return out
}

// renewed records that the entries' claims were renewed at t.
func (h *heldSet) renewed(st *stage, ids []string, t time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, id := range ids {
		if e := h.entries[st][id]; e != nil {
			e.since = t
		}
	}
}

func (h *heldSet) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, m := range h.entries {
		n += len(m)
	}
	return n
}

// credits bound how many entries wait or run in the worker at once (Concurrency + BatchSize):
// the reader and the claimer take credits before fetching, and a job gives its credit back
// when it leaves its executor. (The results waiting for their commit are bounded by the
// results channel.)
type credits struct {
	mu   sync.Mutex
	free int
	wake chan struct{}
}

func newCredits(n int) *credits { return &credits{free: n, wake: make(chan struct{}, 1)} }

// take waits until some credit is free (or stop is closed, giving 0) and takes up to max.
func (c *credits) take(max int, stop <-chan struct{}) int {
	for {
		if n := c.tryTake(max); n > 0 {
			return n
		}
		select {
		case <-c.wake:
		case <-stop:
			return 0
		}
	}
}

// tryTake takes up to max free credits without waiting.
func (c *credits) tryTake(max int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := min(c.free, max)
	if n <= 0 {
		return 0
	}
	c.free -= n
	return n
}

// give returns n credits (n may be negative when a read brought more entries than it took
// credits for, one per stream).
func (c *credits) give(n int) {
	if n == 0 {
		return
	}
	c.mu.Lock()
	c.free += n
	free := c.free
	c.mu.Unlock()
	if free > 0 {
		select {
		case c.wake <- struct{}{}:
		default:
		}
	}
}
