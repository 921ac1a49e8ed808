package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ovhcloud-tools/eligibility/ovhapi"
)

// fake is a Caller that counts its calls and answers from a function.
type fake struct {
	calls  atomic.Int64
	answer func(route string, body any) (json.RawMessage, error)
}

func (f *fake) Call(ctx context.Context, route string, body any) (json.RawMessage, error) {
	f.calls.Add(1)
	if f.answer == nil {
		b, _ := json.Marshal(body)
		return json.RawMessage(`{"route":"` + route + `","body":` + string(b) + `}`), nil
	}
	return f.answer(route, body)
}

// clock is an adjustable Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)} }
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func openTemp(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sub", "cache.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

const ep = "http://127.0.0.1:1/1.0"

func call(t *testing.T, c ovhapi.Caller, route string, body any) string {
	t.Helper()
	raw, err := c.Call(t.Context(), route, body)
	if err != nil {
		t.Fatalf("Call(%s): %v", route, err)
	}
	return string(raw)
}

func TestHitAfterMiss(t *testing.T) {
	for _, mem := range []int{0, -1} { // with and without the memory layer
		t.Run(fmt.Sprintf("memory=%d", mem), func(t *testing.T) {
			s, _ := openTemp(t)
			f := &fake{}
			c := s.Wrap(f, ep, Options{MemoryEntries: mem})
			body := ovhapi.CitiesRequest{ZipCode: "75001"}
			first := call(t, c, ovhapi.RouteCities, body)
			second := call(t, c, ovhapi.RouteCities, body)
			if first != second {
				t.Errorf("hit %s, want %s", second, first)
			}
			if n := f.calls.Load(); n != 1 {
				t.Errorf("next called %d times, want 1", n)
			}
			st := c.Stats()
			if st.Hits != 1 || st.Misses != 1 || st.Shared != 0 {
				t.Errorf("stats %+v, want 1 hit 1 miss", st)
			}
			if hm := st.ByRoute[ovhapi.RouteCities]; hm != (HitMiss{Hits: 1, Misses: 1}) {
				t.Errorf("ByRoute = %+v", hm)
			}
			if wantMem := int64(0); mem < 0 && st.MemHits != wantMem {
				t.Errorf("MemHits = %d without memory layer", st.MemHits)
			}
			if mem == 0 && st.MemHits != 1 {
				t.Errorf("MemHits = %d, want 1", st.MemHits)
			}
			// A second Cached on the same store (next run) hits the file.
			c2 := s.Wrap(f, ep, Options{})
			if got := call(t, c2, ovhapi.RouteCities, body); got != first {
				t.Errorf("file hit %s, want %s", got, first)
			}
			if n := f.calls.Load(); n != 1 {
				t.Errorf("next called %d times after a new Wrap, want 1", n)
			}
		})
	}
}

func TestEmptyResultCached(t *testing.T) {
	for _, empty := range []string{"[]", "{}", "null", ""} {
		t.Run(fmt.Sprintf("%q", empty), func(t *testing.T) {
			s, _ := openTemp(t)
			f := &fake{answer: func(string, any) (json.RawMessage, error) { return json.RawMessage(empty), nil }}
			c := s.Wrap(f, ep, Options{MemoryEntries: -1}) // force the file path
			for range 3 {
				if got := call(t, c, ovhapi.RouteStreets, ovhapi.StreetsRequest{InseeCode: "01001"}); got != empty {
					t.Fatalf("got %q, want %q", got, empty)
				}
			}
			if n := f.calls.Load(); n != 1 {
				t.Errorf("next called %d times, want 1", n)
			}
		})
	}
}

func TestErrorsNotCached(t *testing.T) {
	s, _ := openTemp(t)
	taskErr := errors.New("injected task error")
	fail := true
	f := &fake{answer: func(string, any) (json.RawMessage, error) {
		if fail {
			return nil, taskErr
		}
		return json.RawMessage(`[{"code":"1"}]`), nil
	}}
	c := s.Wrap(f, ep, Options{})
	body := ovhapi.TestBuildingRequest{Building: "IMB/1"}
	for range 2 {
		if _, err := c.Call(t.Context(), ovhapi.RouteTestBuilding, body); !errors.Is(err, taskErr) {
			t.Fatalf("err = %v, want the injected error", err)
		}
	}
	if n := f.calls.Load(); n != 2 {
		t.Errorf("next called %d times, want 2 (errors are not cached)", n)
	}
	ts, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if ts.Entries != 0 {
		t.Errorf("%d entries stored after errors, want 0", ts.Entries)
	}
	fail = false
	call(t, c, ovhapi.RouteTestBuilding, body)
	call(t, c, ovhapi.RouteTestBuilding, body)
	if n := f.calls.Load(); n != 3 {
		t.Errorf("next called %d times, want 3", n)
	}
	if st := c.Stats(); st.Errors != 2 || st.Misses != 3 || st.Hits != 1 {
		t.Errorf("stats %+v, want 2 errors, 3 misses, 1 hit", st)
	}
}

func TestTTLExpiry(t *testing.T) {
	tests := []struct {
		name        string
		route       string
		opts        Options
		after       time.Duration
		wantReasked bool
	}{
		{"search fresh at 29d", ovhapi.RouteCities, Options{}, 29 * 24 * time.Hour, false},
		{"search expired at 30d", ovhapi.RouteCities, Options{}, 30 * 24 * time.Hour, true},
		{"test fresh at 23h", ovhapi.RouteTestLine, Options{}, 23 * time.Hour, false},
		{"test expired at 25h", ovhapi.RouteTestLine, Options{}, 25 * time.Hour, true},
		{"partners test expired at 25h", ovhapi.RouteTestOTP + ovhapi.PartnersSuffix, Options{}, 25 * time.Hour, true},
		{"custom search TTL", ovhapi.RouteBuildings, Options{TTLSearch: time.Hour}, 2 * time.Hour, true},
		{"custom test TTL", ovhapi.RouteTestAddress, Options{TTLTest: 72 * time.Hour}, 48 * time.Hour, false},
	}
	for _, tt := range tests {
		for _, mem := range []int{0, -1} {
			t.Run(fmt.Sprintf("%s/memory=%d", tt.name, mem), func(t *testing.T) {
				s, _ := openTemp(t)
				clk := newClock()
				f := &fake{}
				opts := tt.opts
				opts.Now, opts.MemoryEntries = clk.Now, mem
				c := s.Wrap(f, ep, opts)
				call(t, c, tt.route, map[string]string{"k": "v"})
				clk.Add(tt.after)
				call(t, c, tt.route, map[string]string{"k": "v"})
				want := int64(1)
				if tt.wantReasked {
					want = 2
				}
				if n := f.calls.Load(); n != want {
					t.Errorf("next called %d times, want %d", n, want)
				}
				if tt.wantReasked {
					// The re-asked answer replaced the old one: fresh again.
					call(t, c, tt.route, map[string]string{"k": "v"})
					if n := f.calls.Load(); n != 2 {
						t.Errorf("next called %d times after re-ask, want 2", n)
					}
				}
			})
		}
	}
}

func TestRefresh(t *testing.T) {
	s, _ := openTemp(t)
	clk := newClock()
	version := "old"
	f := &fake{answer: func(string, any) (json.RawMessage, error) {
		return json.RawMessage(`"` + version + `"`), nil
	}}
	body := ovhapi.CitiesRequest{ZipCode: "01400"}
	call(t, s.Wrap(f, ep, Options{Now: clk.Now}), ovhapi.RouteCities, body)

	clk.Add(time.Minute)
	version = "new"
	c := s.Wrap(f, ep, Options{Now: clk.Now, Refresh: true, MemoryEntries: -1})
	if got := call(t, c, ovhapi.RouteCities, body); got != `"new"` {
		t.Errorf("refresh got %s, want the re-asked answer", got)
	}
	// Once refreshed in this run, the key is served from the cache.
	if got := call(t, c, ovhapi.RouteCities, body); got != `"new"` {
		t.Errorf("second call got %s", got)
	}
	if n := f.calls.Load(); n != 2 {
		t.Errorf("next called %d times, want 2", n)
	}
	// The file was overwritten: a normal run sees the new answer.
	if got := call(t, s.Wrap(f, ep, Options{Now: clk.Now}), ovhapi.RouteCities, body); got != `"new"` {
		t.Errorf("after refresh the file holds %s", got)
	}
	if n := f.calls.Load(); n != 2 {
		t.Errorf("next called %d times, want 2", n)
	}
}

func TestCanonicalKey(t *testing.T) {
	type req struct {
		StreetCode string `json:"streetCode"`
		InseeCode  string `json:"inseeCode"`
		Number     int    `json:"number"`
	}
	same := []any{
		req{StreetCode: "S1", InseeCode: "01001", Number: 12},
		map[string]any{"inseeCode": "01001", "number": 12, "streetCode": "S1"},
		json.RawMessage(`{ "number": 12, "streetCode": "S1", "inseeCode": "01001" }`),
	}
	want, err := Canonical(same[0])
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != `{"inseeCode":"01001","number":12,"streetCode":"S1"}` {
		t.Errorf("canonical = %s", want)
	}
	for i, b := range same[1:] {
		got, err := Canonical(b)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("body %d: canonical %s, want %s", i+1, got, want)
		}
	}
	// Big numbers keep their digits (no float64 round trip).
	if got, _ := Canonical(json.RawMessage(`{"n":12345678901234567890}`)); string(got) != `{"n":12345678901234567890}` {
		t.Errorf("big number: %s", got)
	}
	if _, err := Canonical(func() {}); err == nil {
		t.Error("Canonical(func) succeeded")
	}

	s, _ := openTemp(t)
	f := &fake{}
	c := s.Wrap(f, ep, Options{})
	for _, b := range same {
		call(t, c, ovhapi.RouteStreetNumbers, b)
	}
	if n := f.calls.Load(); n != 1 {
		t.Errorf("next called %d times for one content in 3 shapes, want 1", n)
	}
	call(t, c, ovhapi.RouteStreetNumbersDetails, same[0]) // another route: another key
	if n := f.calls.Load(); n != 2 {
		t.Errorf("next called %d times, want 2", n)
	}
}

