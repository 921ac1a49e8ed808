package writers

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ovhcloud-tools/eligibility/readers"
	"github.com/ovhcloud-tools/eligibility/resolve"
)

// Summary describes a run, for the XLSX Summary sheet. Rows, ByStatus, ByTech
// and ByBest are recounted by the writer from the rows it wrote (the file is
// the truth); the other fields come from the caller.
type Summary struct {
	Input, Endpoint string
	Sandbox         bool
	Started         time.Time
	Elapsed         time.Duration
	Rows            int
	ByStatus        map[string]int
	ByTech, ByBest  map[string]int
	APICalls        map[string]int64 // HTTP calls per route
	APICallsTotal   int64
	CacheHits       int64
	Retries         int64
	RateLimited     int64 // 429 answers
	LimiterWait     time.Duration
}

// Options configures a Writer.
type Options struct {
	// Header is the input header (decoded). With a headerless input it may
	// hold synthetic names or be empty.
	Header []string
	// HeaderRaw is the header record's exact bytes in the input encoding,
	// without line ending; when set (and the dialect is kept) it is echoed
	// verbatim.
	HeaderRaw []byte
	// Dialect is the input's; CSV output copies it. A zero Dialect means
	// UTF-8, ',', LF, with a header row when Header is not empty.
	Dialect readers.Dialect
	// ExcelCSV forces UTF-8 with BOM, ';' and CRLF.
	ExcelCSV bool
	// Sandbox marks every row (elig_sandbox column) and the Summary sheet
	// as simulated data.
	Sandbox bool
	// Stdout receives the CSV when Create is given "-".
	Stdout io.Writer
	// AddressColumns are the input columns summarised in the Offers sheet
	// (the mapped address columns); nil means every non-empty input cell.
	AddressColumns []int
}

// Writer receives every row with its outcome, in output order.
type Writer interface {
	Write(row readers.Row, out resolve.Outcome) error
	// Close finishes the output (for XLSX, writes the Summary sheet) and,
	// for Create, renames the temporary file to its final name.
	Close(Summary) error
	// Abort discards the output; the final file is never created.
	Abort() error
}

// Formats accepted by New.
const (
	FormatCSV   = "csv"
	FormatTSV   = "tsv"
	FormatXLSX  = "xlsx"
	FormatJSONL = "jsonl"
)

// SandboxNote is the elig_sandbox value and the Summary line of sandbox runs.
const SandboxNote = "sandbox data, not real eligibility"

// ErrClosed is returned by Write after Close or Abort.
var ErrClosed = errors.New("writers: writer already closed")

// FormatError reports an output path or format the package cannot write.
type FormatError struct {
	Path, Format string
}

func (e *FormatError) Error() string {
	if e.Path != "" {
		return fmt.Sprintf("writers: %s: unknown output format %q (use .csv, .tsv, .xlsx, .jsonl, .ndjson or .json)", e.Path, e.Format)
	}
	return fmt.Sprintf("writers: unknown output format %q (use csv, tsv, xlsx or jsonl)", e.Format)
}

// FormatOf returns the output format for a path, from its extension.
func FormatOf(path string) (string, error) {
	if path == "-" {
		return FormatCSV, nil
	}
	ext := strings.ToLower(filepath.Ext(path))
	switch ext {
	case ".csv", ".txt":
		return FormatCSV, nil
	case ".tsv", ".tab":
		return FormatTSV, nil
	case ".xlsx":
		return FormatXLSX, nil
	case ".jsonl", ".ndjson", ".json":
		return FormatJSONL, nil
	}
	return "", &FormatError{Path: path, Format: ext}
}

// New returns a Writer of the given format ("csv", "tsv", "xlsx", "jsonl")
// writing to w. Close does not close w.
func New(w io.Writer, format string, opts Options) (Writer, error) {
	return newWriter(w, format, opts, nil)
}

func newWriter(w io.Writer, format string, opts Options, sink *fileSink) (Writer, error) {
	switch strings.ToLower(format) {
	case FormatCSV:
		return newCSV(w, opts, 0, sink)
	case FormatTSV:
		return newCSV(w, opts, '\t', sink)
	case FormatXLSX:
		return newXLSX(w, opts, sink)
	case FormatJSONL, "ndjson", "json":
		return newJSONL(w, opts, sink), nil
	}
	return nil, &FormatError{Format: format}
}

// Create opens a Writer on path, choosing the format from its extension.
// The output goes to a temporary file in the same directory, renamed to path
// at Close; Abort removes it. "-" writes CSV to opts.Stdout.
func Create(path string, opts Options) (Writer, error) {
	format, err := FormatOf(path)
	if err != nil {
		return nil, err
	}
	if path == "-" {
		if opts.Stdout == nil {
			return nil, errors.New("writers: output \"-\" needs Options.Stdout")
		}
		return newWriter(opts.Stdout, format, opts, nil)
	}
	sink, err := newFileSink(path)
	if err != nil {
		return nil, err
	}
	w, err := newWriter(sink.f, format, opts, sink)
	if err != nil {
		_ = sink.abort()
		return nil, err
	}
	return w, nil
}

// fileSink is a temporary file renamed to its final path on success.
type fileSink struct {
	path string
	f    *os.File
	done bool
}

func newFileSink(path string) (*fileSink, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("writers: create %s: %w", path, err)
	}
	return &fileSink{path: path, f: f}, nil
}

// commit syncs, closes and renames the temporary file.
func (s *fileSink) commit() error {
	if s == nil || s.done {
		return nil
	}
	s.done = true
	tmp := s.f.Name()
	err := s.f.Chmod(0o644)
	if err == nil {
		err = s.f.Sync()
	}
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, s.path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("writers: write %s: %w", s.path, err)
	}
	return nil
}

func (s *fileSink) abort() error {
	if s == nil || s.done {
		return nil
	}
	s.done = true
	_ = s.f.Close()
	if err := os.Remove(s.f.Name()); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("writers: remove temporary output: %w", err)
	}
	return nil
}

// name is the final path, for error messages.
func (s *fileSink) name() string {
	if s == nil {
		return "output"
	}
	return s.path
}
