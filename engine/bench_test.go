package engine_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ovhcloud-tools/eligibility/bench"
	"github.com/ovhcloud-tools/eligibility/engine"
	"github.com/ovhcloud-tools/eligibility/readers"
	"github.com/ovhcloud-tools/eligibility/sandbox"
)

// helperEnv makes the test binary a sandbox server (see
// TestSandboxHelperProcess): the benchmark's process CPU is then the
// program's alone, as in `make bench`.
const helperEnv = "ENGINE_BENCH_SANDBOX"

// TestSandboxHelperProcess is not a test: BenchmarkRunFile runs the test
// binary again with helperEnv set, and this serves the sandbox (no pending,
// zero latency) on a loopback port until stdin is closed.
func TestSandboxHelperProcess(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		t.Skip("helper process of BenchmarkRunFile")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: sandbox.New(sandbox.Config{PendingPolls: 0}), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	fmt.Printf("URL http://%s/1.0\n", ln.Addr())
	io.Copy(io.Discard, os.Stdin)
	srv.Close()
}

func startSandboxProcess(b *testing.B) string {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSandboxHelperProcess$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if url, ok := strings.CutPrefix(sc.Text(), "URL "); ok {
			go io.Copy(io.Discard, stdout)
			return url
		}
	}
	b.Fatalf("sandbox helper gave no URL: %v", sc.Err())
	return ""
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRunFile is the throughput case of `make bench` in small: a
// generated file (ENGINE_BENCH_ROWS rows, default 10,000), --no-cache (a
// fresh cache file with ENGINE_BENCH_CACHE=1),
// unlimited rate, 64 workers, against a sandbox in another process. It
// reports the program's CPU per row and rows/s. Profile it with
//
//	go test -run '^$' -bench BenchmarkRunFile -cpuprofile cpu.out ./engine/
func BenchmarkRunFile(b *testing.B) {
	rows := 10000
	if n, err := strconv.Atoi(os.Getenv("ENGINE_BENCH_ROWS")); err == nil && n > 0 {
		rows = n
	}
	dir := b.TempDir()
	in := os.Getenv("ENGINE_BENCH_INPUT") // a file of `make bench` (BENCH_DIR): no world in this process
	if in == "" {
		in = filepath.Join(dir, "in.csv")
		generate(b, in, rows)
	} else if n, err := readers.CountRows(in, readers.Options{}); err != nil {
		b.Fatal(err)
	} else {
		rows = n
	}
	url := startSandboxProcess(b)
	var cpu, wall time.Duration
	var kept uint64
	b.ResetTimer()
	for range b.N {
		heap0 := heapInUse()
		opts := engine.Options{Endpoint: url, NoCache: true, Rate: -1, Workers: 64, PollFirst: time.Millisecond}
		opts.Resolve.NoSteps = true                 // as `run` writing CSV
		if os.Getenv("ENGINE_BENCH_CACHE") == "1" { // the default mode of `run`: a fresh cache file
			opts.NoCache, opts.CachePath = false, filepath.Join(b.TempDir(), "cache.db")
		}
		e, err := engine.Open(b.Context(), opts)
		if err != nil {
			b.Fatal(err)
		}
		c0, t0 := processCPU(), time.Now()
		sum, err := e.RunFile(b.Context(), engine.FileJob{Input: in, Outputs: []string{filepath.Join(dir, "out.csv")}})
		cpu += processCPU() - c0
		wall += time.Since(t0)
		b.StopTimer()
		// What the engine keeps once the file is done (its memos and
		// caches): the RSS of a run is about twice that.
		kept = max(kept, heapInUse()-min(heap0, heapInUse()))
		if path := os.Getenv("ENGINE_BENCH_HEAP"); path != "" {
			writeHeap(b, path)
		}
		b.StartTimer()
		e.Close()
		if err != nil {
			b.Fatal(err)
		}
		if sum.Rows != rows {
			b.Fatalf("%d rows written, want %d", sum.Rows, rows)
		}
		b.ReportMetric(float64(sum.APICallsTotal)/float64(rows), "calls/row")
	}
	n := float64(rows * b.N)
	b.ReportMetric(cpu.Seconds()*1000/n, "cpu-ms/row")
	b.ReportMetric(n/wall.Seconds(), "rows/s")
	b.ReportMetric(float64(kept)/(1<<20), "kept-MB")
}

func generate(b *testing.B, path string, rows int) {
	data, err := bench.Generate(sandbox.DefaultWorld(), bench.Config{Rows: rows, Communes: min(3000, max(1, rows/30)), Seed: 5})
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := bench.WriteCSV(&buf, data); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

func writeHeap(b *testing.B, path string) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		b.Fatal(err)
	}
}
