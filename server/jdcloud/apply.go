package jdcloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	bgw "github.com/jdcloud-api/jdcloud-sdk-go/services/bgw/models"
	common "github.com/jdcloud-api/jdcloud-sdk-go/services/common/models"
	vpc "github.com/jdcloud-api/jdcloud-sdk-go/services/vpc/models"

	"github.com/hybridplan/hybridplan/pkg/plan/provision"
)

// ConflictError says a resource with the call's name (or identity) exists
// but differs from what the call asks for: the run must not adopt it.
type ConflictError struct {
	CallID string
	Kind   string
	ID     string
	What   string
}

// notOurs is the conflict of a same-named resource whose description is
// not the one the plan's calls write: someone else made it, and adopting it
// would let teardown delete it.
func notOurs(callID, kind, id, desc string) *ConflictError {
	return &ConflictError{callID, kind, id, fmt.Sprintf("was not made by this plan's provisioning (its description is %q)", desc)}
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("call %s: a %s %s already exists but %s: delete or rename it in JD Cloud, or change the plan", e.CallID, e.Kind, e.ID, e.What)
}

// Apply performs one call idempotently: before creating, it looks for what
// an earlier attempt already created (by name, or for tunnels by their
// connection and public IP pair, for route rules by prefix and next hop)
// and returns that; transient errors (IsTransient: by JD Cloud's error
// status, not the HTTP code alone) are retried with exponential backoff
// and full jitter within the policy, reporting each
// attempt to observe; a permanent error returns *APIError with JD Cloud's
// code and message (or *ConflictError when an existing resource differs).
// outputs holds the outputs of earlier calls by Call.ID (e.g.
// {"bgw": {"id": "bgw-…"}}). The returned outputs never hold a secret.
func (c *Client) Apply(ctx context.Context, call provision.Call, outputs map[string]map[string]string, observe func(Attempt)) (map[string]string, error) {
	if call.Action == provision.ActionCreateBgw && len(c.cfg.PlanCalls) > 0 {
		// Provisioning does not start when preflight finds an operation
		// missing (Config.PlanCalls).
		if err := c.CheckOperations(ctx, c.cfg.PlanCalls); err != nil {
			return nil, err
		}
	}
	var secrets []string
	params, err := call.Resolve(outputs, func(ref string) (string, error) {
		if c.cfg.Secrets == nil {
			return "", errors.New("the server has no secret resolver configured")
		}
		s, err := c.cfg.Secrets(ref)
		if err == nil {
			secrets = append(secrets, s)
		}
		return s, err
	})
	if err != nil {
		return nil, c.scrub(err, secrets)
	}
	var out map[string]string
	err = c.retry(ctx, call, secrets, observe, func() error {
		var err error
		out, err = c.apply(ctx, call, params, true)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (c *Client) apply(ctx context.Context, call provision.Call, p map[string]any, create bool) (map[string]string, error) {
	region, _ := p["regionId"].(string)
	switch call.Action {
	case provision.ActionCreateBgw:
		spec := sub(p, "bgwSpec")
		return c.ensure(ctx, call, p, create, func() (string, error) {
			bs, err := listAll[bgw.Bgw](ctx, c, "DescribeBgws", region, "bgws", filter(filterBgwNames, str(spec, "bgwName")))
			for _, b := range bs {
				if b.BgwName != str(spec, "bgwName") {
					continue
				}
				if b.Description != str(spec, "description") {
					return "", notOurs(call.ID, "border gateway", b.BgwId, b.Description)
				}
				return b.BgwId, err
			}
			return "", err
		}, "bgwId")

	case provision.ActionCreateVpcAttachment:
		spec := sub(p, "vpcAttachmentSpec")
		return c.ensure(ctx, call, p, create, func() (string, error) {
			as, err := listAll[bgw.VpcAttachment](ctx, c, "DescribeVpcAttachments", region, "vpcAttachments", filter(filterVpcAttachmentNames, str(spec, "vpcAttachmentName")))
			for _, a := range as {
				if a.VpcAttachmentName != str(spec, "vpcAttachmentName") {
					continue
				}
				if a.VpcId != str(spec, "vpcId") || a.BgwId != str(spec, "bgwId") {
					return "", &ConflictError{call.ID, "VPC attachment", a.VpcAttachmentId, fmt.Sprintf("attaches VPC %s to border gateway %s", a.VpcId, a.BgwId)}
				}
				return a.VpcAttachmentId, err
			}
			return "", err
		}, "vpcAttachmentId")

	case provision.ActionCreatePrivateVif:
		spec := sub(p, "privateVifSpec")
		return c.ensure(ctx, call, p, create, func() (string, error) {
			vs, err := listAll[bgw.PrivateVif](ctx, c, "DescribePrivateVifs", region, "privateVifs", filter(filterPrivateVifNames, str(spec, "privateVifName")))
			for _, v := range vs {
				if v.PrivateVifName != str(spec, "privateVifName") {
					continue
				}
				if v.ConnectionId != str(spec, "connectionId") || v.BgwId != str(spec, "bgwId") || v.Vlan != num(spec, "vlan") {
					return "", &ConflictError{call.ID, "private virtual interface", v.PrivateVifId, fmt.Sprintf("is on connection %s, border gateway %s, VLAN %d", v.ConnectionId, v.BgwId, v.Vlan)}
				}
				if v.Description != str(spec, "description") {
					return "", notOurs(call.ID, "private virtual interface", v.PrivateVifId, v.Description)
				}
				return v.PrivateVifId, err
			}
			return "", err
		}, "privateVifId")

	case provision.ActionCreateCustomerGateway:
		spec := sub(p, "customerGatewaySpec")
		return c.ensure(ctx, call, p, create, func() (string, error) {
			gs, err := listAll[bgw.CustomerGateway](ctx, c, "DescribeCustomerGateways", region, "customerGateways", filter(filterCustomerGatewayNames, str(spec, "customerGatewayName")))
			for _, g := range gs {
				if g.CustomerGatewayName != str(spec, "customerGatewayName") {
					continue
				}
				if g.BgpAsn != num(spec, "bgpAsn") || !sameSet(g.CustomerIps, strs(spec, "customerIps")) {
					return "", &ConflictError{call.ID, "customer gateway", g.CustomerGatewayId, fmt.Sprintf("has AS%d and IPs %s", g.BgpAsn, strings.Join(g.CustomerIps, ", "))}
				}
				if g.Description != str(spec, "description") {
					return "", notOurs(call.ID, "customer gateway", g.CustomerGatewayId, g.Description)
				}
				return g.CustomerGatewayId, err
			}
			return "", err
		}, "customerGatewayId")

	case provision.ActionCreateVpnConnection:
		spec := sub(p, "vpnConnectionSpec")
		out, err := c.ensure(ctx, call, p, create, func() (string, error) {
			vs, err := listAll[bgw.VpnConnection](ctx, c, "DescribeVpnConnections", region, "vpnConnections", filter(filterVpnConnectionNames, str(spec, "vpnConnectionName")))
			for _, v := range vs {
				if v.VpnConnectionName != str(spec, "vpnConnectionName") {
					continue
				}
				if v.BgwId != str(spec, "bgwId") || v.CgwId != str(spec, "cgwId") {
					return "", &ConflictError{call.ID, "VPN connection", v.VpnConnectionId, fmt.Sprintf("joins border gateway %s and customer gateway %s", v.BgwId, v.CgwId)}
				}
				if v.Description != str(spec, "description") {
					return "", notOurs(call.ID, "VPN connection", v.VpnConnectionId, v.Description)
				}
				return v.VpnConnectionId, err
			}
			return "", err
		}, "vpnConnectionId")
		if err != nil {
			return nil, err
		}
		// The tunnels need the public IPs JD Cloud gave the connection.
		raw, err := c.send(ctx, "DescribeVpnConnection", map[string]any{"regionId": region, "vpnConnectionId": out[provision.OutputID]})
		if err != nil {
			return nil, err
		}
		var r describeVpnConnectionResult
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, &transportError{action: "DescribeVpnConnection", err: err}
		}
		for i, ip := range r.VpnConnection.CloudPublicIp {
			out[provision.OutputCloudPublicIP(i+1)] = ip
		}
		return out, nil

	case provision.ActionCreateVpnTunnel:
		spec := sub(p, "vpnTunnelSpec")
		return c.ensure(ctx, call, p, create, func() (string, error) {
			ts, err := listAll[bgw.VpnTunnel](ctx, c, "DescribeVpnTunnels", region, "vpnTunnels", filter(filterVpnConnectionID, str(spec, "vpnConnectionId")))
			for _, t := range ts {
				if t.VpnConnectionId != str(spec, "vpnConnectionId") || t.CloudPublicIp != str(spec, "cloudPublicIp") || t.CustomerIp != str(spec, "customerIp") {
					continue
				}
				if t.TunnelIp != str(spec, "tunnelIp") {
					return "", &ConflictError{call.ID, "VPN tunnel", t.VpnTunnelId, fmt.Sprintf("between %s and %s has inside %s", t.CloudPublicIp, t.CustomerIp, t.TunnelIp)}
				}
				return t.VpnTunnelId, err
			}
			return "", err
		}, "vpnTunnelId")

	case provision.ActionAddRouteTableRules:
		return c.addRoutes(ctx, call, p)

	case provision.ActionDescribeBgw:
		raw, err := c.send(ctx, "DescribeBgw", p)
		if err != nil {
			return nil, err
		}
		var r describeBgwResult
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, &transportError{action: call.Action, err: err}
		}
		return map[string]string{
			"name":             r.Bgw.BgwName,
			"vpcAttachmentIds": strings.Join(r.Bgw.VpcAttachmentIds, ","),
			"vifIds":           strings.Join(r.Bgw.VifIds, ","),
			"vpnConnectionIds": strings.Join(r.Bgw.VpnConnectionIds, ","),
		}, nil

	case provision.ActionDescribeConnections:
		cs, err := listAllWith[bgw.Connection](ctx, c, "DescribeConnections", p, "connections")
		if err != nil {
			return nil, err
		}
		out := map[string]string{"count": strconv.Itoa(len(cs))}
		for _, k := range cs {
			out[k.ConnectionId+".status"] = k.ConnectionStatus
			out[k.ConnectionId+".bandwidthMbps"] = strconv.Itoa(k.BandwidthMbps)
		}
		return out, nil

	case provision.ActionDescribePrivateVif:
		raw, err := c.send(ctx, "DescribePrivateVif", p)
		if err != nil {
			return nil, err
		}
		var r describePrivateVifResult
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, &transportError{action: call.Action, err: err}
		}
		out := map[string]string{"status": r.PrivateVif.PrivateVifStatus, "vlan": strconv.Itoa(r.PrivateVif.Vlan)}
		for i, peer := range r.PrivateVif.Peers {
			k := fmt.Sprintf("peer%d.", i+1)
			out[k+"customerIp"] = peer.PeerIps.CustomerIp
			out[k+"jdCloudIp"] = peer.PeerIps.JdCloudIp
			out[k+"bgpStatus"] = peer.PeerBgpStatus
		}
		return out, nil

	case provision.ActionDescribeVpnTunnels:
		ts, err := listAllWith[bgw.VpnTunnel](ctx, c, "DescribeVpnTunnels", p, "vpnTunnels")
		if err != nil {
			return nil, err
		}
		out := map[string]string{"count": strconv.Itoa(len(ts))}
		for _, t := range ts {
			// Never the pre-shared key, which describe returns.
			out[t.VpnTunnelId+".opStatus"] = t.OpStatus
			out[t.VpnTunnelId+".adminStatus"] = t.AdminStatus
			out[t.VpnTunnelId+".cloudPublicIp"] = t.CloudPublicIp
			out[t.VpnTunnelId+".customerIp"] = t.CustomerIp
		}
		return out, nil
	}
	return nil, fmt.Errorf("call %s: action %q is not one hybridplan provisions", call.ID, call.Action)
}

