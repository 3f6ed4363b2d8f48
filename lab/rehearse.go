package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/export"
	"github.com/hybridplan/hybridplan/pkg/plan/sim"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

// Tolerance of the comparison between a predicted and a measured loss
// window: the measured window must fall within the predicted range widened
// by ToleranceMillis plus ToleranceFraction of the predicted maximum. The
// absolute part covers what the model leaves out on a shared machine
// (scheduling of FRR's daemons, the probes' 1 ms granularity, zebra's
// kernel updates); the relative part, timer jitter (BFD sends up to 25%
// early).
const (
	ToleranceMillis   = 250
	ToleranceFraction = 0.10
)

// Rehearsal describes one rehearsal of a plan.
type Rehearsal struct {
	Plan *plan.Plan
	// Timers are the BGP keepalive and hold time every session runs with
	// in the lab; zero takes the plan's own (every session must then have
	// the same, and a hold time other than 0).
	Timers [2]int
	// Scenarios to rehearse; each starts from the initial state.
	Scenarios []sim.Scenario
	// Name prefixes the namespaces; empty takes "hpr<pid>-r".
	Name string
	// WorkDir receives the routers' configuration files.
	WorkDir string
	// ProbeInterval is the probes' period (default 1 ms: 1 kHz).
	ProbeInterval time.Duration
	// Observe is how long each path is watched (default 400 ms).
	Observe time.Duration
	Logf    func(format string, args ...any)
}

// Report is a rehearsal's outcome (the --json of `hybridplan rehearse`,
// docs/rehearse.md). Fields are only ever added.
type Report struct {
	Version int    `json:"version"`
	Plan    string `json:"plan"`
	// Timers are the BGP keepalive and hold time the lab ran with.
	Timers            [2]int  `json:"timers"`
	ProbeIntervalMs   float64 `json:"probeIntervalMillis"`
	ToleranceMillis   int     `json:"toleranceMillis"`
	ToleranceFraction float64 `json:"toleranceFraction"`
	// VM and IDCHost are the probes' ends.
	VM      string `json:"vm"`
	IDCHost string `json:"idcHost"`
	// StandsIn lists what the lab does differently from the real network.
	StandsIn  []string         `json:"standsIn"`
	Scenarios []ScenarioReport `json:"scenarios"`
	// Agree is true when every compared path and loss window agrees.
	Agree bool `json:"agree"`
}

// ScenarioReport is one scenario: its phases, measured against the
// prediction.
type ScenarioReport struct {
	Scenario    string        `json:"scenario"`
	Description string        `json:"description"`
	Before      MeasuredPaths `json:"before"`
	Phases      []PhaseReport `json:"phases"`
	Agree       bool          `json:"agree"`
	WallMillis  int64         `json:"wallMillis"`
}

// MeasuredPaths are the sessions each direction's probes left on.
type MeasuredPaths struct {
	Forward MeasuredPath `json:"forward"`
	Return  MeasuredPath `json:"return"`
}

// MeasuredPath is one direction's path as the lab saw it: the sessions
// whose interface counters carried the probes, and the kernel's route.
type MeasuredPath struct {
	Sessions []string `json:"sessions"`
	// FIB is the sessions of the kernel's route to the far host.
	FIB []string `json:"fib"`
}

// PhaseReport is one phase: its events, then per direction the prediction
// next to the measurement.
type PhaseReport struct {
	Phase   string          `json:"phase"`
	Events  []sim.Event     `json:"events"`
	Forward DirectionReport `json:"forward"`
	Return  DirectionReport `json:"return"`
}

// DirectionReport compares one direction of one phase.
type DirectionReport struct {
	Predicted sim.LossWindow `json:"predicted"`
	Path      MeasuredPath   `json:"path"`
	Loss      Loss           `json:"loss"`
	PathAgree bool           `json:"pathAgree"`
	// LossCompared is false where the model predicts no number (traffic
	// coming back after an outage).
	LossCompared bool   `json:"lossCompared"`
	LossAgree    bool   `json:"lossAgree"`
	Note         string `json:"note,omitempty"`
}

