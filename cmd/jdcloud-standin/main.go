// Command jdcloud-standin serves the local stand-in of the JD Cloud API
// (server/standin) on a loopback address, for demos:
//
//	jdcloud-standin --addr 127.0.0.1:8081 --access-key AK --secret-key SK
//
// then `hybridplan serve --jdcloud-endpoint http://127.0.0.1:8081` with the
// same keys provisions against it through the real SDK. By default the
// VPCs, route tables and physical connections of the bundled example plans
// exist; --fixtures FILE replaces them (JSON of standin.Fixtures).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/server/standin"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("jdcloud-standin", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8081", "loopback address to listen on")
	ak := fs.String("access-key", os.Getenv("JDCLOUD_STANDIN_ACCESS_KEY"), "access key to accept (or $JDCLOUD_STANDIN_ACCESS_KEY)")
	sk := fs.String("secret-key", "", "secret key of that access key (or $JDCLOUD_STANDIN_SECRET_KEY, which keeps it out of the process list)")
	fixtures := fs.String("fixtures", "", "JSON file of existing VPCs, route tables and connections (default: those of the example plans)")
	bgpUp := fs.Bool("bgp-up", false, "report BGP sessions and tunnels as up")
	unknown := fs.String("unknown", "", "comma-separated `ACTIONS` to answer as an API without them would (404 \"unknown action\"), e.g. DescribeVpnTunnels, for trying preflight")
	deleting := fs.Duration("deleting-for", 0, "how long a deleted private interface or VPC attachment stays Deleting (default 1s; negative: at once)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *sk == "" {
		*sk = os.Getenv("JDCLOUD_STANDIN_SECRET_KEY")
	}
	if *ak == "" || *sk == "" {
		fmt.Fprintln(stderr, "jdcloud-standin: give --access-key and --secret-key (or the JDCLOUD_STANDIN_* environment variables)")
		return 2
	}
	host, _, err := net.SplitHostPort(*addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		fmt.Fprintf(stderr, "jdcloud-standin: --addr %q must be a loopback address such as 127.0.0.1:8081: the stand-in is for local tests and demos\n", *addr)
		return 2
	}
	f, err := loadFixtures(*fixtures)
	if err != nil {
		fmt.Fprintf(stderr, "jdcloud-standin: %v\n", err)
		return 2
	}
	var unknownActions []string
	for _, a := range strings.Split(*unknown, ",") {
		if a = strings.TrimSpace(a); a != "" {
			unknownActions = append(unknownActions, a)
		}
	}
	srv := standin.New(standin.Options{Credentials: map[string]string{*ak: *sk}, Fixtures: f, BGPUp: *bgpUp, Unknown: unknownActions, DeletingFor: *deleting})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "jdcloud-standin: %v\n", err)
		return 1
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "jdcloud-standin: JD Cloud API stand-in on http://%s (access key %s; %d VPCs, %d connections)\n", ln.Addr(), *ak, len(f.VPCs), len(f.Connections))
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
		return 0
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return 0
		}
		fmt.Fprintf(stderr, "jdcloud-standin: %v\n", err)
		return 1
	}
}

func loadFixtures(path string) (standin.Fixtures, error) {
	if path == "" {
		var plans []*plan.Plan
		for _, e := range examples.All() {
			p, err := plan.DecodeBytes([]byte(e.JSON))
			if err != nil {
				return standin.Fixtures{}, fmt.Errorf("example %s: %w", e.Name, err)
			}
			plans = append(plans, p)
		}
		return standin.FixturesFor(plans...), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return standin.Fixtures{}, fmt.Errorf("reading fixtures: %w", err)
	}
	var f standin.Fixtures
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return standin.Fixtures{}, fmt.Errorf("fixtures %s: %w", path, err)
	}
	return f, nil
}
