package server

import (
	"bytes"
	"errors"
	"github.com/hybridplan/hybridplan/server/jdcloud"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name, json, want string
	}{
		{"valid", `{"users":[{"name":"pat","roles":["planner"],"token":"pat-0123456789abcdefghijk"}],"jdcloud":{"endpoint":"jdcloud"}}`, ""},
		{"no users", `{"users":[]}`, "no users"},
		{"unknown field", `{"users":[],"tls":true}`, `unknown field "tls"`},
		{"bad role", `{"users":[{"name":"pat","roles":["root"],"token":"pat-0123456789abcdefghijk"}]}`, `unknown role "root"`},
		{"not JSON", `users: []`, "invalid character"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tc.json), "cfg.json")
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "cfg.json") {
				t.Fatalf("error %v, want one naming cfg.json and containing %q", err, tc.want)
			}
		})
	}
}

func TestLoadCredentials(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		must(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	const sk = "SKcred-4a9e1f-never-in-an-error"
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		name string
		file string
		env  map[string]string
		want string // error substring, "" for success
	}{
		{"file", write("ok.json", `{"accessKey":"AK1","secretKey":"`+sk+`"}`), nil, ""},
		{"file wins over env", write("ok2.json", `{"accessKey":"AK1","secretKey":"`+sk+`"}`), map[string]string{"JDCLOUD_ACCESS_KEY": "AKenv", "JDCLOUD_SECRET_KEY": "SKenv"}, ""},
		{"environment", "", map[string]string{"JDCLOUD_ACCESS_KEY": "AK1", "JDCLOUD_SECRET_KEY": sk}, ""},
		{"environment half set", "", map[string]string{"JDCLOUD_ACCESS_KEY": "AK1"}, "set JDCLOUD_ACCESS_KEY and JDCLOUD_SECRET_KEY"},
		{"file missing a key", write("half.json", `{"accessKey":"AK1"}`), nil, "needs both"},
		{"file not JSON, quoting the key", write("bad.json", `{"accessKey":"AK1","secretKey":"`+sk+`",}`), nil, "is not {"},
		{"file with an unknown field", write("extra.json", `{"accessKey":"AK1","secretKey":"`+sk+`","region":"x"}`), nil, "is not {"},
		{"no file", filepath.Join(dir, "absent.json"), nil, "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := LoadCredentials(tc.file, env(tc.env))
			if tc.want == "" {
				if err != nil || c.AccessKey != "AK1" || c.SecretKey != sk {
					t.Fatalf("got %q, %v", c.AccessKey, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), sk) {
				t.Fatalf("the error quotes the secret key: %v", err)
			}
		})
	}
}

