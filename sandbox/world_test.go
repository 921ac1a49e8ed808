package sandbox

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func streetByName(t *testing.T, w *World, insee, name string) Street {
	t.Helper()
	for _, s := range w.Streets(insee) {
		if s.StreetName == name {
			return s
		}
	}
	t.Fatalf("%s: no street %q in %v", insee, name, w.Streets(insee))
	return Street{}
}

func TestBuiltinMontBonvillers(t *testing.T) {
	w := DefaultWorld()
	ss := w.Streets("54084")
	if len(ss) != 22 {
		t.Fatalf("%d streets, want 22", len(ss))
	}
	tests := []struct {
		street string
		code   string // "" = do not check
		has    []string
		hasNot []string
		empty  bool
	}{
		{street: "ALLEE DES ACACIAS", code: "5408400200", has: []string{"1", "18", "49"}, hasNot: []string{"5180", "5184"}},
		{street: "RUE BARON D HUART", code: "5408400400"}, // AFNOR name kept, apostrophe folded
		{street: "RUE DES FRONTS", has: []string{"5B"}},   // "la gde grange" 5 rep B, AFNOR RUE DES FRONTS
		{street: "LA VIGNE", empty: true},                 // lieu-dit: pseudo numbers only
		{street: "GD PRE", empty: true},
	}
	for _, tt := range tests {
		t.Run(tt.street, func(t *testing.T) {
			s := streetByName(t, w, "54084", tt.street)
			if tt.code != "" && s.StreetCode != tt.code {
				t.Errorf("code %s, want %s", s.StreetCode, tt.code)
			}
			nums := w.Numbers(s.StreetCode)
			if tt.empty != (len(nums) == 0) {
				t.Errorf("numbers %v", nums)
			}
			for _, n := range tt.has {
				if !contains(nums, n) {
					t.Errorf("%s missing from %v", n, nums)
				}
			}
			for _, n := range tt.hasNot {
				if contains(nums, n) {
					t.Errorf("%s listed", n)
				}
			}
		})
	}
	// Every suffix of the file is folded to one letter.
	var suffixed int
	for _, s := range ss {
		for _, n := range w.Numbers(s.StreetCode) {
			_, suf := splitNum(n)
			if len(suf) > 1 {
				t.Errorf("number %q not folded", n)
			}
			if suf != "" {
				suffixed++
			}
		}
	}
	if suffixed < 25 {
		t.Errorf("%d suffixed numbers, want the file's ~33", suffixed)
	}
	src := w.Sources()
	if len(src) != 4 || src[0].Name != builtinName || src[0].Rows != 501 || src[0].Skipped != 45 {
		t.Errorf("sources %+v, want Mont-Bonvillers first (501 rows, 45 pseudo numbers skipped) and 3 other built-in files", src)
	}
}

