package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// scenarioBlock returns the text output of one scenario.
func scenarioBlock(out, name string) string {
	_, after, ok := strings.Cut(out, "== scenario "+name+":")
	if !ok {
		return ""
	}
	block, _, _ := strings.Cut(after, "\n== scenario ")
	return block
}

func TestSimulateAllSeed(t *testing.T) {
	code, out, errOut := runCmd(t, "", "simulate", "--all", seedFile)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	tests := []struct {
		scenario string
		want     []string
	}{
		{"normal", []string{
			"attach-prod 10.0.0.1 → idc-servers 192.168.0.1: Direct Connection via pvif-bj-1 (192.168.0.0/17) | Direct Connection via pvif-bj-1 (10.0.0.0/16)  symmetric",
			"attach-prod 10.0.0.1 → idc-office 172.20.0.1: Direct Connection via pvif-bj-1 (172.20.0.0/17) | Direct Connection via pvif-bj-1 (10.0.0.0/16)  symmetric",
			"local-preference: local-preference 200 (pvif-bj-1) beats local-preference 100 (tun-1, tun-2)",
		}},
		{"dc-session-down", []string{
			"idc-servers 192.168.0.1: VPN via tun-1, tun-2 (192.168.0.0/16) | VPN via tun-1 (10.0.0.0/16)  symmetric",
		}},
		{"dc-port-down", []string{
			"idc-office 172.20.0.1: VPN via tun-1, tun-2 (172.20.0.0/16) | VPN via tun-1 (10.0.0.0/16)  symmetric",
			"pvif-bj-1 (down)",
		}},
		{"dc-port-down-failback", []string{
			"idc-servers 192.168.0.1: Direct Connection via pvif-bj-1 (192.168.0.0/17) | Direct Connection via pvif-bj-1 (10.0.0.0/16)  symmetric",
		}},
		{"both-down", []string{"no route | no route  UNREACHABLE"}},
	}
	for _, tt := range tests {
		block := scenarioBlock(out, tt.scenario)
		if block == "" {
			t.Errorf("no scenario %s in the output", tt.scenario)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(block, w) {
				t.Errorf("scenario %s lacks %q:\n%s", tt.scenario, w, block)
			}
		}
	}
}