// LabPlan returns the plan as the lab runs it, on which the predictions are
// made: every session with the given BGP timers, JD Cloud's end too; no
// IPsec DPD and no NQA, which the lab cannot run (docs/rehearse.md). The
// notes say what changed.
func LabPlan(p *plan.Plan, timers [2]int) (*plan.Plan, []string, error) {
	var buf bytes.Buffer
	if err := plan.Encode(&buf, p); err != nil {
		return nil, nil, err
	}
	q, err := plan.Decode(&buf)
	if err != nil {
		return nil, nil, err
	}
	var notes []string
	prof := q.EffectiveProfile()
	prof.Timers.BGPKeepaliveSeconds, prof.Timers.BGPHoldSeconds = timers[0], timers[1]
	q.Profile = &prof
	bt := &plan.BGPTimers{KeepaliveSeconds: timers[0], HoldSeconds: timers[1]}
	if q.DirectConnection != nil {
		for i := range q.DirectConnection.Interfaces {
			itf := &q.DirectConnection.Interfaces[i]
			itf.BGPTimers = bt
			if itf.HealthCheck.Type == plan.HealthCheckNQA {
				itf.HealthCheck = plan.HealthCheck{Type: plan.HealthCheckNone}
				notes = append(notes, fmt.Sprintf("%s: JD Cloud's NQA has no stand-in; the lab and its prediction rely on the BGP hold timer instead", itf.Name))
			}
		}
	}
	if q.VPN != nil {
		zero := 0
		for i := range q.VPN.Tunnels {
			q.VPN.Tunnels[i].BGPTimers = bt
			q.VPN.Tunnels[i].IKE.DPDSeconds = &zero
		}
		if len(q.VPN.Tunnels) > 0 {
			notes = append(notes, "VPN tunnels are veth links carrying the tunnel inside addresses, not IPsec: no DPD; the prediction for the lab uses the BGP hold timer")
		}
	}
	return q, notes, nil
}

// PlanTimers is the BGP keepalive and hold time every session of the plan
// runs with, or an error when they differ or the hold time is 0 (a silent
// failure would never end).
func PlanTimers(p *plan.Plan) ([2]int, error) {
	prof := p.EffectiveProfile().Timers
	def := [2]int{prof.BGPKeepaliveSeconds, prof.BGPHoldSeconds}
	var all [][2]int
	if p.DirectConnection != nil {
		for _, i := range p.DirectConnection.Interfaces {
			t := def
			if i.BGPTimers != nil {
				t = [2]int{i.BGPTimers.KeepaliveSeconds, min(i.BGPTimers.HoldSeconds, def[1])}
			}
			all = append(all, t)
		}
	}
	if p.VPN != nil {
		for _, tu := range p.VPN.Tunnels {
			t := def
			if tu.BGPTimers != nil {
				t = [2]int{tu.BGPTimers.KeepaliveSeconds, min(tu.BGPTimers.HoldSeconds, def[1])}
			}
			all = append(all, t)
		}
	}
	if len(all) == 0 {
		return [2]int{}, errors.New("the plan has no BGP sessions")
	}
	for _, t := range all[1:] {
		if t != all[0] {
			return [2]int{}, fmt.Errorf("the plan's sessions run different BGP timers (%v and %v); the lab runs one pair: choose it with --timers KEEPALIVE,HOLD", all[0], t)
		}
	}
	if all[0][1] < 3 || all[0][0] < 1 || all[0][0] >= all[0][1] {
		return [2]int{}, fmt.Errorf("the plan's BGP timers %d/%d s cannot run in the lab (a hold time of 0 never ends a silent failure); choose them with --timers KEEPALIVE,HOLD, e.g. 1,3", all[0][0], all[0][1])
	}
	return all[0], nil
}

