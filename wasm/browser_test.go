//go:build js && wasm && browser

package main

import (
	"github.com/hybridplan/hybridplan/wasm/drafts"
	"github.com/hybridplan/hybridplan/wasm/drafts/idbstore"
)

// In the browser run (wasm/run-browser-tests.sh) the whole bridge suite
// goes through the real IndexedDB store, as the page does. wasmbrowsertest
// starts every run with a fresh browser profile.
func testStore() drafts.Store { return idbstore.New("hybridplan-bridge-test") }
