package store_test

import (
	"bytes"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/ovhcloud-tools/eligibility/bench"
	"github.com/ovhcloud-tools/eligibility/engine"
	"github.com/ovhcloud-tools/eligibility/sandbox"
	"github.com/ovhcloud-tools/eligibility/store"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TEMPORARY (helper K): engine run with a cache file, to profile.
func BenchmarkZZEngineCache(b *testing.B) {
	rows := 20000
	if n, err := strconv.Atoi(os.Getenv("ZZ_ROWS")); err == nil {
		rows = n
	}
	dir := b.TempDir()
	data, err := bench.Generate(sandbox.DefaultWorld(), bench.Config{Rows: rows, Communes: min(3000, max(1, rows/30)), Seed: 5})
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	bench.WriteCSV(&buf, data)
	in := filepath.Join(dir, "in.csv")
	os.WriteFile(in, buf.Bytes(), 0o644)
	srv := httptest.NewServer(sandbox.New(sandbox.Config{PendingPolls: 0}))
	defer srv.Close()
	noCache := os.Getenv("ZZ_NOCACHE") == "1"
	b.ResetTimer()
	for i := range b.N {
		e, err := engine.Open(b.Context(), engine.Options{Endpoint: srv.URL + "/1.0", NoCache: noCache, CachePath: filepath.Join(dir, "c"+strconv.Itoa(i)+".db"), CacheExplicit: true, Rate: -1, Workers: 64, PollFirst: time.Millisecond})
		if err != nil {
			b.Fatal(err)
		}
		c0 := cpuNow()
		sum, err := e.RunFile(b.Context(), engine.FileJob{Input: in, Outputs: []string{filepath.Join(dir, "out.csv")}})
		b.ReportMetric(float64((cpuNow()-c0).Milliseconds())/float64(rows), "cpu-ms/row")
		b.Logf("%+v reads %d readmiss %d", sum, store.ZZReads.Load(), store.ZZReadMiss.Load())
		e.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
}
