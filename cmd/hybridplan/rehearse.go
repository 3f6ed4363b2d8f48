package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/hybridplan/hybridplan/lab"
	"github.com/hybridplan/hybridplan/pkg/plan/sim"
)

// runRehearse builds the plan's network on this machine (network
// namespaces, FRR), sends probes both ways while it causes every scenario's
// failures for real, and reports the measured paths and loss windows next
// to the simulator's prediction (docs/rehearse.md).
func runRehearse(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rehearse", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scenarioName := fs.String("scenario", "", "rehearse one scenario by name (e.g. dc-silent-failure-failback)")
	all := fs.Bool("all", false, "rehearse normal and every failure with its failback (the default)")
	asJSON := fs.Bool("json", false, "print the report as JSON (see docs/rehearse.md)")
	timers := fs.String("timers", "", "BGP keepalive,hold in seconds for every session in the lab, e.g. 1,3 (default: the plan's)")
	force := fs.Bool("force", false, "rehearse a plan that has errors anyway (the errors are printed first)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: hybridplan rehearse [--scenario NAME | --all] [--timers K,H] [--json] [--force] FILE|-")
		fmt.Fprintln(stderr, "Builds the plan's network in Linux network namespaces with FRR (the customer router loads exactly")
		fmt.Fprintln(stderr, "`export --format frr`), sends UDP probes at 1 kHz between a VM and an IDC host, causes each")
		fmt.Fprintln(stderr, "scenario's failures for real and compares the paths and loss windows with the prediction.")
		fmt.Fprintln(stderr, "Needs Linux, root and FRR.")
		fmt.Fprintln(stderr, "exit status: 0 everything agrees within the tolerance, 1 a disagreement or a plan with errors,")
		fmt.Fprintln(stderr, "2 the lab cannot run here, bad input or usage")
		fs.PrintDefaults()
	}
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return helpOr2(err)
	}
	if len(rest) != 1 {
		fmt.Fprintln(stderr, "hybridplan rehearse: give exactly one plan file (or - for stdin)")
		fs.Usage()
		return 2
	}
	if *all && *scenarioName != "" {
		fmt.Fprintln(stderr, "hybridplan rehearse: --scenario and --all exclude each other; give one")
		return 2
	}
	var t [2]int
	if *timers != "" {
		k, h, ok := strings.Cut(*timers, ",")
		var err1, err2 error
		t[0], err1 = strconv.Atoi(strings.TrimSpace(k))
		t[1], err2 = strconv.Atoi(strings.TrimSpace(h))
		if !ok || err1 != nil || err2 != nil || t[0] < 1 || t[1] < 3 || t[0] >= t[1] || t[1] > 65535 {
			fmt.Fprintf(stderr, "hybridplan rehearse: --timers %q: give KEEPALIVE,HOLD in seconds, keepalive at least 1 and below the hold time, hold 3–65535, e.g. 1,3\n", *timers)
			return 2
		}
	}
	p, code := readValidPlan("rehearse", rest[0], stdin, stderr, *force)
	if p == nil {
		return code
	}
	scenarios := lab.RehearsalScenarios(p)
	if *scenarioName != "" {
		s, err := sim.FindScenario(p, *scenarioName)
		if err != nil {
			fmt.Fprintln(stderr, "hybridplan rehearse:", err)
			return 2
		}
		scenarios = []sim.Scenario{s}
	}
	if t == ([2]int{}) {
		if t, err = lab.PlanTimers(p); err != nil {
			fmt.Fprintln(stderr, "hybridplan rehearse:", err)
			return 2
		}
	}
	if missing := lab.Requirements(); missing != "" {
		fmt.Fprintf(stderr, "hybridplan rehearse: the lab cannot run on this machine; missing: %s\n", missing)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := lab.RemoveStale(ctx, lab.NamePrefix); err != nil {
		fmt.Fprintln(stderr, "hybridplan rehearse: removing what killed rehearsals left behind:", err)
	}
	dir, err := os.MkdirTemp("", "hybridplan-rehearse-")
	if err != nil {
		fmt.Fprintln(stderr, "hybridplan rehearse:", err)
		return 2
	}
	defer os.RemoveAll(dir)
	if !*asJSON {
		fmt.Fprintf(stderr, "rehearsing %d scenario(s) with BGP timers %d/%d s; Ctrl-C stops and cleans up\n", len(scenarios), t[0], t[1])
	}
	rep, err := lab.Rehearsal{Plan: p, Timers: t, Scenarios: scenarios, WorkDir: dir}.Run(ctx)
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "hybridplan rehearse: interrupted; the lab is cleaned up")
		} else {
			fmt.Fprintln(stderr, "hybridplan rehearse: the lab failed:", err)
		}
		return 2
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintln(stderr, "hybridplan rehearse:", err)
			return 2
		}
	} else {
		rep.WriteText(stdout)
	}
	if !rep.Agree {
		return 1
	}
	return 0
}
