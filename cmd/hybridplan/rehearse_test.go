package main

import (
	"strings"
	"testing"
)

// TestRehearseUsage: what rehearse refuses before it touches the machine
// (exit 2, with what to do). The rehearsal itself is tested in ./lab.
func TestRehearseUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no file", []string{"rehearse"}, "exactly one plan file"},
		{"scenario and all", []string{"rehearse", "--all", "--scenario", "normal", seedFile}, "exclude each other"},
		{"timers not a pair", []string{"rehearse", "--timers", "3", seedFile}, "KEEPALIVE,HOLD"},
		{"hold below 3 s", []string{"rehearse", "--timers", "1,2", seedFile}, "hold 3–65535"},
		{"keepalive not below hold", []string{"rehearse", "--timers", "3,3", seedFile}, "below the hold time"},
		{"unknown scenario", []string{"rehearse", "--timers", "1,3", "--scenario", "nope", seedFile}, "dc-silent-failure"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCmd(t, "", tc.args...)
			if code != 2 || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, errOut, tc.want)
			}
		})
	}
}
