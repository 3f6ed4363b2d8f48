package standin_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jdcloud-api/jdcloud-sdk-go/core"

	"github.com/hybridplan/hybridplan/server/standin"
)

// Requests are sent with the real SDK's core client (signing and parameter
// building), through a generic request type, so these tests exercise the
// stand-in's rules independently of hybridplan's client.

const (
	ak = "AKSTANDINTEST"
	sk = "SKstandin-test-secret"
)

type rawReq struct {
	core.JDCloudRequest
	region string
	fields map[string]any
}

func (r rawReq) GetRegionId() string          { return r.region }
func (r rawReq) MarshalJSON() ([]byte, error) { return json.Marshal(r.fields) }

type answer struct {
	RequestID string `json:"requestId"`
	Error     *struct {
		Code    int    `json:"code"`
		Status  string `json:"status"`
		Message string `json:"message"`
	} `json:"error"`
	Result map[string]any `json:"result"`
}

type tenv struct {
	t   *testing.T
	srv *standin.Server
	hs  *httptest.Server
}

func fixtures() standin.Fixtures {
	return standin.Fixtures{
		Region: "cn-north-1",
		VPCs: []standin.VPC{
			{ID: "vpc-a", Name: "a", CIDRs: []string{"10.0.0.0/16"}, Subnets: []standin.Subnet{{ID: "subnet-a1", Name: "a1", CIDR: "10.0.1.0/24"}}, RouteTables: []string{"rtb-a"}},
			{ID: "vpc-b", Name: "b", CIDRs: []string{"10.1.0.0/16"}, RouteTables: []string{"rtb-b"}},
		},
		Connections: []standin.Connection{{ID: "dc-1", Name: "dc-1", BandwidthMbps: 1000}},
	}
}

func newTenv(t *testing.T, mutate func(*standin.Options)) *tenv {
	t.Helper()
	o := standin.Options{Credentials: map[string]string{ak: sk}, Fixtures: fixtures(), Seed: 7}
	if mutate != nil {
		mutate(&o)
	}
	srv := standin.New(o)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &tenv{t: t, srv: srv, hs: hs}
}

// send performs one operation with the SDK, signed with key.
func (e *tenv) sendAs(accessKey, secretKey, service, method, path string, fields map[string]any) answer {
	e.t.Helper()
	if fields == nil {
		fields = map[string]any{}
	}
	if _, ok := fields["regionId"]; !ok {
		fields["regionId"] = "cn-north-1"
	}
	cfg := core.NewConfig()
	cfg.SetScheme(core.SchemeHttp)
	cfg.SetEndpoint(strings.TrimPrefix(e.hs.URL, "http://"))
	c := core.JDCloudClient{Credential: *core.NewCredentials(accessKey, secretKey), Config: *cfg, ServiceName: service, Revision: "test", Logger: core.NewDummyLogger()}
	body, err := c.Send(rawReq{JDCloudRequest: core.JDCloudRequest{URL: path, Method: method, Version: "v1"}, region: fields["regionId"].(string), fields: fields}, service)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	var a answer
	if err := json.Unmarshal(body, &a); err != nil {
		e.t.Fatalf("%s %s: answer %q: %v", method, path, body, err)
	}
	return a
}

func (e *tenv) send(service, method, path string, fields map[string]any) answer {
	e.t.Helper()
	return e.sendAs(ak, sk, service, method, path, fields)
}

func (e *tenv) ok(a answer) map[string]any {
	e.t.Helper()
	if a.Error != nil {
		e.t.Fatalf("unexpected error %+v", *a.Error)
	}
	return a.Result
}

func (e *tenv) createBgw(name string) string {
	e.t.Helper()
	r := e.ok(e.send("bgw", "POST", "/regions/{regionId}/bgws/", map[string]any{"bgwSpec": map[string]any{"bgwName": name}}))
	return r["bgwId"].(string)
}

func wantError(t *testing.T, a answer, code int, status, inMessage string) {
	t.Helper()
	if a.Error == nil {
		t.Fatalf("got success %v, want %d %s", a.Result, code, status)
	}
	if a.Error.Code != code || a.Error.Status != status || !strings.Contains(a.Error.Message, inMessage) {
		t.Fatalf("got %d %s %q, want %d %s containing %q", a.Error.Code, a.Error.Status, a.Error.Message, code, status, inMessage)
	}
	if a.RequestID == "" {
		t.Error("error answer without requestId")
	}
}

