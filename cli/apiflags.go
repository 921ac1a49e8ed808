package cli

import (
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/ovhcloud-tools/eligibility/engine"
	"github.com/ovhcloud-tools/eligibility/resolve"
	"github.com/ovhcloud-tools/eligibility/sandbox"
	"github.com/ovhcloud-tools/eligibility/store"
)

// apiFlags are the flags of every command that talks to the API.
type apiFlags struct {
	endpoint, cache, cacheTTL, offers, faults string
	sandbox, noCache, refresh, partners       bool
	streetLevel, bothStatuses                 bool
	rate                                      float64
	burst, workers, pendingPolls              int
	pollFirst, taskTimeout                    time.Duration
	threshold, margin                         float64
	worlds                                    stringList
}

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func (a *apiFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&a.endpoint, "endpoint", "", "OVH API endpoint: ovh-eu, ovh-ca, … or a URL like http://127.0.0.1:8080/1.0 (default ovh-eu; also OVH_ENDPOINT)")
	fs.BoolVar(&a.sandbox, "sandbox", false, "use the embedded OVH simulator on a loopback port (demo data, not real eligibility)")
	fs.Float64Var(&a.rate, "rate", 0, fmt.Sprintf("API requests per second shared by all workers, polls and retries included (default %g; %d with --sandbox; -1 = unlimited)", engine.DefaultRate, engine.DefaultSandboxRate))
	fs.IntVar(&a.burst, "burst", 0, fmt.Sprintf("rate limiter burst (default %d)", engine.DefaultBurst))
	fs.IntVar(&a.workers, "workers", 0, fmt.Sprintf("rows resolved at once (default 8; %d with --sandbox)", engine.DefaultSandboxWorkers))
	fs.StringVar(&a.cache, "cache", "", "answer cache file (default: user cache dir, eligibility/cache.db)")
	fs.BoolVar(&a.noCache, "no-cache", false, "do not use the answer cache")
	fs.BoolVar(&a.refresh, "refresh", false, "re-ask every answer and overwrite the cache")
	fs.StringVar(&a.cacheTTL, "cache-ttl", "", "cache lifetime: one duration, or search=720h,test=24h")
	fs.StringVar(&a.offers, "offers", "", "restrict the best offer to technologies or product codes, e.g. FTTH,VDSL")
	fs.BoolVar(&a.partners, "partners", false, "use the signed /partners test routes (needs OVH_* credentials or ovh.conf)")
	fs.BoolVar(&a.streetLevel, "street-level", false, "test rows without a house number at street level instead of not_found")
	fs.BoolVar(&a.bothStatuses, "both-line-statuses", false, "test line numbers as active and inactive")
	fs.Float64Var(&a.threshold, "threshold", 0, "minimum match score to auto-pick a street or city (default 0.80)")
	fs.Float64Var(&a.margin, "margin", 0, "minimum score gap between the two best candidates (default 0.05)")
	fs.IntVar(&a.pendingPolls, "sandbox-pending-polls", 1, "with --sandbox: pending answers before each task ends (0 = at once)")
	fs.StringVar(&a.faults, "sandbox-faults", "", "with --sandbox: fault rates, e.g. 429=0.05,503=0.02,task-error=0.01,stuck=0.01")
	fs.Var(&a.worlds, "sandbox-world", "with --sandbox: extra BAN/BAL CSV of streets and numbers (repeatable)")
	fs.DurationVar(&a.taskTimeout, "task-timeout", 0, "give up on a task still pending after this long (default 3m)")
	fs.DurationVar(&a.pollFirst, "poll-first", 0, "first wait before polling a pending task (default 2s; 50ms with --sandbox)")
}

// options turns the flags into engine options.
func (a *apiFlags) options(log *slog.Logger) (engine.Options, error) {
	o := engine.Options{
		Endpoint: a.endpoint, Sandbox: a.sandbox, Rate: a.rate, Burst: a.burst, Workers: a.workers,
		CachePath: a.cache, CacheExplicit: a.cache != "", NoCache: a.noCache, Refresh: a.refresh,
		Partners: a.partners, PollFirst: a.pollFirst, PollDeadline: a.taskTimeout, Logger: log,
		Resolve: resolve.Options{Threshold: a.threshold, Margin: a.margin, StreetLevel: a.streetLevel,
			BothLineStatuses: a.bothStatuses, Logger: log},
	}
	if a.sandbox && a.endpoint != "" {
		return o, usagef("--sandbox and --endpoint exclude each other")
	}
	if !a.sandbox && (a.pendingPolls != 1 || a.faults != "" || len(a.worlds) > 0) {
		return o, usagef("--sandbox-* flags need --sandbox")
	}
	if a.offers != "" {
		for _, f := range strings.Split(a.offers, ",") {
			if f = strings.TrimSpace(f); f != "" {
				o.Resolve.Offers = append(o.Resolve.Offers, strings.ToUpper(f))
			}
		}
	}
	if a.cacheTTL != "" {
		s, t, err := store.ParseTTL(a.cacheTTL)
		if err != nil {
			return o, usagef("--cache-ttl: %v", err)
		}
		o.TTLSearch, o.TTLTest = s, t
	}
	if a.sandbox {
		o.SandboxConfig.PendingPolls = a.pendingPolls
		if a.pendingPolls == 0 {
			o.SandboxConfig.PendingPolls = -1 // at once (0 is the engine's default, 1)
		}
		if a.faults != "" {
			f, err := sandbox.ParseFaults(a.faults)
			if err != nil {
				return o, usagef("--sandbox-faults: %v", err)
			}
			o.SandboxConfig.FaultRate = f
		}
		if len(a.worlds) > 0 {
			w, err := sandbox.LoadWorld(a.worlds...)
			if err != nil {
				return o, err
			}
			o.SandboxConfig.World = w
		}
	}
	return o, nil
}
