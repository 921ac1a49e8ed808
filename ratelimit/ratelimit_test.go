package ratelimit

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock drives the cool-down logic without waiting.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestSharedRateIsKept(t *testing.T) {
	const (
		rps     = 200.0
		burst   = 3
		workers = 32
		calls   = 160
	)
	l := New(rps, burst)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for next.Add(1) <= calls {
				if err := l.Wait(t.Context()); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	// The burst is free; the rest is paced.
	achieved := float64(calls-burst) / elapsed.Seconds()
	ratio := achieved / rps
	t.Logf("%d calls by %d goroutines in %v: %.1f req/s (ratio %.3f)", calls, workers, elapsed, achieved, ratio)
	if ratio < 0.8 || ratio > 1.1 {
		t.Errorf("achieved/configured = %.3f, want within [0.8, 1.1]", ratio)
	}
	st := l.Stats()
	if st.Waits != calls {
		t.Errorf("Waits = %d, want %d", st.Waits, calls)
	}
	if st.Waited <= 0 {
		t.Errorf("Waited = %v, want > 0 for %d goroutines over a %v/s limiter", st.Waited, workers, rps)
	}
}

func TestSlowDownAndRecovery(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := New(10, 1, WithClock(clk.Now), WithCooldown(30*time.Second))
	if got := l.Limit(); got != 10 {
		t.Fatalf("initial Limit = %v, want 10", got)
	}

	l.OnRateLimited()
	if got := l.Limit(); got != 5 {
		t.Fatalf("after 429 Limit = %v, want 5", got)
	}
	// In-flight requests answering 429 at the same moment halve only once.
	l.OnRateLimited()
	l.OnRateLimited()
	if got := l.Limit(); got != 5 {
		t.Fatalf("after burst of 429s Limit = %v, want 5 (debounced)", got)
	}
	// A 429 a bit later halves again.
	clk.Advance(2 * time.Second)
	l.OnRateLimited()
	if got := l.Limit(); got != 2.5 {
		t.Fatalf("after second 429 Limit = %v, want 2.5", got)
	}

	// Successes during the cool-down change nothing.
	clk.Advance(29 * time.Second)
	for range 10 {
		l.OnSuccess()
	}
	if got := l.Limit(); got != 2.5 {
		t.Fatalf("during cool-down Limit = %v, want 2.5", got)
	}

	// After it, each success gives back a tenth of the configured rate.
	clk.Advance(2 * time.Second)
	want := []float64{3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10, 10, 10}
	for i, w := range want {
		l.OnSuccess()
		if got := l.Limit(); got < w-1e-9 || got > w+1e-9 {
			t.Fatalf("success %d: Limit = %v, want %v", i+1, got, w)
		}
	}
	if st := l.Stats(); st.RateLimited != 4 || st.Rate != 10 {
		t.Errorf("Stats = %+v, want RateLimited 4, Rate 10", st)
	}
}

func TestSlowDownFloor(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	l := New(64, 1, WithClock(clk.Now))
	for range 20 {
		l.OnRateLimited()
		clk.Advance(time.Minute)
	}
	if got := l.Limit(); got != 1 {
		t.Errorf("Limit after many 429s = %v, want floor 1 (1/64 of 64)", got)
	}
}

func TestUnlimited(t *testing.T) {
	for _, rps := range []float64{0, -1} {
		l := New(rps, 0)
		for range 1000 {
			if err := l.Wait(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
		l.OnRateLimited()
		l.OnSuccess()
		st := l.Stats()
		if st.Rate != 0 || st.Waits != 1000 || st.RateLimited != 1 {
			t.Errorf("rps %v: Stats = %+v, want Rate 0, Waits 1000, RateLimited 1", rps, st)
		}
	}
	var nilLim *Limiter
	if err := nilLim.Wait(t.Context()); err != nil {
		t.Errorf("nil limiter Wait = %v", err)
	}
}

func TestWaitHonoursContext(t *testing.T) {
	l := New(0.001, 1) // one token, then ~17 minutes per token
	if err := l.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := l.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait on cancelled ctx = %v, want context.Canceled", err)
	}
	ctx2, cancel2 := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel2()
	if err := l.Wait(ctx2); err == nil {
		t.Error("Wait that would exceed the deadline returned nil")
	}
}