func TestEndpointIsolation(t *testing.T) {
	s, _ := openTemp(t)
	sandbox := &fake{answer: func(string, any) (json.RawMessage, error) { return json.RawMessage(`"sandbox"`), nil }}
	real := &fake{answer: func(string, any) (json.RawMessage, error) { return json.RawMessage(`"real"`), nil }}
	body := ovhapi.CitiesRequest{ZipCode: "54000"}
	if got := call(t, s.Wrap(sandbox, ep, Options{}), ovhapi.RouteCities, body); got != `"sandbox"` {
		t.Fatal(got)
	}
	if got := call(t, s.Wrap(real, "https://eu.api.ovh.com/1.0", Options{}), ovhapi.RouteCities, body); got != `"real"` {
		t.Errorf("real endpoint got %s: sandbox answer leaked", got)
	}
	if real.calls.Load() != 1 {
		t.Errorf("real endpoint not asked")
	}
	ts, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if len(ts.ByEndpoint) != 2 || ts.ByEndpoint[ep] != 1 {
		t.Errorf("ByEndpoint = %v", ts.ByEndpoint)
	}
}

func TestSingleflight(t *testing.T) {
	const n = 50
	for _, withStore := range []bool{true, false} {
		t.Run(fmt.Sprintf("store=%v", withStore), func(t *testing.T) {
			release := make(chan struct{})
			f := &fake{answer: func(string, any) (json.RawMessage, error) {
				<-release
				return json.RawMessage(`[1,2,3]`), nil
			}}
			var c *Cached
			if withStore {
				s, _ := openTemp(t)
				c = s.Wrap(f, ep, Options{})
			} else {
				c = Dedupe(f)
			}
			var wg sync.WaitGroup
			errs := make(chan error, n)
			for range n {
				wg.Go(func() {
					raw, err := c.Call(t.Context(), ovhapi.RouteStreets, ovhapi.StreetsRequest{InseeCode: "01001"})
					if err == nil && string(raw) != `[1,2,3]` {
						err = fmt.Errorf("got %s", raw)
					}
					errs <- err
				})
			}
			// Release the leader once everyone else is waiting on its flight.
			for c.inflight.Load() < n {
				time.Sleep(time.Millisecond)
			}
			close(release)
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Error(err)
				}
			}
			if got := f.calls.Load(); got != 1 {
				t.Errorf("next called %d times by %d identical calls, want 1", got, n)
			}
			if st := c.Stats(); st.Misses != 1 || st.Shared != n-1 || st.Hits != 0 {
				t.Errorf("stats %+v, want 1 miss, %d shared", st, n-1)
			}
		})
	}
}

