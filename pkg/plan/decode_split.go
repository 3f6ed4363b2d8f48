package plan

import (
	"bytes"
	"reflect"
	"unsafe"
)

// A long list of compact records (a large plan's segments, a VPC's
// subnets) is read in two halves at once where the process may run more
// than one goroutine in parallel: a helper reads the second half with
// record while the decoder reads the first. Only what the decoder would
// have read the same way is taken, so the plan, the findings and their
// order do not depend on it:
//
//   - The helper starts at a "},{" near the middle and reads compact
//     records only (record makes no findings and leaves the path alone),
//     each into the element the list's brace count puts it at, until the
//     list's ']'. It stops at anything else.
//   - The decoder reads the first half as it reads any list and stops
//     before it would write the helper's first element. It takes the
//     helper's elements only if it got there exactly where the helper
//     began (so the helper began at an element, not inside a string), as
//     many elements in, still keeping values, and the helper read every
//     element to the list's end. Otherwise it clears what the helper
//     wrote and reads the second half itself, as without a helper.
//
// The two write different elements of the list until they join, and the
// decoder waits for the helper before it grows, trims or leaves the list,
// or unwinds from a syntax error, so nothing of a decode outlives it.

// half is a list's second half being read by a helper.
type half struct {
	elem  *node
	start int // where the helper began: the '{' of its first element
	first int // the index of that element in the list
	done  chan halfRead
	read  halfRead
	// joined is set once the helper's result is in read.
	joined bool
}

// halfRead is what a helper read: n elements, and whether they ran to
// the end of the list, the ']' at end.
type halfRead struct {
	n, end int
	whole  bool
}

// splitList starts a helper on the second half of the list of count
// records from d.pos (its first element) to end (its ']', as objectsLeft
// found them), into the list hdr sized for them, if the list is long enough (d.splitAt) and has a "},{" past its
// middle. The brace count of the first half says which element the
// helper starts at; where braces sit in strings it is wrong, and the
// decoder then does not take the helper's part (see join).
func (d *decoder) splitList(elem *node, hdr *sliceHeader, count, end int) *half {
	if d.splitAt == 0 || count < d.splitAt || !elem.record {
		return nil
	}
	mid := d.pos + (end-d.pos)/2
	q := bytes.Index(d.data[mid:end], []byte("},{"))
	if q < 0 {
		return nil
	}
	start := mid + q + 2
	first := count - bytes.Count(d.data[start:end], []byte{'{'})
	if first <= 0 || first >= count {
		return nil
	}
	h := &half{elem: elem, start: start, first: first, done: make(chan halfRead, 1)}
	helper := &decoder{data: d.data, pos: start, depth: d.depth, keep: true}
	base, limit := hdr.data, hdr.cap
	go func() {
		r := halfRead{}
		for first+r.n < limit && helper.record(elem, unsafe.Add(base, uintptr(first+r.n)*elem.size)) {
			r.n++
			p := helper.pos
			if p < len(helper.data) && helper.data[p] == ']' {
				r.end, r.whole = p, true
				break
			}
			if p+1 >= len(helper.data) || helper.data[p] != ',' || helper.data[p+1] != '{' {
				break
			}
			helper.pos = p + 1
		}
		h.done <- r
	}()
	return h
}

// wait waits for the helper, once.
func (h *half) wait() {
	if !h.joined {
		h.read = <-h.done
		h.joined = true
	}
}

// join waits for the helper of the list hdr, at its i-th element, and
// returns how many elements of the helper's the list took, with d.pos at
// the list's ']'; 0 if it took none, having cleared what the helper wrote
// for the decoder to read again.
func (d *decoder) join(h *half, hdr *sliceHeader, i int) int {
	h.wait()
	r := h.read
	if r.whole && r.n > 0 && d.keep && i == h.first && hdr.len == i && d.pos == h.start {
		hdr.len = i + r.n
		d.pos = r.end
		d.helped += r.n
		return r.n
	}
	if r.n > 0 {
		reflect.SliceAt(h.elem.typ, unsafe.Add(hdr.data, uintptr(h.first)*h.elem.size), r.n).Clear()
	}
	return 0
}

// splitElements is the shortest list read in two halves: each half of
// it is some 25 µs of reading, several times what starting and joining
// the helper costs.
const splitElements = 1024