func TestSignatures(t *testing.T) {
	tests := []struct {
		name      string
		mutate    func(*standin.Options)
		ak, sk    string
		service   string
		wantCode  int
		wantInMsg string
	}{
		{"good signature", nil, ak, sk, "bgw", 0, ""},
		{"wrong secret key", nil, ak, "wrong-secret", "bgw", 401, "signature does not match"},
		{"unknown access key", nil, "AKUNKNOWN", sk, "bgw", 401, "access key is not known"},
		{"stale date", func(o *standin.Options) { o.Now = func() time.Time { return time.Now().Add(time.Hour) } }, ak, sk, "bgw", 401, "from the server's clock"},
		{"signed for another service", nil, ak, sk, "vpc", 401, "signed for service"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newTenv(t, tc.mutate)
			a := e.sendAs(tc.ak, tc.sk, tc.service, "GET", "/regions/{regionId}/bgws/", nil)
			if tc.wantCode == 0 {
				e.ok(a)
				return
			}
			wantError(t, a, tc.wantCode, "UNAUTHENTICATED", tc.wantInMsg)
			if strings.Contains(a.Error.Message, sk) || strings.Contains(a.Error.Message, "wrong-secret") {
				t.Error("the error echoes a secret key")
			}
		})
	}
}

// signed returns a request signed by the SDK's signer, to be altered.
func signed(t *testing.T, e *tenv, method, path, body string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, e.hs.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	if _, err := core.NewSigner(*core.NewCredentials(ak, sk), core.NewDummyLogger()).Sign(r, strings.NewReader(body), "bgw", "cn-north-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	return r
}

func do(t *testing.T, r *http.Request) (int, answer) {
	t.Helper()
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var a answer
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("answer %q: %v", b, err)
	}
	return resp.StatusCode, a
}

func TestTamperedAndReplayedRequests(t *testing.T) {
	e := newTenv(t, nil)
	const path = "/v1/regions/cn-north-1/bgws/"
	body := `{"regionId":"cn-north-1","bgwSpec":{"bgwName":"a"}}`

	r := signed(t, e, "POST", path, body)
	r.Body = io.NopCloser(strings.NewReader(strings.Replace(body, `"a"`, `"b"`, 1)))
	if code, a := do(t, r); code != 401 || a.Error == nil || a.Error.Status != "UNAUTHENTICATED" {
		t.Errorf("tampered body: %d %+v", code, a.Error)
	}

	r = signed(t, e, "GET", path, "")
	r.Header.Del("Authorization")
	if code, a := do(t, r); code != 401 || !strings.Contains(a.Error.Message, "Authorization") {
		t.Errorf("missing signature: %d %+v", code, a.Error)
	}

	r = signed(t, e, "GET", path+"?pageSize=10", "")
	r.URL.RawQuery = "pageSize=20"
	if code, _ := do(t, r); code != 401 {
		t.Errorf("tampered query: %d", code)
	}

	r = signed(t, e, "GET", path, "")
	if code, _ := do(t, r); code != 200 {
		t.Fatalf("first send: %d", code)
	}
	r2 := signed(t, e, "GET", path, "")
	r2.Header = r.Header.Clone()
	if code, a := do(t, r2); code != 401 || !strings.Contains(a.Error.Message, "nonce") {
		t.Errorf("replayed request: %d %+v", code, a.Error)
	}
	if n := len(e.srv.Snapshot().Bgws); n != 0 {
		t.Errorf("%d border gateways created by refused requests", n)
	}
}

func TestEscapedColonPathIsVerified(t *testing.T) {
	// The signature covers the path with ":" escaped as %3A.
	e := newTenv(t, nil)
	bgwID := e.createBgw("g")
	e.ok(e.send("bgw", "POST", "/regions/{regionId}/vpcAttachments/", map[string]any{"vpcAttachmentSpec": map[string]any{
		"vpcAttachmentName": "att", "vpcId": "vpc-a", "bgwId": bgwID, "propagateType": "all"}}))
	e.ok(e.send("vpc", "POST", "/regions/{regionId}/routeTables/{routeTableId}:addRouteTableRules", map[string]any{
		"routeTableId": "rtb-a", "routeTableRuleSpecs": []any{map[string]any{"nextHopType": "bgw", "nextHopId": bgwID, "addressPrefix": "192.168.0.0/16"}}}))
	got := e.srv.Snapshot().RouteTables
	if len(got) != 2 || len(got[0].RouteTableRules) != 2 {
		t.Fatalf("route tables %+v", got)
	}
	reqs := e.srv.Requests()
	if last := reqs[len(reqs)-1]; last.Action != "AddRouteTableRules" || last.Status != 200 {
		t.Errorf("last request %+v", last)
	}
}