// ensure returns the id of the existing resource find reports, or creates
// one with the call's params and returns the id the create result holds in
// idField.
func (c *Client) ensure(ctx context.Context, call provision.Call, p map[string]any, create bool, find func() (string, error), idField string) (map[string]string, error) {
	id, err := find()
	if err != nil {
		return nil, err
	}
	if id == "" && !create {
		return nil, errNotFound
	}
	if id == "" {
		raw, err := c.send(ctx, call.Action, p)
		if err != nil {
			return nil, err
		}
		var r map[string]any
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, &transportError{action: call.Action, err: err}
		}
		id, _ = r[idField].(string)
		if id == "" {
			return nil, &transportError{action: call.Action, err: fmt.Errorf("the answer has no %s", idField)}
		}
	}
	return map[string]string{provision.OutputID: id}, nil
}

// listAll lists every resource of a kind in the region matching one
// filter, page by page.
func listAll[T any](ctx context.Context, c *Client, action, region, field string, f common.Filter) ([]T, error) {
	return listAllWith[T](ctx, c, action, map[string]any{"regionId": region, "filters": []any{filterParam(f)}}, field)
}

const pageSize = 100

func listAllWith[T any](ctx context.Context, c *Client, action string, params map[string]any, field string) ([]T, error) {
	var all []T
	for page := 1; ; page++ {
		p := maps(params)
		p["pageNumber"], p["pageSize"] = page, pageSize
		raw, err := c.send(ctx, action, p)
		if err != nil {
			return nil, err
		}
		var r map[string]json.RawMessage
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, &transportError{action: action, err: err}
		}
		var items []T
		if v, ok := r[field]; ok && string(v) != "null" {
			if err := json.Unmarshal(v, &items); err != nil {
				return nil, &transportError{action: action, err: err}
			}
		}
		var total int
		if v, ok := r["totalCount"]; ok {
			_ = json.Unmarshal(v, &total)
		}
		all = append(all, items...)
		if len(items) == 0 || len(all) >= total {
			return all, nil
		}
	}
}

