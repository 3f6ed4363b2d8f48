package jsonenc_test

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"testing"
	"time"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/internal/splitplan"
	"github.com/hybridplan/hybridplan/pkg/jsonenc"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/wasm/api"
)

// benchValues are the large results the wasm bridge writes (the 1k-prefix
// matrix as the indexed table the page asks for and as the full matrix,
// and the validate result of a 10k-block plan full of findings) and the
// plans plan.Encode writes.
func benchValues(b *testing.B) []struct {
	name string
	v    any
} {
	b.Helper()
	encode := func(p *plan.Plan) string {
		var buf bytes.Buffer
		if err := plan.Encode(&buf, p); err != nil {
			b.Fatal(err)
		}
		return buf.String()
	}
	split, err := splitplan.Build(1000)
	if err != nil {
		b.Fatal(err)
	}
	doc1k := encode(split)
	table, err := api.MatrixTableFor(doc1k)
	if err != nil {
		b.Fatal(err)
	}
	matrix, err := api.Matrix(doc1k)
	if err != nil {
		b.Fatal(err)
	}
	// About 10,000 blocks: 10,000 IDC segments, every fourth one over its
	// neighbour, so validation finds overlaps by the thousand (and lists
	// the first of each kind up to its listing limit).
	messy, err := splitplan.Build(30_000)
	if err != nil {
		b.Fatal(err)
	}
	for i := range messy.IDC.Segments {
		if i%4 == 1 {
			s := &messy.IDC.Segments[i]
			s.CIDR = netip.PrefixFrom(messy.IDC.Segments[i-1].CIDR.Addr(), 22)
		}
	}
	validate := api.Validate(encode(messy))
	if len(validate.Findings) < 100 {
		b.Fatalf("the 10k-block validate result has %d findings, want the listing limit's", len(validate.Findings))
	}
	seed, err := examples.Plan(examples.Seed)
	if err != nil {
		b.Fatal(err)
	}
	return []struct {
		name string
		v    any
	}{
		{"matrixTable-1k", table},
		{"matrix-1k", matrix},
		{"validate-10k", validate},
		{"plan-seed", seed},
		{"plan-10k", messy},
	}
}

// BenchmarkMarshal writes each value with jsonenc and with encoding/json
// alternately in the same loop, so that both see the same machine load, and
// reports both times and their ratio (jsonenc/json; 1 is as fast). Results
// use one long-lived Encoder, as the bridge does; plans use plan.Encode
// (a fresh Encoder per call) against encoding/json's indented Encoder, what
// plan.Encode was.
func BenchmarkMarshal(b *testing.B) {
	for _, c := range benchValues(b) {
		b.Run(c.name, func(b *testing.B) {
			p, isPlan := c.v.(*plan.Plan)
			enc := new(jsonenc.Encoder)
			var out bytes.Buffer
			ours := func() {
				out.Reset()
				if isPlan {
					if err := plan.Encode(&out, p); err != nil {
						b.Fatal(err)
					}
					return
				}
				data, err := enc.Marshal(c.v)
				if err != nil {
					b.Fatal(err)
				}
				out.Write(data)
			}
			theirs := func() {
				out.Reset()
				if isPlan {
					je := json.NewEncoder(&out)
					je.SetIndent("", "  ")
					if err := je.Encode(p); err != nil {
						b.Fatal(err)
					}
					return
				}
				data, err := json.Marshal(c.v)
				if err != nil {
					b.Fatal(err)
				}
				out.Write(data)
			}
			ours()
			size := out.Len()
			// Which runs first alternates: with megabytes of output the
			// first of a pair pays for more of the garbage collection.
			var tOurs, tTheirs time.Duration
			first := true
			for b.Loop() {
				if first {
					t0 := time.Now()
					ours()
					t1 := time.Now()
					theirs()
					tOurs += t1.Sub(t0)
					tTheirs += time.Since(t1)
				} else {
					t0 := time.Now()
					theirs()
					t1 := time.Now()
					ours()
					tTheirs += t1.Sub(t0)
					tOurs += time.Since(t1)
				}
				first = !first
			}
			n := float64(b.N)
			b.ReportMetric(float64(tOurs.Nanoseconds())/n, "jsonenc-ns/op")
			b.ReportMetric(float64(tTheirs.Nanoseconds())/n, "json-ns/op")
			b.ReportMetric(float64(tOurs)/float64(tTheirs), "jsonenc/json")
			b.ReportMetric(float64(size), "out-bytes")
		})
	}
}
