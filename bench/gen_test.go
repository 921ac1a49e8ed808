package bench

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ovhcloud-tools/eligibility/address"
	"github.com/ovhcloud-tools/eligibility/engine"
	"github.com/ovhcloud-tools/eligibility/ovhapi"
	"github.com/ovhcloud-tools/eligibility/readers"
	"github.com/ovhcloud-tools/eligibility/resolve"
	"github.com/ovhcloud-tools/eligibility/sandbox"
)

func TestGenerateDeterministicAndReal(t *testing.T) {
	w := sandbox.DefaultWorld()
	cfg := Config{Rows: 600, Communes: 40, Seed: 7, Junk: 0.06}
	rows, err := Generate(w, cfg)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Generate(w, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows, again) {
		t.Fatal("same Config, different rows")
	}
	other, _ := Generate(w, Config{Rows: 600, Communes: 40, Seed: 8, Junk: 0.06})
	if slices.Equal(rows, other) {
		t.Fatal("the seed changes nothing")
	}

	st := Summarize(rows)
	if st.Rows != 600 || st.Communes < 40 {
		t.Errorf("stats %+v: want 600 rows over at least 40 communes", st)
	}
	for _, k := range []Kind{KindEmpty, KindUnknownStreet, KindBadZip} {
		// 600 × 6 % / 3 = 12 expected of each.
		if n := st.Kinds[k]; n < 3 || n > 30 {
			t.Errorf("%d %s rows, want about 12", n, k)
		}
	}
	if st.MaxPerStreet < 5 || st.MaxPerAddress < 2 {
		t.Errorf("no repetition: %+v", st)
	}
	if st.Plain > st.Kinds[KindGood]/2 {
		t.Errorf("%d of %d good rows fell back to the plain spelling", st.Plain, st.Kinds[KindGood])
	}
	human := 0
	for _, r := range rows {
		switch r.Kind {
		case KindGood:
			if !slices.Contains(w.Numbers(r.StreetCode), r.Number) {
				t.Fatalf("%+v: number not in the world", r)
			}
			if !streetIn(w.Streets(r.Insee), r.StreetCode, r.Zip) {
				t.Fatalf("%+v: street/zip not in the world", r)
			}
			if _, s := address.SplitStreet(r.Address); s != strings.ToLower(s) || strings.ContainsAny(r.Address, "éèêâÉ") {
				human++
			}
		case KindBadZip:
			if _, cs := address.RepairZip(r.Zip); cs != address.CodeInvalid {
				t.Fatalf("bad zip %q is repairable", r.Zip)
			}
		case KindEmpty:
			if r.Address != "" || r.Zip != "" || r.City != "" || r.Name == "" {
				t.Fatalf("empty row %+v", r)
			}
		case KindUnknownStreet:
			if r.Address == "" || r.Insee == "" || r.Zip == "" {
				t.Fatalf("unknown-street row %+v", r)
			}
		}
	}
	if human == 0 {
		t.Error("no street written with capitals or accents")
	}

	var buf bytes.Buffer
	if err := WriteCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "in.csv")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	rd, err := readers.Open(path, readers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	if d := rd.Dialect(); d.Delimiter != ';' || !d.Header {
		t.Errorf("dialect %+v", d)
	}
	var sample [][]string
	for range 50 {
		row, err := rd.Next()
		if err != nil {
			t.Fatal(err)
		}
		sample = append(sample, row.Cells)
	}
	m := readers.Propose(rd.Header(), sample)
	if err := m.Usable(); err != nil {
		t.Fatalf("mapping %+v: %v", m.Columns, err)
	}
	// "adresse" next to zip and city columns is read as the street with its number.
	addrCol, ok := m.Columns[readers.RoleStreet]
	if !ok {
		addrCol, ok = m.Columns[readers.RoleAddress]
	}
	if !ok || addrCol != 1 || m.Columns[readers.RoleZip] != 2 || m.Columns[readers.RoleCity] != 3 {
		t.Errorf("mapping %v: want adresse (1) as street or address, code_postal (2) zip, ville (3) city", m.Columns)
	}
}

