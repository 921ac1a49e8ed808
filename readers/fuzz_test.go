package readers

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func seedSamples(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "samples", "*.csv"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		if len(b) > 4096 {
			b = b[:4096]
		}
		f.Add(b)
	}
	for _, s := range []string{"", "a", "a;b\r1;2\r", "a,b\r\n\"x\r\ny\",2\r\n", "a;b\n1;\"2\n3;4\n", "\"a\"b,c\n", "\xEF\xBB\xBFa|b\n1|2"} {
		f.Add([]byte(s))
	}
}

// terminators counts line ends the way the reader does for its mode.
func terminators(b []byte, crMode bool) int {
	if crMode {
		return bytes.Count(b, []byte{'\r'})
	}
	return bytes.Count(b, []byte{'\n'})
}

// physLines is the number of physical lines of b: terminators, plus a last
// line without one.
func physLines(b []byte, crMode bool) int {
	n := terminators(b, crMode)
	last := bytes.LastIndexByte(b, '\n')
	if crMode {
		last = bytes.LastIndexByte(b, '\r')
		if last >= 0 && last+1 < len(b) && b[last+1] == '\n' {
			last++
		}
	}
	if last+1 < len(b) {
		n++
	}
	return n
}

func stripEOL(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for _, c := range b {
		if c != '\r' && c != '\n' {
			out = append(out, c)
		}
	}
	return out
}

// FuzzCSVReader checks that no input panics and that every physical line of
// the input is accounted for exactly once: lines = header lines + Σ lines
// spanned by each row (error rows included) + blank lines, and the rows' Raw
// bytes, in order, are the input (line ends aside).
func FuzzCSVReader(f *testing.F) {
	seedSamples(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		rd := openString(t, string(in), Options{})
		r := rd.(*csvReader)
		rows := readAll(t, r)
		if r.dialect.Encoding == "utf-16le" || r.dialect.Encoding == "utf-16be" {
			return // transcoded: Raw is UTF-8, not the input bytes
		}
		body := bytes.TrimPrefix(in, []byte("\xEF\xBB\xBF"))
		st := r.stats
		if st.Records != len(rows) {
			t.Fatalf("stats say %d records, %d rows delivered", st.Records, len(rows))
		}
		if want := physLines(body, r.crMode); st.Lines != want {
			t.Fatalf("reader consumed %d lines, input has %d", st.Lines, want)
		}
		spanned := st.Header + st.Blank
		var raw []byte
		raw = append(raw, r.hraw...)
		prevEnd := st.Header // last line taken so far
		errs := 0
		for i, row := range rows {
			if row.Index != i || row.Line <= prevEnd {
				t.Fatalf("row %d: Index %d Line %d after line %d", i, row.Index, row.Line, prevEnd)
			}
			if len(row.Cells) < len(r.Header()) {
				t.Fatalf("row %d: %d cells for %d columns", i, len(row.Cells), len(r.Header()))
			}
			if row.Err != nil {
				errs++
			}
			span := 1 + terminators(row.Raw, r.crMode)
			prevEnd = row.Line + span - 1
			spanned += span
			raw = append(raw, row.Raw...)
		}
		if errs != st.Errors {
			t.Fatalf("%d error rows, stats say %d", errs, st.Errors)
		}
		if spanned != st.Lines {
			t.Fatalf("header %d + rows + blank %d = %d lines, %d read", st.Header, st.Blank, spanned, st.Lines)
		}
		if !bytes.Equal(stripEOL(raw), stripEOL(body)) {
			t.Fatalf("Raw bytes do not rebuild the input:\n%q\n%q", stripEOL(raw), stripEOL(body))
		}
	})
}

// FuzzPropose checks that header mapping never panics, never gives a column
// two roles, and always explains its choices.
func FuzzPropose(f *testing.F) {
	f.Add("code_post;nom_voie;nom_afnor;numero", "54111;rue x;RUE X;12\n1400;a;b;5 bis", "zip=1")
	f.Add("CP;Ville;Adresse", "75001;Paris;1 rue de Rivoli", `street="Adresse",city=Ville`)
	f.Add("", "42 rue Roger Vaillant 01500 Ambérieu-en-Bugey", "")
	f.Add("N°;n°;No;ligne;Numéro de ligne", "0123456789;1;2;3;4", "line=\"")
	f.Fuzz(func(t *testing.T, head, body, spec string) {
		header := strings.Split(head, ";")
		var sample [][]string
		for _, l := range strings.Split(body, "\n") {
			sample = append(sample, strings.Split(l, ";"))
		}
		width := len(header)
		for _, s := range sample {
			width = max(width, len(s))
		}
		check := func(m Mapping) {
			used := map[int]Role{}
			for r, c := range m.Columns {
				if c < 0 || c >= width {
					t.Fatalf("%s → column %d out of %d", r, c, width)
				}
				if o, dup := used[c]; dup {
					t.Fatalf("column %d given to %s and %s", c, o, r)
				}
				used[c] = r
				if m.Evidence[r] == "" {
					t.Fatalf("%s mapped without evidence", r)
				}
			}
			_ = m.Usable()
		}
		m := Propose(header, sample)
		check(m)
		if o, err := ParseOverride(spec, header, m); err == nil {
			check(o)
		}
	})
}
