package plan

import (
	"bytes"
	"encoding"
	"encoding/binary"
	"io"
	"math/bits"
	"net/netip"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/hybridplan/hybridplan/pkg/cidr"
	"github.com/hybridplan/hybridplan/pkg/fmtlite"
)

// MaxDocumentBytes bounds a plan document. The largest realistic plan (a few
// thousand segments) is well under 1 MiB; the limit keeps a pasted log file
// or a hostile upload from exhausting memory in the browser or the server.
const MaxDocumentBytes = 8 << 20

// MaxDecodeFindings bounds how many decode problems are reported one by one.
// The rest are counted in one CodeDecodeMore finding, so a document full of
// mistakes gives a short answer in bounded time and memory.
const MaxDecodeFindings = 100

// MaxDocumentDepth bounds how deeply objects and lists may nest. The plan
// model nests 6 levels; the bound stops a document of brackets from making
// any JSON reader (this one, a browser's) work through millions of levels.
const MaxDocumentDepth = 64

// maxListBytes bounds the memory the lists of one document take once
// decoded, counted by capacity. Decoding a clean plan of 7.5 MiB allocates
// about 14 MiB in all; a document of 8 MiB of empty objects in a list of
// tunnels would need a gigabyte.
const maxListBytes = 8 * MaxDocumentBytes

// maxQuotedRunes is how much of an offending value a message quotes: values
// come from untrusted plans and can be megabytes long.
const maxQuotedRunes = 40

// DecodeError is returned when a document cannot be read as a plan. Each
// finding names the JSON path of a field at fault.
type DecodeError struct {
	Findings []Finding
}

func (e *DecodeError) Error() string {
	if len(e.Findings) == 1 {
		f := e.Findings[0]
		return fmtlite.Sprintf("%s: %s", f.Path, f.Message)
	}
	var b strings.Builder
	fmtlite.Fprintf(&b, "%d problems decoding the plan:", len(e.Findings))
	for _, f := range e.Findings {
		fmtlite.Fprintf(&b, "\n  %s: %s", f.Path, f.Message)
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

// Decode codes added with the streaming decoder (see codes.md, "Decoding").
const (
	// CodeDecodeUTF8: a string is not valid UTF-8, or escapes half of a
	// UTF-16 surrogate pair.
	CodeDecodeUTF8 = "decode.utf8"
	// CodeDecodeControl: a name or identifier holds a control character.
	CodeDecodeControl = "decode.control-character"
	// CodeDecodeDuplicate: an object names the same field twice.
	CodeDecodeDuplicate = "decode.duplicate-field"
	// CodeDecodeTooDeep: objects and lists nest deeper than MaxDocumentDepth.
	CodeDecodeTooDeep = "decode.too-deep"
	// CodeDecodeMore: the count of problems beyond MaxDecodeFindings.
	CodeDecodeMore = "decode.more"
)

// Decode reads one plan document strictly: unknown fields, wrong types and
// malformed addresses are errors naming the field's JSON path, and a
// document over MaxDocumentBytes is refused. Trailing data after the
// document is an error too. Errors are *DecodeError.
func Decode(r io.Reader) (*Plan, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxDocumentBytes+1))
	if err != nil {
		return nil, fmtlite.Errorf("reading the plan: %w", err)
	}
	return DecodeBytes(data)
}

// DecodeBytes is Decode over a byte slice.
//
// It reads the JSON text in one pass straight into the Plan: integers are
// read from their digits (never through float64), strings are checked for
// UTF-8 and control characters, and paths are built only for findings.
// Problems come in document order. A syntax error, nesting beyond
// MaxDocumentDepth or a bad "version" is reported alone, since nothing else
// in such a document can be trusted.
func DecodeBytes(data []byte) (*Plan, error) {
	if len(data) > MaxDocumentBytes {
		return nil, &DecodeError{[]Finding{{
			Code: CodeDecodeTooLarge, Severity: SeverityError, Path: "$",
			Message: fmtlite.Sprintf("the document is larger than %d MiB, the limit for a plan", MaxDocumentBytes>>20),
			Hint:    "a plan is a JSON document of a few kilobytes; check that the right file was given",
		}}}
	}
	how := reading{}
	if runtime.GOMAXPROCS(0) > 1 {
		how.splitAt = splitElements
	}
	return decodeWith(data, maxListBytes, how)
}

// reading says how decodeWith reads a document. Tests hold the shortcuts
// to the general reading with it: every way gives the same plan or the
// same findings.
type reading struct {
	// generic reads without the shortcuts for common forms: record,
	// objectsLeft and splitting lists.
	generic bool
	// splitAt is decoder.splitAt: DecodeBytes splits lists of
	// splitElements records where goroutines run in parallel, tests
	// split short ones.
	splitAt int
}

// decodeWith is DecodeBytes with budget bytes for the lists (tests try
// the edges of the budget with small ones), read as how says.
func decodeWith(data []byte, budget uint64, how reading) (*Plan, error) {
	p, _, err := decodeHelped(data, budget, how)
	return p, err
}

// decodeHelped is decodeWith that also says how many elements helpers
// read (see splitList).
func decodeHelped(data []byte, budget uint64, how reading) (*Plan, int, error) {
	d := &decoder{data: data, keep: true, budget: budget, generic: how.generic, splitAt: how.splitAt}
	p := new(Plan)
	fatal := d.run(p)
	if d.settled(true); d.reread {
		how.splitAt = 0
		return decodeHelped(data, budget, how)
	}
	if fatal != nil {
		return nil, d.helped, &DecodeError{[]Finding{*fatal}}
	}
	if d.versionFinding != nil {
		return nil, d.helped, &DecodeError{[]Finding{*d.versionFinding}}
	}
	if d.more > 0 {
		d.findings = append(d.findings, d.moreFinding())
	}
	if len(d.findings) > 0 {
		return nil, d.helped, &DecodeError{d.findings}
	}
	return p, d.helped, nil
}

// abort is panicked with by the decoder on a problem that ends decoding (a
// syntax error or nesting too deep) and recovered in run: it keeps the
// happy path free of error checks after every byte.
type abort struct{ f Finding }

// decoder reads one document. Nothing in it outlives DecodeBytes.
type decoder struct {
	data  []byte
	pos   int
	depth int
	// path is the stack of fields and list indices leading to the value
	// being read; turned into a string only when a finding is made.
	path     []pathElem
	findings []Finding
	// more counts findings beyond MaxDecodeFindings, by code.
	more int
	// moreByCode holds one count per code: a handful of codes, searched
	// in order, cost less per finding than a map (a document of a million
	// mistakes counts a million times).
	moreByCode []codeCount
	// keep is false once any finding is made: the plan will not be
	// returned, so values are only checked, not stored, and lists do not
	// grow. That bounds the memory a document full of mistakes can take.
	keep bool
	// budget is what lists may still take, in bytes of elements.
	budget uint64
	// texts is the block short string values are copied into.
	texts          []byte
	sawVersion     bool
	versionFinding *Finding
	scratch        []byte // unescaped string values
	// stages hold the elements of flat lists being read, one per element
	// type (see list).
	stages     []*stage
	keyScratch []byte // unescaped field names
	// generic turns off record and objectsLeft (see reading).
	generic bool
	// splitAt is the length from which a list of compact records has its
	// tail read by a helper (see splitList); 0 for never.
	splitAt int
	// pending is the helper the decoder went on without (see goOn).
	pending *tail
	// reread is set when a helper did not read its tail as taken: the
	// document is read again without helpers.
	reread bool
	// helped counts the elements read by helpers that lists took, for
	// tests to see that a split was not in vain.
	helped int
}

// pathElem is one step of the path: a field, by its bit in its struct's
// table, or a list index. It holds no pointer, so that pushing a step for
// every value read costs no write barrier; pathString finds the names by
// walking the tables from Plan's.
type pathElem struct {
	field int // the field's bit, or -1 for a list index
	index int
}

