package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/pkg/plan"
)

const seedFile = "../../examples/seed-dc-primary-vpn-backup.json"

// runCmd runs the command in-process, as main would.
func runCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestValidateExamplesExitZero(t *testing.T) {
	files, _ := filepath.Glob("../../examples/*.json")
	code, out, errOut := runCmd(t, "", append([]string{"validate"}, files...)...)
	if code != 0 {
		t.Fatalf("exit %d, want 0\n%s%s", code, out, errOut)
	}
	for _, f := range files {
		if !strings.Contains(out, f+": OK") {
			t.Errorf("output does not report %s as OK:\n%s", f, out)
		}
	}
}

// writePlan writes a variant of the seed plan made by edit into a temp file.
func writePlan(t *testing.T, edit func(doc map[string]any)) string {
	t.Helper()
	data, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc)
	out, _ := json.MarshalIndent(doc, "", "  ")
	name := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(name, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestValidateOverlapNamesBothPaths(t *testing.T) {
	name := writePlan(t, func(doc map[string]any) {
		idc := doc["idc"].(map[string]any)
		segs := idc["segments"].([]any)
		idc["segments"] = append(segs, map[string]any{"name": "pasted-vpc", "cidr": "10.0.0.0/16"})
	})
	for _, asJSON := range []bool{false, true} {
		args := []string{"validate", name}
		if asJSON {
			args = []string{"validate", "--json", name}
		}
		code, out, errOut := runCmd(t, "", args...)
		if code != 1 {
			t.Fatalf("%v: exit %d, want 1\n%s%s", args, code, out, errOut)
		}
		for _, path := range []string{"$.idc.segments[2].cidr", "$.borderGateway.attachments[0].cidrs[0]"} {
			if !strings.Contains(out, path) {
				t.Errorf("%v: output does not name %s:\n%s", args, path, out)
			}
		}
	}
}

func TestValidateBadInputExitTwo(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name  string
		args  []string
		stdin string
		want  string // in stdout or stderr
	}{
		{"malformed JSON", []string{"validate", write("bad.json", []byte(`{"version": 1,`))}, "", "ends in the middle"},
		{"wrong type", []string{"validate", write("type.json", []byte(`{"version":1,"idc":{"asn":"65001"}}`))}, "", "$.idc.asn"},
		{"oversized", []string{"validate", write("big.json", bytes.Repeat([]byte(" "), plan.MaxDocumentBytes+1))}, "", "larger than"},
		{"missing file", []string{"validate", filepath.Join(dir, "nope.json")}, "", "no such file"},
		{"directory", []string{"validate", dir}, "", "is a directory"},
		{"stdin malformed", []string{"validate", "-"}, "{", "ends in the middle"},
		{"no file", []string{"validate"}, "", "usage"},
		{"unknown flag", []string{"validate", "--yaml", "x"}, "", "flag provided but not defined"},
		{"unknown command", []string{"frobnicate"}, "", "unknown command"},
		{"worst status wins", []string{"validate", seedFile, write("bad2.json", []byte(`[]`))}, "", "JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, tt.stdin, tt.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2\n%s%s", code, out, errOut)
			}
			if !strings.Contains(out+errOut, tt.want) {
				t.Errorf("output lacks %q:\n%s%s", tt.want, out, errOut)
			}
		})
	}
}

func TestValidateStdin(t *testing.T) {
	data, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCmd(t, string(data), "validate", "-")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
}

