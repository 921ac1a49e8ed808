package address

import (
	"strings"
	"testing"
)

func TestCityScore(t *testing.T) {
	t.Parallel()
	tests := []struct {
		input, candidate string
		min, max         float64
	}{
		{"Ambérieu-en-Bugey", "AMBERIEU EN BUGEY", 1, 1},
		{"Vandœuvre-lès-Nancy", "VANDOEUVRE LES NANCY", 1, 1},
		{"Villers-lès-Nancy", "VILLERS LES NANCY", 1, 1},
		{"Saint-Denis", "ST DENIS", 1, 1},
		{"Sainte-Olive", "STE OLIVE", 1, 1},
		{"ST DIDIER SUR CHALARONNE", "SAINT DIDIER SUR CHALARONNE", 1, 1},
		{"Lyon Cedex 03", "LYON", 1, 1},
		{"MARSEILLE CEDEX 02", "MARSEILLE", 1, 1},
		{"Paris 16e", "PARIS", 1, 1},
		{"Paris 16e Arrondissement", "PARIS 16", 1, 1},
		{"Marseille 1er Arrondissement", "MARSEILLE 01", 1, 1},
		{"Mont-Bonvillers", "MONT BONVILLERS", 1, 1},
		{"MONTBONVILLERS", "MONT BONVILLERS", 0.98, 0.98},
		{"Abergement-Clémenciat", "L ABERGEMENT CLEMENCIAT", 0.95, 0.95},
		// truncated legacy names (26 characters)
		{"SAINT-DIDIER-SUR-CHALARONN", "ST DIDIER SUR CHALARONNE", 0.9, 0.95},
		{"ST DIDIER SUR CHALARONN", "SAINT DIDIER SUR CHALARONNE", 0.9, 0.95},
		// different communes sharing words
		{"Saint-Denis", "ST DENIS EN BUGEY", 0, 0.75},
		{"Saint-Denis", "ST DENIS LES BOURG", 0, 0.75},
		{"Paris 15", "PARIS 16", 0, 0.6},
		{"Lyon 3e", "LYON 4E ARRONDISSEMENT", 0, 0.6},
		{"Nancy", "LAXOU", 0, 0.1},
		{"Orsay", "ORSIGNY", 0, 0.5},
		{"Bellegarde", "VALSERHONE", 0, 0.1},
		{"", "LYON", 0, 0},
		{"Cedex 9", "LYON", 0, 0},
		// typos still high
		{"Ambérieux en Bugey", "AMBERIEU EN BUGEY", 0.7, 0.9},
	}
	for _, tt := range tests {
		t.Run(tt.input+"|"+tt.candidate, func(t *testing.T) {
			got := CityScore(tt.input, tt.candidate)
			if got < tt.min || got > tt.max {
				t.Errorf("CityScore(%q, %q) = %.3f, want in [%.2f, %.2f]", tt.input, tt.candidate, got, tt.min, tt.max)
			}
		})
	}
}

// TestCityScoreCommunes: the proper-cased data.gouv names (with their article
// in its own column) match La Poste's ST/STE spelling of the same row exactly.
func TestCityScoreCommunes(t *testing.T) {
	t.Parallel()
	rows := readSample(t, "communes-departement-region-head-lost-zeros.csv", ',')
	merged := map[string]bool{"1025": true, "1095": true} // La Poste still uses the old commune's name
	for _, r := range rows[1:] {
		if merged[r[0]] {
			if got := CityScore(r[10], r[1]); got > 0.6 {
				t.Errorf("CityScore(%q, %q) = %.3f for a different name", r[10], r[1], got)
			}
			continue
		}
		if got := CityScore(r[10], r[1]); got != 1 {
			t.Errorf("CityScore(%q, %q) = %.3f", r[10], r[1], got)
		}
		if got := CityScore(r[8]+" "+r[9], r[1]); got != 1 {
			t.Errorf("CityScore(%q %q, %q) = %.3f", r[8], r[9], r[1], got)
		}
	}
}

// TestCityScoreTruncated cuts every La Poste name longer than 26 characters
// the way legacy files do, spelled SAINT instead of ST: it must still score at
// least 0.9 with its commune and beat the other communes of its département
// whose name starts the same way.
func TestCityScoreTruncated(t *testing.T) {
	t.Parallel()
	rows := readSample(t, "laposte-hexasmal-codes-postaux.utf8.csv", ';')[1:]
	byDept := map[string][]string{}
	seen := map[string]bool{}
	for _, r := range rows {
		if !seen[r[1]] {
			seen[r[1]] = true
			byDept[r[0][:2]] = append(byDept[r[0][:2]], r[1])
		}
	}
	checked := 0
	for dept, names := range byDept {
		for _, name := range names {
			words := strings.Fields(name)
			for i, w := range words {
				if long, ok := map[string]string{"ST": "SAINT", "STE": "SAINTE"}[w]; ok {
					words[i] = long
				}
			}
			long := strings.Join(words, "-")
			if len(long) <= 26 {
				continue
			}
			in := long[:26]
			checked++
			own := CityScore(in, name)
			if own < 0.9 {
				t.Errorf("%s: CityScore(%q, %q) = %.3f", dept, in, name, own)
				continue
			}
			for _, other := range names {
				// decoys: the communes whose name starts the same way
				if other == name || other[:min(6, len(other))] != name[:min(6, len(name))] {
					continue
				}
				if CityScore(in, other) >= own {
					t.Errorf("%s: %q scores %.3f with %q, not below %q", dept, in, CityScore(in, other), other, name)
				}
			}
		}
	}
	if checked < 250 {
		t.Errorf("only %d truncated names checked", checked)
	}
}

func BenchmarkCityScore(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		CityScore("SAINT-DIDIER-SUR-CHALARONN", "ST DIDIER SUR CHALARONNE")
	}
}

// TestPreparedCityReuse: one prepared input scored against many prepared
// candidates (as the resolver does per zip) gives CityScore's answers, in
// any order, so the prepared forms are never changed by scoring.
func TestPreparedCityReuse(t *testing.T) {
	t.Parallel()
	inputs := []string{"Saint-Denis", "ST DIDIER SUR CHALARONN", "Paris 15", "Lyon Cedex 03", "MONTBONVILLERS", ""}
	cands := []string{"ST DENIS", "ST DENIS EN BUGEY", "SAINT DIDIER SUR CHALARONNE", "PARIS 16", "PARIS 15",
		"LYON", "MONT BONVILLERS", "L ABERGEMENT CLEMENCIAT", ""}
	prepared := make([]PreparedCity, len(cands))
	for i, c := range cands {
		prepared[i] = PrepareCity(c)
	}
	for _, in := range inputs {
		p := PrepareCity(in)
		if p.Empty() != (strings.TrimSpace(in) == "") {
			t.Errorf("PrepareCity(%q).Empty() = %v", in, p.Empty())
		}
		for pass := range 2 {
			for i := range cands {
				j := i
				if pass == 1 {
					j = len(cands) - 1 - i
				}
				if got, want := p.Score(prepared[j]), CityScore(in, cands[j]); got != want {
					t.Errorf("pass %d: %q vs %q: prepared %.3f, CityScore %.3f", pass, in, cands[j], got, want)
				}
			}
		}
	}
}
