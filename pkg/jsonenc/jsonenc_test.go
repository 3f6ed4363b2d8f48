package jsonenc_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"net/netip"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/pkg/jsonenc"
)

// Types that exercise what encoding/json does with tags, embedding, methods
// and kinds. The result types of the wasm API use a subset of this.

type tags struct {
	Renamed   string            `json:"renamed"`
	Plain     int               // no tag: the Go name
	Skipped   string            `json:"-"`
	Dash      string            `json:"-,"` // a member named "-"
	Empty     string            `json:",omitempty"`
	OmitInt   int               `json:"omitInt,omitempty"`
	OmitSlice []int             `json:"omitSlice,omitempty"`
	OmitMap   map[string]int    `json:"omitMap,omitempty"`
	OmitPtr   *int              `json:"omitPtr,omitempty"`
	OmitBool  bool              `json:"omitBool,omitempty"`
	OmitIface any               `json:"omitIface,omitempty"`
	OmitArr   [0]int            `json:"omitArr,omitempty"`
	OmitStr   struct{}          `json:"omitStruct,omitempty"` // never empty
	Quoted    int               `json:"quoted,string"`
	QuotedS   string            `json:"quotedS,string"`
	QuotedB   bool              `json:"quotedB,string"`
	QuotedF   float64           `json:"quotedF,string"`
	QuotedP   *int              `json:"quotedP,string"`
	QuotedX   []int             `json:"quotedX,string"` // not a kind the option applies to
	HTMLName  string            `json:"a<b>&c"`
	BadTag    string            `json:"bad\"tag"` // invalid: the Go name
	Both      string            `json:"both,omitempty,string"`
	Unicode   string            `json:"ünï"`
	Nested    *tags             `json:"nested,omitempty"`
	Map       map[string]string `json:"map"`
	unexp     int
}

type zeroByValue struct{ N int }

func (z zeroByValue) IsZero() bool { return z.N == 7 }

type zeroByPtr struct{ N int }

func (z *zeroByPtr) IsZero() bool { return z.N == 7 }

type isZeroer interface{ IsZero() bool }

type omitZero struct {
	Int    int             `json:"int,omitzero"`
	Struct struct{ A int } `json:"struct,omitzero"`
	Value  zeroByValue     `json:"value,omitzero"`
	ByPtr  zeroByPtr       `json:"byPtr,omitzero"`
	PtrV   *zeroByValue    `json:"ptrV,omitzero"`
	PtrP   *zeroByPtr      `json:"ptrP,omitzero"`
	Iface  isZeroer        `json:"iface,omitzero"`
	Addr   netip.Addr      `json:"addr,omitzero"`
	Prefix netip.Prefix    `json:"prefix,omitzero"`
	Slice  []int           `json:"slice,omitzero"` // empty but not nil: written
	Both   []int           `json:"both,omitempty,omitzero"`
}

type Inner struct {
	A int    `json:"a"`
	B string `json:"b"`
	C int
}

type inner2 struct {
	A int `json:"a"`
	D int `json:"d"`
}

type Tagged struct {
	X int `json:"x"`
}

type embedded struct {
	Inner                   // promoted; its "a" ties with inner2's "a" at depth 1: both hidden
	*inner2                 // unexported, embedded by pointer: still promoted
	Tagged  `json:"tagged"` // a name in the tag: a member, not promoted
	C       int             // shallower than Inner.C: wins
	B       string          `json:"b,omitempty"`
}

type deepA struct{ Inner }
type deepB struct {
	deepA
	Inner2 Inner `json:"a"` // depth 0 "a" beats the promoted ones
}

// text marshals by value; ptrText by pointer only.
type text struct{ S string }

func (t text) MarshalText() ([]byte, error) { return []byte("<" + t.S + ">"), nil }

type ptrText struct{ S string }

func (t *ptrText) MarshalText() ([]byte, error) { return []byte("p:" + t.S), nil }

type textKey int

func (k textKey) MarshalText() ([]byte, error) { return []byte("k" + strings.Repeat("x", int(k))), nil }

type named string

type texts struct {
	Val     text
	ValPtr  *text
	NilPtr  *text
	ByPtr   ptrText  // addressable inside a pointer: MarshalText; else its fields
	ByPtrP  *ptrText // always MarshalText
	Arr     [2]ptrText
	Slice   []ptrText // slice elements are addressable
	Map     map[string]ptrText
	Addrs   []netip.Addr
	NilAddr *netip.Addr
	Prefix  netip.Prefix
	Iface   any
}

