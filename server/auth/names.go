package auth

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// NormalizeName is the one spelling of a user name that the server records
// and compares: trimmed, Unicode NFC, case-folded. Names decide who may
// approve whose plan, so "Pat", "pat " and a "pаt" with a Cyrillic а must
// not be three people: names with control, format (zero-width) or space
// characters inside, names mixing scripts (Latin with Cyrillic, …) and
// names written wholly in Cyrillic or Greek letters that look Latin are
// refused.
func NormalizeName(name string) (string, error) {
	n := strings.TrimSpace(name)
	n = norm.NFC.String(cases.Fold().String(norm.NFC.String(n)))
	if n == "" {
		return "", fmt.Errorf("the name %q is empty", name)
	}
	scripts := map[string]bool{}
	lookalike := true
	for _, r := range n {
		switch {
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) || !unicode.IsPrint(r):
			return "", fmt.Errorf("the name %q contains a control, invisible or space character (U+%04X); use letters, digits and . _ - @", name, r)
		case unicode.IsLetter(r):
			s := scriptOf(r)
			scripts[s] = true
			if !strings.ContainsRune(latinLookalikes, r) {
				lookalike = false
			}
		}
	}
	if len(scripts) > 1 {
		return "", fmt.Errorf("the name %q mixes scripts (%s); a name in one script cannot be mistaken for another person's", name, strings.Join(keys(scripts), ", "))
	}
	if (scripts["Cyrillic"] || scripts["Greek"]) && lookalike {
		return "", fmt.Errorf("the name %q is written in letters that look Latin; spell it in Latin letters", name)
	}
	return n, nil
}

// latinLookalikes are lower-case Cyrillic and Greek letters that render
// like Latin ones (after case folding).
const latinLookalikes = "аеорсухіјѕԁԛԝһӏ" + "οαιкντυχрεηϳ"

var scriptNames = func() []string {
	var out []string
	for name := range unicode.Scripts {
		out = append(out, name)
	}
	return out
}()

func scriptOf(r rune) string {
	for _, name := range scriptNames {
		if unicode.Is(unicode.Scripts[name], r) {
			return name
		}
	}
	return "Unknown"
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
