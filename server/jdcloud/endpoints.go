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

// Where a fact about an operation comes from. Every method, path, body
// field and result field of a hand-written call cites one of these, so a
// maintainer sees at a glance what is known and what is assumed; the
// generated calls cite the SDK file that declares them.
const (
	// srcChangeLog12 etc. cite services/bgw/ChangeLog.md of
	// jdcloud-sdk-go v1.64.0–v1.66.0: the operation exists by that name.
	srcChangeLog10 = "ChangeLog 1.0.0 (border gateway and private virtual interface create/delete/describe, describeQuota)"
	srcChangeLog11 = "ChangeLog 1.1.0 (CreateVpcAttachment, DeleteVpcAttachment, DescribeVpcAttachment(s))"
	srcChangeLog12 = "ChangeLog 1.2.0 (createCustomerGateway … deleteVpnTunnel, modifyAdminStatus)"
	// srcUnverified: no public SDK generates the call and JD Cloud
	// publishes no API reference for it; the value follows the SDK's
	// generated bgw and vpc calls by analogy. Preflight checks the
	// describe operations against the real API before a run.
	srcUnverified = "unverified"
)

// source is where each part of an operation comes from.
type source struct {
	// Op is the operation's existence (ChangeLog line or generated file).
	Op string
	// Method and Path are the HTTP method and URL template.
	Method, Path string
	// Body is the request body's spec type (a model file), or "" for GET
	// and DELETE.
	Body string
	// Result is the result's fields.
	Result string
}

// generated is the source of a call the SDK generates: everything comes
// from the named file.
func generated(file string) source {
	return source{Op: file, Method: file, Path: file, Body: file, Result: file}
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
	// Source says where each part of the operation comes from.
	Source source
	// ReadOnly says the operation changes nothing (preflight may call it).
	ReadOnly bool
}

func req(method, path string) core.JDCloudRequest {
	return core.JDCloudRequest{URL: path, Method: method, Version: apiVersion}
}

// hand builds a hand-written endpoint: its method and path are unverified
// (no public definition), the operation's existence comes from op, the
// body from the model file body, the result's fields are unverified unless
// result says otherwise.
func hand(action, method, path, op, body, result string, mk func(core.JDCloudRequest) core.RequestInterface) endpoint {
	return endpoint{
		Action: action, Service: serviceBGW, Method: method, Path: path,
		New:      func() core.RequestInterface { return mk(req(method, path)) },
		Source:   source{Op: op, Method: srcUnverified, Path: srcUnverified, Body: body, Result: result},
		ReadOnly: method == "GET",
	}
}

// Result sources of the hand-written calls.
const (
	// The id field of a create result ("bgwId", …) is named after the
	// model's id field (Bgw.go's bgwId, …); that the result carries it
	// under that name is unverified.
	resCreate = "unverified (id field named as in the model, e.g. Bgw.go bgwId)"
	// The list results' item types are the SDK's models; the list field
	// names and totalCount follow the generated DescribeConnectionsResult.
	resList = "items: model file of the kind; list field and totalCount: unverified, as apis/DescribeConnections.go"
	// One resource's describe result holds it under its kind's name.
	resOne    = "item: model file of the kind; field name: unverified"
	resDelete = "unverified (empty result, as apis/ModifyAdminStatus.go)"
)

