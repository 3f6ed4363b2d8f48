package plan

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
	"unsafe"
)

func TestDecodeExamples(t *testing.T) {
	files, _ := filepath.Glob("../../examples/*.json")
	if len(files) < 3 {
		t.Fatalf("want at least 3 examples, found %d", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			p, err := DecodeBytes(data)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			// Round trip: encoding and decoding again gives the same plan.
			var buf bytes.Buffer
			if err := Encode(&buf, p); err != nil {
				t.Fatal(err)
			}
			p2, err := DecodeBytes(buf.Bytes())
			if err != nil {
				t.Fatalf("decode of encoded plan: %v\n%s", err, buf.String())
			}
			var buf2 bytes.Buffer
			Encode(&buf2, p2)
			if buf.String() != buf2.String() {
				t.Errorf("round trip differs:\n%s\n---\n%s", buf.String(), buf2.String())
			}
		})
	}
}

func TestDecodeProfileOverlay(t *testing.T) {
	p, err := DecodeBytes([]byte(`{"version":1,"profile":{"quotas":{"dynamicRoutesPerBorderGateway":500}}}`))
	if err != nil {
		t.Fatal(err)
	}
	prof := p.EffectiveProfile()
	if got := prof.Quotas.DynamicRoutesPerBorderGateway; got != 500 {
		t.Errorf("override: got %d, want 500", got)
	}
	if got := prof.Quotas.AttachmentsPerBorderGateway; got != 50 {
		t.Errorf("untouched default: got %d, want 50", got)
	}
	if got := prof.ASN.BorderGateway; got != 65000 {
		t.Errorf("untouched default: got %d, want 65000", got)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name     string
		doc      string
		code     string
		path     string
		contains string
	}{
		{"empty", ``, CodeDecodeSyntax, "$", "empty"},
		{"syntax", "{\"version\": 1,\n \"name\": }", CodeDecodeSyntax, "$", "line 2"},
		{"truncated", `{"version": 1, "name": "x"`, CodeDecodeSyntax, "$", "ends in the middle"},
		{"not object", `[1,2]`, CodeDecodeType, "$", "JSON object"},
		{"trailing", `{"version":1} {}`, CodeDecodeSyntax, "$", "after the plan"},
		{"no version", `{"name":"x"}`, CodeDecodeVersion, "$.version", "no \"version\""},
		{"newer version", `{"version":2}`, CodeDecodeVersion, "$.version", "newer"},
		{"unknown field", `{"version":1,"idc":{"asnn":65001}}`, CodeDecodeUnknownField, "$.idc.asnn", `did you mean "asn"`},
		{"wrong type", `{"version":1,"idc":{"asn":"65001"}}`, CodeDecodeType, "$.idc.asn", "whole number"},
		{"fraction", `{"version":1,"idc":{"asn":650.5}}`, CodeDecodeType, "$.idc.asn", "whole number"},
		{"negative asn", `{"version":1,"idc":{"asn":-1}}`, CodeDecodeValue, "$.idc.asn", "out of range"},
		{"asn overflow", `{"version":1,"idc":{"asn":4294967296}}`, CodeDecodeValue, "$.idc.asn", "out of range"},
		{"bad prefix", `{"version":1,"idc":{"segments":[{"name":"a","cidr":"10.0.0.0/8"},{"name":"b","cidr":"10.0.0.0/33"}]}}`, CodeDecodeValue, "$.idc.segments[1].cidr", "address prefix"},
		{"bad addr", `{"version":1,"idc":{"routerId":"1.2.3"}}`, CodeDecodeValue, "$.idc.routerId", "IP address"},
		{"prefix not string", `{"version":1,"borderGateway":{"attachments":[{"cidrs":[10]}]}}`, CodeDecodeType, "$.borderGateway.attachments[0].cidrs[0]", "string"},
		{"list expected", `{"version":1,"idc":{"segments":{}}}`, CodeDecodeType, "$.idc.segments", "list"},
		{"bool expected", `{"version":1,"vpn":{"connection":{"bgp":"yes"}}}`, CodeDecodeType, "$.vpn.connection.bgp", "true or false"},

		// Integers are read from their digits, never through float64.
		{"asn fraction below float precision", `{"version":1,"idc":{"asn":65010.0000000000001}}`, CodeDecodeType, "$.idc.asn", "whole number, found the number 65010.0000000000001"},
		{"underflow to zero", `{"version":1,"idc":{"asn":1e-400}}`, CodeDecodeType, "$.idc.asn", "1e-400"},
		{"huge exponent", `{"version":1,"idc":{"asn":1e400}}`, CodeDecodeType, "$.idc.asn", "plain digits"},
		{"one and a half", `{"version":1,"directConnection":{"interfaces":[{"vlan":1.5}]}}`, CodeDecodeType, "$.directConnection.interfaces[0].vlan", "1.5"},
		{"exponent spelling", `{"version":1,"directConnection":{"interfaces":[{"vlan":1e2}]}}`, CodeDecodeType, "$.directConnection.interfaces[0].vlan", "write 100"},
		{"point zero spelling", `{"version":1,"directConnection":{"interfaces":[{"vlan":100.0}]}}`, CodeDecodeType, "$.directConnection.interfaces[0].vlan", "write 100"},
		{"fraction spelled as exponent", `{"version":1,"idc":{"asn":6501e-1}}`, CodeDecodeType, "$.idc.asn", "6501e-1"},
		{"minus zero", `{"version":1,"strategy":{"asPath":{"prepend":-0}}}`, CodeDecodeType, "$.strategy.asPath.prepend", "write 0"},
		{"int overflow", `{"version":1,"strategy":{"asPath":{"prepend":9223372036854775808}}}`, CodeDecodeValue, "$.strategy.asPath.prepend", "out of range (-9223372036854775808 to 9223372036854775807)"},
		{"int underflow", `{"version":1,"strategy":{"asPath":{"prepend":-9223372036854775809}}}`, CodeDecodeValue, "$.strategy.asPath.prepend", "out of range"},
		{"beyond 64 bits", `{"version":1,"idc":{"asn":123456789012345678901234567890}}`, CodeDecodeValue, "$.idc.asn", "out of range (0 to 4294967295)"},
		{"long number quoted short", `{"version":1,"idc":{"asn":` + strings.Repeat("9", 5000) + `}}`, CodeDecodeValue, "$.idc.asn", "(5000 bytes)"},
		{"uint in a list", `{"version":1,"profile":{"asn":{"vpnPathToCustomer":[65000,-1]}}}`, CodeDecodeValue, "$.profile.asn.vpnPathToCustomer[1]", "out of range"},

		// The version follows the same rule as every integer.
		{"version 1.0", `{"version":1.0}`, CodeDecodeVersion, "$.version", `write "version": 1`},
		{"version 1e0", `{"version":1e0}`, CodeDecodeVersion, "$.version", "not written as a whole number"},
		{"version string", `{"version":"1"}`, CodeDecodeVersion, "$.version", `must be a number, not the string "1"`},
		{"version null", `{"version":null}`, CodeDecodeVersion, "$.version", "not null"},
		{"version zero", `{"version":0}`, CodeDecodeVersion, "$.version", "not a plan version"},
		{"version minus zero", `{"version":-0}`, CodeDecodeVersion, "$.version", "not written as a whole number"},
		{"version huge", `{"version":99999999999999999999999}`, CodeDecodeVersion, "$.version", "not a plan version"},
		{"version comes last", `{"idc":{"asnn":1},"version":2}`, CodeDecodeVersion, "$.version", "newer"},

		// Text: valid UTF-8, no control characters in names.
		{"invalid utf8 in a name", "{\"version\":1,\"idc\":{\"segments\":[{\"name\":\"ab\xff\"}]}}", CodeDecodeUTF8, "$.idc.segments[0].name", "byte 0xff at byte 2"},
		{"invalid utf8 in a description", "{\"version\":1,\"description\":\"\xc3\"}", CodeDecodeUTF8, "$.description", "not valid UTF-8"},
		{"overlong utf8", "{\"version\":1,\"name\":\"\xc0\xaf\"}", CodeDecodeUTF8, "$.name", "not valid UTF-8"},
		{"utf8 surrogate", "{\"version\":1,\"name\":\"\xed\xa0\x80\"}", CodeDecodeUTF8, "$.name", "not valid UTF-8"},
		{"lone surrogate escape", `{"version":1,"name":"a\ud800b"}`, CodeDecodeUTF8, "$.name", "surrogate"},
		{"reversed surrogates", `{"version":1,"name":"\udc00\ud800"}`, CodeDecodeUTF8, "$.name", "surrogate"},
		{"invalid utf8 in an address", "{\"version\":1,\"idc\":{\"routerId\":\"1.2.3.4\xff\"}}", CodeDecodeUTF8, "$.idc.routerId", "not valid UTF-8"},
		{"NUL in a name", `{"version":1,"borderGateway":{"name":"bgw\u0000"}}`, CodeDecodeControl, "$.borderGateway.name", "U+0000"},
		{"newline in a name", `{"version":1,"name":"a\nb"}`, CodeDecodeControl, "$.name", "U+000A"},
		{"DEL in an id", "{\"version\":1,\"directConnection\":{\"connectionId\":\"dc\x7f\"}}", CodeDecodeControl, "$.directConnection.connectionId", "U+007F"},
		{"C1 control in a ref", "{\"version\":1,\"vpn\":{\"tunnels\":[{\"pskRef\":\"env:\xc2\x85X\"}]}}", CodeDecodeControl, "$.vpn.tunnels[0].pskRef", "U+0085"},
		{"NUL in a description", `{"version":1,"idc":{"segments":[{"description":"a\u0000"}]}}`, CodeDecodeControl, "$.idc.segments[0].description", "only tabs and line breaks"},
		{"escape in a description", `{"version":1,"description":"line\n\tnext\u001b[31m"}`, CodeDecodeControl, "$.description", "U+001B"},
		{"raw newline in a string", "{\"version\":1,\"name\":\"a\nb\"}", CodeDecodeSyntax, "$", "must be escaped"},

		// Byte-order marks.
		{"UTF-16 BOM", "\xff\xfe{\x00", CodeDecodeSyntax, "$", "UTF-16"},
		{"BOM then nothing", "\xef\xbb\xbf", CodeDecodeSyntax, "$", "empty"},
		{"BOM twice", "\xef\xbb\xbf\xef\xbb\xbf{}", CodeDecodeSyntax, "$", `found '\ufeff'`},

		// Structure.
		{"duplicate field", `{"version":1,"idc":{"asn":65001,"asn":65002}}`, CodeDecodeDuplicate, "$.idc.asn", "more than once"},
		{"duplicate version", `{"version":1,"version":1}`, CodeDecodeDuplicate, "$.version", "more than once"},
		{"null list element", `{"version":1,"idc":{"segments":[{"name":"a"},null]}}`, CodeDecodeType, "$.idc.segments[1]", "null"},
		{"null string element", `{"version":1,"borderGateway":{"attachments":[{"routeTables":["a",null]}]}}`, CodeDecodeType, "$.borderGateway.attachments[0].routeTables[1]", "null"},
		{"too deep in an unknown field", `{"version":1,"x":` + strings.Repeat("[", MaxDocumentDepth) + strings.Repeat("]", MaxDocumentDepth) + `}`, CodeDecodeTooDeep, "$", "more than 64 levels"},
		{"too deep in a wrong type", `{"version":1,"idc":{"segments":[` + strings.Repeat("[", MaxDocumentDepth) + `]}}`, CodeDecodeTooDeep, "$.idc.segments[0]", "line 1"},
		{"unknown field quoted short", `{"version":1,"` + strings.Repeat("k", 10000) + `":1}`, CodeDecodeUnknownField, `$["` + strings.Repeat("k", 40) + `"… (10000 bytes)]`, "known fields here"},
		{"unknown field with a dot", `{"version":1,"idc.asn":1}`, CodeDecodeUnknownField, `$["idc.asn"]`, "unknown field"},
		{"long string quoted short", `{"version":1,"idc":{"asn":"` + strings.Repeat("x", 1<<20) + `"}}`, CodeDecodeType, "$.idc.asn", "(1048576 bytes)"},
		{"long prefix quoted short", `{"version":1,"idc":{"segments":[{"cidr":"10.0.0.0/` + strings.Repeat("1", 100000) + `"}]}}`, CodeDecodeValue, "$.idc.segments[0].cidr", "(100009 bytes)"},
		{"bad escape", `{"version":1,"name":"\q"}`, CodeDecodeSyntax, "$", "invalid escape"},
		{"leading zero", `{"version":01}`, CodeDecodeSyntax, "$", "line 1, column 13"},
		{"trailing comma", `{"version":1,}`, CodeDecodeSyntax, "$", "field name"},
		{"single quotes", `{'version':1}`, CodeDecodeSyntax, "$", "field name"},
		{"bare word", `{"version":1,"name":abc}`, CodeDecodeSyntax, "$", "expected a value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := DecodeBytes([]byte(tt.doc))
			if err == nil {
				t.Fatalf("decoded %+v, want an error", p)
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %T %v is not a *DecodeError", err, err)
			}
			f := de.Findings[0]
			if f.Code != tt.code || f.Path != tt.path || !strings.Contains(f.Message+" "+f.Hint, tt.contains) {
				t.Errorf("got %s, want code %s path %s containing %q", f, tt.code, tt.path, tt.contains)
			}
		})
	}
}

