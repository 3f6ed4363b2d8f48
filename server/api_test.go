package server

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/server/auth"
	"github.com/hybridplan/hybridplan/server/jdcloud"
	"github.com/hybridplan/hybridplan/server/store"
)

// Tokens of the test users; each is long enough for auth.New.
var testUsers = []auth.UserConfig{
	{Name: "vera", Roles: []string{"viewer"}, Token: "vera-token-0123456789abcdef"},
	{Name: "pat", Roles: []string{"planner"}, Token: "pat-token-0123456789abcdef"},
	{Name: "alex", Roles: []string{"approver"}, Token: "alex-token-0123456789abcdef"},
	{Name: "olive", Roles: []string{"operator"}, Token: "olive-token-0123456789abcdef"},
	// sam plans and approves: allowed to approve others' plans only.
	{Name: "sam", Roles: []string{"planner", "approver"}, Token: "sam-token-0123456789abcdef"},
	// cara may only cancel; oscar approves and operates.
	{Name: "cara", Roles: []string{"canceller"}, Token: "cara-token-0123456789abcdef"},
	{Name: "oscar", Roles: []string{"approver", "operator"}, Token: "oscar-token-0123456789abcdef"},
}

func tokenOf(name string) string {
	for _, u := range testUsers {
		if u.Name == name {
			return u.Token
		}
	}
	return ""
}

type testServer struct {
	t     testing.TB
	srv   *Server
	http  *httptest.Server
	st    *store.Store
	cloud Cloud
	logs  *syncBuffer
}

type testOptions struct {
	cloud                           Cloud
	validate                        func(*plan.Plan) []plan.Finding
	dir                             string
	redactor                        *Redactor
	web                             fs.FS
	keys                            KeySource
	maxWatchers, maxWatchersPerUser int
	// sources, for newE2EServer: where keys come from.
	sources *jdcloud.SecretSources
}

func newTestServer(t testing.TB, o testOptions) *testServer {
	t.Helper()
	if o.cloud == nil {
		o.cloud = &fakeCloud{}
	}
	if o.validate == nil {
		o.validate = noFindings
	}
	if o.dir == "" {
		o.dir = t.TempDir()
	}
	if o.web == nil {
		o.web = testWeb()
	}
	if o.redactor == nil {
		o.redactor = &Redactor{}
	}
	st, err := store.Open(o.dir)
	must(t, err)
	a, err := auth.New(testUsers)
	must(t, err)
	logs := &syncBuffer{}
	log := slog.New(o.redactor.LogHandler(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	hs := httptest.NewUnstartedServer(nil)
	s, err := New(Options{Store: st, Auth: a, Cloud: o.cloud, Validate: o.validate, Log: log, Redactor: o.redactor, Web: o.web, Keys: o.keys,
		PublicOrigin: "http://" + hs.Listener.Addr().String(), MaxWatchers: o.maxWatchers, MaxWatchersPerUser: o.maxWatchersPerUser})
	must(t, err)
	must(t, s.Start())
	hs.Config.Handler = s
	hs.Start()
	ts := &testServer{t: t, srv: s, http: hs, st: st, cloud: o.cloud, logs: logs}
	t.Cleanup(ts.close)
	return ts
}

func (ts *testServer) close() {
	if ts.http == nil {
		return
	}
	ts.http.CloseClientConnections()
	ts.srv.Close()
	ts.http.Close()
	ts.st.Close()
	ts.http = nil
}

// do sends a request as user (or anonymously for "") and decodes the JSON
// answer into out (if not nil); it returns the status.
func (ts *testServer) do(method, path, user string, body any, out any) int {
	ts.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		must(ts.t, err)
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, ts.http.URL+path, r)
	must(ts.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+tokenOf(user))
	}
	resp, err := ts.http.Client().Do(req)
	must(ts.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	must(ts.t, err)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			ts.t.Fatalf("%s %s: answer is not JSON (%v): %s", method, path, err, data)
		}
	}
	return resp.StatusCode
}

type errBody struct {
	Error struct {
		Code     string         `json:"code"`
		Message  string         `json:"message"`
		Path     string         `json:"path"`
		Findings []plan.Finding `json:"findings"`
	} `json:"error"`
}

func seedJSON(t testing.TB) string {
	t.Helper()
	ex, ok := examples.Get(examples.Seed)
	if !ok {
		t.Fatal("the seed example is missing")
	}
	return ex.JSON
}

