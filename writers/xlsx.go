package writers

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/ovhcloud-tools/eligibility/readers"
	"github.com/ovhcloud-tools/eligibility/resolve"
)

// Sheet names of the XLSX output.
const (
	SheetResults    = "Results"
	SheetOffers     = "Offers"
	SheetCandidates = "Candidates"
	SheetSummary    = "Summary"
)

// widthSample is how many rows are buffered to size the Results columns:
// StreamWriter needs the widths before the first row.
const widthSample = 100

var (
	offersHeader = []string{"row", "line", "input", "status", "best", "code", "name", "technology",
		"eligible", "download_mbps", "upload_mbps", "nominal_download_mbps", "nominal_upload_mbps",
		"guaranteed", "provider", "endpoint_type", "endpoint", "reference", "reasons", "under_conditions"}
	offersWidths     = []float64{7, 7, 40, 12, 6, 22, 40, 11, 9, 14, 12, 14, 14, 11, 10, 14, 22, 22, 60, 40}
	candidatesHeader = []string{"row", "line", "input", "status", "rank", "level", "label", "code", "score"}
	candidatesWidths = []float64{7, 7, 40, 12, 6, 10, 40, 22, 8}
)

// ErrTooManyRows is returned when Results would exceed Excel's row limit.
var ErrTooManyRows = fmt.Errorf("writers: more than %d rows do not fit in an XLSX sheet; write CSV or JSONL", excelize.TotalRows-1)

type pendingRow struct {
	in    []string // kept input cells, one per named column
	extra []string // cells beyond the input header, written after elig_*
	out   resolve.Outcome
	elig  []string
}

type xlsxWriter struct {
	mu   sync.Mutex
	w    io.Writer
	sink *fileSink
	opts Options
	lay  layout
	f    *excelize.File

	headerless bool // the input had no header row

	res, offers, cands          *excelize.StreamWriter
	resRow, offersRow, candsRow int // last row written
	maxCols                     int // widest Results row
	offersCut, candsCut         int // lines dropped at the row limit

	pending []pendingRow
	started bool
	closed  bool
	err     error
	counts  counts

	styleHeader, styleText, styleScore int
	styleStatus                        map[resolve.Status]int
}

func newXLSX(w io.Writer, opts Options, sink *fileSink) (*xlsxWriter, error) {
	x := &xlsxWriter{w: w, sink: sink, opts: opts, lay: newLayout(opts), f: excelize.NewFile(), counts: newCounts()}
	x.headerless = !x.lay.header
	x.lay.header = true // a workbook always names its columns
	if err := x.setup(); err != nil {
		_ = x.f.Close()
		return nil, fmt.Errorf("writers: %s: %w", sink.name(), err)
	}
	return x, nil
}

func (x *xlsxWriter) setup() error {
	f := x.f
	if err := f.SetSheetName("Sheet1", SheetResults); err != nil {
		return err
	}
	for _, s := range []string{SheetOffers, SheetCandidates, SheetSummary} {
		if _, err := f.NewSheet(s); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	var err error
	if x.styleHeader, err = f.NewStyle(&excelize.Style{
		Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
	}); err != nil {
		return err
	}
	if x.styleText, err = f.NewStyle(&excelize.Style{NumFmt: 49}); err != nil { // "@": stays text when edited
		return err
	}
	if x.styleScore, err = f.NewStyle(&excelize.Style{NumFmt: 2}); err != nil { // 0.00
		return err
	}
	x.styleStatus = map[resolve.Status]int{}
	for st, color := range map[resolve.Status]string{
		resolve.StatusEligible: "C6EFCE", resolve.StatusNotEligible: "FFEB9C", resolve.StatusNotFound: "F4CCCC",
		resolve.StatusAmbiguous: "FCE4D6", resolve.StatusInvalid: "D9D9D9", resolve.StatusError: "FF9999",
	} {
		id, err := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}})
		if err != nil {
			return err
		}
		x.styleStatus[st] = id
	}
	if x.res, err = f.NewStreamWriter(SheetResults); err != nil {
		return err
	}
	if x.offers, err = x.sideSheet(SheetOffers, offersHeader, offersWidths); err != nil {
		return err
	}
	x.offersRow = 1
	if x.cands, err = x.sideSheet(SheetCandidates, candidatesHeader, candidatesWidths); err != nil {
		return err
	}
	x.candsRow = 1
	return nil
}

// sideSheet opens a stream on sheet and writes its header.
func (x *xlsxWriter) sideSheet(sheet string, header []string, widths []float64) (*excelize.StreamWriter, error) {
	sw, err := x.f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	if err := sw.SetPanes(frozenHeader()); err != nil {
		return nil, err
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return nil, err
		}
	}
	return sw, sw.SetRow("A1", x.headerValues(header))
}