func TestDecodeReportsEveryProblem(t *testing.T) {
	_, err := DecodeBytes([]byte(`{"version":1,"nme":"x","idc":{"asn":"x","routerId":"bad"}}`))
	var de *DecodeError
	if !errors.As(err, &de) || len(de.Findings) != 3 {
		t.Fatalf("want 3 findings, got %v", err)
	}
}

// A message quotes at most a short prefix of any value, whatever its size.
func TestDecodeMessagesAreShort(t *testing.T) {
	huge := strings.Repeat("é", 1<<20)
	for _, doc := range []string{
		`{"version":1,"idc":{"asn":"` + huge + `"}}`,
		`{"version":1,"` + huge + `":1}`,
		`{"version":1,"idc":{"routerId":"` + huge + `"}}`,
		`{"version":1,"name":"` + huge + "\\u0000" + `"}`,
		`{"version":"` + huge + `"}`,
		`{"version":1,"idc":{"asn":1.` + strings.Repeat("5", 1<<20) + `}}`,
	} {
		_, err := DecodeBytes([]byte(doc))
		if err == nil {
			t.Fatal("decoded, want an error")
		}
		if len(err.Error()) > 400 {
			t.Errorf("error of %d bytes: %.200s…", len(err.Error()), err)
		}
	}
}

