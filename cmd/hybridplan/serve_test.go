package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hybridplan/hybridplan/examples"
)

func TestServeRefusals(t *testing.T) {
	dir := t.TempDir()
	badCfg := filepath.Join(dir, "bad.json")
	os.WriteFile(badCfg, []byte(`{"users": [{"name": "pat", "roles": ["planner"], "token": "short"}]}`), 0o600)
	unknownField := filepath.Join(dir, "unknown.json")
	os.WriteFile(unknownField, []byte(`{"users": [], "listen": "0.0.0.0:80"}`), 0o600)
	realCfg := filepath.Join(dir, "real.json")
	os.WriteFile(realCfg, []byte(`{"users": [{"name": "pat", "roles": ["planner"], "token": "pat-0123456789abcdefghijk"}], "jdcloud": {"endpoint": "jdcloud"}}`), 0o600)
	worldCfg := filepath.Join(dir, "world.json")
	os.WriteFile(worldCfg, []byte(`{"users": [{"name": "pat", "roles": ["planner"], "token": "pat-0123456789abcdefghijk"}]}`), 0o666)
	os.Chmod(worldCfg, 0o666)
	creds := filepath.Join(dir, "creds.json")
	os.WriteFile(creds, []byte(`{"accessKey": "AK", "secretKey": "SK"}`), 0o644)
	os.Chmod(creds, 0o644)
	credsCfg := filepath.Join(dir, "creds-cfg.json")
	os.WriteFile(credsCfg, []byte(`{"users": [{"name": "pat", "roles": ["planner"], "token": "pat-0123456789abcdefghijk"}], "jdcloud": {"endpoint": "jdcloud", "credentialsFile": "`+creds+`"}}`), 0o600)
	openData := filepath.Join(dir, "open-data")
	os.Mkdir(openData, 0o777)
	os.Chmod(openData, 0o777)
	twins := filepath.Join(dir, "twins.json")
	os.WriteFile(twins, []byte(`{"users": [{"name": "pat", "roles": ["planner"], "token": "pat-0123456789abcdefghijk"}, {"name": "Pat", "roles": ["approver"], "token": "pat-0123456789abcdefghijkl"}]}`), 0o600)
	badSources := filepath.Join(dir, "sources.json")
	os.WriteFile(badSources, []byte(`{"users": [{"name": "pat", "roles": ["planner"], "token": "pat-0123456789abcdefghijk"}], "pskSources": {"envPrefix": "JDCLOUD_"}}`), 0o600)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"world-writable config", []string{"--addr", "127.0.0.1:0", "--data", dir, "--config", worldCfg}, "others may change it"},
		{"readable credentials", []string{"--addr", "127.0.0.1:0", "--data", dir, "--config", credsCfg}, "others may read the keys"},
		{"world-writable data dir", []string{"--addr", "127.0.0.1:0", "--data", openData, "--config", realCfg}, "writable by everyone"},
		{"plain HTTP endpoint beyond loopback", []string{"--addr", "127.0.0.1:0", "--data", dir, "--config", realCfg, "--jdcloud-endpoint", "http://10.1.2.3:8000"}, "--allow-insecure-endpoint"},
		{"names equal once folded", []string{"--addr", "127.0.0.1:0", "--data", dir, "--config", twins}, "used twice"},
		{"credentials as a key source", []string{"--addr", "127.0.0.1:0", "--data", dir, "--config", badSources}, "cloud credential"},
		{"demo on all interfaces", []string{"--addr", "0.0.0.0:0", "--data", dir}, "refusing to listen on 0.0.0.0:0 without --config"},
		{"demo on a public name", []string{"--addr", "example.com:8080", "--data", dir}, "without --config"},
		{"malformed addr", []string{"--addr", "8080", "--data", dir}, "is not HOST:PORT"},
		{"short token in config", []string{"--addr", "127.0.0.1:0", "--data", dir, "--config", badCfg}, "shorter than"},
		{"unknown config field", []string{"--addr", "127.0.0.1:0", "--data", dir, "--config", unknownField}, `unknown field "listen"`},
		{"real endpoint without keys", []string{"--addr", "127.0.0.1:0", "--data", dir, "--config", realCfg}, "JDCLOUD_ACCESS_KEY"},
		{"stray argument", []string{"--addr", "127.0.0.1:0", "extra"}, `unexpected argument "extra"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("JDCLOUD_ACCESS_KEY", "")
			t.Setenv("JDCLOUD_SECRET_KEY", "")
			var out, errb bytes.Buffer
			if code := runServe(tc.args, nil, &out, &errb); code != 2 {
				t.Errorf("exit %d, want 2; stderr %s", code, errb.String())
			}
			if !strings.Contains(errb.String(), tc.want) {
				t.Errorf("stderr %q lacks %q", errb.String(), tc.want)
			}
		})
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "localhost:1": true, "[::1]:80": true, "127.9.9.9:0": true,
		"0.0.0.0:80": false, ":8080": false, "[::]:80": false, "10.0.0.1:80": false, "myhost:80": false,
	} {
		got, err := isLoopback(addr)
		if err != nil || got != want {
			t.Errorf("isLoopback(%q) = %v, %v; want %v", addr, got, err, want)
		}
	}
}

// lockedBuffer is written by the server goroutine and read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// The demo works out of the box: with no config and no endpoint it prints
// how to sign in, runs the stand-in in-process, and provisions the seed
// plan through it with the printed tokens (the seed's pre-shared key
// variables unset, so generated keys stand in, and it says so).
func TestServeDemoOutOfTheBox(t *testing.T) {
	var out, errb lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	getenv := func(string) string { return "" }
	go func() {
		done <- serve(ctx, serveFlags{addr: "127.0.0.1:0", data: t.TempDir()}, getenv, &out, &errb)
	}()
	var url string
	for range 400 {
		if m := regexp.MustCompile(`serving (http://\S+)/`).FindStringSubmatch(out.String()); m != nil {
			url = m[1]
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	if url == "" {
		cancel()
		t.Fatalf("no banner; stdout %s stderr %s", out.String(), errb.String())
	}
	banner := out.String()
	for _, want := range []string{"stand-in", "not the real JD Cloud", "demo-planner", "demo-approver", "demo-operator"} {
		if !strings.Contains(banner, want) {
			t.Errorf("the banner lacks %q:\n%s", want, banner)
		}
	}
	token := func(user string) string {
		m := regexp.MustCompile(user + `\s+\S+\s+(\S+)`).FindStringSubmatch(banner)
		if m == nil {
			t.Fatalf("no token for %s in the banner", user)
		}
		return m[1]
	}
	do := func(method, path, user, body string, v any) int {
		req, _ := http.NewRequest(method, url+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token(user))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		if v != nil {
			json.Unmarshal(data, v)
		}
		return resp.StatusCode
	}
	seed, _ := examples.Get(examples.Seed)
	var plan struct{ Hash string }
	if st := do("POST", "/api/v1/plans", "demo-planner", seed.JSON, &plan); st != 201 {
		t.Fatalf("submit: %d", st)
	}
	if st := do("POST", "/api/v1/plans/"+plan.Hash+"/approval", "demo-approver", "", nil); st != 201 {
		t.Fatalf("approve: %d", st)
	}
	var run struct{ ID string }
	if st := do("POST", "/api/v1/plans/"+plan.Hash+"/runs", "demo-operator", "", &run); st != 202 {
		t.Fatalf("provision: %d", st)
	}
	state := ""
	for range 400 {
		var r struct{ State string }
		do("GET", "/api/v1/runs/"+run.ID, "demo-planner", "", &r)
		if state = r.State; state == "succeeded" || state == "failed" {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	if state != "succeeded" {
		t.Errorf("the demo run ended %q; logs:\n%s", state, errb.String())
	}
	if !strings.Contains(errb.String(), "generated key") {
		t.Error("the log does not say the stand-in got generated pre-shared keys")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve returned %v after its context ended", err)
	}
}

func TestPublicOriginAndEndpoint(t *testing.T) {
	if o, a := publicOrigin("", "", "127.0.0.1:8080"); o != "http://127.0.0.1:8080" || len(a) != 3 || a[0] != "http://localhost:8080" {
		t.Errorf("loopback default: %q %v", o, a)
	}
	if o, a := publicOrigin("", "https://planner.example.com", "127.0.0.1:8080"); o != "https://planner.example.com" || a != nil {
		t.Errorf("configured: %q %v", o, a)
	}
	if o, _ := publicOrigin("https://p.example", "https://planner.example.com", "0.0.0.0:80"); o != "https://p.example" {
		t.Errorf("the flag wins: %q", o)
	}
	for endpoint, ok := range map[string]bool{
		"http://127.0.0.1:9000": true, "http://localhost:1": true, "http://[::1]:80/": true, "https://10.0.0.1": true,
		"jdcloud": true, "": true, "http://10.0.0.1:80": false, "HTTP://example.com": false, "http://127.0.0.1.example.com": false,
	} {
		if err := checkEndpoint(endpoint, false); (err == nil) != ok {
			t.Errorf("checkEndpoint(%q) = %v", endpoint, err)
		}
		if err := checkEndpoint(endpoint, true); err != nil {
			t.Errorf("checkEndpoint(%q, insecure) = %v", endpoint, err)
		}
	}
}
