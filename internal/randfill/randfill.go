// Package randfill fills Go values with random contents by reflection
// (test-only machinery): the parity tests of pkg/jsonenc's output against
// encoding/json's run it over the plan and the wasm API's result types, so
// that every field, nil and empty lists and maps, absent pointers and
// awkward strings are written by both encoders, not only the values the
// examples happen to hold.
package randfill

import (
	"math"
	"math/rand/v2"
	"net/netip"
	"reflect"
)

// Filler fills values. Its limits bound the work: a recursive type stops at
// MaxDepth, lists and maps hold at most MaxLen elements.
type Filler struct {
	Rand     *rand.Rand
	MaxLen   int
	MaxDepth int
}

// New returns a Filler with the given seed and modest limits.
func New(seed uint64) *Filler {
	return &Filler{Rand: rand.New(rand.NewPCG(seed, 2026)), MaxLen: 4, MaxDepth: 12}
}

// Value returns a random T.
func Value[T any](f *Filler) T {
	var v T
	f.Fill(reflect.ValueOf(&v).Elem())
	return v
}

// Fill sets v (settable) to random contents.
func (f *Filler) Fill(v reflect.Value) { f.fill(v, 0) }

// texts are what strings are drawn from: what encoding/json escapes
// (HTML characters, control characters, U+2028, invalid UTF-8) beside
// plain words and other scripts.
var texts = []string{
	"", "a", "seg-1", "Direct Connection", "<script>alert(1)</script>", "a&b", "tab\there", "new\nline",
	"quote\"back\\slash", "\u2028\u2029", "\x00\x01\x1f\x7f", "bad\xffutf8", "\xed\xa0\x80", "é中𝄞",
	"10.0.0.0/8", "$.idc.segments[3].cidr", "\ufffd", "\u00a0nbsp",
}

var addrs = []netip.Addr{
	{}, netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("192.0.2.255"), netip.MustParseAddr("::"),
	netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("::ffff:10.1.2.3"), netip.MustParseAddr("fe80::1%eth0"),
}

func (f *Filler) fill(v reflect.Value, depth int) {
	r := f.Rand
	switch v.Type() {
	case reflect.TypeFor[netip.Addr]():
		v.Set(reflect.ValueOf(addrs[r.IntN(len(addrs))]))
		return
	case reflect.TypeFor[netip.Prefix]():
		a := addrs[r.IntN(len(addrs))]
		// Lengths past the address's size make an invalid Prefix, which
		// still marshals (as "invalid Prefix").
		v.Set(reflect.ValueOf(netip.PrefixFrom(a.WithZone(""), r.IntN(a.BitLen()+2))))
		return
	}
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 1)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(f.int64(v.Type().Bits()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		v.SetUint(uint64(f.int64(v.Type().Bits())) >> (64 - v.Type().Bits()))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(f.float(v.Type().Bits()))
	case reflect.String:
		v.SetString(texts[r.IntN(len(texts))])
	case reflect.Pointer:
		if depth >= f.MaxDepth || r.IntN(4) == 0 {
			v.SetZero()
			return
		}
		p := reflect.New(v.Type().Elem())
		f.fill(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		n, ok := f.length(depth)
		if !ok {
			v.SetZero()
			return
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			f.fill(s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Array:
		for i := range v.Len() {
			f.fill(v.Index(i), depth+1)
		}
	case reflect.Map:
		n, ok := f.length(depth)
		if !ok {
			v.SetZero()
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), n)
		for range n {
			k := reflect.New(v.Type().Key()).Elem()
			e := reflect.New(v.Type().Elem()).Elem()
			f.fill(k, depth+1)
			f.fill(e, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				f.fill(v.Field(i), depth+1)
			}
		}
	case reflect.Interface:
		if v.NumMethod() > 0 || depth >= f.MaxDepth || r.IntN(3) == 0 {
			v.SetZero()
			return
		}
		var e reflect.Value
		switch r.IntN(5) {
		case 0:
			e = reflect.New(reflect.TypeFor[string]()).Elem()
		case 1:
			e = reflect.New(reflect.TypeFor[float64]()).Elem()
		case 2:
			e = reflect.New(reflect.TypeFor[[]any]()).Elem()
		case 3:
			e = reflect.New(reflect.TypeFor[map[string]any]()).Elem()
		default:
			e = reflect.New(reflect.TypeFor[netip.Prefix]()).Elem()
		}
		f.fill(e, depth+1)
		v.Set(e)
	}
}

// length is a list's or a map's: nil (ok false), empty or up to MaxLen.
func (f *Filler) length(depth int) (int, bool) {
	if depth >= f.MaxDepth {
		return 0, false
	}
	switch f.Rand.IntN(5) {
	case 0:
		return 0, false
	case 1:
		return 0, true
	}
	return 1 + f.Rand.IntN(f.MaxLen), true
}

// int64 is a value of a signed integer of the given bits: small ones,
// the limits, and anything between.
func (f *Filler) int64(bits int) int64 {
	lo, hi := int64(-1)<<(bits-1), int64(uint64(1)<<(bits-1)-1)
	switch f.Rand.IntN(5) {
	case 0:
		return int64(f.Rand.IntN(10))
	case 1:
		return lo
	case 2:
		return hi
	case 3:
		return -int64(f.Rand.IntN(1000))
	}
	return int64(f.Rand.Uint64()) >> (64 - bits)
}

// float is a finite float of the given bits, often near encoding/json's
// switches between plain and exponent form.
func (f *Filler) float(bits int) float64 {
	near := []float64{0, 1e-6, 1e-7, 1e21, 1e20, 0.1, 1.0 / 3, 100, -2.5}
	for {
		var x float64
		switch f.Rand.IntN(3) {
		case 0:
			x = near[f.Rand.IntN(len(near))] * (1 + (f.Rand.Float64()-0.5)*1e-9)
		case 1:
			x = math.Float64frombits(f.Rand.Uint64())
		default:
			x = (f.Rand.Float64() - 0.5) * math.Pow(10, float64(f.Rand.IntN(60)-30))
		}
		if bits == 32 {
			x = float64(float32(x))
		}
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			return x
		}
	}
}
