package jdcloud

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"

	"github.com/jdcloud-api/jdcloud-sdk-go/core"
	bgwclient "github.com/jdcloud-api/jdcloud-sdk-go/services/bgw/client"
	vpcclient "github.com/jdcloud-api/jdcloud-sdk-go/services/vpc/client"

	"github.com/hybridplan/hybridplan/pkg/plan/provision"
)

// Config is how the server reaches JD Cloud.
type Config struct {
	// Endpoint is "host:port" or "scheme://host:port" of the JD Cloud API.
	// Empty means JD Cloud's public endpoints (bgw.jdcloud-api.com,
	// vpc.jdcloud-api.com); a stand-in serves every service on one endpoint.
	Endpoint string
	// Scheme is "https" (default) or "http"; a scheme in Endpoint wins.
	Scheme string
	// AccessKey and SecretKey sign every request. The secret key never
	// leaves this package except into the SDK's signer.
	AccessKey, SecretKey string
	// Region, when set, is the only region calls may go to: a call for
	// another region is refused before anything is sent.
	Region string
	// Secrets resolves a tunnel's pskRef ("env:NAME", "file:/path") to the
	// pre-shared key. Its errors must not contain the secret.
	Secrets func(ref string) (string, error)
	// Retry bounds retries of transient errors; zero fields take defaults.
	Retry RetryPolicy
	// PlanCalls, when set, are all the calls of the plan being
	// provisioned: before the first call (CreateBgw) Apply runs
	// preflight's operation checks over them and refuses to start, with a
	// *PreflightError, when JD Cloud lacks an operation they need.
	PlanCalls []provision.Call
}

// RetryPolicy bounds retries of transient errors (see IsTransient: JD
// Cloud's RATE_LIMIT, INTERNAL, UNAVAILABLE…, network errors and timeouts) with exponential backoff and full jitter: before
// attempt n+1 the client waits a random time in [0, min(MaxDelay,
// BaseDelay·2^(n-1))).
type RetryPolicy struct {
	// MaxAttempts is the number of tries of one call, first included
	// (default 5).
	MaxAttempts int
	// BaseDelay is the backoff's first ceiling (default 200ms).
	BaseDelay time.Duration
	// MaxDelay caps the backoff (default 10s).
	MaxDelay time.Duration
	// RequestTimeout bounds one HTTP request (default 30s); the SDK takes no
	// context, so this is also how long a cancelled run may wait.
	RequestTimeout time.Duration
	// PollInterval is the first wait between describes while an
	// asynchronous delete completes (default 2s); it doubles up to
	// PollMaxInterval (default 30s). DeleteWait bounds the whole wait of
	// one resource (default 10 minutes); past it the teardown step fails
	// and a new teardown resumes the wait.
	PollInterval, PollMaxInterval, DeleteWait time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 5
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 200 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 10 * time.Second
	}
	if p.RequestTimeout <= 0 {
		p.RequestTimeout = 30 * time.Second
	}
	if p.PollInterval <= 0 {
		p.PollInterval = 2 * time.Second
	}
	if p.PollMaxInterval <= 0 {
		p.PollMaxInterval = 30 * time.Second
	}
	if p.DeleteWait <= 0 {
		p.DeleteWait = 10 * time.Minute
	}
	return p
}

// backoff is the full-jitter wait after failed attempt n (1-based).
func (p RetryPolicy) backoff(n int) time.Duration {
	ceiling := p.BaseDelay
	for i := 1; i < n && ceiling < p.MaxDelay; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, p.MaxDelay)
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling)
}

// Attempt reports one try of a call to the observer.
type Attempt struct {
	CallID string `json:"callId"`
	Action string `json:"action"`
	// N counts the tries of this call from 1.
	N int `json:"n"`
	// Err is empty when the try succeeded; otherwise what went wrong, free
	// of secrets.
	Err string `json:"error,omitempty"`
	// Code is JD Cloud's error code and Status its status, when JD Cloud
	// answered with an error.
	Code   string `json:"code,omitempty"`
	Status string `json:"status,omitempty"`
	// Transient says the error is worth retrying.
	Transient bool `json:"transient,omitempty"`
	// RetryIn is the wait before the next try; zero when none follows.
	RetryIn time.Duration `json:"retryIn,omitempty"`
}

