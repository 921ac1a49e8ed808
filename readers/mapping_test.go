package readers

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestFoldHeader(t *testing.T) {
	for in, want := range map[string]string{
		"Libellé_d'acheminement ": "libelle d acheminement",
		"N°":                      "n",
		"CODE POSTAL":             "code postal",
		"\ufeffcode-post":         "code post",
		"Numéro de ligne":         "numero de ligne",
		"Vandœuvre":               "vandoeuvre",
	} {
		if got := foldHeader(in); got != want {
			t.Errorf("foldHeader(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestProposeHeaders(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		sample [][]string
		want   map[Role]int
	}{
		{"french split columns", []string{"Raison sociale", "N°", "Indice", "Libellé de voie", "Complément", "CP", "Ville"},
			[][]string{{"ACME", "12", "B", "rue de la Paix", "Bât A", "75002", "Paris"}},
			map[Role]int{RoleNumber: 1, RoleSuffix: 2, RoleStreet: 3, RoleComplement: 4, RoleZip: 5, RoleCity: 6}},
		{"english", []string{"street", "zip", "city", "citycode"},
			[][]string{{"1 Main St", "01400", "Châtillon", "01093"}},
			map[Role]int{RoleStreet: 0, RoleZip: 1, RoleCity: 2, RoleInsee: 3}},
		{"full address column", []string{"Société", "Adresse complète"},
			[][]string{{"X", "42 rue Roger Vaillant 01500 Ambérieu-en-Bugey"}, {"Y", "1 place Bellecour 69002 Lyon"}},
			map[Role]int{RoleAddress: 1}},
		{"line, status, otp, building", []string{"Numéro de ligne", "Statut ligne", "PTO", "Référence immeuble"},
			[][]string{{"0123456789", "inactive", "FI-1234-5678", "IMB/33063/X/00AB"}},
			map[Role]int{RoleLine: 0, RoleLineStatus: 1, RoleOTP: 2, RoleBuilding: 3}},
		{"insee vs zip by header words", []string{"code_commune_insee", "code_postal"},
			[][]string{{"01093", "01400"}},
			map[Role]int{RoleInsee: 0, RoleZip: 1}},
		{"BAN: nom_voie before nom_afnor", []string{"nom_afnor", "nom_voie", "code_post"},
			[][]string{{"RUE BARON D HUART", "rue baron d'huart", "54111"}},
			map[Role]int{RoleStreet: 1, RoleZip: 2}},
		{"ligne_5 is not a line number", []string{"ligne_5", "code_postal"},
			[][]string{{"BELLEGARDE SUR VALSERINE", "01200"}, {"", "01400"}},
			map[Role]int{RoleZip: 1}},
		{"header words contradicted by content", []string{"code_commune", "cp"},
			[][]string{{"1", "1400"}, {"2", "1640"}},
			map[Role]int{RoleZip: 1}},
		{"no header: content only", []string{"col1", "col2", "col3"},
			[][]string{{"ACME", "75002", "12 rue X"}, {"B", "69001", "3 rue Y"}, {"C", "13001", "5 bd Z"}},
			map[Role]int{RoleZip: 1}},
		{"no header: full address", []string{"col1"},
			[][]string{{"42 rue Roger Vaillant 01500 Ambérieu-en-Bugey"}, {"1 place Bellecour 69002 Lyon"}},
			map[Role]int{RoleAddress: 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Propose(tt.header, tt.sample)
			if fmt.Sprint(m.Columns) != fmt.Sprint(tt.want) {
				t.Errorf("Propose = %v, want %v\nevidence: %v", m.Columns, tt.want, m.Evidence)
			}
		})
	}
}

func TestProposeEvidence(t *testing.T) {
	header := []string{"code_post", "nom_voie", "nom_afnor"}
	var sample [][]string
	for i := 0; i < 50; i++ {
		z := "54111"
		if i == 0 {
			z = "n/a"
		}
		sample = append(sample, []string{z, "rue baron d'huart", "RUE BARON D HUART"})
	}
	m := Propose(header, sample)
	if got := m.Evidence[RoleZip]; got != `header "code_post" ~ zip; 98% of 50 sampled cells are 5-character codes` {
		t.Errorf("zip evidence = %q", got)
	}
	if got := m.Evidence[RoleStreet]; !strings.Contains(got, `also fits: "nom_afnor"`) {
		t.Errorf("street evidence = %q, want nom_afnor recorded as the alternative", got)
	}
}

func TestUsable(t *testing.T) {
	tests := []struct {
		cols map[Role]int
		ok   bool
	}{
		{map[Role]int{RoleAddress: 0}, true},
		{map[Role]int{RoleStreet: 0, RoleZip: 1}, true},
		{map[Role]int{RoleStreet: 0, RoleCity: 1}, true},
		{map[Role]int{RoleLine: 0}, true},
		{map[Role]int{RoleOTP: 0}, true},
		{map[Role]int{RoleBuilding: 0}, true},
		{map[Role]int{RoleZip: 0, RoleCity: 1}, false},
		{map[Role]int{RoleStreet: 0}, false},
		{map[Role]int{}, false},
	}
	for _, tt := range tests {
		err := Mapping{Columns: tt.cols, Header: []string{"a", "b"}}.Usable()
		var ue *UsableError
		if (err == nil) != tt.ok || (err != nil && (!errors.As(err, &ue) || !strings.Contains(err.Error(), `"a", "b"`))) {
			t.Errorf("Usable(%v) = %v", tt.cols, err)
		}
	}
}

func TestParseOverride(t *testing.T) {
	header := []string{"CODE POSTAL", "COMMUNE", "NUMERO ET LIBELLE DE VOIE", "Ville"}
	base := Propose(header, nil)
	m, err := ParseOverride(`zip="CODE POSTAL",city=commune,street="NUMERO ET LIBELLE DE VOIE"`, header, base)
	if err != nil {
		t.Fatal(err)
	}
	if m.Columns[RoleZip] != 0 || m.Columns[RoleCity] != 1 || m.Columns[RoleStreet] != 2 {
		t.Errorf("columns = %v", m.Columns)
	}
	if !strings.HasPrefix(m.Evidence[RoleCity], "forced by --columns city=commune") {
		t.Errorf("evidence = %q", m.Evidence[RoleCity])
	}
	if m.Get([]string{" 01400 ", "X", "Y"}, RoleZip) != "01400" || m.Get([]string{"1"}, RoleCity) != "" || m.Get(nil, RoleOTP) != "" {
		t.Error("Get does not trim or guard the index")
	}
	// By position, and unmapping; a column forced to a role leaves its old role.
	m, err = ParseOverride("city=4, street=", header, base)
	if err != nil {
		t.Fatal(err)
	}
	if m.Columns[RoleCity] != 3 || m.Has(RoleStreet) {
		t.Errorf("columns = %v", m.Columns)
	}
	m, err = ParseOverride("street=ville", header, base)
	if err != nil || m.Columns[RoleStreet] != 3 || m.Has(RoleCity) && m.Columns[RoleCity] == 3 {
		t.Errorf("columns = %v, %v", m.Columns, err)
	}

	for spec, want := range map[string]string{
		`zip="CODE POSTALE"`: `no column "CODE POSTALE"`,
		"planet=COMMUNE":     `unknown role "planet"`,
		"zip":                "expected role=column",
		`zip="CODE POSTAL`:   "unbalanced quote",
		"zip=COMMUNE,city=2": `column "2" is already given to zip`,
		"zip=9":              `no column "9"`,
	} {
		_, err := ParseOverride(spec, header, base)
		var ce *ColumnError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), `"NUMERO ET LIBELLE DE VOIE"`) {
			t.Errorf("ParseOverride(%s) = %v, want a *ColumnError %q listing the headers", spec, err, want)
		}
	}
}