func frozenHeader() *excelize.Panes {
	return &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}
}

func (x *xlsxWriter) headerValues(names []string) []any {
	v := make([]any, len(names))
	for i, n := range names {
		v[i] = excelize.Cell{StyleID: x.styleHeader, Value: n}
	}
	return v
}

func (x *xlsxWriter) Write(row readers.Row, out resolve.Outcome) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return ErrClosed
	}
	if x.err != nil {
		return x.err
	}
	fixOutcome(&row, &out)
	x.counts.add(&out)
	if err := x.writeSide(&row, &out); err != nil {
		x.err = fmt.Errorf("writers: %s: row %d: %w", x.sink.name(), row.Index+1, err)
		return x.err
	}
	if !x.started {
		// Cells are split at start, once a headerless input's width is known.
		x.pending = append(x.pending, pendingRow{in: append([]string(nil), row.Cells...), out: out})
		if len(x.pending) < widthSample {
			return nil
		}
		return x.start()
	}
	p := x.split(row.Cells, out)
	if err := x.writeResult(&p); err != nil {
		x.err = fmt.Errorf("writers: %s: row %d: %w", x.sink.name(), row.Index+1, err)
		return x.err
	}
	return nil
}

// split lays a row out under the Results header.
func (x *xlsxWriter) split(cells []string, out resolve.Outcome) pendingRow {
	all := x.lay.inputCells(nil, cells)
	p := pendingRow{in: all[:len(x.lay.keep)], extra: all[len(x.lay.keep):], out: out}
	p.elig = x.lay.eligCells(nil, &p.out)
	return p
}

// start sizes the Results columns from the buffered rows, then writes the
// header and those rows. A headerless input gets col_N names as wide as its
// widest buffered row.
func (x *xlsxWriter) start() error {
	x.started = true
	if x.headerless {
		for _, p := range x.pending {
			for i := x.lay.width; i < len(p.in); i++ {
				x.lay.keep = append(x.lay.keep, i)
				x.lay.inNames = append(x.lay.inNames, "col_"+strconv.Itoa(i+1))
				x.lay.width = i + 1
			}
		}
	}
	for i := range x.pending {
		x.pending[i] = x.split(x.pending[i].in, x.pending[i].out)
	}
	names := x.lay.names()
	widths := make([]float64, len(names))
	grow := func(i int, s string) {
		for i >= len(widths) {
			widths = append(widths, 0)
		}
		if n := float64(utf8.RuneCountInString(s)) + 2; n > widths[i] {
			widths[i] = n
		}
	}
	for i, n := range names {
		grow(i, n)
	}
	for _, p := range x.pending {
		for i, s := range p.in {
			grow(i, s)
		}
		for i, s := range p.elig {
			grow(len(p.in)+i, s)
		}
	}
	fail := func(err error) error {
		x.err = fmt.Errorf("writers: %s: %w", x.sink.name(), err)
		return x.err
	}
	if err := x.res.SetPanes(frozenHeader()); err != nil {
		return fail(err)
	}
	for i, wd := range widths {
		if err := x.res.SetColWidth(i+1, i+1, min(max(wd, 8), 60)); err != nil {
			return fail(err)
		}
	}
	if err := x.res.SetRow("A1", x.headerValues(names)); err != nil {
		return fail(err)
	}
	x.resRow, x.maxCols = 1, len(names)
	for i := range x.pending {
		if err := x.writeResult(&x.pending[i]); err != nil {
			return fail(err)
		}
	}
	x.pending = nil
	return nil
}

func (x *xlsxWriter) writeResult(p *pendingRow) error {
	if x.resRow >= excelize.TotalRows {
		return ErrTooManyRows
	}
	x.resRow++
	nIn := len(p.in)
	vals := make([]any, nIn+len(p.elig), nIn+len(p.elig)+len(p.extra))
	text := func(s string) any {
		if s == "" {
			return nil
		}
		// Text cells: 01400 and 0123456789 stay what they were.
		return excelize.Cell{StyleID: x.styleText, Value: s}
	}
	for i, s := range p.in {
		vals[i] = text(s)
	}
	for _, s := range p.extra { // a malformed row's surplus cells, kept at the right
		vals = append(vals, text(s))
	}
	for i, s := range p.elig {
		if s != "" {
			vals[nIn+i] = s
		}
	}
	vals[nIn+colStatus] = excelize.Cell{StyleID: x.styleStatus[p.out.Status], Value: p.elig[colStatus]}
	if b := p.out.Best; b != nil {
		vals[nIn+colDownload] = roundRate(b.DownloadMbps)
		vals[nIn+colUpload] = roundRate(b.UploadMbps)
	}
	if p.elig[colScore] != "" {
		vals[nIn+colScore] = excelize.Cell{StyleID: x.styleScore, Value: p.out.Score}
	}
	x.maxCols = max(x.maxCols, len(vals))
	return x.res.SetRow("A"+strconv.Itoa(x.resRow), vals)
}

