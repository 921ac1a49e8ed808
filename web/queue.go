package web

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// job is a queued or running job held in memory; the database has a copy
// saved at every state change and at most every saveEvery while running.
type job struct {
	mu         sync.Mutex
	rec        record
	changed    chan struct{} // closed and replaced at every change
	cancel     context.CancelFunc
	userCancel bool
	saved      time.Time
}

const saveEvery = time.Second

func newJob(r *record) *job { return &job{rec: *r, changed: make(chan struct{})} }

// snapshot returns a copy of the record and a channel closed at the next change.
func (j *job) snapshot() (record, <-chan struct{}) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.rec, j.changed
}

// update changes the record under the lock and wakes the watchers.
func (j *job) update(f func(r *record)) record {
	j.mu.Lock()
	defer j.mu.Unlock()
	f(&j.rec)
	close(j.changed)
	j.changed = make(chan struct{})
	return j.rec
}

func (s *Server) enqueue(j *job) {
	s.mu.Lock()
	s.active[j.rec.ID] = j
	s.queue = append(s.queue, j)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// position is the 1-based place of a queued job in the queue, 0 if not queued.
func (s *Server) position(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, j := range s.queue {
		if j.rec.ID == id {
			return i + 1
		}
	}
	return 0
}

func (s *Server) activeJob(id string) *job {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.active[id]
}

func (s *Server) next() *job {
	for {
		s.mu.Lock()
		if s.ctx.Err() == nil && len(s.queue) > 0 {
			j := s.queue[0]
			s.queue = s.queue[1:]
			more := len(s.queue) > 0
			s.mu.Unlock()
			if more { // wake another idle worker for the rest of the queue
				select {
				case s.wake <- struct{}{}:
				default:
				}
			}
			return j
		}
		s.mu.Unlock()
		select {
		case <-s.ctx.Done():
			return nil
		case <-s.wake:
		}
	}
}

func (s *Server) worker() {
	defer s.wg.Done()
	for {
		j := s.next()
		if j == nil {
			return
		}
		s.run(j)
	}
}

func (s *Server) run(j *job) {
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	j.mu.Lock()
	if j.userCancel {
		j.mu.Unlock()
		s.finish(j, StateCancelled, nil, "")
		return
	}
	j.cancel = cancel
	j.mu.Unlock()
	rec := j.update(func(r *record) {
		r.State = StateRunning
		r.Started = s.now()
		r.Updated = r.Started
		r.Progress = Progress{}
	})
	s.save(&rec)
	s.log.Info("job started", "job", rec.ID)

	dir := s.jobDir(rec.ID)
	spec := JobSpec{
		Input:   filepath.Join(dir, "input."+rec.Format),
		Outputs: []string{filepath.Join(dir, "result.csv"), filepath.Join(dir, "result.xlsx")},
		Read:    ReadOptions{Encoding: rec.Read.Encoding, Delimiter: rec.Read.Delimiter, Sheet: rec.Read.Sheet, MaxUnzip: s.cfg.MaxUnzipped},
		Mapping: rec.Mapping,
		Progress: func(p Progress) {
			p = copyProgress(p)
			r := j.update(func(r *record) { r.Progress = p; r.Updated = s.now() })
			j.mu.Lock()
			due := time.Since(j.saved) >= saveEvery
			if due {
				j.saved = time.Now()
			}
			j.mu.Unlock()
			if due {
				s.save(&r)
			}
		},
	}
	sum, err := s.safeRun(ctx, spec)
	j.mu.Lock()
	user := j.userCancel
	j.mu.Unlock()
	switch {
	case err == nil:
		s.finish(j, StateDone, &sum, "")
	case user:
		s.finish(j, StateCancelled, nil, "")
	case s.ctx.Err() != nil:
		// Shutdown: leave it queued for the next process.
		r := j.update(func(r *record) { r.State = StateQueued; r.Updated = s.now() })
		s.save(&r)
		s.log.Info("job interrupted by shutdown; it will resume", "job", r.ID)
	default:
		s.finish(j, StateFailed, nil, plainError(err))
	}
}

// safeRun keeps a runner panic from killing the server.
func (s *Server) safeRun(ctx context.Context, spec JobSpec) (sum Summary, err error) {
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("runner panic", "panic", fmt.Sprint(v))
			err = errors.New("internal error")
		}
	}()
	return s.cfg.Runner.Run(ctx, spec)
}

