//go:build !(js && wasm)

package export

// FRR runs on Linux; under js/wasm (make test-wasm) there is no FRR to load
// into, so this file is left out there and the rest of the tests still run.

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
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

// startFRR creates network namespace ns and starts FRR in it.
func startFRR(t *testing.T, ns string) string {
	t.Helper()
	newNetns(t, ns)
	startDaemons(t, ns)
	return ns
}

// newNetns creates network namespace ns with its loopback up; cleanup
// deletes it.
func newNetns(t *testing.T, ns string) {
	t.Helper()
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add %s: %v\n%s", ns, err, out)
	}
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
	if out, err := exec.Command("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up").CombinedOutput(); err != nil {
		t.Fatalf("bringing up lo in %s: %v\n%s", ns, err, out)
	}
}

// startDaemons starts zebra, staticd, bfdd and bgpd in ns with empty
// configurations, as children of the test (not daemonized) so that cleanup
// can stop and reap them before the namespace goes.
func startDaemons(t *testing.T, ns string) {
	t.Helper()
	stateDir := filepath.Join("/var/run/frr", ns)
	var procs []*exec.Cmd
	t.Cleanup(func() {
		for i := len(procs) - 1; i >= 0; i-- {
			_ = procs[i].Process.Kill()
			_ = procs[i].Wait()
		}
		_ = os.RemoveAll(stateDir)
	})
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		t.Fatal(err)
	}
	// The daemons drop privileges to the frr user and must write here.
	_ = exec.Command("chown", "frr:frr", stateDir).Run()
	for _, d := range []string{"zebra", "staticd", "bfdd", "bgpd"} {
		cmd := exec.Command("ip", "netns", "exec", ns, filepath.Join(frrDir, d), "-N", ns, "-f", "/dev/null",
			"-i", filepath.Join(stateDir, d+".pid"))
		if err := cmd.Start(); err != nil {
			t.Fatalf("starting %s in %s: %v", d, ns, err)
		}
		procs = append(procs, cmd)
		// zebra must be listening before the others connect to it.
		waitFile(t, filepath.Join(stateDir, d+".vty"), d, ns)
	}
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

