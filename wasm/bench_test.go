//go:build js && wasm

package main

import (
	"encoding/json"
	"fmt"
	"syscall/js"
	"testing"
)

// generatedPlan is the seed with n IDC segments (/24s in 10.64.0.0/10).
func generatedPlan(tb testing.TB, n int) string {
	e := seedFor(tb)
	var doc map[string]any
	if err := json.Unmarshal([]byte(e), &doc); err != nil {
		tb.Fatal(err)
	}
	segs := make([]any, n)
	for i := range n {
		segs[i] = map[string]any{"name": fmt.Sprintf("idc-seg-%04d", i), "cidr": fmt.Sprintf("10.%d.%d.0/24", 64+i/256, i%256)}
	}
	doc["idc"].(map[string]any)["segments"] = segs
	// Prefix split doubles the advertisements; a plan this large comes
	// with the raised dynamic-route quota the validator asks for.
	doc["profile"] = map[string]any{"quotas": map[string]any{"dynamicRoutesPerBorderGateway": 4 * n}}
	out, _ := json.Marshal(doc)
	return string(out)
}

// Validation as the page sees it: hybridplan.validate(text) called from
// JavaScript, through the goroutine and the Promise, result parsed to a JS
// object. Compare with wasm/api's native BenchmarkValidate* as a ratio.
func BenchmarkBridgeValidateSeed(b *testing.B) { benchBridgeValidate(b, seedFor(b)) }
func BenchmarkBridgeValidate200(b *testing.B)  { benchBridgeValidate(b, generatedPlan(b, 200)) }
func BenchmarkBridgeValidate1000(b *testing.B) { benchBridgeValidate(b, generatedPlan(b, 1000)) }

func benchBridgeValidate(b *testing.B, doc string) {
	hp := js.Global().Get("hybridplan")
	done := make(chan js.Value, 1)
	onOK := js.FuncOf(func(_ js.Value, a []js.Value) any { done <- a[0]; return nil })
	defer onOK.Release()
	for b.Loop() {
		hp.Call("validate", doc).Call("then", onOK)
		if r := <-done; !r.Get("ok").Bool() {
			b.Fatal("plan does not validate")
		}
	}
}

func BenchmarkBridgeShareEncodeSeed(b *testing.B) {
	hp := js.Global().Get("hybridplan")
	doc := seedFor(b)
	done := make(chan js.Value, 1)
	onOK := js.FuncOf(func(_ js.Value, a []js.Value) any { done <- a[0]; return nil })
	defer onOK.Release()
	for b.Loop() {
		hp.Call("shareEncode", doc).Call("then", onOK)
		<-done
	}
}
