// Package jsonenc writes Go values as JSON, byte for byte as encoding/json's
// Marshal (and its Encoder with SetIndent) writes them, for the types the
// WebAssembly core returns.
//
// It exists for the size of the core: encoding/json pulls fmt, os, time and
// their dependencies into web/hybridplan.wasm (about 50 KB brotli on its own,
// 130 KB together with fmt), and the page's first load must stay under a
// megabyte (issue 14). The wasm bridge (wasm/bridge.go) writes API results
// with it and plan.Encode writes plans with it, so pkg/plan does not import
// encoding/json. Everywhere else (server, CLI, tests) encoding/json stays the
// encoder; the tests here compare the two byte for byte.
//
// What it covers is what encoding/json does without a user's MarshalJSON:
// structs with json tags (renaming, omitempty, omitzero with IsZero methods,
// "-", the string option), embedded structs with encoding/json's rules for
// which field wins, pointers, interfaces, slices, arrays, byte slices
// (base64), maps with string, integer or encoding.TextMarshaler keys in
// sorted order, bools, integers, floats (the ES6 number form, NaN and
// infinities an error), strings with encoding/json's escaping (HTML-safe,
// U+2028 and U+2029, invalid UTF-8 as U+FFFD) and encoding.TextMarshaler
// values with encoding/json's pointer-receiver rules.
//
// A type that implements MarshalJSON is refused with an error: jsonenc does
// not call it (encoding/json does, then compacts and re-escapes the result),
// so it would write something else than encoding/json. json.Number is
// refused for the same reason. A value nested deeper than MaxDepth pointers,
// maps, slices and interfaces is refused too, which ends a cycle with an
// error instead of a hang or a stack overflow.
package jsonenc

import (
	"encoding"
	"encoding/base64"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// MaxDepth bounds how many pointers, maps, slices and interfaces a value may
// nest. The core's results are trees a few levels deep; a deeper value is a
// cycle or a bug, reported as an error (encoding/json instead starts to look
// for cycles after 1,000 levels).
const MaxDepth = 1000

// Error is what Marshal returns when a value cannot be written.
type Error struct {
	// Type is the Go type of the value at fault.
	Type reflect.Type
	msg  string
	err  error
}

func (e *Error) Error() string {
	if e.err != nil {
		return "jsonenc: " + e.msg + ": " + e.err.Error()
	}
	return "jsonenc: " + e.msg
}

// Unwrap returns the error of a MarshalText method, if that is the cause.
func (e *Error) Unwrap() error { return e.err }

// ErrDepth is wrapped by the Error of a value nested deeper than MaxDepth.
var ErrDepth = errors.New("nested deeper than " + strconv.Itoa(MaxDepth) + " pointers, maps, slices and interfaces (a cycle?)")

// Encoder writes values as JSON. It keeps one encoder per type it has met,
// built by reflection once, so a long-lived Encoder (the wasm bridge holds
// one) pays for reflection on types only the first time. The zero value is
// ready to use and safe for concurrent use.
type Encoder struct {
	mu       sync.Mutex
	encoders map[reflect.Type]encoderFunc
	// scratch holds output buffers between calls (*[]byte).
	scratch sync.Pool
}

// Marshal is encoding/json's Marshal, with a fresh Encoder.
func Marshal(v any) ([]byte, error) {
	return new(Encoder).Marshal(v)
}

// MarshalIndent is encoding/json's MarshalIndent, with a fresh Encoder.
func MarshalIndent(v any, prefix, indent string) ([]byte, error) {
	return new(Encoder).MarshalIndent(v, prefix, indent)
}

// Marshal returns v as JSON, what encoding/json's Marshal returns.
func (enc *Encoder) Marshal(v any) ([]byte, error) {
	// Writing into a buffer kept from an earlier call, then copying out,
	// spares the growth of a fresh slice (about half of the time of a
	// result of tens of kilobytes), as encoding/json's pooled buffers do.
	scratch, _ := enc.scratch.Get().(*[]byte)
	if scratch == nil {
		scratch = new([]byte)
	}
	b, err := enc.Append((*scratch)[:0], v)
	var out []byte
	if err == nil {
		out = append([]byte(nil), b...)
	}
	*scratch = b[:0]
	enc.scratch.Put(scratch)
	return out, err
}

// Append appends v as JSON to dst; on an error it returns dst as it was.
func (enc *Encoder) Append(dst []byte, v any) (out []byte, err error) {
	s := state{enc: enc, buf: dst}
	defer func() {
		if r := recover(); r != nil {
			je, ok := r.(*Error)
			if !ok {
				panic(r)
			}
			out, err = dst, je
		}
	}()
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return append(dst, "null"...), nil
	}
	enc.typeEncoder(rv.Type())(&s, rv, false)
	return s.buf, nil
}

