package web

import (
	"context"
	"errors"
	"fmt"
	"github.com/ovhcloud-tools/eligibility/writers"
	"io"
	"strings"
	"sync"

	"github.com/xuri/excelize/v2"

	"github.com/ovhcloud-tools/eligibility/engine"
	"github.com/ovhcloud-tools/eligibility/pipeline"
	"github.com/ovhcloud-tools/eligibility/readers"
	"github.com/ovhcloud-tools/eligibility/resolve"
)

// ReadersInspector is the production Inspector, built on package readers
// (the same reading and mapping as `eligibility run` and `inspect`).
type ReadersInspector struct{}

func readOptions(o ReadOptions) readers.Options {
	return readers.Options{Encoding: o.Encoding, Delimiter: o.Delimiter, Sheet: o.Sheet, MaxUnzipSize: o.MaxUnzip}
}

// Preview reads the first n rows for display and up to engine.SampleRows
// for the mapping proposal, as the run will.
func (ReadersInspector) Preview(ctx context.Context, path string, opts ReadOptions, n int) (*Preview, error) {
	r, err := readers.Open(path, readOptions(opts))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	p := &Preview{Header: r.Header(), Dialect: r.Dialect()}
	var sample [][]string
	for len(sample) < max(n, engine.SampleRows) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(p.Rows) < n {
			p.Rows = append(p.Rows, row.Cells)
			if row.Err != nil {
				p.Warnings = append(p.Warnings, row.Err.Error())
			}
		}
		if row.Err == nil {
			sample = append(sample, row.Cells)
		}
	}
	m := readers.Propose(p.Header, sample)
	p.Proposed, p.Evidence = m.Columns, m.Evidence
	p.Warnings = append(p.Warnings, m.Warnings...)
	if p.Dialect.Format == "xlsx" {
		opt := excelize.Options{}
		if opts.MaxUnzip > 0 {
			opt.UnzipSizeLimit = opts.MaxUnzip
		}
		if f, err := excelize.OpenFile(path, opt); err == nil {
			p.Sheets = f.GetSheetList()
			f.Close()
		}
	}
	return p, nil
}

func mappingOf(p *Preview, m Mapping) readers.Mapping {
	return readers.Mapping{Columns: m, Evidence: p.Evidence, Header: p.Header}
}

// Override applies a --columns spec.
func (ReadersInspector) Override(spec string, p *Preview, base Mapping) (Mapping, error) {
	m, err := readers.ParseOverride(spec, p.Header, mappingOf(p, base))
	if err != nil {
		return nil, err
	}
	return m.Columns, nil
}

// Check is readers.Mapping.Usable.
func (ReadersInspector) Check(p *Preview, m Mapping) error { return mappingOf(p, m).Usable() }

// EngineRunner runs jobs through the process's one Engine (its rate limiter,
// workers and answer cache are shared by every job).
type EngineRunner struct{ Engine *engine.Engine }

// Run implements Runner with engine.RunFile.
func (er EngineRunner) Run(ctx context.Context, spec JobSpec) (Summary, error) {
	var (
		mu      sync.Mutex
		first   []ResultRow
		mapping = readers.Mapping{Columns: spec.Mapping}
	)
	job := engine.FileJob{Input: spec.Input, Outputs: spec.Outputs, Read: readOptions(spec.Read)}
	if spec.Mapping != nil {
		job.Mapping = &mapping
	}
	job.OnStart = func(p engine.Prepared) {
		mu.Lock()
		mapping = p.Mapping
		mu.Unlock()
	}
	// OnRow comes in input order: the first FirstRows calls are the file's first rows.
	job.OnRow = func(row readers.Row, out resolve.Outcome) {
		mu.Lock()
		defer mu.Unlock()
		if len(first) < FirstRows {
			first = append(first, ResultRow{Row: row.Index + 1, Address: addressOf(mapping, row.Cells),
				Status: string(out.Status), Best: bestOf(out.Best), Reason: out.Reason})
		}
	}
	job.Progress = func(p pipeline.Progress) {
		if spec.Progress == nil {
			return
		}
		mu.Lock()
		f := append([]ResultRow(nil), first...)
		mu.Unlock()
		by := make(map[string]int, len(p.ByStatus))
		for s, n := range p.ByStatus {
			by[string(s)] = n
		}
		spec.Progress(Progress{Done: p.Done, Total: p.Total, ByStatus: by, ByTech: p.ByTech, Elapsed: p.Elapsed, First: f})
	}
	sum, err := er.Engine.RunFile(ctx, job)
	return Summary{Rows: sum.Rows, ByStatus: sum.ByStatus, ByTech: sum.ByTech, ByBest: sum.ByBest, Elapsed: sum.Elapsed,
		APICalls: sum.APICallsTotal, CacheHits: sum.CacheHits, Retries: sum.Retries, RateLimited: sum.RateLimited,
		Sandbox: sum.Sandbox}, err
}

// addressOf is the row's address as one line, for the first-results table.
func addressOf(m readers.Mapping, cells []string) string {
	if a := m.Get(cells, readers.RoleAddress); a != "" {
		return strings.Join(nonEmpty(a, m.Get(cells, readers.RoleZip), m.Get(cells, readers.RoleCity)), " ")
	}
	number := strings.Join(nonEmpty(m.Get(cells, readers.RoleNumber), m.Get(cells, readers.RoleSuffix)), " ")
	parts := nonEmpty(strings.Join(nonEmpty(number, m.Get(cells, readers.RoleStreet)), " "),
		strings.Join(nonEmpty(m.Get(cells, readers.RoleZip), m.Get(cells, readers.RoleCity)), " "))
	if len(parts) == 0 {
		parts = nonEmpty(m.Get(cells, readers.RoleBuilding), m.Get(cells, readers.RoleLine), m.Get(cells, readers.RoleOTP),
			m.Get(cells, readers.RoleInsee))
	}
	return strings.Join(parts, ", ")
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func bestOf(o *resolve.Offer) string {
	if o == nil {
		return ""
	}
	name := o.Name
	if name == "" {
		name = o.Code
	}
	return fmt.Sprintf("%s · %s · %s/%s Mb/s", o.Technology, name, writers.FormatRate(o.DownloadMbps), writers.FormatRate(o.UploadMbps))
}
