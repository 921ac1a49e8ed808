package resolve

import (
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/ovhcloud-tools/eligibility/laposte"
)

// cityCase is a row whose street and number always exist in the fake, so the
// case is about the city choice alone.
type cityCase struct {
	name         string
	zip, city    string
	insee        string
	plmCommune   bool
	wantStatus   Status
	wantInsee    string
	wantInReason string
}

func runCityCases(t *testing.T, cases []cityCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.plmCommune = tt.plmCommune
			out := f.resolve(t, Options{}, Input{Zip: tt.zip, City: tt.city, Insee: tt.insee, Street: "rue de la mairie", Number: "1"})
			if out.Status != tt.wantStatus || out.Insee != tt.wantInsee {
				t.Fatalf("got %s insee=%q (%s); want %s insee=%q\nsteps: %v", out.Status, out.Insee, out.Reason,
					tt.wantStatus, tt.wantInsee, out.Steps)
			}
			if tt.wantInReason != "" && !strings.Contains(out.Reason, tt.wantInReason) {
				t.Fatalf("reason %q does not contain %q", out.Reason, tt.wantInReason)
			}
			if out.Reason == "" {
				t.Fatal("empty reason")
			}
			if out.Status == StatusAmbiguous && len(out.Candidates) == 0 {
				t.Fatal("ambiguous without candidates")
			}
		})
	}
}

