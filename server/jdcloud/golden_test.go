package jdcloud_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/pkg/plan/provision"
	"github.com/hybridplan/hybridplan/server/jdcloud"
)

var update = flag.Bool("update", false, "rewrite the golden request bodies in testdata/bodies")

// TestCreateBodiesAreGolden pins the exact JSON body of every create call
// of every example (the dry run's body: the bytes the SDK sends, secrets
// masked, ids of resources not yet created as "<call.output>"). What the
// plan leaves out must be absent: no "ipsecKeyExchange": "" for no PFS, no
// "bandwidthMbps": 0, no zeroed health-check block. Run with -update after
// a deliberate change and review the diff.
func TestCreateBodiesAreGolden(t *testing.T) {
	for name, p := range examplePlans(t) {
		calls, err := provision.Calls(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range calls {
			if c.Kind == provision.KindReadBack {
				continue
			}
			t.Run(name+"/"+c.ID, func(t *testing.T) {
				h, err := jdcloud.Request(c, nil)
				if err != nil {
					t.Fatal(err)
				}
				var pretty bytes.Buffer
				if err := json.Indent(&pretty, h.Body, "", "  "); err != nil {
					t.Fatalf("body is not JSON: %v: %s", err, h.Body)
				}
				pretty.WriteByte('\n')
				file := filepath.Join("testdata", "bodies", name, strings.ReplaceAll(c.ID, "/", "_")+".json")
				if *update {
					if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(file, pretty.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(file)
				if err != nil {
					t.Fatalf("%v (run go test -run TestCreateBodiesAreGolden -update and review the new file)", err)
				}
				if !bytes.Equal(pretty.Bytes(), want) {
					t.Errorf("body of %s differs from %s:\n%s", c.ID, file, pretty.Bytes())
				}
				for _, zero := range []string{`: ""`, `: {}`, `"bandwidthMbps": 0`, `: null`} {
					if strings.Contains(pretty.String(), zero) {
						t.Errorf("body of %s holds an unset field (%s):\n%s", c.ID, zero, pretty.Bytes())
					}
				}
			})
		}
	}
}
