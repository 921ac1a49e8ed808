package ratelimit

import (
	"context"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Defaults stay at OVH's fair-use guidance (60 req/min per consumer key,
// python-ovh #81) with a small burst so a run starts without a stall.
const (
	DefaultRate     = 1.0
	DefaultBurst    = 3
	DefaultCooldown = 30 * time.Second
)

const (
	// recoverStep is the fraction of the configured rate regained per
	// success once the cool-down is over: from half rate, 5 successes.
	recoverStep = 0.1
	// minFraction bounds the slow-down so that repeated 429s never stall
	// the run completely.
	minFraction = 1.0 / 64
	// halveEvery debounces 429s: the requests that were in flight when the
	// first 429 came back all see one too, and must not divide the rate
	// again and again.
	halveEvery = time.Second
)

// Stats is a snapshot of the limiter's counters.
type Stats struct {
	Waits       int64         // calls to Wait
	Waited      time.Duration // total time callers spent in Wait
	RateLimited int64         // calls to OnRateLimited (429s seen)
	Rate        float64       // current rate in requests per second; 0 = unlimited
}

// Option tunes a Limiter.
type Option func(*Limiter)

// WithCooldown sets how long the rate stays halved after a 429 before
// successes may raise it again (default DefaultCooldown).
func WithCooldown(d time.Duration) Option {
	return func(l *Limiter) {
		if d >= 0 {
			l.cooldown = d
		}
	}
}

// WithClock replaces time.Now for the cool-down logic (tests).
func WithClock(now func() time.Time) Option {
	return func(l *Limiter) {
		if now != nil {
			l.now = now
		}
	}
}

// Limiter is a token bucket shared by every goroutine of the process. The
// zero value is not usable; call New. A nil *Limiter is unlimited.
type Limiter struct {
	lim        *rate.Limiter // nil when unlimited
	configured float64
	cooldown   time.Duration
	now        func() time.Time

	mu         sync.Mutex
	current    float64
	slowUntil  time.Time
	lastHalved time.Time

	waits       atomic.Int64
	waited      atomic.Int64 // nanoseconds
	rateLimited atomic.Int64
}

// New returns a limiter allowing rps requests per second with the given
// burst. rps <= 0 (or +Inf) means unlimited; burst < 1 is taken as 1.
func New(rps float64, burst int, opts ...Option) *Limiter {
	l := &Limiter{cooldown: DefaultCooldown, now: time.Now}
	for _, o := range opts {
		o(l)
	}
	if rps <= 0 || math.IsInf(rps, 1) || math.IsNaN(rps) {
		return l
	}
	if burst < 1 {
		burst = 1
	}
	l.configured = rps
	l.current = rps
	l.lim = rate.NewLimiter(rate.Limit(rps), burst)
	return l
}

// Wait blocks until one request may be sent or ctx is done.
func (l *Limiter) Wait(ctx context.Context) error {
	if l == nil {
		return ctx.Err()
	}
	l.waits.Add(1)
	if l.lim == nil {
		return ctx.Err()
	}
	start := time.Now()
	err := l.lim.Wait(ctx)
	l.waited.Add(int64(time.Since(start)))
	return err
}

// OnRateLimited records a 429 and halves the current rate for the
// cool-down (at most once per second, down to 1/64 of the configured rate).
func (l *Limiter) OnRateLimited() {
	if l == nil {
		return
	}
	l.rateLimited.Add(1)
	if l.lim == nil {
		return
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.slowUntil = now.Add(l.cooldown)
	if !l.lastHalved.IsZero() && now.Sub(l.lastHalved) < halveEvery {
		return
	}
	l.lastHalved = now
	l.current = max(l.current/2, l.configured*minFraction)
	l.lim.SetLimit(rate.Limit(l.current))
}

// OnSuccess records a successful request: once the cool-down is over, each
// success gives back a tenth of the configured rate, up to that rate.
func (l *Limiter) OnSuccess() {
	if l == nil || l.lim == nil {
		return
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.current >= l.configured || now.Before(l.slowUntil) {
		return
	}
	l.current = min(l.configured, l.current+l.configured*recoverStep)
	l.lim.SetLimit(rate.Limit(l.current))
}

// Limit returns the current rate in requests per second (0 = unlimited).
func (l *Limiter) Limit() float64 {
	if l == nil || l.lim == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.current
}

// Configured returns the rate given to New (0 = unlimited).
func (l *Limiter) Configured() float64 {
	if l == nil {
		return 0
	}
	return l.configured
}

// Stats returns a copy of the counters.
func (l *Limiter) Stats() Stats {
	if l == nil {
		return Stats{}
	}
	return Stats{
		Waits:       l.waits.Load(),
		Waited:      time.Duration(l.waited.Load()),
		RateLimited: l.rateLimited.Load(),
		Rate:        l.Limit(),
	}
}
