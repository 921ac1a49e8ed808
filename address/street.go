package address

import "strings"

// Score levels. A folded-equal name is 1; a name equal once abbreviations,
// titles and elisions are expanded scores scoreCanonical; everything else is
// a weighted token similarity below that, lowered when the street types differ.
const (
	scoreCanonical = 0.98
	scoreTruncated = 0.93 // AFNOR/legacy names cut at 24–32 characters
	scoreStemOnly  = 0.97 // plural or glued-word difference ("CITE" / "CITES")

	weightStop  = 0.1 // DE, DU, LA, L …
	weightTitle = 0.2 // GENERAL, MARECHAL, DOCTEUR …
	weightName  = 1.0

	typeMissing  = 0.9  // "des Lilas" against "RUE DES LILAS"
	typeLieuDit  = 0.97 // "lieu-dit la Vigne" against "LA VIGNE"
	typeRelated  = 0.9  // ROUTE against ROUTE DEPARTEMENTALE
	typeMismatch = 0.8  // RUE against IMPASSE: never a confident match
)

// Prepared is a street name analysed once (folded, type recognised, tokens
// canonicalized and weighed) so that it can be scored against many others
// cheaply. The zero value scores 0 against everything.
type Prepared struct {
	folded   string
	readings []reading // one per reading of an ambiguous type code
}

type reading struct {
	typ     string // canonical street type, "" when none
	toks    []ntok
	canon   string // type and canonical tokens, space separated
	compact string // canonical tokens glued, for "BON VILLERS" = "BONVILLERS"
	weight  float64
}

type ntok struct {
	s     string
	stem  string   // without a plural S/X
	alts  []string // other readings of an ambiguous abbreviation (PR)
	w     float64
	digit bool
}

// PrepareStreet analyses a street name for Score. Build it once per OVH
// street and once per input row.
func PrepareStreet(name string) Prepared {
	f := Fold(name)
	p := Prepared{folded: f}
	if f == "" {
		return p
	}
	words := dropUnits(strings.Fields(f))
	types, n := leadingType(words)
	if n == 0 || n == len(words) && types[0] == "LIEU DIT" {
		types, n = []string{""}, 0 // a place called "LIEU" is no empty lieu-dit
	}
	for _, t := range types {
		rest := words[n:]
		if t == "" {
			rest = words
		}
		p.readings = append(p.readings, makeReading(t, rest))
	}
	return p
}

// Folded is the name as Fold gives it.
func (p Prepared) Folded() string { return p.folded }

// Type is the canonical street type of the first reading ("RUE",
// "IMPASSE"), "" when the name does not start with one.
func (p Prepared) Type() string {
	if len(p.readings) == 0 {
		return ""
	}
	return p.readings[0].typ
}

// Canonical is the first reading with every abbreviation expanded:
// "BD DU GAL DE GAULLE" → "BOULEVARD DU GENERAL DE GAULLE".
func (p Prepared) Canonical() string {
	if len(p.readings) == 0 {
		return ""
	}
	return p.readings[0].canon
}

// streetUnits introduce a building, staircase or flat written after a
// street name in a street cell ("rue X bât B", "rue X 3e étage"): OVH names
// never carry them.
var streetUnits = map[string]bool{
	"BAT": true, "BATIMENT": true, "APPT": true, "APPARTEMENT": true, "ESC": true, "ESCALIER": true,
}

// dropUnits removes unit mentions after the first word; it returns words
// itself when there is none.
func dropUnits(words []string) []string {
	drop := func(i int) int {
		w := words[i]
		switch {
		case i == 0 || i+1 >= len(words):
			return 0
		case streetUnits[w] && len(words[i+1]) <= 4:
			return 2
		case isFloorOrdinal(w) && words[i+1] == "ETAGE":
			return 2
		case (w == "BP" || w == "CS" || w == "TSA" || w == "CIDEX") && allDigits(words[i+1]):
			return 2
		}
		return 0
	}
	var out []string
	for i := 0; i < len(words); i++ {
		if n := drop(i); n > 0 {
			if out == nil {
				out = append([]string(nil), words[:i]...)
			}
			i += n - 1
			continue
		}
		if out != nil {
			out = append(out, words[i])
		}
	}
	if out == nil {
		return words
	}
	return out
}

