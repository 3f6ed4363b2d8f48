package standin

import (
	"net/netip"
	"slices"

	vpc "github.com/jdcloud-api/jdcloud-sdk-go/services/vpc/models"
)

// Handlers of the VPC service operations hybridplan uses. Each runs with
// s.mu held.

func (s *Server) describeVpc(c call) (any, *apiError) {
	v, ok := s.st.vpcs[c.id]
	if !ok || v.region != c.region {
		return nil, notFound("VPC %s not found in %s", c.id, c.region)
	}
	out := v.Vpc
	out.Subnets = slices.Clone(v.Subnets)
	return map[string]any{"vpc": out}, nil
}

func (s *Server) findRouteTable(c call) (*routeTableRes, *apiError) {
	t, ok := s.st.routeTables[c.id]
	if !ok || t.region != c.region {
		return nil, notFound("route table %s not found in %s", c.id, c.region)
	}
	return t, nil
}

func (s *Server) describeRouteTable(c call) (any, *apiError) {
	t, e := s.findRouteTable(c)
	if e != nil {
		return nil, e
	}
	return map[string]any{"routeTable": t.view()}, nil
}

// nextHopTypes are the next hops AddRouteTableRules accepts (the SDK's
// AddRouteTableRules model).
var nextHopTypes = []string{"instance", "internet", "vpc_peering", "bgw", "natgw", "elastic_network_interface", "havip"}

func (s *Server) addRules(c call) (any, *apiError) {
	var req struct {
		RegionId            string                   `json:"regionId"`
		RouteTableId        string                   `json:"routeTableId"`
		RouteTableRuleSpecs []vpc.AddRouteTableRules `json:"routeTableRuleSpecs"`
	}
	if e := decode(c.body, &req); e != nil {
		return nil, e
	}
	if e := checkRegion(c, req.RegionId); e != nil {
		return nil, e
	}
	if req.RouteTableId != c.id {
		return nil, invalid("routeTableId %q in the body differs from %q in the path", req.RouteTableId, c.id)
	}
	t, e := s.findRouteTable(c)
	if e != nil {
		return nil, e
	}
	if len(req.RouteTableRuleSpecs) == 0 {
		return nil, invalid("routeTableRuleSpecs is empty")
	}
	var add []vpc.RouteTableRule
	for i, r := range req.RouteTableRuleSpecs {
		if !slices.Contains(nextHopTypes, r.NextHopType) {
			return nil, invalid("routeTableRuleSpecs[%d].nextHopType %q: use one of %v", i, r.NextHopType, nextHopTypes)
		}
		pf, err := netip.ParsePrefix(r.AddressPrefix)
		if err != nil || pf.Masked() != pf {
			return nil, invalid("routeTableRuleSpecs[%d].addressPrefix %q is not a network prefix", i, r.AddressPrefix)
		}
		prio := 100
		if r.Priority != nil {
			prio = *r.Priority
			if prio < 1 || prio > 255 {
				return nil, invalid("routeTableRuleSpecs[%d].priority %d is outside [1,255]", i, prio)
			}
		}
		if r.NextHopType == "bgw" {
			b, ok := s.st.bgws[r.NextHopId]
			if !ok || b.region != c.region {
				return nil, notFound("routeTableRuleSpecs[%d]: border gateway %s not found", i, r.NextHopId)
			}
			attached := false
			for _, a := range s.st.attachments {
				attached = attached || (a.BgwId == b.BgwId && a.VpcId == t.VpcId)
			}
			if !attached {
				return nil, errf(400, "FAILED_PRECONDITION", "VPC %s of route table %s is not attached to border gateway %s: create the VPC attachment first", t.VpcId, t.RouteTableId, b.BgwId)
			}
		}
		dup := func(o vpc.RouteTableRule) bool { return o.AddressPrefix == pf.String() }
		if slices.ContainsFunc(t.RouteTableRules, dup) || slices.ContainsFunc(add, dup) {
			return nil, errf(400, "ALREADY_EXISTS", "route table %s already has a rule for %s", t.RouteTableId, pf)
		}
		desc := ""
		if r.Description != nil {
			desc = *r.Description
		}
		if e := checkDescription(desc); e != nil {
			return nil, e
		}
		add = append(add, vpc.RouteTableRule{
			RuleId: s.newID("rtr"), Priority: prio, NextHopType: r.NextHopType, NextHopId: r.NextHopId,
			AddressPrefix: pf.String(), Origin: "static", Description: desc,
		})
	}
	t.RouteTableRules = append(t.RouteTableRules, add...)
	return map[string]any{}, nil
}

func (s *Server) removeRules(c call) (any, *apiError) {
	var req struct {
		RegionId     string   `json:"regionId"`
		RouteTableId string   `json:"routeTableId"`
		RuleIds      []string `json:"ruleIds"`
	}
	if e := decode(c.body, &req); e != nil {
		return nil, e
	}
	if e := checkRegion(c, req.RegionId); e != nil {
		return nil, e
	}
	if req.RouteTableId != c.id {
		return nil, invalid("routeTableId %q in the body differs from %q in the path", req.RouteTableId, c.id)
	}
	t, e := s.findRouteTable(c)
	if e != nil {
		return nil, e
	}
	for _, id := range req.RuleIds {
		if id == "local" {
			return nil, invalid("the local rule cannot be removed")
		}
		if !slices.ContainsFunc(t.RouteTableRules, func(r vpc.RouteTableRule) bool { return r.RuleId == id }) {
			return nil, notFound("route table %s has no rule %s", t.RouteTableId, id)
		}
	}
	t.RouteTableRules = slices.DeleteFunc(t.RouteTableRules, func(r vpc.RouteTableRule) bool { return slices.Contains(req.RuleIds, r.RuleId) })
	return map[string]any{}, nil
}
