package jdcloud

// Every JD Cloud operation this package sends, with its service, HTTP method
// and path, in this one file so that it can be checked line by line against
// JD Cloud's API reference.
//
// The border-gateway operations (service "bgw", API version v1) are listed
// in the SDK's services/bgw/ChangeLog.md (1.0.0 border gateways and private
// virtual interfaces, 1.1.0 VPC attachments, 1.2.0 customer gateways, VPN
// connections and tunnels) but jdcloud-sdk-go v1.64.0 generates only
// DescribeConnections and ModifyAdminStatus. The request types below are
// written the way the SDK's generator writes them (a struct embedding
// core.JDCloudRequest, path parameters as fields, the body's spec as the
// SDK's own model type) and are sent with the SDK's core.JDCloudClient.Send,
// which signs them. Paths follow the SDK's own bgw and vpc paths: a
// collection is "/regions/{regionId}/<plural>/" (GET lists, POST creates, as
// DescribeConnections' "/regions/{regionId}/connections/" and CreateVpc's
// "/regions/{regionId}/vpcs/"), one resource is
// "/regions/{regionId}/<plural>/{<kind>Id}" (GET, DELETE), and an action on
// one is ".../{id}:<action>" (POST, as ModifyAdminStatus). Create bodies
// carry "<kind>Spec" (BgwSpec, VpcAttachmentSpec, CreatePrivateVifSpec,
// CustomerGatewaySpec, VpnConnectionSpec, VpnTunnelSpec); create results
// carry "<kind>Id"; describe results carry "<kind>" or "<plural>" and
// "totalCount".
//
// The VPC operations are the SDK's generated ones (services/vpc/apis); they
// are listed here too so this file is the complete list.

import (
	"github.com/jdcloud-api/jdcloud-sdk-go/core"
	bgwapis "github.com/jdcloud-api/jdcloud-sdk-go/services/bgw/apis"
	bgw "github.com/jdcloud-api/jdcloud-sdk-go/services/bgw/models"
	common "github.com/jdcloud-api/jdcloud-sdk-go/services/common/models"
	vpcapis "github.com/jdcloud-api/jdcloud-sdk-go/services/vpc/apis"
)

// Services and their public endpoints, used when Config.Endpoint is empty.
const (
	serviceBGW = "bgw"
	serviceVPC = "vpc"
	apiVersion = "v1"
)

var defaultEndpoints = map[string]string{
	serviceBGW: "bgw.jdcloud-api.com",
	serviceVPC: "vpc.jdcloud-api.com",
}

// endpoint is one operation: where it goes and the request type that
// carries its fields.
type endpoint struct {
	Action  string
	Service string
	Method  string
	// Path is the SDK's URL template, without the version prefix.
	Path string
	// New returns a fresh request value (a pointer) for the operation.
	New func() core.RequestInterface
}

func req(method, path string) core.JDCloudRequest {
	return core.JDCloudRequest{URL: path, Method: method, Version: apiVersion}
}

