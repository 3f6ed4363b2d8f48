package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// FuzzDecode checks that no input panics the decoder, that every error is a
// *DecodeError whose findings name a path, and that whatever decodes survives
// an Encode/Decode round trip unchanged.
func FuzzDecode(f *testing.F) {
	examples, _ := filepath.Glob("../../examples/*.json")
	for _, name := range examples {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{
		``, `{}`, `null`, `{"version":1}`, `{"version":1e400}`, `{"version":1,"idc":{"asn":1e30}}`,
		`{"version":1,"idc":{"segments":[{"cidr":"10.0.0.1/16"}]}}`,
		`{"version":1,"version":2}`, `{"version":1,"profile":{"vlan":{"min":-5}}}`,
		`{"version":1,"idc":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]}`,
		`{"version":1,"name":"\u0000\ud800"}`, `{"version":1,"vpn":{"tunnels":[{"ike":{"dpdSeconds":null}}]}}`,
		"{\"version\":1,\"name\":\"" + strings.Repeat("x", 4096) + "\"}",
		`{"version":1,"strategy":{"prefixSplit":{"vpnAggregates":["::/0","0.0.0.0/0"]}}}`,
		// The strict decoder's cases: integer spellings, text, structure, bounds.
		`{"version":1.0}`, `{"version":-0}`, `{"version":1,"idc":{"asn":65010.0000000000001}}`,
		`{"version":1,"idc":{"asn":1e-400}}`, `{"version":1,"directConnection":{"interfaces":[{"vlan":1e2}]}}`,
		`{"version":1,"strategy":{"asPath":{"prepend":-9223372036854775809}}}`,
		"{\"version\":1,\"name\":\"a\xffb\"}", "\xef\xbb\xbf{\"version\":1}", "\xff\xfe{\x00",
		`{"version":1,"name":"\ud83d\ude00\udc00"}`, `{"version":1,"borderGateway":{"name":"bgw\u0000"}}`,
		`{"version":1,"description":"a\n\tb\u001b"}`, "{\"version\":1,\"name\":\"\xc2\x85\"}",
		`{"version":1,"idc":{"asn":1,"asn":2}}`, `{"version":1,"idc":{"segments":[null,{},null]}}`,
		`{"version":1,"x":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}`,
		`{"version":1,"idc":{"segments":[` + strings.Repeat("0,", 150) + `0]}}`,
		`{"version":1,"vpn":{"tunnels":[{},{},{}]}}`, `{"version":1,"idc.asn":1,"\u0000":2}`,
		`{"version":1,"idc":{"routerId":"1.2.3.4","segments":[{"name":"a","cidr":"10.0.0.0/08"}]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := DecodeBytes(data)
		// The shortcuts for common forms change nothing (see
		// TestDecodeShortcutsAgree).
		generic, gerr := decodeWith(data, maxListBytes, reading{generic: true})
		if (err == nil) != (gerr == nil) || err != nil && err.Error() != gerr.Error() || err == nil && !reflect.DeepEqual(p, generic) {
			t.Fatalf("with the decoder's shortcuts: %v, without: %v", err, gerr)
		}
		// Nor does splitting lists, here every list of two records.
		if split, serr := decodeWith(data, maxListBytes, reading{splitAt: 2}); fmt.Sprint(serr) != fmt.Sprint(gerr) || !reflect.DeepEqual(split, generic) {
			t.Fatalf("splitting lists: %v, without the shortcuts: %v", serr, gerr)
		}
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || len(de.Findings) == 0 {
				t.Fatalf("error %v is not a *DecodeError with findings", err)
			}
			if len(de.Findings) > MaxDecodeFindings+1 {
				t.Fatalf("%d findings, more than the cap", len(de.Findings))
			}
			for _, fd := range de.Findings {
				if !strings.HasPrefix(fd.Path, "$") || fd.Code == "" || fd.Message == "" {
					t.Fatalf("finding without path, code or message: %+v", fd)
				}
				// Quoted values are short, whatever the input's size.
				if len(fd.Path)+len(fd.Message)+len(fd.Hint) > 2000 {
					t.Fatalf("finding of %d bytes: %.300v", len(fd.Path)+len(fd.Message)+len(fd.Hint), fd)
				}
			}
			return
		}
		var buf bytes.Buffer
		if err := Encode(&buf, p); err != nil {
			t.Fatalf("encode of a decoded plan: %v", err)
		}
		p2, err := DecodeBytes(buf.Bytes())
		if err != nil {
			t.Fatalf("decode of an encoded plan: %v\n%s", err, buf.Bytes())
		}
		var buf2 bytes.Buffer
		if err := Encode(&buf2, p2); err != nil {
			t.Fatalf("encode of a re-decoded plan: %v", err)
		}
		if !bytes.Equal(buf.Bytes(), buf2.Bytes()) {
			t.Fatalf("round trip changed the plan:\n%s\n---\n%s", buf.Bytes(), buf2.Bytes())
		}
	})
}

// FuzzFastIPv4 checks the decoder's IPv4 shortcut against net/netip: what
// the shortcut takes, netip must parse to the same value.
func FuzzFastIPv4(f *testing.F) {
	for _, s := range []string{"10.0.0.0/8", "0.0.0.0/0", "255.255.255.255/32", "1.2.3.4", "01.2.3.4/8",
		"1.2.3.4/08", "1.2.3.4/33", "1.2.3.256", "1.2.3", "1.2.3.4/", "1.2.3.4/3a", "::1", "1.2.3.4%eth0", "1.2.3.4/00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var p netip.Prefix
		if fastIPv4(&p, []byte(s)) {
			want, err := netip.ParsePrefix(s)
			if err != nil || want != p {
				t.Fatalf("prefix %q: shortcut %v, netip %v %v", s, p, want, err)
			}
		}
		// As record reads one: in the document, before its closing quote.
		inDoc := []byte(s + `","cidr":"10.0.0.0/8"},{"name":"x"}`)
		if p, end, ok := ipv4PrefixAt(inDoc); ok && end == len(s) {
			want, err := netip.ParsePrefix(s)
			if err != nil || want != p {
				t.Fatalf("prefix %q in a document: shortcut %v, netip %v %v", s, p, want, err)
			}
		}
		var a netip.Addr
		if fastIPv4(&a, []byte(s)) {
			want, err := netip.ParseAddr(s)
			if err != nil || want != a {
				t.Fatalf("address %q: shortcut %v, netip %v %v", s, a, want, err)
			}
		}
	})
}

