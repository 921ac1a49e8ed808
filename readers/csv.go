package readers

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Limits that keep memory constant whatever the input.
const (
	bufSize = 256 << 10 // bufio buffer; also the sniffing sample
	// A record may span several physical lines only inside a quoted field.
	// Beyond these limits the opening quote is taken as unbalanced and the
	// record is cut back to its first line.
	maxRecordLines = 64
	maxRecordBytes = 1 << 20
	maxLineBytes   = 4 << 20 // longer physical lines are skipped as one error row
	sniffRecords   = 50
)

var delimCandidates = []byte{';', ',', '\t', '|'}

// charset decodes single cells to UTF-8. table nil means UTF-8 (with a
// per-record Windows-1252 fallback for stray invalid bytes).
type charset struct {
	name  string
	table *[256]rune
}

func tableOf(cm *charmap.Charmap) *[256]rune {
	var t [256]rune
	for i := range t {
		t[i] = cm.DecodeByte(byte(i))
	}
	return &t
}

var (
	cp1252Table = tableOf(charmap.Windows1252)
	latin1Table = tableOf(charmap.ISO8859_1)
	latin9Table = tableOf(charmap.ISO8859_15)
)

// EncodingNames are the values --encoding accepts (besides "auto").
var EncodingNames = []string{"utf-8", "utf-8-bom", "windows-1252", "iso-8859-1", "iso-8859-15", "utf-16le", "utf-16be"}

// normEncoding maps the many spellings users type to EncodingNames.
func normEncoding(s string) (string, bool) {
	k := strings.NewReplacer("_", "-", " ", "").Replace(strings.ToLower(strings.TrimSpace(s)))
	switch k {
	case "", "auto":
		return "", true
	case "utf-8", "utf8":
		return "utf-8", true
	case "utf-8-bom", "utf8-bom", "utf-8-sig", "utf8bom":
		return "utf-8-bom", true
	case "windows-1252", "cp1252", "win1252", "windows1252", "ansi":
		return "windows-1252", true
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1":
		return "iso-8859-1", true
	case "iso-8859-15", "iso8859-15", "latin9", "latin-9":
		return "iso-8859-15", true
	case "utf-16le", "utf16le", "utf-16", "utf16", "unicode":
		return "utf-16le", true
	case "utf-16be", "utf16be":
		return "utf-16be", true
	}
	return "", false
}

// parseDelimiter accepts a character or its name.
func parseDelimiter(s string) (byte, error) {
	switch strings.ToLower(s) {
	case "":
		return 0, nil
	case `\t`, "tab", "\t":
		return '\t', nil
	case "semicolon":
		return ';', nil
	case "comma":
		return ',', nil
	case "pipe":
		return '|', nil
	}
	if len(s) == 1 && s[0] > ' ' && s[0] < 0x7f && s[0] != '"' {
		return s[0], nil
	}
	return 0, &OptionError{Option: "delimiter", Value: s, Valid: []string{";", ",", "tab", "|"}}
}

// CSV record status.
const (
	recOK   = iota
	recOpen // a quoted field is still open at the end of the bytes seen
	recBad  // stray bytes after a closing quote
)

// csvStats accounts for every physical line of the input.
type csvStats struct {
	Lines   int // physical lines read
	Header  int // lines taken by the header record
	Records int // rows delivered (error rows included)
	Errors  int // rows delivered with Err
	Blank   int // empty lines skipped
	Mixed   int // records of a UTF-8 file decoded as Windows-1252
}

type csvReader struct {
	name    string
	br      *bufio.Reader
	closer  io.Closer
	dialect Dialect
	cs      charset
	delim   byte
	crMode  bool // lines end with a lone CR
	header  []string
	hraw    []byte // the header record's bytes, for accounting
	width   int

	line    int // physical lines consumed
	index   int
	rec     []byte // current record, terminators included
	pending []byte // bytes given back after a cut record, read before br
	spare   []byte
	fbuf    []byte // field bytes, unquoted, input encoding
	ends    []int
	dbuf    []byte // decoded field bytes
	dends   []int
	quoted  bool
	tooLong bool
	stats   csvStats
}

