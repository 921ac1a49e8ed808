package address

import (
	"strings"
)

// Number is a parsed house number.
type Number struct {
	Raw string // what was given (number, then suffix)
	// Candidates are the OVH-style numbers to try, in order: "12B" for
	// "12 bis", "2" then "2B" for the range "2-2b".
	Candidates []string
	// Pseudo is set for BAN lieu-dit pseudo-numbers (4 digits starting with
	// 5 or 9): the address is street-level, there is no number to try.
	Pseudo bool
	// Valid reports that Candidates is not empty.
	Valid bool
}

// suffixLetter returns the OVH letter of a repetition index: bis→B, ter→T,
// quater→Q, quinquies→C, sexies→S, any single letter kept.
func suffixLetter(w string) (string, bool) {
	switch w {
	case "BIS":
		return "B", true
	case "TER":
		return "T", true
	case "QUATER", "QUATRE":
		return "Q", true
	case "QUINQUIES", "QUINQUIE", "QUINQ":
		return "C", true
	case "SEXIES":
		return "S", true
	}
	if len(w) == 1 && w[0] >= 'A' && w[0] <= 'Z' {
		return w, true
	}
	return "", false
}

type numTok struct {
	s     string
	kind  byte // 'n' digits, 'w' letters, 's' separator
	glued bool // no space before
}

// numTokens splits a folded number cell into digit runs, letter runs and
// range separators.
func numTokens(s string) []numTok {
	f := foldKeep(s, "-/&,+;")
	var out []numTok
	glued := false
	for i := 0; i < len(f); {
		c := f[i]
		switch {
		case c == ' ':
			glued = false
			i++
			continue
		case c >= '0' && c <= '9':
			j := i
			for j < len(f) && f[j] >= '0' && f[j] <= '9' {
				j++
			}
			out = append(out, numTok{f[i:j], 'n', glued})
			i = j
		case c >= 'A' && c <= 'Z':
			j := i
			for j < len(f) && f[j] >= 'A' && f[j] <= 'Z' {
				j++
			}
			out = append(out, numTok{f[i:j], 'w', glued})
			i = j
		case strings.IndexByte("-/&,+;", c) >= 0:
			out = append(out, numTok{f[i : i+1], 's', glued})
			i++
		default: // non-ASCII letter or digit left by Fold
			j := i + 1
			for j < len(f) && f[j] != ' ' {
				j++
			}
			out = append(out, numTok{f[i:j], 'x', glued})
			i = j
		}
		glued = true
	}
	return out
}

type numItem struct{ digits, suf string }

// parseNumberItems reads "12", "12 bis", "2-2b", "12/14", "12 et 14".
// rest is the number of tokens left unread; bad reports garbage glued to a
// number ("3djsoi5").
func parseNumberItems(toks []numTok) (items []numItem, rest int, bad bool) {
	i := 0
	// "N° 12", "No 12", "numéro 12"
	for i < len(toks) && toks[i].kind == 'w' && (toks[i].s == "N" || toks[i].s == "NO" || toks[i].s == "NUM" || toks[i].s == "NUMERO") {
		i++
	}
	afterSep := false
	for i < len(toks) {
		t := toks[i]
		switch {
		case t.kind == 'n':
			it := numItem{digits: t.s}
			i++
			if i < len(toks) && toks[i].kind == 'w' {
				if l, ok := suffixLetter(toks[i].s); ok {
					it.suf = l
					i++
				} else if toks[i].glued {
					return items, len(toks) - i, true
				}
			}
			if i < len(toks) && toks[i].glued && (toks[i].kind == 'w' || toks[i].kind == 'x') {
				return items, len(toks) - i, true
			}
			items = append(items, it)
		case t.kind == 'w' && afterSep && len(items) > 0:
			l, ok := suffixLetter(t.s)
			if !ok {
				return items, len(toks) - i, false
			}
			items = append(items, numItem{digits: items[len(items)-1].digits, suf: l})
			i++
		default:
			return items, len(toks) - i, false
		}
		// a separator followed by another number or a suffix continues a range
		if i+1 < len(toks) && (toks[i].kind == 's' || toks[i].s == "ET" || toks[i].s == "AU") {
			next := toks[i+1]
			if _, ok := suffixLetter(next.s); next.kind == 'n' || (next.kind == 'w' && ok) {
				i++
				afterSep = true
				continue
			}
		}
		break
	}
	return items, len(toks) - i, false
}

// excelFloat turns "163,0000000000" or "12.0" into "163", "12".
func excelFloat(s string) string {
	t := strings.TrimSpace(s)
	if i := strings.IndexAny(t, ".,"); i > 0 && allDigits(t[:i]) && len(t) > i+1 && strings.Trim(t[i+1:], "0") == "" {
		return t[:i]
	}
	return s
}

// ParseNumber reads a house number and its optional repetition index given
// in its own column (rep, suffixe): ("12 bis", "") and ("12", "BIS") both give
// Candidates ["12B"]. Ranges give both ends ("12-14" → "12", "14"), leading
// zeros and Excel float tails are dropped, BAN pseudo-numbers 5xxx/9xxx are
// Pseudo. Garbage, empty input and 0 are not Valid.
func ParseNumber(number, suffix string) Number {
	n := Number{Raw: strings.TrimSpace(number)}
	if sfx := strings.TrimSpace(suffix); sfx != "" {
		if n.Raw != "" {
			n.Raw += " "
		}
		n.Raw += sfx
	}
	toks := numTokens(excelFloat(number))
	items, rest, bad := parseNumberItems(toks)
	if bad || len(items) == 0 {
		return n
	}
	if rest > 0 {
		// "12 rue X" is read as 12; "12 14" or "12 ," are garbage
		t := toks[len(toks)-rest]
		if t.kind != 'w' || len(t.s) < 2 {
			return n
		}
	}
	// the suffix column, when it is a known index, completes a lone number
	if sw := strings.Fields(Fold(suffix)); len(sw) == 1 && len(items) == 1 && items[0].suf == "" {
		if l, ok := suffixLetter(sw[0]); ok {
			items[0].suf = l
		}
	}
	if len(items) == 1 && items[0].suf == "" {
		d := strings.TrimLeft(items[0].digits, "0")
		if len(d) == 4 && (d[0] == '5' || d[0] == '9') {
			n.Pseudo = true
			return n
		}
	}
	for _, it := range items {
		d := strings.TrimLeft(it.digits, "0")
		if d == "" || len(d) > 4 {
			continue // 0 means "no number" in most files; 5+ digits is a zip or an id
		}
		c := d + it.suf
		dup := false
		for _, x := range n.Candidates {
			dup = dup || x == c
		}
		if !dup {
			n.Candidates = append(n.Candidates, c)
		}
	}
	n.Valid = len(n.Candidates) > 0
	return n
}
