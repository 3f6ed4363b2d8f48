package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/gorilla/websocket"
	"github.com/hybridplan/hybridplan/server/auth"
	"github.com/hybridplan/hybridplan/server/store"
)

// dialEvents opens the event stream of a run as user, the way the page
// does: the token as a "bearer.TOKEN" subprotocol.
func (ts *testServer) dialEvents(runID, user string, after uint64, origin string) (*websocket.Conn, *http.Response, error) {
	u := "ws" + strings.TrimPrefix(ts.http.URL, "http") + fmt.Sprintf("/api/v1/runs/%s/events/ws?after=%d", runID, after)
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	d := websocket.Dialer{Subprotocols: []string{auth.WebSocketProtocol, "bearer." + tokenOf(user)}}
	return d.Dial(u, h)
}

// readEvents reads events until the server closes the stream normally or
// n events have arrived (n < 0: until close).
func readEvents(t testing.TB, c *websocket.Conn, n int) (evs []store.Event, closedNormally bool) {
	t.Helper()
	for n < 0 || len(evs) < n {
		_, data, err := c.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			return evs, errors.As(err, &ce) && ce.Code == websocket.CloseNormalClosure
		}
		var e store.Event
		must(t, json.Unmarshal(data, &e))
		evs = append(evs, e)
	}
	return evs, false
}

func startGatedRun(t *testing.T) (*testServer, *fakeCloud, string) {
	t.Helper()
	fc := &fakeCloud{gate: make(chan struct{})}
	ts := newTestServer(t, testOptions{cloud: fc})
	hash := ts.submitApproved()
	var rv runView
	if st := ts.do("POST", "/api/v1/plans/"+hash+"/runs", "olive", nil, &rv); st != 202 {
		t.Fatalf("provision: %d", st)
	}
	return ts, fc, rv.ID
}

func checkSeqs(t testing.TB, evs []store.Event, from uint64) {
	t.Helper()
	for i, e := range evs {
		if e.Seq != from+uint64(i) {
			t.Fatalf("event %d has seq %d, want %d: events must arrive in order, none missing or repeated", i, e.Seq, from+uint64(i))
		}
	}
}

// A watcher that disconnects mid-run and reconnects with ?after=SEQ gets
// exactly the events it missed, then the rest live.
func TestWebSocketReconnectResumes(t *testing.T) {
	ts, fc, id := startGatedRun(t)
	c, resp, err := ts.dialEvents(id, "vera", 0, "")
	must(t, err)
	if resp.Header.Get("Sec-WebSocket-Protocol") != auth.WebSocketProtocol {
		t.Errorf("negotiated subprotocol %q, want %s (never the bearer token)", resp.Header.Get("Sec-WebSocket-Protocol"), auth.WebSocketProtocol)
	}
	// queued, started, step.started of the first call, then the gate holds it.
	first, _ := readEvents(t, c, 3)
	checkSeqs(t, first, 1)
	c.Close()

	fc.gate <- struct{}{} // the first call finishes while nobody watches
	c2, _, err := ts.dialEvents(id, "vera", first[len(first)-1].Seq, "")
	must(t, err)
	defer c2.Close()
	go func() {
		fc.gate <- struct{}{}
		fc.gate <- struct{}{}
	}()
	rest, closed := readEvents(t, c2, -1)
	if !closed {
		t.Error("the stream did not close normally after the run finished")
	}
	checkSeqs(t, rest, 4)
	if got := rest[len(rest)-1].Type; got != "run.succeeded" {
		t.Errorf("last event %s, want run.succeeded", got)
	}
	run, _ := ts.st.GetRun(id)
	if rest[len(rest)-1].Seq != run.LastSeq {
		t.Errorf("watcher saw up to %d, the run has %d events", rest[len(rest)-1].Seq, run.LastSeq)
	}
	// A watcher arriving after the end gets the whole history and a close.
	c3, _, err := ts.dialEvents(id, "vera", 0, "")
	must(t, err)
	all, closed := readEvents(t, c3, -1)
	if !closed || uint64(len(all)) != run.LastSeq {
		t.Errorf("late watcher: %d events, closed normally %v; want %d and true", len(all), closed, run.LastSeq)
	}
}

// Many watchers of one run each receive every event in order.
func TestWebSocketManyWatchers(t *testing.T) {
	ts, fc, id := startGatedRun(t)
	const watchers = 50
	conns := make([]*websocket.Conn, watchers)
	for i := range conns {
		c, _, err := ts.dialEvents(id, "vera", 0, "")
		must(t, err)
		conns[i] = c
	}
	// Each watcher has seen the first events before the run goes on, so
	// every one of them is connected for the live part.
	for _, c := range conns {
		readEvents(t, c, 3)
	}
	close(fc.gate)
	var wg sync.WaitGroup
	counts := make([]int, watchers)
	for i, c := range conns {
		wg.Go(func() {
			defer c.Close()
			evs, closed := readEvents(t, c, -1)
			checkSeqs(t, evs, 4)
			if closed {
				counts[i] = len(evs) + 3
			}
		})
	}
	wg.Wait()
	run, _ := ts.st.GetRun(id)
	for i, n := range counts {
		if uint64(n) != run.LastSeq {
			t.Errorf("watcher %d got %d events, want all %d and a normal close", i, n, run.LastSeq)
		}
	}
}

