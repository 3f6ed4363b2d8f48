package lab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// FRR's install locations on Debian.
const (
	frrDaemonDir = "/usr/lib/frr"
	frrRunDir    = "/var/run/frr" // FRR puts each -N namespace's sockets and pid files in a subdirectory
)

// Requirements reports what is missing to run the oracle on this machine
// (root, iproute2, FRR), or "" when nothing is.
func Requirements() string {
	var missing []string
	if os.Geteuid() != 0 {
		missing = append(missing, "root (network namespaces need CAP_SYS_ADMIN; run the tests as root)")
	}
	for _, bin := range []string{"zebra", "staticd", "bfdd", "bgpd"} {
		if _, err := os.Stat(filepath.Join(frrDaemonDir, bin)); err != nil {
			missing = append(missing, "FRR's "+bin+" in "+frrDaemonDir+" (apt-get install frr, or bash scripts/test-deps.d/frr.sh)")
		}
	}
	for _, bin := range []string{"/usr/bin/vtysh", "/usr/sbin/ip", "/usr/sbin/sysctl"} {
		if _, err := os.Stat(bin); err != nil {
			if _, err2 := os.Stat(strings.Replace(bin, "/usr", "", 1)); err2 != nil {
				missing = append(missing, bin+" (apt-get install frr iproute2 procps)")
			}
		}
	}
	return strings.Join(missing, "; ")
}

// router is one FRR instance running inside a namespace.
type router struct {
	ns  string
	bgp *vtyConn // bgpd's vty socket: every command after the start (vty.go)
}

// daemons are started in this order: zebra owns the kernel routes and must
// be listening before the others connect; staticd carries the exported
// configuration's discard routes; bfdd serves "neighbor … bfd".
var routerDaemons = [...]string{"zebra", "staticd", "bfdd", "bgpd"}

// startRouter starts FRR in namespace ns with an empty configuration, then
// loads conf through vtysh, which hands each command to the daemon that owns
// it and fails on any line FRR rejects: the same path an operator's
// "vtysh -f" takes, so a configuration that loads here loads on a router.
func startRouter(ctx context.Context, ns, conf string) (*router, error) {
	// FRR creates the run directory itself, owned by the user it drops
	// privileges to; one made here would be root's and refused.
	r := &router{ns: ns, bgp: bgpdVty(ns)}
	for _, d := range routerDaemons {
		args := []string{"netns", "exec", ns, filepath.Join(frrDaemonDir, d), "-N", ns, "-d", "-f", "/dev/null"}
		if _, err := run(ctx, "ip", args...); err != nil {
			return r, fmt.Errorf("starting %s in namespace %s: %w", d, ns, err)
		}
		if err := r.waitSocket(ctx, d); err != nil {
			return r, err
		}
	}
	if _, err := run(ctx, "vtysh", "-N", ns, "-f", conf); err != nil {
		return r, fmt.Errorf("FRR rejected the configuration %s: %w", conf, err)
	}
	return r, nil
}

// waitSocket waits for a daemon's vty socket: vtysh and the other daemons
// need it, and "-d" returns before the daemon listens.
func (r *router) waitSocket(ctx context.Context, daemon string) error {
	sock := filepath.Join(frrRunDir, r.ns, daemon+".vty")
	return poll(ctx, 5*time.Second, 20*time.Millisecond, func() (bool, error) {
		_, err := os.Stat(sock)
		return err == nil, nil
	}, func() string { return daemon + " did not open " + sock })
}

// stop terminates the daemons by the pids in their pid files and waits for
// them to exit, then removes the run directory. All get SIGTERM at once:
// the namespace goes away next, so their order does not matter, and waiting
// for each in turn would add their shutdown times up.
func (r *router) stop() error {
	r.bgp.close()
	var errs []error
	var pids []int
	for _, d := range routerDaemons {
		pidFile := filepath.Join(frrRunDir, r.ns, d+".pid")
		data, err := os.ReadFile(pidFile)
		if err != nil {
			continue // never started
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
		if err != nil || pid <= 1 {
			errs = append(errs, fmt.Errorf("bad pid file %s", pidFile))
			continue
		}
		pids = append(pids, pid)
	}
	errs = append(errs, stopPids(pids))
	if err := os.RemoveAll(filepath.Join(frrRunDir, r.ns)); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// stopPids sends SIGTERM to every pid and waits up to a second for all to
// exit, then sends SIGKILL to those left: bgpd can take seconds to say
// goodbye to neighbors that are about to vanish with the namespace.
func stopPids(pids []int) error {
	var errs []error
	for _, pid := range pids {
		if err := syscall.Kill(pid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
			errs = append(errs, fmt.Errorf("stopping pid %d: %w", pid, err))
		}
	}
	deadline := time.Now().Add(time.Second)
	for {
		alive := pids[:0:0]
		for _, pid := range pids {
			if syscall.Kill(pid, 0) == nil {
				alive = append(alive, pid)
			}
		}
		if len(alive) == 0 {
			return errors.Join(errs...)
		}
		if time.Now().After(deadline) {
			for _, pid := range alive {
				if err := syscall.Kill(pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
					errs = append(errs, fmt.Errorf("killing pid %d: %w", pid, err))
				}
			}
			return errors.Join(errs...)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// bgpd runs commands on the router's bgpd, over its vty socket (vty.go),
// and returns their outputs one after the other.
func (r *router) bgpd(ctx context.Context, cmds ...string) ([]byte, error) {
	return r.bgp.run(ctx, cmds...)
}

// configure enters configuration mode on bgpd, runs cmds and leaves it.
// Every change the lab makes to a running router is bgpd's: neighbors,
// and the prefix-lists and route-maps its sessions use.
func (r *router) configure(ctx context.Context, cmds ...string) error {
	_, err := r.bgpd(ctx, append(append([]string{"configure terminal"}, cmds...), "end")...)
	return err
}

// showJSON runs a bgpd show command ending in "json" and decodes its output.
func (r *router) showJSON(ctx context.Context, cmd string, v any) error {
	out, err := r.bgpd(ctx, cmd)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(out, v); err != nil {
		return fmt.Errorf("bgpd in %s, %q: reading its JSON: %w", r.ns, cmd, err)
	}
	return nil
}

// poll calls cond every interval until it reports true, fails, the timeout
// passes (an error with what() in it) or ctx ends.
func poll(ctx context.Context, timeout, interval time.Duration, cond func() (bool, error), what func() string) error {
	deadline := time.Now().Add(timeout)
	for {
		ok, err := cond()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("after %s: %s", timeout, what())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(interval):
		}
	}
}
