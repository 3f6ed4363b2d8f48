package validate

import "hash/maphash"

// nameTable is checkNames' set of the names seen in one list: an
// open-addressing table of item numbers, each slot holding its name's
// hash's high half beside the item, so that names are compared only when
// their hashes agree. It holds no pointers and never grows; one table
// serves every list of a Check, cleared in between (a Go map of 50,000
// names cost a fifth of Check under WebAssembly, and a table per list made
// the collector run more often).
//
// Names are hashed with quickHash, a few multiplications a byte and no
// call: maphash, which resists collisions a plan could aim for, runs the
// runtime's software fallback under WebAssembly, and hashing 100k names
// with it was a quarter of Check there. A plan can still aim at
// quickHash, so the table counts its probes: past a linear bound it
// rehashes what it holds with maphash and keeps using maphash, so a crafted
// plan costs what maphash costs and no more. The answers never depend on
// the hash, only the time.
type nameTable struct {
	slots        []uint64 // hash's high half << 32 | item+1; 0 is empty
	seed         maphash.Seed
	quickSeed    uint64
	strong       bool // hashing with maphash
	probes, max  int  // probes so far in this list, and the bound
	strongAlways bool // tests: maphash from the start
	seeded       bool
}

// reset empties the table for a list of n items. maxProbes bounds the
// probes over the whole list before the table turns to maphash.
func (t *nameTable) reset(n, maxProbes int) {
	size := 8
	for size < 2*n {
		size <<= 1
	}
	if !t.seeded {
		t.seed = maphash.MakeSeed()
		t.quickSeed = maphash.String(t.seed, "quickHash")
		t.seeded = true
	}
	if cap(t.slots) < size {
		t.slots = make([]uint64, size)
	} else {
		t.slots = t.slots[:size]
		clear(t.slots)
	}
	t.strong, t.probes, t.max = t.strongAlways, 0, maxProbes
}

// take hands the table's storage to the caller (the block sweep, between
// lists), leaving the table empty; give hands storage back.
func (t *nameTable) take() []uint64 {
	buf := t.slots
	t.slots = nil
	return buf
}

func (t *nameTable) give(buf []uint64) { t.slots = buf[:0] }

// probeBound is the probes a list of n items may take before the table
// turns to maphash: at most half full, linear probing takes a few per
// name on average, so a list that takes more is colliding on purpose.
func probeBound(n int) int { return 8*n + 1024 }

// quickHash is FNV-1a over s from a random start, then a 64-bit finalizer
// (MurmurHash3's) so that the low bits that index the table depend on
// every byte.
func quickHash(seed uint64, s string) uint64 {
	h := seed
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 0x100000001b3
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return h
}

func (t *nameTable) hash(s string) uint64 {
	if t.strong {
		return maphash.String(t.seed, s)
	}
	return quickHash(t.quickSeed, s)
}

// add looks for s among the names added: it returns the item that has it,
// or adds item i under s and returns -1. name gives the name of an item
// already added.
func (t *nameTable) add(s string, i int, name func(int) string) int {
	mask := len(t.slots) - 1
	hash := t.hash(s)
	tag := hash >> 32 << 32
	h := int(hash) & mask
	for ; t.slots[h] != 0; h = (h + 1) & mask {
		if e := t.slots[h]; e&^(1<<32-1) == tag {
			if k := int(uint32(e)) - 1; name(k) == s {
				return k
			}
		}
		if t.probes++; t.probes > t.max && !t.strong {
			t.rehash(name)
			return t.add(s, i, name)
		}
	}
	t.slots[h] = tag | uint64(uint32(i+1))
	return -1
}

// rehash turns the table to maphash, re-adding the items it holds (their
// names are all different).
func (t *nameTable) rehash(name func(int) string) {
	var items []int
	for _, e := range t.slots {
		if e != 0 {
			items = append(items, int(uint32(e))-1)
		}
	}
	clear(t.slots)
	t.strong = true
	for _, k := range items {
		t.add(name(k), k, name)
	}
}
