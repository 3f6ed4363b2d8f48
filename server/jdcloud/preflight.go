package jdcloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	bgw "github.com/jdcloud-api/jdcloud-sdk-go/services/bgw/models"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/provision"
)

// Preflight asks JD Cloud, with read-only describe calls in the plan's
// region, whether it offers what the plan's provisioning calls need. It
// never creates, changes or deletes anything: every request it sends is a
// GET (the operations endpoints.go marks ReadOnly).
//
// For each service the plan uses it calls the list operation of each
// resource kind the plan creates: the create, describe and delete calls of
// a kind share its collection path, so a list that JD Cloud answers shows
// the path exists; one answered 404 or NOT_IMPLEMENTED means the API lacks
// it, and the kind's calls are reported missing. (A list that answers does
// not prove that create and delete at the same path accept hybridplan's
// bodies: those stay unverified, see docs/provisioning.md.) It reads the
// quotas it can, and checks that the region holds what the plan refers to:
// the physical connection, the VPCs and their route tables.
//
// JSON shape: PreflightReport (docs/provisioning.md, "Preflight").
type PreflightReport struct {
	Region string `json:"region"`
	// Endpoint is where the calls went.
	Endpoint string `json:"endpoint"`
	// Ready is true when no operation the plan needs is missing and
	// nothing it refers to is absent from the region.
	Ready bool `json:"ready"`
	// Missing lists the plan's operations JD Cloud does not offer, e.g.
	// "CreateVpnTunnel". Provisioning refuses to start while it is not
	// empty.
	Missing    []string             `json:"missing"`
	Operations []PreflightOperation `json:"operations"`
	Quotas     []PreflightQuota     `json:"quotas"`
	Needs      []PreflightNeed      `json:"needs"`
}

// Results of a preflight operation.
const (
	// OpAccepted: JD Cloud answered 2xx.
	OpAccepted = "accepted"
	// OpMissing: answered 404 (list operations) or 501: the API has no
	// such operation.
	OpMissing = "missing"
	// OpRefused: answered another 4xx (credentials, permissions,
	// parameters): the operation exists but refused this request.
	OpRefused = "refused"
	// OpUnreachable: 5xx, 429 or no answer after the retries.
	OpUnreachable = "unreachable"
)

// PreflightOperation is one describe call and what it says.
type PreflightOperation struct {
	Action  string `json:"action"`
	Service string `json:"service"`
	Method  string `json:"method"`
	Path    string `json:"path"`
	// Source is where the method and path come from (endpoints.go):
	// "unverified" for the hand-written border-gateway calls, or the SDK
	// file that generates the call.
	Source string `json:"source"`
	// Covers are the plan's operations whose existence this call checks.
	Covers []string `json:"covers"`
	// Result is OpAccepted, OpMissing, OpRefused or OpUnreachable.
	Result string `json:"result"`
	// HTTPStatus, Code, Status and Message are JD Cloud's error answer.
	HTTPStatus int    `json:"httpStatus,omitempty"`
	Code       string `json:"code,omitempty"`
	Status     string `json:"status,omitempty"`
	Message    string `json:"message,omitempty"`
	RequestID  string `json:"requestId,omitempty"`
}

// PreflightQuota is one quota JD Cloud reports (models/Quota.go) against
// what the plan adds.
type PreflightQuota struct {
	Type             string `json:"type"`
	ParentResourceID string `json:"parentResourceId,omitempty"`
	// MaxLimit and Count are JD Cloud's numbers; Need is how many the plan
	// creates.
	MaxLimit int `json:"maxLimit"`
	Count    int `json:"count"`
	Need     int `json:"need"`
	// Result is "ok", "insufficient" (Count+Need > MaxLimit) or
	// "unreadable" (the quota call failed; Message says how).
	Result  string `json:"result"`
	Message string `json:"message,omitempty"`
}

// PreflightNeed is one thing the plan needs from the region.
type PreflightNeed struct {
	What string `json:"what"`
	// Result is "present", "absent", "unknown" (the describe failed) or
	// "warning" (a documented restriction that may be outdated).
	Result  string `json:"result"`
	Message string `json:"message,omitempty"`
}

// PreflightError is provisioning refused because preflight found
// operations missing.
type PreflightError struct {
	Region  string
	Missing []string
}