// RehearsalScenarios are the scenarios `rehearse --all` runs: normal, and
// every failure with its failback (the failback scenario holds both
// phases), silent failures included.
func RehearsalScenarios(p *plan.Plan) []sim.Scenario {
	var out []sim.Scenario
	for _, s := range sim.AllScenarios(p) {
		if s.Name == sim.ScenarioNormal || strings.Contains(s.Name, sim.FailbackSuffix) {
			out = append(out, s)
		}
	}
	return out
}

// Run rehearses: it builds the lab, runs every scenario with probes
// flowing, and compares. It removes everything it created before it
// returns, also when ctx is cancelled (Ctrl-C).
func (r Rehearsal) Run(ctx context.Context) (*Report, error) {
	if r.Plan == nil {
		return nil, errors.New("lab: no plan given")
	}
	if r.ProbeInterval <= 0 {
		r.ProbeInterval = time.Millisecond
	}
	if r.Observe <= 0 {
		r.Observe = 400 * time.Millisecond
	}
	if r.Name == "" {
		r.Name = fmt.Sprintf("%s%d-r", NamePrefix, os.Getpid())
	}
	if r.Timers == ([2]int{}) {
		t, err := PlanTimers(r.Plan)
		if err != nil {
			return nil, err
		}
		r.Timers = t
	}
	lp, notes, err := LabPlan(r.Plan, r.Timers)
	if err != nil {
		return nil, err
	}
	res := strategy.Compute(lp)
	conf, err := export.Render(lp, export.FormatFRR, export.Options{BGPTimers: &r.Timers})
	if err != nil {
		return nil, fmt.Errorf("exporting the customer router's FRR configuration: %w", err)
	}
	topo, err := Build(ctx, Config{
		Name: r.Name, Plan: lp, Strategy: res, CustomerConfig: conf, Timers: r.Timers,
		WorkDir: r.WorkDir, Logf: r.Logf, Hosts: true,
	})
	if err != nil {
		return nil, err
	}
	defer topo.Close()
	rep := &Report{
		Version: 1, Plan: r.Plan.Name, Timers: r.Timers,
		ProbeIntervalMs: float64(r.ProbeInterval) / float64(time.Millisecond),
		ToleranceMillis: ToleranceMillis, ToleranceFraction: ToleranceFraction,
		VM: topo.vmAddr.String(), IDCHost: topo.idcAddr.String(),
		StandsIn: append([]string{
			"the border gateway is FRR configured with JD Cloud's rules (docs/oracle.md), with the plan's BFD timers",
			"the customer router is FRR loading exactly `hybridplan export --format frr` (with the lab's BGP timers)",
			"the IDC's internal routing is the IDC segments connected to the customer router, each as a whole (no route longer than a segment)",
			"the Direct Connection is a veth pair with one macvlan per private virtual interface; a silent failure points each end's neighbor entry for the other at an unused MAC address (carrier up, every packet dropped)",
		}, notes...),
		Agree: true,
	}
	vpcEP := sim.Endpoint{Address: topo.vmAddr, Side: sim.SideVPC}
	idcEP := sim.Endpoint{Address: topo.idcAddr, Side: sim.SideIDC}
	for _, s := range lp.IDC.Segments {
		if s.CIDR.Contains(topo.idcAddr) {
			idcEP.Segment, idcEP.Prefix = s.Name, s.CIDR
		}
	}
	vpcEP.Segment = "vm"
	predictions, err := sim.LossWindowsBetween(lp, r.Scenarios, vpcEP, idcEP)
	if err != nil {
		return nil, err
	}
	first := true
	for i, s := range r.Scenarios {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		start := time.Now()
		if !first {
			if err := topo.Reset(ctx); err != nil {
				return rep, fmt.Errorf("scenario %s: resetting the lab: %w", s.Name, err)
			}
		}
		first = false
		if err := topo.EstablishInitial(ctx, topo.SessionOrder()); err != nil {
			return rep, fmt.Errorf("scenario %s: %w", s.Name, err)
		}
		sr, err := topo.rehearse(ctx, r, s, predictions[i])
		if err != nil {
			return rep, fmt.Errorf("scenario %s: %w", s.Name, err)
		}
		sr.WallMillis = time.Since(start).Milliseconds()
		rep.Agree = rep.Agree && sr.Agree
		rep.Scenarios = append(rep.Scenarios, sr)
		topo.Logf("%s: scenario %s in %s", r.Plan.Name, s.Name, time.Since(start).Round(time.Millisecond))
	}
	return rep, nil
}

