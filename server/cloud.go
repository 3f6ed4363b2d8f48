package server

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/provision"
	"github.com/hybridplan/hybridplan/server/engine"
	"github.com/hybridplan/hybridplan/server/jdcloud"
	"github.com/hybridplan/hybridplan/server/store"
)

// JDCloud is the Cloud that sends a plan's provisioning calls
// (pkg/plan/provision) to JD Cloud, or to a stand-in of its API, through
// the JD Cloud SDK (server/jdcloud).
type JDCloud struct {
	cfg      jdcloud.Config
	describe string
}

// NewJDCloud checks cfg (credentials, endpoint) and returns the cloud.
// Region is taken from each plan. describe says where calls go, for the
// health endpoint and the dry run.
func NewJDCloud(cfg jdcloud.Config, describe string) (*JDCloud, error) {
	if cfg.Retry.MaxAttempts <= 0 {
		cfg.Retry.MaxAttempts = DefaultMaxAttempts
	}
	if _, err := jdcloud.NewClient(cfg); err != nil {
		return nil, err
	}
	return &JDCloud{cfg: cfg, describe: describe}, nil
}

// DefaultMaxAttempts is how often a call is tried when JD Cloud answers
// 5xx, 429 or not at all.
const DefaultMaxAttempts = 5

// Describe says where calls go.
func (c *JDCloud) Describe() string { return c.describe }

func engineCall(c provision.Call) engine.Call {
	return engine.Call{
		ID: c.ID, Step: c.Step, Action: c.Action, Name: c.Name, Summary: c.Summary,
		DependsOn: c.DependsOn, Creates: c.Kind != provision.KindReadBack,
	}
}

// DryRun renders each call as the exact HTTP request it becomes, secrets
// masked and the IDs of resources not yet created shown as "<call.output>".
func (c *JDCloud) DryRun(p *plan.Plan) ([]DryRunCall, error) {
	calls, err := provision.Calls(p)
	if err != nil {
		return nil, err
	}
	out := make([]DryRunCall, 0, len(calls))
	for _, call := range calls {
		req, err := jdcloud.Request(call, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, DryRunCall{Call: engineCall(call), Request: req})
	}
	return out, nil
}

// Program builds the plan's program: its calls and a client for its region.
func (c *JDCloud) Program(p *plan.Plan) (engine.Program, error) {
	calls, err := provision.Calls(p)
	if err != nil {
		return nil, err
	}
	cfg := c.cfg
	cfg.Region = p.Region
	// JDCLOUD (issue 10): the first call runs preflight's operation check
	// and the run does not start when an operation is missing.
	cfg.PlanCalls = calls
	client, err := jdcloud.NewClient(cfg)
	if err != nil {
		return nil, err
	}
	prog := &jdProgram{client: client, byID: map[string]provision.Call{}, maxAttempts: cfg.Retry.MaxAttempts}
	for _, call := range calls {
		prog.calls = append(prog.calls, engineCall(call))
		prog.byID[call.ID] = call
	}
	return prog, nil
}

type jdProgram struct {
	client      *jdcloud.Client
	calls       []engine.Call
	byID        map[string]provision.Call
	maxAttempts int
}

func (p *jdProgram) Calls() []engine.Call { return p.calls }

func (p *jdProgram) call(id string) (provision.Call, error) {
	c, ok := p.byID[id]
	if !ok {
		return c, fmt.Errorf("the plan has no call %s", id)
	}
	return c, nil
}

// observer turns the client's attempt reports into the engine's.
func (p *jdProgram) observer(ctx context.Context, observe func(engine.Attempt)) func(jdcloud.Attempt) {
	return func(a jdcloud.Attempt) {
		ea := engine.Attempt{Number: a.N, Wait: a.RetryIn}
		if a.Err != "" {
			ea.Err = &store.Failure{Code: a.Code, Status: a.Status, Message: a.Err}
			if a.Code == "" {
				ea.Err = &store.Failure{Code: "transport", Message: a.Err}
			}
			// The client retries a transient error unless attempts ran
			// out or the run is stopping; RetryIn alone cannot say so,
			// since full jitter may pick a zero wait.
			ea.Retrying = a.Transient && a.N < p.maxAttempts && ctx.Err() == nil
		}
		observe(ea)
	}
}

func (p *jdProgram) Apply(ctx context.Context, id string, outputs engine.Outputs, observe func(engine.Attempt)) (map[string]string, error) {
	call, err := p.call(id)
	if err != nil {
		return nil, err
	}
	out, err := p.client.Apply(ctx, call, outputs, p.observer(ctx, observe))
	return out, failure(err)
}

func (p *jdProgram) Delete(ctx context.Context, id string, outputs engine.Outputs, observe func(engine.Attempt)) error {
	call, err := p.call(id)
	if err != nil {
		return err
	}
	return failure(p.client.Delete(ctx, call, outputs, p.observer(ctx, observe)))
}

// failure turns the client's errors into the journal's: JD Cloud's code,
// status, message and request ID when JD Cloud refused the call.
func failure(err error) error {
	if err == nil {
		return nil
	}
	var api *jdcloud.APIError
	if errors.As(err, &api) {
		msg := api.Message
		if full := err.Error(); full != api.Error() {
			// Wrapped, e.g. "gave up after 5 attempts": keep that context.
			msg = strings.TrimSuffix(full, ": "+api.Error()) + ": " + api.Message
		}
		return &store.Failure{Code: api.Code, Status: api.Status, HTTPStatus: api.HTTPStatus, Message: msg, RequestID: api.RequestID}
	}
	// JDCLOUD (issue 10): preflight found operations missing; nothing was
	// created.
	var pre *jdcloud.PreflightError
	if errors.As(err, &pre) {
		return &store.Failure{Code: "preflight.missing", Message: err.Error()}
	}
	var conflict *jdcloud.ConflictError
	if errors.As(err, &conflict) {
		return &store.Failure{Code: "resource.conflict", Message: err.Error()}
	}
	if jdcloud.IsTransient(err) {
		return &store.Failure{Code: "transport", Message: err.Error()}
	}
	return &store.Failure{Code: "call.error", Message: err.Error()}
}
