package jdcloud_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	bgw "github.com/jdcloud-api/jdcloud-sdk-go/services/bgw/models"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/provision"
	"github.com/hybridplan/hybridplan/server/jdcloud"
	"github.com/hybridplan/hybridplan/server/standin"
)

// These tests go through the real SDK (signing, parameter building, HTTP)
// to the stand-in on 127.0.0.1.

const (
	testAK = "AKTESTHYBRIDPLAN0001"
	testSK = "SKsecret-9f2c41d7e0b35a68-do-not-log"
)

// psks resolves every pskRef of the examples to a valid key that is easy
// to search for in output.
func psks(ref string) (string, error) {
	if ref == "" {
		return "", errors.New("empty pskRef")
	}
	return "pskSECRET" + fmt.Sprint(len(ref)), nil
}

type env struct {
	srv    *standin.Server
	client *jdcloud.Client
	url    string
}

func newEnv(t testing.TB, plans []*plan.Plan, mutate func(*standin.Options, *jdcloud.Config)) env {
	t.Helper()
	opts := standin.Options{Credentials: map[string]string{testAK: testSK}, Fixtures: standin.FixturesFor(plans...), Seed: 1,
		DeletingFor: 30 * time.Millisecond}
	cfg := jdcloud.Config{AccessKey: testAK, SecretKey: testSK, Secrets: psks,
		Retry: jdcloud.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, RequestTimeout: 5 * time.Second,
			PollInterval: 2 * time.Millisecond, PollMaxInterval: 10 * time.Millisecond, DeleteWait: 5 * time.Second}}
	if mutate != nil {
		mutate(&opts, &cfg)
	}
	srv := standin.New(opts)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	cfg.Endpoint = hs.URL
	c, err := jdcloud.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return env{srv: srv, client: c, url: hs.URL}
}

// examplePlans returns the example plans, decoded.
func examplePlans(t testing.TB) map[string]*plan.Plan {
	t.Helper()
	out := map[string]*plan.Plan{}
	for _, e := range examples.All() {
		p, err := plan.DecodeBytes([]byte(e.JSON))
		if err != nil {
			t.Fatalf("example %s: %v", e.Name, err)
		}
		out[e.Name] = p
	}
	return out
}

// provisionAll applies every call in order and returns the outputs.
func provisionAll(t *testing.T, ctx context.Context, c *jdcloud.Client, calls []provision.Call, observe func(jdcloud.Attempt)) map[string]map[string]string {
	t.Helper()
	outputs := map[string]map[string]string{}
	for _, call := range calls {
		out, err := c.Apply(ctx, call, outputs, observe)
		if err != nil {
			t.Fatalf("apply %s: %v", call.ID, err)
		}
		outputs[call.ID] = out
	}
	return outputs
}

// provisioned provisions p on a fresh stand-in through the client and
// returns the environment, the calls and their outputs.
func provisioned(t *testing.T, p *plan.Plan) (env, []provision.Call, map[string]map[string]string) {
	t.Helper()
	e := newEnv(t, []*plan.Plan{p}, nil)
	calls, err := provision.Calls(p)
	if err != nil {
		t.Fatal(err)
	}
	return e, calls, provisionAll(t, context.Background(), e.client, calls, nil)
}

