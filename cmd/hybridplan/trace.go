package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/netip"

	"github.com/hybridplan/hybridplan/pkg/plan/sim"
)

// traceReport is the --json output of `hybridplan trace`, documented in
// docs/simulate.md. Fields are only ever added.
type traceReport struct {
	Version int               `json:"version"`
	File    string            `json:"file"`
	Traces  []sim.TraceResult `json:"traces"`
	// Failover holds, per trace, the predicted loss windows between the
	// two addresses (sim.LossWindowsBetween; docs/rehearse.md).
	Failover []sim.ScenarioLoss `json:"failover"`
}

func runTrace(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("trace", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scenarioName := fs.String("scenario", "", "trace in one scenario by name (default normal)")
	all := fs.Bool("all", false, "trace in every standard scenario")
	asJSON := fs.Bool("json", false, "print the result as JSON (see docs/simulate.md)")
	force := fs.Bool("force", false, "trace in a plan that has errors anyway (the errors are printed first)")
	simOpts := addSimFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: hybridplan trace [--scenario NAME | --all] [--bring-up ORDER] [--scenarios FILE] [--json] [--force] FILE|- SRC DST")
		fmt.Fprintln(stderr, "Follows traffic from SRC to DST and back (one address in a VPC, the other in an IDC segment):")
		fmt.Fprintln(stderr, "which session each direction uses, whether it is symmetric and reachable, and why.")
		fmt.Fprintln(stderr, "exit status: 0 traced, 1 the plan has errors (see hybridplan validate; --force traces anyway), 2 bad input or usage")
		fs.PrintDefaults()
	}
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return helpOr2(err)
	}
	if len(rest) != 3 {
		fmt.Fprintln(stderr, "hybridplan trace: give a plan file, a source address and a destination address")
		fs.Usage()
		return 2
	}
	if *all && *scenarioName != "" {
		fmt.Fprintln(stderr, "hybridplan trace: --scenario and --all exclude each other; give one")
		return 2
	}
	var addrs [2]netip.Addr
	for i, s := range rest[1:] {
		a, err := netip.ParseAddr(s)
		if err != nil {
			fmt.Fprintf(stderr, "hybridplan trace: %q is not an IP address; write it like 10.0.0.5 or 2001:db8::5\n", s)
			return 2
		}
		addrs[i] = a
	}
	p, code := readValidPlan("trace", rest[0], stdin, stderr, *force)
	if p == nil {
		return code
	}
	if _, code := simOpts.apply("trace", p, stderr); code != 0 {
		return code
	}
	scenarios := sim.AllScenarios(p)
	if !*all {
		name := *scenarioName
		if name == "" {
			name = sim.ScenarioNormal
		}
		s, err := sim.FindScenario(p, name)
		if err != nil {
			fmt.Fprintln(stderr, "hybridplan trace:", err)
			return 2
		}
		scenarios = []sim.Scenario{s}
	}
	report := traceReport{Version: 1, File: rest[0], Traces: []sim.TraceResult{}}
	for _, s := range scenarios {
		tr, err := sim.Trace(p, s, addrs[0], addrs[1])
		if err != nil {
			fmt.Fprintln(stderr, "hybridplan trace:", err)
			return 2
		}
		report.Traces = append(report.Traces, tr)
	}
	if len(report.Traces) > 0 {
		vpc, idc := report.Traces[0].Source, report.Traces[0].Destination
		if vpc.Side != sim.SideVPC {
			vpc, idc = idc, vpc
		}
		losses, err := sim.LossWindowsBetween(p, scenarios, vpc, idc)
		if err != nil {
			fmt.Fprintln(stderr, "hybridplan trace:", err)
			return 2
		}
		report.Failover = losses
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			fmt.Fprintln(stderr, "hybridplan trace:", err)
			return 2
		}
		return 0
	}
	for i, tr := range report.Traces {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		printTrace(stdout, tr)
		printLoss(stdout, "  ", report.Failover[i].Phases)
	}
	return 0
}

func printTrace(w io.Writer, tr sim.TraceResult) {
	ep := func(e sim.Endpoint) string {
		side := "IDC"
		if e.Side == sim.SideVPC {
			side = "VPC"
		}
		return fmt.Sprintf("%s (%s %s, %s)", e.Address, side, e.Segment, e.Prefix)
	}
	fmt.Fprintf(w, "scenario %s: %s → %s\n", tr.Scenario, ep(tr.Source), ep(tr.Destination))
	fmt.Fprintf(w, "  forward: %s\n", legText(tr.Forward))
	fmt.Fprintf(w, "  return:  %s\n", legText(tr.Return))
	verdict := "reachable, symmetric"
	switch {
	case !tr.Reachable:
		verdict = "UNREACHABLE"
	case !tr.Symmetric:
		verdict = "reachable, ASYMMETRIC (stateful firewalls on the way drop such traffic)"
	}
	fmt.Fprintf(w, "  verdict: %s\n", verdict)
}

func legText(l sim.Leg) string {
	if !l.Reachable {
		return "NO PATH: " + l.Reason
	}
	return l.Reason
}
