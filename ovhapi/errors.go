package ovhapi

import (
	"errors"
	"fmt"
	"html"
	"regexp"
	"strings"
	"time"

	"github.com/ovh/go-ovh/ovh"
)

// ErrNoCredentials is returned for a signed /partners route when the client
// has no credentials (neither WithCredentials nor OVH_* / ovh.conf).
var ErrNoCredentials = errors.New("no OVH credentials: /partners routes need application key, secret and consumer key (OVH_* variables or ovh.conf)")

// TaskError is a task that OVH ended with status "error". It is terminal:
// re-POSTing the same body returns the same answer, so it is never retried.
type TaskError struct {
	Route   string
	Message string // OVH's "error" text
}

func (e *TaskError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = "task failed without a message"
	}
	return fmt.Sprintf("POST %s: task error: %s", e.Route, msg)
}

// TimeoutError is a task still pending when its deadline passed.
type TimeoutError struct {
	Route   string
	Polls   int           // re-POSTs made while pending
	Elapsed time.Duration // time spent on the task, rate-limiter waits excluded
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("POST %s: task still pending after %d polls and %v", e.Route, e.Polls, e.Elapsed.Round(time.Millisecond))
}

// HTTPError is an HTTP attempt that failed for good: a non-retryable status,
// or a retryable one (or a network error) on the last attempt. Err is the
// *ovh.APIError (Code, Class, Message, QueryID) or the network error.
type HTTPError struct {
	Method   string // POST or GET
	Route    string
	Attempts int
	Err      error
}

func (e *HTTPError) Error() string {
	method := e.Method
	if method == "" {
		method = "POST"
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s %s: ", method, e.Route)
	if ae := apiError(e.Err); ae != nil {
		fmt.Fprintf(&sb, "%d", ae.Code)
		if ae.Class != "" {
			fmt.Fprintf(&sb, " %s", ae.Class)
		}
		if msg := summarize(ae.Message); msg != "" {
			fmt.Fprintf(&sb, ": %s", msg)
		}
		if ae.QueryID != "" {
			fmt.Fprintf(&sb, " (query id %s)", ae.QueryID)
		}
	} else {
		sb.WriteString(e.Err.Error())
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&sb, " (after %d attempts)", e.Attempts)
	}
	return sb.String()
}

func (e *HTTPError) Unwrap() error { return e.Err }

// StatusCode returns the HTTP status of the last attempt, 0 for a network error.
func (e *HTTPError) StatusCode() int {
	if ae := apiError(e.Err); ae != nil {
		return ae.Code
	}
	return 0
}

// apiError finds go-ovh's error, returned as *APIError but also an error
// by value.
func apiError(err error) *ovh.APIError {
	var p *ovh.APIError
	if errors.As(err, &p) && p != nil {
		return p
	}
	var v ovh.APIError
	if errors.As(err, &v) {
		return &v
	}
	return nil
}

var (
	reTitle = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	reH1    = regexp.MustCompile(`(?is)<h1[^>]*>(.*?)</h1>`)
	reTag   = regexp.MustCompile(`(?s)<[^>]*>`)
)

// summarize turns an error body into one short line: go-ovh puts a whole
// HTML page (503, 408 from the infrastructure) into APIError.Message.
func summarize(msg string) string {
	const maxLen = 160
	s := strings.TrimSpace(msg)
	if strings.HasPrefix(s, "<") {
		switch {
		case reTitle.MatchString(s):
			s = reTitle.FindStringSubmatch(s)[1]
		case reH1.MatchString(s):
			s = reH1.FindStringSubmatch(s)[1]
		}
		s = html.UnescapeString(reTag.ReplaceAllString(s, " "))
	}
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > maxLen {
		s = string(r[:maxLen]) + "…"
	}
	return s
}

// IsPermanent reports whether retrying err later cannot help: task errors,
// HTTP 4xx other than 408/429, undecodable answers, missing credentials.
// Timeouts, 5xx, 429 and network errors are transient.
func IsPermanent(err error) bool {
	if err == nil {
		return false
	}
	var te *TaskError
	var de *DecodeError
	switch {
	case errors.As(err, &te), errors.As(err, &de), errors.Is(err, ErrNoCredentials):
		return true
	}
	if ae := apiError(err); ae != nil {
		return ae.Code >= 400 && ae.Code < 500 && ae.Code != 408 && ae.Code != 429
	}
	return false
}