// TestFRRPolicies runs each example's exported configuration against a
// second FRR that stands in for JD Cloud, one veth per session, and reads
// back from real bgpd what the policies do: the cloud side must receive on
// every session exactly the prefixes the strategy announces on it, with the
// AS_PATH it predicts (the prepends), and the customer router must hold
// every VPC prefix from every session with the plan's local-preference, and
// nothing the plan does not have.
func TestFRRPolicies(t *testing.T) {
	requireFRR(t)
	if os.Geteuid() != 0 {
		if os.Getenv("HYBRIDPLAN_REQUIRE_FRR") == "1" {
			t.Fatal("running FRR in network namespaces needs root (make test runs as root in CI)")
		}
		t.Skip("running FRR in network namespaces needs root")
	}
	plans := examplePlans(t)
	names := make([]string, 0, len(plans))
	for n := range plans {
		names = append(names, n)
	}
	slices.Sort(names)
	for i, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := plans[name]
			res := strategy.Compute(p)
			conf, err := Render(p, FormatFRR, Options{BGPTimers: &[2]int{1, 3}})
			if err != nil {
				t.Fatal(err)
			}
			d, err := buildDesign(p, res, Options{})
			if err != nil {
				t.Fatal(err)
			}
			// Links and addresses first, so zebra knows them when the
			// daemons start and bgpd connects at once.
			cust := fmt.Sprintf("hpexc%d-%d", os.Getpid(), i)
			cloud := fmt.Sprintf("hpexk%d-%d", os.Getpid(), i)
			for _, ns := range []string{cust, cloud} {
				newNetns(t, ns)
				// bgpd cannot bind a tentative IPv6 address; skip DAD.
				mustRun(t, "ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0")
			}
			for j, s := range res.Sessions {
				c, k := fmt.Sprintf("s%dc", j), fmt.Sprintf("s%dk", j)
				mustRun(t, "ip", "link", "add", c, "netns", cust, "type", "veth", "peer", "name", k, "netns", cloud)
				local, _ := sessionPrefixes(d, s.Name)
				for _, pr := range local {
					// The cloud's address sits in the same subnet as the customer's.
					cloudAddr := s.CloudIP
					if pr.Addr().Is6() {
						cloudAddr = s.CloudIPv6
					}
					mustRun(t, "ip", "-n", cust, "addr", "add", pr.String(), "dev", c)
					mustRun(t, "ip", "-n", cloud, "addr", "add", netip.PrefixFrom(cloudAddr, pr.Bits()).String(), "dev", k)
				}
				mustRun(t, "ip", "-n", cust, "link", "set", c, "up")
				mustRun(t, "ip", "-n", cloud, "link", "set", k, "up")
			}
			startDaemons(t, cloud)
			startDaemons(t, cust)
			// bgpd creates each neighbor before its address family is
			// activated (the order FRR itself saves configuration in), parks
			// it in Idle ("No AFI/SAFI activated") and starts it about 4 s
			// later; the subtests run in parallel so that wait overlaps.
			loadFRR(t, cust, conf)
			loadFRR(t, cloud, []byte(cloudConfig(res)))

			// What the cloud must receive from the customer on each neighbor.
			want := map[string]map[string]string{} // customer address -> prefix -> AS_PATH
			for _, s := range res.Sessions {
				for _, a := range res.IDCToCloud.On(s) {
					addr := s.CustomerAddrFor(a.Prefix).String()
					if want[addr] == nil {
						want[addr] = map[string]string{}
					}
					want[addr][a.Prefix.String()] = repeatASN(s.CustomerASN, 1+a.Prepend)
				}
				for _, addr := range []netip.Addr{s.CustomerIP, s.CustomerIPv6} {
					if addr.IsValid() && want[addr.String()] == nil {
						want[addr.String()] = map[string]string{}
					}
				}
			}
			waitFor(t, 30*time.Second, func() string {
				for addr, prefixes := range want {
					afi := "ipv4"
					if strings.Contains(addr, ":") {
						afi = "ipv6"
					}
					got, err := receivedRoutes(cloud, afi, addr)
					if err != nil {
						return err.Error()
					}
					if !maps.Equal(got, prefixes) {
						return fmt.Sprintf("JD Cloud's side receives from %s %v, want %v", addr, got, prefixes)
					}
				}
				return ""
			})

			// What the customer holds: every VPC prefix from every session
			// of its kind, with the kind's local-preference.
			wantLP := map[string]map[string]int{} // prefix -> neighbor -> local-pref
			for _, s := range res.Sessions {
				for _, a := range res.CloudToIDC.On(s) {
					lp := 100 // BGP's default when the plan sets none
					if res.LocalPreference != nil {
						lp = int(res.LocalPreference.VPN)
						if s.Kind == strategy.DirectConnection {
							lp = int(res.LocalPreference.DirectConnection)
						}
					}
					pr := a.Prefix.String()
					if wantLP[pr] == nil {
						wantLP[pr] = map[string]int{}
					}
					wantLP[pr][s.CloudAddrFor(a.Prefix).String()] = lp
				}
			}
			waitFor(t, 30*time.Second, func() string {
				for _, afi := range []string{"ipv4", "ipv6"} {
					got, err := localPrefs(cust, afi)
					if err != nil {
						return err.Error()
					}
					for pr, byPeer := range wantLP {
						if strings.Contains(pr, ":") != (afi == "ipv6") {
							continue
						}
						if !maps.Equal(got[pr], byPeer) {
							return fmt.Sprintf("the customer router holds %s with local-preference by neighbor %v, want %v", pr, got[pr], byPeer)
						}
					}
					for pr := range got {
						if _, ok := wantLP[pr]; !ok && !slices.ContainsFunc(d.Originate, func(o netip.Prefix) bool { return o.String() == pr }) {
							return fmt.Sprintf("the customer router accepted %s, which JD Cloud does not advertise in the plan", pr)
						}
					}
				}
				return ""
			})
		})
	}
}

