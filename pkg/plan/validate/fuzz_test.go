package validate

import (
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
)

// FuzzCheck: whatever document decodes, Check returns well-formed, sorted
// findings and never panics (the command line and the page run it on
// anything a user pastes).
func FuzzCheck(f *testing.F) {
	for _, ex := range examples.All() {
		f.Add([]byte(ex.JSON))
	}
	doc := documentedCodes(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := plan.DecodeBytes(data)
		if err != nil {
			return
		}
		checkWellFormed(t, Check(p), doc)
	})
}
