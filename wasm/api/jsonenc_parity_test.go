package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"runtime"
	"strconv"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/internal/randfill"
	"github.com/hybridplan/hybridplan/internal/splitplan"
	"github.com/hybridplan/hybridplan/pkg/jsonenc"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/sim"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

// The js/wasm bridge writes every result and rejection with pkg/jsonenc
// instead of encoding/json (the core's size, issue 14). These tests hold
// its bytes to encoding/json's for every function's result and error, on
// the examples, large generated plans and plans full of mistakes, and on
// result values of random contents.

// sameJSON fails the test when jsonenc's and encoding/json's bytes for v
// differ; it returns how many bytes were compared.
func sameJSON(t *testing.T, enc *jsonenc.Encoder, name string, v any) int {
	t.Helper()
	want, werr := json.Marshal(v)
	got, err := enc.Marshal(v)
	if werr != nil || err != nil {
		t.Fatalf("%s: encoding/json %v, jsonenc %v", name, werr, err)
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		lo := max(i-80, 0)
		t.Fatalf("%s: jsonenc differs from encoding/json at byte %d:\n got  …%.200s\n want …%.200s", name, i, got[lo:], want[lo:])
	}
	return len(want)
}

// result is what the bridge writes for one call: the value, or the
// rejection object its error becomes.
func result[T any](v T, err error) any {
	if err != nil {
		return ErrorOf(err)
	}
	return v
}

// parityDocs are the plans the API is called with: the examples, large
// generated plans, plans with many validation findings and documents that
// do not decode.
func parityDocs(t *testing.T) map[string]string {
	t.Helper()
	docs := map[string]string{}
	for _, e := range examples.All() {
		docs["example/"+e.Name] = e.JSON
	}
	// Large plans natively; smaller ones under js/wasm (make test-wasm),
	// where the same code runs five times slower and the native run has
	// already compared the large results.
	large, prefixes := 1000, 600
	if runtime.GOOS == "js" {
		large, prefixes = 200, 150
	}
	docs["generated/"+strconv.Itoa(large)] = generatedPlan(t, large)
	split, err := splitplan.Build(prefixes)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := plan.Encode(&buf, split); err != nil {
		t.Fatal(err)
	}
	docs["splitplan/"+strconv.Itoa(prefixes)] = buf.String()
	docs["messy/findings"] = messyDoc(t, prefixes, false)
	docs["messy/decode"] = messyDoc(t, prefixes, true)
	docs["empty object"] = `{}`
	docs["not json"] = `{"version":1,`
	return docs
}

