package address

import (
	"slices"
	"testing"
)

func TestSplitAddress(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Parts
	}{
		{"42 rue Roger Vaillant 01500 Ambérieu-en-Bugey", Parts{Number: "42", Street: "rue Roger Vaillant", Zip: "01500", City: "Ambérieu-en-Bugey"}},
		{"42, rue X, 01500 Ville", Parts{Number: "42", Street: "rue X", Zip: "01500", City: "Ville"}},
		{"rue X 01500 Ville", Parts{Street: "rue X", Zip: "01500", City: "Ville"}},
		{"Le Bourg 24560 Faux", Parts{Street: "Le Bourg", Zip: "24560", City: "Faux"}},
		{"12 bis bd de Brou 01000 Bourg-en-Bresse", Parts{Number: "12 bis", Street: "bd de Brou", Zip: "01000", City: "Bourg-en-Bresse"}},
		{"BP 70557 Cedex 2", Parts{Stripped: []string{"BP 70557", "Cedex 2"}}},
		{"XYZ Ets bâtiment B 22 rue des Fleurs 59350 Lille Cedex 23", Parts{Number: "22", Street: "rue des Fleurs", Zip: "59350", City: "Lille", Stripped: []string{"bâtiment B", "Cedex 23", "XYZ Ets"}}},
		{"3e étage, 5 place Bellecour, 69002 Lyon", Parts{Number: "5", Street: "place Bellecour", Zip: "69002", City: "Lyon", Stripped: []string{"3e étage"}}},
		{"12 rue X, Lyon", Parts{Number: "12", Street: "rue X", City: "Lyon"}},
		{"Société Y, BP 12, 10 avenue Foch 75116 PARIS 16", Parts{Number: "10", Street: "avenue Foch", Zip: "75116", City: "PARIS", Stripped: []string{"BP 12", "Société Y"}}},
		{"2-2b rue Robert Schuman 54000 Nancy", Parts{Number: "2-2b", Street: "rue Robert Schuman", Zip: "54000", City: "Nancy"}},
		{"1 bis Rue de la Papeterie 54250 Champigneulles", Parts{Number: "1 bis", Street: "Rue de la Papeterie", Zip: "54250", City: "Champigneulles"}},
		{"6 Rue Albert 1er 54600 Villers-lès-Nancy", Parts{Number: "6", Street: "Rue Albert 1er", Zip: "54600", City: "Villers-lès-Nancy"}},
		{"6 Rue d'Aquitaine, 54500 Vandœuvre-lès-Nancy", Parts{Number: "6", Street: "Rue d'Aquitaine", Zip: "54500", City: "Vandœuvre-lès-Nancy"}},
		{"10 rue de la Paix CS 70001 75002 Paris", Parts{Number: "10", Street: "rue de la Paix", Zip: "75002", City: "Paris", Stripped: []string{"CS 70001"}}},
		{"TSA 12345 13226 MARSEILLE CEDEX 02", Parts{Zip: "13226", City: "MARSEILLE", Stripped: []string{"TSA 12345", "CEDEX 02"}}},
		{"CIDEX 123 Le Bourg 24560 Faux", Parts{Street: "Le Bourg", Zip: "24560", City: "Faux", Stripped: []string{"CIDEX 123"}}},
		{"B.P. 12 - 4 allée des Acacias 54111 Mont-Bonvillers", Parts{Number: "4", Street: "allée des Acacias", Zip: "54111", City: "Mont-Bonvillers", Stripped: []string{"B.P. 12"}}},
		{"appt 12 18 allée des acacias 54111 MONT BONVILLERS", Parts{Number: "18", Street: "allée des acacias", Zip: "54111", City: "MONT BONVILLERS", Stripped: []string{"appt 12"}}},
		{"Bat. C, 8 rue du Rosslauf, 67000 Strasbourg", Parts{Number: "8", Street: "rue du Rosslauf", Zip: "67000", City: "Strasbourg", Stripped: []string{"Bat. C"}}},
		{"Impasse du 8 mai 1945 54111 Mont-Bonvillers", Parts{Street: "Impasse du 8 mai 1945", Zip: "54111", City: "Mont-Bonvillers"}},
		{"5 bis rue baron d'huart 54111 Mont-Bonvillers", Parts{Number: "5 bis", Street: "rue baron d'huart", Zip: "54111", City: "Mont-Bonvillers"}},
		{"lieu-dit La Vigne 54111 Mont-Bonvillers", Parts{Street: "lieu-dit La Vigne", Zip: "54111", City: "Mont-Bonvillers"}},
		{"12 Grande Rue 25000 Besançon", Parts{Number: "12", Street: "Grande Rue", Zip: "25000", City: "Besançon"}},
		{"97 rue de Paris 97400 Saint-Denis", Parts{Number: "97", Street: "rue de Paris", Zip: "97400", City: "Saint-Denis"}},
		{"1 cours Napoléon 20000 Ajaccio", Parts{Number: "1", Street: "cours Napoléon", Zip: "20000", City: "Ajaccio"}},
		{"  ", Parts{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := SplitAddress(tt.in)
			if got.Number != tt.want.Number || got.Street != tt.want.Street || got.Zip != tt.want.Zip || got.City != tt.want.City || !slices.Equal(got.Stripped, tt.want.Stripped) {
				t.Errorf("SplitAddress(%q) =\n %#v\nwant\n %#v", tt.in, got, tt.want)
			}
		})
	}
}

