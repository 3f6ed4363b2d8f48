package jdcloud_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/provision"
	"github.com/hybridplan/hybridplan/server/jdcloud"
	"github.com/hybridplan/hybridplan/server/standin"
)

// TestPreflightIsReadOnly runs preflight for every example against a
// stand-in that already holds resources, through the SDK: the stand-in's
// state is the same afterwards and it saw only GETs; every operation the
// plan needs is accepted and what the plan refers to is present.
func TestPreflightIsReadOnly(t *testing.T) {
	for name, p := range examplePlans(t) {
		t.Run(name, func(t *testing.T) {
			// A first provisioning leaves resources to count against quotas.
			e, _, _ := provisioned(t, p)
			before, _ := json.Marshal(e.srv.Snapshot())
			n := len(e.srv.Requests())
			r, err := e.client.Preflight(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			after, _ := json.Marshal(e.srv.Snapshot())
			if string(before) != string(after) {
				t.Errorf("preflight changed the stand-in's state")
			}
			reqs := e.srv.Requests()[n:]
			if len(reqs) == 0 {
				t.Fatal("preflight sent nothing")
			}
			for _, q := range reqs {
				if q.Method != "GET" {
					t.Errorf("preflight sent %s %s (%s)", q.Method, q.Path, q.Action)
				}
			}
			if len(r.Missing) != 0 || r.Region != p.Region {
				t.Errorf("region %s, missing %v", r.Region, r.Missing)
			}
			for _, op := range r.Operations {
				if op.Result != jdcloud.OpAccepted {
					t.Errorf("operation %+v not accepted", op)
				}
			}
			for _, need := range r.Needs {
				if need.Result != "present" && need.Result != "warning" {
					t.Errorf("need %+v", need)
				}
			}
			if !r.Ready {
				t.Errorf("not ready: %+v", r)
			}
			var bgwQuota *jdcloud.PreflightQuota
			for i := range r.Quotas {
				if r.Quotas[i].Type == "bgw" {
					bgwQuota = &r.Quotas[i]
				}
			}
			if bgwQuota == nil || bgwQuota.Result != "ok" || bgwQuota.Count != 1 || bgwQuota.MaxLimit != 5 {
				t.Errorf("bgw quota %+v, want 1 of 5 in use", bgwQuota)
			}
			want := []string{"DescribeBgws", "DescribeVpcAttachments", "DescribePrivateVifs", "DescribeCustomerGateways", "DescribeVpnConnections", "DescribeVpnTunnels", "DescribeConnections", "DescribeVpc"}
			if slices.ContainsFunc(p.BorderGateway.Attachments, func(a plan.Attachment) bool { return len(a.RouteTables) > 0 }) {
				want = append(want, "DescribeRouteTable")
			}
			for _, a := range want {
				if !slices.ContainsFunc(r.Operations, func(op jdcloud.PreflightOperation) bool { return op.Action == a }) {
					t.Errorf("no %s in the report", a)
				}
			}
		})
	}
}

// TestPreflightReportsUnknownActions: a stand-in that answers "unknown
// action" for chosen operations makes preflight report the plan's
// operations of that kind missing, with JD Cloud's code; an unreadable
// quota is reported, not counted as missing.
func TestPreflightReportsUnknownActions(t *testing.T) {
	p := examplePlans(t)[examples.Seed]
	e := newEnv(t, []*plan.Plan{p}, func(o *standin.Options, _ *jdcloud.Config) {
		o.Unknown = []string{"DescribeVpnTunnels", "DescribePrivateVifs", "DescribeQuota"}
	})
	r, err := e.client.Preflight(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	wantMissing := []string{"CreatePrivateVif", "DescribePrivateVif", "DeletePrivateVif", "CreateVpnTunnel", "DeleteVpnTunnel", "ModifyAdminStatus"}
	if !slices.Equal(r.Missing, wantMissing) || r.Ready {
		t.Errorf("missing %v ready %v, want %v and not ready", r.Missing, r.Ready, wantMissing)
	}
	for _, op := range r.Operations {
		missing := op.Action == "DescribeVpnTunnels" || op.Action == "DescribePrivateVifs"
		if missing != (op.Result == jdcloud.OpMissing) {
			t.Errorf("%s: %s", op.Action, op.Result)
		}
		if missing && (op.HTTPStatus != 404 || op.Status != "NOT_FOUND" || op.Source != "unverified") {
			t.Errorf("%+v: want JD Cloud's 404 NOT_FOUND and the unverified source", op)
		}
	}
	for _, q := range r.Quotas {
		if q.Result != "unreadable" {
			t.Errorf("quota %+v readable from a stand-in without quotas", q)
		}
	}
}

// TestProvisioningRefusesWhenPreflightFindsAnOperationMissing: with the
// plan's calls configured (as the server's program does), the first call
// runs the preflight check and creates nothing when an operation is
// missing.
func TestProvisioningRefusesWhenPreflightFindsAnOperationMissing(t *testing.T) {
	p := examplePlans(t)[examples.Seed]
	calls, err := provision.Calls(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		unknown []string
		want    bool
	}{{[]string{"DescribeVpcAttachments"}, true}, {nil, false}} {
		e := newEnv(t, []*plan.Plan{p}, func(o *standin.Options, c *jdcloud.Config) {
			o.Unknown = tc.unknown
			c.PlanCalls = calls
		})
		_, err := e.client.Apply(context.Background(), calls[0], nil, nil)
		var pe *jdcloud.PreflightError
		if errors.As(err, &pe) != tc.want {
			t.Fatalf("unknown %v: err %v", tc.unknown, err)
		}
		if tc.want {
			if !slices.Contains(pe.Missing, "CreateVpcAttachment") || len(e.srv.Snapshot().Bgws) != 0 {
				t.Errorf("missing %v, %d border gateways", pe.Missing, len(e.srv.Snapshot().Bgws))
			}
			for _, q := range e.srv.Requests() {
				if q.Method != "GET" {
					t.Errorf("sent %s %s after preflight found an operation missing", q.Method, q.Action)
				}
			}
		}
	}
}

// TestPreflightFindsAbsentResources: a VPC and a connection the region
// does not hold are reported absent.
func TestPreflightFindsAbsentResources(t *testing.T) {
	p := examplePlans(t)[examples.Seed]
	e := newEnv(t, nil, nil)
	r, err := e.client.Preflight(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	absent := 0
	for _, n := range r.Needs {
		if n.Result == "absent" {
			absent++
		}
	}
	for _, op := range r.Operations {
		if (op.Action == "DescribeVpc" || op.Action == "DescribeRouteTable") && op.Result != jdcloud.OpAccepted {
			t.Errorf("%s: %s; a 404 for one resource is the resource, not the operation", op.Action, op.Result)
		}
	}
	if absent < 3 || r.Ready || len(r.Missing) != 0 {
		t.Errorf("needs %+v, ready %v, missing %v: want the connection, VPC and route table absent and no operation missing", r.Needs, r.Ready, r.Missing)
	}
}
