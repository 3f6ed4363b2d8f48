package validate

import "testing"

func TestShapeChecks(t *testing.T) {
	for _, tt := range []struct {
		s           string
		region, env bool
	}{
		{"cn-north-1", true, false},
		{"cn-east-22", true, false},
		{"c-north-1", false, false},
		{"cn-North-1", false, false},
		{"cn-north-", false, false},
		{"cn--1", false, false},
		{"cn-north-1-a", false, false},
		{"", false, false},
		{"HYBRIDPLAN_PSK_1", false, true},
		{"_x", false, true},
		{"1ABC", false, false},
		{"A-B", false, false},
	} {
		if got := isRegionID(tt.s); got != tt.region {
			t.Errorf("isRegionID(%q) = %v, want %v", tt.s, got, tt.region)
		}
		if got := isEnvName(tt.s); got != tt.env {
			t.Errorf("isEnvName(%q) = %v, want %v", tt.s, got, tt.env)
		}
	}
}