func TestValidateJSONShape(t *testing.T) {
	bad := writePlan(t, func(doc map[string]any) { doc["nmae"] = "typo" })
	code, out, _ := runCmd(t, "", "validate", "--json", seedFile, bad)
	if code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	var report struct {
		Version int `json:"version"`
		Results []struct {
			File    string `json:"file"`
			Status  string `json:"status"`
			Summary struct {
				Errors, Warnings, Info int
			} `json:"summary"`
			Findings []plan.Finding `json:"findings"`
		} `json:"results"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&report); err != nil {
		t.Fatalf("output is not the documented shape: %v\n%s", err, out)
	}
	if report.Version != 1 || len(report.Results) != 2 {
		t.Fatalf("got version %d with %d results", report.Version, len(report.Results))
	}
	if r := report.Results[0]; r.Status != "ok" || r.Findings == nil || r.Summary.Errors != 0 {
		t.Errorf("seed result: %+v", r)
	}
	r := report.Results[1]
	if r.Status != "unreadable" || r.Summary.Errors != 1 || r.Findings[0].Path != "$.nmae" || r.Findings[0].Code != plan.CodeDecodeUnknownField {
		t.Errorf("typo result: %+v", r)
	}
}

func TestHelp(t *testing.T) {
	code, out, _ := runCmd(t, "", "--help")
	if code != 0 || !strings.Contains(out, "validate") || !strings.Contains(out, "simulate") {
		t.Fatalf("exit %d, help:\n%s", code, out)
	}
}

// FuzzValidateCLI checks that the command never panics and always exits
// 0, 1 or 2 whatever the plan bytes.
func FuzzValidateCLI(f *testing.F) {
	if data, err := os.ReadFile(seedFile); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`{"version":1}`))
	f.Add([]byte(`{"version":1,"idc":{"segments":[{"name":"a","cidr":"10.0.0.0/8"},{"name":"a","cidr":"10.0.0.0/8"}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var out, errOut bytes.Buffer
		code := run([]string{"validate", "--json", "-"}, bytes.NewReader(data), &out, &errOut)
		if code < 0 || code > 2 {
			t.Fatalf("exit %d", code)
		}
		if !json.Valid(out.Bytes()) {
			t.Fatalf("--json output is not JSON: %s", out.String())
		}
	})
}

// TestOneVerdict: a strategy error (a split over the dynamic-route quota)
// fails validate with exit 1, and simulate, trace and export refuse the
// plan with exit 1 unless --force.
func TestOneVerdict(t *testing.T) {
	name := writePlan(t, func(doc map[string]any) {
		doc["strategy"].(map[string]any)["prefixSplit"].(map[string]any)["extraBits"] = 8
	})
	tests := []struct {
		args     []string
		code     int
		errHas   string
		outEmpty bool
	}{
		{[]string{"validate", name}, 1, "", false},
		{[]string{"simulate", name}, 1, "strategy.quota-exceeded", true},
		{[]string{"simulate", "--force", name}, 0, "going on because of --force", false},
		{[]string{"trace", name, "10.0.0.1", "192.168.0.1"}, 1, "give --force", true},
		{[]string{"trace", "--force", name, "10.0.0.1", "192.168.0.1"}, 0, "--force", false},
		{[]string{"export", "--format", "frr", name}, 1, "strategy.quota-exceeded", true},
		{[]string{"export", "--format", "frr", "--force", name}, 0, "--force", false},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[:len(tt.args)-1], " "), func(t *testing.T) {
			code, out, errOut := runCmd(t, "", tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tt.code, out, errOut)
			}
			if !strings.Contains(errOut, tt.errHas) {
				t.Errorf("stderr lacks %q:\n%s", tt.errHas, errOut)
			}
			if tt.outEmpty != (out == "") {
				t.Errorf("stdout %.200q", out)
			}
			if tt.args[0] == "validate" && !strings.Contains(out, "strategy.quota-exceeded") {
				t.Errorf("validate does not report the strategy error:\n%s", out)
			}
		})
	}
}

