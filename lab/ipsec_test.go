package lab

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/export"
)

// TestIPsecNegotiates proves that what `export --format strongswan`
// writes negotiates real IKE and ESP with a JD Cloud-side peer that accepts
// exactly JD Cloud's documented proposals, for several of the plan's
// settings, and that ESP carries a datagram between the tunnel's inside
// addresses (strongSwan's user-space ESP over TUN: docs/rehearse.md).
func TestIPsecNegotiates(t *testing.T) {
	requireLab(t)
	if missing := IPsecRequirements(); missing != "" {
		if os.Getenv("HYBRIDPLAN_REQUIRE_FRR") == "1" {
			t.Fatalf("strongSwan cannot run, and HYBRIDPLAN_REQUIRE_FRR=1 forbids skipping it; missing: %s", missing)
		}
		t.Skipf("skipping real IPsec; missing: %s", missing)
	}
	dpd0 := 0
	for i, tc := range []struct {
		name    string
		ike     plan.IKE
		ipsec   plan.IPsec
		wantIKE string // in swanctl --list-sas
		wantESP string
	}{
		{"JD Cloud's defaults (IKEv2, aes128/sha256/ecp256, no PFS)", plan.IKE{}, plan.IPsec{},
			"AES_CBC-128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256", "ESP:AES_CBC-128/HMAC_SHA2_256_128"},
		{"IKEv1 main mode, aes256/sha1/modp2048, PFS ecp384", plan.IKE{Version: "v1", Mode: "main", Cipher: "aes256", Auth: "sha1", DHGroup: "modp2048", DPDSeconds: &dpd0},
			plan.IPsec{Cipher: "aes256", Auth: "sha384", PFS: "ecp384"},
			"AES_CBC-256/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048", "ESP:AES_CBC-256/HMAC_SHA2_384_192/ECP_384"},
		{"IKEv2 3des/sha384/modp1024, PFS modp1536", plan.IKE{Cipher: "3des", Auth: "sha384", DHGroup: "modp1024"},
			plan.IPsec{Cipher: "aes192", Auth: "sha1", PFS: "modp1536"},
			// IKEv2 makes the first CHILD_SA with the IKE keys: PFS applies
			// from the first rekeying.
			"3DES_CBC/HMAC_SHA2_384_192/PRF_HMAC_SHA2_384/MODP_1024", "ESP:AES_CBC-192/HMAC_SHA1_96"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := examples.Plan("seed-dc-primary-vpn-backup")
			if err != nil {
				t.Fatal(err)
			}
			p.VPN.Tunnels = p.VPN.Tunnels[:1]
			p.VPN.Tunnels[0].IKE, p.VPN.Tunnels[0].IPsec = tc.ike, tc.ipsec
			tu := p.VPN.Tunnels[0]
			conf, err := export.Render(p, export.FormatStrongSwan, export.Options{})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			name := fmt.Sprintf("%s%d-ik%d", NamePrefix, os.Getpid(), i)
			cust, cloud := name+"-cust", name+"-cloud"
			for _, ns := range []string{cust, cloud} {
				if err := addNetns(ctx, ns); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = delNetns(context.Background(), ns) })
			}
			// The Internet between the two public addresses, and each end's
			// tunnel inside address.
			if err := addVeth(ctx, cust, "wan", cloud, "wan"); err != nil {
				t.Fatal(err)
			}
			custIn, cloudIn := tu.CustomerAddr(), tu.CloudAddr()
			for _, e := range []struct {
				ns               string
				public, peer, in netip.Addr
			}{{cust, tu.CustomerPublicIP, tu.CloudPublicIP, custIn}, {cloud, tu.CloudPublicIP, tu.CustomerPublicIP, cloudIn}} {
				if _, err := run(ctx, "ip", "-n", e.ns, "addr", "add", e.public.String()+"/32", "peer", e.peer.String(), "dev", "wan"); err != nil {
					t.Fatal(err)
				}
				if _, err := run(ctx, "ip", "-n", e.ns, "addr", "add", e.in.String()+"/32", "dev", "lo"); err != nil {
					t.Fatal(err)
				}
			}
			const psk = "lab_test_key-1"
			var daemons [2]*Charon
			for k, e := range []struct{ ns, conf string }{
				{cloud, CloudSwanctl(p, tu, psk)},
				{cust, ForLibipsec(string(conf), psk)},
			} {
				// A short directory: the control socket's path must fit a
				// Unix socket address (108 bytes).
				dir, err := os.MkdirTemp("", "hpr-ipsec-")
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { os.RemoveAll(dir) })
				c, err := StartCharon(ctx, e.ns, dir)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = c.Stop() })
				daemons[k] = c
				if err := c.Load(ctx, e.conf); err != nil {
					t.Fatalf("%s: %v\n%s", e.ns, err, e.conf)
				}
			}
			// The exported connection starts itself (start_action = start).
			var sas string
			err = poll(ctx, 20*time.Second, 200*time.Millisecond, func() (bool, error) {
				sas, err = daemons[1].SAs(ctx)
				return err == nil && strings.Contains(sas, "INSTALLED"), err
			}, func() string {
				var logs []string
				for _, d := range daemons {
					b, _ := os.ReadFile(d.dir + "/charon.log")
					logs = append(logs, d.ns+":\n"+string(b))
				}
				return "no CHILD_SA was installed:\n" + sas + "\n" + strings.Join(logs, "\n")
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("customer gateway's SAs:\n%s", sas)
			if !strings.Contains(sas, "ESTABLISHED, IKEv"+strings.TrimPrefix(p.IKEOptions(tu).Version, "v")) || !strings.Contains(sas, tc.wantIKE) || !strings.Contains(sas, tc.wantESP) {
				t.Errorf("want IKE%s %s and %s", p.IKEOptions(tu).Version, tc.wantIKE, tc.wantESP)
			}
			// A datagram from inside address to inside address goes through ESP.
			var recv *net.UDPConn
			if err := inNetns(cloud, func() error {
				recv, err = net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(cloudIn, probePort)))
				return err
			}); err != nil {
				t.Fatal(err)
			}
			defer recv.Close()
			var send *net.UDPConn
			if err := inNetns(cust, func() error {
				send, err = net.DialUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(custIn, probePort)), net.UDPAddrFromAddrPort(netip.AddrPortFrom(cloudIn, probePort)))
				return err
			}); err != nil {
				t.Fatal(err)
			}
			defer send.Close()
			got := make(chan string, 1)
			go func() {
				buf := make([]byte, 64)
				_ = recv.SetReadDeadline(time.Now().Add(5 * time.Second))
				n, _, err := recv.ReadFromUDPAddrPort(buf)
				if err != nil {
					got <- "error: " + err.Error()
					return
				}
				got <- string(buf[:n])
			}()
			for range 5 {
				_, _ = send.Write([]byte("over ESP"))
				time.Sleep(100 * time.Millisecond)
			}
			if g := <-got; g != "over ESP" {
				t.Errorf("the datagram between inside addresses did not arrive: %s", g)
			}
		})
	}
}
