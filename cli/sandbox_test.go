package cli

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestSandboxCommandServesAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	env := &Env{Stdout: pw, Stderr: io.Discard, Getenv: func(string) string { return "" }}
	done := make(chan int, 1)
	go func() {
		done <- cmdSandbox(ctx, env, []string{"--addr", "127.0.0.1:0", "--pending-polls", "0"})
		pw.Close()
	}()
	br := bufio.NewReader(pr)
	line, err := br.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, br) //nolint:errcheck // drain the hint line
	endpoint := strings.TrimSpace(line)
	if !strings.HasPrefix(endpoint, "http://127.0.0.1:") || !strings.HasSuffix(endpoint, "/1.0") {
		t.Fatalf("first line = %q, want the base URL", line)
	}
	resp, err := http.Post(endpoint+"/connectivity/eligibility/search/cities", "application/json", strings.NewReader(`{"zipCode":"91400"}`))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(raw), `"status":"ok"`) || !strings.Contains(string(raw), "ORSAY") {
		t.Fatalf("cities: %d %s", resp.StatusCode, raw)
	}
	cancel()
	if code := <-done; code != ExitOK {
		t.Fatalf("exit code = %d after cancel, want 0", code)
	}
}

func TestSandboxCommandUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"non-loopback address", []string{"--addr", "0.0.0.0:0"}},
		{"bad fault spec", []string{"--addr", "127.0.0.1:0", "--fault-rate", "418=0.5"}},
		{"bad fail-with", []string{"--addr", "127.0.0.1:0", "--fail-with", "boom"}},
		{"stray argument", []string{"--addr", "127.0.0.1:0", "extra"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr strings.Builder
			env := &Env{Stdout: io.Discard, Stderr: &stderr, Getenv: func(string) string { return "" }}
			if code := cmdSandbox(context.Background(), env, tt.args); code != ExitUsage {
				t.Fatalf("exit = %d, want %d (stderr %q)", code, ExitUsage, stderr.String())
			}
		})
	}
}

func TestSandboxCommandMissingWorld(t *testing.T) {
	env := &Env{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }}
	code := cmdSandbox(context.Background(), env, []string{"--addr", "127.0.0.1:0", "--world", t.TempDir() + "/nope.csv"})
	if code != ExitFatal {
		t.Fatalf("exit = %d, want %d", code, ExitFatal)
	}
}
