// Package fmtlite formats messages the way fmt does, for the packages the
// browser's wasm core links.
//
// Why it exists: fmt brings os, time, io/fs, syscall, internal/poll and its
// own sorting and reflection printer into every binary that imports it. In
// the wasm core that was most of 80 KB of the page's first load (brotli),
// which issue 14 bounds at 1 MB. The core's packages (pkg/cidr, pkg/plan and
// the validate, sim, strategy and verdict packages, wasm/api) format their
// findings and errors with this package instead; everything else (server,
// CLI, tests) keeps fmt.
//
// It implements the verbs those packages use and writes exactly what fmt
// writes for them: %s, %q, %v, %d, %x, %X, %f and %w, the flags '#', '0',
// '-', '+' and ' ', a width and a precision given as digits, and %%. Errors
// and Stringers are called as fmt calls them. A verb given a value it does
// not format, a missing or an extra argument come out in fmt's own
// "%!d(string=x)", "%!d(MISSING)" and "%!(EXTRA int=1)" forms. Formats
// outside the subset (argument indexes, '*' widths, other verbs) are
// rejected by TestFormatsInSubset, which reads every call in the repository,
// and go vet checks the calls' arguments as it checks fmt's (make lint).
package fmtlite

import (
	"errors"
	"io"
	"reflect"
	"slices"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// Sprintf is fmt.Sprintf for the verbs of the package comment.
func Sprintf(format string, a ...any) string {
	var p printer
	p.printf(format, a)
	return p.string()
}

// string returns the text written, without a copy (as strings.Builder):
// the printer is not used after it.
func (p *printer) string() string {
	return unsafe.String(unsafe.SliceData(p.buf), len(p.buf))
}

// Fprintf is fmt.Fprintf for the verbs of the package comment.
func Fprintf(w io.Writer, format string, a ...any) (int, error) {
	var p printer
	p.printf(format, a)
	return w.Write(p.buf)
}

// Errorf is fmt.Errorf for the verbs of the package comment: an operand of
// %w that is an error is wrapped, so errors.Is and errors.As see it (one
// %w gives Unwrap() error, several give Unwrap() []error, as with fmt).
func Errorf(format string, a ...any) error {
	p := printer{wrapErrs: true}
	p.printf(format, a)
	s := p.string()
	switch len(p.wrapped) {
	case 0:
		return errors.New(s)
	case 1:
		w := &wrapError{msg: s}
		w.err, _ = a[p.wrapped[0]].(error)
		return w
	}
	// A handful of indexes: sorted by insertion, since slices.Sort would
	// add a sort instantiation of its own to the wasm core.
	for i := 1; i < len(p.wrapped); i++ {
		for j := i; j > 0 && p.wrapped[j-1] > p.wrapped[j]; j-- {
			p.wrapped[j-1], p.wrapped[j] = p.wrapped[j], p.wrapped[j-1]
		}
	}
	var errs []error
	for i, n := range p.wrapped {
		if i > 0 && p.wrapped[i-1] == n {
			continue
		}
		if e, ok := a[n].(error); ok {
			errs = append(errs, e)
		}
	}
	return &wrapErrors{s, errs}
}

type wrapError struct {
	msg string
	err error
}

func (e *wrapError) Error() string { return e.msg }
func (e *wrapError) Unwrap() error { return e.err }

type wrapErrors struct {
	msg  string
	errs []error
}

func (e *wrapErrors) Error() string   { return e.msg }
func (e *wrapErrors) Unwrap() []error { return e.errs }

// spec is one verb's flags, width and precision.
type spec struct {
	sharp, zero, minus, plus, space bool
	wid, prec                       int
	widPresent, precPresent         bool
}

type printer struct {
	buf []byte
	// erroring: writing a bad verb's operand, whose methods fmt does not
	// call; panicking: writing a method's panic value.
	erroring, panicking bool
	// wrapErrs: called from Errorf, where %w is allowed.
	wrapErrs bool
	// wrapped holds the argument indexes of the %w verbs.
	wrapped []int
}

func (p *printer) printf(format string, a []any) {
	// One allocation for most messages: the format's text and a few
	// bytes per operand.
	p.buf = make([]byte, 0, len(format)+16*len(a))
	argNum := 0
	end := len(format)
	for i := 0; i < end; {
		lasti := i
		for i < end && format[i] != '%' {
			i++
		}
		p.buf = append(p.buf, format[lasti:i]...)
		if i >= end {
			break
		}
		i++ // the '%'
		var s spec
	flags:
		for ; i < end; i++ {
			switch format[i] {
			case '#':
				s.sharp = true
			case '0':
				s.zero = true
			case '+':
				s.plus = true
			case '-':
				s.minus = true
			case ' ':
				s.space = true
			default:
				break flags
			}
		}
		s.wid, s.widPresent, i = parseNum(format, i)
		if i+1 < end && format[i] == '.' {
			i++
			s.prec, s.precPresent, i = parseNum(format, i)
			if !s.precPresent {
				s.prec, s.precPresent = 0, true
			}
		}
		if i >= end {
			p.buf = append(p.buf, "%!(NOVERB)"...)
			break
		}
		verb, size := rune(format[i]), 1
		if verb >= utf8.RuneSelf {
			verb, size = utf8.DecodeRuneInString(format[i:])
		}
		i += size
		switch {
		case verb == '%':
			p.buf = append(p.buf, '%')
		case argNum >= len(a):
			p.buf = append(p.buf, '%', '!')
			p.buf = utf8.AppendRune(p.buf, verb)
			p.buf = append(p.buf, "(MISSING)"...)
		case verb == 'w' || verb == 'v':
			if verb == 'w' {
				p.wrapped = append(p.wrapped, argNum)
			}
			// As fmt: '#' and '+' ask for Go syntax and field names,
			// which this package does not write (TestFormatsInSubset
			// keeps them out); the plain verb is what remains.
			s.sharp, s.plus = false, false
			p.printArg(a[argNum], verb, s)
			argNum++
		default:
			p.printArg(a[argNum], verb, s)
			argNum++
		}
	}
	if argNum < len(a) {
		p.buf = append(p.buf, "%!(EXTRA "...)
		for i, arg := range a[argNum:] {
			if i > 0 {
				p.buf = append(p.buf, ", "...)
			}
			if arg == nil {
				p.buf = append(p.buf, "<nil>"...)
			} else {
				p.buf = append(p.buf, reflect.TypeOf(arg).String()...)
				p.buf = append(p.buf, '=')
				p.printArg(arg, 'v', spec{})
			}
		}
		p.buf = append(p.buf, ')')
	}
}

// parseNum reads the digits of a width or precision at i.
func parseNum(s string, i int) (num int, present bool, next int) {
	for ; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
		if num > 1e6 { // as fmt: a width this large is a mistake
			return 0, false, len(s)
		}
		num = num*10 + int(s[i]-'0')
		present = true
	}
	return num, present, i
}

