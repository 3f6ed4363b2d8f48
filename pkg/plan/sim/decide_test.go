package sim_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/pkg/plan/sim"
)

var pfx = netip.MustParsePrefix("10.0.0.0/16")

// bgwPath is a border gateway candidate: eBGP from a session of kind.
func bgwPath(session, kind string, aspathLen int) sim.Path {
	prio := map[string]int{sim.KindDirectConnection: 120, sim.KindVPN: 140, sim.KindVPCAttachment: 100}[kind]
	return sim.Path{Prefix: pfx, Kind: kind, Session: session, ASPath: make([]uint32, aspathLen), NextHopPriority: prio, RouteType: sim.RouteEBGP, RouteDistance: 150}
}

func TestDecideBorderGateway(t *testing.T) {
	vpc := sim.Path{Prefix: pfx, Kind: sim.KindVPCAttachment, Attachment: "attach", ASPath: []uint32{}, NextHopPriority: 100, RouteType: sim.RoutePropagation, RouteDistance: 120}
	static := bgwPath("static-dc", sim.KindDirectConnection, 0)
	static.RouteType, static.RouteDistance = sim.RouteStatic, 100
	tests := []struct {
		name  string
		paths []sim.Path
		best  []int
		step  string
		in    string // the reason mentions this
	}{
		{"one candidate", []sim.Path{bgwPath("dc", sim.KindDirectConnection, 1)}, []int{0}, sim.StepOnlyPath, "only path"},
		{
			"next-hop type: DC over VPN whatever the AS_PATH",
			[]sim.Path{bgwPath("vpn", sim.KindVPN, 1), bgwPath("dc", sim.KindDirectConnection, 5)},
			[]int{1}, sim.StepNextHopType, "private virtual interface (120) (dc) beats next-hop type VPN connection (140) (vpn)",
		},
		{
			"next-hop type: VPC attachment first",
			[]sim.Path{bgwPath("dc", sim.KindDirectConnection, 1), vpc},
			[]int{1}, sim.StepNextHopType, "VPC attachment (100)",
		},
		{
			"route type: static over eBGP",
			[]sim.Path{bgwPath("dc", sim.KindDirectConnection, 1), static},
			[]int{1}, sim.StepRouteType, "route type static (100) (static-dc) beats route type eBGP (150) (dc)",
		},
		{
			"AS_PATH length",
			[]sim.Path{bgwPath("dc-a", sim.KindDirectConnection, 3), bgwPath("dc-b", sim.KindDirectConnection, 1)},
			[]int{1}, sim.StepASPathLength, "AS_PATH length 1 (dc-b) beats AS_PATH length 3 (dc-a)",
		},
		{
			"ECMP on a tie",
			[]sim.Path{bgwPath("vpn", sim.KindVPN, 1), bgwPath("dc-a", sim.KindDirectConnection, 1), bgwPath("dc-b", sim.KindDirectConnection, 1)},
			[]int{1, 2}, sim.StepECMP, "ECMP over dc-a, dc-b",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := sim.DecideBorderGateway(tt.paths)
			if !slices.Equal(d.Best, tt.best) || d.Step != tt.step {
				t.Errorf("got best %v step %q, want %v %q (reason %q)", d.Best, d.Step, tt.best, tt.step, d.Reason)
			}
			if !strings.Contains(d.Reason, tt.in) {
				t.Errorf("reason %q does not say %q", d.Reason, tt.in)
			}
			if d.FRRReason != "" {
				t.Errorf("the border gateway is not FRR: FRRReason %q", d.FRRReason)
			}
		})
	}
	if d := sim.DecideBorderGateway(nil); len(d.Best) != 0 {
		t.Errorf("no candidates chose %v", d.Best)
	}
}

// custPath is a customer router candidate that ties with every other
// custPath until changed.
func custPath(session string, neighbor string, received int) sim.Path {
	return sim.Path{
		Prefix: pfx, Kind: sim.KindDirectConnection, Session: session, NextHop: netip.MustParseAddr(neighbor),
		ASPath: []uint32{65000}, LocalPref: 100, Origin: sim.OriginIGP, NeighborAS: 65000, Received: received,
	}
}

