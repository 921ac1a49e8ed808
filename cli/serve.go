package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/ovhcloud-tools/eligibility/engine"
	"github.com/ovhcloud-tools/eligibility/web"
)

// cmdServe runs the web interface: upload, preview and mapping, live
// progress, downloads, plus a JSON API (package web).
func cmdServe(ctx context.Context, env *Env, args []string) int {
	fs := newFlagSet(env, "serve", "[flags]")
	addr := fs.String("addr", "127.0.0.1:8080", "listen address; a non-loopback address requires --token")
	data := fs.String("data", "", "directory for the job database and files (default: user cache dir/eligibility/web)")
	token := fs.String("token", "", "access token asked by the login page or as 'Authorization: Bearer'")
	maxUpload := fs.String("max-upload", "50MB", "largest accepted upload")
	jobTTL := fs.Duration("job-ttl", web.DefaultJobTTL, "finished jobs and their files are deleted after this")
	// The API flags of `run`: one engine (rate limiter, workers, cache) for all jobs.
	var api apiFlags
	api.register(fs)
	verbose := fs.Bool("verbose", false, "log every HTTP request")
	if err := parseFlags(fs, env, args); err != nil {
		return exitCode(env, "serve", err)
	}
	if fs.NArg() > 0 {
		return exitCode(env, "serve", usagef("unexpected argument %q", fs.Arg(0)))
	}
	size, err := web.ParseSize(*maxUpload)
	if err != nil {
		return exitCode(env, "serve", usagef("--max-upload: %v", err))
	}
	if *jobTTL <= 0 {
		return exitCode(env, "serve", usagef("--job-ttl must be positive"))
	}
	loop, err := loopback(*addr)
	if err != nil {
		return exitCode(env, "serve", usagef("--addr %q: %v", *addr, err))
	}
	if !loop && *token == "" {
		return exitCode(env, "serve", &UsageError{Msg: fmt.Sprintf("--addr %s is not a loopback address: a token is required", *addr),
			Hint: "set --token or " + EnvName("token") + ", or listen on 127.0.0.1"})
	}
	dir := *data
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return exitCode(env, "serve", usagef("no --data directory and no user cache dir: %v", err))
		}
		dir = filepath.Join(base, "eligibility", "web")
		if api.sandbox {
			dir += "-sandbox"
		}
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := env.logger(level)

	opts, err := api.options(log)
	if err != nil {
		return exitCode(env, "serve", err)
	}
	eng, err := engine.Open(ctx, opts)
	if err != nil {
		return exitCode(env, "serve", err)
	}
	defer eng.Close()
	if eng.CacheWarning != "" {
		log.Warn(eng.CacheWarning)
	}
	srv, err := web.Open(ctx, web.Config{DataDir: dir, Token: *token, MaxUpload: size, JobTTL: *jobTTL, Sandbox: api.sandbox,
		Runner: web.EngineRunner{Engine: eng}, Inspector: web.ReadersInspector{}, Logger: log})
	if err != nil {
		return exitCode(env, "serve", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		srv.Close()
		return exitCode(env, "serve", err)
	}
	// The token is never printed.
	fmt.Fprintf(env.Stderr, "eligibility serve: http://%s/ (data in %s)\n", ln.Addr(), dir)
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err = <-served:
	}
	// Stop accepting, end the event streams and the queue (the running job
	// stays queued and resumes at the next start), then wait for requests.
	shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() { hs.Shutdown(shut); close(done) }()
	srv.Close()
	<-done
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return exitCode(env, "serve", err)
	}
	return ExitOK
}

// loopback reports whether addr only listens on the loopback interface.
func loopback(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, err
	}
	if host == "localhost" {
		return true, nil
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback(), nil
}
