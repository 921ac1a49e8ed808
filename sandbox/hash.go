package sandbox

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// hash64 mixes its parts into a well-spread 64-bit value. Every "random"
// choice of the sandbox comes from it, so answers are the same on every run.
func hash64(parts ...string) uint64 {
	// FNV-1a 64 written out (as hash/fnv's New64a), without its allocations.
	h := uint64(fnvOffset64)
	for _, p := range parts {
		h = fnvAdd(h, p)
	}
	return mix(h)
}

// fnvAdd feeds p and a 0 separator to the FNV-1a state h.
func fnvAdd(h uint64, p string) uint64 {
	for i := 0; i < len(p); i++ {
		h ^= uint64(p[i])
		h *= fnvPrime64
	}
	return h * fnvPrime64 // the separator: h ^= 0 is a no-op
}

const (
	fnvOffset64 = 14695981039346656037
	fnvPrime64  = 1099511628211
)

// mix is the splitmix64 finalizer: fnv alone is poorly spread on short keys.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// unit maps h to [0,1).
func unit(h uint64) float64 { return float64(h>>11) / float64(1<<53) }

// pct maps h to 0..99.
func pct(h uint64) int { return int(h % 100) }

const base36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// code36 writes n base-36 characters of h.
func code36(h uint64, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = base36[h%36]
		h /= 36
	}
	return string(b)
}

// letters writes n uppercase letters of h.
func letters(h uint64, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('A' + h%26)
		h /= 26
	}
	return string(b)
}

// fold writes a name the way OVH and La Poste do: uppercase, no accents,
// apostrophes, hyphens and other punctuation as single spaces.
func fold(s string) string {
	var b strings.Builder
	space := false
	put := func(r rune) {
		if r == ' ' {
			if b.Len() > 0 {
				space = true
			}
			return
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'œ' || r == 'Œ':
			put('O')
			put('E')
		case r == 'æ' || r == 'Æ':
			put('A')
			put('E')
		case r == 'ß':
			put('S')
			put('S')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			put(unicode.ToUpper(r))
		default:
			put(' ')
		}
	}
	return b.String()
}
