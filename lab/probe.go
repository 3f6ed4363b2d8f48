package lab

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"runtime"
	"sync"
	"time"
)

// A probe stream is UDP datagrams at a steady rate from one host namespace
// to the other, each carrying a sequence number and its send time; the
// receiver records what arrived. From the two records come the loss
// windows (the longest runs of lost probes), the lost, duplicated and
// reordered counts.

// probePort is the UDP port both hosts send from and to.
const probePort = 40404

// probeLen is a datagram's size: magic, sequence number, send time.
const probeLen = 4 + 8 + 8

const probeMagic = 0x68707231 // "hpr1"

// stream is one direction's record.
type stream struct {
	mu       sync.Mutex
	sent     []time.Time // by sequence number
	received []int       // arrivals per sequence number
	late     []bool      // arrived after a later probe
	maxSeen  int64
	stray    int // datagrams that were no probe of this stream
}

func newStream() *stream { return &stream{maxSeen: -1} }

func (s *stream) arrive(seq int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if seq < 0 || seq >= int64(len(s.sent)) {
		s.stray++
		return
	}
	for int64(len(s.received)) <= seq {
		s.received = append(s.received, 0)
		s.late = append(s.late, false)
	}
	s.received[seq]++
	if seq < s.maxSeen {
		s.late[seq] = true
	} else {
		s.maxSeen = seq
	}
}

// Probes are the two streams between the VM and the IDC host.
type Probes struct {
	interval time.Duration
	forward  *stream // VM → IDC host
	back     *stream // IDC host → VM
	conns    []*net.UDPConn
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	errs     chan error
}

// inNetns runs f on an OS thread switched into the namespace, so that the
// sockets f opens belong to it (a socket keeps its namespace for life). If
// the thread cannot be switched back it is left locked, and Go ends it
// with the goroutine.
func inNetns(ns string, f func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer orig.Close()
		target, err := os.Open("/var/run/netns/" + ns)
		if err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("network namespace %s: %w", ns, err)
			return
		}
		defer target.Close()
		if err := setns(target); err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("entering network namespace %s: %w", ns, err)
			return
		}
		ferr := f()
		if err := setns(orig); err == nil {
			runtime.UnlockOSThread()
		}
		errc <- ferr
	}()
	return <-errc
}

// StartProbes starts both streams, one datagram per interval each way.
func (t *Topology) StartProbes(interval time.Duration) (*Probes, error) {
	if t.vmNS == "" {
		return nil, errors.New("lab: the topology has no hosts; build it with Config.Hosts")
	}
	pr := &Probes{interval: interval, forward: newStream(), back: newStream(), errs: make(chan error, 4)}
	var vm, idc *net.UDPConn
	listen := func(ns string, a netip.Addr, into **net.UDPConn) error {
		return inNetns(ns, func() error {
			c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(a, probePort)))
			*into = c
			return err
		})
	}
	if err := listen(t.vmNS, t.vmAddr, &vm); err != nil {
		return nil, fmt.Errorf("the VM's probe socket: %w", err)
	}
	if err := listen(t.idcNS, t.idcAddr, &idc); err != nil {
		vm.Close()
		return nil, fmt.Errorf("the IDC host's probe socket: %w", err)
	}
	pr.conns = []*net.UDPConn{vm, idc}
	ctx, cancel := context.WithCancel(context.Background())
	pr.cancel = cancel
	pr.wg.Add(4)
	go pr.receive(idc, pr.forward)
	go pr.receive(vm, pr.back)
	go pr.send(ctx, vm, netip.AddrPortFrom(t.idcAddr, probePort), pr.forward)
	go pr.send(ctx, idc, netip.AddrPortFrom(t.vmAddr, probePort), pr.back)
	return pr, nil
}

