package lab

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

// Config describes one topology to build.
type Config struct {
	// Name prefixes the namespaces ("NAME-cust", "NAME-cloud"). It must be
	// unique among runs on the machine: include the process id.
	Name string
	Plan *plan.Plan
	// Strategy is strategy.Compute(Plan): the sessions and what each side
	// announces.
	Strategy strategy.Result
	// CustomerConfig is the customer router's FRR configuration, exactly as
	// the exporter wrote it.
	CustomerConfig []byte
	// Timers are the cloud router's BGP keepalive and hold time; the
	// exported customer configuration should use the same.
	Timers [2]int
	// WorkDir receives the configuration files (a test's TempDir).
	WorkDir string
	// SequentialStart brings every session up alone in the initial state,
	// instead of together with those that cannot change a selection (see
	// EstablishInitial).
	SequentialStart bool
	// Logf, when set, receives progress lines (timings of each wait).
	Logf func(format string, args ...any)
	// Hosts adds two namespaces that send and receive traffic: "NAME-vm",
	// a VM in the first propagated IPv4 VPC segment behind the cloud
	// router, and "NAME-idc", a host in the first IPv4 IDC segment behind
	// the customer router.
	Hosts bool
}

// Topology is a running plan: two namespaces, FRR in each, one link per
// session. Sessions start shut down; Establish brings them up.
type Topology struct {
	cfg      Config
	custNS   string
	cloudNS  string
	customer *router
	cloud    *router
	sessions []*liveSession
	hasDC    bool
	// With Config.Hosts: the host namespaces and their addresses.
	vmNS, idcNS     string
	vmAddr, idcAddr netip.Addr
}

// dcPort is the name of the veth that stands for the Direct Connection's
// physical port on both sides; each private virtual interface is a VLAN
// sub-interface on it, so "port down" takes every interface down at once,
// as on the real line.
const dcPort = "dc"

// liveSession is a plan session in a running topology.
type liveSession struct {
	strategy.Session
	index   int
	dev     string // interface carrying the session, same name on both sides
	linkDev string // what a port-down sets down on the cloud side
	names   sessionNames
	shut    bool // cloud-side neighbors shut down
	// famShut shuts one address family's cloud-side neighbor down alone
	// (a session-down event with a family; index 0 IPv4, 1 IPv6).
	famShut  [2]bool
	linkDown bool
	silent   bool // the link drops every packet, carrier up (silentFailure)
	// withdrawn are prefixes the border gateway no longer accepts from the
	// customer on this session (a "routes withdrawn" event).
	withdrawn map[netip.Prefix]bool
}

// neighbors are the session's BGP neighbors as the cloud and the customer
// see them: one per address family the session carries.
func (s *liveSession) families() []family {
	f := []family{{v6: false, cust: s.CustomerIP, cloud: s.CloudIP}}
	if s.CustomerIPv6.IsValid() {
		f = append(f, family{v6: true, cust: s.CustomerIPv6, cloud: s.CloudIPv6})
	}
	return f
}

type family struct {
	v6          bool
	cust, cloud netip.Addr
}

func (f family) afi() string {
	if f.v6 {
		return "ipv6Unicast"
	}
	return "ipv4Unicast"
}

// index is the family's index in liveSession.famShut.
func (f family) index() int {
	if f.v6 {
		return 1
	}
	return 0
}

// neighborShut reports whether the session's neighbor of family f should
// be shut down on the cloud router.
func (s *liveSession) neighborShut(f family) bool { return s.shut || s.famShut[f.index()] }

