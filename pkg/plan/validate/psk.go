package validate

import (
	"errors"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/hybridplan/hybridplan/pkg/fmtlite"
	"github.com/hybridplan/hybridplan/pkg/plan"
)

// isEnvName reports whether s is a portable environment variable name:
// letters, digits and _, not starting with a digit.
func isEnvName(s string) bool {
	return s != "" && !isDigit(s[0]) && allOf(s, func(b byte) bool {
		return isLower(b) || 'A' <= b && b <= 'Z' || isDigit(b) || b == '_'
	})
}

// checkPSKRef: the plan names where the server finds the key, never the key.
func (c *checker) checkPSKRef(fp, ref string) {
	const forms = `"env:NAME" (an environment variable on the server) or "file:/absolute/path"`
	kind, rest, hasKind := strings.Cut(ref, ":")
	switch {
	case ref == "":
		c.err(CodeVPNPSKMissing, fp, "the tunnel has no pre-shared key reference", "set pskRef to "+forms)
	case hasKind && kind == "env":
		if !isEnvName(rest) {
			c.err(CodeVPNPSKFormat, fp, fmtlite.Sprintf("%s is not an environment variable name", plan.Quote(rest)),
				"use letters, digits and _, not starting with a digit, e.g. \"env:HYBRIDPLAN_PSK_TUN1\"")
		}
	case hasKind && kind == "file":
		switch {
		case !strings.HasPrefix(rest, "/"):
			c.err(CodeVPNPSKFormat, fp, fmtlite.Sprintf("file path %s is not absolute; the server's working directory is not known here", plan.Quote(rest)),
				"write the full path, e.g. \"file:/etc/hybridplan/psk/tun1\"")
		case path.Clean(rest) != rest || strings.ContainsRune(rest, 0):
			c.err(CodeVPNPSKFormat, fp, fmtlite.Sprintf("file path %s is not in clean form", plan.Quote(rest)),
				fmtlite.Sprintf("write it as %s", plan.Quote("file:"+path.Clean(strings.ReplaceAll(rest, "\x00", "")))))
		}
	case looksLikeKey(c.prof.PSK, ref):
		// Never repeat the value: it may be the secret itself.
		c.err(CodeVPNPSKLiteral, fp, "pskRef looks like a pre-shared key itself; a plan travels in links and git, so it must never hold a key",
			"put the key in an environment variable or a file on the server and write "+forms+"; then change the key, since this one has been written down")
	default:
		c.err(CodeVPNPSKFormat, fp, "pskRef is neither an environment variable nor a file reference",
			"write "+forms)
	}
}

// looksLikeKey reports whether a pskRef without a known "kind:" is probably
// a key pasted in: no colon at all, or only characters JD Cloud allows in a
// key.
func looksLikeKey(pr plan.ProfilePSK, ref string) bool {
	if !strings.Contains(ref, ":") {
		return true
	}
	return strings.Trim(ref, pr.Alphabet) == ""
}

// ValidatePSK checks a pre-shared key against JD Cloud's rules in the
// profile: at most MaxLength characters from Alphabet, not starting with a
// forbidden prefix (0x and 0s mark hex and base64 keys to IPsec stacks).
// The server applies it to the key it resolved from a pskRef. Errors never
// contain the key.
func ValidatePSK(profile plan.Profile, key string) error {
	pr := profile.PSK
	if key == "" {
		return errors.New("the pre-shared key is empty; store a key of letters, digits, _ and -")
	}
	if n := utf8.RuneCountInString(key); pr.MaxLength > 0 && n > pr.MaxLength {
		return fmtlite.Errorf("the pre-shared key is %d characters long; JD Cloud accepts at most %d", n, pr.MaxLength)
	}
	pos := 0
	for _, r := range key {
		pos++
		if !strings.ContainsRune(pr.Alphabet, r) {
			return fmtlite.Errorf("character %d of the pre-shared key is not accepted by JD Cloud; use only %s", pos, alphabetText(pr.Alphabet))
		}
	}
	if i := slices.IndexFunc(pr.ForbiddenPrefixes, func(f string) bool { return f != "" && strings.HasPrefix(key, f) }); i >= 0 {
		return fmtlite.Errorf("the pre-shared key starts with %s, which IPsec reads as an encoding marker; JD Cloud refuses it, so choose a key that starts otherwise", plan.Quote(pr.ForbiddenPrefixes[i]))
	}
	return nil
}

