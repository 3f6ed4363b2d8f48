package verdict_test

import (
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/verdict"
)

// canary is the key the fuzz resolver hands out; no finding may contain it.
const canary = "0xCanarySecret7"

// FuzzVerdict: whatever the document, the full verdict never panics, its
// findings are well formed and sorted, at most plan.MaxFindingsPerCode of
// a code (plus one count), each of bounded size, and no key appears in
// them.
func FuzzVerdict(f *testing.F) {
	for _, ex := range examples.All() {
		f.Add([]byte(ex.JSON))
	}
	ex, _ := examples.Get(examples.Seed)
	seed := ex.JSON
	for _, edit := range []struct{ old, new string }{
		{`"extraBits": 1`, `"extraBits": 16`},
		{`"extraBits": 1`, `"extraBits": -3`},
		{`"extraBits": 1`, `"extraBits": 0`},
		{`"prefixSplit": { "extraBits": 1 }`, `"prefixSplit": { "overrides": [{"segment": "idc-servers", "directConnection": ["192.168.0.0/16"], "vpn": ["192.168.0.0/17", "192.168.128.0/17"]}] }`},
		{`"mode": "prefix-split"`, `"mode": "as-path", "asPath": {"prepend": 100000}`},
		{`"directConnection": 200, "vpn": 100`, `"directConnection": 100, "vpn": 200`},
		{`"192.168.0.0/16"`, `"::ffff:10.0.0.0/104"`},
		{`"172.20.0.0/16"`, `"224.0.0.0/4"`},
		{`"bgw-bj"`, `"bgw bj (prod)! ` + strings.Repeat("x", 40) + `"`},
		{`"bandwidthMbps": 1000`, `"bandwidthMbps": 20000`},
		{`{ "name": "idc-office", "cidr": "172.20.0.0/16" }`, strings.Repeat(`null,`, 300) + `null`},
		{`{ "name": "idc-office", "cidr": "172.20.0.0/16" }`, strings.Repeat(`{"name":"d","cidr":"192.168.0.0/16"},`, 150) + `{"name":"d","cidr":"192.168.0.0/16"}`},
		{`"env:HYBRIDPLAN_PSK_TUN1"`, `"file:/etc/psk/tun1"`},
	} {
		f.Add([]byte(strings.Replace(seed, edit.old, edit.new, 1)))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := verdict.FullDocument(data, verdict.Options{Secrets: func(ref string) (string, error) { return canary, nil }})
		if r.Findings == nil {
			t.Fatal("nil findings")
		}
		if r.DecodeFailed() == (r.Plan != nil) {
			t.Fatal("DecodeFailed disagrees with Plan")
		}
		if r.DecodeFailed() && r.OK() {
			t.Fatal("a document that does not decode is OK")
		}
		perCode := map[string]int{}
		for i, f := range r.Findings {
			if f.Code == "" || f.Message == "" || !strings.HasPrefix(f.Path, "$") {
				t.Fatalf("ill-formed finding %+v", f)
			}
			switch f.Severity {
			case plan.SeverityError, plan.SeverityWarning, plan.SeverityInfo:
			default:
				t.Fatalf("severity %q", f.Severity)
			}
			// A message quotes at most a short prefix of any value.
			if n := len(f.Message) + len(f.Hint) + len(f.Path); n > 4096 {
				t.Fatalf("finding of %d bytes: %.300s", n, f.Message)
			}
			if strings.Contains(f.Message+f.Hint, "CanarySecret") {
				t.Fatalf("a finding contains the key: %s", f)
			}
			if perCode[f.Code]++; perCode[f.Code] > plan.MaxFindingsPerCode && !r.DecodeFailed() {
				t.Fatalf("%d findings of %s", perCode[f.Code], f.Code)
			}
			if i > 0 {
				prev := r.Findings[i-1]
				s := []plan.Finding{f, prev}
				plan.SortFindings(s)
				if s[0].Code != prev.Code || s[0].Path != prev.Path {
					t.Fatalf("not sorted: %s before %s", prev, f)
				}
			}
		}
	})
}