// endpoints is the complete list, by action.
var endpoints = func() map[string]endpoint {
	list := []endpoint{
		// Border gateways.
		{"CreateBgw", serviceBGW, "POST", "/regions/{regionId}/bgws/", func() core.RequestInterface {
			return &CreateBgwRequest{JDCloudRequest: req("POST", "/regions/{regionId}/bgws/")}
		}},
		{"DescribeBgws", serviceBGW, "GET", "/regions/{regionId}/bgws/", func() core.RequestInterface {
			return &DescribeListRequest{JDCloudRequest: req("GET", "/regions/{regionId}/bgws/")}
		}},
		{"DescribeBgw", serviceBGW, "GET", "/regions/{regionId}/bgws/{bgwId}", func() core.RequestInterface {
			return &BgwIDRequest{JDCloudRequest: req("GET", "/regions/{regionId}/bgws/{bgwId}")}
		}},
		{"DeleteBgw", serviceBGW, "DELETE", "/regions/{regionId}/bgws/{bgwId}", func() core.RequestInterface {
			return &BgwIDRequest{JDCloudRequest: req("DELETE", "/regions/{regionId}/bgws/{bgwId}")}
		}},

		// VPC attachments.
		{"CreateVpcAttachment", serviceBGW, "POST", "/regions/{regionId}/vpcAttachments/", func() core.RequestInterface {
			return &CreateVpcAttachmentRequest{JDCloudRequest: req("POST", "/regions/{regionId}/vpcAttachments/")}
		}},
		{"DescribeVpcAttachments", serviceBGW, "GET", "/regions/{regionId}/vpcAttachments/", func() core.RequestInterface {
			return &DescribeListRequest{JDCloudRequest: req("GET", "/regions/{regionId}/vpcAttachments/")}
		}},
		{"DescribeVpcAttachment", serviceBGW, "GET", "/regions/{regionId}/vpcAttachments/{vpcAttachmentId}", func() core.RequestInterface {
			return &VpcAttachmentIDRequest{JDCloudRequest: req("GET", "/regions/{regionId}/vpcAttachments/{vpcAttachmentId}")}
		}},
		{"DeleteVpcAttachment", serviceBGW, "DELETE", "/regions/{regionId}/vpcAttachments/{vpcAttachmentId}", func() core.RequestInterface {
			return &VpcAttachmentIDRequest{JDCloudRequest: req("DELETE", "/regions/{regionId}/vpcAttachments/{vpcAttachmentId}")}
		}},

		// Private virtual interfaces.
		{"CreatePrivateVif", serviceBGW, "POST", "/regions/{regionId}/privateVifs/", func() core.RequestInterface {
			return &CreatePrivateVifRequest{JDCloudRequest: req("POST", "/regions/{regionId}/privateVifs/")}
		}},
		{"DescribePrivateVifs", serviceBGW, "GET", "/regions/{regionId}/privateVifs/", func() core.RequestInterface {
			return &DescribeListRequest{JDCloudRequest: req("GET", "/regions/{regionId}/privateVifs/")}
		}},
		{"DescribePrivateVif", serviceBGW, "GET", "/regions/{regionId}/privateVifs/{privateVifId}", func() core.RequestInterface {
			return &PrivateVifIDRequest{JDCloudRequest: req("GET", "/regions/{regionId}/privateVifs/{privateVifId}")}
		}},
		{"DeletePrivateVif", serviceBGW, "DELETE", "/regions/{regionId}/privateVifs/{privateVifId}", func() core.RequestInterface {
			return &PrivateVifIDRequest{JDCloudRequest: req("DELETE", "/regions/{regionId}/privateVifs/{privateVifId}")}
		}},

		// Customer gateways.
		{"CreateCustomerGateway", serviceBGW, "POST", "/regions/{regionId}/customerGateways/", func() core.RequestInterface {
			return &CreateCustomerGatewayRequest{JDCloudRequest: req("POST", "/regions/{regionId}/customerGateways/")}
		}},
		{"DescribeCustomerGateways", serviceBGW, "GET", "/regions/{regionId}/customerGateways/", func() core.RequestInterface {
			return &DescribeListRequest{JDCloudRequest: req("GET", "/regions/{regionId}/customerGateways/")}
		}},
		{"DescribeCustomerGateway", serviceBGW, "GET", "/regions/{regionId}/customerGateways/{customerGatewayId}", func() core.RequestInterface {
			return &CustomerGatewayIDRequest{JDCloudRequest: req("GET", "/regions/{regionId}/customerGateways/{customerGatewayId}")}
		}},
		{"DeleteCustomerGateway", serviceBGW, "DELETE", "/regions/{regionId}/customerGateways/{customerGatewayId}", func() core.RequestInterface {
			return &CustomerGatewayIDRequest{JDCloudRequest: req("DELETE", "/regions/{regionId}/customerGateways/{customerGatewayId}")}
		}},

		// VPN connections.
		{"CreateVpnConnection", serviceBGW, "POST", "/regions/{regionId}/vpnConnections/", func() core.RequestInterface {
			return &CreateVpnConnectionRequest{JDCloudRequest: req("POST", "/regions/{regionId}/vpnConnections/")}
		}},
		{"DescribeVpnConnections", serviceBGW, "GET", "/regions/{regionId}/vpnConnections/", func() core.RequestInterface {
			return &DescribeListRequest{JDCloudRequest: req("GET", "/regions/{regionId}/vpnConnections/")}
		}},
		{"DescribeVpnConnection", serviceBGW, "GET", "/regions/{regionId}/vpnConnections/{vpnConnectionId}", func() core.RequestInterface {
			return &VpnConnectionIDRequest{JDCloudRequest: req("GET", "/regions/{regionId}/vpnConnections/{vpnConnectionId}")}
		}},
		{"DeleteVpnConnection", serviceBGW, "DELETE", "/regions/{regionId}/vpnConnections/{vpnConnectionId}", func() core.RequestInterface {
			return &VpnConnectionIDRequest{JDCloudRequest: req("DELETE", "/regions/{regionId}/vpnConnections/{vpnConnectionId}")}
		}},

		// VPN tunnels.
		{"CreateVpnTunnel", serviceBGW, "POST", "/regions/{regionId}/vpnTunnels/", func() core.RequestInterface {
			return &CreateVpnTunnelRequest{JDCloudRequest: req("POST", "/regions/{regionId}/vpnTunnels/")}
		}},
		{"DescribeVpnTunnels", serviceBGW, "GET", "/regions/{regionId}/vpnTunnels/", func() core.RequestInterface {
			return &DescribeListRequest{JDCloudRequest: req("GET", "/regions/{regionId}/vpnTunnels/")}
		}},
		{"DescribeVpnTunnel", serviceBGW, "GET", "/regions/{regionId}/vpnTunnels/{vpnTunnelId}", func() core.RequestInterface {
			return &VpnTunnelIDRequest{JDCloudRequest: req("GET", "/regions/{regionId}/vpnTunnels/{vpnTunnelId}")}
		}},
		{"DeleteVpnTunnel", serviceBGW, "DELETE", "/regions/{regionId}/vpnTunnels/{vpnTunnelId}", func() core.RequestInterface {
			return &VpnTunnelIDRequest{JDCloudRequest: req("DELETE", "/regions/{regionId}/vpnTunnels/{vpnTunnelId}")}
		}},

		// Physical connections: generated by the SDK.
		{"DescribeConnections", serviceBGW, "GET", "/regions/{regionId}/connections/", func() core.RequestInterface {
			return bgwapis.NewDescribeConnectionsRequestWithoutParam()
		}},

		// VPC: generated by the SDK.
		{"DescribeVpc", serviceVPC, "GET", "/regions/{regionId}/vpcs/{vpcId}", func() core.RequestInterface {
			return vpcapis.NewDescribeVpcRequestWithoutParam()
		}},
		{"DescribeRouteTable", serviceVPC, "GET", "/regions/{regionId}/routeTables/{routeTableId}", func() core.RequestInterface {
			return vpcapis.NewDescribeRouteTableRequestWithoutParam()
		}},
		{"AddRouteTableRules", serviceVPC, "POST", "/regions/{regionId}/routeTables/{routeTableId}:addRouteTableRules", func() core.RequestInterface {
			return vpcapis.NewAddRouteTableRulesRequestWithoutParam()
		}},
		{"RemoveRouteTableRules", serviceVPC, "POST", "/regions/{regionId}/routeTables/{routeTableId}:removeRouteTableRules", func() core.RequestInterface {
			return vpcapis.NewRemoveRouteTableRulesRequestWithoutParam()
		}},
	}
	m := make(map[string]endpoint, len(list))
	for _, e := range list {
		m[e.Action] = e
	}
	return m
}()

