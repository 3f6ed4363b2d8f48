// Package auth decides who is calling the provisioning server and what they
// may do: bearer tokens mapped to named users with roles, read from the
// server's configuration file.
//
// Tokens are kept only as SHA-256 hashes, so a leaked configuration file
// does not hand out working tokens.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Role is what a user may do. Every role can read (plans, runs, events);
// the others add one kind of change each, so that no single role can both
// approve and carry out a change unless the configuration says so.
type Role string

// Roles.
const (
	// Viewer reads plans, runs and events.
	Viewer Role = "viewer"
	// Planner submits plans.
	Planner Role = "planner"
	// Approver approves a plan for provisioning, or a run for teardown.
	Approver Role = "approver"
	// Operator starts provisioning and teardown runs of approved plans.
	Operator Role = "operator"
	// Canceller cancels queued and running runs (an on-call engineer who
	// must be able to stop a run without being able to start one).
	// Operators may cancel too.
	Canceller Role = "canceller"
)

// Roles lists every role, in the order the documentation gives them.
var roles = []Role{Viewer, Planner, Approver, Operator, Canceller}

// ParseRole checks a role name from a configuration file.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if slices.Contains(roles, r) {
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q: use one of viewer, planner, approver, operator, canceller", s)
}

// User is a signed-in caller.
type User struct {
	Name  string `json:"name"`
	Roles []Role `json:"roles"`
}

// Has reports whether the user holds role r. Every user may view.
func (u User) Has(r Role) bool {
	return r == Viewer || slices.Contains(u.Roles, r)
}

// UserConfig is one user in the configuration file. Exactly one of Token
// (the token itself, convenient for local setups) and TokenSHA256 (the hex
// SHA-256 of the token, recommended) is set.
type UserConfig struct {
	Name        string   `json:"name"`
	Roles       []string `json:"roles"`
	Token       string   `json:"token,omitempty"`
	TokenSHA256 string   `json:"tokenSha256,omitempty"`
}

// MinTokenLength is the shortest token accepted: 128 bits in base64.
const MinTokenLength = 22

// Authenticator maps token hashes to users.
type Authenticator struct {
	byHash map[[sha256.Size]byte]User
}

// New checks the users and builds an Authenticator. Errors name the user
// at fault and say how to fix it.
func New(users []UserConfig) (*Authenticator, error) {
	a := &Authenticator{byHash: make(map[[sha256.Size]byte]User, len(users))}
	names := map[string]bool{}
	for i, uc := range users {
		where := fmt.Sprintf("users[%d]", i)
		if uc.Name == "" {
			return nil, fmt.Errorf("%s: a user needs a name (it is recorded on submissions, approvals and runs)", where)
		}
		name, err := NormalizeName(uc.Name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		where = fmt.Sprintf("users[%d] (%s)", i, name)
		if names[name] {
			return nil, fmt.Errorf("%s: the name is used twice (names are compared trimmed and case-folded); each person needs their own user so that nobody approves their own plan", where)
		}
		names[name] = true
		if len(uc.Roles) == 0 {
			return nil, fmt.Errorf("%s: no roles; give at least one of viewer, planner, approver, operator", where)
		}
		u := User{Name: name}
		for _, s := range uc.Roles {
			r, err := ParseRole(s)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			if !slices.Contains(u.Roles, r) {
				u.Roles = append(u.Roles, r)
			}
		}
		var h [sha256.Size]byte
		switch {
		case uc.Token != "" && uc.TokenSHA256 != "":
			return nil, fmt.Errorf("%s: set either token or tokenSha256, not both", where)
		case uc.Token != "":
			if len(uc.Token) < MinTokenLength {
				return nil, fmt.Errorf("%s: the token is shorter than %d characters; generate one with `openssl rand -base64 32`", where, MinTokenLength)
			}
			h = sha256.Sum256([]byte(uc.Token))
		case uc.TokenSHA256 != "":
			b, err := hex.DecodeString(uc.TokenSHA256)
			if err != nil || len(b) != sha256.Size {
				return nil, fmt.Errorf("%s: tokenSha256 must be 64 hex digits, the output of `printf %%s TOKEN | sha256sum`", where)
			}
			copy(h[:], b)
		default:
			return nil, fmt.Errorf("%s: no token; set tokenSha256 (hex SHA-256 of the token) or token", where)
		}
		if _, dup := a.byHash[h]; dup {
			return nil, fmt.Errorf("%s: the same token is given to another user; tokens identify people, so each needs its own", where)
		}
		a.byHash[h] = u
	}
	return a, nil
}

// Errors of Authenticate.
var (
	ErrNoToken  = errors.New("no bearer token: sign in and send the header Authorization: Bearer TOKEN")
	ErrBadToken = errors.New("the token is not known to this server: check it, or ask the administrator for a new one")
)

// Authenticate finds the user of a token.
func (a *Authenticator) Authenticate(token string) (User, error) {
	if token == "" {
		return User{}, ErrNoToken
	}
	// The lookup compares hashes of tokens, never tokens, so its timing
	// tells an attacker nothing about a valid token.
	h := sha256.Sum256([]byte(token))
	u, ok := a.byHash[h]
	if !ok {
		return User{}, ErrBadToken
	}
	return u, nil
}

// WebSocketProtocol is the WebSocket subprotocol the server speaks. Browsers
// cannot set an Authorization header on a WebSocket, so the page offers the
// token as a second subprotocol "bearer.TOKEN" (see TokenFromRequest).
const WebSocketProtocol = "hybridplan.v1"

const bearerProtocolPrefix = "bearer."

// TokenFromRequest returns the bearer token of a request: from the
// Authorization header, or, for WebSocket handshakes from a browser, from a
// "bearer.TOKEN" entry in Sec-WebSocket-Protocol. Tokens never travel in
// URLs, which end up in logs and browser history.
func TokenFromRequest(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(tok)
		}
		return ""
	}
	for _, p := range websocketProtocols(r) {
		if tok, ok := strings.CutPrefix(p, bearerProtocolPrefix); ok {
			return tok
		}
	}
	return ""
}

func websocketProtocols(r *http.Request) []string {
	var out []string
	for _, h := range r.Header.Values("Sec-WebSocket-Protocol") {
		for p := range strings.SplitSeq(h, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// NewToken returns a random token: 32 bytes, base64url without padding, so
// it is safe in headers and as a WebSocket subprotocol.
func NewToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generating a token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// HashToken returns the hex SHA-256 of a token, the form for tokenSha256.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// DemoUsers generates one user per role that changes things (a planner, an
// approver and an operator) with random tokens, for a loopback instance
// started without a configuration file. Separate users let the demo show
// that a planner cannot approve their own plan.
func DemoUsers() ([]UserConfig, error) {
	var out []UserConfig
	for _, r := range []Role{Planner, Approver, Operator} {
		tok, err := NewToken()
		if err != nil {
			return nil, err
		}
		out = append(out, UserConfig{Name: "demo-" + string(r), Roles: []string{string(r)}, Token: tok})
	}
	return out, nil
}