func newCSV(name string, src io.Reader, closer io.Closer, opts Options) (*csvReader, error) {
	enc, ok := normEncoding(opts.Encoding)
	if !ok {
		return nil, &OptionError{Option: "encoding", Value: opts.Encoding, Valid: append([]string{"auto"}, EncodingNames...)}
	}
	delim, err := parseDelimiter(opts.Delimiter)
	if err != nil {
		return nil, err
	}
	r := &csvReader{name: name, closer: closer}
	r.br = bufio.NewReaderSize(src, bufSize)
	var why []string
	forcedEnc := enc != ""

	// UTF-16 (Excel's "Unicode text") is transcoded to UTF-8 up front; Raw
	// then holds UTF-8 bytes.
	head, _ := r.br.Peek(3)
	bom16 := ""
	if len(head) >= 2 && head[0] == 0xFF && head[1] == 0xFE {
		bom16 = "utf-16le"
	} else if len(head) >= 2 && head[0] == 0xFE && head[1] == 0xFF {
		bom16 = "utf-16be"
	}
	if enc == "utf-16le" || enc == "utf-16be" || (enc == "" && bom16 != "") {
		if enc == "" {
			enc = bom16
			why = append(why, enc+" BOM")
		}
		end := unicode.LittleEndian
		if enc == "utf-16be" {
			end = unicode.BigEndian
		}
		dec := unicode.UTF16(end, unicode.UseBOM).NewDecoder()
		r.br = bufio.NewReaderSize(transform.NewReader(r.br, dec), bufSize)
		r.dialect.Encoding = enc
		r.cs = charset{name: enc}
	}

	sample, perr := r.br.Peek(bufSize)
	whole := perr != nil // the sample is the whole input
	if bytes.HasPrefix(sample, []byte("\xEF\xBB\xBF")) {
		_, _ = r.br.Discard(3)
		sample = sample[3:]
		if enc == "" {
			enc = "utf-8-bom"
			why = append(why, "UTF-8 BOM")
		}
	}
	if !whole {
		// Judge complete lines only: a cut multi-byte character or record
		// would mislead both checks.
		if i := bytes.LastIndexAny(sample, "\r\n"); i > 0 {
			sample = sample[:i+1]
		}
	}
	switch enc {
	case "":
		good, bad := utf8Census(sample)
		switch {
		case bad == 0 && good == 0:
			enc = "utf-8"
			why = append(why, "ASCII sample")
		case bad == 0:
			enc = "utf-8"
			why = append(why, "valid UTF-8")
		case good > bad:
			// A UTF-8 file with a few Latin-1 lines pasted in: those
			// records are decoded as Windows-1252 one by one.
			enc = "utf-8"
			why = append(why, fmt.Sprintf("mostly UTF-8 (%d invalid bytes: their lines read as Windows-1252)", bad))
		default:
			enc = "windows-1252"
			why = append(why, "invalid as UTF-8")
		}
	default:
		if forcedEnc {
			why = append(why, "encoding forced")
		}
	}
	if r.dialect.Encoding == "" {
		r.dialect.Encoding = enc
		switch enc {
		case "windows-1252":
			r.cs = charset{name: enc, table: cp1252Table}
		case "iso-8859-1":
			r.cs = charset{name: enc, table: latin1Table}
		case "iso-8859-15":
			r.cs = charset{name: enc, table: latin9Table}
		default:
			r.cs = charset{name: enc}
		}
	}

	r.dialect.Format = "csv"
	r.dialect.LineEnding = sniffLineEnding(sample)
	r.crMode = r.dialect.LineEnding == "\r"
	lineName := map[string]string{"\r\n": "CRLF", "\n": "LF", "\r": "CR"}[r.dialect.LineEnding]
	why = append(why, lineName+" line ends")

	var counts []int
	if delim != 0 {
		counts, r.quoted = sniffCount(sample, delim, r.crMode, whole)
		why = append(why, fmt.Sprintf("delimiter %s forced", delimName(delim)))
	} else {
		var ev string
		delim, counts, r.quoted, ev = sniffDelimiter(sample, r.crMode, whole)
		why = append(why, ev)
	}
	r.delim = delim
	r.dialect.Delimiter = rune(delim)
	r.dialect.Quote = r.quoted
	r.dialect.Header = !opts.NoHeader
	r.dialect.Evidence = strings.Join(why, "; ")

	if opts.NoHeader {
		for _, c := range counts {
			r.width = max(r.width, c)
		}
		r.header = syntheticHeader(r.width)
		return r, nil
	}
	row, err := r.next(true)
	switch {
	case errors.Is(err, io.EOF):
		return r, nil // empty file: no header, no rows
	case err != nil:
		return nil, err
	}
	r.header = row.Cells
	r.hraw = row.Raw
	r.width = len(row.Cells)
	r.stats.Header = r.line - r.stats.Blank
	r.stats.Records--
	if row.Err != nil {
		r.stats.Errors--
	}
	r.index = 0
	return r, nil
}

