package verdict_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/verdict"
)

// Adversarial documents just under plan.MaxDocumentBytes, against a clean
// plan of the same size: the verdict's time per byte and allocation must
// stay within a small factor of the clean plan's (docs/plan.md states the
// bound). BenchmarkVerdict measures the verdict on the decoded plan (this
// package's part); BenchmarkVerdictDocument adds decoding for reference.

// docTarget is the size every benchmark document is padded to.
const docTarget = plan.MaxDocumentBytes - 4096

// seedWith returns the seed document with its IDC segments replaced by
// segs (a JSON list body) and anything else set by edit, padded to
// docTarget with a description.
func seedWith(tb testing.TB, segs func(w *bytes.Buffer, budget int), edit func(doc map[string]any)) []byte {
	tb.Helper()
	doc := seedDoc(tb)
	obj(doc, "idc")["segments"] = []any{"SEGMENTS"}
	if edit != nil {
		edit(doc)
	}
	head, err := json.Marshal(doc)
	if err != nil {
		tb.Fatal(err)
	}
	before, after, ok := bytes.Cut(head, []byte(`"SEGMENTS"`))
	if !ok {
		tb.Fatal("no placeholder")
	}
	var b bytes.Buffer
	b.Write(before)
	segs(&b, docTarget-len(before)-len(after))
	b.Write(after)
	out := b.Bytes()
	if len(out) > plan.MaxDocumentBytes {
		tb.Fatalf("document of %d bytes is over the limit", len(out))
	}
	return out
}

// repeat writes item(i) separated by commas while the budget lasts.
func repeat(item func(i int) string) func(w *bytes.Buffer, budget int) {
	return func(w *bytes.Buffer, budget int) {
		for i := 0; ; i++ {
			s := item(i)
			if w.Len()+len(s)+1 > budget {
				return
			}
			if i > 0 {
				w.WriteByte(',')
			}
			w.WriteString(s)
		}
	}
}

// cleanSegments writes 60,000 distinct adjacent /28 segments (within
// plan.MaxSegments), each with a description to reach the size.
func cleanSegments(w *bytes.Buffer, budget int) {
	const n = 60000
	pad := strings.Repeat("d", max(budget/n-90, 0))
	repeat(func(i int) string {
		if i >= n {
			return strings.Repeat(" ", budget)
		}
		return fmt.Sprintf(`{"name":"s%d","cidr":"172.%d.%d.%d/28","description":"%s"}`, i, 16+i>>12, (i>>4)&255, (i&15)<<4, pad)
	})(w, budget)
}

