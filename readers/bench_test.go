package readers

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// benchRows is the size of the generated file: BENCH_ROWS=1000000 for the
// figure in the README (make bench); small by default.
func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// writeBenchCSV writes n rows of French address data, 8 columns, with the
// mess of real files: quotes, accents, empty cells.
func writeBenchCSV(tb testing.TB, dir string, n int) string {
	tb.Helper()
	p := filepath.Join(dir, fmt.Sprintf("bench-%d.csv", n))
	f, err := os.Create(p)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprint(w, "raison_sociale;numero;rep;nom_voie;complement;code_postal;commune;code_insee\r\n")
	streets := []string{"rue de la République", "avenue Jean Jaurès", "\"place de l'Église; côté nord\"", "chemin des Œillets", "boulevard Pasteur"}
	cities := []string{"Ambérieu-en-Bugey", "Châtillon-sur-Chalaronne", "Saint-Étienne", "Lyon", "Mont-Bonvillers"}
	reps := []string{"", "", "", "bis", "B"}
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, "Société %d;%d;%s;%s;;%05d;%s;%05d\r\n", i, i%300+1, reps[i%5], streets[i%5], 1000+i%94000, cities[i%5], 1001+i%94000)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return p
}

// BenchmarkCSVRead reads a generated file end to end and reports rows/s and
// the peak heap in use, sampled every 10,000 rows.
func BenchmarkCSVRead(b *testing.B) {
	n := benchRows()
	p := writeBenchCSV(b, b.TempDir(), n)
	fi, _ := os.Stat(p)
	b.SetBytes(fi.Size())
	var peak uint64
	var ms runtime.MemStats
	runtime.GC()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		r, err := Open(p, Options{})
		if err != nil {
			b.Fatal(err)
		}
		rows := 0
		for {
			row, err := r.Next()
			if err != nil {
				break
			}
			if row.Err != nil {
				b.Fatal(row.Err)
			}
			rows++
			if rows%10_000 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
		r.Close()
		if rows != n {
			b.Fatalf("%d rows, want %d", rows, n)
		}
	}
	el := time.Since(start)
	b.ReportMetric(float64(n)*float64(b.N)/el.Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// BenchmarkCountRows is the pre-count used for the progress ETA.
func BenchmarkCountRows(b *testing.B) {
	n := benchRows()
	p := writeBenchCSV(b, b.TempDir(), n)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		got, err := CountRows(p, Options{})
		if err != nil || got != n {
			b.Fatalf("CountRows = %d, %v", got, err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/time.Since(start).Seconds(), "rows/s")
}