// Filter names of the list operations, in JD Cloud's style (the SDK's
// DescribeConnections takes "connectionIds", DescribeVpcs "vpcNames").
const (
	filterBgwNames             = "bgwNames"
	filterVpcAttachmentNames   = "vpcAttachmentNames"
	filterPrivateVifNames      = "privateVifNames"
	filterCustomerGatewayNames = "customerGatewayNames"
	filterVpnConnectionNames   = "vpnConnectionNames"
	filterVpnConnectionID      = "vpnConnectionId"
	filterConnectionIDs        = "connectionIds"
)

// DescribeListRequest is the request of every list operation: paging and
// filters, as the SDK's DescribeConnectionsRequest.
type DescribeListRequest struct {
	core.JDCloudRequest
	RegionId   string          `json:"regionId"`
	PageNumber *int            `json:"pageNumber"`
	PageSize   *int            `json:"pageSize"`
	Filters    []common.Filter `json:"filters"`
}

// GetRegionId returns the path parameter regionId (the signer needs it).
func (r DescribeListRequest) GetRegionId() string { return r.RegionId }

// CreateBgwRequest creates a border gateway.
type CreateBgwRequest struct {
	core.JDCloudRequest
	RegionId string       `json:"regionId"`
	BgwSpec  *bgw.BgwSpec `json:"bgwSpec"`
}

