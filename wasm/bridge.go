//go:build js && wasm

package main

import (
	"encoding/binary"
	"errors"
	"maps"
	"reflect"
	"runtime"
	"syscall/js"

	"github.com/hybridplan/hybridplan/pkg/jsonenc"
	"github.com/hybridplan/hybridplan/wasm/api"
)

// method is one API function: it reads its JavaScript arguments and
// returns a value that marshals to the documented JSON shape.
type method func(args []js.Value) (any, error)

// methods returns the API's functions by name: those of the module being
// built (coreMethods, laterMethods; see modules.go). Each call gets a fresh
// table so that nothing is shared between installs (tests install
// repeatedly).
func methods() map[string]method {
	out := map[string]method{}
	maps.Copy(out, coreMethods())
	maps.Copy(out, laterMethods())
	return out
}

// coreFunctions are the functions of the first module the page loads:
// what the first screen calls (validate, the profile, the export formats
// for the export dialog's list) and the analysis. The examples and the
// drafts are not Go: web/examples.json and web/draftstore.js (API.md).
func coreFunctions() map[string]method {
	return map[string]method{
		"validate": func(args []js.Value) (any, error) {
			doc, err := planArg(args, 0, "validate(planJSON)")
			if err != nil {
				return nil, err
			}
			return api.Validate(doc), nil
		},
		"defaultProfile": func([]js.Value) (any, error) {
			return api.DefaultProfile(), nil
		},
		"strategy": func(args []js.Value) (any, error) {
			doc, err := planArg(args, 0, "strategy(planJSON)")
			if err != nil {
				return nil, err
			}
			return api.Strategy(doc)
		},
		"scenarios": func(args []js.Value) (any, error) {
			doc, err := planArg(args, 0, "scenarios(planJSON)")
			if err != nil {
				return nil, err
			}
			return api.Scenarios(doc)
		},
		"simulate": func(args []js.Value) (any, error) {
			const sig = "simulate(planJSON, scenarioName)"
			doc, err := planArg(args, 0, sig)
			if err != nil {
				return nil, err
			}
			name, err := optionalStringArg(args, 1, sig, "scenarioName")
			if err != nil {
				return nil, err
			}
			return api.Simulate(doc, name)
		},
		"trace": func(args []js.Value) (any, error) {
			const sig = "trace(planJSON, scenarioName, src, dst)"
			doc, err := planArg(args, 0, sig)
			if err != nil {
				return nil, err
			}
			name, err := optionalStringArg(args, 1, sig, "scenarioName")
			if err != nil {
				return nil, err
			}
			src, err := stringArg(args, 2, sig, "src")
			if err != nil {
				return nil, err
			}
			dst, err := stringArg(args, 3, sig, "dst")
			if err != nil {
				return nil, err
			}
			return api.Trace(doc, name, src, dst)
		},
		"matrix": func(args []js.Value) (any, error) {
			doc, err := planArg(args, 0, "matrix(planJSON)")
			if err != nil {
				return nil, err
			}
			return api.Matrix(doc)
		},
		"matrixTable": func(args []js.Value) (any, error) {
			doc, err := planArg(args, 0, "matrixTable(planJSON)")
			if err != nil {
				return nil, err
			}
			return api.MatrixTableFor(doc)
		},
		"exportFormats": func([]js.Value) (any, error) {
			return api.ExportFormats(), nil
		},
	}
}

// bridge is what an installed API's functions share: the JSON encoder of
// results and rejections, whose per-type encoders, built by reflection on
// first use, serve every later call.
type bridge struct {
	// enc is pkg/jsonenc, not encoding/json: it writes the same bytes
	// without linking encoding/json, fmt and os into the core (issue 14).
	enc jsonenc.Encoder
}

// install sets global.hybridplan to a fresh API object.
func install(global js.Value) {
	obj := global.Get("Object").New()
	b := new(bridge)
	for name, m := range methods() {
		obj.Set(name, b.asyncFunc(name, m))
	}
	obj.Set("apiVersion", apiVersion)
	global.Set("hybridplan", obj)
}

// apiVersion grows when the API gains functions or fields; the page can
// check it to detect a stale cached core. Documented in API.md.
const apiVersion = 3

// signalReady tells a page that loaded the core before it was ready: it
// dispatches "hybridplan:ready" on globalThis (where there is an event
// target, i.e. in a browser) and resolves globalThis.hybridplanReady if the
// page put a Promise with a resolve function there.
func signalReady(global js.Value) {
	hp := global.Get("hybridplan")
	if ready := global.Get("hybridplanReady"); ready.Type() == js.TypeObject || ready.Type() == js.TypeFunction {
		if resolve := ready.Get("resolve"); resolve.Type() == js.TypeFunction {
			resolve.Invoke(hp)
		}
	}
	if global.Get("dispatchEvent").Type() == js.TypeFunction && global.Get("CustomEvent").Type() == js.TypeFunction {
		init := global.Get("Object").New()
		init.Set("detail", hp)
		global.Call("dispatchEvent", global.Get("CustomEvent").New("hybridplan:ready", init))
	}
}

