package writers

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"github.com/ovhcloud-tools/eligibility/readers"
	"github.com/ovhcloud-tools/eligibility/resolve"
)

func writeAll(t *testing.T, format string, opts Options, rows []readers.Row, outs []resolve.Outcome) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := New(&buf, format, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if err := w.Write(r, outs[i%len(outs)]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(Summary{}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestCSVGolden(t *testing.T) {
	utf8Dialect := readers.Dialect{Format: "csv", Encoding: "utf-8", Delimiter: ',', LineEnding: "\n", Header: true, Quote: true}
	header := []string{"id", "code_postal", "commune", "adresse"}
	utf8Rows := []readers.Row{
		row(0, `1,01500,Ambérieu-en-Bugey,"12 bis, rue Roger Vaillant"`, "1", "01500", "Ambérieu-en-Bugey", "12 bis, rue Roger Vaillant"),
		row(1, `2,01400,Châtillon,  rue du Verger `, "2", "01400", "Châtillon", "  rue du Verger "),
		row(2, `3,67000,Strasbourg,"Rue de l'Église ""haute"""`, "3", "67000", "Strasbourg", `Rue de l'Église "haute"`),
		row(3, `4,75001,Paris,1 rue de Rivoli`, "4", "75001", "Paris", "1 rue de Rivoli"),
	}

	// Windows-1252 ';' CRLF: the raw bytes are cp1252 and must come back as is.
	cpHeader := []string{"N°", "Code postal", "Commune", "Voie"}
	cpCells := [][]string{
		{"1", "01500", "Ambérieu-en-Bugey", "Rue de l’Église; bât. A"},
		{"2", "01400", "Châtillon-sur-Chalaronne", "Rue du Verger"},
		{"3", "67482", "Strasbourg", "Rue Œuvre Notre-Dame"},
		{"4", "75001", "Paris", "Quai d'Orléans"},
	}
	var cpRows []readers.Row
	for i, c := range cpCells {
		raw := strings.Join([]string{c[0], c[1], c[2], c[3]}, ";")
		if strings.Contains(c[3], ";") {
			raw = strings.Join([]string{c[0], c[1], c[2], `"` + c[3] + `"`}, ";")
		}
		cpRows = append(cpRows, readers.Row{Index: i, Line: i + 2, Cells: c, Raw: cp1252(t, raw)})
	}
	cpDialect := readers.Dialect{Format: "csv", Encoding: "windows-1252", Delimiter: ';', LineEnding: "\r\n", Header: true, Quote: true}

	rerunHeader := []string{"id", "zip", "elig_status", "elig_match", "city", "ELIG_offers"}
	rerunRows := []readers.Row{
		row(0, "1,01500,error,none,Ambérieu,", "1", "01500", "error", "none", "Ambérieu", ""),
		row(1, "2,01400,not_found,street,Châtillon,x|y", "2", "01400", "not_found", "street", "Châtillon", "x|y"),
	}

	malformed := []readers.Row{
		row(0, `1,01500,Ambérieu,12 rue X`, "1", "01500", "Ambérieu", "12 rue X"),
		{Index: 1, Line: 3, Raw: []byte(`2,01400,"Châtillon,rue du Verger`), Cells: []string{"2", "01400", "Châtillon,rue du Verger", ""}, Err: errors.New("line 3, column 9: extraneous or missing \" in quoted-field")},
		{Index: 2, Line: 4, Raw: []byte(`3,67000,Stras"bourg,x,extra`), Cells: []string{"3", "67000", `Stras"bourg`, "x", "extra"}, Err: errors.New("line 4: 5 fields, header has 4")},
		row(3, `4,75001,Paris,1 rue de Rivoli`, "4", "75001", "Paris", "1 rue de Rivoli"),
		// Balanced quotes: echoed raw even though malformed.
		{Index: 4, Line: 6, Raw: []byte(`5,75002,Paris,"2" rue X`), Cells: []string{"5", "75002", "Paris", `2" rue X`}, Err: errors.New(`line 6, column 17: bare " in non-quoted field`)},
	}

	quoteAll := []readers.Row{
		row(0, `"1","01500","Ambérieu","12 rue X"`, "1", "01500", "Ambérieu", "12 rue X"),
		row(1, `"2","01400","Châtillon","rue du ""Verger"""`, "2", "01400", "Châtillon", `rue du "Verger"`),
	}

	noHeader := []readers.Row{
		row(0, `1,01500,Ambérieu`, "1", "01500", "Ambérieu"),
		row(1, `2,01400,Châtillon`, "2", "01400", "Châtillon"),
	}

	noRaw := []readers.Row{ // XLSX input: cells only
		{Index: 0, Line: 2, Cells: []string{"1", "01500", "Ambérieu; centre", "12 rue X"}},
		{Index: 1, Line: 3, Cells: []string{"2", "01400", "Châtillon", "rue \"du\" Verger\nbât B"}},
	}

	tests := []struct {
		name, file, format string
		opts               Options
		rows               []readers.Row
	}{
		{"utf8 comma LF", "utf8-comma-lf.golden.csv", "csv", Options{Header: header, Dialect: utf8Dialect}, utf8Rows},
		{"windows-1252 semicolon CRLF", "cp1252-semicolon-crlf.golden.csv", "csv", Options{Header: cpHeader, HeaderRaw: cp1252(t, "N°;Code postal;Commune;Voie"), Dialect: cpDialect}, cpRows},
		{"utf8 BOM", "utf8-bom.golden.csv", "csv", Options{Header: header, Dialect: func() readers.Dialect { d := utf8Dialect; d.Encoding = "utf-8-bom"; d.LineEnding = "\r\n"; return d }()}, utf8Rows},
		{"ExcelCSV from utf8 comma", "excelcsv.golden.csv", "csv", Options{Header: header, Dialect: utf8Dialect, ExcelCSV: true}, utf8Rows},
		{"ExcelCSV from cp1252", "excelcsv-from-cp1252.golden.csv", "csv", Options{Header: cpHeader, Dialect: cpDialect, ExcelCSV: true}, cpRows},
		{"re-run replaces elig columns", "rerun.golden.csv", "csv", Options{Header: rerunHeader, Dialect: utf8Dialect}, rerunRows},
		{"malformed rows", "malformed.golden.csv", "csv", Options{Header: header, Dialect: utf8Dialect}, malformed},
		{"quote-all style", "quote-all.golden.csv", "csv", Options{Header: header, Dialect: utf8Dialect}, quoteAll},
		{"no header", "no-header.golden.csv", "csv", Options{Header: []string{"col1", "col2", "col3"}, Dialect: func() readers.Dialect { d := utf8Dialect; d.Header = false; return d }()}, noHeader},
		{"xlsx input to csv", "cells-only.golden.csv", "csv", Options{Header: header, Dialect: readers.Dialect{Format: "xlsx", Header: true}}, noRaw},
		{"tsv sandbox", "sandbox.golden.tsv", "tsv", Options{Header: header, Dialect: utf8Dialect, Sandbox: true}, utf8Rows},
		{"jsonl", "rows.golden.jsonl", "jsonl", Options{Header: header, Dialect: utf8Dialect, Sandbox: true}, malformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := writeAll(t, tc.format, tc.opts, tc.rows, outcomes())
			golden(t, tc.file, got)
		})
	}
}

// TestCSVByteForByte checks the invariants the goldens encode, independently
// of them: every raw record comes back verbatim and in order.
func TestCSVByteForByte(t *testing.T) {
	cells := []string{"1", "01500", "Ambérieu-en-Bugey", "Rue de l’Église; bât. A"}
	raw := cp1252(t, `1;01500;Ambérieu-en-Bugey;"Rue de l’Église; bât. A"`)
	rows := []readers.Row{{Index: 0, Line: 2, Cells: cells, Raw: raw}}
	opts := Options{Header: []string{"N°", "CP", "Commune", "Voie"},
		Dialect: readers.Dialect{Format: "csv", Encoding: "windows-1252", Delimiter: ';', LineEnding: "\r\n", Header: true}}
	got := writeAll(t, "csv", opts, rows, outcomes()[1:2])
	lines := bytes.Split(got, []byte("\r\n"))
	if len(lines) != 3 || len(lines[2]) != 0 {
		t.Fatalf("want header, one row and CRLF endings, got %q", got)
	}
	if want := cp1252(t, "N°;CP;Commune;Voie;elig_status"); !bytes.HasPrefix(lines[0], want) {
		t.Errorf("header %q, want prefix %q", lines[0], want)
	}
	if !bytes.HasPrefix(lines[1], append(raw, ';')) {
		t.Errorf("row %q does not start with the raw input %q", lines[1], raw)
	}
	// "≠" has no cp1252 byte: it becomes '?', and the accents are cp1252.
	if !bytes.Contains(lines[1], cp1252(t, "numéro inconnu ? 12")) {
		t.Errorf("reason not encoded in cp1252 with '?': %q", lines[1])
	}
}

// TestCSVParsesBack reads the output with encoding/csv: input cells, the
// elig_ header and the status must line up for every dialect variant.
func TestCSVParsesBack(t *testing.T) {
	header := []string{"id", "zip", "elig_status", "street"}
	rows := []readers.Row{
		row(0, `1,01500,old,"a, b"`, "1", "01500", "old", "a, b"),
		{Index: 1, Line: 3, Cells: []string{"2", "01400", "old", "multi\nline \"q\""}},
		row(2, `3,,old,`, "3", "", "old", ""),
	}
	for _, tc := range []struct {
		name  string
		opts  Options
		comma rune
	}{
		{"dialect", Options{Header: header, Dialect: readers.Dialect{Format: "csv", Encoding: "utf-8", Delimiter: ',', Header: true}}, ','},
		{"excel", Options{Header: header, Dialect: readers.Dialect{Format: "csv", Encoding: "utf-8", Delimiter: ',', Header: true}, ExcelCSV: true}, ';'},
		{"zero dialect", Options{Header: header}, ','},
	} {
		t.Run(tc.name, func(t *testing.T) {
			outs := outcomes()
			got := writeAll(t, "csv", tc.opts, rows, outs)
			r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(got, []byte("\ufeff"))))
			r.Comma = tc.comma
			recs, err := r.ReadAll()
			if err != nil {
				t.Fatalf("output does not parse: %v\n%s", err, got)
			}
			wantHeader := append([]string{"id", "zip", "street"}, Columns...)
			if strings.Join(recs[0], "\x00") != strings.Join(wantHeader, "\x00") {
				t.Fatalf("header %q, want %q", recs[0], wantHeader)
			}
			if len(recs) != len(rows)+1 {
				t.Fatalf("%d records, want %d", len(recs), len(rows)+1)
			}
			for i, rec := range recs[1:] {
				in := []string{rows[i].Cells[0], rows[i].Cells[1], rows[i].Cells[3]}
				if strings.Join(rec[:3], "\x00") != strings.Join(in, "\x00") {
					t.Errorf("row %d input %q, want %q", i, rec[:3], in)
				}
				if rec[3] != string(outs[i].Status) {
					t.Errorf("row %d elig_status %q, want %q", i, rec[3], outs[i].Status)
				}
				if len(rec) != len(wantHeader) {
					t.Errorf("row %d has %d fields, want %d", i, len(rec), len(wantHeader))
				}
			}
		})
	}
}