var ordinalSuffixes = []string{"IEME", "EME", "ERE", "ER", "EM", "NDE", "ND", "E"}

var romans = map[string]string{
	"II": "2", "III": "3", "IV": "4", "VI": "6", "VII": "7", "VIII": "8", "IX": "9", "XI": "11",
	"XII": "12", "XIII": "13", "XIV": "14", "XV": "15", "XVI": "16", "XVII": "17", "XVIII": "18",
	"XIX": "19", "XX": "20", "IER": "1", "IERE": "1", "PREMIER": "1", "PREMIERE": "1", "DEUXIEME": "2",
	"SECOND": "2", "SECONDE": "2", "TROISIEME": "3",
	// number words of dates in names: "RUE DU ONZE NOVEMBRE"
	"DEUX": "2", "TROIS": "3", "QUATRE": "4", "CINQ": "5", "SIX": "6", "SEPT": "7", "HUIT": "8",
	"DIX": "10", "ONZE": "11", "DOUZE": "12", "TREIZE": "13", "QUATORZE": "14", "QUINZE": "15",
	"SEIZE": "16", "VINGT": "20", "TRENTE": "30",
}

// canonWord maps ordinals ("1ER", "IER", "PREMIER") to digits and the
// elided D to DE.
func canonWord(w string) string {
	if w == "D" {
		return "DE"
	}
	if r, ok := romans[w]; ok {
		return r
	}
	if w[0] >= '1' && w[0] <= '9' {
		i := 0
		for i < len(w) && w[i] >= '0' && w[i] <= '9' {
			i++
		}
		for _, s := range ordinalSuffixes {
			if w[i:] == s {
				return w[:i]
			}
		}
	}
	return w
}

func makeReading(typ string, words []string) reading {
	r := reading{typ: typ}
	for i := 0; i < len(words); {
		// multi-word titles first: "N D" → NOTRE DAME, "S S" → SOUS
		took := false
		for n := min(maxTitleWords, len(words)-i); n > 1; n-- {
			if exp, ok := titleIndex[strings.Join(words[i:i+n], " ")]; ok {
				for _, e := range exp {
					r.toks = append(r.toks, newTok(e, nil))
				}
				i += n
				took = true
				break
			}
		}
		if took {
			continue
		}
		w := words[i]
		i++
		switch {
		case ambiguousTitles[w] != nil:
			r.toks = append(r.toks, newTok(w, ambiguousTitles[w]))
		case titleIndex[w] != nil:
			for _, e := range titleIndex[w] {
				r.toks = append(r.toks, newTok(e, nil))
			}
		case midTypes[w] != "":
			for _, e := range strings.Fields(midTypes[w]) {
				r.toks = append(r.toks, newTok(e, nil))
			}
		default:
			r.toks = append(r.toks, newTok(canonWord(w), nil))
		}
	}
	var canon, compact strings.Builder
	canon.WriteString(typ)
	for _, t := range r.toks {
		if canon.Len() > 0 {
			canon.WriteByte(' ')
		}
		canon.WriteString(t.s)
		compact.WriteString(t.stem)
		r.weight += t.w
	}
	r.canon, r.compact = canon.String(), compact.String()
	return r
}

func newTok(s string, alts []string) ntok {
	t := ntok{s: s, stem: s, alts: alts, w: weightName}
	switch {
	case stopWords[s]:
		t.w = weightStop
	case titleWords[s]:
		t.w = weightTitle
	}
	t.digit = s[0] >= '0' && s[0] <= '9'
	if n := len(s); n >= 4 && !t.digit && (s[n-1] == 'S' || s[n-1] == 'X') {
		t.stem = s[:n-1]
	}
	return t
}

// Score compares two prepared street names and returns a similarity in
// [0,1]; it is symmetric. p is usually the OVH name and input the row's.
func (p Prepared) Score(input Prepared) float64 {
	if p.folded == "" || input.folded == "" {
		return 0
	}
	if p.folded == input.folded {
		return 1
	}
	a, b := p, input
	if a.folded > b.folded {
		a, b = b, a // the same arithmetic both ways: Score is exactly symmetric
	}
	best := 0.0
	for i := range a.readings {
		for j := range b.readings {
			if s := scoreReadings(&a.readings[i], &b.readings[j]); s > best {
				best = s
			}
		}
	}
	return best
}

