package fmtlite

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/netip"
	"strings"
	"testing"
	"time"
)

type severity int

func (s severity) String() string { return [...]string{"error", "warning"}[s] }

type namedString string

type panicky struct{ nilPanics bool }

func (p *panicky) String() string {
	if p == nil {
		panic("nil receiver")
	}
	panic("boom")
}

type errPtr struct{ msg string }

func (e *errPtr) Error() string { return e.msg }

// operands are values of every kind the code base formats, and a few it
// must not get wrong by accident.
func operands() []any {
	var nilErr *errPtr
	var nilPanicky *panicky
	return []any{
		"", "a", "hello, world", "tab\there", "quote\"and\\", "ünïcödé", "\x00\x1f\x7f", "bad\xffutf8", "`back`", "line\nbreak",
		[]byte("bytes"), []byte{}, []byte{0, 255},
		0, 1, -1, 42, -42, 255, 1 << 40, math.MaxInt64, math.MinInt64,
		int8(-128), int16(300), int32(-70000), int64(1) << 62,
		uint(7), uint8(0x0a), uint16(0xffff), uint32(65000), uint32(4294967295), uint64(math.MaxUint64), uintptr(3),
		rune('A'), rune(0x1F600), rune(-1), rune(0x110000),
		0.0, 1.5, -2.25, 0.05, 0.95, 1234.5678, 1e21, 1e-7, math.Inf(1), math.Inf(-1), math.NaN(), float32(0.1), math.Copysign(0, -1),
		true, false,
		netip.MustParseAddr("10.0.0.1"), netip.MustParsePrefix("2001:db8::/32"), netip.Addr{}, netip.Prefix{},
		severity(1), namedString("named"),
		errors.New("an error"), fs.ErrNotExist, &errPtr{"pointer error"}, nilErr,
		&panicky{}, nilPanicky,
		nil,
	}
}

// formats are the verbs, flags, widths and precisions fmtlite implements.
func formats() []string {
	var out []string
	for _, verb := range []string{"s", "q", "v", "d", "x", "X", "f", "w"} {
		for _, flags := range []string{"", "#", "0", "-", "+", " ", "#0", "-0", "+0", " 0", "# "} {
			if (verb == "v" || verb == "w") && strings.Contains(flags, "#") {
				continue // %#v is Go syntax, outside the subset
			}
			for _, width := range []string{"", "1", "2", "4", "8", "12"} {
				for _, prec := range []string{"", ".", ".0", ".1", ".3"} {
					out = append(out, "%"+flags+width+prec+verb)
				}
			}
		}
	}
	return out
}

// sameAsFmt reports whether fmtlite writes what fmt writes. Composite
// operands of a bad verb ("%!d(*pkg.T=&{...})") are the one thing fmtlite
// does not spell out: the format checks keep them out of the code.
func sameAsFmt(got, want string) bool {
	return got == want || strings.Contains(got, "=?)")
}

// skipFloat: fmtlite writes floats for %v and %f without '#' (the code
// base's one float message is "%.1f"); fmt's hexadecimal floats and its
// '#' forms of %g are outside the subset.
func skipFloat(format string, arg any) bool {
	switch arg.(type) {
	case float64, float32:
		return strings.ContainsAny(format, "#xX")
	}
	return false
}

func TestSprintfParity(t *testing.T) {
	n := 0
	for _, f := range formats() {
		for _, arg := range operands() {
			if skipFloat(f, arg) {
				continue
			}
			want := fmt.Sprintf(f, arg)
			got := Sprintf(f, arg)
			if !sameAsFmt(got, want) {
				t.Errorf("Sprintf(%q, %#v) = %q, fmt writes %q", f, arg, got, want)
				if n++; n > 30 {
					t.Fatal("too many differences")
				}
			}
		}
	}
}

func TestSprintfForms(t *testing.T) {
	// The shapes of whole format strings: text around verbs, missing and
	// extra operands, a trailing '%', %%, verbs fmtlite does not know.
	tests := []struct {
		format string
		args   []any
	}{
		{"", nil},
		{"plain text", nil},
		{"100%%", nil},
		{"%", nil},
		{"%-", nil},
		{"%.", []any{1}},
		{"%5.", []any{1}},
		{"%d", nil},
		{"%d %s", []any{1}},
		{"%d", []any{1, "extra", nil, 2.5}},
		{"%s and %s", []any{"a", "b"}},
		{"%s: %d of %d (%q)", []any{netip.MustParsePrefix("10.0.0.0/8"), 3, uint32(7), "x"}},
		{"ü%sü", []any{"é"}},
		{"%é", []any{1}},
		{"%t", []any{true}},
		{"%t", []any{1}},
		{"%d", []any{"not a number"}},
		{"%d", []any{severity(1)}},
		{"%s", []any{42}},
		{"%f", []any{"x"}},
		{"%q", []any{true}},
		{"%w", []any{errors.New("in Sprintf")}},
		{"%w", []any{nil}},
		{"%v", []any{nil}},
		{"%s", []any{nil}},
		{"%1000000000d", []any{1}},
		{"%.40d", []any{-5}},
		{"%040d", []any{-5}},
		{"%-08d|", []any{-5}},
		{"%#02x %#02x", []any{uint8(0x0a), uint8(0xff)}},
		{"U+%04X", []any{rune(0x1b)}},
		{"%.1f s", []any{1.25}},
		{"%.1f s", []any{0.05}},
	}
	for _, tt := range tests {
		want := fmt.Sprintf(tt.format, tt.args...)
		if got := Sprintf(tt.format, tt.args...); !sameAsFmt(got, want) {
			t.Errorf("Sprintf(%q, %#v) = %q, fmt writes %q", tt.format, tt.args, got, want)
		}
		var b strings.Builder
		n, err := Fprintf(&b, tt.format, tt.args...)
		if want := fmt.Sprintf(tt.format, tt.args...); err != nil || n != b.Len() || !sameAsFmt(b.String(), want) {
			t.Errorf("Fprintf(%q) = %q, %d, %v; fmt writes %q", tt.format, b.String(), n, err, want)
		}
	}
}

