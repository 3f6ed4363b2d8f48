package export

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/provision"
)

// FuzzRender feeds mutated plan documents through every format. Whatever
// the plan, Render must not panic; it either refuses (a validation error or
// an error that says what to change) or writes ASCII-only configuration
// without '?' (IOS XE and VRP take it as help) in which no plan text starts
// a line of its own.
func FuzzRender(f *testing.F) {
	for _, ex := range examples.All() {
		f.Add([]byte(ex.JSON))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		p, err := plan.DecodeBytes(doc)
		if err != nil {
			return
		}
		for _, format := range Formats() {
			out, err := Render(p, format, Options{})
			if err != nil {
				var inv *InvalidPlanError
				var missing *provision.Error // what JD Cloud needs, named by field
				if !errors.As(err, &inv) && !errors.As(err, &missing) && !strings.HasPrefix(err.Error(), "export: ") {
					t.Fatalf("%s: error without the export: prefix: %v", format, err)
				}
				continue
			}
			if format == FormatPlan || format == FormatCalls {
				// JSON documents, not router input.
				if !json.Valid(out) {
					t.Fatalf("%s: output is not JSON", format)
				}
				continue
			}
			for i, l := range strings.Split(string(out), "\n") {
				for _, c := range l {
					if c >= 0x80 || c == '?' || (c < 0x20 && c != '\t') {
						t.Fatalf("%s line %d has %q: %q", format, i+1, c, l)
					}
				}
			}
		}
	})
}
