package sandbox

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// WorldError is a file that cannot be read into the world.
type WorldError struct {
	File   string
	Line   int
	Column int
	Err    error
}

func (e *WorldError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %v", e.File, e.Line, e.Column, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *WorldError) Unwrap() error { return e.Err }

func (w *World) addFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return &WorldError{File: path, Err: err}
	}
	defer f.Close()
	return w.addCSV(path, f)
}

// banColumns are the header names of the three formats we read:
// BAN legacy (id;nom_voie;id_fantoir;numero;rep;code_insee;code_post;…;nom_afnor;…),
// BAN current (…;numero;rep;nom_voie;code_postal;code_insee;…) and BAL
// (cle_interop;…;voie_nom;numero;suffixe;commune_insee;commune_nom;…).
type banColumns struct {
	number, suffix, street, afnor, lieuDit, fantoir, insee, zip, commune, id, key, lon, lat int
}

func mapHeader(h []string) (banColumns, bool) {
	c := banColumns{-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}
	for i, name := range h {
		switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(name, "\ufeff"))) {
		case "numero":
			c.number = i
		case "rep", "suffixe":
			c.suffix = i
		case "nom_voie", "voie_nom":
			c.street = i
		case "nom_afnor":
			c.afnor = i
		case "nom_ld", "lieudit_complement_nom":
			c.lieuDit = i
		case "id_fantoir":
			c.fantoir = i
		case "code_insee", "commune_insee":
			c.insee = i
		case "code_post", "code_postal":
			c.zip = i
		case "nom_commune", "commune_nom":
			c.commune = i
		case "id":
			c.id = i
		case "cle_interop":
			c.key = i
		case "lon", "long":
			c.lon = i
		case "lat":
			c.lat = i
		}
	}
	ok := c.number >= 0 && c.street >= 0 && (c.insee >= 0 || c.key >= 0)
	return c, ok
}

// addCSV reads one BAN/BAL file: UTF-8 (BOM or not) or Windows-1252,
// separated by ';', ',' or tabs. Rows that cannot be placed are counted as
// skipped; a file that is not CSV or has no BAN/BAL header is an error.
func (w *World) addCSV(name string, r io.Reader) error {
	br := bufio.NewReaderSize(&cp1252Fallback{r: r}, 64<<10)
	head, _ := br.Peek(4096)
	head = bytes.TrimPrefix(head, []byte("\ufeff"))
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	cr := csv.NewReader(br)
	cr.Comma = sniffComma(head)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return &WorldError{File: name, Err: errors.New("empty file")}
	}
	if err != nil {
		return csvError(name, err)
	}
	cols, ok := mapHeader(header)
	if !ok {
		return &WorldError{File: name, Line: 1, Column: 1, Err: fmt.Errorf("not a BAN/BAL header (need numero, nom_voie or voie_nom, and code_insee, commune_insee or cle_interop); got %q", strings.Join(header, string(cr.Comma)))}
	}
	src := Source{Name: name}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return csvError(name, err)
		}
		src.Rows++
		if w.addRow(cols, rec) {
			src.Addresses++
		} else {
			src.Skipped++
		}
	}
	w.mu.Lock()
	w.sources = append(w.sources, src)
	w.mu.Unlock()
	return nil
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &WorldError{File: name, Line: pe.Line, Column: pe.Column, Err: pe.Err}
	}
	return &WorldError{File: name, Err: err}
}

func sniffComma(line []byte) rune {
	best, n := ';', bytes.Count(line, []byte{';'})
	for _, c := range []rune{',', '\t'} {
		if k := bytes.Count(line, []byte(string(c))); k > n {
			best, n = c, k
		}
	}
	return best
}