// Past MaxDecodeFindings problems, one finding counts the rest by code.
func TestDecodeCapsFindings(t *testing.T) {
	for _, tt := range []struct {
		name  string
		n     int
		want  int
		count string
	}{
		{"at the cap", MaxDecodeFindings, MaxDecodeFindings, ""},
		{"one over", MaxDecodeFindings + 1, MaxDecodeFindings + 1, "1 more problems not listed (decode.type 1)"},
		{"a million over", 1_000_000, MaxDecodeFindings + 1, "999900 more problems not listed (decode.type 999900)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc := `{"version":1,"idc":{"segments":[null` + strings.Repeat(",null", tt.n-1) + `]}}`
			_, err := DecodeBytes([]byte(doc))
			var de *DecodeError
			if !errors.As(err, &de) || len(de.Findings) != tt.want {
				t.Fatalf("want %d findings, got %v", tt.want, err)
			}
			last := de.Findings[len(de.Findings)-1]
			if tt.count == "" {
				if last.Code == CodeDecodeMore {
					t.Errorf("a %s finding at the cap", CodeDecodeMore)
				}
				return
			}
			if last.Code != CodeDecodeMore || last.Path != "$" || !strings.Contains(last.Message, tt.count) {
				t.Errorf("last finding %v, want %s with %q", last, CodeDecodeMore, tt.count)
			}
			if p := de.Findings[MaxDecodeFindings-1].Path; p != "$.idc.segments[99]" {
				t.Errorf("the 100th finding is at %s", p)
			}
		})
	}
}

