package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/sim"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
	"github.com/hybridplan/hybridplan/pkg/plan/verdict"
)

// simulateReport is the --json output of `hybridplan simulate`, documented
// in docs/simulate.md. Fields are only ever added.
type simulateReport struct {
	Version   int               `json:"version"`
	File      string            `json:"file"`
	Strategy  strategy.Result   `json:"strategy"`
	Scenarios []simulatedResult `json:"scenarios"`
}

// simulatedResult is one scenario: sessions and route tables (sim.State)
// plus the VPC ↔ IDC segment verdicts.
type simulatedResult struct {
	*sim.State
	Connectivity []sim.Cell `json:"connectivity"`
	// Failover is the predicted loss window of each phase, both
	// directions (sim.LossWindows; docs/rehearse.md).
	Failover []sim.PhaseLoss `json:"failover"`
}

func runSimulate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scenarioName := fs.String("scenario", "", "simulate one scenario by name (default normal)")
	all := fs.Bool("all", false, "simulate every standard scenario")
	withdraw := fs.String("withdraw", "", "simulate withdrawing these comma-separated prefixes from Direct Connection")
	asJSON := fs.Bool("json", false, "print the result as JSON (see docs/simulate.md)")
	force := fs.Bool("force", false, "simulate a plan that has errors anyway (the errors are printed first)")
	simOpts := addSimFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: hybridplan simulate [--scenario NAME | --all | --withdraw PREFIX,…] [--bring-up ORDER] [--scenarios FILE] [--json] [--force] FILE|-")
		fmt.Fprintln(stderr, "Shows, per failure scenario, the border gateway's and the customer router's route tables with the")
		fmt.Fprintln(stderr, "reason for every choice, and which path traffic takes between every VPC and IDC segment.")
		fmt.Fprintln(stderr, "exit status: 0 simulated, 1 the plan has errors (see hybridplan validate; --force simulates anyway), 2 bad input or usage")
		fs.PrintDefaults()
	}
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return helpOr2(err)
	}
	if len(rest) != 1 {
		fmt.Fprintln(stderr, "hybridplan simulate: give exactly one plan file (or - for stdin)")
		fs.Usage()
		return 2
	}
	if countSet(*scenarioName != "", *all, *withdraw != "") > 1 {
		fmt.Fprintln(stderr, "hybridplan simulate: --scenario, --all and --withdraw exclude each other; give one")
		return 2
	}
	p, code := readValidPlan("simulate", rest[0], stdin, stderr, *force)
	if p == nil {
		return code
	}
	fromFile, code := simOpts.apply("simulate", p, stderr)
	if code != 0 {
		return code
	}
	var scenarios []sim.Scenario
	switch {
	case len(fromFile) > 0 && !*all && *scenarioName == "" && *withdraw == "":
		// Only a scenarios file: simulate its scenarios.
		for _, name := range fromFile {
			s, _ := sim.FindScenario(p, name)
			scenarios = append(scenarios, s)
		}
	case *all:
		scenarios = sim.AllScenarios(p)
	case *withdraw != "":
		prefixes, err := parsePrefixList(*withdraw)
		if err != nil {
			fmt.Fprintln(stderr, "hybridplan simulate: --withdraw:", err)
			return 2
		}
		scenarios = []sim.Scenario{sim.WithdrawScenario(prefixes)}
	default:
		name := *scenarioName
		if name == "" {
			name = sim.ScenarioNormal
		}
		s, err := sim.FindScenario(p, name)
		if err != nil {
			fmt.Fprintln(stderr, "hybridplan simulate:", err)
			return 2
		}
		scenarios = []sim.Scenario{s}
	}
	report := simulateReport{Version: 1, File: rest[0], Strategy: strategy.Compute(p)}
	for _, s := range scenarios {
		st, err := sim.Run(p, s)
		if err != nil {
			fmt.Fprintln(stderr, "hybridplan simulate:", err)
			return 2
		}
		report.Scenarios = append(report.Scenarios, simulatedResult{State: st})
	}
	m, err := sim.MatrixFor(p, scenarios)
	if err != nil {
		fmt.Fprintln(stderr, "hybridplan simulate:", err)
		return 2
	}
	losses, err := sim.LossWindows(p, scenarios)
	if err != nil {
		fmt.Fprintln(stderr, "hybridplan simulate:", err)
		return 2
	}
	for i := range report.Scenarios {
		report.Scenarios[i].Failover = losses[i].Phases
		report.Scenarios[i].Connectivity = []sim.Cell{}
		for _, c := range m.Cells {
			if c.Scenario == report.Scenarios[i].Scenario.Name {
				report.Scenarios[i].Connectivity = append(report.Scenarios[i].Connectivity, c)
			}
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			fmt.Fprintln(stderr, "hybridplan simulate:", err)
			return 2
		}
		return 0
	}
	printSimulation(stdout, p, report, m)
	return 0
}

