//go:build js && wasm

package main

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"syscall/js"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
)

// await calls hybridplan[name](args…) and waits for its Promise. It blocks
// the test goroutine, never a JavaScript callback, so the event loop keeps
// running the call.
func await(t *testing.T, name string, args ...any) (resolved js.Value, rejected js.Value) {
	t.Helper()
	hp := js.Global().Get("hybridplan")
	if hp.Type() != js.TypeObject {
		t.Fatal("globalThis.hybridplan is not installed")
	}
	p := hp.Call(name, args...)
	if p.Get("then").Type() != js.TypeFunction {
		t.Fatalf("%s did not return a Promise", name)
	}
	type outcome struct {
		v  js.Value
		ok bool
	}
	done := make(chan outcome, 1)
	onOK := js.FuncOf(func(_ js.Value, a []js.Value) any { done <- outcome{a[0], true}; return nil })
	onErr := js.FuncOf(func(_ js.Value, a []js.Value) any { done <- outcome{a[0], false}; return nil })
	defer onOK.Release()
	defer onErr.Release()
	p.Call("then", onOK, onErr)
	o := <-done
	if o.ok {
		return o.v, js.Undefined()
	}
	return js.Undefined(), o.v
}

// mustResolve awaits a call and returns its result as Go JSON.
func mustResolve(t *testing.T, name string, out any, args ...any) {
	t.Helper()
	v, rej := await(t, name, args...)
	if !rej.IsUndefined() {
		t.Fatalf("%s rejected: %s", name, stringify(rej))
	}
	if err := json.Unmarshal([]byte(stringify(v)), out); err != nil {
		t.Fatalf("%s resolved with %s: %v", name, stringify(v), err)
	}
}

// mustReject awaits a call that must fail and returns the rejection object.
func mustReject(t *testing.T, name string, args ...any) rejection {
	t.Helper()
	v, rej := await(t, name, args...)
	if rej.IsUndefined() {
		t.Fatalf("%s resolved with %s, want a rejection", name, stringify(v))
	}
	if rej.Type() != js.TypeObject || rej.InstanceOf(js.Global().Get("Error")) {
		t.Fatalf("%s rejected with %s, want a plain object", name, rej.Type())
	}
	var r rejection
	if err := json.Unmarshal([]byte(stringify(rej)), &r); err != nil {
		t.Fatal(err)
	}
	if r.Code == "" || r.Message == "" {
		t.Fatalf("%s rejected without code or message: %s", name, stringify(rej))
	}
	return r
}

type rejection struct {
	Code     string `json:"code"`
	Message  string `json:"message"`
	Path     string `json:"path"`
	Hint     string `json:"hint"`
	Findings []struct {
		Code string `json:"code"`
		Path string `json:"path"`
	} `json:"findings"`
}

func stringify(v js.Value) string {
	if v.IsUndefined() {
		return "undefined"
	}
	return js.Global().Get("JSON").Call("stringify", v).String()
}

func seed(t *testing.T) string {
	t.Helper()
	return seedFor(t)
}

func seedFor(testing.TB) string { return examples.SeedJSON() }

func TestMain(m *testing.M) {
	install(js.Global())
	m.Run()
}

func TestInstallSignalsReady(t *testing.T) {
	g := js.Global()
	// A page that created hybridplanReady before the core started.
	resolved := make(chan js.Value, 1)
	fn := js.FuncOf(func(_ js.Value, a []js.Value) any { resolved <- a[0]; return nil })
	defer fn.Release()
	ready := g.Get("Object").New()
	ready.Set("resolve", fn)
	g.Set("hybridplanReady", ready)
	defer g.Delete("hybridplanReady")
	signalReady(g)
	got := <-resolved
	if !got.Equal(g.Get("hybridplan")) {
		t.Errorf("hybridplanReady resolved with %s, want the API object", got.Type())
	}
	// In a browser, the hybridplan:ready event carries the API object.
	if g.Get("dispatchEvent").Type() == js.TypeFunction {
		got := make(chan js.Value, 1)
		listener := js.FuncOf(func(_ js.Value, a []js.Value) any { got <- a[0].Get("detail"); return nil })
		defer listener.Release()
		g.Call("addEventListener", "hybridplan:ready", listener)
		defer g.Call("removeEventListener", "hybridplan:ready", listener)
		signalReady(g)
		if detail := <-got; !detail.Equal(g.Get("hybridplan")) {
			t.Errorf("hybridplan:ready carried %s, want the API object", detail.Type())
		}
	}
	if v := g.Get("hybridplan").Get("apiVersion").Int(); v != apiVersion {
		t.Errorf("apiVersion = %d, want %d", v, apiVersion)
	}
}

