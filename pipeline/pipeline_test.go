package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ovhcloud-tools/eligibility/readers"
	"github.com/ovhcloud-tools/eligibility/resolve"
)

type sliceSource struct {
	rows []readers.Row
	i    int
	err  error // returned after the rows instead of io.EOF
}

func (s *sliceSource) Next() (readers.Row, error) {
	if s.i >= len(s.rows) {
		if s.err != nil {
			return readers.Row{}, s.err
		}
		return readers.Row{}, io.EOF
	}
	s.i++
	return s.rows[s.i-1], nil
}

func makeRows(n int) []readers.Row {
	rows := make([]readers.Row, n)
	for i := range rows {
		rows[i] = readers.Row{Index: i, Line: i + 2, Cells: []string{strconv.Itoa(i)}}
	}
	return rows
}

type memSink struct {
	mu   sync.Mutex
	rows []readers.Row
	outs []resolve.Outcome
	fail int // fail at this write (1-based), 0 = never
}

func (m *memSink) Write(r readers.Row, o resolve.Outcome) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail > 0 && len(m.rows)+1 == m.fail {
		return errors.New("disk full")
	}
	m.rows = append(m.rows, r)
	m.outs = append(m.outs, o)
	return nil
}

func mapFirst(cells []string) resolve.Input { return resolve.Input{Street: cells[0]} }

// jittery resolves after a random delay so rows finish out of order.
func jittery(ctx context.Context, in resolve.Input) resolve.Outcome {
	t := time.NewTimer(time.Duration(rand.IntN(300)) * time.Microsecond)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return resolve.Outcome{Status: resolve.StatusError, Error: ctx.Err().Error()}
	case <-t.C:
	}
	return resolve.Outcome{Status: resolve.StatusEligible, Match: resolve.MatchAddress, Street: in.Street,
		Best: &resolve.Offer{Code: "FTTH-MAX-1G", Technology: "FTTH", Eligible: true}}
}

func TestRunKeepsOrder(t *testing.T) {
	for _, tt := range []struct {
		name          string
		rows, workers int
		window, limit int
		wantRows      int
	}{
		{"one worker", 50, 1, 0, 0, 50},
		{"many workers", 2000, 16, 0, 0, 2000},
		{"tiny window", 500, 8, 8, 0, 500},
		{"limit", 500, 4, 0, 123, 123},
		{"empty", 0, 4, 0, 0, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sink := &memSink{}
			var progress []Progress
			st, err := Run(t.Context(), Config{Workers: tt.workers, Window: tt.window, Limit: tt.limit, Map: mapFirst,
				Progress: func(p Progress) { progress = append(progress, p) }},
				&sliceSource{rows: makeRows(tt.rows)}, ResolverFunc(jittery), sink)
			if err != nil {
				t.Fatal(err)
			}
			if st.Rows != tt.wantRows || len(sink.rows) != tt.wantRows {
				t.Fatalf("rows = %d (sink %d), want %d", st.Rows, len(sink.rows), tt.wantRows)
			}
			for i, r := range sink.rows {
				if r.Index != i || sink.outs[i].Street != strconv.Itoa(i) {
					t.Fatalf("position %d holds row %d (street %q)", i, r.Index, sink.outs[i].Street)
				}
			}
			if st.ByStatus[resolve.StatusEligible] != tt.wantRows || st.ByTech["FTTH"] != tt.wantRows {
				t.Errorf("stats = %+v", st)
			}
			last := progress[len(progress)-1]
			if !last.Final || last.Done != tt.wantRows {
				t.Errorf("last progress = %+v", last)
			}
		})
	}
}

func TestRunWindowBoundsRowsInFlight(t *testing.T) {
	var inFlight, maxInFlight atomic.Int64
	src := &countingSource{n: 3000, inFlight: &inFlight, max: &maxInFlight}
	sink := SinkFunc(func(readers.Row, resolve.Outcome) error { inFlight.Add(-1); return nil })
	_, err := Run(t.Context(), Config{Workers: 8, Window: 64, Map: mapFirst}, src, ResolverFunc(jittery), sink)
	if err != nil {
		t.Fatal(err)
	}
	if m := maxInFlight.Load(); m > 64 {
		t.Errorf("max rows in flight = %d, want ≤ window 64", m)
	}
}

type countingSource struct {
	n, i          int
	inFlight, max *atomic.Int64
}

func (s *countingSource) Next() (readers.Row, error) {
	if s.i >= s.n {
		return readers.Row{}, io.EOF
	}
	v := s.inFlight.Add(1)
	for {
		m := s.max.Load()
		if v <= m || s.max.CompareAndSwap(m, v) {
			break
		}
	}
	s.i++
	return readers.Row{Index: s.i - 1, Cells: []string{"x"}}, nil
}

// SinkFunc adapts a function to Sink (tests only).
type SinkFunc func(readers.Row, resolve.Outcome) error

