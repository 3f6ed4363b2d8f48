package jdcloud_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan/provision"
	"github.com/hybridplan/hybridplan/server/jdcloud"
)

func TestRequestRendersTheDryRun(t *testing.T) {
	p := examplePlans(t)[examples.Seed]
	calls, err := provision.Calls(p)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]provision.Call{}
	for _, c := range calls {
		byID[c.ID] = c
	}
	outputs := map[string]map[string]string{"bgw": {"id": "bgw-abc"}}
	tests := []struct {
		id                 string
		method, path, host string
		bodyHas            []string
		bodyLacks          []string
	}{
		{"bgw", "POST", "/v1/regions/cn-north-1/bgws/", "bgw.jdcloud-api.com",
			[]string{`"regionId":"cn-north-1"`, `"bgwName":"bgw-bj"`}, nil},
		{"attachment/attach-prod", "POST", "/v1/regions/cn-north-1/vpcAttachments/", "bgw.jdcloud-api.com",
			[]string{`"bgwId":"bgw-abc"`, `"propagateType":"all"`, `"vpcId":"vpc-prod01"`}, nil},
		{"tunnel/tun-1", "POST", "/v1/regions/cn-north-1/vpnTunnels/", "bgw.jdcloud-api.com",
			[]string{`"psk":"******"`, `"vpnConnectionId":"\u003cvpn.id\u003e"`}, []string{"HYBRIDPLAN_PSK"}},
		{"routes/attach-prod/rtb-prod01", "POST", "/v1/regions/cn-north-1/routeTables/rtb-prod01%3AaddRouteTableRules", "vpc.jdcloud-api.com",
			[]string{`"routeTableId":"rtb-prod01"`, `"nextHopType":"bgw"`, `"nextHopId":"bgw-abc"`, `"addressPrefix":"192.168.0.0/16"`}, nil},
		{"readback/bgw", "GET", "/v1/regions/cn-north-1/bgws/bgw-abc", "bgw.jdcloud-api.com", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			h, err := jdcloud.Request(byID[tc.id], outputs)
			if err != nil {
				t.Fatal(err)
			}
			if h.Method != tc.method || h.Path != tc.path || h.Host != tc.host {
				t.Errorf("%s %s%s, want %s %s%s", h.Method, h.Host, h.Path, tc.method, tc.host, tc.path)
			}
			body := string(h.Body)
			if tc.method == "GET" && body != "" {
				t.Errorf("GET with a body: %s", body)
			}
			for _, s := range tc.bodyHas {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %s: %s", s, body)
				}
			}
			for _, s := range tc.bodyLacks {
				if strings.Contains(body, s) {
					t.Errorf("body has %s: %s", s, body)
				}
			}
			if body != "" && !json.Valid(h.Body) {
				t.Errorf("body is not JSON: %s", body)
			}
		})
	}

	// GET parameters go in the query, as the SDK encodes them.
	h, err := jdcloud.Request(byID["readback/vpn"], map[string]map[string]string{"vpn": {"id": "vpnc-1"}})
	if err != nil {
		t.Fatal(err)
	}
	path, query, _ := strings.Cut(h.Path, "?")
	q, _ := url.ParseQuery(query)
	if path != "/v1/regions/cn-north-1/vpnTunnels/" || q.Get("filters.1.name") != "vpnConnectionId" || q.Get("filters.1.values.1") != "vpnc-1" {
		t.Errorf("list request %s", h.Path)
	}
}

func TestRequestRendersEveryCallOfEveryExample(t *testing.T) {
	for name, p := range examplePlans(t) {
		calls, err := provision.Calls(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range calls {
			if _, err := jdcloud.Request(c, nil); err != nil {
				t.Errorf("%s %s: %v", name, c.ID, err)
			}
		}
	}
}

func TestRequestRefusesDriftedParams(t *testing.T) {
	c := provision.Call{ID: "x", Action: provision.ActionCreateBgw, Params: map[string]any{"regionId": "cn-north-1", "bgwSpec": map[string]any{"bgwName": "g", "color": "red"}}}
	if _, err := jdcloud.Request(c, nil); err == nil || !strings.Contains(err.Error(), "color") {
		t.Errorf("err %v, want a refusal naming the unknown field", err)
	}
	c.Action = "LaunchRocket"
	if _, err := jdcloud.Request(c, nil); err == nil || !strings.Contains(err.Error(), "unknown action") {
		t.Errorf("err %v", err)
	}
}