// endpoints is the complete list, by action.
var endpoints = func() map[string]endpoint {
	list := []endpoint{
		// Border gateways.
		hand("CreateBgw", "POST", "/regions/{regionId}/bgws/", srcChangeLog10, "models/BgwSpec.go", resCreate,
			func(r core.JDCloudRequest) core.RequestInterface { return &CreateBgwRequest{JDCloudRequest: r} }),
		hand("DescribeBgws", "GET", "/regions/{regionId}/bgws/", srcChangeLog10, "", resList+" (models/Bgw.go)",
			func(r core.JDCloudRequest) core.RequestInterface { return &DescribeListRequest{JDCloudRequest: r} }),
		hand("DescribeBgw", "GET", "/regions/{regionId}/bgws/{bgwId}", srcChangeLog10, "", resOne+" (models/Bgw.go)",
			func(r core.JDCloudRequest) core.RequestInterface { return &BgwIDRequest{JDCloudRequest: r} }),
		hand("DeleteBgw", "DELETE", "/regions/{regionId}/bgws/{bgwId}", srcChangeLog10, "", resDelete,
			func(r core.JDCloudRequest) core.RequestInterface { return &BgwIDRequest{JDCloudRequest: r} }),

		// VPC attachments.
		hand("CreateVpcAttachment", "POST", "/regions/{regionId}/vpcAttachments/", srcChangeLog11, "models/VpcAttachmentSpec.go", resCreate,
			func(r core.JDCloudRequest) core.RequestInterface {
				return &CreateVpcAttachmentRequest{JDCloudRequest: r}
			}),
		hand("DescribeVpcAttachments", "GET", "/regions/{regionId}/vpcAttachments/", srcChangeLog11, "", resList+" (models/VpcAttachment.go)",
			func(r core.JDCloudRequest) core.RequestInterface { return &DescribeListRequest{JDCloudRequest: r} }),
		hand("DescribeVpcAttachment", "GET", "/regions/{regionId}/vpcAttachments/{vpcAttachmentId}", srcChangeLog11, "", resOne+" (models/VpcAttachment.go)",
			func(r core.JDCloudRequest) core.RequestInterface { return &VpcAttachmentIDRequest{JDCloudRequest: r} }),
		hand("DeleteVpcAttachment", "DELETE", "/regions/{regionId}/vpcAttachments/{vpcAttachmentId}", srcChangeLog11, "", resDelete,
			func(r core.JDCloudRequest) core.RequestInterface { return &VpcAttachmentIDRequest{JDCloudRequest: r} }),

		// Private virtual interfaces.
		hand("CreatePrivateVif", "POST", "/regions/{regionId}/privateVifs/", srcChangeLog10, "models/CreatePrivateVifSpec.go", resCreate,
			func(r core.JDCloudRequest) core.RequestInterface { return &CreatePrivateVifRequest{JDCloudRequest: r} }),
		hand("DescribePrivateVifs", "GET", "/regions/{regionId}/privateVifs/", srcChangeLog10, "", resList+" (models/PrivateVif.go)",
			func(r core.JDCloudRequest) core.RequestInterface { return &DescribeListRequest{JDCloudRequest: r} }),
		hand("DescribePrivateVif", "GET", "/regions/{regionId}/privateVifs/{privateVifId}", srcChangeLog10, "", resOne+" (models/PrivateVif.go)",
			func(r core.JDCloudRequest) core.RequestInterface { return &PrivateVifIDRequest{JDCloudRequest: r} }),
		hand("DeletePrivateVif", "DELETE", "/regions/{regionId}/privateVifs/{privateVifId}", srcChangeLog10, "", resDelete,
			func(r core.JDCloudRequest) core.RequestInterface { return &PrivateVifIDRequest{JDCloudRequest: r} }),

		// Customer gateways.
		hand("CreateCustomerGateway", "POST", "/regions/{regionId}/customerGateways/", srcChangeLog12, "models/CustomerGatewaySpec.go", resCreate,
			func(r core.JDCloudRequest) core.RequestInterface {
				return &CreateCustomerGatewayRequest{JDCloudRequest: r}
			}),
		hand("DescribeCustomerGateways", "GET", "/regions/{regionId}/customerGateways/", srcChangeLog12, "", resList+" (models/CustomerGateway.go)",
			func(r core.JDCloudRequest) core.RequestInterface { return &DescribeListRequest{JDCloudRequest: r} }),
		hand("DescribeCustomerGateway", "GET", "/regions/{regionId}/customerGateways/{customerGatewayId}", srcChangeLog12, "", resOne+" (models/CustomerGateway.go)",
			func(r core.JDCloudRequest) core.RequestInterface { return &CustomerGatewayIDRequest{JDCloudRequest: r} }),
		hand("DeleteCustomerGateway", "DELETE", "/regions/{regionId}/customerGateways/{customerGatewayId}", srcChangeLog12, "", resDelete,
			func(r core.JDCloudRequest) core.RequestInterface { return &CustomerGatewayIDRequest{JDCloudRequest: r} }),

		// VPN connections.
		hand("CreateVpnConnection", "POST", "/regions/{regionId}/vpnConnections/", srcChangeLog12, "models/VpnConnectionSpec.go", resCreate,
			func(r core.JDCloudRequest) core.RequestInterface {
				return &CreateVpnConnectionRequest{JDCloudRequest: r}
			}),
		hand("DescribeVpnConnections", "GET", "/regions/{regionId}/vpnConnections/", srcChangeLog12, "", resList+" (models/VpnConnection.go)",
			func(r core.JDCloudRequest) core.RequestInterface { return &DescribeListRequest{JDCloudRequest: r} }),
		hand("DescribeVpnConnection", "GET", "/regions/{regionId}/vpnConnections/{vpnConnectionId}", srcChangeLog12, "", resOne+" (models/VpnConnection.go)",
			func(r core.JDCloudRequest) core.RequestInterface { return &VpnConnectionIDRequest{JDCloudRequest: r} }),
		hand("DeleteVpnConnection", "DELETE", "/regions/{regionId}/vpnConnections/{vpnConnectionId}", srcChangeLog12, "", resDelete,
			func(r core.JDCloudRequest) core.RequestInterface { return &VpnConnectionIDRequest{JDCloudRequest: r} }),

		// VPN tunnels. The path of one tunnel is confirmed by the
		// generated ModifyAdminStatus (".../vpnTunnels/{vpnTunnelId}:adminStatus").
		hand("CreateVpnTunnel", "POST", "/regions/{regionId}/vpnTunnels/", srcChangeLog12, "models/VpnTunnelSpec.go", resCreate,
			func(r core.JDCloudRequest) core.RequestInterface { return &CreateVpnTunnelRequest{JDCloudRequest: r} }),
		hand("DescribeVpnTunnels", "GET", "/regions/{regionId}/vpnTunnels/", srcChangeLog12, "", resList+" (models/VpnTunnel.go)",
			func(r core.JDCloudRequest) core.RequestInterface { return &DescribeListRequest{JDCloudRequest: r} }),
		withPath(hand("DescribeVpnTunnel", "GET", "/regions/{regionId}/vpnTunnels/{vpnTunnelId}", srcChangeLog12, "", resOne+" (models/VpnTunnel.go)",
			func(r core.JDCloudRequest) core.RequestInterface { return &VpnTunnelIDRequest{JDCloudRequest: r} }), srcTunnelPath),
		withPath(hand("DeleteVpnTunnel", "DELETE", "/regions/{regionId}/vpnTunnels/{vpnTunnelId}", srcChangeLog12, "", resDelete,
			func(r core.JDCloudRequest) core.RequestInterface { return &VpnTunnelIDRequest{JDCloudRequest: r} }), srcTunnelPath),
		{Action: "ModifyAdminStatus", Service: serviceBGW, Method: "POST", Path: "/regions/{regionId}/vpnTunnels/{vpnTunnelId}:adminStatus",
			New:    func() core.RequestInterface { return bgwapis.NewModifyAdminStatusRequestWithoutParam() },
			Source: generated("services/bgw/apis/ModifyAdminStatus.go")},

		// Quotas of the border-gateway service (type bgw, vpc_attachment,
		// vif, customer_gateway, vpn_connection, vpn_tunnel: models/Quota.go),
		// shaped like the vpc service's generated DescribeQuota.
		hand("DescribeBgwQuota", "GET", "/regions/{regionId}/quotas/", srcChangeLog10, "", "models/Quota.go; field \"quota\": unverified, as vpc apis/DescribeQuota.go",
			func(r core.JDCloudRequest) core.RequestInterface { return &DescribeQuotaRequest{JDCloudRequest: r} }),

		// Physical connections: generated by the SDK.
		{Action: "DescribeConnections", Service: serviceBGW, Method: "GET", Path: "/regions/{regionId}/connections/",
			New:    func() core.RequestInterface { return bgwapis.NewDescribeConnectionsRequestWithoutParam() },
			Source: generated("services/bgw/apis/DescribeConnections.go"), ReadOnly: true},

		// VPC: generated by the SDK.
		{Action: "DescribeVpc", Service: serviceVPC, Method: "GET", Path: "/regions/{regionId}/vpcs/{vpcId}",
			New:    func() core.RequestInterface { return vpcapis.NewDescribeVpcRequestWithoutParam() },
			Source: generated("services/vpc/apis/DescribeVpc.go"), ReadOnly: true},
		{Action: "DescribeRouteTable", Service: serviceVPC, Method: "GET", Path: "/regions/{regionId}/routeTables/{routeTableId}",
			New:    func() core.RequestInterface { return vpcapis.NewDescribeRouteTableRequestWithoutParam() },
			Source: generated("services/vpc/apis/DescribeRouteTable.go"), ReadOnly: true},
		{Action: "AddRouteTableRules", Service: serviceVPC, Method: "POST", Path: "/regions/{regionId}/routeTables/{routeTableId}:addRouteTableRules",
			New:    func() core.RequestInterface { return vpcapis.NewAddRouteTableRulesRequestWithoutParam() },
			Source: generated("services/vpc/apis/AddRouteTableRules.go")},
		{Action: "RemoveRouteTableRules", Service: serviceVPC, Method: "POST", Path: "/regions/{regionId}/routeTables/{routeTableId}:removeRouteTableRules",
			New:    func() core.RequestInterface { return vpcapis.NewRemoveRouteTableRulesRequestWithoutParam() },
			Source: generated("services/vpc/apis/RemoveRouteTableRules.go")},
	}
	m := make(map[string]endpoint, len(list))
	for _, e := range list {
		m[e.Action] = e
	}
	return m
}()

