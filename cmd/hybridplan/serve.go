package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/hybridplan/hybridplan"
	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/verdict"
	"github.com/hybridplan/hybridplan/server"
	"github.com/hybridplan/hybridplan/server/auth"
	"github.com/hybridplan/hybridplan/server/jdcloud"
	"github.com/hybridplan/hybridplan/server/standin"
	"github.com/hybridplan/hybridplan/server/store"
)

// serveFlags are the options of `hybridplan serve`.
type serveFlags struct {
	addr, data, config, endpoint, publicOrigin string
	// insecureEndpoint allows a plain-HTTP JD Cloud endpoint beyond
	// loopback.
	insecureEndpoint bool
}

func runServe(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f serveFlags
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "`HOST:PORT` to listen on (port 0 picks a free one)")
	fs.StringVar(&f.data, "data", "", "`DIR` of the server's state (default: the config's dataDir, else $XDG_STATE_HOME/hybridplan)")
	fs.StringVar(&f.config, "config", "", "configuration `FILE` (JSON: users, tokens, roles, JD Cloud; see docs/server.md); without it a loopback-only demo starts")
	fs.StringVar(&f.endpoint, "jdcloud-endpoint", "", "JD Cloud API `URL` (http://127.0.0.1:PORT for a stand-in, \"jdcloud\" for JD Cloud's public endpoints); without it, and without one in the config, a stand-in runs in this process")
	fs.StringVar(&f.publicOrigin, "public-origin", "", "`ORIGIN` people open the page at, e.g. https://planner.example.com behind a TLS proxy; WebSockets from other origins are refused (default: the config's publicOrigin, else http:// and the listen address)")
	fs.BoolVar(&f.insecureEndpoint, "allow-insecure-endpoint", false, "allow a plain-HTTP --jdcloud-endpoint on a non-loopback host (signed requests and pre-shared keys then cross the network in clear)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: hybridplan serve --addr HOST:PORT [--data DIR] [--config FILE] [--jdcloud-endpoint URL] [--public-origin ORIGIN] [--allow-insecure-endpoint]")
		fmt.Fprintln(stderr, "Serves the web app and the provisioning API. Stop it with Ctrl-C; unfinished runs resume at the next start.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "hybridplan serve: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, f, os.Getenv, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "hybridplan serve:", err)
		var ue usageError
		if errors.As(err, &ue) {
			return 2
		}
		return 1
	}
	return 0
}

// usageError is a mistake in the invocation or the configuration (exit 2).
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// isLoopback reports whether a listen address only accepts connections
// from this machine.
func isLoopback(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, fmt.Errorf("--addr %q is not HOST:PORT: %v", addr, err)
	}
	if host == "localhost" {
		return true, nil
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback(), nil
}

func defaultDataDir(getenv func(string) string) (string, error) {
	if d := getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "hybridplan"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", usageError{fmt.Errorf("no home directory for the default data directory: give --data DIR")}
	}
	return filepath.Join(home, ".local", "state", "hybridplan"), nil
}