// alphabetText describes the default alphabet in words and any other as is.
func alphabetText(a string) string {
	if a == plan.DefaultProfile().PSK.Alphabet {
		return "letters, digits, _ and -"
	}
	return "the characters " + a
}

// checkIKE checks the tunnel's IKE and IPsec options, with the profile's
// defaults filled in, against the options the profile accepts.
func (c *checker) checkIKE(tp string, t plan.Tunnel) {
	p, pr := c.p, c.prof
	ike, ips := p.IKEOptions(t), p.IPsecOptions(t)
	oneOf := func(code, path, what, given, eff string, allowed []string) {
		if slices.Contains(allowed, eff) {
			return
		}
		src := ""
		if given == "" {
			src = " (the profile's default)"
		}
		c.err(code, path, fmtlite.Sprintf("%s %s%s is not one JD Cloud accepts", what, plan.Quote(eff), src), "use one of "+strings.Join(allowed, ", "))
	}
	kp := tp + ".ike"
	oneOf(CodeIKEVersion, kp+".version", "IKE version", t.IKE.Version, ike.Version, pr.IKE.Versions)
	oneOf(CodeIKEMode, kp+".mode", "IKE mode", t.IKE.Mode, ike.Mode, pr.IKE.Modes)
	oneOf(CodeIKEDHGroup, kp+".dhGroup", "IKE DH group", t.IKE.DHGroup, ike.DHGroup, pr.IKE.DHGroups)
	oneOf(CodeIKECipher, kp+".cipher", "IKE cipher", t.IKE.Cipher, ike.Cipher, pr.IKE.Ciphers)
	oneOf(CodeIKEAuth, kp+".auth", "IKE authentication", t.IKE.Auth, ike.Auth, pr.IKE.Auths)
	if ike.DPDSeconds != nil && !slices.Contains(pr.IKE.DPDSeconds, *ike.DPDSeconds) {
		c.err(CodeIKEDPD, kp+".dpdSeconds", fmtlite.Sprintf("DPD interval %d s is not one JD Cloud accepts", *ike.DPDSeconds),
			"use one of "+intsText(pr.IKE.DPDSeconds)+" (0 turns DPD off)")
	}
	if !pr.IKE.LifetimeSeconds.Contains(ike.LifetimeSeconds) {
		c.err(CodeIKELifetime, kp+".lifetimeSeconds", fmtlite.Sprintf("IKE SA lifetime %d s is outside %s s", ike.LifetimeSeconds, rangeText(pr.IKE.LifetimeSeconds)),
			fmtlite.Sprintf("choose %s s", rangeText(pr.IKE.LifetimeSeconds)))
	}
	if ike.Version == "v2" && ike.Mode == "aggressive" {
		c.warn(CodeIKEModeIgnored, kp+".mode", "IKEv2 has no aggressive mode; the mode applies to IKEv1 only",
			"remove mode, or set version to \"v1\" if aggressive mode is needed")
	}
	sp := tp + ".ipsec"
	oneOf(CodeIPsecCipher, sp+".cipher", "IPsec cipher", t.IPsec.Cipher, ips.Cipher, pr.IPsec.Ciphers)
	if len(pr.IPsec.Auths) > 0 {
		oneOf(CodeIPsecAuth, sp+".auth", "IPsec authentication", t.IPsec.Auth, ips.Auth, pr.IPsec.Auths)
	}
	oneOf(CodeIPsecPFS, sp+".pfs", "IPsec PFS group", t.IPsec.PFS, ips.PFS, pr.IPsec.PFS)
	if !pr.IPsec.LifetimeSeconds.Contains(ips.LifetimeSeconds) {
		c.err(CodeIPsecLifetime, sp+".lifetimeSeconds", fmtlite.Sprintf("IPsec SA lifetime %d s is outside %s s", ips.LifetimeSeconds, rangeText(pr.IPsec.LifetimeSeconds)),
			fmtlite.Sprintf("choose %s s", rangeText(pr.IPsec.LifetimeSeconds)))
	}
	// Accepted but weak: say so once per tunnel, with what to use instead.
	var weak []string
	if ike.Cipher == "3des" || ips.Cipher == "3des" {
		weak = append(weak, "3DES")
	}
	if ike.Auth == "sha1" || ips.Auth == "sha1" {
		weak = append(weak, "SHA-1")
	}
	if ike.DHGroup == "modp1024" || ips.PFS == "modp1024" {
		weak = append(weak, "DH group modp1024")
	}
	if len(weak) > 0 {
		c.info(CodeWeakCrypto, tp, fmtlite.Sprintf("tunnel %s uses %s, which JD Cloud accepts but which are considered weak", plan.Quote(t.Name), strings.Join(weak, ", ")),
			"prefer aes128 or aes256, sha256 and ecp256 unless the customer's device cannot do them")
	}
}

