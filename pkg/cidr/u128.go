package cidr

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
)

// u128 is an address as a 128-bit unsigned number. IPv4 addresses use the
// low 32 bits, so arithmetic on blocks (last address, next block, alignment)
// is the same code for both families; callers keep the families apart.
type u128 struct{ hi, lo uint64 }

func fromAddr(a netip.Addr) u128 {
	if a.Is4() {
		b := a.As4()
		return u128{0, uint64(binary.BigEndian.Uint32(b[:]))}
	}
	b := a.As16()
	return u128{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

func (u u128) addr(is4 bool) netip.Addr {
	if is4 {
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], uint32(u.lo))
		return netip.AddrFrom4(b)
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], u.hi)
	binary.BigEndian.PutUint64(b[8:], u.lo)
	return netip.AddrFrom16(b)
}

func (u u128) cmp(v u128) int {
	switch {
	case u.hi < v.hi:
		return -1
	case u.hi > v.hi:
		return 1
	case u.lo < v.lo:
		return -1
	case u.lo > v.lo:
		return 1
	}
	return 0
}

func (u u128) or(v u128) u128  { return u128{u.hi | v.hi, u.lo | v.lo} }
func (u u128) and(v u128) u128 { return u128{u.hi & v.hi, u.lo & v.lo} }
func (u u128) not() u128       { return u128{^u.hi, ^u.lo} }

// add1 returns u+1 and whether it wrapped past 2^128-1.
func (u u128) add1() (u128, bool) {
	lo := u.lo + 1
	hi := u.hi
	if lo == 0 {
		hi++
		if hi == 0 {
			return u128{}, true
		}
	}
	return u128{hi, lo}, false
}

// trailingZeros counts the zero bits at the low end (128 for zero).
func (u u128) trailingZeros() int {
	if u.lo != 0 {
		return bits.TrailingZeros64(u.lo)
	}
	return 64 + bits.TrailingZeros64(u.hi)
}

// lowOnes has the low n bits set (0 ≤ n ≤ 128).
func lowOnes(n int) u128 {
	switch {
	case n <= 0:
		return u128{}
	case n < 64:
		return u128{0, 1<<uint(n) - 1}
	case n == 64:
		return u128{0, ^uint64(0)}
	case n < 128:
		return u128{1<<uint(n-64) - 1, ^uint64(0)}
	}
	return u128{^uint64(0), ^uint64(0)}
}

// span is an inclusive address range [first, last] of one family.
type span struct {
	first, last u128
}

// spanOf returns the addresses p covers, ignoring host bits.
func spanOf(p netip.Prefix) span {
	first := fromAddr(p.Addr())
	host := lowOnes(p.Addr().BitLen() - p.Bits())
	first = first.and(host.not())
	return span{first, first.or(host)}
}

// next returns the address after the family's last address, or false when
// u is the last address of a family with bitLen bits.
func next(u u128, bitLen int) (u128, bool) {
	if u == lowOnes(bitLen) {
		return u128{}, false
	}
	n, _ := u.add1()
	return n, true
}