func TestLeaderCancelled(t *testing.T) {
	// The leader's context ends mid-flight: a waiter with a live context
	// must not inherit context.Canceled, it asks again.
	s, _ := openTemp(t)
	started := make(chan struct{}, 2)
	var calls atomic.Int64
	next := ovhapi.CallerFunc(func(ctx context.Context, route string, body any) (json.RawMessage, error) {
		if calls.Add(1) == 1 {
			started <- struct{}{}
			<-ctx.Done()
			return nil, fmt.Errorf("poll: %w", ctx.Err())
		}
		return json.RawMessage(`"ok"`), nil
	})
	c := s.Wrap(next, ep, Options{})
	leaderCtx, cancel := context.WithCancel(t.Context())
	leaderErr := make(chan error, 1)
	go func() {
		_, err := c.Call(leaderCtx, ovhapi.RouteCities, ovhapi.CitiesRequest{ZipCode: "1"})
		leaderErr <- err
	}()
	<-started
	waiterRes := make(chan string, 1)
	go func() {
		raw, err := c.Call(t.Context(), ovhapi.RouteCities, ovhapi.CitiesRequest{ZipCode: "1"})
		if err != nil {
			waiterRes <- "error: " + err.Error()
			return
		}
		waiterRes <- string(raw)
	}()
	for c.inflight.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-leaderErr; !errors.Is(err, context.Canceled) {
		t.Errorf("leader err = %v", err)
	}
	if got := <-waiterRes; got != `"ok"` {
		t.Errorf("waiter got %s, want a fresh answer", got)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("next called %d times, want 2", n)
	}
}

