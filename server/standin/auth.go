package standin

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The JDCLOUD2-HMAC-SHA256 scheme, recomputed from the request as JD Cloud's
// gateway does (the SDK's core/Signer.go is the reference): a SigV4-like
// canonical request over the escaped path (":" stays "%3A"), the raw query,
// the signed headers and the body's SHA-256, signed with a key chain that
// starts from "JDCLOUD2"+SK.
const (
	authScheme     = "JDCLOUD2-HMAC-SHA256"
	dateFormat     = "20060102T150405Z"
	shortDate      = "20060102"
	scopeTerminal  = "jdcloud2_request"
	headerDate     = "X-Jdcloud-Date"
	headerNonce    = "X-Jdcloud-Nonce"
	headerAuth     = "Authorization"
	headerReqID    = "X-Jdcloud-Request-Id"
	maxHeaderBytes = 8 << 10
)

// requiredSigned are the headers every signature must cover: the SDK signs
// exactly these, and without them a request could be replayed or altered.
var requiredSigned = []string{"content-type", "host", "x-jdcloud-date", "x-jdcloud-nonce"}

// authError is a rejected signature; its message says what to fix but
// never echoes a key or a signature.
type authError struct{ msg string }

func (e *authError) Error() string { return e.msg }

type credential struct {
	accessKey, date, region, service string
	signedHeaders                    []string
	signature                        string
}

func parseAuthorization(h string) (credential, error) {
	var c credential
	rest, ok := strings.CutPrefix(h, authScheme+" ")
	if !ok {
		return c, &authError{"the Authorization header is missing or not " + authScheme + ": sign requests with the JD Cloud SDK"}
	}
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			f := strings.Split(v, "/")
			if len(f) != 5 || f[4] != scopeTerminal {
				return c, &authError{"the Authorization credential is not AK/DATE/REGION/SERVICE/" + scopeTerminal}
			}
			c.accessKey, c.date, c.region, c.service = f[0], f[1], f[2], f[3]
		case "SignedHeaders":
			c.signedHeaders = strings.Split(v, ";")
		case "Signature":
			c.signature = v
		}
	}
	if c.accessKey == "" || len(c.signedHeaders) == 0 || c.signature == "" {
		return c, &authError{"the Authorization header lacks Credential, SignedHeaders or Signature"}
	}
	return c, nil
}

// verify checks r's signature over body and returns the credential scope.
func (s *Server) verify(r *http.Request, body []byte) (credential, error) {
	c, err := parseAuthorization(r.Header.Get(headerAuth))
	if err != nil {
		return c, err
	}
	sk, ok := s.opts.Credentials[c.accessKey]
	if !ok {
		return c, &authError{"the access key is not known: check the access key the server is configured with"}
	}
	for _, h := range requiredSigned {
		if !slices.Contains(c.signedHeaders, h) {
			return c, &authError{fmt.Sprintf("the signature does not cover the %s header", h)}
		}
	}
	if !slices.IsSorted(c.signedHeaders) {
		return c, &authError{"SignedHeaders are not in sorted order"}
	}
	date := r.Header.Get(headerDate)
	t, err := time.Parse(dateFormat, date)
	if err != nil {
		return c, &authError{"the " + headerDate + " header is missing or not " + dateFormat}
	}
	if skew := s.now().Sub(t); skew > s.opts.MaxClockSkew || skew < -s.opts.MaxClockSkew {
		return c, &authError{fmt.Sprintf("the request date %s is more than %s from the server's clock: check the clock of the machine that signs", date, s.opts.MaxClockSkew)}
	}
	if c.date != t.Format(shortDate) {
		return c, &authError{"the credential date does not match " + headerDate}
	}
	want := signature(sk, canonicalRequest(r, c.signedHeaders, body), date, c)
	got, err := hex.DecodeString(c.signature)
	if err != nil || !hmac.Equal(got, want) {
		return c, &authError{"the request signature does not match: check the secret key and that the request was not changed after signing"}
	}
	nonce := r.Header.Get(headerNonce)
	if nonce == "" {
		return c, &authError{"the " + headerNonce + " header is empty"}
	}
	if !s.freshNonce(nonce, t) {
		return c, &authError{"the nonce was already used: a request is signed once and sent once"}
	}
	return c, nil
}

func canonicalRequest(r *http.Request, signed []string, body []byte) string {
	headers := make([]string, len(signed))
	for i, h := range signed {
		var v string
		if h == "host" {
			v = r.Host
		} else {
			v = strings.Join(r.Header.Values(h), ",")
		}
		headers[i] = collapseSpaces(h + ":" + v)
	}
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	sum := sha256.Sum256(body)
	return strings.Join([]string{
		r.Method,
		path,
		r.URL.RawQuery,
		strings.Join(headers, "\n") + "\n",
		strings.Join(signed, ";"),
		hex.EncodeToString(sum[:]),
	}, "\n")
}

// collapseSpaces trims and collapses runs of spaces, as the signer does.
func collapseSpaces(s string) string {
	s = strings.Trim(s, " ")
	for strings.Contains(s, "  ") {
		s = strings.ReplaceAll(s, "  ", " ")
	}
	return s
}

func signature(sk, canonical, date string, c credential) []byte {
	sum := sha256.Sum256([]byte(canonical))
	scope := strings.Join([]string{c.date, c.region, c.service, scopeTerminal}, "/")
	sts := strings.Join([]string{authScheme, date, scope, hex.EncodeToString(sum[:])}, "\n")
	k := mac([]byte("JDCLOUD2"+sk), c.date)
	k = mac(k, c.region)
	k = mac(k, c.service)
	k = mac(k, scopeTerminal)
	return mac(k, sts)
}

func mac(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// freshNonce records a nonce and reports whether it is new. Nonces older
// than the clock-skew window are forgotten: their dates are refused anyway.
func (s *Server) freshNonce(nonce string, t time.Time) bool {
	s.nonceMu.Lock()
	defer s.nonceMu.Unlock()
	cutoff := s.now().Add(-s.opts.MaxClockSkew)
	if len(s.nonces) > 1024 {
		for n, at := range s.nonces {
			if at.Before(cutoff) {
				delete(s.nonces, n)
			}
		}
	}
	if _, seen := s.nonces[nonce]; seen {
		return false
	}
	s.nonces[nonce] = t
	return true
}
