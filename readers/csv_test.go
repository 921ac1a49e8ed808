package readers

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// readAll drains r, failing the test on an input error.
func readAll(t testing.TB, r Reader) []Row {
	t.Helper()
	var rows []Row
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			return rows
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		rows = append(rows, row)
	}
}

func openString(t testing.TB, s string, opts Options) Reader {
	t.Helper()
	opts.Stdin = strings.NewReader(s)
	r, err := Open("-", opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

type wantRow struct {
	line  int
	cells []string
	err   string // substring of Row.Err, "" = no error
	raw   string // "" = do not check
}

func TestCSVDialects(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		opts    Options
		enc     string
		delim   rune
		le      string
		quote   bool
		header  []string
		rows    []wantRow
		wantErr string // Open error
	}{
		{
			name: "LF comma", in: "zip,city\n01400,Châtillon\n75001,Paris\n",
			enc: "utf-8", delim: ',', le: "\n", header: []string{"zip", "city"},
			rows: []wantRow{{line: 2, cells: []string{"01400", "Châtillon"}, raw: "01400,Châtillon"}, {line: 3, cells: []string{"75001", "Paris"}}},
		},
		{
			name: "CRLF semicolon", in: "zip;city\r\n01400;A\r\n75001;B\r\n",
			enc: "utf-8", delim: ';', le: "\r\n", header: []string{"zip", "city"},
			rows: []wantRow{{line: 2, cells: []string{"01400", "A"}, raw: "01400;A"}, {line: 3, cells: []string{"75001", "B"}}},
		},
		{
			name: "CR only", in: "zip;city\r01400;A\r75001;B",
			enc: "utf-8", delim: ';', le: "\r", header: []string{"zip", "city"},
			rows: []wantRow{{line: 2, cells: []string{"01400", "A"}}, {line: 3, cells: []string{"75001", "B"}, raw: "75001;B"}},
		},
		{
			name: "tab", in: "zip\tcity\tstreet\n01400\tA\true X, bis\n",
			enc: "utf-8", delim: '\t', le: "\n", header: []string{"zip", "city", "street"},
			rows: []wantRow{{line: 2, cells: []string{"01400", "A", "rue X, bis"}}},
		},
		{
			name: "pipe", in: "a|b|c\n1|2|3\n4|5|6\n",
			enc: "utf-8", delim: '|', le: "\n", header: []string{"a", "b", "c"},
			rows: []wantRow{{line: 2, cells: []string{"1", "2", "3"}}, {line: 3, cells: []string{"4", "5", "6"}}},
		},
		{
			name: "quoted fields with delimiters, quotes and newlines",
			in:   "nom;adresse;cp\n\"Dupont; Jean\";\"12 rue \"\"X\"\"\nbâtiment B\";01400\nMartin;\"3 rue Y\";75001\n",
			enc:  "utf-8", delim: ';', le: "\n", quote: true, header: []string{"nom", "adresse", "cp"},
			rows: []wantRow{
				{line: 2, cells: []string{"Dupont; Jean", "12 rue \"X\"\nbâtiment B", "01400"},
					raw: "\"Dupont; Jean\";\"12 rue \"\"X\"\"\nbâtiment B\";01400"},
				{line: 4, cells: []string{"Martin", "3 rue Y", "75001"}},
			},
		},
		{
			name: "unbalanced quote in the middle",
			in:   "a;b;c\n1;2;3\n4;\"5;6\n7;8;9\n10;11;12\n",
			enc:  "utf-8", delim: ';', le: "\n", quote: true, header: []string{"a", "b", "c"},
			rows: []wantRow{
				{line: 2, cells: []string{"1", "2", "3"}},
				{line: 3, cells: []string{"4", "5;6", ""}, err: "stdin:3: column 2: unbalanced quote", raw: "4;\"5;6"},
				{line: 4, cells: []string{"7", "8", "9"}},
				{line: 5, cells: []string{"10", "11", "12"}},
			},
		},
		{
			name: "unbalanced quote closed by a later stray quote",
			in:   "a;b;c\n4;\"5;6\n7;8;9\n10;\"11\";12\n",
			enc:  "utf-8", delim: ';', le: "\n", quote: true, header: []string{"a", "b", "c"},
			rows: []wantRow{
				{line: 2, cells: []string{"4", "5;6", ""}, err: "unbalanced quote"},
				{line: 3, cells: []string{"7", "8", "9"}},
				{line: 4, cells: []string{"10", "11", "12"}},
			},
		},
		{
			name: "stray bytes after closing quote",
			in:   "a,b\n\"x\"y,2\n3,4\n",
			enc:  "utf-8", delim: ',', le: "\n", quote: true, header: []string{"a", "b"},
			rows: []wantRow{
				{line: 2, cells: []string{"xy", "2"}, err: "column 1: unexpected \"y\" after the closing quote"},
				{line: 3, cells: []string{"3", "4"}},
			},
		},
		{
			name: "ragged rows padded, long rows kept",
			in:   "a;b;c\n1\n1;2\n1;2;3;4\n",
			enc:  "utf-8", delim: ';', le: "\n", header: []string{"a", "b", "c"},
			rows: []wantRow{
				{line: 2, cells: []string{"1", "", ""}},
				{line: 3, cells: []string{"1", "2", ""}},
				{line: 4, cells: []string{"1", "2", "3", "4"}},
			},
		},
		{
			name: "trailing spaces kept in cells, ignored around quotes",
			in:   "cp ;ville \n01400 ; \"Paris\" \n",
			enc:  "utf-8", delim: ';', le: "\n", quote: true, header: []string{"cp ", "ville "},
			rows: []wantRow{{line: 2, cells: []string{"01400 ", "Paris"}, raw: "01400 ; \"Paris\" "}},
		},
		{
			name: "Latin-1 bytes", in: "ville;rue\nAmb\xe9rieu;all\xe9e des \x9cillets\n",
			enc: "windows-1252", delim: ';', le: "\n", header: []string{"ville", "rue"},
			rows: []wantRow{{line: 2, cells: []string{"Ambérieu", "allée des œillets"}, raw: "Amb\xe9rieu;all\xe9e des \x9cillets"}},
		},
		{
			name: "forced ISO-8859-1", in: "ville\nAmb\xe9rieu\n", opts: Options{Encoding: "latin1"},
			enc: "iso-8859-1", delim: ',', le: "\n", header: []string{"ville"},
			rows: []wantRow{{line: 2, cells: []string{"Ambérieu"}}},
		},
		{
			name: "BOM and semicolon", in: "\xEF\xBB\xBFcode postal;ville\n01400;Châtillon\n",
			enc: "utf-8-bom", delim: ';', le: "\n", header: []string{"code postal", "ville"},
			rows: []wantRow{{line: 2, cells: []string{"01400", "Châtillon"}}},
		},
		{
			name: "UTF-16LE with BOM (Excel Unicode text)", in: utf16le("cp\tville\r\n01400\tAmbérieu\r\n"),
			enc: "utf-16le", delim: '\t', le: "\r\n", header: []string{"cp", "ville"},
			rows: []wantRow{{line: 2, cells: []string{"01400", "Ambérieu"}}},
		},
		{
			name: "stray Latin-1 line in a UTF-8 file", in: "ville\nChâtillon\nAmb\xe9rieu\nSaint-Étienne\n",
			enc: "utf-8", delim: ',', le: "\n", header: []string{"ville"},
			rows: []wantRow{{line: 2, cells: []string{"Châtillon"}}, {line: 3, cells: []string{"Ambérieu"}}, {line: 4, cells: []string{"Saint-Étienne"}}},
		},
		{
			name: "blank lines skipped, line numbers kept", in: "a,b\n\n1,2\n\n\n3,4",
			enc: "utf-8", delim: ',', le: "\n", header: []string{"a", "b"},
			rows: []wantRow{{line: 3, cells: []string{"1", "2"}}, {line: 6, cells: []string{"3", "4"}}},
		},
		{
			name: "NUL byte", in: "a,b\n1,x\x00y\n3,4\n",
			enc: "utf-8", delim: ',', le: "\n", header: []string{"a", "b"},
			rows: []wantRow{{line: 2, cells: []string{"1", "x\x00y"}, err: "column 2: binary data"}, {line: 3, cells: []string{"3", "4"}}},
		},
		{
			name: "no header", in: "01400;Châtillon\n75001;Paris;extra\n", opts: Options{NoHeader: true},
			enc: "utf-8", delim: ';', le: "\n", header: []string{"col1", "col2", "col3"},
			rows: []wantRow{{line: 1, cells: []string{"01400", "Châtillon", ""}}, {line: 2, cells: []string{"75001", "Paris", "extra"}}},
		},
		{
			name: "forced delimiter", in: "a;b,c\n1;2,3\n", opts: Options{Delimiter: ","},
			enc: "utf-8", delim: ',', le: "\n", header: []string{"a;b", "c"},
			rows: []wantRow{{line: 2, cells: []string{"1;2", "3"}}},
		},
		{name: "empty file", in: "", enc: "utf-8", delim: ',', le: "\n"},
		{name: "header only", in: "zip;city\r\n", enc: "utf-8", delim: ';', le: "\r\n", header: []string{"zip", "city"}},
		{name: "bad encoding", in: "a\n", opts: Options{Encoding: "klingon"}, wantErr: `--encoding "klingon" is not valid`},
		{name: "bad delimiter", in: "a\n", opts: Options{Delimiter: "ab"}, wantErr: `--delimiter "ab" is not valid`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			opts.Stdin = strings.NewReader(tt.in)
			r, err := Open("-", opts)
			if tt.wantErr != "" {
				var oe *OptionError
				if err == nil || !errors.As(err, &oe) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Open error = %v, want *OptionError %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			d := r.Dialect()
			if d.Format != "csv" || d.Encoding != tt.enc || d.Delimiter != tt.delim || d.LineEnding != tt.le || d.Quote != tt.quote {
				t.Errorf("dialect = %+v, want enc %s delim %q le %q quote %v", d, tt.enc, tt.delim, tt.le, tt.quote)
			}
			if !reflect.DeepEqual(r.Header(), tt.header) && !(len(tt.header) == 0 && len(r.Header()) == 0) {
				t.Errorf("header = %q, want %q", r.Header(), tt.header)
			}
			rows := readAll(t, r)
			if len(rows) != len(tt.rows) {
				t.Fatalf("got %d rows, want %d: %+v", len(rows), len(tt.rows), rows)
			}
			for i, w := range tt.rows {
				g := rows[i]
				if g.Index != i || g.Line != w.line || !reflect.DeepEqual(g.Cells, w.cells) {
					t.Errorf("row %d = {Index %d Line %d Cells %q}, want {Line %d Cells %q}", i, g.Index, g.Line, g.Cells, w.line, w.cells)
				}
				switch {
				case w.err == "" && g.Err != nil:
					t.Errorf("row %d: unexpected error %v", i, g.Err)
				case w.err != "" && (g.Err == nil || !strings.Contains(g.Err.Error(), w.err)):
					t.Errorf("row %d: error %v, want %q", i, g.Err, w.err)
				}
				if w.err != "" {
					var pe *ParseError
					if !errors.As(g.Err, &pe) || pe.Line != w.line {
						t.Errorf("row %d: error %#v is not a *ParseError on line %d", i, g.Err, w.line)
					}
				}
				if w.raw != "" && string(g.Raw) != w.raw {
					t.Errorf("row %d: Raw = %q, want %q", i, g.Raw, w.raw)
				}
			}
		})
	}
}

func utf16le(s string) string {
	b := []byte{0xFF, 0xFE}
	for _, r := range s {
		if r > 0xFFFF {
			panic("BMP only")
		}
		b = append(b, byte(r), byte(r>>8))
	}
	return string(b)
}

// A quoted field that never closes must not swallow the rest of a big file:
// the record is cut back to its first line once it grows past the limits.
func TestCSVUnclosedQuoteBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("a;b\n1;\"open\n")
	for i := 0; i < 1000; i++ {
		b.WriteString("x;y\n")
	}
	rows := readAll(t, openString(t, b.String(), Options{}))
	if len(rows) != 1001 {
		t.Fatalf("got %d rows, want 1001", len(rows))
	}
	if rows[0].Err == nil || rows[0].Line != 2 {
		t.Errorf("first row = %+v, want an error on line 2", rows[0])
	}
	for i, r := range rows[1:] {
		if r.Err != nil || r.Line != i+3 || r.Cells[0] != "x" {
			t.Fatalf("row %d = %+v, want x;y on line %d", i+1, r, i+3)
		}
	}
}

func TestOpenFileAndCountRows(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "in.txt")
	if err := os.WriteFile(p, []byte("a;b\n1;2\n\"3\n4\";5\n6;\"bad\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	n, err := CountRows(p, Options{})
	if err != nil || n != 3 {
		t.Fatalf("CountRows = %d, %v; want 3", n, err)
	}
	r, err := Open(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rows := readAll(t, r)
	if len(rows) != n {
		t.Errorf("Open read %d rows, CountRows said %d", len(rows), n)
	}
	if rows[2].Err == nil || !strings.Contains(rows[2].Err.Error(), p+":5:") {
		t.Errorf("last row error = %v, want it to name %s:5", rows[2].Err, p)
	}
	if _, err := Open(filepath.Join(dir, "missing.csv"), Options{}); err == nil {
		t.Error("Open on a missing file: no error")
	}
	if _, err := Open(filepath.Join(dir, "old.xls"), Options{}); err == nil || !strings.Contains(err.Error(), ".xls is not supported") {
		t.Errorf("Open .xls: %v", err)
	}
	if _, err := Open("-", Options{}); err == nil {
		t.Error("Open - without Stdin: no error")
	}
}