func (d *decoder) run(p *Plan) (fatal *Finding) {
	defer func() {
		if r := recover(); r != nil {
			a, ok := r.(abort)
			if !ok {
				panic(r)
			}
			fatal = &a.f
		}
	}()
	d.skipBOM()
	d.ws()
	if d.pos == len(d.data) {
		return &Finding{Code: CodeDecodeSyntax, Severity: SeverityError, Path: "$",
			Message: "the document is empty",
			Hint:    "a plan is a JSON object such as {\"version\": 1, …}; see docs/plan.md"}
	}
	var rootType *Finding
	if d.data[d.pos] == '{' {
		d.value(planNode(), unsafe.Pointer(p))
	} else {
		what := d.describe()
		rootType = &Finding{Code: CodeDecodeType, Severity: SeverityError, Path: "$",
			Message: "a plan is a JSON object, not " + what}
	}
	d.ws()
	if d.pos < len(d.data) {
		line, col := d.position(d.pos)
		return &Finding{Code: CodeDecodeSyntax, Severity: SeverityError, Path: "$",
			Message: fmtlite.Sprintf("unexpected data after the plan document at line %d, column %d", line, col),
			Hint:    "a file holds exactly one plan"}
	}
	if rootType != nil {
		return rootType
	}
	if !d.sawVersion && d.versionFinding == nil {
		d.versionFinding = &Finding{Code: CodeDecodeVersion, Severity: SeverityError, Path: "$.version",
			Message: "the document has no \"version\"", Hint: fmtlite.Sprintf("add \"version\": %d", Version)}
	}
	return nil
}

// skipBOM skips a UTF-8 byte-order mark, which Windows editors write and
// RFC 8259 §8.1 allows a reader to ignore. A UTF-16 document is refused with
// a message that says so rather than as a stray character.
func (d *decoder) skipBOM() {
	switch {
	case bytes.HasPrefix(d.data, []byte("\xEF\xBB\xBF")):
		d.pos = 3
	case bytes.HasPrefix(d.data, []byte("\xFE\xFF")), bytes.HasPrefix(d.data, []byte("\xFF\xFE")):
		panic(abort{Finding{Code: CodeDecodeSyntax, Severity: SeverityError, Path: "$",
			Message: "the document is UTF-16 text (it starts with a UTF-16 byte-order mark); a plan is UTF-8",
			Hint:    "save the file as UTF-8"}})
	}
}

// ---- type tables ----

type nodeKind uint8

const (
	kindStruct nodeKind = iota
	kindSlice
	kindPointer
	kindString
	kindBool
	kindInt
	kindUint
	kindText   // encoding.TextUnmarshaler, read from a JSON string
	kindPrefix // netip.Prefix, a kindText read without an interface
	kindAddr   // netip.Addr, likewise
	kindVersion
	kindUnsupported
)

// node is the decoding table of one Go type, built once per type by
// reflection and shared by every decode. Decoding itself uses no
// reflection on the way of a value: it writes through pointers at the
// offsets and sizes the table holds (issue 14: reflect.Value calls per
// value made decoding slower than validating the plan).
type node struct {
	kind   nodeKind
	typ    reflect.Type
	size   uintptr // of a value of typ
	elem   *node   // slice element or pointer target
	fields map[string]*field
	order  []*field // fields in declaration order (by bit)
	names  []string // field names, sorted, for hints
	// maxName is the longest field name: a key much longer cannot be a
	// near miss, so no edit distance is computed for it.
	maxName int
	// freeText strings (descriptions) may hold tabs and line breaks.
	freeText bool
	// flat lists hold no lists: they are read through a stage and placed
	// at their exact length (see list).
	flat bool
	// record structs have only string, prefix and address fields: list
	// elements of such a type are tried with record before object.
	record bool
	// profile pointers start from DefaultProfile, so a plan's overrides
	// land on JD Cloud's documented values.
	profile bool
	min     int64
	max     uint64
}

type field struct {
	name   string
	member string // the name quoted and followed by ':', as written in a document
	// head is the first (up to) eight bytes of member as a little-endian
	// word, and headMask selects them: most names differ from the one
	// expected within eight bytes, and one load and compare tells.
	head, headMask uint64
	offset         uintptr // of the field in its struct
	bit            int     // position among the struct's fields, for duplicate checks
	node           *node
}

func newField(name string, offset uintptr, bit int, n *node) *field {
	f := &field{name: name, member: strconv.Quote(name) + ":", offset: offset, bit: bit, node: n}
	for i := range min(len(f.member), 8) {
		f.head |= uint64(f.member[i]) << (8 * i)
		f.headMask |= 0xff << (8 * i)
	}
	return f
}

// at reports whether data holds the field's member (its quoted name and
// the ':') at pos, and where it ends.
func (f *field) at(data []byte, pos int) (end int, ok bool) {
	end = pos + len(f.member)
	if end > len(data) {
		return 0, false
	}
	if pos+8 <= len(data) {
		if binary.LittleEndian.Uint64(data[pos:])&f.headMask != f.head {
			return 0, false
		}
		return end, len(f.member) <= 8 || string(data[pos+8:end]) == f.member[8:]
	}
	return end, string(data[pos:end]) == f.member
}

// planNode is the table of Plan, built on first use. It is immutable once
// built; every decode reads it.
var planNode = sync.OnceValue(func() *node {
	c := compiler{seen: map[reflect.Type]*node{}}
	root := c.node(reflect.TypeFor[Plan]())
	// The version is checked on its own (decode.version) before anything else
	// in the document is believed.
	v := *root.fields["version"]
	v.node = &node{kind: kindVersion, typ: v.node.typ, size: v.node.size}
	root.fields["version"] = &v
	root.order[v.bit] = &v
	return root
})

var (
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	profileType         = reflect.TypeFor[Profile]()
	prefixType          = reflect.TypeFor[netip.Prefix]()
	addrType            = reflect.TypeFor[netip.Addr]()
)

type compiler struct{ seen map[reflect.Type]*node }

func (c *compiler) node(t reflect.Type) *node {
	if n, ok := c.seen[t]; ok {
		return n
	}
	n := &node{typ: t, size: t.Size()}
	c.seen[t] = n // before recursing, so recursive types terminate
	if reflect.PointerTo(t).Implements(textUnmarshalerType) {
		n.kind = kindText
		switch t {
		case prefixType:
			n.kind = kindPrefix
		case addrType:
			n.kind = kindAddr
		}
		return n
	}
	switch t.Kind() {
	case reflect.Struct:
		n.kind = kindStruct
		n.fields = map[string]*field{}
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
			fn := c.node(f.Type)
			if name == "description" && f.Type.Kind() == reflect.String {
				fn = &node{kind: kindString, typ: f.Type, size: f.Type.Size(), freeText: true}
			}
			n.fields[name] = newField(name, f.Offset, len(n.names), fn)
			n.order = append(n.order, n.fields[name])
			n.names = append(n.names, name)
			n.maxName = max(n.maxName, len(name))
		}
		sortSmall(n.names, strings.Compare)
		n.record = len(n.order) > 0
		for _, f := range n.order {
			if k := f.node.kind; k != kindString && k != kindPrefix && k != kindAddr {
				n.record = false
			}
		}
	case reflect.Slice:
		n.kind = kindSlice
		n.elem = c.node(t.Elem())
		n.flat = !holdsList(t.Elem(), map[reflect.Type]bool{})
	case reflect.Pointer:
		n.kind = kindPointer
		n.elem = c.node(t.Elem())
		n.profile = t.Elem() == profileType
	case reflect.String:
		n.kind = kindString
	case reflect.Bool:
		n.kind = kindBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n.kind = kindInt
		n.min = -1 << (t.Bits() - 1)
		n.max = 1<<(t.Bits()-1) - 1
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n.kind = kindUint
		n.max = 1<<t.Bits() - 1
	default:
		n.kind = kindUnsupported
	}
	return n
}

// holdsList reports whether a value of type t can hold a list.
func holdsList(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Slice:
		return true
	case reflect.Pointer:
		return holdsList(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if holdsList(t.Field(i).Type, seen) {
				return true
			}
		}
	}
	return false
}

// ---- typed decoding ----