func syntheticHeader(n int) []string {
	h := make([]string, n)
	for i := range h {
		h[i] = fmt.Sprintf("col%d", i+1)
	}
	return h
}

func delimName(d byte) string {
	if d == '\t' {
		return "tab"
	}
	return fmt.Sprintf("%q", string(d))
}

// utf8Census counts the valid multi-byte characters and the invalid bytes.
func utf8Census(b []byte) (good, bad int) {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			bad++
		} else {
			good++
		}
		i += n
	}
	return good, bad
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// sniffLineEnding picks CR-only when there is no LF at all, else CRLF when
// most LFs follow a CR.
func sniffLineEnding(s []byte) string {
	lf := bytes.Count(s, []byte{'\n'})
	cr := bytes.Count(s, []byte{'\r'})
	switch {
	case lf == 0 && cr > 0:
		return "\r"
	case lf > 0 && bytes.Count(s, []byte("\r\n"))*2 >= lf:
		return "\r\n"
	}
	return "\n"
}

// sniffCount counts the fields of the first complete records of s, quote-aware.
func sniffCount(s []byte, d byte, crMode, whole bool) (counts []int, quoted bool) {
	term := byte('\n')
	if crMode {
		term = '\r'
	}
	fields, inQ, atStart, blank := 1, false, true, true
	for i := 0; i < len(s) && len(counts) < sniffRecords; i++ {
		c := s[i]
		if inQ {
			if c == '"' {
				if i+1 < len(s) && s[i+1] == '"' {
					i++
				} else {
					inQ = false
				}
			}
			continue
		}
		switch {
		case c == '"' && atStart:
			inQ, quoted = true, true
			atStart = false
			blank = false
		case c == d:
			fields++
			atStart = true
			blank = false
		case c == term:
			if !blank {
				counts = append(counts, fields)
			}
			fields, atStart, blank = 1, true, true
		case c == ' ' && atStart:
		case c == '\r' && !crMode:
		default:
			atStart = false
			blank = false
		}
	}
	if whole && !blank && !inQ && len(counts) < sniffRecords {
		counts = append(counts, fields)
	}
	return counts, quoted
}

// sniffDelimiter picks the candidate that splits the sampled records into the
// same number (≥ 2) of fields most consistently; ties go to more fields, then
// to the order ; , tab |.
func sniffDelimiter(s []byte, crMode, whole bool) (byte, []int, bool, string) {
	best, bestScore, bestMode := byte(0), -1.0, 0
	var bestCounts []int
	var bestQ bool
	var others []string
	for _, d := range delimCandidates {
		counts, q := sniffCount(s, d, crMode, whole)
		mode, agree := modeOf(counts)
		score := 0.0
		if mode >= 2 && len(counts) > 0 {
			score = float64(agree) / float64(len(counts))
		}
		others = append(others, fmt.Sprintf("%s→%d", delimName(d), mode))
		if score > bestScore || (score == bestScore && score > 0 && mode > bestMode) {
			best, bestScore, bestMode, bestCounts, bestQ = d, score, mode, counts, q
		}
	}
	if bestScore <= 0 {
		counts, q := sniffCount(s, ',', crMode, whole)
		return ',', counts, q, "one column (no candidate delimiter splits the lines); \",\" assumed"
	}
	_, agree := modeOf(bestCounts)
	return best, bestCounts, bestQ, fmt.Sprintf("delimiter %s gives %d fields on %d/%d sampled lines (fields per delimiter: %s)",
		delimName(best), bestMode, agree, len(bestCounts), strings.Join(others, " "))
}

func modeOf(counts []int) (mode, n int) {
	freq := map[int]int{}
	for _, c := range counts {
		freq[c]++
		if freq[c] > n || (freq[c] == n && c > mode) {
			mode, n = c, freq[c]
		}
	}
	return mode, n
}

func (r *csvReader) Header() []string { return r.header }
func (r *csvReader) Dialect() Dialect { return r.dialect }
func (r *csvReader) Next() (Row, error) {
	row, err := r.next(true)
	if err == nil && !r.dialect.Header && len(row.Cells) > r.width {
		// Without a header the width is a guess from the sample: a wider
		// row widens it (and the synthetic header) for the rows after it.
		r.width = len(row.Cells)
		r.header = syntheticHeader(r.width)
	}
	return row, err
}

func (r *csvReader) Close() error {
	if r.closer != nil {
		c := r.closer
		r.closer = nil
		return c.Close()
	}
	return nil
}

