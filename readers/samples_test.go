package readers

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func sample(name string) string { return filepath.Join("..", "samples", name) }

func openSample(t *testing.T, name string) (Reader, []Row) {
	t.Helper()
	r, err := Open(sample(name), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r, readAll(t, r)
}

func sampleOf(rows []Row, n int) [][]string {
	var s [][]string
	for i := 0; i < len(rows) && i < n; i++ {
		s = append(s, rows[i].Cells)
	}
	return s
}

func TestSamples(t *testing.T) {
	tests := []struct {
		file   string
		enc    string
		delim  rune
		le     string
		rows   int
		roles  map[Role]string // role → header of the column chosen
		usable bool
	}{
		{"adresse-data-gouv-exemple-search.csv", "utf-8", ',', "\n", 4,
			map[Role]string{RoleZip: "postcode", RoleCity: "city", RoleStreet: "adresse"}, true},
		{"arrondissements-municipaux-plm.csv", "utf-8", ',', "\r\n", 48,
			map[Role]string{RoleInsee: "code_insee_commune", RoleZip: "codes_postaux"}, false},
		{"bal-sample-strasbourg-messy.cp1252.csv", "windows-1252", ';', "\n", 15,
			map[Role]string{RoleStreet: "voie_nom", RoleNumber: "numero", RoleSuffix: "suffixe", RoleCity: "commune_nom"}, true},
		{"bal-sample-strasbourg-messy.utf8-bom.csv", "utf-8-bom", ';', "\n", 15,
			map[Role]string{RoleStreet: "voie_nom", RoleNumber: "numero", RoleSuffix: "suffixe", RoleCity: "commune_nom"}, true},
		{"ban-legacy-54084-mont-bonvillers.csv", "utf-8", ';', "\n", 501,
			map[Role]string{RoleStreet: "nom_voie", RoleNumber: "numero", RoleSuffix: "rep", RoleInsee: "code_insee",
				RoleZip: "code_post", RoleCity: "nom_commune"}, true},
		{"communes-departement-region-head-lost-zeros.csv", "utf-8", ',', "\n", 527,
			map[Role]string{RoleInsee: "code_commune_INSEE", RoleZip: "code_postal", RoleCity: "nom_commune_complet"}, false},
		{"laposte-hexasmal-codes-postaux.utf8.csv", "utf-8", ';', "\n", 39192,
			map[Role]string{RoleInsee: "Code_commune_INSEE", RoleZip: "Code_postal", RoleCity: "Nom_de_la_commune"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r, rows := openSample(t, tt.file)
			d := r.Dialect()
			if d.Encoding != tt.enc || d.Delimiter != tt.delim || d.LineEnding != tt.le || !d.Header {
				t.Errorf("dialect = %+v", d)
			}
			if len(rows) != tt.rows {
				t.Errorf("%d rows, want %d", len(rows), tt.rows)
			}
			for _, row := range rows {
				if row.Err != nil {
					t.Errorf("row %d: %v", row.Index, row.Err)
				}
				if len(row.Cells) != len(r.Header()) {
					t.Errorf("row %d has %d cells, header %d", row.Index, len(row.Cells), len(r.Header()))
				}
			}
			n, err := CountRows(sample(tt.file), Options{})
			if err != nil || n != tt.rows {
				t.Errorf("CountRows = %d, %v", n, err)
			}
			m := Propose(r.Header(), sampleOf(rows, 200))
			got := map[Role]string{}
			for role, c := range m.Columns {
				got[role] = r.Header()[c]
				if m.Evidence[role] == "" {
					t.Errorf("%s: no evidence", role)
				}
			}
			if !reflect.DeepEqual(got, tt.roles) {
				t.Errorf("mapping = %v, want %v", got, tt.roles)
			}
			if err := m.Usable(); (err == nil) != tt.usable {
				t.Errorf("Usable() = %v, want usable %v", err, tt.usable)
			}
		})
	}
}

// The Windows-1252 and UTF-8-BOM BAL samples hold the same text.
func TestSamplesSameContentAnyEncoding(t *testing.T) {
	r1, rows1 := openSample(t, "bal-sample-strasbourg-messy.cp1252.csv")
	r2, rows2 := openSample(t, "bal-sample-strasbourg-messy.utf8-bom.csv")
	if !reflect.DeepEqual(r1.Header(), r2.Header()) {
		t.Errorf("headers differ: %q vs %q", r1.Header(), r2.Header())
	}
	if len(rows1) != len(rows2) || len(rows1) == 0 {
		t.Fatalf("%d vs %d rows", len(rows1), len(rows2))
	}
	for i := range rows1 {
		if !reflect.DeepEqual(rows1[i].Cells, rows2[i].Cells) || rows1[i].Line != rows2[i].Line {
			t.Errorf("row %d: %q (line %d) vs %q (line %d)", i, rows1[i].Cells, rows1[i].Line, rows2[i].Cells, rows2[i].Line)
		}
	}
	// Raw keeps each file's own bytes: é is one byte in one, two in the other.
	if string(rows1[0].Raw) == string(rows2[0].Raw) || !strings.Contains(string(rows1[0].Raw), "Entr\xe9e") ||
		!strings.Contains(string(rows2[0].Raw), "Entrée") {
		t.Errorf("Raw not kept per encoding: %q / %q", rows1[0].Raw, rows2[0].Raw)
	}
	if got := rows1[14].Cells[3]; got != "163,0000000000" {
		t.Errorf("numero of the last row = %q, want the raw Excel artifact kept", got)
	}
}

func TestSampleLostZeros(t *testing.T) {
	r, rows := openSample(t, "communes-departement-region-head-lost-zeros.csv")
	if rows[0].Cells[0] != "1001" || rows[0].Cells[2] != "1400" {
		t.Fatalf("cells are not kept as read: %q", rows[0].Cells[:3])
	}
	m := Propose(r.Header(), sampleOf(rows, 200))
	for _, role := range []Role{RoleZip, RoleInsee} {
		if !strings.Contains(m.Evidence[role], "4-digit codes: 200 of 200 sampled cells lost their leading zero") {
			t.Errorf("%s evidence = %q, want the 4-digit repair note", role, m.Evidence[role])
		}
	}
	if len(m.Warnings) != 2 {
		t.Errorf("warnings = %q, want one per code column", m.Warnings)
	}
}
