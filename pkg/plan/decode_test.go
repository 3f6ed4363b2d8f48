package plan

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
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

func TestDecodeTooLarge(t *testing.T) {
	big := make([]byte, MaxDocumentBytes+1)
	_, err := Decode(bytes.NewReader(big))
	var de *DecodeError
	if !errors.As(err, &de) || de.Findings[0].Code != CodeDecodeTooLarge {
		t.Fatalf("want %s, got %v", CodeDecodeTooLarge, err)
	}
}
