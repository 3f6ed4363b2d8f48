package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/server/auth"
	"github.com/hybridplan/hybridplan/server/engine"
	"github.com/hybridplan/hybridplan/server/store"
)

// APIVersion is the version in the API's paths (/api/v1/…). Fields are
// only ever added within a version.
const APIVersion = 1

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /api/v1/health", s.health)
	m.HandleFunc("POST /api/v1/validate", s.handle("", s.validatePlan))
	m.HandleFunc("GET /api/v1/me", s.handle(auth.Viewer, s.me))
	m.HandleFunc("POST /api/v1/plans", s.handle(auth.Planner, s.submit))
	m.HandleFunc("GET /api/v1/plans/{hash}", s.handle(auth.Viewer, s.getPlan))
	m.HandleFunc("POST /api/v1/plans/{hash}/approval", s.handle(auth.Approver, s.approve))
	m.HandleFunc("POST /api/v1/plans/{hash}/dry-run", s.handle(auth.Viewer, s.dryRun))
	m.HandleFunc("POST /api/v1/plans/{hash}/preflight", s.handle(auth.Operator, s.preflight)) // JDCLOUD (issue 10): preflight.go
	m.HandleFunc("POST /api/v1/plans/{hash}/diff", s.handle(auth.Viewer, s.diff))             // PAGE (issue 12): diff.go (approver or operator)
	m.HandleFunc("POST /api/v1/plans/{hash}/runs", s.handle(auth.Operator, s.provision))
	m.HandleFunc("GET /api/v1/runs", s.handle(auth.Viewer, s.listRuns))
	m.HandleFunc("GET /api/v1/runs/{id}", s.handle(auth.Viewer, s.getRun))
	m.HandleFunc("GET /api/v1/runs/{id}/events", s.handle(auth.Viewer, s.events))
	m.HandleFunc("GET /api/v1/runs/{id}/events/ws", s.watch)
	m.HandleFunc("GET /api/v1/runs/{id}/verification", s.handle(auth.Viewer, s.verification))
	m.HandleFunc("POST /api/v1/runs/{id}/teardown/approval", s.handle(auth.Approver, s.approveTeardown))
	m.HandleFunc("POST /api/v1/runs/{id}/teardown", s.handle(auth.Operator, s.teardown))
	m.HandleFunc("GET /api/v1/runs/{id}/teardown/approval", s.handle(auth.Viewer, s.getTeardownApproval))
	m.HandleFunc("POST /api/v1/runs/{id}/cancel", s.handle(auth.Viewer, s.cancel))
	m.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, errorf(http.StatusNotFound, "api.not-found", "no API endpoint %s %s; see docs/server.md", r.Method, r.URL.Path))
	})
	if s.web != nil {
		m.Handle("/", s.web)
	}
	s.mux = m
}

// handler is an API handler: it returns the status and body of a success,
// or an error.
type handler func(r *http.Request, u auth.User) (int, any, *apiError)

// handle authenticates the caller (unless role is empty), checks the role
// and writes the result.
func (s *Server) handle(role auth.Role, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var u auth.User
		if role != "" {
			var e *apiError
			u, e = s.authorize(r, role)
			if e != nil {
				writeError(w, e)
				return
			}
			if rec, ok := w.(*statusRecorder); ok {
				rec.user = u.Name
			}
		}
		status, body, e := h(r, u)
		if e != nil {
			if e.Status >= 500 {
				s.log.Error("request failed", "path", r.URL.Path, "code", e.Code, "err", e.Message)
			}
			e.Message = s.redactor.Redact(e.Message)
			writeError(w, e)
			return
		}
		writeJSON(w, status, body)
	}
}