// value reads one value into dst, which points to a value of n.typ.
func (d *decoder) value(n *node, dst unsafe.Pointer) {
	c := d.peek()
	if n.kind == kindVersion {
		d.version(n, dst)
		return
	}
	if c == 'n' {
		// null leaves the zero value (or the default already there).
		d.literal("null")
		return
	}
	switch n.kind {
	case kindPointer:
		ptr := (*unsafe.Pointer)(dst)
		if *ptr == nil {
			if n.profile {
				def := DefaultProfile()
				*ptr = unsafe.Pointer(&def)
			} else {
				*ptr = reflect.New(n.typ.Elem()).UnsafePointer()
			}
		}
		d.value(n.elem, *ptr)
	case kindStruct:
		if c != '{' {
			d.mismatch("an object")
			return
		}
		d.object(n, dst)
	case kindSlice:
		if c != '[' {
			d.mismatch("a list")
			return
		}
		d.list(n, dst)
	case kindString:
		if c != '"' {
			d.mismatch("a string")
			return
		}
		s, plain := d.plainString()
		if !plain {
			var info strInfo
			s, info = d.readString(&d.scratch)
			if !d.checkString(s, info, n.freeText) {
				return
			}
		}
		if d.keep {
			*(*string)(dst) = d.text(s)
		}
	case kindBool:
		switch c {
		case 't':
			d.literal("true")
			*(*bool)(dst) = true
		case 'f':
			d.literal("false")
			*(*bool)(dst) = false
		default:
			d.mismatch("true or false")
		}
	case kindInt, kindUint:
		if c != '-' && (c < '0' || c > '9') {
			d.mismatch("a whole number")
			return
		}
		d.integer(n, dst)
	case kindText, kindPrefix, kindAddr:
		if c != '"' {
			d.mismatch(fmtlite.Sprintf("a string (%s)", typeName(n.typ)))
			return
		}
		s, plain := d.plainString()
		if !plain {
			var info strInfo
			s, info = d.readString(&d.scratch)
			if !d.checkString(s, info, false) {
				return
			}
		}
		if err := setText(n, dst, s); err != nil {
			d.fail(CodeDecodeValue, func() string {
				return fmtlite.Sprintf("%s is not a valid %s: %s", quote(s), typeName(n.typ), clip(cidr.ParseErrorReason(err)))
			}, exampleOf(n.typ))
		}
	default:
		// The model uses only the kinds above; reaching here is a bug in
		// the model, reported rather than panicking.
		d.skip()
		d.fail(CodeDecodeType, func() string { return fmtlite.Sprintf("field of type %s cannot be decoded", n.typ) }, "")
	}
}

// setText stores a string into a value whose pointer type implements
// encoding.TextUnmarshaler. Addresses and prefixes are parsed without an
// interface conversion, IPv4 ones by fastIPv4, and the rest by netip over
// the bytes themselves: as their UnmarshalText does, but without copying
// the text into a string only to parse it (netip keeps no part of the text
// it is given: an error's text is formatted before s changes, and a zone is
// copied by unique.Make).
func setText(n *node, dst unsafe.Pointer, s []byte) error {
	var err error
	switch n.kind {
	case kindPrefix:
		p := (*netip.Prefix)(dst)
		switch {
		case fastIPv4Prefix(p, s):
		case len(s) == 0:
			*p = netip.Prefix{}
		default:
			*p, err = netip.ParsePrefix(unsafe.String(unsafe.SliceData(s), len(s)))
		}
	case kindAddr:
		a := (*netip.Addr)(dst)
		switch {
		case fastIPv4Addr(a, s):
		case len(s) == 0:
			*a = netip.Addr{}
		default:
			*a, err = netip.ParseAddr(unsafe.String(unsafe.SliceData(s), len(s)))
		}
	default:
		err = reflect.NewAt(n.typ, dst).Interface().(encoding.TextUnmarshaler).UnmarshalText(s)
	}
	return err
}

func (d *decoder) object(n *node, dst unsafe.Pointer) {
	if !d.open('}') {
		return
	}
	var seen uint64
	var seenMore []bool
	next := 0
	if len(n.names) > 64 {
		seenMore = make([]bool, len(n.names))
	}
	for {
		d.fieldName()
		// Fields mostly come in the model's order (Encode writes them so,
		// leaving out empty ones): try the next few after the last, by
		// their names and the ':' as bytes in the document, before reading
		// the name and looking it up. A field name is plain text, so a
		// name matched byte for byte needs no further reading.
		var f *field
		var key []byte
		for k := next; k < len(n.order) && k < next+orderLookahead; k++ {
			if end, ok := n.order[k].at(d.data, d.pos); ok {
				f = n.order[k]
				d.pos = end
				d.ws()
				break
			}
		}
		if f == nil {
			key, _ = d.readString(&d.keyScratch)
			f = n.fields[string(key)]
			d.colon()
		}
		if f != nil {
			next = f.bit + 1
		}
		switch {
		case f == nil:
			d.unknownField(n, key)
			d.skip()
		case f.bit < 64 && seen&(1<<f.bit) != 0, f.bit >= 64 && seenMore[f.bit]:
			d.path = append(d.path, pathElem{field: f.bit})
			d.fail(CodeDecodeDuplicate, func() string {
				return fmtlite.Sprintf("the field %q appears more than once in this object", f.name)
			}, "keep one; JSON readers disagree on which of two values wins")
			d.path = d.path[:len(d.path)-1]
			d.skip()
		default:
			if f.bit < 64 {
				seen |= 1 << f.bit
			} else {
				seenMore[f.bit] = true
			}
			d.path = append(d.path, pathElem{field: f.bit})
			d.value(f.node, unsafe.Add(dst, f.offset))
			d.path = d.path[:len(d.path)-1]
		}
		if !d.comma() && !d.next('}') {
			return
		}
	}
}

// record reads the object at the current position into dst, of a record
// type, if it is written as Encode and most tools write one: compact, its
// fields in declaration order, each value a plain string (printable ASCII
// without escapes, see plainString) that holds a valid value. Most of a
// large plan's bytes are such objects (segments, subnets), and reading them
// this way skips the work object does for any object: looking up names,
// checking for duplicates, keeping the path.
//
// It reports false at the first byte that is not so, and the caller reads
// the object again from its '{' with object, which reports whatever is
// wrong. What record stored by then is overwritten: it stores only fields
// the document holds, which object reads again. So record never decides
// what a document means; every object it reads, object reads to the same
// value (TestDecodeShortcutsAgree and FuzzDecode compare the two).
func (d *decoder) record(n *node, dst unsafe.Pointer) bool {
	data := d.data
	if d.pos >= len(data) || data[d.pos] != '{' || d.depth >= MaxDocumentDepth {
		return false // not an object, or one nested too deep: value reports it
	}
	p := d.pos + 1
	next := 0
	for {
		var f *field
		for k := next; k < len(n.order); k++ {
			if end, ok := n.order[k].at(data, p); ok {
				f, p, next = n.order[k], end, k+1
				break
			}
		}
		if f == nil || p >= len(data) || data[p] != '"' {
			return false
		}
		at := unsafe.Add(dst, f.offset)
		end := 0
		if f.node.kind == kindPrefix {
			// Most prefixes are IPv4: read from the document up to the
			// closing quote, without a pass over the string first.
			if pfx, e, ok := ipv4PrefixAt(data[p+1:]); ok && p+1+e < len(data) && data[p+1+e] == '"' {
				*(*netip.Prefix)(at) = pfx
				end = p + 1 + e
			}
		}
		if end == 0 && f.node.kind == kindString {
			var str string
			if str, end = d.plainText(p + 1); end > 0 {
				*(*string)(at) = str
			}
		}
		if end == 0 {
			end = plainRun(data, p+1)
			if end >= len(data) || data[end] != '"' {
				return false
			}
			s := data[p+1 : end]
			if f.node.kind == kindString {
				*(*string)(at) = d.text(s)
			} else if setText(f.node, at, s) != nil {
				return false
			}
		}
		p = end + 1
		if p >= len(data) {
			return false
		}
		switch data[p] {
		case ',':
			p++
		case '}':
			d.pos = p + 1
			return true
		default:
			return false
		}
	}
}

// records reads the compact records that follow the one just read into
// the list hdr, in place, while the list has room (up to the helper's
// part t, if any): the common case of a list sized by objectsLeft, without
// the steps list takes per element. It returns how many it read, and stops
// before the ',' of any element that is not such a record, which list then
// reads.
func (d *decoder) records(n *node, hdr *sliceHeader, t *tail) int {
	k := 0
	limit := hdr.cap
	if t != nil {
		limit = t.first // the helper's part
	}
	for hdr.len < limit && d.pos+1 < len(d.data) && d.data[d.pos] == ',' && d.data[d.pos+1] == '{' {
		d.pos++
		if !d.record(n, unsafe.Add(hdr.data, uintptr(hdr.len)*n.size)) {
			d.pos--
			break
		}
		hdr.len++
		k++
	}
	return k
}

// orderLookahead is how many fields past the last one object tries before
// its map: omitted empty fields (a subnet's id) sit between written ones.
const orderLookahead = 3

// sliceHeader is the layout of a Go slice, through which list reads and
// sets the length of the slice it fills and addresses its elements.
type sliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}