func TestSimulateJSON(t *testing.T) {
	code, out, errOut := runCmd(t, "", "simulate", seedFile, "--scenario", "dc-port-down", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var r struct {
		Version  int    `json:"version"`
		File     string `json:"file"`
		Strategy struct {
			Mode          string `json:"mode"`
			DynamicRoutes int    `json:"dynamicRoutes"`
		} `json:"strategy"`
		Scenarios []struct {
			Scenario struct {
				Name   string `json:"name"`
				Events []struct {
					Kind    string `json:"kind"`
					Session string `json:"session"`
				} `json:"events"`
			} `json:"scenario"`
			Sessions []struct {
				Name string `json:"name"`
				Up   bool   `json:"up"`
			} `json:"sessions"`
			BorderGateway struct {
				Router string `json:"router"`
				Routes []struct {
					Prefix   string `json:"prefix"`
					Decision struct {
						Step   string `json:"step"`
						Reason string `json:"reason"`
					} `json:"decision"`
					NextHops []struct {
						Kind, Session, Address string
					} `json:"nextHops"`
				} `json:"routes"`
			} `json:"borderGateway"`
			CustomerRouter struct {
				Routes []json.RawMessage `json:"routes"`
			} `json:"customerRouter"`
			Connectivity []struct {
				IDC, VPC  string
				Reachable bool
				Symmetric bool
				Forward   struct{ Kind string } `json:"forward"`
			} `json:"connectivity"`
		} `json:"scenarios"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if r.Version != 1 || r.File != seedFile || r.Strategy.Mode != "prefix-split" || r.Strategy.DynamicRoutes != 8 || len(r.Scenarios) != 1 {
		t.Fatalf("report header: %+v", r)
	}
	s := r.Scenarios[0]
	if s.Scenario.Name != "dc-port-down" || len(s.Scenario.Events) != 1 || s.Scenario.Events[0].Kind != "link-down" || s.Scenario.Events[0].Session != "dc-bj-0001" {
		t.Errorf("scenario: %+v", s.Scenario)
	}
	if len(s.Sessions) != 3 || s.Sessions[0].Up || !s.Sessions[1].Up {
		t.Errorf("sessions: %+v", s.Sessions)
	}
	if s.BorderGateway.Router != "border-gateway" || len(s.BorderGateway.Routes) != 3 || len(s.CustomerRouter.Routes) != 1 {
		t.Errorf("tables: %+v", s.BorderGateway)
	}
	r1 := s.BorderGateway.Routes[1]
	if r1.Prefix != "172.20.0.0/16" || r1.Decision.Step != "ecmp" || len(r1.NextHops) != 2 || r1.NextHops[0].Kind != "vpn" || r1.NextHops[0].Address != "169.254.10.2" {
		t.Errorf("route: %+v", r1)
	}
	if len(s.Connectivity) != 2 || !s.Connectivity[0].Symmetric || s.Connectivity[0].Forward.Kind != "vpn" {
		t.Errorf("connectivity: %+v", s.Connectivity)
	}
}

func TestSimulateWithdrawAndStdin(t *testing.T) {
	data, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCmd(t, string(data), "simulate", "--withdraw", "192.168.0.0/17", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	block := scenarioBlock(out, "dc-routes-withdrawn:192.168.0.0/17")
	for _, w := range []string{
		"idc-servers 192.168.0.1: VPN via tun-1, tun-2 (192.168.0.0/16) | Direct Connection via pvif-bj-1 (10.0.0.0/16)  ASYMMETRIC",
		"idc-office 172.20.0.1: Direct Connection via pvif-bj-1 (172.20.0.0/17)",
	} {
		if !strings.Contains(block, w) {
			t.Errorf("lacks %q:\n%s", w, out)
		}
	}
}

func TestSimulateExitCodes(t *testing.T) {
	overlap := writePlan(t, func(doc map[string]any) {
		segs := doc["idc"].(map[string]any)["segments"].([]any)
		segs[0].(map[string]any)["cidr"] = "10.0.0.0/16" // the VPC's CIDR
	})
	broken := filepath.Join(t.TempDir(), "broken.json")
	if err := os.WriteFile(broken, []byte(`{"version": 1, "idc": `), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"no file", []string{"simulate"}, 2, "give exactly one plan file"},
		{"two files", []string{"simulate", seedFile, seedFile}, 2, "give exactly one plan file"},
		{"missing file", []string{"simulate", "/nonexistent/plan.json"}, 2, "no such file"},
		{"broken JSON", []string{"simulate", broken}, 2, "cannot be read as a plan"},
		{"unknown scenario", []string{"simulate", "--scenario", "meteor", seedFile}, 2, `no scenario "meteor" for this plan; choose one of: normal`},
		{"scenario and all", []string{"simulate", "--all", "--scenario", "normal", seedFile}, 2, "exclude each other"},
		{"bad withdraw prefix", []string{"simulate", "--withdraw", "192.168.0.0", seedFile}, 2, `"192.168.0.0" is not a prefix`},
		{"withdraw a prefix not advertised", []string{"simulate", "--withdraw", "10.9.0.0/16", seedFile}, 2, "10.9.0.0/16 is not advertised over direct-connection"},
		{"unknown flag", []string{"simulate", "--bogus", seedFile}, 2, "flag provided but not defined"},
		{"validation errors", []string{"simulate", overlap}, 1, "has errors; fix them first, or give --force"},
		{"trace validation errors", []string{"trace", overlap, "10.0.0.1", "172.20.0.1"}, 1, "has errors; fix them first"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, "", tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.err) {
				t.Errorf("exit %d, stderr %q; want %d and %q\n%s", code, errOut, tt.code, tt.err, out)
			}
		})
	}
}

func TestTrace(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"normal, VM to IDC", []string{"trace", seedFile, "10.0.0.5", "192.168.1.1"}, []string{
			"scenario normal: 10.0.0.5 (VPC attach-prod, 10.0.0.0/16) → 192.168.1.1 (IDC idc-servers, 192.168.0.0/16)",
			"forward: the border gateway matches 192.168.0.0/17 and sends over Direct Connection via pvif-bj-1",
			"return:  the customer router matches 10.0.0.0/16 and sends over Direct Connection via pvif-bj-1",
			"verdict: reachable, symmetric",
		}},
		{"flags after the arguments, IDC to VM", []string{"trace", seedFile, "172.20.0.9", "10.0.3.3", "--scenario", "dc-port-down"}, []string{
			"forward: the customer router matches 10.0.0.0/16 and sends over VPN via tun-1",
			"return:  the border gateway matches 172.20.0.0/16 and sends over VPN via tun-1, tun-2",
			"verdict: reachable, symmetric",
		}},
		{"both down", []string{"trace", "--scenario", "both-down", seedFile, "10.0.0.5", "192.168.1.1"}, []string{
			"forward: NO PATH: the border gateway has no route to 192.168.1.1",
			"verdict: UNREACHABLE",
		}},
		{"all scenarios", []string{"trace", "--all", seedFile, "10.0.0.5", "192.168.1.1"}, []string{
			"scenario dc-session-down-failback:", "scenario both-down-failback:",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, "", tt.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestTraceJSON(t *testing.T) {
	code, out, errOut := runCmd(t, "", "trace", "--json", "--scenario", "dc-session-down", seedFile, "192.168.1.1", "10.0.0.5")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var r struct {
		Version int `json:"version"`
		Traces  []struct {
			Scenario string `json:"scenario"`
			Source   struct {
				Address, Side, Segment string
			} `json:"source"`
			Forward struct {
				Router    string `json:"router"`
				Reachable bool   `json:"reachable"`
				Route     string `json:"route"`
				Kind      string `json:"kind"`
				NextHops  []struct{ Session, Address string }
				Reason    string `json:"reason"`
			} `json:"forward"`
			Return struct {
				Router string `json:"router"`
				Kind   string `json:"kind"`
			} `json:"return"`
			Reachable    bool   `json:"reachable"`
			Symmetric    bool   `json:"symmetric"`
			SameSessions bool   `json:"sameSessions"`
			Reason       string `json:"reason"`
		} `json:"traces"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if r.Version != 1 || len(r.Traces) != 1 {
		t.Fatalf("%+v", r)
	}
	tr := r.Traces[0]
	if tr.Scenario != "dc-session-down" || tr.Source.Side != "idc" || tr.Source.Segment != "idc-servers" ||
		tr.Forward.Router != "customer-router" || tr.Forward.Kind != "vpn" || tr.Forward.Route != "10.0.0.0/16" ||
		len(tr.Forward.NextHops) != 1 || tr.Forward.NextHops[0].Address != "169.254.10.1" ||
		tr.Return.Router != "border-gateway" || !tr.Reachable || !tr.Symmetric || tr.SameSessions || tr.Reason == "" {
		t.Errorf("%+v", tr)
	}
}

func TestTraceBadInput(t *testing.T) {
	tests := []struct {
		args []string
		err  string
	}{
		{[]string{"trace", seedFile, "10.0.0.5"}, "give a plan file, a source address and a destination address"},
		{[]string{"trace", seedFile, "10.0.0.5", "nope"}, `"nope" is not an IP address`},
		{[]string{"trace", seedFile, "10.0.0.5", "10.0.0.6"}, "both 10.0.0.5 and 10.0.0.6 are in the VPC"},
		{[]string{"trace", seedFile, "8.8.8.8", "10.0.0.6"}, "in no IDC segment and no VPC CIDR"},
		{[]string{"trace", "--scenario", "x", seedFile, "10.0.0.5", "192.168.0.1"}, `no scenario "x"`},
		{[]string{"trace", "--all", "--scenario", "normal", seedFile, "10.0.0.5", "192.168.0.1"}, "exclude each other"},
	}
	for _, tt := range tests {
		code, _, errOut := runCmd(t, "", tt.args...)
		if code != 2 || !strings.Contains(errOut, tt.err) {
			t.Errorf("%v: exit %d %q, want 2 and %q", tt.args, code, errOut, tt.err)
		}
	}
}

func TestSimulateTraceHelp(t *testing.T) {
	for _, cmd := range []string{"simulate", "trace"} {
		code, _, errOut := runCmd(t, "", cmd, "-h")
		if code != 0 || !strings.Contains(errOut, "usage: hybridplan "+cmd) || !strings.Contains(errOut, "-scenario") {
			t.Errorf("%s -h: exit %d\n%s", cmd, code, errOut)
		}
	}
}

// A VPC with an IPv4 and an IPv6 CIDR appears twice under one name: each
// line shows the address of its own family.
func TestSimulateDualStackAddresses(t *testing.T) {
	code, out, errOut := runCmd(t, "", "simulate", "../../examples/dualstack-aggregate-over-vpn.json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, w := range []string{
		"attach-gz 10.40.0.1 → gz-web 10.30.0.1: Direct Connection via pvif-gz-1 (10.30.0.0/24)",
		"attach-gz 2001:db8:40::1 → gz-v6 2001:db8:30::1: Direct Connection via pvif-gz-1 (2001:db8:30::/49)",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("lacks %q:\n%s", w, out)
		}
	}
}