func roundRate(v float64) any {
	s := FormatRate(v)
	if s == "" {
		return nil
	}
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// writeSide streams the row's offers and candidates to their sheets.
func (x *xlsxWriter) writeSide(row *readers.Row, out *resolve.Outcome) error {
	if len(out.Offers) == 0 && len(out.Candidates) == 0 {
		return nil
	}
	summary := x.inputSummary(row.Cells)
	n, line, status := row.Index+1, row.Line, string(out.Status)
	for i := range out.Offers {
		of := &out.Offers[i]
		if x.offersRow >= excelize.TotalRows {
			x.offersCut++
			continue
		}
		x.offersRow++
		best := ""
		if out.Best != nil && out.Best.Code == of.Code && out.Best.Endpoint == of.Endpoint {
			best = "yes"
		}
		vals := []any{n, line, textCell(summary), status, nilIfEmpty(best), textCell(of.Code), nilIfEmpty(of.Name),
			nilIfEmpty(of.Technology), of.Eligible, roundRate(of.DownloadMbps), roundRate(of.UploadMbps),
			roundRate(of.NominalDownMbps), roundRate(of.NominalUpMbps), of.Guaranteed, nilIfEmpty(of.Provider),
			nilIfEmpty(of.EndpointType), textCell(of.Endpoint), textCell(of.Reference),
			nilIfEmpty(joinReasons(of.Reasons)), nilIfEmpty(joinReasons(of.UnderConditions))}
		if err := x.offers.SetRow("A"+strconv.Itoa(x.offersRow), vals); err != nil {
			return err
		}
	}
	for i, c := range out.Candidates {
		if x.candsRow >= excelize.TotalRows {
			x.candsCut++
			continue
		}
		x.candsRow++
		vals := []any{n, line, textCell(summary), status, i + 1, nilIfEmpty(c.Level), textCell(c.Label),
			textCell(c.Code), excelize.Cell{StyleID: x.styleScore, Value: c.Score}}
		if err := x.cands.SetRow("A"+strconv.Itoa(x.candsRow), vals); err != nil {
			return err
		}
	}
	return nil
}

func textCell(s string) any { return nilIfEmpty(s) } // string values are inline strings already

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// inputSummary is the row's address as the Offers sheet shows it.
func (x *xlsxWriter) inputSummary(cells []string) string {
	var parts []string
	add := func(i int) {
		if i >= 0 && i < len(cells) {
			if s := strings.TrimSpace(cells[i]); s != "" {
				parts = append(parts, s)
			}
		}
	}
	if x.opts.AddressColumns != nil {
		for _, i := range x.opts.AddressColumns {
			add(i)
		}
	} else {
		for _, i := range x.lay.keep {
			add(i)
		}
		for i := x.lay.width; i < len(cells); i++ {
			add(i)
		}
	}
	s := strings.Join(parts, " ")
	if utf8.RuneCountInString(s) > 120 {
		s = string([]rune(s)[:119]) + "…"
	}
	return s
}

func joinReasons(rs []resolve.Reason) string {
	var b strings.Builder
	for i, r := range rs {
		if i > 0 {
			b.WriteString(" | ")
		}
		b.WriteString(r.Code)
		if r.Message != "" {
			if r.Code != "" {
				b.WriteString(": ")
			}
			b.WriteString(r.Message)
		}
		if r.AvailabilityDate != "" {
			b.WriteString(" (" + r.AvailabilityDate + ")")
		}
	}
	return b.String()
}

func (x *xlsxWriter) Close(s Summary) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return ErrClosed
	}
	x.closed = true
	err := x.err
	if err == nil {
		if err = x.finish(s); err != nil {
			err = fmt.Errorf("writers: %s: %w", x.sink.name(), err)
		}
	}
	if cerr := x.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("writers: %s: %w", x.sink.name(), cerr)
	}
	if err != nil {
		_ = x.sink.abort()
		return err
	}
	return x.sink.commit()
}

