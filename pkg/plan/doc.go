// Package plan is the hybrid-connectivity plan document: one versioned JSON
// value that validation, strategy, simulation, sharing, export and
// provisioning all read.
//
// The package holds the model (model.go), its strict decoder (decode.go), the
// overridable JD Cloud profile (profile.go) and the Finding type that every
// checker reports in (finding.go). It depends on nothing outside the standard
// library so that it builds for js/wasm and linux alike; subpackages add the
// behaviour: validate, strategy, sim, export, provision.
package plan