// MarshalIndent returns v as indented JSON, what encoding/json's
// MarshalIndent returns.
func (enc *Encoder) MarshalIndent(v any, prefix, indent string) ([]byte, error) {
	b, err := enc.Marshal(v)
	if err != nil {
		return nil, err
	}
	return appendIndent(make([]byte, 0, 2*len(b)), b, prefix, indent), nil
}

// state is one Marshal call's output and nesting depth.
type state struct {
	enc   *Encoder
	buf   []byte
	depth int
}

// encoderFunc appends v; quoted is the field's string option.
type encoderFunc func(s *state, v reflect.Value, quoted bool)

func (s *state) fail(t reflect.Type, msg string, err error) {
	panic(&Error{Type: t, msg: msg, err: err})
}

// enter counts one level of nesting and fails past MaxDepth.
func (s *state) enter(t reflect.Type) {
	if s.depth++; s.depth > MaxDepth {
		s.fail(t, "a value of type "+t.String()+" is", ErrDepth)
	}
}

// typeEncoder returns t's encoder, building it (and those of the types it
// holds) on first use.
func (enc *Encoder) typeEncoder(t reflect.Type) encoderFunc {
	enc.mu.Lock()
	defer enc.mu.Unlock()
	return enc.typeEncoderLocked(t)
}

func (enc *Encoder) typeEncoderLocked(t reflect.Type) encoderFunc {
	if f, ok := enc.encoders[t]; ok {
		return f
	}
	if enc.encoders == nil {
		enc.encoders = map[reflect.Type]encoderFunc{}
	}
	// A recursive type meets itself while its encoder is built: it gets
	// this indirection, which reads the finished encoder when it runs
	// (always after the lock that built it was released).
	var built encoderFunc
	enc.encoders[t] = func(s *state, v reflect.Value, quoted bool) { built(s, v, quoted) }
	built = enc.newTypeEncoder(t, true)
	enc.encoders[t] = built
	return built
}

// The interfaces encoding/json looks for. Declared here with the same
// methods, so that jsonenc need not import encoding/json.
type (
	jsonMarshaler interface {
		MarshalJSON() ([]byte, error)
	}
	isZeroer interface {
		IsZero() bool
	}
)

