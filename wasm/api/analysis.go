package api

import (
	"net/netip"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/fmtlite"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/sim"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
	"github.com/hybridplan/hybridplan/pkg/plan/verdict"
)

// Codes of the analysis functions.
const (
	// CodePlanInvalid: the plan decodes but has validation errors, so
	// simulating or exporting it would describe a network that cannot be
	// built. The server uses the same code.
	CodePlanInvalid = "plan.invalid"
	// CodeScenario: no scenario of that name for this plan.
	CodeScenario = "sim.scenario"
	// CodeSimulation: the scenario cannot be applied to this plan.
	CodeSimulation = "sim.failed"
	// CodeTrace: the trace's addresses do not fit the plan.
	CodeTrace = "sim.trace"
	// CodeAddress: a trace address is not an IP address.
	CodeAddress = "sim.address"
	// CodeExportFormat: an export format Render does not know.
	CodeExportFormat = "export.format"
	// CodeProvision: the plan lacks what JD Cloud needs to provision it.
	CodeProvision = "provision.invalid"
)

// FormatCalls is exportConfig's format for the ordered JD Cloud calls
// (export.FormatCalls); FormatCallsAlias is accepted for it too.
const (
	FormatCalls      = "calls"
	FormatCallsAlias = "provisioning"
)

// decodePlan reads a plan strictly.
func decodePlan(doc string) (*plan.Plan, error) {
	return plan.DecodeBytes([]byte(doc))
}

// decodeValid reads a plan and refuses one with validation errors, with
// every finding, so the page can list what to fix.
func decodeValid(doc, doing string) (*plan.Plan, error) {
	p, err := decodePlan(doc)
	if err != nil {
		return nil, err
	}
	fs := verdict.Check(p)
	if !plan.HasErrors(fs) {
		return p, nil
	}
	plan.SortFindings(fs)
	n := 0
	for _, f := range fs {
		if f.Severity == plan.SeverityError {
			n++
		}
	}
	first := fs[0]
	return nil, &Error{Code: CodePlanInvalid,
		Message:  fmtlite.Sprintf("the plan has %d %s, so it cannot be %s", n, plural(n, "error", "errors"), doing),
		Path:     first.Path,
		Hint:     "fix the errors listed under findings, starting with: " + first.Message,
		Findings: fs}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Strategy returns what each side advertises on every session under the
// plan's strategy, with the strategy's findings and notes. It needs only a
// plan that decodes: its findings are part of what the page shows while the
// plan is still being fixed.
func Strategy(doc string) (strategy.Result, error) {
	p, err := decodePlan(doc)
	if err != nil {
		return strategy.Result{}, err
	}
	r := strategy.Compute(p)
	// The findings are the verdict's second stage (strategy, simulation),
	// so that the page's findings panel ends with the same list as
	// `hybridplan validate` and the server.
	r.Findings = verdict.AfterQuick(p, verdict.Options{})
	return r, nil
}

// Scenarios returns the plan's standard scenarios, "normal" first.
func Scenarios(doc string) ([]sim.Scenario, error) {
	p, err := decodePlan(doc)
	if err != nil {
		return nil, err
	}
	return sim.Scenarios(p), nil
}

// SimulateResult is one scenario's state and its predicted loss windows.
type SimulateResult struct {
	*sim.State
	// Failover is how long traffic is lost while it moves, per phase
	// (failover, failback) and direction, for the worst segment pair
	// (sim.LossWindows; docs/rehearse.md). Empty for normal.
	Failover []sim.PhaseLoss `json:"failover"`
}

// Simulate runs one scenario and returns both routers' tables, the
// sessions' states and the predicted loss windows.
func Simulate(doc, scenario string) (SimulateResult, error) {
	p, err := decodeValid(doc, "simulated")
	if err != nil {
		return SimulateResult{}, err
	}
	s, err := findScenario(p, scenario)
	if err != nil {
		return SimulateResult{}, err
	}
	st, err := sim.Run(p, s)
	if err != nil {
		return SimulateResult{}, &Error{Code: CodeSimulation, Message: err.Error(), Hint: "check the plan's sessions and prefixes against the scenario"}
	}
	r := SimulateResult{State: st, Failover: []sim.PhaseLoss{}}
	if losses, err := sim.LossWindows(p, []sim.Scenario{s}); err == nil && len(losses) == 1 {
		r.Failover = losses[0].Phases
	}
	return r, nil
}

// TraceResult is a trace and the loss windows between its two addresses.
type TraceResult struct {
	sim.TraceResult
	// Failover is how long traffic between the two addresses is lost
	// while it moves, per phase and direction (sim.LossWindowsBetween).
	Failover []sim.PhaseLoss `json:"failover"`
}

// Trace follows traffic from src to dst and back in a scenario, with the
// predicted loss windows between the two addresses.
func Trace(doc, scenario, src, dst string) (TraceResult, error) {
	res, p, s, err := trace(doc, scenario, src, dst)
	if err != nil {
		return TraceResult{}, err
	}
	r := TraceResult{TraceResult: res, Failover: []sim.PhaseLoss{}}
	vpc, idc := res.Source, res.Destination
	if vpc.Side != sim.SideVPC {
		vpc, idc = idc, vpc
	}
	if losses, err := sim.LossWindowsBetween(p, []sim.Scenario{s}, vpc, idc); err == nil && len(losses) == 1 {
		r.Failover = losses[0].Phases
	}
	return r, nil
}

// trace is Trace without the loss windows, and the plan and scenario it ran.
func trace(doc, scenario, src, dst string) (sim.TraceResult, *plan.Plan, sim.Scenario, error) {
	p, err := decodeValid(doc, "traced")
	if err != nil {
		return sim.TraceResult{}, nil, sim.Scenario{}, err
	}
	s, err := findScenario(p, scenario)
	if err != nil {
		return sim.TraceResult{}, nil, sim.Scenario{}, err
	}
	from, err := parseAddr(src, "source")
	if err != nil {
		return sim.TraceResult{}, nil, sim.Scenario{}, err
	}
	to, err := parseAddr(dst, "destination")
	if err != nil {
		return sim.TraceResult{}, nil, sim.Scenario{}, err
	}
	res, err := sim.Trace(p, s, from, to)
	if err != nil {
		return sim.TraceResult{}, nil, sim.Scenario{}, &Error{Code: CodeTrace, Message: err.Error(),
			Hint: "trace from an address in a VPC to an address in an IDC segment, or the reverse"}
	}
	return res, p, s, nil
}

// Matrix returns every IDC segment × VPC segment × scenario verdict.
func Matrix(doc string) (sim.ConnectivityMatrix, error) {
	p, err := decodeValid(doc, "simulated")
	if err != nil {
		return sim.ConnectivityMatrix{}, err
	}
	m, err := sim.Matrix(p)
	if err != nil {
		return sim.ConnectivityMatrix{}, simulationError(err)
	}
	return m, nil
}

// simulationError is the error of a matrix the plan's scenarios cannot
// be applied to.
func simulationError(err error) *Error {
	return &Error{Code: CodeSimulation, Message: err.Error(), Hint: "check the plan's sessions and prefixes"}
}

// ExportFormats returns every format exportConfig accepts: those of
// export.Formats (router configurations, the plan, the calls). The list is
// written out here because the core module does not link pkg/plan/export
// (exportConfig is in the later module, package later); a test in package
// later keeps it equal to export.Formats.
func ExportFormats() []string {
	return []string{"frr", "ios-xe", "junos", "vrp", "strongswan", "plan", FormatCalls}
}

func findScenario(p *plan.Plan, name string) (sim.Scenario, error) {
	if name == "" {
		name = sim.ScenarioNormal
	}
	s, err := sim.FindScenario(p, name)
	if err != nil {
		return sim.Scenario{}, &Error{Code: CodeScenario, Message: err.Error(), Hint: "call scenarios(plan) for this plan's scenario names"}
	}
	return s, nil
}

func parseAddr(s, role string) (netip.Addr, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return netip.Addr{}, &Error{Code: CodeAddress, Message: fmtlite.Sprintf("the %s address is empty", role),
			Hint: "write an address such as 10.0.1.5 or 2001:db8::5"}
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, &Error{Code: CodeAddress, Message: fmtlite.Sprintf("the %s %q is not an IP address", role, s),
			Hint: "write an address such as 10.0.1.5 or 2001:db8::5, without a prefix length"}
	}
	return a.Unmap(), nil
}

