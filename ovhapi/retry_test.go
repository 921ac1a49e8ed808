package ovhapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"syscall"
	"testing"
	"time"

	"github.com/ovh/go-ovh/ovh"
)

func TestShouldRetry(t *testing.T) {
	live := context.Background()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel2()

	apiErr := func(code int, msg string) error { return &ovh.APIError{Code: code, Message: msg} }
	netErr := &url.Error{Op: "Post", URL: "http://127.0.0.1:1/1.0/x", Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
	attemptTimeout := &url.Error{Op: "Post", URL: "http://127.0.0.1:1/1.0/x", Err: context.DeadlineExceeded}
	html503 := "<html><head><title>503 Service Unavailable</title></head><body>No server is available</body></html>"

	cases := []struct {
		name string
		ctx  context.Context
		err  error
		want bool
	}{
		{"nil", live, nil, false},
		{"429", live, apiErr(429, "Too many requests"), true},
		{"408 html", live, apiErr(408, "<html><h1>408 Request Time-out</h1></html>"), true},
		{"500", live, apiErr(500, "Internal Server Error"), true},
		{"502", live, apiErr(502, "<html>Bad Gateway</html>"), true},
		{"503 html", live, apiErr(503, html503), true},
		{"504", live, apiErr(504, "Gateway Time-out"), true},
		{"503 by value", live, ovh.APIError{Code: 503}, true},
		{"503 wrapped", live, fmt.Errorf("row 3: %w", apiErr(503, "x")), true},
		{"400", live, apiErr(400, "Invalid value"), false},
		{"401", live, apiErr(401, "You must login first"), false},
		{"403", live, apiErr(403, "This call has not been granted"), false},
		{"404", live, apiErr(404, "Not found"), false},
		{"409", live, apiErr(409, "Conflict"), false},
		{"501", live, apiErr(501, "Not implemented"), false},
		{"connection refused", live, netErr, true},
		{"attempt timeout", live, attemptTimeout, true},
		{"unexpected EOF", live, io.ErrUnexpectedEOF, true},
		{"503 but ctx cancelled", cancelled, apiErr(503, "x"), false},
		{"network but ctx expired", expired, netErr, false},
		{"context.Canceled", live, fmt.Errorf("post: %w", context.Canceled), false},
		{"task error", live, &TaskError{Route: RouteCities, Message: "failed"}, false},
		{"decode error", live, &DecodeError{Route: RouteCities, Err: errors.New("bad")}, false},
		{"no credentials", live, ErrNoCredentials, false},
		{"other", live, errors.New("json: unsupported type"), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := shouldRetry(tc.ctx, tc.err); got != tc.want {
				t.Errorf("shouldRetry(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 10, Base: 100 * time.Millisecond, Max: time.Second}.withDefaults()
	want := []time.Duration{100, 200, 400, 800, 1000, 1000, 1000}
	for i, w := range want {
		w *= time.Millisecond
		for range 50 {
			if d := p.backoff(i + 1); d < w/2 || d > w {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", i+1, d, w/2, w)
			}
		}
	}
	// Jitter: the same retry does not always wait the same time.
	seen := map[time.Duration]bool{}
	for range 20 {
		seen[p.backoff(3)] = true
	}
	if len(seen) < 2 {
		t.Error("backoff has no jitter")
	}
}

func TestPolicyDefaults(t *testing.T) {
	if got := (RetryPolicy{}).withDefaults(); got != DefaultRetry {
		t.Errorf("RetryPolicy{} → %+v, want %+v", got, DefaultRetry)
	}
	if got := (PollPolicy{}).withDefaults(); got != DefaultPoll {
		t.Errorf("PollPolicy{} → %+v, want %+v", got, DefaultPoll)
	}
	if DefaultPoll.First != 2*time.Second || DefaultPoll.Factor != 1.5 || DefaultPoll.Max != 10*time.Second || DefaultPoll.Deadline != 3*time.Minute {
		t.Errorf("DefaultPoll = %+v", DefaultPoll)
	}
	if DefaultRetry.MaxAttempts != 4 || DefaultRetry.Base != time.Second || DefaultRetry.Max != 30*time.Second {
		t.Errorf("DefaultRetry = %+v", DefaultRetry)
	}
}

func TestIsPermanent(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{&TaskError{}, true},
		{&HTTPError{Err: &ovh.APIError{Code: 400}}, true},
		{&HTTPError{Err: &ovh.APIError{Code: 404}}, true},
		{&HTTPError{Err: &ovh.APIError{Code: 429}}, false},
		{&HTTPError{Err: &ovh.APIError{Code: 408}}, false},
		{&HTTPError{Err: &ovh.APIError{Code: 503}}, false},
		{&TimeoutError{}, false},
		{fmt.Errorf("x: %w", ErrNoCredentials), true},
		{context.Canceled, false},
	}
	for _, tc := range cases {
		if got := IsPermanent(tc.err); got != tc.want {
			t.Errorf("IsPermanent(%#v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestPollDelays(t *testing.T) {
	p := DefaultPoll
	var got []time.Duration
	for d := p.First; len(got) < 7; d = p.next(d) {
		got = append(got, d)
	}
	want := []time.Duration{2000, 3000, 4500, 6750, 10000, 10000, 10000}
	for i := range want {
		if got[i] != want[i]*time.Millisecond {
			t.Fatalf("poll waits = %v, want %v ms", got, want)
		}
	}
}