func cell(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// addRow files one address; it reports false when the row has no usable
// INSEE code or number. Its street is kept even then, as OVH lists the
// lieux-dits it has no number for.
func (w *World) addRow(cols banColumns, rec []string) bool {
	key := strings.Split(cell(rec, cols.key), "_")
	insee := strings.ToUpper(cell(rec, cols.insee))
	if insee == "" && len(key) > 0 {
		insee = strings.ToUpper(key[0])
	}
	if !validInsee(insee) {
		return false
	}
	name := cell(rec, cols.afnor)
	if name == "" {
		name = fold(cell(rec, cols.street))
	} else {
		name = fold(name)
	}
	if name == "" {
		name = fold(cell(rec, cols.lieuDit))
	}
	if name == "" {
		return false
	}
	fantoir := fantoirOf(cell(rec, cols.fantoir), cell(rec, cols.id), key)
	number, ok := parseNumber(cell(rec, cols.number), cell(rec, cols.suffix), key)

	w.mu.Lock()
	defer w.mu.Unlock()
	c := w.real[insee]
	if c == nil {
		c = &commune{insee: insee, real: true, byName: map[string]*street{}, byCode: map[string]*street{}}
		w.real[insee] = c
	}
	if c.name == "" {
		c.name = fold(cell(rec, cols.commune))
	}
	zip := cell(rec, cols.zip)
	if len(zip) == 4 && isDigits(zip) {
		zip = "0" + zip // a spreadsheet ate the leading zero
	}
	if c.zip == "" && len(zip) == 5 {
		c.zip = zip
	}
	s := c.byName[name]
	if s == nil {
		s = &street{name: name, fantoir: fantoir, zip: zip, byNum: map[string]*num{}}
		c.byName[name] = s
		c.streets = append(c.streets, s)
	}
	if s.zip == "" {
		s.zip = zip
	}
	if s.fantoir == "" {
		s.fantoir = fantoir
	}
	if !ok {
		return false
	}
	lat, e1 := strconv.ParseFloat(strings.ReplaceAll(cell(rec, cols.lat), ",", "."), 64)
	lon, e2 := strconv.ParseFloat(strings.ReplaceAll(cell(rec, cols.lon), ",", "."), 64)
	coord := e1 == nil && e2 == nil && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 && (lat != 0 || lon != 0)
	s.addNum(number, lat, lon, coord)
	return true
}

// finish sorts the file communes and gives their streets codes: INSEE +
// the FANTOIR code and a 0 when it is numeric ("0020" → "54084" + "00200"),
// else 5 digits drawn from the FANTOIR code or the name.
func (w *World) finish() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, c := range w.real {
		streets := append([]*street(nil), c.streets...)
		sort.Slice(streets, func(i, j int) bool {
			if streets[i].fantoir != streets[j].fantoir {
				return streets[i].fantoir < streets[j].fantoir
			}
			return streets[i].name < streets[j].name
		})
		c.byCode = map[string]*street{}
		for _, s := range streets {
			var code string
			if len(s.fantoir) == 4 && isDigits(s.fantoir) {
				code = c.insee + s.fantoir + "0"
			}
			h := hash64("street", c.insee, s.fantoir, s.name)
			for code == "" || c.byCode[code] != nil {
				code = c.insee + fmt.Sprintf("%05d", h%100000)
				h = mix(h + 1)
			}
			s.code = code
			c.byCode[code] = s
			sort.SliceStable(s.nums, func(i, j int) bool { return numLess(s.nums[i].n, s.nums[j].n) })
		}
		sort.Slice(c.streets, func(i, j int) bool { return c.streets[i].name < c.streets[j].name })
	}
}

