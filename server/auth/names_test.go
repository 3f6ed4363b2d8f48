package auth

import (
	"strings"
	"testing"
)

func TestNormalizeName(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{"pat", "pat", ""},
		{"Pat", "pat", ""},
		{" pat ", "pat", ""},
		{"PAT", "pat", ""},
		{"Straße", "strasse", ""},
		{"e\u0301mile", "émile", ""}, // NFC joins the accent
		{"олег", "олег", ""},
		{"p\u0430t", "", "mixes scripts"}, // Cyrillic а
		{"\u0440\u0430\u0441", "", "look Latin"},
		{"pat\u200b", "", "invisible"},
		{"pat\x00", "", "control"},
		{"pat smith", "", "space"},
		{"  ", "", "empty"},
	}
	for _, tc := range tests {
		got, err := NormalizeName(tc.in)
		if tc.err == "" && (err != nil || got != tc.want) || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("NormalizeName(%q) = %q, %v; want %q / %q", tc.in, got, err, tc.want, tc.err)
		}
	}
}

// "pat", "Pat " are one user: configuring both is refused, and either
// spelling is recorded as "pat".
func TestNamesCollideAfterNormalising(t *testing.T) {
	tok := strings.Repeat("t", MinTokenLength)
	if _, err := New([]UserConfig{{Name: "pat", Roles: []string{"planner"}, Token: tok + "1"}, {Name: "Pat ", Roles: []string{"approver"}, Token: tok + "2"}}); err == nil || !strings.Contains(err.Error(), "used twice") {
		t.Fatalf("pat and Pat: %v", err)
	}
	a, err := New([]UserConfig{{Name: "Pat", Roles: []string{"planner"}, Token: tok}})
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := a.Authenticate(tok); u.Name != "pat" {
		t.Errorf("recorded as %q", u.Name)
	}
}
