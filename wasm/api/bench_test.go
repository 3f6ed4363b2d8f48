package api

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
)

// generatedPlan is the seed scenario with n IDC segments (/24s from
// 10.64.0.0/10, clear of the seed's VPC), the large plans of the goals.
func generatedPlan(tb testing.TB, n int) string {
	tb.Helper()
	e, _ := examples.Get(examples.Seed)
	var doc map[string]any
	if err := json.Unmarshal([]byte(e.JSON), &doc); err != nil {
		tb.Fatal(err)
	}
	segs := make([]any, n)
	for i := range n {
		segs[i] = map[string]any{"name": fmt.Sprintf("idc-seg-%04d", i), "cidr": fmt.Sprintf("10.%d.%d.0/24", 64+i/256, i%256)}
	}
	doc["idc"].(map[string]any)["segments"] = segs
	// Prefix split doubles the advertisements; a plan this large comes
	// with the raised dynamic-route quota the validator asks for.
	doc["profile"] = map[string]any{"quotas": map[string]any{"dynamicRoutesPerBorderGateway": 4 * n}}
	out, err := json.Marshal(doc)
	if err != nil {
		tb.Fatal(err)
	}
	return string(out)
}

func TestGeneratedPlansValidate(t *testing.T) {
	for _, n := range []int{200, 1000} {
		if r := Validate(generatedPlan(t, n)); !r.OK {
			t.Errorf("%d segments: %+v", n, r.Findings[:min(3, len(r.Findings))])
		}
	}
}

// Validation per keystroke: the page validates the whole plan on each
// edit. Natively here; the same through the js/wasm bridge in package main.
func BenchmarkValidateSeed(b *testing.B) { benchValidate(b, seedDoc(b)) }
func BenchmarkValidate200(b *testing.B)  { benchValidate(b, generatedPlan(b, 200)) }
func BenchmarkValidate1000(b *testing.B) { benchValidate(b, generatedPlan(b, 1000)) }

func seedDoc(tb testing.TB) string {
	e, _ := examples.Get(examples.Seed)
	return e.JSON
}

func benchValidate(b *testing.B, doc string) {
	for b.Loop() {
		if r := Validate(doc); !r.OK {
			b.Fatal(r.Findings)
		}
	}
}