// readValidPlan reads the plan and runs the full verdict on it (the same
// findings as validate). A plan with errors is refused, its errors printed,
// unless force is set: then the errors are printed as a warning and the
// plan is returned anyway. It returns nil and the exit status on failure:
// 2 for an unreadable document, 1 for a plan with errors.
func readValidPlan(cmd, name string, stdin io.Reader, stderr io.Writer, force bool) (*plan.Plan, int) {
	doc, err := readDocument(name, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "hybridplan %s: %v\n", cmd, err)
		return nil, 2
	}
	v := verdict.FullDocument(doc, verdict.Options{})
	if v.DecodeFailed() {
		fmt.Fprintf(stderr, "hybridplan %s: %s cannot be read as a plan:\n", cmd, name)
		for _, f := range v.Findings {
			fmt.Fprintf(stderr, "  %s: %s\n", f.Path, f.Message)
		}
		return nil, 2
	}
	if v.OK() {
		return v.Plan, 0
	}
	if force {
		fmt.Fprintf(stderr, "hybridplan %s: %s has errors (hybridplan validate lists them); going on because of --force, so the result describes a network that would not work as planned:\n", cmd, name)
	} else {
		fmt.Fprintf(stderr, "hybridplan %s: %s has errors; fix them first, or give --force to look anyway:\n", cmd, name)
	}
	for _, f := range v.Findings {
		if f.Severity == plan.SeverityError {
			fmt.Fprintf(stderr, "  [%s] %s: %s\n", f.Code, f.Path, f.Message)
			for _, rel := range f.Related {
				fmt.Fprintf(stderr, "      and %s\n", rel)
			}
		}
	}
	if force {
		return v.Plan, 0
	}
	return nil, 1
}

// parseInterspersed parses flags that may come before, between or after the
// positional arguments, and returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		if args[0] == "-" || !strings.HasPrefix(args[0], "-") {
			rest = append(rest, args[0])
			args = args[1:]
			continue
		}
		// fs.Parse stopped at "--": everything after is positional.
		return append(rest, args...), nil
	}
}

// helpOr2 is the exit status after a flag error: 0 when help was asked
// for (the usage is already printed), 2 otherwise.
func helpOr2(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}

func countSet(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

func parsePrefixList(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		q, err := netip.ParsePrefix(part)
		if err != nil {
			return nil, fmt.Errorf("%q is not a prefix; write it like 192.168.0.0/17", part)
		}
		out = append(out, q)
	}
	if len(out) == 0 {
		return nil, errors.New("no prefixes given; write them like 192.168.0.0/17,172.20.0.0/17")
	}
	return out, nil
}

