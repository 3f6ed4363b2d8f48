//go:build !(js && wasm)

package export

// FRR runs on Linux; under js/wasm (make test-wasm) there is no FRR to load
// into, so this file is left out there and the rest of the tests still run.

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hybridplan/hybridplan/pkg/plan"
)

const frrDir = "/usr/lib/frr"

// requireFRR skips the test when FRR is not installed, unless
// HYBRIDPLAN_REQUIRE_FRR=1 (make test sets it), where a missing FRR is a
// failure rather than a silent pass.
func requireFRR(t *testing.T) {
	t.Helper()
	_, errV := exec.LookPath("vtysh")
	_, errB := os.Stat(filepath.Join(frrDir, "bgpd"))
	if errV == nil && errB == nil {
		return
	}
	if os.Getenv("HYBRIDPLAN_REQUIRE_FRR") == "1" {
		t.Fatalf("FRR is not installed (vtysh: %v, bgpd: %v) and HYBRIDPLAN_REQUIRE_FRR=1: run scripts/install-test-deps.sh", errV, errB)
	}
	t.Skip("FRR is not installed; set HYBRIDPLAN_REQUIRE_FRR=1 to make this a failure")
}

// frrCases are the configurations checked against FRR: every example, with
// the oracle's fast timers too, and a plan whose VPN uses another customer
// ASN (local-as).
func frrCases(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for name, p := range examplePlans(t) {
		for suffix, opts := range map[string]Options{"": {}, "+timers": {BGPTimers: &[2]int{1, 3}}} {
			b, err := Render(p, FormatFRR, opts)
			if err != nil {
				t.Fatalf("%s: Render: %v", name, err)
			}
			out[name+suffix] = b
		}
	}
	p := seedPlan(t)
	p.VPN.CustomerGateway.ASN = 65002
	b, err := Render(p, FormatFRR, Options{})
	if err != nil {
		t.Fatalf("seed with VPN customer ASN 65002: Render: %v", err)
	}
	out["seed+vpn-local-as"] = b
	for name, edit := range map[string]func(*plan.Plan){
		"seed+dc-only":  func(p *plan.Plan) { p.VPN = nil },
		"seed+vpn-only": func(p *plan.Plan) { p.DirectConnection = nil },
	} {
		p := seedPlan(t)
		edit(p)
		b, err := Render(p, FormatFRR, Options{})
		if err != nil {
			t.Fatalf("%s: Render: %v", name, err)
		}
		out[name] = b
	}
	return out
}

// TestFRRDryRun checks every configuration's syntax with FRR's own parser.
func TestFRRDryRun(t *testing.T) {
	requireFRR(t)
	for name, conf := range frrCases(t) {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "frr.conf")
			if err := os.WriteFile(path, conf, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command("vtysh", "--dryrun", "-f", path).CombinedOutput()
			if err != nil || strings.TrimSpace(string(out)) != "" {
				t.Fatalf("vtysh --dryrun rejects the configuration (%v):\n%s", err, out)
			}
		})
	}
}

// TestFRRLoad loads every configuration into real FRR daemons (zebra,
// staticd, bfdd, bgpd) in a network namespace the test creates, which
// catches what the dry run cannot (a route map on an undefined neighbor, a
// value out of range), and checks that every announced prefix is in the
// BGP table: the discard routes give each `network` statement its RIB match.
func TestFRRLoad(t *testing.T) {
	requireFRR(t)
	if os.Geteuid() != 0 {
		if os.Getenv("HYBRIDPLAN_REQUIRE_FRR") == "1" {
			t.Fatal("loading FRR in a network namespace needs root (make test runs as root in CI)")
		}
		t.Skip("loading FRR in a network namespace needs root")
	}
	i := 0
	for name, conf := range frrCases(t) {
		i++
		t.Run(name, func(t *testing.T) {
			ns := startFRR(t, fmt.Sprintf("hpexp%d-%d", os.Getpid(), i))
			path := filepath.Join(t.TempDir(), "frr.conf")
			if err := os.WriteFile(path, conf, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command("vtysh", "-N", ns, "-f", path).CombinedOutput()
			if msgs := frrErrors(string(out)); err != nil || len(msgs) > 0 {
				t.Fatalf("FRR rejects the configuration (%v):\n%s", err, strings.Join(msgs, "\n"))
			}
			run, err := exec.Command("vtysh", "-N", ns, "-c", "show running-config").CombinedOutput()
			if err != nil {
				t.Fatalf("show running-config: %v\n%s", err, run)
			}
			for _, line := range strings.Split(string(conf), "\n") {
				l := strings.TrimSpace(line)
				// Every neighbor policy must have been accepted as written.
				if strings.HasPrefix(l, "neighbor ") && strings.Contains(l, " route-map ") && !strings.Contains(string(run), l) {
					t.Errorf("FRR's running configuration lacks %q", l)
				}
			}
			if strings.Contains(string(conf), "timers bgp 1 3") && !strings.Contains(string(run), "timers bgp 1 3") {
				t.Errorf("FRR's running configuration lacks the BGP timers")
			}
			waitOriginated(t, ns, conf)
		})
	}
}

// frrErrors returns vtysh's complaints, without the notice that the
// namespace has no vtysh.conf of its own.
func frrErrors(out string) []string {
	var msgs []string
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.Contains(l, "vtysh.conf") {
			continue
		}
		msgs = append(msgs, l)
	}
	return msgs
}

