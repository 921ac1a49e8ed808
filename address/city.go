package address

import "strings"

// cityTitles are the abbreviations La Poste and legacy files use in
// commune names.
var cityTitles = map[string]string{
	"ST": "SAINT", "STE": "SAINTE", "STS": "SAINTS", "STES": "SAINTES", "N": "NOTRE", "ND": "NOTRE DAME",
	"S": "SUR", "SS": "SOUS", "MT": "MONT", "CHX": "CHATEAUX", "CHT": "CHATEAU",
}

// cityForm is a commune name cleaned (CEDEX, arrondissement) and folded
// with its abbreviations expanded.
type cityForm struct {
	canon   string
	nospace string // canon without spaces
	noArt   string // canon without a leading article
	toks    []ntok
	arr     int
}

func prepareCity(s string) cityForm {
	ts, _, arr := cleanCityTokens(tokenize(s))
	var words []string
	for _, t := range ts {
		words = append(words, t.words...)
	}
	var exp []string
	for i, w := range words {
		// not the last word: a truncated "…-SUR-LE-PORT-S" is no SUR
		if e, ok := cityTitles[w]; ok && len(words) > 1 && (i < len(words)-1 || len(w) > 1) {
			exp = append(exp, strings.Fields(e)...)
			continue
		}
		exp = append(exp, w)
	}
	f := cityForm{canon: strings.Join(exp, " "), arr: arr}
	f.nospace = strings.ReplaceAll(f.canon, " ", "")
	f.noArt = dropArticle(f.canon)
	for _, w := range exp {
		t := newTok(canonWord(w), nil)
		if w == "SAINT" || w == "SAINTE" {
			t.w = 0.5
		}
		f.toks = append(f.toks, t)
	}
	return f
}

// CityScore compares a city as written in a file with a candidate commune
// or locality name: 1 when equal once folded (ST = SAINT, CEDEX ignored),
// 0.9–0.92 for a name truncated by a legacy file ("SAINT DIDIER SUR
// CHALARONN"), otherwise a token similarity capped at 0.9. Two different
// arrondissements of Paris, Lyon or Marseille score at most 0.6.
func CityScore(input, candidate string) float64 {
	return PrepareCity(input).Score(PrepareCity(candidate))
}

// PreparedCity is a commune name analysed for CityScore: prepare the names
// of a zip once and score every row's city against them.
type PreparedCity struct{ f cityForm }

// PrepareCity analyses a city or candidate name for PreparedCity.Score.
func PrepareCity(name string) PreparedCity { return PreparedCity{prepareCity(name)} }

// Empty reports whether nothing of the name is left once cleaned.
func (p PreparedCity) Empty() bool { return p.f.canon == "" }

// Score is CityScore(input, candidate) with p the input (the row's city).
func (p PreparedCity) Score(candidate PreparedCity) float64 {
	a, b := p.f, candidate.f
	if a.canon == "" || b.canon == "" {
		return 0
	}
	s := cityScore(a, b)
	if a.arr > 0 && b.arr > 0 && a.arr != b.arr && s > 0.6 {
		s = 0.6
	}
	return s
}

func cityScore(a, b cityForm) float64 {
	if a.canon == b.canon {
		return 1
	}
	if a.nospace == b.nospace {
		return 0.98
	}
	if a.noArt == b.noArt {
		return 0.95 // "ABERGEMENT CLEMENCIAT" for "L ABERGEMENT CLEMENCIAT"
	}
	if truncated(a.canon, b.canon, 1000) {
		return 0.92 // cut inside a word
	}
	if truncated(a.canon, b.canon, 20) {
		return 0.9 // cut between words: an exact shorter commune still wins
	}
	if a.canon > b.canon {
		a, b = b, a
	}
	return 0.9 * nameSim(a.toks, b.toks)
}

func dropArticle(s string) string {
	for _, a := range []string{"L ", "LE ", "LA ", "LES "} {
		if strings.HasPrefix(s, a) {
			return s[len(a):]
		}
	}
	return s
}
