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

// TestIndexCompressedInWeb: index.html's precompressed copies live in web/
// (the Makefile writes them there) and are sent for / while index.html still
// has the hash recorded in web/precompressed.sums; an index.html edited after
// the build goes out as it is.
func TestIndexCompressedInWeb(t *testing.T) {
	page := "<!doctype html><title>hybridplan</title>"
	h := sha256.Sum256([]byte(page))
	sums := []byte(hex.EncodeToString(h[:]) + "  index.html\n")
	for _, tc := range []struct {
		name, index, accept, encoding, body string
	}{
		{"current, brotli", page, "br, gzip", "br", "br of index.html"},
		{"current, gzip only", page, "gzip", "gzip", "gzip of index.html"},
		{"current, identity", page, "identity", "", page},
		{"edited after the build", page + "<p>new", "br, gzip", "", page + "<p>new"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"index.html":             {Data: []byte(tc.index)},
				"web/index.html.br":      {Data: []byte("br of index.html")},
				"web/index.html.gz":      {Data: []byte("gzip of index.html")},
				"web/precompressed.sums": {Data: sums},
			}
			for _, path := range []string{"/", "/index.html"} {
				req := httptest.NewRequest("GET", path, nil)
				req.Header.Set("Accept-Encoding", tc.accept)
				rec := httptest.NewRecorder()
				newWebFiles(fsys).ServeHTTP(rec, req)
				if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" ||
					rec.Header().Get("Content-Encoding") != tc.encoding || rec.Body.String() != tc.body {
					t.Errorf("%s: %d %q %q body %q; want text/html %q %q", path, rec.Code, rec.Header().Get("Content-Type"),
						rec.Header().Get("Content-Encoding"), rec.Body.String(), tc.encoding, tc.body)
				}
			}
		})
	}
}