func (e *PreflightError) Error() string {
	return fmt.Sprintf("preflight: JD Cloud in %s does not offer %s, which the plan needs; nothing was created. Run `hybridplan jdcloud preflight` for details, and check the unverified calls in docs/provisioning.md against JD Cloud's API", e.Region, strings.Join(e.Missing, ", "))
}

// kindCheck is the list operation that checks one resource kind, and the
// plan's operations of that kind.
type kindCheck struct {
	action string
	covers []string
}

var kindChecks = map[string]kindCheck{
	provision.KindBorderGateway:   {"DescribeBgws", []string{"CreateBgw", "DescribeBgw", "DeleteBgw"}},
	provision.KindVPCAttachment:   {"DescribeVpcAttachments", []string{"CreateVpcAttachment", "DescribeVpcAttachment", "DeleteVpcAttachment"}},
	provision.KindPrivateVif:      {"DescribePrivateVifs", []string{"CreatePrivateVif", "DescribePrivateVif", "DeletePrivateVif"}},
	provision.KindCustomerGateway: {"DescribeCustomerGateways", []string{"CreateCustomerGateway", "DeleteCustomerGateway"}},
	provision.KindVPNConnection:   {"DescribeVpnConnections", []string{"CreateVpnConnection", "DescribeVpnConnection", "DeleteVpnConnection"}},
	provision.KindVPNTunnel:       {"DescribeVpnTunnels", []string{"CreateVpnTunnel", "DeleteVpnTunnel", "ModifyAdminStatus"}},
}

// kindOrder is the order of the checks in a report.
var kindOrder = []string{provision.KindBorderGateway, provision.KindVPCAttachment, provision.KindPrivateVif,
	provision.KindCustomerGateway, provision.KindVPNConnection, provision.KindVPNTunnel}

// Preflight checks p against JD Cloud (see PreflightReport). An error
// means the plan has no provisioning calls (it is not provisionable) or
// the context ended; what JD Cloud answers is in the report.
func (c *Client) Preflight(ctx context.Context, p *plan.Plan) (PreflightReport, error) {
	calls, err := provision.Calls(p)
	if err != nil {
		return PreflightReport{}, err
	}
	r, err := c.preflight(ctx, calls)
	if err != nil {
		return r, err
	}
	// The profile's region list: documented, possibly outdated.
	if rs := p.EffectiveProfile().Regions.BorderGatewayBGP; len(rs) > 0 && !slices.Contains(rs, p.Region) {
		r.Needs = append(r.Needs, PreflightNeed{What: "VPC attachments and BGP on the border gateway in " + p.Region, Result: "warning",
			Message: fmt.Sprintf("one version of JD Cloud's documents says they are only released in %s; possibly outdated: the describe calls above are what the region answers", strings.Join(rs, ", "))})
	}
	return r, nil
}

// CheckOperations runs preflight's operation checks for calls and returns
// a *PreflightError when JD Cloud lacks one the calls need.
func (c *Client) CheckOperations(ctx context.Context, calls []provision.Call) error {
	r, err := c.preflight(ctx, calls)
	if err != nil {
		return err
	}
	if len(r.Missing) > 0 {
		return &PreflightError{Region: r.Region, Missing: r.Missing}
	}
	return nil
}

