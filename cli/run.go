package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/ovhcloud-tools/eligibility/engine"
	"github.com/ovhcloud-tools/eligibility/pipeline"
	"github.com/ovhcloud-tools/eligibility/readers"
	"github.com/ovhcloud-tools/eligibility/resolve"
	"github.com/ovhcloud-tools/eligibility/writers"
)

type readFlags struct {
	encoding, delimiter, sheet, columns string
	noHeader                            bool
}

func (r *readFlags) register(fs interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
}) {
	fs.StringVar(&r.encoding, "encoding", "", "input encoding: utf-8, windows-1252, iso-8859-1 (default: detected)")
	fs.StringVar(&r.delimiter, "delimiter", "", `CSV delimiter: ";", ",", "tab", "|" (default: detected)`)
	fs.StringVar(&r.sheet, "sheet", "", "XLSX sheet name or 1-based index (default: first non-empty)")
	fs.StringVar(&r.columns, "columns", "", `column mapping override, e.g. zip="CODE POSTAL",city=COMMUNE,street=VOIE`)
	fs.BoolVar(&r.noHeader, "no-header", false, "the first line is data, not a header")
}

func (r *readFlags) options(env *Env) readers.Options {
	return readers.Options{Encoding: r.encoding, Delimiter: r.delimiter, NoHeader: r.noHeader, Sheet: r.sheet, Stdin: env.Stdin}
}

// runMemoryLimit is the Go heap's soft limit during `run` (see cmdRun);
// GOMEMLIMIT overrides it. The process's RSS is about 30 MB more (code,
// SQLite's page cache, stacks).
const runMemoryLimit = 165 << 20

func cmdRun(ctx context.Context, env *Env, args []string) int {
	fs := newFlagSet(env, "run", "INPUT [-o OUTPUT] [flags]")
	var (
		api                apiFlags
		rd                 readFlags
		outputs            stringList
		progress, logLevel string
		dryRun, excelCSV   bool
		limit              int
	)
	api.register(fs)
	rd.register(fs)
	fs.Var(&outputs, "o", "output file: .csv, .xlsx or .jsonl (repeatable; default INPUT.eligibility.EXT; - = stdout CSV)")
	fs.StringVar(&progress, "progress", "auto", "progress display: auto, bar, json, none")
	fs.BoolVar(&dryRun, "dry-run", false, "read, map and normalize, report; no API call")
	fs.BoolVar(&excelCSV, "excel-csv", false, "write CSV as UTF-8 with BOM and ';' for French Excel")
	fs.IntVar(&limit, "limit", 0, "process only the first N rows")
	fs.StringVar(&logLevel, "log-level", "warn", "debug, info, warn, error")
	if err := parseFlags(fs, env, args); err != nil {
		return exitCode(env, "run", err)
	}
	// Flags may follow the input: "run in.csv -o out.xlsx".
	rest := fs.Args()
	if len(rest) > 1 {
		if err := parseFlags(fs, &Env{Stderr: env.Stderr}, rest[1:]); err != nil {
			return exitCode(env, "run", err)
		}
		if fs.NArg() > 0 {
			return exitCode(env, "run", usagef("one input file expected, got extra %q", fs.Args()))
		}
		rest = rest[:1]
	}
	if len(rest) != 1 {
		fs.Usage()
		return exitCode(env, "run", usagef("missing INPUT file"))
	}
	input := rest[0]
	switch progress {
	case "auto":
		progress = "json"
		if env.IsTTY {
			progress = "bar"
		}
	case "bar", "json", "none":
	default:
		return exitCode(env, "run", usagef("--progress must be auto, bar, json or none"))
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		return exitCode(env, "run", usagef("--log-level: %v", err))
	}
	log := env.logger(level)
	if len(outputs) == 0 {
		outputs = stringList{defaultOutput(input)}
	}
	job := engine.FileJob{Input: input, Outputs: outputs, Read: rd.options(env), Columns: rd.columns,
		Limit: limit, ExcelCSV: excelCSV, Stdout: env.Stdout}
	if dryRun {
		return exitCode(env, "run", dryRunReport(env, job))
	}
	opts, err := api.options(log)
	if err != nil {
		return exitCode(env, "run", err)
	}
	opts.Resolve.NoSteps = true // only JSON lines carry the resolution steps
	for _, o := range outputs {
		if f, _ := writers.FormatOf(o); f == writers.FormatJSONL {
			opts.Resolve.NoSteps = false
		}
	}
	// Check the file and the mapping before any connection or API call.
	if r, _, _, err := engine.Prepare(job); err != nil {
		return exitCode(env, "run", inputError(err))
	} else {
		r.Close()
	}
	if env.SetMemoryLimit != nil && !opts.Sandbox && env.getenv("GOMEMLIMIT") == "" {
		// A batch's working set is bounded (reorder window, memos, caches):
		// a soft limit keeps a big run under the 200 MB of RSS a shared
		// machine gives it. Not with the in-process sandbox, whose
		// simulated tasks live in the same heap.
		env.SetMemoryLimit(runMemoryLimit)
	}
	eng, err := engine.Open(ctx, opts)
	if err != nil {
		return exitCode(env, "run", err)
	}
	defer eng.Close()
	if eng.CacheWarning != "" {
		fmt.Fprintln(env.Stderr, "warning:", eng.CacheWarning)
	}
	if eng.Sandbox() {
		fmt.Fprintf(env.Stderr, "sandbox: answers come from the embedded simulator at %s (demo data, not real eligibility)\n", eng.Endpoint())
	}
	view := newProgressView(env, progress)
	job.Progress = view.update
	job.OnStart = func(p engine.Prepared) { view.start(p) }
	sum, err := eng.RunFile(ctx, job)
	view.finish()
	interrupted := errors.Is(err, context.Canceled)
	if err != nil && !interrupted {
		return exitCode(env, "run", inputError(err))
	}
	printSummary(env.Stderr, sum, outputs, eng.Counters())
	if progress == "json" {
		writeJSONLine(env.Stderr, map[string]any{"event": "summary", "rows": sum.Rows, "by_status": sum.ByStatus,
			"api_calls": sum.APICalls, "api_calls_total": sum.APICallsTotal, "cache_hits": sum.CacheHits,
			"retries": sum.Retries, "rate_limited": sum.RateLimited, "limiter_wait_s": sum.LimiterWait.Seconds(),
			"elapsed_s": sum.Elapsed.Seconds(), "outputs": outputs, "interrupted": interrupted})
	}
	switch {
	case interrupted:
		fmt.Fprintln(env.Stderr, "interrupted: every row was written; unfinished rows have status error, reason interrupted. Run the same command again to resume (answers are cached).")
		return ExitInterrupted
	case sum.ByStatus[string(resolve.StatusError)] > 0:
		return ExitRowErrors
	}
	return ExitOK
}

