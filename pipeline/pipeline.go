package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ovhcloud-tools/eligibility/readers"
	"github.com/ovhcloud-tools/eligibility/resolve"
)

// Defaults of Config.
const (
	DefaultWorkers       = 8
	DefaultWindow        = 4096 // rows in flight between reader and writer
	DefaultProgressEvery = 200 * time.Millisecond
)

// ReasonInterrupted is the reason of rows left unfinished by an interrupt.
const ReasonInterrupted = "interrupted"

// Source yields rows; io.EOF ends it.
type Source interface {
	Next() (readers.Row, error)
}

// Resolver finds the outcome of one row. It must be safe for concurrent use.
type Resolver interface {
	Resolve(ctx context.Context, in resolve.Input) resolve.Outcome
}

// Sink receives every row, in input order.
type Sink interface {
	Write(row readers.Row, out resolve.Outcome) error
}

// ResolverFunc adapts a function to Resolver.
type ResolverFunc func(ctx context.Context, in resolve.Input) resolve.Outcome

// Resolve implements Resolver.
func (f ResolverFunc) Resolve(ctx context.Context, in resolve.Input) resolve.Outcome {
	return f(ctx, in)
}

// Config tunes a run. The zero value works (with Map set).
type Config struct {
	Workers int
	Window  int
	Limit   int // stop after this many rows (0 = all)
	Total   int // rows expected, for progress (0 = unknown)
	// Map turns a row's cells into the resolver's input.
	Map func(cells []string) resolve.Input
	// Progress is called from the writer goroutine at most every
	// ProgressEvery, and once at the end with Final set.
	Progress      func(Progress)
	ProgressEvery time.Duration
	// OnRow is called for every row written, in order (for previews).
	OnRow  func(row readers.Row, out resolve.Outcome)
	Logger *slog.Logger
}

// Progress is a snapshot of a run.
type Progress struct {
	Done     int
	Total    int
	ByStatus map[resolve.Status]int
	ByTech   map[string]int // best offer technology of eligible rows
	Elapsed  time.Duration
	Final    bool
}

// RowsPerSecond is the average rate so far.
func (p Progress) RowsPerSecond() float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	return float64(p.Done) / p.Elapsed.Seconds()
}

// ETA estimates the time left (0 when unknown).
func (p Progress) ETA() time.Duration {
	r := p.RowsPerSecond()
	if p.Total <= 0 || r == 0 || p.Done >= p.Total {
		return 0
	}
	return time.Duration(float64(p.Total-p.Done) / r * float64(time.Second))
}

// Stats is what a run did.
type Stats struct {
	Rows        int
	ByStatus    map[resolve.Status]int
	ByTech      map[string]int
	ByBest      map[string]int
	Elapsed     time.Duration
	Interrupted bool
}

// Errors reports how many rows ended with status error.
func (s Stats) Errors() int { return s.ByStatus[resolve.StatusError] }

type result struct {
	row readers.Row
	out resolve.Outcome
}

