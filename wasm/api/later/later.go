// Package later is the behaviour behind the functions of the WebAssembly
// core's later module (web/hybridplan-later.wasm, wasm/API.md): share links
// and exports, which the first screen does not need, so the core module
// does not link them (nor compress/flate, pkg/plan/export and
// pkg/plan/provision). Errors are *api.Error, as in package api.
package later

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/export"
	"github.com/hybridplan/hybridplan/pkg/plan/provision"
	"github.com/hybridplan/hybridplan/pkg/plan/share"
	"github.com/hybridplan/hybridplan/wasm/api"
)

// ShareEncode returns the share-link fragment (without "#") of a plan
// document. A document that is not a valid plan fails with its decode
// findings: a link must open as a plan.
func ShareEncode(doc string) (string, error) {
	frag, err := share.EncodeJSON([]byte(doc))
	return frag, shareError(err)
}

// ShareDecode returns the plan document a share link (or its fragment)
// carries, indented for people. It fails with share.version, share.corrupt
// or, for an intact link whose document is not a valid plan, the decode
// findings.
func ShareDecode(link string) (string, error) {
	doc, err := share.DecodeDocument(link)
	if err != nil {
		return "", shareError(err)
	}
	if _, err := plan.DecodeBytes(doc); err != nil {
		return "", err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, doc, "", "  "); err != nil {
		return "", fmt.Errorf("indenting the shared plan: %w", err)
	}
	out.WriteByte('\n')
	return out.String(), nil
}

// ExportConfig renders the plan in a format of ExportFormats, as text: a
// router configuration, the plan file, or (FormatCalls) the ordered JD
// Cloud calls as indented JSON.
func ExportConfig(doc, format string) (string, error) {
	return ExportConfigWith(doc, format, ExportInterfaces{})
}

// ExportInterfaces names the customer router's interfaces in a router
// configuration (export.Options.DCInterface and WANInterface); empty takes
// the vendor's example names. Other formats ignore them.
type ExportInterfaces struct {
	DC, WAN string
}

// ExportConfigWith is ExportConfig with the router's interface names.
func ExportConfigWith(doc, format string, ifs ExportInterfaces) (string, error) {
	if format == api.FormatCallsAlias {
		format = api.FormatCalls
	}
	if !slices.Contains(export.Formats(), format) {
		return "", &api.Error{Code: api.CodeExportFormat,
			Message: fmt.Sprintf("%q is not an export format", format),
			Hint:    "use one of: " + strings.Join(export.Formats(), ", ")}
	}
	p, err := plan.DecodeBytes([]byte(doc))
	if err != nil {
		return "", err
	}
	out, err := export.Render(p, format, export.Options{DCInterface: ifs.DC, WANInterface: ifs.WAN})
	if err != nil {
		var inv *export.InvalidPlanError
		if errors.As(err, &inv) {
			return "", invalidForExport(inv.Findings)
		}
		var pe *provision.Error
		if errors.As(err, &pe) {
			return "", provisionError(pe)
		}
		return "", &api.Error{Code: api.CodeExportFormat, Message: err.Error()}
	}
	return string(out), nil
}

func invalidForExport(fs []plan.Finding) *api.Error {
	e := &api.Error{Code: api.CodePlanInvalid, Message: "the plan has errors, so it cannot be exported", Findings: fs,
		Hint: "fix the errors listed under findings; a configuration for a plan with errors would be wrong on a real router"}
	if len(fs) > 0 {
		e.Path = fs[0].Path
	}
	return e
}

// provisionError turns the fields JD Cloud needs into findings, so the page
// attaches them to fields like validation's.
func provisionError(pe *provision.Error) *api.Error {
	e := &api.Error{Code: api.CodeProvision, Message: pe.Error(),
		Hint: "fill in what JD Cloud needs (ids of existing VPCs and subnets, names, pre-shared key references)"}
	for _, pr := range pe.Problems {
		e.Findings = append(e.Findings, plan.Finding{Code: api.CodeProvision, Severity: plan.SeverityError, Path: pr.Path, Message: pr.Message})
	}
	if len(pe.Problems) > 0 {
		e.Path = pe.Problems[0].Path
	}
	return e
}

// shareError keeps a *share.Error's code, message and hint in the rejection
// object; other errors (decode findings) go through api.ErrorOf as they are.
func shareError(err error) error {
	var se *share.Error
	if errors.As(err, &se) {
		return &api.Error{Code: se.Code, Message: se.Message, Hint: se.Hint}
	}
	return err
}