func (f SinkFunc) Write(r readers.Row, o resolve.Outcome) error { return f(r, o) }

func TestRunRowFailuresAreData(t *testing.T) {
	rows := makeRows(6)
	rows[1].Err = errors.New(`line 3, column 7: bare " in non-quoted field`)
	rows[2].Cells = []string{""}
	res := ResolverFunc(func(ctx context.Context, in resolve.Input) resolve.Outcome {
		switch in.Street {
		case "3":
			panic("boom")
		case "4":
			return resolve.Outcome{Status: resolve.StatusError, Error: "POST …/test/building: 503"}
		case "5":
			return resolve.Outcome{} // a resolver bug: no status
		}
		return resolve.Outcome{Status: resolve.StatusNotFound, Match: resolve.MatchCity, Reason: "street not found"}
	})
	sink := &memSink{}
	st, err := Run(t.Context(), Config{Workers: 3, Map: mapFirst}, &sliceSource{rows: rows}, res, sink)
	if err != nil {
		t.Fatal(err)
	}
	want := []resolve.Status{resolve.StatusNotFound, resolve.StatusInvalid, resolve.StatusInvalid,
		resolve.StatusError, resolve.StatusError, resolve.StatusError}
	for i, w := range want {
		if got := sink.outs[i].Status; got != w {
			t.Errorf("row %d: status %q, want %q (reason %q)", i, got, w, sink.outs[i].Reason)
		}
		if sink.outs[i].Match == "" || sink.outs[i].Reason == "" && w != resolve.StatusError {
			t.Errorf("row %d: empty match or reason: %+v", i, sink.outs[i])
		}
	}
	if st.Errors() != 3 {
		t.Errorf("Errors() = %d, want 3", st.Errors())
	}
}

func TestRunInterruptWritesEveryRow(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	var started atomic.Int64
	res := ResolverFunc(func(ctx context.Context, in resolve.Input) resolve.Outcome {
		if started.Add(1) == 20 {
			cancel() // Ctrl-C in the middle of the run
		}
		return jittery(ctx, in)
	})
	sink := &memSink{}
	st, err := Run(ctx, Config{Workers: 4, Map: mapFirst}, &sliceSource{rows: makeRows(1000)}, res, sink)
	if !errors.Is(err, context.Canceled) || !st.Interrupted {
		t.Fatalf("err = %v, interrupted = %v", err, st.Interrupted)
	}
	if len(sink.rows) != 1000 {
		t.Fatalf("wrote %d rows, want 1000", len(sink.rows))
	}
	var done, intr int
	for i, o := range sink.outs {
		if sink.rows[i].Index != i {
			t.Fatalf("order broken at %d", i)
		}
		switch {
		case o.Status == resolve.StatusEligible:
			done++
		case o.Status == resolve.StatusError && o.Reason == ReasonInterrupted:
			intr++
		default:
			t.Fatalf("row %d: unexpected %+v", i, o)
		}
	}
	if done < 1 || intr < 900 {
		t.Errorf("done %d, interrupted %d", done, intr)
	}
}

func TestRunSourceAndSinkErrorsStopTheRun(t *testing.T) {
	t.Run("sink", func(t *testing.T) {
		_, err := Run(t.Context(), Config{Workers: 4, Window: 16, Map: mapFirst},
			&sliceSource{rows: makeRows(500)}, ResolverFunc(jittery), &memSink{fail: 10})
		if err == nil || fmt.Sprint(err) != "write row 10: disk full" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("source", func(t *testing.T) {
		_, err := Run(t.Context(), Config{Workers: 4, Map: mapFirst},
			&sliceSource{rows: makeRows(5), err: errors.New("input.csv: read: i/o error")}, ResolverFunc(jittery), &memSink{})
		if err == nil || fmt.Sprint(err) != "read row 6: input.csv: read: i/o error" {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestProgressETA(t *testing.T) {
	p := Progress{Done: 50, Total: 150, Elapsed: 10 * time.Second}
	if r := p.RowsPerSecond(); r != 5 {
		t.Errorf("rate = %v", r)
	}
	if eta := p.ETA(); eta != 20*time.Second {
		t.Errorf("eta = %v", eta)
	}
	if eta := (Progress{Done: 5}).ETA(); eta != 0 {
		t.Errorf("unknown total eta = %v", eta)
	}
}

func BenchmarkRun(b *testing.B) {
	rows := makeRows(10000)
	res := ResolverFunc(func(ctx context.Context, in resolve.Input) resolve.Outcome {
		return resolve.Outcome{Status: resolve.StatusNotFound, Match: resolve.MatchNone}
	})
	for b.Loop() {
		if _, err := Run(context.Background(), Config{Workers: 8, Map: mapFirst}, &sliceSource{rows: rows}, res, SinkFunc(func(readers.Row, resolve.Outcome) error { return nil })); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(rows)*b.N)/b.Elapsed().Seconds(), "rows/s")
}