// TestSplitAddressExample: the adresse.data.gouv.fr CSV example, joined into
// one column, splits back into its columns.
func TestSplitAddressExample(t *testing.T) {
	t.Parallel()
	rows := readSample(t, "adresse-data-gouv-exemple-search.csv", ',')
	for _, r := range rows[1:] {
		got := SplitAddress(r[1] + " " + r[2] + " " + r[3])
		n, s := SplitStreet(r[1])
		if got.Number != n || got.Street != s || got.Zip != r[2] || got.City != r[3] || n == "" {
			t.Errorf("SplitAddress(%q) = %#v", r[1]+" "+r[2]+" "+r[3], got)
		}
	}
}

func TestSplitStreet(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, number, street string }{
		{"168 bis bd de Brou", "168 bis", "bd de Brou"},
		{"2-2b rue Robert Schuman", "2-2b", "rue Robert Schuman"},
		{"12, rue X", "12", "rue X"},
		{"12,rue X", "12", "rue X"},
		{"12 rue X", "12", "rue X"},
		{"12B rue X", "12B", "rue X"},
		{"12 B rue X", "12 B", "rue X"},
		{"12 b allée des acacias", "12 b", "allée des acacias"},
		{"12 ter avenue Foch", "12 ter", "avenue Foch"},
		{"12-14 rue X", "12-14", "rue X"},
		{"12/14 rue X", "12/14", "rue X"},
		{"12 et 14 rue X", "12 et 14", "rue X"},
		{"1 bis Rue de la Papeterie", "1 bis", "Rue de la Papeterie"},
		{"  2 rue du stade ", "2", "rue du stade"},
		{"12 R de la Paix", "12", "R de la Paix"}, // R is RUE, not an index
		{"3 L'Abbaye", "3", "L'Abbaye"},           // elided article, not an index
		{"7 A Le Bourg", "7", "A Le Bourg"},       // a lone letter before no street type stays
		{"8 mai 1945", "", "8 mai 1945"},          // a date is a name
		{"Impasse du 8 mai 1945", "", "Impasse du 8 mai 1945"},
		{"rue de la Paix", "", "rue de la Paix"},
		{"1er étage", "", "1er étage"},
		{"01500 Ambérieu", "", "01500 Ambérieu"}, // a zip, not a number
		{"12", "12", ""},
		{"12 bis", "12 bis", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			n, s := SplitStreet(tt.in)
			if n != tt.number || s != tt.street {
				t.Errorf("SplitStreet(%q) = %q, %q; want %q, %q", tt.in, n, s, tt.number, tt.street)
			}
		})
	}
}

func TestCleanCity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, city string
		cedex    bool
	}{
		{"Lyon Cedex 03", "Lyon", true},
		{"MARSEILLE CEDEX 02", "MARSEILLE", true},
		{"LILLE CEDEX", "LILLE", true},
		{"Lille Cédex 9", "Lille", true},
		{"NANTES CEDEX3", "NANTES", true},
		{"PARIS 16", "PARIS", false},
		{"Paris 16e", "Paris", false},
		{"Paris 16ème arrondissement", "Paris", false},
		{"Marseille 1er Arrondissement", "Marseille", false},
		{"Lyon 3e", "Lyon", false},
		{"PARIS CEDEX 16", "PARIS", true},
		{"01500 Ambérieu-en-Bugey", "Ambérieu-en-Bugey", false},
		{"Strasbourg, France", "Strasbourg", false},
		{"Mont-Bonvillers", "Mont-Bonvillers", false},
		{"SAINT-DIDIER-SUR-CHALARONN", "SAINT-DIDIER-SUR-CHALARONN", false},
		{"Nancy 54", "Nancy 54", false}, // only Paris, Lyon and Marseille have arrondissements
		{"Lyon 12", "Lyon 12", false},   // Lyon has 9
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			city, cedex := CleanCity(tt.in)
			if city != tt.city || cedex != tt.cedex {
				t.Errorf("CleanCity(%q) = %q, %v; want %q, %v", tt.in, city, cedex, tt.city, tt.cedex)
			}
		})
	}
}

// TestArrondissementPLM reads the 45 arrondissements of the PLM sample.
func TestArrondissementPLM(t *testing.T) {
	t.Parallel()
	rows := readSample(t, "arrondissements-municipaux-plm.csv", ',')
	n := 0
	for _, r := range rows[1:] {
		city, arr := Arrondissement(r[1])
		if r[0] == r[2] { // the 3 parent communes
			if arr != 0 {
				t.Errorf("Arrondissement(%q) = %q, %d", r[1], city, arr)
			}
			continue
		}
		want := int(r[0][3]-'0')*10 + int(r[0][4]-'0')
		if r[0][:2] == "69" {
			want -= 80 // 69381 → 1
		}
		if arr != want || Fold(city) != map[string]string{"75": "PARIS", "69": "LYON", "13": "MARSEILLE"}[r[0][:2]] {
			t.Errorf("Arrondissement(%q) = %q, %d; want %d", r[1], city, arr, want)
		}
		n++
	}
	if n != 45 {
		t.Errorf("%d arrondissements, want 45", n)
	}
}