// TestValidateSecrets: --secrets resolves env: references here and checks
// the keys; without it nothing is resolved. The key is never printed.
func TestValidateSecrets(t *testing.T) {
	const bad = "0xdeadbeef-secret"
	t.Setenv("HYBRIDPLAN_PSK_TUN1", bad)
	t.Setenv("HYBRIDPLAN_PSK_TUN2", "Good_key_2")
	if code, out, errOut := runCmd(t, "", "validate", seedFile); code != 0 {
		t.Fatalf("without --secrets: exit %d\n%s%s", code, out, errOut)
	}
	for _, asJSON := range []bool{false, true} {
		args := []string{"validate", "--secrets", seedFile}
		if asJSON {
			args = []string{"validate", "--json", "--secrets", seedFile}
		}
		code, out, errOut := runCmd(t, "", args...)
		if code != 1 || !strings.Contains(out, "vpn.psk-invalid") || !strings.Contains(out, "$.vpn.tunnels[0].pskRef") {
			t.Fatalf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
		if strings.Contains(out+errOut, bad) || strings.Contains(out+errOut, "deadbeef") {
			t.Errorf("%v prints the key:\n%s%s", args, out, errOut)
		}
		if strings.Contains(out, "$.vpn.tunnels[1].pskRef") {
			t.Errorf("%v: a finding on the good key:\n%s", args, out)
		}
	}
	t.Setenv("HYBRIDPLAN_PSK_TUN2", "")
	if code, out, _ := runCmd(t, "", "validate", "--secrets", seedFile); code != 1 || !strings.Contains(out, "vpn.psk-unresolved") {
		t.Errorf("unset variable: exit %d\n%s", code, out)
	}
}

// TestValidateSecretsOnlyFromAllowedSources: with --secrets, a plan's
// reference to the cloud credentials, another prefix or a file outside
// --psk-dir is refused (vpn.psk-unresolved) and nothing is read.
func TestValidateSecretsOnlyFromAllowedSources(t *testing.T) {
	const secret = "Sup3r_secret_value"
	t.Setenv("JDCLOUD_SECRET_KEY", secret)
	t.Setenv("OTHER_TEAM_PSK", secret)
	keyFile := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(keyFile, []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"env:JDCLOUD_SECRET_KEY", "env:OTHER_TEAM_PSK", "file:" + keyFile, "file:/proc/self/environ", "file:/dev/zero"} {
		t.Run(ref, func(t *testing.T) {
			f := writePlan(t, func(doc map[string]any) {
				doc["vpn"].(map[string]any)["tunnels"].([]any)[0].(map[string]any)["pskRef"] = ref
			})
			code, out, errOut := runCmd(t, "", "validate", "--secrets", f)
			if code != 1 || !strings.Contains(out, "vpn.psk-unresolved") || !strings.Contains(out, "not allowed") {
				t.Fatalf("exit %d\n%s%s", code, out, errOut)
			}
			if strings.Contains(out+errOut, secret) {
				t.Errorf("the secret is printed:\n%s%s", out, errOut)
			}
		})
	}
	// The same file is read once its directory is allowed.
	f := writePlan(t, func(doc map[string]any) {
		doc["vpn"].(map[string]any)["tunnels"].([]any)[0].(map[string]any)["pskRef"] = "file:" + keyFile
	})
	t.Setenv("HYBRIDPLAN_PSK_TUN2", "Good_key_2")
	if code, out, errOut := runCmd(t, "", "validate", "--secrets", "--psk-dir", filepath.Dir(keyFile), f); code != 0 {
		t.Errorf("allowed directory: exit %d\n%s%s", code, out, errOut)
	}
}

// TestValidateDecodeErrorExitTwo: a document that does not decode is exit
// 2 even when another file has plan errors.
func TestValidateDecodeErrorExitTwo(t *testing.T) {
	withErrors := writePlan(t, func(doc map[string]any) { doc["name"] = "" })
	code, out, errOut := runCmd(t, "{\"version\": 1, \"idc\": 5}", "validate", withErrors, "-")
	if code != 2 || !strings.Contains(out, "CANNOT BE READ") || !strings.Contains(out, "HAS ERRORS") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}