func (s *Server) authorize(r *http.Request, role auth.Role) (auth.User, *apiError) {
	u, err := s.auth.Authenticate(auth.TokenFromRequest(r))
	if err != nil {
		code := "auth.no-token"
		if errors.Is(err, auth.ErrBadToken) {
			code = "auth.bad-token"
		}
		return auth.User{}, errorf(http.StatusUnauthorized, code, "%v", err)
	}
	if !u.Has(role) {
		return u, errorf(http.StatusForbidden, "auth.role", "%s does not have the %s role needed for this; ask the administrator, or sign in as someone who has it", u.Name, role)
	}
	return u, nil
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	h := map[string]any{
		"status": "ok", "service": "hybridplan", "apiVersion": APIVersion, "cloud": s.cloud.Describe(),
	}
	if why := s.engine.Degraded(); why != "" {
		h["status"], h["reason"] = "degraded", why
	}
	writeJSON(w, http.StatusOK, h)
}

// live is a run as the API shows it: a run stopped by a journal write
// failure is failed (retryable) while it waits, although the store, which
// could not be written, still says otherwise.
func (s *Server) live(run store.Run) store.Run {
	if f := s.engine.Stalled(run.ID); f != nil && !run.Finished() {
		run.State, run.Failure = store.StateFailed, f
	}
	return run
}

func (s *Server) me(r *http.Request, u auth.User) (int, any, *apiError) {
	return http.StatusOK, u, nil
}

type validateResponse struct {
	Hash     string         `json:"hash"`
	Valid    bool           `json:"valid"`
	Findings []plan.Finding `json:"findings"`
}

// validatePlan checks a plan without storing it: the same findings the page
// shows, computed by the same code.
func (s *Server) validatePlan(r *http.Request, _ auth.User) (int, any, *apiError) {
	data, e := readBody(r, MaxPlanBytes, false)
	if e != nil {
		return 0, nil, e
	}
	p, doc, err := canonical(data)
	if err != nil {
		return 0, nil, decodePlanError(err)
	}
	fs := s.findings(p)
	return http.StatusOK, validateResponse{Hash: store.Hash(doc), Valid: !plan.HasErrors(fs), Findings: fs}, nil
}

func (s *Server) findings(p *plan.Plan) []plan.Finding {
	fs := append(s.validate(p), s.pskFindings(p)...)
	if fs == nil {
		fs = []plan.Finding{}
	}
	return fs
}

// refuseInvalid is the answer to a plan with errors: 422 with the findings.
func refuseInvalid(fs []plan.Finding, doing string) *apiError {
	n := 0
	for _, f := range fs {
		if f.Severity == plan.SeverityError {
			n++
		}
	}
	e := errorf(http.StatusUnprocessableEntity, "plan.invalid", "the plan has %d errors, so it cannot be %s; fix them (see findings) and submit it again", n, doing)
	e.Findings = fs
	return e
}

// planView is a stored plan as the API shows it.
type planView struct {
	Hash        string          `json:"hash"`
	Name        string          `json:"name"`
	SubmittedBy string          `json:"submittedBy"`
	SubmittedAt string          `json:"submittedAt"`
	Approval    *store.Approval `json:"approval"`
	Findings    []plan.Finding  `json:"findings"`
	Plan        *plan.Plan      `json:"plan,omitempty"`
}

func (s *Server) view(rec store.Plan, p *plan.Plan, withPlan bool) (planView, *apiError) {
	v := planView{Hash: rec.Hash, Name: rec.Name, SubmittedBy: rec.SubmittedBy, SubmittedAt: rec.SubmittedAt.Format("2006-01-02T15:04:05Z"), Findings: s.findings(p)}
	if withPlan {
		v.Plan = p
	}
	a, err := s.st.GetApproval(rec.Hash)
	switch {
	case err == nil:
		v.Approval = &a
	case !errors.Is(err, store.ErrNotFound):
		return v, internal(err)
	}
	return v, nil
}

func internal(err error) *apiError {
	return errorf(http.StatusInternalServerError, "internal", "the server could not complete the request: %v; see the server's log", err)
}

