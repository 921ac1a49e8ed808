package writers

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"sync"

	"github.com/ovhcloud-tools/eligibility/readers"
	"github.com/ovhcloud-tools/eligibility/resolve"
)

type jsonlWriter struct {
	mu     sync.Mutex
	w      *bufio.Writer
	sink   *fileSink
	lay    layout
	keys   [][]byte // JSON-encoded input keys, unique
	used   map[string]bool
	buf    bytes.Buffer
	enc    *json.Encoder
	closed bool
	err    error
}

// jsonRow is one JSON line; Input keeps the column order.
type jsonRow struct {
	Row      int             `json:"row"`
	Line     int             `json:"line"`
	Input    json.RawMessage `json:"input"`
	Result   resolve.Outcome `json:"result"`
	RowError string          `json:"rowError,omitempty"`
	Sandbox  bool            `json:"sandbox,omitempty"`
}

func newJSONL(w io.Writer, opts Options, sink *fileSink) *jsonlWriter {
	j := &jsonlWriter{w: bufio.NewWriterSize(w, 64<<10), sink: sink, lay: newLayout(opts)}
	j.used = map[string]bool{}
	for _, name := range j.lay.inNames {
		j.keys = append(j.keys, jsonKey(name, j.used))
	}
	j.enc = json.NewEncoder(&j.buf)
	j.enc.SetEscapeHTML(false)
	return j
}

// jsonKey encodes a column name as a JSON key, suffixing duplicates (_2, _3…).
func jsonKey(name string, seen map[string]bool) []byte {
	k := name
	for n := 2; seen[k]; n++ {
		k = name + "_" + strconv.Itoa(n)
	}
	seen[k] = true
	b, _ := json.Marshal(k)
	return b
}

func (j *jsonlWriter) Write(row readers.Row, out resolve.Outcome) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return ErrClosed
	}
	if j.err != nil {
		return j.err
	}
	fixOutcome(&row, &out)
	cells := j.lay.inputCells(nil, row.Cells)
	var seen map[string]bool // for cells beyond the header
	var in bytes.Buffer
	in.WriteByte('{')
	for i, cell := range cells {
		if i > 0 {
			in.WriteByte(',')
		}
		if i < len(j.keys) {
			in.Write(j.keys[i])
		} else {
			if seen == nil {
				seen = make(map[string]bool, len(j.used))
				for k := range j.used {
					seen[k] = true
				}
			}
			in.Write(jsonKey("col_"+strconv.Itoa(i+1), seen))
		}
		in.WriteByte(':')
		v, _ := json.Marshal(cell)
		in.Write(v)
	}
	in.WriteByte('}')
	rec := jsonRow{Row: row.Index + 1, Line: row.Line, Input: in.Bytes(), Result: out, Sandbox: j.lay.sandbox}
	if row.Err != nil {
		rec.RowError = row.Err.Error()
	}
	j.buf.Reset()
	if err := j.enc.Encode(&rec); err != nil {
		j.err = fmt.Errorf("writers: %s: row %d: %w", j.sink.name(), row.Index+1, err)
		return j.err
	}
	if _, err := j.w.Write(j.buf.Bytes()); err != nil {
		j.err = fmt.Errorf("writers: %s: row %d: %w", j.sink.name(), row.Index+1, err)
		return j.err
	}
	return nil
}

func (j *jsonlWriter) Close(Summary) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return ErrClosed
	}
	j.closed = true
	err := j.err
	if err == nil {
		if err = j.w.Flush(); err != nil {
			err = fmt.Errorf("writers: %s: %w", j.sink.name(), err)
		}
	}
	if err != nil {
		_ = j.sink.abort()
		return err
	}
	return j.sink.commit()
}

func (j *jsonlWriter) Abort() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.closed = true
	return j.sink.abort()
}
