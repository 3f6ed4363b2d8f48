package jdcloud

// PAGE (issue 12): the plan against the region, before approval and before
// a teardown: for each resource the plan's calls create, whether it is to
// be created, already there and matching (found exactly as provisioning
// would find it), or conflicting (the name is taken by something else or
// differs). Read-only: every lookup is the one Apply makes before creating,
// with creation switched off; route rules are read from their table.

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/hybridplan/hybridplan/pkg/plan/provision"
	vpc "github.com/jdcloud-api/jdcloud-sdk-go/services/vpc/models"
)

// States of a DiffItem.
const (
	DiffCreate   = "create"
	DiffExists   = "exists"
	DiffConflict = "conflict"
	DiffUnknown  = "unknown"
)

// DiffItem is one resource of the plan against the region.
type DiffItem struct {
	Call  string `json:"call"`
	Kind  string `json:"kind"`
	Name  string `json:"name"`
	State string `json:"state"`
	// ID is the existing resource's id (exists, conflict).
	ID      string `json:"id,omitempty"`
	Message string `json:"message,omitempty"`
}

// DiffReport counts the items by state.
type DiffReport struct {
	Region   string     `json:"region"`
	Create   int        `json:"create"`
	Exists   int        `json:"exists"`
	Conflict int        `json:"conflict"`
	Unknown  int        `json:"unknown"`
	Items    []DiffItem `json:"items"`
}

// Diff compares calls' resources with what the region holds. It creates
// nothing and resolves no pre-shared key (lookups never compare them).
func (c *Client) Diff(ctx context.Context, calls []provision.Call) (DiffReport, error) {
	r := DiffReport{Items: []DiffItem{}}
	if len(calls) > 0 {
		r.Region, _ = calls[0].Params["regionId"].(string)
	}
	outputs := map[string]map[string]string{}
	noSecret := func(string) (string, error) { return "", nil }
	for _, call := range calls {
		if call.Kind == provision.KindReadBack {
			continue
		}
		if err := ctx.Err(); err != nil {
			return r, err
		}
		it := DiffItem{Call: call.ID, Kind: call.Kind, Name: call.Name}
		params, err := call.Resolve(outputs, noSecret)
		switch {
		case err != nil:
			// It hangs on a resource that is not there yet: it is new too.
			it.State, it.Message = DiffCreate, "after what it depends on is created"
		case call.Action == provision.ActionAddRouteTableRules:
			it.State, it.Message, err = c.diffRoutes(ctx, params)
			if err != nil {
				it.State, it.Message = classify(err)
			}
		default:
			out, err := c.apply(ctx, call, params, false)
			if err == nil {
				it.State, it.ID = DiffExists, out[provision.OutputID]
				outputs[call.ID] = out
			} else {
				it.State, it.Message = classify(err)
				var ce *ConflictError
				if errors.As(err, &ce) {
					it.ID = ce.ID
				}
			}
		}
		switch it.State {
		case DiffCreate:
			r.Create++
		case DiffExists:
			r.Exists++
		case DiffConflict:
			r.Conflict++
		default:
			r.Unknown++
		}
		r.Items = append(r.Items, it)
	}
	return r, nil
}

func classify(err error) (string, string) {
	var ce *ConflictError
	switch {
	case errors.Is(err, errNotFound):
		return DiffCreate, ""
	case errors.As(err, &ce):
		return DiffConflict, ce.Error()
	}
	return DiffUnknown, err.Error()
}

// diffRoutes reads a route table: every wanted rule present (exists), some
// missing (create), or a prefix routed elsewhere (conflict).
func (c *Client) diffRoutes(ctx context.Context, p map[string]any) (string, string, error) {
	region, rtb := str(p, "regionId"), str(p, "routeTableId")
	table, err := c.describeRouteTable(ctx, region, rtb)
	if err != nil {
		return "", "", err
	}
	missing := 0
	for _, w := range wantedRules(p) {
		k := slices.IndexFunc(table.RouteTableRules, func(r vpc.RouteTableRule) bool { return r.AddressPrefix == w.prefix })
		if k < 0 {
			missing++
			continue
		}
		if r := table.RouteTableRules[k]; r.NextHopType != w.nextHopType || r.NextHopId != w.nextHopID {
			return DiffConflict, fmt.Sprintf("in %s, %s already goes to %s %s", rtb, w.prefix, r.NextHopType, r.NextHopId), nil
		}
	}
	if missing > 0 {
		return DiffCreate, fmt.Sprintf("%d rule(s) to add to %s", missing, rtb), nil
	}
	return DiffExists, "", nil
}
