// Command precompress writes FILE.gz and FILE.br beside FILE, so the server
// can send the WebAssembly core, the scripts and the style sheets compressed
// without compressing per request. It also records each FILE's SHA-256 in
// precompressed.sums in FILE's directory: the server sends a compressed
// sibling only while FILE still has that hash, so a script edited after the
// build is never answered with its stale compressed copy.
//
// Scripts (.js) and style sheets (.css) are minified before they are
// compressed (esbuild: whitespace, comments and syntax; names are kept), so
// a browser that accepts br or gzip gets the same program without the
// comments that explain it, and one that accepts neither gets the source as
// written. The hash stays the source's: the compressed copy is current
// while the source is.
package main

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/evanw/esbuild/pkg/api"
)

// SumsFile is the name of the hash list beside the compressed files; the
// server reads it under the same name (server/static.go).
const SumsFile = "precompressed.sums"

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: precompress FILE…")
		os.Exit(2)
	}
	sums := map[string]map[string]string{} // dir → base name → hash
	for _, name := range os.Args[1:] {
		sum, err := compress(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "precompress:", err)
			os.Exit(1)
		}
		dir := filepath.Dir(name)
		if sums[dir] == nil {
			sums[dir] = map[string]string{}
		}
		sums[dir][filepath.Base(name)] = sum
	}
	for dir, m := range sums {
		if err := updateSums(dir, m); err != nil {
			fmt.Fprintln(os.Stderr, "precompress:", err)
			os.Exit(1)
		}
	}
}

// updateSums merges m into dir's precompressed.sums ("HASH  NAME" lines,
// sorted by name), keeping the other files' lines.
func updateSums(dir string, m map[string]string) error {
	path := filepath.Join(dir, SumsFile)
	all := map[string]string{}
	if f, err := os.Open(path); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if sum, name, ok := strings.Cut(sc.Text(), "  "); ok {
				all[name] = sum
			}
		}
		f.Close()
	}
	maps.Copy(all, m)
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(all)) {
		fmt.Fprintf(&b, "%s  %s\n", all[name], name)
	}
	return writeFile(path, []byte(b.String()))
}

func writeFile(name string, data []byte) error {
	return write(name, data, func(w io.Writer) (io.WriteCloser, error) { return nopCloser{w}, nil })
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// compress writes name.gz and name.br and returns name's SHA-256 (hex).
func compress(name string) (string, error) {
	source, err := os.ReadFile(name)
	if err != nil {
		return "", err
	}
	data, err := minify(name, source)
	if err != nil {
		return "", err
	}
	if err := write(name+".gz", data, func(w io.Writer) (io.WriteCloser, error) {
		return gzip.NewWriterLevel(w, gzip.BestCompression)
	}); err != nil {
		return "", err
	}
	if err := write(name+".br", data, func(w io.Writer) (io.WriteCloser, error) {
		return brotli.NewWriterLevel(w, brotli.BestCompression), nil
	}); err != nil {
		return "", err
	}
	sum := sha256.Sum256(source)
	return hex.EncodeToString(sum[:]), nil
}

// minify returns a script or style sheet without comments and needless
// whitespace, the same program otherwise: identifiers keep their names
// (error messages and stack traces still read), nothing is bundled, and the
// syntax is left at the source's level (no lowering for older browsers).
// Other files are returned as they are.
func minify(name string, source []byte) ([]byte, error) {
	var loader api.Loader
	switch filepath.Ext(name) {
	case ".js":
		loader = api.LoaderJS
	case ".css":
		loader = api.LoaderCSS
	default:
		return source, nil
	}
	r := api.Transform(string(source), api.TransformOptions{
		Loader:            loader,
		Sourcefile:        name,
		Target:            api.ESNext,
		MinifyWhitespace:  true,
		MinifySyntax:      true,
		MinifyIdentifiers: false,
		LegalComments:     api.LegalCommentsNone,
		Charset:           api.CharsetUTF8,
	})
	if len(r.Errors) > 0 {
		m := r.Errors[0]
		where := name
		if m.Location != nil {
			where = fmt.Sprintf("%s:%d:%d", name, m.Location.Line, m.Location.Column)
		}
		return nil, fmt.Errorf("%s: %s (the script does not parse, so it is not minified or compressed)", where, m.Text)
	}
	return r.Code, nil
}

// write compresses data into name through a temporary file, so a reader
// never sees a half-written file.
func write(name string, data []byte, newWriter func(io.Writer) (io.WriteCloser, error)) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".precompress-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	zw, err := newWriter(f)
	if err == nil {
		_, err = zw.Write(data)
	}
	if err == nil {
		err = zw.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// CreateTemp makes the file 0600; a static web server running as
		// another user must be able to read it.
		err = os.Chmod(f.Name(), 0o644)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return os.Rename(f.Name(), name)
}