// startFRR creates network namespace ns and starts zebra, staticd, bfdd and
// bgpd in it with empty configurations, as children of the test (not
// daemonized) so that cleanup can stop and reap them and delete the
// namespace.
func startFRR(t *testing.T, ns string) string {
	t.Helper()
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add %s: %v\n%s", ns, err, out)
	}
	stateDir := filepath.Join("/var/run/frr", ns)
	var procs []*exec.Cmd
	t.Cleanup(func() {
		for i := len(procs) - 1; i >= 0; i-- {
			_ = procs[i].Process.Kill()
			_ = procs[i].Wait()
		}
		_ = exec.Command("ip", "netns", "del", ns).Run()
		_ = os.RemoveAll(stateDir)
	})
	if out, err := exec.Command("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up").CombinedOutput(); err != nil {
		t.Fatalf("bringing up lo in %s: %v\n%s", ns, err, out)
	}
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		t.Fatal(err)
	}
	// The daemons drop privileges to the frr user and must write here.
	_ = exec.Command("chown", "frr:frr", stateDir).Run()
	daemons := []string{"zebra", "staticd", "bfdd", "bgpd"}
	for _, d := range daemons {
		cmd := exec.Command("ip", "netns", "exec", ns, filepath.Join(frrDir, d), "-N", ns, "-f", "/dev/null",
			"-i", filepath.Join(stateDir, d+".pid"))
		if err := cmd.Start(); err != nil {
			t.Fatalf("starting %s in %s: %v", d, ns, err)
		}
		procs = append(procs, cmd)
		// zebra must be listening before the others connect to it.
		waitFile(t, filepath.Join(stateDir, d+".vty"), d, ns)
	}
	return ns
}

// waitFile waits for a daemon's vty socket; the bound only ends a broken run.
func waitFile(t *testing.T, path, daemon, ns string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("FRR %s in namespace %s did not open %s", daemon, ns, path)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitOriginated waits until every `network` prefix of conf is in bgpd's
// table. Static routes reach bgpd through zebra asynchronously, so this
// polls; the bound is generous and only ends a broken run.
func waitOriginated(t *testing.T, ns string, conf []byte) {
	t.Helper()
	want := map[string][]string{}
	for _, line := range strings.Split(string(conf), "\n") {
		l := strings.TrimSpace(line)
		if p, ok := strings.CutPrefix(l, "network "); ok {
			fam := "ipv4"
			if strings.Contains(p, ":") {
				fam = "ipv6"
			}
			want[fam] = append(want[fam], p)
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for fam, prefixes := range want {
		for {
			out, err := exec.Command("vtysh", "-N", ns, "-c", "show bgp "+fam+" unicast json").Output()
			var table struct {
				Routes map[string]json.RawMessage `json:"routes"`
			}
			var missing []string
			if err == nil && json.Unmarshal(out, &table) == nil {
				for _, p := range prefixes {
					if _, ok := table.Routes[p]; !ok {
						missing = append(missing, p)
					}
				}
			} else {
				missing = prefixes
			}
			if len(missing) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("bgpd never originated %s: the discard routes do not give these network statements a RIB match", strings.Join(missing, ", "))
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}
