package jdcloud_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/provision"
	"github.com/hybridplan/hybridplan/server/jdcloud"
	"github.com/hybridplan/hybridplan/server/standin"
)

// TestRetryByJDCloudStatus answers the first CreateBgw with each error
// JD Cloud's common error table lists (and a few it does not), through the
// SDK, and checks that the client retries exactly the transient ones: the
// status decides, not the HTTP code (429 is RATE_LIMIT or QUOTA_EXCEEDED).
func TestRetryByJDCloudStatus(t *testing.T) {
	p := examplePlans(t)[examples.Seed]
	calls, err := provision.Calls(p)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		http      int
		status    string
		transient bool
	}{
		{400, "INVALID_ARGUMENT", false},
		{400, "FAILED_PRECONDITION", false},
		{400, "OUT_OF_RANGE", false},
		{401, "UNAUTHENTICATED", false},
		{403, "HTTP_FORBIDDEN", false},
		{404, "NOT_FOUND", false},
		{409, "ABORTED", true},
		{409, "ALREADY_EXISTS", false},
		{429, "QUOTA_EXCEEDED", false},
		{429, "RATE_LIMIT", true},
		{499, "CANCELLED", false},
		{500, "UNKNOWN", true},
		{500, "INTERNAL", true},
		{501, "NOT_IMPLEMENTED", false},
		{502, "SOURCE_UNAVAILABLE", true},
		{503, "UNAVAILABLE", true},
		// Statuses the table does not list: the HTTP code decides, but a
		// 429 is retried only as RATE_LIMIT.
		{504, "DEADLINE_EXCEEDED", true},
		{503, "SOMETHING_NEW", true},
		{429, "RESOURCE_EXHAUSTED", false},
		{400, "SOMETHING_NEW", false},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.http, " ", tc.status), func(t *testing.T) {
			e := newEnv(t, []*plan.Plan{p}, nil)
			e.srv.Faults().Add(standin.Fault{Action: "CreateBgw", Status: tc.http, ErrorStatus: tc.status, Message: "injected"})
			var tries []jdcloud.Attempt
			_, err := e.client.Apply(context.Background(), calls[0], nil, func(a jdcloud.Attempt) { tries = append(tries, a) })
			if tries[0].Status != tc.status || tries[0].Transient != tc.transient {
				t.Errorf("first try %+v, want status %s transient %v", tries[0], tc.status, tc.transient)
			}
			if tc.transient {
				if err != nil || len(tries) != 2 {
					t.Errorf("%d tries, err %v: want a retry that succeeds", len(tries), err)
				}
				return
			}
			var api *jdcloud.APIError
			if !errors.As(err, &api) || api.Status != tc.status || len(tries) != 1 {
				t.Errorf("%d tries, err %v: want one try failing with %s", len(tries), err, tc.status)
			}
			if n := len(e.srv.Snapshot().Bgws); n != 0 {
				t.Errorf("%d border gateways created after a permanent error", n)
			}
		})
	}
}
