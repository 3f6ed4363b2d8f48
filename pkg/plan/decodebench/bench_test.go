package decodebench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/validate"
)

// cleanPlan is the seed with about n address blocks: half IDC segments (a
// tenth IPv6), half VPC /24 subnets over 50 attachments, each VPC with the
// /16 CIDRs its subnets need. Validation finds nothing in it.
func cleanPlan(tb testing.TB, n int) *plan.Plan {
	tb.Helper()
	p, err := examples.Plan(examples.Seed)
	if err != nil {
		tb.Fatal(err)
	}
	pr := plan.DefaultProfile()
	pr.Quotas.DynamicRoutesPerBorderGateway = n // quotas are not what is measured
	p.Profile = &pr
	idc := n / 2
	p.IDC.Segments = make([]plan.Segment, idc)
	for i := range idc {
		c := netip.PrefixFrom(netip.AddrFrom4([4]byte{172, byte(16 + i>>16), byte(i >> 8), byte(i)}), 32)
		switch {
		case i%10 == 9:
			c = netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, byte(i >> 16), byte(i >> 8), byte(i)}), 56)
		case i < 1<<16:
			c = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 8), byte(i), 0}), 24)
		}
		p.IDC.Segments[i] = plan.Segment{Name: fmt.Sprintf("idc-%d", i), CIDR: c}
	}
	const attachments = 50
	p.BorderGateway.Attachments = make([]plan.Attachment, attachments)
	for a := range attachments {
		p.BorderGateway.Attachments[a] = plan.Attachment{Name: fmt.Sprintf("attach-%d", a), VPCName: fmt.Sprintf("vpc-%d", a)}
	}
	for s := range n - idc {
		a := &p.BorderGateway.Attachments[s%attachments]
		k := s / attachments
		block := s%attachments + attachments*(k/256)
		if k%256 == 0 {
			a.CIDRs = append(a.CIDRs, netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(11 + block>>8), byte(block), 0, 0}), 16))
		}
		a.Subnets = append(a.Subnets, plan.Subnet{Name: fmt.Sprintf("sn-%d", k),
			CIDR: netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(11 + block>>8), byte(block), byte(k), 0}), 24)})
	}
	return p
}

// encode writes the plan compactly, as the page and the server pass it:
// indented, a 100k-block plan is over the size limit.
func encode(tb testing.TB, p *plan.Plan) []byte {
	tb.Helper()
	doc, err := json.Marshal(p)
	if err != nil {
		tb.Fatal(err)
	}
	return doc
}

func mustDecode(tb testing.TB, doc []byte) *plan.Plan {
	tb.Helper()
	p, err := plan.DecodeBytes(doc)
	if err != nil {
		tb.Fatalf("decode: %.500v", err)
	}
	return p
}

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// BenchmarkDecode decodes the seed and clean plans of 10k and 100k blocks,
// each beside validate.Check on the same plan in the same loop: the goal
// (issue 14) is decode no slower than Check, decode/check ≤ 1.
func BenchmarkDecode(b *testing.B) {
	seed, _ := examples.Get(examples.Seed)
	cases := []struct {
		name string
		doc  []byte
	}{{"seed", []byte(seed.JSON)}}
	for _, n := range []int{10_000, 100_000} {
		cases = append(cases, struct {
			name string
			doc  []byte
		}{fmt.Sprintf("blocks=%d", n), encode(b, cleanPlan(b, n))})
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			p := mustDecode(b, c.doc)
			if fs := validate.Check(p); plan.HasErrors(fs) {
				b.Fatalf("the plan has validation errors, first %v", fs[0])
			}
			var dec, chk time.Duration
			for b.Loop() {
				t0 := time.Now()
				_, _ = plan.DecodeBytes(c.doc)
				t1 := time.Now()
				validate.Check(p)
				dec += t1.Sub(t0)
				chk += time.Since(t1)
			}
			n := float64(b.N)
			b.ReportMetric(float64(dec.Nanoseconds())/n, "decode-ns/op")
			b.ReportMetric(float64(chk.Nanoseconds())/n, "check-ns/op")
			b.ReportMetric(float64(dec)/float64(chk), "decode/check")
			b.ReportMetric(float64(len(c.doc)), "doc-bytes")
			b.ReportMetric(float64(allocated(func() { _, _ = plan.DecodeBytes(c.doc) })), "decode-B/op")
		})
	}
}

