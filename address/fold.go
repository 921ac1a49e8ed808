package address

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldSpecial maps letters that do not decompose under NFKD.
var foldSpecial = map[rune]string{
	'Œ': "OE", 'œ': "OE", 'Æ': "AE", 'æ': "AE", 'ß': "SS", 'ẞ': "SS",
	'Ø': "O", 'ø': "O", 'Ł': "L", 'ł': "L", 'Đ': "D", 'đ': "D", 'Ð': "D", 'ð': "D",
	'Þ': "TH", 'þ': "TH", 'ı': "I", 'ĸ': "K",
}

// Fold returns s uppercased, without accents, ligatures expanded (Œ→OE),
// every character other than a letter or a digit turned into a space, spaces
// collapsed and trimmed: "Rue de l’Église" → "RUE DE L EGLISE". It is the
// form OVH and La Poste use for names. Fold is idempotent.
func Fold(s string) string { return foldKeep(s, "") }

// foldKeep is Fold that keeps the ASCII punctuation in keep as single-rune
// words ("2-2b" → "2 - 2B" with keep "-").
func foldKeep(s, keep string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	emit := func(r rune) {
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		s = norm.NFKD.String(s)
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			emit(r - 'a' + 'A')
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			emit(r)
		case r < utf8.RuneSelf:
			if keep != "" && strings.ContainsRune(keep, r) {
				space = true
				emit(r)
			}
			space = true
		case unicode.Is(unicode.Mn, r):
			// combining accent: part of the previous letter
		case foldSpecial[r] != "":
			for _, c := range foldSpecial[r] {
				emit(c)
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			u := unicode.ToUpper(r)
			if d := norm.NFKD.String(string(u)); d != string(u) {
				// an uppercase form that decomposes again: keep its base letters
				for _, c := range d {
					if !unicode.Is(unicode.Mn, c) && (unicode.IsLetter(c) || unicode.IsDigit(c)) {
						emit(unicode.ToUpper(c))
					}
				}
				continue
			}
			emit(u)
		default:
			space = true
		}
	}
	return b.String()
}