func (c *Client) preflight(ctx context.Context, calls []provision.Call) (PreflightReport, error) {
	r := PreflightReport{Missing: []string{}, Operations: []PreflightOperation{}, Quotas: []PreflightQuota{}, Needs: []PreflightNeed{}}
	if len(calls) == 0 {
		return r, errors.New("the plan has no provisioning calls")
	}
	r.Region, _ = calls[0].Params["regionId"].(string)
	r.Endpoint = c.endpointText()
	kinds := map[string]int{}
	var connectionID string
	var vpcs, tables []string
	tableVPC := map[string]string{}
	for _, call := range calls {
		kinds[call.Kind]++
		switch call.Action {
		case provision.ActionCreatePrivateVif:
			connectionID = str(sub(call.Params, "privateVifSpec"), "connectionId")
		case provision.ActionCreateVpcAttachment:
			if v := str(sub(call.Params, "vpcAttachmentSpec"), "vpcId"); v != "" && !slices.Contains(vpcs, v) {
				vpcs = append(vpcs, v)
			}
		case provision.ActionAddRouteTableRules:
			t := str(call.Params, "routeTableId")
			tables = append(tables, t)
			for _, a := range calls {
				if slices.Contains(call.DependsOn, a.ID) && a.Action == provision.ActionCreateVpcAttachment {
					tableVPC[t] = str(sub(a.Params, "vpcAttachmentSpec"), "vpcId")
				}
			}
		}
	}

	// The list operation of each kind the plan creates.
	for _, k := range kindOrder {
		if kinds[k] == 0 {
			continue
		}
		kc := kindChecks[k]
		params := map[string]any{"regionId": r.Region, "pageNumber": 1, "pageSize": 10}
		op := c.probe(ctx, kc.action, params, true)
		op.Covers = kc.covers
		r.Operations = append(r.Operations, op)
	}

	// The physical connection (generated DescribeConnections).
	if connectionID != "" {
		params := map[string]any{"regionId": r.Region, "filters": []any{map[string]any{"name": filterConnectionIDs, "values": []any{connectionID}}}}
		op := c.probe(ctx, "DescribeConnections", params, true)
		op.Covers = []string{"DescribeConnections"}
		r.Operations = append(r.Operations, op)
		need := PreflightNeed{What: fmt.Sprintf("physical connection %s in %s", connectionID, r.Region)}
		if op.Result != OpAccepted {
			need.Result, need.Message = "unknown", "DescribeConnections: "+op.Result
		} else if cs, err := listAllWith[bgw.Connection](ctx, c, "DescribeConnections", params, "connections"); err != nil {
			need.Result, need.Message = "unknown", err.Error()
		} else if k := slices.IndexFunc(cs, func(x bgw.Connection) bool { return x.ConnectionId == connectionID }); k < 0 {
			need.Result, need.Message = "absent", "JD Cloud lists no such connection in the region: the private virtual interfaces are created on it"
		} else {
			need.Result, need.Message = "present", "status "+cs[k].ConnectionStatus
			if cs[k].ConnectionStatus != "Active" {
				need.Message += ": interfaces need an Active connection"
			}
		}
		r.Needs = append(r.Needs, need)
	}

	// VPCs and route tables (generated vpc calls): a 404 here is the
	// resource, not the operation.
	for _, v := range vpcs {
		op := c.probe(ctx, "DescribeVpc", map[string]any{"regionId": r.Region, "vpcId": v}, false)
		r.Operations = append(r.Operations, op)
		r.Needs = append(r.Needs, resourceNeed("VPC "+v+" in "+r.Region, op))
	}
	for _, t := range tables {
		params := map[string]any{"regionId": r.Region, "routeTableId": t}
		op := c.probe(ctx, "DescribeRouteTable", params, false)
		op.Covers = []string{"AddRouteTableRules", "RemoveRouteTableRules"}
		r.Operations = append(r.Operations, op)
		need := resourceNeed("route table "+t+" in "+r.Region, op)
		if op.Result == OpAccepted {
			if rt, err := c.describeRouteTable(ctx, r.Region, t); err == nil && tableVPC[t] != "" && rt.VpcId != tableVPC[t] {
				need.Result, need.Message = "absent", fmt.Sprintf("the route table belongs to VPC %s, not the attachment's %s", rt.VpcId, tableVPC[t])
			}
		}
		r.Needs = append(r.Needs, need)
	}

	// Quotas the border-gateway service reports (unverified call).
	quotas := []PreflightQuota{{Type: "bgw", Need: 1}}
	if kinds[provision.KindCustomerGateway] > 0 {
		quotas = append(quotas, PreflightQuota{Type: "customer_gateway", Need: kinds[provision.KindCustomerGateway]})
	}
	if connectionID != "" {
		quotas = append(quotas, PreflightQuota{Type: "vif", ParentResourceID: connectionID, Need: kinds[provision.KindPrivateVif]})
	}
	for _, q := range quotas {
		r.Quotas = append(r.Quotas, c.quota(ctx, r.Region, q))
	}

	for _, op := range r.Operations {
		if op.Result == OpMissing {
			r.Missing = append(r.Missing, op.Covers...)
		}
	}
	r.Ready = len(r.Missing) == 0
	for _, n := range r.Needs {
		if n.Result == "absent" || n.Result == "unknown" {
			r.Ready = false
		}
	}
	for _, op := range r.Operations {
		if op.Result != OpAccepted {
			r.Ready = false
		}
	}
	return r, ctx.Err()
}