// Build creates the namespaces, links and addresses, and starts FRR on both
// sides with every session shut down. On error everything created so far is
// removed again.
func Build(ctx context.Context, cfg Config) (t *Topology, err error) {
	if cfg.Plan == nil {
		return nil, errors.New("lab: no plan given")
	}
	if cfg.Name == "" || len(cfg.Name) > 40 || strings.ContainsAny(cfg.Name, "/ \t\n") {
		return nil, fmt.Errorf("lab: topology name %q must be 1-40 characters without spaces or slashes (it names network namespaces)", cfg.Name)
	}
	if len(cfg.Strategy.Sessions) == 0 {
		return nil, errors.New("lab: the strategy has no sessions; the plan needs a Direct Connection interface or a VPN tunnel")
	}
	if cfg.Timers == ([2]int{}) {
		cfg.Timers = [2]int{1, 3}
	}
	t = &Topology{cfg: cfg, custNS: cfg.Name + "-cust", cloudNS: cfg.Name + "-cloud"}
	if cfg.Hosts {
		t.vmNS, t.idcNS = cfg.Name+"-vm", cfg.Name+"-idc"
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, t.Close())
			t = nil
		}
	}()
	for _, ns := range t.namespaces() {
		if err := addNetns(ctx, ns); err != nil {
			return t, err
		}
	}
	if err := t.buildLinks(ctx); err != nil {
		return t, err
	}
	if err := t.addLocalRoutes(ctx); err != nil {
		return t, err
	}
	cloudConf, err := cloudConfig(cfg.Plan, cfg.Strategy, t.cloudNS, cfg.Timers)
	if err != nil {
		return t, err
	}
	custPath := filepath.Join(cfg.WorkDir, cfg.Name+"-customer.conf")
	cloudPath := filepath.Join(cfg.WorkDir, cfg.Name+"-cloud.conf")
	if err := os.WriteFile(custPath, cfg.CustomerConfig, 0o644); err != nil {
		return t, err
	}
	if err := os.WriteFile(cloudPath, []byte(cloudConf), 0o644); err != nil {
		return t, err
	}
	// The customer router first: until the cloud router runs, its
	// connection attempts are refused at TCP level, which FRR retries
	// calmly. Were the cloud router already running with its neighbors
	// shut down, each attempt would end in a BGP error and FRR would back
	// off for seconds, delaying the first session the oracle enables.
	t.customer, err = startRouter(ctx, t.custNS, custPath)
	if err != nil {
		return t, fmt.Errorf("customer router (the exported configuration): %w", err)
	}
	// The one change to the exported configuration: FRR holds a new
	// session's first updates for its subgroup coalesce time (1 s), which
	// would add a second to every session the oracle brings up. It changes
	// when updates leave, never what they carry or how paths are chosen.
	asn, err := routerASN(cfg.CustomerConfig)
	if err != nil {
		return t, err
	}
	if err := t.customer.configure(ctx, "router bgp "+asn, "coalesce-time 0"); err != nil {
		return t, err
	}
	// Every neighbor of the cloud router starts shut down, so no session
	// comes up before the oracle says so.
	t.cloud, err = startRouter(ctx, t.cloudNS, cloudPath)
	if err != nil {
		return t, fmt.Errorf("cloud router: %w", err)
	}
	return t, nil
}

