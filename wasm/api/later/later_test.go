package later

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan/export"
	"github.com/hybridplan/hybridplan/pkg/plan/share"
	"github.com/hybridplan/hybridplan/wasm/api"
)

func seed(*testing.T) string { return examples.SeedJSON() }

// The core lists the export formats without linking pkg/plan/export; the
// list must be the one exportConfig (here) accepts.
func TestCoreExportFormatsAreExports(t *testing.T) {
	if got, want := api.ExportFormats(), export.Formats(); !slices.Equal(got, want) {
		t.Errorf("api.ExportFormats() = %v, export.Formats() = %v: update api.ExportFormats", got, want)
	}
	if api.FormatCalls != export.FormatCalls {
		t.Errorf("api.FormatCalls %q, export.FormatCalls %q", api.FormatCalls, export.FormatCalls)
	}
}

func TestShareRoundTripIsIndentedJSON(t *testing.T) {
	link, err := ShareEncode(seed(t))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := ShareDecode("#" + link)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc, "{\n  \"version\": 1,") || !strings.HasSuffix(doc, "}\n") {
		t.Errorf("decoded document is not indented JSON:\n%.200s", doc)
	}
	if r := api.Validate(doc); !r.OK {
		t.Errorf("decoded document does not validate: %+v", r.Findings)
	}
}

// Errors keep their codes in the rejection object (api.ErrorOf).
func TestErrorCodes(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		wantCode string
	}{
		{"unknown format", func() error { _, err := ExportConfig(seed(t), "pdf"); return err }(), api.CodeExportFormat},
		{"newer link", func() error { _, err := ShareDecode("p2.AAAA"); return err }(), share.CodeVersion},
		{"not a link", func() error { _, err := ShareDecode("hello"); return err }(), "share.corrupt"},
		{"share an undecodable plan", func() error { _, err := ShareEncode(`{"version":1,"idc":5}`); return err }(), "decode.type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := api.ErrorOf(tt.err)
			if e == nil || e.Code != tt.wantCode || (tt.wantCode != "decode.type" && e.Hint == "") {
				t.Errorf("got %+v (from %v), want %s with a hint", e, tt.err, tt.wantCode)
			}
			var ae *api.Error
			if tt.wantCode == share.CodeVersion && !errors.As(tt.err, &ae) {
				t.Errorf("a share error is not an *api.Error: %T", tt.err)
			}
		})
	}
}

// The core module (build tag hpcore, wasm/modules.go) must not link what
// this package holds, nor fmt, encoding/json or os: that is what keeps the
// page's first load small.
func TestCoreModuleDoesNotImportLater(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("runs go list, which js/wasm cannot start; the native run checks it")
	}
	cmd := exec.Command("go", "list", "-tags", "hpcore", "-deps", "github.com/hybridplan/hybridplan/wasm")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	for _, pkg := range []string{
		"github.com/hybridplan/hybridplan/wasm/api/later",
		"github.com/hybridplan/hybridplan/pkg/plan/export",
		"github.com/hybridplan/hybridplan/pkg/plan/provision",
		"github.com/hybridplan/hybridplan/pkg/plan/share",
		"compress/flate",
	} {
		if slices.Contains(deps, pkg) {
			t.Errorf("the core module imports %s; it belongs in the later module (wasm/later_bridge.go)", pkg)
		}
	}
	// fmt and encoding/json (with os, time and the rest they pull in) were
	// about 130 KB of the core's brotli size: the core's packages format
	// with pkg/fmtlite and the bridge encodes with pkg/jsonenc instead.
	for _, pkg := range []string{"fmt", "encoding/json", "os"} {
		if slices.Contains(deps, pkg) {
			t.Errorf("the core module imports %s; the first load must stay under 1 MB: use pkg/fmtlite or pkg/jsonenc (go list -deps -f '{{.ImportPath}}: {{.Imports}}' shows who imports it)", pkg)
		}
	}
	if !slices.Contains(deps, "github.com/hybridplan/hybridplan/wasm/api") {
		t.Errorf("go list of the core module lacks wasm/api: %s", out)
	}
}