var (
	jsonMarshalerType = reflect.TypeFor[jsonMarshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	isZeroerType      = reflect.TypeFor[isZeroer]()
)

// newTypeEncoder follows encoding/json's newTypeEncoder: allowAddr is false
// for the encoder used when a value whose pointer has MarshalText is not
// addressable.
func (enc *Encoder) newTypeEncoder(t reflect.Type, allowAddr bool) encoderFunc {
	if t.Implements(jsonMarshalerType) || t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(jsonMarshalerType) {
		return refuse(t, "the type "+t.String()+" implements MarshalJSON, which jsonenc does not call, so it would write something else than encoding/json; remove the method or marshal the value with encoding/json")
	}
	if t.PkgPath() == "encoding/json" && t.Name() == "Number" {
		return refuse(t, "json.Number is not supported by jsonenc; use a float64 or an integer")
	}
	if t.Kind() != reflect.Pointer && allowAddr && reflect.PointerTo(t).Implements(textMarshalerType) {
		addr, other := addrTextMarshalerEncoder, enc.newTypeEncoder(t, false)
		return func(s *state, v reflect.Value, quoted bool) {
			if v.CanAddr() {
				addr(s, v, quoted)
			} else {
				other(s, v, quoted)
			}
		}
	}
	if t.Implements(textMarshalerType) {
		return textMarshalerEncoder
	}
	switch t.Kind() {
	case reflect.Bool:
		return boolEncoder
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return intEncoder
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return uintEncoder
	case reflect.Float32:
		return float32Encoder
	case reflect.Float64:
		return float64Encoder
	case reflect.String:
		return stringEncoder
	case reflect.Interface:
		return interfaceEncoder
	case reflect.Struct:
		return enc.newStructEncoder(t)
	case reflect.Map:
		return enc.newMapEncoder(t)
	case reflect.Slice:
		return enc.newSliceEncoder(t)
	case reflect.Array:
		return enc.newArrayEncoder(t)
	case reflect.Pointer:
		return enc.newPtrEncoder(t)
	default:
		return refuse(t, "unsupported type: "+t.String())
	}
}

// refuse is the encoder of a type jsonenc does not write: it fails when a
// value of the type is met, as encoding/json fails on a channel only when
// it meets one.
func refuse(t reflect.Type, msg string) encoderFunc {
	return func(s *state, v reflect.Value, _ bool) {
		s.fail(t, msg, nil)
	}
}

func textMarshalerEncoder(s *state, v reflect.Value, _ bool) {
	if v.Kind() == reflect.Pointer && v.IsNil() {
		s.buf = append(s.buf, "null"...)
		return
	}
	m, ok := reflect.TypeAssert[encoding.TextMarshaler](v)
	if !ok {
		// An interface-kind value whose dynamic value is nil.
		s.buf = append(s.buf, "null"...)
		return
	}
	s.appendText(v.Type(), m)
}

func addrTextMarshalerEncoder(s *state, v reflect.Value, _ bool) {
	m, _ := reflect.TypeAssert[encoding.TextMarshaler](v.Addr())
	s.appendText(v.Type(), m)
}

func (s *state) appendText(t reflect.Type, m encoding.TextMarshaler) {
	b, err := m.MarshalText()
	if err != nil {
		s.fail(t, "error calling MarshalText for type "+t.String(), err)
	}
	// b is not kept or changed after this: a string view of it saves a
	// copy per netip value.
	s.buf = appendString(s.buf, unsafe.String(unsafe.SliceData(b), len(b)))
}

func boolEncoder(s *state, v reflect.Value, quoted bool) {
	s.buf = mayQuote(s.buf, quoted)
	s.buf = strconv.AppendBool(s.buf, v.Bool())
	s.buf = mayQuote(s.buf, quoted)
}

func intEncoder(s *state, v reflect.Value, quoted bool) {
	s.buf = mayQuote(s.buf, quoted)
	s.buf = strconv.AppendInt(s.buf, v.Int(), 10)
	s.buf = mayQuote(s.buf, quoted)
}

func uintEncoder(s *state, v reflect.Value, quoted bool) {
	s.buf = mayQuote(s.buf, quoted)
	s.buf = strconv.AppendUint(s.buf, v.Uint(), 10)
	s.buf = mayQuote(s.buf, quoted)
}

func mayQuote(b []byte, quoted bool) []byte {
	if quoted {
		b = append(b, '"')
	}
	return b
}

func float32Encoder(s *state, v reflect.Value, quoted bool) {
	s.appendFloat(v.Type(), v.Float(), 32, quoted)
}

func float64Encoder(s *state, v reflect.Value, quoted bool) {
	s.appendFloat(v.Type(), v.Float(), 64, quoted)
}

// appendFloat writes f as encoding/json does: like an ES6 number's
// conversion to a string, with 'e' form below 1e-6 and from 1e21, and
// exponents not padded to two digits.
func (s *state) appendFloat(t reflect.Type, f float64, bits int, quoted bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		s.fail(t, "unsupported value: "+strconv.FormatFloat(f, 'g', -1, bits), nil)
	}
	s.buf = appendFloat(mayQuote(s.buf, quoted), f, bits)
	s.buf = mayQuote(s.buf, quoted)
}

