package plan

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/cidr"
)

// MaxDocumentBytes bounds a plan document. The largest realistic plan (a few
// thousand segments) is well under 1 MiB; the limit keeps a pasted log file
// or a hostile upload from exhausting memory in the browser or the server.
const MaxDocumentBytes = 8 << 20

// maxDecodeFindings bounds how many decode problems are reported at once.
const maxDecodeFindings = 100

// DecodeError is returned when a document cannot be read as a plan. Each
// finding names the JSON path of a field at fault.
type DecodeError struct {
	Findings []Finding
}

func (e *DecodeError) Error() string {
	if len(e.Findings) == 1 {
		f := e.Findings[0]
		return fmt.Sprintf("%s: %s", f.Path, f.Message)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d problems decoding the plan:", len(e.Findings))
	for _, f := range e.Findings {
		fmt.Fprintf(&b, "\n  %s: %s", f.Path, f.Message)
	}
	return b.String()
}

// Decode codes of DecodeError findings.
const (
	CodeDecodeSyntax       = "decode.syntax"
	CodeDecodeTooLarge     = "decode.too-large"
	CodeDecodeUnknownField = "decode.unknown-field"
	CodeDecodeType         = "decode.type"
	CodeDecodeValue        = "decode.value"
	CodeDecodeVersion      = "decode.version"
)

// Decode reads one plan document strictly: unknown fields, wrong types and
// malformed addresses are errors naming the field's JSON path, and a
// document over MaxDocumentBytes is refused. Trailing data after the
// document is an error too. Errors are *DecodeError.
func Decode(r io.Reader) (*Plan, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxDocumentBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the plan: %w", err)
	}
	return DecodeBytes(data)
}

// DecodeBytes is Decode over a byte slice.
func DecodeBytes(data []byte) (*Plan, error) {
	if len(data) > MaxDocumentBytes {
		return nil, &DecodeError{[]Finding{{
			Code: CodeDecodeTooLarge, Severity: SeverityError, Path: "$",
			Message: fmt.Sprintf("the document is larger than %d MiB, the limit for a plan", MaxDocumentBytes>>20),
			Hint:    "a plan is a JSON document of a few kilobytes; check that the right file was given",
		}}}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, syntaxError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &DecodeError{[]Finding{{
			Code: CodeDecodeSyntax, Severity: SeverityError, Path: "$",
			Message: fmt.Sprintf("unexpected data after the plan document at byte %d", dec.InputOffset()),
			Hint:    "a file holds exactly one plan",
		}}}
	}
	root, ok := tree.(map[string]any)
	if !ok {
		return nil, &DecodeError{[]Finding{{
			Code: CodeDecodeType, Severity: SeverityError, Path: "$",
			Message: fmt.Sprintf("a plan is a JSON object, not %s", describe(tree)),
		}}}
	}
	if err := checkVersion(root); err != nil {
		return nil, err
	}
	p := new(Plan)
	if _, ok := root["profile"].(map[string]any); ok {
		// Overrides land on the defaults: fields the plan leaves out keep
		// JD Cloud's documented values.
		def := DefaultProfile()
		p.Profile = &def
	}
	d := &decoder{}
	d.value("$", tree, reflect.ValueOf(p).Elem())
	if len(d.findings) > 0 {
		return nil, &DecodeError{d.findings}
	}
	return p, nil
}

// Encode writes the plan as indented JSON, the form kept in git.
func Encode(w io.Writer, p *Plan) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(p)
}

func checkVersion(root map[string]any) error {
	v, present := root["version"]
	bad := func(msg, hint string) error {
		return &DecodeError{[]Finding{{Code: CodeDecodeVersion, Severity: SeverityError, Path: "$.version", Message: msg, Hint: hint}}}
	}
	if !present {
		return bad("the document has no \"version\"", fmt.Sprintf("add \"version\": %d", Version))
	}
	n, ok := v.(json.Number)
	if !ok {
		return bad(fmt.Sprintf("\"version\" must be a number, not %s", describe(v)), "")
	}
	switch i, err := n.Int64(); {
	case err != nil || i < 1:
		return bad(fmt.Sprintf("version %s is not a plan version", n), fmt.Sprintf("this hybridplan reads version %d", Version))
	case i > Version:
		return bad(fmt.Sprintf("the plan is version %d, written by a newer hybridplan", i), fmt.Sprintf("this hybridplan reads version %d; upgrade it", Version))
	}
	return nil
}

func syntaxError(data []byte, err error) error {
	f := Finding{Code: CodeDecodeSyntax, Severity: SeverityError, Path: "$"}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		line, col := position(data, se.Offset)
		f.Message = fmt.Sprintf("invalid JSON at line %d, column %d: %s", line, col, strings.TrimPrefix(se.Error(), "json: "))
	case errors.Is(err, io.EOF):
		f.Message = "the document is empty"
		f.Hint = "a plan is a JSON object such as {\"version\": 1, …}; see docs/plan.md"
	case errors.Is(err, io.ErrUnexpectedEOF):
		f.Message = "the document ends in the middle of a JSON value"
		f.Hint = "the file may be truncated"
	default:
		f.Message = "invalid JSON: " + strings.TrimPrefix(err.Error(), "json: ")
	}
	return &DecodeError{[]Finding{f}}
}