func TestCells(t *testing.T) {
	out := outcomes()[0]
	got := Cells(out)
	if len(got) != len(Columns) {
		t.Fatalf("%d cells for %d columns", len(got), len(Columns))
	}
	want := map[string]string{
		"elig_status": "eligible", "elig_match": "address", "elig_insee": "01004", "elig_street": "RUE ROGER VAILLANT",
		"elig_street_code": "010040123", "elig_number": "12B", "elig_building": "IMB/01004/X/00AB",
		"elig_best_offer": "FTTH_1G", "elig_best_offer_name": "Fibre 1 Gb/s", "elig_technology": "FTTH",
		"elig_download_mbps": "1000", "elig_upload_mbps": "700", "elig_offers": "FTTH_1G|VDSL_PRO",
		"elig_reference": "ref-ftth-1", "elig_error": "", "elig_score": "0.97", "elig_candidates": "",
	}
	for i, c := range Columns {
		if w, ok := want[c]; ok && got[i] != w {
			t.Errorf("%s = %q, want %q", c, got[i], w)
		}
	}
	amb := Cells(outcomes()[2])
	if c := amb[len(Columns)-1]; c != "RUE DE L EGLISE (0.81)|RUELLE DE L EGLISE (0.80)" {
		t.Errorf("elig_candidates = %q", c)
	}
	if m := Cells(resolve.Outcome{Status: resolve.StatusInvalid})[1]; m != "none" {
		t.Errorf("empty match written %q, want none", m)
	}
}