// benchDocs are the documents: a clean plan (the anchor) and the worst
// cases of issue 13.
func benchDocs(tb testing.TB) []struct {
	name string
	doc  []byte
} {
	// Clean: 60,000 distinct /28 segments (within plan.MaxSegments), each
	// with a description to reach the size, a raised route quota and no
	// split so the plan has no errors.
	clean := seedWith(tb, cleanSegments, func(doc map[string]any) {
		// No split; the adjacent segments aggregate into one VPN prefix.
		obj(doc, "strategy", "prefixSplit")["extraBits"] = 0
		doc["profile"] = map[string]any{"quotas": map[string]any{"dynamicRoutesPerBorderGateway": 1000000}}
	})
	// The clean segments under as many distinct VPN aggregates as the limit
	// allows (each a /24 over 16 segments): the strategy names the segments
	// behind every aggregate.
	aggs := make([]any, plan.MaxStrategyPrefixes)
	for i := range aggs {
		aggs[i] = fmt.Sprintf("172.%d.%d.0/24", 16+i>>8, i&255)
	}
	aggregates := seedWith(tb, cleanSegments, func(doc map[string]any) {
		obj(doc, "strategy", "prefixSplit")["extraBits"] = 0
		obj(doc, "strategy", "prefixSplit")["vpnAggregates"] = aggs
		doc["profile"] = map[string]any{"quotas": map[string]any{"dynamicRoutesPerBorderGateway": 1000000}}
	})
	nulls := seedWith(tb, repeat(func(int) string { return "null" }), nil)
	dups := seedWith(tb, repeat(func(int) string { return `{"name":"a","cidr":"10.0.0.0/8"}` }), nil)
	// As many copies of one block as the limit allows, so that the
	// strategy and the simulation run too.
	dupsInLimit := seedWith(tb, func(w *bytes.Buffer, budget int) {
		pad := strings.Repeat("d", max(budget/plan.MaxSegments-60, 0))
		repeat(func(i int) string {
			if i >= plan.MaxSegments {
				return strings.Repeat(" ", budget)
			}
			return fmt.Sprintf(`{"name":"a","cidr":"192.168.0.0/16","description":"%s"}`, pad)
		})(w, budget)
	}, nil)
	// 10.0.0.0/8 and distinct /32s inside it: every segment overlaps the
	// first, and those in 10.0.0.0/16 the VPC too.
	overlapping := seedWith(tb, repeat(func(i int) string {
		if i == 0 {
			return `{"name":"o","cidr":"10.0.0.0/8"}`
		}
		return fmt.Sprintf(`{"name":"o%d","cidr":"10.%d.%d.%d/32"}`, i, i>>16&255, i>>8&255, i&255)
	}), nil)
	huge := seedWith(tb, func(w *bytes.Buffer, budget int) {
		// Four segments whose names and descriptions fill the document.
		n := budget/8 - 100
		for i := range 4 {
			if i > 0 {
				w.WriteByte(',')
			}
			fmt.Fprintf(w, `{"name":"%s","cidr":"10.0.0.0/8","description":"%s"}`, strings.Repeat("n", n), strings.Repeat("d", n))
		}
	}, nil)
	return []struct {
		name string
		doc  []byte
	}{{"clean", clean}, {"aggregates", aggregates}, {"nulls", nulls}, {"duplicates", dups}, {"duplicates-in-limit", dupsInLimit}, {"overlapping", overlapping}, {"huge-strings", huge}}
}

func TestBenchDocuments(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 8 MiB documents")
	}
	for _, d := range benchDocs(t) {
		r := verdict.FullDocument(d.doc, verdict.Options{})
		if d.name == "nulls" {
			// The decoder refuses null list elements, in bounded time
			// and with a bounded number of findings.
			if !r.DecodeFailed() || len(r.Findings) > 101 {
				t.Errorf("nulls: decoded=%v, %d findings", !r.DecodeFailed(), len(r.Findings))
			}
			continue
		}
		if r.DecodeFailed() {
			t.Fatalf("%s does not decode: %v", d.name, r.Findings)
		}
		if d.name == "clean" && !r.OK() {
			t.Fatalf("the clean document has errors: %v", r.Findings)
		}
		// "aggregates" is heavy, not wrong: 4,096 VPN aggregates within
		// a raised quota.
		if d.name != "clean" && d.name != "aggregates" && r.OK() {
			t.Errorf("%s has no errors", d.name)
		}
		size := 0
		for _, f := range r.Findings {
			size += len(f.Message) + len(f.Hint) + len(f.Path)
		}
		if size > 1<<20 {
			t.Errorf("%s: %d bytes of findings", d.name, size)
		}
	}
}

// BenchmarkVerdict: Full on the decoded plan. ns/byte and B/op per
// document; compare each with "clean" from the same run.
func BenchmarkVerdict(b *testing.B) {
	for _, d := range benchDocs(b) {
		p, err := plan.DecodeBytes(d.doc)
		if d.name == "nulls" {
			continue // refused by the decoder: pkg/plan's decode benchmarks time it
		}
		if err != nil {
			b.Fatal(err)
		}
		b.Run(d.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				verdict.Full(p, verdict.Options{})
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(d.doc)), "ns/byte")
		})
	}
}

// BenchmarkVerdictDocument: decoding and Full, as validate runs them.
func BenchmarkVerdictDocument(b *testing.B) {
	for _, d := range benchDocs(b) {
		b.Run(d.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				verdict.FullDocument(d.doc, verdict.Options{})
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(d.doc)), "ns/byte")
		})
	}
}
