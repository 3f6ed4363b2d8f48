// Package verdict is the one check of a plan that every surface uses: the
// command line (validate, and the gate of simulate, trace and export), the
// page's findings panel, the export package's own gate and the server's
// submit, approve and provision gates. Whatever reports on a plan reports
// the same findings, with the same codes, paths and severities.
//
// It runs in two stages so that the page can stay responsive:
//
//   - Quick decodes the document and runs validate's rules (addresses, JD
//     Cloud's rules and quotas, limits, names, the strategy's numbers):
//     linear or n log n in the plan's size, cheap enough per keystroke.
//   - Full is Quick plus the strategy's findings (strategy.Compute) and,
//     when nothing so far is an error, the simulation-level findings
//     (sim.Check), plus the pre-shared keys when Options.Secrets is set.
//     The page runs it after a pause; its findings are the final ones, the
//     same the command line prints.
//
// Findings come sorted (plan.SortFindings), with one severity scale, at
// most plan.MaxFindingsPerCode per code (one findings.not-listed finding
// counts the rest). The strategy's strategy.mode, strategy.single-path-kind
// and strategy.too-large are left out: validate reports the same problem as
// strategy.mode-missing/-unknown, path.* and limit.*.
package verdict

import (
	"errors"
	"slices"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/sim"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
	"github.com/hybridplan/hybridplan/pkg/plan/validate"
)

// Options change what Full checks. The zero value checks everything that
// needs no secret.
type Options struct {
	// Secrets resolves a tunnel's pskRef ("env:NAME", "file:/path") to the
	// pre-shared key, so that the key is checked against JD Cloud's rules
	// (vpn.psk-invalid) and a reference that does not resolve is reported
	// (vpn.psk-unresolved). Nil skips the check: the page never has keys.
	// The caller decides which sources are allowed; errors must name the
	// reference, never the value. A key never appears in a finding.
	Secrets func(ref string) (string, error)
}

// Result is the verdict on a document.
type Result struct {
	// Plan is the decoded plan; nil when the document does not decode.
	Plan *plan.Plan `json:"-"`
	// Findings are sorted and capped; never nil.
	Findings []plan.Finding `json:"findings"`
}

// OK reports whether no finding is an error.
func (r Result) OK() bool { return !plan.HasErrors(r.Findings) }

// DecodeFailed reports whether the document could not be read as a plan;
// its findings are then the decoder's (codes decode.*).
func (r Result) DecodeFailed() bool { return r.Plan == nil }

// QuickDocument decodes doc and runs the quick stage (Quick).
func QuickDocument(doc []byte) Result {
	p, fs := decode(doc)
	if p == nil {
		return Result{Findings: fs}
	}
	return Result{Plan: p, Findings: Quick(p)}
}

// FullDocument decodes doc and runs the full verdict (Full).
func FullDocument(doc []byte, opts Options) Result {
	p, fs := decode(doc)
	if p == nil {
		return Result{Findings: fs}
	}
	return Result{Plan: p, Findings: Full(p, opts)}
}

// decode returns the plan, or nil and the decode findings.
func decode(doc []byte) (*plan.Plan, []plan.Finding) {
	p, err := plan.DecodeBytes(doc)
	if err == nil {
		return p, nil
	}
	var de *plan.DecodeError
	if !errors.As(err, &de) {
		// DecodeBytes returns only *DecodeError; stay total anyway.
		de = &plan.DecodeError{Findings: []plan.Finding{{Code: plan.CodeDecodeSyntax, Severity: plan.SeverityError, Path: "$", Message: err.Error()}}}
	}
	var col plan.Collector
	col.AddAll(de.Findings)
	return nil, col.Findings()
}

// Quick runs validate's rules on a decoded plan.
func Quick(p *plan.Plan) []plan.Finding {
	var col plan.Collector
	validate.Collect(&col, p)
	return col.Findings()
}

// Full runs every check on a decoded plan: validate's rules, the strategy,
// the keys when opts.Secrets is set and, for a plan without errors so far,
// the simulation. Simulating a plan with errors would report the errors'
// consequences again, and the simulation's bounds assume a valid plan.
func Full(p *plan.Plan, opts Options) []plan.Finding {
	var col plan.Collector
	validate.Collect(&col, p)
	if p == nil {
		return col.Findings()
	}
	strat := strategy.Compute(p)
	for _, f := range strat.Findings {
		switch f.Code {
		case strategy.CodeMode, strategy.CodeSinglePathKind, strategy.CodeTooLarge:
			continue // validate reports these as strategy.mode-*, path.*, limit.*
		}
		col.Add(f)
	}
	validate.CollectKeys(&col, p, opts.Secrets)
	// The plan's own scenarios and bring-up order are fields like any
	// other: their findings come before anything is simulated.
	col.AddAll(sim.CheckPlan(p))
	fs := col.Findings()
	if plan.HasErrors(fs) {
		return fs
	}
	simFindings := sim.CheckWith(p, strat)
	col.AddAll(simFindings)
	// The loss-window model simulates every silent failure: it runs only
	// where sim.Check (which includes the bring-up order check) found the
	// plan within its work bound.
	if !slices.ContainsFunc(simFindings, func(f plan.Finding) bool { return f.Code == sim.CodeNotChecked }) {
		col.AddAll(sim.FailoverFindings(p))
	}
	return col.Findings()
}

// Check is Full without secrets: the function the server's hook and the
// export gate take (func(*plan.Plan) []plan.Finding).
func Check(p *plan.Plan) []plan.Finding { return Full(p, Options{}) }

// Checker returns Full with opts as a func(*plan.Plan) []plan.Finding, for
// a server that resolves keys from the sources its configuration allows.
func Checker(opts Options) func(*plan.Plan) []plan.Finding {
	return func(p *plan.Plan) []plan.Finding { return Full(p, opts) }
}