// inputError turns a column-mapping or dialect-option error into a usage
// error (exit 2): the user fixes it with --columns, --encoding, …
func inputError(err error) error {
	var (
		ce *readers.ColumnError
		ue *readers.UsableError
		oe *readers.OptionError
	)
	if errors.As(err, &ce) || errors.As(err, &ue) || errors.As(err, &oe) {
		return &UsageError{Msg: err.Error()}
	}
	return err
}

func defaultOutput(input string) string {
	if input == "-" {
		return "-"
	}
	ext := strings.ToLower(filepath.Ext(input))
	switch ext {
	case ".csv", ".xlsx", ".jsonl":
	case ".tsv", ".txt":
		ext = ".csv"
	default:
		ext = ".csv"
	}
	return strings.TrimSuffix(input, filepath.Ext(input)) + ".eligibility" + ext
}

// dryRunReport reads and maps every row and says what the resolver would get.
func dryRunReport(env *Env, job engine.FileJob) error {
	r, src, prep, err := engine.Prepare(job)
	if err != nil {
		return inputError(err)
	}
	defer r.Close()
	fmt.Fprintf(env.Stdout, "input:    %s\nformat:   %s, encoding %s, delimiter %q, header %v\n", job.Input,
		prep.Dialect.Format, prep.Dialect.Encoding, string(prep.Dialect.Delimiter), prep.Dialect.Header)
	fmt.Fprintln(env.Stdout, "mapping:")
	for _, role := range readers.Roles {
		if i, ok := prep.Mapping.Columns[role]; ok {
			fmt.Fprintf(env.Stdout, "  %-12s ← %q\n", role, prep.Header[i])
		}
	}
	toInput := engine.InputOf(prep.Mapping)
	kinds := map[string]int{}
	rows := 0
	for job.Limit <= 0 || rows < job.Limit {
		row, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		rows++
		in := toInput(row.Cells)
		switch {
		case row.Err != nil:
			kinds["invalid (unreadable line)"]++
		case in.OTP != "":
			kinds["otp"]++
		case in.Building != "":
			kinds["building"]++
		case in.Line != "":
			kinds["line"]++
		case in.Empty():
			kinds["invalid (empty)"]++
		default:
			kinds["address"]++
		}
	}
	fmt.Fprintf(env.Stdout, "rows:     %d\n", rows)
	for _, k := range sortedKeys(kinds) {
		fmt.Fprintf(env.Stdout, "  %-26s %d\n", k, kinds[k])
	}
	fmt.Fprintln(env.Stdout, "dry run: no API call made")
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func writeJSONLine(w io.Writer, v any) {
	b, _ := json.Marshal(v)
	fmt.Fprintf(w, "%s\n", b)
}

// progressView shows progress as a bar on a terminal or JSON lines for cron.
type progressView struct {
	env   *Env
	mode  string
	bar   *progressbar.ProgressBar
	total int
	last  time.Time
}

func newProgressView(env *Env, mode string) *progressView { return &progressView{env: env, mode: mode} }

func (v *progressView) start(p engine.Prepared) {
	v.total = p.Total
	if v.mode == "bar" {
		v.bar = progressbar.NewOptions(max(p.Total, -1),
			progressbar.OptionSetWriter(v.env.Stderr), progressbar.OptionShowCount(),
			progressbar.OptionShowIts(), progressbar.OptionSetItsString("rows"),
			progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionSetWidth(30), progressbar.OptionClearOnFinish())
	}
	if v.mode == "json" {
		writeJSONLine(v.env.Stderr, map[string]any{"event": "start", "total": p.Total,
			"encoding": p.Dialect.Encoding, "delimiter": string(p.Dialect.Delimiter)})
	}
}

func (v *progressView) update(p pipeline.Progress) {
	switch v.mode {
	case "bar":
		if v.bar != nil {
			v.bar.Describe(statusLine(p.ByStatus))
			v.bar.Set(p.Done)
		}
	case "json":
		if !p.Final && time.Since(v.last) < 2*time.Second {
			return
		}
		v.last = time.Now()
		byStatus := map[string]int{}
		for s, n := range p.ByStatus {
			byStatus[string(s)] = n
		}
		writeJSONLine(v.env.Stderr, map[string]any{"event": "progress", "done": p.Done, "total": p.Total,
			"rows_per_s": round2(p.RowsPerSecond()), "eta_s": int(p.ETA().Seconds()), "by_status": byStatus})
	}
}

func (v *progressView) finish() {
	if v.bar != nil {
		v.bar.Finish()
	}
}

func round2(f float64) float64 { return float64(int(f*100+0.5)) / 100 }

func statusLine(m map[resolve.Status]int) string {
	var parts []string
	for _, s := range resolve.Statuses {
		if n := m[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", s, n))
		}
	}
	return strings.Join(parts, " · ")
}

func printSummary(w io.Writer, s writers.Summary, outputs []string, c engine.Counters) {
	fmt.Fprintf(w, "\n%d rows in %s (%.1f rows/s)\n", s.Rows, s.Elapsed.Round(time.Millisecond),
		float64(s.Rows)/max(s.Elapsed.Seconds(), 1e-9))
	for _, st := range resolve.Statuses {
		if n := s.ByStatus[string(st)]; n > 0 {
			fmt.Fprintf(w, "  %-13s %6d\n", st, n)
		}
	}
	if len(s.ByTech) > 0 {
		fmt.Fprint(w, "best technology:")
		for _, k := range sortedKeys(s.ByTech) {
			fmt.Fprintf(w, " %s %d", k, s.ByTech[k])
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "API calls: %d (answers from the cache %d, retries %d, 429s %d, time waiting on the rate limiter summed over workers %s)\n",
		s.APICallsTotal, s.CacheHits, s.Retries, s.RateLimited, s.LimiterWait.Round(time.Millisecond))
	for _, r := range sortedKeys(s.APICalls) {
		fmt.Fprintf(w, "  %-52s %6d\n", r, s.APICalls[r])
	}
	fmt.Fprintf(w, "endpoint: %s\n", s.Endpoint)
	for _, o := range outputs {
		if o != "-" {
			fmt.Fprintf(w, "output: %s\n", o)
		}
	}
}
