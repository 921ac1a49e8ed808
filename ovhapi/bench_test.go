package ovhapi

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ovhcloud-tools/eligibility/ratelimit"
)

// BenchmarkCall measures the client's own cost per task (go-ovh request
// building, JSON both ways, pool, stats) against a zero-latency local
// server with no rate limit.
func BenchmarkCall(b *testing.B) {
	resp := []byte(okJSON(cityResult))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(resp)
	}))
	b.Cleanup(srv.Close)
	c, err := New(srv.URL+"/1.0", WithLimiter(ratelimit.New(0, 0)))
	if err != nil {
		b.Fatal(err)
	}
	body := CitiesRequest{ZipCode: "54111"}
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Call(ctx, RouteCities, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCallParallel is BenchmarkCall from GOMAXPROCS goroutines sharing
// one Client (pool contention, shared transport).
func BenchmarkCallParallel(b *testing.B) {
	resp := []byte(okJSON(cityResult))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(resp)
	}))
	b.Cleanup(srv.Close)
	c, err := New(srv.URL+"/1.0", WithLimiter(ratelimit.New(0, 0)))
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Call(ctx, RouteCities, CitiesRequest{ZipCode: "54111"}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
