package ovhapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// PollPolicy paces the re-POSTs of a pending task. Zero fields take the
// defaults.
type PollPolicy struct {
	First    time.Duration // wait before the first re-POST (default 2 s)
	Factor   float64       // growth of the wait (default 1.5)
	Max      time.Duration // wait cap (default 10 s)
	Deadline time.Duration // a task still pending after this fails with *TimeoutError (default 3 min)
}

// DefaultPoll is used when WithPoll is not given.
var DefaultPoll = PollPolicy{First: 2 * time.Second, Factor: 1.5, Max: 10 * time.Second, Deadline: 3 * time.Minute}

func (p PollPolicy) withDefaults() PollPolicy {
	if p.First <= 0 {
		p.First = DefaultPoll.First
	}
	if p.Factor < 1 {
		p.Factor = DefaultPoll.Factor
	}
	if p.Max <= 0 {
		p.Max = max(DefaultPoll.Max, p.First)
	}
	if p.Deadline <= 0 {
		p.Deadline = DefaultPoll.Deadline
	}
	return p
}

// next returns the wait that follows d: ×Factor, capped at Max.
func (p PollPolicy) next(d time.Duration) time.Duration {
	return min(time.Duration(float64(d)*p.Factor), p.Max)
}

// envelope is xdsl.AsyncTask: result stays raw so every route shares it.
type envelope struct {
	Status string          `json:"status"`
	Result json.RawMessage `json:"result"`
	Error  *string         `json:"error"`
}

// runTask POSTs body, then re-POSTs the same bytes while the task is
// pending. The deadline counts time since the first POST minus the time
// spent waiting on the shared limiter, so a busy limiter does not turn
// healthy tasks into timeouts.
func (c *Client) runTask(ctx context.Context, route string, body json.RawMessage, signed bool, rs *routeCounters) (json.RawMessage, error) {
	start := time.Now()
	var waited time.Duration
	delay := c.poll.First
	polls := 0
	for {
		var env envelope
		w, err := c.do(ctx, http.MethodPost, route, route, body, &env, signed, rs)
		waited += w
		if err != nil {
			return nil, err
		}
		switch strings.ToLower(strings.TrimSpace(env.Status)) {
		case TaskOK, "done", "success":
			return env.Result, nil
		case TaskFailed:
			rs.taskErrors.Add(1)
			te := &TaskError{Route: route}
			if env.Error != nil {
				te.Message = *env.Error
			}
			c.log.Debug("ovh task error", "route", route, "message", te.Message)
			return nil, te
		}
		// Anything else ("pending", "doing", unknown) is still running.
		elapsed := time.Since(start) - waited
		remaining := c.poll.Deadline - elapsed
		if remaining <= 0 {
			rs.timeouts.Add(1)
			c.log.Debug("ovh task timed out", "route", route, "polls", polls, "elapsed", elapsed)
			return nil, &TimeoutError{Route: route, Polls: polls, Elapsed: elapsed}
		}
		if err := sleep(ctx, min(delay, remaining)); err != nil {
			return nil, fmt.Errorf("POST %s: %w", route, err)
		}
		delay = c.poll.next(delay)
		polls++
		rs.polls.Add(1)
	}
}
