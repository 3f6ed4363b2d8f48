package export

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current output")

// goldenExt is the golden file extension of each router format.
var goldenExt = map[string]string{
	FormatFRR:   "frr",
	FormatIOSXE: "iosxe",
	FormatJunos: "junos",
	FormatVRP:   "vrp",
	// issue 11: swanctl.conf for a Linux customer gateway
	FormatStrongSwan: "swanctl",
}

// seedJSON is the seed example's document.
func seedJSON(tb testing.TB) []byte {
	tb.Helper()
	ex, ok := examples.Get(examples.Seed)
	if !ok {
		tb.Fatal("the seed example is missing")
	}
	return []byte(ex.JSON)
}

func examplePlans(t *testing.T) map[string]*plan.Plan {
	t.Helper()
	out := map[string]*plan.Plan{}
	for _, ex := range examples.All() {
		p, err := plan.DecodeBytes([]byte(ex.JSON))
		if err != nil {
			t.Fatalf("example %s does not decode: %v", ex.Name, err)
		}
		out[ex.Name] = p
	}
	if len(out) == 0 {
		t.Fatal("no example plans found")
	}
	return out
}

// TestGolden pins every vendor's configuration for every example plan. Run
// `go test ./pkg/plan/export -run TestGolden -update` after an intended
// change and review the diff.
func TestGolden(t *testing.T) {
	for name, p := range examplePlans(t) {
		for format, ext := range goldenExt {
			t.Run(name+"/"+format, func(t *testing.T) {
				got, err := Render(p, format, Options{})
				if err != nil {
					t.Fatalf("Render: %v", err)
				}
				path := filepath.Join("testdata", "golden", name+"."+ext+".conf")
				if *update {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from the output:\n%s", path, firstDiff(string(want), string(got)))
				}
			})
		}
	}
}

// firstDiff shows the first differing line, enough to find the change.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + itoa(i+1) + ":\n  want: " + wl + "\n  got:  " + gl
		}
	}
	return "(same lines, different bytes)"
}

func itoa(i int) string {
	var b [20]byte
	n := len(b)
	for {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			break
		}
	}
	return string(b[n:])
}

// seedPlan is the seed example, decoded afresh so a test may change it.
func seedPlan(t *testing.T) *plan.Plan {
	t.Helper()
	p := examplePlans(t)["seed-dc-primary-vpn-backup"]
	if p == nil {
		t.Fatal("the seed example is missing")
	}
	return p
}