func TestRules(t *testing.T) {
	type step struct {
		service, method, path string
		fields                map[string]any
	}
	bgw := func(name string) step {
		return step{"bgw", "POST", "/regions/{regionId}/bgws/", map[string]any{"bgwSpec": map[string]any{"bgwName": name}}}
	}
	att := func(name, vpc string) step {
		return step{"bgw", "POST", "/regions/{regionId}/vpcAttachments/", map[string]any{"vpcAttachmentSpec": map[string]any{
			"vpcAttachmentName": name, "vpcId": vpc, "bgwId": "$bgw", "propagateType": "all"}}}
	}
	vif := func(name string, vlan int, cust, jd string) step {
		return step{"bgw", "POST", "/regions/{regionId}/privateVifs/", map[string]any{"privateVifSpec": map[string]any{
			"privateVifName": name, "connectionId": "dc-1", "bgwId": "$bgw", "vlan": vlan, "enableBgp": true,
			"peerIps": []any{map[string]any{"customerIp": cust, "jdCloudIp": jd}},
			"bgpSpec": map[string]any{"customerAsn": 65001}, "healthCheck": map[string]any{"healthCheckType": "NO_CHECK"}}}}
	}
	cgw := func(name string, ips ...string) step {
		return step{"bgw", "POST", "/regions/{regionId}/customerGateways/", map[string]any{"customerGatewaySpec": map[string]any{
			"customerGatewayName": name, "customerIps": ips, "bgpAsn": 65001}}}
	}
	vpn := step{"bgw", "POST", "/regions/{regionId}/vpnConnections/", map[string]any{"vpnConnectionSpec": map[string]any{
		"vpnConnectionName": "v", "bgwId": "$bgw", "cgwId": "$cgw", "bgpEnabled": true}}}
	tunnel := func(cloudIdx int, customer, inside, psk string) step {
		return step{"bgw", "POST", "/regions/{regionId}/vpnTunnels/", map[string]any{"vpnTunnelSpec": map[string]any{
			"vpnConnectionId": "$vpn", "cloudPublicIp": fmt.Sprintf("$ip%d", cloudIdx), "customerIp": customer, "psk": psk,
			"tunnelIp": inside, "ikeDpdSec": 10}}}
	}
	// with returns s with extra fields set in its spec (the body's only
	// object besides regionId and path parameters).
	with := func(s step, extra map[string]any) step {
		fields := map[string]any{}
		for k, v := range s.fields {
			if m, ok := v.(map[string]any); ok && strings.HasSuffix(k, "Spec") {
				spec := map[string]any{}
				for kk, vv := range m {
					spec[kk] = vv
				}
				for kk, vv := range extra {
					spec[kk] = vv
				}
				v = spec
			}
			fields[k] = v
		}
		return step{s.service, s.method, s.path, fields}
	}
	hc := func(h map[string]any) map[string]any { return map[string]any{"healthCheck": h} }
	five := []step{bgw("g1"), bgw("g2"), bgw("g3"), bgw("g4"), bgw("g5")}
	vpnSetup := []step{bgw("g"), cgw("c", "203.0.113.1"), vpn}

	tests := []struct {
		name       string
		setup      []step
		last       step
		wantCode   int
		wantStatus string
		wantInMsg  string
	}{
		{"bgw quota per region", five, bgw("g6"), 429, "QUOTA_EXCEEDED", "5 border gateways per region"},
		{"bgw name rule", nil, bgw("bad name!"), 400, "INVALID_ARGUMENT", "name"},
		{"unknown body field", nil, step{"bgw", "POST", "/regions/{regionId}/bgws/", map[string]any{"bgwSpec": map[string]any{"bgwName": "g"}, "clientToken": "x"}}, 400, "INVALID_ARGUMENT", "clientToken"},
		{"one attachment per VPC and bgw", []step{bgw("g"), att("a1", "vpc-a")}, att("a2", "vpc-a"), 400, "ALREADY_EXISTS", "one attachment per VPC"},
		{"attachment to unknown VPC", []step{bgw("g")}, att("a1", "vpc-zzz"), 404, "NOT_FOUND", "vpc-zzz"},
		{"VLAN range", []step{bgw("g")}, vif("p", 4001, "10.9.0.1", "10.9.0.2"), 400, "INVALID_ARGUMENT", "vlan 4001"},
		{"VLAN unique per connection", []step{bgw("g"), vif("p1", 100, "10.9.0.1", "10.9.0.2")}, vif("p2", 100, "10.9.0.5", "10.9.0.6"), 400, "ALREADY_EXISTS", "vlan 100"},
		{"peer IPs share a /30", []step{bgw("g")}, vif("p", 100, "10.9.0.1", "10.9.0.6"), 400, "INVALID_ARGUMENT", "share one /30"},
		{"peer IPs do not overlap", []step{bgw("g"), vif("p1", 100, "10.9.0.1", "10.9.0.2")}, vif("p2", 101, "10.9.0.2", "10.9.0.1"), 400, "INVALID_ARGUMENT", "overlaps"},
		{"customer gateway IP count", nil, cgw("c", "203.0.113.1", "203.0.113.2", "203.0.113.3"), 400, "INVALID_ARGUMENT", "3 addresses"},
		{"customer gateway private IP", nil, cgw("c", "10.0.0.1"), 400, "INVALID_ARGUMENT", "public"},
		{"tunnels at most cloud × customer IPs", append(vpnSetup, tunnel(1, "203.0.113.1", "169.254.1.0/30", "k1"), tunnel(2, "203.0.113.1", "169.254.1.4/30", "k2")),
			tunnel(1, "203.0.113.1", "169.254.1.8/30", "k3"), 400, "ALREADY_EXISTS", "one tunnel per address pair"},
		{"tunnel inside range", vpnSetup, tunnel(1, "203.0.113.1", "169.254.20.0/30", "k1"), 400, "INVALID_ARGUMENT", "outside"},
		{"tunnel inside unique per bgw", append(vpnSetup, tunnel(1, "203.0.113.1", "169.254.1.0/30", "k1")), tunnel(2, "203.0.113.1", "169.254.1.0/30", "k2"), 400, "INVALID_ARGUMENT", "overlaps"},
		{"PSK rule, key not echoed", vpnSetup, tunnel(1, "203.0.113.1", "169.254.1.0/30", "0xSECRETKEY"), 400, "INVALID_ARGUMENT", "must not start with"},
		// Optional fields sent as zero values are checked against the
		// ranges the SDK's model comments document, not read as "unset".
		{"tunnel bandwidth 0 (VpnTunnelSpec.go: 1–1500)", vpnSetup, with(tunnel(1, "203.0.113.1", "169.254.1.0/30", "k1"), map[string]any{"bandwidthMbps": 0}), 400, "INVALID_ARGUMENT", "bandwidthMbps 0 is outside [1,1500]"},
		{"tunnel bandwidth 1501", vpnSetup, with(tunnel(1, "203.0.113.1", "169.254.1.0/30", "k1"), map[string]any{"bandwidthMbps": 1501}), 400, "INVALID_ARGUMENT", "bandwidthMbps 1501"},
		{"no PFS is null, not \"\"", vpnSetup, with(tunnel(1, "203.0.113.1", "169.254.1.0/30", "k1"), map[string]any{"ipsecKeyExchange": ""}), 400, "INVALID_ARGUMENT", `ipsecKeyExchange ""`},
		{"ikeSaLifeSec 0", vpnSetup, with(tunnel(1, "203.0.113.1", "169.254.1.0/30", "k1"), map[string]any{"ikeSaLifeSec": 0}), 400, "INVALID_ARGUMENT", "ikeSaLifeSec 0 is outside [60,86400]"},
		{"ikeDpdSec as a string", vpnSetup, with(tunnel(1, "203.0.113.1", "169.254.1.0/30", "k1"), map[string]any{"ikeDpdSec": "10"}), 400, "INVALID_ARGUMENT", "ikeDpdSec"},
		{"vlan as a string", []step{bgw("g")}, with(vif("p", 100, "10.9.0.1", "10.9.0.2"), map[string]any{"vlan": "100"}), 400, "INVALID_ARGUMENT", "vlan"},
		{"zeroed NQA block with NO_CHECK", []step{bgw("g")}, with(vif("p", 100, "10.9.0.1", "10.9.0.2"), hc(map[string]any{"healthCheckType": "NO_CHECK",
			"nqaInfo": map[string]any{"txInterval": 0, "thresholdCount": 0, "responseTimeout": 0}})), 400, "INVALID_ARGUMENT", "nqaInfo is only for healthCheckType NQA"},
		{"NQA interval 0 (NqaSpec.go: 1–20 s)", []step{bgw("g")}, with(vif("p", 100, "10.9.0.1", "10.9.0.2"), hc(map[string]any{"healthCheckType": "NQA",
			"nqaInfo": map[string]any{"txInterval": 0}})), 400, "INVALID_ARGUMENT", "txInterval 0 is outside [1,20]"},
		{"NQA count 9 (3–8)", []step{bgw("g")}, with(vif("p", 100, "10.9.0.1", "10.9.0.2"), hc(map[string]any{"healthCheckType": "NQA",
			"nqaInfo": map[string]any{"thresholdCount": 9}})), 400, "INVALID_ARGUMENT", "thresholdCount 9 is outside [3,8]"},
		{"NQA timeout 11 (1–10 s)", []step{bgw("g")}, with(vif("p", 100, "10.9.0.1", "10.9.0.2"), hc(map[string]any{"healthCheckType": "NQA",
			"nqaInfo": map[string]any{"responseTimeout": 11}})), 400, "INVALID_ARGUMENT", "responseTimeout 11 is outside [1,10]"},
		{"BFD tx 100 ms (BfdSpec.go: 200–1000)", []step{bgw("g")}, with(vif("p", 100, "10.9.0.1", "10.9.0.2"), hc(map[string]any{"healthCheckType": "BFD",
			"bfdInfo": map[string]any{"minTxInterval": 100}})), 400, "INVALID_ARGUMENT", "minTxInterval 100 is outside [200,1000]"},
		{"BFD multiplier 11 (3–10)", []step{bgw("g")}, with(vif("p", 100, "10.9.0.1", "10.9.0.2"), hc(map[string]any{"healthCheckType": "BFD",
			"bfdInfo": map[string]any{"detectMultiplier": 11}})), 400, "INVALID_ARGUMENT", "detectMultiplier 11 is outside [3,10]"},
		{"BFD block with NQA", []step{bgw("g")}, with(vif("p", 100, "10.9.0.1", "10.9.0.2"), hc(map[string]any{"healthCheckType": "NQA",
			"bfdInfo": map[string]any{"detectMultiplier": 3}})), 400, "INVALID_ARGUMENT", "bfdInfo is only for healthCheckType BFD"},
		{"customer gateway ASN 0", nil, with(cgw("c", "203.0.113.1"), map[string]any{"bgpAsn": 0}), 400, "INVALID_ARGUMENT", "bgpAsn 0 is outside"},
		{"VPN localAsn 0 (64512–65534)", []step{bgw("g"), cgw("c", "203.0.113.1")}, with(vpn, map[string]any{"localAsn": 0}), 400, "INVALID_ARGUMENT", "localAsn 0 is outside"},
		{"route to bgw needs the attachment", []step{bgw("g")}, step{"vpc", "POST", "/regions/{regionId}/routeTables/{routeTableId}:addRouteTableRules", map[string]any{
			"routeTableId": "rtb-a", "routeTableRuleSpecs": []any{map[string]any{"nextHopType": "bgw", "nextHopId": "$bgw", "addressPrefix": "192.168.0.0/16"}}}},
			400, "FAILED_PRECONDITION", "not attached"},
		{"delete bgw in use", []step{bgw("g"), att("a1", "vpc-a")}, step{"bgw", "DELETE", "/regions/{regionId}/bgws/{bgwId}", map[string]any{"bgwId": "$bgw"}}, 400, "FAILED_PRECONDITION", "delete them first"},
		{"delete a tunnel that is UP", append(vpnSetup, tunnel(1, "203.0.113.1", "169.254.1.0/30", "k1")),
			step{"bgw", "DELETE", "/regions/{regionId}/vpnTunnels/{vpnTunnelId}", map[string]any{"vpnTunnelId": "$vpnTunnel"}}, 400, "FAILED_PRECONDITION", "set it DOWN"},
		{"adminStatus must be UP or DOWN", append(vpnSetup, tunnel(1, "203.0.113.1", "169.254.1.0/30", "k1")),
			step{"bgw", "POST", "/regions/{regionId}/vpnTunnels/{vpnTunnelId}:adminStatus", map[string]any{"vpnTunnelId": "$vpnTunnel", "adminStatus": "down"}}, 400, "INVALID_ARGUMENT", "adminStatus"},
		{"delete bgw while its interface is deleting", []step{bgw("g"), vif("p", 100, "10.9.0.1", "10.9.0.2"),
			{"bgw", "DELETE", "/regions/{regionId}/privateVifs/{privateVifId}", map[string]any{"privateVifId": "$privateVif"}}},
			step{"bgw", "DELETE", "/regions/{regionId}/bgws/{bgwId}", map[string]any{"bgwId": "$bgw"}}, 400, "FAILED_PRECONDITION", "1 private virtual interfaces"},
		{"delete an interface twice while deleting", []step{bgw("g"), vif("p", 100, "10.9.0.1", "10.9.0.2"),
			{"bgw", "DELETE", "/regions/{regionId}/privateVifs/{privateVifId}", map[string]any{"privateVifId": "$privateVif"}}},
			step{"bgw", "DELETE", "/regions/{regionId}/privateVifs/{privateVifId}", map[string]any{"privateVifId": "$privateVif"}}, 400, "FAILED_PRECONDITION", "already being deleted"},
		{"unknown filter", nil, step{"bgw", "GET", "/regions/{regionId}/bgws/", map[string]any{"filters": []any{map[string]any{"name": "color", "values": []any{"red"}}}}}, 400, "INVALID_ARGUMENT", "unknown filter"},
		{"describe unknown", nil, step{"bgw", "GET", "/regions/{regionId}/bgws/{bgwId}", map[string]any{"bgwId": "bgw-nope"}}, 404, "NOT_FOUND", "bgw-nope"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newTenv(t, nil)
			ids := map[string]string{}
			var fill func(v any) any
			fill = func(v any) any {
				switch x := v.(type) {
				case string:
					if id, ok := ids[strings.TrimPrefix(x, "$")]; ok && strings.HasPrefix(x, "$") {
						return id
					}
				case map[string]any:
					out := map[string]any{}
					for k, e := range x {
						out[k] = fill(e)
					}
					return out
				case []any:
					out := make([]any, len(x))
					for i, e := range x {
						out[i] = fill(e)
					}
					return out
				}
				return v
			}
			for _, s := range tc.setup {
				r := e.ok(e.send(s.service, s.method, s.path, fill(s.fields).(map[string]any)))
				for k, v := range r {
					if id, ok := v.(string); ok {
						ids[strings.TrimSuffix(strings.TrimSuffix(k, "Id"), "Gateway")] = id
					}
				}
				if id, ok := r["customerGatewayId"].(string); ok {
					ids["cgw"] = id
				}
				if id, ok := r["vpnConnectionId"].(string); ok {
					ids["vpn"] = id
					d := e.ok(e.send("bgw", "GET", "/regions/{regionId}/vpnConnections/{vpnConnectionId}", map[string]any{"vpnConnectionId": id}))
					for i, ip := range d["vpnConnection"].(map[string]any)["cloudPublicIp"].([]any) {
						ids[fmt.Sprintf("ip%d", i+1)] = ip.(string)
					}
				}
			}
			a := e.send(tc.last.service, tc.last.method, tc.last.path, fill(tc.last.fields).(map[string]any))
			wantError(t, a, tc.wantCode, tc.wantStatus, tc.wantInMsg)
			if strings.Contains(a.Error.Message, "SECRETKEY") {
				t.Error("the error echoes the pre-shared key")
			}
		})
	}
}