type maps struct {
	Str    map[string]int
	Named  map[named]int
	Int    map[int]string
	Int8   map[int8]bool
	Uint   map[uint16]string
	Text   map[textKey]int
	Addr   map[netip.Addr]string
	Nil    map[string]int
	Empty  map[string]int
	Nested map[string]map[string][]int
}

type kinds struct {
	B    bool
	I    int
	I8   int8
	I16  int16
	I32  int32
	I64  int64
	U    uint
	U8   uint8
	U16  uint16
	U32  uint32
	U64  uint64
	Uptr uintptr
	F32  float32
	F64  float64
	S    string
	Ns   named
	Bs   []byte
	NBs  []byte
	Arr  [3]byte
	Ifc  any
	NIfc any
	Err  error
	PP   **int
}

func ptr[T any](v T) *T { return &v }

func parityValues() []struct {
	name string
	v    any
} {
	seven := 7
	big := map[string]int{}
	bigInt := map[int]bool{}
	for i := range 700 {
		big[strings.Repeat("k", i%5)+string(rune('a'+i*7919%26))+string(rune(0x400+i))] = i
		bigInt[(i*7919)%1000-500] = i%2 == 0
	}
	self := &tags{Renamed: "outer"}
	self.Nested = &tags{Renamed: "inner", Map: map[string]string{}}
	return []struct {
		name string
		v    any
	}{
		{"nil", nil},
		{"true", true},
		{"int", -42},
		{"string", "a<b>&\u2028\u2029\x00\x1f\x7f\"\\\t\n\r\b\f"},
		{"invalid utf8", "a\xffb\xc3(\xed\xa0\x80z"},
		{"bytes", []byte("hello, world")},
		{"nil bytes", []byte(nil)},
		{"tags zero", tags{}},
		{"tags full", tags{
			Renamed: "r", Plain: 1, Skipped: "s", Dash: "d", Empty: "e", OmitInt: 2,
			OmitSlice: []int{}, OmitMap: map[string]int{"a": 1}, OmitPtr: &seven,
			OmitBool: true, OmitIface: 0, Quoted: 3, QuotedS: `q"<`, QuotedB: true,
			QuotedF: 1.5, QuotedP: &seven, QuotedX: []int{1}, HTMLName: "h", BadTag: "b",
			Both: "x", Unicode: "u", Map: map[string]string{"z": "1", "a": "2"}, unexp: 9}},
		{"tags nested", self},
		{"omitzero zero", omitZero{}},
		{"omitzero IsZero true", omitZero{Value: zeroByValue{7}, ByPtr: zeroByPtr{7},
			PtrV: &zeroByValue{7}, PtrP: &zeroByPtr{7}, Iface: zeroByValue{7}}},
		{"omitzero IsZero true, addressable", &omitZero{Value: zeroByValue{7}, ByPtr: zeroByPtr{7}}},
		{"omitzero nil pointer in interface", omitZero{Iface: (*zeroByPtr)(nil)}},
		{"omitzero set", omitZero{Int: 1, Struct: struct{ A int }{1}, Value: zeroByValue{},
			ByPtr: zeroByPtr{1}, PtrV: &zeroByValue{}, PtrP: &zeroByPtr{}, Iface: zeroByValue{1},
			Addr: netip.MustParseAddr("10.0.0.1"), Prefix: netip.MustParsePrefix("2001:db8::/32"),
			Slice: []int{}, Both: []int{}}},
		{"embedded nil pointer", embedded{Inner: Inner{A: 1, B: "b", C: 2}, Tagged: Tagged{X: 3}, C: 4}},
		{"embedded pointer set", &embedded{Inner: Inner{A: 1}, inner2: &inner2{A: 2, D: 5}, B: "top"}},
		{"embedded depth", deepB{deepA: deepA{Inner{A: 1, B: "x", C: 2}}, Inner2: Inner{A: 9}}},
		{"texts zero", texts{}},
		{"texts set", texts{Val: text{"v"}, ValPtr: &text{"vp"}, ByPtr: ptrText{"bp"},
			ByPtrP: &ptrText{"bpp"}, Arr: [2]ptrText{{"a0"}, {"a1"}}, Slice: []ptrText{{"s0"}},
			Map:    map[string]ptrText{"m": {"mv"}},
			Addrs:  []netip.Addr{netip.MustParseAddr("192.0.2.1"), {}, netip.MustParseAddr("::ffff:1.2.3.4"), netip.MustParseAddr("fe80::1%eth0")},
			Prefix: netip.MustParsePrefix("10.0.0.0/8"), Iface: ptrText{"iface"}}},
		{"texts addressable", &texts{ByPtr: ptrText{"bp"}, Arr: [2]ptrText{{"a0"}, {"a1"}}}},
		{"text in interface by pointer", any(&ptrText{"x"})},
		{"maps zero", maps{}},
		{"maps set", maps{
			Str:    map[string]int{"b": 1, "a": 2, "": 3, "<": 4, "\xff": 5, "é": 6, "B": 7},
			Named:  map[named]int{"y": 1, "x": 2},
			Int:    map[int]string{-1: "m", 10: "t", 2: "two", 0: "z"},
			Int8:   map[int8]bool{-128: true, 127: false},
			Uint:   map[uint16]string{65535: "max", 9: "nine", 10: "ten"},
			Text:   map[textKey]int{3: 3, 1: 1, 0: 0},
			Addr:   map[netip.Addr]string{netip.MustParseAddr("10.0.0.2"): "b", netip.MustParseAddr("10.0.0.10"): "a", {}: "zero"},
			Empty:  map[string]int{},
			Nested: map[string]map[string][]int{"x": {"y": nil, "z": {}}, "w": nil}}},
		{"large maps (heap sort)", []any{big, bigInt}},
		{"kinds zero", kinds{}},
		{"kinds set", kinds{B: true, I: math.MinInt64, I8: -8, I16: -16, I32: math.MinInt32, I64: math.MaxInt64,
			U: math.MaxUint64, U8: 255, U16: 65535, U32: math.MaxUint32, U64: 1 << 63, Uptr: 77,
			F32: 3.4e38, F64: 1e21, S: "s", Ns: "named", Bs: []byte{0, 1, 2, 255}, NBs: []byte{},
			Arr: [3]byte{1, 2, 3}, Ifc: map[string]any{"k": []any{1, "two", 3.5, nil, true}},
			Err: errors.New("an error"), PP: ptr(ptr(5))}},
		{"floats", []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e-6, 1e-7, 9.999999e-7, 1e20, 1e21, 123456789012345678901234.0,
			math.MaxFloat64, math.SmallestNonzeroFloat64, 5e-324, 1.0000000000000002, 100, 1e-9, -2.5e-10}},
		{"float32s", []float32{0, 1e-6, 1e-7, 9.99e-7, 1e20, 1e21, math.MaxFloat32, math.SmallestNonzeroFloat32, 0.1, 16777216}},
		{"array of pointers", [3]*int{nil, &seven, nil}},
		{"slice of any", []any{nil, 1, "s", []int(nil), map[string]int(nil), &seven, tags{}}},
		{"empty struct", struct{}{}},
		{"anonymous struct", struct {
			A int `json:"a"`
			b int
		}{1, 2}},
	}
}

