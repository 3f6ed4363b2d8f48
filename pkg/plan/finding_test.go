package plan

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestQuote(t *testing.T) {
	long := strings.Repeat("é", MaxQuotedRunes+10)
	tests := []struct {
		in, want string
	}{
		{"", `""`},
		{"bgw-bj", `"bgw-bj"`},
		{strings.Repeat("a", MaxQuotedRunes), `"` + strings.Repeat("a", MaxQuotedRunes) + `"`},
		{strings.Repeat("a", MaxQuotedRunes+1), `"` + strings.Repeat("a", MaxQuotedRunes) + `"… (41 bytes)`},
		{long, `"` + strings.Repeat("é", MaxQuotedRunes) + fmt.Sprintf(`"… (%d bytes)`, len(long))},
		{"a\x00b\nc", `"a\x00b\nc"`},
		{"\xff\xfe", `"\xff\xfe"`},
	}
	for _, tt := range tests {
		if got := Quote(tt.in); got != tt.want {
			t.Errorf("Quote(%.20q) = %s, want %s", tt.in, got, tt.want)
		}
	}
	if got := Quote(strings.Repeat("x", 5<<20)); len(got) > 100 || !utf8.ValidString(got) {
		t.Errorf("Quote of 5 MB is %d bytes", len(got))
	}
}

func TestCollector(t *testing.T) {
	var c Collector
	if fs := c.Findings(); fs == nil || len(fs) != 0 {
		t.Fatalf("empty collector: %v", fs)
	}
	for i := range MaxFindingsPerCode + 50 {
		c.Add(Finding{Code: "a", Severity: SeverityWarning, Path: fmt.Sprintf("$.a[%d]", i), Message: "m"})
	}
	c.Add(Finding{Code: "b", Severity: SeverityInfo, Path: "$.b", Message: "m"})
	for range 3 {
		c.Count("c", SeverityError)
	}
	fs := c.Findings()
	if len(fs) != MaxFindingsPerCode+2 {
		t.Fatalf("%d findings", len(fs))
	}
	if !c.Full("a") || c.Full("b") {
		t.Error("Full")
	}
	var summary *Finding
	for i := range fs {
		if fs[i].Code == CodeFindingsNotListed {
			summary = &fs[i]
		}
	}
	if summary == nil || summary.Severity != SeverityError || summary.Path != "$" ||
		!strings.Contains(summary.Message, "53 more findings") || !strings.Contains(summary.Message, "50 a, 3 c") {
		t.Fatalf("summary %+v", summary)
	}
	// The first ones are kept, in any order of severity afterwards.
	kept := map[string]bool{}
	for _, f := range fs {
		kept[f.Path] = true
	}
	if !kept["$.a[0]"] || !kept[fmt.Sprintf("$.a[%d]", MaxFindingsPerCode-1)] || kept[fmt.Sprintf("$.a[%d]", MaxFindingsPerCode)] {
		t.Error("not the first findings of the code")
	}
}
