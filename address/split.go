package address

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Parts is a one-column address split into its fields. Fields keep the
// original spelling (trimmed); fold them to compare.
type Parts struct {
	Number, Street, Zip, City string
	// Stripped lists what was removed because OVH does not know it:
	// "BP 12", "CEDEX 2", "3e étage", "bâtiment B", a company name.
	Stripped []string
}

var months = map[string]bool{
	"JANVIER": true, "FEVRIER": true, "MARS": true, "AVRIL": true, "MAI": true, "JUIN": true,
	"JUILLET": true, "AOUT": true, "SEPTEMBRE": true, "OCTOBRE": true, "NOVEMBRE": true, "DECEMBRE": true,
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isDigit(c byte) bool       { return c >= '0' && c <= '9' }

// boundaryAt reports whether s[i:] starts with a word boundary: end,
// space, comma or a range separator.
func boundaryAt(s string, i int) bool {
	if i >= len(s) {
		return true
	}
	switch s[i] {
	case ' ', '\t', ',', ';', '-', '/', '&':
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsSpace(r)
}

// startsWithType reports whether the folded text starts with a street type.
func startsWithType(s string) bool {
	w := strings.Fields(Fold(firstWords(s, maxTypeWords)))
	_, n := leadingType(w)
	return n > 0
}

// firstWords returns about the n first words of s (cheap, for tests on a prefix).
func firstWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) > n {
		f = f[:n]
	}
	return strings.Join(f, " ")
}

func skipSpaces(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += size
	}
	return i
}

// numberPrefix returns the length of the house number at the start of s
// ("168 bis", "2-2b", "12/14", "12 B" before a street type), 0 if none.
func numberPrefix(s string) int {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i == 0 || i > 4 {
		return 0 // no number, or a zip code
	}
	end := i
	afterDigits := true
	for {
		// repetition index, right after digits only
		j := skipSpaces(s, end)
		if !afterDigits {
			j = len(s) + 1
		}
		k := j
		for k < len(s) && isASCIILetter(s[k]) {
			k++
		}
		if j <= len(s) && k > j && boundaryAt(s, k) {
			w := strings.ToUpper(s[j:k])
			if _, ok := suffixLetter(w); ok {
				rest := strings.TrimLeft(s[k:], " \t,;")
				if len(w) > 1 || j == end || rest == "" || startsWithType(rest) {
					end = k
				}
			}
		}
		// range: "-", "/", "&", "et" then a number or an index
		j = skipSpaces(s, end)
		sep := 0
		switch {
		case j < len(s) && strings.IndexByte("-/&", s[j]) >= 0:
			sep = 1
		case j+2 < len(s) && strings.EqualFold(s[j:j+2], "et") && s[j+2] == ' ':
			sep = 2
		}
		if sep == 0 {
			break
		}
		k = skipSpaces(s, j+sep)
		m := k
		for m < len(s) && isDigit(s[m]) {
			m++
		}
		if m > k && m-k <= 4 && (boundaryAt(s, m) || isASCIILetter(s[m])) {
			end = m
			afterDigits = true
			continue
		}
		for m < len(s) && isASCIILetter(s[m]) {
			m++
		}
		if m > k && boundaryAt(s, m) {
			if _, ok := suffixLetter(strings.ToUpper(s[k:m])); ok {
				end = m
				afterDigits = false
				continue
			}
		}
		break
	}
	if !boundaryAt(s, end) {
		return 0 // "1er", "12xyz"
	}
	rest := strings.TrimLeft(s[end:], " \t,;")
	if w := strings.Fields(Fold(firstWords(rest, 1))); len(w) > 0 && months[w[0]] {
		return 0 // "8 mai 1945" is a name
	}
	return end
}

// SplitStreet separates a house number written at the front of a street
// cell: "168 bis bd de Brou" → ("168 bis", "bd de Brou"), "12, rue X" →
// ("12", "rue X"). Without a number it returns ("", s trimmed).
func SplitStreet(s string) (number, street string) {
	t := strings.TrimSpace(s)
	end := numberPrefix(t)
	if end == 0 {
		return "", t
	}
	number = strings.TrimSpace(t[:end])
	street = strings.TrimSpace(strings.TrimLeft(t[end:], " \t,;"))
	if street == "" {
		return number, ""
	}
	return number, street
}

// token is one whitespace-separated piece of a one-column address.
type token struct {
	raw   string
	words []string // folded words
	key   string   // folded words glued
	comma bool     // a comma or semicolon follows
}