func streetIn(streets []sandbox.Street, code, zip string) bool {
	for _, s := range streets {
		if s.StreetCode == code && (s.ZipCode == zip || s.ZipCode == "") {
			return true
		}
	}
	return false
}

func TestHumanNumberReadsBack(t *testing.T) {
	for _, n := range []string{"1", "12B", "12T", "7Q", "140"} {
		for _, form := range []string{n, strings.ToLower(n)} {
			addr := form + " rue de la gare"
			if !numberReadsBack(addr, n, "rue de la gare") {
				t.Errorf("%q does not read back as %s", addr, n)
			}
		}
	}
	for _, tc := range []struct{ addr, n string }{{"12 bis rue x", "12B"}, {"12ter rue x", "12T"}, {"3 b rue x", "3B"}} {
		if !numberReadsBack(tc.addr, tc.n, "rue x") {
			t.Errorf("%q does not read back as %s", tc.addr, tc.n)
		}
	}
	if numberReadsBack("12 rue x", "12B", "rue x") {
		t.Error("12 read back as 12B")
	}
}

// TestLowerBoundByHand checks the bound on a hand-made file against counts
// done here route by route.
func TestLowerBoundByHand(t *testing.T) {
	w := sandbox.DefaultWorld()
	const insee = "54084" // built-in BAN commune: real streets
	streets := w.Streets(insee)
	var withB []struct{ code, number string }
	for _, s := range streets {
		for _, n := range w.Numbers(s.StreetCode) {
			if len(w.Buildings(s.StreetCode, n)) > 0 {
				withB = append(withB, struct{ code, number string }{s.StreetCode, n})
				break
			}
		}
		if len(withB) == 2 {
			break
		}
	}
	if len(withB) < 2 {
		t.Fatalf("need two streets with buildings in %s, got %v", insee, withB)
	}
	zip := "54111"
	a, b := withB[0], withB[1]
	good := func(code, number string) Row {
		return Row{Kind: KindGood, Zip: zip, Insee: insee, StreetCode: code, Number: number}
	}
	rows := []Row{
		good(a.code, a.number), good(a.code, a.number), good(a.code, a.number), // one address, three times
		good(b.code, b.number),
		{Kind: KindUnknownStreet, Zip: "54112", Insee: "54085"},
		{Kind: KindBadZip, Zip: "123", StreetCode: a.code, Number: a.number},
		{Kind: KindEmpty, Name: "x"},
	}
	refs := map[string]bool{}
	for _, ad := range withB {
		for _, bd := range w.Buildings(ad.code, ad.number) {
			refs[bd.Reference] = true
		}
	}
	for _, tc := range []struct {
		name     string
		eligible EligibleFunc
		tests    int
		polls    int
	}{
		{"all fiber", func(string) (bool, error) { return true, nil }, 0, 0},
		{"no fiber", func(string) (bool, error) { return false, nil }, 2, 0},
		{"no fiber, one pending poll", func(string) (bool, error) { return false, nil }, 2, 1},
		{"fiber at the first address only", func(ref string) (bool, error) {
			for _, bd := range w.Buildings(a.code, a.number) {
				if bd.Reference == ref {
					return true, nil
				}
			}
			return false, nil
		}, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			asked := map[string]int{}
			eligible := func(ref string) (bool, error) { asked[ref]++; return tc.eligible(ref) }
			bd, err := LowerBound(rows, w, eligible, tc.polls)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]int{
				ovhapi.RouteCities: 2, ovhapi.RouteStreets: 2, ovhapi.RouteStreetNumbers: 2,
				ovhapi.RouteBuildings: 2, ovhapi.RouteTestBuilding: len(refs), ovhapi.RouteTestAddress: tc.tests,
			}
			total := int64(0)
			for _, r := range BoundRoutes {
				if bd.Keys[r] != want[r] {
					t.Errorf("%s: %d tasks, want %d", r, bd.Keys[r], want[r])
				}
				if got := bd.Requests(r); got != int64(want[r]*(1+tc.polls)) {
					t.Errorf("%s: %d requests, want %d", r, got, want[r]*(1+tc.polls))
				}
				total += int64(want[r] * (1 + tc.polls))
			}
			if bd.Total() != total {
				t.Errorf("total %d, want %d", bd.Total(), total)
			}
			for ref, n := range asked {
				if n != 1 {
					t.Errorf("building %s asked %d times", ref, n)
				}
			}
		})
	}
}