// buildLinks makes one link per session: a VLAN sub-interface of the
// Direct Connection port per private virtual interface, a veth per VPN
// tunnel (standing in for the IPsec tunnel; the inside /30 is on it).
func (t *Topology) buildLinks(ctx context.Context) error {
	p := t.cfg.Plan
	tunnels := 0
	for i, s := range t.cfg.Strategy.Sessions {
		ls := &liveSession{Session: s, index: i, names: namesFor(i), shut: true, withdrawn: map[netip.Prefix]bool{}}
		var v4, v6 netip.Prefix
		switch s.Kind {
		case strategy.DirectConnection:
			pi, ok := findInterface(p, s.Name)
			if !ok {
				return fmt.Errorf("lab: session %s is not a private virtual interface of the plan", s.Name)
			}
			if !t.hasDC {
				if err := addVeth(ctx, t.custNS, dcPort, t.cloudNS, dcPort); err != nil {
					return err
				}
				t.hasDC = true
			}
			for _, ns := range []string{t.custNS, t.cloudNS} {
				dev, err := addSubInterface(ctx, ns, dcPort, pi.VLAN)
				if err != nil {
					return fmt.Errorf("session %s (VLAN %d): %w", s.Name, pi.VLAN, err)
				}
				ls.dev = dev
			}
			ls.linkDev = dcPort
			v4, v6 = pi.Interconnect, pi.InterconnectIPv6
		case strategy.VPN:
			tu, ok := findTunnel(p, s.Name)
			if !ok {
				return fmt.Errorf("lab: session %s is not a VPN tunnel of the plan", s.Name)
			}
			ls.dev = fmt.Sprintf("vpn%d", tunnels)
			ls.linkDev = ls.dev
			tunnels++
			if err := addVeth(ctx, t.custNS, ls.dev, t.cloudNS, ls.dev); err != nil {
				return err
			}
			v4, v6 = tu.InsideCIDR, tu.InsideCIDRIPv6
		default:
			return fmt.Errorf("lab: session %s has unknown kind %q", s.Name, s.Kind)
		}
		for _, a := range []struct {
			ns          string
			addr        netip.Addr
			bits        int
			family, end string
		}{
			{t.custNS, s.CustomerIP, v4.Bits(), "IPv4", "customer"},
			{t.cloudNS, s.CloudIP, v4.Bits(), "IPv4", "cloud"},
			{t.custNS, s.CustomerIPv6, v6.Bits(), "IPv6", "customer"},
			{t.cloudNS, s.CloudIPv6, v6.Bits(), "IPv6", "cloud"},
		} {
			if !a.addr.IsValid() {
				continue
			}
			if err := addAddr(ctx, a.ns, ls.dev, a.addr, a.bits); err != nil {
				return fmt.Errorf("session %s, %s %s address: %w", s.Name, a.end, a.family, err)
			}
		}
		t.sessions = append(t.sessions, ls)
	}
	return nil
}

// addLocalRoutes gives the IDC segments and the VPC segments addresses on a
// stub interface on their side, so they are connected routes there: the
// exported configuration's "network" statements and the stand-in's find
// them in the RIB, and a route lookup for an IDC address on the customer
// router ends inside the IDC.
func (t *Topology) addLocalRoutes(ctx context.Context) error {
	add := func(ns, dev, hostNS string, prefixes []netip.Prefix) (netip.Addr, error) {
		if len(prefixes) == 0 {
			return netip.Addr{}, nil
		}
		var host netip.Addr
		if hostNS != "" {
			// The host's link: its address is the segment's second usable
			// one, its gateway the router's first.
			for _, pfx := range prefixes {
				if a := plan.SecondUsable(pfx); pfx.Addr().Is4() && a.IsValid() {
					host = a
					if err := addVeth(ctx, ns, dev, hostNS, "eth0"); err != nil {
						return host, err
					}
					if err := addAddr(ctx, hostNS, "eth0", a, pfx.Bits()); err != nil {
						return host, err
					}
					if _, err := run(ctx, "ip", "-n", hostNS, "route", "add", "default", "via", HostIn(pfx).String()); err != nil {
						return host, err
					}
					break
				}
			}
			if !host.IsValid() {
				return host, fmt.Errorf("no IPv4 segment with room for a host (a /30 or larger) among %v", prefixes)
			}
		} else if err := addStub(ctx, ns, dev); err != nil {
			return host, err
		}
		seen := map[netip.Addr]bool{}
		for _, pfx := range prefixes {
			a := HostIn(pfx)
			if seen[a] {
				continue
			}
			seen[a] = true
			if err := addAddr(ctx, ns, dev, a, pfx.Bits()); err != nil {
				return host, err
			}
		}
		return host, nil
	}
	var idc, vpc []netip.Prefix
	for _, s := range t.cfg.Plan.IDC.Segments {
		idc = append(idc, s.CIDR)
	}
	for _, a := range t.cfg.Plan.BorderGateway.Attachments {
		vpc = append(vpc, a.Propagated()...)
	}
	var err error
	if t.idcAddr, err = add(t.custNS, "idc", t.idcNS, idc); err != nil {
		return fmt.Errorf("IDC segments: %w", err)
	}
	// The customer router's only route into the IDC is the connected
	// segment, as on a border router that knows the segment as a whole
	// (10.1.0.0/16 towards the core): the exported configuration must not
	// out-match it for the prefix-split more-specifics (split_test.go).
	if t.vmAddr, err = add(t.cloudNS, "vpc", t.vmNS, vpc); err != nil {
		return fmt.Errorf("propagated VPC segments: %w", err)
	}
	return nil
}

