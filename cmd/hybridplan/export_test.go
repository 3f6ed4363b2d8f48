package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/pkg/plan"
)

func TestExportCommand(t *testing.T) {
	seed, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	overlap := writePlan(t, func(doc map[string]any) {
		segs := doc["idc"].(map[string]any)["segments"].([]any)
		// The VPC's CIDR pasted into the IDC segments.
		segs[0].(map[string]any)["cidr"] = "10.0.0.0/16"
	})
	noVPCID := writePlan(t, func(doc map[string]any) {
		att := doc["borderGateway"].(map[string]any)["attachments"].([]any)[0].(map[string]any)
		delete(att, "vpcId")
	})
	tests := []struct {
		name      string
		args      []string
		stdin     string
		wantCode  int
		wantOut   string // in stdout
		wantErr   string // in stderr
		wantEmpty bool   // nothing on stdout
	}{
		{"frr", []string{"--format", "frr", seedFile}, "", 0, "router bgp 65001\n", "", false},
		{"ios-xe from stdin", []string{"--format", "ios-xe", "-"}, string(seed), 0, "\nrouter bgp 65001\n", "", false},
		{"junos with timers", []string{"--format", "junos", "--bgp-timers", "1,3", seedFile}, "", 0, "set protocols bgp group JDC-DC-V4 hold-time 3\n", "", false},
		{"vrp with interface", []string{"--format", "vrp", "--dc-interface", "GigabitEthernet0/0/9", seedFile}, "", 0, "interface GigabitEthernet0/0/9.100\n", "", false},
		{"plan", []string{"--format", "plan", seedFile}, "", 0, `"name": "seed-dc-primary-vpn-backup"`, "", false},
		{"calls", []string{"--format", "calls", seedFile}, "", 0, `"action": "CreateBgw"`, "", false},
		{"calls without a VPC id", []string{"--format", "calls", noVPCID}, "", 1, "", "$.borderGateway.attachments[0].vpcId", true},
		{"validation errors", []string{"--format", "frr", overlap}, "", 1, "", "$.idc.segments[0].cidr", true},
		{"no format", []string{seedFile}, "", 2, "", "--format is required", true},
		{"unknown format", []string{"--format", "eos", seedFile}, "", 2, "", `unknown format "eos"`, true},
		{"bad timers", []string{"--format", "frr", "--bgp-timers", "3", seedFile}, "", 2, "", "keepalive and hold time", true},
		{"timers out of range", []string{"--format", "frr", "--bgp-timers", "5,4", seedFile}, "", 2, "", "greater than the keepalive", true},
		{"missing file", []string{"--format", "frr", "no-such-plan.json"}, "", 2, "", "no-such-plan.json", true},
		{"not a plan", []string{"--format", "frr", "-"}, "{\"version\": 1, \"nmae\": 3}", 2, "", "nmae", true},
		{"two files", []string{"--format", "frr", seedFile, seedFile}, "", 2, "", "exactly one plan file", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, tc.stdin, append([]string{"export"}, tc.args...)...)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d\nstdout: %.300s\nstderr: %s", code, tc.wantCode, out, errOut)
			}
			if !strings.Contains(out, tc.wantOut) {
				t.Errorf("stdout lacks %q:\n%.500s", tc.wantOut, out)
			}
			if !strings.Contains(errOut, tc.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tc.wantErr, errOut)
			}
			if tc.wantEmpty && out != "" {
				t.Errorf("stdout should be empty on failure, got %.200s", out)
			}
		})
	}
}

func TestExportToFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "router.conf")
	if err := os.WriteFile(path, []byte("old configuration\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCmd(t, "", "export", "--format", "plan", "-o", path, seedFile)
	if code != 0 || out != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, out, errOut)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plan.DecodeBytes(data); err != nil {
		t.Fatalf("the written plan does not decode: %v", err)
	}

	// A refused export leaves the old file alone and no temporary files.
	bad := writePlan(t, func(doc map[string]any) {
		doc["idc"].(map[string]any)["segments"].([]any)[0].(map[string]any)["cidr"] = "10.0.0.0/16"
	})
	if code, _, _ := runCmd(t, "", "export", "--format", "frr", "-o", path, bad); code != 1 {
		t.Fatalf("exit %d for a plan with errors, want 1", code)
	}
	after, _ := os.ReadFile(path)
	if string(after) != string(data) {
		t.Error("a refused export changed the output file")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the output directory holds %d entries, want only router.conf", len(entries))
	}
}
