package cidr

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func pfxs(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = pfx(s)
	}
	return out
}

func TestParsePrefix(t *testing.T) {
	tests := []struct {
		in      string
		want    string // "" when an error is expected
		errHas  string // substring of the error
		errHas2 string
	}{
		{in: "10.1.0.0/16", want: "10.1.0.0/16"},
		{in: "10.0.0.1/16", want: "10.0.0.1/16"}, // host bits kept; Canonical tells
		{in: "0.0.0.0/0", want: "0.0.0.0/0"},
		{in: "192.0.2.1/32", want: "192.0.2.1/32"},
		{in: "2001:db8::/48", want: "2001:db8::/48"},
		{in: "2001:DB8::/48", want: "2001:db8::/48"},
		{in: "::/0", want: "::/0"},
		{in: "::1/128", want: "::1/128"},
		{in: "::ffff:10.0.0.0/104", want: "::ffff:10.0.0.0/104"},
		{in: "", errHas: "empty"},
		{in: " 10.0.0.0/8", errHas: "spaces"},
		{in: "10.0.0.0/8\n", errHas: "spaces"},
		{in: "10.0.0.1", errHas: "no prefix length", errHas2: "10.0.0.1/32"},
		{in: "2001:db8::1", errHas: "no prefix length", errHas2: "2001:db8::1/128"},
		{in: "banana", errHas: "no prefix length"},
		{in: "10.0.0.0/33", errHas: "0 to 32"},
		{in: "2001:db8::/129", errHas: "0 to 128"},
		{in: "10.0.0.0/-1", errHas: "prefix length"},
		{in: "10.0.0.0/", errHas: "prefix length"},
		{in: "10.0.0.0/8/8", errHas: "prefix length"},
		{in: "10.0.0.0/08", errHas: "prefix length"},
		{in: "10.0.0.256/24", errHas: "malformed"},
		{in: "10.0.0/24", errHas: "malformed"},
		{in: "010.0.0.0/8", errHas: "malformed"},
		{in: "/24", errHas: "malformed"},
		{in: "fe80::1%eth0/64", errHas: "zone"},
		{in: "1.2.3.4.5/8", errHas: "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParsePrefix(tt.in)
			if tt.want != "" {
				if err != nil {
					t.Fatalf("ParsePrefix(%q) error %v", tt.in, err)
				}
				if got.String() != tt.want {
					t.Fatalf("ParsePrefix(%q) = %s, want %s", tt.in, got, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParsePrefix(%q) = %s, want an error", tt.in, got)
			}
			for _, sub := range []string{tt.errHas, tt.errHas2} {
				if !strings.Contains(err.Error(), sub) {
					t.Errorf("ParsePrefix(%q) error %q does not mention %q", tt.in, err, sub)
				}
			}
		})
	}
}

func TestCanonical(t *testing.T) {
	tests := []struct {
		in        netip.Prefix
		want      string
		canonical bool
	}{
		{pfx("10.0.0.0/16"), "10.0.0.0/16", true},
		{pfx("10.0.0.1/16"), "10.0.0.0/16", false},
		{pfx("10.0.255.255/16"), "10.0.0.0/16", false},
		{pfx("10.0.0.1/32"), "10.0.0.1/32", true},
		{pfx("1.2.3.4/0"), "0.0.0.0/0", false},
		{pfx("2001:db8::1/64"), "2001:db8::/64", false},
		{pfx("2001:db8::/64"), "2001:db8::/64", true},
		{netip.Prefix{}, "invalid Prefix", false},
	}
	for _, tt := range tests {
		got, ok := Canonical(tt.in)
		if got.String() != tt.want || ok != tt.canonical {
			t.Errorf("Canonical(%s) = %s, %t; want %s, %t", tt.in, got, ok, tt.want, tt.canonical)
		}
	}
}

func TestCovers(t *testing.T) {
	tests := []struct {
		outer, inner netip.Prefix
		want         bool
	}{
		{pfx("10.0.0.0/8"), pfx("10.1.0.0/16"), true},
		{pfx("10.0.0.0/8"), pfx("10.0.0.0/8"), true},
		{pfx("10.1.0.0/16"), pfx("10.0.0.0/8"), false},
		{pfx("10.0.0.0/25"), pfx("10.0.0.128/25"), false}, // adjacent
		{pfx("0.0.0.0/0"), pfx("255.255.255.255/32"), true},
		{pfx("10.0.0.1/8"), pfx("10.9.0.0/16"), true}, // host bits ignored
		{pfx("2001:db8::/32"), pfx("2001:db8:1::/48"), true},
		{pfx("2001:db8::/32"), pfx("2001:db9::/48"), false},
		{pfx("::/0"), pfx("10.0.0.0/8"), false}, // families apart
		{pfx("0.0.0.0/0"), pfx("::/0"), false},
		{pfx("::ffff:0.0.0.0/96"), pfx("10.0.0.0/8"), false},
		{netip.Prefix{}, pfx("10.0.0.0/8"), false},
		{pfx("10.0.0.0/8"), netip.Prefix{}, false},
	}
	for _, tt := range tests {
		if got := Covers(tt.outer, tt.inner); got != tt.want {
			t.Errorf("Covers(%s, %s) = %t, want %t", tt.outer, tt.inner, got, tt.want)
		}
	}
}

func TestLastHostBitsFirstOrLast(t *testing.T) {
	tests := []struct {
		p    netip.Prefix
		last string
		size int
	}{
		{pfx("10.0.0.0/30"), "10.0.0.3", 2},
		{pfx("10.0.0.5/30"), "10.0.0.7", 2},
		{pfx("0.0.0.0/0"), "255.255.255.255", 32},
		{pfx("192.0.2.7/32"), "192.0.2.7", 0},
		{pfx("2001:db8::/126"), "2001:db8::3", 2},
		{pfx("2001:db8::/64"), "2001:db8::ffff:ffff:ffff:ffff", 64},
		{pfx("::/0"), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 128},
		{pfx("2001:db8::/63"), "2001:db8:0:1:ffff:ffff:ffff:ffff", 65},
	}
	for _, tt := range tests {
		if got := Last(tt.p); got.String() != tt.last {
			t.Errorf("Last(%s) = %s, want %s", tt.p, got, tt.last)
		}
		if got := HostBits(tt.p); got != tt.size {
			t.Errorf("HostBits(%s) = %d, want %d", tt.p, got, tt.size)
		}
		if !IsFirstOrLast(tt.p, tt.p.Masked().Addr()) || !IsFirstOrLast(tt.p, Last(tt.p)) {
			t.Errorf("IsFirstOrLast(%s) misses its ends", tt.p)
		}
	}
	if Last(netip.Prefix{}).IsValid() || HostBits(netip.Prefix{}) != -1 {
		t.Error("Last/HostBits of an invalid prefix should be zero/-1")
	}
	if IsFirstOrLast(pfx("10.0.0.0/30"), netip.MustParseAddr("10.0.0.1")) {
		t.Error("10.0.0.1 is not an end of 10.0.0.0/30")
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		p      netip.Prefix
		extra  int
		want   []string
		errHas string
	}{
		{p: pfx("10.0.0.0/16"), extra: 1, want: []string{"10.0.0.0/17", "10.0.128.0/17"}},
		{p: pfx("10.0.0.0/16"), extra: 0, want: []string{"10.0.0.0/16"}},
		{p: pfx("10.0.0.1/16"), extra: 0, want: []string{"10.0.0.0/16"}},
		{p: pfx("10.0.0.0/16"), extra: 2, want: []string{"10.0.0.0/18", "10.0.64.0/18", "10.0.128.0/18", "10.0.192.0/18"}},
		{p: pfx("10.0.0.0/30"), extra: 2, want: []string{"10.0.0.0/32", "10.0.0.1/32", "10.0.0.2/32", "10.0.0.3/32"}},
		{p: pfx("255.255.255.254/31"), extra: 1, want: []string{"255.255.255.254/32", "255.255.255.255/32"}},
		{p: pfx("0.0.0.0/0"), extra: 1, want: []string{"0.0.0.0/1", "128.0.0.0/1"}},
		{p: pfx("2001:db8::/32"), extra: 1, want: []string{"2001:db8::/33", "2001:db8:8000::/33"}},
		{p: pfx("::/0"), extra: 1, want: []string{"::/1", "8000::/1"}},
		{p: pfx("2001:db8::/63"), extra: 1, want: []string{"2001:db8::/64", "2001:db8:0:1::/64"}},
		{p: pfx("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127"), extra: 1, want: []string{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/128", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"}},
		{p: pfx("10.0.0.1/32"), extra: 1, errHas: "longer than the 32-bit address"},
		{p: pfx("2001:db8::1/128"), extra: 1, errHas: "longer than the 128-bit address"},
		{p: pfx("10.0.0.0/30"), extra: 3, errHas: "at most 2 extra bits"},
		{p: pfx("10.0.0.0/8"), extra: 17, errHas: "0 to 16"},
		{p: pfx("10.0.0.0/8"), extra: -1, errHas: "0 to 16"},
		{p: netip.Prefix{}, extra: 1, errHas: "invalid"},
	}
	for _, tt := range tests {
		got, err := Split(tt.p, tt.extra)
		if tt.errHas != "" {
			if err == nil || !strings.Contains(err.Error(), tt.errHas) {
				t.Errorf("Split(%s, %d) error %v, want one mentioning %q", tt.p, tt.extra, err, tt.errHas)
			}
			continue
		}
		if err != nil {
			t.Errorf("Split(%s, %d) error %v", tt.p, tt.extra, err)
			continue
		}
		if !slices.Equal(strs(got), tt.want) {
			t.Errorf("Split(%s, %d) = %v, want %v", tt.p, tt.extra, got, tt.want)
		}
	}
	// The largest split allowed gives every part once, in order.
	parts, err := Split(pfx("10.0.0.0/8"), MaxSplitBits)
	if err != nil || len(parts) != 1<<MaxSplitBits || parts[len(parts)-1] != pfx("10.255.255.0/24") {
		t.Fatalf("Split(10.0.0.0/8, %d): %d parts, last %v, err %v", MaxSplitBits, len(parts), parts[len(parts)-1], err)
	}
	if got := Aggregate(parts); !slices.Equal(got, pfxs("10.0.0.0/8")) {
		t.Errorf("Aggregate(Split(10.0.0.0/8)) = %v", got)
	}
}

func strs(ps []netip.Prefix) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

func TestAggregate(t *testing.T) {
	tests := []struct {
		name string
		in   []netip.Prefix
		want []string
	}{
		{"empty", nil, []string{}},
		{"one", pfxs("10.0.0.0/8"), []string{"10.0.0.0/8"}},
		{"masks host bits", pfxs("10.0.0.1/8"), []string{"10.0.0.0/8"}},
		{"siblings merge", pfxs("10.0.0.0/25", "10.0.0.128/25"), []string{"10.0.0.0/24"}},
		{"contained vanish", pfxs("10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24"), []string{"10.0.0.0/8"}},
		{"duplicates", pfxs("10.0.0.0/24", "10.0.0.0/24"), []string{"10.0.0.0/24"}},
		{"adjacent non-siblings stay apart", pfxs("10.0.1.0/24", "10.0.2.0/24"), []string{"10.0.1.0/24", "10.0.2.0/24"}},
		{"three quarters", pfxs("10.0.0.0/26", "10.0.0.64/26", "10.0.0.128/26"), []string{"10.0.0.0/25", "10.0.0.128/26"}},
		{"cascade", pfxs("10.0.0.0/26", "10.0.0.64/26", "10.0.0.128/25", "10.0.1.0/24"), []string{"10.0.0.0/23"}},
		{"sorted output", pfxs("192.168.0.0/16", "10.0.0.0/8", "172.16.0.0/12"), []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"}},
		{"whole space", pfxs("0.0.0.0/1", "128.0.0.0/1"), []string{"0.0.0.0/0"}},
		{"top end", pfxs("255.255.255.255/32", "255.255.255.254/32"), []string{"255.255.255.254/31"}},
		{"families apart", pfxs("0.0.0.0/1", "128.0.0.0/1", "::/1", "8000::/1"), []string{"0.0.0.0/0", "::/0"}},
		{"ipv6 siblings", pfxs("2001:db8::/33", "2001:db8:8000::/33"), []string{"2001:db8::/32"}},
		{"ipv6 across the 64-bit line", pfxs("2001:db8::/64", "2001:db8:0:1::/64"), []string{"2001:db8::/63"}},
		{"mapped stays ipv6", pfxs("::ffff:10.0.0.0/104", "10.0.0.0/8"), []string{"10.0.0.0/8", "::ffff:10.0.0.0/104"}},
		{"invalid ignored", []netip.Prefix{{}, pfx("10.0.0.0/8")}, []string{"10.0.0.0/8"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Aggregate(tt.in)
			if !slices.Equal(strs(got), tt.want) {
				t.Errorf("Aggregate(%v) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestFreeBlock(t *testing.T) {
	tests := []struct {
		name   string
		used   []netip.Prefix
		within netip.Prefix
		bits   int
		want   string // "" for none
	}{
		{"empty space", nil, pfx("10.0.0.0/8"), 16, "10.0.0.0/16"},
		{"first taken", pfxs("10.0.0.0/16"), pfx("10.0.0.0/8"), 16, "10.1.0.0/16"},
		{"small block taints its /16", pfxs("10.0.5.0/24"), pfx("10.0.0.0/8"), 16, "10.1.0.0/16"},
		{"run of used", pfxs("10.0.0.0/16", "10.1.0.0/16", "10.2.0.0/15"), pfx("10.0.0.0/8"), 16, "10.4.0.0/16"},
		{"unsorted and nested", pfxs("10.2.0.0/16", "10.0.0.0/15", "10.0.1.0/24"), pfx("10.0.0.0/8"), 16, "10.3.0.0/16"},
		{"gap between", pfxs("10.0.0.0/16", "10.2.0.0/16"), pfx("10.0.0.0/8"), 16, "10.1.0.0/16"},
		{"container used", pfxs("10.0.0.0/8"), pfx("10.0.0.0/8"), 16, ""},
		{"outer used", pfxs("0.0.0.0/0"), pfx("10.0.0.0/8"), 16, ""},
		{"outside ignored", pfxs("192.168.0.0/16", "11.0.0.0/8"), pfx("10.0.0.0/8"), 16, "10.0.0.0/16"},
		{"other family ignored", pfxs("::/0"), pfx("10.0.0.0/8"), 16, "10.0.0.0/16"},
		{"last block", pfxs("10.0.0.0/9", "10.128.0.0/10", "10.192.0.0/11", "10.224.0.0/12", "10.240.0.0/13", "10.248.0.0/14", "10.252.0.0/15", "10.254.0.0/16"), pfx("10.0.0.0/8"), 16, "10.255.0.0/16"},
		{"top of the space", pfxs("255.255.255.254/32"), pfx("255.255.255.252/30"), 32, "255.255.255.252/32"},
		{"top of the space full", pfxs("255.255.255.252/31", "255.255.255.254/31"), pfx("255.255.255.252/30"), 31, ""},
		{"slash30s", pfxs("169.254.10.0/30", "169.254.10.4/30"), pfx("169.254.0.0/20"), 30, "169.254.0.0/30"},
		{"ipv6", pfxs("2001:db8::/48"), pfx("2001:db8::/32"), 48, "2001:db8:1::/48"},
		{"ipv6 top", pfxs("ffff::/17"), pfx("ffff::/16"), 17, "ffff:8000::/17"},
		{"bits shorter than within", nil, pfx("10.0.0.0/8"), 7, ""},
		{"bits too long", nil, pfx("10.0.0.0/8"), 33, ""},
		{"invalid within", nil, netip.Prefix{}, 16, ""},
		{"within itself", nil, pfx("10.0.0.0/8"), 8, "10.0.0.0/8"},
		{"non-canonical within", nil, pfx("10.9.9.9/8"), 16, "10.0.0.0/16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := FreeBlock(tt.used, tt.within, tt.bits)
			if tt.want == "" {
				if ok {
					t.Fatalf("FreeBlock = %s, want none", got)
				}
				return
			}
			if !ok || got.String() != tt.want {
				t.Fatalf("FreeBlock = %s, %t; want %s", got, ok, tt.want)
			}
			for _, u := range tt.used {
				if got.Overlaps(u) {
					t.Fatalf("FreeBlock returned %s, which overlaps used %s", got, u)
				}
			}
		})
	}
}
