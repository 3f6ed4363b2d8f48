package provision_test

import (
	"encoding/json"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan/provision"
)

// BenchmarkCalls builds the seed plan's ordered calls (what the page and
// the dry run show), natively and as WebAssembly.
func BenchmarkCalls(b *testing.B) {
	p := example(b, examples.Seed)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := provision.Calls(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCallsJSON is the round trip a stored run's calls make.
func BenchmarkCallsJSON(b *testing.B) {
	calls, err := provision.Calls(example(b, examples.Seed))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		data, err := json.Marshal(calls)
		if err != nil {
			b.Fatal(err)
		}
		var back []provision.Call
		if err := json.Unmarshal(data, &back); err != nil {
			b.Fatal(err)
		}
	}
}
