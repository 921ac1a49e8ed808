package writers

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/ovhcloud-tools/eligibility/readers"
	"github.com/ovhcloud-tools/eligibility/resolve"
)

const benchRows = 100_000

// benchWrite writes benchRows realistic rows (8 input columns, 3 offers on
// eligible rows) per iteration and reports rows/s, peak heap and peak RSS.
func benchWrite(b *testing.B, name string) {
	header := []string{"id", "raison_sociale", "numero", "voie", "code_postal", "commune", "siret", "telephone"}
	opts := Options{Header: header, Dialect: readers.Dialect{Format: "csv", Encoding: "utf-8", Delimiter: ';', LineEnding: "\r\n", Header: true}}
	outs := outcomes()
	rows := make([]readers.Row, 1000)
	for i := range rows {
		cells := []string{strconv.Itoa(i), "Boulangerie Dupont & Fils", strconv.Itoa(i%120 + 1), "Rue Roger Vaillant",
			"01500", "Ambérieu-en-Bugey", "12345678900012", "0474000000"}
		rows[i] = readers.Row{Cells: cells, Raw: []byte(strings.Join(cells, ";"))}
	}
	dir := b.TempDir()
	var peakHeap uint64
	var size int64
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		path := filepath.Join(dir, name)
		w, err := Create(path, opts)
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < benchRows; i++ {
			r := rows[i%len(rows)]
			r.Index, r.Line = i, i+2
			if err := w.Write(r, outs[i%len(outs)]); err != nil {
				b.Fatal(err)
			}
			if i%20_000 == 0 {
				peakHeap = max(peakHeap, heapInuse())
			}
		}
		peakHeap = max(peakHeap, heapInuse())
		if err := w.Close(Summary{}); err != nil {
			b.Fatal(err)
		}
		fi, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		size = fi.Size()
	}
	b.StopTimer()
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peakHeap)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(size)/(1<<20), "file-MB")
	if rss := peakRSS(); rss > 0 {
		b.ReportMetric(rss, "proc-peak-RSS-MB")
	}
}

func heapInuse() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// peakRSS is the process's high-water RSS (Linux), in MB.
func peakRSS() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

func BenchmarkCSV100k(b *testing.B)   { benchWrite(b, "out.csv") }
func BenchmarkXLSX100k(b *testing.B)  { benchWrite(b, "out.xlsx") }
func BenchmarkJSONL100k(b *testing.B) { benchWrite(b, "out.jsonl") }

var _ = resolve.StatusEligible
