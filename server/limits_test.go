package server

import (
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/sim"
	"testing"

	"github.com/gorilla/websocket"
)

// Open WebSockets are capped per user and in total.
func TestWebSocketCaps(t *testing.T) {
	fc := &fakeCloud{gate: make(chan struct{})}
	defer close(fc.gate)
	ts := newTestServer(t, testOptions{cloud: fc, maxWatchers: 5, maxWatchersPerUser: 3})
	hash := ts.submitApproved()
	var rv runView
	ts.do("POST", "/api/v1/plans/"+hash+"/runs", "olive", nil, &rv)
	var open []*websocket.Conn
	defer func() {
		for _, c := range open {
			c.Close()
		}
	}()
	dial := func(user string) int {
		c, resp, err := ts.dialEvents(rv.ID, user, 0, "")
		if err == nil {
			open = append(open, c)
			return http.StatusSwitchingProtocols
		}
		if resp == nil {
			t.Fatalf("dial: %v", err)
		}
		return resp.StatusCode
	}
	for i := range 3 {
		if st := dial("vera"); st != 101 {
			t.Fatalf("vera's watcher %d: %d", i+1, st)
		}
	}
	if st := dial("vera"); st != http.StatusTooManyRequests {
		t.Fatalf("vera's 4th watcher: %d, want 429", st)
	}
	for i := range 2 {
		if st := dial("pat"); st != 101 {
			t.Fatalf("pat's watcher %d: %d", i+1, st)
		}
	}
	if st := dial("alex"); st != http.StatusTooManyRequests {
		t.Fatalf("a 6th watcher in total: %d, want 429", st)
	}
	// A closed watcher frees its slot.
	open[0].Close()
	open = open[1:]
	for range 100 {
		if st := dial("alex"); st == 101 {
			return
		}
	}
	t.Error("closing a watcher never freed its slot")
}

// The Origin check trusts the configured public origin, never the Host
// header a rebinding attacker controls; after must be a sequence number of
// the run.
func TestOriginAndAfter(t *testing.T) {
	ts, fc, id := startGatedRun(t)
	defer close(fc.gate)
	// A handshake as a browser on a rebound name sends it: Host and Origin
	// agree with each other, not with this server's public origin.
	req, _ := http.NewRequest("GET", ts.http.URL+"/api/v1/runs/"+id+"/events/ws", nil)
	req.Host = "rebound.example:8080"
	req.Header.Set("Origin", "http://rebound.example:8080")
	req.Header.Set("Authorization", "Bearer "+tokenOf("vera"))
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Sec-WebSocket-Version", "13")
	req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("rebound origin matching its own Host header: %d, want 403", resp.StatusCode)
	}
	for _, after := range []string{"18446744073709551615", "9223372036854775808", "99", "-1", "x"} {
		var eb errBody
		if st := ts.do("GET", "/api/v1/runs/"+id+"/events?after="+after, "vera", nil, &eb); st != 400 || eb.Error.Code != "request.after" {
			t.Errorf("after=%s: %d %+v", after, st, eb.Error)
		}
	}
	if st := ts.do("GET", "/api/v1/runs/"+id+"/events?after=1", "vera", nil, nil); st != 200 {
		t.Errorf("after=1: %d", st)
	}
}

// Successful reads log at DEBUG, changes and failures at INFO.
func TestRequestLogLevels(t *testing.T) {
	ts := newTestServer(t, testOptions{})
	ts.do("GET", "/api/v1/me", "vera", nil, nil)
	ts.do("POST", "/api/v1/plans", "pat", seedJSON(t), nil)
	ts.do("GET", "/api/v1/plans/"+strings.Repeat("0", 64), "vera", nil, nil)
	logs := ts.logs.String()
	for _, want := range []string{
		`level=DEBUG msg=http method=GET path=/api/v1/me status=200`,
		`level=INFO msg=http method=POST path=/api/v1/plans status=201`,
		`level=INFO msg=http method=GET path=/api/v1/plans/` + strings.Repeat("0", 64) + ` status=404`,
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("no %q in the log:\n%s", want, logs)
		}
	}
}

// The page is served under a strict policy that still allows the inline
// style sheet of the topology diagram, by its hash, and nothing inline
// else; index.html has no inline script or style.
func TestContentSecurityPolicy(t *testing.T) {
	web := os.DirFS("..")
	ts := newTestServer(t, testOptions{web: web})
	resp, err := http.Get(ts.http.URL + "/")
	must(t, err)
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'", "'sha256-"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	for _, bad := range []string{"unsafe-inline", "'unsafe-eval'", "*"} {
		if strings.Contains(csp, bad) {
			t.Errorf("CSP %q allows %q", csp, bad)
		}
	}
	html, err := os.ReadFile("../index.html")
	must(t, err)
	if inline := regexp.MustCompile(`<script(?:\s+type="module")?\s*>|<style|\sstyle=|\son[a-z]+=`).Find(html); inline != nil {
		t.Errorf("index.html has inline code or style (%q), which the policy blocks", inline)
	}
}

// Many viewers asking for a run's verification at once cost one matrix
// computation, and later asks none.
func TestVerificationMatrixComputedOnce(t *testing.T) {
	ts := newTestServer(t, testOptions{cloud: &fakeCloud{}})
	var computed atomic.Int32
	release := make(chan struct{})
	real := ts.srv.matrices.compute
	ts.srv.matrices.compute = func(p *plan.Plan) (sim.ConnectivityMatrix, error) {
		computed.Add(1)
		<-release
		return real(p)
	}
	hash := ts.submitApproved()
	var rv runView
	ts.do("POST", "/api/v1/plans/"+hash+"/runs", "olive", nil, &rv)
	var wg sync.WaitGroup
	status := make([]int, 8)
	for i := range status {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("GET", ts.http.URL+"/api/v1/runs/"+rv.ID+"/verification", nil)
			req.Header.Set("Authorization", "Bearer "+tokenOf("vera"))
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				status[i] = resp.StatusCode
				resp.Body.Close()
			}
		}()
	}
	time.Sleep(100 * time.Millisecond) // let them all ask
	close(release)
	wg.Wait()
	ts.do("GET", "/api/v1/runs/"+rv.ID+"/verification", "vera", nil, nil)
	if n := computed.Load(); n != 1 {
		t.Errorf("the matrix was computed %d times for 9 asks", n)
	}
	for i, st := range status {
		if st != 200 {
			t.Errorf("viewer %d: %d", i, st)
		}
	}
}
