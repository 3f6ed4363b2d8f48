package verdict_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/verdict"
)

// seedDoc returns the seed example as a generic JSON tree to edit.
func seedDoc(t testing.TB) map[string]any {
	t.Helper()
	ex, ok := examples.Get(examples.Seed)
	if !ok {
		t.Fatal("no seed example")
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(ex.JSON), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// at walks a JSON tree: at(doc, "idc", "segments", 0) is the first segment.
func at(v any, keys ...any) any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			v = v.(map[string]any)[k]
		case int:
			v = v.([]any)[k]
		}
	}
	return v
}

func obj(v any, keys ...any) map[string]any { return at(v, keys...).(map[string]any) }

func encode(t testing.TB, doc map[string]any) []byte {
	t.Helper()
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// has reports whether fs has a finding "severity code path".
func has(fs []plan.Finding, want string) bool {
	return slices.ContainsFunc(fs, func(f plan.Finding) bool {
		return string(f.Severity)+" "+f.Code+" "+f.Path == want
	})
}

// wellFormed asserts what every verdict finding has.
func wellFormed(t *testing.T, fs []plan.Finding) {
	t.Helper()
	if fs == nil {
		t.Error("nil findings")
	}
	for _, f := range fs {
		if f.Code == "" || f.Message == "" || !strings.HasPrefix(f.Path, "$") {
			t.Errorf("ill-formed finding %+v", f)
		}
		switch f.Severity {
		case plan.SeverityError, plan.SeverityWarning, plan.SeverityInfo:
		default:
			t.Errorf("severity %q: %+v", f.Severity, f)
		}
		if len(f.Message) > 2000 || len(f.Hint) > 2000 {
			t.Errorf("finding of %d+%d bytes: %.200s", len(f.Message), len(f.Hint), f.Message)
		}
	}
	sorted := slices.Clone(fs)
	plan.SortFindings(sorted)
	if !slices.EqualFunc(fs, sorted, func(a, b plan.Finding) bool { return a.Code == b.Code && a.Path == b.Path }) {
		t.Error("findings are not sorted")
	}
}

func TestExamplesPassFull(t *testing.T) {
	for _, ex := range examples.All() {
		t.Run(ex.Name, func(t *testing.T) {
			r := verdict.FullDocument([]byte(ex.JSON), verdict.Options{})
			wellFormed(t, r.Findings)
			if !r.OK() || r.DecodeFailed() {
				t.Errorf("example has errors: %v", r.Findings)
			}
		})
	}
}

// TestIssueCases: every case of issue 13 and the edges of each bound. want
// lists "severity code path" findings that must be there, absent ones that
// must not (by code).
func TestIssueCases(t *testing.T) {
	strategy := func(doc map[string]any) map[string]any { return obj(doc, "strategy") }
	asPath := func(doc map[string]any, prepend any) {
		s := strategy(doc)
		s["mode"] = "as-path"
		delete(s, "prefixSplit")
		s["asPath"] = map[string]any{"prepend": prepend}
	}
	extraBits := func(doc map[string]any, v any) { obj(doc, "strategy", "prefixSplit")["extraBits"] = v }
	segment := func(doc map[string]any, cidr string) {
		segs := obj(doc, "idc")["segments"].([]any)
		obj(doc, "idc")["segments"] = append(segs, map[string]any{"name": "extra", "cidr": cidr})
	}
	vpcCIDR := func(doc map[string]any, cidr string) {
		a := obj(doc, "borderGateway", "attachments", 0)
		a["cidrs"] = append(a["cidrs"].([]any), cidr)
	}
	tests := []struct {
		name   string
		edit   func(doc map[string]any)
		want   []string
		absent []string
	}{
		// Strategy mistakes that used to pass validate.
		{"more-specifics over VPN, aggregate over DC", func(doc map[string]any) {
			obj(doc, "strategy", "prefixSplit")["overrides"] = []any{map[string]any{
				"segment": "idc-servers", "directConnection": []any{"192.168.0.0/16"}, "vpn": []any{"192.168.0.0/17", "192.168.128.0/17"}}}
		}, []string{"error strategy.vpn-more-specific $.strategy.prefixSplit.overrides[0].vpn[0]"}, nil},
		{"VPN aggregate not covering its segments", func(doc map[string]any) {
			obj(doc, "strategy", "prefixSplit")["vpnAggregates"] = []any{"192.168.0.0/17", "172.20.0.0/16"}
		}, []string{"error strategy.aggregate-not-covering $.strategy.prefixSplit.vpnAggregates"}, nil},
		{"split beyond the dynamic-route quota", func(doc map[string]any) { extraBits(doc, 8) },
			[]string{"error strategy.quota-exceeded $.strategy"}, []string{"strategy.split-too-deep"}},
		{"extraBits 16: more prefixes than the planner makes", func(doc map[string]any) { extraBits(doc, 16) },
			[]string{"error strategy.split-too-deep $.strategy.prefixSplit.extraBits", "error strategy.quota-exceeded $.strategy"},
			[]string{"strategy.extra-bits-range"}},
		{"extraBits 17", func(doc map[string]any) { extraBits(doc, 17) },
			[]string{"error strategy.extra-bits-range $.strategy.prefixSplit.extraBits"}, nil},
		// 1e9 itself is a decode error (integers are written in plain
		// digits, plan.Decode); its value in digits is out of range.
		{"extraBits 1000000000", func(doc map[string]any) { extraBits(doc, json.Number("1000000000")) },
			[]string{"error strategy.extra-bits-range $.strategy.prefixSplit.extraBits"}, nil},
		{"extraBits -3", func(doc map[string]any) { extraBits(doc, -3) },
			[]string{"error strategy.extra-bits-range $.strategy.prefixSplit.extraBits"}, nil},
		{"extraBits -1", func(doc map[string]any) { extraBits(doc, -1) },
			[]string{"error strategy.extra-bits-range $.strategy.prefixSplit.extraBits"}, nil},
		{"extraBits 0 is honoured and explained", func(doc map[string]any) { extraBits(doc, 0) },
			[]string{"warning strategy.split-none $.strategy.prefixSplit.extraBits"}, []string{"strategy.extra-bits-range"}},
		{"extraBits absent is the default", func(doc map[string]any) { delete(obj(doc, "strategy", "prefixSplit"), "extraBits") },
			nil, []string{"strategy.split-none", "strategy.extra-bits-range"}},
		{"prepend 100000", func(doc map[string]any) { asPath(doc, 100000) },
			[]string{"error strategy.prepend-range $.strategy.asPath.prepend"}, nil},
		{"prepend 11", func(doc map[string]any) { asPath(doc, 11) },
			[]string{"error strategy.prepend-range $.strategy.asPath.prepend"}, nil},
		{"prepend 10", func(doc map[string]any) { asPath(doc, 10) }, nil, []string{"strategy.prepend-range"}},
		{"prepend -1", func(doc map[string]any) { asPath(doc, -1) },
			[]string{"error strategy.prepend-range $.strategy.asPath.prepend"}, nil},
		{"prepend 0 is honoured and explained", func(doc map[string]any) { asPath(doc, 0) },
			[]string{"warning strategy.prepend-none $.strategy.asPath.prepend"}, []string{"strategy.prepend-range"}},
		{"local-preference higher on the VPN", func(doc map[string]any) {
			strategy(doc)["localPreference"] = map[string]any{"directConnection": 100, "vpn": 200}
		}, []string{"error strategy.return-over-vpn $.strategy.localPreference"}, nil},
		{"no local-preference: failback stays on the VPN", func(doc map[string]any) { delete(strategy(doc), "localPreference") },
			[]string{"warning sim.failback-not-direct-connection $.borderGateway.attachments[0].cidrs[0]"}, nil},

		// Addresses.
		{"IPv4-mapped IDC segment over the VPC", func(doc map[string]any) { segment(doc, "::ffff:10.0.0.0/104") },
			[]string{"error address.ipv4-mapped $.idc.segments[2].cidr"}, nil},
		{"IPv4-mapped VPN aggregate", func(doc map[string]any) {
			obj(doc, "strategy", "prefixSplit")["vpnAggregates"] = []any{"::ffff:192.168.0.0/112", "172.20.0.0/16"}
		}, []string{"error address.ipv4-mapped $.strategy.prefixSplit.vpnAggregates[0]"}, nil},
		{"multicast segment", func(doc map[string]any) { segment(doc, "224.0.0.0/4") },
			[]string{"error address.special-purpose $.idc.segments[2].cidr"}, nil},
		{"loopback segment", func(doc map[string]any) { segment(doc, "127.0.0.0/8") },
			[]string{"error address.special-purpose $.idc.segments[2].cidr"}, nil},
		{"IPv6 loopback segment", func(doc map[string]any) { segment(doc, "::1/128") },
			[]string{"error address.special-purpose $.idc.segments[2].cidr"}, nil},
		{"unspecified IPv6 VPC CIDR", func(doc map[string]any) { vpcCIDR(doc, "::/128") },
			[]string{"error address.special-purpose $.borderGateway.attachments[0].cidrs[1]"}, nil},
		{"link-local VPC CIDR", func(doc map[string]any) { vpcCIDR(doc, "169.254.0.0/16") },
			[]string{"error address.special-purpose $.borderGateway.attachments[0].cidrs[1]"}, nil},
		{"IPv6 link-local segment", func(doc map[string]any) { segment(doc, "fe80::/64") },
			[]string{"error address.special-purpose $.idc.segments[2].cidr"}, nil},
		{"IPv6 multicast segment", func(doc map[string]any) { segment(doc, "ff02::/16") },
			[]string{"error address.special-purpose $.idc.segments[2].cidr"}, nil},
		{"reserved 240/4", func(doc map[string]any) { segment(doc, "240.0.0.0/8") },
			[]string{"error address.special-purpose $.idc.segments[2].cidr"}, nil},
		{"a segment covering multicast", func(doc map[string]any) { segment(doc, "128.0.0.0/1") },
			[]string{"error address.special-purpose $.idc.segments[2].cidr"}, nil},
		{"just below multicast is fine", func(doc map[string]any) { segment(doc, "223.255.255.0/24") },
			nil, []string{"address.special-purpose"}},
		{"documentation range is a warning", func(doc map[string]any) { segment(doc, "192.0.2.0/24") },
			[]string{"warning address.documentation $.idc.segments[2].cidr"}, []string{"address.special-purpose"}},
		{"tunnel inside 169.254.0.0/20 stays fine", func(doc map[string]any) {}, nil,
			[]string{"address.special-purpose", "address.documentation"}},

		// JD Cloud's names and sizes.
		{"border gateway name with spaces and punctuation", func(doc map[string]any) {
			obj(doc, "borderGateway")["name"] = "bgw bj (prod)! for the new data centre"
		}, []string{"error name.jdcloud-format $.borderGateway.name"}, nil},
		{"32-character name", func(doc map[string]any) { obj(doc, "borderGateway")["name"] = strings.Repeat("b", 32) },
			nil, []string{"name.jdcloud-format"}},
		{"33-character name", func(doc map[string]any) { obj(doc, "borderGateway")["name"] = strings.Repeat("b", 33) },
			[]string{"error name.jdcloud-format $.borderGateway.name"}, nil},
		{"Chinese name", func(doc map[string]any) { obj(doc, "borderGateway")["name"] = "边界网关-北京_1" },
			nil, []string{"name.jdcloud-format"}},
		{"interface and VPN names too", func(doc map[string]any) {
			obj(doc, "directConnection", "interfaces", 0)["name"] = "pvif.1"
			obj(doc, "vpn", "connection")["name"] = "vpn 1"
		}, []string{"error name.jdcloud-format $.directConnection.interfaces[0].name", "error name.jdcloud-format $.vpn.connection.name"}, nil},
		{"5000-character plan name", func(doc map[string]any) { doc["name"] = strings.Repeat("p", 5000) },
			[]string{"error plan.name-too-long $.name"}, nil},
		{"244-character plan name", func(doc map[string]any) { doc["name"] = strings.Repeat("p", plan.MaxPlanNameRunes) },
			nil, []string{"plan.name-too-long"}},
		{"245-character plan name", func(doc map[string]any) { doc["name"] = strings.Repeat("p", plan.MaxPlanNameRunes+1) },
			[]string{"error plan.name-too-long $.name"}, nil},
		{"257-character description", func(doc map[string]any) { obj(doc, "borderGateway")["description"] = strings.Repeat("d", 257) },
			[]string{"error description.too-long $.borderGateway.description"}, nil},
		{"20 Gbps interface", func(doc map[string]any) { obj(doc, "directConnection", "interfaces", 0)["bandwidthMbps"] = 20000 },
			[]string{"error dc.bandwidth-range $.directConnection.interfaces[0].bandwidthMbps"}, nil},
		{"2^63-1 Mbps", func(doc map[string]any) {
			obj(doc, "directConnection", "interfaces", 0)["bandwidthMbps"] = json.Number("9223372036854775807")
		}, []string{"error dc.bandwidth-range $.directConnection.interfaces[0].bandwidthMbps"}, nil},
		{"10 Gbps interface", func(doc map[string]any) { obj(doc, "directConnection", "interfaces", 0)["bandwidthMbps"] = 10000 },
			nil, []string{"dc.bandwidth-range"}},
		{"1501 Mbps tunnel", func(doc map[string]any) { obj(doc, "vpn", "tunnels", 0)["bandwidthMbps"] = 1501 },
			[]string{"error vpn.bandwidth-range $.vpn.tunnels[0].bandwidthMbps"}, nil},

		// Limits.
		{"65 tunnels", func(doc map[string]any) { tunnels(doc, plan.MaxTunnels+1) },
			[]string{"error limit.tunnels $.vpn.tunnels"}, []string{"strategy.too-large"}},
		{"64 tunnels", func(doc map[string]any) { tunnels(doc, plan.MaxTunnels) }, nil, []string{"limit.tunnels"}},
		{"257 interfaces", func(doc map[string]any) { interfaces(doc, plan.MaxInterfaces+1) },
			[]string{"error limit.interfaces $.directConnection.interfaces"}, nil},
		{"256 interfaces", func(doc map[string]any) { interfaces(doc, plan.MaxInterfaces) }, nil, []string{"limit.interfaces"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := seedDoc(t)
			tt.edit(doc)
			r := verdict.FullDocument(encode(t, doc), verdict.Options{})
			if r.DecodeFailed() {
				t.Fatalf("does not decode: %v", r.Findings)
			}
			wellFormed(t, r.Findings)
			for _, w := range tt.want {
				if !has(r.Findings, w) {
					t.Errorf("missing %q", w)
				}
			}
			for _, code := range tt.absent {
				if slices.ContainsFunc(r.Findings, func(f plan.Finding) bool { return f.Code == code }) {
					t.Errorf("unexpected %s", code)
				}
			}
			for _, f := range r.Findings {
				if strings.Contains(f.Message, "9223372036854775808") {
					t.Errorf("overflowed count in %s", f)
				}
			}
			if t.Failed() {
				for _, f := range r.Findings {
					t.Log(f)
				}
			}
			if len(tt.want) > 0 && r.OK() && slices.ContainsFunc(tt.want, func(w string) bool { return strings.HasPrefix(w, "error ") }) {
				t.Error("a plan with an error is OK")
			}
		})
	}
}

// tunnels and interfaces replace the seed's with n copies of the first.
func tunnels(doc map[string]any, n int) {
	tun := obj(doc, "vpn", "tunnels", 0)
	ts := make([]any, n)
	for i := range ts {
		ts[i] = tun
	}
	obj(doc, "vpn")["tunnels"] = ts
}

func interfaces(doc map[string]any, n int) {
	itf := obj(doc, "directConnection", "interfaces", 0)
	fs := make([]any, n)
	for i := range fs {
		fs[i] = itf
	}
	obj(doc, "directConnection")["interfaces"] = fs
}

// TestQuickIsPartOfFull: the page shows Quick per keystroke and Full after
// a pause; Full's findings include every Quick finding.
func TestQuickIsPartOfFull(t *testing.T) {
	doc := seedDoc(t)
	obj(doc, "strategy", "prefixSplit")["extraBits"] = 8
	obj(doc, "borderGateway")["name"] = "bad name"
	data := encode(t, doc)
	quick, full := verdict.QuickDocument(data), verdict.FullDocument(data, verdict.Options{})
	for _, f := range quick.Findings {
		if !slices.ContainsFunc(full.Findings, func(g plan.Finding) bool { return g.Code == f.Code && g.Path == f.Path }) {
			t.Errorf("Full lacks Quick's %s", f)
		}
	}
	if !has(full.Findings, "error strategy.quota-exceeded $.strategy") || has(quick.Findings, "error strategy.quota-exceeded $.strategy") {
		t.Error("the strategy belongs to Full only")
	}
}

func TestDecodeFailure(t *testing.T) {
	r := verdict.FullDocument([]byte(`{"version": 1, "nmae": 3}`), verdict.Options{})
	if !r.DecodeFailed() || r.OK() || r.Plan != nil {
		t.Fatalf("%+v", r)
	}
	wellFormed(t, r.Findings)
	if !slices.ContainsFunc(r.Findings, func(f plan.Finding) bool { return strings.HasPrefix(f.Code, "decode.") }) {
		t.Errorf("no decode finding: %v", r.Findings)
	}
}

// TestKeys: with a resolver, each tunnel's key is checked against JD
// Cloud's rules; findings point at the pskRef and never contain the key.
func TestKeys(t *testing.T) {
	tests := []struct {
		key  string
		err  error
		want string // code on $.vpn.tunnels[0].pskRef, "" for none
	}{
		{"Good_key-1", nil, ""},
		{strings.Repeat("k", 20), nil, ""},
		{"0xdeadbeef", nil, "vpn.psk-invalid"},
		{strings.Repeat("k", 21), nil, "vpn.psk-invalid"},
		{"", nil, "vpn.psk-invalid"},
		{"with space", nil, "vpn.psk-invalid"},
		{"bang!key", nil, "vpn.psk-invalid"},
		{"0sQUJD", nil, "vpn.psk-invalid"},
		{"", errors.New("the environment variable HYBRIDPLAN_PSK_TUN1 is not set"), "vpn.psk-unresolved"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.key), func(t *testing.T) {
			var asked []string
			opts := verdict.Options{Secrets: func(ref string) (string, error) {
				asked = append(asked, ref)
				if ref != "env:HYBRIDPLAN_PSK_TUN1" {
					return "Other_key", nil
				}
				return tt.key, tt.err
			}}
			r := verdict.FullDocument(encode(t, seedDoc(t)), opts)
			wellFormed(t, r.Findings)
			const path = "$.vpn.tunnels[0].pskRef"
			got := ""
			for _, f := range r.Findings {
				if f.Path == path {
					got = f.Code
				}
				if len(tt.key) > 3 && (strings.Contains(f.Message, tt.key) || strings.Contains(f.Hint, tt.key)) {
					t.Errorf("a finding repeats the key: %s", f)
				}
			}
			if got != tt.want {
				t.Errorf("finding %q, want %q: %v", got, tt.want, r.Findings)
			}
			if !slices.Equal(asked, []string{"env:HYBRIDPLAN_PSK_TUN1", "env:HYBRIDPLAN_PSK_TUN2"}) {
				t.Errorf("resolved %v", asked)
			}
		})
	}
	// Without a resolver nothing is resolved and the keys are not checked.
	r := verdict.FullDocument(encode(t, seedDoc(t)), verdict.Options{})
	if !r.OK() || slices.ContainsFunc(r.Findings, func(f plan.Finding) bool { return strings.HasPrefix(f.Code, "vpn.psk") }) {
		t.Errorf("without secrets: %v", r.Findings)
	}
}

