package server

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http/httptest"
	"testing"
	"testing/fstest"

	hybridplan "github.com/hybridplan/hybridplan"
)

// TestExamplesServedLikeTheScripts: web/examples.json (the page's example
// plans, fetched at start) is in the binary and goes out as JSON with the
// same precompressed negotiation as the scripts and the core.
func TestExamplesServedLikeTheScripts(t *testing.T) {
	raw, err := fs.ReadFile(hybridplan.WebFiles, "web/examples.json")
	if err != nil {
		t.Fatalf("web/examples.json is not embedded: %v", err)
	}
	h := sha256.Sum256(raw)
	fsys := fstest.MapFS{
		"web/examples.json":      {Data: raw},
		"web/examples.json.br":   {Data: []byte("br of examples.json")},
		"web/examples.json.gz":   {Data: []byte("gzip of examples.json")},
		"web/precompressed.sums": {Data: []byte(hex.EncodeToString(h[:]) + "  examples.json\n")},
	}
	for _, tc := range []struct{ accept, encoding, body string }{
		{"gzip, deflate, br", "br", "br of examples.json"},
		{"gzip", "gzip", "gzip of examples.json"},
		{"identity", "", string(raw)},
	} {
		req := httptest.NewRequest("GET", "/web/examples.json", nil)
		req.Header.Set("Accept-Encoding", tc.accept)
		rec := httptest.NewRecorder()
		newWebFiles(fsys).ServeHTTP(rec, req)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" ||
			rec.Header().Get("Content-Encoding") != tc.encoding || rec.Body.String() != tc.body {
			t.Errorf("Accept-Encoding %q: %d %q %q, body %.40q; want 200 application/json %q", tc.accept, rec.Code,
				rec.Header().Get("Content-Type"), rec.Header().Get("Content-Encoding"), rec.Body.String(), tc.encoding)
		}
	}
}