func TestCorruptFile(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte("this is not a database, just some garbage bytes \x00\x01\x02 repeated "+string(make([]byte, 4096))), 0o600); err != nil {
		t.Fatal(err)
	}
	// A valid SQLite file of another application.
	foreign := filepath.Join(dir, "foreign.db")
	mustExec(t, foreign, "CREATE TABLE t(x)")
	// An eligibility cache of a future schema version.
	future := filepath.Join(dir, "future.db")
	mustExec(t, future, "CREATE TABLE answers(key TEXT)", "PRAGMA user_version = 99")
	// The right version number but the wrong columns.
	wrongCols := filepath.Join(dir, "cols.db")
	mustExec(t, wrongCols, "CREATE TABLE answers(key TEXT, value BLOB)", "PRAGMA user_version = 1")

	for _, path := range []string{garbage, foreign, future, wrongCols} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			s, err := Open(path)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			var ce *CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %T %v, want *CorruptError", err, err)
			}
			if ce.Path != path || ce.Reason == "" {
				t.Errorf("CorruptError %+v", ce)
			}
		})
	}
}

func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// mustExec creates a SQLite file at path with the given statements, through
// a raw connection (not Open).
func mustExec(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db := rawDB(t, path)
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func TestLockedFile(t *testing.T) {
	old := busyTimeout
	busyTimeout = 50 * time.Millisecond
	t.Cleanup(func() { busyTimeout = old })

	path := filepath.Join(t.TempDir(), "locked.db")
	db := rawDB(t, path)
	defer db.Close()
	db.SetMaxOpenConns(1)
	// A rollback-journal database held in an exclusive transaction blocks
	// even readers.
	for _, q := range []string{"PRAGMA journal_mode=DELETE", "CREATE TABLE x(y)", "BEGIN EXCLUSIVE", "INSERT INTO x VALUES (1)"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s, err := Open(path)
	if err == nil {
		s.Close()
		t.Fatal("Open succeeded on a locked file")
	}
	var le *LockedError
	if !errors.As(err, &le) {
		t.Fatalf("err = %T %v, want *LockedError", err, err)
	}
}

func TestReopenSeesEntries(t *testing.T) {
	// Entries are committed one by one: a second Store on the same file (a
	// second process, or the next run after a crash) sees them at once,
	// without the first being closed.
	s, path := openTemp(t)
	c := s.Wrap(&fake{}, ep, Options{})
	for i := range 20 {
		call(t, c, ovhapi.RouteCities, ovhapi.CitiesRequest{ZipCode: fmt.Sprint(i)})
	}
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	f := &fake{}
	c2 := s2.Wrap(f, ep, Options{})
	for i := range 20 {
		call(t, c2, ovhapi.RouteCities, ovhapi.CitiesRequest{ZipCode: fmt.Sprint(i)})
	}
	if n := f.calls.Load(); n != 0 {
		t.Errorf("second store asked next %d times, want 0", n)
	}
}

func TestDedupeNoStore(t *testing.T) {
	f := &fake{}
	c := Dedupe(f)
	call(t, c, ovhapi.RouteCities, ovhapi.CitiesRequest{ZipCode: "1"})
	call(t, c, ovhapi.RouteCities, ovhapi.CitiesRequest{ZipCode: "1"})
	if n := f.calls.Load(); n != 1 {
		t.Errorf("next called %d times, want 1 (memory layer)", n)
	}
	if err := c.SaveRunStats(t.Context()); err != nil {
		t.Errorf("SaveRunStats without store: %v", err)
	}
	var nilStore *Store
	if err := nilStore.Close(); err != nil {
		t.Errorf("nil Close: %v", err)
	}
}

func TestMemoryBounded(t *testing.T) {
	f := &fake{}
	var s *Store
	c := s.Wrap(f, ep, Options{MemoryEntries: 3})
	for i := range 5 {
		call(t, c, ovhapi.RouteCities, ovhapi.CitiesRequest{ZipCode: fmt.Sprint(i)})
	}
	if n := c.mem.len(); n != 3 {
		t.Errorf("memory holds %d entries, want 3", n)
	}
	call(t, c, ovhapi.RouteCities, ovhapi.CitiesRequest{ZipCode: "4"}) // recent: kept
	call(t, c, ovhapi.RouteCities, ovhapi.CitiesRequest{ZipCode: "0"}) // evicted: asked again
	if n := f.calls.Load(); n != 6 {
		t.Errorf("next called %d times, want 6", n)
	}
}

func TestHitIsACopy(t *testing.T) {
	c := Dedupe(&fake{answer: func(string, any) (json.RawMessage, error) { return json.RawMessage(`[1]`), nil }})
	raw, _ := c.Call(t.Context(), ovhapi.RouteCities, 1)
	raw[1] = '9'
	if got := call(t, c, ovhapi.RouteCities, 1); got != `[1]` {
		t.Errorf("cached answer changed by a caller: %s", got)
	}
}

func TestStatsPruneClear(t *testing.T) {
	s, _ := openTemp(t)
	clk := newClock()
	clk.t = time.Now().Add(-40 * 24 * time.Hour) // stored 40 days ago
	old := s.Wrap(&fake{}, ep, Options{Now: clk.Now})
	call(t, old, ovhapi.RouteCities, "old-city")
	call(t, old, ovhapi.RouteTestLine, "old-test")
	clk.t = time.Now().Add(-2 * 24 * time.Hour) // 2 days ago
	call(t, old, ovhapi.RouteCities, "recent-city")
	call(t, old, ovhapi.RouteTestLine, "recent-test")
	now := s.Wrap(&fake{}, ep, Options{})
	call(t, now, ovhapi.RouteCities, "new-city")
	call(t, now, ovhapi.RouteCities, "new-city")
	call(t, now, ovhapi.RouteTestLine, "new-test")
	if err := now.SaveRunStats(t.Context()); err != nil {
		t.Fatal(err)
	}

	ts, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if ts.Entries != 6 || ts.ByRoute[ovhapi.RouteCities].Entries != 3 || ts.ByRoute[ovhapi.RouteTestLine].Entries != 3 {
		t.Errorf("entries %d, by route %+v", ts.Entries, ts.ByRoute)
	}
	if ts.Size <= 0 {
		t.Errorf("size %d", ts.Size)
	}
	if age := time.Since(ts.Oldest); age < 39*24*time.Hour || age > 41*24*time.Hour {
		t.Errorf("oldest %v", ts.Oldest)
	}
	if age := time.Since(ts.Newest); age > time.Hour {
		t.Errorf("newest %v", ts.Newest)
	}
	if ts.LastRun == nil {
		t.Fatal("no last run")
	}
	if r := ts.LastRun; r.Hits != 1 || r.Misses != 2 || r.Endpoint != ep || r.HitRate() != 1.0/3 {
		t.Errorf("last run %+v rate %v", r, r.HitRate())
	}

	n, err := s.PruneExpired(0, 0) // defaults: 30 days / 24 hours
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 { // old-city, old-test, recent-test
		t.Errorf("PruneExpired removed %d, want 3", n)
	}
	n, err = s.Prune(24 * time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 { // recent-city
		t.Errorf("Prune(24h) removed %d, want 1", n)
	}
	if ts, _ := s.Stats(); ts.Entries != 2 {
		t.Errorf("%d entries left, want 2", ts.Entries)
	}
	if err := s.Clear(); err != nil {
		t.Fatal(err)
	}
	ts, err = s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if ts.Entries != 0 || ts.LastRun != nil || !ts.Oldest.IsZero() {
		t.Errorf("after Clear: %+v", ts)
	}
}

func TestParseTTL(t *testing.T) {
	tests := []struct {
		spec         string
		search, test time.Duration
		wantErr      bool
	}{
		{"", DefaultTTLSearch, DefaultTTLTest, false},
		{"search=720h,test=24h", 720 * time.Hour, 24 * time.Hour, false},
		{"test=1h", DefaultTTLSearch, time.Hour, false},
		{" Search = 7d , TEST=90m ", 7 * 24 * time.Hour, 90 * time.Minute, false},
		{"48h", 48 * time.Hour, 48 * time.Hour, false},
		{"2d", 48 * time.Hour, 48 * time.Hour, false},
		{"search=1h,search=2h", 0, 0, true},
		{"other=1h", 0, 0, true},
		{"search", 0, 0, true},
		{"search=,test=1h", 0, 0, true},
		{"-1h", 0, 0, true},
		{"0", 0, 0, true},
		{"xd", 0, 0, true},
		{"soon", 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			s, te, err := ParseTTL(tt.spec)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && (s != tt.search || te != tt.test) {
				t.Errorf("got %v, %v; want %v, %v", s, te, tt.search, tt.test)
			}
		})
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", "/tmp/xdg")
	t.Setenv("HOME", "/tmp/home")
	real, err := DefaultPath(false)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := DefaultPath(true)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(real) != "cache.db" || filepath.Base(sb) != "sandbox-cache.db" ||
		filepath.Base(filepath.Dir(real)) != "eligibility" || filepath.Dir(real) != filepath.Dir(sb) {
		t.Errorf("paths %s, %s", real, sb)
	}
}

func TestOpenBadPath(t *testing.T) {
	for _, p := range []string{"", filepath.Join(t.TempDir(), "a?b.db")} {
		if s, err := Open(p); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", p)
		}
	}
}

func FuzzParseTTL(f *testing.F) {
	for _, s := range []string{"", "search=720h,test=24h", "48h", "3d", "test=", "=,=", "search=1h,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		s, te, err := ParseTTL(spec)
		if err == nil && (s <= 0 || te <= 0) {
			t.Errorf("ParseTTL(%q) = %v, %v: non-positive without error", spec, s, te)
		}
	})
}

func FuzzCanonical(f *testing.F) {
	for _, s := range []string{`{"b":1,"a":[1,2,{"d":null,"c":"x"}]}`, `[]`, `"é<>&"`, `1e400`, `{"a":{"a":{}}}`,
		`{"a":1,"b":{"c":[{"x":1,"y":2},{"y":1,"x":2}]}}`, `{"a":1,"a":2}`, `{"b":"\u00e9","a":"é"}`, `{"":1,"a":"\"}"}`, "\"\xff\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if !json.Valid([]byte(in)) {
			return
		}
		once, err := Canonical(json.RawMessage(in))
		if err != nil {
			return
		}
		// The fast path (already canonical) must agree with the slow one.
		raw, _ := json.Marshal(json.RawMessage(in))
		if slow, err := canonicalSlow(raw); err != nil || string(slow) != string(once) {
			t.Fatalf("Canonical(%s) = %s, slow path %s (%v)", in, once, slow, err)
		}
		twice, err := Canonical(json.RawMessage(once))
		if err != nil {
			t.Fatalf("canonical form %s does not re-canonicalise: %v", once, err)
		}
		if string(once) != string(twice) {
			t.Errorf("not idempotent: %s then %s", once, twice)
		}
	})
}