func TestSandboxEligible(t *testing.T) {
	w := sandbox.DefaultWorld()
	// A pending sandbox: SandboxEligible must poll through.
	pending := SandboxEligible(sandbox.New(sandbox.Config{World: w, PendingPolls: 2}))
	direct := EligibleFromSandbox(w)
	seen := map[bool]int{}
	for _, s := range w.Streets("54084") {
		for _, n := range w.Numbers(s.StreetCode) {
			for _, b := range w.Buildings(s.StreetCode, n) {
				x, err := pending(b.Reference)
				if err != nil {
					t.Fatal(err)
				}
				y, err := direct(b.Reference)
				if err != nil {
					t.Fatal(err)
				}
				if x != y {
					t.Fatalf("%s: pending sandbox says %v, direct %v", b.Reference, x, y)
				}
				seen[x]++
			}
		}
		if seen[true] > 0 && seen[false] > 0 {
			break
		}
	}
	if seen[true] == 0 || seen[false] == 0 {
		t.Fatalf("want eligible and non-eligible buildings, got %v", seen)
	}
	if _, err := direct("IMB/99999/X/NOPE"); err == nil {
		t.Error("unknown building: no error")
	}
}

// TestBoundAgainstEngine runs a small generated file through the real
// resolver against the sandbox: every good row must resolve (the generator
// writes addresses the resolver reads back) and no route may cost less than
// its bound (the bound is a lower bound).
func TestBoundAgainstEngine(t *testing.T) {
	w := sandbox.DefaultWorld()
	rows, err := Generate(w, Config{Rows: 240, Communes: 15, Seed: 3, Junk: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	var buf bytes.Buffer
	if err := WriteCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	const polls = 1
	e, err := engine.Open(t.Context(), engine.Options{Sandbox: true, NoCache: true, Rate: -1, Workers: 16,
		PollFirst: time.Millisecond, SandboxConfig: sandbox.Config{PendingPolls: polls}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	statuses := make([]resolve.Status, len(rows))
	reasons := make([]string, len(rows))
	_, err = e.RunFile(t.Context(), engine.FileJob{Input: in, Outputs: []string{filepath.Join(dir, "out.csv")},
		OnRow: func(r readers.Row, o resolve.Outcome) { statuses[r.Index], reasons[r.Index] = o.Status, o.Reason }})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		st := statuses[i]
		var ok bool
		switch r.Kind {
		case KindGood:
			ok = st == resolve.StatusEligible || st == resolve.StatusNotEligible
		case KindUnknownStreet:
			ok = st == resolve.StatusNotFound || st == resolve.StatusAmbiguous
		case KindBadZip, KindEmpty:
			ok = st == resolve.StatusInvalid
		}
		if !ok {
			t.Errorf("row %d %s %q %s %q: status %s (%s)", i, r.Kind, r.Address, r.Zip, r.City, st, reasons[i])
		}
	}
	bd, err := LowerBound(rows, w, EligibleFromSandbox(w), polls)
	if err != nil {
		t.Fatal(err)
	}
	got := e.SandboxServer().Stats().Requests
	for _, r := range BoundRoutes {
		if got[r] < bd.Requests(r) {
			t.Errorf("%s: %d requests, below the bound %d: the bound is wrong", r, got[r], bd.Requests(r))
		}
		t.Logf("%-50s actual %5d bound %5d", r, got[r], bd.Requests(r))
	}
}
