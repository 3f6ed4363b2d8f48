// Package export writes what an approved plan hands to people and machines:
// the customer router's BGP configuration for FRR, Cisco IOS XE, Juniper
// Junos and Huawei VRP, and the plan's canonical JSON.
//
// The router configuration implements the plan's strategy (strategy.Compute)
// in both directions: outbound prefix lists and policies announce exactly
// the Direct Connection set on the private virtual interface neighbors and
// the VPN set on the tunnel neighbors, with the AS_PATH prepend the strategy
// asks for; inbound policies accept exactly the VPC prefixes JD Cloud
// advertises on each path and set the plan's local-preference. Every vendor
// renders the same neutral design (design.go), so the four outputs cannot
// drift apart in what they announce.
package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/provision"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
	"github.com/hybridplan/hybridplan/pkg/plan/verdict"
)

// Format names accepted by Render.
const (
	FormatFRR   = "frr"
	FormatIOSXE = "ios-xe"
	FormatJunos = "junos"
	FormatVRP   = "vrp"
	// FormatPlan is the plan's canonical JSON (plan.Encode).
	FormatPlan = "plan"
	// FormatCalls is the ordered JD Cloud provisioning calls
	// (provision.Calls) as indented JSON: what the server would do.
	FormatCalls = "calls"
)

// Formats returns every format Render accepts, router formats first.
func Formats() []string {
	return []string{FormatFRR, FormatIOSXE, FormatJunos, FormatVRP, FormatStrongSwan, FormatPlan, FormatCalls}
}

// Options tune the rendered configuration. The zero value is what an
// operator deploys.
type Options struct {
	// BGPTimers are the BGP keepalive and hold time in seconds, e.g.
	// {1, 3} for a test rig that must fail over quickly; nil keeps the
	// router's defaults (60/180 s on FRR, IOS XE and VRP, 90 s hold on
	// Junos). Junos sets only the hold time; it derives keepalive as a third.
	BGPTimers *[2]int
	// DCInterface is the customer router's parent interface of the Direct
	// Connection VLAN subinterfaces; empty takes the vendor's example
	// name (GigabitEthernet0/0/1 on IOS XE and VRP, ge-0/0/1 on Junos).
	// FRR leaves interfaces to the operating system and ignores it.
	DCInterface string
	// WANInterface is the Internet-facing interface the IPsec tunnels
	// leave from, named by Junos's IKE gateway (external-interface); empty
	// takes ge-0/0/0.0. IOS XE and VRP source tunnels from the customer
	// gateway's public IP instead and ignore it.
	WANInterface string
	// Force renders a plan the verdict finds errors in (hybridplan export
	// --force): the output then implements a design that does not work as
	// planned. Without it such a plan gets *InvalidPlanError.
	Force bool
}

// InvalidPlanError is returned by Render for a plan the verdict
// (verdict.Check: validation, strategy and simulation) finds errors in:
// configuration for such a plan would be wrong on a real router. Findings
// are every finding, errors first.
type InvalidPlanError struct {
	Findings []plan.Finding
}

func (e *InvalidPlanError) Error() string {
	n := 0
	for _, f := range e.Findings {
		if f.Severity == plan.SeverityError {
			n++
		}
	}
	return fmt.Sprintf("the plan has %d validation error(s); fix them (hybridplan validate lists them) before exporting", n)
}

// Render writes plan p in the given format (one of Formats). It refuses a
// plan with errors (*InvalidPlanError) unless opts.Force and reports a bad format
// or bad options as an error naming the valid values.
func Render(p *plan.Plan, format string, opts Options) ([]byte, error) {
	if p == nil {
		return nil, fmt.Errorf("export: no plan given")
	}
	if !slices.Contains(Formats(), format) {
		return nil, fmt.Errorf("export: unknown format %q; use one of %s", format, strings.Join(Formats(), ", "))
	}
	if err := opts.check(); err != nil {
		return nil, err
	}
	if fs := verdict.Check(p); plan.HasErrors(fs) && !opts.Force {
		return nil, &InvalidPlanError{Findings: fs}
	}
	if format == FormatPlan {
		var b bytes.Buffer
		if err := plan.Encode(&b, p); err != nil {
			return nil, fmt.Errorf("export: encoding the plan: %w", err)
		}
		return b.Bytes(), nil
	}
	if format == FormatCalls {
		return renderCalls(p)
	}
	return renderRouter(p, strategy.Compute(p), format, opts)
}

// renderCalls writes the ordered provisioning calls. A plan that lacks what
// JD Cloud needs returns provision.Calls's *provision.Error, which names the
// fields.
func renderCalls(p *plan.Plan) ([]byte, error) {
	calls, err := provision.Calls(p)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(calls); err != nil {
		return nil, fmt.Errorf("export: writing the calls: %w", err)
	}
	return b.Bytes(), nil
}

// renderRouter renders a router format from the plan and its strategy
// result. Tests call it with hand-built results to pin policy details.
func renderRouter(p *plan.Plan, res strategy.Result, format string, opts Options) ([]byte, error) {
	d, err := buildDesign(p, res, opts)
	if err != nil {
		return nil, err
	}
	var w writer
	switch format {
	case FormatFRR:
		renderFRR(&w, d)
	case FormatIOSXE:
		renderIOSXE(&w, d)
	case FormatJunos:
		renderJunos(&w, d)
	case FormatVRP:
		renderVRP(&w, d)
	case FormatStrongSwan: // issue 11: swanctl.conf, strongswan.go
		renderStrongSwan(&w, d)
	default:
		return nil, fmt.Errorf("export: unknown router format %q; use one of %s", format, strings.Join(Formats()[:5], ", "))
	}
	return w.Bytes(), nil
}

func (o Options) check() error {
	if t := o.BGPTimers; t != nil {
		keepalive, hold := t[0], t[1]
		// RFC 4271 §4.2: hold time is 0 or at least 3 seconds; a keepalive
		// must come well within the hold time or the session flaps.
		if keepalive < 1 || hold < 3 || keepalive >= hold {
			return fmt.Errorf("export: BGP timers keepalive %d s, hold %d s: the hold time must be at least 3 s and greater than the keepalive (at least 1 s), e.g. 1 3 or 10 30", keepalive, hold)
		}
		if hold > 65535 {
			return fmt.Errorf("export: BGP hold time %d s is over BGP's maximum of 65535 s", hold)
		}
	}
	for _, n := range []struct{ what, v string }{{"DC interface", o.DCInterface}, {"WAN interface", o.WANInterface}} {
		if strings.ContainsAny(n.v, " \t\r\n\"';#!") {
			return fmt.Errorf("export: %s name %q has spaces or comment characters; give the router's interface name, e.g. GigabitEthernet0/0/1", n.what, n.v)
		}
	}
	return nil
}

// writer accumulates configuration lines.
type writer struct {
	bytes.Buffer
}

func (w *writer) line(format string, args ...any) {
	fmt.Fprintf(w, format, args...)
	w.WriteByte('\n')
}