func (s *Server) submit(r *http.Request, u auth.User) (int, any, *apiError) {
	data, e := readBody(r, MaxPlanBytes, false)
	if e != nil {
		return 0, nil, e
	}
	p, doc, err := canonical(data)
	if err != nil {
		return 0, nil, decodePlanError(err)
	}
	if fs := s.findings(p); plan.HasErrors(fs) {
		return 0, nil, refuseInvalid(fs, "submitted")
	}
	rec, created, err := s.st.PutPlan(p.Name, u.Name, doc)
	if err != nil {
		return 0, nil, internal(err)
	}
	v, e := s.view(rec, p, false)
	if e != nil {
		return 0, nil, e
	}
	return s.createdOrFound(created, "plan submitted", "hash", rec.Hash, "name", rec.Name, "by", u.Name), v, nil
}

// createdOrFound is the status of an idempotent write: 201 and a log line
// when this request made the record, 200 when an earlier one had (a retried
// submit or approval changes nothing and logs nothing).
func (s *Server) createdOrFound(created bool, event string, kv ...any) int {
	if !created {
		return http.StatusOK
	}
	s.log.Info(event, kv...)
	return http.StatusCreated
}

// loadPlan reads a stored plan by the hash in the path and decodes it,
// refusing malformed hashes, unknown plans and tampered records.
func (s *Server) loadPlan(hash string) (store.Plan, *plan.Plan, *apiError) {
	if !validHash(hash) {
		return store.Plan{}, nil, errorf(http.StatusBadRequest, "plan.hash", "%q is not a plan hash: a plan hash is 64 lowercase hex digits (SHA-256 of the canonical plan)", hash)
	}
	rec, err := s.st.GetPlan(hash)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return rec, nil, errorf(http.StatusNotFound, "plan.not-found", "no plan with hash %s was submitted to this server; submit it first", hash)
	case errors.Is(err, store.ErrTampered):
		return rec, nil, errorf(http.StatusConflict, "plan.tampered", "the stored plan %s no longer matches its hash (the store was changed outside the server); nothing is done with it: submit and approve the plan again", hash)
	case err != nil:
		return rec, nil, internal(err)
	}
	p, err := plan.DecodeBytes(rec.Document)
	if err != nil {
		return rec, nil, internal(fmt.Errorf("stored plan %s: %w", hash, err))
	}
	return rec, p, nil
}

func validHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for _, c := range h {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func (s *Server) getPlan(r *http.Request, _ auth.User) (int, any, *apiError) {
	rec, p, e := s.loadPlan(r.PathValue("hash"))
	if e != nil {
		return 0, nil, e
	}
	v, e := s.view(rec, p, true)
	if e != nil {
		return 0, nil, e
	}
	return http.StatusOK, v, nil
}

type approvalRequest struct {
	Comment string `json:"comment"`
}

func (s *Server) approve(r *http.Request, u auth.User) (int, any, *apiError) {
	data, e := readBody(r, MaxRequestBytes, true)
	if e != nil {
		return 0, nil, e
	}
	var req approvalRequest
	if e := decodeStrict(data, &req); e != nil {
		return 0, nil, e
	}
	rec, p, e := s.loadPlan(r.PathValue("hash"))
	if e != nil {
		return 0, nil, e
	}
	if rec.SubmittedBy == u.Name {
		return 0, nil, errorf(http.StatusForbidden, "approval.own-plan", "%s submitted this plan and cannot approve it too; another approver must review it", u.Name)
	}
	if fs := s.findings(p); plan.HasErrors(fs) {
		return 0, nil, refuseInvalid(fs, "approved")
	}
	a, created, err := s.st.Approve(rec.Hash, store.Approval{By: u.Name, Comment: req.Comment})
	if err != nil {
		return 0, nil, internal(err)
	}
	return s.createdOrFound(created, "plan approved", "hash", rec.Hash, "by", u.Name), a, nil
}

type dryRunResponse struct {
	Hash  string       `json:"hash"`
	Cloud string       `json:"cloud"`
	Calls []DryRunCall `json:"calls"`
}

func (s *Server) dryRun(r *http.Request, _ auth.User) (int, any, *apiError) {
	rec, p, e := s.loadPlan(r.PathValue("hash"))
	if e != nil {
		return 0, nil, e
	}
	if fs := s.findings(p); plan.HasErrors(fs) {
		return 0, nil, refuseInvalid(fs, "dry-run")
	}
	calls, err := s.cloud.DryRun(p)
	if err != nil {
		return 0, nil, errorf(http.StatusUnprocessableEntity, "plan.calls", "the plan's provisioning calls cannot be made: %v", err)
	}
	return http.StatusOK, dryRunResponse{Hash: rec.Hash, Cloud: s.cloud.Describe(), Calls: calls}, nil
}

// runView is a run with its steps.
type runView struct {
	store.Run
	Steps []store.Step `json:"steps"`
}

func (s *Server) provision(r *http.Request, u auth.User) (int, any, *apiError) {
	data, e := readBody(r, MaxRequestBytes, true)
	if e != nil {
		return 0, nil, e
	}
	if e := decodeStrict(data, &struct{}{}); e != nil {
		return 0, nil, e
	}
	rec, p, e := s.loadPlan(r.PathValue("hash"))
	if e != nil {
		return 0, nil, e
	}
	if _, err := s.st.GetApproval(rec.Hash); errors.Is(err, store.ErrNotFound) {
		return 0, nil, errorf(http.StatusConflict, "plan.not-approved", "plan %s is not approved; an approver must approve it before it is provisioned", rec.Hash)
	} else if err != nil {
		return 0, nil, internal(err)
	}
	if fs := s.findings(p); plan.HasErrors(fs) {
		return 0, nil, refuseInvalid(fs, "provisioned")
	}
	prog, err := s.cloud.Program(p)
	if err != nil {
		return 0, nil, errorf(http.StatusUnprocessableEntity, "plan.calls", "the plan's provisioning calls cannot be made: %v", err)
	}
	run := store.Run{ID: newRunID(), Kind: store.KindProvision, PlanHash: rec.Hash, StartedBy: u.Name, Calls: engine.ProvisionCalls(prog), Resources: resourceIdentities(p, prog)}
	// Any unfinished run of the plan, or of another plan naming the same
	// resources, conflicts: two provisionings would race each other's
	// find-before-create, and provisioning during a teardown would rebuild
	// what is being deleted.
	return s.startRun(run, func(o store.Run) bool { return o.PlanHash == rec.Hash || overlaps(o.Resources, run.Resources) },
		fmt.Sprintf("%s started provisioning plan %s", u.Name, rec.Hash[:12]))
}

// startRun creates and starts a run unless a conflicting one is unfinished.
func (s *Server) startRun(run store.Run, conflicts func(store.Run) bool, msg string) (int, any, *apiError) {
	s.startMu.Lock()
	defer s.startMu.Unlock()
	if s.shuttingDown() {
		return 0, nil, errorf(http.StatusServiceUnavailable, "server.shutting-down", "the server is shutting down and starts no new runs; start the run again once it is back")
	}
	runs, err := s.st.Runs()
	if err != nil {
		return 0, nil, internal(err)
	}
	for _, o := range runs {
		if !o.Finished() && conflicts(o) {
			return 0, nil, errorf(http.StatusConflict, "run.active", "run %s is still %s; watch it, and start another once it has finished", o.ID, o.State)
		}
	}
	created, _, err := s.st.CreateRun(run, store.Event{Type: "run.queued", Message: msg})
	var owned *store.OwnedError
	switch {
	case errors.Is(err, store.ErrNotApproved), errors.Is(err, store.ErrApprovalUsed):
		return 0, nil, errorf(http.StatusConflict, "teardown.not-approved", "tearing down run %s is not approved (%v); an approver must approve this teardown first", run.Of, err)
	case errors.As(err, &owned):
		return 0, nil, errorf(http.StatusConflict, "resource.owned", "the plan's %s; a run never creates, adopts or deletes another plan's resources. Tear down plan %s first, or rename the resources in this plan", owned, owned.PlanHash)
	case errors.Is(err, store.ErrOwnApproval):
		return 0, nil, errorf(http.StatusForbidden, "approval.own-teardown", "%s approved this teardown and cannot start it too; another operator must start it", run.StartedBy)
	case err != nil:
		return 0, nil, internal(err)
	}
	s.log.Info("run created", "run", created.ID, "kind", created.Kind, "plan", created.PlanHash, "by", created.StartedBy)
	s.engine.Start(created.ID)
	steps, err := s.st.Steps(created.ID)
	if err != nil {
		return 0, nil, internal(err)
	}
	return http.StatusAccepted, runView{Run: created, Steps: steps}, nil
}

func (s *Server) listRuns(r *http.Request, _ auth.User) (int, any, *apiError) {
	hash := r.URL.Query().Get("plan")
	runs, err := s.st.Runs()
	if err != nil {
		return 0, nil, internal(err)
	}
	out := []store.Run{}
	for _, run := range runs {
		if hash == "" || run.PlanHash == hash {
			out = append(out, s.live(run))
		}
	}
	return http.StatusOK, map[string]any{"runs": out}, nil
}

func (s *Server) loadRun(r *http.Request) (store.Run, *apiError) {
	id := r.PathValue("id")
	run, err := s.st.GetRun(id)
	if errors.Is(err, store.ErrNotFound) {
		return run, errorf(http.StatusNotFound, "run.not-found", "no run %q on this server", id)
	} else if err != nil {
		return run, internal(err)
	}
	return s.live(run), nil
}

func (s *Server) getRun(r *http.Request, _ auth.User) (int, any, *apiError) {
	run, e := s.loadRun(r)
	if e != nil {
		return 0, nil, e
	}
	steps, err := s.st.Steps(run.ID)
	if err != nil {
		return 0, nil, internal(err)
	}
	return http.StatusOK, runView{Run: run, Steps: steps}, nil
}

// parseAfter reads the ?after=SEQ cursor: a whole number from 0 to the
// run's last sequence number (a larger one would be a cursor from another
// run or server, and near 2^64 it would wrap to the start).
func parseAfter(r *http.Request, run store.Run) (uint64, *apiError) {
	v := r.URL.Query().Get("after")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(v, 10, 63)
	if err != nil || n > run.LastSeq {
		return 0, errorf(http.StatusBadRequest, "request.after", "after=%q is not an event sequence number of run %s (a whole number from 0 to %d)", v, run.ID, run.LastSeq)
	}
	return n, nil
}

// maxEventsPerPage bounds one events response; clients page with ?after.
const maxEventsPerPage = 1000

func (s *Server) events(r *http.Request, _ auth.User) (int, any, *apiError) {
	run, e := s.loadRun(r)
	if e != nil {
		return 0, nil, e
	}
	after, e := parseAfter(r, run)
	if e != nil {
		return 0, nil, e
	}
	evs, err := s.st.Events(run.ID, after, maxEventsPerPage)
	if err != nil {
		return 0, nil, internal(err)
	}
	if evs == nil {
		evs = []store.Event{}
	}
	return http.StatusOK, map[string]any{"run": run, "events": evs}, nil
}

// verificationView is step 6 of the seed document: what JD Cloud reports
// after the run (the read-back calls' outputs: connection, BGP session and
// tunnel states) beside the verification matrix the engineer checks from
// the customer router, both computed from the same plan.
type verificationView struct {
	Run      string                       `json:"run"`
	State    string                       `json:"state"`
	ReadBack map[string]map[string]string `json:"readBack"`
	// Matrix is sim.ConnectivityMatrix, encoded once per plan.
	Matrix json.RawMessage `json:"matrix"`
}

func (s *Server) verification(r *http.Request, _ auth.User) (int, any, *apiError) {
	run, e := s.loadRun(r)
	if e != nil {
		return 0, nil, e
	}
	if run.Kind != store.KindProvision {
		return 0, nil, errorf(http.StatusConflict, "verification.not-provision", "run %s is a %s run; the verification belongs to the provisioning run %s", run.ID, run.Kind, run.Of)
	}
	_, p, e := s.loadPlan(run.PlanHash)
	if e != nil {
		return 0, nil, e
	}
	prog, err := s.cloud.Program(p)
	if err != nil {
		return 0, nil, errorf(http.StatusUnprocessableEntity, "plan.calls", "the plan's provisioning calls cannot be made: %v", err)
	}
	readOnly := map[string]bool{}
	for _, c := range prog.Calls() {
		readOnly[c.ID] = !c.Creates
	}
	steps, err := s.st.Steps(run.ID)
	if err != nil {
		return 0, nil, internal(err)
	}
	v := verificationView{Run: run.ID, State: run.State, ReadBack: map[string]map[string]string{}}
	for _, st := range steps {
		if readOnly[st.CallID] && st.State == store.StepSucceeded {
			v.ReadBack[st.CallID] = st.Outputs
		}
	}
	if v.Matrix, err = s.matrices.get(r.Context(), run.PlanHash, p); err != nil {
		if r.Context().Err() != nil {
			return 0, nil, errorf(http.StatusServiceUnavailable, "plan.matrix-busy", "the request ended while the verification matrix was being computed; ask again")
		}
		return 0, nil, errorf(http.StatusUnprocessableEntity, "plan.matrix", "the verification matrix cannot be computed: %v", err)
	}
	return http.StatusOK, v, nil
}

func (s *Server) approveTeardown(r *http.Request, u auth.User) (int, any, *apiError) {
	data, e := readBody(r, MaxRequestBytes, true)
	if e != nil {
		return 0, nil, e
	}
	var req approvalRequest
	if e := decodeStrict(data, &req); e != nil {
		return 0, nil, e
	}
	run, e := s.loadRun(r)
	if e != nil {
		return 0, nil, e
	}
	if run.Kind != store.KindProvision {
		return 0, nil, errorf(http.StatusConflict, "teardown.not-provision", "run %s is a %s run; only what a provisioning run created can be torn down", run.ID, run.Kind)
	}
	a, created, err := s.st.ApproveTeardown(run.ID, store.Approval{By: u.Name, Comment: req.Comment})
	if err != nil {
		return 0, nil, internal(err)
	}
	return s.createdOrFound(created, "teardown approved", "run", run.ID, "by", u.Name), a, nil
}

func (s *Server) teardown(r *http.Request, u auth.User) (int, any, *apiError) {
	data, e := readBody(r, MaxRequestBytes, true)
	if e != nil {
		return 0, nil, e
	}
	if e := decodeStrict(data, &struct{}{}); e != nil {
		return 0, nil, e
	}
	src, e := s.loadRun(r)
	if e != nil {
		return 0, nil, e
	}
	if src.Kind != store.KindProvision {
		return 0, nil, errorf(http.StatusConflict, "teardown.not-provision", "run %s is a %s run; only what a provisioning run created can be torn down", src.ID, src.Kind)
	}
	a, err := s.st.GetTeardownApproval(src.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return 0, nil, errorf(http.StatusConflict, "teardown.not-approved", "tearing down run %s is not approved; an approver must approve the teardown first", src.ID)
	case err != nil:
		return 0, nil, internal(err)
	case a.UsedBy != "":
		return 0, nil, errorf(http.StatusConflict, "teardown.not-approved", "the teardown approval of run %s was used by teardown %s; one approval allows one teardown, so an approver must approve again", src.ID, a.UsedBy)
	case a.By == u.Name:
		return 0, nil, errorf(http.StatusForbidden, "approval.own-teardown", "%s approved this teardown and cannot start it too; another operator must start it", u.Name)
	}
	if !src.Finished() || s.engine.Stalled(src.ID) != nil {
		return 0, nil, errorf(http.StatusConflict, "run.active", "run %s is still %s; tear it down once it has finished", src.ID, src.State)
	}
	_, p, e := s.loadPlan(src.PlanHash)
	if e != nil {
		return 0, nil, e
	}
	prog, err := s.cloud.Program(p)
	if err != nil {
		return 0, nil, errorf(http.StatusUnprocessableEntity, "plan.calls", "the plan's provisioning calls cannot be made: %v", err)
	}
	steps, err := s.st.Steps(src.ID)
	if err != nil {
		return 0, nil, internal(err)
	}
	calls := engine.TeardownCalls(prog, steps)
	if len(calls) == 0 {
		return 0, nil, errorf(http.StatusConflict, "teardown.nothing", "run %s created nothing, so there is nothing to tear down", src.ID)
	}
	run := store.Run{ID: newRunID(), Kind: store.KindTeardown, PlanHash: src.PlanHash, Of: src.ID, StartedBy: u.Name, Calls: calls, Resources: resourceIdentities(p, prog)}
	return s.startRun(run, func(o store.Run) bool { return o.PlanHash == src.PlanHash || overlaps(o.Resources, run.Resources) },
		fmt.Sprintf("%s started tearing down what run %s created", u.Name, src.ID))
}

func (s *Server) getTeardownApproval(r *http.Request, _ auth.User) (int, any, *apiError) {
	run, e := s.loadRun(r)
	if e != nil {
		return 0, nil, e
	}
	a, err := s.st.GetTeardownApproval(run.ID)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil, errorf(http.StatusNotFound, "teardown.no-approval", "nobody has approved tearing down run %s", run.ID)
	} else if err != nil {
		return 0, nil, internal(err)
	}
	return http.StatusOK, a, nil
}