// StreetScore is PrepareStreet(ovhName).Score(PrepareStreet(input)). Prefer
// Prepared when scoring one input against many names.
func StreetScore(input, ovhName string) float64 {
	return PrepareStreet(ovhName).Score(PrepareStreet(input))
}

func scoreReadings(a, b *reading) float64 {
	if a.canon == b.canon {
		return scoreCanonical
	}
	ns := nameSim(a.toks, b.toks)
	if a.compact != "" && a.compact == b.compact && ns < scoreStemOnly {
		ns = scoreStemOnly
	}
	s := scoreCanonical * ns * typeFactor(a.typ, b.typ)
	if truncated(a.canon, b.canon, 30) && s < scoreTruncated {
		s = scoreTruncated
	}
	return s
}

// truncated reports whether one name is the other cut by a length limit
// (AFNOR 32, legacy files 26, La Poste 38): a prefix of at least 20
// characters ending inside a word, or one of at least boundary characters
// ending between words. "RUE DU GENERAL DE GAULLE" is not a truncated
// "RUE DU GENERAL DE GAULLE PROLONGEE".
func truncated(a, b string, boundary int) bool {
	short, long := a, b
	if len(short) > len(long) {
		short, long = long, short
	}
	if len(short) < 20 || len(short) == len(long) || !strings.HasPrefix(long, short) {
		return false
	}
	return long[len(short)] != ' ' || len(short) >= boundary
}

func typeFactor(a, b string) float64 {
	switch {
	case a == b:
		return 1
	case a == "" || b == "":
		if a == "LIEU DIT" || b == "LIEU DIT" {
			return typeLieuDit
		}
		return typeMissing
	}
	fa, _, _ := strings.Cut(a, " ")
	fb, _, _ := strings.Cut(b, " ")
	if fa == fb {
		return typeRelated
	}
	return typeMismatch
}

// nameSim is a soft weighted Dice over tokens: tokens are paired greedily by
// similarity; each pair contributes sim × (both weights), unpaired tokens
// nothing; a pairing out of order costs 5 %.
func nameSim(a, b []ntok) float64 {
	if len(a) == 0 || len(b) == 0 {
		if len(a) == len(b) {
			return 1
		}
		return 0
	}
	type pair struct {
		i, j int
		s    float64
	}
	var buf [64]pair
	pairs := buf[:0]
	total := 0.0
	for _, t := range a {
		total += t.w
	}
	for _, t := range b {
		total += t.w
	}
	for i := range a {
		for j := range b {
			if s := tokSim(&a[i], &b[j]); s > 0 {
				pairs = append(pairs, pair{i, j, s})
			}
		}
	}
	// insertion sort, stable, best first (few pairs; no allocation)
	for x := 1; x < len(pairs); x++ {
		for y := x; y > 0 && pairs[y].s > pairs[y-1].s; y-- {
			pairs[y], pairs[y-1] = pairs[y-1], pairs[y]
		}
	}
	var usedA, usedB uint64
	matched := 0.0
	var kept [64]pair
	nk := 0
	for _, pr := range pairs {
		if pr.i >= 64 || pr.j >= 64 { // names of 64+ words: ignore the tail
			continue
		}
		if usedA&(1<<pr.i) != 0 || usedB&(1<<pr.j) != 0 {
			continue
		}
		usedA |= 1 << pr.i
		usedB |= 1 << pr.j
		matched += pr.s * (a[pr.i].w + b[pr.j].w)
		if nk < len(kept) {
			kept[nk] = pr
			nk++
		}
	}
	sim := matched / total
	// order: pairs sorted by i must have increasing j
	ks := kept[:nk]
	for x := 1; x < len(ks); x++ {
		for y := x; y > 0 && ks[y].i < ks[y-1].i; y-- {
			ks[y], ks[y-1] = ks[y-1], ks[y]
		}
	}
	for k := 1; k < len(ks); k++ {
		if ks[k].j < ks[k-1].j {
			sim *= 0.95
			break
		}
	}
	return sim
}

