package address

import "testing"

func TestFold(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Rue de l’Église", "RUE DE L EGLISE"},
		{"rue de l'église", "RUE DE L EGLISE"},
		{"Vandœuvre-lès-Nancy", "VANDOEUVRE LES NANCY"},
		{"VANDŒUVRE", "VANDOEUVRE"},
		{"Lætitia", "LAETITIA"},
		{"Ambérieu-en-Bugey", "AMBERIEU EN BUGEY"},
		{"L'Abergement-Clémenciat", "L ABERGEMENT CLEMENCIAT"},
		{"  2 rue du stade ", "2 RUE DU STADE"},
		{"rue  Jeanne\td'Arc", "RUE JEANNE D ARC"},
		{"St.-Étienne", "ST ETIENNE"},
		{"B.P. 70557", "B P 70557"},
		{"2-2b", "2 2B"},
		{"12/14", "12 14"},
		{"Façade Ça", "FACADE CA"},
		{"Noël Saint-Brieuc", "NOEL SAINT BRIEUC"},
		{"Paris 16ᵉ", "PARIS 16E"},
		{"Straße", "STRASSE"},
		{"Øresund", "ORESUND"},
		{"ÎLE D’YEU", "ILE D YEU"},
		{"cité nouvelles", "CITE NOUVELLES"},
		{"allée des acacias", "ALLEE DES ACACIAS"},
		{"rue maréchal joffre", "RUE MARECHAL JOFFRE"},
		{"«Le Bourg»", "LE BOURG"},
		{"ＡＢＣ１", "ABC1"},
		{"", ""},
		{" - ' . ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestFoldLaPoste: La Poste names are already folded; Fold must leave them be.
func TestFoldLaPoste(t *testing.T) {
	t.Parallel()
	for _, r := range readSample(t, "laposte-hexasmal-codes-postaux.utf8.csv", ';')[1:] {
		for _, s := range []string{r[1], r[3], r[4]} {
			if got := Fold(s); got != s {
				t.Fatalf("Fold(%q) = %q", s, got)
			}
		}
	}
}