// termAt finds the first line terminator of b: its index and length.
func (r *csvReader) termAt(b []byte) (int, int) {
	if r.crMode {
		i := bytes.IndexByte(b, '\r')
		if i >= 0 && i+1 < len(b) && b[i+1] == '\n' {
			return i, 2
		}
		return i, 1
	}
	i := bytes.IndexByte(b, '\n')
	if i > 0 && b[i-1] == '\r' {
		return i - 1, 2
	}
	return i, 1
}

// readLine appends the next physical line, terminator included, to dst and
// returns the terminator's length (0 for a last line without one). It
// returns io.EOF when nothing is left.
func (r *csvReader) readLine(dst []byte) ([]byte, int, error) {
	start := len(dst)
	if len(r.pending) > 0 {
		if i, tl := r.termAt(r.pending); i >= 0 {
			dst = append(dst, r.pending[:i+tl]...)
			r.pending = r.pending[i+tl:]
			return dst, tl, nil
		}
		dst = append(dst, r.pending...)
		r.pending = r.pending[:0]
	}
	sep := byte('\n')
	if r.crMode {
		sep = '\r'
	}
	for {
		chunk, err := r.br.ReadSlice(sep)
		if len(dst)-start+len(chunk) > maxLineBytes {
			r.tooLong = true
			if len(dst)-start < maxLineBytes {
				dst = append(dst, chunk[:maxLineBytes-(len(dst)-start)]...)
			}
		} else {
			dst = append(dst, chunk...)
		}
		switch {
		case err == nil:
			if r.crMode {
				if b, _ := r.br.Peek(1); len(b) == 1 && b[0] == '\n' {
					_, _ = r.br.ReadByte()
					return append(dst, '\n'), 2, nil
				}
				return dst, 1, nil
			}
			if n := len(dst) - start; n >= 2 && dst[len(dst)-2] == '\r' {
				return dst, 2, nil
			}
			return dst, 1, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if len(dst) == start {
				return dst, 0, io.EOF
			}
			return dst, 0, nil
		default:
			return dst, 0, fmt.Errorf("%s: line %d: %w", r.name, r.line+1, err)
		}
	}
}

// split cuts rec (record bytes without the final terminator) into fields,
// into r.fbuf/r.ends. On recOpen/recBad it also returns the 1-based column
// and a message; the fields read so far are kept (lazily, for display).
func (r *csvReader) split(rec []byte) (int, int, string) {
	d := r.delim
	r.fbuf, r.ends = r.fbuf[:0], r.ends[:0]
	st, badCol, badMsg := recOK, 0, ""
	i, n := 0, len(rec)
	for col := 1; ; col++ {
		j := i
		for j < n && rec[j] == ' ' && d != ' ' {
			j++
		}
		if j < n && rec[j] == '"' {
			j++
			closed := false
			for {
				k := bytes.IndexByte(rec[j:], '"')
				if k < 0 {
					r.fbuf = append(r.fbuf, rec[j:]...)
					break
				}
				r.fbuf = append(r.fbuf, rec[j:j+k]...)
				j += k + 1
				if j < n && rec[j] == '"' {
					r.fbuf = append(r.fbuf, '"')
					j++
					continue
				}
				closed = true
				break
			}
			if !closed {
				r.ends = append(r.ends, len(r.fbuf))
				return recOpen, col, "unbalanced quote: the quoted field is never closed"
			}
			k := j
			for k < n && (rec[k] == ' ' || (rec[k] == '\t' && d != '\t')) {
				k++
			}
			if k == n {
				r.ends = append(r.ends, len(r.fbuf))
				return st, badCol, badMsg
			}
			if rec[k] == d {
				r.ends = append(r.ends, len(r.fbuf))
				i = k + 1
				continue
			}
			if st == recOK {
				st, badCol = recBad, col
				stray := rec[k:]
				if e := bytes.IndexByte(stray, d); e >= 0 {
					stray = stray[:e]
				}
				badMsg = fmt.Sprintf("unexpected %q after the closing quote", truncate(stray, 10))
			}
			m := bytes.IndexByte(rec[j:], d)
			if m < 0 {
				r.fbuf = append(r.fbuf, rec[j:]...)
				r.ends = append(r.ends, len(r.fbuf))
				return st, badCol, badMsg
			}
			r.fbuf = append(r.fbuf, rec[j:j+m]...)
			r.ends = append(r.ends, len(r.fbuf))
			i = j + m + 1
			continue
		}
		k := bytes.IndexByte(rec[i:], d)
		if k < 0 {
			r.fbuf = append(r.fbuf, rec[i:]...)
			r.ends = append(r.ends, len(r.fbuf))
			return st, badCol, badMsg
		}
		r.fbuf = append(r.fbuf, rec[i:i+k]...)
		r.ends = append(r.ends, len(r.fbuf))
		i += k + 1
	}
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return string(b)
}