func TestSecretsResolve(t *testing.T) {
	dir := t.TempDir()
	pskFile := filepath.Join(dir, "psk")
	must(t, os.WriteFile(pskFile, []byte("pskFromFile123\n"), 0o600))
	r := &Redactor{}
	env := map[string]string{"HYBRIDPLAN_PSK_1": "pskFromEnv456", "JDCLOUD_SECRET_KEY": "SKneverAkey"}
	s := &Secrets{Redactor: r, Sources: jdcloud.SecretSources{Dir: dir, EnvPrefix: "HYBRIDPLAN_PSK_",
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}}
	tests := []struct {
		ref, want, err string
	}{
		{"env:HYBRIDPLAN_PSK_1", "pskFromEnv456", ""},
		{"file:" + pskFile, "pskFromFile123", ""},
		{"env:HYBRIDPLAN_PSK_UNSET", "", "key reference not found"},
		{"env:JDCLOUD_SECRET_KEY", "", "key reference not allowed"},
		{"file:" + filepath.Join(dir, "none"), "", "key reference not found"},
		{"file:/etc/passwd", "", "key reference not allowed"},
		{"vault:x", "", "key reference not allowed"},
		{"PSK1", "", "key reference not allowed"},
	}
	for _, tc := range tests {
		got, err := s.Resolve(tc.ref)
		if tc.err == "" {
			if err != nil || got != tc.want {
				t.Errorf("Resolve(%q) = %q, %v; want %q", tc.ref, got, err, tc.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("Resolve(%q) error %v, want %q", tc.ref, err, tc.err)
		}
	}
	// Resolved keys are redacted from then on.
	if got := r.Redact("tunnel key pskFromEnv456 and pskFromFile123"); strings.Contains(got, "psk") {
		t.Errorf("resolved keys not redacted: %q", got)
	}
}

// Demo keys stand in only for allowed references that do not resolve, are
// stable per reference, and follow JD Cloud's rules for pre-shared keys;
// with no sources configured nothing is read at all.
func TestDemoKeys(t *testing.T) {
	var told []string
	var looked []string
	s := &Secrets{Redactor: &Redactor{}, Sources: jdcloud.SecretSources{EnvPrefix: "HYBRIDPLAN_PSK_", LookupEnv: func(k string) (string, bool) {
		looked = append(looked, k)
		if k == "HYBRIDPLAN_PSK_SET" {
			return "pskSetByHand1", true
		}
		return "", false
	}}, DemoKeys: true, OnDemoKey: func(ref string) { told = append(told, ref) }}
	a1, err := s.Resolve("env:HYBRIDPLAN_PSK_A")
	must(t, err)
	a2, _ := s.Resolve("env:HYBRIDPLAN_PSK_A")
	b, _ := s.Resolve("env:HYBRIDPLAN_PSK_B")
	set, _ := s.Resolve("env:HYBRIDPLAN_PSK_SET")
	if a1 != a2 || a1 == b || set != "pskSetByHand1" {
		t.Errorf("demo keys: A %q/%q, B %q, SET %q", a1, a2, b, set)
	}
	if _, err := s.Resolve("env:JDCLOUD_SECRET_KEY"); err == nil {
		t.Error("a demo key stood in for a reference that is not allowed")
	}
	rule := regexp.MustCompile(`^[A-Za-z0-9_-]{1,20}$`)
	for _, k := range []string{a1, b} {
		if !rule.MatchString(k) || strings.HasPrefix(k, "0x") || strings.HasPrefix(k, "0s") {
			t.Errorf("demo key %q breaks JD Cloud's rules", k)
		}
	}
	if strings.Join(told, ",") != "env:HYBRIDPLAN_PSK_A,env:HYBRIDPLAN_PSK_B" {
		t.Errorf("told about %v, want each generated reference once", told)
	}
	looked = nil
	only := &Secrets{Redactor: &Redactor{}, DemoKeys: true, Sources: jdcloud.SecretSources{LookupEnv: s.Sources.LookupEnv}}
	if k, err := only.Resolve("file:/etc/shadow"); err != nil || !strings.HasPrefix(k, "demo") || len(looked) > 0 {
		t.Errorf("demo without sources: %q, %v, looked at %v", k, err, looked)
	}
}

func TestRedactingLogHandler(t *testing.T) {
	r := &Redactor{}
	r.Add("SKsecret-123456")
	r.Add("abc") // too short to register: redacting it would garble logs
	var buf bytes.Buffer
	log := slog.New(r.LogHandler(slog.NewTextHandler(&buf, nil))).With("ctx", "SKsecret-123456")
	log.Info("signing with SKsecret-123456", "err", errors.New("bad SKsecret-123456"), "n", 3,
		slog.Group("g", "inner", "x SKsecret-123456"), "abc", "abc")
	out := buf.String()
	if strings.Contains(out, "SKsecret-123456") {
		t.Fatalf("secret in log: %s", out)
	}
	if strings.Count(out, redactedMark) != 4 || !strings.Contains(out, "n=3") || !strings.Contains(out, "abc=abc") {
		t.Errorf("log line %s: want 4 redactions and other attributes intact", out)
	}
}
