package jdcloud_test

import (
	"context"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/provision"
	"github.com/hybridplan/hybridplan/server/jdcloud"
	"github.com/hybridplan/hybridplan/server/standin"
)

// BenchmarkDryRun renders every call of the seed plan as the HTTP request
// it becomes (the SDK's own parameter builder), as the dry run does.
func BenchmarkDryRun(b *testing.B) {
	p := examplePlans(b)[examples.Seed]
	calls, err := provision.Calls(p)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range calls {
			if _, err := jdcloud.Request(c, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(calls)), "calls/op")
}

// BenchmarkProvisionSeed provisions the seed plan through the real SDK
// against the stand-in on loopback (signing, HTTP, find-before-create) and
// tears it down again, so every iteration starts from an empty JD Cloud.
func BenchmarkProvisionSeed(b *testing.B) {
	p := examplePlans(b)[examples.Seed]
	// Deletions complete at once: the benchmark measures the client and
	// the stand-in, not the modelled wait.
	e := newEnv(b, []*plan.Plan{p}, func(o *standin.Options, _ *jdcloud.Config) { o.DeletingFor = -1 })
	calls, err := provision.Calls(p)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	requests := 0
	b.ReportAllocs()
	for b.Loop() {
		before := len(e.srv.Requests())
		outputs := map[string]map[string]string{}
		for _, c := range calls {
			out, err := e.client.Apply(ctx, c, outputs, nil)
			if err != nil {
				b.Fatal(err)
			}
			outputs[c.ID] = out
		}
		for i := len(calls) - 1; i >= 0; i-- {
			if err := e.client.Delete(ctx, calls[i], outputs, nil); err != nil {
				b.Fatal(err)
			}
		}
		requests = len(e.srv.Requests()) - before
	}
	b.ReportMetric(float64(requests), "requests/op")
}

// BenchmarkPreflightSeed runs the read-only preflight of the seed plan
// through the real SDK against the stand-in; compare with
// BenchmarkProvisionSeed of the same run.
func BenchmarkPreflightSeed(b *testing.B) {
	p := examplePlans(b)[examples.Seed]
	e := newEnv(b, []*plan.Plan{p}, nil)
	ctx := context.Background()
	requests := 0
	b.ReportAllocs()
	for b.Loop() {
		before := len(e.srv.Requests())
		if _, err := e.client.Preflight(ctx, p); err != nil {
			b.Fatal(err)
		}
		requests = len(e.srv.Requests()) - before
	}
	b.ReportMetric(float64(requests), "requests/op")
}