// Run reads every row of src, resolves it with res on cfg.Workers workers and
// writes it to sink in input order. Cancelling ctx stops the resolution, not
// the run: the remaining rows are still read and written as interrupted, and
// Run returns ctx's error with complete Stats. Other errors come from src or
// sink only.
func Run(ctx context.Context, cfg Config, src Source, res Resolver, sink Sink) (Stats, error) {
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.Window <= 0 {
		cfg.Window = DefaultWindow
	}
	if cfg.Window < cfg.Workers {
		cfg.Window = cfg.Workers
	}
	if cfg.ProgressEvery <= 0 {
		cfg.ProgressEvery = DefaultProgressEvery
	}
	if cfg.Map == nil {
		return Stats{}, errors.New("pipeline: Config.Map is nil")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	start := time.Now()
	stats := Stats{ByStatus: map[resolve.Status]int{}, ByTech: map[string]int{}, ByBest: map[string]int{}}

	// The plumbing does not watch ctx: an interrupt must not lose rows.
	// It stops only when the source or the sink fails.
	g, gctx := errgroup.WithContext(context.Background())
	slots := make(chan struct{}, cfg.Window) // bounds the reorder buffer
	jobs := make(chan readers.Row, cfg.Workers)
	results := make(chan result, cfg.Workers)

	g.Go(func() error {
		defer close(jobs)
		for n := 0; cfg.Limit <= 0 || n < cfg.Limit; n++ {
			select {
			case slots <- struct{}{}:
			case <-gctx.Done():
				return gctx.Err()
			}
			row, err := src.Next()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("read row %d: %w", n+1, err)
			}
			select {
			case jobs <- row:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})

	workers, wctx := errgroup.WithContext(gctx)
	for range cfg.Workers {
		workers.Go(func() error {
			for row := range jobs {
				out := resolveRow(ctx, cfg, res, row, log)
				select {
				case results <- result{row, out}:
				case <-wctx.Done():
					return wctx.Err()
				}
			}
			return nil
		})
	}
	g.Go(func() error {
		err := workers.Wait()
		close(results)
		return err
	})

	g.Go(func() error {
		pending := map[int]result{}
		next := 0
		last := time.Now()
		emit := func(final bool) {
			if cfg.Progress == nil {
				return
			}
			cfg.Progress(Progress{
				Done: stats.Rows, Total: cfg.Total, ByStatus: copyMap(stats.ByStatus),
				ByTech: copyMap(stats.ByTech), Elapsed: time.Since(start), Final: final,
			})
		}
		for r := range results {
			pending[r.row.Index] = r
			for {
				cur, ok := pending[next]
				if !ok {
					break
				}
				delete(pending, next)
				if err := sink.Write(cur.row, cur.out); err != nil {
					return fmt.Errorf("write row %d: %w", cur.row.Index+1, err)
				}
				count(&stats, cur.out)
				if cfg.OnRow != nil {
					cfg.OnRow(cur.row, cur.out)
				}
				next++
				<-slots
				if time.Since(last) >= cfg.ProgressEvery {
					last = time.Now()
					emit(false)
				}
			}
		}
		if len(pending) > 0 {
			// Indices must be dense from 0; a gap is a bug in the source.
			return fmt.Errorf("pipeline: %d rows never written (first missing index %d)", len(pending), next)
		}
		emit(true)
		return nil
	})

	err := g.Wait()
	stats.Elapsed = time.Since(start)
	if ctx.Err() != nil {
		stats.Interrupted = true
		if err == nil {
			err = ctx.Err()
		}
	}
	return stats, err
}

func copyMap[K comparable](m map[K]int) map[K]int {
	c := make(map[K]int, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func count(s *Stats, out resolve.Outcome) {
	s.Rows++
	s.ByStatus[out.Status]++
	if out.Status == resolve.StatusEligible && out.Best != nil {
		s.ByTech[out.Best.Technology]++
		s.ByBest[out.Best.Code]++
	}
}

// resolveRow never panics and never returns an empty status.
func resolveRow(ctx context.Context, cfg Config, res Resolver, row readers.Row, log *slog.Logger) (out resolve.Outcome) {
	if row.Err != nil {
		return resolve.Outcome{Status: resolve.StatusInvalid, Match: resolve.MatchNone,
			Reason: "unreadable row: " + row.Err.Error()}
	}
	if ctx.Err() != nil {
		return interrupted()
	}
	in := cfg.Map(row.Cells)
	if in.Empty() {
		return resolve.Outcome{Status: resolve.StatusInvalid, Match: resolve.MatchNone,
			Reason: "no usable field (empty address, line, OTP and building)"}
	}
	defer func() {
		if p := recover(); p != nil {
			log.Error("resolver panic", "row", row.Index+1, "panic", p, "stack", string(debug.Stack()))
			out = resolve.Outcome{Status: resolve.StatusError, Match: resolve.MatchNone,
				Reason: "internal error", Error: fmt.Sprint(p)}
		}
	}()
	out = res.Resolve(ctx, in)
	if ctx.Err() != nil && (out.Status == resolve.StatusError || out.Status == "") {
		return interrupted()
	}
	if out.Status == "" {
		out.Status, out.Reason = resolve.StatusError, "resolver returned no status"
	}
	if out.Match == "" {
		out.Match = resolve.MatchNone
	}
	return out
}

func interrupted() resolve.Outcome {
	return resolve.Outcome{Status: resolve.StatusError, Match: resolve.MatchNone,
		Reason: ReasonInterrupted, Error: context.Canceled.Error()}
}
