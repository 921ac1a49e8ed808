package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/ovhcloud-tools/eligibility/sandbox"
)

// Demo credentials the sandbox accepts on the signed /partners routes when
// OVH_APPLICATION_KEY/SECRET and OVH_CONSUMER_KEY are not set.
const (
	sandboxAppKey      = "sandbox-app-key"
	sandboxAppSecret   = "sandbox-app-secret"
	sandboxConsumerKey = "sandbox-consumer-key"
)

func cmdSandbox(ctx context.Context, env *Env, args []string) int {
	return exitCode(env, "sandbox", runSandbox(ctx, env, args))
}

func runSandbox(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "sandbox", "[flags]")
	var (
		addr, faults, failWith string
		worlds                 stringList
		pendingPolls           = fs.Int("pending-polls", 1, "pending answers per request before the final one (0 = at once)")
		pendingFor             = fs.Duration("pending-for", 0, "or: keep a request pending this long after its first POST")
		latency                = fs.Duration("latency", 0, "delay added to every response")
		seed                   = fs.Int64("seed", 0, "seed of the fault draws")
		ratePerMin             = fs.Int("rate-per-minute", 0, "fair-use limit per client answering 429 (0 = off)")
		jobTTL                 = fs.Duration("job-ttl", sandbox.DefaultJobTTL, "how long a request keeps its task")
		failFirst              = fs.Int("fail-first", 0, "the first N attempts of every request fail with --fail-with")
		allowRemote            = fs.Bool("allow-remote", false, "allow listening on a non-loopback address")
	)
	fs.StringVar(&addr, "addr", "127.0.0.1:8080", "listen address (loopback only unless --allow-remote; port 0 = any free port)")
	fs.Var(&worlds, "world", "extra BAN (legacy or current) or BAL CSV of streets and numbers (repeatable)")
	fs.StringVar(&faults, "fault-rate", "", "fault probabilities, e.g. 429=0.05,503=0.02,task-error=0.01,stuck=0.01")
	fs.StringVar(&failWith, "fail-with", "503", "fault of --fail-first: 429, 500, 503, 408, task-error or stuck")
	if err := parseFlags(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *pendingPolls < 0 || *failFirst < 0 || *ratePerMin < 0 || *pendingFor < 0 || *latency < 0 {
		return usagef("--pending-polls, --pending-for, --latency, --fail-first and --rate-per-minute must not be negative")
	}
	rates, err := sandbox.ParseFaults(faults)
	if err != nil {
		return usagef("--fault-rate: %v", err)
	}
	if _, err := sandbox.ParseFaults(failWith + "=1"); err != nil {
		return usagef("--fail-with: %v", err)
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usagef("--addr %q: %v", addr, err)
	}
	if !*allowRemote && !isLoopback(host) {
		return &UsageError{Msg: fmt.Sprintf("--addr %q is not a loopback address", addr),
			Hint: "the sandbox serves fake data without authentication; add --allow-remote if you really mean it"}
	}
	world, err := sandbox.LoadWorld(worlds...)
	if err != nil {
		return err
	}
	cfg := sandbox.Config{
		PendingPolls: *pendingPolls, PendingFor: *pendingFor, Latency: *latency,
		FaultRate: rates, FailFirst: *failFirst, FailWith: sandbox.Fault(failWith), Seed: *seed,
		World: world, RatePerMinute: *ratePerMin, JobTTL: *jobTTL,
		AppKey: env.getenv("OVH_APPLICATION_KEY"), AppSecret: env.getenv("OVH_APPLICATION_SECRET"),
		ConsumerKey: env.getenv("OVH_CONSUMER_KEY"),
	}
	if cfg.AppKey == "" {
		cfg.AppKey, cfg.AppSecret, cfg.ConsumerKey = sandboxAppKey, sandboxAppSecret, sandboxConsumerKey
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: sandbox.New(cfg), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	base := "http://" + ln.Addr().String()
	fmt.Fprintf(env.Stdout, "%s/1.0\n", base)
	fmt.Fprintf(env.Stdout, "OVH eligibility simulator (demo data): use --endpoint %s/1.0, counters at %s/__stats, Ctrl-C to stop\n", base, base)
	for _, s := range world.Sources() {
		fmt.Fprintf(env.Stderr, "world: %s: %d addresses (%d rows skipped)\n", s.Name, s.Addresses, s.Skipped)
	}
	if cfg.AppKey == sandboxAppKey {
		fmt.Fprintf(env.Stderr, "partners routes accept OVH_APPLICATION_KEY=%s OVH_APPLICATION_SECRET=%s OVH_CONSUMER_KEY=%s\n",
			sandboxAppKey, sandboxAppSecret, sandboxConsumerKey)
	}

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return err
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
