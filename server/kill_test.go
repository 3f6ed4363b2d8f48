package server

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hybridplan/hybridplan/server/standin"
	"github.com/hybridplan/hybridplan/server/store"
)

// buildCommand builds cmd/hybridplan once per test binary run.
func buildCommand(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the hybridplan command; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "hybridplan")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/hybridplan")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the command: %v\n%s", err, out)
	}
	return bin
}

// serverProcess is `hybridplan serve` running as a child process.
type serverProcess struct {
	cmd  *exec.Cmd
	url  string
	logs *syncBuffer
	out  *syncBuffer
}

func startServe(t testing.TB, bin string, args []string, env []string) *serverProcess {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve"}, args...)...)
	cmd.Env = env
	logs, out := &syncBuffer{}, &syncBuffer{}
	cmd.Stderr = logs
	stdout, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	p := &serverProcess{cmd: cmd, logs: logs, out: out}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		out.Write([]byte(line + "\n"))
		if u, ok := strings.CutPrefix(line, "hybridplan is serving "); ok {
			p.url = strings.TrimSuffix(u, "/")
			break
		}
	}
	if p.url == "" {
		_ = cmd.Wait()
		t.Fatalf("the server did not start:\n%s\n%s", out, logs)
	}
	go func() { _, _ = io.Copy(out, stdout) }()
	return p
}

func (p *serverProcess) do(t testing.TB, method, path, user string, body string, out any) int {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, p.url+path, r)
	must(t, err)
	req.Header.Set("Authorization", "Bearer "+tokenOf(user))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, data)
		}
	}
	return resp.StatusCode
}

