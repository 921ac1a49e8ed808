package resolve

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ovhcloud-tools/eligibility/address"
	"github.com/ovhcloud-tools/eligibility/ovhapi"
	"github.com/ovhcloud-tools/eligibility/ratelimit"
	"github.com/ovhcloud-tools/eligibility/sandbox"
)

// banRow is one address of the Mont-Bonvillers BAN extract.
type banRow struct {
	line                    int
	voie, fantoir, num, rep string
	insee, zip, ld, afnor   string
	libelle, commune        string
}

func readBAN(t testing.TB, path string) []banRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var rows []banRow
	for i, rec := range recs[1:] {
		if len(rec) < 16 {
			t.Fatalf("%s:%d: %d columns", path, i+2, len(rec))
		}
		rows = append(rows, banRow{line: i + 2, voie: rec[1], fantoir: rec[2], num: rec[3], rep: rec[4],
			insee: rec[5], zip: rec[6], ld: rec[8], afnor: rec[9], libelle: rec[10], commune: rec[15]})
	}
	return rows
}

// ovhName is the street name the sandbox (like OVH) gives a BAN row.
func (b banRow) ovhName() string {
	if b.afnor != "" {
		return address.Fold(b.afnor)
	}
	if v := address.Fold(b.voie); v != "" {
		return v
	}
	return address.Fold(b.ld)
}

// ovhNumber is OVH's spelling of the row's number ("12B"), "" for a
// pseudo-number.
func (b banRow) ovhNumber() string {
	n, err := strconv.Atoi(b.num)
	if err != nil || n <= 0 || (n >= 5000 && n < 6000) || n >= 9000 {
		return ""
	}
	suffix := map[string]string{"": "", "BIS": "B", "TER": "T", "QUATER": "Q"}
	s, ok := suffix[strings.ToUpper(b.rep)]
	if !ok {
		s = strings.ToUpper(b.rep[:1])
	}
	return strconv.Itoa(n) + s
}

// messy writes a BAN row the way business files do: abbreviated street
// types, suffix spelled out or glued, number in the street cell, city in
// several spellings, sometimes only the INSEE code.
func (b banRow) messy(i int) Input {
	street := strings.TrimSpace(b.voie)
	abbrev := []struct{ long, short string }{
		{"rue ", "r. "}, {"avenue ", "av "}, {"chemin ", "chem "}, {"allée ", "all. "},
		{"impasse ", "imp "}, {"place ", "pl. "}, {"cité ", "cite "},
	}
	if i%2 == 0 {
		for _, a := range abbrev {
			if strings.HasPrefix(street, a.long) {
				street = a.short + street[len(a.long):]
				break
			}
		}
	}
	if i%5 == 0 {
		street = strings.ToUpper(street)
	}
	in := Input{Zip: b.zip, Street: street}
	switch i % 4 {
	case 0:
		in.City = b.commune // Mont-Bonvillers
	case 1:
		in.City = b.libelle // MONT BONVILLERS
	case 2:
		in.City, in.Insee = "mont bonvillers", b.insee
	case 3:
		in.Zip, in.Insee = "", b.insee
	}
	rep := strings.ToLower(b.rep)
	switch i % 3 {
	case 0: // "12 bis" in one cell
		in.Number = strings.TrimSpace(b.num + " " + rep)
	case 1: // rep in its own column
		in.Number, in.Suffix = b.num, b.rep
	case 2: // "12B" glued, or the number in the street cell
		if i%2 == 0 {
			in.Street = strings.TrimSpace(b.num+" "+rep) + " " + street
		} else {
			in.Number = b.num + strings.ToUpper(b.rep)
		}
	}
	return in
}

