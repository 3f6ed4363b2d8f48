package validate

import (
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
)

// JDCLOUD (issue 10): a region outside the profile's list is a warning
// that says the statement may be outdated; an empty list restricts nothing.
func TestRegionAvailability(t *testing.T) {
	ex, _ := examples.Get(examples.Seed)
	tests := []struct {
		name    string
		region  string
		regions []string
		want    bool
	}{
		{"outside the documented regions", "cn-north-1", []string{"cn-south-1", "cn-east-2"}, true},
		{"inside", "cn-east-2", []string{"cn-south-1", "cn-east-2"}, false},
		{"no list", "cn-north-1", nil, false},
		{"no region (its own error)", "", []string{"cn-south-1"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := plan.DecodeBytes([]byte(ex.JSON))
			if err != nil {
				t.Fatal(err)
			}
			p.Region = tc.region
			prof := plan.DefaultProfile()
			prof.Regions.BorderGatewayBGP = tc.regions
			p.Profile = &prof
			var got *plan.Finding
			for _, f := range Check(p) {
				if f.Code == CodeRegionAvailability {
					got = &f
				}
			}
			if (got != nil) != tc.want {
				t.Fatalf("finding %v, want one: %v", got, tc.want)
			}
			if got != nil && (got.Severity != plan.SeverityWarning || got.Path != "$.region") {
				t.Errorf("finding %+v, want a warning at $.region", got)
			}
		})
	}
	// The default profile carries the documented list.
	if p, _ := plan.DecodeBytes([]byte(ex.JSON)); len(p.EffectiveProfile().Regions.BorderGatewayBGP) == 0 {
		t.Error("the default profile has no region list")
	}
}