// rehearse runs one scenario from the initial state with probes flowing.
func (t *Topology) rehearse(ctx context.Context, r Rehearsal, s sim.Scenario, pred sim.ScenarioLoss) (ScenarioReport, error) {
	sr := ScenarioReport{Scenario: s.Name, Description: s.Description, Agree: true}
	pr, err := t.StartProbes(r.ProbeInterval)
	if err != nil {
		return sr, err
	}
	stopped := false
	defer func() {
		if !stopped {
			_ = pr.Stop()
		}
	}()
	// Before: the steady state.
	if sr.Before, err = t.watch(ctx, pr, r.Observe); err != nil {
		return sr, err
	}
	type span struct {
		start time.Time
		paths MeasuredPaths
	}
	var spans []span
	for _, ph := range pred.Phases {
		sp := span{start: time.Now()}
		for _, e := range ph.Events {
			if err := t.Apply(ctx, e); err != nil {
				return sr, fmt.Errorf("%s: %w", e, err)
			}
		}
		// Routes settle after the sessions: give them the observation
		// time before reading where the probes go.
		if err := sleep(ctx, r.Observe); err != nil {
			return sr, err
		}
		if sp.paths, err = t.watch(ctx, pr, r.Observe); err != nil {
			return sr, err
		}
		spans = append(spans, sp)
	}
	end := time.Now()
	stopped = true
	if err := pr.Stop(); err != nil {
		return sr, fmt.Errorf("probes: %w", err)
	}
	for k, ph := range pred.Phases {
		to := end
		if k+1 < len(spans) {
			to = spans[k+1].start
		}
		fwd, back := pr.Span(spans[k].start, to)
		spanMs := float64(to.Sub(spans[k].start)) / float64(time.Millisecond)
		prev := sr.Before
		if k > 0 {
			prev = spans[k-1].paths
		}
		p := PhaseReport{Phase: ph.Phase, Events: ph.Events,
			Forward: compare(ph.Forward, prev.Forward, spans[k].paths.Forward, fwd, spanMs),
			Return:  compare(ph.Return, prev.Return, spans[k].paths.Return, back, spanMs),
		}
		sr.Agree = sr.Agree && p.Forward.agree() && p.Return.agree()
		sr.Phases = append(sr.Phases, p)
	}
	return sr, nil
}

func (d DirectionReport) agree() bool { return d.PathAgree && (!d.LossCompared || d.LossAgree) }

// compare puts one direction's prediction next to its measurement.
func compare(pred sim.LossWindow, prev, path MeasuredPath, loss Loss, spanMs float64) DirectionReport {
	d := DirectionReport{Predicted: pred, Path: path, Loss: loss}
	if pred.Changed && !pred.Outage && pred.Session != "" && len(prev.Sessions) > 0 &&
		!slices.Contains(prev.Sessions, pred.Session) &&
		!slices.ContainsFunc(prev.Sessions, func(s string) bool { return !slices.Contains(pred.ToSessions, s) }) {
		// ECMP: the prediction is for the flows hashed onto the failed
		// session; the probes were hashed onto one that survived.
		pred.MinMillis, pred.MaxMillis = 0, 0
		d.Note = "the probes were hashed onto " + strings.Join(prev.Sessions, ", ") + ", which survived: no loss expected for them"
	}
	// One probe flow hashes onto one of several ECMP next hops: the
	// sessions measured must be among those predicted.
	d.PathAgree = len(path.Sessions) == 0 && len(pred.ToSessions) == 0 ||
		len(path.Sessions) > 0 && !slices.ContainsFunc(path.Sessions, func(s string) bool { return !slices.Contains(pred.ToSessions, s) })
	tol := float64(ToleranceMillis) + ToleranceFraction*float64(pred.MaxMillis)
	switch {
	case pred.Outage && pred.Detection == sim.DetectRestore:
		d.Note = "traffic comes back after an outage: the model predicts no time for it (BGP connect-retry and open timers)"
	case pred.Outage:
		d.LossCompared = true
		// The lab applies a phase's events one after the other (the port,
		// then each tunnel), so traffic may move before it stops: the
		// outage is a loss that lasts from some point to the repair.
		end := loss.StartMillis + loss.WindowMillis
		d.LossAgree = loss.Lost > 0 && end >= spanMs-float64(ToleranceMillis)
		d.Note = fmt.Sprintf("outage: traffic lost from %.0f ms into the phase until its end at %.0f ms (%d of %d probes)", loss.StartMillis, spanMs, loss.Lost, loss.Sent)
	default:
		d.LossCompared = true
		d.LossAgree = loss.WindowMillis >= float64(pred.MinMillis)-tol && loss.WindowMillis <= float64(pred.MaxMillis)+tol
	}
	return d
}

