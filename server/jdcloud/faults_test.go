package jdcloud_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/provision"
	"github.com/hybridplan/hybridplan/server/jdcloud"
	"github.com/hybridplan/hybridplan/server/standin"
)

func TestFaults(t *testing.T) {
	p := examplePlans(t)[examples.Seed]
	calls, err := provision.Calls(p)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		inject func(*standin.Faults)
		// wantErr is the JD Cloud status the run stops with; empty means
		// the run completes.
		wantErr    string
		wantCallID string
		// wantRetries is how many failed tries the observer sees.
		wantRetries int
	}{
		{"5xx retried then success", func(f *standin.Faults) { f.FailNext("CreateBgw", 2, 503) }, "", "", 2},
		{"500 on any call retried", func(f *standin.Faults) { f.FailNext("", 3, 500) }, "", "", 3},
		{"429 retried then success", func(f *standin.Faults) { f.FailNext("CreateVpnTunnel", 1, 429) }, "", "", 1},
		{"fail at call N retried", func(f *standin.Faults) { f.FailAt(7, 502) }, "", "", 1},
		{"lost answer does not duplicate", func(f *standin.Faults) { f.LoseAnswer("CreatePrivateVif", 503) }, "", "", 1},
		{"lost answer of a tunnel does not duplicate", func(f *standin.Faults) { f.LoseAnswer("CreateVpnTunnel", 500) }, "", "", 1},
		{"lost answer of route rules does not duplicate", func(f *standin.Faults) { f.LoseAnswer("AddRouteTableRules", 504) }, "", "", 1},
		{"permanent error stops with the code", func(f *standin.Faults) {
			f.Add(standin.Fault{Action: "CreateVpcAttachment", Status: 400, ErrorStatus: "INVALID_ARGUMENT", Message: "vpc is being deleted"})
		}, "INVALID_ARGUMENT", "attachment/attach-prod", 1},
		{"transient beyond the policy gives up", func(f *standin.Faults) { f.FailNext("CreateCustomerGateway", 10, 503) }, "UNAVAILABLE", "cgw", 4},
		{"403 is permanent", func(f *standin.Faults) { f.FailNext("CreateBgw", 1, 403) }, "HTTP_FORBIDDEN", "bgw", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, []*plan.Plan{p}, nil)
			tc.inject(e.srv.Faults())
			var failed []jdcloud.Attempt
			observe := func(a jdcloud.Attempt) {
				if a.Err != "" {
					failed = append(failed, a)
				}
			}
			outputs := map[string]map[string]string{}
			var runErr error
			var stoppedAt string
			for _, c := range calls {
				out, err := e.client.Apply(context.Background(), c, outputs, observe)
				if err != nil {
					runErr, stoppedAt = err, c.ID
					break
				}
				outputs[c.ID] = out
			}
			if len(failed) != tc.wantRetries {
				t.Errorf("%d failed tries observed, want %d: %+v", len(failed), tc.wantRetries, failed)
			}
			if tc.wantErr == "" {
				if runErr != nil {
					t.Fatalf("run stopped at %s: %v", stoppedAt, runErr)
				}
				for _, a := range failed {
					if !a.Transient || a.Status == "" {
						t.Errorf("retried try not marked transient with a status: %+v", a)
					}
				}
				want := map[string]int{"bgws": 1, "vpcAttachments": 1, "privateVifs": 1, "customerGateways": 1, "vpnConnections": 1, "vpnTunnels": 2, "routeRules": 2}
				if got := e.srv.Snapshot().Counts(); !equalMaps(got, want) {
					t.Errorf("JD Cloud holds %v, want %v", got, want)
				}
				return
			}
			var api *jdcloud.APIError
			if !errors.As(runErr, &api) || api.Status != tc.wantErr || stoppedAt != tc.wantCallID {
				t.Fatalf("run stopped at %s with %v, want %s at %s", stoppedAt, runErr, tc.wantErr, tc.wantCallID)
			}
			if api.Code == "" || api.RequestID == "" || api.Message == "" {
				t.Errorf("error lacks JD Cloud's code, request id or message: %+v", api)
			}
		})
	}
}

func TestSlowResponseTimesOutAndIsRetried(t *testing.T) {
	p := examplePlans(t)[examples.Seed]
	e := newEnv(t, []*plan.Plan{p}, func(o *standin.Options, c *jdcloud.Config) {
		c.Retry.RequestTimeout = 50 * time.Millisecond
		o.MaxDelay = time.Second
	})
	// The first CreateBgw is held back beyond the client's timeout: the
	// client gives up on it, the stand-in does nothing, the retry creates.
	e.srv.Faults().Slow("CreateBgw", 1, 400*time.Millisecond)
	calls, _ := provision.Calls(p)
	var tries []jdcloud.Attempt
	out, err := e.client.Apply(context.Background(), calls[0], nil, func(a jdcloud.Attempt) { tries = append(tries, a) })
	if err != nil {
		t.Fatal(err)
	}
	if len(tries) != 2 || !tries[0].Transient || tries[1].Err != "" {
		t.Errorf("tries %+v, want a transient timeout then success", tries)
	}
	if n := len(e.srv.Snapshot().Bgws); n != 1 || out[provision.OutputID] == "" {
		t.Errorf("%d border gateways, output %v", n, out)
	}
}