func TestLoadWorldFormats(t *testing.T) {
	tests := []struct {
		file   string
		insee  string
		street string
		nums   []string
	}{
		{"ban-legacy-54084-mont-bonvillers.csv", "54084", "RUE JOFFRE", nil},
		{"ban-current-orsay-synthetic.csv", "91471", "RUE DU VERGER", []string{"1", "1B", "2", "2B", "3"}},
		{"ban-current-orsay-synthetic.csv", "91471", "RUE ELISA DESJOBERT", []string{"4T"}},
		{"ban-current-orsay-synthetic.csv", "91471", "RUE FACULTE D ORSAY", []string{"10"}}, // no AFNOR: folded
		{"bal-sample-strasbourg-messy.utf8-bom.csv", "67482", "RUE DE L AUBEPINE", []string{"43", "45"}},
		{"bal-sample-strasbourg-messy.utf8-bom.csv", "67482", "RUE DU ROSSLAUF", []string{"8", "8B"}}, // BIS in the key
		{"bal-sample-strasbourg-messy.utf8-bom.csv", "29189", "RUE ERIC TABARLY", []string{"163"}},    // 163,0000000000
		{"bal-sample-strasbourg-messy.utf8-bom.csv", "35001", "SQUARE ELLA MAILLART", []string{"3", "5", "5B"}},
		{"bal-sample-strasbourg-messy.cp1252.csv", "67482", "RUE DE L AUBEPINE", []string{"43", "45"}},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.street, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			if strings.HasPrefix(tt.file, "ban-legacy") {
				path = filepath.Join("world", tt.file)
			}
			w, err := LoadWorld(path)
			if err != nil {
				t.Fatal(err)
			}
			s := streetByName(t, w, tt.insee, tt.street)
			if !s.Real || len(s.StreetCode) != 10 || s.StreetCode[:5] != tt.insee {
				t.Errorf("street %+v", s)
			}
			if tt.nums != nil {
				if got := w.Numbers(s.StreetCode); fmt.Sprint(got) != fmt.Sprint(tt.nums) {
					t.Errorf("numbers %v, want %v", got, tt.nums)
				}
			}
		})
	}
	t.Run("both BAL encodings read the same", func(t *testing.T) {
		a, err1 := LoadWorld(filepath.Join("testdata", "bal-sample-strasbourg-messy.utf8-bom.csv"))
		b, err2 := LoadWorld(filepath.Join("testdata", "bal-sample-strasbourg-messy.cp1252.csv"))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		for _, insee := range []string{"67482", "35001", "29189"} {
			if fmt.Sprint(a.Streets(insee)) != fmt.Sprint(b.Streets(insee)) {
				t.Errorf("%s: %v vs %v", insee, a.Streets(insee), b.Streets(insee))
			}
		}
		if contains(a.RealCommunes(), "00000") || contains(a.RealCommunes(), "A7482") {
			t.Errorf("invalid interop keys kept: %v", a.RealCommunes())
		}
	})
	t.Run("a file commune replaces the generated one", func(t *testing.T) {
		w, err := LoadWorld(filepath.Join("testdata", "ban-current-orsay-synthetic.csv"))
		if err != nil {
			t.Fatal(err)
		}
		if n := len(w.Streets("91471")); n != 4 { // 3 streets + the lieu-dit LE GUICHET
			t.Errorf("%d Orsay streets, want 4: %v", n, w.Streets("91471"))
		}
		if n := len(DefaultWorld().Streets("91471")); n != 4 {
			t.Errorf("default world: %d Orsay streets, want the 4 built-in ones", n)
		}
		if n := len(DefaultWorld().Streets("91477")); n < 18 { // Palaiseau: generated
			t.Errorf("default world: %d generated Palaiseau streets", n)
		}
	})
}

