package sandbox

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Fault is a kind of injected failure.
type Fault string

// Faults. The HTTP ones are decided per HTTP attempt; task-error and stuck
// per request key (route + canonical body).
const (
	Fault429       Fault = "429"        // 429, JSON Client::TooManyRequests body or plain text
	Fault500       Fault = "500"        // 500, JSON Server::InternalServerError body
	Fault503       Fault = "503"        // 503, HTML page as a load balancer sends it
	Fault408       Fault = "408"        // 408, HTML page
	FaultTaskError Fault = "task-error" // HTTP 200, status "error"
	FaultStuck     Fault = "stuck"      // HTTP 200, status "pending" forever
)

// httpFaults is the order in which the per-attempt draw is split.
var httpFaults = []Fault{Fault429, Fault500, Fault503, Fault408}

func (f Fault) isHTTP() bool {
	switch f {
	case Fault429, Fault500, Fault503, Fault408:
		return true
	}
	return false
}

func (f Fault) valid() bool { return f.isHTTP() || f == FaultTaskError || f == FaultStuck }

// DefaultJobTTL is how long a request key keeps its job when Config.JobTTL is 0.
const DefaultJobTTL = 15 * time.Minute

// Config tunes the simulator. The zero value answers at once, never fails
// and serves the default world.
type Config struct {
	PendingPolls int           // pending answers per request key before the final answer (0 = at once)
	PendingFor   time.Duration // or: pending until this long after the key's first POST (both must pass)
	Latency      time.Duration // added to every response (cancelled with the request)
	// FaultRate is a probability per HTTP attempt for 429/500/503/408 and per
	// request key for task-error and stuck.
	FaultRate map[Fault]float64
	FailFirst int   // the first FailFirst attempts of EVERY request key fail with FailWith
	FailWith  Fault //   (deterministic, for client tests)
	Seed      int64 // varies the fault draws (not the world nor the eligibility)
	World     *World
	// Accepted credentials for the signed /partners routes. With an empty
	// AppKey every /partners call is refused.
	AppKey, AppSecret, ConsumerKey string
	RatePerMinute                  int           // fair-use limit per consumer key or client IP answering 429 (0 = off)
	JobTTL                         time.Duration // 0 = DefaultJobTTL
}

// ParseFaults reads a fault spec such as "429=0.05,503=0.02,task-error=0.01,stuck=0.01".
// Probabilities are in [0,1]; the HTTP ones must not add up to more than 1.
func ParseFaults(spec string) (map[Fault]float64, error) {
	out := map[Fault]float64{}
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return out, nil
	}
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, val, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("fault %q: want NAME=PROBABILITY", part)
		}
		f := Fault(strings.ToLower(strings.TrimSpace(name)))
		if !f.valid() {
			return nil, fmt.Errorf("fault %q: unknown (want one of %s)", name, faultNames())
		}
		p, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil || p < 0 || p > 1 {
			return nil, fmt.Errorf("fault %s=%q: want a probability between 0 and 1", f, val)
		}
		if _, dup := out[f]; dup {
			return nil, fmt.Errorf("fault %s given twice", f)
		}
		out[f] = p
	}
	var sum float64
	for _, f := range httpFaults {
		sum += out[f]
	}
	if sum > 1+1e-9 {
		return nil, fmt.Errorf("HTTP fault rates add up to %.3g, more than 1", sum)
	}
	return out, nil
}

// FormatFaults writes faults back in the ParseFaults syntax, sorted.
func FormatFaults(m map[Fault]float64) string {
	keys := make([]string, 0, len(m))
	for f := range m {
		keys = append(keys, string(f))
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + strconv.FormatFloat(m[Fault(k)], 'g', -1, 64)
	}
	return strings.Join(parts, ",")
}

func faultNames() string {
	return "429, 500, 503, 408, task-error, stuck"
}
