package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/hybridplan/hybridplan/server/auth"
	"github.com/hybridplan/hybridplan/server/standin"
	"github.com/hybridplan/hybridplan/server/store"
)

// BenchmarkDryRunSeed is one dry run of the seed plan through the API:
// authentication, loading and re-validating the stored plan, building its
// calls and rendering each as the exact HTTP request with the SDK's own
// parameter builder.
func BenchmarkDryRunSeed(b *testing.B) {
	e := newE2E(b)
	var pv planView
	e.do("POST", "/api/v1/plans", "pat", seedJSON(b), &pv)
	url := e.http.URL + "/api/v1/plans/" + pv.Hash + "/dry-run"
	client := e.http.Client()
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest("POST", url, nil)
		req.Header.Set("Authorization", "Bearer "+tokenOf("vera"))
		resp, err := client.Do(req)
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("dry run: %v %v", err, resp)
		}
		var dr dryRunResponse
		if err := json.NewDecoder(resp.Body).Decode(&dr); err != nil || len(dr.Calls) != 12 {
			b.Fatalf("dry run answer: %v, %d calls", err, len(dr.Calls))
		}
		resp.Body.Close()
	}
}

// BenchmarkDryRunSeedRender is the rendering alone, without HTTP: the
// share of a dry run that is the calls themselves.
func BenchmarkDryRunSeedRender(b *testing.B) {
	e := newE2E(b)
	p := seedPlan(b)
	cloud := e.cloud.(*JDCloud)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cloud.DryRun(p); err != nil {
			b.Fatal(err)
		}
	}
}

// watchers is the number of WebSocket watchers of one run in
// BenchmarkWatchers; HYBRIDPLAN_BENCH_WATCHERS overrides it.
func watchers(b *testing.B) int {
	if v := os.Getenv("HYBRIDPLAN_BENCH_WATCHERS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("HYBRIDPLAN_BENCH_WATCHERS=%q is not a positive number", v)
		}
		return n
	}
	return 500
}

// rssKB reads a process's resident memory (VmRSS or VmHWM) from /proc.
func rssKB(b *testing.B, pid int, field string) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatalf("reading the server's memory: %v", err)
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb
		}
	}
	b.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

// BenchmarkWatchers runs `hybridplan serve` as its own process (so its
// memory is its own), provisions the seed plan against the stand-in with
// every JD Cloud call held back 20 ms (so events arrive one by one, as in
// a real run), while 500 WebSocket watchers on loopback follow the run.
// It reports the delay from an event being recorded (before the journal's
// fsync) to each watcher receiving it, median and p99, and the server's
// resident memory with the watchers connected.
func BenchmarkWatchers(b *testing.B) {
	n := watchers(b)
	bin := buildCommand(b)
	sin := standin.New(standin.Options{Credentials: map[string]string{e2eAK: e2eSK}, Fixtures: standin.FixturesFor(seedPlan(b))})
	hs := httptest.NewServer(sin)
	defer hs.Close()
	dir := b.TempDir()
	cfg, _ := json.Marshal(Config{Users: testUsers, JDCloud: JDCloudConfig{Endpoint: hs.URL}})
	cfgPath := filepath.Join(dir, "config.json")
	must(b, os.WriteFile(cfgPath, cfg, 0o600))
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "JDCLOUD_ACCESS_KEY=" + e2eAK, "JDCLOUD_SECRET_KEY=" + e2eSK}
	for k, v := range e2eEnv {
		env = append(env, k+"="+v)
	}
	srv := startServe(b, bin, []string{"--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "data"), "--config", cfgPath}, env)
	pid := srv.cmd.Process.Pid
	var pv planView
	srv.do(b, "POST", "/api/v1/plans", "pat", seedJSON(b), &pv)
	srv.do(b, "POST", "/api/v1/plans/"+pv.Hash+"/approval", "alex", "", nil)

	var latencies []time.Duration
	var rssWith, rssBase float64
	events := 0
	for b.Loop() {
		sin.Faults().Clear()
		// The first call is held back a second while the watchers connect;
		// only events recorded after a watcher connected count below, so
		// this only makes most events count.
		sin.Faults().Add(standin.Fault{Action: "CreateBgw", Delay: time.Second})
		sin.Faults().Add(standin.Fault{Times: 1 << 20, Delay: 20 * time.Millisecond})
		rssBase = rssKB(b, pid, "VmRSS")
		var rv runView
		if st := srv.do(b, "POST", "/api/v1/plans/"+pv.Hash+"/runs", "olive", "", &rv); st != 202 {
			b.Fatalf("provision: %d", st)
		}
		var mu sync.Mutex
		var wg sync.WaitGroup
		ready := make(chan struct{}, n)
		wsURL := "ws" + strings.TrimPrefix(srv.url, "http") + "/api/v1/runs/" + rv.ID + "/events/ws"
		for range n {
			wg.Go(func() {
				d := websocket.Dialer{Subprotocols: []string{auth.WebSocketProtocol, "bearer." + tokenOf("vera")}}
				c, _, err := d.Dial(wsURL, nil)
				if err != nil {
					b.Errorf("watcher: %v", err)
					ready <- struct{}{}
					return
				}
				defer c.Close()
				connected := time.Now()
				ready <- struct{}{}
				var mine []time.Duration
				for {
					_, data, err := c.ReadMessage()
					if err != nil {
						break
					}
					now := time.Now()
					var ev store.Event
					if json.Unmarshal(data, &ev) == nil && ev.Time.After(connected) {
						mine = append(mine, now.Sub(ev.Time))
					}
				}
				mu.Lock()
				latencies = append(latencies, mine...)
				mu.Unlock()
			})
		}
		for range n {
			<-ready
		}
		rssWith = rssKB(b, pid, "VmRSS")
		wg.Wait()
		var run runView
		srv.do(b, "GET", "/api/v1/runs/"+rv.ID, "vera", "", &run)
		if run.State != store.StateSucceeded {
			b.Fatalf("run %s", run.State)
		}
		events = int(run.LastSeq)
	}
	slices.Sort(latencies)
	if len(latencies) == 0 {
		b.Fatal("no event was delivered")
	}
	q := func(p float64) float64 {
		return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(n), "watchers")
	b.ReportMetric(float64(events), "events/run")
	b.ReportMetric(float64(len(latencies))/float64(n), "live-events/watcher")
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(rssWith/1024, "server-rss-MB")
	b.ReportMetric((rssWith-rssBase)/float64(n), "KB/watcher")
	b.ReportMetric(rssKB(b, pid, "VmHWM")/1024, "server-peak-rss-MB")
}

// BenchmarkVerificationMatrix: what a viewer's GET runs/{id}/verification
// costs the server for the matrix, computing it (the anchor: what every
// call cost before) against finding it kept for the plan.
func BenchmarkVerificationMatrix(b *testing.B) {
	p := seedPlan(b)
	b.Run("compute", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c := newMatrixCache()
			if _, err := c.get(context.Background(), "h", p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("kept", func(b *testing.B) {
		c := newMatrixCache()
		if _, err := c.get(context.Background(), "h", p); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.get(context.Background(), "h", p); err != nil {
				b.Fatal(err)
			}
		}
	})
}
