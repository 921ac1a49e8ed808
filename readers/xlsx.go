package readers

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

const defaultUnzipLimit = 1 << 30

func unzipLimit(opts Options) int64 {
	if opts.MaxUnzipSize > 0 {
		return opts.MaxUnzipSize
	}
	return defaultUnzipLimit
}

type xlsxReader struct {
	name    string
	f       *excelize.File
	rows    *excelize.Rows
	closer  io.Closer
	dialect Dialect
	header  []string
	width   int
	line    int // sheet row of the last row read
	index   int
	first   *Row // with NoHeader, the row read ahead to know the width
}

func openXLSX(name string, src io.Reader, opts Options) (*xlsxReader, error) {
	limit := unzipLimit(opts)
	f, err := excelize.OpenReader(src, excelize.Options{
		UnzipSizeLimit: limit,
		// Sheets bigger than this are unzipped to a temporary file rather
		// than held in memory.
		UnzipXMLSizeLimit: min(limit, 16<<20),
	})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return nil, &LimitError{File: name, Limit: limit, Err: err}
		}
		return nil, fmt.Errorf("%s: not a readable XLSX workbook: %w", name, err)
	}
	r := &xlsxReader{name: name, f: f}
	sheet, why, err := pickSheet(f, opts.Sheet)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.dialect = Dialect{Format: "xlsx", Encoding: "utf-8", Sheet: sheet, Header: !opts.NoHeader, Evidence: why}
	if r.rows, err = f.Rows(sheet); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: sheet %q: %w", name, sheet, err)
	}
	cells, err := r.nextCells()
	if errors.Is(err, io.EOF) {
		return r, nil
	}
	if err != nil {
		r.Close()
		return nil, err
	}
	r.width = len(cells)
	if opts.NoHeader {
		// Later rows may be wider: the header then grows with them.
		r.header = syntheticHeader(r.width)
		r.first = &Row{Index: 0, Line: r.line, Cells: cells}
		r.index = 1
		return r, nil
	}
	r.header = cells
	return r, nil
}

// pickSheet resolves --sheet (name, case-insensitive, or 1-based index), or
// picks the first sheet with a non-empty row.
func pickSheet(f *excelize.File, want string) (string, string, error) {
	list := f.GetSheetList()
	if want != "" {
		for _, s := range list {
			if s == want {
				return s, "sheet forced", nil
			}
		}
		for _, s := range list {
			if strings.EqualFold(s, want) {
				return s, "sheet forced", nil
			}
		}
		if i, err := strconv.Atoi(want); err == nil && i >= 1 && i <= len(list) {
			return list[i-1], fmt.Sprintf("sheet %d forced", i), nil
		}
		return "", "", &OptionError{Option: "sheet", Value: want, Valid: list}
	}
	for i, s := range list {
		rows, err := f.Rows(s)
		if err != nil {
			continue
		}
		nonEmpty := false
		for !nonEmpty && rows.Next() {
			cells, _ := rows.Columns()
			nonEmpty = !allEmpty(cells)
		}
		_ = rows.Close()
		if nonEmpty {
			if i == 0 {
				return s, "first sheet", nil
			}
			return s, fmt.Sprintf("first non-empty sheet (%d of %d)", i+1, len(list)), nil
		}
	}
	if len(list) == 0 {
		return "", "", errors.New("the workbook has no sheet")
	}
	return list[0], "every sheet is empty", nil
}

func allEmpty(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// nextCells returns the next non-empty sheet row, numbers repaired.
func (r *xlsxReader) nextCells() ([]string, error) {
	for r.rows.Next() {
		r.line++
		cells, err := r.rows.Columns()
		if err != nil {
			return nil, fmt.Errorf("%s: sheet %q row %d: %w", r.name, r.dialect.Sheet, r.line, err)
		}
		if allEmpty(cells) {
			continue
		}
		for i, c := range cells {
			cells[i] = excelText(c)
		}
		return cells, nil
	}
	if err := r.rows.Error(); err != nil {
		return nil, fmt.Errorf("%s: sheet %q: %w", r.name, r.dialect.Sheet, err)
	}
	return nil, io.EOF
}

func (r *xlsxReader) Header() []string { return r.header }
func (r *xlsxReader) Dialect() Dialect { return r.dialect }

func (r *xlsxReader) Next() (Row, error) {
	if r.first != nil {
		row := *r.first
		r.first = nil
		return row, nil
	}
	cells, err := r.nextCells()
	if err != nil {
		return Row{}, err
	}
	if len(cells) > r.width {
		r.width = len(cells)
		if !r.dialect.Header {
			r.header = syntheticHeader(r.width)
		}
	}
	if len(cells) < r.width {
		cells = append(cells, make([]string, r.width-len(cells))...)
	}
	row := Row{Index: r.index, Line: r.line, Cells: cells}
	r.index++
	return row, nil
}

func (r *xlsxReader) Close() error {
	var errs []error
	if r.rows != nil {
		errs = append(errs, r.rows.Close())
		r.rows = nil
	}
	if r.f != nil {
		errs = append(errs, r.f.Close())
		r.f = nil
	}
	if r.closer != nil {
		errs = append(errs, r.closer.Close())
		r.closer = nil
	}
	return errors.Join(errs...)
}

var numberText = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// excelText turns a formatted numeric cell back into what the user typed:
// "163.0000000000" → "163", "1.4E+03" → "1400". Integers without a point
// ("01400" typed as text) and dates are left alone.
func excelText(s string) string {
	if !strings.ContainsAny(s, ".eE") || !numberText.MatchString(s) {
		return s
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