func TestCityChoice(t *testing.T) {
	ok := StatusEligible
	runCityCases(t, []cityCase{
		// One zip, several localities.
		{name: "91400 ORSIGNY locality", zip: "91400", city: "ORSIGNY", wantStatus: ok, wantInsee: "91471"},
		{name: "91400 Orsay", zip: "91400", city: "Orsay", wantStatus: ok, wantInsee: "91471"},
		{name: "91400 Saclay", zip: "91400", city: "saclay", wantStatus: ok, wantInsee: "91534"},
		{name: "91400 Gometz-la-Ville", zip: "91400", city: "Gometz-la-Ville", wantStatus: ok, wantInsee: "91274"},
		{name: "91400 Le Val d'Albian", zip: "91400", city: "Le Val d'Albian", wantStatus: ok, wantInsee: "91534"},
		{name: "91400 no city", zip: "91400", wantStatus: StatusAmbiguous, wantInReason: "no city"},
		{name: "91400 INSEE given", zip: "91400", insee: "91534", wantStatus: ok, wantInsee: "91534"},
		{name: "91400 INSEE beats city", zip: "91400", city: "ORSAY", insee: "91534", wantStatus: ok, wantInsee: "91534"},
		{name: "91400 wrong INSEE, city decides", zip: "91400", city: "ORSAY", insee: "54084", wantStatus: ok, wantInsee: "91471"},
		// Lost leading zero.
		{name: "1400 Chatillon", zip: "1400", city: "Châtillon-sur-Chalaronne", wantStatus: ok, wantInsee: "01093"},
		{name: "1400.0 Romans", zip: "1400.0", city: "ROMANS", wantStatus: ok, wantInsee: "01328"},
		{name: "01400 L'Abergement", zip: "01400", city: "L'Abergement-Clémenciat", wantStatus: ok, wantInsee: "01001"},
		{name: "1400 no city", zip: "1400", wantStatus: StatusAmbiguous},
		{name: "01400 zip as INSEE", zip: "01400", insee: "01400", city: "SANDRANS", wantStatus: ok, wantInsee: "01393"},
		// Paris, Lyon, Marseille.
		{name: "75016 Paris", zip: "75016", city: "PARIS", wantStatus: ok, wantInsee: "75116"},
		{name: "75116 Paris", zip: "75116", city: "Paris", wantStatus: ok, wantInsee: "75116"},
		{name: "75016 INSEE 75056", zip: "75016", insee: "75056", wantStatus: ok, wantInsee: "75116"},
		{name: "75016 INSEE 75116", zip: "75016", insee: "75116", wantStatus: ok, wantInsee: "75116"},
		{name: "75016 Paris 16e", zip: "75016", city: "Paris 16e Arrondissement", wantStatus: ok, wantInsee: "75116"},
		{name: "OVH 75056, row 75116", zip: "75016", insee: "75116", plmCommune: true, wantStatus: ok, wantInsee: "75056"},
		{name: "OVH 75056, row PARIS", zip: "75016", city: "PARIS", plmCommune: true, wantStatus: ok, wantInsee: "75056"},
		{name: "13001 Marseille", zip: "13001", city: "MARSEILLE", wantStatus: ok, wantInsee: "13201"},
		{name: "13001 INSEE 13055", zip: "13001", insee: "13055", wantStatus: ok, wantInsee: "13201"},
		{name: "13008 Marseille 8e", zip: "13008", city: "Marseille", wantStatus: ok, wantInsee: "13208"},
		{name: "69001 Lyon", zip: "69001", city: "LYON", wantStatus: ok, wantInsee: "69381"},
		{name: "69009 Lyon", zip: "69009", city: "Lyon", wantStatus: ok, wantInsee: "69389"},
		{name: "INSEE 75116 only", insee: "75116", wantStatus: ok, wantInsee: "75116"},
		{name: "INSEE 75056 only", insee: "75056", wantStatus: StatusAmbiguous, wantInReason: "arrondissements"},
		// Corsica and overseas.
		{name: "20000 Ajaccio", zip: "20000", city: "AJACCIO", wantStatus: ok, wantInsee: "2A004"},
		{name: "20000 INSEE 2A004", zip: "20000", insee: "2A004", wantStatus: ok, wantInsee: "2A004"},
		{name: "20000 INSEE 2a004", zip: "20000", insee: "2a004", wantStatus: ok, wantInsee: "2A004"},
		{name: "20000 old INSEE 20004", zip: "20000", insee: "20004", wantStatus: ok, wantInsee: "2A004"},
		{name: "20200 Bastia", zip: "20200", city: "Bastia", wantStatus: ok, wantInsee: "2B033"},
		{name: "97400 Saint-Denis", zip: "97400", city: "Saint-Denis", wantStatus: ok, wantInsee: "97411"},
		{name: "97400 ST DENIS", zip: "97400", city: "ST DENIS", wantStatus: ok, wantInsee: "97411"},
		{name: "97133 St-Barthelemy", zip: "97133", city: "Saint-Barthélemy", wantStatus: ok, wantInsee: "97701"},
		// CEDEX and unknown zips: the commune by name in the département.
		{name: "91893 ORSAY CEDEX", zip: "91893", city: "ORSAY CEDEX", wantStatus: ok, wantInsee: "91471"},
		{name: "59003 LILLE", zip: "59003", city: "LILLE", wantStatus: ok, wantInsee: "59350"},
		{name: "33076 BORDEAUX CEDEX", zip: "33076", city: "Bordeaux Cedex", wantStatus: ok, wantInsee: "33063"},
		{name: "31035 TOULOUSE CEDEX 1", zip: "31035", city: "TOULOUSE CEDEX 1", wantStatus: ok, wantInsee: "31555"},
		{name: "20090 AJACCIO CEDEX 9", zip: "20189", city: "AJACCIO CEDEX 9", wantStatus: ok, wantInsee: "2A004"},
		{name: "97405 ST DENIS CEDEX", zip: "97405", city: "SAINT DENIS CEDEX", wantStatus: ok, wantInsee: "97411"},
		{name: "CEDEX zip with INSEE", zip: "54013", insee: "54084", wantStatus: ok, wantInsee: "54084"},
		{name: "CEDEX zip, no city", zip: "91893", wantStatus: StatusNotFound, wantInReason: "no city"},
		{name: "unknown zip 99999", zip: "99999", wantStatus: StatusNotFound},
		// Merged communes (Ligne_5) and truncated names.
		{name: "Bellegarde-sur-Valserine", zip: "01200", city: "BELLEGARDE SUR VALSERINE", wantStatus: ok, wantInsee: "01033"},
		{name: "Bellegarde lowercase", zip: "1200", city: "Bellegarde-sur-Valserine", wantStatus: ok, wantInsee: "01033"},
		{name: "Chatillon-en-Michaille", zip: "01200", city: "Châtillon-en-Michaille", wantStatus: ok, wantInsee: "01033"},
		{name: "truncated St-Didier", zip: "01140", city: "SAINT-DIDIER-SUR-CHALARONN", wantStatus: ok, wantInsee: "01348"},
		{name: "truncated St-Etienne", zip: "01140", city: "SAINT-ETIENNE-SUR-CHALARON", wantStatus: ok, wantInsee: "01351"},
		// Zip typo: the city is elsewhere in the département.
		{name: "91400 PALAISEAU", zip: "91400", city: "PALAISEAU", wantStatus: ok, wantInsee: "91477"},
		{name: "91400 LYON", zip: "91400", city: "LYON", wantStatus: StatusNotFound, wantInReason: "not in zip 91400"},
		// INSEE only, city only.
		{name: "INSEE 54084", insee: "54084", wantStatus: ok, wantInsee: "54084"},
		{name: "INSEE 1033 lost zero", insee: "1033", wantStatus: ok, wantInsee: "01033"},
		{name: "INSEE unknown", insee: "99998", wantStatus: StatusNotFound},
		{name: "city only Mont-Bonvillers", city: "Mont-Bonvillers", wantStatus: ok, wantInsee: "54084"},
		{name: "city only homonyms", city: "Saint-Denis", wantStatus: StatusAmbiguous},
		{name: "city only unknown", city: "Atlantis", wantStatus: StatusNotFound},
		// Invalid rows.
		{name: "3-digit zip", zip: "140", city: "ROMANS", wantStatus: StatusInvalid, wantInReason: "bad zip"},
		{name: "letters zip", zip: "ABCDE", wantStatus: StatusInvalid},
		{name: "zip 00100", zip: "00100", city: "X", wantStatus: StatusInvalid},
		{name: "no place at all", wantStatus: StatusInvalid},
	})
}