func serve(ctx context.Context, f serveFlags, getenv func(string) string, stdout, stderr io.Writer) error {
	loopback, err := isLoopback(f.addr)
	if err != nil {
		return usageError{err}
	}
	var cfg server.Config
	demo := f.config == ""
	if demo {
		if !loopback {
			return usageError{fmt.Errorf("refusing to listen on %s without --config: a demo instance prints its generated tokens to the terminal and has no way to revoke them, so it only listens on loopback. Use --addr 127.0.0.1:PORT, or write a configuration with users and hashed tokens (docs/server.md)", f.addr)}
		}
		users, err := auth.DemoUsers()
		if err != nil {
			return err
		}
		cfg.Users = users
	} else {
		warn, err := server.CheckFileMode(f.config, "the configuration file", false)
		if err != nil {
			return usageError{err}
		}
		if warn != "" {
			fmt.Fprintln(stderr, "hybridplan serve: warning:", warn)
		}
		if cfg, err = server.LoadConfig(f.config); err != nil {
			return usageError{err}
		}
	}
	dataDir := f.data
	if dataDir == "" {
		dataDir = cfg.DataDir
	}
	if dataDir == "" {
		if dataDir, err = defaultDataDir(getenv); err != nil {
			return err
		}
	}
	endpoint := f.endpoint
	if endpoint == "" {
		endpoint = cfg.JDCloud.Endpoint
	}
	if err := checkEndpoint(endpoint, f.insecureEndpoint); err != nil {
		return usageError{err}
	}

	redactor := &server.Redactor{}
	log := slog.New(redactor.LogHandler(slog.NewTextHandler(stderr, nil)))

	authn, err := auth.New(cfg.Users)
	if err != nil {
		return usageError{err}
	}
	if _, err := os.Stat(dataDir); err == nil {
		warn, err := server.CheckFileMode(dataDir, "the data directory", false)
		if err != nil {
			return usageError{err}
		}
		if warn != "" {
			fmt.Fprintln(stderr, "hybridplan serve: warning:", warn)
		}
	}
	st, err := store.Open(dataDir)
	if err != nil {
		return err
	}
	defer st.Close()

	// Without a configuration (the demo) no key is ever read: every tunnel
	// gets a generated key for the stand-in.
	var sources jdcloud.SecretSources
	if !demo {
		if sources, err = cfg.SecretSources(); err != nil {
			return usageError{err}
		}
		sources.LookupEnv = func(k string) (string, bool) { v := getenv(k); return v, v != "" }
	}
	secrets := &server.Secrets{Redactor: redactor, Sources: sources}
	jcfg := jdcloud.Config{Secrets: secrets.Resolve, Retry: jdcloud.RetryPolicy{MaxAttempts: cfg.JDCloud.MaxAttempts}}
	var describe string
	var standinSrv *http.Server
	if endpoint == "" {
		// The demo cloud: the stand-in on its own loopback port, reached
		// through the real SDK over HTTP with generated keys, so the whole
		// flow (signatures included) runs as it would against JD Cloud.
		ak, err := auth.NewToken()
		if err != nil {
			return err
		}
		sk, err := auth.NewToken()
		if err != nil {
			return err
		}
		redactor.Add(sk)
		var plans []*plan.Plan
		for _, ex := range examples.All() {
			if p, err := plan.DecodeBytes([]byte(ex.JSON)); err == nil {
				plans = append(plans, p)
			}
		}
		sin := standin.New(standin.Options{Credentials: map[string]string{ak: sk}, Fixtures: standin.FixturesFor(plans...)})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return fmt.Errorf("starting the JD Cloud stand-in: %w", err)
		}
		standinSrv = &http.Server{Handler: sin, ReadHeaderTimeout: 10 * time.Second}
		go standinSrv.Serve(ln)
		defer standinSrv.Close()
		jcfg.Endpoint, jcfg.AccessKey, jcfg.SecretKey = "http://"+ln.Addr().String(), ak, sk
		describe = "the JD Cloud API stand-in at " + jcfg.Endpoint + " (in this process; not the real JD Cloud)"
		secrets.DemoKeys = true
		secrets.OnDemoKey = func(ref string) {
			log.Warn("a tunnel's pre-shared key reference does not resolve; the stand-in gets a generated key instead", "ref", ref)
		}
	} else {
		creds, err := server.LoadCredentials(cfg.JDCloud.CredentialsFile, getenv)
		if err != nil {
			return usageError{err}
		}
		redactor.Add(creds.SecretKey)
		jcfg.AccessKey, jcfg.SecretKey = creds.AccessKey, creds.SecretKey
		if endpoint == "jdcloud" {
			describe = "JD Cloud at its public endpoints"
		} else {
			jcfg.Endpoint = endpoint
			describe = "the JD Cloud API at " + endpoint
		}
	}
	cloud, err := server.NewJDCloud(jcfg, describe)
	if err != nil {
		return usageError{err}
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", f.addr, err)
	}
	origin, aliases := publicOrigin(f.publicOrigin, cfg.PublicOrigin, ln.Addr().String())
	srv, err := server.New(server.Options{
		Store: st, Auth: authn, Cloud: cloud, Web: hybridplan.WebFiles, PublicOrigin: origin, AllowedOrigins: append(aliases, cfg.AllowedOrigins...),
		Log: log, Redactor: redactor, Validate: verdict.Check, Keys: secrets,
	})
	if err != nil {
		ln.Close()
		return err
	}
	// Bounded reads keep a client that trickles its request from holding a
	// connection; WebSockets set their own deadlines once upgraded, and
	// responses are small, so there is no write timeout to cut a stream.
	hs := &http.Server{
		Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if err := srv.Start(); err != nil {
		ln.Close()
		return err
	}
	if !loopback {
		log.Warn("listening beyond loopback over plain HTTP: put a TLS-terminating proxy in front, so bearer tokens never cross the network in clear", "addr", f.addr)
	}
	url := "http://" + ln.Addr().String() + "/"
	printBanner(stdout, url, dataDir, describe, demo, cfg.Users)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		srv.Close()
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "stopping: unfinished runs resume at the next start")
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	srv.Close() // ends WebSocket streams and stops runs at their current call
	_ = hs.Shutdown(shutdown)
	return nil
}

