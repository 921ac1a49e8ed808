package store

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ovhcloud-tools/eligibility/ovhapi"
)

// mixOp is one call of a simulated run: key index, and whether it is the
// first time the key is asked (a miss, written to the file).
type mixOp struct {
	key   int
	first bool
}

// runMix is the call mix of `make bench`'s throughput run in cache mode,
// scaled down: 116,860 answers written once each (1-3 KB) and 427,607 hits,
// skewed (Zipf: some buildings are asked for row after row, recent ones
// more), from 64 workers on a fresh file, default Options.
func runMix(keys, hits int) (ops []mixOp, answers []json.RawMessage) {
	r := rand.New(rand.NewPCG(5, 5))
	answers = make([]json.RawMessage, keys)
	for i := range answers {
		answers[i], _ = json.Marshal(strings.Repeat("x", 1000+r.IntN(2000)))
	}
	zipf := rand.NewZipf(r, 1.2, 1, uint64(keys-1))
	written := 0
	pWrite := float64(keys) / float64(keys+hits)
	for written < keys || len(ops) < keys+hits {
		if written < keys && (written == 0 || r.Float64() < pWrite || len(ops)-written >= hits) {
			ops = append(ops, mixOp{key: written, first: true})
			written++
			continue
		}
		z := int(zipf.Uint64()) % written
		if r.IntN(2) == 0 {
			z = written - 1 - z // recently written addresses come back
		}
		ops = append(ops, mixOp{key: z})
	}
	return ops, answers
}

// BenchmarkRunMix: one op is one whole scaled run (23,372 writes, 85,521
// hits, 64 workers) on a fresh file; ns/call is per Cached.Call.
func BenchmarkRunMix(b *testing.B) {
	ops, answers := runMix(116860/5, 427607/5)
	next := ovhapi.CallerFunc(func(_ context.Context, _ string, body any) (json.RawMessage, error) {
		i, _ := strconv.Atoi(body.(ovhapi.StreetsRequest).InseeCode)
		return answers[i], nil
	})
	routes := []string{ovhapi.RouteTestBuilding, ovhapi.RouteBuildings}
	dir := b.TempDir()
	b.ReportAllocs()
	var st Stats
	run := 0
	cpu0 := processCPU()
	for b.Loop() {
		run++
		s, err := Open(filepath.Join(dir, strconv.Itoa(run)+".db"))
		if err != nil {
			b.Fatal(err)
		}
		c := s.Wrap(next, ep, Options{})
		var pos atomic.Int64
		var wg sync.WaitGroup
		for range 64 {
			wg.Go(func() {
				ctx := context.Background()
				for {
					i := int(pos.Add(1)) - 1
					if i >= len(ops) {
						return
					}
					k := ops[i].key
					if _, err := c.Call(ctx, routes[k%2], ovhapi.StreetsRequest{InseeCode: strconv.Itoa(k)}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		st = c.Stats()
		s.Close()
	}
	if st.StoreErrors != 0 || st.Misses < int64(len(answers)) {
		b.Fatalf("stats %+v", st)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ops)), "ns/call")
	b.ReportMetric(float64((processCPU()-cpu0).Nanoseconds())/float64(b.N*len(ops)), "cpu-ns/call")
	b.ReportMetric(float64(st.MemHits)/float64(st.Hits), "memhit/hit")
}

// processCPU is the CPU time (user + system) of this process so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
