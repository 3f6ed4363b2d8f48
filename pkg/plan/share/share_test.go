package share

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
)

// seedLinkLimit is the product goal for the seed scenario's link.
const seedLinkLimit = 600

// encoded is the indented JSON of a decoded plan, with the profile fully
// expanded: two plans with equal encodings are the same plan.
func encoded(t testing.TB, p *plan.Plan) string {
	t.Helper()
	var buf bytes.Buffer
	if err := plan.Encode(&buf, p); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func mustDecodeExample(t testing.TB, name string) *plan.Plan {
	t.Helper()
	p, err := examples.Plan(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRoundTripEveryExample(t *testing.T) {
	all := examples.All()
	if len(all) == 0 {
		t.Fatal("no examples")
	}
	for _, e := range all {
		t.Run(e.Name, func(t *testing.T) {
			p := mustDecodeExample(t, e.Name)
			link, err := Encode(p)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(link, "p1.") {
				t.Fatalf("link %q does not start with p1.", link)
			}
			t.Logf("%s: %d-byte document, %d-character link", e.Name, len(e.JSON), len(link))
			got, err := Decode(link)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if a, b := encoded(t, p), encoded(t, got); a != b {
				t.Errorf("round trip changed the plan:\n%s\n---\n%s", a, b)
			}
			// EncodeJSON of the file gives the same link as Encode.
			if link2, err := EncodeJSON([]byte(e.JSON)); err != nil || link2 != link {
				t.Errorf("EncodeJSON = %q, %v; want %q", link2, err, link)
			}
		})
	}
}

func TestSeedLinkIsShort(t *testing.T) {
	link, err := Encode(mustDecodeExample(t, examples.Seed))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("seed scenario link: %d characters (goal < %d)", len(link), seedLinkLimit)
	if len(link) >= seedLinkLimit {
		t.Errorf("seed link is %d characters, want under %d", len(link), seedLinkLimit)
	}
}

// TestGoldenLink pins the p1 format: a link written by this version must
// open in every later one. If it fails, the dictionary or the canonical
// form changed; that needs a new format version, not a new golden file.
func TestGoldenLink(t *testing.T) {
	golden, err := os.ReadFile(filepath.Join("testdata", "seed.p1.txt"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Decode(string(golden))
	if err != nil {
		t.Fatalf("the golden p1 link no longer decodes: %v", err)
	}
	// Compared with the document as it was when the link was made, not
	// with today's seed example, which may change.
	doc, err := os.ReadFile(filepath.Join("testdata", "seed.p1.json"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := plan.DecodeBytes(doc)
	if err != nil {
		t.Fatal(err)
	}
	if encoded(t, p) != encoded(t, want) {
		t.Errorf("the golden p1 link decodes to a different plan:\n%s", encoded(t, p))
	}
}

func TestAcceptedLinkForms(t *testing.T) {
	link, err := Encode(mustDecodeExample(t, examples.Seed))
	if err != nil {
		t.Fatal(err)
	}
	for _, form := range []string{
		link,
		"#" + link,
		"https://plans.example.test/hybridplan/#" + link,
		"  " + link + "\n",
		link + "==", // padding added by a mail client
	} {
		if _, err := Decode(form); err != nil {
			t.Errorf("Decode(%.40q…): %v", form, err)
		}
	}
}

// rawLink builds a p1 link around an arbitrary document, as a hostile or
// buggy sender could.
func rawLink(t testing.TB, doc []byte) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := flate.NewWriterDict(&buf, flate.BestCompression, []byte(dictionaryV1))
	if err != nil {
		t.Fatal(err)
	}
	w.Write(doc)
	w.Close()
	buf.Write(binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(doc)))
	return "p1." + base64.RawURLEncoding.EncodeToString(buf.Bytes())
}

func TestDecodeErrors(t *testing.T) {
	good, err := Encode(mustDecodeExample(t, examples.Seed))
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) string {
		b := []byte(good)
		// Swap for another base64url character so only the bits change.
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	bomb := rawLink(t, bytes.Repeat([]byte(" "), plan.MaxDocumentBytes+1))
	tests := []struct {
		name     string
		link     string
		wantCode string
		wantIn   string // part of the message
	}{
		{"empty", "", CodeCorrupt, "no plan"},
		{"only a hash", "https://x.test/#", CodeCorrupt, "no plan"},
		{"no version", "hello", CodeCorrupt, "not a hybridplan share link"},
		{"no payload separator", "p1", CodeCorrupt, "not a hybridplan share link"},
		{"letters as version", "px.AAAA", CodeCorrupt, "not a hybridplan share link"},
		{"huge version number", "p12345678901234567890.AAAA", CodeCorrupt, "format number"},
		{"version zero", "p0.AAAA", CodeCorrupt, "does not exist"},
		{"newer version", "p2.AAAA", CodeVersion, "newer hybridplan"},
		{"much newer version", "p17." + good[3:], CodeVersion, "newer hybridplan"},
		{"not base64", "p1.ab$cd", CodeCorrupt, "characters"},
		{"too short", "p1.AAA", CodeCorrupt, "too short"},
		{"cut", good[:len(good)-12], CodeCorrupt, ""},
		{"changed early", flip(8), CodeCorrupt, ""},
		{"changed in the middle", flip(len(good) / 2), CodeCorrupt, ""},
		{"changed checksum", flip(len(good) - 2), CodeCorrupt, "checksum"},
		{"extra data", rawLinkWithTrailer(t, good), CodeCorrupt, "extra data"},
		{"zip bomb", bomb, CodeCorrupt, "MiB"},
		{"pasted file", "p1." + strings.Repeat("A", maxFragmentChars), CodeCorrupt, "characters long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(tt.link)
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("error %v (%T), want *share.Error", err, err)
			}
			if se.Code != tt.wantCode || !strings.Contains(se.Message, tt.wantIn) {
				t.Errorf("got %s %q, want %s containing %q", se.Code, se.Message, tt.wantCode, tt.wantIn)
			}
			if se.Hint == "" {
				t.Error("no hint saying what to do")
			}
		})
	}
	t.Logf("a zip bomb link is %d characters", len(bomb))
}

// rawLinkWithTrailer appends one byte after the deflate stream, keeping
// the checksum last.
func rawLinkWithTrailer(t *testing.T, link string) string {
	raw, err := base64.RawURLEncoding.DecodeString(link[3:])
	if err != nil {
		t.Fatal(err)
	}
	n := len(raw) - 4
	out := append(append(append([]byte{}, raw[:n]...), 0), raw[n:]...)
	return "p1." + base64.RawURLEncoding.EncodeToString(out)
}

func TestIntactLinkWithInvalidPlan(t *testing.T) {
	tests := []struct {
		name, doc, wantCode, wantPath string
	}{
		{"not JSON", `{"version":1,`, plan.CodeDecodeSyntax, "$"},
		{"unknown field", `{"version":1,"regoin":"cn-north-1"}`, plan.CodeDecodeUnknownField, "$.regoin"},
		{"newer plan document", `{"version":2}`, plan.CodeDecodeVersion, "$.version"},
		{"bad prefix", `{"version":1,"idc":{"segments":[{"name":"a","cidr":"10.0.0.0/40"}]}}`, plan.CodeDecodeValue, "$.idc.segments[0].cidr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(rawLink(t, []byte(tt.doc)))
			var de *plan.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %v (%T), want *plan.DecodeError", err, err)
			}
			if f := de.Findings[0]; f.Code != tt.wantCode || f.Path != tt.wantPath {
				t.Errorf("first finding %s at %s, want %s at %s", f.Code, f.Path, tt.wantCode, tt.wantPath)
			}
			// EncodeJSON refuses the same document with the same findings.
			if _, err := EncodeJSON([]byte(tt.doc)); !errors.As(err, &de) {
				t.Errorf("EncodeJSON: %v, want *plan.DecodeError", err)
			}
		})
	}
}

func TestProfileOverridesRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		change func(*plan.Profile)
	}{
		{"all defaults", func(*plan.Profile) {}},
		{"one quota", func(p *plan.Profile) { p.Quotas.DynamicRoutesPerBorderGateway = 500 }},
		{"a list", func(p *plan.Profile) {
			p.Tunnel.InsideAllowed = []netip.Prefix{netip.MustParsePrefix("169.254.0.0/16")}
		}},
		{"an emptied list", func(p *plan.Profile) { p.IKE.DHGroups = []string{} }},
		{"a default set to empty", func(p *plan.Profile) { p.IKE.Default.Version = "" }},
		{"an assumption corrected", func(p *plan.Profile) {
			p.ASN.DirectConnectionPeer = 64512
			p.ASN.DirectConnectionPathToCustomer = []uint32{64512, 65000}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustDecodeExample(t, examples.Seed)
			prof := plan.DefaultProfile()
			tt.change(&prof)
			p.Profile = &prof
			link, err := Encode(p)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := DecodeDocument(link)
			if err != nil {
				t.Fatal(err)
			}
			got, err := plan.DecodeBytes(doc)
			if err != nil {
				t.Fatalf("decode: %v\n%s", err, doc)
			}
			if a, b := encoded(t, p), encoded(t, got); a != b {
				t.Errorf("round trip changed the plan; carried document:\n%s", doc)
			}
			if tt.name == "all defaults" && !bytes.HasSuffix(doc, []byte(`"profile":{}}`)) {
				t.Errorf("a default profile should travel as {}, got …%s", doc[max(0, len(doc)-60):])
			}
		})
	}
}

