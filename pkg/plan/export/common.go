package export

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/strategy"
)

// comment writes text as comment lines starting with c, wrapped so that a
// long finding stays readable on a terminal.
func (w *writer) comment(c, text string) {
	const width = 100
	words := strings.Fields(ascii(text))
	line := ""
	for _, word := range words {
		if line != "" && len(line)+1+len(word) > width {
			w.line("%s %s", c, line)
			line = "  " + word
			continue
		}
		if line == "" {
			line = word
		} else {
			line += " " + word
		}
	}
	if line != "" {
		w.line("%s %s", c, line)
	} else {
		w.line("%s", c)
	}
}

// ascii spells comment text in ASCII: configuration files are read by
// parsers that may not expect UTF-8, even in comments.
func ascii(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '?':
			// IOS XE and VRP answer "?" with help even when pasted.
			b.WriteString(".")
		case r < 0x80:
			b.WriteRune(r)
		case r == '→':
			b.WriteString("->")
		case r == '←':
			b.WriteString("<-")
		case r == '↔':
			b.WriteString("<->")
		case r == '–' || r == '—' || r == '·':
			b.WriteString("-")
		case r == '≤':
			b.WriteString("<=")
		case r == '≥':
			b.WriteString(">=")
		case r == '×':
			b.WriteString("x")
		case r == '…':
			b.WriteString("...")
		case r == '‘' || r == '’':
			b.WriteString("'")
		case r == '“' || r == '”':
			b.WriteString(`"`)
		default:
			b.WriteString("_")
		}
	}
	return b.String()
}

// header writes what every vendor's file starts with: what it is, the
// design in a few lines, assumptions and warnings. c is the vendor's
// comment leader.
func header(w *writer, d *design, c, vendor string, notes []string) {
	w.comment(c, fmt.Sprintf("Customer-router configuration for %s, written by `hybridplan export` from plan %q.", vendor, d.PlanName))
	w.comment(c, "Regenerate it from the plan rather than editing it by hand.")
	w.comment(c, fmt.Sprintf("Strategy: %s. Customer ASN %d, router ID %s.", d.Mode, d.ASN, d.RouterID))
	for _, n := range d.Neighbors {
		w.comment(c, fmt.Sprintf("  %s %s: %s -> JD Cloud %s AS %d%s", kindLabel(n.Kind), n.Session, n.Local, n.Remote, n.PeerASN, bfdNote(n.BFD)))
	}
	for _, n := range d.Notes {
		w.comment(c, "Design: "+n)
	}
	for _, a := range d.Assumptions {
		w.comment(c, "Assumption: "+a)
	}
	for _, x := range d.Warnings {
		w.comment(c, "WARNING: "+x)
	}
	for _, n := range notes {
		w.comment(c, n)
	}
	w.line("%s", c)
}

func bfdNote(b *plan.BFD) string {
	if b == nil {
		return ""
	}
	return fmt.Sprintf(", BFD tx %d ms rx %d ms x%d", b.MinTxMillis, b.MinRxMillis, b.Multiplier)
}

// discardNote explains the discard routes in every vendor's output.
const discardNote = "Discard routes for the announced prefixes: `network` statements (and Junos export " +
	"policies) only announce a prefix that is in the routing table. These routes put every announced " +
	"prefix there at distance 254, the least preferred a static route can be, so any real route to the " +
	"same prefix (connected, IGP) wins and they only drop traffic to unassigned parts of an announced block " +
	"instead of looping it back to JD Cloud."

// pskPlaceholder marks where the pre-shared key goes. Spaces and angle
// brackets are outside JD Cloud's key alphabet (letters, digits, _ and -),
// so a placeholder left in by mistake can never match the cloud's key: the
// tunnel stays down rather than up with a key someone guessed. Some vendors
// refuse it outright; IOS XE takes the rest of the line as the key.
func pskPlaceholder(t tunnel) string {
	// text() keeps a reference such as env:NAME or file:/path as it is and
	// stops anything else in it from ending the line or the quoted string.
	ref := text(t.PSKRef)
	if ref == "" {
		ref = "the secret store"
	}
	return fmt.Sprintf("<PSK from %s>", ref)
}

