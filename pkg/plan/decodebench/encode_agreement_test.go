package decodebench

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/hybridplan/hybridplan/pkg/plan"
)

// TestEncodeAgreement holds plan.Encode (pkg/jsonenc since issue 14) to
// what it wrote with encoding/json, byte for byte, for every document of
// the decode agreement corpus that decodes: the examples, the fuzz corpus,
// generated plans up to 100,000 blocks and the mutations that still decode.
// (plan.Encode's bytes are the canonical form the server hashes and stores.)
func TestEncodeAgreement(t *testing.T) {
	decoded := 0
	for _, c := range agreementCases(t) {
		p, err := plan.DecodeBytes(c.doc)
		if err != nil {
			continue
		}
		decoded++
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(p); err != nil {
			t.Fatalf("%s: encoding/json: %v", c.name, err)
		}
		var got bytes.Buffer
		if err := plan.Encode(&got, p); err != nil {
			t.Fatalf("%s: plan.Encode: %v", c.name, err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%s: plan.Encode differs from encoding/json\n got  %.300s\n want %.300s", c.name, got.Bytes(), want.Bytes())
		}
	}
	// Most mutations do not decode; the bases and many corpus entries do.
	if decoded < 100 {
		t.Errorf("only %d documents decoded; the corpus lost its plans", decoded)
	}
	t.Logf("%d documents decoded and compared", decoded)
}
