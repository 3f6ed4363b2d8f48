package jdcloud_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/server/jdcloud"
)

func TestResolveSecretRef(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "psk")
	if err := os.WriteFile(good, []byte("fileKEY-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, []byte(strings.Repeat("x", 5000)), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HYBRIDPLAN_TEST_PSK", "envKEY-1")
	tests := []struct {
		ref, want, wantErr string
	}{
		{"env:HYBRIDPLAN_TEST_PSK", "envKEY-1", ""},
		{"file:" + good, "fileKEY-1", ""},
		{"env:HYBRIDPLAN_TEST_UNSET", "", "is not set"},
		{"file:" + empty, "", "empty"},
		{"file:" + big, "", "larger than"},
		{"file:" + filepath.Join(dir, "missing"), "", "no such file"},
		{"file:relative/psk", "", "absolute"},
		{"vault:x", "", "use env:NAME or file:/path"},
		{"nothing", "", "not env:NAME"},
	}
	for _, tc := range tests {
		t.Run(tc.ref, func(t *testing.T) {
			got, err := jdcloud.ResolveSecretRef(tc.ref)
			if tc.wantErr == "" {
				if err != nil || got != tc.want {
					t.Fatalf("got %q, %v", got, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err %v, want %q", err, tc.wantErr)
			}
		})
	}
}
