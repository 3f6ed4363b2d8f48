package provision_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/provision"
)

func example(t testing.TB, name string) *plan.Plan {
	t.Helper()
	p, err := examples.Plan(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func ids(calls []provision.Call) []string {
	out := make([]string, len(calls))
	for i, c := range calls {
		out[i] = c.ID
	}
	return out
}

func TestCallsOrderOnExamples(t *testing.T) {
	tests := []struct {
		example string
		want    []string
	}{
		{examples.Seed, []string{
			"bgw", "attachment/attach-prod", "pvif/pvif-bj-1", "cgw", "vpn", "tunnel/tun-1", "tunnel/tun-2",
			"routes/attach-prod/rtb-prod01",
			"readback/bgw", "readback/connection", "readback/pvif/pvif-bj-1", "readback/vpn",
		}},
		{"aspath-two-vpcs-redundant-dc", []string{
			"bgw", "attachment/attach-app", "attachment/attach-data", "pvif/pvif-sh-a", "pvif/pvif-sh-b",
			"cgw", "vpn", "tunnel/tun-a1", "tunnel/tun-a2", "tunnel/tun-b1", "tunnel/tun-b2",
			"routes/attach-app/rtb-app0001", "routes/attach-data/rtb-data0001",
			"readback/bgw", "readback/connection", "readback/pvif/pvif-sh-a", "readback/pvif/pvif-sh-b", "readback/vpn",
		}},
		{"dualstack-aggregate-over-vpn", []string{
			"bgw", "attachment/attach-gz", "pvif/pvif-gz-1", "cgw", "vpn", "tunnel/tun-gz-1", "tunnel/tun-gz-2",
			"readback/bgw", "readback/connection", "readback/pvif/pvif-gz-1", "readback/vpn",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.example, func(t *testing.T) {
			p := example(t, tc.example)
			calls, err := provision.Calls(p)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(calls); !slices.Equal(got, tc.want) {
				t.Fatalf("calls\n%v\nwant\n%v", got, tc.want)
			}
			seen := map[string]bool{}
			for i, c := range calls {
				if i > 0 && c.Step < calls[i-1].Step {
					t.Errorf("%s (step %d) after step %d", c.ID, c.Step, calls[i-1].Step)
				}
				for _, d := range c.DependsOn {
					if !seen[d] {
						t.Errorf("%s depends on %s, which does not come earlier", c.ID, d)
					}
				}
				// Every reference is to a call it depends on.
				for _, r := range c.Refs() {
					if !slices.Contains(c.DependsOn, r.Call) {
						t.Errorf("%s refers to %s without depending on it", c.ID, r)
					}
				}
				if c.Params["regionId"] != p.Region || c.Summary == "" || c.Action == "" || c.Service == "" || c.Name == "" {
					t.Errorf("%s lacks region, summary, action, service or name: %+v", c.ID, c)
				}
				if seen[c.ID] {
					t.Errorf("duplicate id %s", c.ID)
				}
				seen[c.ID] = true
			}
		})
	}
}

func find(t *testing.T, calls []provision.Call, id string) provision.Call {
	t.Helper()
	i := slices.IndexFunc(calls, func(c provision.Call) bool { return c.ID == id })
	if i < 0 {
		t.Fatalf("no call %s", id)
	}
	return calls[i]
}

func TestSeedParams(t *testing.T) {
	calls, err := provision.Calls(example(t, examples.Seed))
	if err != nil {
		t.Fatal(err)
	}
	bgwRef := provision.Ref{Call: "bgw", Output: provision.OutputID}
	tests := []struct {
		id   string
		path []string
		want any
	}{
		{"bgw", []string{"bgwSpec", "bgwName"}, "bgw-bj"},
		{"attachment/attach-prod", []string{"vpcAttachmentSpec", "propagateType"}, "all"},
		{"attachment/attach-prod", []string{"vpcAttachmentSpec", "vpcId"}, "vpc-prod01"},
		{"attachment/attach-prod", []string{"vpcAttachmentSpec", "bgwId"}, bgwRef},
		{"pvif/pvif-bj-1", []string{"privateVifSpec", "connectionId"}, "dc-bj-0001"},
		{"pvif/pvif-bj-1", []string{"privateVifSpec", "vlan"}, 100},
		{"pvif/pvif-bj-1", []string{"privateVifSpec", "bgwId"}, bgwRef},
		{"pvif/pvif-bj-1", []string{"privateVifSpec", "peerIps"}, []any{map[string]any{"customerIp": "10.254.0.1", "jdCloudIp": "10.254.0.2"}}},
		{"pvif/pvif-bj-1", []string{"privateVifSpec", "bgpSpec"}, map[string]any{"addressFamily": "ipv4", "customerAsn": 65001}},
		{"pvif/pvif-bj-1", []string{"privateVifSpec", "healthCheck"}, map[string]any{"healthCheckType": "BFD",
			"bfdInfo": map[string]any{"minTxInterval": 300, "minRxInterval": 300, "detectMultiplier": 3}}},
		{"cgw", []string{"customerGatewaySpec", "customerIps"}, []any{"203.0.113.10"}},
		{"cgw", []string{"customerGatewaySpec", "bgpAsn"}, 65001},
		{"vpn", []string{"vpnConnectionSpec", "cgwId"}, provision.Ref{Call: "cgw", Output: "id"}},
		{"vpn", []string{"vpnConnectionSpec", "localAsn"}, 65000},
		{"vpn", []string{"vpnConnectionSpec", "bgpEnabled"}, true},
		{"tunnel/tun-2", []string{"vpnTunnelSpec", "cloudPublicIp"}, provision.Ref{Call: "vpn", Output: "cloudPublicIp2"}},
		{"tunnel/tun-2", []string{"vpnTunnelSpec", "psk"}, provision.Secret{Ref: "env:HYBRIDPLAN_PSK_TUN2"}},
		{"tunnel/tun-2", []string{"vpnTunnelSpec", "tunnelIp"}, "169.254.10.4/30"},
		{"tunnel/tun-2", []string{"vpnTunnelSpec", "localTunnelIp"}, "169.254.10.5"},
		{"tunnel/tun-2", []string{"vpnTunnelSpec", "ikeVersion"}, "v2"},
		{"tunnel/tun-2", []string{"vpnTunnelSpec", "ikeDpdSec"}, 10},
		{"tunnel/tun-2", []string{"vpnTunnelSpec", "bandwidthMbps"}, 200},
		{"routes/attach-prod/rtb-prod01", []string{"routeTableId"}, "rtb-prod01"},
		{"routes/attach-prod/rtb-prod01", []string{"routeTableRuleSpecs"}, []any{
			map[string]any{"nextHopType": "bgw", "nextHopId": bgwRef, "addressPrefix": "192.168.0.0/16", "priority": 100, "description": "hybridplan: seed-dc-primary-vpn-backup"},
			map[string]any{"nextHopType": "bgw", "nextHopId": bgwRef, "addressPrefix": "172.20.0.0/16", "priority": 100, "description": "hybridplan: seed-dc-primary-vpn-backup"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.id+"/"+strings.Join(tc.path, "."), func(t *testing.T) {
			var v any = find(t, calls, tc.id).Params
			for _, k := range tc.path {
				v = v.(map[string]any)[k]
			}
			if !reflect.DeepEqual(v, tc.want) {
				t.Errorf("got %#v, want %#v", v, tc.want)
			}
		})
	}
	// No pre-shared key and no IPsec "none" sent for PFS.
	spec := find(t, calls, "tunnel/tun-1").Params["vpnTunnelSpec"].(map[string]any)
	if _, ok := spec["ipsecKeyExchange"]; ok {
		t.Error("PFS none must be sent as an absent ipsecKeyExchange")
	}
}

func TestPartialPropagationAndHealthChecks(t *testing.T) {
	calls, err := provision.Calls(example(t, "aspath-two-vpcs-redundant-dc"))
	if err != nil {
		t.Fatal(err)
	}
	spec := find(t, calls, "attachment/attach-data").Params["vpcAttachmentSpec"].(map[string]any)
	if spec["propagateType"] != "partial" || !reflect.DeepEqual(spec["subnetIds"], []any{"subnet-db0001", "subnet-etl0001"}) {
		t.Errorf("partial propagation: %v", spec)
	}
	hc := find(t, calls, "pvif/pvif-sh-b").Params["privateVifSpec"].(map[string]any)["healthCheck"]
	want := map[string]any{"healthCheckType": "NQA", "nqaInfo": map[string]any{"txInterval": 2, "thresholdCount": 3, "responseTimeout": 2}}
	if !reflect.DeepEqual(hc, want) {
		t.Errorf("NQA: %v", hc)
	}
	tun := find(t, calls, "tunnel/tun-b2").Params["vpnTunnelSpec"].(map[string]any)
	if tun["ipsecKeyExchange"] != "ecp384" || tun["ikeCipher"] != "aes256" || tun["cloudPublicIp"] != (provision.Ref{Call: "vpn", Output: "cloudPublicIp2"}) {
		t.Errorf("tunnel b2: %v", tun)
	}
}

func TestIPv6IsNamedNotDropped(t *testing.T) {
	calls, err := provision.Calls(example(t, "dualstack-aggregate-over-vpn"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"pvif/pvif-gz-1", "tunnel/tun-gz-1"} {
		if s := find(t, calls, id).Summary; !strings.Contains(s, "2001:db8:") || !strings.Contains(s, "not settable through the API") {
			t.Errorf("%s summary does not name the IPv6 part it cannot provision: %s", id, s)
		}
	}
}

func TestCallsJSONRoundTrip(t *testing.T) {
	for _, e := range examples.All() {
		t.Run(e.Name, func(t *testing.T) {
			calls, err := provision.Calls(example(t, e.Name))
			if err != nil {
				t.Fatal(err)
			}
			a, err := json.Marshal(calls)
			if err != nil {
				t.Fatal(err)
			}
			var back []provision.Call
			if err := json.Unmarshal(a, &back); err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(back)
			if string(a) != string(b) {
				t.Fatalf("round trip changed the calls:\n%s\n%s", a, b)
			}
			for i := range calls {
				if !reflect.DeepEqual(calls[i].Refs(), back[i].Refs()) {
					t.Errorf("%s: refs %v became %v", calls[i].ID, calls[i].Refs(), back[i].Refs())
				}
			}
			if !strings.Contains(string(a), `{"$secret":"env:`) && e.Name == examples.Seed {
				t.Error("secret placeholder missing from JSON")
			}
		})
	}
}

func TestDecodeRejectsMalformedPlaceholders(t *testing.T) {
	tests := []struct{ name, params string }{
		{"ref without output", `{"x":{"$ref":{"call":"bgw"}}}`},
		{"ref with extra key", `{"x":{"$ref":{"call":"bgw","output":"id"},"y":1}}`},
		{"ref as string", `{"x":{"$ref":"bgw.id"}}`},
		{"empty secret", `{"x":[{"$secret":""}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c provision.Call
			err := json.Unmarshal([]byte(`{"id":"c","params":`+tc.params+`}`), &c)
			if err == nil {
				t.Fatalf("accepted %s", tc.params)
			}
		})
	}
}

func TestResolveAndRender(t *testing.T) {
	calls, _ := provision.Calls(example(t, examples.Seed))
	tun := find(t, calls, "tunnel/tun-1")
	outputs := provision.Outputs{"vpn": {"id": "vpnc-1", "cloudPublicIp1": "198.51.100.20"}}
	got, err := tun.Resolve(outputs, func(ref string) (string, error) { return "k-" + strings.TrimPrefix(ref, "env:"), nil })
	if err != nil {
		t.Fatal(err)
	}
	spec := got["vpnTunnelSpec"].(map[string]any)
	if spec["vpnConnectionId"] != "vpnc-1" || spec["cloudPublicIp"] != "198.51.100.20" || spec["psk"] != "k-HYBRIDPLAN_PSK_TUN1" {
		t.Errorf("resolved %v", spec)
	}
	// The call itself keeps its placeholders.
	if _, ok := tun.Params["vpnTunnelSpec"].(map[string]any)["psk"].(provision.Secret); !ok {
		t.Error("Resolve changed the call's params")
	}
	_, err = tun.Resolve(provision.Outputs{}, nil)
	if err == nil || !strings.Contains(err.Error(), "run vpn first") {
		t.Errorf("missing output: %v", err)
	}
	_, err = tun.Resolve(outputs, func(string) (string, error) { return "", errors.New("no such variable") })
	if err == nil || !strings.Contains(err.Error(), "env:HYBRIDPLAN_PSK_TUN1") {
		t.Errorf("secret error: %v", err)
	}
	r := tun.Render(provision.Outputs{})["vpnTunnelSpec"].(map[string]any)
	if r["psk"] != provision.SecretMask || r["vpnConnectionId"] != "<vpn.id>" {
		t.Errorf("rendered %v", r)
	}
}

func TestCallsRejectUnprovisionablePlans(t *testing.T) {
	tests := []struct {
		name     string
		mutate   func(*plan.Plan)
		wantPath string
	}{
		{"VPC without id", func(p *plan.Plan) { p.BorderGateway.Attachments[0].VPCID = "" }, "$.borderGateway.attachments[0].vpcId"},
		{"bad name", func(p *plan.Plan) { p.BorderGateway.Name = "bgw bj!" }, "$.borderGateway.name"},
		{"long name", func(p *plan.Plan) { p.VPN.Connection.Name = strings.Repeat("v", 33) }, "$.vpn.connection.name"},
		{"no region", func(p *plan.Plan) { p.Region = "" }, "$.region"},
		{"no connection id", func(p *plan.Plan) { p.DirectConnection.ConnectionID = "" }, "$.directConnection.connectionId"},
		{"tunnel on unknown cloud IP", func(p *plan.Plan) { p.VPN.Tunnels[0].CloudPublicIP = p.VPN.CustomerGateway.PublicIPs[0] }, "$.vpn.tunnels[0].cloudPublicIp"},
		{"no psk ref", func(p *plan.Plan) { p.VPN.Tunnels[1].PSKRef = "" }, "$.vpn.tunnels[1].pskRef"},
		{"subnet without id", func(p *plan.Plan) {
			a := &p.BorderGateway.Attachments[0]
			a.Subnets = []plan.Subnet{{Name: "s1", CIDR: a.CIDRs[0]}}
			a.Propagation = plan.Propagation{Mode: plan.PropagateSubnets, Subnets: []string{"s1"}}
		}, "$.borderGateway.attachments[0].subnets[0].id"},
		{"unknown subnet", func(p *plan.Plan) {
			p.BorderGateway.Attachments[0].Propagation = plan.Propagation{Mode: plan.PropagateSubnets, Subnets: []string{"nope"}}
		}, "$.borderGateway.attachments[0].propagation.subnets[0]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := example(t, examples.Seed)
			tc.mutate(p)
			_, err := provision.Calls(p)
			var pe *provision.Error
			if !errors.As(err, &pe) {
				t.Fatalf("err %v, want *provision.Error", err)
			}
			if !slices.ContainsFunc(pe.Problems, func(x provision.Problem) bool { return x.Path == tc.wantPath }) {
				t.Errorf("problems %v do not name %s", pe.Problems, tc.wantPath)
			}
		})
	}
	if _, err := provision.Calls(nil); err == nil {
		t.Error("nil plan accepted")
	}
}

func TestPlanWithoutDirectConnectionOrVPN(t *testing.T) {
	p := example(t, examples.Seed)
	p.DirectConnection, p.VPN = nil, nil
	calls, err := provision.Calls(p)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"bgw", "attachment/attach-prod", "routes/attach-prod/rtb-prod01", "readback/bgw"}
	if got := ids(calls); !slices.Equal(got, want) {
		t.Errorf("calls %v, want %v", got, want)
	}
}
