package address

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		number, suffix string
		want           []string
		pseudo         bool
	}{
		// repetition index written after the number (§3.2)
		{"12", "", []string{"12"}, false},
		{"12 bis", "", []string{"12B"}, false},
		{"12bis", "", []string{"12B"}, false},
		{"12 BIS", "", []string{"12B"}, false},
		{"12 b", "", []string{"12B"}, false},
		{"12B", "", []string{"12B"}, false},
		{"12 ter", "", []string{"12T"}, false},
		{"12 T", "", []string{"12T"}, false},
		{"12 quater", "", []string{"12Q"}, false},
		{"12 quinquies", "", []string{"12C"}, false},
		{"12 sexies", "", []string{"12S"}, false},
		{"12 A", "", []string{"12A"}, false},
		{"12 C", "", []string{"12C"}, false},
		{"1 bis", "", []string{"1B"}, false}, // adresse.data.gouv example
		{"168 Bis", "", []string{"168B"}, false},
		// repetition index in its own column (BAN rep, BAL suffixe)
		{"12", "BIS", []string{"12B"}, false},
		{"12", "B", []string{"12B"}, false},
		{"12", "TER", []string{"12T"}, false},
		{"12", "T", []string{"12T"}, false},
		{"12", "A", []string{"12A"}, false},
		{"12", "bis", []string{"12B"}, false},
		{"12", " quater ", []string{"12Q"}, false},
		{"12", `""`, []string{"12"}, false},
		{"12", "ddfdf", []string{"12"}, false}, // unusable index: the number alone
		{"12 bis", "BIS", []string{"12B"}, false},
		// lost zeros, Excel floats
		{"0012", "", []string{"12"}, false},
		{"007", "", []string{"7"}, false},
		{"0", "", nil, false},
		{"000", "", nil, false},
		{"0-2", "", []string{"2"}, false},
		{"163,0000000000", "", []string{"163"}, false}, // validateur-bal sample
		{"12.0", "", []string{"12"}, false},
		{"12,00", "", []string{"12"}, false},
		{" 8 ", "", []string{"8"}, false},
		// ranges: both ends, in order
		{"2-2b", "", []string{"2", "2B"}, false},
		{"2-2 bis", "", []string{"2", "2B"}, false},
		{"12-14", "", []string{"12", "14"}, false},
		{"12/14", "", []string{"12", "14"}, false},
		{"12 - 14", "", []string{"12", "14"}, false},
		{"12 et 14", "", []string{"12", "14"}, false},
		{"12&14", "", []string{"12", "14"}, false},
		{"2-b", "", []string{"2", "2B"}, false},
		{"12-12", "", []string{"12"}, false},
		{"12B-14", "", []string{"12B", "14"}, false},
		// noise around
		{"N° 4", "", []string{"4"}, false},
		{"no 4", "", []string{"4"}, false},
		{"12 rue de la Paix", "", []string{"12"}, false},
		// BAN pseudo-numbers of lieux-dits (sample 54084)
		{"5184", "", nil, true},
		{"5519", "", nil, true},
		{"9121", "", nil, true},
		{"9192", "", nil, true},
		{"5184.0", "", nil, true},
		{"1945", "", []string{"1945"}, false},
		{"4999", "", []string{"4999"}, false},
		// garbage
		{"", "", nil, false},
		{"   ", "", nil, false},
		{"abc", "", nil, false},
		{"ddfdf", "", nil, false},
		{"3djsoi5", "", nil, false},
		{"12xyz", "", nil, false},
		{"123456", "", nil, false},
		{"12.5", "", nil, false},
		{"12 14", "", nil, false},
		{"", "BIS", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.number+"|"+tt.suffix, func(t *testing.T) {
			got := ParseNumber(tt.number, tt.suffix)
			if !slices.Equal(got.Candidates, tt.want) || got.Pseudo != tt.pseudo || got.Valid != (len(tt.want) > 0) {
				t.Errorf("ParseNumber(%q, %q) = %+v, want candidates %q pseudo %v", tt.number, tt.suffix, got, tt.want, tt.pseudo)
			}
		})
	}
}

// TestParseNumberBAN checks every row of the BAN legacy sample: numero plus
// rep gives numero+letter, except 5xxx/9xxx pseudo-numbers.
func TestParseNumberBAN(t *testing.T) {
	t.Parallel()
	rows := readSample(t, "ban-legacy-54084-mont-bonvillers.csv", ';')
	letters := map[string]string{"": "", "BIS": "B", "B": "B", "TER": "T", "T": "T", "A": "A"}
	pseudo := 0
	for _, r := range rows[1:] {
		numero, rep := r[3], r[4]
		l, ok := letters[rep]
		if !ok {
			t.Fatalf("unexpected rep %q", rep)
		}
		got := ParseNumber(numero, rep)
		if len(numero) == 4 && (numero[0] == '5' || numero[0] == '9') {
			pseudo++
			if !got.Pseudo || got.Valid {
				t.Errorf("ParseNumber(%q, %q) = %+v, want pseudo", numero, rep, got)
			}
			continue
		}
		if want := []string{numero + l}; !slices.Equal(got.Candidates, want) {
			t.Errorf("ParseNumber(%q, %q) = %+v, want %q", numero, rep, got, want)
		}
	}
	if pseudo != 45 {
		t.Errorf("pseudo-numbers = %d, the sample README says 45", pseudo)
	}
}

// TestParseNumberBAL reads the messy BAL sample (both encodings' UTF-8 copy).
func TestParseNumberBAL(t *testing.T) {
	t.Parallel()
	rows := readSample(t, "bal-sample-strasbourg-messy.utf8-bom.csv", ';')
	for _, r := range rows[1:] {
		got := ParseNumber(r[3], r[4])
		if !got.Valid || len(got.Candidates) != 1 || strings.ContainsAny(got.Candidates[0], ",.") {
			t.Errorf("ParseNumber(%q, %q) = %+v", r[3], r[4], got)
		}
		if r[3] == "163,0000000000" && got.Candidates[0] != "163" {
			t.Errorf("Excel float: %+v", got)
		}
	}
}

func readSample(t *testing.T, name string, comma rune) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "samples", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = comma
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