// cancel stops a queued or running run at its current call. The request is
// journalled first, so a server that dies mid-cancel finishes the cancel
// when it starts again rather than resuming the run.
func (s *Server) cancel(r *http.Request, u auth.User) (int, any, *apiError) {
	if !u.Has(auth.Canceller) && !u.Has(auth.Operator) {
		return 0, nil, errorf(http.StatusForbidden, "auth.role", "%s has neither the canceller nor the operator role needed to cancel a run; ask the administrator, or sign in as someone who has it", u.Name)
	}
	data, e := readBody(r, MaxRequestBytes, true)
	if e != nil {
		return 0, nil, e
	}
	if e := decodeStrict(data, &struct{}{}); e != nil {
		return 0, nil, e
	}
	run, e := s.loadRun(r)
	if e != nil {
		return 0, nil, e
	}
	_, evs, err := s.st.RequestCancel(run.ID, u.Name)
	switch {
	case errors.Is(err, store.ErrFinished):
		return 0, nil, errorf(http.StatusConflict, "run.finished", "run %s has already finished (%s); nothing to cancel", run.ID, run.State)
	case err != nil:
		return 0, nil, internal(err)
	}
	s.engine.Published(run.ID, evs)
	if err := s.engine.Cancel(run.ID); err != nil {
		return 0, nil, internal(err)
	}
	s.log.Info("run cancel requested", "run", run.ID, "by", u.Name)
	cur, err := s.st.GetRun(run.ID)
	if err != nil {
		return 0, nil, internal(err)
	}
	steps, err := s.st.Steps(run.ID)
	if err != nil {
		return 0, nil, internal(err)
	}
	return http.StatusAccepted, runView{Run: cur, Steps: steps}, nil
}

// resourceIdentities are the region, kind and name of each resource a
// plan's calls create: what two plans must not share.
func resourceIdentities(p *plan.Plan, prog engine.Program) []string {
	var out []string
	for _, c := range prog.Calls() {
		if c.Creates && c.Name != "" {
			out = append(out, p.Region+"/"+c.Action+"/"+c.Name)
		}
	}
	return out
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}
