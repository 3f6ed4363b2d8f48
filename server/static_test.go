package server

import (
	"io"
	"net/http"
	"testing"
)

func TestStaticFiles(t *testing.T) {
	ts := newTestServer(t, testOptions{})
	tests := []struct {
		name, path, accept    string
		status                int
		ctype, encoding, body string
	}{
		{"index", "/", "", 200, "text/html; charset=utf-8", "", "<!doctype html><title>hybridplan</title>"},
		{"wasm with brotli", "/web/hybridplan.wasm", "gzip, deflate, br", 200, "application/wasm", "br", "brotli bytes"},
		{"wasm with gzip only", "/web/hybridplan.wasm", "gzip", 200, "application/wasm", "gzip", "gzip bytes"},
		{"wasm with br refused", "/web/hybridplan.wasm", "br;q=0, gzip", 200, "application/wasm", "gzip", "gzip bytes"},
		{"wasm uncompressed", "/web/hybridplan.wasm", "identity", 200, "application/wasm", "", "\x00asm raw"},
		{"script", "/web/app.js", "br", 200, "text/javascript; charset=utf-8", "", "export {}"},
		{"missing", "/web/nope.js", "", 404, "application/json; charset=utf-8", "", ""},
		{"outside web", "/go.mod", "", 404, "application/json; charset=utf-8", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", ts.http.URL+tc.path, nil)
			req.Header.Set("Accept-Encoding", tc.accept)
			// A transport that does not decompress, to see what was sent.
			resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
			must(t, err)
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || resp.Header.Get("Content-Type") != tc.ctype || resp.Header.Get("Content-Encoding") != tc.encoding {
				t.Errorf("got %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Encoding"))
			}
			if tc.status == 200 {
				if string(body) != tc.body {
					t.Errorf("body %q, want %q", body, tc.body)
				}
				if resp.Header.Get("Cache-Control") != "no-cache" || resp.Header.Get("ETag") == "" {
					t.Errorf("cache headers %q, ETag %q: want no-cache with an ETag", resp.Header.Get("Cache-Control"), resp.Header.Get("ETag"))
				}
				// Revalidation with the ETag costs a 304 and no body.
				req2, _ := http.NewRequest("GET", ts.http.URL+tc.path, nil)
				req2.Header.Set("Accept-Encoding", tc.accept)
				req2.Header.Set("If-None-Match", resp.Header.Get("ETag"))
				resp2, err := (&http.Transport{DisableCompression: true}).RoundTrip(req2)
				must(t, err)
				resp2.Body.Close()
				if resp2.StatusCode != http.StatusNotModified {
					t.Errorf("revalidation: %d, want 304", resp2.StatusCode)
				}
			}
		})
	}
}