func TestFormatRate(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{{1000, "1000"}, {8.17, "8.17"}, {8.1700001, "8.17"}, {48.1749, "48.17"}, {0.5, "0.5"}, {0, "0"}, {20.005, "20.01"}} {
		if got := FormatRate(tc.in); got != tc.want {
			t.Errorf("FormatRate(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := FormatScore(0.8); got != "0.80" {
		t.Errorf("FormatScore(0.8) = %q", got)
	}
}

func TestAllQuoted(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want bool
	}{
		{`"a","b"`, true}, {`"a",b`, false}, {`"a""x","b;c"`, true}, {`a`, false}, {`""`, true},
		{`"a"`, true}, {`"a","`, false}, {`"a";"b"`, false},
	} {
		if got := allQuoted([]byte(tc.raw), ","); got != tc.want {
			t.Errorf("allQuoted(%s) = %v, want %v", tc.raw, got, tc.want)
		}
	}
}

func TestEncodingErrors(t *testing.T) {
	if _, err := New(&bytes.Buffer{}, "csv", Options{Dialect: readers.Dialect{Encoding: "ebcdic"}}); err == nil {
		t.Error("unknown encoding accepted")
	}
	if _, err := New(&bytes.Buffer{}, "ods", Options{}); err == nil {
		t.Error("unknown format accepted")
	}
	w, err := New(failWriter{}, "csv", Options{Header: []string{"a"}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5000; i++ { // past the bufio buffer
		if err = w.Write(row(i, "x", "x"), outcomes()[0]); err != nil {
			break
		}
	}
	if err == nil {
		if err = w.Close(Summary{}); err == nil {
			t.Fatal("write errors were not reported")
		}
	}
	if !strings.Contains(err.Error(), "disk full") {
		t.Errorf("error %v does not carry the cause", err)
	}
}

// FuzzCSVRoundTrip: whatever the cells, the UTF-8 output parses back to them.
func FuzzCSVRoundTrip(f *testing.F) {
	f.Add("a", "b,c", ';', false)
	f.Add("\"q\"", "x\ny", ',', true)
	f.Add("", "é;\r", '\t', false)
	f.Fuzz(func(t *testing.T, a, b string, delim rune, excel bool) {
		if delim != ',' && delim != ';' && delim != '\t' && delim != '|' {
			delim = ','
		}
		if strings.ContainsRune(a+b, '\r') || !utf8Valid(a+b) {
			t.Skip() // encoding/csv folds \r\n; invalid UTF-8 is the reader's business
		}
		opts := Options{Header: []string{"h1", "h2"}, ExcelCSV: excel,
			Dialect: readers.Dialect{Format: "csv", Delimiter: delim, Header: true}}
		var buf bytes.Buffer
		w, err := New(&buf, "csv", opts)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(readers.Row{Cells: []string{a, b}}, resolve.Outcome{Status: resolve.StatusNotFound, Reason: b}); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(Summary{}); err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\ufeff"))))
		r.Comma = delim
		if excel {
			r.Comma = ';'
		}
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatalf("unparseable output %q: %v", buf.Bytes(), err)
		}
		if len(recs) != 2 || recs[1][0] != a || recs[1][1] != b || recs[1][2] != "not_found" || recs[1][2+13] != b {
			t.Fatalf("round trip of %q %q gave %q", a, b, recs)
		}
	})
}