func validInsee(s string) bool {
	if len(s) != 5 || s[:2] == "00" {
		return false
	}
	if s[:2] == "2A" || s[:2] == "2B" {
		return isDigits(s[2:])
	}
	return isDigits(s)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// fantoirOf finds the 4-character FANTOIR code of the street: the id_fantoir
// column ("0020", or "54084_0020" in current BAN), else the second part of
// the id or of the BAL interop key ("54084_0020_00018").
func fantoirOf(fantoir, id string, key []string) string {
	if fantoir != "" {
		parts := strings.Split(fantoir, "_")
		return strings.ToUpper(parts[len(parts)-1])
	}
	if parts := strings.Split(id, "_"); len(parts) >= 2 && validInsee(strings.ToUpper(parts[0])) {
		return strings.ToUpper(parts[1])
	}
	if len(key) >= 2 && validInsee(strings.ToUpper(key[0])) {
		return strings.ToUpper(key[1])
	}
	return ""
}

// parseNumber turns BAN numbers into OVH ones: "12"+"bis" → "12B", "12 ter"
// → "12T", "163,0000000000" → "163". Pseudo numbers of lieux-dits
// (5000–5999, 9000 and more) and 0 are not numbers at OVH.
func parseNumber(numero, suffix string, key []string) (string, bool) {
	numero = strings.TrimSpace(numero)
	if i := strings.IndexAny(numero, ".,"); i > 0 && strings.Trim(numero[i+1:], "0") == "" {
		numero = numero[:i]
	}
	i := 0
	for i < len(numero) && numero[i] >= '0' && numero[i] <= '9' {
		i++
	}
	if i == 0 || i > 5 {
		return "", false
	}
	n, _ := strconv.Atoi(numero[:i])
	if n == 0 || (n >= 5000 && n < 6000) || n >= 9000 {
		return "", false
	}
	rest := strings.TrimSpace(numero[i:])
	if rest == "" {
		rest = suffix
	}
	if rest == "" && len(key) >= 4 && isLetters(key[3]) {
		rest = key[3] // BAL keys sometimes carry the suffix: 67482_5740_8_BIS
	}
	return strconv.Itoa(n) + foldSuffix(rest), true
}

func isLetters(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return false
		}
	}
	return true
}

// foldSuffix maps repetition indices to OVH's one letter.
func foldSuffix(s string) string {
	s = fold(s)
	switch s {
	case "":
		return ""
	case "BIS":
		return "B"
	case "TER":
		return "T"
	case "QUATER":
		return "Q"
	case "QUINQUIES", "QUINQUIES ":
		return "C"
	}
	if s[0] >= 'A' && s[0] <= 'Z' {
		return s[:1]
	}
	return ""
}

// cp1252Fallback passes UTF-8 through and decodes any byte that is not
// valid UTF-8 as Windows-1252, so both encodings of a file read the same.
type cp1252Fallback struct {
	r    io.Reader
	in   []byte // undecoded bytes
	out  []byte // decoded, not yet returned
	eof  bool
	buf  [32 << 10]byte
	errs error
}

func (c *cp1252Fallback) Read(p []byte) (int, error) {
	for len(c.out) == 0 {
		if c.eof && len(c.in) == 0 {
			if c.errs != nil {
				return 0, c.errs
			}
			return 0, io.EOF
		}
		if !c.eof {
			n, err := c.r.Read(c.buf[:])
			c.in = append(c.in, c.buf[:n]...)
			if err == io.EOF {
				c.eof = true
			} else if err != nil {
				c.eof, c.errs = true, err
			}
		}
		c.decode()
	}
	n := copy(p, c.out)
	c.out = c.out[n:]
	return n, nil
}

func (c *cp1252Fallback) decode() {
	dec := charmap.Windows1252.NewDecoder()
	i := 0
	for i < len(c.in) {
		if c.in[i] < utf8.RuneSelf {
			c.out = append(c.out, c.in[i])
			i++
			continue
		}
		if !c.eof && !utf8.FullRune(c.in[i:]) {
			break // wait for the rest of the rune
		}
		r, size := utf8.DecodeRune(c.in[i:])
		if r == utf8.RuneError && size <= 1 {
			b, _ := dec.Bytes(c.in[i : i+1])
			c.out = append(c.out, b...)
			i++
			continue
		}
		c.out = append(c.out, c.in[i:i+size]...)
		i += size
	}
	c.in = append(c.in[:0], c.in[i:]...)
}