// TestParity compares Marshal, MarshalIndent and an indented Encoder's
// output with encoding/json's, byte for byte.
func TestParity(t *testing.T) {
	enc := new(jsonenc.Encoder)
	for _, c := range parityValues() {
		t.Run(c.name, func(t *testing.T) {
			want, werr := json.Marshal(c.v)
			if werr != nil {
				t.Fatalf("encoding/json: %v", werr)
			}
			got, err := enc.Marshal(c.v)
			if err != nil {
				t.Fatalf("jsonenc: %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Marshal\n got  %s\n want %s", got, want)
			}
			for _, ind := range []struct{ prefix, indent string }{{"", "  "}, {"> ", "\t"}, {"", ""}} {
				want, _ := json.MarshalIndent(c.v, ind.prefix, ind.indent)
				got, err := enc.MarshalIndent(c.v, ind.prefix, ind.indent)
				if err != nil || !bytes.Equal(got, want) {
					t.Errorf("MarshalIndent(%q, %q): %v\n got  %s\n want %s", ind.prefix, ind.indent, err, got, want)
				}
			}
			var buf bytes.Buffer
			je := json.NewEncoder(&buf)
			je.SetIndent("", "  ")
			if err := je.Encode(c.v); err != nil {
				t.Fatal(err)
			}
			got, _ = jsonenc.MarshalIndent(c.v, "", "  ")
			if got = append(got, '\n'); !bytes.Equal(got, buf.Bytes()) {
				t.Errorf("MarshalIndent and a newline differ from an indented json.Encoder:\n got  %s\n want %s", got, buf.Bytes())
			}
		})
	}
}