func mustRun(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// loadFRR applies a configuration to the daemons in ns, failing on any
// complaint.
func loadFRR(t *testing.T, ns string, conf []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), ns+".conf")
	if err := os.WriteFile(path, conf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("vtysh", "-N", ns, "-f", path).CombinedOutput()
	if msgs := frrErrors(string(out)); err != nil || len(msgs) > 0 {
		t.Fatalf("FRR in %s rejects the configuration (%v):\n%s", ns, err, strings.Join(msgs, "\n"))
	}
}

// sessionPrefixes returns the customer's interface prefixes of a session.
func sessionPrefixes(d *design, session string) ([]netip.Prefix, bool) {
	for _, n := range d.Neighbors {
		if n.Session != session {
			continue
		}
		var v4, v6 netip.Prefix
		if n.DC >= 0 {
			v4, v6 = d.DC[n.DC].V4, d.DC[n.DC].V6
		} else {
			v4, v6 = d.Tunnels[n.Tunnel].V4, d.Tunnels[n.Tunnel].V6
		}
		var out []netip.Prefix
		for _, p := range []netip.Prefix{v4, v6} {
			if p.IsValid() {
				out = append(out, p)
			}
		}
		return out, true
	}
	return nil, false
}

// Prefixes the stand-in advertises beyond the plan (benchmarking and
// documentation space, in no example).
var (
	rogueV4 = strategy.Announcement{Prefix: netip.MustParsePrefix("198.18.0.0/24")}
	rogueV6 = strategy.Announcement{Prefix: netip.MustParsePrefix("2001:db8:dead::/48")}
)

// cloudConfig is a minimal JD Cloud stand-in: it originates the VPC prefixes
// and sends each session what the strategy says the border gateway
// advertises on its kind, plus one prefix per family the plan does not have. It is written here, not exported: the oracle
// (internal/oracle) models the border gateway's preferences; this test only
// needs a peer.
func cloudConfig(res strategy.Result) string {
	var w writer
	asn := res.Sessions[0].CloudASN
	type key struct {
		kind strategy.PathKind
		fam  family
	}
	lists := map[key][]netip.Prefix{}
	var v4, v6 []netip.Prefix
	for _, kind := range []strategy.PathKind{strategy.DirectConnection, strategy.VPN} {
		// Each session also gets a prefix the plan does not have, which
		// the customer's inbound policy must drop.
		for _, a := range append(res.CloudToIDC.For(kind), rogueV4, rogueV6) {
			f := familyOf(a.Prefix)
			lists[key{kind, f}] = append(lists[key{kind, f}], a.Prefix)
			if f == ipv4 && !slices.Contains(v4, a.Prefix) {
				v4 = append(v4, a.Prefix)
			} else if f == ipv6 && !slices.Contains(v6, a.Prefix) {
				v6 = append(v6, a.Prefix)
			}
		}
	}
	for k, ps := range lists {
		kw := "ip"
		if k.fam == ipv6 {
			kw = "ipv6"
		}
		name := fmt.Sprintf("CLOUD-%s-%s", kindCode(k.kind), k.fam.suffix())
		for i, p := range ps {
			w.line("%s prefix-list %s seq %d permit %s", kw, name, (i+1)*10, p)
		}
		w.line("route-map %s permit 10", name)
		w.line(" match %s address prefix-list %s", kw, name)
		w.line("exit")
	}
	for _, kind := range []strategy.PathKind{strategy.DirectConnection, strategy.VPN} {
		for _, f := range []family{ipv4, ipv6} {
			w.line("route-map CLOUD-%s-%s deny 1000", kindCode(kind), f.suffix())
			w.line("exit")
		}
	}
	w.line("route-map CLOUD-ANY permit 10")
	w.line("exit")
	w.line("router bgp %d", asn)
	w.line(" bgp router-id 192.0.2.1")
	w.line(" no bgp default ipv4-unicast")
	w.line(" no bgp network import-check")
	w.line(" timers bgp 1 3")
	for _, s := range res.Sessions {
		for _, a := range []netip.Addr{s.CustomerIP, s.CustomerIPv6} {
			if !a.IsValid() {
				continue
			}
			w.line(" neighbor %s remote-as %d", a, s.CustomerASN)
			w.line(" neighbor %s timers connect 1", a)
			if s.CloudASN != asn {
				w.line(" neighbor %s local-as %d no-prepend replace-as", a, s.CloudASN)
			}
		}
	}
	for _, f := range []family{ipv4, ipv6} {
		w.line(" address-family %s unicast", map[family]string{ipv4: "ipv4", ipv6: "ipv6"}[f])
		for _, p := range map[family][]netip.Prefix{ipv4: v4, ipv6: v6}[f] {
			w.line("  network %s", p)
		}
		for _, s := range res.Sessions {
			a := s.CustomerIP
			if f == ipv6 {
				a = s.CustomerIPv6
			}
			if !a.IsValid() {
				continue
			}
			w.line("  neighbor %s activate", a)
			w.line("  neighbor %s route-map CLOUD-%s-%s out", a, kindCode(s.Kind), f.suffix())
			w.line("  neighbor %s route-map CLOUD-ANY in", a)
		}
		w.line(" exit-address-family")
	}
	w.line("exit")
	return w.String()
}

