package plan

import (
	"io"

	"github.com/hybridplan/hybridplan/pkg/jsonenc"
)

// Encode writes the plan as indented JSON, the form kept in git.
//
// The bytes are those of encoding/json's Encoder with SetIndent("", "  "),
// the trailing newline included; pkg/jsonenc writes them so that the wasm
// core, which links this package, does not link encoding/json (issue 14).
func Encode(w io.Writer, p *Plan) error {
	b, err := jsonenc.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