func TestIsCanonical(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{`{"a":1,"b":[{"c":2,"d":3}]}`, true},
		{`{"b":1,"a":2}`, false},
		{`[{"a":1},{"b":2,"a":1}]`, false},
		{`{"a":1,"a":2}`, false},            // duplicate: the decode keeps the last
		{`{"a":"\u003c"}`, false},           // escapes may decode to other bytes
		{"\"\xff\"", false},                 // invalid UTF-8 becomes U+FFFD
		{`{"a":{"z":1},"b":{"a":1}}`, true}, // each object has its own order
		{`"x"`, true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := isCanonical([]byte(tc.in)); got != tc.want {
				t.Errorf("isCanonical(%s) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

// TestGroupCommit: answers written from many goroutines at once (the writer
// batches them) are each committed when their Call returns: another Store
// sees them all while the first is still open (as after kill -9).
func TestGroupCommit(t *testing.T) {
	s, path := openTemp(t)
	c := s.Wrap(answerKey{}, ep, Options{MemoryEntries: -1})
	const workers, per = 32, 25
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w * per; i < (w+1)*per; i++ {
				if _, err := c.Call(t.Context(), ovhapi.RouteStreets, ovhapi.StreetsRequest{InseeCode: strconv.Itoa(i)}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if st := c.Stats(); st.StoreErrors != 0 || st.Misses != workers*per {
		t.Fatalf("stats %+v, want %d misses and no store error", st, workers*per)
	}
	checkKeys(t, path, 0, workers*per)
}

// TestWriteAfterClose: a Store closed under a running Cached fails its
// writes (counted, logged) instead of hanging; the calls still answer.
func TestWriteAfterClose(t *testing.T) {
	s, _ := openTemp(t)
	c := s.Wrap(answerKey{}, ep, Options{MemoryEntries: -1})
	call(t, c, ovhapi.RouteStreets, ovhapi.StreetsRequest{InseeCode: "1"})
	s.Close()
	if err := s.save("k", ep, ovhapi.RouteStreets, "{}", []byte("1"), time.Now()); !errors.Is(err, errClosed) {
		t.Fatalf("save after Close: %v, want errClosed", err)
	}
	if got := call(t, c, ovhapi.RouteStreets, ovhapi.StreetsRequest{InseeCode: "2"}); got != `"2"` {
		t.Errorf("answer %s", got)
	}
	if st := c.Stats(); st.StoreErrors == 0 {
		t.Errorf("stats %+v: the failed write was not counted", st)
	}
}

// TestMigrateV1: a version 1 file (text key, route index) opens as version 2
// with every answer still served, none asked again.
func TestMigrateV1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	v1 := `CREATE TABLE answers (key TEXT PRIMARY KEY, endpoint TEXT NOT NULL, route TEXT NOT NULL,
		body TEXT NOT NULL, result BLOB NOT NULL, created INTEGER NOT NULL);
		CREATE INDEX answers_route_created ON answers(route, created);
		CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, endpoint TEXT NOT NULL, started INTEGER NOT NULL,
		ended INTEGER NOT NULL, hits INTEGER NOT NULL, misses INTEGER NOT NULL, shared INTEGER NOT NULL, errors INTEGER NOT NULL);`
	const n = 2500 // more than one copy chunk
	now := time.Now().Unix()
	var inserts strings.Builder
	inserts.WriteString("BEGIN;")
	for i := range n {
		body := fmt.Sprintf(`{"zipCode":"%05d"}`, i)
		key := Key(ep, ovhapi.RouteCities, []byte(body))
		fmt.Fprintf(&inserts, "INSERT INTO answers VALUES ('%s', '%s', '%s', '%s', '[%d]', %d);",
			key, ep, ovhapi.RouteCities, body, i, now)
	}
	inserts.WriteString("COMMIT;")
	mustExec(t, path, v1, "PRAGMA user_version = 1", inserts.String())

	s, err := Open(path)
	if err != nil {
		t.Fatalf("Open v1: %v", err)
	}
	defer s.Close()
	f := &fake{answer: func(string, any) (json.RawMessage, error) { return nil, errors.New("asked the API") }}
	c := s.Wrap(f, ep, Options{MemoryEntries: -1})
	for _, i := range []int{0, 999, 1000, n - 1} {
		if got, want := call(t, c, ovhapi.RouteCities, ovhapi.CitiesRequest{ZipCode: fmt.Sprintf("%05d", i)}), fmt.Sprintf("[%d]", i); got != want {
			t.Errorf("zip %05d: %s, want %s", i, got, want)
		}
	}
	if f.calls.Load() != 0 {
		t.Errorf("%d API calls after the migration, want 0", f.calls.Load())
	}
	db := rawDB(t, path)
	defer db.Close()
	var version, tables, entries int
	if err := db.QueryRow("PRAGMA user_version").Scan(&version); err != nil || version != schemaVersion {
		t.Errorf("user_version %d (%v), want %d", version, err, schemaVersion)
	}
	if err := db.QueryRow("SELECT count(*) FROM sqlite_master WHERE name IN ('answers_v1', 'answers_route_created')").Scan(&tables); err != nil || tables != 0 {
		t.Errorf("%d leftovers of version 1 (%v)", tables, err)
	}
	if err := db.QueryRow("SELECT count(*) FROM answers").Scan(&entries); err != nil || entries != n {
		t.Errorf("%d answers after the migration (%v), want %d", entries, err, n)
	}
}

// TestKeyIDCollision: two keys sharing a row id never get each other's
// answer.
func TestKeyIDCollision(t *testing.T) {
	s, _ := openTemp(t)
	a := strings.Repeat("a", 16) + strings.Repeat("0", 48)
	b := strings.Repeat("a", 16) + strings.Repeat("1", 48)
	if keyID(a) != keyID(b) {
		t.Fatal("the test keys should share an id")
	}
	if err := s.save(a, ep, ovhapi.RouteCities, "{}", []byte("[1]"), time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, _, ok, err := s.lookup(t.Context(), b); ok || err != nil {
		t.Errorf("lookup(b) found a's answer (ok %v, err %v)", ok, err)
	}
	if raw, _, ok, _ := s.lookup(t.Context(), a); !ok || string(raw) != "[1]" {
		t.Errorf("lookup(a) = %s, %v", raw, ok)
	}
	if keyID("not hex") == keyID("not hex either") {
		t.Error("non-hex keys collide")
	}
}
