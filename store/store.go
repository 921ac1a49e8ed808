package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
)

// schemaVersion is kept in PRAGMA user_version; another value means the file
// was written by an incompatible version (a *CorruptError, the CLI may clear it).
// Version 2 finds answers through a unique index on an integer taken from
// the key: version 1's index on the 64-character text key was four times
// bigger, and a second index on (route, created) cost one more page write
// per answer. Rows are still appended in arrival order. Version 1 files
// are migrated when opened.
const schemaVersion = 2

// busyTimeout is how long a statement waits for another process's lock
// before failing; tests shorten it.
var busyTimeout = 10 * time.Second

// SQLite primary result codes (modernc.org/sqlite/lib), compared after
// masking the extended bits.
const (
	sqliteBusy    = 5
	sqliteLocked  = 6
	sqliteCorrupt = 11
	sqliteNotADB  = 26
)

const schema = `
CREATE TABLE IF NOT EXISTS answers (
	kid      INTEGER NOT NULL, -- keyID(key)
	key      TEXT NOT NULL,    -- checked on every lookup
	endpoint TEXT NOT NULL,
	route    TEXT NOT NULL,
	body     TEXT NOT NULL,
	result   BLOB NOT NULL,
	created  INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS answers_kid ON answers(kid);
CREATE TABLE IF NOT EXISTS runs (
	id       INTEGER PRIMARY KEY AUTOINCREMENT,
	endpoint TEXT NOT NULL,
	started  INTEGER NOT NULL,
	ended    INTEGER NOT NULL,
	hits     INTEGER NOT NULL,
	misses   INTEGER NOT NULL,
	shared   INTEGER NOT NULL,
	errors   INTEGER NOT NULL
);`

// answerColumns is what an existing answers table must have, in order;
// v1Columns what a version 1 table had.
var (
	answerColumns = []string{"kid", "key", "endpoint", "route", "body", "result", "created"}
	v1Columns     = []string{"key", "endpoint", "route", "body", "result", "created"}
)

// keyID is the indexed id of a key: its first 64 bits (keys are hex SHA-256),
// or an FNV hash of anything else. Two keys sharing an id only replace
// each other's answer (lookups compare the whole key).
func keyID(key string) int64 {
	if len(key) >= 16 {
		if v, err := strconv.ParseUint(key[:16], 16, 64); err == nil {
			return int64(v)
		}
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	return int64(h.Sum64())
}

// Store is one cache file. It is safe for concurrent use, and several
// processes may open the same file.
type Store struct {
	path string
	db   *sql.DB   // readers and maintenance
	get  *sql.Stmt // on db
	wc   *sql.Conn // the writer goroutine's own connection
	put  *sql.Stmt // on wc

	writes     chan *writeReq // unbuffered: a send is taken by the writer or not at all
	quit       chan struct{}  // closed by Close
	writerDone chan struct{}

	closeOnce sync.Once
	closeErr  error

	// presence skips the lookups of keys the file never held; nil until
	// loaded (see presence.go).
	presence     atomic.Pointer[presence]
	loaderCancel context.CancelFunc
	loaderDone   chan struct{}
}

// writeReq is one answer handed to the writer goroutine; done gets the
// result once its transaction is committed (or failed).
type writeReq struct {
	args [7]any
	done chan error
}

// maxBatch bounds how many answers one transaction commits.
const maxBatch = 256

// walCheckpointPages is the WAL size (4 KiB pages) that starts a
// checkpoint.
const walCheckpointPages = 16384

// readConns is the size of the reading pool.
const readConns = 8

// errClosed is what a write after Close gets.
var errClosed = errors.New("cache closed")

// CorruptError means the file is not a usable cache: not a SQLite database,
// a damaged one, or one with another schema. Callers may go on without a
// cache, or remove the file.
type CorruptError struct {
	Path   string
	Reason string
	Err    error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("cache %s is corrupt (%s); remove it or run 'eligibility cache clear'", e.Path, e.Reason)
}
func (e *CorruptError) Unwrap() error { return e.Err }

// LockedError means another process held the file locked for longer than
// the busy timeout.
type LockedError struct {
	Path string
	Err  error
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("cache %s is locked by another process: %v", e.Path, e.Err)
}
func (e *LockedError) Unwrap() error { return e.Err }

// DefaultPath is os.UserCacheDir()/eligibility/cache.db, or sandbox-cache.db
// for the simulator (its answers are keyed by endpoint anyway; a separate
// file keeps the real cache's stats clean).
func DefaultPath(sandbox bool) (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("cache directory: %w", err)
	}
	name := "cache.db"
	if sandbox {
		name = "sandbox-cache.db"
	}
	return filepath.Join(dir, "eligibility", name), nil
}

