package auth

import (
	"net/http"
	"strings"
	"testing"
)

func TestNewRejectsBadUsers(t *testing.T) {
	tok := "0123456789abcdefghijklmnop"
	tests := []struct {
		name  string
		users []UserConfig
		want  string // substring of the error; "" means valid
	}{
		{"valid", []UserConfig{{Name: "pat", Roles: []string{"planner"}, Token: tok}}, ""},
		{"valid hash", []UserConfig{{Name: "pat", Roles: []string{"planner"}, TokenSHA256: HashToken(tok)}}, ""},
		{"no name", []UserConfig{{Roles: []string{"planner"}, Token: tok}}, "needs a name"},
		{"duplicate name", []UserConfig{{Name: "pat", Roles: []string{"planner"}, Token: tok}, {Name: "pat", Roles: []string{"viewer"}, Token: tok + "x"}}, "used twice"},
		{"no roles", []UserConfig{{Name: "pat", Token: tok}}, "no roles"},
		{"unknown role", []UserConfig{{Name: "pat", Roles: []string{"admin"}, Token: tok}}, `unknown role "admin"`},
		{"short token", []UserConfig{{Name: "pat", Roles: []string{"planner"}, Token: "short"}}, "shorter than"},
		{"both token forms", []UserConfig{{Name: "pat", Roles: []string{"planner"}, Token: tok, TokenSHA256: HashToken(tok)}}, "not both"},
		{"bad hash", []UserConfig{{Name: "pat", Roles: []string{"planner"}, TokenSHA256: "abc"}}, "64 hex digits"},
		{"no token", []UserConfig{{Name: "pat", Roles: []string{"planner"}}}, "no token"},
		{"shared token", []UserConfig{{Name: "pat", Roles: []string{"planner"}, Token: tok}, {Name: "alex", Roles: []string{"approver"}, TokenSHA256: HashToken(tok)}}, "same token"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.users)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestAuthenticateAndRoles(t *testing.T) {
	a, err := New([]UserConfig{
		{Name: "pat", Roles: []string{"planner"}, Token: "pat-0123456789abcdefghijk"},
		{Name: "alex", Roles: []string{"approver", "operator"}, TokenSHA256: HashToken("alex-0123456789abcdefghijk")},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		token  string
		user   string
		err    error
		has    []Role
		hasNot []Role
	}{
		{"pat-0123456789abcdefghijk", "pat", nil, []Role{Viewer, Planner}, []Role{Approver, Operator}},
		{"alex-0123456789abcdefghijk", "alex", nil, []Role{Viewer, Approver, Operator}, []Role{Planner}},
		{"", "", ErrNoToken, nil, nil},
		{"pat-0123456789abcdefghijK", "", ErrBadToken, nil, nil},
	}
	for _, tc := range tests {
		u, err := a.Authenticate(tc.token)
		if err != tc.err || u.Name != tc.user {
			t.Errorf("Authenticate(%q) = %q, %v; want %q, %v", tc.token, u.Name, err, tc.user, tc.err)
		}
		for _, r := range tc.has {
			if !u.Has(r) {
				t.Errorf("%s lacks %s", u.Name, r)
			}
		}
		for _, r := range tc.hasNot {
			if u.Has(r) {
				t.Errorf("%s has %s", u.Name, r)
			}
		}
	}
}

func TestTokenFromRequest(t *testing.T) {
	tests := []struct {
		name   string
		header map[string]string
		want   string
	}{
		{"bearer header", map[string]string{"Authorization": "Bearer abc"}, "abc"},
		{"scheme case-insensitive", map[string]string{"Authorization": "bearer abc"}, "abc"},
		{"basic is not bearer", map[string]string{"Authorization": "Basic abc"}, ""},
		{"websocket subprotocol", map[string]string{"Sec-WebSocket-Protocol": "hybridplan.v1, bearer.xyz"}, "xyz"},
		{"header wins", map[string]string{"Authorization": "Bearer abc", "Sec-WebSocket-Protocol": "bearer.xyz"}, "abc"},
		{"nothing", nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := http.NewRequest("GET", "/", nil)
			for k, v := range tc.header {
				r.Header.Set(k, v)
			}
			if got := TokenFromRequest(r); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDemoUsers(t *testing.T) {
	users, err := DemoUsers()
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(users)
	if err != nil {
		t.Fatalf("demo users are not a valid configuration: %v", err)
	}
	for _, want := range []Role{Planner, Approver, Operator} {
		found := false
		for _, uc := range users {
			u, err := a.Authenticate(uc.Token)
			if err != nil {
				t.Fatal(err)
			}
			found = found || u.Has(want)
		}
		if !found {
			t.Errorf("no demo user is a %s", want)
		}
	}
	// Tokens are header- and subprotocol-safe.
	for _, u := range users {
		if strings.ContainsAny(u.Token, " ,;=+/") {
			t.Errorf("token %q has characters unsafe in a header or subprotocol", u.Token)
		}
	}
}