func position(data []byte, offset int64) (line, col int) {
	offset = min(offset, int64(len(data)))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// decoder walks the generic JSON tree into typed values, collecting every
// problem with its path instead of stopping at the first.
type decoder struct {
	findings []Finding
}

func (d *decoder) fail(code, path, msg, hint string) {
	if len(d.findings) >= maxDecodeFindings {
		return
	}
	d.findings = append(d.findings, Finding{Code: code, Severity: SeverityError, Path: path, Message: msg, Hint: hint})
}

var textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()

func (d *decoder) value(path string, v any, dst reflect.Value) {
	if v == nil {
		// null leaves the zero value (or the default already there).
		return
	}
	if dst.Kind() == reflect.Pointer {
		if dst.IsNil() {
			dst.Set(reflect.New(dst.Type().Elem()))
		}
		d.value(path, v, dst.Elem())
		return
	}
	if dst.CanAddr() && dst.Addr().Type().Implements(textUnmarshalerType) {
		s, ok := v.(string)
		if !ok {
			d.fail(CodeDecodeType, path, fmt.Sprintf("expected a string (%s), found %s", typeName(dst.Type()), describe(v)), "")
			return
		}
		if err := dst.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			d.fail(CodeDecodeValue, path, fmt.Sprintf("%q is not a valid %s: %s", s, typeName(dst.Type()), cidr.ParseErrorReason(err)), exampleOf(dst.Type()))
		}
		return
	}
	switch dst.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			d.fail(CodeDecodeType, path, fmt.Sprintf("expected an object, found %s", describe(v)), "")
			return
		}
		d.object(path, obj, dst)
	case reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			d.fail(CodeDecodeType, path, fmt.Sprintf("expected a list, found %s", describe(v)), "")
			return
		}
		s := reflect.MakeSlice(dst.Type(), len(arr), len(arr))
		for i, e := range arr {
			d.value(path+"["+strconv.Itoa(i)+"]", e, s.Index(i))
		}
		dst.Set(s)
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			d.fail(CodeDecodeType, path, fmt.Sprintf("expected a string, found %s", describe(v)), "")
			return
		}
		dst.SetString(s)
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			d.fail(CodeDecodeType, path, fmt.Sprintf("expected true or false, found %s", describe(v)), "")
			return
		}
		dst.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := d.integer(path, v)
		if !ok {
			return
		}
		if dst.OverflowInt(n) {
			d.fail(CodeDecodeValue, path, fmt.Sprintf("%d is out of range", n), "")
			return
		}
		dst.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := d.integer(path, v)
		if !ok {
			return
		}
		if n < 0 || dst.OverflowUint(uint64(n)) {
			d.fail(CodeDecodeValue, path, fmt.Sprintf("%d is out of range (0 to %d)", n, uint64(1)<<(dst.Type().Bits())-1), "")
			return
		}
		dst.SetUint(uint64(n))
	default:
		// The model uses only the kinds above; reaching here is a bug in
		// the model, reported rather than panicking.
		d.fail(CodeDecodeType, path, fmt.Sprintf("field of type %s cannot be decoded", dst.Type()), "")
	}
}

func (d *decoder) integer(path string, v any) (int64, bool) {
	num, ok := v.(json.Number)
	if !ok {
		d.fail(CodeDecodeType, path, fmt.Sprintf("expected a whole number, found %s", describe(v)), "")
		return 0, false
	}
	n, err := num.Int64()
	if err != nil {
		f, ferr := num.Float64()
		if ferr == nil && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return int64(f), true
		}
		d.fail(CodeDecodeType, path, fmt.Sprintf("expected a whole number, found %s", num), "")
		return 0, false
	}
	return n, true
}

func (d *decoder) object(path string, obj map[string]any, dst reflect.Value) {
	fields := jsonFields(dst.Type())
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys) // deterministic error order
	for _, k := range keys {
		idx, ok := fields[k]
		if !ok {
			d.fail(CodeDecodeUnknownField, path+"."+k, fmt.Sprintf("unknown field %q", k), suggest(k, fields))
			continue
		}
		d.value(path+"."+k, obj[k], dst.Field(idx))
	}
}

// jsonFields maps a struct's JSON names to field indices.
func jsonFields(t reflect.Type) map[string]int {
	m := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = i
	}
	return m
}

// suggest names the known field closest to a misspelt one.
func suggest(k string, fields map[string]int) string {
	best, bestDist := "", 3
	for name := range fields {
		if dist := editDistance(strings.ToLower(k), strings.ToLower(name)); dist < bestDist || dist == bestDist && name < best {
			best, bestDist = name, dist
		}
	}
	if best != "" {
		return fmt.Sprintf("did you mean %q?", best)
	}
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	slices.Sort(names)
	return "known fields here: " + strings.Join(names, ", ")
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("the string %q", v)
	case json.Number:
		return "the number " + v.String()
	case bool:
		return fmt.Sprintf("%t", v)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func typeName(t reflect.Type) string {
	switch t.String() {
	case "netip.Prefix":
		return "address prefix"
	case "netip.Addr":
		return "IP address"
	}
	return t.String()
}

func exampleOf(t reflect.Type) string {
	switch t.String() {
	case "netip.Prefix":
		return `write an address block as "10.1.0.0/16" or "2001:db8::/48"`
	case "netip.Addr":
		return `write an address as "192.0.2.1" or "2001:db8::1"`
	}
	return ""
}
