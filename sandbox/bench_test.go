package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ovhcloud-tools/eligibility/laposte"
)

// benchMix is a pool of distinct requests shaped like a bulk run's
// (make bench: per 100 calls about 2 cities, 3 streets, 16 streetNumbers,
// 30 buildings, 33 test/building and 16 test/address), all answered at once.
func benchMix(communes int) []goldenReq {
	const v = "/1.0" + pathPrefix
	var out []goldenReq
	post := func(route string, kv ...string) {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		raw, _ := json.Marshal(m)
		out = append(out, goldenReq{http.MethodPost, v + route, string(raw)})
	}
	w := DefaultWorld()
	entries := laposte.Load().Entries
	step := max(1, len(entries)/communes)
	for i := 0; i < len(entries); i += step {
		e := entries[i]
		post("/search/cities", "zipCode", e.Zip)
		post("/search/streets", "inseeCode", e.Insee)
		for si, st := range w.Streets(e.Insee) {
			if si%2 == 1 || si > 16 {
				continue
			}
			post("/search/streetNumbers", "streetCode", st.StreetCode)
			for ni, n := range w.Numbers(st.StreetCode) {
				if ni >= 2 {
					break
				}
				post("/search/buildings", "streetCode", st.StreetCode, "streetNumber", n)
				if ni == 0 {
					post("/test/address", "streetCode", st.StreetCode, "streetNumber", n)
				}
				for _, b := range w.Buildings(st.StreetCode, n) {
					post("/test/building", "building", b.Reference)
				}
			}
		}
	}
	return out
}

// BenchmarkServeMix serves distinct requests (jobs are reset when the pool
// wraps, so every POST is a first one, as in a bulk run with no pending).
// "http" goes through a keep-alive client and net/http; "handler" calls
// ServeHTTP with a recorder, which isolates the sandbox's own cost.
func BenchmarkServeMix(b *testing.B) {
	mix := benchMix(400)
	b.Run("http", func(b *testing.B) {
		s := New(Config{PendingPolls: 0})
		ts := httptest.NewServer(s)
		defer ts.Close()
		client := ts.Client()
		reqs := make([]*http.Request, len(mix))
		for i, r := range mix {
			req, err := http.NewRequest(r.method, ts.URL+r.path, nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			reqs[i] = req
		}
		b.ReportAllocs()
		b.ResetTimer()
		cpu0 := processCPU()
		defer func() { reportCPU(b, cpu0) }()
		for i := range b.N {
			k := i % len(mix)
			if k == 0 && i > 0 {
				s.ResetJobs()
			}
			req := reqs[k]
			req.Body = io.NopCloser(strings.NewReader(mix[k].body))
			req.ContentLength = int64(len(mix[k].body))
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("%s %s: %d", mix[k].path, mix[k].body, resp.StatusCode)
			}
		}
	})
	b.Run("handler", func(b *testing.B) {
		s := New(Config{PendingPolls: 0})
		b.ReportAllocs()
		b.ResetTimer()
		cpu0 := processCPU()
		defer func() { reportCPU(b, cpu0) }()
		for i := range b.N {
			k := i % len(mix)
			if k == 0 && i > 0 {
				s.ResetJobs()
			}
			req := httptest.NewRequest(mix[k].method, mix[k].path, strings.NewReader(mix[k].body))
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("%s %s: %d", mix[k].path, mix[k].body, rec.Code)
			}
		}
	})
}

// processCPU is the user+system CPU time of the test process: the http
// variant's ns/op is a round-trip latency, its CPU per request (client and
// server, GC included) is what a bulk run pays.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, cpu0 time.Duration) {
	b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
}

// TestBenchMixShape keeps the benchmark's pool close to a bulk run's mix.
func TestBenchMixShape(t *testing.T) {
	n := map[string]int{}
	mix := benchMix(50)
	for _, r := range mix {
		n[r.path[strings.LastIndex(r.path, "/")+1:]]++
	}
	if n["buildings"] < 5*n["streets"] || n["building"] < n["address"] || n["streetNumbers"] < 3*n["cities"] {
		t.Errorf("bench mix shape %v", n)
	}
}

// BenchmarkCommuneIndex builds and indexes generated communes, what the
// first request of a bulk run to each commune pays.
func BenchmarkCommuneIndex(b *testing.B) {
	entries := laposte.Load().Entries
	b.ReportAllocs()
	for i := range b.N {
		e := entries[(i*7919)%len(entries)]
		c := generateCommune(e.Insee, laposteZips(e.Insee))
		c.index()
	}
}