func TestLoadWorldErrors(t *testing.T) {
	tests := []struct {
		name, path string
		line       int
	}{
		{"missing file", filepath.Join("testdata", "nope.csv"), 0},
		{"not BAN", filepath.Join("testdata", "bad-header.csv"), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadWorld(tt.path)
			var we *WorldError
			if !errors.As(err, &we) || we.File != tt.path || we.Line != tt.line {
				t.Fatalf("err = %v (%#v)", err, we)
			}
			if !strings.Contains(err.Error(), tt.path) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestGeneratedCommunes(t *testing.T) {
	a, b := DefaultWorld(), newWorld()
	tests := []struct {
		insee string
		want  bool
	}{
		{"33063", true}, {"75116", true}, {"2A004", true}, {"97411", true},
		{"75056", false}, // Paris: streets live under the arrondissements
		{"99999", false},
	}
	for _, tt := range tests {
		t.Run(tt.insee, func(t *testing.T) {
			sa, sb := a.Streets(tt.insee), b.Streets(tt.insee)
			if !tt.want {
				if len(sa) != 0 {
					t.Fatalf("streets %v, want none", sa)
				}
				return
			}
			if len(sa) < 18 || len(sa) > 47 {
				t.Errorf("%d streets", len(sa))
			}
			if fmt.Sprint(sa) != fmt.Sprint(sb) {
				t.Fatal("generation is not deterministic")
			}
			codes := map[string]bool{}
			var numbers, suffixed int
			for _, s := range sa {
				if len(s.StreetCode) != 10 || s.StreetCode[:5] != tt.insee || codes[s.StreetCode] || s.Real {
					t.Errorf("street %+v", s)
				}
				codes[s.StreetCode] = true
				for _, n := range a.Numbers(s.StreetCode) {
					numbers++
					if _, suf := splitNum(n); suf != "" {
						suffixed++
					}
				}
			}
			if numbers < 100 || suffixed == 0 {
				t.Errorf("%d numbers, %d suffixed", numbers, suffixed)
			}
		})
	}
}

func TestBuildingsAndLookups(t *testing.T) {
	w := DefaultWorld()
	var houses, buildings, multi, none, na int
	refs := map[string]bool{}
	for _, s := range w.Streets("33063") {
		for _, d := range w.NumberDetails(s.StreetCode) {
			if len(d.Hexacle) != 10 {
				t.Fatalf("hexacle %q", d.Hexacle)
			}
			if a, ok := w.Hexacle(d.Hexacle); !ok || a.StreetCode != s.StreetCode || a.StreetNumber != d.Number || a.City != "BORDEAUX" {
				t.Fatalf("Hexacle(%s) = %+v", d.Hexacle, a)
			}
			bs := w.Buildings(s.StreetCode, d.Number)
			if len(bs) == 0 {
				none++
			}
			if len(bs) > 1 {
				multi++
			}
			for _, b := range bs {
				if !reIMB.MatchString(b.Reference) || refs[b.Reference] {
					t.Fatalf("reference %q (duplicate %v)", b.Reference, refs[b.Reference])
				}
				refs[b.Reference] = true
				switch b.Type {
				case "HOUSE":
					houses++
					if len(b.Stairs) != 0 {
						t.Errorf("house with stairs %v", b.Stairs)
					}
				case "BUILDING":
					buildings++
					if len(b.Stairs) == 0 {
						t.Errorf("building without stairs")
					}
					if b.Stairs[0].Stair == "_NA_" {
						na++
					}
				}
				got, a, ok := w.Building(b.Reference)
				if !ok || got.Reference != b.Reference || a.StreetCode != s.StreetCode || a.StreetNumber != d.Number {
					t.Fatalf("Building(%s) = %+v %+v %v", b.Reference, got, a, ok)
				}
			}
		}
	}
	if houses < 2*buildings || buildings == 0 || multi == 0 || na == 0 {
		t.Errorf("houses %d, buildings %d (multi %d, _NA_ %d), none %d", houses, buildings, multi, na, none)
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		numero, suffix string
		key            []string
		want           string
		ok             bool
	}{
		{"12", "bis", nil, "12B", true},
		{"12 bis", "", nil, "12B", true},
		{"12", "TER", nil, "12T", true},
		{"3", "quater", nil, "3Q", true},
		{"5", "A", nil, "5A", true},
		{"2", "b", nil, "2B", true},
		{"163,0000000000", "", nil, "163", true},
		{"007", "", nil, "7", true},
		{"8", "", []string{"67482", "5740", "8", "BIS"}, "8B", true},
		{"5", "", []string{"35001", "0010", "00005", "3djsoi5"}, "5", true},
		{"5184", "", nil, "", false},
		{"9192", "", nil, "", false},
		{"99999", "", nil, "", false},
		{"0", "", nil, "", false},
		{"abc", "", nil, "", false},
		{"", "", nil, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.numero+"/"+tt.suffix, func(t *testing.T) {
			got, ok := parseNumber(tt.numero, tt.suffix, tt.key)
			if got != tt.want || ok != tt.ok {
				t.Errorf("parseNumber(%q, %q) = %q, %v; want %q, %v", tt.numero, tt.suffix, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestFold(t *testing.T) {
	tests := map[string]string{
		"rue baron d'huart":          "RUE BARON D HUART",
		"Rue de l’Église":            "RUE DE L EGLISE",
		"Vandœuvre-lès-Nancy":        "VANDOEUVRE LES NANCY",
		"  allée  des   acacias  ":   "ALLEE DES ACACIAS",
		"Place du 19 mars 1962":      "PLACE DU 19 MARS 1962",
		"rue Jean-Baptiste (ancien)": "RUE JEAN BAPTISTE ANCIEN",
	}
	for in, want := range tests {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}