// watch reads which session interfaces carry the probes over d, and the
// kernel's routes to the two hosts.
func (t *Topology) watch(ctx context.Context, pr *Probes, d time.Duration) (MeasuredPaths, error) {
	var mp MeasuredPaths
	c0, k0, err := t.counters(ctx)
	if err != nil {
		return mp, err
	}
	f0, b0 := pr.Sent()
	if err := sleep(ctx, d); err != nil {
		return mp, err
	}
	c1, k1, err := t.counters(ctx)
	if err != nil {
		return mp, err
	}
	f1, b1 := pr.Sent()
	mp.Forward.Sessions = t.carrying(c0, c1, f1-f0)
	mp.Return.Sessions = t.carrying(k0, k1, b1-b0)
	cloudFwd, custFwd := map[netip.Addr]Forwarding{}, map[netip.Addr]Forwarding{}
	if err := t.lookups(ctx, t.cloudNS, []netip.Addr{t.idcAddr}, cloudFwd); err != nil {
		return mp, err
	}
	if err := t.lookups(ctx, t.custNS, []netip.Addr{t.vmAddr}, custFwd); err != nil {
		return mp, err
	}
	mp.Forward.FIB = orEmpty(cloudFwd[t.idcAddr].Sessions)
	mp.Return.FIB = orEmpty(custFwd[t.vmAddr].Sessions)
	return mp, nil
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// carrying is the sessions whose interface sent at least a quarter of the
// probes between two counter readings (BGP and BFD packets add a few).
func (t *Topology) carrying(before, after map[string]uint64, probes int) []string {
	out := []string{}
	for _, s := range t.sessions {
		if probes > 0 && after[s.dev]-before[s.dev] >= uint64(probes/4+1) {
			out = append(out, s.Name)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// counters reads the transmit packet counters of every interface on the
// cloud router (VPC → IDC) and on the customer router (IDC → VPC).
func (t *Topology) counters(ctx context.Context) (cloud, cust map[string]uint64, err error) {
	read := func(ns string) (map[string]uint64, error) {
		out, err := run(ctx, "ip", "-j", "-s", "-n", ns, "link", "show")
		if err != nil {
			return nil, err
		}
		var links []struct {
			Ifname string `json:"ifname"`
			Stats  struct {
				TX struct {
					Packets uint64 `json:"packets"`
				} `json:"tx"`
			} `json:"stats64"`
		}
		if err := json.Unmarshal(out, &links); err != nil {
			return nil, fmt.Errorf("ip -j -s link show in %s: %w", ns, err)
		}
		m := map[string]uint64{}
		for _, l := range links {
			m[l.Ifname] = l.Stats.TX.Packets
		}
		return m, nil
	}
	if cloud, err = read(t.cloudNS); err != nil {
		return nil, nil, err
	}
	cust, err = read(t.custNS)
	return cloud, cust, err
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}