type withMarshalJSON struct{ A int }

func (withMarshalJSON) MarshalJSON() ([]byte, error) { return []byte(`"custom"`), nil }

type withPtrMarshalJSON struct{ A int }

func (*withPtrMarshalJSON) MarshalJSON() ([]byte, error) { return []byte(`"custom"`), nil }

type badText struct{}

func (badText) MarshalText() ([]byte, error) { return nil, errors.New("no text") }

type cycle struct {
	Next *cycle `json:"next"`
}

// TestErrors checks what jsonenc refuses: values encoding/json refuses too
// (NaN, infinities, channels, functions, complex numbers, a failing
// MarshalText) and what jsonenc refuses on its own: MarshalJSON, and
// nesting deeper than MaxDepth, which ends a cycle.
func TestErrors(t *testing.T) {
	loop := &cycle{}
	loop.Next = loop
	selfMap := map[string]any{}
	selfMap["me"] = selfMap
	selfSlice := []any{nil}
	selfSlice[0] = selfSlice
	var deep any = 1
	for range jsonenc.MaxDepth + 1 {
		inner := deep
		deep = &inner
	}
	var deepOK any = 1
	for range jsonenc.MaxDepth / 2 {
		deepOK = []any{deepOK}
	}
	for _, c := range []struct {
		name string
		v    any
		want string // in the error's message
		json bool   // encoding/json fails too
		is   error
	}{
		{"NaN", math.NaN(), "unsupported value: NaN", true, nil},
		{"+Inf in a struct", struct{ F float64 }{math.Inf(1)}, "unsupported value: +Inf", true, nil},
		{"-Inf float32", []float32{float32(math.Inf(-1))}, "unsupported value: -Inf", true, nil},
		{"channel", struct{ C chan int }{make(chan int)}, "unsupported type: chan int", true, nil},
		{"function", func() {}, "unsupported type: func()", true, nil},
		{"complex", complex(1, 2), "unsupported type: complex128", true, nil},
		{"map key", map[[2]int]int{{1, 2}: 3}, "unsupported type: map[[2]int]int", true, nil},
		{"MarshalText error", []badText{{}}, "error calling MarshalText for type jsonenc_test.badText: no text", true, nil},
		{"MarshalJSON", withMarshalJSON{}, "jsonenc_test.withMarshalJSON implements MarshalJSON", false, nil},
		{"MarshalJSON in a field", struct{ M *withMarshalJSON }{}, "*jsonenc_test.withMarshalJSON implements MarshalJSON", false, nil},
		{"pointer MarshalJSON", []withPtrMarshalJSON{{}}, "jsonenc_test.withPtrMarshalJSON implements MarshalJSON", false, nil},
		{"json.RawMessage", json.RawMessage(`{}`), "json.RawMessage implements MarshalJSON", false, nil},
		{"json.Number", json.Number("1"), "json.Number is not supported", false, nil},
		{"pointer cycle", loop, "nested deeper than 1000", true, jsonenc.ErrDepth},
		{"map cycle", selfMap, "nested deeper than 1000", true, jsonenc.ErrDepth},
		{"slice cycle", selfSlice, "nested deeper than 1000", true, jsonenc.ErrDepth},
		{"deep pointers", deep, "nested deeper than 1000", false, jsonenc.ErrDepth},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, jerr := json.Marshal(c.v)
			if (jerr != nil) != c.json {
				t.Errorf("encoding/json's error %v, want an error: %v", jerr, c.json)
			}
			for _, marshal := range []func(any) ([]byte, error){
				jsonenc.Marshal,
				func(v any) ([]byte, error) { return jsonenc.MarshalIndent(v, "", "  ") },
			} {
				out, err := marshal(c.v)
				if err == nil {
					t.Fatalf("no error, wrote %s", out)
				}
				if out != nil {
					t.Errorf("wrote %q beside the error", out)
				}
				if !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "jsonenc: ") {
					t.Errorf("error %q, want it to contain %q", err, c.want)
				}
				var je *jsonenc.Error
				if !errors.As(err, &je) || je.Type == nil {
					t.Errorf("error %T %v is not a *jsonenc.Error naming its type", err, err)
				}
				if c.is != nil && !errors.Is(err, c.is) {
					t.Errorf("error %v is not %v", err, c.is)
				}
			}
		})
	}
	t.Run("MarshalJSON message", func(t *testing.T) {
		_, err := jsonenc.Marshal(withMarshalJSON{})
		want := "jsonenc: the type jsonenc_test.withMarshalJSON implements MarshalJSON, which jsonenc does not call, so it would write something else than encoding/json; remove the method or marshal the value with encoding/json"
		if err == nil || err.Error() != want {
			t.Errorf("error %v\nwant %s", err, want)
		}
	})
	t.Run("deep but within MaxDepth", func(t *testing.T) {
		want, _ := json.Marshal(deepOK)
		got, err := jsonenc.Marshal(deepOK)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("got %.40s… %v, want %.40s…", got, err, want)
		}
	})
	t.Run("encoder usable after an error", func(t *testing.T) {
		enc := new(jsonenc.Encoder)
		if _, err := enc.Marshal(loop); err == nil {
			t.Fatal("no error")
		}
		got, err := enc.Marshal(&cycle{Next: &cycle{}})
		if want := `{"next":{"next":null}}`; err != nil || string(got) != want {
			t.Errorf("got %s %v, want %s", got, err, want)
		}
	})
}

