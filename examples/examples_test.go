package examples

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

// TestWebJSONCurrent: web/examples.json, which the page fetches, holds
// exactly the examples compiled in here (run `go generate ./examples`
// after changing one), in the shape of examples() in wasm/API.md.
func TestWebJSONCurrent(t *testing.T) {
	want, err := WebJSON()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../web/examples.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("web/examples.json is stale: run `go generate ./examples`")
	}
	var list []Example
	if err := json.Unmarshal(got, &list); err != nil {
		t.Fatal(err)
	}
	all := All()
	if len(list) != len(all) || len(list) < 3 || list[0].Name != Seed {
		t.Fatalf("web/examples.json lists %d examples (first %q), want all %d, the seed first", len(list), list[0].Name, len(all))
	}
	for i, e := range list {
		if e != all[i] {
			t.Errorf("example %d: %s differs from the embedded %s", i, e.Name, all[i].Name)
		}
		if _, err := e.Decode(); err != nil {
			t.Error(err)
		}
	}
}