// Mixed kinds past the cap are counted by code, in code order.
func TestDecodeMoreCountsByCode(t *testing.T) {
	doc := `{"version":1,"idc":{"segments":[` + strings.Repeat(`{"nam":1},`, 150) + strings.Repeat(`{"name":1},`, 20) + `{}]}}`
	_, err := DecodeBytes([]byte(doc))
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatal(err)
	}
	last := de.Findings[len(de.Findings)-1]
	if want := "70 more problems not listed (decode.type 20, decode.unknown-field 50)"; last.Message != want {
		t.Errorf("got %q, want %q", last.Message, want)
	}
}

// What the decoder accepts where it could be strict.
func TestDecodeAccepts(t *testing.T) {
	tests := []struct {
		name  string
		doc   string
		check func(p *Plan) bool
	}{
		{"UTF-8 BOM skipped", "\xef\xbb\xbf{\"version\":1,\"name\":\"x\"}", func(p *Plan) bool { return p.Name == "x" }},
		{"line breaks and tabs in a description", `{"version":1,"description":"one\n\ttwo\r\n"}`, func(p *Plan) bool { return p.Description == "one\n\ttwo\r\n" }},
		{"escaped pair", `{"version":1,"name":"\ud83d\ude00\u00e9\/"}`, func(p *Plan) bool { return p.Name == "😀é/" }},
		{"Chinese name", `{"version":1,"borderGateway":{"name":"边界网关-1"}}`, func(p *Plan) bool { return p.BorderGateway.Name == "边界网关-1" }},
		{"null keeps the default", `{"version":1,"idc":null,"vpn":null}`, func(p *Plan) bool { return p.VPN == nil }},
		{"empty list stays a list", `{"version":1,"idc":{"segments":[]}}`, func(p *Plan) bool { return p.IDC.Segments != nil && len(p.IDC.Segments) == 0 }},
		{"int extremes", `{"version":1,"strategy":{"asPath":{"prepend":-9223372036854775808},"prefixSplit":{"extraBits":9223372036854775807}}}`,
			func(p *Plan) bool {
				return *p.Strategy.ASPath.Prepend == -1<<63 && *p.Strategy.PrefixSplit.ExtraBits == 1<<63-1
			}},
		{"uint32 maximum", `{"version":1,"idc":{"asn":4294967295}}`, func(p *Plan) bool { return p.IDC.ASN == 1<<32-1 }},
		{"pointer fields", `{"version":1,"vpn":{"connection":{"bgp":false},"tunnels":[{"ike":{"dpdSeconds":0}}]}}`,
			func(p *Plan) bool { return !*p.VPN.Connection.BGP && *p.VPN.Tunnels[0].IKE.DPDSeconds == 0 }},
		{"many elements", `{"version":1,"profile":{"customerGatewayIpCounts":[` + strings.TrimSuffix(strings.Repeat("7,", 1000), ",") + `]}}`,
			func(p *Plan) bool { c := p.Profile.CustomerGatewayIPCounts; return len(c) == 1000 && c[999] == 7 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := DecodeBytes([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(p) {
				t.Errorf("decoded %+v", p)
			}
		})
	}
}

// Nesting up to MaxDocumentDepth is a question of fields, not of depth.
func TestDecodeDepthEdge(t *testing.T) {
	inner := MaxDocumentDepth - 1 // the plan object is the first level
	doc := `{"version":1,"x":` + strings.Repeat("[", inner) + strings.Repeat("]", inner) + `}`
	_, err := DecodeBytes([]byte(doc))
	var de *DecodeError
	if !errors.As(err, &de) || len(de.Findings) != 1 || de.Findings[0].Code != CodeDecodeUnknownField {
		t.Fatalf("want only %s at depth %d, got %v", CodeDecodeUnknownField, MaxDocumentDepth, err)
	}
}

// The lists of one document may take at most maxListBytes decoded: 8 MiB
// of empty tunnels would take a gigabyte.
func TestDecodeListBudget(t *testing.T) {
	tunnels := func(n int) []byte {
		return []byte(`{"version":1,"vpn":{"tunnels":[{}` + strings.Repeat(",{}", n-1) + `]}}`)
	}
	if _, err := DecodeBytes(tunnels(10_000)); err != nil {
		t.Fatalf("10k empty tunnels: %v", err)
	}
	_, err := DecodeBytes(tunnels((MaxDocumentBytes - 40) / 3))
	var de *DecodeError
	if !errors.As(err, &de) || len(de.Findings) != 1 {
		t.Fatalf("want one finding, got %.500v", err)
	}
	// The MiB figure grows with the Tunnel type's size; any value in the
	// hundreds says a gigabyte was refused before it was allocated.
	if f := de.Findings[0]; f.Code != CodeDecodeTooLarge || f.Path != "$.vpn.tunnels" || !regexp.MustCompile(`elements would take [0-9]{3,4} MiB`).MatchString(f.Message) {
		t.Errorf("got %v", f)
	}
}

func TestDecodeTooLarge(t *testing.T) {
	big := make([]byte, MaxDocumentBytes+1)
	_, err := Decode(bytes.NewReader(big))
	var de *DecodeError
	if !errors.As(err, &de) || de.Findings[0].Code != CodeDecodeTooLarge {
		t.Fatalf("want %s, got %v", CodeDecodeTooLarge, err)
	}
}

// countElements sizes lists before they are allocated: it must skip what is
// inside strings and nested values.
func TestCountElements(t *testing.T) {
	for _, tt := range []struct {
		doc  string
		want int
	}{
		{`[1]`, 1}, {`[1,2,3]`, 3}, {` [ 1 , 2 ] `, 2},
		{`[{"a":[1,2]},"x,]\"y",[3,4]]`, 3}, {`["\\",1]`, 2}, {`["\\\"],",{"[":"]"}]`, 2},
	} {
		if got := countElements([]byte(tt.doc), strings.IndexByte(tt.doc, '[')); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.doc, got, tt.want)
		}
	}
}

