package plan

import (
	"cmp"
	"slices"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/fmtlite"
)

// sortSmall sorts a short list in place, stably, by insertion: a struct's
// field names, the codes of findings (tens of items, bounded by the codes
// this module defines). slices.SortFunc would do as well, but each element
// type it is instantiated for adds about 20 KB of code to the wasm core,
// whose first load issue 14 bounds at 1 MB.
func sortSmall[T any](s []T, cmp func(a, b T) int) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && cmp(s[j-1], s[j]) > 0; j-- {
			s[j-1], s[j] = s[j], s[j-1]
		}
	}
}

// Severity of a finding.
type Severity string

// Severities, most severe first.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

func (s Severity) rank() int {
	switch s {
	case SeverityError:
		return 0
	case SeverityWarning:
		return 1
	}
	return 2
}

// Finding is one result of a check: a stable code, a severity, the JSON path
// of the field at fault (and of the other field in a conflict), a message a
// person can act on and, where it helps, a hint.
type Finding struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	// Path is the JSON path of the field at fault, e.g. "$.idc.segments[1].cidr".
	Path string `json:"path"`
	// Related are the other fields of a conflict.
	Related []string `json:"related,omitempty"`
	Message string   `json:"message"`
	Hint    string   `json:"hint,omitempty"`
}

func (f Finding) String() string {
	s := fmtlite.Sprintf("%s %s %s: %s", f.Severity, f.Code, f.Path, f.Message)
	if f.Hint != "" {
		s += " (" + f.Hint + ")"
	}
	return s
}

// SortFindings orders findings by severity, then path, then code, so output
// is stable for people, tests and diffs.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.Severity.rank(), b.Severity.rank()),
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Code, b.Code),
		)
	})
}

// HasErrors reports whether any finding is an error.
func HasErrors(fs []Finding) bool {
	return slices.ContainsFunc(fs, func(f Finding) bool { return f.Severity == SeverityError })
}

// MaxQuotedRunes is how much of a value a finding's message quotes: names,
// references and other strings come from untrusted plans and can be
// megabytes long, so a message shows a recognisable prefix, never the whole.
const MaxQuotedRunes = 40

// Quote returns s as a quoted Go string for a message, shortened to its
// first MaxQuotedRunes characters with "…" and the full length when longer.
// Invalid UTF-8 and control characters are escaped, so a message is always
// one printable line.
func Quote(s string) string {
	n := 0
	for i := range s {
		if n == MaxQuotedRunes {
			return fmtlite.Sprintf("%q… (%d bytes)", s[:i], len(s))
		}
		n++
	}
	return fmtlite.Sprintf("%q", s)
}

// MaxFindingsPerCode is how many findings of one code a check lists; the
// rest are counted in one CodeFindingsNotListed finding. A plan of 100,000
// unnamed segments is broken in one way, and listing every instance would
// stall the browser and flood a terminal.
const MaxFindingsPerCode = 100

// CodeFindingsNotListed counts the findings beyond MaxFindingsPerCode, per
// code; its severity is the worst among them.
const (
	CodeFindingsNotListed = "findings.not-listed"
)

// Collector gathers findings, keeping the first MaxFindingsPerCode of each
// code and counting the rest. Checks ask Full before building an expensive
// message. The zero value is ready to use; a Collector is not safe for
// concurrent use.
type Collector struct {
	out     []Finding
	perCode map[string]int
	// dropped counts, per code, the findings not kept, and worst is their
	// most severe severity.
	dropped map[string]int
	worst   Severity
}

// Full reports whether findings of code are no longer kept (Add only
// counts them).
func (c *Collector) Full(code string) bool { return c.perCode[code] >= MaxFindingsPerCode }

// Add keeps f, or counts it when its code is full.
func (c *Collector) Add(f Finding) {
	if c.perCode == nil {
		c.perCode, c.dropped = map[string]int{}, map[string]int{}
	}
	if c.perCode[f.Code] >= MaxFindingsPerCode {
		c.Count(f.Code, f.Severity)
		return
	}
	c.perCode[f.Code]++
	c.out = append(c.out, f)
}

// Count records a finding of code that is not kept, without building it.
func (c *Collector) Count(code string, sev Severity) {
	if c.perCode == nil {
		c.perCode, c.dropped = map[string]int{}, map[string]int{}
	}
	c.dropped[code]++
	if c.worst == "" || sev.rank() < c.worst.rank() {
		c.worst = sev
	}
}

// AddAll adds every finding of fs.
func (c *Collector) AddAll(fs []Finding) {
	for _, f := range fs {
		c.Add(f)
	}
}

// Findings returns the kept findings and, when any were dropped, one
// CodeFindingsNotListed finding, sorted with SortFindings. Never nil.
func (c *Collector) Findings() []Finding {
	out := make([]Finding, 0, len(c.out)+1)
	out = append(out, c.out...)
	SortFindings(out)
	if len(c.dropped) == 0 {
		return out
	}
	codes := make([]string, 0, len(c.dropped))
	total := 0
	for code, n := range c.dropped {
		codes = append(codes, code)
		total += n
	}
	sortSmall(codes, func(a, b string) int {
		return cmp.Or(cmp.Compare(c.dropped[b], c.dropped[a]), cmp.Compare(a, b))
	})
	var b strings.Builder
	fmtlite.Fprintf(&b, "%d more findings are not listed (only the first %d of each code are):", total, MaxFindingsPerCode)
	const maxCodes = 20
	for i, code := range codes {
		if i == maxCodes {
			fmtlite.Fprintf(&b, " and %d more codes", len(codes)-maxCodes)
			break
		}
		if i > 0 {
			b.WriteByte(',')
		}
		fmtlite.Fprintf(&b, " %d %s", c.dropped[code], code)
	}
	out = append(out, Finding{Code: CodeFindingsNotListed, Severity: c.worst, Path: "$", Message: b.String(),
		Hint: "fix the listed findings and check again; the same mistake repeated is usually one fix"})
	SortFindings(out)
	return out
}