// TestCityChoiceLaPoste resolves a deterministic sample of real communes,
// written the way files write them.
func TestCityChoiceLaPoste(t *testing.T) {
	lp := laposte.Load()
	var cases []cityCase
	for i := 0; i < len(lp.Entries); i += 331 {
		e := lp.Entries[i]
		if e.Line5 != "" || strings.HasPrefix(e.Insee, "98") {
			continue
		}
		zip := e.Zip
		if i%2 == 0 && strings.HasPrefix(zip, "0") {
			zip = zip[1:] // lost leading zero
		}
		cases = append(cases, cityCase{
			name: fmt.Sprintf("%s %s", e.Zip, e.Name), zip: zip, city: messyCity(e.Name, i),
			wantStatus: StatusEligible, wantInsee: e.Insee,
		})
	}
	// Old communes and lieux-dits of Ligne_5.
	n := 0
	for i := 7; i < len(lp.Entries) && n < 25; i += 97 {
		e := lp.Entries[i]
		if e.Line5 == "" || homonymInZip(lp, e) {
			continue
		}
		n++
		cases = append(cases, cityCase{
			name: fmt.Sprintf("%s %s (Ligne_5 of %s)", e.Zip, e.Line5, e.Name), zip: e.Zip, city: messyCity(e.Line5, i),
			wantStatus: StatusEligible, wantInsee: e.Insee,
		})
	}
	if len(cases) < 100 {
		t.Fatalf("only %d generated cases", len(cases))
	}
	runCityCases(t, cases)
}

// homonymInZip reports whether another commune of e's zip has a name or
// Ligne_5 equal to e's Ligne_5 (the row could not tell them apart).
func homonymInZip(lp *laposte.Table, e laposte.Entry) bool {
	for _, o := range lp.ByZip(e.Zip) {
		if o.Insee != e.Insee && (o.Name == e.Line5 || o.Line5 == e.Line5 || strings.HasPrefix(o.Name, e.Line5+" ")) {
			return true
		}
	}
	return false
}

// messyCity writes a La Poste name the way spreadsheets do: mixed case,
// hyphens, SAINT spelled out, apostrophes.
func messyCity(name string, i int) string {
	words := strings.Fields(name)
	for j, w := range words {
		switch {
		case w == "ST" && i%3 == 0:
			w = "SAINT"
		case w == "STE" && i%3 == 0:
			w = "SAINTE"
		}
		if i%2 == 1 {
			w = strings.ToLower(w)
			r := []rune(w)
			r[0] = unicode.ToUpper(r[0])
			w = string(r)
		}
		words[j] = w
	}
	sep := " "
	if i%4 == 1 {
		sep = "-"
	}
	var b strings.Builder
	for j, w := range words {
		b.WriteString(w)
		if j < len(words)-1 {
			if u := strings.ToUpper(w); u == "L" || u == "D" {
				b.WriteString("'") // elided article: L'ABERGEMENT
			} else {
				b.WriteString(sep)
			}
		}
	}
	return b.String()
}