func tokSim(a, b *ntok) float64 {
	if a.s == b.s {
		return 1
	}
	for _, x := range a.alts {
		if x == b.s {
			return 1
		}
	}
	for _, x := range b.alts {
		if x == a.s {
			return 1
		}
	}
	if a.digit || b.digit {
		return 0
	}
	if a.stem == b.stem {
		return scoreStemOnly
	}
	la, lb := len(a.s), len(b.s)
	if la == 1 || lb == 1 {
		// an initial: "J JAURES" for "JEAN JAURES"
		if la == 1 && lb > 1 && b.w == weightName && b.s[0] == a.s[0] ||
			lb == 1 && la > 1 && a.w == weightName && a.s[0] == b.s[0] {
			return 0.7
		}
		return 0
	}
	if la < 4 || lb < 4 || 10*abs(la-lb) > 3*max(la, lb) {
		return 0 // too short for typos, or too different in length to reach 0.7
	}
	r := 1 - float64(levenshtein(a.s, b.s))/float64(max(la, lb))
	if r < 0.7 {
		return 0
	}
	return r * r
}

// levenshtein is the byte edit distance (names are folded to ASCII).
func levenshtein(a, b string) int {
	if len(a) < len(b) {
		a, b = b, a
	}
	var buf [2][65]int
	var prev, cur []int
	if len(b) < 65 {
		prev, cur = buf[0][:len(b)+1], buf[1][:len(b)+1]
	} else {
		prev, cur = make([]int, len(b)+1), make([]int, len(b)+1)
	}
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			c = min(c, prev[j]+1, cur[j-1]+1)
			cur[j] = c
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// StreetVariants returns the folded forms of a street name to compare with
// OVH names: as written, every abbreviation expanded, and AFNOR-abbreviated.
// Ambiguous codes (CR, CHE, PR, GR …) give one variant per reading.
func StreetVariants(s string) []string {
	f := Fold(s)
	if f == "" {
		return nil
	}
	out := []string{f}
	add := func(v string) {
		v = strings.TrimSpace(v)
		if v == "" {
			return
		}
		for _, x := range out {
			if x == v {
				return
			}
		}
		out = append(out, v)
	}
	words := strings.Fields(f)
	types, n := leadingType(words)
	if n == 0 {
		types = []string{""}
	}
	for _, t := range types {
		rest := words[n:]
		if t == "" {
			rest = words
		}
		for _, long := range expandTitles(rest) {
			add(t + " " + long)
		}
		short := t
		if t != "" {
			short = typeShort[t]
		}
		add(short + " " + abbreviateTitles(rest))
	}
	return out
}

// expandTitles expands title abbreviations; ambiguous ones give several
// results (at most 4).
func expandTitles(words []string) []string {
	res := []string{""}
	for i := 0; i < len(words); i++ {
		var opts []string
		took := false
		for n := min(maxTitleWords, len(words)-i); n > 1; n-- {
			if exp, ok := titleIndex[strings.Join(words[i:i+n], " ")]; ok {
				opts = []string{strings.Join(exp, " ")}
				i += n - 1
				took = true
				break
			}
		}
		if !took {
			w := words[i]
			switch {
			case ambiguousTitles[w] != nil:
				opts = ambiguousTitles[w]
			case titleIndex[w] != nil && w != "S" && w != "SS":
				opts = []string{strings.Join(titleIndex[w], " ")}
			case midTypes[w] != "":
				opts = []string{midTypes[w]}
			default:
				opts = []string{w}
			}
		}
		var next []string
		for _, r := range res {
			for _, o := range opts {
				if len(next) < 4 {
					next = append(next, strings.TrimSpace(r+" "+o))
				}
			}
		}
		res = next
	}
	return res
}

// abbreviateTitles writes long titles in their AFNOR short form.
func abbreviateTitles(words []string) string {
	var b []string
	for i := 0; i < len(words); i++ {
		if i+1 < len(words) && words[i] == "NOTRE" && words[i+1] == "DAME" {
			b = append(b, "ND")
			i++
			continue
		}
		if s, ok := titleShort[words[i]]; ok && words[i] != "SUR" && words[i] != "SOUS" {
			b = append(b, s)
			continue
		}
		b = append(b, words[i])
	}
	return strings.Join(b, " ")
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