// TestAppend keeps what is already in the buffer, also on an error.
func TestAppend(t *testing.T) {
	enc := new(jsonenc.Encoder)
	got, err := enc.Append([]byte("x="), []int{1})
	if err != nil || string(got) != "x=[1]" {
		t.Errorf("got %q %v", got, err)
	}
	got, err = enc.Append([]byte("x="), math.NaN())
	if err == nil || string(got) != "x=" {
		t.Errorf("got %q %v, want x= and an error", got, err)
	}
}

// TestConcurrent uses one Encoder from several goroutines (run with -race):
// the bridge shares one between calls.
func TestConcurrent(t *testing.T) {
	enc := new(jsonenc.Encoder)
	values := parityValues()
	done := make(chan error)
	for g := range 4 {
		go func() {
			for i := range values {
				c := values[(i+g)%len(values)]
				want, _ := json.Marshal(c.v)
				got, err := enc.Marshal(c.v)
				if err != nil || !bytes.Equal(got, want) {
					done <- errors.New(c.name + ": differs")
					return
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// FuzzString compares the writing of arbitrary bytes as a Go string (a
// value, a map key, a field name is not data) and as a []byte with
// encoding/json's.
func FuzzString(f *testing.F) {
	for _, s := range []string{"", "plain", "<script>&amp;", "\u2028\u2029", "\x00\x01\x1f\x7f", "\xff\xfe", "\xed\xa0\x80", "é中𝄞", `"\`, "\xe2\x80", "a\xe2\x80\xa8b"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s := string(b)
		for _, v := range []any{
			s,
			map[string]string{s: s, "k": s},
			struct {
				S string `json:"s"`
				Q string `json:"q,string"`
			}{s, s},
			[]any{s, b},
		} {
			want, werr := json.Marshal(v)
			got, err := jsonenc.Marshal(v)
			if werr != nil || err != nil {
				t.Fatalf("errors: encoding/json %v, jsonenc %v", werr, err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("%q:\n got  %s\n want %s", s, got, want)
			}
			wantI, _ := json.MarshalIndent(v, "", "  ")
			gotI, _ := jsonenc.MarshalIndent(v, "", "  ")
			if !bytes.Equal(gotI, wantI) {
				t.Fatalf("%q indented:\n got  %s\n want %s", s, gotI, wantI)
			}
		}
	})
}

// FuzzFloat compares the writing of every float64 and float32 bit pattern
// with encoding/json's, NaN and infinities included (both refuse them).
func FuzzFloat(f *testing.F) {
	for _, v := range []float64{0, 1, -1, 0.1, 1e-6, 1e-7, 1e21, 1e20, math.MaxFloat64, 5e-324, math.NaN(), math.Inf(1)} {
		f.Add(math.Float64bits(v))
	}
	f.Fuzz(func(t *testing.T, bits uint64) {
		for _, v := range []any{math.Float64frombits(bits), math.Float32frombits(uint32(bits)), math.Float32frombits(uint32(bits >> 32))} {
			want, werr := json.Marshal(v)
			got, err := jsonenc.Marshal(v)
			if (werr != nil) != (err != nil) || !bytes.Equal(got, want) {
				t.Fatalf("%T %v: got %s %v, want %s %v", v, v, got, err, want, werr)
			}
		}
	})
}
