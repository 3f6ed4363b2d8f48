package jdcloud_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hybridplan/hybridplan/server/jdcloud"
)

// A plan's pskRef is untrusted: only the sources the operator named may be
// read, and nothing else is even looked at.
func TestSecretSources(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "psk")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(keys, "team"), 0o700))
	write := func(name, data string) string {
		p := filepath.Join(keys, name)
		must(os.WriteFile(p, []byte(data), 0o600))
		return p
	}
	good := write("tun1", "fileKEY-1\n")
	sub := write("team/tun2", "fileKEY-2")
	empty := write("empty", "")
	big := write("big", strings.Repeat("x", jdcloud.MaxSecretFile+1))
	outside := filepath.Join(dir, "outside")
	must(os.WriteFile(outside, []byte("notYOURS"), 0o600))
	must(os.Symlink(outside, filepath.Join(keys, "link-out")))
	must(os.Symlink("/dev/zero", filepath.Join(keys, "zero")))
	must(os.Symlink(good, filepath.Join(keys, "link-in")))
	fifo := filepath.Join(keys, "fifo")
	must(syscall.Mkfifo(fifo, 0o600))
	creds := write("creds.json", `{"accessKey":"a","secretKey":"b"}`)

	env := map[string]string{
		"HYBRIDPLAN_PSK_TEAMA_TUN1": "envKEY-1",
		"HYBRIDPLAN_PSK_TEAMB_TUN1": "otherTEAM",
		"JDCLOUD_SECRET_KEY":        "SKsecret",
		"JDCLOUD_ACCESS_KEY":        "AKaccess",
	}
	var looked []string
	src := jdcloud.SecretSources{
		Dir: keys, EnvPrefix: "HYBRIDPLAN_PSK_TEAMA_", Forbidden: []string{creds},
		LookupEnv: func(k string) (string, bool) { looked = append(looked, k); v, ok := env[k]; return v, ok },
	}
	tests := []struct {
		ref, want string
		err       error
	}{
		{"env:HYBRIDPLAN_PSK_TEAMA_TUN1", "envKEY-1", nil},
		{"file:" + good, "fileKEY-1", nil},
		{"file:" + sub, "fileKEY-2", nil},
		{"env:JDCLOUD_SECRET_KEY", "", jdcloud.ErrRefNotAllowed},
		{"env:JDCLOUD_ACCESS_KEY", "", jdcloud.ErrRefNotAllowed},
		{"env:HYBRIDPLAN_PSK_TEAMB_TUN1", "", jdcloud.ErrRefNotAllowed},
		{"env:HYBRIDPLAN_PSK_TEAMA_", "", jdcloud.ErrRefNotAllowed},
		{"env:PATH", "", jdcloud.ErrRefNotAllowed},
		{"file:/proc/self/environ", "", jdcloud.ErrRefNotAllowed},
		{"file:/etc/shadow", "", jdcloud.ErrRefNotAllowed},
		{"file:/dev/zero", "", jdcloud.ErrRefNotAllowed},
		{"file:" + outside, "", jdcloud.ErrRefNotAllowed},
		{"file:" + keys + "/../outside", "", jdcloud.ErrRefNotAllowed},
		{"file:" + keys, "", jdcloud.ErrRefNotAllowed},
		{"file:" + creds, "", jdcloud.ErrRefNotAllowed},
		{"file:psk/tun1", "", jdcloud.ErrRefNotAllowed},
		{"vault:x", "", jdcloud.ErrRefNotAllowed},
		{"nothing", "", jdcloud.ErrRefNotAllowed},
		{"env:HYBRIDPLAN_PSK_TEAMA_UNSET", "", jdcloud.ErrRefNotFound},
		{"file:" + empty, "", jdcloud.ErrRefNotFound},
		{"file:" + big, "", jdcloud.ErrRefNotFound},
		{"file:" + filepath.Join(keys, "missing"), "", jdcloud.ErrRefNotFound},
		{"file:" + filepath.Join(keys, "link-out"), "", jdcloud.ErrRefNotFound},
		{"file:" + filepath.Join(keys, "link-in"), "", jdcloud.ErrRefNotFound},
		{"file:" + filepath.Join(keys, "zero"), "", jdcloud.ErrRefNotFound},
		{"file:" + fifo, "", jdcloud.ErrRefNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.ref, func(t *testing.T) {
			looked = nil
			got, err := resolveBounded(t, src.Resolve, tc.ref)
			if tc.err == nil {
				if err != nil || got != tc.want {
					t.Fatalf("got %q, %v", got, err)
				}
				return
			}
			if !errors.Is(err, tc.err) || got != "" {
				t.Fatalf("got %q, %v; want %v", got, err, tc.err)
			}
			if errors.Is(tc.err, jdcloud.ErrRefNotAllowed) {
				if len(looked) > 0 {
					t.Errorf("a refused reference read the environment: %v", looked)
				}
				if src.Check(tc.ref) == nil {
					t.Error("Check allows what Resolve refuses")
				}
			}
			for _, leak := range []string{"no such file", "permission", "denied", "fileKEY", "notYOURS", "SKsecret", "otherTEAM", "symbolic", "device"} {
				if strings.Contains(err.Error(), leak) {
					t.Errorf("error %q tells %q", err, leak)
				}
			}
		})
	}
}

func TestSecretSourcesConfig(t *testing.T) {
	tests := []struct {
		src  jdcloud.SecretSources
		want string
	}{
		{jdcloud.SecretSources{EnvPrefix: "HYBRIDPLAN_PSK_", Dir: "/etc/hybridplan/psk"}, ""},
		{jdcloud.SecretSources{EnvPrefix: "JDCLOUD_"}, "cloud credential"},
		{jdcloud.SecretSources{EnvPrefix: "JDCLOUD_SECRET"}, "cloud credential"},
		{jdcloud.SecretSources{EnvPrefix: "J"}, "at least 4"},
		{jdcloud.SecretSources{Dir: "/"}, "is /"},
		{jdcloud.SecretSources{Dir: "etc/psk"}, "absolute"},
		{jdcloud.SecretSources{Dir: "/etc/hybridplan", Forbidden: []string{"/etc/hybridplan/jdcloud.json"}}, "credentials file"},
	}
	for _, tc := range tests {
		err := tc.src.CheckSources()
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: %v, want %q", tc.src, err, tc.want)
		}
	}
}

// resolveBounded resolves ref, failing the test if that hangs (a bound that
// stops a broken test, not a timing assertion).
func resolveBounded(t *testing.T, resolve func(string) (string, error), ref string) (string, error) {
	t.Helper()
	type result struct {
		v   string
		err error
	}
	done := make(chan result, 1)
	go func() { v, err := resolve(ref); done <- result{v, err} }()
	select {
	case r := <-done:
		return r.v, r.err
	case <-time.After(10 * time.Second):
		t.Fatalf("resolving %s hangs", ref)
		return "", nil
	}
}
