package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ovhcloud-tools/eligibility/store"
)

const cacheUsage = "stats|prune|clear [--cache PATH] [--sandbox] [--older-than 720h | --cache-ttl search=720h,test=24h] [--json]"

// durationFlag is a flag.Value accepting Go durations and whole days ("30d").
type durationFlag struct{ d time.Duration }

func (f *durationFlag) String() string {
	if f.d == 0 {
		return ""
	}
	return f.d.String()
}
func (f *durationFlag) Set(v string) error {
	d, err := store.ParseDuration(v)
	if err != nil {
		return err
	}
	f.d = d
	return nil
}

// cmdCache inspects and trims the answer cache; it asks nothing, so it can
// run from cron.
func cmdCache(ctx context.Context, env *Env, args []string) int {
	fs := newFlagSet(env, "cache", cacheUsage)
	path := fs.String("cache", "", "cache file (default: user cache dir, eligibility/cache.db)")
	sandbox := fs.Bool("sandbox", false, "the sandbox's cache (eligibility/sandbox-cache.db)")
	var olderThan durationFlag
	fs.Var(&olderThan, "older-than", "prune: remove every answer stored longer ago than this (e.g. 720h, 30d)")
	ttl := fs.String("cache-ttl", "", "prune: remove answers past their lifetime: one duration, or search=720h,test=24h (default; --older-than wins)")
	asJSON := fs.Bool("json", false, "stats: print JSON")

	// The action may come before or after the flags.
	action := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		action, args = args[0], args[1:]
	}
	if err := parseFlags(fs, env, args); err != nil {
		return exitCode(env, "cache", err)
	}
	rest := fs.Args()
	if action == "" && len(rest) > 0 {
		action = rest[0]
		if err := fs.Parse(rest[1:]); err != nil { // flags after the action too
			if errors.Is(err, flag.ErrHelp) {
				return exitCode(env, "cache", err)
			}
			return exitCode(env, "cache", &UsageError{Msg: err.Error()})
		}
		rest = fs.Args()
	}
	switch {
	case action == "":
		fs.Usage()
		return exitCode(env, "cache", usagef("missing action: stats, prune or clear"))
	case action != "stats" && action != "prune" && action != "clear":
		return exitCode(env, "cache", usagef("unknown action %q: stats, prune or clear", action))
	case len(rest) > 0:
		return exitCode(env, "cache", usagef("unexpected arguments: %s", strings.Join(rest, " ")))
	case action != "prune" && olderThan.d != 0:
		return exitCode(env, "cache", usagef("--older-than is for prune"))
	}
	// --cache-ttl is often exported (ELIGIBILITY_CACHE_TTL) for runs: stats
	// and clear ignore it, and --older-than wins over it.
	var ttlSearch, ttlTest time.Duration
	if action == "prune" && olderThan.d == 0 {
		var err error
		if ttlSearch, ttlTest, err = store.ParseTTL(*ttl); err != nil {
			return exitCode(env, "cache", usagef("--cache-ttl: %v", err))
		}
	}

	p := *path
	if p == "" {
		var err error
		if p, err = store.DefaultPath(*sandbox); err != nil {
			return exitCode(env, "cache", err)
		}
	}
	if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
		// Do not create a cache just to say it is empty.
		if *asJSON {
			fmt.Fprintf(env.Stdout, "{\"Path\":%q,\"Entries\":0}\n", p)
		} else {
			fmt.Fprintf(env.Stdout, "no cache at %s\n", p)
		}
		return ExitOK
	}

	s, err := store.Open(p)
	var ce *store.CorruptError
	if errors.As(err, &ce) && action == "clear" {
		// A cache is only a cache: an unreadable one is cleared by removing it.
		for _, f := range []string{p, p + "-wal", p + "-shm"} {
			if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
				return exitCode(env, "cache", err)
			}
		}
		fmt.Fprintf(env.Stdout, "removed unreadable cache %s (%s)\n", p, ce.Reason)
		return ExitOK
	}
	if err != nil {
		return exitCode(env, "cache", err)
	}
	defer s.Close()

	switch action {
	case "stats":
		ts, err := s.Stats()
		if err != nil {
			return exitCode(env, "cache", err)
		}
		if *asJSON {
			enc := json.NewEncoder(env.Stdout)
			enc.SetIndent("", "  ")
			return exitCode(env, "cache", enc.Encode(ts))
		}
		printCacheStats(env.Stdout, ts, time.Now())
	case "prune":
		var n int64
		var err error
		if olderThan.d != 0 {
			n, err = s.Prune(olderThan.d)
		} else {
			n, err = s.PruneExpired(ttlSearch, ttlTest)
		}
		if err != nil {
			return exitCode(env, "cache", err)
		}
		fmt.Fprintf(env.Stdout, "pruned %d answers from %s\n", n, p)
	case "clear":
		ts, err := s.Stats()
		if err != nil {
			return exitCode(env, "cache", err)
		}
		if err := s.Clear(); err != nil {
			return exitCode(env, "cache", err)
		}
		fmt.Fprintf(env.Stdout, "cleared %d answers from %s\n", ts.Entries, p)
	}
	return ExitOK
}

const routePrefix = "/connectivity/eligibility/"

func printCacheStats(w io.Writer, ts store.TableStats, now time.Time) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "cache\t%s\n", ts.Path)
	fmt.Fprintf(tw, "size\t%s\n", humanBytes(ts.Size))
	fmt.Fprintf(tw, "entries\t%d\n", ts.Entries)
	if ts.Entries > 0 {
		fmt.Fprintf(tw, "oldest\t%s\n", when(ts.Oldest, now))
		fmt.Fprintf(tw, "newest\t%s\n", when(ts.Newest, now))
	}
	if r := ts.LastRun; r != nil {
		fmt.Fprintf(tw, "last run\t%s, hit rate %.1f%% (%d hits, %d misses, %d shared, %d errors) on %s\n",
			when(r.Ended, now), 100*r.HitRate(), r.Hits, r.Misses, r.Shared, r.Errors, r.Endpoint)
	} else {
		fmt.Fprintf(tw, "last run\tnone recorded\n")
	}
	if len(ts.ByRoute) > 0 {
		fmt.Fprintf(tw, "\nroute\tentries\toldest\tnewest\n")
		for _, route := range sortedKeys(ts.ByRoute) {
			rs := ts.ByRoute[route]
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", strings.TrimPrefix(route, routePrefix), rs.Entries,
				rs.Oldest.Local().Format(time.DateOnly), rs.Newest.Local().Format(time.DateOnly))
		}
	}
	if len(ts.ByEndpoint) > 1 {
		fmt.Fprintf(tw, "\nendpoint\tentries\n")
		for _, ep := range sortedKeys(ts.ByEndpoint) {
			fmt.Fprintf(tw, "%s\t%d\n", ep, ts.ByEndpoint[ep])
		}
	}
	tw.Flush()
}

func when(t, now time.Time) string {
	age := now.Sub(t).Round(time.Minute)
	var ago string
	switch {
	case age < time.Minute:
		ago = "just now"
	case age < 48*time.Hour:
		ago = strings.TrimSuffix(age.String(), "0s") + " ago"
	default:
		ago = fmt.Sprintf("%dd ago", int(age.Hours()/24))
	}
	return t.Local().Format(time.DateTime) + " (" + ago + ")"
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGT"[exp])
}
