package plan

import (
	"bytes"
	"reflect"
	"unsafe"
)

// A long list of compact records (a large plan's segments, a VPC's
// subnets) is read by two goroutines at once where the process runs more
// than one in parallel: a helper reads the list's tail with record while
// the decoder reads the rest of the document. Only what the decoder would
// have read the same way is kept, so the plan, the findings and their
// order never depend on it:
//
//   - splitList picks the tail so that the helper's bytes and the
//     decoder's (the list's head and everything after the list) are about
//     even, starting at a "},{". The helper reads compact records only
//     (record makes no findings and leaves the path alone), each into the
//     element the list's brace count puts it at, until the list's ']', and
//     stops at anything else.
//   - The decoder reads the head as it reads any list. If it gets exactly
//     to where the helper began, as many elements in as the helper took it
//     to be, and still keeps values, it goes on past the list's end without
//     waiting (goOn), and the decode checks at its end that the helper read
//     every element there was to the list's ']' (settle). If not, the
//     document is read again without helpers: the first reading's plan and
//     findings are dropped. Otherwise the decoder waits for the helper,
//     clears what it wrote and reads the tail itself.
//
// The two write different elements of the list. At most one helper is
// out at a time, and every decode waits for its helper before it returns,
// whatever ends it (a syntax error too), so nothing of a decode outlives
// it. A document that makes a helper stop early costs at most a second
// reading; that bound is what BenchmarkDecodeAdversarial measures.

// tail is a list's tail being read by a helper.
type tail struct {
	elem       *node
	start, end int // the '{' of the helper's first element, the list's ']'
	first      int // the index of the helper's first element in the list
	count      int // the list's length by its braces
	result     chan tailRead
	read       tailRead
	joined     bool // the helper's result is in read
	handedOver bool // the decoder went on past the list (goOn)
}

// tailRead is what a helper read: n elements, and whether they ran to the
// end of the list, the ']' at end.
type tailRead struct {
	n, end int
	whole  bool
}

// splitList starts a helper on the tail of the list of count records
// from d.pos (its first element) to end (its ']', as objectsLeft found
// them), into the list hdr sized for them, if the list is long enough
// (d.splitAt), no other helper is out, none has failed, and the list has
// a "},{" where its tail should start (or the tail is the whole list).
// The brace count of the head says which element the helper starts at;
// where braces sit in strings it is wrong, and the decoder then does not
// take the helper's elements (see goOn).
func (d *decoder) splitList(elem *node, hdr *sliceHeader, count, end int) *tail {
	if d.splitAt == 0 || count < d.splitAt || !elem.record || !d.settled(false) || d.reread {
		return nil // once the document is to be read again, helping is in vain
	}
	from := d.pos
	// Even work: the helper reads the tail, the decoder the head and
	// everything after the list.
	start := from
	if q := end - (len(d.data)-from)/2; q > from {
		k := bytes.Index(d.data[q:end], []byte("},{"))
		if k < 0 {
			return nil
		}
		start = q + k + 2
	}
	first := 0
	if start > from {
		first = count - bytes.Count(d.data[start:end], []byte{'{'})
		if first <= 0 || first >= count {
			return nil
		}
	}
	t := &tail{elem: elem, start: start, end: end, first: first, count: count, result: make(chan tailRead, 1)}
	helper := &decoder{data: d.data, pos: start, depth: d.depth, keep: true}
	base, limit := hdr.data, hdr.cap
	go func() {
		// The same reading as the decoder's for a run of records.
		r := tailRead{}
		if first < limit && helper.record(elem, unsafe.Add(base, uintptr(first)*elem.size)) {
			h := sliceHeader{data: base, len: first + 1, cap: limit}
			helper.records(elem, &h, nil)
			r.n, r.end = h.len-first, helper.pos
			r.whole = r.end < len(helper.data) && helper.data[r.end] == ']'
		}
		t.result <- r
	}()
	return t
}

// wait waits for the helper, once.
func (t *tail) wait() {
	if !t.joined {
		t.read = <-t.result
		t.joined = true
	}
}

// finished reports whether the helper is done, without waiting.
func (t *tail) finished() bool {
	if !t.joined {
		select {
		case t.read = <-t.result:
			t.joined = true
		default:
		}
	}
	return t.joined
}

// goOn is called where the decoder, reading the list hdr, is at its i-th
// element, the helper's first. If the decoder is where the helper began,
// it takes the helper's elements unseen (the list is as long as counted,
// the decoder is at its ']', and settled checks them) and reports true.
// Otherwise it drops the helper's elements, for the decoder to read the
// rest itself.
func (d *decoder) goOn(t *tail, hdr *sliceHeader, i int) bool {
	if d.keep && i == t.first && hdr.len == i && d.pos == t.start && !t.stopped() {
		hdr.len = t.count
		d.pos = t.end
		t.handedOver = true
		d.pending = t
		return true
	}
	t.drop(hdr)
	return false
}

// drop waits for the helper and clears the elements it wrote into the
// list hdr: the decoder reads them itself, or the list ended before them.
func (t *tail) drop(hdr *sliceHeader) {
	t.wait()
	if t.read.n > 0 {
		reflect.SliceAt(t.elem.typ, unsafe.Add(hdr.data, uintptr(t.first)*t.elem.size), t.read.n).Clear()
	}
}

// stopped reports whether the helper is known to have stopped short of
// the list's end: then the decoder reads the tail itself at once rather
// than the whole document again.
func (t *tail) stopped() bool {
	return t.finished() && !t.read.whole
}

// release waits for a helper the decoder did not go on without, when it
// leaves the list, however it leaves it.
func (t *tail) release() {
	if !t.handedOver {
		t.wait()
	}
}

// settled reports whether no helper the decoder went on without is still
// out, waiting for it if wait; a helper that did not read all of its tail
// as taken marks the reading to be done again (d.reread).
func (d *decoder) settled(wait bool) bool {
	t := d.pending
	if t == nil {
		return true
	}
	if !wait && !t.finished() {
		return false
	}
	t.wait()
	d.pending = nil
	if t.read.whole && t.first+t.read.n == t.count && t.read.end == t.end {
		d.helped += t.read.n
	} else {
		d.reread = true
	}
	return true
}

// splitElements is the shortest list read by a helper: its tail is some
// 25 µs of reading or more, several times what starting and waiting for
// the helper costs.
const splitElements = 1024
