package store

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/ovhcloud-tools/eligibility/ovhapi"
)

// Options tune one Cached.
type Options struct {
	// TTLSearch and TTLTest are how long an answer stays good, for
	// referential searches and for eligibility tests (ovhapi.IsTestRoute).
	// Zero picks DefaultTTLSearch / DefaultTTLTest.
	TTLSearch, TTLTest time.Duration
	// Refresh ignores answers stored before this Cached was made: each key
	// is asked again once, overwritten, then served from the cache.
	Refresh bool
	// MemoryEntries bounds the in-memory layer; 0 = DefaultMemoryEntries,
	// negative = no memory layer.
	MemoryEntries int
	// SearchMemoryEntries, when positive, gives the referential lists
	// (cities, streets, street numbers: few, asked for row after row) a
	// memory layer of their own, so that the many test and building answers
	// never evict them. 0 = DefaultSearchMemoryEntries when MemoryEntries is
	// 0 too, else the lists share the MemoryEntries layer; negative = share.
	// Added field.
	SearchMemoryEntries int
	// Logger gets cache read/write failures (the call goes on without the
	// cache). nil = discard.
	Logger *slog.Logger
	// Now is the clock (tests); nil = time.Now.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.TTLSearch <= 0 {
		o.TTLSearch = DefaultTTLSearch
	}
	if o.TTLTest <= 0 {
		o.TTLTest = DefaultTTLTest
	}
	if o.MemoryEntries == 0 {
		o.MemoryEntries = DefaultMemoryEntries
		if o.SearchMemoryEntries == 0 {
			o.SearchMemoryEntries = DefaultSearchMemoryEntries
		}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// HitMiss counts the calls of one route.
type HitMiss struct {
	Hits, Misses, Shared int64
}

// Stats counts what a Cached did. Every call is exactly one of Hits (answered
// from memory or the file), Misses (forwarded to the wrapped Caller) or
// Shared (waited for an identical call in flight).
type Stats struct {
	Hits, Misses, Shared int64
	MemHits              int64 // of Hits, answered by the memory layer
	Errors               int64 // of Misses, failed (nothing stored)
	StoreErrors          int64 // file reads/writes that failed; the call went on without the cache
	ByRoute              map[string]HitMiss
}

// HitRate is Hits / (Hits + Misses), 0 when nothing was asked.
func (s Stats) HitRate() float64 {
	if s.Hits+s.Misses == 0 {
		return 0
	}
	return float64(s.Hits) / float64(s.Hits+s.Misses)
}

// Cached is an ovhapi.Caller that answers from the cache when it can, makes
// identical concurrent requests once, and stores every ok answer.
type Cached struct {
	next     ovhapi.Caller
	store    *Store // nil: memory and singleflight only
	endpoint string
	opts     Options
	mem      *lru // nil: no memory layer
	memLists *lru // search lists; nil: they use mem
	started  time.Time
	group    singleflight.Group

	mu    sync.Mutex
	stats Stats

	inflight atomic.Int64 // callers waiting on a flight (tests synchronise on it)
}

var _ ovhapi.Caller = (*Cached)(nil)

// Wrap decorates next, whose answers come from endpoint (the full base URL:
// it is part of every key, so sandbox and real answers never mix). s may be
// nil: then only the memory layer and the de-duplication work.
func (s *Store) Wrap(next ovhapi.Caller, endpoint string, opts Options) *Cached {
	opts = opts.withDefaults()
	c := &Cached{
		next:     next,
		store:    s,
		endpoint: endpoint,
		opts:     opts,
		started:  opts.Now(),
		stats:    Stats{ByRoute: map[string]HitMiss{}},
	}
	if opts.MemoryEntries > 0 {
		c.mem = newLRU(opts.MemoryEntries)
	}
	if opts.SearchMemoryEntries > 0 {
		c.memLists = newLRU(opts.SearchMemoryEntries)
	}
	return c
}

// Dedupe is the --no-cache decorator: in-flight de-duplication and a small
// memory layer, nothing on disk. What a run asks again and again is kept
// by the resolver, decoded (resolve.DefaultMemoSearch, DefaultMemoTests).
func Dedupe(next ovhapi.Caller) *Cached {
	var s *Store
	return s.Wrap(next, "", Options{MemoryEntries: DedupeMemoryEntries, SearchMemoryEntries: DedupeMemoryEntries})
}

// memFor is the memory layer of route (nil: none).
func (c *Cached) memFor(route string) *lru {
	if c.memLists != nil && isListRoute(route) {
		return c.memLists
	}
	return c.mem
}

// isListRoute reports whether route is a referential list (cities, streets,
// street numbers): few answers, each asked for many rows.
func isListRoute(route string) bool {
	switch route {
	case ovhapi.RouteCities, ovhapi.RouteStreets, ovhapi.RouteStreetNumbers, ovhapi.RouteStreetNumbersDetails:
		return true
	}
	return false
}

// flight is what the leader of a singleflight hands to every waiter.
type flight struct {
	raw    []byte
	cached bool // the leader found it in the cache after all
}

// maxRelaunch bounds how often a waiter starts a new flight after the
// leader's own context was cancelled.
const maxRelaunch = 3

// Call implements ovhapi.Caller.
func (c *Cached) Call(ctx context.Context, route string, body any) (json.RawMessage, error) {
	canon, err := Canonical(body)
	if err != nil {
		// Not JSON: the client will refuse it the same way; nothing to key.
		return c.next.Call(ctx, route, body)
	}
	key := Key(c.endpoint, route, canon)
	if raw, fromMem, ok := c.lookup(ctx, key, route); ok {
		c.count(route, func(s *Stats, hm *HitMiss) {
			s.Hits++
			hm.Hits++
			if fromMem {
				s.MemHits++
			}
		})
		return clone(raw), nil
	}

	for attempt := 0; ; attempt++ {
		leader := false
		ch := c.group.DoChan(key, func() (any, error) {
			leader = true
			if raw, ok := c.recheck(ctx, key, route); ok {
				// Stored by a flight that ended between our lookup and now.
				return flight{raw: raw, cached: true}, nil
			}
			raw, err := c.next.Call(ctx, route, body)
			if err != nil {
				return nil, err
			}
			c.remember(key, route, string(canon), raw)
			return flight{raw: raw}, nil
		})
		var res singleflight.Result
		c.inflight.Add(1)
		select {
		case <-ctx.Done():
			c.inflight.Add(-1)
			// The flight goes on for the others (it holds its own ctx).
			return nil, ctx.Err()
		case res = <-ch:
			c.inflight.Add(-1)
		}
		// Reading leader is safe: the channel send happens after fn returned.
		if res.Err != nil && !leader && ctx.Err() == nil && attempt < maxRelaunch &&
			(errors.Is(res.Err, context.Canceled) || errors.Is(res.Err, context.DeadlineExceeded)) {
			continue // the leader's context ended, not ours: ask again
		}
		c.count(route, func(s *Stats, hm *HitMiss) {
			switch {
			case !leader:
				s.Shared++
				hm.Shared++
			case res.Err == nil && res.Val.(flight).cached:
				s.Hits++
				hm.Hits++
			default:
				s.Misses++
				hm.Misses++
				if res.Err != nil {
					s.Errors++
				}
			}
		})
		if res.Err != nil {
			return nil, res.Err
		}
		return clone(res.Val.(flight).raw), nil
	}
}

// lookup finds a fresh answer in memory, then in the file.
func (c *Cached) lookup(ctx context.Context, key, route string) (raw []byte, fromMem, ok bool) {
	now := c.opts.Now()
	mem := c.memFor(route)
	if mem != nil {
		if e, ok := mem.get(key); ok && c.fresh(route, e.created, now) {
			return e.result, true, true
		}
	}
	if c.store == nil {
		return nil, false, false
	}
	raw, created, found, err := c.store.lookup(ctx, key)
	if err != nil {
		if ctx.Err() == nil {
			c.storeError("cache read failed", route, err)
		}
		return nil, false, false
	}
	if !found || !c.fresh(route, created, now) {
		return nil, false, false
	}
	if mem != nil {
		mem.put(key, raw, created)
	}
	return raw, false, true
}

// recheck is the leader's second look, for an identical flight that ended
// between the caller's lookup and its own: such a flight left its answer in
// memory, so the file (a few µs of SQLite, nearly always for nothing on a
// miss) is read again only when there is no memory layer.
func (c *Cached) recheck(ctx context.Context, key, route string) ([]byte, bool) {
	mem := c.memFor(route)
	if mem == nil {
		raw, _, ok := c.lookup(ctx, key, route)
		return raw, ok
	}
	if e, ok := mem.get(key); ok && c.fresh(route, e.created, c.opts.Now()) {
		return e.result, true
	}
	return nil, false
}

// fresh reports whether an answer stored at created may still be served.
func (c *Cached) fresh(route string, created, now time.Time) bool {
	ttl := c.opts.TTLSearch
	if ovhapi.IsTestRoute(route) {
		ttl = c.opts.TTLTest
	}
	if now.Sub(created) >= ttl {
		return false
	}
	// The file keeps whole seconds; an answer of this run's first second
	// counts as refreshed.
	return !c.opts.Refresh || !created.Before(c.started.Truncate(time.Second))
}

// remember stores an ok answer in memory and commits it to the file.
func (c *Cached) remember(key, route, canon string, raw []byte) {
	// raw is next's fresh answer, owned from here on (every caller gets a
	// clone of it).
	now := c.opts.Now()
	if mem := c.memFor(route); mem != nil {
		mem.put(key, raw, now)
	}
	if c.store == nil {
		return
	}
	if err := c.store.save(key, c.endpoint, route, canon, raw, now); err != nil {
		c.storeError("cache write failed", route, err)
	}
}

func (c *Cached) storeError(msg, route string, err error) {
	c.opts.Logger.Warn(msg, "route", route, "err", err)
	c.count(route, func(s *Stats, _ *HitMiss) { s.StoreErrors++ })
}

func (c *Cached) count(route string, f func(*Stats, *HitMiss)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	hm := c.stats.ByRoute[route]
	f(&c.stats, &hm)
	c.stats.ByRoute[route] = hm
}

// Stats returns a snapshot of the counters.
func (c *Cached) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.ByRoute = maps.Clone(c.stats.ByRoute)
	return s
}

// SaveRunStats records this run's counters in the file, for "cache stats"
// (hit rate of the last run). Without a file it does nothing.
func (c *Cached) SaveRunStats(ctx context.Context) error {
	if c.store == nil {
		return nil
	}
	s := c.Stats()
	return c.store.saveRun(ctx, RunStats{
		Endpoint: c.endpoint, Started: c.started, Ended: c.opts.Now(),
		Hits: s.Hits, Misses: s.Misses, Shared: s.Shared, Errors: s.Errors,
	})
}

func clone(b []byte) json.RawMessage {
	if b == nil {
		return nil
	}
	return append(json.RawMessage(nil), b...)
}