func tokenize(s string) []token {
	var out []token
	for _, f := range strings.FieldsFunc(s, unicode.IsSpace) {
		for f != "" {
			i := strings.IndexAny(f, ",;")
			part := f
			if i >= 0 {
				part = f[:i]
				f = f[i+1:]
			} else {
				f = ""
			}
			if part != "" {
				w := strings.Fields(Fold(part))
				out = append(out, token{raw: part, words: w, key: strings.Join(w, "")})
			}
			if i >= 0 && len(out) > 0 {
				out[len(out)-1].comma = true
			}
		}
	}
	return out
}

func joinRaw(ts []token) string {
	var b strings.Builder
	for i, t := range ts {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.raw)
	}
	return b.String()
}

func keyIsDigits(k string, lo, hi int) bool {
	return len(k) >= lo && len(k) <= hi && allDigits(k)
}

// keyHasPrefixDigits reports "BP12"-like glued keys.
func keyHasPrefixDigits(k, prefix string) bool {
	return strings.HasPrefix(k, prefix) && keyIsDigits(k[len(prefix):], 1, 6)
}

var floorSuffixes = []string{"E", "ER", "ERE", "EME", "IEME", "EM"}

func isFloorOrdinal(k string) bool {
	i := 0
	for i < len(k) && isDigit(k[i]) {
		i++
	}
	if i == 0 || i > 2 {
		return false
	}
	for _, s := range floorSuffixes {
		if k[i:] == s {
			return true
		}
	}
	return k[i:] == "" || k == "RDC"
}

// unitWords introduce an apartment, building or staircase designation.
var unitWords = map[string]bool{
	"BAT": true, "BATIMENT": true, "BT": true, "BATI": true, "IMMEUBLE": true, "IMM": true,
	"ESC": true, "ESCALIER": true, "APPT": true, "APT": true, "APP": true, "APPARTEMENT": true,
	"APPART": true, "LOGEMENT": true, "LOG": true, "ETAGE": true, "ETG": true,
}

// noise returns how many tokens from ts[i] form a postal or internal
// mention OVH does not know (BP, CS, TSA, CIDEX, CEDEX, floor, building,
// apartment), 0 if none.
func noise(ts []token, i int) int {
	k := ts[i].key
	next := ""
	if i+1 < len(ts) {
		next = ts[i+1].key
	}
	switch {
	case k == "BP" || k == "CS" || k == "TSA" || k == "CIDEX":
		if keyIsDigits(next, 1, 6) {
			return 2
		}
	case k == "BOITE" && next == "POSTALE":
		if i+2 < len(ts) && keyIsDigits(ts[i+2].key, 1, 6) {
			return 3
		}
		return 2
	case keyHasPrefixDigits(k, "BP") || keyHasPrefixDigits(k, "CS") || keyHasPrefixDigits(k, "TSA") || keyHasPrefixDigits(k, "CIDEX"):
		return 1
	case k == "CEDEX":
		if keyIsDigits(next, 1, 3) {
			return 2
		}
		return 1
	case keyHasPrefixDigits(k, "CEDEX"):
		return 1
	case k == "RDC":
		return 1
	case k == "REZ" && next == "DE" && i+2 < len(ts) && ts[i+2].key == "CHAUSSEE":
		return 3
	case isFloorOrdinal(k) && next == "ETAGE":
		return 2
	case unitWords[k]:
		if len(next) >= 1 && len(next) <= 4 && !ts[i].comma {
			return 2
		}
	case len(ts[i].words) == 2 && unitWords[ts[i].words[0]] && len(ts[i].words[1]) <= 4:
		return 1 // "BAT.B", "APPT.12"
	}
	return 0
}

// SplitAddress splits a one-column address into number, street, zip and
// city: "42 rue Roger Vaillant 01500 Ambérieu-en-Bugey", "42, rue X, 01500
// Ville", "Le Bourg 24560 Faux". Postal mentions (BP, CS, TSA, CIDEX,
// CEDEX), floors, buildings, apartments and a company name before the
// number are removed and listed in Stripped.
func SplitAddress(full string) Parts {
	var p Parts
	all := tokenize(full)
	var ts []token
	for i := 0; i < len(all); {
		if n := noise(all, i); n > 0 {
			p.Stripped = append(p.Stripped, joinRaw(all[i:i+n]))
			if all[i+n-1].comma && len(ts) > 0 {
				ts[len(ts)-1].comma = true
			}
			i += n
			continue
		}
		ts = append(ts, all[i])
		i++
	}
	// the zip: the last 5-digit token after the first one
	z := -1
	for i := len(ts) - 1; i >= 0; i-- {
		if keyIsDigits(ts[i].key, 5, 5) && (i > 0 || len(ts) > 1) {
			z = i
			break
		}
	}
	before, city := ts, []token(nil)
	if z >= 0 {
		p.Zip = ts[z].key
		before, city = ts[:z], ts[z+1:]
		if len(city) == 0 {
			before, city = splitLastSegment(before)
		}
	} else {
		before, city = splitLastSegment(ts)
	}
	before = stripCompany(before, &p)
	street := strings.Trim(joinRaw(before), " ,;")
	p.Number, p.Street = SplitStreet(street)
	p.Street = strings.Join(strings.FieldsFunc(p.Street, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) }), " ")
	p.City, _ = CleanCity(strings.Trim(joinRaw(city), " ,;"))
	return p
}