func printBanner(w io.Writer, url, dataDir, cloud string, demo bool, users []auth.UserConfig) {
	var b strings.Builder
	fmt.Fprintf(&b, "hybridplan is serving %s\n", url)
	fmt.Fprintf(&b, "  state:          %s\n", dataDir)
	fmt.Fprintf(&b, "  provisioning:   %s\n", cloud)
	if demo {
		b.WriteString("\nNo --config, so this is a loopback-only demo with generated users; their tokens change at every start.\n")
		b.WriteString("Open the page, and in its Provision panel sign in with a token:\n")
		for _, u := range users {
			fmt.Fprintf(&b, "  %-15s %-9s %s\n", u.Name, strings.Join(u.Roles, ","), u.Token)
		}
		fmt.Fprintf(&b, "Submit as the planner, approve as the approver, provision as the operator. From a shell:\n")
		fmt.Fprintf(&b, "  curl -H 'Authorization: Bearer TOKEN' %sapi/v1/me\n", url)
	}
	io.WriteString(w, b.String())
}

// checkEndpoint refuses a plain-HTTP JD Cloud endpoint beyond loopback
// unless insecure says so: signed requests carry pre-shared keys in their
// bodies.
func checkEndpoint(endpoint string, insecure bool) error {
	rest, ok := strings.CutPrefix(strings.ToLower(endpoint), "http://")
	if !ok || insecure {
		return nil
	}
	host := rest
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		host = host[:i]
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if ip := net.ParseIP(host); host == "localhost" || ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--jdcloud-endpoint %s is plain HTTP to a host beyond loopback: signed requests and pre-shared keys would cross the network in clear. Use https://, or add --allow-insecure-endpoint if that network is trusted", endpoint)
}

// publicOrigin is the origin WebSockets must come from: the flag, else the
// configuration, else the listen address (with its localhost and 127.0.0.1
// spellings for a loopback address, which people type either way).
func publicOrigin(flagValue, configValue, listen string) (string, []string) {
	switch {
	case flagValue != "":
		return flagValue, nil
	case configValue != "":
		return configValue, nil
	}
	origin := "http://" + listen
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return origin, nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() || host == "localhost" {
		return origin, []string{"http://localhost:" + port, "http://127.0.0.1:" + port, "http://[::1]:" + port}
	}
	return origin, nil
}