// HostIn is the representative address of a prefix: the first usable host,
// or the address itself for a single-address block.
func HostIn(p netip.Prefix) netip.Addr {
	if a := plan.FirstUsable(p); a.IsValid() {
		return a
	}
	return p.Masked().Addr()
}

func findInterface(p *plan.Plan, name string) (plan.PrivateInterface, bool) {
	if p.DirectConnection == nil {
		return plan.PrivateInterface{}, false
	}
	for _, i := range p.DirectConnection.Interfaces {
		if i.Name == name {
			return i, true
		}
	}
	return plan.PrivateInterface{}, false
}

func findTunnel(p *plan.Plan, name string) (plan.Tunnel, bool) {
	if p.VPN == nil {
		return plan.Tunnel{}, false
	}
	for _, tu := range p.VPN.Tunnels {
		if tu.Name == name {
			return tu, true
		}
	}
	return plan.Tunnel{}, false
}

// Close stops both routers and deletes the namespaces. It is safe to call
// on a partly built topology and more than once.
func (t *Topology) Close() error {
	// A fresh context: cleanup must run even when the test's has expired.
	ctx := context.Background()
	var errs []error
	for _, r := range []*router{t.customer, t.cloud} {
		if r != nil {
			errs = append(errs, r.stop())
		}
	}
	t.customer, t.cloud = nil, nil
	for _, ns := range t.namespaces() {
		// Without started daemons the run directory may still exist.
		_ = os.RemoveAll(filepath.Join(frrRunDir, ns))
		errs = append(errs, delNetns(ctx, ns))
	}
	return errors.Join(errs...)
}

// Session returns the running session with that name.
func (t *Topology) session(name string) (*liveSession, error) {
	for _, s := range t.sessions {
		if s.Name == name {
			return s, nil
		}
	}
	return nil, fmt.Errorf("lab: the plan has no session named %q", name)
}

// Logf reports progress through Config.Logf, when set.
func (t *Topology) Logf(format string, args ...any) {
	if t.cfg.Logf != nil {
		t.cfg.Logf(format, args...)
	}
}

// CustomerNamespace and CloudNamespace name the namespaces, for a person
// reproducing a failure by hand (ip netns exec …, vtysh -N …).
func (t *Topology) CustomerNamespace() string { return t.custNS }

// CloudNamespace: see CustomerNamespace.
func (t *Topology) CloudNamespace() string { return t.cloudNS }

// routerASN finds the "router bgp ASN" line of an FRR configuration.
func routerASN(conf []byte) (string, error) {
	for _, line := range strings.Split(string(conf), "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && f[0] == "router" && f[1] == "bgp" {
			return f[2], nil
		}
	}
	return "", errors.New("lab: the customer configuration has no \"router bgp ASN\" line; is it an FRR BGP configuration?")
}

// namespaces are every namespace of the topology.
func (t *Topology) namespaces() []string {
	out := []string{t.custNS, t.cloudNS}
	if t.vmNS != "" {
		out = append(out, t.vmNS, t.idcNS)
	}
	return out
}