// splitLastSegment takes the last comma-separated segment as the city when
// the text has several segments: "12 rue X, Lyon".
func splitLastSegment(ts []token) (before, city []token) {
	last := -1
	for i := 0; i < len(ts)-1; i++ {
		if ts[i].comma {
			last = i
		}
	}
	if last < 0 {
		return ts, nil
	}
	return ts[:last+1], ts[last+1:]
}

// stripCompany removes what comes before the house number when a street
// type follows it: "XYZ Ets 22 rue des Fleurs" → "22 rue des Fleurs".
func stripCompany(ts []token, p *Parts) []token {
	for i := 1; i < len(ts); i++ {
		if numberPrefix(ts[i].raw) == 0 || !allDigits(ts[i].key[:1]) {
			continue
		}
		rest := joinRaw(ts[i:])
		end := numberPrefix(rest)
		if end == 0 || !startsWithType(strings.TrimLeft(rest[end:], " ,;")) {
			continue
		}
		// an earlier street type means the number is part of the name
		for j := 0; j < i; j++ {
			if _, n := leadingType(ts[j].words); n > 0 && len(ts[j].key) > 1 {
				return ts
			}
		}
		if c := strings.Trim(joinRaw(ts[:i]), " ,;"); Fold(c) != "" {
			p.Stripped = append(p.Stripped, c)
		}
		return ts[i:]
	}
	return ts
}

// CleanCity removes what is not part of a commune name: "CEDEX 02"
// (cedex is then true), a zip written in the city cell, a trailing
// "France", and the arrondissement of Paris, Lyon and Marseille ("PARIS 16",
// "Lyon 3e"; see Arrondissement).
func CleanCity(s string) (city string, cedex bool) {
	kept, cedex, _ := cleanCityTokens(tokenize(s))
	return strings.Trim(joinRaw(kept), " ,;-"), cedex
}

func cleanCityTokens(ts []token) (kept []token, cedex bool, arr int) {
	for i := 0; i < len(ts); i++ {
		k := ts[i].key
		switch {
		case k == "CEDEX":
			cedex = true
			if i+1 < len(ts) && keyIsDigits(ts[i+1].key, 1, 3) {
				i++
			}
			continue
		case keyHasPrefixDigits(k, "CEDEX"):
			cedex = true
			continue
		case keyIsDigits(k, 5, 5) && (i == 0 || i == len(ts)-1) && len(ts) > 1:
			continue
		case (k == "FRANCE" || k == "FR") && i == len(ts)-1 && len(kept) > 0:
			continue
		case k == "":
			continue
		}
		kept = append(kept, ts[i])
	}
	kept, arr = arrondissementTokens(kept)
	return kept, cedex, arr
}

var plm = map[string]int{"PARIS": 20, "LYON": 9, "MARSEILLE": 16}

// Arrondissement splits "PARIS 16", "Paris 16e", "Lyon 3ème arrondissement",
// "MARSEILLE 08" into the city and the arrondissement number; n is 0 when
// there is none (or the city is not Paris, Lyon or Marseille).
func Arrondissement(s string) (city string, n int) {
	base, n := arrondissementTokens(tokenize(s))
	if n == 0 {
		return strings.TrimSpace(s), 0
	}
	return strings.Trim(joinRaw(base), " ,;-"), n
}

func arrondissementTokens(ts []token) ([]token, int) {
	last := len(ts) - 1
	if last >= 0 {
		if k := ts[last].key; k == "ARRONDISSEMENT" || k == "ARR" || k == "ARRT" {
			last--
		}
	}
	if last < 1 {
		return ts, 0
	}
	k := ts[last].key
	i := 0
	for i < len(k) && isDigit(k[i]) {
		i++
	}
	if i == 0 || i > 2 {
		return ts, 0
	}
	switch k[i:] {
	case "", "E", "ER", "EME", "IEME", "EM":
	default:
		return ts, 0
	}
	num := 0
	for _, c := range k[:i] {
		num = num*10 + int(c-'0')
	}
	maxN, ok := 0, false
	if last == 1 {
		maxN, ok = plm[ts[0].key]
	}
	if !ok || num < 1 || num > maxN {
		return ts, 0
	}
	return ts[:last], num
}
