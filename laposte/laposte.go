// Package laposte embeds La Poste's official zip code base (019HexaSmal) and
// the Paris/Lyon/Marseille arrondissements, and answers look-ups by zip, INSEE
// code and département. Both the resolver (city choice, old names in Ligne_5,
// CEDEX fall-back) and the sandbox (its cities) use it.
package laposte

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/csv"
	"io"
	"strings"
	"sync"
)

//go:embed hexasmal.csv.gz
var hexasmalGz []byte

//go:embed plm.csv
var plmCSV []byte

// Entry is one row of the HexaSmal file. Names are La Poste's: uppercase, no
// accents, apostrophes and hyphens as spaces.
type Entry struct {
	Insee string // 5 chars, 2A/2B for Corsica
	Name  string // Nom_de_la_commune
	Zip   string // Code_postal
	Label string // Libellé_d_acheminement
	Line5 string // Ligne_5: old commune or lieu-dit, often empty
}

// Table indexes the entries.
type Table struct {
	Entries []Entry
	byZip   map[string][]int
	byInsee map[string][]int
	byDept  map[string][]int
	// arrondissement INSEE → commune INSEE (75101 → 75056) and back.
	arrToCommune map[string]string
	communeToArr map[string][]string
}

var (
	once  sync.Once
	table *Table
)

// Load parses the embedded files once and returns the shared table.
func Load() *Table {
	once.Do(func() { table = parse() })
	return table
}

func parse() *Table {
	t := &Table{
		byZip: map[string][]int{}, byInsee: map[string][]int{}, byDept: map[string][]int{},
		arrToCommune: map[string]string{}, communeToArr: map[string][]string{},
	}
	zr, err := gzip.NewReader(bytes.NewReader(hexasmalGz))
	if err != nil {
		panic("laposte: embedded table: " + err.Error()) // build defect, not input
	}
	r := csv.NewReader(zr)
	r.Comma = ';'
	r.FieldsPerRecord = -1
	first := true
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			panic("laposte: embedded table: " + err.Error())
		}
		if first {
			first = false
			continue
		}
		for len(rec) < 5 {
			rec = append(rec, "")
		}
		e := Entry{Insee: rec[0], Name: rec[1], Zip: rec[2], Label: rec[3], Line5: strings.TrimSpace(rec[4])}
		i := len(t.Entries)
		t.Entries = append(t.Entries, e)
		t.byZip[e.Zip] = append(t.byZip[e.Zip], i)
		t.byInsee[e.Insee] = append(t.byInsee[e.Insee], i)
		d := Dept(e.Insee)
		t.byDept[d] = append(t.byDept[d], i)
	}
	pr := csv.NewReader(bytes.NewReader(plmCSV))
	recs, err := pr.ReadAll()
	if err != nil {
		panic("laposte: embedded PLM table: " + err.Error())
	}
	for _, rec := range recs[1:] {
		if rec[0] != rec[2] { // arrondissement row (the 3 communes map to themselves)
			t.arrToCommune[rec[0]] = rec[2]
			t.communeToArr[rec[2]] = append(t.communeToArr[rec[2]], rec[0])
		}
	}
	return t
}

func (t *Table) pick(idx []int) []Entry {
	out := make([]Entry, len(idx))
	for i, j := range idx {
		out[i] = t.Entries[j]
	}
	return out
}

// ByZip returns the entries of a zip code (several communes and lieux-dits).
func (t *Table) ByZip(zip string) []Entry { return t.pick(t.byZip[zip]) }

// ByInsee returns the entries of an INSEE code (one per zip and Ligne_5).
// A Paris, Lyon or Marseille commune code (75056) returns its arrondissements.
func (t *Table) ByInsee(insee string) []Entry {
	if arrs, ok := t.communeToArr[insee]; ok {
		var out []Entry
		for _, a := range arrs {
			out = append(out, t.pick(t.byInsee[a])...)
		}
		return out
	}
	return t.pick(t.byInsee[insee])
}

// ByDept returns the entries of a département ("01", "2A", "974").
func (t *Table) ByDept(dept string) []Entry { return t.pick(t.byDept[dept]) }

// ZipKnown reports whether zip is in the distribution list (CEDEX zips are not).
func (t *Table) ZipKnown(zip string) bool { return len(t.byZip[zip]) > 0 }

// CommuneOf maps an arrondissement code to its commune (75116 → 75056); other
// codes come back unchanged.
func (t *Table) CommuneOf(insee string) string {
	if c, ok := t.arrToCommune[insee]; ok {
		return c
	}
	return insee
}

// Arrondissements lists the arrondissement codes of 75056, 69123 or 13055.
func (t *Table) Arrondissements(commune string) []string { return t.communeToArr[commune] }

// Dept returns the département of an INSEE code or zip: 3 digits for the
// DOM/COM (97x, 98x), "2A"/"2B" for Corsican INSEE codes, else 2.
func Dept(code string) string {
	if len(code) < 3 {
		return code
	}
	if code[:2] == "97" || code[:2] == "98" {
		return code[:3]
	}
	return code[:2]
}
