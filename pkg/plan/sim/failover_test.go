package sim_test

import (
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/sim"
)

// seedWith is the seed example (one private virtual interface with BFD
// 300 ms × 3, two tunnels) changed by edit.
func seedWith(t *testing.T, edit func(p *plan.Plan)) *plan.Plan {
	t.Helper()
	p := example(t, "seed-dc-primary-vpn-backup")
	edit(p)
	return p
}

func phaseOf(t *testing.T, p *plan.Plan, name, phase string) sim.PhaseLoss {
	t.Helper()
	ls, err := sim.LossWindows(p, []sim.Scenario{scenario(t, p, name)})
	if err != nil {
		t.Fatal(err)
	}
	ph, ok := ls[0].Phase(phase)
	if !ok {
		t.Fatalf("scenario %s has no %s phase: %+v", name, phase, ls[0])
	}
	return ph
}

func health(hc plan.HealthCheck) func(p *plan.Plan) {
	return func(p *plan.Plan) { p.DirectConnection.Interfaces[0].HealthCheck = hc }
}

func TestLossWindowPerFailureKindAndTimers(t *testing.T) {
	noBFD := health(plan.HealthCheck{Type: plan.HealthCheckNone})
	type want struct {
		detection          string
		minMillis, maxMs   int
		outage, changed    bool
		retDetection       string
		retMin, retMaxMill int
	}
	for _, tc := range []struct {
		name, scenario, phase string
		edit                  func(p *plan.Plan)
		want                  want
	}{
		// No BFD: the profile's assumed 60/180 s timers; detection between
		// hold − keepalive and hold, plus the FIB update.
		{"silent, no BFD: hold time", sim.ScenarioDCSilent, sim.PhaseFailover, noBFD,
			want{sim.DetectHoldTimer, 120000, 180050, false, true, sim.DetectHoldTimer, 120000, 180050}},
		{"silent, no BFD, timers 1/3 s", sim.ScenarioDCSilent, sim.PhaseFailover, func(p *plan.Plan) {
			noBFD(p)
			p.DirectConnection.Interfaces[0].BGPTimers = &plan.BGPTimers{KeepaliveSeconds: 1, HoldSeconds: 3}
		}, want{sim.DetectHoldTimer, 2000, 3050, false, true, sim.DetectHoldTimer, 2000, 3050}},
		{"silent, BFD 300 ms × 3 (the seed)", sim.ScenarioDCSilent, sim.PhaseFailover, func(*plan.Plan) {},
			want{sim.DetectBFD, 600, 950, false, true, sim.DetectBFD, 600, 950}},
		{"silent, BFD at JD Cloud's minimum 200 ms × 3", sim.ScenarioDCSilent, sim.PhaseFailover,
			health(plan.HealthCheck{Type: plan.HealthCheckBFD, BFD: &plan.BFD{MinTxMillis: 200, MinRxMillis: 200, Multiplier: 3}}),
			want{sim.DetectBFD, 400, 650, false, true, sim.DetectBFD, 400, 650}},
		{"silent, BFD at JD Cloud's maximum 1000 ms × 10", sim.ScenarioDCSilent, sim.PhaseFailover,
			health(plan.HealthCheck{Type: plan.HealthCheckBFD, BFD: &plan.BFD{MinTxMillis: 1000, MinRxMillis: 1000, Multiplier: 10}}),
			want{sim.DetectBFD, 9000, 10050, false, true, sim.DetectBFD, 9000, 10050}},
		{"silent, BFD tx and rx differ: the slower one is negotiated", sim.ScenarioDCSilent, sim.PhaseFailover,
			health(plan.HealthCheck{Type: plan.HealthCheckBFD, BFD: &plan.BFD{MinTxMillis: 200, MinRxMillis: 500, Multiplier: 4}}),
			want{sim.DetectBFD, 1500, 2050, false, true, sim.DetectBFD, 1500, 2050}},
		// NQA runs on JD Cloud's end only: the customer router waits for
		// its hold timer.
		{"silent, NQA 2 s × 3", sim.ScenarioDCSilent, sim.PhaseFailover,
			health(plan.HealthCheck{Type: plan.HealthCheckNQA, NQA: &plan.NQA{IntervalSeconds: 2, Count: 3, TimeoutSeconds: 2}}),
			want{sim.DetectNQA, 4000, 6050, false, true, sim.DetectHoldTimer, 120000, 180050}},
		{"silent, hold time 0 and no BFD: never detected", sim.ScenarioDCSilent, sim.PhaseFailover, func(p *plan.Plan) {
			noBFD(p)
			p.DirectConnection.Interfaces[0].BGPTimers = &plan.BGPTimers{KeepaliveSeconds: 0, HoldSeconds: 0}
		}, want{sim.DetectNever, 0, 0, true, true, sim.DetectNever, 0, 0}},
		{"silent, JD Cloud's shorter hold time wins", sim.ScenarioDCSilent, sim.PhaseFailover, func(p *plan.Plan) {
			noBFD(p)
			p.Profile = new(plan.Profile)
			*p.Profile = plan.DefaultProfile()
			p.Profile.Timers.BGPKeepaliveSeconds, p.Profile.Timers.BGPHoldSeconds = 10, 30
		}, want{sim.DetectHoldTimer, 20000, 30050, false, true, sim.DetectHoldTimer, 20000, 30050}},
		// Own port down and administrative shutdown: detected at once; a
		// shutdown and a withdrawal leave the old line forwarding.
		{"port down", sim.ScenarioDCPortDown, sim.PhaseFailover, noBFD,
			want{sim.DetectLinkDown, 0, 50, false, true, sim.DetectLinkDown, 0, 50}},
		{"neighbor shutdown", sim.ScenarioDCSessionDown, sim.PhaseFailover, noBFD,
			want{sim.DetectAdminShutdown, 0, 0, false, true, sim.DetectAdminShutdown, 0, 0}},
		{"routes withdrawn: only the cloud → IDC direction moves", sim.ScenarioDCRoutesWithdraw, sim.PhaseFailover, noBFD,
			want{sim.DetectWithdraw, 0, 0, false, true, "", 0, 0}},
		// Failback moves from a working path to another: no loss.
		{"failback after a silent failure", sim.ScenarioDCSilent + sim.FailbackSuffix, sim.PhaseFailback, noBFD,
			want{sim.DetectRestore, 0, 0, false, true, sim.DetectRestore, 0, 0}},
		{"failback after the port went down", sim.ScenarioDCPortDown + sim.FailbackSuffix, sim.PhaseFailback, func(*plan.Plan) {},
			want{sim.DetectRestore, 0, 0, false, true, sim.DetectRestore, 0, 0}},
		// No path left: an outage whatever the timers.
		{"both down", sim.ScenarioBothDown, sim.PhaseFailover, func(*plan.Plan) {},
			want{sim.DetectLinkDown, 0, 0, true, true, sim.DetectLinkDown, 0, 0}},
		{"a backup tunnel's silent failure changes nothing", sim.ScenarioTunnelSilent + ":tun-1", sim.PhaseFailover, func(*plan.Plan) {},
			want{"", 0, 0, false, false, "", 0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := seedWith(t, tc.edit)
			ph := phaseOf(t, p, tc.scenario, tc.phase)
			f, r := ph.Forward, ph.Return
			if f.Router != sim.RouterBorderGateway || r.Router != sim.RouterCustomerRouter {
				t.Fatalf("routers: %s, %s", f.Router, r.Router)
			}
			w := tc.want
			if f.Detection != w.detection || f.MinMillis != w.minMillis || f.MaxMillis != w.maxMs || f.Outage != w.outage || f.Changed != w.changed {
				t.Errorf("forward: got %s %d..%d ms outage=%v changed=%v (%s), want %s %d..%d outage=%v changed=%v",
					f.Detection, f.MinMillis, f.MaxMillis, f.Outage, f.Changed, f.Reason, w.detection, w.minMillis, w.maxMs, w.outage, w.changed)
			}
			if r.Detection != w.retDetection || r.MinMillis != w.retMin || r.MaxMillis != w.retMaxMill {
				t.Errorf("return: got %s %d..%d ms (%s), want %s %d..%d", r.Detection, r.MinMillis, r.MaxMillis, r.Reason, w.retDetection, w.retMin, w.retMaxMill)
			}
		})
	}
}

