package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Config configures a Server.
type Config struct {
	DataDir     string        // jobs.db and jobs/<id>/ live here (created 0700)
	Token       string        // "" = no authentication (loopback only; the CLI enforces it)
	MaxUpload   int64         // bytes; 0 = 50 MB
	MaxUnzipped int64         // XLSX total uncompressed size; 0 = 20 × MaxUpload
	JobTTL      time.Duration // finished or abandoned jobs are removed after it; 0 = 168h
	PreviewRows int           // 0 = 20
	Sandbox     bool          // shows a "sandbox" badge
	Runner      Runner
	Inspector   Inspector
	Logger      *slog.Logger // nil = discard
	// Parallel is how many jobs run at once (0 = DefaultParallel). Running
	// jobs share the engine's rate limiter, so each gets about an equal part
	// of the API rate: a small file is not stuck behind a 25,000-row one.
	Parallel int
	// JanitorEvery is how often expired jobs are swept; 0 = min(JobTTL/4, 10 min).
	JanitorEvery time.Duration
	Now          func() time.Time // nil = time.Now (tests move the clock)
}

// DefaultParallel is how many jobs run at once by default.
const DefaultParallel = 3

// Server is the web interface. Create it with Open, serve Handler, Close it.
type Server struct {
	cfg     Config
	log     *slog.Logger
	db      *db
	pages   map[string]*template.Template
	handler http.Handler
	// ctx is cancelled by Close: the worker, the janitor and event streams stop.
	ctx  context.Context
	stop context.CancelFunc
	wg   sync.WaitGroup

	mu     sync.Mutex
	active map[string]*job // queued and running jobs
	queue  []*job          // FIFO, the running job excluded
	wake   chan struct{}
	closed bool
}

// Default limits.
const (
	DefaultMaxUpload = 50 << 20
	DefaultJobTTL    = 168 * time.Hour
)

// Open opens (or creates) the job database under cfg.DataDir, requeues the
// jobs a previous process left unfinished and starts the job queue.
func Open(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("web: no data directory")
	}
	if cfg.Runner == nil || cfg.Inspector == nil {
		return nil, errors.New("web: Runner and Inspector are required")
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = DefaultMaxUpload
	}
	if cfg.MaxUnzipped <= 0 {
		cfg.MaxUnzipped = 20 * cfg.MaxUpload
	}
	if cfg.JobTTL <= 0 {
		cfg.JobTTL = DefaultJobTTL
	}
	if cfg.PreviewRows <= 0 {
		cfg.PreviewRows = 20
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = DefaultParallel
	}
	if cfg.JanitorEvery <= 0 {
		cfg.JanitorEvery = min(cfg.JobTTL/4, 10*time.Minute)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := os.MkdirAll(filepath.Join(cfg.DataDir, "jobs"), 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	d, err := openDB(ctx, filepath.Join(cfg.DataDir, "jobs.db"))
	if err != nil {
		return nil, err
	}
	pages, err := parsePages()
	if err != nil {
		d.close()
		return nil, err
	}
	s := &Server{cfg: cfg, log: log, db: d, pages: pages, active: map[string]*job{}, wake: make(chan struct{}, 1)}
	s.ctx, s.stop = context.WithCancel(context.WithoutCancel(ctx))
	s.handler = s.routes()

	todo, err := d.unfinished(ctx)
	if err != nil {
		d.close()
		return nil, fmt.Errorf("job database: %w", err)
	}
	for _, r := range todo {
		log.Info("resuming job", "job", r.ID, "state", r.State)
		r.State = StateQueued
		r.Progress = Progress{}
		r.Started = time.Time{}
		s.enqueue(newJob(r))
	}
	s.wg.Add(1 + cfg.Parallel)
	for range cfg.Parallel {
		go s.worker()
	}
	go s.janitor()
	return s, nil
}

// Handler serves the pages, the API and the assets.
func (s *Server) Handler() http.Handler { return s.handler }

// Close stops the queue: the running job is interrupted and stays queued in
// the database, so the next Open resumes it. Event streams end.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	s.stop()
	s.wg.Wait()
	return s.db.close()
}

func (s *Server) jobDir(id string) string { return filepath.Join(s.cfg.DataDir, "jobs", id) }

func (s *Server) now() time.Time { return s.cfg.Now() }