func TestListPagingAndFilters(t *testing.T) {
	e := newTenv(t, func(o *standin.Options) { o.Profile = nil })
	for i := range 5 {
		e.createBgw(fmt.Sprintf("g%d", i))
	}
	list := func(q map[string]any) (int, int) {
		r := e.ok(e.send("bgw", "GET", "/regions/{regionId}/bgws/", q))
		return len(r["bgws"].([]any)), int(r["totalCount"].(float64))
	}
	if n, total := list(map[string]any{"pageSize": 10}); n != 5 || total != 5 {
		t.Errorf("all: %d of %d", n, total)
	}
	if n, total := list(map[string]any{"filters": []any{map[string]any{"name": "bgwNames", "values": []any{"g1", "g3"}}}}); n != 2 || total != 2 {
		t.Errorf("two names: %d of %d", n, total)
	}
	a := e.send("bgw", "GET", "/regions/{regionId}/bgws/", map[string]any{"pageSize": 5})
	wantError(t, a, 400, "INVALID_ARGUMENT", "pageSize")
	// Other regions see nothing.
	if n, _ := list(map[string]any{"regionId": "cn-east-2"}); n != 0 {
		t.Errorf("%d border gateways in another region", n)
	}
}

func TestUnknownPath(t *testing.T) {
	e := newTenv(t, nil)
	resp, err := http.Get(e.hs.URL + "/v2/elsewhere")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a answer
	_ = json.NewDecoder(resp.Body).Decode(&a)
	if resp.StatusCode != 404 || a.Error == nil || a.Error.Status != "NOT_FOUND" {
		t.Errorf("%d %+v", resp.StatusCode, a.Error)
	}
}

