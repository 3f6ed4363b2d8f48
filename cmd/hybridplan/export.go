package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/plan/export"
	"github.com/hybridplan/hybridplan/pkg/plan/provision"
)

// runExport writes a plan's customer-router configuration or its canonical
// JSON (docs/export.md). Exit status: 0 written, 1 the plan has validation
// errors (printed, nothing written), 2 bad invocation or unreadable plan.
func runExport(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "", "output format: "+strings.Join(export.Formats(), ", "))
	outPath := fs.String("o", "", "write to this file instead of standard output")
	timers := fs.String("bgp-timers", "", "BGP keepalive and hold time in seconds, e.g. 1,3 (default: the router's)")
	dcIf := fs.String("dc-interface", "", "parent interface of the Direct Connection VLAN subinterfaces (IOS XE, Junos, VRP)")
	wanIf := fs.String("wan-interface", "", "Internet-facing interface for IKE (Junos external-interface)")
	force := fs.Bool("force", false, "write the output for a plan that has errors anyway (the errors are printed first)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: hybridplan export --format "+strings.Join(export.Formats(), "|")+" [-o FILE] [options] FILE|-")
		fmt.Fprintln(stderr, "exit status: 0 written, 1 the plan has errors (see hybridplan validate; --force writes anyway), 2 bad invocation or unreadable plan")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "hybridplan export: give exactly one plan file (or - for standard input)")
		fs.Usage()
		return 2
	}
	if *format == "" {
		fmt.Fprintln(stderr, "hybridplan export: --format is required: one of "+strings.Join(export.Formats(), ", "))
		return 2
	}
	opts := export.Options{DCInterface: *dcIf, WANInterface: *wanIf, Force: *force}
	if *timers != "" {
		t, err := parseTimers(*timers)
		if err != nil {
			fmt.Fprintln(stderr, "hybridplan export:", err)
			return 2
		}
		opts.BGPTimers = t
	}
	name := fs.Arg(0)
	p, code := readValidPlan("export", name, stdin, stderr, *force)
	if p == nil {
		return code
	}
	// readValidPlan ran the verdict Render's gate runs; once is enough.
	opts.Force = true
	out, err := export.Render(p, *format, opts)
	var invalid *export.InvalidPlanError
	var unprovisionable *provision.Error
	switch {
	case errors.As(err, &invalid):
		fmt.Fprintf(stderr, "hybridplan export: %s has validation errors, so no configuration was written; fix these first:\n", name)
		r := validateFile{File: name, Status: "errors", Findings: invalid.Findings}
		r.Summary = summarize(r.Findings)
		printFindings(stderr, r)
		return 1
	case errors.As(err, &unprovisionable):
		// A plan problem, not bad input: the plan lacks what JD Cloud needs.
		fmt.Fprintf(stderr, "hybridplan export: %s cannot be provisioned yet, so no calls were written:\n", name)
		for _, pr := range unprovisionable.Problems {
			fmt.Fprintf(stderr, "  %s\n    %s\n", pr.Path, pr.Message)
		}
		return 1
	case err != nil:
		fmt.Fprintf(stderr, "hybridplan export: %s: %v\n", name, err)
		return 2
	}
	if *outPath == "" {
		if _, err := stdout.Write(out); err != nil {
			fmt.Fprintln(stderr, "hybridplan export:", err)
			return 2
		}
		return 0
	}
	if err := writeFileAtomic(*outPath, out); err != nil {
		fmt.Fprintln(stderr, "hybridplan export:", err)
		return 2
	}
	return 0
}

// parseTimers reads "KEEPALIVE,HOLD" (a space works too).
func parseTimers(s string) (*[2]int, error) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
	if len(parts) != 2 {
		return nil, fmt.Errorf("--bgp-timers %q: give keepalive and hold time in seconds, e.g. 1,3", s)
	}
	var t [2]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil {
			return nil, fmt.Errorf("--bgp-timers %q: %q is not a whole number of seconds", s, p)
		}
		t[i] = v
	}
	return &t, nil
}

// writeFileAtomic writes through a temporary file in the same directory
// and renames it, so a failed export never leaves half a configuration
// where the old one was.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