func (d *decoder) list(n *node, dst unsafe.Pointer) {
	// The slice as a reflect.Value, for allocating and growing it (once
	// per list or step of growth, not per element).
	slice := reflect.NewAt(n.typ, dst).Elem()
	hdr := (*sliceHeader)(dst)
	if !d.open(']') {
		if d.keep {
			// An empty list stays an empty list, not null.
			slice.Set(reflect.MakeSlice(n.typ, 0, 0))
		}
		return
	}
	elemSize := uint64(n.elem.size)
	// A list without lists inside (segments, subnets, prefixes: most of a
	// large plan's elements) is allocated once, at its exact length:
	// growing it would cost twice the memory. A list of objects whose end
	// objectsLeft can find without reading it is sized by its count
	// (hinted) and read in place. Any other (staged) is read first into the
	// decoder's reusable stage for the element type and copied into place
	// when it ends; one longer than the stage is counted from there on and
	// read in place. Lists of lists grow instead, so that no inner list is
	// read twice.
	staged := d.keep && n.flat
	hinted := false
	var tail *tail // the tail of a long list, read by a helper
	if staged && !d.generic {
		if k, end, ok := objectsLeft(n, d.data, d.pos); ok && uint64(k)*elemSize <= d.budget {
			d.budget -= uint64(k) * elemSize
			slice.Set(reflect.MakeSlice(n.typ, 0, k))
			staged, hinted = false, true
			if tail = d.splitList(n.elem, hdr, k, end); tail != nil {
				defer tail.release()
			}
		}
	}
	var st *stage
	if staged {
		st = d.stageFor(n)
	}
	// unkept: the list is counted and cannot fit in the budget, so a
	// finding is certain (too-large where growing fails, or an element's
	// own before it) and the plan will not be returned. Its growth is then
	// only counted against the budget, not allocated: the findings and the
	// budget come out the same without building a list of up to the whole
	// budget that is thrown away. A staged list counts its growth the same
	// way (it allocates nothing but the stage), until it is placed.
	unkept := false
	growth := 0 // the capacity the list would have, when unkept or staged
	if d.keep && !staged && !hinted {
		slice.Set(reflect.MakeSlice(n.typ, 0, 0))
	}
	var scratch unsafe.Pointer // one element, reused once values are not kept
	inStage := 0               // elements written into the stage
	d.path = append(d.path, pathElem{field: -1})
	top := len(d.path) - 1
	for i := 0; ; i++ {
		d.path[top].index = i
		if tail != nil && i == tail.first {
			// Where the helper began: go on without reading the tail if
			// the list is read up to there as the helper took it to be.
			if d.goOn(tail, hdr, i) {
				d.path = d.path[:top]
				d.next(']')
				return
			}
			tail = nil
		}
		if staged && d.keep && i == stageElements {
			// Longer than the stage: counted from here, placed at its
			// exact length (or, if it cannot fit, only counted on).
			count := i + countElements(d.data, d.pos-1)
			staged = false
			if !d.place(n, st, slice, i, count) {
				// As if counted at the start: the growth so far is
				// taken from the budget, the rest is counted on.
				unkept = true
				d.budget -= uint64(growth) * elemSize
			}
		}
		length, capacity := hdr.len, hdr.cap
		if unkept || staged {
			length, capacity = i, growth
		}
		if d.keep && length == capacity {
			// Lists grow by doubling, each step within the budget.
			want := max(capacity*2, 4)
			grow := uint64(want-capacity) * elemSize
			switch {
			case staged && uint64(want)*elemSize > d.budget:
				// The list as a whole may still fit: an exact-length
				// list takes less than its doubled growth.
				count := i + countElements(d.data, d.pos-1)
				staged = false
				if d.place(n, st, slice, i, count) {
					break
				}
				unkept = true
				d.tooLarge(top, i, count, elemSize)
			case staged:
				growth = want // counted against the budget when placed
			case grow <= d.budget:
				d.budget -= grow
				if unkept {
					growth = want
				} else {
					slice.Grow(want - hdr.len)
				}
			default:
				d.tooLarge(top, i, i+countElements(d.data, d.pos-1), elemSize)
			}
		}
		var el unsafe.Pointer
		switch {
		case staged && d.keep:
			if i == st.v.Len() {
				st.grow(i)
			}
			el = unsafe.Add(st.base, uintptr(i)*n.elem.size)
			inStage = i + 1
		case d.keep && !unkept:
			hdr.len = i + 1
			el = unsafe.Add(hdr.data, uintptr(i)*n.elem.size)
		default:
			if scratch == nil {
				scratch = reflect.New(n.typ.Elem()).UnsafePointer()
			}
			el = scratch
		}
		switch {
		case d.pos < len(d.data) && d.data[d.pos] == 'n':
			d.nullElement()
		case n.elem.record && d.keep && !d.generic && d.record(n.elem, el):
			if hinted {
				i += d.records(n.elem, hdr, tail)
			}
		default:
			d.value(n.elem, el) // which reports the end of the document
		}
		if !d.comma() && !d.next(']') {
			d.path = d.path[:top]
			if tail != nil {
				tail.drop(hdr) // the list ended before the helper's start
			}
			if hinted && d.keep && !unkept && hdr.len < hdr.cap {
				d.trim(n, slice)
			}
			if staged {
				if d.keep {
					d.place(n, st, slice, inStage, inStage)
				} else {
					st.clear(inStage)
				}
			}
			return
		}
	}
}

// objectsLeft counts the elements of a list of objects from data[from]
// (its first element's first byte) to its end (returned: the ']'), by the
// '{' bytes between, where it can tell where the list ends without
// reading it: at the first ']', when there is no '[' or escape before it
// and it is outside any string (an even number of '"' before it). The
// bytes package counts at several times countElements' speed (in assembly
// on most platforms), which a list of a hundred thousand segments notices.
//
// Each object has its '{', so the count is not below the elements that are
// objects (an element that is not one is a finding, and then nothing is
// kept); it is above only where strings hold braces. A count that would
// size the list at more than hintBytesPerByte bytes of elements per byte
// of its text is not taken: strings full of braces must not make the
// decoder allocate more than the list needs, however briefly.
func objectsLeft(n *node, data []byte, from int) (count, end int, ok bool) {
	if n.elem.kind != kindStruct {
		return 0, 0, false
	}
	end = bytes.IndexByte(data[from:], ']')
	if end < 0 {
		return 0, 0, false
	}
	s := data[from : from+end]
	if bytes.IndexByte(s, '[') >= 0 || bytes.IndexByte(s, '\\') >= 0 || bytes.Count(s, []byte{'"'})%2 != 0 {
		return 0, 0, false
	}
	count = bytes.Count(s, []byte{'{'})
	if uint64(count)*uint64(n.elem.size) > hintBytesPerByte*uint64(len(s)) {
		return 0, 0, false
	}
	return count, from + end, true
}

// hintBytesPerByte bounds the memory objectsLeft sizes a list at, per
// byte of the list's text: a segment or a subnet takes 64 bytes decoded
// and, with its name and address block, 30 or more written, so real lists
// are well below it.
const hintBytesPerByte = 4

// trim moves a list sized by objectsLeft's count, which was higher than
// its length, into a slice of its exact length, and gives the rest back
// to the budget.
func (d *decoder) trim(n *node, slice reflect.Value) {
	d.budget += uint64(slice.Cap()-slice.Len()) * uint64(n.elem.size)
	s := reflect.MakeSlice(n.typ, slice.Len(), slice.Len())
	reflect.Copy(s, slice)
	slice.Set(s)
}

// tooLarge reports a list whose count elements do not fit in what is left
// of the budget, found at element i.
func (d *decoder) tooLarge(top, i, count int, elemSize uint64) {
	d.path = d.path[:top] // the finding is on the list
	d.fail(CodeDecodeTooLarge, func() string {
		return fmtlite.Sprintf("the list's %d elements would take %d MiB decoded, more than is left of the %d MiB all lists of a plan may take", count, uint64(count)*elemSize>>20, maxListBytes>>20)
	}, "a plan within the size limit of real segments, subnets and tunnels needs a fraction of that; look for empty or repeated elements")
	d.path = append(d.path, pathElem{field: -1, index: i})
}

// stageElements is how many elements a stage holds: more than most lists
// of a real plan (a VPC's subnets, an attachment's prefixes), so that they
// are read once, and few enough that a stage is 64 KiB for a segment or a
// subnet (64 bytes each). A longer list, in practice the IDC's segments,
// is counted from there.
const stageElements = 1024

