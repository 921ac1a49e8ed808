package store

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/ovhcloud-tools/eligibility/ovhapi"
)

// streetsAnswer is a realistic search answer (~40 streets, 3 KB).
var streetsAnswer = func() json.RawMessage {
	var streets []ovhapi.Street
	for i := range 40 {
		streets = append(streets, ovhapi.Street{StreetCode: "0100" + strconv.Itoa(i), StreetName: "RUE NUMERO " + strconv.Itoa(i)})
	}
	b, _ := json.Marshal(streets)
	return b
}()

func benchHit(b *testing.B, s *Store, mem int) {
	next := ovhapi.CallerFunc(func(context.Context, string, any) (json.RawMessage, error) { return streetsAnswer, nil })
	c := s.Wrap(next, ep, Options{MemoryEntries: mem})
	ctx := context.Background()
	body := ovhapi.StreetsRequest{InseeCode: "01001"}
	if _, err := c.Call(ctx, ovhapi.RouteStreets, body); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.Call(ctx, ovhapi.RouteStreets, body); err != nil {
			b.Fatal(err)
		}
	}
	if st := c.Stats(); st.Misses != 1 {
		b.Fatalf("misses %d", st.Misses)
	}
}

// BenchmarkHitMemory: a hot key answered by the LRU.
func BenchmarkHitMemory(b *testing.B) {
	s, _ := openTemp(b)
	benchHit(b, s, 0)
}

// BenchmarkHitSQLite: the same key read from the file each time.
func BenchmarkHitSQLite(b *testing.B) {
	s, _ := openTemp(b)
	benchHit(b, s, -1)
}

// BenchmarkMissStore: a new key each time, committed to the file.
func BenchmarkMissStore(b *testing.B) {
	s, _ := openTemp(b)
	next := ovhapi.CallerFunc(func(context.Context, string, any) (json.RawMessage, error) { return streetsAnswer, nil })
	c := s.Wrap(next, ep, Options{MemoryEntries: -1})
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if _, err := c.Call(ctx, ovhapi.RouteStreets, ovhapi.StreetsRequest{InseeCode: strconv.Itoa(i)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKey: canonicalisation and hashing alone.
func BenchmarkKey(b *testing.B) {
	body := ovhapi.StreetsRequest{InseeCode: "01001"}
	b.ReportAllocs()
	for b.Loop() {
		canon, err := Canonical(body)
		if err != nil {
			b.Fatal(err)
		}
		Key(ep, ovhapi.RouteStreets, canon)
	}
}

// BenchmarkHitSQLiteParallel: file reads from many workers (connection pool).
func BenchmarkHitSQLiteParallel(b *testing.B) {
	s, _ := openTemp(b)
	next := ovhapi.CallerFunc(func(context.Context, string, any) (json.RawMessage, error) { return streetsAnswer, nil })
	c := s.Wrap(next, ep, Options{MemoryEntries: -1})
	ctx := context.Background()
	for i := range 64 {
		if _, err := c.Call(ctx, ovhapi.RouteStreets, ovhapi.StreetsRequest{InseeCode: strconv.Itoa(i)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			if _, err := c.Call(ctx, ovhapi.RouteStreets, ovhapi.StreetsRequest{InseeCode: strconv.Itoa(i % 64)}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
