package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ovhcloud-tools/eligibility/pipeline"
	"github.com/ovhcloud-tools/eligibility/readers"
	"github.com/ovhcloud-tools/eligibility/resolve"
	"github.com/ovhcloud-tools/eligibility/writers"
)

// SampleRows is how many rows the column mapping looks at.
const SampleRows = 200

// FileJob is one file to enrich.
type FileJob struct {
	Input   string   // path, or "-" for Read.Stdin
	Outputs []string // one or more paths; the format comes from the extension; "-" = stdout CSV
	Read    readers.Options
	Columns string           // --columns override spec
	Mapping *readers.Mapping // a mapping chosen elsewhere (web page); wins over Columns
	Limit   int
	// ExcelCSV writes CSV outputs as UTF-8 with BOM and ';'.
	ExcelCSV bool
	Stdout   io.Writer
	Progress func(pipeline.Progress)
	OnRow    func(readers.Row, resolve.Outcome)
	// OnStart is called once the file is open and mapped, before any API call.
	OnStart func(Prepared)
}

// Prepared is what is known about the input before the run starts.
type Prepared struct {
	Header  []string
	Dialect readers.Dialect
	Mapping readers.Mapping
	Total   int // rows, 0 if unknown (stdin); set by RunFile, not Prepare
}

// ErrNoRows is returned for an input with a header and no data row.
var ErrNoRows = errors.New("no data rows")

// peeked replays the rows read for the mapping sample, then the rest.
type peeked struct {
	buf []readers.Row
	r   readers.Reader
}

func (p *peeked) Next() (readers.Row, error) {
	if len(p.buf) > 0 {
		row := p.buf[0]
		p.buf = p.buf[1:]
		return row, nil
	}
	return p.r.Next()
}

// Prepare opens the input and decides the mapping without any API call.
// The returned source replays the sampled rows.
func Prepare(job FileJob) (readers.Reader, pipeline.Source, Prepared, error) {
	r, err := readers.Open(job.Input, job.Read)
	if err != nil {
		return nil, nil, Prepared{}, err
	}
	p := &peeked{r: r}
	var sample [][]string
	for len(p.buf) < SampleRows {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			r.Close()
			return nil, nil, Prepared{}, err
		}
		p.buf = append(p.buf, row)
		if row.Err == nil {
			sample = append(sample, row.Cells)
		}
	}
	header := r.Header()
	var m readers.Mapping
	switch {
	case job.Mapping != nil:
		m = *job.Mapping
	default:
		m = readers.Propose(header, sample)
		if job.Columns != "" {
			if m, err = readers.ParseOverride(job.Columns, header, m); err != nil {
				r.Close()
				return nil, nil, Prepared{}, err
			}
		}
	}
	if err := m.Usable(); err != nil {
		r.Close()
		return nil, nil, Prepared{}, fmt.Errorf("%s: %w", job.Input, err)
	}
	return r, p, Prepared{Header: header, Dialect: r.Dialect(), Mapping: m}, nil
}

// countRows fills prep.Total for progress and ETA. It reads the whole file,
// so only a run does it, once (checks and dry runs need no total).
func countRows(job FileJob, prep *Prepared) {
	if job.Input != "-" {
		if n, err := readers.CountRows(job.Input, job.Read); err == nil {
			prep.Total = n
		}
	}
	if job.Limit > 0 && (prep.Total == 0 || prep.Total > job.Limit) {
		prep.Total = job.Limit
	}
}

// InputOf returns the mapper from cells to the resolver's input.
func InputOf(m readers.Mapping) func([]string) resolve.Input {
	return func(c []string) resolve.Input {
		return resolve.Input{
			Zip: m.Get(c, readers.RoleZip), City: m.Get(c, readers.RoleCity), Insee: m.Get(c, readers.RoleInsee),
			Address: m.Get(c, readers.RoleAddress), Number: m.Get(c, readers.RoleNumber),
			Suffix: m.Get(c, readers.RoleSuffix), Street: m.Get(c, readers.RoleStreet),
			Complement: m.Get(c, readers.RoleComplement), Line: m.Get(c, readers.RoleLine),
			LineStatus: m.Get(c, readers.RoleLineStatus), OTP: m.Get(c, readers.RoleOTP),
			Building: m.Get(c, readers.RoleBuilding),
		}
	}
}

// multi writes every row to several writers.
type multi []writers.Writer

func (m multi) Write(row readers.Row, out resolve.Outcome) error {
	for _, w := range m {
		if err := w.Write(row, out); err != nil {
			return err
		}
	}
	return nil
}

// RunFile enriches one file. Outputs appear only complete (temporary file
// renamed at the end). On interrupt every row is still written and the error
// is ctx's. The summary is filled in every case.
func (e *Engine) RunFile(ctx context.Context, job FileJob) (writers.Summary, error) {
	started := time.Now()
	sum := writers.Summary{Input: job.Input, Endpoint: e.endpoint, Sandbox: e.Sandbox(), Started: started}
	r, src, prep, err := Prepare(job)
	if err != nil {
		return sum, err
	}
	defer r.Close()
	countRows(job, &prep)
	if job.OnStart != nil {
		job.OnStart(prep)
	}
	wopts := writers.Options{Header: prep.Header, Dialect: prep.Dialect, ExcelCSV: job.ExcelCSV,
		Sandbox: e.Sandbox(), Stdout: job.Stdout}
	var ws multi
	abort := func() {
		for _, w := range ws {
			w.Abort()
		}
	}
	for _, out := range job.Outputs {
		w, err := writers.Create(out, wopts)
		if err != nil {
			abort()
			return sum, fmt.Errorf("output %s: %w", out, err)
		}
		ws = append(ws, w)
	}
	before := e.Counters()
	cfg := pipeline.Config{Workers: e.opts.Workers, Limit: job.Limit, Total: prep.Total,
		Map: InputOf(prep.Mapping), Progress: job.Progress, OnRow: job.OnRow, Logger: e.log}
	st, runErr := pipeline.Run(ctx, cfg, src, e.resolver, ws)
	if runErr != nil && !st.Interrupted {
		abort()
		return sum, runErr
	}
	after := e.Counters()
	sum.Elapsed = time.Since(started)
	sum.Rows = st.Rows
	sum.ByStatus = map[string]int{}
	for s, n := range st.ByStatus {
		sum.ByStatus[string(s)] = n
	}
	sum.ByTech, sum.ByBest = st.ByTech, st.ByBest
	sum.APICalls = map[string]int64{}
	for route, n := range after.Requests {
		if d := n - before.Requests[route]; d > 0 {
			sum.APICalls[route] = d
			sum.APICallsTotal += d
		}
	}
	sum.CacheHits = after.CacheHits - before.CacheHits
	sum.Retries = after.Retries - before.Retries
	sum.RateLimited = after.RateLimited - before.RateLimited
	sum.LimiterWait = after.LimiterWait - before.LimiterWait
	for _, w := range ws {
		if err := w.Close(sum); err != nil {
			abort()
			return sum, fmt.Errorf("write output: %w", err)
		}
	}
	return sum, runErr
}