func pskNote(t tunnel) string {
	return fmt.Sprintf("FILL IN: replace %s with the tunnel's pre-shared key from the secret store (%s). Never commit the key.", pskPlaceholder(t), orText(t.PSKRef, "no pskRef set in the plan"))
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// ident makes a name from the plan safe as a configuration identifier
// (profile, policy, peer names): letters, digits, '-', '_' and '.'.
func ident(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)), r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	out := b.String()
	if len(out) > 40 {
		out = out[:40]
	}
	if out == "" {
		out = "x"
	}
	return out
}

// text makes free text from the plan safe inside a description: printable
// ASCII without quotes or comment characters, at most 80 characters.
func text(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 0x20 && r < 0x7f && !strings.ContainsRune("\"'!#;?{}|\\", r) {
			b.WriteRune(r)
		} else {
			b.WriteByte(' ')
		}
	}
	out := strings.Join(strings.Fields(b.String()), " ")
	if len(out) > 80 {
		out = strings.TrimSpace(out[:80])
	}
	return out
}

func neighborDescription(d *design, n neighbor) string {
	if n.Kind == strategy.DirectConnection {
		di := d.DC[n.DC]
		return text(fmt.Sprintf("JD Cloud Direct Connection %s VLAN %d", di.Name, di.VLAN))
	}
	return text(fmt.Sprintf("JD Cloud VPN %s tunnel %s", d.VPNName, d.Tunnels[n.Tunnel].Name))
}

// dhGroupNumber maps JD Cloud's DH group names to IKE group numbers
// (RFC 3526 / RFC 5903), the form every vendor uses.
func dhGroupNumber(g string) (int, bool) {
	switch g {
	case "modp1024":
		return 2, true
	case "modp1536":
		return 5, true
	case "modp2048":
		return 14, true
	case "ecp256":
		return 19, true
	case "ecp384":
		return 20, true
	}
	return 0, false
}

// cipherBits maps aes128/192/256 to the key length; 3des to 0.
func cipherBits(c string) (int, bool) {
	switch c {
	case "aes128":
		return 128, true
	case "aes192":
		return 192, true
	case "aes256":
		return 256, true
	case "3des":
		return 0, true
	}
	return 0, false
}

// checkCrypto refuses algorithm names no renderer knows, so a profile
// override cannot produce silently wrong IPsec configuration.
func checkCrypto(t tunnel) error {
	if _, ok := dhGroupNumber(t.IKE.DHGroup); !ok {
		return fmt.Errorf("export: tunnel %q: IKE DH group %q is not one of modp1024, modp1536, modp2048, ecp256, ecp384", t.Name, t.IKE.DHGroup)
	}
	if _, ok := cipherBits(t.IKE.Cipher); !ok {
		return fmt.Errorf("export: tunnel %q: IKE cipher %q is not one of aes128, aes192, aes256, 3des", t.Name, t.IKE.Cipher)
	}
	if b, ok := cipherBits(t.IPsec.Cipher); !ok || b == 0 {
		return fmt.Errorf("export: tunnel %q: IPsec cipher %q is not one of aes128, aes192, aes256", t.Name, t.IPsec.Cipher)
	}
	for _, a := range []struct{ what, v string }{{"IKE auth", t.IKE.Auth}, {"IPsec auth", t.IPsec.Auth}} {
		switch a.v {
		case "sha1", "sha256", "sha384":
		default:
			return fmt.Errorf("export: tunnel %q: %s %q is not one of sha1, sha256, sha384", t.Name, a.what, a.v)
		}
	}
	if t.IPsec.PFS != "none" {
		if _, ok := dhGroupNumber(t.IPsec.PFS); !ok {
			return fmt.Errorf("export: tunnel %q: IPsec PFS %q is not none or one of modp1024, modp1536, modp2048, ecp256, ecp384", t.Name, t.IPsec.PFS)
		}
	}
	switch t.IKE.Version {
	case "v1", "v2":
	default:
		return fmt.Errorf("export: tunnel %q: IKE version %q is not v1 or v2", t.Name, t.IKE.Version)
	}
	switch t.IKE.Mode {
	case "main", "aggressive":
	default:
		return fmt.Errorf("export: tunnel %q: IKE mode %q is not main or aggressive", t.Name, t.IKE.Mode)
	}
	return nil
}

