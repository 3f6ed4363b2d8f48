package standin

import (
	"net/http"
	"sync"
	"time"
)

// Fault is one injected misbehaviour. It applies to authenticated API
// requests (after the signature check), counted from 1 in arrival order.
type Fault struct {
	// Action limits the fault to one operation, e.g. "CreateBgw"; empty
	// means any.
	Action string
	// AtCall, when positive, makes the fault hit only the AtCall-th request
	// the server handles (counting every authenticated request).
	AtCall int
	// Times is how many matching requests the fault hits (default 1).
	Times int
	// Status is the HTTP status to answer with: 500, 502, 503 and 429 are
	// what JD Cloud answers when it is unwell or throttling; 4xx are
	// permanent errors. Zero answers normally (useful with Delay alone).
	Status int
	// ErrorStatus and Message go into the error body; empty takes the
	// status's usual ones.
	ErrorStatus, Message string
	// Delay holds the response back (bounded by Options.MaxDelay): a slow
	// JD Cloud. With Status zero the request then proceeds.
	Delay time.Duration
	// AfterEffect performs the request (a create creates) before answering
	// with Status: the answer is lost, the resource exists. This is the
	// case that makes find-before-create necessary.
	AfterEffect bool
}

// Faults holds the pending faults of a server. Safe for concurrent use.
type Faults struct {
	mu      sync.Mutex
	pending []*Fault
}

// Add queues a fault.
func (f *Faults) Add(ft Fault) {
	if ft.Times <= 0 {
		ft.Times = 1
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pending = append(f.pending, &ft)
}

// FailNext makes the next k requests of action (any when empty) answer
// status (e.g. 503 or 429).
func (f *Faults) FailNext(action string, k, status int) {
	f.Add(Fault{Action: action, Times: k, Status: status})
}

// FailAt makes the n-th request (counting from 1, every authenticated
// request) answer status.
func (f *Faults) FailAt(n, status int) {
	f.Add(Fault{AtCall: n, Status: status})
}

// Slow delays the next k requests of action by d (bounded by
// Options.MaxDelay), then answers normally.
func (f *Faults) Slow(action string, k int, d time.Duration) {
	f.Add(Fault{Action: action, Times: k, Delay: d})
}

// LoseAnswer performs the next request of action, then answers status: the
// client does not learn the outcome.
func (f *Faults) LoseAnswer(action string, status int) {
	f.Add(Fault{Action: action, Status: status, AfterEffect: true})
}

// Clear drops every pending fault.
func (f *Faults) Clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pending = nil
}

// Pending is the number of faults that have not hit all their requests.
func (f *Faults) Pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.pending)
}

// take returns the fault that hits request number n of action, if any,
// and counts the hit.
func (f *Faults) take(n int, action string) *Fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, ft := range f.pending {
		if ft.Action != "" && ft.Action != action {
			continue
		}
		if ft.AtCall > 0 && ft.AtCall != n {
			continue
		}
		hit := *ft
		ft.Times--
		if ft.Times <= 0 || ft.AtCall > 0 {
			f.pending = append(f.pending[:i], f.pending[i+1:]...)
		}
		return &hit
	}
	return nil
}

// statusFor is the error status JD Cloud writes for an HTTP status.
func statusFor(code int) (status, message string) {
	// JD Cloud's common error table (docs.jdcloud.com, common-declaration/
	// api/error-codes): 429 is RATE_LIMIT for throttling (QUOTA_EXCEEDED is
	// also 429, see quota in bgw.go), 502 SOURCE_UNAVAILABLE, 403
	// HTTP_FORBIDDEN. 504 is not in the table.
	switch code {
	case http.StatusTooManyRequests:
		return "RATE_LIMIT", "request rate limit exceeded: retry later"
	case http.StatusInternalServerError:
		return "INTERNAL", "internal error: retry later"
	case http.StatusBadGateway:
		return "SOURCE_UNAVAILABLE", "bad gateway: retry later"
	case http.StatusServiceUnavailable:
		return "UNAVAILABLE", "service unavailable: retry later"
	case http.StatusGatewayTimeout:
		return "DEADLINE_EXCEEDED", "gateway timeout: retry later"
	case http.StatusBadRequest:
		return "INVALID_ARGUMENT", "injected invalid argument"
	case http.StatusForbidden:
		return "HTTP_FORBIDDEN", "injected permission denied"
	case http.StatusNotFound:
		return "NOT_FOUND", "injected not found"
	}
	return "UNKNOWN", http.StatusText(code)
}