// TestLossWindowTunnel: with the Direct Connection gone, a tunnel's
// silent failure is noticed by IPsec DPD (10 s + the profile's 30 s) or
// the tunnel's own hold timer, whichever is first.
func TestLossWindowTunnel(t *testing.T) {
	noDC := func(p *plan.Plan) { p.DirectConnection = nil }
	for _, tc := range []struct {
		name     string
		edit     func(p *plan.Plan)
		det      string
		min, max int
	}{
		{"DPD before the 180 s hold time", noDC, sim.DetectDPD, 0, 40050},
		{"hold time 1/3 s before DPD", func(p *plan.Plan) {
			noDC(p)
			p.VPN.Tunnels[0].BGPTimers = &plan.BGPTimers{KeepaliveSeconds: 1, HoldSeconds: 3}
		}, sim.DetectHoldTimer, 2000, 3050},
		{"DPD off: hold time", func(p *plan.Plan) {
			noDC(p)
			zero := 0
			p.VPN.Tunnels[0].IKE.DPDSeconds = &zero
		}, sim.DetectHoldTimer, 120000, 180050},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := seedWith(t, tc.edit)
			ph := phaseOf(t, p, sim.ScenarioTunnelSilent+":tun-1", sim.PhaseFailover)
			r := ph.Return // the customer router returns over tun-1, the lowest neighbor address
			if r.Detection != tc.det || r.MinMillis != tc.min || r.MaxMillis != tc.max || r.Session != "tun-1" {
				t.Errorf("return: got %s on %s %d..%d ms (%s), want %s %d..%d", r.Detection, r.Session, r.MinMillis, r.MaxMillis, r.Reason, tc.det, tc.min, tc.max)
			}
		})
	}
}

