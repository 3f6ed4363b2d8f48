package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/hybridplan/hybridplan/pkg/plan/validate"
	"github.com/hybridplan/hybridplan/server/jdcloud"
	"github.com/hybridplan/hybridplan/server/standin"
	"github.com/hybridplan/hybridplan/server/store"
)

// seedWithRef is the seed plan with its first tunnel's key reference
// replaced.
func seedWithRef(t testing.TB, ref string) string {
	t.Helper()
	q, _ := json.Marshal(ref)
	return strings.Replace(seedJSON(t), `"env:HYBRIDPLAN_PSK_TUN1"`, string(q), 1)
}

// A plan that names a key source the configuration does not allow is
// refused at submit, with a finding at the reference, and the server reads
// nothing to decide so.
func TestPSKRefsRefusedAtSubmit(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "psk")
	must(t, os.MkdirAll(keys, 0o700))
	fifo := filepath.Join(dir, "fifo")
	must(t, syscall.Mkfifo(fifo, 0o600))
	var looked []string
	env := map[string]string{"JDCLOUD_SECRET_KEY": e2eSK, "HYBRIDPLAN_PSK_TEAMB_TUN1": "otherTEAMkey1", "HYBRIDPLAN_PSK_TEAMA_TUN2": e2ePSK2}
	src := jdcloud.SecretSources{Dir: keys, EnvPrefix: "HYBRIDPLAN_PSK_TEAMA_", LookupEnv: func(k string) (string, bool) {
		looked = append(looked, k)
		v, ok := env[k]
		return v, ok
	}}
	secrets := &Secrets{Redactor: &Redactor{}, Sources: src}
	ts := newTestServer(t, testOptions{validate: validate.Check, keys: secrets})
	for _, ref := range []string{
		"env:JDCLOUD_SECRET_KEY", "env:JDCLOUD_ACCESS_KEY", "file:/proc/self/environ", "file:/etc/shadow",
		"env:HYBRIDPLAN_PSK_TEAMB_TUN1", "file:/dev/zero", "file:" + fifo, "file:" + keys + "/../fifo",
	} {
		t.Run(ref, func(t *testing.T) {
			looked = nil
			doc := strings.Replace(seedWithRef(t, ref), `"env:HYBRIDPLAN_PSK_TUN2"`, `"env:HYBRIDPLAN_PSK_TEAMA_TUN2"`, 1)
			var eb errBody
			if st := ts.do("POST", "/api/v1/plans", "pat", doc, &eb); st != http.StatusUnprocessableEntity || eb.Error.Code != "plan.invalid" {
				t.Fatalf("submit: %d %+v", st, eb.Error)
			}
			found := false
			for _, f := range eb.Error.Findings {
				if f.Code == CodePSKNotAllowed && f.Path == "$.vpn.tunnels[0].pskRef" && strings.Contains(f.Message, "key reference not allowed") {
					found = true
				}
				if f.Path == "$.vpn.tunnels[1].pskRef" {
					t.Errorf("the allowed reference got a finding: %+v", f)
				}
			}
			if !found {
				t.Errorf("no %s finding at tunnels[0]: %+v", CodePSKNotAllowed, eb.Error.Findings)
			}
			var v validateResponse
			ts.do("POST", "/api/v1/validate", "", doc, &v)
			if v.Valid {
				t.Error("POST validate calls the plan valid; submit refused it")
			}
			if len(looked) > 0 {
				t.Errorf("deciding read the environment: %v", looked)
			}
			all := ts.logs.String()
			for _, secret := range []string{e2eSK, "otherTEAMkey1", e2ePSK2} {
				if strings.Contains(all, secret) || strings.Contains(eb.Error.Message, secret) {
					t.Errorf("%q leaked", secret)
				}
			}
		})
	}
}