// next reads one record. decode=false only accounts for it (CountRows).
func (r *csvReader) next(decode bool) (Row, error) {
	for {
		var tl int
		var err error
		r.tooLong = false
		r.rec, tl, err = r.readLine(r.rec[:0])
		if err != nil {
			return Row{}, err
		}
		r.line++
		r.stats.Lines++
		startLine, lines := r.line, 1
		firstEnd, firstTL := len(r.rec), tl
		content := r.rec[:len(r.rec)-tl]
		if r.tooLong {
			r.stats.Records++
			r.stats.Errors++
			r.index++
			return Row{Index: r.index - 1, Line: startLine, Cells: make([]string, r.width),
				Err: &ParseError{File: r.name, Line: startLine, Column: 1,
					Msg: fmt.Sprintf("line longer than %d MiB, skipped", maxLineBytes>>20)}}, nil
		}
		if len(content) == 0 {
			r.stats.Blank++
			continue
		}
		st, col, msg := r.split(content)
		for st == recOpen && tl > 0 && lines < maxRecordLines && len(r.rec) < maxRecordBytes {
			n := len(r.rec)
			r.rec, tl, err = r.readLine(r.rec)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return Row{}, err
			}
			r.line++
			r.stats.Lines++
			lines++
			if r.tooLong {
				break
			}
			if bytes.IndexByte(r.rec[n:], '"') < 0 {
				continue // the quoted field is still open
			}
			content = r.rec[:len(r.rec)-tl]
			st, col, msg = r.split(content)
		}
		cut := lines > 1 && (st != recOK || r.tooLong || (r.width > 0 && len(r.ends) > r.width))
		if cut {
			// The opening quote was most likely a typo: keep only the first
			// line as an error row and read the following lines again.
			back := append(r.spare[:0], r.rec[firstEnd:]...)
			back = append(back, r.pending...)
			r.spare, r.pending = r.pending[:0], back
			r.stats.Lines -= lines - 1
			r.line = startLine
			content = r.rec[:firstEnd-firstTL]
			_, col, _ = r.split(content)
			st, msg = recOpen, "unbalanced quote: the quoted field is not closed on this line"
		}
		row := Row{Index: r.index, Line: startLine}
		r.index++
		r.stats.Records++
		if st != recOK {
			r.stats.Errors++
			row.Err = &ParseError{File: r.name, Line: startLine, Column: col, Msg: msg}
		} else if i := bytes.IndexByte(content, 0); i >= 0 {
			r.stats.Errors++
			row.Err = &ParseError{File: r.name, Line: startLine, Column: bytes.Count(content[:i], []byte{r.delim}) + 1,
				Msg: "binary data (NUL byte): is this really a CSV file?"}
		}
		if decode {
			row.Raw = append([]byte(nil), content...)
			row.Cells = r.cells()
		}
		return row, nil
	}
}

// cells decodes r.fbuf into one string and slices the cells out of it: two
// allocations per row whatever the number of columns.
func (r *csvReader) cells() []string {
	buf, ends := r.fbuf, r.ends
	switch {
	case r.cs.table != nil:
		if !isASCII(buf) {
			buf, ends = r.decode(r.cs.table)
		}
	case !utf8.Valid(buf):
		r.stats.Mixed++
		buf, ends = r.decode(cp1252Table)
	}
	cells := make([]string, max(len(ends), r.width))
	s := string(buf)
	prev := 0
	for i, e := range ends {
		cells[i] = s[prev:e]
		prev = e
	}
	return cells
}

func (r *csvReader) decode(t *[256]rune) ([]byte, []int) {
	r.dbuf, r.dends = r.dbuf[:0], r.dends[:0]
	prev := 0
	for _, e := range r.ends {
		for _, c := range r.fbuf[prev:e] {
			if c < 0x80 {
				r.dbuf = append(r.dbuf, c)
			} else {
				r.dbuf = utf8.AppendRune(r.dbuf, t[c])
			}
		}
		r.dends = append(r.dends, len(r.dbuf))
		prev = e
	}
	return r.dbuf, r.dends
}