func resourceNeed(what string, op PreflightOperation) PreflightNeed {
	switch {
	case op.Result == OpAccepted && op.HTTPStatus == 404:
		return PreflightNeed{What: what, Result: "absent", Message: op.Message}
	case op.Result == OpAccepted:
		return PreflightNeed{What: what, Result: "present"}
	}
	return PreflightNeed{What: what, Result: "unknown", Message: op.Action + ": " + op.Result}
}

// probe sends one read-only operation (with the client's retries) and
// classifies the answer. list says a 404 means the operation is missing
// (a collection path); otherwise a 404 is about the addressed resource.
func (c *Client) probe(ctx context.Context, action string, params map[string]any, list bool) PreflightOperation {
	ep := endpoints[action]
	op := PreflightOperation{Action: action, Service: ep.Service, Method: ep.Method, Path: "/" + apiVersion + ep.Path, Source: ep.Source.Path, Covers: []string{}}
	if !ep.ReadOnly {
		// Cannot happen with the operations above; refuse rather than send.
		op.Result, op.Message = OpRefused, "not a read-only operation: preflight does not send it"
		return op
	}
	err := c.retry(ctx, provision.Call{ID: "preflight", Action: action}, nil, nil, func() error {
		_, err := c.send(ctx, action, params)
		return err
	})
	if err == nil {
		op.Result = OpAccepted
		return op
	}
	var api *APIError
	if !errors.As(err, &api) {
		op.Result, op.Message = OpUnreachable, err.Error()
		return op
	}
	op.HTTPStatus, op.Code, op.Status, op.Message, op.RequestID = api.HTTPStatus, api.Code, api.Status, api.Message, api.RequestID
	switch {
	case api.HTTPStatus == 501 || api.Status == "NOT_IMPLEMENTED" || list && api.HTTPStatus == 404:
		op.Result = OpMissing
	case IsTransient(err) || api.HTTPStatus == 429:
		op.Result = OpUnreachable
	case api.HTTPStatus == 404:
		op.Result = OpAccepted // the operation answered: the resource is absent
	default:
		op.Result = OpRefused
	}
	return op
}

// quota reads one quota of the border-gateway service.
func (c *Client) quota(ctx context.Context, region string, q PreflightQuota) PreflightQuota {
	params := map[string]any{"regionId": region, "type": q.Type}
	if q.ParentResourceID != "" {
		params["parentResourceId"] = q.ParentResourceID
	}
	var raw json.RawMessage
	err := c.retry(ctx, provision.Call{ID: "preflight", Action: "DescribeBgwQuota"}, nil, nil, func() error {
		var err error
		raw, err = c.send(ctx, "DescribeBgwQuota", params)
		return err
	})
	if err != nil {
		q.Result, q.Message = "unreadable", err.Error()
		return q
	}
	var res struct {
		Quota json.RawMessage `json:"quota"`
	}
	var got bgw.Quota
	if json.Unmarshal(raw, &res) != nil || json.Unmarshal(res.Quota, &got) != nil {
		var list []bgw.Quota
		if json.Unmarshal(res.Quota, &list) != nil || len(list) == 0 {
			q.Result, q.Message = "unreadable", "the answer holds no quota"
			return q
		}
		got = list[0]
	}
	q.MaxLimit, q.Count = got.MaxLimit, got.Count
	q.Result = "ok"
	if q.Count+q.Need > q.MaxLimit {
		q.Result = "insufficient"
		q.Message = fmt.Sprintf("%d of %d in use; the plan adds %d: delete some or raise the quota by ticket", q.Count, q.MaxLimit, q.Need)
	}
	return q
}

// endpointText says where calls go.
func (c *Client) endpointText() string {
	if c.cfg.Endpoint != "" {
		return c.cfg.Endpoint
	}
	return defaultEndpoints[serviceBGW] + ", " + defaultEndpoints[serviceVPC]
}
