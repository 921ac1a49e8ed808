package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/ovhcloud-tools/eligibility/ovhapi"
	"github.com/ovhcloud-tools/eligibility/ratelimit"
	"github.com/ovhcloud-tools/eligibility/resolve"
	"github.com/ovhcloud-tools/eligibility/sandbox"
	"github.com/ovhcloud-tools/eligibility/store"
)

// Defaults. Against OVH the fair use is about 60 requests per minute per key;
// the in-process sandbox is local and can go much faster.
const (
	DefaultEndpoint       = "ovh-eu"
	DefaultRate           = ratelimit.DefaultRate
	DefaultBurst          = ratelimit.DefaultBurst
	DefaultSandboxRate    = 200
	DefaultSandboxWorkers = 32
	DefaultSandboxPoll    = 50 * time.Millisecond
)

// DefaultWorkers is the fewest rows resolved at once when --workers is not given.
const DefaultWorkers = 8

// autoWorkers sizes the worker pool so that pending tasks do not starve the
// limiter: a worker waiting for a poll sends nothing, so to keep `rate`
// requests per second flowing while each task sleeps about pollFirst between
// its requests, about rate × pollFirst workers must be busy at once; three
// times that leaves room for slower polls (×1.5 backoff) and rows between
// tasks. Measured with make bench at --rate 50 and the default 2 s poll:
// 32 workers kept the limiter 49 % busy, 200 workers 91 %, 300 see bench/.
func autoWorkers(rate float64, pollFirst time.Duration) int {
	if pollFirst <= 0 {
		pollFirst = ovhapi.DefaultPoll.First
	}
	n := DefaultWorkers
	if rate > 0 {
		n = max(n, int(math.Ceil(3*rate*pollFirst.Seconds())))
	}
	return min(n, 1024)
}

// Options configure an Engine. Zero values take the defaults above.
type Options struct {
	Endpoint string // "ovh-eu", "ovh-ca", … or a URL; ignored with Sandbox
	Sandbox  bool   // start the embedded simulator on a loopback port
	// SandboxConfig tunes the in-process sandbox (pending polls, faults…).
	// Zero PendingPolls and PendingFor give one pending answer per task;
	// a negative PendingPolls, none.
	SandboxConfig sandbox.Config
	Rate          float64 // requests per second; < 0 means unlimited
	Burst         int
	Workers       int
	PollFirst     time.Duration // first wait of a pending task (default 2 s, sandbox 50 ms)
	PollDeadline  time.Duration
	Retry         *ovhapi.RetryPolicy

	CachePath     string // "" = default under the user cache dir
	CacheExplicit bool   // the user named the cache: failing to open it is fatal
	NoCache       bool
	Refresh       bool
	TTLSearch     time.Duration
	TTLTest       time.Duration

	Partners bool // use the signed /partners test routes (needs OVH credentials)
	Resolve  resolve.Options
	Logger   *slog.Logger
}

// Engine is an opened connection: client, cache and resolver.
type Engine struct {
	opts     Options
	log      *slog.Logger
	endpoint string
	limiter  *ratelimit.Limiter
	client   *ovhapi.Client
	store    *store.Store
	cached   *store.Cached
	resolver *resolve.Resolver
	sandbox  *sandbox.Server
	srv      *http.Server
	// CacheWarning is set when the cache could not be used and the engine
	// runs without it.
	CacheWarning string
}

// Open builds an Engine. With Sandbox it starts the simulator on 127.0.0.1.
func Open(ctx context.Context, opts Options) (*Engine, error) {
	e := &Engine{opts: opts, log: opts.Logger}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	endpoint := opts.Endpoint
	if endpoint == "" {
		endpoint = os.Getenv("OVH_ENDPOINT") // the go-ovh way
	}
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	rate, workers, pollFirst := opts.Rate, opts.Workers, opts.PollFirst
	if opts.Sandbox {
		if err := e.startSandbox(); err != nil {
			return nil, err
		}
		endpoint = e.endpoint
		if rate == 0 {
			rate = DefaultSandboxRate
		}
		if workers == 0 {
			workers = DefaultSandboxWorkers
		}
		if pollFirst == 0 {
			pollFirst = DefaultSandboxPoll
		}
	}
	switch {
	case rate == 0:
		rate = DefaultRate
	case rate < 0:
		rate = 0 // unlimited
	}
	burst := opts.Burst
	if burst == 0 {
		burst = DefaultBurst
	}
	if workers == 0 {
		workers = autoWorkers(rate, pollFirst)
	}
	e.opts.Workers = workers
	e.limiter = ratelimit.New(rate, burst)

	poll := ovhapi.DefaultPoll
	if pollFirst > 0 {
		poll.First = pollFirst
		if poll.Max > 40*pollFirst {
			poll.Max = 40 * pollFirst
		}
	}
	if opts.PollDeadline > 0 {
		poll.Deadline = opts.PollDeadline
	}
	copts := []ovhapi.Option{ovhapi.WithLimiter(e.limiter), ovhapi.WithPoll(poll), ovhapi.WithLogger(e.log),
		ovhapi.WithUserAgent("eligibility")}
	switch {
	case opts.Retry != nil:
		copts = append(copts, ovhapi.WithRetry(*opts.Retry))
	case opts.Sandbox:
		// The simulator's faults are injected, not load: retry quickly.
		copts = append(copts, ovhapi.WithRetry(ovhapi.RetryPolicy{MaxAttempts: 5, Base: 10 * time.Millisecond, Max: 200 * time.Millisecond}))
	}
	if opts.Partners {
		copts = append(copts, ovhapi.WithOVHConfig(), ovhapi.WithPartners(true))
	}
	client, err := ovhapi.New(endpoint, copts...)
	if err != nil {
		e.Close()
		return nil, fmt.Errorf("endpoint %q: %w", endpoint, err)
	}
	e.client = client
	e.endpoint = client.Endpoint()

	var caller ovhapi.Caller = client
	if !opts.NoCache {
		if err := e.openCache(); err != nil {
			e.Close()
			return nil, err
		}
	}
	copt := store.Options{TTLSearch: opts.TTLSearch, TTLTest: opts.TTLTest, Refresh: opts.Refresh, Logger: e.log}
	if e.store != nil {
		e.cached = e.store.Wrap(client, e.cacheEndpoint(), copt)
	} else {
		e.cached = store.Dedupe(client)
	}
	caller = e.cached
	ropts := opts.Resolve
	if ropts.Logger == nil {
		ropts.Logger = e.log
	}
	e.resolver = resolve.New(ovhapi.Service{Caller: caller, Partners: opts.Partners}, ropts)
	return e, nil
}