// submitApproved submits the seed plan as pat and approves it as alex.
func (ts *testServer) submitApproved() string {
	ts.t.Helper()
	var pv planView
	if st := ts.do("POST", "/api/v1/plans", "pat", seedJSON(ts.t), &pv); st != http.StatusCreated {
		ts.t.Fatalf("submit: status %d", st)
	}
	if st := ts.do("POST", "/api/v1/plans/"+pv.Hash+"/approval", "alex", nil, nil); st != http.StatusCreated {
		ts.t.Fatalf("approve: status %d", st)
	}
	return pv.Hash
}

func TestHealthAndAnonymous(t *testing.T) {
	ts := newTestServer(t, testOptions{})
	var h map[string]any
	if st := ts.do("GET", "/api/v1/health", "", nil, &h); st != 200 || h["status"] != "ok" || h["service"] != "hybridplan" {
		t.Fatalf("health: %d %v", st, h)
	}
	var v validateResponse
	if st := ts.do("POST", "/api/v1/validate", "", seedJSON(t), &v); st != 200 || !v.Valid || len(v.Hash) != 64 {
		t.Fatalf("validate: %d %+v", st, v)
	}
}

// The hash is the SHA-256 of plan.Encode of the decoded plan, so the same
// plan formatted differently has one hash.
func TestHashIsOfTheCanonicalPlan(t *testing.T) {
	ts := newTestServer(t, testOptions{})
	var a, b planView
	ts.do("POST", "/api/v1/plans", "pat", seedJSON(t), &a)
	var compact bytes.Buffer
	must(t, json.Compact(&compact, []byte(seedJSON(t))))
	if st := ts.do("POST", "/api/v1/plans", "sam", compact.String(), &b); st != http.StatusOK {
		t.Errorf("resubmitting the same plan: status %d, want 200 (already stored)", st)
	}
	if a.Hash != b.Hash || b.SubmittedBy != "pat" {
		t.Errorf("hashes %s / %s, submitter %s: the same plan must keep one hash and its first submitter", a.Hash, b.Hash, b.SubmittedBy)
	}
	p, err := plan.DecodeBytes([]byte(seedJSON(t)))
	must(t, err)
	var buf bytes.Buffer
	must(t, plan.Encode(&buf, p))
	if want := store.Hash(buf.Bytes()); a.Hash != want {
		t.Errorf("hash %s, want sha256 of plan.Encode = %s", a.Hash, want)
	}
}

func TestRoles(t *testing.T) {
	ts := newTestServer(t, testOptions{})
	hash := ts.submitApproved()
	// A second plan, submitted by pat, for approval tests.
	other := strings.Replace(seedJSON(t), `"bgw-bj"`, `"bgw-bj-2"`, 1)
	var pv planView
	ts.do("POST", "/api/v1/plans", "pat", other, &pv)

	tests := []struct {
		name, method, path, user string
		body                     any
		want                     int
		code                     string
	}{
		{"no token reads nothing", "GET", "/api/v1/plans/" + hash, "", nil, 401, "auth.no-token"},
		{"viewer reads a plan", "GET", "/api/v1/plans/" + hash, "vera", nil, 200, ""},
		{"viewer reads runs", "GET", "/api/v1/runs", "vera", nil, 200, ""},
		{"viewer dry-runs", "POST", "/api/v1/plans/" + hash + "/dry-run", "vera", nil, 200, ""},
		{"viewer cannot submit", "POST", "/api/v1/plans", "vera", seedJSON(t), 403, "auth.role"},
		{"approver cannot submit", "POST", "/api/v1/plans", "alex", seedJSON(t), 403, "auth.role"},
		{"operator cannot submit", "POST", "/api/v1/plans", "olive", seedJSON(t), 403, "auth.role"},
		{"no token cannot submit", "POST", "/api/v1/plans", "", seedJSON(t), 401, "auth.no-token"},
		{"planner cannot approve", "POST", "/api/v1/plans/" + pv.Hash + "/approval", "pat", nil, 403, "auth.role"},
		{"operator cannot approve", "POST", "/api/v1/plans/" + pv.Hash + "/approval", "olive", nil, 403, "auth.role"},
		{"viewer cannot approve", "POST", "/api/v1/plans/" + pv.Hash + "/approval", "vera", nil, 403, "auth.role"},
		{"planner cannot provision", "POST", "/api/v1/plans/" + hash + "/runs", "pat", nil, 403, "auth.role"},
		{"approver cannot provision", "POST", "/api/v1/plans/" + hash + "/runs", "alex", nil, 403, "auth.role"},
		{"unapproved plan is not provisioned", "POST", "/api/v1/plans/" + pv.Hash + "/runs", "olive", nil, 409, "plan.not-approved"},
		{"approver approves another's plan", "POST", "/api/v1/plans/" + pv.Hash + "/approval", "sam", `{"comment":"looks right"}`, 201, ""},
		{"approving again keeps the first approval", "POST", "/api/v1/plans/" + pv.Hash + "/approval", "alex", nil, 200, ""},
		{"operator provisions an approved plan", "POST", "/api/v1/plans/" + hash + "/runs", "olive", nil, 202, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var eb errBody
			st := ts.do(tc.method, tc.path, tc.user, tc.body, &eb)
			if st != tc.want || eb.Error.Code != tc.code {
				t.Errorf("status %d code %q (%s), want %d %q", st, eb.Error.Code, eb.Error.Message, tc.want, tc.code)
			}
		})
	}
	var a store.Approval
	ts.do("GET", "/api/v1/plans/"+pv.Hash, "vera", nil, &struct {
		Approval *store.Approval `json:"approval"`
	}{&a})
	if a.By != "sam" || a.Comment != "looks right" {
		t.Errorf("approval %+v, want sam's with its comment", a)
	}
}