// printArg formats one operand, as fmt's printArg and handleMethods.
func (p *printer) printArg(arg any, verb rune, s spec) {
	if arg == nil {
		switch verb {
		case 'v':
			p.padString("<nil>", s)
		default:
			p.badVerb(nil, verb, s)
		}
		return
	}
	if verb == 'w' {
		// Only Errorf wraps, and only an error.
		if _, ok := arg.(error); !ok || !p.wrapErrs {
			p.badVerb(arg, verb, s)
			return
		}
		verb = 'v'
	}
	switch verb {
	case 'v', 's', 'x', 'X', 'q':
		if p.erroring {
			break
		}
		if text, handled, ok := p.methodText(arg, verb); handled {
			if ok {
				p.fmtString(text, verb, s)
			}
			return
		}
	}
	switch v := arg.(type) {
	case string:
		p.fmtStringVerb(arg, v, verb, s)
		return
	case int: // the common operands, without reflection
		p.fmtInteger(uint64(v), true, arg, verb, s)
		return
	case uint32:
		p.fmtInteger(uint64(v), false, arg, verb, s)
		return
	case uint8:
		p.fmtInteger(uint64(v), false, arg, verb, s)
		return
	case []byte:
		// As text only: fmt writes bytes as a list of numbers for the
		// other verbs, which the code base does not use.
		switch verb {
		case 's', 'q', 'x', 'X':
			p.fmtString(string(v), verb, s)
			return
		}
		p.unsupported(arg, verb)
		return
	case bool:
		if verb == 'v' || verb == 't' {
			p.pad(strconv.AppendBool(nil, v), s)
		} else {
			p.badVerb(arg, verb, s)
		}
		return
	}
	rv := reflect.ValueOf(arg)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		p.fmtInteger(uint64(rv.Int()), true, arg, verb, s)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		p.fmtInteger(rv.Uint(), false, arg, verb, s)
	case reflect.Float32, reflect.Float64:
		p.fmtFloat(rv.Float(), rv.Type().Bits(), arg, verb, s)
	case reflect.String:
		p.fmtStringVerb(arg, rv.String(), verb, s)
	default:
		p.unsupported(arg, verb)
	}
}