// GetRegionId returns the path parameter regionId.
func (r CreateBgwRequest) GetRegionId() string { return r.RegionId }

// BgwIDRequest addresses one border gateway (describe, delete).
type BgwIDRequest struct {
	core.JDCloudRequest
	RegionId string `json:"regionId"`
	BgwId    string `json:"bgwId"`
}

// GetRegionId returns the path parameter regionId.
func (r BgwIDRequest) GetRegionId() string { return r.RegionId }

// CreateVpcAttachmentRequest attaches a VPC to a border gateway.
type CreateVpcAttachmentRequest struct {
	core.JDCloudRequest
	RegionId          string                 `json:"regionId"`
	VpcAttachmentSpec *bgw.VpcAttachmentSpec `json:"vpcAttachmentSpec"`
}

// GetRegionId returns the path parameter regionId.
func (r CreateVpcAttachmentRequest) GetRegionId() string { return r.RegionId }

// VpcAttachmentIDRequest addresses one VPC attachment.
type VpcAttachmentIDRequest struct {
	core.JDCloudRequest
	RegionId        string `json:"regionId"`
	VpcAttachmentId string `json:"vpcAttachmentId"`
}

// GetRegionId returns the path parameter regionId.
func (r VpcAttachmentIDRequest) GetRegionId() string { return r.RegionId }

// CreatePrivateVifRequest creates a private virtual interface.
type CreatePrivateVifRequest struct {
	core.JDCloudRequest
	RegionId       string                    `json:"regionId"`
	PrivateVifSpec *bgw.CreatePrivateVifSpec `json:"privateVifSpec"`
}

// GetRegionId returns the path parameter regionId.
func (r CreatePrivateVifRequest) GetRegionId() string { return r.RegionId }

// PrivateVifIDRequest addresses one private virtual interface.
type PrivateVifIDRequest struct {
	core.JDCloudRequest
	RegionId     string `json:"regionId"`
	PrivateVifId string `json:"privateVifId"`
}

// GetRegionId returns the path parameter regionId.
func (r PrivateVifIDRequest) GetRegionId() string { return r.RegionId }

// CreateCustomerGatewayRequest creates a customer gateway.
type CreateCustomerGatewayRequest struct {
	core.JDCloudRequest
	RegionId            string                   `json:"regionId"`
	CustomerGatewaySpec *bgw.CustomerGatewaySpec `json:"customerGatewaySpec"`
}

// GetRegionId returns the path parameter regionId.
func (r CreateCustomerGatewayRequest) GetRegionId() string { return r.RegionId }