func TestBadTokenAndWWWAuthenticate(t *testing.T) {
	ts := newTestServer(t, testOptions{})
	req, _ := http.NewRequest("GET", ts.http.URL+"/api/v1/runs", nil)
	req.Header.Set("Authorization", "Bearer not-a-known-token-at-all-000")
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != 401 || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("bad token: %d, WWW-Authenticate %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
}

func TestOwnPlanCannotBeApproved(t *testing.T) {
	ts := newTestServer(t, testOptions{})
	var pv planView
	if st := ts.do("POST", "/api/v1/plans", "sam", seedJSON(t), &pv); st != 201 {
		t.Fatalf("submit as sam: %d", st)
	}
	var eb errBody
	if st := ts.do("POST", "/api/v1/plans/"+pv.Hash+"/approval", "sam", nil, &eb); st != 403 || eb.Error.Code != "approval.own-plan" {
		t.Fatalf("sam approving sam's plan: %d %+v", st, eb)
	}
	if _, err := ts.st.GetApproval(pv.Hash); err == nil {
		t.Error("a refused approval was recorded")
	}
}

func TestPlanHashes(t *testing.T) {
	ts := newTestServer(t, testOptions{})
	hash := ts.submitApproved()
	flipped := []byte(hash)
	if flipped[0] == 'a' {
		flipped[0] = 'b'
	} else {
		flipped[0] = 'a'
	}
	tests := []struct {
		name, path string
		want       int
		code       string
	}{
		{"one hex digit changed", "/api/v1/plans/" + string(flipped) + "/runs", 404, "plan.not-found"},
		{"not hex", "/api/v1/plans/" + strings.Repeat("z", 64) + "/runs", 400, "plan.hash"},
		{"too short", "/api/v1/plans/" + hash[:63] + "/runs", 400, "plan.hash"},
		{"upper case", "/api/v1/plans/" + strings.ToUpper(hash) + "/runs", 400, "plan.hash"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var eb errBody
			if st := ts.do("POST", tc.path, "olive", nil, &eb); st != tc.want || eb.Error.Code != tc.code {
				t.Errorf("status %d %q, want %d %q", st, eb.Error.Code, tc.want, tc.code)
			}
		})
	}
}

// A plan changed inside the store file is refused by every action.
func TestTamperedStoreIsRefused(t *testing.T) {
	dir := t.TempDir()
	ts := newTestServer(t, testOptions{dir: dir})
	hash := ts.submitApproved()
	ts.close()
	tamperStoredPlan(t, dir, hash)
	ts = newTestServer(t, testOptions{dir: dir})
	for _, path := range []string{"/api/v1/plans/" + hash + "/runs", "/api/v1/plans/" + hash + "/dry-run"} {
		var eb errBody
		if st := ts.do("POST", path, "olive", nil, &eb); st != 409 || eb.Error.Code != "plan.tampered" {
			t.Errorf("%s: %d %+v, want 409 plan.tampered", path, st, eb.Error)
		}
	}
	runs, _ := ts.st.Runs()
	if len(runs) != 0 {
		t.Errorf("a run was created from a tampered plan: %+v", runs)
	}
}

