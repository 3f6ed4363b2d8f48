package lab

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/hybridplan/hybridplan/pkg/plan"
)

// Real IPsec in the lab. The test machines' kernel has no ESP transform and
// no XFRM or VTI interfaces, but strongSwan's kernel-libipsec plugin does
// ESP in user space over a TUN device (ipsec0), and that works in a network
// namespace. It proves that the IKE and ESP settings `export --format
// strongswan` writes negotiate with a peer that accepts exactly what JD
// Cloud documents. It does not carry the rehearsal's BGP: one charon has
// one TUN device for every tunnel and the exported route-based
// configuration's XFRM interfaces (if_id) do not exist here, so the
// rehearsal keeps veth links for the tunnels' data path.

// Where Debian's strongSwan lives.
const (
	charonPath  = "/usr/lib/ipsec/charon"
	swanctlPath = "/usr/sbin/swanctl"
)

// IPsecRequirements reports what is missing to run strongSwan in the lab,
// or "".
func IPsecRequirements() string {
	var missing []string
	if os.Geteuid() != 0 {
		missing = append(missing, "root")
	}
	for _, f := range []string{charonPath, swanctlPath, "/usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so", "/usr/lib/ipsec/plugins/libstrongswan-openssl.so"} {
		if _, err := os.Stat(f); err != nil {
			missing = append(missing, f+" (apt-get install strongswan-charon strongswan-swanctl libcharon-extra-plugins libstrongswan-standard-plugins, or bash scripts/test-deps.d/strongswan.sh)")
		}
	}
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		missing = append(missing, "/dev/net/tun")
	}
	return strings.Join(missing, "; ")
}

// charonPlugins are loaded explicitly: the crypto for every proposal JD
// Cloud documents (openssl for the ECP groups, gmp for MODP), ESP in user
// space (kernel-libipsec) with kernel-netlink for addresses and routes.
const charonPlugins = "random nonce openssl pem pkcs1 x509 pubkey sha1 sha2 hmac kdf gmp aes des gcm kernel-libipsec kernel-netlink socket-default vici"

// Charon is one strongSwan daemon running in a namespace.
type Charon struct {
	ns, dir string
	pid     int
}

// StartCharon starts charon in namespace ns with its files in dir. Its pid
// file path is fixed (/run/charon.pid), so it runs in a private mount
// namespace with dir mounted over /run: several can run at once.
func StartCharon(ctx context.Context, ns, dir string) (*Charon, error) {
	run := filepath.Join(dir, "run")
	if err := os.MkdirAll(run, 0o700); err != nil {
		return nil, err
	}
	conf := fmt.Sprintf(`charon {
  load = %s
  filelog {
    stderr {
      default = 1
    }
  }
  plugins {
    vici {
      socket = unix://%s
    }
  }
}
`, charonPlugins, filepath.Join(dir, "charon.vici"))
	if err := os.WriteFile(filepath.Join(dir, "strongswan.conf"), []byte(conf), 0o600); err != nil {
		return nil, err
	}
	// The daemon outlives this call: started without ctx, stopped by Stop.
	cmd := exec.Command("ip", "netns", "exec", ns, "unshare", "--mount", "--propagation", "private", "sh", "-c",
		`mount --bind "$0" /run && STRONGSWAN_CONF="$1" exec `+charonPath, run, filepath.Join(dir, "strongswan.conf"))
	log, err := os.Create(filepath.Join(dir, "charon.log"))
	if err != nil {
		return nil, err
	}
	defer log.Close()
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting charon in %s: %w", ns, err)
	}
	c := &Charon{ns: ns, dir: dir, pid: cmd.Process.Pid}
	go cmd.Wait() //nolint:errcheck // reaped; Stop checks the pid
	sock := filepath.Join(dir, "charon.vici")
	if err := poll(ctx, 10*time.Second, 50*time.Millisecond, func() (bool, error) {
		_, err := os.Stat(sock)
		return err == nil, nil
	}, func() string { return "charon did not open " + sock + "; see " + log.Name() }); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

