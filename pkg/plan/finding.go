package plan

import (
	"cmp"
	"fmt"
	"slices"
)

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
	s := fmt.Sprintf("%s %s %s: %s", f.Severity, f.Code, f.Path, f.Message)
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
			return fmt.Sprintf("%q… (%d bytes)", s[:i], len(s))
		}
		n++
	}
	return fmt.Sprintf("%q", s)
}
