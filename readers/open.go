package readers

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Options say how to read a file; zero values mean "detect".
type Options struct {
	Encoding  string // "" or "auto": detect; else one of EncodingNames (aliases accepted)
	Delimiter string // "": sniff; else ";", ",", "tab", "|" or any single character
	NoHeader  bool   // the first record is data; columns are named col1, col2…
	Sheet     string // XLSX: sheet name or 1-based index; "": first non-empty sheet
	Stdin     io.Reader
	// MaxUnzipSize caps what an XLSX may unzip to (0: 1 GiB). Larger
	// workbooks are refused with a *LimitError (zip bombs).
	MaxUnzipSize int64
}

// Reader streams the data rows of one file with constant memory.
type Reader interface {
	Header() []string // as read (or col1…colN with NoHeader); nil for an empty file
	Dialect() Dialect
	// Next returns the next row, io.EOF at the end. A malformed row is not
	// an error here: it comes back with Row.Err set. An error means the
	// input itself failed (I/O).
	Next() (Row, error)
	Close() error
}

var zipMagic = []byte("PK\x03\x04")

// Open opens path ("-" = opts.Stdin) as CSV or XLSX, by extension, else by
// content.
func Open(path string, opts Options) (Reader, error) {
	if path == "-" {
		if opts.Stdin == nil {
			return nil, errors.New("stdin: no input stream")
		}
		br := bufio.NewReaderSize(opts.Stdin, bufSize)
		if head, _ := br.Peek(4); bytes.Equal(head, zipMagic) {
			limit := unzipLimit(opts)
			data, err := io.ReadAll(io.LimitReader(br, limit+1))
			if err != nil {
				return nil, fmt.Errorf("stdin: %w", err)
			}
			if int64(len(data)) > limit {
				return nil, &LimitError{File: "stdin", Limit: limit, Err: errors.New("the compressed input alone is larger")}
			}
			return openXLSX("stdin", bytes.NewReader(data), opts)
		}
		return newCSV("stdin", br, nil, opts)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xls":
		return nil, fmt.Errorf("%s: old binary .xls is not supported: save it as .xlsx or .csv", path)
	case ".ods":
		return nil, fmt.Errorf("%s: .ods is not supported: save it as .xlsx or .csv", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	head := make([]byte, 4)
	n, _ := io.ReadFull(f, head)
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".xlsx" || ext == ".xlsm" || bytes.Equal(head[:n], zipMagic) {
		r, err := openXLSX(path, f, opts)
		if err != nil {
			f.Close()
			return nil, err
		}
		r.closer = f
		return r, nil
	}
	r, err := newCSV(path, f, f, opts)
	if err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

// CountRows counts the data rows of path (error rows included), without
// decoding cells when the file is a CSV. Stdin cannot be counted.
func CountRows(path string, opts Options) (int, error) {
	if path == "-" {
		return 0, errors.New("stdin: cannot count rows ahead")
	}
	rd, err := Open(path, opts)
	if err != nil {
		return 0, err
	}
	defer rd.Close()
	n := 0
	for {
		var err error
		if c, ok := rd.(*csvReader); ok {
			_, err = c.next(false)
		} else {
			_, err = rd.Next()
		}
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}