func dpdSeconds(t tunnel) int {
	if t.IKE.DPDSeconds == nil {
		return 0
	}
	return *t.IKE.DPDSeconds
}

// addrMask is "ADDR MASK" for an IPv4 interface prefix (IOS XE, VRP).
func addrMask(p netip.Prefix) string {
	return p.Addr().String() + " " + netmask(p.Bits())
}

// ikeSuite names an IKE proposal by its algorithms, so tunnels with the
// same algorithms share one proposal.
func ikeSuite(t tunnel) string {
	return strings.ToUpper(fmt.Sprintf("JDC-IKE-%s-%s-%s", t.IKE.Cipher, t.IKE.Auth, t.IKE.DHGroup))
}

// espSuite names an IPsec (ESP) proposal by its algorithms.
func espSuite(t tunnel) string {
	return strings.ToUpper(fmt.Sprintf("JDC-ESP-%s-%s", t.IPsec.Cipher, t.IPsec.Auth))
}

// tunnelName is the per-tunnel object name (profiles, peers, gateways).
func tunnelName(t tunnel) string { return t.ID }

// maxObjectName keeps object names within the shortest limit among the
// vendors that use them (Junos IKE gateway and policy names, 31).
const maxObjectName = 31

// uniqueIDs names each object "JDC-" plus its plan name made safe, or
// fallback-N when that is too long or two plan names make the same
// identifier, so every generated name is valid and distinct.
func uniqueIDs(names []string, fallback string) []string {
	out := make([]string, len(names))
	count := map[string]int{}
	for i, n := range names {
		out[i] = "JDC-" + ident(n)
		count[out[i]]++
	}
	for i := range out {
		if count[out[i]] > 1 || len(out[i]) > maxObjectName {
			out[i] = fmt.Sprintf("JDC-%s-%d", fallback, i+1)
		}
	}
	return out
}

// lifetimeWarning says, as a comment, when a lifetime JD Cloud accepts (60 s
// and up) is below what the vendor accepts: the command would be refused,
// and the operator must choose a longer lifetime on both ends.
func lifetimeWarning(w *writer, c, vendor, what string, t tunnel, seconds, vendorMin int) {
	if seconds >= vendorMin {
		return
	}
	w.comment(c, fmt.Sprintf("WARNING: tunnel %s's %s lifetime %d s is below %s's minimum of %d s; raise it in the plan (JD Cloud accepts 60-86400 s) so both ends agree.", t.Name, what, seconds, vendor, vendorMin))
}

// split lists the originated prefixes inside an IDC segment (design.Split)
// as "P (in segment S)", in the design's order.
func (d *design) splitList() string {
	var parts []string
	for _, p := range d.Originate {
		if s, ok := d.Split[p]; ok {
			parts = append(parts, fmt.Sprintf("%s (in segment %s)", p, s))
		}
	}
	return strings.Join(parts, ", ")
}

// splitDiscardRisk is why no vendor installs a discard route for a
// prefix-split more-specific.
const splitDiscardRisk = "a discard route for a more-specific is longer than your internal route for its whole segment " +
	"(e.g. the /16 towards the IDC core), so longest-prefix match would send the cloud's traffic for it into the " +
	"discard route: cloud-to-IDC traffic dropped."

// splitNeedsRoute is the warning for vendors whose `network` statement
// announces only a prefix with an exact route in the table and that have
// no way to put one there without installing it: the plan does not know
// the next hop of the router's internal route for the segment.
func splitNeedsRoute(d *design, vendor, example string) string {
	return fmt.Sprintf("%s announces a `network` prefix only while the routing table holds exactly that prefix, and %s "+
		"So the prefix-split more-specifics %s get no discard route and are NOT announced until you add, for each, "+
		"a static route to the next hop of your internal route for its segment (%s). Until then the cloud reaches "+
		"them only through a covering prefix (in a prefix split: the one announced over the VPN).",
		vendor, splitDiscardRisk, d.splitList(), example)
}