// asyncFunc wraps m as a JavaScript function returning a Promise. The work
// runs in a goroutine, never inside the callback: a callback that blocks
// (on a channel) deadlocks the page. A panic in m is
// recovered and rejects the Promise with code "internal" instead of
// stopping the Go runtime, which would break every later call.
func (b *bridge) asyncFunc(name string, m method) js.Func {
	return js.FuncOf(func(this js.Value, args []js.Value) any {
		// Copy: the args slice belongs to the callback.
		args = append([]js.Value(nil), args...)
		var executor js.Func
		executor = js.FuncOf(func(this js.Value, pargs []js.Value) any {
			resolve, reject := pargs[0], pargs[1]
			go func() {
				v, errObj := b.call(name, m, args)
				if errObj != nil {
					reject.Invoke(b.toJS(errObj))
					return
				}
				resolve.Invoke(v)
			}()
			return nil
		})
		p := js.Global().Get("Promise").New(executor)
		// The Promise constructor runs the executor synchronously.
		executor.Release()
		return p
	})
}

// call runs m and converts its result, turning a panic or an error into
// the rejection object.
func (b *bridge) call(name string, m method, args []js.Value) (result js.Value, errObj *api.Error) {
	defer func() {
		if r := recover(); r != nil {
			text := b.panicText(r)
			errObj = &api.Error{Code: api.CodeInternal,
				Message: "the planner core failed in " + name + ": " + text,
				Hint:    "this is a bug in hybridplan; reload the page (drafts are kept) and report what you did"}
			// The stack goes to the console for the bug report; the page
			// shows only the message.
			js.Global().Get("console").Call("error", "hybridplan."+name+" panicked: "+text+"\n"+string(stack()))
		}
	}()
	v, err := m(args)
	if err != nil {
		return js.Undefined(), api.ErrorOf(err)
	}
	data, err := b.enc.Marshal(v)
	if err != nil {
		return js.Undefined(), api.ErrorOf(errors.New("writing the result of " + name + ": " + err.Error()))
	}
	// JSON is the one conversion that keeps every documented shape exact
	// (netip values as strings, omitted empty fields) without a second
	// hand-written mapping that could drift from the Go types.
	out := js.Global().Get("JSON").Call("parse", string(data))
	// Large integer tables go over as typed arrays, which the worker
	// transfers to the page instead of copying.
	if arrays, ok := v.(interface{ Int32Arrays() map[string][]int32 }); ok {
		for name, ints := range arrays.Int32Arrays() {
			out.Set(name, int32Array(ints))
		}
	}
	return out, nil
}

// int32Array copies ints into a new Int32Array (little-endian, as wasm and
// every browser are).
func int32Array(ints []int32) js.Value {
	buf := make([]byte, 0, 4*len(ints))
	for _, v := range ints {
		buf = binary.LittleEndian.AppendUint32(buf, uint32(v))
	}
	u8 := js.Global().Get("Uint8Array").New(len(buf))
	js.CopyBytesToJS(u8, buf)
	return js.Global().Get("Int32Array").New(u8.Get("buffer"))
}

// panicText is what fmt's %v writes for a recovered panic value of the
// kinds panics carry (runtime errors, errors, strings, Stringers); any
// other value as its JSON, or its type.
func (b *bridge) panicText(r any) string {
	switch v := r.(type) {
	case error:
		return v.Error()
	case interface{ String() string }:
		return v.String()
	case string:
		return v
	}
	if data, err := b.enc.Marshal(r); err == nil {
		return string(data)
	}
	return "a value of type " + reflect.TypeOf(r).String()
}

// stack is runtime/debug.Stack (which imports fmt): the calling
// goroutine's stack trace, in a buffer grown until it fits.
func stack() []byte {
	buf := make([]byte, 4096)
	for {
		n := runtime.Stack(buf, false)
		if n < len(buf) {
			return buf[:n]
		}
		buf = make([]byte, 2*len(buf))
	}
}

func (b *bridge) toJS(e *api.Error) js.Value {
	data, err := b.enc.Marshal(e)
	if err != nil {
		data = []byte(`{"code":"internal","message":"the planner core could not describe an error"}`)
	}
	return js.Global().Get("JSON").Call("parse", string(data))
}

// planArg reads a plan argument: JSON text as the page edits it, or a plain
// object, which is serialised with JSON.stringify.
func planArg(args []js.Value, i int, call string) (string, error) {
	if i >= len(args) {
		return "", api.ArgumentError("%s needs the plan as JSON text or an object", call)
	}
	switch a := args[i]; a.Type() {
	case js.TypeString:
		return a.String(), nil
	case js.TypeObject:
		s := js.Global().Get("JSON").Call("stringify", a)
		if s.Type() != js.TypeString {
			return "", api.ArgumentError("%s: the plan object cannot be written as JSON", call)
		}
		return s.String(), nil
	default:
		return "", api.ArgumentError("%s needs the plan as JSON text or an object, not %s", call, a.Type())
	}
}

func stringArg(args []js.Value, i int, call, what string) (string, error) {
	if i >= len(args) || args[i].Type() != js.TypeString {
		got := "nothing"
		if i < len(args) {
			got = args[i].Type().String()
		}
		return "", api.ArgumentError("%s needs %s as a string, not %s", call, what, got)
	}
	return args[i].String(), nil
}

// optionalStringArg is stringArg where undefined, null and a missing
// argument mean "".
func optionalStringArg(args []js.Value, i int, call, what string) (string, error) {
	if i >= len(args) || args[i].IsUndefined() || args[i].IsNull() {
		return "", nil
	}
	return stringArg(args, i, call, what)
}