func (x *xlsxWriter) finish(s Summary) error {
	if !x.started {
		if err := x.start(); err != nil {
			return err
		}
	}
	// The autofilter is set on the stream's worksheet before Flush, which
	// writes it after sheetData (calling AutoFilter after Flush would reload
	// the whole sheet in memory).
	for _, sh := range []struct {
		name      string
		cols, row int
		sw        *excelize.StreamWriter
	}{
		{SheetResults, x.maxCols, x.resRow, x.res},
		{SheetOffers, len(offersHeader), x.offersRow, x.offers},
		{SheetCandidates, len(candidatesHeader), x.candsRow, x.cands},
	} {
		last, err := excelize.CoordinatesToCellName(sh.cols, sh.row)
		if err != nil {
			return err
		}
		if err := x.f.AutoFilter(sh.name, "A1:"+last, nil); err != nil {
			return err
		}
		if err := sh.sw.Flush(); err != nil {
			return err
		}
	}
	x.counts.fill(&s)
	s.Sandbox = s.Sandbox || x.opts.Sandbox
	if err := x.writeSummary(&s); err != nil {
		return err
	}
	_, err := x.f.WriteTo(x.w)
	return err
}

func (x *xlsxWriter) Abort() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.closed = true
	err := x.f.Close()
	if aerr := x.sink.abort(); aerr != nil {
		err = aerr
	}
	return err
}

// writeSummary fills the Summary sheet (normal mode: it is small) and its charts.
func (x *xlsxWriter) writeSummary(s *Summary) error {
	f, sh := x.f, SheetSummary
	row := 0
	var err error
	set := func(vals ...any) {
		row++
		if err != nil {
			return
		}
		for i, v := range vals {
			if v == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(i+1, row)
			if err = f.SetCellValue(sh, cell, v); err != nil {
				return
			}
		}
	}
	bold := func(r int) {
		if err == nil {
			err = f.SetCellStyle(sh, "A"+strconv.Itoa(r), "B"+strconv.Itoa(r), x.styleHeader)
		}
	}
	set("Eligibility run summary")
	bold(row)
	if s.Sandbox {
		set(SandboxNote)
	}
	set()
	set("Input file", s.Input)
	set("Endpoint", s.Endpoint)
	if !s.Started.IsZero() {
		set("Started", s.Started.Format(time.RFC3339))
	}
	set("Run time", s.Elapsed.Round(time.Millisecond).String())
	set("Rows", s.Rows)
	set("API calls (total)", s.APICallsTotal)
	set("Cache hits", s.CacheHits)
	set("Retries", s.Retries)
	set("Rate limited (429)", s.RateLimited)
	set("Limiter wait", s.LimiterWait.Round(time.Millisecond).String())
	if x.offersCut > 0 {
		set("Offers sheet truncated (lines dropped)", x.offersCut)
	}
	if x.candsCut > 0 {
		set("Candidates sheet truncated (lines dropped)", x.candsCut)
	}

	table := func(title, unit string, keys []string, value func(string) any) (first, last int) {
		set()
		set(title, unit)
		bold(row)
		first = row + 1
		for _, k := range keys {
			label := k
			if label == "" {
				label = "(empty)"
			}
			set(label, value(k))
		}
		return first, row
	}
	var statuses []string
	seen := map[string]bool{}
	for _, st := range resolve.Statuses {
		statuses = append(statuses, string(st))
		seen[string(st)] = true
	}
	for _, k := range sortedByCount(s.ByStatus) {
		if !seen[k] {
			statuses = append(statuses, k)
		}
	}
	st0, st1 := table("Status", "Rows", statuses, func(k string) any { return s.ByStatus[k] })
	te0, te1 := table("Best technology", "Rows", sortedByCount(s.ByTech), func(k string) any { return s.ByTech[k] })
	table("Best offer", "Rows", sortedByCount(s.ByBest), func(k string) any { return s.ByBest[k] })
	_, _ = table("API route", "Calls", sortedByCount(s.APICalls), func(k string) any { return s.APICalls[k] })
	set("Total", s.APICallsTotal)
	if err != nil {
		return err
	}
	if err := f.SetColWidth(sh, "A", "A", 40); err != nil {
		return err
	}
	if err := f.SetColWidth(sh, "B", "B", 45); err != nil {
		return err
	}
	if err := x.chart("D3", "Rows per status", st0, st1); err != nil {
		return err
	}
	if te1 >= te0 {
		if err := x.chart("D20", "Rows per best technology", te0, te1); err != nil {
			return err
		}
	}
	return nil
}

func (x *xlsxWriter) chart(at, title string, first, last int) error {
	if last < first {
		return errors.New("empty chart range")
	}
	rng := func(col string) string {
		return fmt.Sprintf("%s!$%s$%d:$%s$%d", SheetSummary, col, first, col, last)
	}
	return x.f.AddChart(SheetSummary, at, &excelize.Chart{
		Type:      excelize.Col,
		Series:    []excelize.ChartSeries{{Name: title, Categories: rng("A"), Values: rng("B")}},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: title}}},
		Legend:    excelize.ChartLegend{Position: "none"},
		Format:    excelize.GraphicOptions{ScaleX: 1, ScaleY: 1},
		Dimension: excelize.ChartDimension{Width: 480, Height: 290},
	})
}
