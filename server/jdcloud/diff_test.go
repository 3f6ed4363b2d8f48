package jdcloud_test

import (
	"context"
	"testing"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/provision"
)

// PAGE (issue 12): the plan against the region, read-only.
func TestDiff(t *testing.T) {
	ctx := context.Background()
	for name, p := range examplePlans(t) {
		t.Run(name, func(t *testing.T) {
			calls, err := provision.Calls(p)
			if err != nil {
				t.Fatal(err)
			}
			creates := 0
			for _, c := range calls {
				if c.Kind != provision.KindReadBack {
					creates++
				}
			}
			// An empty region: everything is to be created, and looking
			// changes nothing.
			e := newEnv(t, []*plan.Plan{p}, nil)
			before := e.srv.Snapshot().Counts()
			d, err := e.client.Diff(ctx, calls)
			if err != nil {
				t.Fatal(err)
			}
			if d.Create != creates || d.Exists != 0 || d.Conflict != 0 || d.Unknown != 0 {
				t.Errorf("empty region: %+v, want %d to create", d, creates)
			}
			if after := e.srv.Snapshot().Counts(); !sameCounts(before, after) {
				t.Errorf("the diff changed the region: %v → %v", before, after)
			}

			// Provisioned: everything is there and matches.
			e, calls, _ = provisioned(t, p)
			if d, err = e.client.Diff(ctx, calls); err != nil {
				t.Fatal(err)
			}
			if d.Exists != creates || d.Create != 0 || d.Conflict != 0 {
				t.Errorf("provisioned: %+v, want %d already there", d, creates)
			}
		})
	}
}

// A resource of the plan's name that differs is a conflict, named.
func TestDiffConflict(t *testing.T) {
	p := examplePlans(t)["seed-dc-primary-vpn-backup"]
	e, _, _ := provisioned(t, p)
	q := *p
	vpn := *p.VPN
	cgw := vpn.CustomerGateway
	cgw.ASN = 65099
	vpn.CustomerGateway = cgw
	q.VPN = &vpn
	calls, err := provision.Calls(&q)
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.client.Diff(context.Background(), calls)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range d.Items {
		if it.Call == "cgw" {
			found = it.State == "conflict" && it.ID != "" && it.Message != ""
		}
	}
	if !found || d.Conflict == 0 {
		t.Errorf("a customer gateway of the same name with another ASN: %+v", d)
	}
}

func sameCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
