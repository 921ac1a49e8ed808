package web

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	_ "modernc.org/sqlite" // driver "sqlite"
)

// Job states.
const (
	StateDraft     = "draft"     // uploaded, being set up on the setup page
	StateQueued    = "queued"    // waiting for its turn (also: interrupted by a restart)
	StateRunning   = "running"   //
	StateDone      = "done"      // results downloadable
	StateFailed    = "failed"    // Error says why
	StateCancelled = "cancelled" //
)

func finished(state string) bool {
	return state == StateDone || state == StateFailed || state == StateCancelled
}

// record is one row of the jobs table.
type record struct {
	ID       string
	Name     string // client file name, display only
	Format   string // csv or xlsx (of the stored input)
	State    string
	Created  time.Time
	Updated  time.Time
	Queued   time.Time
	Started  time.Time
	Finished time.Time
	Read     ReadOptions
	Mapping  Mapping
	Progress Progress
	Summary  *Summary
	Error    string
}

const schema = `
CREATE TABLE IF NOT EXISTS jobs (
	id        TEXT PRIMARY KEY,
	name      TEXT NOT NULL,
	format    TEXT NOT NULL,
	state     TEXT NOT NULL,
	created   INTEGER NOT NULL,
	updated   INTEGER NOT NULL,
	queued    INTEGER NOT NULL DEFAULT 0,
	started   INTEGER NOT NULL DEFAULT 0,
	finished  INTEGER NOT NULL DEFAULT 0,
	read      TEXT NOT NULL DEFAULT '{}',
	mapping   TEXT NOT NULL DEFAULT 'null',
	progress  TEXT NOT NULL DEFAULT '{}',
	summary   TEXT NOT NULL DEFAULT 'null',
	error     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state, queued);
CREATE INDEX IF NOT EXISTS jobs_updated ON jobs(updated);`

type db struct{ sql *sql.DB }

func openDB(ctx context.Context, path string) (*db, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	s, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("job database %s: %w", path, err)
	}
	s.SetMaxOpenConns(1) // one writer; progress saves are small and throttled
	if _, err := s.ExecContext(ctx, schema); err != nil {
		s.Close()
		return nil, fmt.Errorf("job database %s: %w", path, err)
	}
	return &db{sql: s}, nil
}

func (d *db) close() error { return d.sql.Close() }

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v)
}

func (d *db) insert(ctx context.Context, r *record) error {
	read, mapping, progress, summary, err := encodeJSON(r)
	if err != nil {
		return err
	}
	_, err = d.sql.ExecContext(ctx, `INSERT INTO jobs
		(id, name, format, state, created, updated, queued, started, finished, read, mapping, progress, summary, error)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		r.ID, r.Name, r.Format, r.State, ms(r.Created), ms(r.Updated), ms(r.Queued), ms(r.Started), ms(r.Finished),
		read, mapping, progress, summary, r.Error)
	return err
}

func (d *db) save(ctx context.Context, r *record) error {
	read, mapping, progress, summary, err := encodeJSON(r)
	if err != nil {
		return err
	}
	_, err = d.sql.ExecContext(ctx, `UPDATE jobs SET name=?, format=?, state=?, updated=?, queued=?, started=?,
		finished=?, read=?, mapping=?, progress=?, summary=?, error=? WHERE id=?`,
		r.Name, r.Format, r.State, ms(r.Updated), ms(r.Queued), ms(r.Started), ms(r.Finished),
		read, mapping, progress, summary, r.Error, r.ID)
	return err
}

func encodeJSON(r *record) (read, mapping, progress, summary string, err error) {
	enc := func(v any) string {
		b, e := json.Marshal(v)
		if e != nil && err == nil {
			err = e
		}
		return string(b)
	}
	return enc(r.Read), enc(r.Mapping), enc(r.Progress), enc(r.Summary), err
}

const columns = `id, name, format, state, created, updated, queued, started, finished, read, mapping, progress, summary, error`

func scan(row interface{ Scan(...any) error }) (*record, error) {
	var r record
	var created, updated, queued, started, fin int64
	var read, mapping, progress, summary string
	if err := row.Scan(&r.ID, &r.Name, &r.Format, &r.State, &created, &updated, &queued, &started, &fin,
		&read, &mapping, &progress, &summary, &r.Error); err != nil {
		return nil, err
	}
	r.Created, r.Updated, r.Queued, r.Started, r.Finished = fromMS(created), fromMS(updated), fromMS(queued), fromMS(started), fromMS(fin)
	for _, p := range []struct {
		s string
		v any
	}{{read, &r.Read}, {mapping, &r.Mapping}, {progress, &r.Progress}, {summary, &r.Summary}} {
		if err := json.Unmarshal([]byte(p.s), p.v); err != nil {
			return nil, fmt.Errorf("job %s: %w", r.ID, err)
		}
	}
	return &r, nil
}

// errNoJob is returned for an unknown job id.
var errNoJob = errors.New("no such job")

func (d *db) get(ctx context.Context, id string) (*record, error) {
	r, err := scan(d.sql.QueryRowContext(ctx, `SELECT `+columns+` FROM jobs WHERE id=?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoJob
	}
	return r, err
}

func (d *db) query(ctx context.Context, q string, args ...any) ([]*record, error) {
	rows, err := d.sql.QueryContext(ctx, `SELECT `+columns+` FROM jobs `+q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*record
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (d *db) list(ctx context.Context, limit int) ([]*record, error) {
	return d.query(ctx, `ORDER BY created DESC, id LIMIT ?`, limit)
}

// unfinished lists the jobs a restarted server must resume, in queue order.
func (d *db) unfinished(ctx context.Context) ([]*record, error) {
	return d.query(ctx, `WHERE state IN (?, ?) ORDER BY queued, created, id`, StateQueued, StateRunning)
}

// expired lists the jobs not touched since before, queued or running ones excepted.
func (d *db) expired(ctx context.Context, before time.Time) ([]*record, error) {
	return d.query(ctx, `WHERE state NOT IN (?, ?) AND updated < ?`, StateQueued, StateRunning, ms(before))
}

func (d *db) delete(ctx context.Context, id string) error {
	_, err := d.sql.ExecContext(ctx, `DELETE FROM jobs WHERE id=?`, id)
	return err
}

func (d *db) exists(ctx context.Context, id string) (bool, error) {
	var n int
	err := d.sql.QueryRowContext(ctx, `SELECT count(*) FROM jobs WHERE id=?`, id).Scan(&n)
	return n > 0, err
}