// Open opens (creating it and its directory if needed) the cache at path.
// It returns a *CorruptError if the file is not a cache of this version and
// a *LockedError if another process keeps it locked.
func Open(path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("cache: empty path")
	}
	if strings.ContainsAny(path, "?#") {
		// The driver reads what follows '?' as its own options.
		return nil, fmt.Errorf("cache %s: path may not contain '?' or '#'", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("cache %s: %w", path, err)
	}
	// synchronous=NORMAL in WAL mode survives a killed process (only a power
	// loss may drop the last commits), at a fraction of FULL's fsyncs.
	dsn := fmt.Sprintf("%s?_busy_timeout=%d&_journal_mode=WAL&_synchronous=NORMAL",
		path, busyTimeout.Milliseconds())
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("cache %s: %w", path, err)
	}
	// A small pool of kept-open connections serves concurrent reads without
	// reopening the file, plus one connection kept by the writer goroutine:
	// SQLite serialises writers anyway, and one writer batching whatever
	// answers arrived meanwhile into one commit costs far less CPU than many
	// connections each committing (and spinning on the WAL lock) alone.
	db.SetMaxOpenConns(readConns + 1)
	db.SetMaxIdleConns(readConns + 1)
	s := &Store{path: path, db: db}
	if err := s.init(); err != nil {
		if s.wc != nil {
			s.wc.Close()
		}
		db.Close()
		return nil, classify(path, err)
	}
	s.writes = make(chan *writeReq)
	s.quit = make(chan struct{})
	s.writerDone = make(chan struct{})
	go s.writer()
	lctx, cancel := context.WithCancel(context.Background())
	s.loaderCancel, s.loaderDone = cancel, make(chan struct{})
	go func() {
		defer close(s.loaderDone)
		s.loadPresence(lctx) // on failure every lookup reads the file, as before
	}()
	return s, nil
}

func (s *Store) init() error {
	ctx := context.Background()
	// One connection does the schema work so the checks and the creation see
	// the same transaction; BEGIN IMMEDIATE serialises two processes creating
	// the same new file.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	commit := false
	defer func() {
		if !commit {
			conn.ExecContext(ctx, "ROLLBACK")
		}
	}()
	var version int
	if err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	switch version {
	case 0:
		var tables int
		if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&tables); err != nil {
			return err
		}
		if tables != 0 {
			return &CorruptError{Path: s.path, Reason: "a SQLite database that is not an eligibility cache"}
		}
		if _, err := conn.ExecContext(ctx, schema); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)); err != nil {
			return err
		}
	case 1:
		if err := checkColumns(ctx, conn, v1Columns); err != nil {
			return &CorruptError{Path: s.path, Reason: err.Error()}
		}
		if err := migrateV1(ctx, conn); err != nil {
			return err
		}
	case schemaVersion:
		if err := checkColumns(ctx, conn, answerColumns); err != nil {
			return &CorruptError{Path: s.path, Reason: err.Error()}
		}
	default:
		return &CorruptError{Path: s.path, Reason: fmt.Sprintf("schema version %d, want %d", version, schemaVersion)}
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return err
	}
	commit = true

	if s.get, err = s.db.PrepareContext(ctx, "SELECT key, result, created FROM answers WHERE kid = ?"); err != nil {
		return err
	}
	if s.wc, err = s.db.Conn(ctx); err != nil {
		return err
	}
	// The writer's commits start the checkpoints (WAL → database, each
	// with two fsyncs): every 64 MB of WAL rather than SQLite's 4 MB, a big
	// run's writer stops for a few of them instead of fifty.
	if _, err := s.wc.ExecContext(ctx, fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", walCheckpointPages)); err != nil {
		return err
	}
	s.put, err = s.wc.PrepareContext(ctx,
		"INSERT OR REPLACE INTO answers(kid, key, endpoint, route, body, result, created) VALUES (?, ?, ?, ?, ?, ?, ?)")
	return err
}