func newSandboxResolver(t *testing.T, world *sandbox.World, opts Options) (*Resolver, *sandbox.Server) {
	t.Helper()
	srv := sandbox.New(sandbox.Config{World: world})
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	client, err := ovhapi.New(hs.URL+"/1.0", ovhapi.WithLimiter(ratelimit.New(0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	return New(ovhapi.Service{Caller: client}, opts), srv
}

// TestSandboxMontBonvillers feeds the BAN extract of Mont-Bonvillers, written
// the messy way, through the sandbox; decoy streets with near names are
// loaded in the same commune.
func TestSandboxMontBonvillers(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	decoys := filepath.Join("testdata", "ban-decoys-54084.csv")
	world, err := sandbox.LoadWorld(decoys)
	if err != nil {
		t.Fatal(err)
	}
	res, _ := newSandboxResolver(t, world, Options{})
	codes := map[string]string{} // OVH name → street code
	for _, s := range world.Streets("54084") {
		codes[s.StreetName] = s.StreetCode
	}
	rows := append(readBAN(t, filepath.Join("..", "samples", "ban-legacy-54084-mont-bonvillers.csv")), readBAN(t, decoys)...)
	var numbered, correct, wrong, pseudo, pseudoOK int
	var failures []string
	ctx := context.Background()
	for i, b := range rows {
		wantCode := codes[b.ovhName()]
		if wantCode == "" {
			t.Fatalf("line %d: street %q not in the sandbox world", b.line, b.ovhName())
		}
		in := b.messy(i)
		out := res.Resolve(ctx, in)
		wantNum := b.ovhNumber()
		desc := fmt.Sprintf("line %d %+v → %s/%s %s %s/%s: %s", b.line, in, out.Status, out.Match,
			out.Street, out.StreetCode, out.Number, out.Reason)
		if wantNum == "" {
			pseudo++
			if out.Status == StatusNotFound && out.Match == MatchStreet && out.StreetCode == wantCode {
				pseudoOK++
			} else {
				failures = append(failures, "pseudo "+desc)
			}
			if out.StreetCode != "" && out.StreetCode != wantCode {
				wrong++
				t.Errorf("WRONG street: %s (want %s)", desc, wantCode)
			}
			continue
		}
		if !contains(world.Numbers(wantCode), wantNum) {
			t.Fatalf("line %d: test helper expects number %s, sandbox has %v", b.line, wantNum, world.Numbers(wantCode))
		}
		numbered++
		// A BAN row whose nom_voie is itself another OVH street (line 214:
		// "la gde grange" filed under RUE DES FRONTS) may land there.
		otherName := codes[address.Fold(b.voie)]
		switch {
		case out.StreetCode != "" && out.StreetCode == otherName && out.Match != MatchAddress:
			failures = append(failures, "name/FANTOIR conflict "+desc)
		case out.StreetCode != "" && out.StreetCode != wantCode,
			out.Number != "" && out.Number != wantNum:
			wrong++
			t.Errorf("WRONG match: %s (want %s/%s)", desc, wantCode, wantNum)
		case out.StreetCode == wantCode && out.Number == wantNum &&
			(out.Status == StatusEligible || out.Status == StatusNotEligible) && out.Match == MatchAddress:
			correct++
		default:
			failures = append(failures, desc)
		}
	}
	rate := float64(correct) / float64(numbered)
	t.Logf("Mont-Bonvillers: %d rows, %d numbered: %d right (%.1f %%), %d wrong, %d unresolved; %d pseudo-numbers, %d street-level",
		len(rows), numbered, correct, 100*rate, wrong, numbered-correct-wrong, pseudo, pseudoOK)
	for _, f := range failures {
		t.Logf("unresolved: %s", f)
	}
	if rate < 0.99 {
		t.Errorf("only %.1f %% of numbered addresses resolved right, want ≥ 99 %%", 100*rate)
	}
	if wrong != 0 {
		t.Errorf("%d wrong matches, want 0", wrong)
	}
	if pseudo == 0 || pseudoOK < pseudo*99/100 {
		t.Errorf("pseudo-numbers: %d of %d at street level", pseudoOK, pseudo)
	}
}

// TestSandboxCities runs the city choice end to end: the sandbox's cities
// come from La Poste and its streets are generated per commune.
func TestSandboxCities(t *testing.T) {
	res, srv := newSandboxResolver(t, nil, Options{})
	world := srv.World()
	cases := []struct {
		name, zip, city, insee, want string
	}{
		{"91400 ORSIGNY", "91400", "Orsigny", "", "91471"},
		{"91400 Saclay", "91400", "SACLAY", "", "91534"},
		{"1400 lost zero", "1400", "Chatillon sur Chalaronne", "", "01093"},
		{"75016 Paris", "75016", "Paris", "", "75116"},
		{"75116 Paris", "75116", "PARIS", "", "75116"},
		{"75016 INSEE 75056", "75016", "", "75056", "75116"},
		{"13001 Marseille", "13001", "Marseille", "", "13201"},
		{"69001 Lyon", "69001", "Lyon", "", "69381"},
		{"20000 Ajaccio", "20000", "Ajaccio", "", "2A004"},
		{"20000 INSEE 2A004", "20000", "", "2A004", "2A004"},
		{"97400 Saint-Denis", "97400", "Saint-Denis", "", "97411"},
		{"CEDEX 91893", "91893", "ORSAY CEDEX", "", "91471"},
		{"CEDEX 13226 with INSEE", "13226", "MARSEILLE CEDEX 02", "13202", "13202"},
		{"Bellegarde (Ligne_5)", "01200", "Bellegarde-sur-Valserine", "", "01033"},
		{"truncated St-Didier", "01140", "SAINT-DIDIER-SUR-CHALARONN", "", "01348"},
		{"INSEE only", "", "", "54084", "54084"},
	}
	ctx := context.Background()
	for i, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			streets := world.Streets(tt.want)
			if len(streets) == 0 {
				t.Fatalf("sandbox has no street in %s", tt.want)
			}
			st := streets[i%len(streets)]
			nums := world.Numbers(st.StreetCode)
			if len(nums) == 0 {
				t.Skipf("%s has no number", st.StreetName)
			}
			in := Input{Zip: tt.zip, City: tt.city, Insee: tt.insee, Street: strings.ToLower(st.StreetName), Number: nums[len(nums)/2]}
			out := res.Resolve(ctx, in)
			if out.Insee != tt.want || out.StreetCode != st.StreetCode || out.Number != in.Number ||
				(out.Status != StatusEligible && out.Status != StatusNotEligible) {
				t.Fatalf("%+v → %s %s %s/%s (%s); want %s %s/%s\n%s", in, out.Status, out.Insee, out.StreetCode, out.Number,
					out.Reason, tt.want, st.StreetCode, in.Number, stepsText(out))
			}
			if len(out.Offers) == 0 || len(out.Steps) < 4 {
				t.Fatalf("offers %d steps %d", len(out.Offers), len(out.Steps))
			}
		})
	}
	// Ambiguous and invalid rows never reach a test.
	before := srv.Stats().Requests
	for _, in := range []Input{
		{Zip: "91400", Street: "avenue de la gare", Number: "1"},
		{Zip: "140", City: "X", Street: "rue x", Number: "1"},
	} {
		out := res.Resolve(ctx, in)
		if out.Status != StatusAmbiguous && out.Status != StatusInvalid {
			t.Errorf("%+v → %s %s", in, out.Status, out.Reason)
		}
	}
	after := srv.Stats().Requests
	if after[ovhapi.RouteCities] == 0 {
		t.Fatalf("sandbox stats keys are not routes: %v", after)
	}
	for _, r := range []string{ovhapi.RouteTestAddress, ovhapi.RouteTestBuilding} {
		if after[r] != before[r] {
			t.Errorf("%s called for an ambiguous/invalid row", r)
		}
	}
}
