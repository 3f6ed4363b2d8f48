package lab

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// The namespace helpers use iproute2 rather than netlink from Go: the test
// machine has it, the commands are the ones a person would type to reproduce
// a failure by hand, and no extra module is needed.

// addNetns creates a namespace with its loopback up, IPv6 addresses kept
// when a link goes down (Linux flushes them otherwise, and a "port down"
// scenario would lose the IPv6 sessions for good) and duplicate address
// detection off (a tentative address cannot be bound by bgpd for a second).
func addNetns(ctx context.Context, ns string) error {
	if _, err := run(ctx, "ip", "netns", "add", ns); err != nil {
		return err
	}
	if _, err := run(ctx, "ip", "-n", ns, "link", "set", "lo", "up"); err != nil {
		return err
	}
	for _, kv := range []string{
		"net.ipv6.conf.all.keep_addr_on_down=1",
		"net.ipv6.conf.default.keep_addr_on_down=1",
		"net.ipv6.conf.all.accept_dad=0",
		"net.ipv6.conf.default.accept_dad=0",
		"net.ipv4.ip_forward=1",
		"net.ipv6.conf.all.forwarding=1",
	} {
		if _, err := run(ctx, "ip", "netns", "exec", ns, "sysctl", "-q", "-w", kv); err != nil {
			return err
		}
	}
	return nil
}

// delNetns removes a namespace; removing one that is already gone is not an
// error, so cleanup can run after a partial setup.
func delNetns(ctx context.Context, ns string) error {
	out, err := run(ctx, "ip", "netns", "list")
	if err != nil {
		return err
	}
	if !containsWord(string(out), ns) {
		return nil
	}
	_, err = run(ctx, "ip", "netns", "del", ns)
	return err
}

func containsWord(list, word string) bool {
	return slices.Contains(strings.Fields(list), word)
}

// addVeth joins two namespaces with a veth pair created directly inside
// them, so no interface ever appears in the host's namespace.
func addVeth(ctx context.Context, ns1, if1, ns2, if2 string) error {
	if _, err := run(ctx, "ip", "link", "add", if1, "netns", ns1, "type", "veth", "peer", "name", if2, "netns", ns2); err != nil {
		return err
	}
	if err := linkSet(ctx, ns1, if1, true); err != nil {
		return err
	}
	return linkSet(ctx, ns2, if2, true)
}

// addSubInterface adds the private virtual interface's sub-interface on the
// physical port, named like a VLAN sub-interface ("dc.100"). It is a macvlan,
// not an 802.1Q VLAN: kernels without the 8021q module (such as the test
// machine's) cannot make VLANs, and what the oracle needs is the same
// either way: one interface per BGP session that goes down with the port.
func addSubInterface(ctx context.Context, ns, parent string, vlan int) (string, error) {
	name := fmt.Sprintf("%s.%d", parent, vlan)
	if _, err := run(ctx, "ip", "-n", ns, "link", "add", "link", parent, "name", name, "type", "macvlan", "mode", "bridge"); err != nil {
		return "", err
	}
	return name, linkSet(ctx, ns, name, true)
}

// addStub adds an interface that only carries addresses: a veth pair with
// both ends in ns and up. Kernels without the dummy module (such as the test
// machine's) cannot make a dummy interface, and an interface without
// carrier would keep its connected routes out of FRR's RIB.
func addStub(ctx context.Context, ns, name string) error {
	if _, err := run(ctx, "ip", "-n", ns, "link", "add", name, "type", "veth", "peer", "name", name+"-p"); err != nil {
		return err
	}
	if err := linkSet(ctx, ns, name+"-p", true); err != nil {
		return err
	}
	return linkSet(ctx, ns, name, true)
}

func linkSet(ctx context.Context, ns, dev string, up bool) error {
	state := "down"
	if up {
		state = "up"
	}
	_, err := run(ctx, "ip", "-n", ns, "link", "set", "dev", dev, state)
	return err
}

// addAddr puts addr with the prefix's length on dev ("nodad": see addNetns).
func addAddr(ctx context.Context, ns, dev string, addr netip.Addr, bits int) error {
	args := []string{"-n", ns, "addr", "add", netip.PrefixFrom(addr, bits).String(), "dev", dev}
	if addr.Is6() {
		args = append(args, "nodad")
	}
	_, err := run(ctx, "ip", args...)
	return err
}
