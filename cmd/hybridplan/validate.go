package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/verdict"
	"github.com/hybridplan/hybridplan/server/jdcloud"
)

// validateReport is the --json output of `hybridplan validate`, documented in
// docs/cli.md. Fields are only ever added.
type validateReport struct {
	Version int            `json:"version"`
	Results []validateFile `json:"results"`
}

type validateFile struct {
	File string `json:"file"`
	// Status is "ok" (no errors), "errors" (the plan has errors) or
	// "unreadable" (the file could not be read or decoded).
	Status   string         `json:"status"`
	Summary  summary        `json:"summary"`
	Findings []plan.Finding `json:"findings"`
}

type summary struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Info     int `json:"info"`
}

func runValidate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print findings as JSON (see docs/cli.md)")
	secrets := fs.Bool("secrets", false, "resolve each tunnel's pskRef from the allowed sources (--psk-env-prefix, --psk-dir) and check the key; keys are never printed")
	envPrefix := fs.String("psk-env-prefix", jdcloud.DefaultEnvPrefix, "with --secrets: env:NAME references may name variables starting with this prefix (never the cloud credentials)")
	pskDir := fs.String("psk-dir", "", "with --secrets: file:PATH references may name regular files inside this absolute directory (default: no files)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: hybridplan validate [--json] [--secrets [--psk-env-prefix P] [--psk-dir DIR]] FILE|- [FILE…]")
		fmt.Fprintln(stderr, "exit status: 0 no errors (warnings allowed), 1 a plan has errors, 2 a file could not be read or parsed")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	report := validateReport{Version: 1}
	status := 0
	var opts verdict.Options
	if *secrets {
		// Only on request: a plan names the references, and resolving them
		// reads this machine's environment and files.
		// Even then only from the sources named on the command line,
		// the same fence the server's pskSources are (jdcloud.SecretSources).
		src := jdcloud.SecretSources{EnvPrefix: *envPrefix, Dir: *pskDir}
		if err := src.CheckSources(); err != nil {
			fmt.Fprintln(stderr, "hybridplan validate:", err)
			return 2
		}
		opts.Secrets = src.Resolve
	}
	for _, name := range fs.Args() {
		r := validateOne(name, stdin, opts)
		switch r.Status {
		case "unreadable":
			status = 2
		case "errors":
			status = max(status, 1)
		}
		report.Results = append(report.Results, r)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			fmt.Fprintln(stderr, "hybridplan validate:", err)
			return 2
		}
		return status
	}
	for _, r := range report.Results {
		printFindings(stdout, r)
	}
	return status
}

// validateOne runs the full verdict on one file.
func validateOne(name string, stdin io.Reader, opts verdict.Options) validateFile {
	r := validateFile{File: name, Findings: []plan.Finding{}}
	doc, err := readDocument(name, stdin)
	if err != nil {
		r.Status = "unreadable"
		r.Findings = []plan.Finding{{Code: "input.read", Severity: plan.SeverityError, Path: "$", Message: err.Error()}}
		r.Summary = summarize(r.Findings)
		return r
	}
	v := verdict.FullDocument(doc, opts)
	r.Findings = v.Findings
	r.Summary = summarize(r.Findings)
	switch {
	case v.DecodeFailed():
		r.Status = "unreadable"
	case r.Summary.Errors > 0:
		r.Status = "errors"
	default:
		r.Status = "ok"
	}
	return r
}

// readDocument reads a plan document from a file, or from stdin for "-",
// reading at most one byte past plan.MaxDocumentBytes so the decoder
// refuses an oversized document without it being read whole.
func readDocument(name string, stdin io.Reader) ([]byte, error) {
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	return io.ReadAll(io.LimitReader(r, plan.MaxDocumentBytes+1))
}

// readPlan reads and decodes a plan from a file, or from stdin for "-".
func readPlan(name string, stdin io.Reader) (*plan.Plan, error) {
	doc, err := readDocument(name, stdin)
	if err != nil {
		return nil, err
	}
	return plan.DecodeBytes(doc)
}

func summarize(fs []plan.Finding) summary {
	var s summary
	for _, f := range fs {
		switch f.Severity {
		case plan.SeverityError:
			s.Errors++
		case plan.SeverityWarning:
			s.Warnings++
		default:
			s.Info++
		}
	}
	return s
}

// printFindings writes one file's findings for people, grouped by severity.
func printFindings(w io.Writer, r validateFile) {
	verdict := map[string]string{"ok": "OK", "errors": "HAS ERRORS", "unreadable": "CANNOT BE READ"}[r.Status]
	fmt.Fprintf(w, "%s: %s (%d errors, %d warnings, %d info)\n", r.File, verdict, r.Summary.Errors, r.Summary.Warnings, r.Summary.Info)
	for _, sev := range []plan.Severity{plan.SeverityError, plan.SeverityWarning, plan.SeverityInfo} {
		first := true
		for _, f := range r.Findings {
			if f.Severity != sev {
				continue
			}
			if first {
				fmt.Fprintf(w, "  %ss:\n", sev)
				first = false
			}
			fmt.Fprintf(w, "    [%s] %s\n", f.Code, f.Path)
			for _, rel := range f.Related {
				fmt.Fprintf(w, "      and %s\n", rel)
			}
			fmt.Fprintf(w, "      %s\n", f.Message)
			if f.Hint != "" {
				fmt.Fprintf(w, "      hint: %s\n", f.Hint)
			}
		}
	}
}