// maxResolverError bounds how much of a resolver's error a finding quotes.
const maxResolverError = 200

// CollectKeys resolves every tunnel's well-formed pskRef with resolve and
// checks the key with ValidatePSK against JD Cloud's documented rules (the
// default profile's, whatever the plan's profile says), adding findings on
// the tunnel's pskRef path. A reference used by several tunnels is resolved once; a malformed
// one is left to Check (vpn.psk-ref-*), never resolved. Findings never
// contain a key: ValidatePSK's errors do not, and a resolver's error is
// quoted (shortened) as the caller wrote it, so a resolver must not put the
// value in its errors. A nil resolve or plan does nothing.
func CollectKeys(col *plan.Collector, p *plan.Plan, resolve func(ref string) (string, error)) {
	if resolve == nil || p == nil || p.VPN == nil {
		return
	}
	// JD Cloud's documented rules, never the plan's profile.psk: a plan is
	// untrusted, and rules it could choose (a forbidden prefix "a", an
	// alphabet without "x") would make the findings an oracle for the key.
	prof := plan.DefaultProfile()
	type result struct {
		unresolved string
		invalid    error
	}
	done := map[string]result{}
	for i, t := range p.VPN.Tunnels {
		if !wellFormedPSKRef(t.PSKRef) {
			continue
		}
		r, ok := done[t.PSKRef]
		if !ok {
			key, err := resolve(t.PSKRef)
			switch {
			case err != nil:
				r.unresolved = err.Error()
				if len(r.unresolved) > maxResolverError {
					r.unresolved = strings.ToValidUTF8(r.unresolved[:maxResolverError], "") + "…"
				}
			default:
				r.invalid = ValidatePSK(prof, key)
			}
			done[t.PSKRef] = r
		}
		path := idx("$.vpn.tunnels", i) + ".pskRef"
		switch {
		case r.unresolved != "":
			col.Add(plan.Finding{Code: CodeVPNPSKUnresolved, Severity: plan.SeverityError, Path: path,
				Message: fmtlite.Sprintf("tunnel %s's pre-shared key reference %s does not resolve: %s", plan.Quote(t.Name), plan.Quote(t.PSKRef), r.unresolved),
				Hint:    "store the key where the reference points (an environment variable or a file readable where the check runs)"})
		case r.invalid != nil:
			col.Add(plan.Finding{Code: CodeVPNPSKInvalid, Severity: plan.SeverityError, Path: path,
				Message: fmtlite.Sprintf("tunnel %s's pre-shared key (from %s) is refused: %s", plan.Quote(t.Name), plan.Quote(t.PSKRef), r.invalid),
				Hint:    "store a new key of letters, digits, _ and -, at most 20 characters, not starting with 0x or 0s"})
		}
	}
}

// wellFormedPSKRef reports whether ref is an "env:NAME" or an absolute,
// clean "file:/path" reference, the only ones worth resolving.
func wellFormedPSKRef(ref string) bool {
	kind, rest, ok := strings.Cut(ref, ":")
	switch {
	case !ok:
		return false
	case kind == "env":
		return isEnvName(rest)
	case kind == "file":
		return strings.HasPrefix(rest, "/") && path.Clean(rest) == rest && !strings.ContainsRune(rest, 0)
	}
	return false
}