// Keys that are allowed by name but unusable (a FIFO, a link to /dev/zero,
// a link out of the directory, a key JD Cloud refuses, a missing one) stop
// the run before it sends anything, with an error that tells no OS detail.
func TestRunRefusesUnusableKeysBeforeSending(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "psk")
	must(t, os.MkdirAll(keys, 0o700))
	must(t, syscall.Mkfifo(filepath.Join(keys, "fifo"), 0o600))
	must(t, os.Symlink("/dev/zero", filepath.Join(keys, "zero")))
	must(t, os.WriteFile(filepath.Join(dir, "outside"), []byte("outsideKEY1"), 0o600))
	must(t, os.Symlink(filepath.Join(dir, "outside"), filepath.Join(keys, "out")))
	must(t, os.WriteFile(filepath.Join(keys, "hex"), []byte("0xdeadbeef"), 0o600))
	must(t, os.WriteFile(filepath.Join(keys, "long"), []byte(strings.Repeat("k", 40)), 0o600))
	tests := []struct{ name, code string }{
		{"fifo", "secret.unavailable"},
		{"zero", "secret.unavailable"},
		{"out", "secret.unavailable"},
		{"missing", "secret.unavailable"},
		{"hex", "secret.invalid"},
		{"long", "secret.invalid"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sin := standin.New(standin.Options{Credentials: map[string]string{e2eAK: e2eSK}, Fixtures: standin.FixturesFor(seedPlan(t)), Seed: 1})
			hs := httptest.NewServer(sin)
			defer hs.Close()
			env := func(k string) (string, bool) { v, ok := e2eEnv[k]; return v, ok }
			e := e2e{testServer: newE2EServer(t, hs.URL, testOptions{sources: &jdcloud.SecretSources{Dir: keys, EnvPrefix: jdcloud.DefaultEnvPrefix, LookupEnv: env}}), standin: sin}
			var pv planView
			if st := e.do("POST", "/api/v1/plans", "pat", seedWithRef(t, "file:"+filepath.Join(keys, tc.name)), &pv); st != 201 {
				t.Fatalf("submit: %d", st)
			}
			e.do("POST", "/api/v1/plans/"+pv.Hash+"/approval", "alex", nil, nil)
			run, evs := e.runToEnd("/api/v1/plans/" + pv.Hash + "/runs")
			if run.State != store.StateFailed || run.Failure == nil || run.Failure.Code != tc.code {
				t.Fatalf("run %s %+v, want failed with %s", run.State, run.Failure, tc.code)
			}
			if n := len(sin.Requests()); n != 0 {
				t.Errorf("the stand-in got %d requests from a run whose key is unusable", n)
			}
			data, _ := json.Marshal(evs)
			for _, leak := range []string{"no such file", "permission denied", "outsideKEY1", "0xdeadbeef", "symbolic"} {
				if bytes.Contains(data, []byte(leak)) {
					t.Errorf("events tell %q: %s", leak, data)
				}
			}
		})
	}
}

// After a restart the redactor knows no pre-shared key; a teardown whose
// cloud error quotes one must still never show it: the teardown registers
// every key of its plan before it acts. Searched: every response, the
// WebSocket events, the log and the bbolt file.
func TestPSKNeverLeaksAfterRestartThenTeardown(t *testing.T) {
	sin := standin.New(standin.Options{Credentials: map[string]string{e2eAK: e2eSK}, Fixtures: standin.FixturesFor(seedPlan(t)), Seed: 1})
	hs := httptest.NewServer(sin)
	defer hs.Close()
	dir := t.TempDir()
	first := newE2EServer(t, hs.URL, testOptions{dir: dir})
	e := e2e{testServer: first, standin: sin}
	hash := e.submitApproved()
	run, _ := e.runToEnd("/api/v1/plans/" + hash + "/runs")
	if run.State != store.StateSucceeded {
		t.Fatalf("provision: %s %+v", run.State, run.Failure)
	}
	first.close()

	second := newE2EServer(t, hs.URL, testOptions{dir: dir})
	e = e2e{testServer: second, standin: sin}
	var seen bytes.Buffer
	record := func(v any) { data, _ := json.Marshal(v); seen.Write(data) }
	sin.Faults().Add(standin.Fault{Action: "DeleteVpnTunnel", Status: 400, Times: 10,
		Message: "tunnel refuses deletion; its key " + e2ePSK1 + " and " + e2ePSK2 + " are in use"})
	var a any
	e.do("POST", "/api/v1/runs/"+run.ID+"/teardown/approval", "alex", nil, &a)
	record(a)
	td, evs := e.runToEnd("/api/v1/runs/" + run.ID + "/teardown")
	record(evs)
	if td.State != store.StateFailed {
		t.Fatalf("teardown %s, want failed by the injected error", td.State)
	}
	for _, path := range []string{"/api/v1/runs/" + td.ID, "/api/v1/runs/" + td.ID + "/events", "/api/v1/runs"} {
		var v any
		e.do("GET", path, "vera", nil, &v)
		record(v)
	}
	second.close()
	db, err := os.ReadFile(filepath.Join(dir, store.FileName))
	must(t, err)
	all := seen.String() + first.logs.String() + second.logs.String()
	if !strings.Contains(all, redactedMark) {
		t.Fatal("no redaction mark anywhere: did the injected error fire?")
	}
	for _, secret := range []string{e2ePSK1, e2ePSK2, e2eSK} {
		if n := strings.Count(all, secret) + bytes.Count(db, []byte(secret)); n != 0 {
			t.Errorf("%q: %d hits in responses, events, logs and the store", secret, n)
		}
	}
}