// MatrixTable is Matrix's result as indexed structures, what the page's
// bridge moves between threads: names and verdicts once each, every cell
// as CellFields small integers. A cell's verdicts are shared by the cells
// whose traffic matches the same route, so a 1,000-prefix matrix of
// megabytes of JSON becomes a few kilobytes of verdicts and an integer
// array the page receives without copying (a transferred ArrayBuffer).
type MatrixTable struct {
	// Scenarios are the matrix's scenarios with their events (what
	// scenarios() gives), so a page can draw a toggled failure at once.
	Scenarios   []sim.Scenario      `json:"scenarios"`
	IDCSegments []sim.MatrixSegment `json:"idcSegments"`
	VPCSegments []sim.MatrixSegment `json:"vpcSegments"`
	// Verdicts are the distinct verdicts the cells point to.
	Verdicts []*sim.Verdict `json:"verdicts"`
	// Cells holds CellFields integers per cell, in the matrix's order:
	// scenario index, IDC segment index, VPC segment index, forward verdict
	// index, return verdict index (-1: none), flags (CellReachable,
	// CellSymmetric). The bridge hands it over as an Int32Array.
	Cells []int32 `json:"-"`
}

// CellFields is the number of integers per cell in MatrixTable.Cells.
const CellFields = sim.MatrixCellFields

// Flags of a MatrixTable cell.
const (
	CellReachable = sim.CellReachable
	CellSymmetric = sim.CellSymmetric
)

// Int32Arrays lists the result's integer arrays, which the js/wasm bridge
// sets on the JavaScript result as Int32Arrays under these names.
func (t MatrixTable) Int32Arrays() map[string][]int32 {
	return map[string][]int32{"cells": t.Cells}
}

// MatrixTableFor is matrixTable: Matrix, indexed (sim.MatrixIndexed, which
// never builds the Cell structs), with the scenarios' events.
func MatrixTableFor(doc string) (MatrixTable, error) {
	p, err := decodeValid(doc, "simulated")
	if err != nil {
		return MatrixTable{}, err
	}
	scs := sim.Scenarios(p)
	x, err := sim.MatrixIndexedFor(p, scs)
	if err != nil {
		return MatrixTable{}, simulationError(err)
	}
	return MatrixTable{Scenarios: scs, IDCSegments: x.IDCSegments, VPCSegments: x.VPCSegments, Verdicts: x.Verdicts, Cells: x.Cells}, nil
}
