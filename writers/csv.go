package writers

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/ovhcloud-tools/eligibility/readers"
	"github.com/ovhcloud-tools/eligibility/resolve"
)

type csvWriter struct {
	mu       sync.Mutex
	w        *bufio.Writer
	sink     *fileSink
	opts     Options
	lay      layout
	enc      textEncoder
	delim    string // decoded delimiter
	eol      string
	rawOK    bool // input bytes can be echoed: same bytes, delimiter, columns
	quoteAll bool // the input quotes every field
	started  bool // header written, quoting decided
	closed   bool
	err      error // first write error, sticky
	buf      []byte
	cells    []string
}

// newCSV builds a CSV writer; forceDelim (tab for .tsv) overrides the dialect.
func newCSV(w io.Writer, opts Options, forceDelim rune, sink *fileSink) (*csvWriter, error) {
	d := opts.Dialect
	in, err := encoderFor(d.Encoding)
	if err != nil {
		return nil, err
	}
	out := in
	delim, eol := d.Delimiter, d.LineEnding
	if delim == 0 {
		delim = ','
	}
	if eol == "" {
		eol = "\n"
	}
	if opts.ExcelCSV {
		out, _ = encoderFor("utf-8-bom")
		delim, eol = ';', "\r\n"
	}
	if forceDelim != 0 {
		delim = forceDelim
	}
	switch {
	case delim == '"' || delim == '\r' || delim == '\n':
		return nil, fmt.Errorf("writers: invalid CSV delimiter %q", delim)
	}
	c := &csvWriter{
		w:     bufio.NewWriterSize(w, 64<<10),
		sink:  sink,
		opts:  opts,
		lay:   newLayout(opts),
		enc:   out,
		delim: string(delim),
		eol:   eol,
	}
	inDelim := d.Delimiter
	if inDelim == 0 {
		inDelim = ','
	}
	c.rawOK = d.Format != "xlsx" && out.sameBytes(in) && delim == inDelim && !c.lay.dropped
	return c, nil
}

func (c *csvWriter) Write(row readers.Row, out resolve.Outcome) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrClosed
	}
	if c.err != nil {
		return c.err
	}
	fixOutcome(&row, &out)
	if !c.started {
		c.start(row.Raw)
	}
	b := c.buf[:0]
	cells := c.cells[:0]
	hasInput := true
	if c.rawOK && row.Raw != nil && (row.Err == nil || bytes.Count(row.Raw, []byte{'"'})%2 == 0) {
		// Byte-for-byte echo. A malformed row with an odd number of quotes is
		// re-encoded instead: echoing it would swallow every following line.
		b = append(b, row.Raw...)
	} else {
		cells = c.lay.inputCells(cells, row.Cells)
		b = c.appendRecord(b, cells)
		hasInput = len(cells) > 0
	}
	if hasInput {
		b = append(b, c.delim...)
	}
	cells = c.lay.eligCells(cells[:0], &out)
	b = c.appendRecord(b, cells)
	b = append(b, c.eol...)
	c.buf, c.cells = b, cells
	if _, err := c.w.Write(b); err != nil {
		c.err = fmt.Errorf("writers: %s: row %d: %w", c.sink.name(), row.Index+1, err)
		return c.err
	}
	return nil
}

// start decides the quoting style from the first raw record and writes the
// BOM and header.
func (c *csvWriter) start(firstRaw []byte) {
	c.started = true
	if c.opts.Dialect.Quote && firstRaw != nil {
		c.quoteAll = allQuoted(firstRaw, c.delim)
	}
	var b []byte
	if c.enc.bom {
		b = append(b, "\ufeff"...)
	}
	if c.lay.header {
		if c.rawOK && c.opts.HeaderRaw != nil {
			b = append(b, bytes.TrimPrefix(c.opts.HeaderRaw, []byte("\ufeff"))...)
			b = append(b, c.delim...)
			b = c.appendRecord(b, c.lay.extra)
		} else {
			b = c.appendRecord(b, c.lay.names())
		}
		b = append(b, c.eol...)
	}
	if _, err := c.w.Write(b); err != nil {
		c.err = fmt.Errorf("writers: %s: header: %w", c.sink.name(), err)
	}
}

func (c *csvWriter) appendRecord(b []byte, cells []string) []byte {
	for i, s := range cells {
		if i > 0 {
			b = append(b, c.delim...)
		}
		if c.quoteAll || needsQuotes(s, c.delim) {
			b = append(b, '"')
			b = c.enc.append(b, strings.ReplaceAll(s, `"`, `""`))
			b = append(b, '"')
		} else {
			b = c.enc.append(b, s)
		}
	}
	return b
}

func needsQuotes(s, delim string) bool {
	return strings.Contains(s, delim) || strings.ContainsAny(s, "\"\r\n")
}

// allQuoted reports whether every field of a raw record is quoted, the
// "quote everything" style some exports use.
func allQuoted(raw []byte, delim string) bool {
	d := []byte(delim)
	for i := 0; ; {
		if i >= len(raw) || raw[i] != '"' {
			return false
		}
		i++
		for { // inside quotes
			j := bytes.IndexByte(raw[i:], '"')
			if j < 0 {
				return false
			}
			i += j + 1
			if i < len(raw) && raw[i] == '"' {
				i++
				continue
			}
			break
		}
		if i == len(raw) {
			return true
		}
		if !bytes.HasPrefix(raw[i:], d) {
			return false
		}
		i += len(d)
	}
}

func (c *csvWriter) Close(Summary) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrClosed
	}
	c.closed = true
	if !c.started {
		c.start(nil)
	}
	err := c.err
	if err == nil {
		if err = c.w.Flush(); err != nil {
			err = fmt.Errorf("writers: %s: %w", c.sink.name(), err)
		}
	}
	if err != nil {
		_ = c.sink.abort()
		return err
	}
	return c.sink.commit()
}

func (c *csvWriter) Abort() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	return c.sink.abort()
}