// stage is the reusable buffer the elements of flat lists of one type are
// read into. It is an ordinary Go slice (held in v, so the collector sees
// the pointers the elements hold); base is its first element.
type stage struct {
	elem *node
	v    reflect.Value
	base unsafe.Pointer
}

// stageFor returns the decoder's stage for the elements of the list n,
// allocated on first use. A flat list holds no list, so no other list is
// read while its elements are in the stage: one stage per element type
// serves every list of that type.
func (d *decoder) stageFor(n *node) *stage {
	for _, st := range d.stages {
		if st.elem == n.elem {
			return st
		}
	}
	st := &stage{elem: n.elem, v: reflect.MakeSlice(n.typ, 0, 0)}
	d.stages = append(d.stages, st)
	return st
}

// grow doubles the stage (up to stageElements), keeping its first k
// elements: a stage is as large as the longest list it has held.
func (st *stage) grow(k int) {
	m := min(max(2*st.v.Len(), 16), stageElements)
	v := reflect.MakeSlice(st.v.Type(), m, m)
	reflect.Copy(v, st.v.Slice(0, k))
	st.v, st.base = v, v.UnsafePointer()
}

// place allocates the list at its exact length count if that fits in the
// budget, and moves the read elements, the first read, from the stage
// into it; it reports false (and allocates nothing) if the list does not
// fit. The stage is cleared either way, for the next list.
func (d *decoder) place(n *node, st *stage, slice reflect.Value, read, count int) bool {
	defer st.clear(read)
	size := uint64(count) * uint64(n.elem.size)
	if size > d.budget {
		return false
	}
	d.budget -= size
	s := reflect.MakeSlice(n.typ, read, count)
	reflect.Copy(s, st.v.Slice(0, read)) // a typed copy: write barriers as needed
	slice.Set(s)
	return true
}

// clear zeroes the first k elements of the stage, so that the next list
// read into it starts from zero values as a new slice's elements do.
func (st *stage) clear(k int) {
	st.v.Slice(0, k).Clear()
}

// integer reads a JSON number into an integer field from its text: only
// plain digits are a whole number (no fraction, no exponent, not -0), and
// the value must fit the field.
func (d *decoder) integer(n *node, dst unsafe.Pointer) {
	text := d.number()
	neg, mag, plain, fits := parseInteger(text)
	if !plain {
		d.fail(CodeDecodeType, func() string {
			return fmtlite.Sprintf("expected a whole number, found the number %s", clip(string(text)))
		}, plainHint(text))
		return
	}
	switch {
	case !fits, n.kind == kindUint && neg, n.kind == kindUint && mag > n.max,
		n.kind == kindInt && !neg && mag > n.max, n.kind == kindInt && neg && mag > uint64(-(n.min+1))+1:
		d.fail(CodeDecodeValue, func() string {
			lo := int64(0)
			if n.kind == kindInt {
				lo = n.min
			}
			return fmtlite.Sprintf("%s is out of range (%d to %d)", clip(string(text)), lo, n.max)
		}, "")
	case neg:
		setInt(dst, n.size, -mag) // two's complement: correct down to the minimum
	default:
		setInt(dst, n.size, mag)
	}
}

// setInt stores v, already checked to fit, in an integer of size bytes:
// signed or not, the low bytes of its two's complement are the value.
func setInt(dst unsafe.Pointer, size uintptr, v uint64) {
	switch size {
	case 1:
		*(*uint8)(dst) = uint8(v)
	case 2:
		*(*uint16)(dst) = uint16(v)
	case 4:
		*(*uint32)(dst) = uint32(v)
	default:
		*(*uint64)(dst) = v
	}
}

// parseInteger reads JSON number text (already checked against the JSON
// grammar). plain reports a whole number written in digits alone; fits
// that its magnitude fits in 64 bits.
func parseInteger(text []byte) (neg bool, mag uint64, plain, fits bool) {
	if len(text) > 0 && text[0] == '-' {
		neg, text = true, text[1:]
	}
	if neg && len(text) == 1 && text[0] == '0' {
		return neg, 0, false, false
	}
	fits = true
	for _, c := range text {
		if c < '0' || c > '9' {
			return neg, 0, false, false // a fraction or an exponent
		}
		v := uint64(c - '0')
		if mag > (1<<64-1-v)/10 {
			fits = false
		}
		mag = mag*10 + v
	}
	return neg, mag, true, fits
}