// waitEvent polls a run's events until one matches, for at most a minute
// (a bound that stops a broken test, not a timing assertion).
func (p *serverProcess) waitEvent(t testing.TB, runID string, match func(store.Event) bool) store.Event {
	t.Helper()
	for range 1200 {
		var page struct {
			Events []store.Event `json:"events"`
		}
		p.do(t, "GET", "/api/v1/runs/"+runID+"/events", "vera", "", &page)
		for _, e := range page.Events {
			if match(e) {
				return e
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("run %s: the awaited event never came", runID)
	return store.Event{}
}

// killNineSetup builds the command and starts a stand-in that holds the
// first CreateVpnConnection back for 20 s (the call a kill lands in), and
// returns the serve arguments and environment for a data directory of the
// test's own. The stand-in closes with the test.
func killNineSetup(t *testing.T) (bin string, sin *standin.Server, args, env []string) {
	t.Helper()
	bin = buildCommand(t)
	sin = standin.New(standin.Options{Credentials: map[string]string{e2eAK: e2eSK}, Fixtures: standin.FixturesFor(seedPlan(t)), MaxDelay: 30 * time.Second})
	hs := httptest.NewServer(sin)
	t.Cleanup(hs.Close)
	sin.Faults().Slow("CreateVpnConnection", 1, 20*time.Second)

	dir := t.TempDir()
	cfg, _ := json.Marshal(Config{Users: testUsers, JDCloud: JDCloudConfig{Endpoint: hs.URL}})
	cfgPath := filepath.Join(dir, "config.json")
	must(t, os.WriteFile(cfgPath, cfg, 0o600))
	env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "JDCLOUD_ACCESS_KEY=" + e2eAK, "JDCLOUD_SECRET_KEY=" + e2eSK}
	for k, v := range e2eEnv {
		env = append(env, k+"="+v)
	}
	args = []string{"--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "data"), "--config", cfgPath}
	return bin, sin, args, env
}

// The server is killed with SIGKILL while a call is in flight (the
// stand-in holds CreateVpnConnection back), restarted on the same data
// directory, and resumes the run: it completes, and the stand-in holds
// each resource once.
func TestKillNineAndResume(t *testing.T) {
	bin, sin, args, env := killNineSetup(t)

	first := startServe(t, bin, args, env)
	var pv planView
	if st := first.do(t, "POST", "/api/v1/plans", "pat", seedJSON(t), &pv); st != 201 {
		t.Fatalf("submit: %d", st)
	}
	if st := first.do(t, "POST", "/api/v1/plans/"+pv.Hash+"/approval", "alex", "", nil); st != 201 {
		t.Fatalf("approve: %d", st)
	}
	var rv runView
	if st := first.do(t, "POST", "/api/v1/plans/"+pv.Hash+"/runs", "olive", "", &rv); st != 202 {
		t.Fatalf("provision: %d", st)
	}
	first.waitEvent(t, rv.ID, func(e store.Event) bool { return e.Type == "step.started" && e.Step == "vpn" })
	// Let the held request reach the stand-in, then kill -9 mid-call.
	time.Sleep(300 * time.Millisecond)
	must(t, first.cmd.Process.Signal(os.Kill))
	_ = first.cmd.Wait()
	before := countsOf(sin)
	// The stand-in abandons a held request whose client went away, so the
	// kill came before the VPN connection existed and after what precedes it.
	if want := "bgws=1 attachments=1 vifs=1 cgws=1 vpns=0 tunnels=0 routeRules=0"; before != want {
		t.Fatalf("at the kill the stand-in held %s, want %s: the kill did not land mid-run", before, want)
	}

	second := startServe(t, bin, args, env)
	second.waitEvent(t, rv.ID, func(e store.Event) bool { return e.Type == "run.succeeded" || e.Type == "run.failed" })
	var run runView
	second.do(t, "GET", "/api/v1/runs/"+rv.ID, "vera", "", &run)
	if run.State != store.StateSucceeded {
		t.Fatalf("resumed run %s: %+v", run.State, run.Failure)
	}
	if got := countsOf(sin); got != seedCounts {
		t.Errorf("after the resumed run the stand-in holds %s, want %s (before the restart: %s)", got, seedCounts, before)
	}
	creates := map[string]int{}
	for _, r := range sin.Requests() {
		if strings.HasPrefix(r.Action, "Create") && r.Status == 200 {
			creates[r.Action]++
		}
	}
	for action, n := range creates {
		if n != 1 && action != "CreateVpnTunnel" || action == "CreateVpnTunnel" && n != 2 {
			t.Errorf("%s succeeded %d times", action, n)
		}
	}
	second.waitEvent(t, rv.ID, func(e store.Event) bool { return e.Type == "run.resumed" })
	for _, p := range []*serverProcess{first, second} {
		if strings.Contains(p.logs.String()+p.out.String(), e2eSK) {
			t.Error("the secret key appears in the server's output")
		}
	}
}

// The server is killed with SIGKILL while a cancel is on its way (the
// request sent, the answer not awaited) during a held call. Whichever
// point the kill lands at, after a restart the run ends, nothing exists
// twice, a recorded cancel ends the run cancelled (never resumed), and a
// teardown of it leaves nothing behind.
func TestKillNineDuringCancel(t *testing.T) {
	bin, sin, args, env := killNineSetup(t)

	first := startServe(t, bin, args, env)
	var pv planView
	first.do(t, "POST", "/api/v1/plans", "pat", seedJSON(t), &pv)
	first.do(t, "POST", "/api/v1/plans/"+pv.Hash+"/approval", "alex", "", nil)
	var rv runView
	if st := first.do(t, "POST", "/api/v1/plans/"+pv.Hash+"/runs", "olive", "", &rv); st != 202 {
		t.Fatalf("provision: %d", st)
	}
	first.waitEvent(t, rv.ID, func(e store.Event) bool { return e.Type == "step.started" && e.Step == "vpn" })
	time.Sleep(300 * time.Millisecond) // let the held request reach the stand-in
	go func() {
		req, _ := http.NewRequest("POST", first.url+"/api/v1/runs/"+rv.ID+"/cancel", nil)
		req.Header.Set("Authorization", "Bearer "+tokenOf("cara"))
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	time.Sleep(2 * time.Millisecond)
	must(t, first.cmd.Process.Signal(os.Kill))
	_ = first.cmd.Wait()

	second := startServe(t, bin, args, env)
	second.waitEvent(t, rv.ID, func(e store.Event) bool {
		return e.Type == "run.succeeded" || e.Type == "run.failed" || e.Type == "run.cancelled"
	})
	var run runView
	second.do(t, "GET", "/api/v1/runs/"+rv.ID, "vera", "", &run)
	t.Logf("the kill landed with the cancel %s; the run ended %s", map[bool]string{true: "recorded", false: "not recorded"}[run.Cancel != nil], run.State)
	if run.Cancel != nil && run.State != store.StateCancelled {
		t.Fatalf("a recorded cancel was resumed instead: %s %+v", run.State, run.Failure)
	}
	creates := map[string]int{}
	for _, r := range sin.Requests() {
		if strings.HasPrefix(r.Action, "Create") && r.Status == 200 {
			creates[r.Action]++
		}
	}
	for action, n := range creates {
		if n > 1 && action != "CreateVpnTunnel" || n > 2 {
			t.Errorf("%s succeeded %d times", action, n)
		}
	}
	if st := second.do(t, "POST", "/api/v1/runs/"+rv.ID+"/teardown/approval", "alex", "", nil); st != 201 {
		t.Fatalf("teardown approval: %d", st)
	}
	var td runView
	if st := second.do(t, "POST", "/api/v1/runs/"+rv.ID+"/teardown", "olive", "", &td); st != 202 {
		t.Fatalf("teardown: %d", st)
	}
	second.waitEvent(t, td.ID, func(e store.Event) bool { return e.Type == "run.succeeded" || e.Type == "run.failed" })
	if got := countsOf(sin); got != noCounts {
		t.Errorf("after the teardown the stand-in holds %s", got)
	}
}
