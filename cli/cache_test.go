package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ovhcloud-tools/eligibility/ovhapi"
	"github.com/ovhcloud-tools/eligibility/store"
)

// fillCache stores answers: two cities and one test now, one city 40 days ago.
func fillCache(t *testing.T, path string) {
	t.Helper()
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	next := ovhapi.CallerFunc(func(context.Context, string, any) (json.RawMessage, error) {
		return json.RawMessage(`[]`), nil
	})
	old := s.Wrap(next, "http://127.0.0.1:1/1.0", store.Options{Now: func() time.Time { return time.Now().Add(-40 * 24 * time.Hour) }})
	if _, err := old.Call(t.Context(), ovhapi.RouteCities, ovhapi.CitiesRequest{ZipCode: "01000"}); err != nil {
		t.Fatal(err)
	}
	c := s.Wrap(next, "http://127.0.0.1:1/1.0", store.Options{})
	for _, req := range []struct {
		route string
		body  any
	}{
		{ovhapi.RouteCities, ovhapi.CitiesRequest{ZipCode: "75001"}},
		{ovhapi.RouteCities, ovhapi.CitiesRequest{ZipCode: "75001"}}, // a hit
		{ovhapi.RouteCities, ovhapi.CitiesRequest{ZipCode: "75002"}},
		{ovhapi.RouteTestBuilding, ovhapi.TestBuildingRequest{Building: "IMB/1"}},
	} {
		if _, err := c.Call(t.Context(), req.route, req.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.SaveRunStats(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func TestCacheCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	fillCache(t, path)

	code, out, errOut := runCLI(t, "cache", "stats", "--cache", path)
	if code != ExitOK {
		t.Fatalf("stats: exit %d, %s", code, errOut)
	}
	for _, want := range []string{path, "entries   4", "search/cities", "test/building", "hit rate 25.0% (1 hits, 3 misses", "40d ago"} {
		if !strings.Contains(out, want) {
			t.Errorf("stats output lacks %q:\n%s", want, out)
		}
	}

	code, out, _ = runCLI(t, "cache", "--cache", path, "stats", "--json") // flags before the action too
	var ts store.TableStats
	if code != ExitOK || json.Unmarshal([]byte(out), &ts) != nil || ts.Entries != 4 {
		t.Errorf("stats --json: exit %d, %s", code, out)
	}

	// Default TTLs: only the 40-day-old city goes.
	if code, out, _ = runCLI(t, "cache", "prune", "--cache", path); code != ExitOK || !strings.Contains(out, "pruned 1 answers") {
		t.Errorf("prune: exit %d, %s", code, out)
	}
	// A short test TTL does not touch searches stored now.
	if code, out, _ = runCLI(t, "cache", "prune", "--cache", path, "--cache-ttl", "test=1h"); code != ExitOK || !strings.Contains(out, "pruned 0 answers") {
		t.Errorf("prune --cache-ttl: exit %d, %s", code, out)
	}
	if code, out, _ = runCLI(t, "cache", "clear", "--cache", path); code != ExitOK || !strings.Contains(out, "cleared 3 answers") {
		t.Errorf("clear: exit %d, %s", code, out)
	}
	if code, out, _ = runCLI(t, "cache", "stats", "--cache", path); code != ExitOK || !strings.Contains(out, "entries   0") {
		t.Errorf("stats after clear: exit %d, %s", code, out)
	}
}

func TestCachePruneOlderThan(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	fillCache(t, path)
	code, out, errOut := runCLI(t, "cache", "prune", "--cache", path, "--older-than", "30d")
	if code != ExitOK || !strings.Contains(out, "pruned 1 answers") {
		t.Errorf("exit %d, %s %s", code, out, errOut)
	}
}

func TestCacheCorruptAndMissing(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.db")
	if err := os.WriteFile(bad, []byte(strings.Repeat("garbage ", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI(t, "cache", "stats", "--cache", bad)
	if code != ExitFatal || !strings.Contains(errOut, "corrupt") {
		t.Errorf("stats on garbage: exit %d, %s", code, errOut)
	}
	code, out, _ := runCLI(t, "cache", "clear", "--cache", bad)
	if code != ExitOK || !strings.Contains(out, "removed unreadable cache") {
		t.Errorf("clear on garbage: exit %d, %s", code, out)
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Errorf("garbage file still there: %v", err)
	}
	// A missing cache is reported, not created.
	code, out, _ = runCLI(t, "cache", "stats", "--cache", bad)
	if code != ExitOK || !strings.Contains(out, "no cache at") {
		t.Errorf("stats on missing: exit %d, %s", code, out)
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Error("stats created the file")
	}
}

func TestCacheSandboxDefaultPath(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", dir)
	t.Setenv("HOME", dir)
	want, err := store.DefaultPath(true)
	if err != nil {
		t.Fatal(err)
	}
	fillCache(t, want)
	code, out, _ := runCLI(t, "cache", "stats", "--sandbox")
	if code != ExitOK || !strings.Contains(out, "sandbox-cache.db") || !strings.Contains(out, "entries   4") {
		t.Errorf("exit %d, %s", code, out)
	}
}

func TestCacheIgnoresExportedTTL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	fillCache(t, path)
	var out, errb strings.Builder
	env := &Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string {
		if k == "ELIGIBILITY_CACHE_TTL" {
			return "test=1h"
		}
		return ""
	}}
	if code := Main(t.Context(), []string{"cache", "stats", "--cache", path}, env); code != ExitOK {
		t.Errorf("stats with ELIGIBILITY_CACHE_TTL: exit %d, %s", code, errb.String())
	}
	// --older-than wins over the exported TTL.
	if code := Main(t.Context(), []string{"cache", "prune", "--older-than", "30d", "--cache", path}, env); code != ExitOK ||
		!strings.Contains(out.String(), "pruned 1 answers") {
		t.Errorf("prune: exit %d, %s %s", code, out.String(), errb.String())
	}
}

func TestCacheUsage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	for _, args := range [][]string{
		{"cache"},
		{"cache", "purge"},
		{"cache", "stats", "extra"},
		{"cache", "stats", "--older-than", "1h"},
		{"cache", "prune", "--cache-ttl", "search=soon"},
		{"cache", "prune", "--older-than", "-3h"},
		{"cache", "clear", "--nope"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, _, errOut := runCLI(t, append(args, "--cache", path)...)
			if code != ExitUsage {
				t.Errorf("exit %d, want %d; %s", code, ExitUsage, errOut)
			}
		})
	}
}
