package plan_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/internal/randfill"
	"github.com/hybridplan/hybridplan/internal/splitplan"
	"github.com/hybridplan/hybridplan/pkg/plan"
)

// jsonEncode is what Encode wrote before it used pkg/jsonenc: the
// reference its bytes are held to (hashes of stored plans depend on them).
func jsonEncode(tb testing.TB, p *plan.Plan) []byte {
	tb.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func checkEncode(t *testing.T, name string, p *plan.Plan) {
	t.Helper()
	var got bytes.Buffer
	if err := plan.Encode(&got, p); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if want := jsonEncode(t, p); !bytes.Equal(got.Bytes(), want) {
		t.Errorf("%s: Encode differs from encoding/json's indented Encoder\n got  %.300s\n want %.300s", name, got.Bytes(), want)
	}
}

// TestEncodeMatchesEncodingJSON holds Encode to encoding/json's output, byte
// for byte: the examples, a large generated plan, the zero plan and plans
// of random contents (every field, nil and empty lists, absent pointers,
// strings encoding/json escapes). The decoder's corpus is compared in
// package decodebench.
func TestEncodeMatchesEncodingJSON(t *testing.T) {
	for _, e := range examples.All() {
		p, err := e.Decode()
		if err != nil {
			t.Fatal(err)
		}
		checkEncode(t, "example "+e.Name, p)
	}
	large, err := splitplan.Build(3000)
	if err != nil {
		t.Fatal(err)
	}
	checkEncode(t, "splitplan 3000", large)
	checkEncode(t, "zero plan", &plan.Plan{})
	f := randfill.New(14)
	for i := range 300 {
		p := randfill.Value[plan.Plan](f)
		checkEncode(t, "random plan", &p)
		if t.Failed() {
			t.Fatalf("random plan %d", i)
		}
	}
}

// failingWriter fails every write.
type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

// TestEncodeWriteError returns the writer's error, as json.Encoder did.
func TestEncodeWriteError(t *testing.T) {
	want := bytes.ErrTooLarge
	if err := plan.Encode(failingWriter{want}, &plan.Plan{}); err != want {
		t.Errorf("error %v, want %v", err, want)
	}
}
