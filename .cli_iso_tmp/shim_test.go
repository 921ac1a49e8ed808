package cli

import (
	"bytes"
	"context"
	"sort"
	"strings"
	"testing"
)

var _ = context.Background

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code := Main(t.Context(), args, env)
	return code, out.String(), errb.String()
}

func cmdRun(ctx context.Context, env *Env, args []string) int     { return 0 }
func cmdCheck(ctx context.Context, env *Env, args []string) int   { return 0 }
func cmdInspect(ctx context.Context, env *Env, args []string) int { return 0 }
func cmdSandbox(ctx context.Context, env *Env, args []string) int { return 0 }
func cmdServe(ctx context.Context, env *Env, args []string) int   { return 0 }

func TestShowStats(t *testing.T) {
	path := t.TempDir() + "/c.db"
	fillCache(t, path)
	_, out, _ := runCLI(t, "cache", "stats", "--cache", path)
	t.Log("\n" + out)
	code, _, errOut := runCLI(t, "cache", "--cache", path, "stats", "-h")
	t.Log(code, errOut)
}
