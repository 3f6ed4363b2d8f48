package sim

import (
	"slices"

	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

// ReceivedASPath is the AS_PATH the customer router receives on session s
// for a VPC prefix the profile says arrives with profilePath
// (asn.directConnectionPathToCustomer or asn.vpnPathToCustomer): an eBGP
// speaker always puts its own ASN first, so the session's cloud ASN (the
// interface's cloudAsn, the VPN connection's localAsn, or the profile's
// default for them) replaces the profile path's first ASN, and the rest of
// the profile's path (e.g. the border gateway's 65000 behind the dedicated
// line router) follows. It returns profilePath itself when it already
// starts with the session's ASN: announcements share their paths.
func ReceivedASPath(s strategy.Session, profilePath []uint32) []uint32 {
	switch {
	case len(profilePath) == 0:
		return []uint32{s.CloudASN}
	case profilePath[0] == s.CloudASN:
		return profilePath
	}
	out := slices.Clone(profilePath)
	out[0] = s.CloudASN
	return out
}