// printSimulation writes the report for people.
func printSimulation(w io.Writer, p *plan.Plan, r simulateReport, m sim.ConnectivityMatrix) {
	fmt.Fprintf(w, "%s (%s, strategy %s)\n", r.File, p.Name, r.Strategy.Mode)
	for _, f := range r.Strategy.Findings {
		fmt.Fprintf(w, "  %s [%s] %s\n", f.Severity, f.Code, f.Message)
	}
	for _, a := range r.Strategy.Assumptions {
		fmt.Fprintf(w, "  assumption: %s\n", a)
	}
	for _, res := range r.Scenarios {
		st := res.State
		fmt.Fprintf(w, "\n== scenario %s: %s\n", st.Scenario.Name, st.Scenario.Description)
		if len(st.Scenario.Events) > 0 {
			evs := make([]string, len(st.Scenario.Events))
			for i, e := range st.Scenario.Events {
				evs[i] = e.String()
			}
			fmt.Fprintf(w, "   events after bring-up: %s\n", strings.Join(evs, "; "))
		}
		var ss []string
		for _, s := range st.Sessions {
			state := "down"
			if s.Up {
				state = fmt.Sprintf("up #%d", s.Established)
			}
			if s.IPv6 != nil && s.IPv6.Up != s.Up {
				state += map[bool]string{true: ", IPv6 up", false: ", IPv6 down"}[s.IPv6.Up]
			}
			if len(s.Withdrawn) > 0 {
				state += fmt.Sprintf(", %d withdrawn", len(s.Withdrawn))
			}
			ss = append(ss, fmt.Sprintf("%s (%s)", s.Name, state))
		}
		fmt.Fprintf(w, "   sessions: %s\n", strings.Join(ss, ", "))
		fmt.Fprintln(w, "   paths, VPC → IDC (border gateway) | IDC → VPC (customer router):")
		for _, c := range res.Connectivity {
			verdict := "symmetric"
			switch {
			case !c.Reachable:
				verdict = "UNREACHABLE"
			case !c.Symmetric:
				verdict = "ASYMMETRIC"
			}
			fmt.Fprintf(w, "     %s %s → %s %s: %s | %s  %s\n", c.VPC, m.VPCSegments[c.VPCIndex].Address, c.IDC, m.IDCSegments[c.IDCIndex].Address,
				verdictText(c.Forward), verdictText(c.Return), verdict)
		}
		printLoss(w, "   ", res.Failover)
		printTable(w, "border gateway (routes towards the IDC and the VPCs)", st.BorderGateway)
		printTable(w, "customer router (routes towards the VPCs)", st.CustomerRouter)
	}
}

func verdictText(v *sim.Verdict) string {
	if !v.Reachable {
		return "no route"
	}
	kind := map[string]string{sim.KindDirectConnection: "Direct Connection", sim.KindVPN: "VPN", "mixed": "Direct Connection + VPN"}[v.Kind]
	return fmt.Sprintf("%s via %s (%s)", kind, strings.Join(v.Sessions, ", "), v.Route)
}

func printTable(w io.Writer, title string, t sim.Table) {
	fmt.Fprintf(w, "   %s:\n", title)
	if len(t.Routes) == 0 {
		fmt.Fprintln(w, "     (no routes)")
	}
	for _, r := range t.Routes {
		hops := make([]string, len(r.NextHops))
		for i, h := range r.NextHops {
			switch {
			case h.Attachment != "":
				hops[i] = "VPC attachment " + h.Attachment
			default:
				hops[i] = fmt.Sprintf("%s %s (%s)", h.Kind, h.Session, h.Address)
			}
		}
		fmt.Fprintf(w, "     %-20s → %s\n", r.Prefix, strings.Join(hops, ", "))
		fmt.Fprintf(w, "     %-20s   %d candidate(s); %s\n", "", len(r.Candidates), r.Decision.Reason)
	}
}

// printLoss writes the predicted loss windows of a scenario's phases.
func printLoss(w io.Writer, indent string, phases []sim.PhaseLoss) {
	for _, ph := range phases {
		fmt.Fprintf(w, "%s%s, predicted loss:\n", indent, ph.Phase)
		for _, lw := range []sim.LossWindow{ph.Forward, ph.Return} {
			dir := "VPC → IDC"
			if lw.Router == sim.RouterCustomerRouter {
				dir = "IDC → VPC"
			}
			fmt.Fprintf(w, "%s  %s: %s\n", indent, dir, lossText(lw))
		}
	}
}

// lossText is one direction's loss window in words.
func lossText(lw sim.LossWindow) string {
	switch {
	case !lw.Changed:
		return "no change (" + lw.From + ")"
	case lw.Outage:
		return fmt.Sprintf("OUTAGE %s → %s: %s", lw.From, lw.To, lw.Reason)
	}
	loss := "no loss"
	if lw.MaxMillis > 0 {
		loss = fmt.Sprintf("%s–%s lost", millis(lw.MinMillis), millis(lw.MaxMillis))
	}
	return fmt.Sprintf("%s, %s → %s within %s (%s: %s)", loss, lw.From, lw.To, millis(lw.SwitchMillis), lw.Detection, lw.Reason)
}

func millis(ms int) string {
	if ms >= 1000 {
		return fmt.Sprintf("%.2f s", float64(ms)/1000)
	}
	return fmt.Sprintf("%d ms", ms)
}