// The eight-bytes-at-a-time scans stop where a byte-by-byte loop does, at
// every offset and for every byte value in every lane.
func TestSWARRuns(t *testing.T) {
	naiveQuote := func(data []byte, i int) int {
		for i < len(data) && data[i] != '"' && data[i] != '\\' {
			i++
		}
		return i
	}
	naivePlain := func(data []byte, i int) int {
		for i < len(data) && data[i] != '"' && data[i] != '\\' && data[i] >= 0x20 && data[i] < 0x7f {
			i++
		}
		return i
	}
	for b := range 256 {
		for at := range 20 {
			for _, fill := range []byte{'a', 0x20, 0x7e, 0x21, '0'} {
				data := bytes.Repeat([]byte{fill}, 20)
				data[at] = byte(b)
				if at+1 < len(data) {
					data[at+1] = 0 // a later stop must not hide the first
				}
				for start := range 4 {
					if got, want := quoteRun(data, start), naiveQuote(data, start); got != want {
						t.Fatalf("quoteRun(%q, %d) = %d, want %d", data, start, got, want)
					}
					if got, want := plainRun(data, start), naivePlain(data, start); got != want {
						t.Fatalf("plainRun(%q, %d) = %d, want %d", data, start, got, want)
					}
				}
			}
		}
	}
}