// adversarial are documents of up to plan.MaxDocumentBytes built to make a
// decoder work: each is filled by repeating one piece between a head and a
// tail until the size limit.
var adversarial = []struct {
	name, head, piece, sep, tail string
}{
	{"null-segments", `{"version":1,"idc":{"segments":[null`, "null", ",", `]}}`},
	{"tiny-ints", `{"version":1,"profile":{"customerGatewayIpCounts":[1`, "1", ",", `]}}`},
	{"wrong-type-elements", `{"version":1,"idc":{"segments":[0`, "0", ",", `]}}`},
	{"wrong-type-fields", `{"version":1,"idc":{"segments":[{}`, `{"name":1,"cidr":2,"description":[]}`, ",", `]}}`},
	{"deep-nesting", `{"version":1,"idc":{"segments":[0`, strings.Repeat("[", 60) + strings.Repeat("]", 60), ",", `]}}`},
	{"unknown-fields", `{"version":1`, `"segmentz":{"nme":[1,2]}`, ",", `}`},
	{"empty-tunnels", `{"version":1,"vpn":{"tunnels":[{}`, "{}", ",", `]}}`},
	{"duplicate-segments", `{"version":1,"idc":{"segments":[{"name":"a","cidr":"10.0.0.0/8"}`, `{"name":"a","cidr":"10.0.0.0/8"}`, ",", `]}}`},
	{"bad-prefixes", `{"version":1,"idc":{"segments":[{}`, `{"cidr":"10.0.0.0/33"}`, ",", `]}}`},
	{"huge-string", `{"version":1,"name":"`, "x", "", `"}`},
	{"huge-escaped-string", `{"version":1,"description":"`, `\u00e9`, "", `"}`},
	{"huge-bad-string", `{"version":1,"name":"`, `\u0000`, "", `"}`},
	{"huge-number", `{"version":1,"idc":{"asn":1`, "9", "", `}}`},
	{"huge-key", `{"version":1,"`, "k", "", `":1}`},
	// The decoder's shortcuts (plan's record and objectsLeft) at their
	// dearest: braces in names make the quick count of a list three times
	// its length (the most it takes), and a space before each '}' makes
	// the record reader read every element and then hand it back.
	{"braces-in-names", `{"version":1,"idc":{"segments":[{"name":"a"}`, `{"name":"{xxxxxxxxxxxxxxxxxxxxxx{","cidr":"10.0.0.0/8"}`, ",", `]}}`},
	{"records-handed-back", `{"version":1,"idc":{"segments":[{"name":"a"}`, `{"name":"segment-name-of-some-length","cidr":"10.0.0.0/8" }`, ",", `]}}`},
	// A helper reading a long list's tail (plan's splitList) meets a record
	// it hands back at the list's very end, after the decoder went on
	// without it: the document is read a second time, without helpers.
	{"tail-read-again", `{"version":1,"idc":{"segments":[{"name":"a"}`, `{"name":"segment-name-of-some-length","cidr":"10.0.0.0/8"}`, ",", `,{"name":"b" }]}}`},
}

func build(head, piece, sep, tail string) []byte {
	room := plan.MaxDocumentBytes - len(head) - len(tail)
	k := room / (len(piece) + len(sep))
	var b bytes.Buffer
	b.Grow(plan.MaxDocumentBytes)
	b.WriteString(head)
	for range k {
		b.WriteString(sep)
		b.WriteString(piece)
	}
	b.WriteString(tail)
	return b.Bytes()
}

// BenchmarkDecodeAdversarial decodes each adversarial document beside a
// clean plan of about the same size, in the same loop. Goals (issue 13):
// per-byte/clean ≤ 3 and decode-B/op < 200 MB.
func BenchmarkDecodeAdversarial(b *testing.B) {
	// A clean plan just under the size limit, scaled from a smaller one.
	perBlock := len(encode(b, cleanPlan(b, 10_000))) / 10_000
	clean := encode(b, cleanPlan(b, plan.MaxDocumentBytes*9/10/perBlock))
	if len(clean) > plan.MaxDocumentBytes || len(clean) < plan.MaxDocumentBytes*3/4 {
		b.Fatalf("the clean plan is %d bytes", len(clean))
	}
	mustDecode(b, clean)
	for _, a := range adversarial {
		doc := build(a.head, a.piece, a.sep, a.tail)
		b.Run(a.name, func(b *testing.B) {
			var adv, cln time.Duration
			for b.Loop() {
				t0 := time.Now()
				_, _ = plan.DecodeBytes(doc)
				t1 := time.Now()
				_, _ = plan.DecodeBytes(clean)
				adv += t1.Sub(t0)
				cln += time.Since(t1)
			}
			perByte := float64(adv) / float64(len(doc))
			cleanPerByte := float64(cln) / float64(len(clean))
			b.ReportMetric(float64(adv.Nanoseconds())/float64(b.N), "decode-ns/op")
			b.ReportMetric(perByte/float64(b.N), "ns/byte")
			b.ReportMetric(cleanPerByte/float64(b.N), "clean-ns/byte")
			b.ReportMetric(perByte/cleanPerByte, "per-byte/clean")
			b.ReportMetric(float64(len(doc)), "doc-bytes")
			b.ReportMetric(float64(allocated(func() { _, _ = plan.DecodeBytes(doc) })), "decode-B/op")
			b.ReportMetric(float64(allocated(func() { _, _ = plan.DecodeBytes(clean) })), "clean-B/op")
		})
	}
}

// The adversarial documents are what they claim: within the size limit,
// valid JSON, and refused or accepted as intended.
func TestAdversarialDocuments(t *testing.T) {
	accepted := map[string]bool{"tiny-ints": true, "duplicate-segments": true, "huge-string": true, "huge-escaped-string": true,
		"braces-in-names": true, "records-handed-back": true, "tail-read-again": true}
	for _, a := range adversarial {
		doc := build(a.head, a.piece, a.sep, a.tail)
		if len(doc) > plan.MaxDocumentBytes || len(doc) < plan.MaxDocumentBytes-64 {
			t.Errorf("%s: %d bytes", a.name, len(doc))
		}
		_, err := plan.DecodeBytes(doc)
		if (err == nil) != accepted[a.name] {
			t.Errorf("%s: error %.300v", a.name, err)
		}
		if err != nil && len(err.Error()) > 40_000 {
			t.Errorf("%s: error of %d bytes", a.name, len(err.Error()))
		}
	}
}