// CustomerGatewayIDRequest addresses one customer gateway.
type CustomerGatewayIDRequest struct {
	core.JDCloudRequest
	RegionId          string `json:"regionId"`
	CustomerGatewayId string `json:"customerGatewayId"`
}

// GetRegionId returns the path parameter regionId.
func (r CustomerGatewayIDRequest) GetRegionId() string { return r.RegionId }

// CreateVpnConnectionRequest creates a VPN connection on a border gateway.
type CreateVpnConnectionRequest struct {
	core.JDCloudRequest
	RegionId          string                 `json:"regionId"`
	VpnConnectionSpec *bgw.VpnConnectionSpec `json:"vpnConnectionSpec"`
}

// GetRegionId returns the path parameter regionId.
func (r CreateVpnConnectionRequest) GetRegionId() string { return r.RegionId }

// VpnConnectionIDRequest addresses one VPN connection.
type VpnConnectionIDRequest struct {
	core.JDCloudRequest
	RegionId        string `json:"regionId"`
	VpnConnectionId string `json:"vpnConnectionId"`
}

// GetRegionId returns the path parameter regionId.
func (r VpnConnectionIDRequest) GetRegionId() string { return r.RegionId }

// CreateVpnTunnelRequest creates a VPN tunnel.
type CreateVpnTunnelRequest struct {
	core.JDCloudRequest
	RegionId      string             `json:"regionId"`
	VpnTunnelSpec *bgw.VpnTunnelSpec `json:"vpnTunnelSpec"`
}

// GetRegionId returns the path parameter regionId.
func (r CreateVpnTunnelRequest) GetRegionId() string { return r.RegionId }

// VpnTunnelIDRequest addresses one VPN tunnel.
type VpnTunnelIDRequest struct {
	core.JDCloudRequest
	RegionId    string `json:"regionId"`
	VpnTunnelId string `json:"vpnTunnelId"`
}

// GetRegionId returns the path parameter regionId.
func (r VpnTunnelIDRequest) GetRegionId() string { return r.RegionId }

// Results of the operations, inside the response's "result".

type createBgwResult struct {
	BgwId string `json:"bgwId"`
}
type createVpcAttachmentResult struct {
	VpcAttachmentId string `json:"vpcAttachmentId"`
}
type createPrivateVifResult struct {
	PrivateVifId string `json:"privateVifId"`
}
type createCustomerGatewayResult struct {
	CustomerGatewayId string `json:"customerGatewayId"`
}
type createVpnConnectionResult struct {
	VpnConnectionId string `json:"vpnConnectionId"`
}
type createVpnTunnelResult struct {
	VpnTunnelId string `json:"vpnTunnelId"`
}

type describeBgwsResult struct {
	Bgws       []bgw.Bgw `json:"bgws"`
	TotalCount int       `json:"totalCount"`
}
type describeBgwResult struct {
	Bgw bgw.Bgw `json:"bgw"`
}
type describeVpcAttachmentsResult struct {
	VpcAttachments []bgw.VpcAttachment `json:"vpcAttachments"`
	TotalCount     int                 `json:"totalCount"`
}
type describePrivateVifsResult struct {
	PrivateVifs []bgw.PrivateVif `json:"privateVifs"`
	TotalCount  int              `json:"totalCount"`
}
type describePrivateVifResult struct {
	PrivateVif bgw.PrivateVif `json:"privateVif"`
}
type describeCustomerGatewaysResult struct {
	CustomerGateways []bgw.CustomerGateway `json:"customerGateways"`
	TotalCount       int                   `json:"totalCount"`
}
type describeVpnConnectionsResult struct {
	VpnConnections []bgw.VpnConnection `json:"vpnConnections"`
	TotalCount     int                 `json:"totalCount"`
}
type describeVpnConnectionResult struct {
	VpnConnection bgw.VpnConnection `json:"vpnConnection"`
}
type describeVpnTunnelsResult struct {
	VpnTunnels []bgw.VpnTunnel `json:"vpnTunnels"`
	TotalCount int             `json:"totalCount"`
}
