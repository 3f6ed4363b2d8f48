package export

import (
	"fmt"
	"strings"
)

// FormatStrongSwan is swanctl.conf for a Linux customer gateway running
// strongSwan (charon, 5.9 or later): one IKE connection per VPN tunnel with
// the plan's IKE and ESP settings, route-based over an XFRM interface.
const FormatStrongSwan = "strongswan"

// renderStrongSwan writes swanctl.conf (strongSwan's swanctl.conf(5)
// syntax). JD Cloud's VPN is route-based, so every tunnel's traffic
// selectors are 0.0.0.0/0 (and ::/0) and an XFRM interface (if_id) carries
// the tunnel's inside address, where the routing daemon's BGP session runs;
// charon must not install routes of its own. The pre-shared keys are not
// written: the secrets section names where each one is kept.
func renderStrongSwan(w *writer, d *design) {
	const c = "#"
	notes := []string{"strongSwan (charon) configures IPsec only. Before loading this with `swanctl --load-all`:",
		"  set `charon { install_routes = no }` in strongswan.conf: routes come from BGP over the XFRM interfaces;"}
	for _, t := range d.Tunnels {
		notes = append(notes, fmt.Sprintf("  tunnel %s: `ip link add jdc%d type xfrm dev WAN if_id %d`, `ip addr add %s dev jdc%d`%s, `ip link set jdc%d mtu %d up`;",
			t.Name, t.Number, t.Number, t.V4, t.Number, v6AddrNote(t), t.Number, t.MTU))
	}
	notes = append(notes, "  then load the routing configuration (e.g. `hybridplan export --format frr`).")
	header(w, d, c, "strongSwan 5.9 or later (swanctl.conf)", notes)
	if len(d.Tunnels) == 0 {
		w.comment(c, "The plan has no VPN tunnels: nothing to configure.")
		return
	}
	w.line("connections {")
	for _, t := range d.Tunnels {
		ike, esp := t.IKE, t.IPsec
		w.line("  %s {", t.ID)
		w.line("    version = %s", strings.TrimPrefix(ike.Version, "v"))
		if ike.Version == "v1" && ike.Mode == "aggressive" {
			w.line("    aggressive = yes")
		}
		w.line("    local_addrs = %s", t.CustomerPublic)
		w.line("    remote_addrs = %s", t.CloudPublic)
		w.line("    proposals = %s-%s-%s", ike.Cipher, ike.Auth, ike.DHGroup)
		w.line("    rekey_time = %ds", ike.LifetimeSeconds)
		if ike.DPDSeconds != nil && *ike.DPDSeconds > 0 {
			w.line("    dpd_delay = %ds", *ike.DPDSeconds)
		}
		w.line("    local {")
		w.line("      auth = psk")
		w.line("      id = %s", t.CustomerPublic)
		w.line("    }")
		w.line("    remote {")
		w.line("      auth = psk")
		w.line("      id = %s", t.CloudPublic)
		w.line("    }")
		w.line("    children {")
		w.line("      %s {", t.ID)
		ts := "0.0.0.0/0"
		if t.V6.IsValid() {
			ts += ",::/0"
		}
		w.line("        local_ts = %s", ts)
		w.line("        remote_ts = %s", ts)
		prop := esp.Cipher + "-" + esp.Auth
		if esp.PFS != "" && esp.PFS != "none" {
			prop += "-" + esp.PFS
		}
		w.line("        esp_proposals = %s", prop)
		w.line("        rekey_time = %ds", esp.LifetimeSeconds)
		w.line("        if_id_in = %d", t.Number)
		w.line("        if_id_out = %d", t.Number)
		w.line("        start_action = start")
		w.line("        dpd_action = restart")
		w.line("        close_action = start")
		w.line("      }")
		w.line("    }")
		w.line("  }")
	}
	w.line("}")
	w.line("secrets {")
	for _, t := range d.Tunnels {
		w.line("  ike-%s {", t.ID)
		w.line("    id-customer = %s", t.CustomerPublic)
		w.line("    id-cloud = %s", t.CloudPublic)
		w.comment("    #", fmt.Sprintf("secret = \"...\" here: the pre-shared key kept at %s; hybridplan never writes it", t.PSKRef))
		w.line("  }")
	}
	w.line("}")
}

func v6AddrNote(t tunnel) string {
	if !t.V6.IsValid() {
		return ""
	}
	return fmt.Sprintf(", `ip addr add %s dev jdc%d`", t.V6, t.Number)
}