// APIError is an error JD Cloud answered with.
type APIError struct {
	// HTTPStatus is the HTTP status JD Cloud reports in the error body's
	// "code" (the SDK hides the response's status line).
	HTTPStatus int `json:"httpStatus"`
	// Code is that code as JD Cloud writes it, e.g. "400".
	Code string `json:"code"`
	// Status is JD Cloud's error status, e.g. "INVALID_ARGUMENT".
	Status    string `json:"status"`
	Message   string `json:"message"`
	RequestID string `json:"requestId,omitempty"`
	// Action is the operation that failed.
	Action string `json:"action,omitempty"`
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("JD Cloud %s failed: %s %s: %s", e.Action, e.Code, e.Status, e.Message)
	if e.RequestID != "" {
		s += " (request " + e.RequestID + ")"
	}
	return s
}

// transportError is a request that got no usable answer: a network error,
// a timeout, or a body that is not JD Cloud's JSON.
type transportError struct {
	action string
	err    error
}

func (e *transportError) Error() string {
	return fmt.Sprintf("JD Cloud %s: no usable answer: %v", e.action, e.err)
}
func (e *transportError) Unwrap() error { return e.err }

// errorStatuses are JD Cloud's error statuses (its common error table,
// docs.jdcloud.com/cn/common-declaration/api/error-codes) and whether each
// is worth retrying. The HTTP code alone cannot say: 429 is both
// RATE_LIMIT (throttled: wait and retry) and QUOTA_EXCEEDED (permanent
// until the quota is raised by ticket), and 501 NOT_IMPLEMENTED will not
// start working on a retry.
var errorStatuses = map[string]bool{
	"INVALID_ARGUMENT":    false, // 400
	"FAILED_PRECONDITION": false, // 400
	"OUT_OF_RANGE":        false, // 400
	"UNAUTHENTICATED":     false, // 401
	"HTTP_FORBIDDEN":      false, // 403
	"NOT_FOUND":           false, // 404
	// 409 "operation aborted": a concurrent change got in the way. Every
	// call is idempotent (find before create), so trying again is safe.
	"ABORTED":            true,
	"ALREADY_EXISTS":     false, // 409
	"QUOTA_EXCEEDED":     false, // 429
	"RATE_LIMIT":         true,  // 429
	"CANCELLED":          false, // 499
	"UNKNOWN":            true,  // 500
	"INTERNAL":           true,  // 500
	"NOT_IMPLEMENTED":    false, // 501
	"SOURCE_UNAVAILABLE": true,  // 502
	"UNAVAILABLE":        true,  // 503
}

// IsTransient reports whether err is worth retrying: JD Cloud answered an
// error status its table marks transient (RATE_LIMIT, INTERNAL,
// UNAVAILABLE, …), or a status it does not list with HTTP 5xx other than
// 501, or the request got no usable answer (network error, timeout). A 429
// whose status is not RATE_LIMIT is not retried: it may be a quota.
func IsTransient(err error) bool {
	var api *APIError
	if errors.As(err, &api) {
		if t, ok := errorStatuses[api.Status]; ok {
			return t
		}
		return api.HTTPStatus >= 500 && api.HTTPStatus != 501
	}
	var te *transportError
	return errors.As(err, &te)
}

// Client sends provisioning calls to JD Cloud. It is safe for concurrent
// use; it keeps no state between calls (find-before-create asks JD Cloud).
type Client struct {
	cfg    Config
	policy RetryPolicy
	bgw    *bgwclient.BgwClient
	vpc    *vpcclient.VpcClient
}