// plainHint says how to write a number that was spelled with a fraction or
// exponent, giving the plain form when the value is a whole number of at
// most 20 digits.
func plainHint(text []byte) string {
	const general = "write whole numbers in plain digits, without a fraction or exponent"
	s := string(text)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mant, exp, _ := strings.Cut(strings.ToLower(s), "e")
	intPart, frac, _ := strings.Cut(mant, ".")
	e := 0
	if exp != "" {
		v, err := strconv.Atoi(exp)
		if err != nil || v > 20 || v < -400 {
			return general
		}
		e = v
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	scale := e - len(frac)
	switch {
	case digits == "":
		return "write 0"
	case scale >= 0:
		digits += strings.Repeat("0", scale)
	default:
		if -scale > len(digits) || strings.Trim(digits[len(digits)+scale:], "0") != "" {
			return "" // not a whole number: the message says enough
		}
		digits = digits[:len(digits)+scale]
	}
	if len(digits) > 20 {
		return general
	}
	if neg {
		digits = "-" + digits
	}
	return fmtlite.Sprintf("write %s; %s", digits, general)
}

// version reads the "version" field: it decides whether anything else in
// the document is read, so its problems are reported on their own.
func (d *decoder) version(n *node, dst unsafe.Pointer) {
	d.sawVersion = true
	bad := func(msg, hint string) {
		if d.versionFinding == nil {
			d.versionFinding = &Finding{Code: CodeDecodeVersion, Severity: SeverityError, Path: "$.version", Message: msg, Hint: hint}
		}
	}
	reads := fmtlite.Sprintf("this hybridplan reads version %d", Version)
	c := d.peek()
	if c != '-' && (c < '0' || c > '9') {
		bad(fmtlite.Sprintf("\"version\" must be a number, not %s", d.describe()), fmtlite.Sprintf("write \"version\": %d", Version))
		return
	}
	text := d.number()
	neg, mag, plain, fits := parseInteger(text)
	switch {
	case !plain:
		bad(fmtlite.Sprintf("version %s is not written as a whole number", clip(string(text))), fmtlite.Sprintf("write \"version\": %d", Version))
	case !fits || neg || mag < 1:
		bad(fmtlite.Sprintf("version %s is not a plan version", clip(string(text))), reads)
	case mag > Version:
		bad(fmtlite.Sprintf("the plan is version %d, written by a newer hybridplan", mag), reads+"; upgrade it")
	default:
		setInt(dst, n.size, mag)
	}
}

// text returns a string value as a Go string. Short strings are copied
// into a shared block, so a plan's hundred thousand names take a few dozen
// allocations instead of one each. The block is a []byte of no pointers
// that this decoder alone writes, and only into its unused tail: bytes
// handed out as a string are never written again (the Go rule for strings
// made by unsafe.String), and the string keeps its block alive.
func (d *decoder) text(s []byte) string {
	if len(s) == 0 || len(s) > textBlockBytes/4 {
		return string(s)
	}
	d.textRoom(len(s))
	start := len(d.texts)
	d.texts = append(d.texts, s...)
	return unsafe.String(&d.texts[start], len(s))
}

// plainText reads a plain string (see plainString) of at most
// plainTextBytes from data[i] (past its '"') into the text block, scanning
// and copying it a word at a time: most of a plan's strings are short
// names. It returns the string and the index of its closing '"', or 0 for
// any other string, which the caller reads the usual way. It writes the
// block's unused tail past the string too; that is never handed out
// before it is written again (see text).
func (d *decoder) plainText(i int) (string, int) {
	if i+plainTextBytes > len(d.data) {
		return "", 0
	}
	d.textRoom(plainTextBytes)
	// Fixed-size views: the loop below indexes them without bounds checks.
	src := (*[plainTextBytes]byte)(d.data[i:])
	used := len(d.texts)
	dst := (*[plainTextBytes]byte)(d.texts[used : used+plainTextBytes])
	for k := 0; k < plainTextBytes; k += 8 {
		x := binary.LittleEndian.Uint64(src[k:])
		binary.LittleEndian.PutUint64(dst[k:], x)
		if m := swarEnds(x); m != 0 {
			n := k + bits.TrailingZeros64(m)/8
			switch {
			case src[n%plainTextBytes] != '"':
				return "", 0
			case n == 0:
				return "", i
			}
			d.texts = d.texts[:used+n]
			return unsafe.String(&dst[0], n), i + n
		}
	}
	return "", 0
}

// plainTextBytes is the longest string plainText reads: a name, an id.
const plainTextBytes = 32

// textRoom starts a new text block if the current one has fewer than n
// bytes left; the strings of the full block stay valid.
func (d *decoder) textRoom(n int) {
	if cap(d.texts)-len(d.texts) < n {
		d.texts = make([]byte, 0, textBlockBytes)
	}
}

// textBlockBytes is the size of the blocks text copies short strings into.
const textBlockBytes = 32 << 10

// countElements counts the elements of a list from data[open+1] to its
// end, assuming it is well-formed (the decoder checks that as it reads
// them).
func countElements(data []byte, open int) int {
	n, depth := 1, 0
	for i := open + 1; i < len(data); i++ {
		switch data[i] {
		case '"':
			for i = quoteRun(data, i+1); i < len(data) && data[i] != '"'; i = quoteRun(data, i+1) {
				if data[i] == '\\' {
					i++
				}
			}
		case '[', '{':
			depth++
		case ']', '}':
			if depth == 0 {
				return n
			}
			depth--
		case ',':
			if depth == 0 {
				n++
			}
		}
	}
	return n
}

// fastIPv4 stores an IPv4 address or prefix in dotted-quad form into a
// *netip.Addr or *netip.Prefix without the string netip's parsers need
// (most blocks of a plan are IPv4). It reports false for anything else,
// which goes to netip: every form it accepts, netip parses the same
// (FuzzFastIPv4 checks that).
func fastIPv4(dst any, s []byte) bool {
	switch dst := dst.(type) {
	case *netip.Addr:
		return fastIPv4Addr(dst, s)
	case *netip.Prefix:
		return fastIPv4Prefix(dst, s)
	}
	return false
}

// fastIPv4Addr is fastIPv4 for an address.
func fastIPv4Addr(dst *netip.Addr, s []byte) bool {
	var buf [32]byte
	a, i, ok := parseDottedQuad(window(s, &buf))
	if !ok || i != len(s) {
		return false
	}
	*dst = netip.AddrFrom4(a)
	return true
}

// fastIPv4Prefix is fastIPv4 for a prefix.
func fastIPv4Prefix(dst *netip.Prefix, s []byte) bool {
	p, end, ok := ipv4PrefixAt(s)
	if !ok || end != len(s) {
		return false
	}
	*dst = p
	return true
}

// window returns the first 32 bytes of s, or s copied into buf, zeros
// after it, if it is shorter: the longest IPv4 prefix (18 bytes) and the
// byte after it fit, and a zero ends a number as the end of s would. The
// IPv4 readers index it with masked indices, which need no bounds checks.
func window(s []byte, buf *[32]byte) *[32]byte {
	if len(s) >= len(buf) {
		return (*[32]byte)(s)
	}
	copy(buf[:], s)
	return buf
}

// ipv4PrefixAt reads a.b.c.d/n (decimal, no leading zeros, n ≤ 32) at the
// start of s and returns the prefix and where it ends; the byte there, if
// any, is not a digit. fastIPv4Prefix wants the end of s there, record the
// closing quote of the string in the document.
func ipv4PrefixAt(s []byte) (p netip.Prefix, end int, ok bool) {
	var buf [32]byte
	w := window(s, &buf)
	a, i, ok := parseDottedQuad(w)
	if !ok || w[i&31] != '/' {
		return p, 0, false
	}
	bits := uint(w[(i+1)&31]) - '0'
	if bits > 9 {
		return p, 0, false
	}
	i += 2
	if c := uint(w[i&31]) - '0'; c <= 9 {
		if bits == 0 {
			return p, 0, false // a leading zero
		}
		bits = bits*10 + c
		i++
	}
	if bits > 32 || uint(w[i&31])-'0' <= 9 {
		return p, 0, false
	}
	return netip.PrefixFrom(netip.AddrFrom4(a), int(bits)), i, true
}

// parseDottedQuad reads a.b.c.d (decimal, no leading zeros) at the start of
// w and returns the address and where it ends (at most 15). A fourth digit
// after the last number ends the address there: the callers require the
// end of the text or '/' after it, so they refuse it as netip does.
func parseDottedQuad(w *[32]byte) (a [4]byte, end int, ok bool) {
	i := 0
	for k := range 4 {
		if k > 0 {
			if w[i&31] != '.' {
				return a, 0, false
			}
			i++
		}
		v := uint(w[i&31]) - '0'
		if v > 9 {
			return a, 0, false
		}
		i++
		if c := uint(w[i&31]) - '0'; c <= 9 {
			if v == 0 {
				return a, 0, false // a leading zero
			}
			v = v*10 + c
			i++
			if c := uint(w[i&31]) - '0'; c <= 9 {
				v = v*10 + c
				i++
				if v > 255 {
					return a, 0, false
				}
			}
		}
		a[k] = byte(v)
	}
	return a, i, true
}

// strInfo describes what readString found in a string besides its text.
type strInfo struct {
	badUTF8   int  // offset in the text of the first invalid byte, or -1
	surrogate bool // an escaped lone UTF-16 surrogate
	// control is the first control character (Unicode Cc: U+0000–U+001F,
	// U+007F–U+009F), or -1; hidden the first one other than a tab, line
	// feed or carriage return, which free text may hold.
	control, hidden rune
}

// checkString reports invalid text and control characters in a string
// value, and says whether the string may be stored.
func (d *decoder) checkString(s []byte, info strInfo, freeText bool) bool {
	switch {
	case info.badUTF8 >= 0:
		d.fail(CodeDecodeUTF8, func() string {
			return fmtlite.Sprintf("the string is not valid UTF-8 (byte %#02x at byte %d of the string %s)", s[info.badUTF8], info.badUTF8, quote(s))
		}, "save the file as UTF-8")
		return false
	case info.surrogate:
		d.fail(CodeDecodeUTF8, func() string {
			return fmtlite.Sprintf("the string %s escapes half of a UTF-16 surrogate pair (\\ud800–\\udfff alone), which is no character", quote(s))
		}, "escape a character outside the Basic Multilingual Plane as a pair, e.g. \\ud83d\\ude00, or write it as UTF-8")
		return false
	case !freeText && info.control >= 0:
		d.fail(CodeDecodeControl, func() string {
			return fmtlite.Sprintf("a name or identifier holds the control character U+%04X: %s", info.control, quote(s))
		}, "remove it: control characters hide in logs, consoles and the cloud's console")
	case freeText && info.hidden >= 0:
		d.fail(CodeDecodeControl, func() string {
			return fmtlite.Sprintf("a description holds the control character U+%04X (only tabs and line breaks are allowed): %s", info.hidden, quote(s))
		}, "remove it: control characters hide in logs, consoles and the cloud's console")
		return false
	}
	return true
}

// ---- findings ----

// fail records a finding at the current path. msg is called only when the
// finding is kept, so a document with a million mistakes formats a hundred.
func (d *decoder) fail(code string, msg func() string, hint string) {
	d.failAt(code, nil, msg, hint)
}

// failAt is fail for a finding on a field name (unknown) below the current
// path.
func (d *decoder) failAt(code string, key []byte, msg func() string, hint string) {
	d.keep = false
	if len(d.findings) >= MaxDecodeFindings {
		d.more++
		for i := range d.moreByCode {
			if d.moreByCode[i].code == code {
				d.moreByCode[i].n++
				return
			}
		}
		d.moreByCode = append(d.moreByCode, codeCount{code, 1})
		return
	}
	path := d.pathString()
	if key != nil {
		path += pathKey(key)
	}
	d.findings = append(d.findings, Finding{Code: code, Severity: SeverityError, Path: path, Message: msg(), Hint: hint})
}

// codeCount counts the findings of one code beyond MaxDecodeFindings.
type codeCount struct {
	code string
	n    int
}

func (d *decoder) moreFinding() Finding {
	counts := slices.Clone(d.moreByCode)
	sortSmall(counts, func(a, b codeCount) int { return strings.Compare(a.code, b.code) })
	parts := make([]string, len(counts))
	for i, c := range counts {
		parts[i] = fmtlite.Sprintf("%s %d", c.code, c.n)
	}
	return Finding{Code: CodeDecodeMore, Severity: SeverityError, Path: "$",
		Message: fmtlite.Sprintf("%d more problems not listed (%s)", d.more, strings.Join(parts, ", ")),
		Hint:    fmtlite.Sprintf("only the first %d problems are listed; fix those and decode again", MaxDecodeFindings)}
}

func (d *decoder) pathString() string {
	var b strings.Builder
	b.WriteByte('$')
	n := planNode() // the decoder reads Plans: its path starts there
	for _, e := range d.path {
		for n.kind == kindPointer {
			n = n.elem
		}
		if e.field >= 0 {
			f := n.order[e.field]
			b.WriteString(pathKey([]byte(f.name)))
			n = f.node
		} else {
			n = n.elem
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e.index))
			b.WriteByte(']')
		}
	}
	return b.String()
}