func TestWebSocketRefusals(t *testing.T) {
	ts, fc, id := startGatedRun(t)
	defer close(fc.gate)
	tests := []struct {
		name, user, origin, run string
		want                    int
	}{
		{"foreign origin", "vera", "http://evil.example", id, 403},
		{"no token", "", "", id, 401},
		{"unknown run", "vera", "", "run-nope", 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, resp, err := ts.dialEvents(tc.run, tc.user, 0, tc.origin)
			if err == nil {
				c.Close()
				t.Fatal("the handshake succeeded")
			}
			if resp == nil || resp.StatusCode != tc.want {
				t.Fatalf("handshake answer %v, want %d", resp, tc.want)
			}
		})
	}
	// The page's own origin is allowed.
	c, _, err := ts.dialEvents(id, "vera", 0, ts.http.URL)
	if err != nil {
		t.Fatalf("same-origin watcher refused: %v", err)
	}
	c.Close()
}

// One unfinished run per plan: a second provisioning or a teardown waits.
func TestOneRunPerPlan(t *testing.T) {
	ts, fc, id := startGatedRun(t)
	defer close(fc.gate)
	run, _ := ts.st.GetRun(id)
	var eb errBody
	if st := ts.do("POST", "/api/v1/plans/"+run.PlanHash+"/runs", "olive", nil, &eb); st != 409 || eb.Error.Code != "run.active" {
		t.Errorf("second provisioning while one runs: %d %+v", st, eb.Error)
	}
	if st := ts.do("POST", "/api/v1/runs/"+id+"/teardown/approval", "alex", nil, nil); st != 201 {
		t.Fatalf("teardown approval: %d", st)
	}
	if st := ts.do("POST", "/api/v1/runs/"+id+"/teardown", "olive", nil, &eb); st != 409 || eb.Error.Code != "run.active" {
		t.Errorf("teardown of a running run: %d %+v", st, eb.Error)
	}
}

// A watcher that reads nothing holds up neither the run nor the other
// watchers: its events (4 MiB each) wait in its own connection while the
// run finishes. Such a watcher is dropped once a write has waited 10 s and
// continues with ?after=SEQ, which a fresh connection shows.
func TestSlowWatcherBlocksNothing(t *testing.T) {
	fc := &fakeCloud{gate: make(chan struct{}), blob: 4 << 20}
	ts := newTestServer(t, testOptions{cloud: fc})
	hash := ts.submitApproved()
	var rv runView
	if st := ts.do("POST", "/api/v1/plans/"+hash+"/runs", "olive", nil, &rv); st != 202 {
		t.Fatalf("provision: %d", st)
	}
	// The stuck watcher's receive buffer is pinned small (which also stops
	// the kernel growing it), so 12 MiB of events cannot fit in the socket
	// buffers (the sending side takes at most 4 MiB here) and the server's
	// writes to it really block.
	small := websocket.Dialer{
		Subprotocols: []string{auth.WebSocketProtocol, "bearer." + tokenOf("vera")},
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err == nil {
				err = c.(*net.TCPConn).SetReadBuffer(8 << 10)
			}
			return c, err
		},
	}
	stuck, _, err := small.Dial("ws"+strings.TrimPrefix(ts.http.URL, "http")+"/api/v1/runs/"+rv.ID+"/events/ws", nil)
	must(t, err)
	defer stuck.Close()
	fast, _, err := ts.dialEvents(rv.ID, "vera", 0, "")
	must(t, err)
	defer fast.Close()
	fast.SetReadLimit(64 << 20)
	close(fc.gate)

	evs, closed := readEvents(t, fast, -1)
	run, _ := ts.st.GetRun(rv.ID)
	if !closed || run.State != store.StateSucceeded || uint64(len(evs)) != run.LastSeq {
		t.Fatalf("with a stuck watcher: the other got %d events (closed %v), the run is %s with %d", len(evs), closed, run.State, run.LastSeq)
	}
	stuck.Close()
	again, _, err := ts.dialEvents(rv.ID, "vera", 2, "")
	must(t, err)
	defer again.Close()
	again.SetReadLimit(64 << 20)
	rest, closed := readEvents(t, again, -1)
	checkSeqs(t, rest, 3)
	if !closed || uint64(len(rest))+2 != run.LastSeq {
		t.Errorf("resuming after 2: %d events (closed %v), want %d", len(rest), closed, run.LastSeq-2)
	}
}