func TestSlowResponseWithinTimeoutSucceeds(t *testing.T) {
	p := examplePlans(t)[examples.Seed]
	e := newEnv(t, []*plan.Plan{p}, nil)
	e.srv.Faults().Slow("", 3, 20*time.Millisecond)
	calls, _ := provision.Calls(p)
	var failed int
	provisionAll(t, context.Background(), e.client, calls, func(a jdcloud.Attempt) {
		if a.Err != "" {
			failed++
		}
	})
	if failed != 0 {
		t.Errorf("%d failed tries; slow answers within the timeout are not failures", failed)
	}
}

func TestCancelledContextStopsRetrying(t *testing.T) {
	p := examplePlans(t)[examples.Seed]
	e := newEnv(t, []*plan.Plan{p}, func(_ *standin.Options, c *jdcloud.Config) {
		c.Retry = jdcloud.RetryPolicy{MaxAttempts: 100, BaseDelay: time.Hour, MaxDelay: time.Hour, RequestTimeout: time.Second}
	})
	e.srv.Faults().FailNext("CreateBgw", 100, 503)
	calls, _ := provision.Calls(p)
	ctx, cancel := context.WithCancel(context.Background())
	var n int
	_, err := e.client.Apply(ctx, calls[0], nil, func(a jdcloud.Attempt) {
		n++
		cancel() // the run is stopped while the client waits to retry
	})
	if !errors.Is(err, context.Canceled) || n != 1 {
		t.Errorf("err %v after %d tries, want context.Canceled after 1", err, n)
	}
}

func TestRefusesOtherRegion(t *testing.T) {
	p := examplePlans(t)[examples.Seed]
	e := newEnv(t, []*plan.Plan{p}, func(_ *standin.Options, c *jdcloud.Config) { c.Region = "cn-east-2" })
	calls, _ := provision.Calls(p)
	_, err := e.client.Apply(context.Background(), calls[0], nil, nil)
	if err == nil || !strings.Contains(err.Error(), "cn-east-2") || len(e.srv.Requests()) != 0 {
		t.Errorf("err %v, %d requests sent; want a refusal naming the region and nothing sent", err, len(e.srv.Requests()))
	}
}

func TestConflictingExistingResourceIsNotAdopted(t *testing.T) {
	p := examplePlans(t)[examples.Seed]
	e := newEnv(t, []*plan.Plan{p}, nil)
	calls, _ := provision.Calls(p)
	ctx := context.Background()
	outputs := provisionAll(t, ctx, e.client, calls[:3], nil) // bgw, attachment, pvif
	// Another plan wants an interface of the same name on another VLAN.
	other := calls[2]
	spec := other.Params["privateVifSpec"].(map[string]any)
	cp := map[string]any{}
	for k, v := range spec {
		cp[k] = v
	}
	cp["vlan"] = 999
	other.Params = map[string]any{"regionId": p.Region, "privateVifSpec": cp}
	_, err := e.client.Apply(ctx, other, outputs, nil)
	var conflict *jdcloud.ConflictError
	if !errors.As(err, &conflict) || !strings.Contains(err.Error(), "VLAN 100") {
		t.Fatalf("err %v, want a conflict naming the existing VLAN", err)
	}
	if n := len(e.srv.Snapshot().PrivateVifs); n != 1 {
		t.Errorf("%d interfaces, want 1", n)
	}
}

func TestSameNamedResourceMadeByHandIsNotAdoptedNorDeleted(t *testing.T) {
	p := examplePlans(t)[examples.Seed]
	e := newEnv(t, []*plan.Plan{p}, nil)
	calls, _ := provision.Calls(p)
	ctx := context.Background()
	// Someone made a border gateway of the same name by hand.
	byHand := calls[0]
	byHand.Params = map[string]any{"regionId": p.Region, "bgwSpec": map[string]any{"bgwName": p.BorderGateway.Name, "description": "ops team, do not touch"}}
	if _, err := e.client.Apply(ctx, byHand, nil, nil); err != nil {
		t.Fatal(err)
	}
	_, err := e.client.Apply(ctx, calls[0], nil, nil)
	var conflict *jdcloud.ConflictError
	if !errors.As(err, &conflict) || !strings.Contains(err.Error(), "ops team") {
		t.Fatalf("err %v, want a conflict naming the other description", err)
	}
	// A teardown that never learnt an id leaves it alone.
	if err := e.client.Delete(ctx, calls[0], nil, nil); err != nil {
		t.Fatal(err)
	}
	if n := len(e.srv.Snapshot().Bgws); n != 1 {
		t.Errorf("%d border gateways, want the hand-made one kept", n)
	}
}