func (s *Server) finish(j *job, state string, sum *Summary, msg string) {
	rec := j.update(func(r *record) {
		r.State = state
		r.Finished = s.now()
		r.Updated = r.Finished
		r.Error = msg
		if sum != nil {
			r.Summary = sum
			r.Progress.Done = sum.Rows
			if r.Progress.Total < sum.Rows {
				r.Progress.Total = sum.Rows
			}
			if sum.ByStatus != nil {
				r.Progress.ByStatus = sum.ByStatus
			}
			if sum.ByTech != nil {
				r.Progress.ByTech = sum.ByTech
			}
			r.Progress.Elapsed = sum.Elapsed
		}
	})
	s.save(&rec)
	s.mu.Lock()
	delete(s.active, rec.ID)
	s.queue = slices.DeleteFunc(s.queue, func(q *job) bool { return q == j })
	s.mu.Unlock()
	s.log.Info("job finished", "job", rec.ID, "state", state)
}

func (s *Server) save(r *record) {
	if err := s.db.save(context.WithoutCancel(s.ctx), r); err != nil {
		s.log.Error("saving job", "job", r.ID, "err", err)
	}
}

// cancelJob cancels a queued or running job; it reports false if the job is
// not active.
func (s *Server) cancelJob(id string) bool {
	s.mu.Lock()
	j := s.active[id]
	queued := false
	if j != nil {
		if i := slices.Index(s.queue, j); i >= 0 {
			s.queue = slices.Delete(s.queue, i, i+1)
			queued = true
		}
	}
	s.mu.Unlock()
	if j == nil {
		return false
	}
	j.mu.Lock()
	j.userCancel = true
	cancel := j.cancel
	j.mu.Unlock()
	if queued {
		s.finish(j, StateCancelled, nil, "")
	} else if cancel != nil {
		cancel()
	}
	return true
}

func copyProgress(p Progress) Progress {
	p.ByStatus = maps.Clone(p.ByStatus)
	p.ByTech = maps.Clone(p.ByTech)
	p.First = slices.Clone(p.First)
	return p
}

// plainError is the message shown for a failed job: the error text only.
func plainError(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func (s *Server) janitor() {
	defer s.wg.Done()
	t := time.NewTicker(s.cfg.JanitorEvery)
	defer t.Stop()
	for {
		if n, err := s.sweep(s.ctx); err != nil && s.ctx.Err() == nil {
			s.log.Error("janitor", "err", err)
		} else if n > 0 {
			s.log.Info("janitor removed expired jobs", "n", n)
		}
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sweep removes the jobs (rows and files) not updated within JobTTL, and job
// directories without a row (an upload interrupted by a crash).
func (s *Server) sweep(ctx context.Context) (int, error) {
	cut := s.now().Add(-s.cfg.JobTTL)
	old, err := s.db.expired(ctx, cut)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range old {
		if err := os.RemoveAll(s.jobDir(r.ID)); err != nil {
			return n, err
		}
		if err := s.db.delete(ctx, r.ID); err != nil {
			return n, err
		}
		n++
	}
	entries, err := os.ReadDir(filepath.Join(s.cfg.DataDir, "jobs"))
	if err != nil {
		return n, err
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !validID(e.Name()) || info.ModTime().After(s.now().Add(-time.Hour)) {
			continue
		}
		if ok, err := s.db.exists(ctx, e.Name()); err == nil && !ok {
			os.RemoveAll(s.jobDir(e.Name()))
		}
	}
	return n, nil
}
