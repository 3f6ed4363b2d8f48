package standin

import (
	"slices"

	bgw "github.com/jdcloud-api/jdcloud-sdk-go/services/bgw/models"

	"github.com/hybridplan/hybridplan/pkg/plan"
)

// Request bodies as JD Cloud reads them: every optional field of the SDK's
// model (services/bgw/models/*Spec.go) is a pointer, so the stand-in tells
// "absent" (take the documented default) from "sent as zero" (check it
// against the documented range and refuse it when outside). The SDK's
// models have no omitempty, so decoding into them would read an unset
// "bandwidthMbps": 0 or "ipsecKeyExchange": "" as "unset" and hide a
// client that sends zero values. These types are written from the model
// files independently of the client's (server/jdcloud/endpoints.go), so a
// field the client misnames is an unknown field here and refused.
//
// Wrongly typed fields (a string where the model has an int) fail the
// decode and are refused as INVALID_ARGUMENT.

type bgwSpecIn struct {
	BgwName     string  `json:"bgwName"`
	Description *string `json:"description"`
	AzType      *string `json:"azType"`
	Az          *string `json:"az"`
}

func (in *bgwSpecIn) model() bgw.BgwSpec {
	return bgw.BgwSpec{BgwName: in.BgwName, Description: deref(in.Description), AzType: deref(in.AzType), Az: deref(in.Az)}
}

type vpcAttachmentSpecIn struct {
	VpcAttachmentName string   `json:"vpcAttachmentName"`
	VpcId             string   `json:"vpcId"`
	PropagateType     string   `json:"propagateType"`
	BgwId             string   `json:"bgwId"`
	SubnetIds         []string `json:"subnetIds"`
}

func (in *vpcAttachmentSpecIn) model() bgw.VpcAttachmentSpec {
	return bgw.VpcAttachmentSpec{VpcAttachmentName: in.VpcAttachmentName, VpcId: in.VpcId, PropagateType: in.PropagateType, BgwId: in.BgwId, SubnetIds: in.SubnetIds}
}

type peerIpsIn struct {
	CustomerIp string `json:"customerIp"`
	JdCloudIp  string `json:"jdCloudIp"`
}

type bgpSpecIn struct {
	AddressFamily *string `json:"addressFamily"`
	CustomerAsn   *int    `json:"customerAsn"`
	AuthKey       *string `json:"authKey"`
}

type nqaIn struct {
	TxInterval      *int `json:"txInterval"`
	ThresholdCount  *int `json:"thresholdCount"`
	ResponseTimeout *int `json:"responseTimeout"`
}

type bfdIn struct {
	MinTxInterval    *int `json:"minTxInterval"`
	MinRxInterval    *int `json:"minRxInterval"`
	DetectMultiplier *int `json:"detectMultiplier"`
}

type healthCheckIn struct {
	HealthCheckType *string `json:"healthCheckType"`
	NqaInfo         *nqaIn  `json:"nqaInfo"`
	BfdInfo         *bfdIn  `json:"bfdInfo"`
}

type privateVifSpecIn struct {
	PrivateVifName string         `json:"privateVifName"`
	ConnectionId   string         `json:"connectionId"`
	BgwId          string         `json:"bgwId"`
	Vlan           *int           `json:"vlan"`
	Description    *string        `json:"description"`
	EnableBgp      *bool          `json:"enableBgp"`
	PeerIps        []peerIpsIn    `json:"peerIps"`
	BgpSpec        *bgpSpecIn     `json:"bgpSpec"`
	HealthCheck    *healthCheckIn `json:"healthCheck"`
}

type customerGatewaySpecIn struct {
	CustomerGatewayName string   `json:"customerGatewayName"`
	CustomerIps         []string `json:"customerIps"`
	BgpAsn              *int     `json:"bgpAsn"`
	Description         *string  `json:"description"`
}

type vpnConnectionSpecIn struct {
	VpnConnectionName string  `json:"vpnConnectionName"`
	Description       *string `json:"description"`
	BgwId             string  `json:"bgwId"`
	CgwId             string  `json:"cgwId"`
	BgpEnabled        *bool   `json:"bgpEnabled"`
	LocalAsn          *int    `json:"localAsn"`
}

type vpnTunnelSpecIn struct {
	VpnConnectionId  string  `json:"vpnConnectionId"`
	CloudPublicIp    string  `json:"cloudPublicIp"`
	CustomerIp       string  `json:"customerIp"`
	Psk              string  `json:"psk"`
	TunnelIp         *string `json:"tunnelIp"`
	LocalTunnelIp    *string `json:"localTunnelIp"`
	IkeVersion       *string `json:"ikeVersion"`
	IkeMode          *string `json:"ikeMode"`
	IkeKeyExchange   *string `json:"ikeKeyExchange"`
	IkeCipher        *string `json:"ikeCipher"`
	IkeAuth          *string `json:"ikeAuth"`
	IkeDpdSec        *int    `json:"ikeDpdSec"`
	IkeSaLifeSec     *int    `json:"ikeSaLifeSec"`
	IpsecCipher      *string `json:"ipsecCipher"`
	IpsecAuth        *string `json:"ipsecAuth"`
	IpsecKeyExchange *string `json:"ipsecKeyExchange"`
	IpsecSaLifeSec   *int    `json:"ipsecSaLifeSec"`
	IpsecSaLifepkt   *int64  `json:"ipsecSaLifepkt"`
	IpsecSaLifebyte  *int64  `json:"ipsecSaLifebyte"`
	BandwidthMbps    *int    `json:"bandwidthMbps"`
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// intIn reads an optional int: absent takes def; present must lie in r.
func intIn(field string, v *int, r plan.IntRange, def int) (int, *apiError) {
	if v == nil {
		return def, nil
	}
	if !r.Contains(*v) {
		return 0, invalid("%s %d is outside [%d,%d]", field, *v, r.Min, r.Max)
	}
	return *v, nil
}

// oneOf reads an optional enum: absent takes def; present (even "") must
// be one of allowed.
func oneOf(field string, v *string, def string, allowed []string) (string, *apiError) {
	if v == nil {
		return def, nil
	}
	if !slices.Contains(allowed, *v) {
		return "", invalid("%s %q: use one of %v", field, *v, allowed)
	}
	return *v, nil
}
