package main

// JDCLOUD (issue 10): `hybridplan jdcloud preflight PLAN`.

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/hybridplan/hybridplan/server"
	"github.com/hybridplan/hybridplan/server/jdcloud"
)

func runJDCloud(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "preflight" {
		fmt.Fprintln(stderr, "usage: hybridplan jdcloud preflight [--config FILE] [--jdcloud-endpoint URL] [--json] PLAN|-")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return 0
		}
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return jdcloudPreflight(ctx, args[1:], os.Getenv, stdin, stdout, stderr)
}

// jdcloudPreflight runs the read-only preflight of a plan against JD Cloud
// with the server's credentials (the configuration's credentialsFile, or
// JDCLOUD_ACCESS_KEY and JDCLOUD_SECRET_KEY). Exit status: 0 ready, 1 not
// ready (an operation missing, something absent, a plan with errors), 2
// the invocation, the plan file or the configuration is wrong.
func jdcloudPreflight(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("jdcloud preflight", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := fs.String("config", "", "the server's configuration `FILE` (its jdcloud.endpoint and jdcloud.credentialsFile are used)")
	endpoint := fs.String("jdcloud-endpoint", "", "JD Cloud API `URL` (http://127.0.0.1:PORT for a stand-in); default: the configuration's, else JD Cloud's public endpoints")
	asJSON := fs.Bool("json", false, "print the report as JSON (the shape of POST /api/v1/plans/{hash}/preflight's \"report\", docs/provisioning.md)")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up after `DURATION`")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: hybridplan jdcloud preflight [--config FILE] [--jdcloud-endpoint URL] [--json] PLAN|-")
		fmt.Fprintln(stderr, "Asks JD Cloud, with read-only describe calls in the plan's region, whether it offers what the plan needs. Creates nothing.")
		fmt.Fprintln(stderr, "exit status: 0 ready, 1 not ready or the plan has errors, 2 a wrong invocation, plan file or configuration")
		fs.PrintDefaults()
	}
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return helpOr2(err)
	}
	if len(rest) != 1 {
		fs.Usage()
		return 2
	}
	p, status := readValidPlan("jdcloud preflight", rest[0], stdin, stderr, false)
	if p == nil {
		return status
	}
	var cfg server.Config
	if *config != "" {
		if cfg, err = server.LoadConfig(*config); err != nil {
			fmt.Fprintln(stderr, "hybridplan jdcloud preflight:", err)
			return 2
		}
	}
	ep := *endpoint
	if ep == "" {
		ep = cfg.JDCloud.Endpoint
	}
	if ep == "jdcloud" {
		ep = ""
	}
	creds, err := server.LoadCredentials(cfg.JDCloud.CredentialsFile, getenv)
	if err != nil {
		fmt.Fprintln(stderr, "hybridplan jdcloud preflight:", err)
		return 2
	}
	client, err := jdcloud.NewClient(jdcloud.Config{Endpoint: ep, AccessKey: creds.AccessKey, SecretKey: creds.SecretKey, Region: p.Region,
		Retry: jdcloud.RetryPolicy{MaxAttempts: cfg.JDCloud.MaxAttempts}})
	if err != nil {
		fmt.Fprintln(stderr, "hybridplan jdcloud preflight:", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	r, err := client.Preflight(ctx, p)
	if err != nil {
		fmt.Fprintln(stderr, "hybridplan jdcloud preflight:", strings.ReplaceAll(err.Error(), creds.SecretKey, "******"))
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			fmt.Fprintln(stderr, "hybridplan jdcloud preflight:", err)
			return 2
		}
	} else {
		printPreflight(stdout, r)
	}
	if !r.Ready {
		return 1
	}
	return 0
}

func printPreflight(w io.Writer, r jdcloud.PreflightReport) {
	verdict := "ready"
	if !r.Ready {
		verdict = "NOT READY"
	}
	fmt.Fprintf(w, "Preflight of %s at %s: %s\n", r.Region, r.Endpoint, verdict)
	if len(r.Missing) > 0 {
		fmt.Fprintf(w, "Missing operations (provisioning will not start): %s\n", strings.Join(r.Missing, ", "))
	}
	fmt.Fprintln(w, "\nOperations (read-only describe calls):")
	for _, op := range r.Operations {
		line := fmt.Sprintf("  %-11s %-26s %s %s", op.Result, op.Action, op.Method, op.Path)
		if op.Code != "" {
			line += fmt.Sprintf("  [%s %s: %s]", op.Code, op.Status, op.Message)
		}
		if len(op.Covers) > 0 {
			line += "  checks " + strings.Join(op.Covers, ", ")
		}
		if op.Source != "" {
			line += "  (path: " + op.Source + ")"
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintln(w, "\nQuotas:")
	for _, q := range r.Quotas {
		what := q.Type
		if q.ParentResourceID != "" {
			what += " of " + q.ParentResourceID
		}
		if q.Result == "unreadable" {
			fmt.Fprintf(w, "  %-12s %s: %s\n", q.Result, what, q.Message)
			continue
		}
		fmt.Fprintf(w, "  %-12s %s: %d of %d in use, the plan adds %d\n", q.Result, what, q.Count, q.MaxLimit, q.Need)
	}
	fmt.Fprintln(w, "\nWhat the plan needs from the region:")
	for _, n := range r.Needs {
		line := fmt.Sprintf("  %-8s %s", n.Result, n.What)
		if n.Message != "" {
			line += ": " + n.Message
		}
		fmt.Fprintln(w, line)
	}
}