// appendFloat appends f (of bits 32 or 64) as encoding/json writes a
// finite float.
func appendFloat(b []byte, f float64, bits int) []byte {
	abs := math.Abs(f)
	format := byte('f')
	// Compare as float32 for a float32, or the cutoffs are off.
	if abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	b = strconv.AppendFloat(b, f, format, -1, bits)
	if format == 'e' {
		// e-09 becomes e-9.
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

func stringEncoder(s *state, v reflect.Value, quoted bool) {
	if quoted {
		// The string option writes the JSON string as a JSON string.
		s.buf = appendString(s.buf, string(appendString(nil, v.String())))
		return
	}
	s.buf = appendString(s.buf, v.String())
}

func interfaceEncoder(s *state, v reflect.Value, _ bool) {
	if v.IsNil() {
		s.buf = append(s.buf, "null"...)
		return
	}
	s.enter(v.Type())
	e := v.Elem()
	s.enc.typeEncoder(e.Type())(s, e, false)
	s.depth--
}

func (enc *Encoder) newPtrEncoder(t reflect.Type) encoderFunc {
	elem := enc.typeEncoderLocked(t.Elem())
	return func(s *state, v reflect.Value, quoted bool) {
		if v.IsNil() {
			s.buf = append(s.buf, "null"...)
			return
		}
		s.enter(t)
		elem(s, v.Elem(), quoted)
		s.depth--
	}
}

func (enc *Encoder) newSliceEncoder(t reflect.Type) encoderFunc {
	// Byte slices are base64 text, unless their elements' pointers
	// marshal themselves (encoding/json's rule; arrays never are).
	if t.Elem().Kind() == reflect.Uint8 {
		p := reflect.PointerTo(t.Elem())
		if !p.Implements(jsonMarshalerType) && !p.Implements(textMarshalerType) {
			return func(s *state, v reflect.Value, _ bool) {
				if v.IsNil() {
					s.buf = append(s.buf, "null"...)
					return
				}
				s.buf = append(s.buf, '"')
				s.buf = base64.StdEncoding.AppendEncode(s.buf, v.Bytes())
				s.buf = append(s.buf, '"')
			}
		}
	}
	elems := enc.newArrayEncoder(t)
	return func(s *state, v reflect.Value, _ bool) {
		if v.IsNil() {
			s.buf = append(s.buf, "null"...)
			return
		}
		s.enter(t)
		elems(s, v, false)
		s.depth--
	}
}

func (enc *Encoder) newArrayEncoder(t reflect.Type) encoderFunc {
	elem := enc.typeEncoderLocked(t.Elem())
	return func(s *state, v reflect.Value, _ bool) {
		s.buf = append(s.buf, '[')
		n := v.Len()
		for i := range n {
			if i > 0 {
				s.buf = append(s.buf, ',')
			}
			elem(s, v.Index(i), false)
		}
		s.buf = append(s.buf, ']')
	}
}

func (enc *Encoder) newMapEncoder(t reflect.Type) encoderFunc {
	switch t.Key().Kind() {
	case reflect.String,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
	default:
		if !t.Key().Implements(textMarshalerType) {
			return refuse(t, "unsupported type: "+t.String())
		}
	}
	elem := enc.typeEncoderLocked(t.Elem())
	return func(s *state, v reflect.Value, _ bool) {
		if v.IsNil() {
			s.buf = append(s.buf, "null"...)
			return
		}
		s.enter(t)
		// Keys are written in the order of their JSON text.
		keys := make([]string, 0, v.Len())
		values := make([]reflect.Value, 0, v.Len())
		for it := v.MapRange(); it.Next(); {
			keys = append(keys, s.keyName(t, it.Key()))
			values = append(values, it.Value())
		}
		order := make([]int, len(keys))
		for i := range order {
			order[i] = i
		}
		sortIndices(order, func(a, b int) bool { return keys[a] < keys[b] })
		s.buf = append(s.buf, '{')
		for n, i := range order {
			if n > 0 {
				s.buf = append(s.buf, ',')
			}
			s.buf = appendString(s.buf, keys[i])
			s.buf = append(s.buf, ':')
			elem(s, values[i], false)
		}
		s.buf = append(s.buf, '}')
		s.depth--
	}
}

// keyName is encoding/json's resolveKeyName: a string key as it is, then
// MarshalText, then an integer in decimal.
func (s *state) keyName(t reflect.Type, k reflect.Value) string {
	if k.Kind() == reflect.String {
		return k.String()
	}
	if tm, ok := reflect.TypeAssert[encoding.TextMarshaler](k); ok {
		if k.Kind() == reflect.Pointer && k.IsNil() {
			return ""
		}
		b, err := tm.MarshalText()
		if err != nil {
			s.fail(t, "error calling MarshalText for a key of type "+t.String(), err)
		}
		return string(b)
	}
	switch k.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(k.Int(), 10)
	default:
		return strconv.FormatUint(k.Uint(), 10)
	}
}

// field is one JSON member of a struct.
type field struct {
	name  string
	index []int
	// typ is the field's type with an unnamed pointer followed (for the
	// string option's kinds, as encoding/json does).
	typ      reflect.Type
	tagged   bool
	omitEmpt bool
	omitZero bool
	isZero   func(reflect.Value) bool
	quoted   bool
	// key is `"name":` with the name HTML-escaped.
	key     string
	encoder encoderFunc
}

func (enc *Encoder) newStructEncoder(t reflect.Type) encoderFunc {
	fields := typeFields(t)
	for i := range fields {
		f := &fields[i]
		f.encoder = enc.typeEncoderLocked(typeByIndex(t, f.index))
	}
	return func(s *state, v reflect.Value, _ bool) {
		next := byte('{')
	fields:
		for i := range fields {
			f := &fields[i]
			fv := v
			for _, j := range f.index {
				if fv.Kind() == reflect.Pointer {
					if fv.IsNil() {
						continue fields
					}
					fv = fv.Elem()
				}
				fv = fv.Field(j)
			}
			if f.omitEmpt && isEmptyValue(fv) ||
				f.omitZero && (f.isZero == nil && fv.IsZero() || f.isZero != nil && f.isZero(fv)) {
				continue
			}
			s.buf = append(s.buf, next)
			next = ','
			s.buf = append(s.buf, f.key...)
			f.encoder(s, fv, f.quoted)
		}
		if next == '{' {
			s.buf = append(s.buf, "{}"...)
		} else {
			s.buf = append(s.buf, '}')
		}
	}
}

func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64,
		reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

func typeByIndex(t reflect.Type, index []int) reflect.Type {
	for _, i := range index {
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		t = t.Field(i).Type
	}
	return t
}

// typeFields lists the JSON members of struct type t in encoding/json's
// order and with its rules for embedded structs: fields of embedded structs
// are promoted, the least nested field of a name wins, a tagged one over
// untagged ones at the same depth, and two at the same depth that tie
// hide each other.
func typeFields(t reflect.Type) []field {
	current := []field{}
	next := []field{{typ: t}}
	var count, nextCount map[reflect.Type]int
	visited := map[reflect.Type]bool{}
	fields := make([]field, 0, t.NumField())
	for len(next) > 0 {
		current, next = next, current[:0]
		count, nextCount = nextCount, map[reflect.Type]int{}
		for _, f := range current {
			if visited[f.typ] {
				continue
			}
			visited[f.typ] = true
			for i := 0; i < f.typ.NumField(); i++ {
				sf := f.typ.Field(i)
				if sf.Anonymous {
					et := sf.Type
					if et.Kind() == reflect.Pointer {
						et = et.Elem()
					}
					if !sf.IsExported() && et.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !isValidTag(name) {
					name = ""
				}
				index := make([]int, len(f.index)+1)
				copy(index, f.index)
				index[len(f.index)] = i

				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				quoted := false
				if hasOption(opts, "string") {
					switch ft.Kind() {
					case reflect.Bool,
						reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
						reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
						reflect.Float32, reflect.Float64,
						reflect.String:
						quoted = true
					}
				}
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					tagged := name != ""
					if name == "" {
						name = sf.Name
					}
					nf := field{
						name:     name,
						tagged:   tagged,
						index:    index,
						typ:      ft,
						omitEmpt: hasOption(opts, "omitempty"),
						omitZero: hasOption(opts, "omitzero"),
						quoted:   quoted,
						// A valid tag name or a Go identifier holds no
						// quote, backslash, control character, invalid
						// UTF-8 or U+2028/9, so appendString escapes only
						// < > &, as encoding/json's HTML escape of names.
						key: string(append(appendString(make([]byte, 0, len(name)+3), name), ':')),
					}
					if nf.omitZero {
						nf.isZero = isZeroFunc(sf.Type)
					}
					fields = append(fields, nf)
					if count[f.typ] > 1 {
						// The embedded struct came in twice at this
						// depth: a copy makes its fields tie below.
						fields = append(fields, fields[len(fields)-1])
					}
					continue
				}
				nextCount[ft]++
				if nextCount[ft] == 1 {
					next = append(next, field{name: ft.Name(), index: index, typ: ft})
				}
			}
		}
	}
	// By name, then depth, then tagged first, then index. Indices are
	// sorted, not the fields (large structs), which are copied once.
	byName := make([]int, len(fields))
	for i := range byName {
		byName[i] = i
	}
	sortIndices(byName, func(i, j int) bool {
		a, b := &fields[i], &fields[j]
		if a.name != b.name {
			return a.name < b.name
		}
		if len(a.index) != len(b.index) {
			return len(a.index) < len(b.index)
		}
		if a.tagged != b.tagged {
			return a.tagged
		}
		return indexLess(a.index, b.index)
	})
	keep := byName[:0]
	for advance, i := 0, 0; i < len(byName); i += advance {
		name := fields[byName[i]].name
		for advance = 1; i+advance < len(byName) && fields[byName[i+advance]].name == name; advance++ {
		}
		// The first is the dominant one unless the second ties it.
		if advance > 1 {
			a, b := &fields[byName[i]], &fields[byName[i+1]]
			if len(a.index) == len(b.index) && a.tagged == b.tagged {
				continue
			}
		}
		keep = append(keep, byName[i])
	}
	sortIndices(keep, func(i, j int) bool { return indexLess(fields[i].index, fields[j].index) })
	out := make([]field, len(keep))
	for i, k := range keep {
		out[i] = fields[k]
	}
	return out
}

// indexLess orders field index sequences as slices.Compare does.
func indexLess(a, b []int) bool {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return len(a) < len(b)
}

// sortIndices orders idx by less, with a heap sort: the package's one sort,
// written out because each slices.SortFunc instantiation adds about 17 KB
// of code to the wasm core. It is not stable; every order sorted here is
// total but map keys whose texts are equal, which encoding/json leaves in
// no defined order either.
func sortIndices(idx []int, less func(a, b int) bool) {
	n := len(idx)
	for i := n/2 - 1; i >= 0; i-- {
		siftDown(idx, i, n, less)
	}
	for end := n - 1; end > 0; end-- {
		idx[0], idx[end] = idx[end], idx[0]
		siftDown(idx, 0, end, less)
	}
}

func siftDown(idx []int, root, n int, less func(a, b int) bool) {
	for {
		child := 2*root + 1
		if child >= n {
			return
		}
		if child+1 < n && less(idx[child], idx[child+1]) {
			child++
		}
		if !less(idx[root], idx[child]) {
			return
		}
		idx[root], idx[child] = idx[child], idx[root]
		root = child
	}
}

// isZeroFunc is omitzero's test for a field of type t that has an IsZero
// method (nil otherwise: reflect's IsZero), as encoding/json calls it.
func isZeroFunc(t reflect.Type) func(reflect.Value) bool {
	switch {
	case t.Kind() == reflect.Interface && t.Implements(isZeroerType):
		return func(v reflect.Value) bool {
			// Never call IsZero on a nil interface or a nil pointer in one.
			return v.IsNil() ||
				(v.Elem().Kind() == reflect.Pointer && v.Elem().IsNil()) ||
				v.Interface().(isZeroer).IsZero()
		}
	case t.Kind() == reflect.Pointer && t.Implements(isZeroerType):
		return func(v reflect.Value) bool {
			return v.IsNil() || v.Interface().(isZeroer).IsZero()
		}
	case t.Implements(isZeroerType):
		return func(v reflect.Value) bool {
			return v.Interface().(isZeroer).IsZero()
		}
	case reflect.PointerTo(t).Implements(isZeroerType):
		return func(v reflect.Value) bool {
			if !v.CanAddr() {
				// Box v to take its address.
				v2 := reflect.New(v.Type()).Elem()
				v2.Set(v)
				v = v2
			}
			return v.Addr().Interface().(isZeroer).IsZero()
		}
	}
	return nil
}

func hasOption(opts, name string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == name {
			return true
		}
	}
	return false
}