// unsupported writes "%!verb(type=?)" for a value fmtlite does not format
// (composite values, bytes as numbers): TestFormatsInSubset and go vet keep
// them out of the code, and this is what a reader sees if one slips in.
func (p *printer) unsupported(arg any, verb rune) {
	p.buf = append(p.buf, "%!"...)
	p.buf = utf8.AppendRune(p.buf, verb)
	p.buf = append(p.buf, '(')
	p.buf = append(p.buf, reflect.TypeOf(arg).String()...)
	p.buf = append(p.buf, "=?)"...)
}

// methodText calls arg's Error or String method as fmt does (Error first):
// handled says arg has one; ok is false when it panicked, which
// catchPanic has then written in place of the value.
func (p *printer) methodText(arg any, verb rune) (text string, handled, ok bool) {
	switch v := arg.(type) {
	case error:
		handled = true
		defer p.catchPanic(arg, verb, "Error", &ok)
		text, ok = v.Error(), true
	case interface{ String() string }:
		handled = true
		defer p.catchPanic(arg, verb, "String", &ok)
		text, ok = v.String(), true
	}
	return text, handled, ok
}

// catchPanic is fmt's: a panic from a nil pointer receiver prints "<nil>",
// any other panic is reported in place of the value.
func (p *printer) catchPanic(arg any, verb rune, method string, ok *bool) {
	err := recover()
	if err == nil {
		return
	}
	*ok = false
	if v := reflect.ValueOf(arg); v.Kind() == reflect.Pointer && v.IsNil() {
		p.buf = append(p.buf, "<nil>"...)
		return
	}
	if p.panicking {
		panic(err)
	}
	p.buf = append(p.buf, "%!"...)
	p.buf = utf8.AppendRune(p.buf, verb)
	p.buf = append(p.buf, "(PANIC="...)
	p.buf = append(p.buf, method...)
	p.buf = append(p.buf, " method: "...)
	p.panicking = true
	p.printArg(err, 'v', spec{})
	p.panicking = false
	p.buf = append(p.buf, ')')
}

func (p *printer) fmtStringVerb(arg any, str string, verb rune, s spec) {
	switch verb {
	case 'v', 's', 'x', 'X', 'q':
		p.fmtString(str, verb, s)
	default:
		p.badVerb(arg, verb, s)
	}
}

