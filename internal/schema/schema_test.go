package schema

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

const committed = "../../docs/plan.schema.json"

func TestCommittedSchemaIsCurrent(t *testing.T) {
	want, err := Generate("../../pkg/plan")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(committed)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("docs/plan.schema.json is stale: run `go run ./cmd/schemagen > docs/plan.schema.json`")
	}
}

func compile(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(committed)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(ID, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(ID)
	if err != nil {
		t.Fatalf("the schema does not compile: %v", err)
	}
	return s
}

func instance(t *testing.T, data string) any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestExamplesMatchSchema(t *testing.T) {
	s := compile(t)
	files, _ := filepath.Glob("../../examples/*.json")
	if len(files) == 0 {
		t.Fatal("no examples")
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(instance(t, string(data))); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestBrokenDocumentsFailSchema(t *testing.T) {
	s := compile(t)
	seed, err := os.ReadFile("../../examples/seed-dc-primary-vpn-backup.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func(doc map[string]any)
	}{
		{"unknown top-level field", func(d map[string]any) { d["nmae"] = "x" }},
		{"unknown nested field", func(d map[string]any) { d["idc"].(map[string]any)["asnn"] = 1 }},
		{"asn as string", func(d map[string]any) { d["idc"].(map[string]any)["asn"] = "65001" }},
		{"negative asn", func(d map[string]any) { d["idc"].(map[string]any)["asn"] = -1 }},
		{"unknown strategy", func(d map[string]any) { d["strategy"].(map[string]any)["mode"] = "ecmp" }},
		{"prefix without length", func(d map[string]any) {
			d["idc"].(map[string]any)["segments"].([]any)[0].(map[string]any)["cidr"] = "10.0.0.0"
		}},
		{"missing idc", func(d map[string]any) { delete(d, "idc") }},
		{"profile typo", func(d map[string]any) { d["profile"] = map[string]any{"quota": map[string]any{}} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc map[string]any
			if err := json.Unmarshal(seed, &doc); err != nil {
				t.Fatal(err)
			}
			tt.edit(doc)
			data, _ := json.Marshal(doc)
			if err := s.Validate(instance(t, string(data))); err == nil {
				t.Errorf("schema accepted the broken document")
			}
		})
	}
}
