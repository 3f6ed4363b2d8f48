package decodebench

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
)

// updateAgreement rewrites testdata/agreement.txt from the decoder as it is.
// Run it only on a decoder whose answers are the reference (the one before a
// rewrite), never to make a failing agreement pass.
var updateAgreement = flag.Bool("update-agreement", false, "rewrite testdata/agreement.txt from the current decoder")

const agreementFile = "testdata/agreement.txt"

// agreementCase is one document the decoder's answer is pinned for.
type agreementCase struct {
	name string
	doc  []byte
}

// agreementCases are the documents whose decoded plan or findings are pinned:
// the examples, the fuzz corpus, generated plans, the adversarial documents
// and deterministic mutations of small plans (deleted, replaced and inserted
// bytes and snippets, repeated spans), which reach most findings the decoder
// can make.
func agreementCases(tb testing.TB) []agreementCase {
	tb.Helper()
	var cases []agreementCase
	var bases []agreementCase
	for _, e := range examples.All() {
		bases = append(bases, agreementCase{"example/" + e.Name, []byte(e.JSON)})
	}
	small := cleanPlan(tb, 40)
	indented, err := json.MarshalIndent(small, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	bases = append(bases, agreementCase{"generated/40", encode(tb, small)}, agreementCase{"generated/40-indented", indented})
	cases = append(cases, bases...)

	corpus, _ := filepath.Glob("../testdata/fuzz/FuzzDecode/*")
	slices.Sort(corpus)
	for _, name := range corpus {
		doc := readCorpusEntry(tb, name)
		cases = append(cases, agreementCase{"corpus/" + filepath.Base(name), doc})
	}
	for _, n := range []int{1_000, 10_000, 100_000} {
		cases = append(cases, agreementCase{fmt.Sprintf("generated/%d", n), encode(tb, cleanPlan(tb, n))})
	}
	for _, a := range adversarial {
		cases = append(cases, agreementCase{"adversarial/" + a.name, build(a.head, a.piece, a.sep, a.tail)})
	}
	// Lists of many small elements in a small document: more than the
	// decoder's reusable lists take (they are then read by counting), with
	// a mistake at the start, in the middle and at the end.
	many := strings.Repeat(`{},`, 150_000)
	for _, c := range []struct{ name, list string }{
		{"many-empty-segments", many + `{}`},
		{"many-empty-segments-null-first", `null,` + many + `{}`},
		{"many-empty-segments-null-middle", many + `null,` + many + `{}`},
		{"many-empty-segments-wrong-last", many + `0`},
		{"many-segments-bad-prefix-last", strings.Repeat(`{"cidr":"10.0.0.0/8"},`, 150_000) + `{"cidr":"10.0.0.0/33"}`},
	} {
		cases = append(cases, agreementCase{"generated/" + c.name, []byte(`{"version":1,"idc":{"segments":[` + c.list + `]}}`)})
	}
	rng := rand.New(rand.NewPCG(14, 2026))
	for _, b := range bases {
		for k := range 400 {
			doc := mutate(rng, b.doc)
			if k%3 == 0 {
				doc = mutate(rng, doc)
			}
			cases = append(cases, agreementCase{fmt.Sprintf("mutated/%s/%d", b.name, k), doc})
		}
	}
	return cases
}

// snippets are what mutations insert: the spellings the strict decoder
// refuses and the structure that moves paths around.
var snippets = []string{
	`null`, `,`, `"x"`, `1e2`, `-0`, `1.0`, `"\ud800"`, `"\u0000"`, `"a\u001bb"`, `{"a":1}`, `[`, `]`, `{`, `}`,
	`"name":"dup",`, "\xff", `99999999999999999999`, `"10.0.0.0/33"`, `"::1/129"`, `"1.2.3.4"`, `true`, `[]`,
	`{}`, `"cidr":"10.0.0.0/8",`, `"nme":1,`, `[null]`, `-1`, `"fe80::1%eth0"`, `"\ud83d\ude00"`, `0`, `""`,
	`"10.0.0.1/16"`, `"01.2.3.4/8"`, `"version":2,`, `4294967296`, `"é"`, `"\t"`,
}

func mutate(rng *rand.Rand, doc []byte) []byte {
	if len(doc) == 0 {
		return []byte(snippets[rng.IntN(len(snippets))])
	}
	i := rng.IntN(len(doc))
	out := slices.Clone(doc)
	switch rng.IntN(8) {
	case 0:
		return slices.Delete(out, i, i+1)
	case 1:
		out[i] = `"1},]:n\x00`[rng.IntN(9)]
		return out
	case 2:
		return slices.Insert(out, i, []byte(snippets[rng.IntN(len(snippets))])...)
	case 3:
		j := min(len(doc), i+1+rng.IntN(200))
		return slices.Insert(out, j, doc[i:j]...)
	default:
		// Replace the scalar value after the next ':' or list element
		// with a value snippet, keeping the document well-formed more
		// often than not, so the findings below syntax are reached.
		for ; i < len(doc) && doc[i] != ':' && doc[i] != '[' && doc[i] != ','; i++ {
		}
		j := i + 1
		for j < len(doc) && doc[j] == ' ' || j < len(doc) && doc[j] == '\n' {
			j++
		}
		k := j
		if k < len(doc) && doc[k] == '"' {
			for k++; k < len(doc) && doc[k] != '"'; k++ {
				if doc[k] == '\\' {
					k++
				}
			}
			k++
		} else {
			for k < len(doc) && !strings.ContainsRune(",]}{[ \n", rune(doc[k])) {
				k++
			}
		}
		if j >= len(doc) || k > len(doc) {
			return out
		}
		v := values[rng.IntN(len(values))]
		return slices.Concat(doc[:j], []byte(v), doc[k:])
	}
}

// values are the value snippets a mutation puts in place of a value.
var values = []string{
	`null`, `1e2`, `-0`, `1.0`, `"\ud800"`, `"\u0000"`, `"a\u001bb"`, `"a\u0085b"`, "\"a\xc2\x85b\"", "\"a\xffb\"",
	`"x\ty"`, `{"a":1}`, `[null]`, `[]`, `{}`, `99999999999999999999`, `-9223372036854775809`, `"10.0.0.0/33"`,
	`"::1/129"`, `"1.2.3.4"`, `"fe80::1%eth0"`, `"\ud83d\ude00"`, `0`, `""`, `"10.0.0.1/16"`, `"01.2.3.4/8"`,
	`4294967296`, `"é"`, `true`, `-1`, `65001`, `"2001:db8::/48"`, `"1.2.3.4/08"`, `[1,2]`, `"x"`,
}

// readCorpusEntry reads a Go fuzz corpus file of one []byte value.
func readCorpusEntry(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	_, line, _ := strings.Cut(string(data), "\n")
	line = strings.TrimSpace(line)
	lit, ok := strings.CutPrefix(line, "[]byte(")
	if !ok || !strings.HasSuffix(lit, ")") {
		tb.Fatalf("%s: not a []byte corpus entry: %q", name, line)
	}
	var s string
	if _, err := fmt.Sscanf(strings.TrimSuffix(lit, ")"), "%q", &s); err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return []byte(s)
}

// answer is the decoder's full answer for a document as text: every
// finding's fields, or every value of the plan (nil and empty lists and
// pointers told apart).
func answer(doc []byte) string {
	p, err := plan.DecodeBytes(doc)
	var b strings.Builder
	if err != nil {
		var de *plan.DecodeError
		if !errors.As(err, &de) {
			return "not a DecodeError: " + err.Error()
		}
		for _, f := range de.Findings {
			fmt.Fprintf(&b, "%s|%s|%s|%q|%s|%s\n", f.Code, f.Severity, f.Path, f.Related, f.Message, f.Hint)
		}
		return b.String()
	}
	dump(&b, reflect.ValueOf(p))
	return b.String()
}

func dump(b *strings.Builder, v reflect.Value) {
	if v.CanInterface() {
		if s, ok := v.Interface().(fmt.Stringer); ok && v.Kind() == reflect.Struct {
			fmt.Fprintf(b, "%q", s.String())
			return
		}
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		b.WriteString("&")
		dump(b, v.Elem())
	case reflect.Struct:
		b.WriteString("{")
		for i := range v.NumField() {
			b.WriteString(v.Type().Field(i).Name + ":")
			dump(b, v.Field(i))
			b.WriteString(" ")
		}
		b.WriteString("}")
	case reflect.Slice:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		b.WriteString("[")
		for i := range v.Len() {
			dump(b, v.Index(i))
			b.WriteString(" ")
		}
		b.WriteString("]")
	case reflect.String:
		fmt.Fprintf(b, "%q", v.String())
	default:
		fmt.Fprintf(b, "%v", v)
	}
}

func digest(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:12])
}

