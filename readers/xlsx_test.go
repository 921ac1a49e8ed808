package readers

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// buildWorkbook writes the kind of workbook Excel users send: an empty first
// sheet, numbers where codes were typed, an Excel float artifact, a date.
func buildWorkbook(t *testing.T) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	// Sheet1 stays empty (the default first sheet).
	if _, err := f.NewSheet("Prospects"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("Notes"); err != nil {
		t.Fatal(err)
	}
	set := func(sheet, cell string, v any) {
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	for i, h := range []string{"CODE POSTAL", "COMMUNE", "NUMERO", "VOIE", "DATE", "CODE TEXTE", "GRAND"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		set("Prospects", cell, h)
	}
	set("Prospects", "A2", 1400) // 01400 typed, Excel made it a number
	set("Prospects", "B2", "Châtillon-sur-Chalaronne")
	set("Prospects", "C2", 163.0)
	set("Prospects", "D2", "rue de la Gare")
	set("Prospects", "E2", time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC))
	set("Prospects", "F2", "01400") // text cell: kept as typed
	set("Prospects", "G2", 12345678901.0)
	// Show 163 the way the BAL sample has it: 163,0000000000.
	style, err := f.NewStyle(&excelize.Style{NumFmt: 2, CustomNumFmt: ptr("0.0000000000")})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStyle("Prospects", "C2", "C2", style); err != nil {
		t.Fatal(err)
	}
	// Row 3 is empty; row 4 is short (ragged).
	set("Prospects", "A4", 75001)
	set("Prospects", "B4", "Paris")
	set("Notes", "A1", "not this one")
	p := filepath.Join(t.TempDir(), "prospects.xlsx")
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	return p
}

func ptr[T any](v T) *T { return &v }

func TestXLSX(t *testing.T) {
	p := buildWorkbook(t)
	r, err := Open(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	d := r.Dialect()
	if d.Format != "xlsx" || d.Sheet != "Prospects" || !strings.Contains(d.Evidence, "first non-empty sheet") {
		t.Errorf("dialect = %+v", d)
	}
	want := []string{"CODE POSTAL", "COMMUNE", "NUMERO", "VOIE", "DATE", "CODE TEXTE", "GRAND"}
	if !reflect.DeepEqual(r.Header(), want) {
		t.Errorf("header = %q", r.Header())
	}
	rows := readAll(t, r)
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2: %+v", len(rows), rows)
	}
	c := rows[0].Cells
	if c[0] != "1400" || c[2] != "163" || c[5] != "01400" || c[6] != "12345678901" {
		t.Errorf("numbers not turned back into text: %q", c)
	}
	if !strings.Contains(c[4], "15") || !strings.ContainsAny(c[4], "-/") {
		t.Errorf("date cell = %q, want a readable date", c[4])
	}
	if rows[0].Line != 2 || rows[1].Line != 4 || rows[1].Index != 1 {
		t.Errorf("lines = %d, %d; want 2, 4 (empty row 3 skipped)", rows[0].Line, rows[1].Line)
	}
	if len(rows[1].Cells) != len(want) || rows[1].Cells[1] != "Paris" {
		t.Errorf("ragged row not padded: %q", rows[1].Cells)
	}
	m := Propose(r.Header(), [][]string{rows[0].Cells, rows[1].Cells})
	if m.Columns[RoleZip] != 0 || !strings.Contains(m.Evidence[RoleZip], "left-padded") {
		t.Errorf("zip mapping = %v %q", m.Columns, m.Evidence[RoleZip])
	}

	t.Run("sheet by name and index", func(t *testing.T) {
		for _, s := range []string{"notes", "3"} {
			r, err := Open(p, Options{Sheet: s})
			if err != nil {
				t.Fatal(err)
			}
			if h := r.Header(); len(h) != 1 || h[0] != "not this one" || r.Dialect().Sheet != "Notes" {
				t.Errorf("--sheet %s: header %q, sheet %q", s, h, r.Dialect().Sheet)
			}
			r.Close()
		}
		_, err := Open(p, Options{Sheet: "Nope"})
		var oe *OptionError
		if !errors.As(err, &oe) || !strings.Contains(err.Error(), "Prospects") {
			t.Errorf("unknown sheet: %v, want an *OptionError listing the sheets", err)
		}
	})

	t.Run("no header", func(t *testing.T) {
		r, err := Open(p, Options{NoHeader: true})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if len(r.Header()) != 7 || r.Header()[0] != "col1" {
			t.Errorf("header = %q", r.Header())
		}
		rows := readAll(t, r)
		if len(rows) != 3 || rows[0].Cells[0] != "CODE POSTAL" || rows[0].Line != 1 || rows[1].Index != 1 {
			t.Errorf("rows = %+v", rows)
		}
	})

	t.Run("stdin", func(t *testing.T) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Open("-", Options{Stdin: bytes.NewReader(data)})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if r.Dialect().Format != "xlsx" || len(readAll(t, r)) != 2 {
			t.Errorf("xlsx on stdin not read")
		}
	})

	t.Run("zip bomb refused", func(t *testing.T) {
		_, err := Open(p, Options{MaxUnzipSize: 2048})
		var le *LimitError
		if !errors.As(err, &le) || !strings.Contains(err.Error(), "zip bomb") {
			t.Errorf("err = %v, want a *LimitError", err)
		}
	})

	t.Run("count", func(t *testing.T) {
		n, err := CountRows(p, Options{})
		if err != nil || n != 2 {
			t.Errorf("CountRows = %d, %v", n, err)
		}
	})
}

func TestXLSXCorrupt(t *testing.T) {
	p := filepath.Join(t.TempDir(), "bad.xlsx")
	if err := os.WriteFile(p, []byte("PK\x03\x04 this is not a zip"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(p, Options{}); err == nil || !strings.Contains(err.Error(), "bad.xlsx") {
		t.Errorf("err = %v, want an error naming the file", err)
	}
}

func TestExcelText(t *testing.T) {
	for in, want := range map[string]string{
		"163.0000000000": "163", "1400": "1400", "01400": "01400", "1.4E+03": "1400",
		"1.23456789012E+10": "12345678901.2", "48.55045": "48.55045", "2024-03-15": "2024-03-15",
		"03-15-24": "03-15-24", "12 bis": "12 bis", "163,0000000000": "163,0000000000", "": "",
	} {
		if got := excelText(in); got != want {
			t.Errorf("excelText(%q) = %q, want %q", in, got, want)
		}
	}
}
