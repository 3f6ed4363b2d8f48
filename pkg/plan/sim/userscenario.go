package sim

import (
	"errors"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hybridplan/hybridplan/pkg/fmtlite"
	"github.com/hybridplan/hybridplan/pkg/plan"
)

// CheckPlan checks the plan's simulation fields: the bring-up order and
// the user-written scenarios (at $.scenarios). It returns findings with
// the JSON path of each field at fault; the verdict includes them.
func CheckPlan(p *plan.Plan) []plan.Finding {
	var out []plan.Finding
	if p.BringUp != "" && !slices.Contains(plan.BringUpOrders(), p.BringUp) {
		out = append(out, plan.Finding{
			Code: CodeBringUpUnknown, Severity: plan.SeverityError, Path: "$.bringUp",
			Message: fmtlite.Sprintf("unknown bring-up order %q", p.BringUp),
			Hint:    "use " + strings.Join(plan.BringUpOrders(), " or ") + ", or leave it out for " + plan.BringUpDirectConnectionFirst,
		})
	}
	fs, _ := CheckUserScenarios(p, p.Scenarios, "$.scenarios")
	out = append(out, fs...)
	plan.SortFindings(out)
	return out
}

// CheckUserScenarios checks user-written scenarios for plan p, whether they
// come from the plan (root "$.scenarios") or from a separate file (root
// naming it). It returns the findings and, per scenario, whether it can be
// run. Only the first plan.MaxUserScenarios are looked at: more is a
// finding, and the work stays bounded whatever the list holds.
func CheckUserScenarios(p *plan.Plan, list []plan.UserScenario, root string) ([]plan.Finding, []bool) {
	var out []plan.Finding
	fail := func(code, path, msg, hint string) {
		out = append(out, plan.Finding{Code: code, Severity: plan.SeverityError, Path: path, Message: msg, Hint: hint})
	}
	if len(list) > plan.MaxUserScenarios {
		fail(CodeScenarioLimit, root, fmtlite.Sprintf("%d scenarios; the limit is %d (plan.MaxUserScenarios), so only the first %d are checked and simulated", len(list), plan.MaxUserScenarios, plan.MaxUserScenarios),
			"keep the scenarios that test a design question; the standard scenarios already cover each failure and its failback")
		list = list[:plan.MaxUserScenarios]
	}
	ok := make([]bool, len(list))
	if len(list) == 0 {
		return out, ok
	}
	m := newModel(p)
	taken := map[string]bool{}
	for _, s := range StandardScenarios(p) {
		taken[s.Name] = true
	}
	seen := map[string]int{}
	for i, u := range list {
		at := fmtlite.Sprintf("%s[%d]", root, i)
		ok[i] = true
		bad := func(code, path, msg, hint string) {
			fail(code, path, msg, hint)
			ok[i] = false
		}
		switch name := u.Name; {
		case strings.TrimSpace(name) == "":
			bad(CodeScenarioName, at+".name", "the scenario has no name", "name it after what it tests, e.g. \"dc1-shut-then-dc2-withdraws\"")
		case utf8.RuneCountInString(name) > plan.MaxScenarioNameLength:
			bad(CodeScenarioLimit, at+".name", fmtlite.Sprintf("the name has %d characters; the limit is %d (plan.MaxScenarioNameLength)", utf8.RuneCountInString(name), plan.MaxScenarioNameLength), "shorten it; the description can say more")
		case strings.IndexFunc(name, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0:
			bad(CodeScenarioName, at+".name", "the name contains a control or non-printing character", "use letters, digits, spaces and punctuation")
		case taken[name]:
			bad(CodeScenarioName, at+".name", fmtlite.Sprintf("%q is the name of a standard scenario", name), "choose another name; the standard scenarios are always simulated")
		case seen[name] > 0:
			bad(CodeScenarioName, at+".name", fmtlite.Sprintf("%q is also the name of scenario %d", name, seen[name]-1), "give every scenario its own name")
		}
		if seen[u.Name] == 0 {
			seen[u.Name] = i + 1
		}
		if len(u.Events) == 0 {
			bad(CodeScenarioEvent, at+".events", "the scenario has no events", "add at least one event; \"normal\" is already the state with none")
			continue
		}
		if len(u.Events) > plan.MaxScenarioEvents {
			bad(CodeScenarioLimit, at+".events", fmtlite.Sprintf("%d events; the limit is %d (plan.MaxScenarioEvents)", len(u.Events), plan.MaxScenarioEvents), "split it into several scenarios")
			continue
		}
		static := true
		for k, e := range u.Events {
			ep := fmtlite.Sprintf("%s.events[%d]", at, k)
			switch {
			case len(e.Prefixes) > plan.MaxScenarioPrefixes:
				bad(CodeScenarioLimit, ep+".prefixes", fmtlite.Sprintf("%d prefixes; the limit is %d (plan.MaxScenarioPrefixes)", len(e.Prefixes), plan.MaxScenarioPrefixes), "leave prefixes out to withdraw everything the session advertises")
				static = false
			case len(e.Prefixes) > 0 && e.Kind != EventWithdraw && e.Kind != EventRestore:
				bad(CodeScenarioEvent, ep+".prefixes", fmtlite.Sprintf("a %s event takes no prefixes", e.Kind), "only withdraw and restore change what a session advertises")
				static = false
			}
		}
		if static {
			if k, field, err := m.replay(FromUser(u)); err != nil {
				bad(CodeScenarioEvent, fmtlite.Sprintf("%s.events[%d].%s", at, k, field), err.Error(), "see docs/simulate.md, \"Scenarios and events\"")
			}
		}
	}
	return out, ok
}

// replay applies the initial events and s's events, as Run does, and
// returns the first of s's events the plan cannot apply: its index, the
// field at fault and why. The events are applied, not only looked at,
// because whether one applies can depend on those before it.
func (m *model) replay(s Scenario) (int, string, error) {
	w := m.newWorld()
	for _, e := range InitialEvents(m.p) {
		if err := m.apply(w, e); err != nil {
			return 0, fieldKind, err
		}
	}
	for k, e := range s.Events {
		if err := m.apply(w, e); err != nil {
			field := fieldKind
			var ee *eventError
			if errors.As(err, &ee) {
				field = ee.field
			}
			return k, field, err
		}
	}
	return 0, "", nil
}

// UserScenarios returns the plan's user-written scenarios that pass the
// checks, as scenarios the simulator and the oracle run.
func UserScenarios(p *plan.Plan) []Scenario {
	if len(p.Scenarios) == 0 {
		return nil
	}
	_, ok := CheckUserScenarios(p, p.Scenarios, "$.scenarios")
	var out []Scenario
	for i, good := range ok {
		if good {
			out = append(out, FromUser(p.Scenarios[i]))
		}
	}
	return out
}

// FromUser turns a user-written scenario into the simulator's form. A
// scenario without a description gets its events as one.
func FromUser(u plan.UserScenario) Scenario {
	s := Scenario{Name: u.Name, Description: u.Description, Events: make([]Event, len(u.Events))}
	for i, e := range u.Events {
		s.Events[i] = fromUserEvent(e)
	}
	if s.Description == "" {
		parts := make([]string, len(s.Events))
		for i, e := range s.Events {
			parts[i] = e.String()
		}
		s.Description = "user-written: " + strings.Join(parts, "; ")
	}
	return s
}

func fromUserEvent(e plan.ScenarioEvent) Event {
	return Event{Kind: e.Kind, Session: e.Session, Prefixes: e.Prefixes, Family: e.Family}
}