// isValidTag is encoding/json's test of a tag's name: letters, digits and
// ASCII punctuation but quotes, backslash and comma.
func isValidTag(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

const hex = "0123456789abcdef"

// htmlSafeSet has a '1' for each ASCII byte encoding/json writes in a
// string as it is: printable, and not a quote, a backslash or one of
// < > & (escaped so the JSON is safe inside HTML). Rows of 32 bytes.
const htmlSafeSet = "" +
	"00000000000000000000000000000000" +
	"11011101111111111111111111110101" +
	"11111111111111111111111111110111" +
	"11111111111111111111111111111111"

// appendString appends src as a JSON string the way encoding/json does with
// HTML escaping on (Marshal's and Encoder's default). It takes only a string
// (encoding/json's takes []byte too): one instantiation, not two, in the
// wasm core.
func appendString(dst []byte, src string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(src); {
		if b := src[i]; b < utf8.RuneSelf {
			if htmlSafeSet[b] == '1' {
				i++
				continue
			}
			dst = append(dst, src[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				// Other control bytes, and < > &.
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(src[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, src[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		// U+2028 and U+2029 are valid in JSON but end a line in
		// JavaScript; encoding/json always escapes them.
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, src[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, src[start:]...)
	return append(dst, '"')
}

// appendIndent is encoding/json's Indent for compact JSON that jsonenc
// wrote (no whitespace outside strings): each element of an object or
// array on its own line, prefix then indent once per level, ": " after a
// key, and empty objects and arrays left as {} and [].
func appendIndent(dst, src []byte, prefix, indent string) []byte {
	depth := 0
	open := false // after { or [: the line break waits for what follows
	for i := 0; i < len(src); i++ {
		c := src[i]
		if open && c != '}' && c != ']' {
			open = false
			depth++
			dst = appendNewline(dst, prefix, indent, depth)
		}
		switch c {
		case '"':
			// Copy the string through its closing quote.
			j := i + 1
			for ; j < len(src) && src[j] != '"'; j++ {
				if src[j] == '\\' {
					j++
				}
			}
			dst = append(dst, src[i:j+1]...)
			i = j
		case '{', '[':
			open = true
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			dst = appendNewline(dst, prefix, indent, depth)
		case ':':
			dst = append(dst, c, ' ')
		case '}', ']':
			if open {
				open = false
			} else {
				depth--
				dst = appendNewline(dst, prefix, indent, depth)
			}
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

func appendNewline(dst []byte, prefix, indent string, depth int) []byte {
	dst = append(dst, '\n')
	dst = append(dst, prefix...)
	for range depth {
		dst = append(dst, indent...)
	}
	return dst
}
