// Package server is hybridplan's provisioning server: it serves the web
// app, keeps submitted plans, approvals and runs in a bbolt store, and
// carries out approved plans on JD Cloud, streaming progress over
// WebSocket. It is thin on purpose: every plan is re-validated with the
// same pkg/plan code the browser runs, and all planning logic lives there.
//
// See docs/server.md for the API.
package server

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/server/auth"
	"github.com/hybridplan/hybridplan/server/engine"
	"github.com/hybridplan/hybridplan/server/store"
)

// DryRunCall is one call of a dry run: what it does and the exact HTTP
// request it sends, secrets masked.
type DryRunCall struct {
	engine.Call
	Request any `json:"request"`
}

// Cloud is what the server needs from a cloud: the program that provisions
// a plan, and the dry run of its calls.
type Cloud interface {
	Program(p *plan.Plan) (engine.Program, error)
	DryRun(p *plan.Plan) ([]DryRunCall, error)
	// Describe says, for people, where calls go (e.g. "the JD Cloud
	// stand-in at http://127.0.0.1:PORT").
	Describe() string
}

// Options configure a Server.
type Options struct {
	Store *store.Store
	Auth  *auth.Authenticator
	Cloud Cloud
	// Web are the app's files (index.html, web/…); nil serves no app.
	Web fs.FS
	// PublicOrigin is the origin (scheme://host[:port]) people reach the
	// page at: WebSockets from it are allowed. cmd/hybridplan defaults it
	// to the listen address.
	PublicOrigin string
	// AllowedOrigins are extra origins allowed to open WebSockets.
	AllowedOrigins []string
	// MaxWatchers and MaxWatchersPerUser bound open WebSockets (defaults
	// DefaultMaxWatchers, DefaultMaxWatchersPerUser).
	MaxWatchers, MaxWatchersPerUser int
	Log                             *slog.Logger
	Redactor                        *Redactor
	// Validate re-validates plans; it is validate.Check in production.
	Validate func(*plan.Plan) []plan.Finding
	// Keys is where pre-shared keys come from: plans naming a source it
	// does not allow are refused, and every run resolves and checks its
	// plan's keys before it sends anything. Nil checks nothing (tests of
	// fake clouds).
	Keys KeySource
}

// WebSocket limits: 500 watchers cost about 20 MB (docs/server.md), so the
// total bounds memory and descriptors, and the per-user cap keeps one
// viewer from taking every slot.
const (
	DefaultMaxWatchers        = 2000
	DefaultMaxWatchersPerUser = 64
)

// Server is the HTTP handler and the engine behind it.
type Server struct {
	st       *store.Store
	auth     *auth.Authenticator
	cloud    Cloud
	web      *webFiles
	origins  map[string]bool
	log      *slog.Logger
	redactor *Redactor
	validate func(*plan.Plan) []plan.Finding
	keys     KeySource
	engine   *engine.Engine
	mux      *http.ServeMux

	csp      string
	matrices *matrixCache

	wsMu                            sync.Mutex
	wsTotal                         int
	wsByUser                        map[string]int
	maxWatchers, maxWatchersPerUser int

	// startMu makes "no unfinished run of this plan" and "create the run"
	// one step, so two operators clicking at once start one run.
	startMu sync.Mutex

	closing chan struct{}
	once    sync.Once
}

// New builds a server. Call Start to resume unfinished runs, and Close to
// stop it.
func New(o Options) (*Server, error) {
	if o.Store == nil || o.Auth == nil || o.Cloud == nil || o.Validate == nil {
		return nil, fmt.Errorf("server.New needs a store, an authenticator, a cloud and a validator")
	}
	if o.Redactor == nil {
		o.Redactor = &Redactor{}
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		st: o.Store, auth: o.Auth, cloud: o.Cloud, log: o.Log, redactor: o.Redactor,
		validate: o.Validate, keys: o.Keys, origins: map[string]bool{}, closing: make(chan struct{}),
	}
	for _, origin := range append([]string{o.PublicOrigin}, o.AllowedOrigins...) {
		if origin != "" {
			s.origins[strings.ToLower(strings.TrimSuffix(origin, "/"))] = true
		}
	}
	s.wsByUser = map[string]int{}
	s.maxWatchers, s.maxWatchersPerUser = o.MaxWatchers, o.MaxWatchersPerUser
	if s.maxWatchers <= 0 {
		s.maxWatchers = DefaultMaxWatchers
	}
	if s.maxWatchersPerUser <= 0 {
		s.maxWatchersPerUser = DefaultMaxWatchersPerUser
	}
	if o.Web != nil {
		s.web = newWebFiles(o.Web)
	}
	s.csp = contentSecurityPolicy(inlineStyleHashes(o.Web))
	s.matrices = newMatrixCache()
	s.engine = engine.New(engine.Options{
		Store: o.Store, Build: o.Cloud.Program, Log: o.Log, Redact: o.Redactor.Redact, Admit: s.admitKeys,
	})
	s.routes()
	return s, nil
}

// Start resumes the runs a previous server left unfinished.
func (s *Server) Start() error {
	n, err := s.engine.ResumeAll()
	if n > 0 {
		s.log.Info("resuming unfinished runs", "count", n)
	}
	return err
}

// Close refuses new runs, stops runs at their current call (they resume
// at the next start; Close waits for them a bounded time) and ends
// WebSocket streams.
func (s *Server) Close() {
	s.once.Do(func() { close(s.closing) })
	s.engine.Close()
}

// shuttingDown reports whether Close has begun.
func (s *Server) shuttingDown() bool {
	select {
	case <-s.closing:
		return true
	default:
		return false
	}
}

// ServeHTTP serves the API and the app.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	s.setSecurityHeaders(rec.Header())
	s.mux.ServeHTTP(rec, r)
	// The query is left out of the log: it carries nothing but cursors
	// today, and logging it would invite leaking something tomorrow.
	// Successful reads are DEBUG (under load they were most of the log);
	// changes and failures are INFO.
	level := slog.LevelInfo
	if (r.Method == http.MethodGet || r.Method == http.MethodHead) && rec.status < 400 {
		level = slog.LevelDebug
	}
	s.log.Log(r.Context(), level, "http", "method", r.Method, "path", r.URL.Path, "status", rec.status,
		"ms", time.Since(start).Milliseconds(), "user", rec.user)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	user   string
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Hijack hands the connection to the WebSocket upgrade (gorilla/websocket
// asks for http.Hijacker directly). A hijacked connection is logged as 101.
func (r *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	r.status = http.StatusSwitchingProtocols
	return http.NewResponseController(r.ResponseWriter).Hijack()
}

// Unwrap lets http.ResponseController and the WebSocket upgrade reach the
// connection.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func newRunID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return "run-" + time.Now().UTC().Format("20060102T150405.000Z") + "-" + hex.EncodeToString(b[:])
}

// canonical decodes a plan strictly and returns it with its canonical
// encoding, whose SHA-256 is the plan's hash.
func canonical(data []byte) (*plan.Plan, []byte, error) {
	p, err := plan.DecodeBytes(data)
	if err != nil {
		return nil, nil, err
	}
	var buf bytes.Buffer
	if err := plan.Encode(&buf, p); err != nil {
		return nil, nil, err
	}
	return p, buf.Bytes(), nil
}