// migrateV1 rewrites a version 1 answers table in the version 2 layout,
// within the caller's transaction.
func migrateV1(ctx context.Context, conn *sql.Conn) error {
	for _, q := range []string{
		"DROP INDEX IF EXISTS answers_route_created",
		"ALTER TABLE answers RENAME TO answers_v1",
		schema,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("migrating the cache to version 2: %w", err)
		}
	}
	type row struct {
		rowid                      int64
		key, endpoint, route, body string
		result                     []byte
		created                    int64
	}
	for last := int64(-1 << 63); ; {
		rows, err := conn.QueryContext(ctx, `SELECT rowid, key, endpoint, route, body, result, created
			FROM answers_v1 WHERE rowid > ? ORDER BY rowid LIMIT 1000`, last)
		if err != nil {
			return err
		}
		var chunk []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.rowid, &r.key, &r.endpoint, &r.route, &r.body, &r.result, &r.created); err != nil {
				rows.Close()
				return err
			}
			chunk = append(chunk, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(chunk) == 0 {
			break
		}
		for _, r := range chunk {
			if _, err := conn.ExecContext(ctx, `INSERT OR REPLACE INTO answers(kid, key, endpoint, route, body, result, created)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, keyID(r.key), r.key, r.endpoint, r.route, r.body, r.result, r.created); err != nil {
				return err
			}
		}
		last = chunk[len(chunk)-1].rowid
	}
	for _, q := range []string{"DROP TABLE answers_v1", fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

func checkColumns(ctx context.Context, conn *sql.Conn, want []string) error {
	rows, err := conn.QueryContext(ctx, "SELECT name FROM pragma_table_info('answers')")
	if err != nil {
		return err
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return err
		}
		got = append(got, n)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		return fmt.Errorf("answers columns %v, want %v", got, want)
	}
	return nil
}

// classify turns driver errors into *CorruptError / *LockedError.
func classify(path string, err error) error {
	if err == nil {
		return nil
	}
	var ce *CorruptError
	var le *LockedError
	if errors.As(err, &ce) || errors.As(err, &le) {
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqliteNotADB:
			return &CorruptError{Path: path, Reason: "not a SQLite database", Err: err}
		case sqliteCorrupt:
			return &CorruptError{Path: path, Reason: "damaged database", Err: err}
		case sqliteBusy, sqliteLocked:
			return &LockedError{Path: path, Err: err}
		}
	}
	return fmt.Errorf("cache %s: %w", path, err)
}

// Path is the file the store was opened on.
func (s *Store) Path() string { return s.path }

// Close closes the database (the WAL is checkpointed by SQLite when the last
// connection of the last process goes).
func (s *Store) Close() error {
	if s == nil {
		return nil
	}
	s.closeOnce.Do(func() {
		// The writer commits the batch it holds, then stops; later saves
		// get errClosed.
		s.loaderCancel()
		<-s.loaderDone
		close(s.quit)
		<-s.writerDone
		s.get.Close()
		s.put.Close()
		s.wc.Close()
		s.closeErr = s.db.Close()
	})
	return s.closeErr
}

// lookup returns the stored answer for key and when it was stored.
func (s *Store) lookup(ctx context.Context, key string) (result []byte, created time.Time, ok bool, err error) {
	id := keyID(key)
	if p := s.presence.Load(); p != nil && p.ready.Load() { // ready: loaded, lastRow set
		s.follow(ctx, p)
		if !p.mayHave(id) {
			return nil, time.Time{}, false, nil
		}
	}
	var unix int64
	var stored string
	// A point lookup takes microseconds: it is not worth the driver's
	// per-query cancellation watcher (a goroutine and a progress handler),
	// which a context that cannot be cancelled skips; ctx is checked first.
	if err := ctx.Err(); err != nil {
		return nil, time.Time{}, false, err
	}
	err = s.get.QueryRowContext(context.WithoutCancel(ctx), id).Scan(&stored, &result, &unix)
	if errors.Is(err, sql.ErrNoRows) || err == nil && stored != key {
		return nil, time.Time{}, false, nil
	}
	if err != nil {
		return nil, time.Time{}, false, classify(s.path, err)
	}
	return result, time.Unix(unix, 0), true, nil
}

// save hands one answer to the writer goroutine and returns once the
// transaction holding it is committed, so it survives a kill the moment
// this returns. The commit goes on whatever ctx says: the answer was paid
// for.
func (s *Store) save(key, endpoint, route, body string, result []byte, created time.Time) error {
	if result == nil {
		result = []byte{} // NOT NULL: nil would bind as NULL
	}
	r := writeReqPool.Get().(*writeReq)
	r.args = [7]any{keyID(key), key, endpoint, route, body, result, created.Unix()}
	select {
	case s.writes <- r:
	case <-s.quit:
		return errClosed
	}
	err := <-r.done
	if err == nil {
		if p := s.presence.Load(); p != nil {
			p.add(r.args[0].(int64))
		}
	}
	r.args = [7]any{}
	writeReqPool.Put(r)
	return err
}

var writeReqPool = sync.Pool{New: func() any { return &writeReq{done: make(chan error, 1)} }}

// writer is the only goroutine that writes answers. It takes one answer,
// then every other one already waiting (group commit), commits them in one
// transaction, and tells each caller.
func (s *Store) writer() {
	defer close(s.writerDone)
	batch := make([]*writeReq, 0, maxBatch)
	for {
		select {
		case r := <-s.writes:
			batch = append(batch[:0], r)
		case <-s.quit:
			return
		}
		// Let the workers that are about to hand an answer over do so: at
		// no wait worth the name, batches grow from ~2 to ~14 answers in a
		// real run, and the writer's CPU drops by a quarter.
		runtime.Gosched()
	more:
		for len(batch) < maxBatch {
			select {
			case r := <-s.writes:
				batch = append(batch, r)
			default:
				break more
			}
		}
		err := classify(s.path, s.commit(batch))
		for _, r := range batch {
			r.done <- err
		}
		clear(batch)
	}
}

// commit writes batch in one transaction (a lone answer in autocommit).
// On any failure nothing of the batch is kept and every caller gets the
// error, as if each had written alone: what fails one insert (a full disk,
// a damaged or locked file) fails the others too.
func (s *Store) commit(batch []*writeReq) error {
	ctx := context.Background()
	if len(batch) == 1 {
		_, err := s.put.ExecContext(ctx, batch[0].args[:]...)
		return err
	}
	// IMMEDIATE: take the write lock now (waiting busy_timeout for another
	// process) rather than fail on upgrade mid-transaction.
	if _, err := s.wc.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	for _, r := range batch {
		if _, err := s.put.ExecContext(ctx, r.args[:]...); err != nil {
			s.wc.ExecContext(ctx, "ROLLBACK")
			return err
		}
	}
	if _, err := s.wc.ExecContext(ctx, "COMMIT"); err != nil {
		s.wc.ExecContext(ctx, "ROLLBACK")
		return err
	}
	return nil
}

// RouteStats describes the entries of one route.
type RouteStats struct {
	Entries        int64
	Oldest, Newest time.Time
}

// RunStats is what a run recorded with (*Cached).SaveRunStats.
type RunStats struct {
	Endpoint                     string
	Started, Ended               time.Time
	Hits, Misses, Shared, Errors int64
}

// HitRate is hits / (hits + misses); shared calls are neither (they waited
// for an in-flight miss). 0 when nothing was asked.
func (r RunStats) HitRate() float64 {
	if r.Hits+r.Misses == 0 {
		return 0
	}
	return float64(r.Hits) / float64(r.Hits+r.Misses)
}

// TableStats describes the whole file.
type TableStats struct {
	Path           string
	Size           int64 // database + WAL, bytes
	Entries        int64
	Oldest, Newest time.Time // zero when empty
	ByRoute        map[string]RouteStats
	ByEndpoint     map[string]int64
	LastRun        *RunStats // nil if no run was recorded
}

// Stats reads the table statistics and the last recorded run.
func (s *Store) Stats() (TableStats, error) {
	ctx := context.Background()
	ts := TableStats{Path: s.path, ByRoute: map[string]RouteStats{}, ByEndpoint: map[string]int64{}}
	for _, p := range []string{s.path, s.path + "-wal"} {
		if fi, err := os.Stat(p); err == nil {
			ts.Size += fi.Size()
		}
	}
	rows, err := s.db.QueryContext(ctx, "SELECT route, count(*), min(created), max(created) FROM answers GROUP BY route")
	if err != nil {
		return ts, classify(s.path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var route string
		var n, lo, hi int64
		if err := rows.Scan(&route, &n, &lo, &hi); err != nil {
			return ts, classify(s.path, err)
		}
		rs := RouteStats{Entries: n, Oldest: time.Unix(lo, 0), Newest: time.Unix(hi, 0)}
		ts.ByRoute[route] = rs
		ts.Entries += n
		if ts.Oldest.IsZero() || rs.Oldest.Before(ts.Oldest) {
			ts.Oldest = rs.Oldest
		}
		if rs.Newest.After(ts.Newest) {
			ts.Newest = rs.Newest
		}
	}
	if err := rows.Err(); err != nil {
		return ts, classify(s.path, err)
	}
	rows.Close()

	erows, err := s.db.QueryContext(ctx, "SELECT endpoint, count(*) FROM answers GROUP BY endpoint")
	if err != nil {
		return ts, classify(s.path, err)
	}
	defer erows.Close()
	for erows.Next() {
		var ep string
		var n int64
		if err := erows.Scan(&ep, &n); err != nil {
			return ts, classify(s.path, err)
		}
		ts.ByEndpoint[ep] = n
	}
	if err := erows.Err(); err != nil {
		return ts, classify(s.path, err)
	}

	var r RunStats
	var started, ended int64
	err = s.db.QueryRowContext(ctx,
		"SELECT endpoint, started, ended, hits, misses, shared, errors FROM runs ORDER BY id DESC LIMIT 1").
		Scan(&r.Endpoint, &started, &ended, &r.Hits, &r.Misses, &r.Shared, &r.Errors)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return ts, classify(s.path, err)
	default:
		r.Started, r.Ended = time.Unix(started, 0), time.Unix(ended, 0)
		ts.LastRun = &r
	}
	return ts, nil
}

func (s *Store) saveRun(ctx context.Context, r RunStats) error {
	_, err := s.db.ExecContext(ctx,
		"INSERT INTO runs(endpoint, started, ended, hits, misses, shared, errors) VALUES (?, ?, ?, ?, ?, ?, ?)",
		r.Endpoint, r.Started.Unix(), r.Ended.Unix(), r.Hits, r.Misses, r.Shared, r.Errors)
	if err != nil {
		return classify(s.path, err)
	}
	// Only the recent history matters ("hit rate of the last run").
	_, err = s.db.ExecContext(ctx, "DELETE FROM runs WHERE id <= (SELECT max(id) FROM runs) - 100")
	return classify(s.path, err)
}

// Prune deletes the answers stored more than olderThan ago, whatever their
// route, and returns how many went.
func (s *Store) Prune(olderThan time.Duration) (int64, error) {
	return s.exec("DELETE FROM answers WHERE created < ?", time.Now().Add(-olderThan).Unix())
}

// PruneExpired deletes the answers past their TTL (test routes after
// ttlTest, searches after ttlSearch; zero picks the default).
func (s *Store) PruneExpired(ttlSearch, ttlTest time.Duration) (int64, error) {
	o := Options{TTLSearch: ttlSearch, TTLTest: ttlTest}.withDefaults()
	now := time.Now()
	return s.exec(`DELETE FROM answers WHERE
		(route LIKE '/connectivity/eligibility/test%' AND created <= ?) OR
		(route NOT LIKE '/connectivity/eligibility/test%' AND created <= ?)`,
		now.Add(-o.TTLTest).Unix(), now.Add(-o.TTLSearch).Unix())
}

// Clear deletes every answer and the run history, and gives the space back.
func (s *Store) Clear() error {
	if _, err := s.exec("DELETE FROM answers"); err != nil {
		return err
	}
	if _, err := s.exec("DELETE FROM runs"); err != nil {
		return err
	}
	_, err := s.exec("VACUUM")
	return err
}

func (s *Store) exec(query string, args ...any) (int64, error) {
	res, err := s.db.ExecContext(context.Background(), query, args...)
	if err != nil {
		return 0, classify(s.path, err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
