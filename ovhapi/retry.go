package ovhapi

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"time"
)

// RetryPolicy bounds the retries of one HTTP attempt chain. Zero fields take
// the defaults.
type RetryPolicy struct {
	MaxAttempts int           // total attempts including the first (default 4)
	Base        time.Duration // first backoff (default 1 s), doubled each retry
	Max         time.Duration // backoff cap (default 30 s)
}

// DefaultRetry is used when WithRetry is not given.
var DefaultRetry = RetryPolicy{MaxAttempts: 4, Base: time.Second, Max: 30 * time.Second}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultRetry.MaxAttempts
	}
	if p.Base <= 0 {
		p.Base = DefaultRetry.Base
	}
	if p.Max <= 0 {
		p.Max = max(DefaultRetry.Max, p.Base)
	}
	return p
}

// backoff returns the wait before retry n (1-based): exponential, capped,
// with "equal jitter" (half fixed, half random) so that workers hit by the
// same 429 do not come back in lockstep.
func (p RetryPolicy) backoff(n int) time.Duration {
	d := p.Base
	for i := 1; i < n && d < p.Max; i++ {
		d *= 2
	}
	d = min(d, p.Max)
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(half+1)
}

// retryStatus are the HTTP statuses worth another try: timeouts, rate
// limiting and server-side failures (often HTML pages from the front).
var retryStatus = map[int]bool{408: true, 429: true, 500: true, 502: true, 503: true, 504: true}

// shouldRetry reports whether the attempt that returned err may be repeated.
// It is pure: it only looks at ctx and err.
func shouldRetry(ctx context.Context, err error) bool {
	if err == nil || ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return false
	}
	if ae := apiError(err); ae != nil {
		return retryStatus[ae.Code]
	}
	var (
		netErr net.Error
		urlErr *url.Error
	)
	switch {
	case errors.As(err, &netErr), errors.As(err, &urlErr):
		// Connection refused/reset, DNS, per-attempt timeout: the
		// caller's ctx is still alive (checked above).
		return true
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return true
	case errors.Is(err, context.DeadlineExceeded):
		// Per-attempt http.Client timeout, not the caller's deadline.
		return true
	}
	return false
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