// pathKey writes a field name as a path step: .name for plain names, and
// ["…"] (quoted, shortened) for anything else.
func pathKey(k []byte) string {
	plain := len(k) > 0 && len(k) <= 64
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			plain = false
			break
		}
	}
	if plain {
		return "." + string(k)
	}
	return "[" + quote(k) + "]"
}

func (d *decoder) unknownField(n *node, key []byte) {
	if len(d.findings) >= MaxDecodeFindings {
		d.failAt(CodeDecodeUnknownField, nil, nil, "")
		return
	}
	d.failAt(CodeDecodeUnknownField, key, func() string {
		return fmtlite.Sprintf("unknown field %s", quote(key))
	}, suggest(key, n))
}

// suggest names the known field closest to a misspelt one.
func suggest(key []byte, n *node) string {
	if len(key) <= n.maxName+2 {
		k := strings.ToLower(string(key))
		best, bestDist := "", 3
		for _, name := range n.names {
			if dist := editDistance(k, strings.ToLower(name)); dist < bestDist {
				best, bestDist = name, dist
			}
		}
		if best != "" {
			return fmtlite.Sprintf("did you mean %q?", best)
		}
	}
	return "known fields here: " + strings.Join(n.names, ", ")
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

// mismatch reports a value of the wrong type and skips it.
func (d *decoder) mismatch(want string) {
	if len(d.findings) >= MaxDecodeFindings {
		d.skip()
		d.fail(CodeDecodeType, nil, "")
		return
	}
	found := d.describe()
	d.fail(CodeDecodeType, func() string { return fmtlite.Sprintf("expected %s, found %s", want, found) }, "")
}

// describe reads one value and says what it is, quoting a short prefix.
func (d *decoder) describe() string {
	switch d.peek() {
	case '"':
		s, _ := d.readString(&d.scratch)
		return "the string " + quote(s)
	case '{':
		d.skip()
		return "an object"
	case '[':
		d.skip()
		return "a list"
	case 't':
		d.literal("true")
		return "true"
	case 'f':
		d.literal("false")
		return "false"
	case 'n':
		d.literal("null")
		return "null"
	}
	if c := d.peek(); c != '-' && (c < '0' || c > '9') {
		d.syntax("expected a value")
	}
	return "the number " + clip(string(d.number()))
}

// quote quotes a value for a message: at most maxQuotedRunes characters,
// then "…" and the full length, with invalid UTF-8 and control characters
// escaped so a message is one printable line.
func quote(s []byte) string {
	n := 0
	for i := 0; i < len(s); {
		if n == maxQuotedRunes {
			return fmtlite.Sprintf("%q… (%d bytes)", s[:i], len(s))
		}
		_, size := utf8.DecodeRune(s[i:])
		i += size
		n++
	}
	return fmtlite.Sprintf("%q", s)
}

// clip shortens text that is not quoted (numbers, parser reasons).
func clip(s string) string {
	if len(s) <= 2*maxQuotedRunes {
		return s
	}
	cut := 2 * maxQuotedRunes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmtlite.Sprintf("%s… (%d bytes)", s[:cut], len(s))
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

// ---- JSON text ----

func (d *decoder) ws() {
	// Compact documents have no whitespace between tokens: one test
	// answers for them.
	if d.pos < len(d.data) && d.data[d.pos] > ' ' {
		return
	}
	d.wsRun()
}

func (d *decoder) wsRun() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// peek returns the byte at the current position; the end of the document
// in the middle of a value is a syntax error.
func (d *decoder) peek() byte {
	if d.pos >= len(d.data) {
		d.truncated()
	}
	return d.data[d.pos]
}

func (d *decoder) truncated() {
	panic(abort{Finding{Code: CodeDecodeSyntax, Severity: SeverityError, Path: "$",
		Message: "the document ends in the middle of a JSON value", Hint: "the file may be truncated"}})
}

func (d *decoder) syntax(what string) {
	if d.pos >= len(d.data) {
		d.truncated()
	}
	line, col := d.position(d.pos)
	panic(abort{Finding{Code: CodeDecodeSyntax, Severity: SeverityError, Path: "$",
		Message: fmtlite.Sprintf("invalid JSON at line %d, column %d: %s, found %s", line, col, what, d.char())}})
}

// char describes the byte at the current position for a syntax error.
func (d *decoder) char() string {
	r, size := utf8.DecodeRune(d.data[d.pos:])
	switch {
	case r == utf8.RuneError && size <= 1:
		return fmtlite.Sprintf("the byte %#02x", d.data[d.pos])
	case r < 0x20 || r >= 0x7f && r <= 0x9f:
		return fmtlite.Sprintf("the control character U+%04X", r)
	}
	return strconv.QuoteRune(r)
}

func (d *decoder) position(offset int) (line, col int) {
	before := d.data[:min(offset, len(d.data))]
	line = bytes.Count(before, []byte("\n")) + 1
	col = utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return line, col
}

// tooDeep ends decoding at nesting beyond MaxDocumentDepth.
func (d *decoder) tooDeep() {
	line, col := d.position(d.pos - 1)
	panic(abort{Finding{Code: CodeDecodeTooDeep, Severity: SeverityError, Path: d.pathString(),
		Message: fmtlite.Sprintf("objects and lists nest more than %d levels deep at line %d, column %d", MaxDocumentDepth, line, col),
		Hint:    "a plan nests a few levels; this is not a plan document"}})
}

func (d *decoder) literal(lit string) {
	if !bytes.HasPrefix(d.data[d.pos:], []byte(lit)) {
		for i := 0; i < len(lit); i++ {
			if d.pos >= len(d.data) {
				d.truncated()
			}
			if d.data[d.pos] != lit[i] {
				d.syntax(fmtlite.Sprintf("expected the literal %s", lit))
			}
			d.pos++
		}
	}
	d.pos += len(lit)
}

// number reads a number by the JSON grammar and returns its text.
func (d *decoder) number() []byte {
	start := d.pos
	if d.peek() == '-' {
		d.pos++
	}
	switch c := d.peek(); {
	case c == '0':
		d.pos++
	case c >= '1' && c <= '9':
		d.digits()
	default:
		d.syntax("expected a digit")
	}
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		d.pos++
		if c := d.peek(); c < '0' || c > '9' {
			d.syntax("expected a digit after the decimal point")
		}
		d.digits()
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		d.pos++
		if c := d.peek(); c == '+' || c == '-' {
			d.pos++
		}
		if c := d.peek(); c < '0' || c > '9' {
			d.syntax("expected a digit in the exponent")
		}
		d.digits()
	}
	return d.data[start:d.pos]
}

func (d *decoder) digits() {
	for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
		d.pos++
	}
}

// plainString reads the JSON string at the current position (a '"') if
// it is plain: printable ASCII without escapes, as names, identifiers and
// addresses are. Such a string needs no unescaping and nothing checked;
// any other is left to readString (false).
func (d *decoder) plainString() ([]byte, bool) {
	start := d.pos + 1
	if i := plainRun(d.data, start); i < len(d.data) && d.data[i] == '"' {
		d.pos = i + 1
		return d.data[start:i], true
	}
	return nil, false
}

