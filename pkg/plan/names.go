package plan

import (
	"unicode"
	"unicode/utf8"
)

// JD Cloud's rules for the names and descriptions of the resources a plan
// provisions (border gateway, VPC attachments, private virtual interfaces,
// customer gateway, VPN connection): the SDK's BgwSpec, VpcAttachmentSpec,
// CreatePrivateVifSpec, CustomerGatewaySpec and VpnConnectionSpec, and the
// API's HTTP 422 for anything else. Validation and provisioning both use
// these, so a plan that validates does not fail at the cloud on a name.
const (
	// MaxResourceNameRunes is the longest resource name JD Cloud accepts.
	MaxResourceNameRunes = 32
	// MaxDescriptionRunes is the longest resource description.
	MaxDescriptionRunes = 256
	// DescriptionPrefix starts the description provisioning gives every
	// resource that has none of its own: "hybridplan: " and the plan's name.
	DescriptionPrefix = "hybridplan: "
	// MaxPlanNameRunes is the longest plan name: the name goes into
	// descriptions after DescriptionPrefix.
	MaxPlanNameRunes = MaxDescriptionRunes - len(DescriptionPrefix)
)

// ResourceNameRule says JD Cloud's name rule in words, for messages.
const ResourceNameRule = `1–32 letters, digits, Chinese characters, "_" or "-"`

// ValidResourceName reports whether JD Cloud accepts s as a resource name:
// 1 to MaxResourceNameRunes letters, digits, Chinese (Han) characters, "_"
// and "-".
func ValidResourceName(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > MaxResourceNameRunes {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-':
		case unicode.Is(unicode.Han, r):
		default:
			return false
		}
	}
	return true
}

// ValidDescription reports whether JD Cloud accepts s as a description.
func ValidDescription(s string) bool { return utf8.RuneCountInString(s) <= MaxDescriptionRunes }

// ProvisionDescription is the description provisioning gives resources
// that have none of their own.
func (p *Plan) ProvisionDescription() string { return DescriptionPrefix + p.Name }
