package sim

import (
	"slices"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/fmtlite"
	"github.com/hybridplan/hybridplan/pkg/plan"
)

// OrderFindings checks the normal state under both bring-up orders
// (plan.BringUpOrders) and reports when it depends on the order:
//
//   - a warning when return traffic takes another kind of path under one
//     order than under the other and is asymmetric under one of them (the
//     VPN came up first and keeps the return traffic while the cloud sends
//     over Direct Connection: asymmetric from the first day, and a stateful
//     firewall on either path drops it). Not an error: under the plan's own
//     order (bringUp) the normal state is what Check's sim.asymmetric
//     judges; this is the order the operator may not follow;
//   - info when only the interface or tunnel differs, or both orders stay
//     symmetric (the runbook and the trace name another VLAN or tunnel
//     than the network will use).
//
// The hint is the fix: local-preference that ranks Direct Connection above
// the VPN, which no bring-up order can undo.
func OrderFindings(p *plan.Plan) []plan.Finding {
	if p == nil || p.DirectConnection == nil && p.VPN == nil {
		return nil
	}
	type view struct {
		order string
		cells []Cell
	}
	var views []view
	for _, order := range plan.BringUpOrders() {
		q := WithBringUp(p, order)
		normal := StandardScenarios(q)[0]
		m, err := MatrixFor(q, []Scenario{normal})
		if err != nil {
			return nil // the events checks report what the simulator cannot run
		}
		views = append(views, view{order, m.Cells})
	}
	a, b := views[0], views[1]
	var kindDiff, sessionDiff []string
	for i := range a.cells {
		x, y := a.cells[i], b.cells[i]
		if x.Return == nil || y.Return == nil {
			continue
		}
		pair := fmtlite.Sprintf("%s → %s", x.IDC, x.VPC)
		switch {
		case x.Return.Kind != y.Return.Kind && (!x.Symmetric || !y.Symmetric):
			kindDiff = append(kindDiff, fmtlite.Sprintf("%s returns over %s when %s, over %s when %s, while the cloud sends over %s", pair,
				describeVerdict(x.Return), a.order, describeVerdict(y.Return), b.order, describeVerdict(x.Forward)))
		case x.Return.Kind != y.Return.Kind:
			sessionDiff = append(sessionDiff, fmtlite.Sprintf("%s returns over %s when %s, over %s when %s", pair,
				describeVerdict(x.Return), a.order, describeVerdict(y.Return), b.order))
		case !slices.Equal(x.Return.Sessions, y.Return.Sessions):
			sessionDiff = append(sessionDiff, fmtlite.Sprintf("%s returns via %s when %s, via %s when %s", pair,
				strings.Join(x.Return.Sessions, ", "), a.order, strings.Join(y.Return.Sessions, ", "), b.order))
		}
	}
	const limit = 3 // examples in a message; the rest are counted
	examples := func(list []string) string {
		s := strings.Join(list[:min(limit, len(list))], "; ")
		if len(list) > limit {
			s += fmtlite.Sprintf("; and %d more", len(list)-limit)
		}
		return s
	}
	related := []string{"$.bringUp"}
	var out []plan.Finding
	if len(kindDiff) > 0 {
		out = append(out, plan.Finding{
			Code: CodeBringUpOrderDependent, Severity: plan.SeverityWarning, Path: "$.strategy.localPreference", Related: related,
			Message: "with every session up, the customer router's return path depends on which path was brought up first (BGP keeps the older of equal paths): " + examples(kindDiff) +
				"; asymmetric from the first day under that order, and a stateful firewall on either path drops such traffic",
			Hint: "set strategy.localPreference (e.g. directConnection 200, vpn 100): then Direct Connection carries the return traffic whatever came up first",
		})
	}
	if len(sessionDiff) > 0 {
		out = append(out, plan.Finding{
			Code: CodeBringUpOrderDependent, Severity: plan.SeverityInfo, Path: "$.strategy.localPreference", Related: related,
			Message: "with every session up, which interface or tunnel carries the return traffic depends on the bring-up order: " + examples(sessionDiff),
			Hint:    "expect either in the runbook's checks, or bring the sessions up in the order the plan's bringUp says",
		})
	}
	return out
}

func describeVerdict(v *Verdict) string {
	if !v.Reachable {
		return "no path"
	}
	return kindName(v.Kind) + " (" + strings.Join(v.Sessions, ", ") + ")"
}