// Load loads a swanctl.conf into the daemon.
func (c *Charon) Load(ctx context.Context, conf string) error {
	f := filepath.Join(c.dir, "swanctl.conf")
	if err := os.WriteFile(f, []byte(conf), 0o600); err != nil {
		return err
	}
	_, err := run(ctx, "ip", "netns", "exec", c.ns, swanctlPath, "--load-all", "--noprompt", "--uri", c.uri(), "--file", f)
	return err
}

// SAs lists the daemon's security associations (swanctl --list-sas).
func (c *Charon) SAs(ctx context.Context) (string, error) {
	out, err := run(ctx, "ip", "netns", "exec", c.ns, swanctlPath, "--list-sas", "--uri", c.uri())
	return string(out), err
}

func (c *Charon) uri() string { return "unix://" + filepath.Join(c.dir, "charon.vici") }

// Stop ends the daemon (its children, the mount namespace, go with it).
func (c *Charon) Stop() error {
	return stopPids([]int{c.pid})
}

// CloudSwanctl is the JD Cloud end of a tunnel as a strongSwan responder:
// the tunnel's IKE version and mode, and every IKE and ESP proposal the
// profile lists (JD Cloud's documented ciphers, integrity algorithms and
// DH groups, PFS none or a group) and nothing else, with the tunnel's
// addresses and a pre-shared key.
func CloudSwanctl(p *plan.Plan, t plan.Tunnel, psk string) string {
	prof := p.EffectiveProfile()
	var ike, esp []string
	for _, c := range prof.IKE.Ciphers {
		for _, a := range prof.IKE.Auths {
			for _, g := range prof.IKE.DHGroups {
				ike = append(ike, c+"-"+a+"-"+g)
			}
		}
	}
	for _, c := range prof.IPsec.Ciphers {
		for _, a := range prof.IPsec.Auths {
			for _, g := range prof.IPsec.PFS {
				if g == "none" {
					esp = append(esp, c+"-"+a)
				} else {
					esp = append(esp, c+"-"+a+"-"+g)
				}
			}
		}
	}
	// The version and mode are the tunnel's, as provisioning sets them on
	// JD Cloud's side (a strongSwan responder in aggressive mode refuses
	// main mode with a pre-shared key, and the reverse).
	opts := p.IKEOptions(t)
	aggressive := "no"
	if opts.Version == "v1" && opts.Mode == "aggressive" {
		aggressive = "yes"
	}
	return fmt.Sprintf(`connections {
  jdcloud {
    version = %s
    aggressive = %s
    local_addrs = %s
    remote_addrs = %s
    proposals = %s
    local {
      auth = psk
      id = %s
    }
    remote {
      auth = psk
      id = %s
    }
    children {
      jdcloud {
        local_ts = 0.0.0.0/0
        remote_ts = 0.0.0.0/0
        esp_proposals = %s
      }
    }
  }
}
secrets {
  ike-jdcloud {
    id-cloud = %s
    id-customer = %s
    secret = "%s"
  }
}
`, strings.TrimPrefix(opts.Version, "v"), aggressive, t.CloudPublicIP, t.CustomerPublicIP, strings.Join(ike, ","), t.CloudPublicIP, t.CustomerPublicIP, strings.Join(esp, ","),
		t.CloudPublicIP, t.CustomerPublicIP, psk)
}

// ForLibipsec adapts an exported swanctl.conf to the lab: the XFRM
// interface ids go (kernel-libipsec routes through its TUN device instead)
// and each tunnel gets the pre-shared key in its secrets section. Every
// IKE and ESP setting stays as exported.
func ForLibipsec(conf string, psk string) string {
	var out []string
	for _, line := range strings.Split(conf, "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && (f[0] == "if_id_in" || f[0] == "if_id_out") {
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(line), `# secret = "..." here`) {
			line = fmt.Sprintf(`    secret = "%s"`, psk)
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}