// srcTunnelPath: one tunnel's path is the generated ModifyAdminStatus's
// without the ":adminStatus" verb.
const srcTunnelPath = "services/bgw/apis/ModifyAdminStatus.go (same resource path, without :adminStatus)"

func withPath(e endpoint, path string) endpoint {
	e.Source.Path = path
	return e
}

// Filter names of the list operations, in JD Cloud's style (the SDK's
// DescribeConnections takes "connectionIds", DescribeVpcs "vpcNames").
const (
	filterBgwNames             = "bgwNames"             // unverified
	filterVpcAttachmentNames   = "vpcAttachmentNames"   // unverified
	filterPrivateVifNames      = "privateVifNames"      // unverified
	filterCustomerGatewayNames = "customerGatewayNames" // unverified
	filterVpnConnectionNames   = "vpnConnectionNames"   // unverified
	filterVpnConnectionID      = "vpnConnectionId"      // unverified
	filterConnectionIDs        = "connectionIds"        // apis/DescribeConnections.go
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
	RegionId string   `json:"regionId"`
	BgwSpec  *BgwSpec `json:"bgwSpec"`
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
	RegionId          string             `json:"regionId"`
	VpcAttachmentSpec *VpcAttachmentSpec `json:"vpcAttachmentSpec"`
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
	RegionId       string                `json:"regionId"`
	PrivateVifSpec *CreatePrivateVifSpec `json:"privateVifSpec"`
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
	RegionId            string               `json:"regionId"`
	CustomerGatewaySpec *CustomerGatewaySpec `json:"customerGatewaySpec"`
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
	RegionId          string             `json:"regionId"`
	VpnConnectionSpec *VpnConnectionSpec `json:"vpnConnectionSpec"`
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
	RegionId      string         `json:"regionId"`
	VpnTunnelSpec *VpnTunnelSpec `json:"vpnTunnelSpec"`
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

// DescribeQuotaRequest reads one quota of the border-gateway service,
// shaped like the vpc service's generated DescribeQuotaRequest (unverified).
type DescribeQuotaRequest struct {
	core.JDCloudRequest
	RegionId string `json:"regionId"`
	// Type is a Quota.go type: bgw, vif, vpc_attachment, customer_gateway,
	// vpn_connection, vpn_tunnel, …
	Type string `json:"type"`
	// ParentResourceId is what Quota.go says the type counts under (a
	// border gateway for vpc_attachment and vpn_connection, a connection
	// for vif); absent for region-wide types.
	ParentResourceId *string `json:"parentResourceId,omitempty"`
}

// GetRegionId returns the path parameter regionId.
func (r DescribeQuotaRequest) GetRegionId() string { return r.RegionId }

// Results of the operations, inside the response's "result".

// Create results: the id field is named after the model's id field
// (models/Bgw.go bgwId, VpcAttachment.go vpcAttachmentId, PrivateVif.go
// privateVifId, CustomerGateway.go customerGatewayId, VpnConnection.go
// vpnConnectionId, VpnTunnel.go vpnTunnelId); that the result carries it
// under that name is unverified. (Apply reads the field by name, see
// ensure; these types document the shape.)
type createBgwResult struct {
	BgwId string `json:"bgwId"` // unverified; name from models/Bgw.go
}
type createVpcAttachmentResult struct {
	VpcAttachmentId string `json:"vpcAttachmentId"` // unverified; name from models/VpcAttachment.go
}
type createPrivateVifResult struct {
	PrivateVifId string `json:"privateVifId"` // unverified; name from models/PrivateVif.go
}
type createCustomerGatewayResult struct {
	CustomerGatewayId string `json:"customerGatewayId"` // unverified; name from models/CustomerGateway.go
}
type createVpnConnectionResult struct {
	VpnConnectionId string `json:"vpnConnectionId"` // unverified; name from models/VpnConnection.go
}
type createVpnTunnelResult struct {
	VpnTunnelId string `json:"vpnTunnelId"` // unverified; name from models/VpnTunnel.go
}

// Describe results: the items are the SDK's models (their fields are the
// model files'); the wrapper field names and totalCount are unverified,
// following the generated DescribeConnectionsResult ("connections",
// "totalCount").
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

// Request bodies' specs.
//
// The SDK's model structs (services/bgw/models) have no omitempty: an unset
// optional field would go out as 0, "" or {} — "ipsecKeyExchange": "" for
// no PFS, "bandwidthMbps": 0 outside the documented 1–1500, a zeroed
// health-check block outside the NQA/BFD ranges. These are the project's
// own copies of the models' fields: required fields are plain values that
// are always sent; optional ones are pointers with omitempty, so what the
// plan leaves out is absent on the wire and a deliberate zero (DPD off:
// ikeDpdSec 0) is still sent. Each field cites the model file its name,
// type and documented range come from. Fields the project never sends
// (chargeSpec, providers, privateVifOwner, the deprecated bgpPeers, the
// IPsec SA packet and byte limits) are left out, so the strict decode in
// typed refuses a call that tries to send them.

// BgwSpec is models/BgwSpec.go.
type BgwSpec struct {
	BgwName     string  `json:"bgwName"`               // BgwSpec.go: 1–32 Chinese, letters, digits, _ -
	Description *string `json:"description,omitempty"` // BgwSpec.go (Optional): ≤256 characters
	AzType      *string `json:"azType,omitempty"`      // BgwSpec.go (Optional): standard | edge
	Az          *string `json:"az,omitempty"`          // BgwSpec.go (Optional): edge only
}

// VpcAttachmentSpec is models/VpcAttachmentSpec.go.
type VpcAttachmentSpec struct {
	VpcAttachmentName string   `json:"vpcAttachmentName"`   // VpcAttachmentSpec.go: 1–32 characters
	VpcId             string   `json:"vpcId"`               // VpcAttachmentSpec.go
	PropagateType     string   `json:"propagateType"`       // VpcAttachmentSpec.go: all | partial | none
	BgwId             string   `json:"bgwId"`               // VpcAttachmentSpec.go
	SubnetIds         []string `json:"subnetIds,omitempty"` // VpcAttachmentSpec.go (Optional): partial only
}

// CreatePrivateVifSpec is models/CreatePrivateVifSpec.go.
type CreatePrivateVifSpec struct {
	PrivateVifName string           `json:"privateVifName"`        // CreatePrivateVifSpec.go
	ConnectionId   string           `json:"connectionId"`          // CreatePrivateVifSpec.go
	BgwId          string           `json:"bgwId"`                 // CreatePrivateVifSpec.go
	Vlan           int              `json:"vlan"`                  // CreatePrivateVifSpec.go: [1,4000]
	Description    *string          `json:"description,omitempty"` // CreatePrivateVifSpec.go (Optional)
	EnableBgp      *bool            `json:"enableBgp,omitempty"`   // CreatePrivateVifSpec.go (Optional): only true supported
	PeerIps        []PeerIpsSpec    `json:"peerIps,omitempty"`     // CreatePrivateVifSpec.go (Optional), PeerIpsSpec.go
	BgpSpec        *BgpSpec         `json:"bgpSpec,omitempty"`     // CreatePrivateVifSpec.go (Optional), BgpSpec.go
	HealthCheck    *HealthCheckSpec `json:"healthCheck,omitempty"` // CreatePrivateVifSpec.go (Optional, ChangeLog 1.3.1), HealthCheckSpec.go
}

// PeerIpsSpec is models/PeerIpsSpec.go: the customer takes the first
// address of the pair's subnet, JD Cloud the second.
type PeerIpsSpec struct {
	CustomerIp string `json:"customerIp"` // PeerIpsSpec.go
	JdCloudIp  string `json:"jdCloudIp"`  // PeerIpsSpec.go
}

// BgpSpec is models/BgpSpec.go. No authKey: JD Cloud documents that the
// BGP key does not take effect.
type BgpSpec struct {
	AddressFamily *string `json:"addressFamily,omitempty"` // BgpSpec.go (Optional): ipv4 only, default ipv4
	CustomerAsn   int     `json:"customerAsn"`             // BgpSpec.go: [65001,65499]
}

// HealthCheckSpec is models/HealthCheckSpec.go: the NQA or BFD block only
// with its type.
type HealthCheckSpec struct {
	HealthCheckType *string  `json:"healthCheckType,omitempty"` // HealthCheckSpec.go (Optional): NO_CHECK | NQA | BFD
	NqaInfo         *NqaSpec `json:"nqaInfo,omitempty"`         // HealthCheckSpec.go (Optional), NqaSpec.go
	BfdInfo         *BfdSpec `json:"bfdInfo,omitempty"`         // HealthCheckSpec.go (Optional), BfdSpec.go
}

// NqaSpec is models/NqaSpec.go.
type NqaSpec struct {
	TxInterval      *int `json:"txInterval,omitempty"`      // NqaSpec.go (Optional): 1–20 s, default 4
	ThresholdCount  *int `json:"thresholdCount,omitempty"`  // NqaSpec.go (Optional): 3–8, default 5
	ResponseTimeout *int `json:"responseTimeout,omitempty"` // NqaSpec.go (Optional): 1–10 s, default 3
}

// BfdSpec is models/BfdSpec.go.
type BfdSpec struct {
	MinTxInterval    *int `json:"minTxInterval,omitempty"`    // BfdSpec.go (Optional): 200–1000 ms, default 1000
	MinRxInterval    *int `json:"minRxInterval,omitempty"`    // BfdSpec.go (Optional): 200–1000 ms, default 1000
	DetectMultiplier *int `json:"detectMultiplier,omitempty"` // BfdSpec.go (Optional): 3–10, default 3
}

// CustomerGatewaySpec is models/CustomerGatewaySpec.go.
type CustomerGatewaySpec struct {
	CustomerGatewayName string   `json:"customerGatewayName"`   // CustomerGatewaySpec.go
	CustomerIps         []string `json:"customerIps"`           // CustomerGatewaySpec.go: 1, 2 or 4 distinct public IPv4
	BgpAsn              int      `json:"bgpAsn"`                // CustomerGatewaySpec.go: [65001,65499]
	Description         *string  `json:"description,omitempty"` // CustomerGatewaySpec.go (Optional)
}

// VpnConnectionSpec is models/VpnConnectionSpec.go.
type VpnConnectionSpec struct {
	VpnConnectionName string  `json:"vpnConnectionName"`     // VpnConnectionSpec.go
	Description       *string `json:"description,omitempty"` // VpnConnectionSpec.go (Optional)
	BgwId             string  `json:"bgwId"`                 // VpnConnectionSpec.go
	CgwId             string  `json:"cgwId"`                 // VpnConnectionSpec.go
	BgpEnabled        *bool   `json:"bgpEnabled,omitempty"`  // VpnConnectionSpec.go (Optional): default true
	LocalAsn          *int    `json:"localAsn,omitempty"`    // VpnConnectionSpec.go (Optional): 64512–65534, default 65000
}

// VpnTunnelSpec is models/VpnTunnelSpec.go.
type VpnTunnelSpec struct {
	VpnConnectionId  string  `json:"vpnConnectionId"`            // VpnTunnelSpec.go
	CloudPublicIp    string  `json:"cloudPublicIp"`              // VpnTunnelSpec.go
	CustomerIp       string  `json:"customerIp"`                 // VpnTunnelSpec.go
	Psk              string  `json:"psk"`                        // VpnTunnelSpec.go: ≤20 of [A-Za-z0-9_-], not 0x/0s
	TunnelIp         *string `json:"tunnelIp,omitempty"`         // VpnTunnelSpec.go (Optional): /30 in 169.254/20, 10/8, 172.16/12, 192.168/16
	LocalTunnelIp    *string `json:"localTunnelIp,omitempty"`    // VpnTunnelSpec.go (Optional): not the /30's first or last
	IkeVersion       *string `json:"ikeVersion,omitempty"`       // VpnTunnelSpec.go (Optional): v1 | v2
	IkeMode          *string `json:"ikeMode,omitempty"`          // VpnTunnelSpec.go (Optional): main | aggressive
	IkeKeyExchange   *string `json:"ikeKeyExchange,omitempty"`   // VpnTunnelSpec.go (Optional): modp1024 … ecp384
	IkeCipher        *string `json:"ikeCipher,omitempty"`        // VpnTunnelSpec.go (Optional): aes128 | aes192 | aes256 | 3des
	IkeAuth          *string `json:"ikeAuth,omitempty"`          // VpnTunnelSpec.go (Optional): sha1 | sha256 | sha384
	IkeDpdSec        *int    `json:"ikeDpdSec,omitempty"`        // VpnTunnelSpec.go (Optional): 0 | 10, default 10
	IkeSaLifeSec     *int    `json:"ikeSaLifeSec,omitempty"`     // VpnTunnelSpec.go (Optional): [60,86400]
	IpsecCipher      *string `json:"ipsecCipher,omitempty"`      // VpnTunnelSpec.go (Optional): aes128 | aes192 | aes256
	IpsecAuth        *string `json:"ipsecAuth,omitempty"`        // VpnTunnelSpec.go (Optional): sha1 | sha256 | sha384
	IpsecKeyExchange *string `json:"ipsecKeyExchange,omitempty"` // VpnTunnelSpec.go (Optional): DH group; absent (null) = no PFS
	IpsecSaLifeSec   *int    `json:"ipsecSaLifeSec,omitempty"`   // VpnTunnelSpec.go (Optional): [60,86400]
	BandwidthMbps    *int    `json:"bandwidthMbps,omitempty"`    // VpnTunnelSpec.go (Optional): [1,1500]
}
