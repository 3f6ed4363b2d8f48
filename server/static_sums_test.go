package server

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http/httptest"
	"testing"
	"testing/fstest"
)

// TestPrecompressedOnlyWhenCurrent: with cmd/precompress's sums beside the
// files, a compressed sibling is sent only for a file that still has the
// recorded hash; an edited or unlisted file goes out as it is. Without a
// sums file, siblings are trusted.
func TestPrecompressedOnlyWhenCurrent(t *testing.T) {
	sum := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	withSums := fstest.MapFS{
		"web/app.js":             {Data: []byte("export const a = 1;")},
		"web/app.js.br":          {Data: []byte("br of app.js")},
		"web/edited.js":          {Data: []byte("export const b = 2; // edited after the build")},
		"web/edited.js.br":       {Data: []byte("br of the old edited.js")},
		"web/unlisted.js":        {Data: []byte("export {}")},
		"web/unlisted.js.br":     {Data: []byte("br of unlisted.js")},
		"web/precompressed.sums": {Data: []byte(sum("export const a = 1;") + "  app.js\n" + sum("export const b = 2;") + "  edited.js\n")},
	}
	noSums := fstest.MapFS{
		"web/app.js":    {Data: []byte("export const a = 1;")},
		"web/app.js.br": {Data: []byte("br of app.js")},
	}
	tests := []struct {
		name     string
		fsys     fstest.MapFS
		path     string
		encoding string
		body     string
	}{
		{"current", withSums, "/web/app.js", "br", "br of app.js"},
		{"edited after the build", withSums, "/web/edited.js", "", "export const b = 2; // edited after the build"},
		{"not in the sums", withSums, "/web/unlisted.js", "", "export {}"},
		{"no sums file", noSums, "/web/app.js", "br", "br of app.js"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wf := newWebFiles(tc.fsys)
			for range 2 { // the second answer comes from the cache
				req := httptest.NewRequest("GET", tc.path, nil)
				req.Header.Set("Accept-Encoding", "br, gzip")
				rec := httptest.NewRecorder()
				wf.ServeHTTP(rec, req)
				if got := rec.Header().Get("Content-Encoding"); got != tc.encoding || rec.Body.String() != tc.body {
					t.Errorf("got encoding %q body %q, want %q %q", got, rec.Body.String(), tc.encoding, tc.body)
				}
			}
		})
	}
}
