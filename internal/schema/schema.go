// Package schema generates the JSON Schema of the plan document from the Go
// model itself (its types and json tags) and the model's doc comments, so
// the schema, the decoder and the documentation cannot drift apart.
package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/plan"
)

// ID is the schema's $id.
const ID = "https://hybridplan.dev/schema/plan-v1.json"

// Patterns for address values. They admit the shape; the decoder gives the
// precise error for a malformed address.
const (
	prefixPattern = `^[0-9A-Fa-f:.]+/[0-9]{1,3}$`
	addrPattern   = `^[0-9A-Fa-f:.]+$`
)

// enums lists the values of the string fields that take one of a few words,
// from the model's own constants.
func enums() map[string][]string {
	return map[string][]string{
		"Propagation.mode": {plan.PropagateAll, plan.PropagateSubnets},
		"HealthCheck.type": {plan.HealthCheckNone, plan.HealthCheckNQA, plan.HealthCheckBFD},
		"Strategy.mode":    {plan.StrategyPrefixSplit, plan.StrategyASPath},
		"IKE.version":      {"v1", "v2"},
		"IKE.mode":         {"main", "aggressive"},
	}
}

// optionalTypes are the types whose fields are all optional: the profile is
// a set of overrides on JD Cloud's defaults.
func optionalTypes() map[string]bool {
	return map[string]bool{
		"Profile": true, "ProfileASN": true, "IntRange": true, "ProfileInterconnect": true,
		"ProfileTunnel": true, "ProfileHealthCheck": true, "ProfileIKE": true, "ProfileIPsec": true,
		"ProfilePSK": true, "ProfileBorderGW": true, "NextHopPriority": true, "RouteDistance": true,
		"ProfileQuotas": true, "IKE": true, "IPsec": true,
		"ProfileTimers": true, // issue 11: failover timing assumptions
	}
}

// Generate returns the schema, indented, reading doc comments from the Go
// sources of package plan in srcDir.
func Generate(srcDir string) ([]byte, error) {
	docs, err := readDocs(srcDir)
	if err != nil {
		return nil, err
	}
	g := &generator{docs: docs, defs: map[string]any{}, enums: enums(), optional: optionalTypes()}
	root := g.object(reflect.TypeFor[plan.Plan]())
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = ID
	root["title"] = "hybridplan plan document, version 1"
	root["$defs"] = g.defs
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type generator struct {
	docs     map[string]string // "Type" and "Type.Field" → doc comment
	defs     map[string]any
	enums    map[string][]string
	optional map[string]bool
}

var (
	prefixType = reflect.TypeFor[netip.Prefix]()
	addrType   = reflect.TypeFor[netip.Addr]()
)

func (g *generator) schemaFor(t reflect.Type) map[string]any {
	switch t {
	case prefixType:
		return map[string]any{"type": "string", "pattern": prefixPattern, "description": "An address prefix, IPv4 or IPv6, e.g. \"10.1.0.0/16\"."}
	case addrType:
		return map[string]any{"type": "string", "pattern": addrPattern, "description": "An IP address, e.g. \"192.0.2.1\"."}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.schemaFor(t.Elem())
	case reflect.Struct:
		if _, done := g.defs[t.Name()]; !done {
			g.defs[t.Name()] = nil // mark before recursing
			g.defs[t.Name()] = g.object(t)
		}
		return map[string]any{"$ref": "#/$defs/" + t.Name()}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": g.schemaFor(t.Elem())}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return map[string]any{"type": "integer"}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer", "minimum": 0, "maximum": uint64(1)<<t.Bits() - 1}
	}
	panic(fmt.Sprintf("schema: no JSON form for %s", t)) // a model change this generator must learn
}

func (g *generator) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		s := g.schemaFor(f.Type)
		if doc := g.docs[t.Name()+"."+f.Name]; doc != "" {
			if _, isRef := s["$ref"]; isRef {
				s = map[string]any{"allOf": []any{s}, "description": doc}
			} else {
				s["description"] = doc
			}
		}
		if vals, ok := g.enums[t.Name()+"."+name]; ok {
			s["enum"] = vals
		}
		props[name] = s
		if !g.optional[t.Name()] && !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
			required = append(required, name)
		}
	}
	o := map[string]any{"type": "object", "additionalProperties": false, "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	if doc := g.docs[t.Name()]; doc != "" {
		o["description"] = doc
	}
	return o
}

// readDocs collects the doc comments of the types and fields in srcDir.
func readDocs(srcDir string) (map[string]string, error) {
	entries, err := os.ReadDir(srcDir)
	if err != nil {
		return nil, err
	}
	docs := map[string]string{}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(srcDir, name), nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				ts := spec.(*ast.TypeSpec)
				doc := ts.Doc
				if doc == nil {
					doc = gd.Doc
				}
				docs[ts.Name.Name] = clean(doc)
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					continue
				}
				for _, field := range st.Fields.List {
					text := clean(field.Doc)
					if text == "" {
						text = clean(field.Comment)
					}
					for _, n := range field.Names {
						docs[ts.Name.Name+"."+n.Name] = text
					}
				}
			}
		}
	}
	return docs, nil
}

func clean(cg *ast.CommentGroup) string {
	if cg == nil {
		return ""
	}
	return strings.Join(strings.Fields(cg.Text()), " ")
}