func TestEveryFunctionReturnsAPromise(t *testing.T) {
	hp := js.Global().Get("hybridplan")
	for name := range methods() {
		if hp.Get(name).Type() != js.TypeFunction {
			t.Errorf("hybridplan.%s is not a function", name)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name     string
		arg      any
		wantOK   bool
		wantCode string // a finding that must be there
		wantPath string
	}{
		{name: "seed as text", arg: seed(t), wantOK: true},
		{name: "seed as object", arg: js.Global().Get("JSON").Call("parse", seed(t)), wantOK: true},
		{name: "broken JSON", arg: `{"version": 1,`, wantCode: "decode.syntax", wantPath: "$"},
		{name: "bad prefix", arg: strings.Replace(seed(t), `"192.168.0.0/16"`, `"192.168.0.0/33"`, 1), wantCode: "decode.value", wantPath: "$.idc.segments[0].cidr"},
		{name: "unknown field", arg: strings.Replace(seed(t), `"region"`, `"regoin"`, 1), wantCode: "decode.unknown-field", wantPath: "$.regoin"},
		{name: "newer version", arg: strings.Replace(seed(t), `"version": 1`, `"version": 9`, 1), wantCode: "decode.version", wantPath: "$.version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res struct {
				OK       bool `json:"ok"`
				Findings []struct {
					Code, Path, Severity, Message string
				} `json:"findings"`
			}
			mustResolve(t, "validate", &res, tt.arg)
			if res.OK != tt.wantOK {
				t.Errorf("ok = %v, want %v (findings %+v)", res.OK, tt.wantOK, res.Findings)
			}
			if res.Findings == nil {
				t.Error("findings is null, want a list")
			}
			if tt.wantCode == "" {
				return
			}
			for _, f := range res.Findings {
				if f.Code == tt.wantCode && f.Path == tt.wantPath {
					if f.Message == "" || f.Severity != "error" {
						t.Errorf("finding %+v: want an error with a message", f)
					}
					return
				}
			}
			t.Errorf("no finding %s at %s in %+v", tt.wantCode, tt.wantPath, res.Findings)
		})
	}
}

func TestBadArguments(t *testing.T) {
	tests := []struct {
		name string
		fn   string
		args []any
	}{
		{"validate without plan", "validate", nil},
		{"validate with a number", "validate", []any{42}},
		{"shareEncode without plan", "shareEncode", nil},
		{"shareDecode with an object", "shareDecode", []any{js.Global().Get("Object").New()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustReject(t, tt.fn, tt.args...)
			if r.Code != "call.argument" {
				t.Errorf("code = %q, want call.argument (%s)", r.Code, r.Message)
			}
		})
	}
}

func TestExamplesAndProfile(t *testing.T) {
	// The page fetches the examples as web/examples.json; each validates
	// through the bridge.
	exs := examples.All()
	if len(exs) < 3 || exs[0].Name != examples.Seed {
		t.Fatalf("examples: got %d, first %q; want the seed first of at least 3", len(exs), exs[0].Name)
	}
	if hp := js.Global().Get("hybridplan"); !hp.Get("examples").IsUndefined() || !hp.Get("drafts").IsUndefined() {
		t.Error("the core installs examples or drafts; they are web/examples.json and web/draftstore.js")
	}
	for _, e := range exs {
		var res struct{ OK bool }
		mustResolve(t, "validate", &res, e.JSON)
		if !res.OK {
			t.Errorf("example %s does not validate", e.Name)
		}
	}
	var prof struct {
		Profile struct {
			ASN struct {
				BorderGateway uint32 `json:"borderGateway"`
			} `json:"asn"`
		} `json:"profile"`
		Sources map[string]string `json:"sources"`
	}
	mustResolve(t, "defaultProfile", &prof)
	if prof.Profile.ASN.BorderGateway != 65000 {
		t.Errorf("border gateway ASN %d, want 65000", prof.Profile.ASN.BorderGateway)
	}
	if !strings.Contains(prof.Sources["asn.borderGateway"], "Border-Gateway") {
		t.Errorf("source of asn.borderGateway = %q", prof.Sources["asn.borderGateway"])
	}
}

