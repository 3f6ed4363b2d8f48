package server

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/server/engine"
)

// fakeCloud is a cloud in memory for API tests that do not need JD
// Cloud's calls: two creating calls and a read-back. gate, when set,
// holds every Apply until a value arrives, so tests can watch a run while
// it is in progress.
type fakeCloud struct {
	mu   sync.Mutex
	gate chan struct{}
	made map[string]int
	// blob, when set, adds an output of that many bytes to every call, so
	// events are large enough to fill a watcher's socket buffers.
	blob int
}

func (c *fakeCloud) Describe() string { return "a fake cloud in the test" }

func (c *fakeCloud) Program(p *plan.Plan) (engine.Program, error) { return c, nil }

func (c *fakeCloud) DryRun(p *plan.Plan) ([]DryRunCall, error) {
	var out []DryRunCall
	for _, call := range c.Calls() {
		out = append(out, DryRunCall{Call: call, Request: map[string]string{"method": "POST", "path": "/v1/" + call.ID}})
	}
	return out, nil
}

func (c *fakeCloud) Calls() []engine.Call {
	return []engine.Call{
		{ID: "bgw", Step: 1, Action: "CreateBgw", Summary: "create the border gateway", Creates: true},
		{ID: "attachment/a", Step: 2, Action: "CreateVpcAttachment", Summary: "attach", DependsOn: []string{"bgw"}, Creates: true},
		{ID: "readback/bgw", Step: 6, Action: "DescribeBgw", Summary: "read back"},
	}
}

func (c *fakeCloud) Apply(ctx context.Context, id string, outs engine.Outputs, observe func(engine.Attempt)) (map[string]string, error) {
	if c.gate != nil {
		select {
		case <-c.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.made == nil {
		c.made = map[string]int{}
	}
	c.made[id]++
	observe(engine.Attempt{Number: 1})
	out := map[string]string{"id": fmt.Sprintf("%s-%d", id, c.made[id])}
	if c.blob > 0 {
		out["blob"] = strings.Repeat("x", c.blob)
	}
	return out, nil
}

func (c *fakeCloud) Delete(ctx context.Context, id string, outs engine.Outputs, observe func(engine.Attempt)) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.made[id]--
	return nil
}

var _ Cloud = (*fakeCloud)(nil)

func noFindings(*plan.Plan) []plan.Finding { return nil }

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