func (e *Engine) openCache() error {
	path := e.opts.CachePath
	if path == "" {
		p, err := store.DefaultPath(e.opts.Sandbox)
		if err != nil {
			e.CacheWarning = "no cache: " + err.Error()
			e.log.Warn("running without answer cache", "err", err)
			return nil
		}
		path = p
	}
	st, err := store.Open(path)
	if err != nil {
		if e.opts.CacheExplicit {
			return fmt.Errorf("cache %s: %w", path, err)
		}
		e.CacheWarning = fmt.Sprintf("cache %s unusable, running without it: %v", path, err)
		e.log.Warn("running without answer cache", "path", path, "err", err)
		return nil
	}
	e.store = st
	return nil
}

func (e *Engine) startSandbox() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	cfg := e.opts.SandboxConfig
	switch {
	case cfg.PendingPolls < 0:
		cfg.PendingPolls = 0
	case cfg.PendingPolls == 0 && cfg.PendingFor == 0:
		cfg.PendingPolls = 1 // faithful: every task is pending once
	}
	e.sandbox = sandbox.New(cfg)
	e.srv = &http.Server{Handler: e.sandbox, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := e.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			e.log.Error("sandbox server", "err", err)
		}
	}()
	e.endpoint = "http://" + ln.Addr().String() + "/1.0"
	return nil
}

// cacheEndpoint names the answers' origin in cache keys. The in-process
// sandbox listens on a new port every run, so its answers are keyed by the
// world they come from instead: a re-run hits the cache, and a different
// --sandbox-world never reuses them.
func (e *Engine) cacheEndpoint() string {
	if e.sandbox == nil {
		return e.endpoint
	}
	key := "sandbox:"
	for _, s := range e.sandbox.World().Sources() {
		key += fmt.Sprintf("%s/%d/%d;", s.Name, s.Rows, s.Addresses)
	}
	return key
}

// Endpoint is the base URL the engine talks to.
func (e *Engine) Endpoint() string { return e.endpoint }

// Sandbox reports whether answers come from the embedded simulator.
func (e *Engine) Sandbox() bool { return e.opts.Sandbox }

// SandboxServer is the in-process simulator (nil against OVH).
func (e *Engine) SandboxServer() *sandbox.Server { return e.sandbox }

// Resolver resolves single rows (used by `check`).
func (e *Engine) Resolver() *resolve.Resolver { return e.resolver }

// Client is the HTTP client (for its counters).
func (e *Engine) Client() *ovhapi.Client { return e.client }

// Workers is the number of rows resolved at once.
func (e *Engine) Workers() int { return e.opts.Workers }

// Counters sums what the engine has done so far.
type Counters struct {
	Requests    map[string]int64 // HTTP attempts per route
	Total       int64
	Retries     int64
	RateLimited int64
	CacheHits   int64
	CacheMisses int64
	LimiterWait time.Duration
}

// Counters returns the client, cache and limiter counters.
func (e *Engine) Counters() Counters {
	c := Counters{Requests: map[string]int64{}}
	if e.client != nil {
		s := e.client.Stats()
		for r, n := range s.Requests {
			c.Requests[r] = n
			c.Total += n
		}
		c.Retries = s.Retries
		c.RateLimited = s.RateLimited
	}
	if e.cached != nil {
		s := e.cached.Stats()
		c.CacheHits, c.CacheMisses = s.Hits, s.Misses
	}
	if e.resolver != nil {
		c.CacheHits += e.resolver.MemoHits()
	}
	if e.limiter != nil {
		c.LimiterWait = e.limiter.Stats().Waited
	}
	return c
}

// Close stops the sandbox and closes the cache.
func (e *Engine) Close() error {
	var errs []error
	if e.cached != nil && e.store != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		errs = append(errs, e.cached.SaveRunStats(ctx))
		cancel()
	}
	if e.store != nil {
		errs = append(errs, e.store.Close())
	}
	if e.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		errs = append(errs, e.srv.Shutdown(ctx))
		cancel()
	}
	return errors.Join(errs...)
}
