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
	canon string
	toks  []ntok
	arr   int
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
// 0.92 for a name truncated by a legacy file ("SAINT DIDIER SUR
// CHALARONN"), otherwise a token similarity capped at 0.9. Two different
// arrondissements of Paris, Lyon or Marseille score at most 0.6.
func CityScore(input, candidate string) float64 {
	a, b := prepareCity(input), prepareCity(candidate)
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
	if strings.ReplaceAll(a.canon, " ", "") == strings.ReplaceAll(b.canon, " ", "") {
		return 0.98
	}
	if dropArticle(a.canon) == dropArticle(b.canon) {
		return 0.95 // "ABERGEMENT CLEMENCIAT" for "L ABERGEMENT CLEMENCIAT"
	}
	short, long := a.canon, b.canon
	if len(short) > len(long) {
		short, long = long, short
	}
	if len(short) >= 20 && strings.HasPrefix(long, short) {
		return 0.92
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