func (pr *Probes) send(ctx context.Context, c *net.UDPConn, to netip.AddrPort, s *stream) {
	defer pr.wg.Done()
	tick := time.NewTicker(pr.interval)
	defer tick.Stop()
	buf := make([]byte, probeLen)
	for seq := int64(0); ; seq++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		now := time.Now()
		s.mu.Lock()
		s.sent = append(s.sent, now)
		s.mu.Unlock()
		binary.BigEndian.PutUint32(buf, probeMagic)
		binary.BigEndian.PutUint64(buf[4:], uint64(seq))
		binary.BigEndian.PutUint64(buf[12:], uint64(now.UnixNano()))
		// A send fails while no route leads to the far host (an outage):
		// that probe is lost like one dropped on the way.
		_, _ = c.WriteToUDPAddrPort(buf, to)
	}
}

func (pr *Probes) receive(c *net.UDPConn, s *stream) {
	defer pr.wg.Done()
	buf := make([]byte, 64)
	for {
		n, _, err := c.ReadFromUDPAddrPort(buf)
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				pr.errs <- err
			}
			return
		}
		if n != probeLen || binary.BigEndian.Uint32(buf) != probeMagic {
			s.mu.Lock()
			s.stray++
			s.mu.Unlock()
			continue
		}
		s.arrive(int64(binary.BigEndian.Uint64(buf[4:])))
	}
}

// Stop ends the streams, waiting a moment for datagrams in flight.
func (pr *Probes) Stop() error {
	pr.cancel()
	time.Sleep(100 * time.Millisecond)
	for _, c := range pr.conns {
		c.Close()
	}
	pr.wg.Wait()
	select {
	case err := <-pr.errs:
		return err
	default:
		return nil
	}
}

// Sent is how many probes each stream has sent so far.
func (pr *Probes) Sent() (forward, back int) {
	pr.forward.mu.Lock()
	forward = len(pr.forward.sent)
	pr.forward.mu.Unlock()
	pr.back.mu.Lock()
	back = len(pr.back.sent)
	pr.back.mu.Unlock()
	return forward, back
}

// Loss is what one stream lost over a span of time.
type Loss struct {
	Sent       int `json:"sent"`
	Lost       int `json:"lost"`
	Duplicated int `json:"duplicated"`
	Reordered  int `json:"reordered"`
	// WindowMillis is the longest run of lost probes, from the first lost
	// probe's send time to the first probe after it that arrived: how
	// long the traffic was cut. 0 when nothing was lost.
	WindowMillis float64 `json:"windowMillis"`
	// StartMillis is when that run began, after the span's start.
	StartMillis float64 `json:"startMillis"`
	// Runs is how many separate runs of loss there were.
	Runs int `json:"runs"`
}

// Span measures the probes sent in [from, to) of both streams; call it
// after Stop.
func (pr *Probes) Span(from, to time.Time) (forward, back Loss) {
	return pr.forward.span(from, to, pr.interval), pr.back.span(from, to, pr.interval)
}

func (s *stream) span(from, to time.Time, interval time.Duration) Loss {
	s.mu.Lock()
	defer s.mu.Unlock()
	var l Loss
	runStart := -1
	end := func(next int) {
		if runStart < 0 {
			return
		}
		l.Runs++
		var w time.Duration
		if next < len(s.sent) {
			w = s.sent[next].Sub(s.sent[runStart])
		} else {
			w = s.sent[next-1].Sub(s.sent[runStart]) + interval
		}
		if ms := float64(w) / float64(time.Millisecond); ms > l.WindowMillis {
			l.WindowMillis = ms
			l.StartMillis = float64(s.sent[runStart].Sub(from)) / float64(time.Millisecond)
		}
		runStart = -1
	}
	for seq, at := range s.sent {
		if at.Before(from) || !at.Before(to) {
			if runStart >= 0 {
				end(seq)
			}
			continue
		}
		l.Sent++
		n := 0
		if seq < len(s.received) {
			n = s.received[seq]
		}
		switch {
		case n == 0:
			l.Lost++
			if runStart < 0 {
				runStart = seq
			}
		default:
			if n > 1 {
				l.Duplicated += n - 1
			}
			if s.late[seq] {
				l.Reordered++
			}
			end(seq)
		}
	}
	end(len(s.sent))
	return l
}