// fmtString writes a string for %v, %s, %q, %x and %X.
func (p *printer) fmtString(str string, verb rune, s spec) {
	switch verb {
	case 'v', 's':
		if s.precPresent {
			str = truncate(str, s.prec)
		}
		p.padString(str, s)
	case 'q':
		if s.precPresent {
			str = truncate(str, s.prec)
		}
		if !s.widPresent && !s.sharp && !s.plus {
			p.buf = strconv.AppendQuote(p.buf, str) // the common case, in place
			return
		}
		var q []byte
		switch {
		case s.sharp && strconv.CanBackquote(str):
			q = append(append(append(q, '`'), str...), '`')
		case s.plus:
			q = strconv.AppendQuoteToASCII(q, str)
		default:
			q = strconv.AppendQuote(q, str)
		}
		p.pad(q, s)
	case 'x', 'X':
		p.fmtHexString(str, verb == 'X', s)
	}
}

// truncate keeps the first n runes of str, as fmt's precision on strings.
func truncate(str string, n int) string {
	for i := range str {
		if n == 0 {
			return str[:i]
		}
		n--
	}
	return str
}

// fmtHexString is fmt's fmtSbx for a string: two hex digits per byte.
func (p *printer) fmtHexString(str string, upper bool, s spec) {
	digits := "0123456789abcdefx"
	if upper {
		digits = "0123456789ABCDEFX"
	}
	length := len(str)
	if s.precPresent && s.prec < length {
		length = s.prec
	}
	width := 2 * length
	if width > 0 {
		if s.space {
			if s.sharp {
				width *= 2
			}
			width += length - 1
		} else if s.sharp {
			width += 2
		}
	} else {
		if s.widPresent {
			p.writePadding(s.wid, s)
		}
		return
	}
	if s.widPresent && s.wid > width && !s.minus {
		p.writePadding(s.wid-width, s)
	}
	if s.sharp {
		p.buf = append(p.buf, '0', digits[16])
	}
	for i := 0; i < length; i++ {
		if s.space && i > 0 {
			p.buf = append(p.buf, ' ')
			if s.sharp {
				p.buf = append(p.buf, '0', digits[16])
			}
		}
		c := str[i]
		p.buf = append(p.buf, digits[c>>4], digits[c&0xF])
	}
	if s.widPresent && s.wid > width && s.minus {
		p.writePadding(s.wid-width, s)
	}
}

// fmtInteger is fmt's fmtInteger for %v, %d, %x, %X and %q.
func (p *printer) fmtInteger(u uint64, signed bool, arg any, verb rune, s spec) {
	base := 10
	switch verb {
	case 'v', 'd':
	case 'x', 'X':
		base = 16
	case 'q':
		r := rune(u)
		if u > utf8.MaxRune || (signed && int64(u) < 0) {
			r = utf8.RuneError
		}
		var q []byte
		switch {
		case s.plus:
			q = strconv.AppendQuoteRuneToASCII(q, r)
		default:
			q = strconv.AppendQuoteRune(q, r)
		}
		p.pad(q, s)
		return
	default:
		p.badVerb(arg, verb, s)
		return
	}
	negative := signed && int64(u) < 0
	if negative {
		u = -u
	}
	digits := "0123456789abcdefx"
	if verb == 'X' {
		digits = "0123456789ABCDEFX"
	}
	// As fmt: with a precision, the 0 flag is ignored and the precision is
	// the minimum number of digits; without one, a 0 flag pads to the
	// width with zeros after the sign.
	prec := 0
	zero := s.zero
	if s.precPresent {
		prec = s.prec
		zero = false
		if prec == 0 && u == 0 {
			p.writePadding(s.wid, spec{})
			return
		}
	} else if zero && !s.minus && s.widPresent {
		prec = s.wid
		if negative || s.plus || s.space {
			prec-- // leave room for the sign
		}
	}
	var small [68]byte
	tmp := small[:]
	if n := 68 + max(prec, s.wid); n > len(small) {
		tmp = make([]byte, n)
	}
	i := len(tmp)
	if base == 10 {
		for u >= 10 {
			i--
			next := u / 10
			tmp[i] = byte('0' + u - next*10)
			u = next
		}
	} else {
		for u >= 16 {
			i--
			tmp[i] = digits[u&0xF]
			u >>= 4
		}
	}
	i--
	tmp[i] = digits[u]
	for i > 0 && prec > len(tmp)-i {
		i--
		tmp[i] = '0'
	}
	if s.sharp && base == 16 {
		i--
		tmp[i] = digits[16]
		i--
		tmp[i] = '0'
	}
	switch {
	case negative:
		i--
		tmp[i] = '-'
	case s.plus:
		i--
		tmp[i] = '+'
	case s.space:
		i--
		tmp[i] = ' '
	}
	// The zero padding, if any, is already in the digits.
	p.pad(tmp[i:], spec{minus: s.minus, wid: s.wid, widPresent: s.widPresent})
}