// TestDecodeAgreement checks that the decoder answers every pinned document
// exactly as the decoder the pins were written from did: the same plan, or
// the same findings with the same codes, paths, messages and hints. The pins
// were written from the reflection-based decoder before it was replaced
// (issue 14); each line is a case, the digest of its document and the
// digest of the answer.
func TestDecodeAgreement(t *testing.T) {
	cases := agreementCases(t)
	if *updateAgreement {
		var b strings.Builder
		for _, c := range cases {
			fmt.Fprintf(&b, "%s %s %s\n", c.name, digest(string(c.doc)), digest(answer(c.doc)))
		}
		if err := os.WriteFile(agreementFile, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(agreementFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pins := map[string][2]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 3 {
			t.Fatalf("bad line %q", sc.Text())
		}
		pins[fields[0]] = [2]string{fields[1], fields[2]}
	}
	if len(pins) != len(cases) {
		t.Errorf("%d pins for %d cases", len(pins), len(cases))
	}
	failed := 0
	for _, c := range cases {
		pin, ok := pins[c.name]
		if !ok {
			t.Errorf("%s: no pin", c.name)
			continue
		}
		if got := digest(string(c.doc)); got != pin[0] {
			t.Errorf("%s: the document changed (digest %s, pinned %s): the generator is not what the pins were written from", c.name, got, pin[0])
			continue
		}
		if a := answer(c.doc); digest(a) != pin[1] {
			failed++
			if failed <= 10 {
				t.Errorf("%s: the answer differs from the pinned one; document %.300q\nanswer now: %.1000s", c.name, c.doc, a)
			}
		}
	}
	if failed > 10 {
		t.Errorf("%d answers differ in all", failed)
	}
}