// generatedPlan is the seed scenario with n IDC segments (/24s in 10.64/10),
// the "100-prefix plan" of the measurements.
func generatedPlan(t testing.TB, n int) *plan.Plan {
	t.Helper()
	p := mustDecodeExample(t, examples.Seed)
	p.IDC.Segments = nil
	for i := range n {
		p.IDC.Segments = append(p.IDC.Segments, plan.Segment{
			Name: fmt.Sprintf("idc-seg-%03d", i),
			CIDR: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(64 + i/256), byte(i % 256), 0}), 24),
		})
	}
	return p
}

func TestGeneratedPlanLinks(t *testing.T) {
	for _, n := range []int{10, 100, 1000} {
		p := generatedPlan(t, n)
		link, err := Encode(p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Decode(link)
		if err != nil {
			t.Fatal(err)
		}
		if encoded(t, got) != encoded(t, p) {
			t.Errorf("%d segments: round trip changed the plan", n)
		}
		t.Logf("%d-prefix plan: %d-character link", n, len(link))
	}
}

// BenchmarkEncodeSeed reports the seed link's length as a metric beside
// the time, so `make bench` tracks both.
func BenchmarkEncodeSeed(b *testing.B) {
	benchmarkEncode(b, mustDecodeExample(b, examples.Seed))
}

func BenchmarkEncode100Prefixes(b *testing.B) {
	benchmarkEncode(b, generatedPlan(b, 100))
}

func benchmarkEncode(b *testing.B, p *plan.Plan) {
	var link string
	for b.Loop() {
		var err error
		if link, err = Encode(p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(link)), "link-chars")
}

func BenchmarkDecodeSeed(b *testing.B) {
	link, err := Encode(mustDecodeExample(b, examples.Seed))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Decode(link); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzDecode: no input panics the decoder, every failure is a *share.Error
// or a *plan.DecodeError, and whatever decodes re-encodes to a link that
// decodes to the same plan.
func FuzzDecode(f *testing.F) {
	for _, e := range examples.All() {
		p, err := plan.DecodeBytes([]byte(e.JSON))
		if err != nil {
			f.Fatal(err)
		}
		link, err := Encode(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(link)
	}
	for _, s := range []string{"", "#", "p1.", "p2.AAAA", "p1.AAAAAAA", "p0.x", "p99999999999.A", "https://x/#p1.AA=="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, link string) {
		p, err := Decode(link)
		if err != nil {
			var se *Error
			var de *plan.DecodeError
			switch {
			case errors.As(err, &se):
				if se.Code == "" || se.Message == "" {
					t.Fatalf("share error without code or message: %+v", se)
				}
			case errors.As(err, &de):
				if len(de.Findings) == 0 {
					t.Fatal("decode error without findings")
				}
			default:
				t.Fatalf("error %v of type %T", err, err)
			}
			return
		}
		again, err := Encode(p)
		if err != nil {
			t.Fatalf("re-encoding a decoded plan: %v", err)
		}
		p2, err := Decode(again)
		if err != nil {
			t.Fatalf("decoding a re-encoded plan: %v", err)
		}
		if a, b := encoded(t, p), encoded(t, p2); a != b {
			t.Fatalf("re-encoding changed the plan:\n%s\n---\n%s", a, b)
		}
	})
}
