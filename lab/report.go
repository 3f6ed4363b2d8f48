package lab

import (
	"fmt"
	"io"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/plan/sim"
)

// WriteText writes the report for people: the seed's step 6, per scenario
// the predicted path and loss window next to the measured ones.
func (r *Report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "rehearsal of %s: probes %s ⇄ %s every %.0f ms, BGP timers %d/%d s, tolerance ±(%d ms + %.0f%% of the prediction)\n",
		r.Plan, r.VM, r.IDCHost, r.ProbeIntervalMs, r.Timers[0], r.Timers[1], r.ToleranceMillis, r.ToleranceFraction*100)
	for _, s := range r.StandsIn {
		fmt.Fprintf(w, "  stand-in: %s\n", s)
	}
	for _, sc := range r.Scenarios {
		fmt.Fprintf(w, "\n== %s (%.1f s): %s\n", sc.Scenario, float64(sc.WallMillis)/1000, sc.Description)
		fmt.Fprintf(w, "   before: VM → IDC via %s | IDC → VM via %s\n", sessionsText(sc.Before.Forward.Sessions), sessionsText(sc.Before.Return.Sessions))
		for _, ph := range sc.Phases {
			evs := make([]string, len(ph.Events))
			for i, e := range ph.Events {
				evs[i] = e.String()
			}
			fmt.Fprintf(w, "   %s (%s):\n", ph.Phase, strings.Join(evs, "; "))
			for _, d := range []struct {
				name string
				r    DirectionReport
			}{{"VM → IDC", ph.Forward}, {"IDC → VM", ph.Return}} {
				fmt.Fprintf(w, "     %s  predicted %s, %s\n", d.name, sessionsText(d.r.Predicted.ToSessions), predictedText(d.r.Predicted))
				fmt.Fprintf(w, "     %s  measured  %s, %s  %s\n", strings.Repeat(" ", len(d.name)-2), sessionsText(d.r.Path.Sessions), measuredText(d.r.Loss), verdictWord(d.r))
				if d.r.Note != "" {
					fmt.Fprintf(w, "     %s  (%s)\n", strings.Repeat(" ", len(d.name)-2), d.r.Note)
				}
			}
		}
	}
	v := "AGREE: every path and loss window matches the prediction within the tolerance"
	if !r.Agree {
		v = "DISAGREE: see the scenarios marked DISAGREE above"
	}
	fmt.Fprintf(w, "\nverdict: %s\n", v)
}

func sessionsText(s []string) string {
	if len(s) == 0 {
		return "no path"
	}
	return strings.Join(s, ", ")
}

func predictedText(lw sim.LossWindow) string {
	switch {
	case !lw.Changed:
		return "no change, no loss"
	case lw.Outage && lw.Detection == sim.DetectRestore:
		return "restored after an outage"
	case lw.Outage:
		return "outage until repaired"
	case lw.MaxMillis == 0:
		return fmt.Sprintf("no loss (%s)", lw.Detection)
	}
	return fmt.Sprintf("loss %d–%d ms (%s)", lw.MinMillis, lw.MaxMillis, lw.Detection)
}

func measuredText(l Loss) string {
	s := fmt.Sprintf("loss %.0f ms (%d of %d probes lost", l.WindowMillis, l.Lost, l.Sent)
	if l.Duplicated > 0 {
		s += fmt.Sprintf(", %d duplicated", l.Duplicated)
	}
	if l.Reordered > 0 {
		s += fmt.Sprintf(", %d reordered", l.Reordered)
	}
	return s + ")"
}

func verdictWord(d DirectionReport) string {
	switch {
	case !d.PathAgree:
		return "DISAGREE (path)"
	case d.LossCompared && !d.LossAgree:
		return "DISAGREE (loss window)"
	case !d.LossCompared:
		return "agree (path; loss not predicted)"
	}
	return "agree"
}