func TestMalformedRequests(t *testing.T) {
	ts := newTestServer(t, testOptions{})
	hash := ts.submitApproved()
	huge := `{"version":1,"name":"` + strings.Repeat("x", MaxPlanBytes) + `"}`
	unknown := strings.Replace(seedJSON(t), `"region"`, `"regoin": "x", "region"`, 1)
	tests := []struct {
		name, method, path string
		body               any
		ctype              string
		want               int
		code, errPath      string
	}{
		{"invalid JSON", "POST", "/api/v1/plans", `{"version": 1,`, "", 400, "decode.syntax", "$"},
		{"empty body", "POST", "/api/v1/plans", ``, "", 400, "request.empty", ""},
		{"unknown plan field", "POST", "/api/v1/plans", unknown, "", 400, "decode.unknown-field", "$.regoin"},
		{"wrong type", "POST", "/api/v1/plans", strings.Replace(seedJSON(t), `"asn": 65001`, `"asn": "65001"`, 1), "", 400, "decode.type", "$.idc.asn"},
		{"oversized plan", "POST", "/api/v1/plans", huge, "", 413, "request.too-large", ""},
		{"oversized on validate", "POST", "/api/v1/validate", huge, "", 413, "request.too-large", ""},
		{"not JSON content type", "POST", "/api/v1/plans", seedJSON(t), "text/plain", 415, "request.content-type", ""},
		{"unknown approval field", "POST", "/api/v1/plans/" + hash + "/approval", `{"coment":"typo"}`, "", 400, "request.unknown-field", "$.coment"},
		{"approval not an object", "POST", "/api/v1/plans/" + hash + "/approval", `[1]`, "", 400, "request.invalid", ""},
		{"provision body with a field", "POST", "/api/v1/plans/" + hash + "/runs", `{"force":true}`, "", 400, "request.unknown-field", "$.force"},
		{"oversized approval", "POST", "/api/v1/plans/" + hash + "/approval", `{"comment":"` + strings.Repeat("x", MaxRequestBytes) + `"}`, "", 413, "request.too-large", ""},
		{"events of an unknown run", "GET", "/api/v1/runs/x/events?after=1", nil, "", 404, "run.not-found", ""},
		{"unknown endpoint", "GET", "/api/v1/nope", nil, "", 404, "api.not-found", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r io.Reader
			if s, ok := tc.body.(string); ok {
				r = strings.NewReader(s)
			}
			req, _ := http.NewRequest(tc.method, ts.http.URL+tc.path, r)
			ctype := tc.ctype
			if ctype == "" {
				ctype = "application/json"
			}
			req.Header.Set("Content-Type", ctype)
			user := "sam"
			if strings.HasSuffix(tc.path, "/runs") {
				user = "olive"
			}
			req.Header.Set("Authorization", "Bearer "+tokenOf(user))
			resp, err := http.DefaultClient.Do(req)
			must(t, err)
			defer resp.Body.Close()
			var eb errBody
			if err := json.NewDecoder(resp.Body).Decode(&eb); err != nil {
				t.Fatalf("error body is not JSON: %v", err)
			}
			if resp.StatusCode != tc.want || eb.Error.Code != tc.code || (tc.errPath != "" && eb.Error.Path != tc.errPath) {
				t.Errorf("status %d code %q path %q (%s), want %d %q %q", resp.StatusCode, eb.Error.Code, eb.Error.Path, eb.Error.Message, tc.want, tc.code, tc.errPath)
			}
			if eb.Error.Message == "" {
				t.Error("the error has no message")
			}
		})
	}
}

// A plan with validation errors is refused with 422 and the findings, by
// the same validator the browser runs.
func TestInvalidPlanRefused(t *testing.T) {
	bad := func(p *plan.Plan) []plan.Finding {
		return []plan.Finding{{Code: "overlap.idc-vpc", Severity: plan.SeverityError, Path: "$.idc.segments[0].cidr", Message: "overlaps the VPC"}}
	}
	ts := newTestServer(t, testOptions{validate: bad})
	var eb errBody
	if st := ts.do("POST", "/api/v1/plans", "pat", seedJSON(t), &eb); st != 422 || eb.Error.Code != "plan.invalid" || len(eb.Error.Findings) != 1 || eb.Error.Findings[0].Code != "overlap.idc-vpc" {
		t.Fatalf("submit of an invalid plan: %d %+v", st, eb)
	}
	var v validateResponse
	if st := ts.do("POST", "/api/v1/validate", "", seedJSON(t), &v); st != 200 || v.Valid || len(v.Findings) != 1 {
		t.Fatalf("validate of an invalid plan: %d %+v", st, v)
	}
}
