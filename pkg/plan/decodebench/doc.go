// Package decodebench holds the benchmarks of plan decoding (plan.DecodeBytes)
// beside their anchors measured in the same run: validate.Check on the same
// plan, and a clean plan of the same size for the adversarial documents. It
// is a package of its own because pkg/plan cannot import pkg/plan/validate.
package decodebench