// segmentsDoc is a plan whose IDC has n segments, as Encode writes them.
func segmentsDoc(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"version":1,"idc":{"segments":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"name":"s%d","cidr":"10.%d.%d.0/24"}`, i, i>>8&255, i&255)
	}
	b.WriteString(`]}}`)
	return []byte(b.String())
}

// Flat lists are read through a reusable stage and placed at their exact
// length: lists shorter and longer than the stage come out whole, with no
// spare capacity, and a list read after another of the same type holds
// none of the first one's values.
func TestDecodeStagedLists(t *testing.T) {
	for _, n := range []int{1, 3, 4, 5, 17, stageElements - 1, stageElements, stageElements + 1, 2*stageElements + 7} {
		p, err := DecodeBytes(segmentsDoc(n))
		if err != nil {
			t.Fatalf("%d segments: %v", n, err)
		}
		segs := p.IDC.Segments
		if len(segs) != n || cap(segs) != n {
			t.Fatalf("%d segments: len %d cap %d", n, len(segs), cap(segs))
		}
		for i, s := range segs {
			if want := fmt.Sprintf("s%d", i); s.Name != want || s.CIDR.String() != fmt.Sprintf("10.%d.%d.0/24", i>>8&255, i&255) {
				t.Fatalf("%d segments: [%d] = %+v", n, i, s)
			}
		}
	}
	doc := `{"version":1,"borderGateway":{"name":"b","attachments":[` +
		`{"name":"a","vpcName":"v","cidrs":["10.0.0.0/16","10.1.0.0/16"],"subnets":[{"name":"x","id":"subnet-1","cidr":"10.0.1.0/24"},{"name":"y","id":"subnet-2","cidr":"10.0.2.0/24"}],"propagation":{"mode":"all"}},` +
		`{"name":"b","vpcName":"w","cidrs":["10.2.0.0/16"],"subnets":[{"name":"z"}],"propagation":{"mode":"all"}}]}}`
	p, err := DecodeBytes([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	b := p.BorderGateway.Attachments[1]
	if len(b.CIDRs) != 1 || len(b.Subnets) != 1 || b.Subnets[0] != (Subnet{Name: "z"}) {
		t.Fatalf("second attachment holds values of the first: %+v", b)
	}
}

// The list budget is taken by a flat list's exact length: a list that
// fits exactly is kept however its reading grew, one element more is
// refused at the list, with its full count; read every way.
func TestDecodeStagedBudget(t *testing.T) {
	size := uint64(unsafe.Sizeof(Segment{}))
	for _, how := range []reading{{}, {splitAt: 2}, {generic: true}} {
		for _, n := range []int{1, 5, 9, stageElements - 1, stageElements + 3} {
			doc := segmentsDoc(n)
			if _, err := decodeWith(doc, uint64(n)*size, how); err != nil {
				t.Errorf("%+v: %d segments in a budget of exactly their size: %v", how, n, err)
			}
			_, err := decodeWith(doc, uint64(n)*size-1, how)
			var de *DecodeError
			if !errors.As(err, &de) || len(de.Findings) != 1 || de.Findings[0].Code != CodeDecodeTooLarge ||
				de.Findings[0].Path != "$.idc.segments" || !strings.Contains(de.Findings[0].Message, fmt.Sprintf("list's %d elements", n)) {
				t.Errorf("%+v: %d segments in a budget one byte short: %v", how, n, err)
			}
		}
	}
}

// field.at matches a field's quoted name and ':' by one word compare for
// the first eight bytes, then the rest: near the end of the document too.
func TestFieldAt(t *testing.T) {
	short, long := newField("name", 0, 0, nil), newField("description", 0, 0, nil)
	tests := []struct {
		f    *field
		data string
		pos  int
		ok   bool
	}{
		{short, `{"name":"x"}`, 1, true},
		{short, `{"name":`, 1, true}, // fewer than 8 bytes from pos
		{short, `{"nam":"x"}`, 1, false},
		{short, `{"namex":"x"}`, 1, false},
		{short, `{"name"`, 1, false},
		{long, `{"description":"x"}`, 1, true},
		{long, `{"descriptioN":"x"}`, 1, false}, // differs after eight bytes
		{long, `{"descriptio":"x"}`, 1, false},
		{long, `"description":`, 0, true},
	}
	for _, tt := range tests {
		end, ok := tt.f.at([]byte(tt.data), tt.pos)
		if ok != tt.ok || ok && end != tt.pos+len(tt.f.member) {
			t.Errorf("%s at %d of %s: %d %v, want %v", tt.f.member, tt.pos, tt.data, end, ok, tt.ok)
		}
	}
}

// objectsLeft counts the objects of a list by its braces only where it can
// tell the list's end without reading it (and says where), and never
// counts fewer than the objects there are.
func TestObjectsLeft(t *testing.T) {
	segments := planNode().fields["idc"].node.fields["segments"].node
	prefixes := planNode().fields["borderGateway"].node.fields["attachments"].node.elem.fields["cidrs"].node
	long := strings.Repeat(`{"name":"segment","cidr":"10.0.0.0/8"},`, 9)
	tests := []struct {
		name string
		n    *node
		list string // from the first element on
		want int    // -1: not counted
	}{
		{"one", segments, `{"name":"a","cidr":"10.0.0.0/8"}]}`, 1},
		{"several", segments, long + `{"name":"b","cidr":"10.0.0.0/8"}]`, 10},
		{"empty objects", segments, `{},{},{}]`, -1}, // 192 bytes of segments for 8 of text: counted exactly instead
		{"not objects", segments, `1,2,"x"]`, 0},
		{"braces in a string", segments, long + `{"name":"{a}","cidr":"10.0.0.0/8"}]`, 11},
		{"a ']' in a string", segments, `{"name":"a]"},{"name":"b"}]`, -1},
		{"an escape", segments, long + `{"name":"a\"b"}]`, -1},
		{"a nested list", segments, `{"name":"a","x":[1]}]`, -1},
		{"no end", segments, long, -1},
		{"prefixes", prefixes, `"10.0.0.0/8"]`, -1},
		{"many braces", segments, `{"name":"` + strings.Repeat("{", 100) + `"}]`, -1},
	}
	for _, tt := range tests {
		got, end, ok := objectsLeft(tt.n, []byte(tt.list), 0)
		if !ok {
			got = -1
		}
		if got != tt.want {
			t.Errorf("%s: %d (%v), want %d", tt.name, got, ok, tt.want)
		}
		if ok && end != strings.IndexByte(tt.list, ']') {
			t.Errorf("%s: the list ends at %d, not at its ']' at %d", tt.name, end, strings.IndexByte(tt.list, ']'))
		}
	}
}

// The shortcuts for common forms (record for compact objects in field
// order, objectsLeft for sizing lists) give what the general reading gives:
// the same plan or the same findings, on lists written every way the
// shortcuts take and every way they hand back.
func TestDecodeShortcutsAgree(t *testing.T) {
	elements := []string{
		`{"name":"a","cidr":"10.0.0.0/8"}`,
		`{"name":"a","cidr":"10.0.0.0/8","description":"d"}`,
		`{"cidr":"10.0.0.0/8","name":"a"}`, // out of order
		`{"name":"a"}`, `{"cidr":"10.1.0.0/16"}`, `{}`, `{"name":""}`, `{"name":"a","cidr":""}`,
		`{ "name":"a","cidr":"10.0.0.0/8"}`, `{"name" : "a","cidr":"10.0.0.0/8" }`,
		`{"name":"a","name":"b"}`, `{"name":"a","cidr":"10.0.0.0/8","cidr":"10.0.0.0/8"}`,
		`{"name":"a\u0062","cidr":"10.0.0.0/8"}`, `{"n\u0061me":"a","cidr":"10.0.0.0/8"}`,
		`{"name":"a","cidr":"2001:db8::/32"}`, `{"name":"a","cidr":"10.0.0.0/33"}`, `{"name":"a","cidr":"10.0.0.01/8"}`,
		`{"name":"a","cidr":"10.0.0.0/08"}`, `{"name":"a","cidr":"10.0.0.0/8 "}`, `{"name":"a","cidr":"10.0.0.0/8x"}`,
		`{"name":"a","cidr":"10.0.0.0"}`, `{"name":"a","cidr":"10.0.0.0/"}`, `{"name":"a","cidr":"256.0.0.0/8"}`,
		`{"name":"a","cidr":1}`, `{"name":1,"cidr":"10.0.0.0/8"}`, `{"name":null,"cidr":"10.0.0.0/8"}`, `{"name":"a","cidr":null}`,
		`{"name":"a","zone":"x"}`, `{"name":"a","cidr":"10.0.0.0/8",}`, `{"name":"a",,"cidr":"10.0.0.0/8"}`,
		`{"name":"a" "cidr":"10.0.0.0/8"}`, `{"name":"a","cidr":"10.0.0.0/8"`, `{"name":"a\u0000"}`,
		"{\"name\":\"a\xff\"}", `{"name":"é","cidr":"10.0.0.0/8"}`, `{"name":"{[}]"}`, `{"name":"}"}`, `{"name":"a{{","cidr":"10.0.0.0/8"}`,
		`{"name":"` + strings.Repeat("x", textBlockBytes) + `"}`, `{"description":"tab\tin"}`, `{"description":"a\u0007"}`,
		`{"name":"a","description":"b","cidr":"10.0.0.0/8"}`, `null`, `1`, `"x"`, `[]`,
		`0"name":"a","cidr":"10.0.0.0/8"}`, `"name":"a"}`, // no '{' (the fuzzer found record taking these)
		// plainText's edges: space and '~' are plain; DEL, a raw control
		// byte and bytes from 0x80 up are not.
		`{"name":"a b~"}`, "{\"name\":\"a\x7fb\"}", "{\"name\":\"a\x1fb\"}", "{\"name\":\"\xffa\"}", "{\"name\":\"\x80\"}",
	}
	for _, n := range []int{7, 8, 9, plainTextBytes - 1, plainTextBytes, plainTextBytes + 1} { // plainText's words and its limit
		name := strings.Repeat("n", n)
		elements = append(elements, `{"name":"`+name+`","cidr":"10.0.0.0/8"}`, `{"name":"`+name[1:]+`é"}`, `{"name":"`+name[1:]+`\t"}`)
	}
	wrap := func(list string) []byte {
		return []byte(`{"version":1,"idc":{"segments":[` + list + `]},"borderGateway":{"name":"b","attachments":[` +
			`{"name":"x","vpcName":"v","cidrs":[],"subnets":[` + strings.ReplaceAll(list, "description", "id") + `]}]}}`)
	}
	// Each list of two records or more is split too (see splitList), at
	// every place the lists below put a "},{" in the middle.
	shortcuts := []reading{{}, {splitAt: 2}}
	same := func(doc []byte) {
		t.Helper()
		slow, serr := decodeWith(doc, maxListBytes, reading{generic: true})
		for _, how := range shortcuts {
			fast, ferr := decodeWith(doc, maxListBytes, how)
			switch {
			case fmt.Sprint(ferr) != fmt.Sprint(serr) || !reflect.DeepEqual(fast, slow):
				t.Fatalf("%.300s:\nwith shortcuts %+v: %v\nwithout %v", doc, how, ferr, serr)
			case ferr == nil && (cap(fast.IDC.Segments) != len(fast.IDC.Segments) || cap(fast.BorderGateway.Attachments[0].Subnets) != len(fast.BorderGateway.Attachments[0].Subnets)):
				t.Fatalf("%.300s: lists with spare capacity", doc)
			}
		}
	}
	// cut checks a list cut short in every place of its first list, so
	// that the shortcuts (read as how) meet the end of the document there.
	cut := func(doc []byte, how reading) {
		t.Helper()
		for end := bytes.Index(doc, []byte("]},")); end > 0 && doc[end-1] != '['; end-- {
			slow, serr := decodeWith(doc[:end], maxListBytes, reading{generic: true})
			fast, ferr := decodeWith(doc[:end], maxListBytes, how)
			if fmt.Sprint(ferr) != fmt.Sprint(serr) || !reflect.DeepEqual(fast, slow) {
				t.Fatalf("%.300s cut at %d:\nwith shortcuts %+v: %v\nwithout %v", doc, end, how, ferr, serr)
			}
		}
	}
	good := elements[0]
	for _, e := range elements {
		same(wrap(e))
		cut(wrap(e), reading{})
		same(wrap(good + "," + e + "," + good))
		same(wrap(e + "," + good + "," + e))
		if len(e) < 200 { // (a list of one is never split; cutting a 32 KiB name at every byte takes long)
			cut(wrap(good+","+good+","+e), reading{splitAt: 2})
		}
		same(wrap(strings.Repeat(good+",", 1500) + e + "," + good))
	}
	// Every pair, at the start of a list long enough to be counted.
	for _, a := range elements {
		for _, b := range elements {
			same(wrap(a + "," + b + strings.Repeat(","+good, 3)))
		}
	}
}

// swarEnds finds the first byte that ends a plain string in every word of
// two byte values after plain ones, whatever borrows and carries the later
// bytes make.
func TestSwarEnds(t *testing.T) {
	ends := func(c byte) bool { return c == '"' || c == '\\' || c < 0x20 || c >= 0x7f }
	var w [8]byte
	for j := range 8 {
		for a := range 256 {
			for b := range 256 {
				for k := range w {
					switch {
					case k < j:
						w[k] = 'a'
					case k == j:
						w[k] = byte(a)
					default:
						w[k] = byte(b)
					}
				}
				want := 8
				for k, c := range w {
					if ends(c) {
						want = k
						break
					}
				}
				got := 8
				if m := swarEnds(binary.LittleEndian.Uint64(w[:])); m != 0 {
					got = bits.TrailingZeros64(m) / 8
				}
				if got != want {
					t.Fatalf("% x: first end at %d, want %d", w, got, want)
				}
			}
		}
	}
}

// A long list's second half, read by a helper (splitList), is taken where
// the decoder reads the first half up to exactly where the helper began,
// and read again otherwise; either way the result is the general
// reading's, and no helper outlives the decode.
func TestDecodeSplit(t *testing.T) {
	segments := func(n int, element func(i int) string) []byte {
		var b strings.Builder
		b.WriteString(`{"version":1,"idc":{"segments":[`)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(element(i))
		}
		b.WriteString(`]}}`)
		return []byte(b.String())
	}
	compact := func(i int) string { return fmt.Sprintf(`{"name":"s%d","cidr":"10.%d.%d.0/24"}`, i, i>>8, i&255) }
	except := func(at int, odd string) func(int) string {
		return func(i int) string {
			if i == at {
				return odd
			}
			return compact(i)
		}
	}
	const n = 100
	tests := []struct {
		name  string
		doc   []byte
		taken bool
	}{
		{"compact records", segments(n, compact), true},
		{"braces in a name before the middle", segments(n, except(3, `{"name":"{{","cidr":"10.9.0.0/24"}`)), false},
		{"braces in a name after the middle", segments(n, except(80, `{"name":"{","cidr":"10.9.0.0/24"}`)), false}, // counted one too many: read again
		{"a name that looks like the middle", segments(n, func(i int) string {
			return fmt.Sprintf(`{"name":"},{%d","cidr":"10.%d.%d.0/24"}`, i, i>>8, i&255)
		}), false},
		{"a spaced record in the second half", segments(n, except(90, `{ "name":"x","cidr":"10.9.0.0/24"}`)), false},
		{"fields out of order in the second half", segments(n, except(70, `{"cidr":"10.9.0.0/24","name":"x"}`)), false},
		{"a bad prefix in the first half", segments(n, except(10, `{"name":"x","cidr":"10.9.0.0/33"}`)), false},
		{"a bad prefix in the second half", segments(n, except(90, `{"name":"x","cidr":"10.9.0.0/33"}`)), false},
		{"a syntax error in the first half", segments(n, except(10, `{"name":"x","cidr":"10.9.0.0/24"`)), false},
		{"a syntax error in the second half", segments(n, except(90, `{"name":"x","cidr":"10.9.0.0/24"`)), false},
		// Lists after the one a helper reads: one helper is out at a time.
		{"subnets after segments", []byte(strings.Replace(string(segments(n, compact)), `]}}`, `]},"borderGateway":{"name":"b","attachments":[`+
			strings.Repeat(`{"name":"a","vpcName":"v","cidrs":["10.0.0.0/8"],"subnets":[`+strings.TrimSuffix(strings.TrimPrefix(string(segments(n, compact)), `{"version":1,"idc":{"segments":[`), `]}}`)+`]},`, 3)+
			`{"name":"z","vpcName":"w","cidrs":[]}]}}`, 1)), true},
	}
	before := runtime.NumGoroutine()
	for _, tt := range tests {
		want, werr := decodeWith(tt.doc, maxListBytes, reading{generic: true})
		got, helped, err := decodeHelped(tt.doc, maxListBytes, reading{splitAt: 2})
		switch {
		case tt.taken && werr != nil:
			t.Errorf("%s: %v", tt.name, werr)
		case fmt.Sprint(err) != fmt.Sprint(werr):
			t.Errorf("%s: split %v, without the shortcuts %v", tt.name, err, werr)
		case !reflect.DeepEqual(got, want):
			t.Errorf("%s: a plan other than the general reading's", tt.name)
		case (helped > 0) != tt.taken:
			t.Errorf("%s: %d elements read by the helper taken, want taken %v", tt.name, helped, tt.taken)
		}
	}
	// The helpers have all been joined; their goroutines end right after
	// handing their result over.
	for range 200 {
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("%d goroutines after the decodes, %d before", runtime.NumGoroutine(), before)
}
