//go:build js && wasm && !hpcore

package main

import (
	"syscall/js"

	"github.com/hybridplan/hybridplan/wasm/api/later"
)

// laterFunctions are the functions of the second module
// (web/hybridplan-later.wasm), which the page loads on their first call:
// share links (compress/flate) and exports (router configurations and the
// provisioning calls), none of which the first screen needs. Keeping them
// out of the core makes the page's first load smaller; see API.md.
func laterFunctions() map[string]method {
	return map[string]method{
		"shareEncode": func(args []js.Value) (any, error) {
			doc, err := planArg(args, 0, "shareEncode(planJSON)")
			if err != nil {
				return nil, err
			}
			return later.ShareEncode(doc)
		},
		"shareDecode": func(args []js.Value) (any, error) {
			link, err := stringArg(args, 0, "shareDecode(fragment)", "fragment")
			if err != nil {
				return nil, err
			}
			return later.ShareDecode(link)
		},
		"exportConfig": func(args []js.Value) (any, error) {
			const sig = "exportConfig(planJSON, format, dcInterface?, wanInterface?)"
			doc, err := planArg(args, 0, sig)
			if err != nil {
				return nil, err
			}
			format, err := stringArg(args, 1, sig, "format")
			if err != nil {
				return nil, err
			}
			// The router's interface names (optional): see export.Options.
			var ifs later.ExportInterfaces
			if ifs.DC, err = optionalStringArg(args, 2, sig, "the Direct Connection interface"); err != nil {
				return nil, err
			}
			if ifs.WAN, err = optionalStringArg(args, 3, sig, "the WAN interface"); err != nil {
				return nil, err
			}
			return later.ExportConfigWith(doc, format, ifs)
		},
	}
}
