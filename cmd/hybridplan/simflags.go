package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/sim"
)

// simFlags are the simulator's parameters that simulate and trace share:
// the bring-up order and a file of user-written scenarios.
type simFlags struct {
	bringUp   *string
	scenarios *string
}

func addSimFlags(fs *flag.FlagSet) *simFlags {
	return &simFlags{
		bringUp:   fs.String("bring-up", "", "bring-up order of the initial state: "+strings.Join(plan.BringUpOrders(), " or ")+" (default: the plan's bringUp, else "+plan.BringUpDirectConnectionFirst+")"),
		scenarios: fs.String("scenarios", "", "a JSON file {\"scenarios\": [...]} of user-written scenarios to add to the plan's (docs/simulate.md)"),
	}
}

// apply sets the bring-up order, adds the scenarios file's scenarios to p
// and checks the plan's simulation fields. It returns the names of the
// file's scenarios and an exit status: 0 fine, 1 findings (printed), 2 a
// bad flag or an unreadable file.
func (f *simFlags) apply(cmd string, p *plan.Plan, stderr io.Writer) ([]string, int) {
	if *f.bringUp != "" {
		if !slices.Contains(plan.BringUpOrders(), *f.bringUp) {
			fmt.Fprintf(stderr, "hybridplan %s: --bring-up %q: use %s\n", cmd, *f.bringUp, strings.Join(plan.BringUpOrders(), " or "))
			return nil, 2
		}
		p.BringUp = *f.bringUp
	}
	var names []string
	findings := sim.CheckPlan(p)
	if file := *f.scenarios; file != "" {
		list, err := readScenarioFile(file)
		if err != nil {
			fmt.Fprintf(stderr, "hybridplan %s: --scenarios: %v\n", cmd, err)
			return nil, 2
		}
		// The file's scenarios are checked on their own (paths into the
		// file), then together with the plan's for the limit and names.
		fs, _ := sim.CheckUserScenarios(p, list, file+": $.scenarios")
		findings = append(findings, fs...)
		for i, s := range list {
			names = append(names, s.Name)
			if slices.ContainsFunc(p.Scenarios, func(u plan.UserScenario) bool { return u.Name == s.Name }) {
				findings = append(findings, plan.Finding{Code: sim.CodeScenarioName, Severity: plan.SeverityError,
					Path: fmt.Sprintf("%s: $.scenarios[%d].name", file, i), Message: fmt.Sprintf("the plan has a scenario named %q too", s.Name)})
			}
		}
		if n := len(p.Scenarios) + len(list); n > plan.MaxUserScenarios {
			findings = append(findings, plan.Finding{Code: sim.CodeScenarioLimit, Severity: plan.SeverityError, Path: file + ": $.scenarios",
				Message: fmt.Sprintf("the plan and the file hold %d scenarios together; the limit is %d (plan.MaxUserScenarios)", n, plan.MaxUserScenarios)})
		}
		p.Scenarios = append(p.Scenarios, list...)
	}
	if plan.HasErrors(findings) {
		fmt.Fprintf(stderr, "hybridplan %s: the scenarios or the bring-up order cannot be simulated:\n", cmd)
		for _, f := range findings {
			if f.Severity == plan.SeverityError {
				fmt.Fprintf(stderr, "  [%s] %s: %s\n", f.Code, f.Path, f.Message)
			}
		}
		return nil, 1
	}
	return names, 0
}

// readScenarioFile reads {"scenarios": [...]} strictly (unknown fields are
// errors), bounded like a plan document.
func readScenarioFile(name string) ([]plan.UserScenario, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, plan.MaxDocumentBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > plan.MaxDocumentBytes {
		return nil, fmt.Errorf("%s is larger than %d MiB; a scenarios file holds a few events", name, plan.MaxDocumentBytes>>20)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var doc struct {
		Scenarios []plan.UserScenario `json:"scenarios"`
	}
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %v; write {\"scenarios\": [{\"name\": …, \"events\": [{\"kind\": …, \"session\": …}]}]}", name, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: unexpected data after the JSON document", name)
	}
	if len(doc.Scenarios) == 0 {
		return nil, fmt.Errorf("%s has no scenarios", name)
	}
	return doc.Scenarios, nil
}
