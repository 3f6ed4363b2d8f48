// Package api is the behaviour behind the WebAssembly core's JavaScript API
// (globalThis.hybridplan, documented in wasm/API.md), in plain Go so that it
// is tested natively; the js/wasm bridge in package main only converts
// arguments and results and turns calls into Promises.
//
// Every function takes plan documents as JSON text, as the page holds them,
// and returns values that marshal to the JSON shapes API.md documents.
// Failures are *Error, whose JSON is the object a Promise rejects with.
package api

import (
	"errors"

	"github.com/hybridplan/hybridplan/pkg/fmtlite"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/verdict"
)

// Error codes that are not another package's.
const (
	// CodeArgument: the call's arguments are missing or of the wrong kind,
	// a bug in the calling page.
	CodeArgument = "call.argument"
	// CodeInternal: the core hit a bug (a recovered panic).
	CodeInternal = "internal"
	// CodeDecodeInvalid is used when a decode error carries no finding,
	// which plan.DecodeBytes never does; kept so the object always has a code.
	CodeDecodeInvalid = "decode.invalid"
)

// Error is the value a Promise of the API rejects with: a stable code, a
// message a person can act on, and where it helps the JSON path of the
// field at fault, a hint and every finding (a plan that cannot be decoded).
// (The drafts' rejections, with storedRevision, come from web/draftstore.js.)
type Error struct {
	Code     string         `json:"code"`
	Message  string         `json:"message"`
	Path     string         `json:"path,omitempty"`
	Hint     string         `json:"hint,omitempty"`
	Findings []plan.Finding `json:"findings,omitempty"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// ErrorOf converts any error of the core into the rejection object:
// *plan.DecodeError keeps its findings (code and path of the first), and
// anything else becomes CodeInternal.
func ErrorOf(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var de *plan.DecodeError
	if errors.As(err, &de) {
		out := &Error{Code: CodeDecodeInvalid, Message: de.Error(), Findings: de.Findings}
		if len(de.Findings) > 0 {
			f := de.Findings[0]
			out.Code, out.Path, out.Hint = f.Code, f.Path, f.Hint
			if len(de.Findings) == 1 {
				out.Message = f.Message
			}
		}
		return out
	}
	return &Error{Code: CodeInternal, Message: "the planner core failed: " + err.Error(),
		Hint: "this is a bug in hybridplan; reload the page (drafts are kept) and report what you did"}
}

// ArgumentError reports a call made with the wrong arguments.
func ArgumentError(format string, args ...any) *Error {
	return &Error{Code: CodeArgument, Message: fmtlite.Sprintf(format, args...),
		Hint: "this is a bug in the page calling the planner core; see wasm/API.md"}
}

// ValidateResult is what validate resolves with.
type ValidateResult struct {
	// OK is true when no finding is an error (warnings allowed).
	OK bool `json:"ok"`
	// Findings are sorted by severity, then path; never null.
	Findings []plan.Finding `json:"findings"`
}

// Validate decodes the plan strictly and runs every check. A document that
// cannot be decoded is not a failure of the call: its problems come back as
// findings (codes decode.*) so the page can attach them to fields.
func Validate(doc string) ValidateResult {
	p, err := plan.DecodeBytes([]byte(doc))
	var fs []plan.Finding
	if err != nil {
		var de *plan.DecodeError
		if !errors.As(err, &de) {
			// DecodeBytes returns only *DecodeError; stay total anyway.
			de = &plan.DecodeError{Findings: []plan.Finding{{Code: CodeDecodeInvalid, Severity: plan.SeverityError, Path: "$", Message: err.Error()}}}
		}
		fs = append(fs, de.Findings...)
	} else {
		fs = append(fs, verdict.Quick(p)...)
	}
	if fs == nil {
		fs = []plan.Finding{}
	}
	plan.SortFindings(fs)
	return ValidateResult{OK: !plan.HasErrors(fs), Findings: fs}
}

// ProfileInfo is what defaultProfile resolves with.
type ProfileInfo struct {
	Profile plan.Profile `json:"profile"`
	// Sources names the JD Cloud document (or assumption) behind each group
	// of values, keyed by its JSON path inside the profile ("asn.customer").
	Sources map[string]string `json:"sources"`
}

// DefaultProfile returns JD Cloud's documented values and their sources.
func DefaultProfile() ProfileInfo {
	return ProfileInfo{Profile: plan.DefaultProfile(), Sources: plan.ProfileSources()}
}
