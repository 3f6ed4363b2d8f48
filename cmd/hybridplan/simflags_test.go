package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSimulateBringUpAndScenarioFlags: --bring-up changes the initial
// state; --scenarios adds user-written scenarios (simulated alone, or with
// --all), and a scenario the plan cannot run is refused with its path.
func TestSimulateBringUpAndScenarioFlags(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(good, []byte(`{"scenarios": [{"name": "dc-then-tun-1", "events": [
		{"kind": "link-down"}, {"kind": "session-down", "session": "tun-1"}]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(`{"scenarios": [{"name": "x", "events": [{"kind": "session-down", "session": "nope"}]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		args    []string
		code    int
		want    string // in stdout (code 0) or stderr
		notWant string
	}{
		{"vpn first", []string{"simulate", "--bring-up", "vpn-first", seedFile}, 0, "brought up the VPN tunnels first", ""},
		{"unknown order", []string{"simulate", "--bring-up", "sideways", seedFile}, 2, "use direct-connection-first or vpn-first", ""},
		{"file alone", []string{"simulate", "--scenarios", good, seedFile}, 0, "== scenario dc-then-tun-1: user-written: link-down; session-down tun-1", "== scenario normal"},
		{"file with --all", []string{"simulate", "--all", "--scenarios", good, seedFile}, 0, "== scenario dc-then-tun-1", ""},
		{"bad file", []string{"simulate", "--scenarios", bad, seedFile}, 1, bad + `: $.scenarios[0].events[0].session: no session "nope"`, ""},
		{"missing file", []string{"simulate", "--scenarios", filepath.Join(dir, "none.json"), seedFile}, 2, "--scenarios", ""},
		{"trace in a user scenario", []string{"trace", "--scenarios", good, "--scenario", "dc-then-tun-1", seedFile, "10.0.0.5", "192.168.1.1"}, 0, "sends over VPN via tun-2", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, "", tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d: %s%s", code, tc.code, out, errOut)
			}
			got := out
			if code != 0 {
				got = errOut
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("want %q in:\n%s", tc.want, got)
			}
			if tc.notWant != "" && strings.Contains(got, tc.notWant) {
				t.Errorf("did not want %q in:\n%s", tc.notWant, got)
			}
		})
	}
}