// readString reads a JSON string at the current position (a '"'). Without
// escapes its text is a slice of the document; with escapes it is
// unescaped into *buf. The text stays valid until *buf is reused.
func (d *decoder) readString(buf *[]byte) ([]byte, strInfo) {
	info := strInfo{badUTF8: -1, control: -1, hidden: -1}
	start := d.pos + 1
	data := d.data
	i := plainRun(data, start)
	for i < len(data) {
		c := data[i]
		if c == '"' {
			d.pos = i + 1
			return data[start:i], info
		}
		if c == '\\' || c < 0x20 || c >= 0x7f {
			break
		}
		i++
	}
	out := append((*buf)[:0], data[start:i]...)
	escaped := false
	for {
		if i >= len(data) {
			d.pos = i
			d.truncated()
		}
		c := data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			*buf = out
			if !escaped {
				return data[start:i], info
			}
			return out, info
		case c < 0x20:
			d.pos = i
			d.syntax("a control character must be escaped in a string (e.g. \\n)")
		case c == '\\':
			escaped = true
			d.pos = i
			r, n := d.escape()
			i += n
			if r < 0 {
				info.surrogate = true
				r = utf8.RuneError
			}
			info.noteControl(r)
			out = utf8.AppendRune(out, r)
		case c < utf8.RuneSelf:
			info.noteControl(rune(c))
			out = append(out, c)
			i++
		default:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 && info.badUTF8 < 0 {
				info.badUTF8 = len(out)
			}
			info.noteControl(r)
			out = append(out, data[i:i+size]...)
			i += size
		}
	}
}

func (info *strInfo) noteControl(r rune) {
	if r < 0x20 || r >= 0x7f && r <= 0x9f {
		if info.control < 0 {
			info.control = r
		}
		if info.hidden < 0 && r != '\t' && r != '\n' && r != '\r' {
			info.hidden = r
		}
	}
}

// escape decodes the escape sequence at the current position (a '\') and
// returns the rune (-1 for a lone surrogate) and the bytes it took.
func (d *decoder) escape() (rune, int) {
	data := d.data[d.pos:]
	if len(data) < 2 {
		d.truncated()
	}
	switch data[1] {
	case '"', '\\', '/':
		return rune(data[1]), 2
	case 'b':
		return '\b', 2
	case 'f':
		return '\f', 2
	case 'n':
		return '\n', 2
	case 'r':
		return '\r', 2
	case 't':
		return '\t', 2
	case 'u':
		r := d.hex4(data, 2)
		switch {
		case r < 0xd800 || r > 0xdfff:
			return r, 6
		case r <= 0xdbff && len(data) >= 12 && data[6] == '\\' && data[7] == 'u':
			if lo := d.hex4(data, 8); lo >= 0xdc00 && lo <= 0xdfff {
				return 0x10000 + (r-0xd800)<<10 + (lo - 0xdc00), 12
			}
		}
		return -1, 6
	}
	d.pos++
	d.syntax("invalid escape in a string")
	return 0, 0
}

func (d *decoder) hex4(data []byte, at int) rune {
	var r rune
	for k := at; k < at+4; k++ {
		if k >= len(data) {
			d.truncated()
		}
		c := data[k]
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			d.pos += k
			d.syntax("expected four hex digits after \\u")
		}
	}
	return r
}

// open reads the '{' or '[' at the current position and reports whether
// members or elements follow before the closing byte.
func (d *decoder) open(closing byte) bool {
	d.pos++
	d.depth++
	// Inline, the common case: a member or element right after the '{'
	// or '['.
	if p := d.pos; d.depth <= MaxDocumentDepth && p < len(d.data) {
		if c := d.data[p]; c > ' ' && c != closing {
			return true
		}
	}
	return d.openRest(closing)
}

// openRest is open past whitespace, for an empty object or list, or too
// deep.
func (d *decoder) openRest(closing byte) bool {
	if d.depth > MaxDocumentDepth {
		d.tooDeep()
	}
	d.ws()
	if d.peek() == closing {
		d.pos++
		d.depth--
		return false
	}
	return true
}

// nullElement reads a null in a list: a list holds values, and null in one
// is a hole, most often left by an editor, that would decode as an empty
// element.
func (d *decoder) nullElement() {
	d.literal("null")
	d.fail(CodeDecodeType, func() string { return "a list element is null" }, "remove it or fill it in")
}

// comma reads a ',' right after a value with no whitespace after it,
// next's common case, inline; false leaves the reading to next.
func (d *decoder) comma() bool {
	if p := d.pos + 1; p < len(d.data) && d.data[p-1] == ',' && d.data[p] > ' ' {
		d.pos = p
		return true
	}
	return false
}

// next reads what follows a member or element: a ',' (true: another one
// follows) or the closing byte (false).
func (d *decoder) next(closing byte) bool {
	d.ws()
	switch d.peek() {
	case ',':
		d.pos++
		d.ws()
		return true
	case closing:
		d.pos++
		d.depth--
		return false
	}
	if closing == '}' {
		d.syntax("expected ',' or '}' after a field's value")
	}
	d.syntax("expected ',' or ']' after a list element")
	return false
}

// fieldName checks that a field name starts at the current position.
func (d *decoder) fieldName() {
	if d.pos < len(d.data) && d.data[d.pos] == '"' {
		return // inline, the common case
	}
	d.fieldNameRest()
}

// fieldNameRest is fieldName past whitespace, or a syntax error.
func (d *decoder) fieldNameRest() {
	d.ws()
	if d.peek() != '"' {
		d.syntax("expected a field name in double quotes")
	}
}

// colon reads the ':' after a field name.
func (d *decoder) colon() {
	d.ws()
	if d.peek() != ':' {
		d.syntax("expected ':' after a field name")
	}
	d.pos++
	d.ws()
}

// skip reads past one value, checking its syntax, without storing it.
func (d *decoder) skip() {
	d.ws()
	switch d.peek() {
	case '"':
		d.skipString()
	case '{':
		for more := d.open('}'); more; more = d.next('}') {
			d.fieldName()
			d.skipString()
			d.colon()
			d.skip()
		}
	case '[':
		for more := d.open(']'); more; more = d.next(']') {
			d.skip()
		}
	case 't':
		d.literal("true")
	case 'f':
		d.literal("false")
	case 'n':
		d.literal("null")
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		d.number()
	default:
		d.syntax("expected a value")
	}
}

// skipString reads past a string, checking only its syntax.
func (d *decoder) skipString() {
	data := d.data
	for i := d.pos + 1; i < len(data); i++ {
		switch c := data[i]; {
		case c == '"':
			d.pos = i + 1
			return
		case c == '\\':
			d.pos = i
			_, n := d.escape()
			i += n - 1
		case c < 0x20:
			d.pos = i
			d.syntax("a control character must be escaped in a string (e.g. \\n)")
		}
	}
	d.pos = len(data)
	d.truncated()
}

// ---- scanning eight bytes at a time ----

// Strings are most of a plan's bytes: the loops that pass over them test
// eight bytes at once (SWAR: SIMD within a register) and stop at the first
// byte of interest. A mask from the helpers below has the high bit set in
// the lowest byte that matches (bytes above it may be marked falsely, by a
// borrow), so only its lowest set bit is used.
const (
	swarLow  = 0x0101010101010101
	swarHigh = 0x8080808080808080
)

// swarEq marks the bytes of x equal to b.
func swarEq(x uint64, b byte) uint64 {
	y := x ^ (swarLow * uint64(b))
	return (y - swarLow) &^ y & swarHigh
}

// swarEnds marks the bytes of x that end the plain part of a string (see
// plainRun): '"', '\\', below 0x20, or from 0x7f up. Such a byte sets
// its high bit in one of x-0x20, x+1 and x, and a borrow or carry across
// bytes starts only at one, so the lowest marked byte is the first.
func swarEnds(x uint64) uint64 {
	return ((x-0x20*swarLow)|(x+swarLow)|x)&swarHigh | swarEq(x, '"') | swarEq(x, '\\')
}

// quoteRun returns the index of the first '"' or '\\' in data from i on,
// or len(data).
func quoteRun(data []byte, i int) int {
	for ; i+8 <= len(data); i += 8 {
		x := binary.LittleEndian.Uint64(data[i:])
		if m := swarEq(x, '"') | swarEq(x, '\\'); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for i < len(data) && data[i] != '"' && data[i] != '\\' {
		i++
	}
	return i
}

// plainRun returns the index of the first byte from i on that ends the
// plain part of a string: '"', '\\', a byte below 0x20, or one from 0x7f
// up (DEL and the bytes of non-ASCII UTF-8); len(data) if there is none.
func plainRun(data []byte, i int) int {
	for ; i+8 <= len(data); i += 8 {
		x := binary.LittleEndian.Uint64(data[i:])
		if m := swarEnds(x); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for i < len(data) {
		if c := data[i]; c == '"' || c == '\\' || c < 0x20 || c >= 0x7f {
			break
		}
		i++
	}
	return i
}