func TestDecideCustomerRouter(t *testing.T) {
	with := func(p sim.Path, f func(*sim.Path)) sim.Path { f(&p); return p }
	a := custPath("a", "10.0.0.9", 1) // the current best, higher neighbor address
	a.Selected = true
	b := custPath("b", "10.0.0.2", 2)
	tests := []struct {
		name  string
		paths []sim.Path
		best  int
		step  string
		frr   string
	}{
		{"only path", []sim.Path{b}, 0, sim.StepOnlyPath, "First path received"},
		{"weight", []sim.Path{a, with(b, func(p *sim.Path) { p.Weight = 10 })}, 1, sim.StepWeight, "Weight"},
		{"local-preference beats weight-equal older path", []sim.Path{a, with(b, func(p *sim.Path) { p.LocalPref = 200 })}, 1, sim.StepLocalPreference, "Local Pref"},
		{"locally originated", []sim.Path{a, with(b, func(p *sim.Path) { p.Local = true })}, 1, sim.StepLocalRoute, "Local Route"},
		{"AS_PATH length", []sim.Path{with(a, func(p *sim.Path) { p.ASPath = []uint32{65000, 65000} }), b}, 1, sim.StepASPathLength, "AS Path"},
		{"origin", []sim.Path{with(a, func(p *sim.Path) { p.Origin = sim.OriginIncomplete }), b}, 1, sim.StepOrigin, "Origin"},
		{"MED from the same neighbor AS", []sim.Path{with(a, func(p *sim.Path) { p.MED = 50 }), b}, 1, sim.StepMED, "MED"},
		{"MED not compared across neighbor ASes", []sim.Path{
			with(a, func(p *sim.Path) { p.MED = 50 }),
			with(b, func(p *sim.Path) { p.NeighborAS = 64512 }),
		}, 0, sim.StepOlderPath, "Older Path"},
		{"eBGP over iBGP", []sim.Path{with(a, func(p *sim.Path) { p.IBGP = true }), b}, 1, sim.StepEBGPOverIBGP, "eBGP peer"},
		{"IGP metric", []sim.Path{with(a, func(p *sim.Path) { p.IGPMetric = 20 }), b}, 1, sim.StepIGPMetric, "IGP Metric"},
		{"older eBGP path: the current best stays", []sim.Path{b, a}, 1, sim.StepOlderPath, "Older Path"},
		{"router ID when the current best is gone", []sim.Path{
			with(a, func(p *sim.Path) { p.Selected = false; p.RouterID = netip.MustParseAddr("10.255.0.2") }),
			with(b, func(p *sim.Path) { p.RouterID = netip.MustParseAddr("10.255.0.1") }),
		}, 1, sim.StepRouterID, "Router ID"},
		{"older path skipped between iBGP paths: router ID", []sim.Path{
			with(a, func(p *sim.Path) { p.IBGP = true; p.RouterID = netip.MustParseAddr("10.255.0.2") }),
			with(b, func(p *sim.Path) { p.IBGP = true; p.RouterID = netip.MustParseAddr("10.255.0.1") }),
		}, 1, sim.StepRouterID, "Router ID"},
		{"neighbor address last, whatever the age", []sim.Path{with(a, func(p *sim.Path) { p.Selected = false }), b}, 1, sim.StepNeighborAddress, "Neighbor IP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := sim.DecideCustomerRouter(tt.paths)
			if len(d.Best) != 1 || d.Best[0] != tt.best || d.Step != tt.step || d.FRRReason != tt.frr {
				t.Errorf("got best %v step %q frr %q, want [%d] %q %q (reason %q)", d.Best, d.Step, d.FRRReason, tt.best, tt.step, tt.frr, d.Reason)
			}
			if d.Reason == "" {
				t.Error("no reason")
			}
		})
	}
}

func TestDecideCustomerRouterReasonListsEverySteps(t *testing.T) {
	// Three paths: local-preference removes the VPN, then the older of the
	// two Direct Connection paths wins.
	vpn := custPath("tun-1", "169.254.0.1", 1)
	vpn.Kind, vpn.LocalPref = sim.KindVPN, 100
	dcNew := custPath("pvif-b", "172.31.0.6", 3)
	dcNew.LocalPref = 200
	dcOld := custPath("pvif-a", "172.31.0.2", 2)
	dcOld.LocalPref, dcOld.Selected = 200, true
	d := sim.DecideCustomerRouter([]sim.Path{vpn, dcNew, dcOld})
	if !slices.Equal(d.Best, []int{2}) || d.Step != sim.StepOlderPath {
		t.Fatalf("got %v %q, want [2] older-path", d.Best, d.Step)
	}
	want := "local-preference: local-preference 200 (pvif-b, pvif-a) beats local-preference 100 (tun-1); older-path: the current best path (received #2) (pvif-a) beats received #3 (pvif-b)"
	if d.Reason != want {
		t.Errorf("reason\n got %q\nwant %q", d.Reason, want)
	}
}

func TestStepLists(t *testing.T) {
	if got, want := sim.BorderGatewaySteps(), []string{"next-hop-type", "route-type", "as-path-length", "ecmp"}; !slices.Equal(got, want) {
		t.Errorf("BorderGatewaySteps = %v, want %v", got, want)
	}
	want := []string{"weight", "local-preference", "local-route", "as-path-length", "origin", "med", "ebgp-over-ibgp", "igp-metric", "older-path", "router-id", "neighbor-address"}
	if got := sim.CustomerRouterSteps(); !slices.Equal(got, want) {
		t.Errorf("CustomerRouterSteps = %v, want %v", got, want)
	}
}

func TestCustomerRouterMultipath(t *testing.T) {
	a := custPath("a", "10.0.0.9", 1)
	a.Selected = true
	b := custPath("b", "10.0.0.2", 2)
	c := custPath("c", "10.0.0.3", 3)
	c.ASPath = []uint32{64999} // same length, different path
	lowPref := custPath("d", "10.0.0.4", 4)
	lowPref.LocalPref = 50
	d := sim.DecideCustomerRouter([]sim.Path{b, c, lowPref, a})
	if !slices.Equal(d.Best, []int{3}) || !slices.Equal(d.Multipath, []int{0, 3}) {
		t.Errorf("best %v multipath %v, want [3] and [0 3] (identical AS_PATH only)", d.Best, d.Multipath)
	}
	if d := sim.DecideCustomerRouter([]sim.Path{a, lowPref}); d.Multipath != nil {
		t.Errorf("nothing ties, multipath %v", d.Multipath)
	}
	if d := sim.DecideBorderGateway([]sim.Path{bgwPath("x", sim.KindDirectConnection, 1), bgwPath("y", sim.KindDirectConnection, 1)}); d.Multipath != nil {
		t.Errorf("border gateway multipath %v: it uses Best for ECMP", d.Multipath)
	}
}
