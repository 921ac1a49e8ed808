package web

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ovhcloud-tools/eligibility/readers"
)

// fakeInspector reads UTF-8 CSV (delimiter sniffed on the first line) and
// XLSX, and proposes a mapping from header names.
type fakeInspector struct{}

func readAll(path string, opts ReadOptions) ([]string, [][]string, readers.Dialect, []string, error) {
	if strings.HasSuffix(path, ".xlsx") {
		f, err := excelize.OpenFile(path)
		if err != nil {
			return nil, nil, readers.Dialect{}, nil, err
		}
		defer f.Close()
		sheets := f.GetSheetList()
		sheet := opts.Sheet
		if sheet == "" {
			sheet = sheets[0]
		}
		rows, err := f.GetRows(sheet)
		if err != nil {
			return nil, nil, readers.Dialect{}, nil, err
		}
		if len(rows) == 0 {
			return nil, nil, readers.Dialect{}, nil, errors.New("empty sheet")
		}
		return rows[0], rows[1:], readers.Dialect{Format: "xlsx", Sheet: sheet, Header: true}, sheets, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, readers.Dialect{}, nil, err
	}
	text := strings.TrimPrefix(string(b), "\ufeff")
	delim := ','
	if opts.Delimiter != "" {
		delim = []rune(opts.Delimiter)[0]
	} else if first, _, _ := strings.Cut(text, "\n"); strings.Count(first, ";") > strings.Count(first, ",") {
		delim = ';'
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = delim
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return nil, nil, readers.Dialect{}, nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 {
		return nil, nil, readers.Dialect{}, nil, fmt.Errorf("%s: no rows", path)
	}
	d := readers.Dialect{Format: "csv", Encoding: "utf-8", Delimiter: delim, Header: true, Evidence: "fake sniff"}
	return recs[0], recs[1:], d, nil, nil
}

func (fakeInspector) Preview(_ context.Context, path string, opts ReadOptions, n int) (*Preview, error) {
	h, rows, d, sheets, err := readAll(path, opts)
	if err != nil {
		return nil, err
	}
	if len(rows) > n {
		rows = rows[:n]
	}
	p := &Preview{Header: h, Rows: rows, Dialect: d, Sheets: sheets, Proposed: Mapping{}, Evidence: map[readers.Role]string{}}
	names := map[string]readers.Role{"postcode": readers.RoleZip, "city": readers.RoleCity, "adresse": readers.RoleAddress,
		"voie_nom": readers.RoleStreet, "numero": readers.RoleNumber, "commune_nom": readers.RoleCity}
	for i, c := range h {
		if role, ok := names[strings.ToLower(c)]; ok {
			p.Proposed[role] = i
			p.Evidence[role] = "header " + c
		}
	}
	return p, nil
}

func (fakeInspector) Override(spec string, p *Preview, base Mapping) (Mapping, error) {
	m := Mapping{}
	for k, v := range base {
		m[k] = v
	}
	for _, kv := range strings.Split(spec, ",") {
		k, v, _ := strings.Cut(kv, "=")
		v = strings.Trim(v, `"`)
		found := false
		for i, h := range p.Header {
			if h == v {
				m[readers.Role(k)] = i
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown column %q; the columns are %s", v, strings.Join(p.Header, ", "))
		}
	}
	return m, nil
}

func (fakeInspector) Check(_ *Preview, m Mapping) error {
	_, addr := m[readers.RoleAddress]
	_, street := m[readers.RoleStreet]
	_, zip := m[readers.RoleZip]
	_, city := m[readers.RoleCity]
	if !addr && !street {
		return errors.New("no street or address column")
	}
	if !addr && !zip && !city {
		return errors.New("no postcode or city column")
	}
	return nil
}

// fakeRunner writes result.csv and result.xlsx (sheet Results) with an
// elig_status column, one progress call per row, waiting delay per row.
type fakeRunner struct {
	delay atomic.Int64 // per row, nanoseconds
	// perRun, if set, gives the per-row delay of the n-th run (1-based).
	perRun  func(n int32) time.Duration
	started chan string // receives the input path when a run starts (if not nil)
	runs    atomic.Int32
	panics  bool
}

func (f *fakeRunner) Run(ctx context.Context, spec JobSpec) (Summary, error) {
	n := f.runs.Add(1)
	delay := time.Duration(f.delay.Load())
	if f.perRun != nil {
		delay = f.perRun(n)
	}
	if f.panics {
		panic("boom")
	}
	if f.started != nil {
		select {
		case f.started <- spec.Input:
		default:
		}
	}
	h, rows, _, _, err := readAll(spec.Input, spec.Read)
	if err != nil {
		return Summary{}, err
	}
	start := time.Now()
	p := Progress{Total: len(rows), ByStatus: map[string]int{}, ByTech: map[string]int{}}
	out := [][]string{append(append([]string{}, h...), "elig_status")}
	for i, row := range rows {
		if delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-ctx.Done():
				t.Stop()
				return Summary{}, ctx.Err()
			case <-t.C:
			}
		}
		if err := ctx.Err(); err != nil {
			return Summary{}, err
		}
		st := "eligible"
		if i%3 == 2 {
			st = "not_found"
		}
		p.Done++
		p.ByStatus[st]++
		if st == "eligible" {
			p.ByTech["FTTH"]++
		}
		if len(p.First) < FirstRows {
			p.First = append(p.First, ResultRow{Row: i + 1, Address: strings.Join(row, " "), Status: st, Best: "FTTH 1000/500"})
		}
		p.Elapsed = time.Since(start)
		if spec.Progress != nil {
			spec.Progress(copyProgress(p))
		}
		out = append(out, append(append([]string{}, row...), st))
	}
	for _, o := range spec.Outputs {
		if err := writeOut(o, out); err != nil {
			return Summary{}, err
		}
	}
	return Summary{Rows: len(rows), ByStatus: p.ByStatus, ByTech: p.ByTech, Elapsed: time.Since(start), APICalls: int64(3 * len(rows))}, nil
}

func writeOut(path string, rows [][]string) error {
	if filepath.Ext(path) == ".xlsx" {
		x := excelize.NewFile()
		defer x.Close()
		x.SetSheetName("Sheet1", "Results")
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			vals := make([]any, len(r))
			for j := range r {
				vals[j] = r[j]
			}
			if err := x.SetSheetRow("Results", cell, &vals); err != nil {
				return err
			}
		}
		return x.SaveAs(path)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.WriteAll(rows)
	return errors.Join(w.Error(), f.Close())
}