// fmtFloat is fmt's fmtFloat for %v (shortest %g) and %f.
func (p *printer) fmtFloat(v float64, size int, arg any, verb rune, s spec) {
	var num []byte
	switch verb {
	case 'v':
		prec := -1
		if s.precPresent {
			prec = s.prec
		}
		num = strconv.AppendFloat(nil, v, 'g', prec, size)
	case 'f', 'F':
		prec := 6
		if s.precPresent {
			prec = s.prec
		}
		num = strconv.AppendFloat(nil, v, 'f', prec, size)
		if s.sharp && !slices.Contains(num, '.') && num[len(num)-1] != 'f' && num[len(num)-1] != 'N' {
			num = append(num, '.') // as fmt: '#' keeps the decimal point
		}
	default:
		p.badVerb(arg, verb, s)
		return
	}
	if num[0] != '-' && num[0] != '+' {
		num = append([]byte{'+'}, num...)
	}
	if s.space && num[0] == '+' && !s.plus {
		num[0] = ' '
	}
	if num[1] == 'I' || num[1] == 'N' { // Inf, NaN: never zero padded
		if num[1] == 'N' && !s.space && !s.plus {
			num = num[1:]
		}
		p.pad(num, spec{minus: s.minus, wid: s.wid, widPresent: s.widPresent})
		return
	}
	if s.plus || num[0] != '+' {
		if s.zero && !s.minus && s.widPresent && s.wid > len(num) {
			p.buf = append(p.buf, num[0])
			p.writePadding(s.wid-len(num), s)
			p.buf = append(p.buf, num[1:]...)
			return
		}
		p.pad(num, s)
		return
	}
	p.pad(num[1:], s)
}

// badVerb writes fmt's %!verb(type=value).
// The operand is written with the verb's flags, width and precision, as fmt
// does.
func (p *printer) badVerb(arg any, verb rune, s spec) {
	p.buf = append(p.buf, '%', '!')
	p.buf = utf8.AppendRune(p.buf, verb)
	p.buf = append(p.buf, '(')
	if arg == nil {
		p.buf = append(p.buf, "<nil>"...)
	} else {
		p.buf = append(p.buf, reflect.TypeOf(arg).String()...)
		p.buf = append(p.buf, '=')
		p.erroring = true
		p.printArg(arg, 'v', s)
		p.erroring = false
	}
	p.buf = append(p.buf, ')')
}

// pad writes b within the spec's width, as fmt's pad. b is only read, and
// not after pad returns (and is never part of p.buf), so it is viewed as
// a string rather than copied.
func (p *printer) pad(b []byte, s spec) {
	p.padString(unsafe.String(unsafe.SliceData(b), len(b)), s)
}

// padString writes str within the spec's width, as fmt's padString.
func (p *printer) padString(str string, s spec) {
	if !s.widPresent || s.wid == 0 {
		p.buf = append(p.buf, str...)
		return
	}
	width := s.wid - utf8.RuneCountInString(str)
	if !s.minus {
		p.writePadding(width, s)
		p.buf = append(p.buf, str...)
	} else {
		p.buf = append(p.buf, str...)
		p.writePadding(width, s)
	}
}

func (p *printer) writePadding(n int, s spec) {
	if n <= 0 {
		return
	}
	c := byte(' ')
	if s.zero && !s.minus {
		c = '0'
	}
	for range n {
		p.buf = append(p.buf, c)
	}
}
