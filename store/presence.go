package store

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// presence is a Bloom filter of the key ids the file holds, so that a key
// it never held costs no SQLite lookup: in a first run every lookup misses,
// and those lookups were a third of the cache's CPU. It is loaded in the
// background when the store opens (until then every lookup reads the
// file), then follows the rows other processes append (every
// followEvery). A key another process stored since the last follow is
// asked from the API again: a duplicate call at worst, never a wrong
// answer, since a "maybe" always reads the file.
type presence struct {
	ready atomic.Bool
	mu    sync.RWMutex
	bits  []uint64
	// lastRow is the highest rowid seen; followMu makes one follower at a
	// time, nextFollow (unix nanoseconds) when the next one is due.
	lastRow    int64
	followMu   sync.Mutex
	nextFollow atomic.Int64
}

// followEvery is how often rows appended by other processes are read in
// (a variable for tests).
var followEvery = 5 * time.Second

// bloomProbes is how many bits a key sets: with ten or more bits per key
// the filter answers "maybe" for under 1 % of absent keys.
const bloomProbes = 4

// newPresence sizes the filter for the entries the file has and room for
// as many new ones as a big run adds (≥ 16 bits each, 1 MiB at least).
func newPresence(entries int) *presence {
	bits := 8 << 20 // 1 MiB
	for bits < 16*(entries+500_000) {
		bits <<= 1
	}
	return &presence{bits: make([]uint64, bits/64)}
}

func (p *presence) positions(id int64, f func(word int, mask uint64)) {
	h1, h2 := uint64(id), uint64(id)>>32|1 // id is already a uniform hash
	n := uint64(len(p.bits) * 64)
	for i := range uint64(bloomProbes) {
		b := (h1 + i*h2) % n
		f(int(b/64), 1<<(b%64))
	}
}

func (p *presence) add(id int64) {
	p.mu.Lock()
	p.positions(id, func(w int, m uint64) { p.bits[w] |= m })
	p.mu.Unlock()
}

// mayHave reports whether the file may hold id: false only when the filter
// is loaded and id was never added.
func (p *presence) mayHave(id int64) bool {
	if !p.ready.Load() {
		return true
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	all := true
	p.positions(id, func(w int, m uint64) { all = all && p.bits[w]&m != 0 })
	return all
}

// loadPresence fills the filter from the file, then marks it ready. Rows
// other processes append meanwhile are read by the next follow.
func (s *Store) loadPresence(ctx context.Context) error {
	var entries int
	var last int64
	if err := s.db.QueryRowContext(ctx, "SELECT count(*), coalesce(max(rowid), 0) FROM answers").Scan(&entries, &last); err != nil {
		return err
	}
	p := newPresence(entries)
	// Visible before it is ready, so that the answers this process saves
	// while it loads are added too.
	s.presence.Store(p)
	rows, err := s.db.QueryContext(ctx, "SELECT kid FROM answers INDEXED BY answers_kid")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		p.add(id)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	p.lastRow = last
	p.nextFollow.Store(time.Now().Add(followEvery).UnixNano())
	p.ready.Store(true)
	return nil
}

// follow reads the ids of the rows appended since the last look, when it
// is due and no other goroutine does it.
func (s *Store) follow(ctx context.Context, p *presence) {
	if time.Now().UnixNano() < p.nextFollow.Load() || !p.followMu.TryLock() {
		return
	}
	defer p.followMu.Unlock()
	// kid is the record's first column: the rest of each row is not read.
	rows, err := s.db.QueryContext(ctx, "SELECT rowid, kid FROM answers WHERE rowid > ?", p.lastRow)
	if err != nil {
		return // the lookups read the file meanwhile
	}
	defer rows.Close()
	last := p.lastRow
	for rows.Next() {
		var row, id int64
		if rows.Scan(&row, &id) != nil {
			return
		}
		p.add(id)
		last = max(last, row)
	}
	if rows.Err() == nil {
		p.lastRow = last
		p.nextFollow.Store(time.Now().Add(followEvery).UnixNano())
	}
}