func TestShareRoundTrip(t *testing.T) {
	var frag string
	mustResolve(t, "shareEncode", &frag, seed(t))
	if !strings.HasPrefix(frag, "p1.") || len(frag) >= 600 {
		t.Fatalf("fragment %q: want p1. and under 600 characters", frag)
	}
	var doc string
	mustResolve(t, "shareDecode", &doc, "https://example.test/app/#"+frag)
	var a, b any
	json.Unmarshal([]byte(doc), &a)
	json.Unmarshal([]byte(seed(t)), &b)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("decoded plan differs from the seed:\n%s\n%s", ja, jb)
	}
}

func TestShareErrors(t *testing.T) {
	var frag string
	mustResolve(t, "shareEncode", &frag, seed(t))
	damaged := []byte(frag)
	damaged[len(damaged)/2] ^= 0x01
	tests := []struct {
		name, fn, arg, wantCode, wantPath string
	}{
		{"newer link", "shareDecode", "p2.AAAA", "share.version", ""},
		{"not a link", "shareDecode", "hello", "share.corrupt", ""},
		{"damaged link", "shareDecode", string(damaged), "share.corrupt", ""},
		{"cut link", "shareDecode", frag[:len(frag)-10], "share.corrupt", ""},
		{"encode an invalid plan", "shareEncode", `{"version":1,"idc":5}`, "decode.type", "$.idc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustReject(t, tt.fn, tt.arg)
			if r.Code != tt.wantCode || r.Path != tt.wantPath {
				t.Errorf("rejected with %+v, want code %s path %q", r, tt.wantCode, tt.wantPath)
			}
		})
	}
}

// stringer is a panic value with a String method.
type stringer struct{}

func (stringer) String() string { return "a stringer" }

func TestPanicRejectsAndRuntimeSurvives(t *testing.T) {
	b := new(bridge)
	for _, tt := range []struct {
		name  string
		panic func()
		want  string // the rejection's message, as fmt's %v wrote it
	}{
		{"runtime error", func() {
			var m map[string]int
			m["x"] = 1 // assignment to a nil map panics
		}, "the planner core failed in boom: assignment to entry in nil map"},
		{"string", func() { panic("50% <done>") }, "the planner core failed in boom: 50% <done>"},
		{"error", func() { panic(errors.New("an error")) }, "the planner core failed in boom: an error"},
		{"stringer", func() { panic(stringer{}) }, "the planner core failed in boom: a stringer"},
		{"integer", func() { panic(-42) }, "the planner core failed in boom: -42"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := b.asyncFunc("boom", func([]js.Value) (any, error) {
				tt.panic()
				return nil, nil
			})
			defer f.Release()
			js.Global().Get("hybridplan").Set("boom", f)
			defer js.Global().Get("hybridplan").Delete("boom")
			r := mustReject(t, "boom")
			if r.Code != "internal" || r.Message != tt.want || !strings.Contains(r.Hint, "bug in hybridplan") {
				t.Errorf("panic rejected with %+v, want code internal and message %q", r, tt.want)
			}
			// The runtime is still alive: a normal call after the panic works.
			var res struct{ OK bool }
			mustResolve(t, "validate", &res, seed(t))
			if !res.OK {
				t.Error("validate after a panic failed")
			}
		})
	}
}

// TestPanicStack: the console's report of a panic carries the stack of the
// goroutine that panicked (runtime/debug.Stack's, without its fmt).
func TestPanicStack(t *testing.T) {
	s := string(stack())
	if !strings.HasPrefix(s, "goroutine ") || !strings.Contains(s, "TestPanicStack") {
		t.Errorf("stack %q does not name this goroutine and function", s)
	}
}

// TestUnwritableResult: a result jsonenc cannot write rejects with code
// internal, naming the call and the cause, instead of resolving.
func TestUnwritableResult(t *testing.T) {
	f := new(bridge).asyncFunc("nan", func([]js.Value) (any, error) {
		return struct{ F float64 }{math.NaN()}, nil
	})
	defer f.Release()
	js.Global().Get("hybridplan").Set("nan", f)
	defer js.Global().Get("hybridplan").Delete("nan")
	r := mustReject(t, "nan")
	if want := "the planner core failed: writing the result of nan: jsonenc: unsupported value: NaN"; r.Code != "internal" || r.Message != want {
		t.Errorf("rejected with %+v, want code internal and message %q", r, want)
	}
}

func stringifyGo(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