// NewClient checks cfg and builds the SDK clients, with their loggers
// disabled: the SDK's default logger prints request headers and bodies.
func NewClient(cfg Config) (*Client, error) {
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, errors.New("JD Cloud access key and secret key are both required: set them in the server's configuration (environment or credentials file)")
	}
	scheme, host := cfg.Scheme, cfg.Endpoint
	if strings.Contains(host, "://") {
		u, err := url.Parse(host)
		if err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return nil, fmt.Errorf("JD Cloud endpoint %q is not scheme://host[:port]", cfg.Endpoint)
		}
		scheme, host = u.Scheme, u.Host
	}
	switch scheme {
	case "":
		scheme = core.SchemeHttps
	case core.SchemeHttp, core.SchemeHttps:
	default:
		return nil, fmt.Errorf("JD Cloud endpoint scheme %q: use http or https", scheme)
	}
	c := &Client{cfg: cfg, policy: cfg.Retry.withDefaults()}
	cred := core.NewCredentials(cfg.AccessKey, cfg.SecretKey)
	mk := func(service string) *core.Config {
		cc := core.NewConfig()
		cc.SetScheme(scheme)
		if host != "" {
			cc.SetEndpoint(host)
		} else {
			cc.SetEndpoint(defaultEndpoints[service])
		}
		cc.SetTimeout(c.policy.RequestTimeout)
		return cc
	}
	c.bgw = bgwclient.NewBgwClient(cred)
	c.bgw.SetConfig(mk(serviceBGW))
	c.bgw.DisableLogger()
	c.vpc = vpcclient.NewVpcClient(cred)
	c.vpc.SetConfig(mk(serviceVPC))
	c.vpc.DisableLogger()
	return c, nil
}

// HTTPRequest is a call as the exact HTTP request it becomes, for the dry
// run: secrets are masked, unresolved references show as "<call.output>".
type HTTPRequest struct {
	CallID  string `json:"callId"`
	Service string `json:"service"`
	Action  string `json:"action"`
	Method  string `json:"method"`
	// Host is JD Cloud's public endpoint of the service.
	Host string `json:"host"`
	// Path is the request target as sent: escaped path and query.
	Path string `json:"path"`
	// Body is the JSON body of POST requests, nil for GET and DELETE.
	Body json.RawMessage `json:"body,omitempty"`
}

// Request renders a call as the exact HTTP request it becomes (method,
// path, body with secrets masked) for the dry run, with the SDK's own
// parameter builder.
func Request(call provision.Call, outputs map[string]map[string]string) (HTTPRequest, error) {
	ep, ok := endpoints[call.Action]
	if !ok {
		return HTTPRequest{}, fmt.Errorf("call %s: unknown action %q", call.ID, call.Action)
	}
	r, err := typed(ep, call.Render(outputs))
	if err != nil {
		return HTTPRequest{}, fmt.Errorf("call %s: %w", call.ID, err)
	}
	b := core.GetParameterBuilder(ep.Method, core.NewDummyLogger())
	raw, err := json.Marshal(r)
	if err != nil {
		return HTTPRequest{}, fmt.Errorf("call %s: %w", call.ID, err)
	}
	u, err := b.BuildURL(r.GetURL(), raw)
	if err != nil {
		return HTTPRequest{}, fmt.Errorf("call %s: building the URL: %w", call.ID, err)
	}
	body, err := b.BuildBody(raw)
	if err != nil {
		return HTTPRequest{}, fmt.Errorf("call %s: building the body: %w", call.ID, err)
	}
	h := HTTPRequest{
		CallID: call.ID, Service: ep.Service, Action: ep.Action, Method: ep.Method,
		Host: defaultEndpoints[ep.Service], Path: "/" + r.GetVersion() + u,
	}
	if body != "" {
		h.Body = json.RawMessage(body)
	}
	return h, nil
}

// typed decodes params into the operation's request type, strictly: a
// field the request type does not have is an error, so a call whose
// params drift from the API is caught before anything is sent.
func typed(ep endpoint, params map[string]any) (core.RequestInterface, error) {
	raw, err := json.Marshal(params)
	if err != nil {
		return nil, fmt.Errorf("encoding the params of %s: %w", ep.Action, err)
	}
	r := ep.New()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(r); err != nil {
		return nil, fmt.Errorf("the params do not fit JD Cloud's %s request: %w", ep.Action, err)
	}
	return r, nil
}

