package server

import (
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"net/http"
	"regexp"
	"strings"
)

// securityHeaders are set on every answer. The Content-Security-Policy
// allows only the server's own scripts, styles, workers and connections
// (fetches and same-origin WebSockets), WebAssembly compilation
// ('wasm-unsafe-eval', which instantiating the planner needs; it does not
// allow eval of JavaScript), no plugins, no framing and no <base>. Inline
// scripts are never allowed; inline <style> elements only by hash (see
// inlineStyleHashes).
func (s *Server) setSecurityHeaders(h http.Header) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", s.csp)
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
}

// contentSecurityPolicy builds the policy, with the hashes of the inline
// styles the page's scripts insert.
func contentSecurityPolicy(styleHashes []string) string {
	styles := "'self'"
	for _, h := range styleHashes {
		styles += " '" + h + "'"
	}
	return strings.Join([]string{
		"default-src 'self'",
		"script-src 'self' 'wasm-unsafe-eval'",
		"style-src " + styles,
		"img-src 'self' data: blob:",
		"connect-src 'self'",
		"worker-src 'self'",
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}, "; ")
}

// inlineStyle finds a style sheet a script writes into an inline <style>
// element: `const style = `…`;` (the topology diagram keeps its styles
// inside its SVG so the downloaded file is self-contained).
var inlineStyle = regexp.MustCompile("(?s)const style = `([^`$]*)`;")

// inlineStyleHashes are the CSP hashes ('sha256-…') of the inline style
// sheets in the app's scripts, so the policy allows exactly those and no
// other inline style. The hashes follow the files the binary embeds, so
// editing a style sheet needs no change here.
func inlineStyleHashes(web fs.FS) []string {
	if web == nil {
		return nil
	}
	var out []string
	_ = fs.WalkDir(web, "web", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".js") {
			return nil
		}
		data, err := fs.ReadFile(web, p)
		if err != nil {
			return nil
		}
		for _, m := range inlineStyle.FindAllSubmatch(data, -1) {
			sum := sha256.Sum256(m[1])
			out = append(out, "sha256-"+base64.StdEncoding.EncodeToString(sum[:]))
		}
		return nil
	})
	return out
}
