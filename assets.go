// Package hybridplan holds the web app's static files (index.html and web/,
// including the WebAssembly core built by `make wasm`) so that the server and
// the command serve them from the binary.
package hybridplan

import "embed"

// WebFiles are index.html and the web/ folder.
//
//go:embed index.html web
var WebFiles embed.FS
