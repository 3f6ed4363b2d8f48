package validate

import (
	"slices"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/fmtlite"
)

// JDCLOUD (issue 10): region availability.
//
//	region.availability             warning  the region is not among the profile's documented regions

// CodeRegionAvailability: the plan's region is not among the regions the
// profile's documents say offer VPC attachments and BGP on the border
// gateway (profile.regions.borderGatewayBgp). A warning, since the
// statement may be outdated; `hybridplan jdcloud preflight` asks the
// region itself.
const (
	CodeRegionAvailability = "region.availability"
)

func (c *checker) checkRegionAvailability() {
	rs := c.prof.Regions.BorderGatewayBGP
	// A region that does not look like a region id has its own finding.
	if !isRegionID(c.p.Region) || len(rs) == 0 || slices.Contains(rs, c.p.Region) {
		return
	}
	c.warn(CodeRegionAvailability, "$.region",
		fmtlite.Sprintf("region %s is not among the regions where JD Cloud's documents say VPC attachments and BGP on the border gateway are released (%s); that statement may be outdated", c.p.Region, strings.Join(rs, ", ")),
		"run `hybridplan jdcloud preflight` against the region before provisioning, or ask JD Cloud; correct profile.regions.borderGatewayBgp if the region offers them")
}