func TestFailoverFindings(t *testing.T) {
	noBFD := health(plan.HealthCheck{Type: plan.HealthCheckNone})
	for _, tc := range []struct {
		name  string
		edit  func(p *plan.Plan)
		codes []string
		text  string
	}{
		{"BFD 300 ms × 3: within 3 s", func(*plan.Plan) {}, nil, ""},
		{"no BFD: the hold time blackholes", noBFD, []string{sim.CodeSilentLoss}, "up to 180.1 s (hold-timer)"},
		{"no BFD but the limit allows 200 s", func(p *plan.Plan) {
			noBFD(p)
			p.Failover = &plan.Failover{MaxSilentLossMillis: 200000}
		}, nil, ""},
		{"no BFD, hold 3 s: just over 3 s with the FIB update", func(p *plan.Plan) {
			noBFD(p)
			p.DirectConnection.Interfaces[0].BGPTimers = &plan.BGPTimers{KeepaliveSeconds: 1, HoldSeconds: 3}
		}, []string{sim.CodeSilentLoss}, "3.0 s"},
		{"never detected", func(p *plan.Plan) {
			noBFD(p)
			p.DirectConnection.Interfaces[0].BGPTimers = &plan.BGPTimers{}
		}, []string{sim.CodeSilentLoss}, "until the line is repaired"},
		{"NQA: the customer router still waits for its hold timer", health(plan.HealthCheck{Type: plan.HealthCheckNQA, NQA: &plan.NQA{IntervalSeconds: 1, Count: 3, TimeoutSeconds: 1}}),
			[]string{sim.CodeSilentLoss}, "IDC → VPC traffic for up to 180.1 s"},
		{"bad timers", func(p *plan.Plan) {
			p.VPN.Tunnels[1].BGPTimers = &plan.BGPTimers{KeepaliveSeconds: 5, HoldSeconds: 2}
		}, []string{sim.CodeBGPTimers}, "0 or 3–65535"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := sim.FailoverFindings(seedWith(t, tc.edit))
			var codes []string
			for _, f := range fs {
				codes = append(codes, f.Code)
				if f.Hint == "" || f.Path == "" {
					t.Errorf("finding without hint or path: %v", f)
				}
			}
			if strings.Join(codes, ",") != strings.Join(tc.codes, ",") {
				t.Fatalf("codes %v, want %v: %v", codes, tc.codes, fs)
			}
			if tc.text != "" && !strings.Contains(fs[0].Message, tc.text) {
				t.Errorf("message %q lacks %q", fs[0].Message, tc.text)
			}
		})
	}
}

// TestSilentScenariosRun: every silent scenario of every example runs in
// the route simulator, and ends like the matching link failure.
func TestSilentScenariosRun(t *testing.T) {
	p := example(t, "seed-dc-primary-vpn-backup")
	silent, err := sim.Run(p, scenario(t, p, sim.ScenarioDCSilent))
	if err != nil {
		t.Fatal(err)
	}
	port, err := sim.Run(p, scenario(t, p, sim.ScenarioDCPortDown))
	if err != nil {
		t.Fatal(err)
	}
	for i := range silent.Sessions {
		if silent.Sessions[i].Up != port.Sessions[i].Up {
			t.Errorf("session %s: up=%v after a silent failure, %v after port down", silent.Sessions[i].Name, silent.Sessions[i].Up, port.Sessions[i].Up)
		}
	}
	if _, err := sim.LossWindows(p, sim.AllScenarios(p)); err != nil {
		t.Fatal(err)
	}
}

// TestLossWindowStaggeredDetection: when a silent failure takes two
// private virtual interfaces, one with BFD and one without, the router that
// notices the first moves the traffic onto the second, as dead: the loss
// lasts until the slower detection.
func TestLossWindowStaggeredDetection(t *testing.T) {
	p := example(t, "aspath-two-vpcs-redundant-dc") // pvif-sh-a BFD 200 ms × 3, pvif-sh-b NQA 2 s × 3
	ph := phaseOf(t, p, sim.ScenarioDCSilent, sim.PhaseFailover)
	f, r := ph.Forward, ph.Return
	if f.Detection != sim.DetectNQA || f.Session != "pvif-sh-b" || f.MaxMillis != 6050 {
		t.Errorf("forward: %s on %s up to %d ms (%s), want NQA on pvif-sh-b up to 6050 ms", f.Detection, f.Session, f.MaxMillis, f.Reason)
	}
	if r.Detection != sim.DetectHoldTimer || r.Session != "pvif-sh-b" || r.MaxMillis != 180050 {
		t.Errorf("return: %s on %s up to %d ms (%s), want the hold timer on pvif-sh-b up to 180050 ms", r.Detection, r.Session, r.MaxMillis, r.Reason)
	}
}