func filter(name, value string) common.Filter {
	return common.Filter{Name: name, Values: []string{value}}
}

func filterParam(f common.Filter) map[string]any {
	vs := make([]any, len(f.Values))
	for i, v := range f.Values {
		vs[i] = v
	}
	return map[string]any{"name": f.Name, "values": vs}
}

func maps(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+2)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// routeRule is one rule the call asks for.
type routeRule struct {
	prefix, nextHopType, nextHopID string
}

func wantedRules(p map[string]any) []routeRule {
	var out []routeRule
	specs, _ := p["routeTableRuleSpecs"].([]any)
	for _, s := range specs {
		m, _ := s.(map[string]any)
		out = append(out, routeRule{str(m, "addressPrefix"), str(m, "nextHopType"), str(m, "nextHopId")})
	}
	return out
}

func (c *Client) describeRouteTable(ctx context.Context, region, id string) (vpc.RouteTable, error) {
	raw, err := c.send(ctx, "DescribeRouteTable", map[string]any{"regionId": region, "routeTableId": id})
	if err != nil {
		return vpc.RouteTable{}, err
	}
	var r struct {
		RouteTable vpc.RouteTable `json:"routeTable"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return vpc.RouteTable{}, &transportError{action: "DescribeRouteTable", err: err}
	}
	return r.RouteTable, nil
}

// addRoutes adds only the rules the route table lacks, so that a repeated
// call adds nothing (JD Cloud refuses a duplicate prefix anyway).
func (c *Client) addRoutes(ctx context.Context, call provision.Call, p map[string]any) (map[string]string, error) {
	region, rtb := str(p, "regionId"), str(p, "routeTableId")
	table, err := c.describeRouteTable(ctx, region, rtb)
	if err != nil {
		return nil, err
	}
	var missing []any
	specs, _ := p["routeTableRuleSpecs"].([]any)
	for i, w := range wantedRules(p) {
		k := slices.IndexFunc(table.RouteTableRules, func(r vpc.RouteTableRule) bool { return r.AddressPrefix == w.prefix })
		if k < 0 {
			missing = append(missing, specs[i])
			continue
		}
		r := table.RouteTableRules[k]
		if r.NextHopType != w.nextHopType || r.NextHopId != w.nextHopID {
			return nil, &ConflictError{call.ID, "route table rule", r.RuleId, fmt.Sprintf("in %s sends %s to %s %s", rtb, w.prefix, r.NextHopType, r.NextHopId)}
		}
	}
	if len(missing) > 0 {
		q := maps(p)
		q["routeTableRuleSpecs"] = missing
		if _, err := c.send(ctx, call.Action, q); err != nil {
			return nil, err
		}
		if table, err = c.describeRouteTable(ctx, region, rtb); err != nil {
			return nil, err
		}
	}
	out := map[string]string{}
	for _, w := range wantedRules(p) {
		for _, r := range table.RouteTableRules {
			if r.AddressPrefix == w.prefix && r.NextHopType == w.nextHopType && r.NextHopId == w.nextHopID {
				out["rule:"+w.prefix] = r.RuleId
			}
		}
	}
	return out, nil
}

// Delete removes what Apply created for this call (teardown runs calls in
// reverse order). The id comes from outputs or, when an earlier run stopped
// before recording it, from finding the resource as Apply does; a resource
// already gone is not an error. Read-back calls delete nothing.
func (c *Client) Delete(ctx context.Context, call provision.Call, outputs map[string]map[string]string, observe func(Attempt)) error {
	if call.Kind == provision.KindReadBack {
		return nil
	}
	// Secrets are not needed to find or delete; unresolved references (a
	// call whose dependency never ran) show as placeholders that match
	// nothing.
	p := call.Render(outputs)
	return c.retry(ctx, call, nil, observe, func() error { return c.delete(ctx, call, outputs, p) })
}

func (c *Client) delete(ctx context.Context, call provision.Call, outputs map[string]map[string]string, p map[string]any) error {
	region := str(p, "regionId")
	id := outputs[call.ID][provision.OutputID]
	var del, idParam string
	switch call.Action {
	case provision.ActionCreateBgw:
		del, idParam = "DeleteBgw", "bgwId"
	case provision.ActionCreateVpcAttachment:
		del, idParam = "DeleteVpcAttachment", "vpcAttachmentId"
	case provision.ActionCreatePrivateVif:
		del, idParam = "DeletePrivateVif", "privateVifId"
	case provision.ActionCreateCustomerGateway:
		del, idParam = "DeleteCustomerGateway", "customerGatewayId"
	case provision.ActionCreateVpnConnection:
		del, idParam = "DeleteVpnConnection", "vpnConnectionId"
	case provision.ActionCreateVpnTunnel:
		del, idParam = "DeleteVpnTunnel", "vpnTunnelId"
	case provision.ActionAddRouteTableRules:
		return c.removeRoutes(ctx, p)
	default:
		return fmt.Errorf("call %s: action %q has no teardown", call.ID, call.Action)
	}
	if id == "" {
		// Find it as Apply would; a conflict means it is not ours: leave it.
		out, err := c.apply(ctx, call, p, false)
		var conflict *ConflictError
		switch {
		case errors.As(err, &conflict):
			return nil
		case errors.Is(err, errNotFound):
			return nil
		case err != nil:
			return err
		}
		id = out[provision.OutputID]
	}
	target := map[string]any{"regionId": region, idParam: id}
	switch call.Action {
	case provision.ActionCreateVpnTunnel:
		// JD Cloud deletes a tunnel only when its management status is
		// DOWN, and tunnels start UP (VPN-Tunnel-Configuration.md).
		_, err := c.send(ctx, "ModifyAdminStatus", map[string]any{"regionId": region, "vpnTunnelId": id, "adminStatus": "DOWN"})
		if gone(err) {
			return nil
		}
		if err != nil {
			return err
		}
	case provision.ActionCreatePrivateVif, provision.ActionCreateVpcAttachment:
		return c.deleteAndWait(ctx, call.Action, del, target)
	}
	_, err := c.send(ctx, del, target)
	if gone(err) {
		return nil
	}
	return err
}

// gone reports an answer saying the resource does not exist.
func gone(err error) bool {
	var api *APIError
	return errors.As(err, &api) && api.HTTPStatus == 404
}

// describeFor is the describe operation, result field and status field of
// the kinds whose deletion is asynchronous.
var describeFor = map[string]struct{ action, field, status string }{
	provision.ActionCreatePrivateVif:    {"DescribePrivateVif", "privateVif", "privateVifStatus"},
	provision.ActionCreateVpcAttachment: {"DescribeVpcAttachment", "vpcAttachment", "status"},
}

// deletingStatus and deletedStatus are PrivateVif.go's "Deleting" and
// "Deleted" (VpcAttachment.go documents only "active"; the same words,
// compared case-insensitively, are assumed).
const (
	deletingStatus = "deleting"
	deletedStatus  = "deleted"
)

// deleteAndWait deletes a private virtual interface or VPC attachment and
// waits until it is gone: JD Cloud deletes them asynchronously ("lasts for
// a while") and refuses to delete the border gateway until they are. It
// describes first, so that a teardown resumed after a crash (kill -9) while
// the resource was deleting does not delete it twice but goes on waiting:
// the journal has the step as started, and this is where it resumes. It
// polls with exponential backoff (PollInterval doubling up to
// PollMaxInterval) for at most DeleteWait.
func (c *Client) deleteAndWait(ctx context.Context, kind, del string, target map[string]any) error {
	d := describeFor[kind]
	status := func() (string, error) {
		raw, err := c.send(ctx, d.action, target)
		if gone(err) {
			return deletedStatus, nil
		}
		if err != nil {
			return "", err
		}
		var r map[string]map[string]any
		if err := json.Unmarshal(raw, &r); err != nil {
			return "", &transportError{action: d.action, err: err}
		}
		st, _ := r[d.field][d.status].(string)
		return strings.ToLower(st), nil
	}
	st, err := status()
	if err != nil {
		return err
	}
	if st != deletingStatus {
		// Sent even when the describe says the resource is gone: the
		// single-resource describe path is unverified, and a wrong one
		// (always 404) must not make teardown skip the delete. A delete
		// answered 404 confirms it.
		_, err := c.send(ctx, del, target)
		if gone(err) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	deadline := time.Now().Add(c.policy.DeleteWait)
	wait := c.policy.PollInterval
	for {
		if st, err = status(); err != nil {
			return err
		}
		if st == deletedStatus {
			return nil
		}
		if time.Now().Add(wait).After(deadline) {
			return fmt.Errorf("%s %v is still %q after %s: the border gateway cannot be deleted before it is gone; run the teardown again later to resume waiting", d.field, target[idParamOf(d.field)], st, c.policy.DeleteWait)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, c.policy.PollMaxInterval)
	}
}

func idParamOf(field string) string { return field + "Id" }

// errNotFound is what a find-only apply reports when there is nothing.
var errNotFound = errors.New("not found")

func (c *Client) removeRoutes(ctx context.Context, p map[string]any) error {
	region, rtb := str(p, "regionId"), str(p, "routeTableId")
	table, err := c.describeRouteTable(ctx, region, rtb)
	var api *APIError
	if errors.As(err, &api) && api.HTTPStatus == 404 {
		return nil
	}
	if err != nil {
		return err
	}
	var ids []any
	for _, w := range wantedRules(p) {
		for _, r := range table.RouteTableRules {
			if r.AddressPrefix == w.prefix && r.NextHopType == w.nextHopType && r.NextHopId == w.nextHopID {
				ids = append(ids, r.RuleId)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	_, err = c.send(ctx, "RemoveRouteTableRules", map[string]any{"regionId": region, "routeTableId": rtb, "ruleIds": ids})
	return err
}

// Accessors of resolved params; a missing or mistyped field reads as the
// zero value, which then matches nothing.

func sub(m map[string]any, k string) map[string]any {
	v, _ := m[k].(map[string]any)
	return v
}

func str(m map[string]any, k string) string {
	v, _ := m[k].(string)
	return v
}

func num(m map[string]any, k string) int {
	switch v := m[k].(type) {
	case int:
		return v
	case int64:
		return int(v)
	case float64:
		return int(v)
	}
	return 0
}

func strs(m map[string]any, k string) []string {
	vs, _ := m[k].([]any)
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