// receivedRoutes returns what bgpd in ns accepted from neighbor addr:
// prefix -> AS_PATH.
func receivedRoutes(ns, afi, addr string) (map[string]string, error) {
	out, err := exec.Command("vtysh", "-N", ns, "-c", fmt.Sprintf("show bgp %s unicast neighbors %s routes json", afi, addr)).Output()
	if err != nil {
		return nil, fmt.Errorf("reading routes from %s: %v", addr, err)
	}
	var v struct {
		Routes map[string][]struct {
			Path string `json:"path"`
		} `json:"routes"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return nil, fmt.Errorf("reading routes from %s: %v in %.200s", addr, err, out)
	}
	got := map[string]string{}
	for p, paths := range v.Routes {
		if len(paths) > 0 {
			got[p] = paths[0].Path
		}
	}
	return got, nil
}

// localPrefs returns, per prefix learned over BGP, each neighbor's path's
// local-preference.
func localPrefs(ns, afi string) (map[string]map[string]int, error) {
	out, err := exec.Command("vtysh", "-N", ns, "-c", fmt.Sprintf("show bgp %s unicast json", afi)).Output()
	if err != nil {
		return nil, fmt.Errorf("reading the BGP table: %v", err)
	}
	var v struct {
		Routes map[string][]struct {
			PeerID string `json:"peerId"`
			LocPrf *int   `json:"locPrf"`
		} `json:"routes"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return nil, fmt.Errorf("reading the BGP table: %v in %.200s", err, out)
	}
	got := map[string]map[string]int{}
	for p, paths := range v.Routes {
		for _, path := range paths {
			if path.PeerID == "" || path.PeerID == "(unspec)" {
				continue // locally originated
			}
			if got[p] == nil {
				got[p] = map[string]int{}
			}
			lp := 100
			if path.LocPrf != nil {
				lp = *path.LocPrf
			}
			got[p][path.PeerID] = lp
		}
	}
	return got, nil
}

// waitFor polls check until it returns "" (converged); BGP converges
// asynchronously, so the bound only ends a broken run and the last reason
// is the failure.
func waitFor(t *testing.T, limit time.Duration, check func() string) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		why := check()
		if why == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(why)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
