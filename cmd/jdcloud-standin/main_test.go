package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRunRefusesBadArguments(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "fixtures.json")
	if err := os.WriteFile(bad, []byte(`{"vpcs":[],"colour":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no keys", []string{"--addr", "127.0.0.1:0"}, "--access-key and --secret-key"},
		{"not loopback", []string{"--addr", "0.0.0.0:8081", "--access-key", "a", "--secret-key", "b"}, "loopback"},
		{"host name", []string{"--addr", "localhost:8081", "--access-key", "a", "--secret-key", "b"}, "loopback"},
		{"bad fixtures", []string{"--addr", "127.0.0.1:0", "--access-key", "a", "--secret-key", "b", "--fixtures", bad}, "colour"},
		{"unknown flag", []string{"--port", "1"}, "flag provided but not defined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("JDCLOUD_STANDIN_SECRET_KEY", "")
			var out, errb bytes.Buffer
			if code := run(context.Background(), tc.args, &out, &errb); code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(errb.String(), tc.want) {
				t.Errorf("stderr %q lacks %q", errb.String(), tc.want)
			}
		})
	}
}

func TestRunServesUntilCancelled(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb bytes.Buffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"--addr", addr, "--access-key", "a", "--secret-key", "b"}, &out, &errb)
	}()
	// An unsigned request is refused in JD Cloud's shape once it serves.
	var status int
	for range 200 {
		resp, err := http.Get("http://" + addr + "/v1/regions/cn-north-1/bgws/")
		if err == nil {
			status = resp.StatusCode
			resp.Body.Close()
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d: %s", code, errb.String())
	}
	if status != http.StatusUnauthorized {
		t.Errorf("unsigned request answered %d, want 401", status)
	}
}