// response is JD Cloud's envelope.
type response struct {
	RequestID string          `json:"requestId"`
	Error     *apiErrorBody   `json:"error"`
	Result    json.RawMessage `json:"result"`
}

type apiErrorBody struct {
	Code    json.Number `json:"code"`
	Status  string      `json:"status"`
	Message string      `json:"message"`
}

// send performs one operation once and returns its result.
func (c *Client) send(ctx context.Context, action string, params map[string]any) (json.RawMessage, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ep, ok := endpoints[action]
	if !ok {
		return nil, fmt.Errorf("unknown JD Cloud action %q", action)
	}
	if c.cfg.Region != "" {
		if rg, _ := params["regionId"].(string); rg != c.cfg.Region {
			return nil, fmt.Errorf("JD Cloud %s for region %q refused: this server is configured for region %q; provision the plan with a server for its region", action, rg, c.cfg.Region)
		}
	}
	r, err := typed(ep, params)
	if err != nil {
		return nil, err
	}
	var sdk core.JDCloudClient
	switch ep.Service {
	case serviceBGW:
		sdk = c.bgw.JDCloudClient
	case serviceVPC:
		sdk = c.vpc.JDCloudClient
	default:
		return nil, fmt.Errorf("JD Cloud action %s: unknown service %q", action, ep.Service)
	}
	body, err := sdk.Send(r, sdk.ServiceName)
	if err != nil {
		return nil, &transportError{action: action, err: err}
	}
	var resp response
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, &transportError{action: action, err: fmt.Errorf("the answer is not JD Cloud's JSON (%d bytes): %w", len(body), err)}
	}
	if resp.Error != nil && (resp.Error.Code != "" || resp.Error.Status != "") {
		status, _ := resp.Error.Code.Int64()
		return nil, &APIError{
			HTTPStatus: int(status), Code: resp.Error.Code.String(), Status: resp.Error.Status,
			Message: resp.Error.Message, RequestID: resp.RequestID, Action: action,
		}
	}
	return resp.Result, nil
}

// scrub removes the secret key and any resolved secret from an error's
// text: JD Cloud or a proxy may echo a request back.
func (c *Client) scrub(err error, secrets []string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := msg
	for _, s := range append(secrets, c.cfg.SecretKey) {
		if s != "" {
			clean = strings.ReplaceAll(clean, s, provision.SecretMask)
		}
	}
	if clean == msg {
		return err
	}
	var api *APIError
	if errors.As(err, &api) {
		cp := *api
		for _, s := range append(secrets, c.cfg.SecretKey) {
			if s != "" {
				cp.Message = strings.ReplaceAll(cp.Message, s, provision.SecretMask)
			}
		}
		return &cp
	}
	if IsTransient(err) {
		return &transportError{err: errors.New(clean)}
	}
	return errors.New(clean)
}

// retry runs op until it succeeds, fails permanently, or the policy's
// attempts are spent, reporting every try.
func (c *Client) retry(ctx context.Context, call provision.Call, secrets []string, observe func(Attempt), op func() error) error {
	for n := 1; ; n++ {
		err := c.scrub(op(), secrets)
		a := Attempt{CallID: call.ID, Action: call.Action, N: n}
		if err == nil {
			if observe != nil {
				observe(a)
			}
			return nil
		}
		a.Err = err.Error()
		var api *APIError
		if errors.As(err, &api) {
			a.Code, a.Status = api.Code, api.Status
		}
		a.Transient = IsTransient(err)
		last := !a.Transient || n >= c.policy.MaxAttempts || ctx.Err() != nil
		var wait time.Duration
		if !last {
			wait = c.policy.backoff(n)
			a.RetryIn = wait
		}
		if observe != nil {
			observe(a)
		}
		if last {
			if a.Transient && n >= c.policy.MaxAttempts {
				return fmt.Errorf("call %s gave up after %d attempts: %w", call.ID, n, err)
			}
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("call %s: %w (last error: %v)", call.ID, ctx.Err(), err)
		case <-t.C:
		}
	}
}
