package provision_test

import (
	"encoding/json"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan/provision"
)

// FuzzCallJSON feeds arbitrary documents to the decoder of stored calls:
// it must never panic, and a call it accepts must encode to a fixed point.
func FuzzCallJSON(f *testing.F) {
	for _, e := range examples.All() {
		calls, err := provision.Calls(example(f, e.Name))
		if err != nil {
			f.Fatal(err)
		}
		for _, c := range calls {
			data, _ := json.Marshal(c)
			f.Add(data)
		}
	}
	f.Add([]byte(`{"id":"x","params":{"a":{"$ref":{"call":"b","output":"id"}},"s":[{"$secret":"env:X"}],"n":1.5}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c provision.Call
		if err := json.Unmarshal(data, &c); err != nil {
			return
		}
		once, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("accepted call does not encode: %v", err)
		}
		var back provision.Call
		if err := json.Unmarshal(once, &back); err != nil {
			t.Fatalf("own encoding refused: %v\n%s", err, once)
		}
		twice, _ := json.Marshal(back)
		if string(once) != string(twice) {
			t.Fatalf("not a fixed point:\n%s\n%s", once, twice)
		}
		_ = back.Render(nil)
	})
}