func TestConcurrentCreatesRespectTheQuota(t *testing.T) {
	e := newTenv(t, nil)
	const n = 12
	results := make(chan answer, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- e.send("bgw", "POST", "/regions/{regionId}/bgws/", map[string]any{"bgwSpec": map[string]any{"bgwName": fmt.Sprintf("g%d", i)}})
		}()
	}
	wg.Wait()
	close(results)
	ok, quota := 0, 0
	for a := range results {
		switch {
		case a.Error == nil:
			ok++
		case a.Error.Status == "QUOTA_EXCEEDED":
			quota++
		default:
			t.Errorf("unexpected %+v", *a.Error)
		}
	}
	if ok != 5 || quota != n-5 || len(e.srv.Snapshot().Bgws) != 5 {
		t.Errorf("%d created, %d refused, %d held; want 5, %d, 5", ok, quota, len(e.srv.Snapshot().Bgws), n-5)
	}
}

// TestTunnelDownThenDelete: a tunnel set DOWN with the SDK's generated
// ModifyAdminStatus can be deleted.
func TestTunnelDownThenDelete(t *testing.T) {
	e := newTenv(t, nil)
	g := e.createBgw("g")
	c := e.ok(e.send("bgw", "POST", "/regions/{regionId}/customerGateways/", map[string]any{"customerGatewaySpec": map[string]any{
		"customerGatewayName": "c", "customerIps": []string{"203.0.113.1"}, "bgpAsn": 65001}}))["customerGatewayId"]
	v := e.ok(e.send("bgw", "POST", "/regions/{regionId}/vpnConnections/", map[string]any{"vpnConnectionSpec": map[string]any{
		"vpnConnectionName": "v", "bgwId": g, "cgwId": c}}))["vpnConnectionId"].(string)
	d := e.ok(e.send("bgw", "GET", "/regions/{regionId}/vpnConnections/{vpnConnectionId}", map[string]any{"vpnConnectionId": v}))
	ip := d["vpnConnection"].(map[string]any)["cloudPublicIp"].([]any)[0]
	tn := e.ok(e.send("bgw", "POST", "/regions/{regionId}/vpnTunnels/", map[string]any{"vpnTunnelSpec": map[string]any{
		"vpnConnectionId": v, "cloudPublicIp": ip, "customerIp": "203.0.113.1", "psk": "k1", "tunnelIp": "169.254.1.0/30"}}))["vpnTunnelId"].(string)
	e.ok(e.send("bgw", "POST", "/regions/{regionId}/vpnTunnels/{vpnTunnelId}:adminStatus", map[string]any{"vpnTunnelId": tn, "adminStatus": "DOWN"}))
	e.ok(e.send("bgw", "DELETE", "/regions/{regionId}/vpnTunnels/{vpnTunnelId}", map[string]any{"vpnTunnelId": tn}))
	if n := len(e.srv.Snapshot().VpnTunnels); n != 0 {
		t.Errorf("%d tunnels left", n)
	}
}
