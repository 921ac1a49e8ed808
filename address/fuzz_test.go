package address

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func FuzzFold(f *testing.F) {
	for _, s := range []string{"Rue de l’Église", "Vandœuvre-lès-Nancy", "  2 rue du stade ", "ǅ ǰ ẞ ﬁ 16ᵉ", "İstanbul", "\xff\xfe", "ＡＢＣ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if again := Fold(got); again != got {
			t.Fatalf("Fold not idempotent: %q → %q → %q", s, got, again)
		}
		if strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || strings.Contains(got, "  ") {
			t.Fatalf("Fold(%q) = %q: bad spacing", s, got)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("Fold(%q) = %q: invalid UTF-8", s, got)
		}
		for _, r := range got {
			if r != ' ' && !unicode.IsLetter(r) && !unicode.IsDigit(r) || unicode.ToUpper(r) != r {
				t.Fatalf("Fold(%q) = %q: rune %q", s, got, r)
			}
		}
	})
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range [][2]string{{"12 bis", ""}, {"12", "BIS"}, {"2-2b", ""}, {"163,0000000000", ""}, {"5184", ""}, {"12/14", "T"}, {"N° 4 ter", ""}, {"0012", "a"}, {"3djsoi5", ""}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, number, suffix string) {
		n := ParseNumber(number, suffix)
		if n.Valid != (len(n.Candidates) > 0) {
			t.Fatalf("%q %q: Valid=%v with %d candidates", number, suffix, n.Valid, len(n.Candidates))
		}
		if n.Pseudo && n.Valid {
			t.Fatalf("%q %q: pseudo and valid", number, suffix)
		}
		for _, c := range n.Candidates {
			if !validCandidate(c) {
				t.Fatalf("%q %q: candidate %q is not digits + optional letter", number, suffix, c)
			}
		}
	})
}

// validCandidate: 1–4 digits without a leading zero, then at most one
// uppercase letter.
func validCandidate(c string) bool {
	i := 0
	for i < len(c) && c[i] >= '0' && c[i] <= '9' {
		i++
	}
	if i == 0 || i > 4 || c[0] == '0' {
		return false
	}
	return len(c) == i || len(c) == i+1 && c[i] >= 'A' && c[i] <= 'Z'
}

func FuzzSplitAddress(f *testing.F) {
	for _, s := range []string{
		"42 rue Roger Vaillant 01500 Ambérieu-en-Bugey", "XYZ Ets bâtiment B 22 rue des Fleurs 59350 Lille Cedex 23",
		"BP 70557 Cedex 2", "12 bis bd de Brou 01000 Bourg-en-Bresse", "Le Bourg 24560 Faux", ",,, ;", "1 - / & et",
		"2-2b rue Robert Schuman", "3e étage, 5 place Bellecour, 69002 Lyon", "CEDEX", "BOITE POSTALE",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := SplitAddress(s)
		if p.Zip != "" && (len(p.Zip) != 5 || !allDigits(p.Zip)) {
			t.Fatalf("%q: zip %q", s, p.Zip)
		}
		// a split number parses, unless it starts with 0 ("no number")
		if n := ParseNumber(p.Number, ""); p.Number != "" && p.Number[0] != '0' && !n.Valid && !n.Pseudo {
			t.Fatalf("%q: number %q does not parse", s, p.Number)
		}
		for _, x := range []string{p.Number, p.Street, p.City} {
			if x != strings.TrimSpace(x) {
				t.Fatalf("%q: untrimmed field %q", s, x)
			}
		}
		n, st := SplitStreet(s)
		if n == "" && st != strings.TrimSpace(s) {
			t.Fatalf("SplitStreet(%q) lost text: %q", s, st)
		}
		_, _ = CleanCity(s)
		_ = StreetScore(s, p.Street)
		_ = CityScore(s, p.City)
		_ = StreetVariants(s)
	})
}