// TestMalformedRefNeverResolved: a pskRef that is not env:/file: (perhaps
// the key itself) is reported and never handed to the resolver.
func TestMalformedRefNeverResolved(t *testing.T) {
	doc := seedDoc(t)
	obj(doc, "vpn", "tunnels", 0)["pskRef"] = "SuperSecretKey1"
	obj(doc, "vpn", "tunnels", 1)["pskRef"] = "file:relative/path"
	var asked []string
	r := verdict.FullDocument(encode(t, doc), verdict.Options{Secrets: func(ref string) (string, error) {
		asked = append(asked, ref)
		return "k", nil
	}})
	if len(asked) != 0 {
		t.Errorf("resolved %v", asked)
	}
	if !has(r.Findings, "error vpn.psk-literal $.vpn.tunnels[0].pskRef") || !has(r.Findings, "error vpn.psk-ref-format $.vpn.tunnels[1].pskRef") {
		t.Errorf("%v", r.Findings)
	}
}

// TestFindingsCapped: thousands of findings of one kind come back as the
// first plan.MaxFindingsPerCode and one count; long values are quoted short.
func TestFindingsCapped(t *testing.T) {
	doc := seedDoc(t)
	segs := make([]any, 5000)
	for i := range segs {
		segs[i] = map[string]any{"name": strings.Repeat("n", 1000), "cidr": "192.168.0.0/16"}
	}
	obj(doc, "idc")["segments"] = segs
	r := verdict.FullDocument(encode(t, doc), verdict.Options{})
	wellFormed(t, r.Findings)
	perCode := map[string]int{}
	var summary *plan.Finding
	for i, f := range r.Findings {
		perCode[f.Code]++
		if f.Code == plan.CodeFindingsNotListed {
			summary = &r.Findings[i]
		}
	}
	for code, n := range perCode {
		if n > plan.MaxFindingsPerCode {
			t.Errorf("%d findings of %s", n, code)
		}
	}
	if summary == nil || !strings.Contains(summary.Message, "name.duplicate") {
		t.Fatalf("summary %+v", summary)
	}
}

// TestKeysIgnorePlanProfile: a plan cannot choose the rules its keys are
// checked by, or the findings would tell it, rule by rule, what the key is.
func TestKeysIgnorePlanProfile(t *testing.T) {
	doc := seedDoc(t)
	doc["profile"] = map[string]any{"psk": map[string]any{"forbiddenPrefixes": []any{"Se"}, "maxLength": 3, "alphabet": "S"}}
	r := verdict.FullDocument(encode(t, doc), verdict.Options{Secrets: func(string) (string, error) { return "Secret_key", nil }})
	for _, f := range r.Findings {
		if strings.HasPrefix(f.Code, "vpn.psk") {
			t.Errorf("the plan's profile decided a key finding: %s", f)
		}
	}
}
