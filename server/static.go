package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// webFiles serves the app: index.html at / and web/… as they are in the
// binary. A file with precompressed .br or .gz siblings (the wasm core, the
// scripts, the style sheets: cmd/precompress) is served compressed when the
// client accepts it and the sibling is current (precompressedCurrent).
// Files carry a content-hash ETag and "no-cache": the browser revalidates
// each load and gets a 304 while nothing changed, so a new build is never
// masked by a stale cache.
type webFiles struct {
	fsys fs.FS

	mu      sync.Mutex
	etags   map[string]string
	current map[string]bool              // name → its siblings may be sent
	sums    map[string]map[string]string // dir → precompressed.sums (nil: none)
}

func newWebFiles(fsys fs.FS) *webFiles {
	return &webFiles{fsys: fsys, etags: map[string]string{}, current: map[string]bool{}, sums: map[string]map[string]string{}}
}

// sumsFile is what cmd/precompress writes beside the compressed files: the
// SHA-256 of each file it compressed ("HASH  NAME" lines).
const sumsFile = "precompressed.sums"

// compressedBase is where name's precompressed siblings are: beside it, but
// for index.html in web/ (web/index.html.br, .gz, with its hash in
// web/precompressed.sums), since the binary embeds only index.html itself
// from the top of the repository (assets.go) and every build output lives
// in web/.
func compressedBase(name string) string {
	if name == "index.html" {
		return "web/index.html"
	}
	return name
}

// precompressedCurrent reports whether name's .br/.gz siblings were made
// from data. Where cmd/precompress wrote its sums, a sibling is sent only
// while the file still has the recorded hash: a script edited after the
// build is served as it is now, uncompressed, never as its stale copy.
// Without a sums file (siblings made by hand) the siblings are trusted.
func (wf *webFiles) precompressedCurrent(name string, data []byte) bool {
	wf.mu.Lock()
	defer wf.mu.Unlock()
	if ok, seen := wf.current[name]; seen {
		return ok
	}
	base := compressedBase(name)
	dir := path.Dir(base)
	sums, loaded := wf.sums[dir]
	if !loaded {
		if raw, err := fs.ReadFile(wf.fsys, path.Join(dir, sumsFile)); err == nil {
			sums = map[string]string{}
			for line := range strings.Lines(string(raw)) {
				if sum, file, ok := strings.Cut(strings.TrimSpace(line), "  "); ok {
					sums[file] = sum
				}
			}
		}
		wf.sums[dir] = sums
	}
	ok := true
	if sums != nil {
		h := sha256.Sum256(data)
		ok = sums[path.Base(base)] == hex.EncodeToString(h[:])
	}
	wf.current[name] = ok
	return ok
}

// encodings are the precompressed variants, best first.
var encodings = []struct{ name, ext string }{{"br", ".br"}, {"gzip", ".gz"}}

func (wf *webFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, errorf(http.StatusMethodNotAllowed, "method", "%s is not allowed on the app's files; use GET", r.Method))
		return
	}
	name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
	switch {
	case name == "" || name == "index.html":
		name = "index.html"
	case strings.HasPrefix(name, "web/"):
	default:
		writeError(w, errorf(http.StatusNotFound, "not-found", "no page %s; the app is at /", r.URL.Path))
		return
	}
	data, err := fs.ReadFile(wf.fsys, name)
	if err != nil {
		writeError(w, errorf(http.StatusNotFound, "not-found", "no file %s in this build of the app", r.URL.Path))
		return
	}
	h := w.Header()
	ctype := mime.TypeByExtension(path.Ext(name))
	if path.Ext(name) == ".wasm" {
		ctype = "application/wasm" // instantiateStreaming insists on it
	}
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	h.Set("Content-Type", ctype)
	h.Set("Cache-Control", "no-cache")
	h.Add("Vary", "Accept-Encoding")
	served, encoded := name, ""
	for _, enc := range encodings {
		if !accepts(r.Header.Get("Accept-Encoding"), enc.name) || !wf.precompressedCurrent(name, data) {
			continue
		}
		if zdata, err := fs.ReadFile(wf.fsys, compressedBase(name)+enc.ext); err == nil {
			data, served, encoded = zdata, compressedBase(name)+enc.ext, enc.name
			break
		}
	}
	if encoded != "" {
		h.Set("Content-Encoding", encoded)
	}
	h.Set("ETag", wf.etag(served, data))
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
}

func (wf *webFiles) etag(name string, data []byte) string {
	wf.mu.Lock()
	defer wf.mu.Unlock()
	if t, ok := wf.etags[name]; ok {
		return t
	}
	sum := sha256.Sum256(data)
	t := `"` + hex.EncodeToString(sum[:12]) + `"`
	wf.etags[name] = t
	return t
}

// accepts reports whether an Accept-Encoding header allows coding (q=0
// refuses it).
func accepts(header, coding string) bool {
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), coding) {
			continue
		}
		params = strings.ReplaceAll(params, " ", "")
		return !strings.HasPrefix(params, "q=0") || strings.HasPrefix(params, "q=0.") && strings.Trim(params[4:], "0") != ""
	}
	return false
}
