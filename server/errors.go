package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/plan"
)

// Request size limits. A plan is a few kilobytes; 1 MiB leaves room for
// plans with thousands of segments while keeping a hostile upload cheap.
// Every other request body is a small JSON object.
const (
	MaxPlanBytes    = 1 << 20
	MaxRequestBytes = 16 << 10
)

// apiError is the body of every error response:
// {"error": {"code", "message", "path"?, "findings"?}}.
type apiError struct {
	Status   int            `json:"-"`
	Code     string         `json:"code"`
	Message  string         `json:"message"`
	Path     string         `json:"path,omitempty"`
	Findings []plan.Finding `json:"findings,omitempty"`
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, e *apiError) {
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="hybridplan"`)
	}
	writeJSON(w, e.Status, map[string]*apiError{"error": e})
}

// readBody reads a request body up to limit bytes, insisting on JSON.
// An empty body is allowed when emptyOK (actions with optional options).
func readBody(r *http.Request, limit int64, emptyOK bool) ([]byte, *apiError) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, _ := strings.Cut(ct, ";")
		if mt = strings.TrimSpace(strings.ToLower(mt)); mt != "application/json" {
			return nil, errorf(http.StatusUnsupportedMediaType, "request.content-type", "the body must be JSON (Content-Type: application/json), not %s", mt)
		}
	}
	data, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errorf(http.StatusRequestEntityTooLarge, "request.too-large", "the body is larger than %d bytes, the limit for this request", limit)
		}
		return nil, errorf(http.StatusBadRequest, "request.read", "reading the body: %v", err)
	}
	if len(strings.TrimSpace(string(data))) == 0 && !emptyOK {
		return nil, errorf(http.StatusBadRequest, "request.empty", "the body is empty; send a JSON document")
	}
	return data, nil
}

// decodeStrict decodes a small JSON object into v, rejecting unknown
// fields and trailing data. An empty body leaves v as it is.
func decodeStrict(data []byte, v any) *apiError {
	if len(strings.TrimSpace(string(data))) == 0 {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		msg := strings.TrimPrefix(err.Error(), "json: ")
		e := errorf(http.StatusBadRequest, "request.invalid", "the body is not valid for this request: %s", msg)
		if f, ok := strings.CutPrefix(msg, "unknown field "); ok {
			e.Code, e.Path = "request.unknown-field", "$."+strings.Trim(f, `"`)
			e.Message = fmt.Sprintf("unknown field %s; see docs/server.md for the request's fields", f)
		}
		return e
	}
	if dec.More() {
		return errorf(http.StatusBadRequest, "request.invalid", "unexpected data after the JSON object")
	}
	return nil
}

// decodePlan turns a plan decoding error into a 400 naming the first field.
func decodePlanError(err error) *apiError {
	var de *plan.DecodeError
	if errors.As(err, &de) && len(de.Findings) > 0 {
		e := errorf(http.StatusBadRequest, de.Findings[0].Code, "%s", de.Findings[0].Message)
		e.Path, e.Findings = de.Findings[0].Path, de.Findings
		if len(de.Findings) > 1 {
			e.Message = fmt.Sprintf("%s (and %d more problems, listed in findings)", e.Message, len(de.Findings)-1)
		}
		return e
	}
	return errorf(http.StatusBadRequest, "plan.decode", "%v", err)
}