// FuzzDecodeSyntax checks the decoder's JSON reader against encoding/json:
// a document is a syntax error exactly when it is not valid JSON. A leading
// byte-order mark (skipped or refused by design) and deep nesting (capped at
// MaxDocumentDepth) are left out.
func FuzzDecodeSyntax(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"version":1}`, `[1,2]`, `{"a":}`, `{"a":1,}`, `{"a" 1}`, `[01]`, `[1.]`, `[1e]`, `[-]`, `[.5]`,
		`["\u12"]`, `["\x"]`, "[\"a\tb\"]", `{"version":1} x`, ``, ` `, `nul`, `[tru]`, `{"a":[{"b":"\"]"}]}`,
		`{"version":1,"idc":{"segments":[{"name":"a\"b","cidr":"10.0.0.0/8"}]}}`, `[1,2,]`, `[,1]`, `{,}`,
		`{"version":1,"x":{"y":[true,false,null,-0.5e+3,"\ud800\udc00"]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) || bytes.HasPrefix(data, []byte("\xFE\xFF")) || bytes.HasPrefix(data, []byte("\xFF\xFE")) ||
			bytes.Count(data, []byte("["))+bytes.Count(data, []byte("{")) >= MaxDocumentDepth {
			return
		}
		_, err := DecodeBytes(data)
		var de *DecodeError
		syntax := errors.As(err, &de) && de.Findings[0].Code == CodeDecodeSyntax
		if valid := json.Valid(data); valid == syntax {
			t.Fatalf("json.Valid %v, decode error %v", valid, err)
		}
	})
}
