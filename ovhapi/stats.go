package ovhapi

import (
	"sync"
	"sync/atomic"
)

// RouteStats counts the activity on one route.
type RouteStats struct {
	Requests    int64 // HTTP attempts: first POSTs, polls and retries
	Calls       int64 // tasks started (Call) or GETs by reference
	Polls       int64 // re-POSTs of a pending task
	Retries     int64 // attempts repeated after a retryable failure
	RateLimited int64 // 429 answers
	TaskErrors  int64 // tasks ended with status "error"
	Timeouts    int64 // tasks still pending at their deadline
	HTTPErrors  int64 // calls ended by an *HTTPError
}

// Stats is a snapshot of a client's counters: totals and per route.
type Stats struct {
	Requests    map[string]int64 // HTTP attempts per route
	Total       int64            // sum of Requests
	Calls       int64
	Polls       int64
	Retries     int64
	RateLimited int64
	TaskErrors  int64
	Timeouts    int64
	HTTPErrors  int64
	ByRoute     map[string]RouteStats
}

type routeCounters struct {
	requests, calls, polls, retries, rateLimited, taskErrors, timeouts, httpErrors atomic.Int64
}

type stats struct {
	routes sync.Map // route → *routeCounters
}

func (s *stats) route(r string) *routeCounters {
	if v, ok := s.routes.Load(r); ok {
		return v.(*routeCounters)
	}
	v, _ := s.routes.LoadOrStore(r, new(routeCounters))
	return v.(*routeCounters)
}

// Stats returns a copy of the counters.
func (c *Client) Stats() Stats {
	st := Stats{Requests: map[string]int64{}, ByRoute: map[string]RouteStats{}}
	c.stats.routes.Range(func(k, v any) bool {
		rc := v.(*routeCounters)
		r := RouteStats{
			Requests: rc.requests.Load(), Calls: rc.calls.Load(), Polls: rc.polls.Load(),
			Retries: rc.retries.Load(), RateLimited: rc.rateLimited.Load(),
			TaskErrors: rc.taskErrors.Load(), Timeouts: rc.timeouts.Load(), HTTPErrors: rc.httpErrors.Load(),
		}
		route := k.(string)
		st.ByRoute[route] = r
		st.Requests[route] = r.Requests
		st.Total += r.Requests
		st.Calls += r.Calls
		st.Polls += r.Polls
		st.Retries += r.Retries
		st.RateLimited += r.RateLimited
		st.TaskErrors += r.TaskErrors
		st.Timeouts += r.Timeouts
		st.HTTPErrors += r.HTTPErrors
		return true
	})
	return st
}
