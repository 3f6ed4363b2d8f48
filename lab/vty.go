package lab

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"path/filepath"
	"sync"
	"time"
)

// The oracle and the rehearsal read the routers many times per event (they
// poll for a converged state) and change the cloud router at every event.
// One vtysh process costs about 60 ms of CPU to start, against well under
// a millisecond for the command itself: with several topologies at once,
// starting vtysh was most of the tests' CPU. So after the start (the
// configuration file still goes through `vtysh -f`, an operator's path),
// commands go straight to bgpd's vty socket, the one vtysh itself talks
// to, over a connection kept open for the router's life.
//
// The protocol is vtysh's: a command is written as a NUL-terminated line;
// the daemon answers with the command's output followed by three NUL bytes
// and the command's status (0 for success). A new connection starts at the
// view node; "enable" moves it to the node vtysh works from.

// vtyTimeout bounds one command on the socket: bgpd answers in
// milliseconds, so a silent socket is a hung daemon, not a slow one.
const vtyTimeout = 10 * time.Second

// vtyConn is a connection to one daemon's vty socket, opened on first use.
type vtyConn struct {
	mu   sync.Mutex
	path string
	conn net.Conn
}

// run runs commands in order and returns their outputs one after the
// other. The first command the daemon refuses ends the run with an error
// quoting the daemon's answer; the connection is then closed, so the next
// run starts again at the enable node rather than wherever this one
// stopped (inside a configuration block, say).
func (v *vtyConn) run(ctx context.Context, cmds ...string) ([]byte, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.conn == nil {
		var d net.Dialer
		c, err := d.DialContext(ctx, "unix", v.path)
		if err != nil {
			return nil, fmt.Errorf("connecting to %s: %w", v.path, err)
		}
		v.conn = c
		if _, err := v.exchange(ctx, "enable"); err != nil {
			v.drop()
			return nil, fmt.Errorf("enable on %s: %w", v.path, err)
		}
	}
	var out []byte
	for _, cmd := range cmds {
		o, err := v.exchange(ctx, cmd)
		if err != nil {
			v.drop()
			return nil, fmt.Errorf("%q on %s: %w", cmd, v.path, err)
		}
		out = append(out, o...)
	}
	return out, nil
}

func (v *vtyConn) exchange(ctx context.Context, cmd string) ([]byte, error) {
	deadline := time.Now().Add(vtyTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := v.conn.SetDeadline(deadline); err != nil {
		return nil, err
	}
	if _, err := v.conn.Write(append([]byte(cmd), 0)); err != nil {
		return nil, err
	}
	var out []byte
	buf := make([]byte, 64<<10)
	for {
		n, err := v.conn.Read(buf)
		out = append(out, buf[:n]...)
		if k := len(out); k >= 4 && bytes.Equal(out[k-4:k-1], []byte{0, 0, 0}) {
			if status := out[k-1]; status != 0 {
				return nil, fmt.Errorf("refused (status %d): %s", status, bytes.TrimSpace(out[:k-4]))
			}
			return out[:k-4], nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func (v *vtyConn) drop() {
	if v.conn != nil {
		v.conn.Close()
		v.conn = nil
	}
}

func (v *vtyConn) close() {
	if v == nil {
		return // a router found by the stale reaper has no connection
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.drop()
}

// bgpdVty is the router's bgpd vty socket.
func bgpdVty(ns string) *vtyConn {
	return &vtyConn{path: filepath.Join(frrRunDir, ns, "bgpd.vty")}
}