// messyDoc is a generated plan whose segments overlap, repeat, lose their
// names, cross the VPC and (decode) are not prefixes at all, so that
// validation, or decoding, reports hundreds of findings.
func messyDoc(t *testing.T, n int, decode bool) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(generatedPlan(t, n)), &doc); err != nil {
		t.Fatal(err)
	}
	segs := doc["idc"].(map[string]any)["segments"].([]any)
	for i, s := range segs {
		seg := s.(map[string]any)
		switch i % 7 {
		case 0:
			seg["cidr"] = "10.64.0.0/16" // covers others
		case 1:
			seg["name"] = ""
		case 2:
			seg["name"] = "idc-seg-0000"
		case 3:
			seg["cidr"] = "10.64." + strconv.Itoa(i%256) + ".1/24" // host bits
		case 4:
			if decode {
				seg["cidr"] = "10.64.0.0/33<&>\u2028"
			} else {
				seg["cidr"] = "172.16.0.0/12"
			}
		}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// traceAddrs are addresses for trace: one in the plan's first VPC subnet or
// prefix, one in its first IDC segment.
func traceAddrs(doc string) (vpc, idc string, ok bool) {
	p, err := plan.DecodeBytes([]byte(doc))
	if err != nil || len(p.IDC.Segments) == 0 || len(p.BorderGateway.Attachments) == 0 {
		return "", "", false
	}
	a := p.BorderGateway.Attachments[0]
	if len(a.Subnets) > 0 {
		vpc = a.Subnets[0].CIDR.Addr().Next().String()
	} else if len(a.CIDRs) > 0 {
		vpc = a.CIDRs[0].Addr().Next().String()
	} else {
		return "", "", false
	}
	return vpc, p.IDC.Segments[0].CIDR.Addr().Next().String(), true
}

// TestResultsMatchEncodingJSON calls every function of the core's API on
// every document and compares the bytes the bridge writes for its result,
// or its rejection, with encoding/json's.
func TestResultsMatchEncodingJSON(t *testing.T) {
	enc := new(jsonenc.Encoder)
	sameJSON(t, enc, "defaultProfile", DefaultProfile())
	sameJSON(t, enc, "exportFormats", ExportFormats())
	for name, doc := range parityDocs(t) {
		t.Run(name, func(t *testing.T) {
			total := 0
			check := func(what string, v any) {
				total += sameJSON(t, enc, what, v)
			}
			check("validate", Validate(doc))
			check("strategy", result(Strategy(doc)))
			scenarios, err := Scenarios(doc)
			check("scenarios", result(scenarios, err))
			for _, s := range scenarios {
				check("simulate "+s.Name, result(Simulate(doc, s.Name)))
			}
			check("simulate unknown", result(Simulate(doc, "no-such<scenario>")))
			check("matrix", result(Matrix(doc)))
			check("matrixTable", result(MatrixTableFor(doc)))
			if vpc, idc, ok := traceAddrs(doc); ok {
				for _, s := range scenarios {
					check("trace "+s.Name, result(Trace(doc, s.Name, vpc, idc)))
					check("trace back "+s.Name, result(Trace(doc, s.Name, idc, vpc)))
				}
			}
			check("trace bad address", result(Trace(doc, "", "10.0.0.0/24", "x\xff")))
			check("trace outside", result(Trace(doc, "", "203.0.113.1", "198.51.100.1")))
			t.Logf("%d bytes compared", total)
		})
	}
	for _, e := range []error{
		ArgumentError("validate(planJSON) needs the plan as JSON text or an object, not %s", "number"),
		ErrorOf(errors.New("boom <&> \u2028 \xff")),
		&Error{Code: CodeInternal, Message: "m"},
		&Error{Code: CodeDecodeInvalid, Message: "m", Path: "$", Hint: "h", Findings: []plan.Finding{}},
	} {
		sameJSON(t, enc, "error "+e.Error(), ErrorOf(e))
	}
}

// TestRandomResultsMatchEncodingJSON fills every result type of the API
// with random contents (every field, nil and empty lists and maps, absent
// pointers, the strings encoding/json escapes) and compares the bytes.
func TestRandomResultsMatchEncodingJSON(t *testing.T) {
	enc := new(jsonenc.Encoder)
	f := randfill.New(2026)
	types := []reflect.Type{
		reflect.TypeFor[ValidateResult](),
		reflect.TypeFor[ProfileInfo](),
		reflect.TypeFor[strategy.Result](),
		reflect.TypeFor[[]sim.Scenario](),
		reflect.TypeFor[SimulateResult](),
		reflect.TypeFor[TraceResult](),
		reflect.TypeFor[sim.ConnectivityMatrix](),
		reflect.TypeFor[MatrixTable](),
		reflect.TypeFor[*Error](),
		reflect.TypeFor[[]string](),
		reflect.TypeFor[plan.Plan](),
	}
	for _, typ := range types {
		for i := range 150 {
			v := reflect.New(typ).Elem()
			f.Fill(v)
			sameJSON(t, enc, typ.String()+" #"+strconv.Itoa(i), v.Interface())
		}
	}
}

// TestNoResultTypeMarshalsItself walks every type the API returns: a
// MarshalJSON method on any of them would make jsonenc refuse the value
// (it cannot write what encoding/json would), so a new one must fail here
// first, with the type named.
func TestNoResultTypeMarshalsItself(t *testing.T) {
	seen := map[reflect.Type]bool{}
	marshaler := reflect.TypeFor[json.Marshaler]()
	var walk func(reflect.Type, string)
	walk = func(typ reflect.Type, path string) {
		if seen[typ] {
			return
		}
		seen[typ] = true
		if typ.Implements(marshaler) || reflect.PointerTo(typ).Implements(marshaler) {
			t.Errorf("%s (%s) implements MarshalJSON: the wasm bridge's jsonenc refuses it", typ, path)
		}
		switch typ.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			walk(typ.Elem(), path+"[]")
		case reflect.Map:
			walk(typ.Key(), path+"{key}")
			walk(typ.Elem(), path+"{}")
		case reflect.Struct:
			for i := range typ.NumField() {
				if sf := typ.Field(i); sf.IsExported() || sf.Anonymous {
					walk(sf.Type, path+"."+sf.Name)
				}
			}
		case reflect.Interface:
			t.Errorf("%s holds an interface: the types of its values cannot be checked here", path)
		}
	}
	for _, v := range []any{ValidateResult{}, ProfileInfo{}, strategy.Result{}, []sim.Scenario{}, SimulateResult{},
		TraceResult{}, sim.ConnectivityMatrix{}, MatrixTable{}, &Error{}, []string{}, plan.Plan{}} {
		walk(reflect.TypeOf(v), reflect.TypeOf(v).String())
	}
	if len(seen) < 50 {
		t.Errorf("walked only %d types", len(seen))
	}
}
