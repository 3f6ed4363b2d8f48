package jdcloud_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/provision"
	"github.com/hybridplan/hybridplan/server/jdcloud"
	"github.com/hybridplan/hybridplan/server/standin"
)

// TestTeardownFollowsJDCloudsOrder tears every example down through the
// SDK and checks the order JD Cloud documents, as the stand-in saw it:
// each tunnel is set DOWN (ModifyAdminStatus) before it is deleted, the
// VPN connection goes after its tunnels and before the customer gateway,
// and the border gateway is deleted only after the interfaces and
// attachments were seen gone (the stand-in keeps them "Deleting" for a
// while and refuses to delete a border gateway that still has them).
func TestTeardownFollowsJDCloudsOrder(t *testing.T) {
	for name, p := range examplePlans(t) {
		t.Run(name, func(t *testing.T) {
			e, calls, outputs := provisioned(t, p)
			before := len(e.srv.Requests())
			for i := len(calls) - 1; i >= 0; i-- {
				if err := e.client.Delete(context.Background(), calls[i], outputs, nil); err != nil {
					t.Fatalf("delete %s: %v", calls[i].ID, err)
				}
			}
			reqs := e.srv.Requests()[before:]
			at := func(action, path string) int {
				return slices.IndexFunc(reqs, func(r standin.Request) bool {
					return r.Action == action && r.Status == 200 && strings.Contains(r.Path, path)
				})
			}
			last := func(action string) int {
				n := -1
				for i, r := range reqs {
					if r.Action == action && r.Status == 200 {
						n = i
					}
				}
				return n
			}
			for _, tn := range p.VPN.Tunnels {
				id := outputs["tunnel/"+tn.Name]["id"]
				down, del := at("ModifyAdminStatus", id), at("DeleteVpnTunnel", id)
				if down < 0 || del < 0 || down > del {
					t.Errorf("tunnel %s: set DOWN at %d, deleted at %d: want DOWN first", tn.Name, down, del)
				}
			}
			vpn, cgw, bgwDel := at("DeleteVpnConnection", ""), at("DeleteCustomerGateway", ""), at("DeleteBgw", "")
			if vpn < last("DeleteVpnTunnel") || cgw < vpn {
				t.Errorf("tunnels deleted up to %d, VPN connection at %d, customer gateway at %d", last("DeleteVpnTunnel"), vpn, cgw)
			}
			for _, k := range []string{"DeletePrivateVif", "DeleteVpcAttachment"} {
				if last(k) > bgwDel {
					t.Errorf("%s at %d after DeleteBgw at %d", k, last(k), bgwDel)
				}
			}
			// The last describe of each interface before the border
			// gateway's delete said it was gone.
			for _, vif := range p.DirectConnection.Interfaces {
				id := outputs["pvif/"+vif.Name]["id"]
				lastDescribe := -1
				for i, r := range reqs[:bgwDel] {
					if r.Action == "DescribePrivateVif" && strings.HasSuffix(r.Path, id) {
						lastDescribe = i
					}
				}
				if lastDescribe < 0 || reqs[lastDescribe].Status != 404 {
					t.Errorf("interface %s: no describe answering 404 before the border gateway was deleted", vif.Name)
				}
			}
			for _, r := range reqs {
				if r.Action == "DeleteBgw" && r.Status != 200 {
					t.Errorf("DeleteBgw refused (%d): deleted before its children were gone", r.Status)
				}
			}
			for k, n := range e.srv.Snapshot().Counts() {
				if n != 0 {
					t.Errorf("%d %s left", n, k)
				}
			}
		})
	}
}

// TestTeardownResumesAWaitInterruptedByACrash stops a teardown while an
// interface is still deleting (as kill -9 would), then runs the same
// delete again, as the engine does with a step journalled as started: it
// must wait for the deletion already under way, not delete again.
func TestTeardownResumesAWaitInterruptedByACrash(t *testing.T) {
	p := examplePlans(t)[examples.Seed]
	e := newEnv(t, []*plan.Plan{p}, func(o *standin.Options, c *jdcloud.Config) { o.DeletingFor = 300 * time.Millisecond })
	calls, err := provision.Calls(p)
	if err != nil {
		t.Fatal(err)
	}
	outputs := provisionAll(t, context.Background(), e.client, calls, nil)
	var vif provision.Call
	for _, c := range calls {
		if c.Action == provision.ActionCreatePrivateVif {
			vif = c
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Millisecond)
	err = e.client.Delete(ctx, vif, outputs, nil)
	cancel()
	if err == nil {
		t.Fatal("the interrupted delete reported success while the interface was still deleting")
	}
	if st := e.srv.Snapshot(); len(st.PrivateVifs) != 1 || st.PrivateVifs[0].PrivateVifStatus != "Deleting" {
		t.Fatalf("after the interruption: %+v, want one interface Deleting", st.PrivateVifs)
	}
	if err := e.client.Delete(context.Background(), vif, outputs, nil); err != nil {
		t.Fatalf("resumed delete: %v", err)
	}
	n := 0
	for _, r := range e.srv.Requests() {
		if r.Action == "DeletePrivateVif" {
			n++
		}
	}
	if n != 1 || len(e.srv.Snapshot().PrivateVifs) != 0 {
		t.Errorf("%d DeletePrivateVif requests, %d interfaces left; want 1 and 0", n, len(e.srv.Snapshot().PrivateVifs))
	}
}

// TestTeardownWaitIsBounded: a deletion that never completes fails the
// step after DeleteWait with a message saying how to resume.
func TestTeardownWaitIsBounded(t *testing.T) {
	p := examplePlans(t)[examples.Seed]
	e := newEnv(t, []*plan.Plan{p}, func(o *standin.Options, c *jdcloud.Config) {
		o.DeletingFor = time.Hour
		c.Retry.DeleteWait = 50 * time.Millisecond
	})
	calls, _ := provision.Calls(p)
	outputs := provisionAll(t, context.Background(), e.client, calls, nil)
	for _, c := range calls {
		if c.Action != provision.ActionCreateVpcAttachment {
			continue
		}
		// Route rules first: the attachment cannot go while they exist.
		for _, r := range calls {
			if r.Action == provision.ActionAddRouteTableRules {
				if err := e.client.Delete(context.Background(), r, outputs, nil); err != nil {
					t.Fatal(err)
				}
			}
		}
		err := e.client.Delete(context.Background(), c, outputs, nil)
		if err == nil || !strings.Contains(err.Error(), "still") || !strings.Contains(err.Error(), "run the teardown again") {
			t.Errorf("err %v, want a bounded wait that says how to resume", err)
		}
	}
}