func TestErrorfParity(t *testing.T) {
	base := errors.New("base")
	other := &errPtr{"other"}
	tests := []struct {
		format string
		args   []any
	}{
		{"no wrap: %s", []any{base}},
		{"wrap: %w", []any{base}},
		{"wrap nil: %w", []any{nil}},
		{"wrap a string: %w", []any{"text"}},
		{"two: %w and %w", []any{base, other}},
		{"twice the same: %w, %w", []any{base, base}},
		{"mixed: %w and %d", []any{other, 3}},
		{"missing: %w", nil},
	}
	for _, tt := range tests {
		want := fmt.Errorf(tt.format, tt.args...)
		got := Errorf(tt.format, tt.args...)
		if got.Error() != want.Error() {
			t.Errorf("Errorf(%q).Error() = %q, fmt: %q", tt.format, got.Error(), want.Error())
		}
		for _, target := range []error{base, other} {
			if errors.Is(got, target) != errors.Is(want, target) {
				t.Errorf("Errorf(%q): errors.Is(_, %v) = %v, fmt: %v", tt.format, target, errors.Is(got, target), errors.Is(want, target))
			}
		}
		var gotPtr, wantPtr *errPtr
		if errors.As(got, &gotPtr) != errors.As(want, &wantPtr) || gotPtr != wantPtr {
			t.Errorf("Errorf(%q): errors.As gives %v, fmt: %v", tt.format, gotPtr, wantPtr)
		}
		_, gotOne := got.(interface{ Unwrap() error })
		_, wantOne := want.(interface{ Unwrap() error })
		_, gotMany := got.(interface{ Unwrap() []error })
		_, wantMany := want.(interface{ Unwrap() []error })
		if gotOne != wantOne || gotMany != wantMany {
			t.Errorf("Errorf(%q): Unwrap forms (one %v, many %v), fmt (one %v, many %v)", tt.format, gotOne, gotMany, wantOne, wantMany)
		}
		if gotOne && errors.Unwrap(got) != errors.Unwrap(want) {
			t.Errorf("Errorf(%q): Unwrap() = %v, fmt: %v", tt.format, errors.Unwrap(got), errors.Unwrap(want))
		}
	}
}

func FuzzSprintfString(f *testing.F) {
	for _, s := range []string{"", "a", "\x00", "\xff", "é", "`", "\"\\"} {
		f.Add(s, uint8(0))
	}
	fs := formats()
	f.Fuzz(func(t *testing.T, s string, which uint8) {
		format := fs[int(which)%len(fs)]
		for _, arg := range []any{s, []byte(s), namedString(s), errors.New(s)} {
			if got, want := Sprintf(format, arg), fmt.Sprintf(format, arg); !sameAsFmt(got, want) {
				t.Errorf("Sprintf(%q, %#v) = %q, fmt writes %q", format, arg, got, want)
			}
		}
	})
}

func FuzzSprintfNumber(f *testing.F) {
	f.Add(int64(0), 0.0, uint8(0))
	f.Add(int64(-1), -1.5, uint8(7))
	f.Add(int64(math.MinInt64), math.Inf(1), uint8(200))
	fs := formats()
	f.Fuzz(func(t *testing.T, i int64, x float64, which uint8) {
		format := fs[int(which)%len(fs)]
		for _, arg := range []any{i, int32(i), uint64(i), uint32(i), uint8(i), rune(i), x, float32(x)} {
			if skipFloat(format, arg) {
				continue
			}
			if got, want := Sprintf(format, arg), fmt.Sprintf(format, arg); !sameAsFmt(got, want) {
				t.Errorf("Sprintf(%q, %#v) = %q, fmt writes %q", format, arg, got, want)
			}
		}
	})
}

// BenchmarkSprintf compares fmtlite with fmt on the shapes of the code
// base's messages, interleaved in one loop: fmt is the anchor.
func BenchmarkSprintf(b *testing.B) {
	p := netip.MustParsePrefix("10.20.0.0/16")
	calls := []struct {
		format string
		args   []any
	}{
		{"segment %q (%s) overlaps %s", []any{"idc-1", p, "vpc subnet sn-3"}},
		{"%d of %d blocks", []any{1234, uint32(65000)}},
		{"the byte %#02x at byte %d", []any{uint8(0xfe), 17}},
	}
	for _, c := range calls {
		b.Run(c.format, func(b *testing.B) {
			var lite, std int64
			for b.Loop() {
				start := nanotime()
				_ = Sprintf(c.format, c.args...)
				mid := nanotime()
				_ = fmt.Sprintf(c.format, c.args...)
				lite += mid - start
				std += nanotime() - mid
			}
			b.ReportMetric(float64(lite)/float64(b.N), "fmtlite-ns/op")
			b.ReportMetric(float64(std)/float64(b.N), "fmt-ns/op")
			b.ReportMetric(float64(lite)/float64(std), "fmtlite/fmt")
		})
	}
}

var start = time.Now()

func nanotime() int64 { return int64(time.Since(start)) }