func TestProvisionEveryExample(t *testing.T) {
	for name, p := range examplePlans(t) {
		t.Run(name, func(t *testing.T) {
			e, _, outputs := provisioned(t, p)

			st := e.srv.Snapshot()
			want := map[string]int{"bgws": 1, "vpcAttachments": len(p.BorderGateway.Attachments),
				"privateVifs": len(p.DirectConnection.Interfaces), "customerGateways": 1, "vpnConnections": 1,
				"vpnTunnels": len(p.VPN.Tunnels)}
			rules := 0
			for _, a := range p.BorderGateway.Attachments {
				rules += len(a.RouteTables) * len(p.IDC.Segments)
			}
			want["routeRules"] = rules
			got := st.Counts()
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s: %d in JD Cloud, want %d", k, got[k], v)
				}
			}

			// What was created is what the plan says.
			bgwID := outputs["bgw"][provision.OutputID]
			if st.Bgws[0].BgwId != bgwID || st.Bgws[0].BgwName != p.BorderGateway.Name {
				t.Errorf("border gateway %+v, want id %s name %s", st.Bgws[0], bgwID, p.BorderGateway.Name)
			}
			for _, vif := range p.DirectConnection.Interfaces {
				i := slices.IndexFunc(st.PrivateVifs, func(v bgw.PrivateVif) bool { return v.PrivateVifName == vif.Name })
				if i < 0 {
					t.Fatalf("private virtual interface %s missing", vif.Name)
				}
				got := st.PrivateVifs[i]
				if got.Vlan != vif.VLAN || got.BgwId != bgwID || got.Peers[0].PeerIps.CustomerIp != vif.CustomerAddr().String() ||
					got.Peers[0].PeerIps.JdCloudIp != vif.CloudAddr().String() || got.Bgp.CustomerAsn != int(p.InterfaceCustomerASN(vif)) {
					t.Errorf("private virtual interface %s: %+v", vif.Name, got)
				}
			}
			for _, tun := range p.VPN.Tunnels {
				i := slices.IndexFunc(st.VpnTunnels, func(v bgw.VpnTunnel) bool {
					return v.CustomerIp == tun.CustomerPublicIP.String() && v.TunnelIp == tun.InsideCIDR.String()
				})
				if i < 0 {
					t.Fatalf("tunnel %s missing", tun.Name)
				}
				if got := st.VpnTunnels[i]; got.LocalTunnelIp != tun.CloudAddr().String() || got.CloudPublicIp != tun.CloudPublicIP.String() {
					t.Errorf("tunnel %s: local %s cloud IP %s, want %s and %s", tun.Name, got.LocalTunnelIp, got.CloudPublicIp, tun.CloudAddr(), tun.CloudPublicIP)
				}
			}
			// Read-back saw what was created, and no output holds a key.
			if got := outputs["readback/bgw"]["vpcAttachmentIds"]; strings.Count(got, ",")+1 != len(p.BorderGateway.Attachments) {
				t.Errorf("read back attachments %q", got)
			}
			if got := outputs["readback/vpn"]["count"]; got != fmt.Sprint(len(p.VPN.Tunnels)) {
				t.Errorf("read back %s tunnels, want %d", got, len(p.VPN.Tunnels))
			}
			for id, out := range outputs {
				for k, v := range out {
					if strings.Contains(v, "pskSECRET") || strings.Contains(v, testSK) {
						t.Errorf("output %s.%s holds a secret", id, k)
					}
				}
			}
		})
	}
}

func TestApplyTwiceCreatesOnce(t *testing.T) {
	p := examplePlans(t)[examples.Seed]
	e, calls, first := provisioned(t, p)
	ctx := context.Background()
	before := e.srv.Snapshot().Counts()
	// A resumed run applies every call again: nothing new appears and the
	// outputs are the same ids.
	second := provisionAll(t, ctx, e.client, calls, nil)
	if after := e.srv.Snapshot().Counts(); !equalMaps(before, after) {
		t.Errorf("second apply changed JD Cloud: %v → %v", before, after)
	}
	for _, c := range calls {
		if c.Kind == provision.KindReadBack {
			continue
		}
		if !equalMaps(first[c.ID], second[c.ID]) {
			t.Errorf("%s: outputs %v then %v", c.ID, first[c.ID], second[c.ID])
		}
	}
}

func equalMaps[K comparable, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestDeleteInReverseLeavesNothing(t *testing.T) {
	for name, p := range examplePlans(t) {
		t.Run(name, func(t *testing.T) {
			e, calls, outputs := provisioned(t, p)
			ctx := context.Background()
			for i := len(calls) - 1; i >= 0; i-- {
				if err := e.client.Delete(ctx, calls[i], outputs, nil); err != nil {
					t.Fatalf("delete %s: %v", calls[i].ID, err)
				}
			}
			for k, n := range e.srv.Snapshot().Counts() {
				if n != 0 {
					t.Errorf("%d %s left after teardown", n, k)
				}
			}
			// Teardown is idempotent too: a second one finds nothing to do.
			for i := len(calls) - 1; i >= 0; i-- {
				if err := e.client.Delete(ctx, calls[i], outputs, nil); err != nil {
					t.Fatalf("second delete %s: %v", calls[i].ID, err)
				}
			}
		})
	}
}

func TestDeleteWithoutRecordedOutputsFindsByName(t *testing.T) {
	// A run that crashed after creating but before recording outputs still
	// tears down what it made.
	p := examplePlans(t)[examples.Seed]
	e := newEnv(t, []*plan.Plan{p}, nil)
	calls, _ := provision.Calls(p)
	ctx := context.Background()
	outputs := provisionAll(t, ctx, e.client, calls, nil)
	for i := len(calls) - 1; i >= 0; i-- {
		// Only the border gateway's and VPN connection's ids are known, as
		// tunnels and route rules need them to be found.
		known := map[string]map[string]string{"bgw": outputs["bgw"], "vpn": outputs["vpn"]}
		if err := e.client.Delete(ctx, calls[i], known, nil); err != nil {
			t.Fatalf("delete %s: %v", calls[i].ID, err)
		}
	}
	for k, n := range e.srv.Snapshot().Counts() {
		if n != 0 {
			t.Errorf("%d %s left", n, k)
		}
	}
}
