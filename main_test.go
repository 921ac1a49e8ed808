package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/ovhcloud-tools/eligibility/readers"
	"github.com/ovhcloud-tools/eligibility/sandbox"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "eligibility-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "eligibility")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func startSandbox(t *testing.T) (*sandbox.Server, string) {
	t.Helper()
	sb := sandbox.New(sandbox.Config{PendingPolls: 1})
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	return sb, srv.URL + "/1.0"
}

func runArgs(endpoint, cache, in, out string) []string {
	return []string{"run", "--endpoint", endpoint, "--cache", cache, "--rate", "150", "--workers", "16",
		"--poll-first", "20ms", "--progress", "none", in, "-o", out}
}

// TestKillAndResume kills a run with SIGKILL in the middle, re-runs the same
// command and checks that the output is whole and that the second run asks
// only what the first had not answered (the sandbox counts the calls).
func TestKillAndResume(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("SIGKILL test needs linux")
	}
	in := filepath.Join("samples", "ban-legacy-54084-mont-bonvillers.csv")
	dir := t.TempDir()
	sb, endpoint := startSandbox(t)

	// Reference: a clean, complete run.
	ref := exec.Command(binary, runArgs(endpoint, filepath.Join(dir, "ref.db"), in, filepath.Join(dir, "ref.csv"))...)
	if out, err := ref.CombinedOutput(); err != nil {
		t.Fatalf("reference run: %v\n%s", err, out)
	}
	full := sb.Stats().Total
	sb.ResetStats()
	sb.ResetJobs() // OVH shares finished tasks between clients; start the real test from scratch

	cache := filepath.Join(dir, "cache.db")
	out := filepath.Join(dir, "out.csv")
	first := exec.Command(binary, runArgs(endpoint, cache, in, out)...)
	var firstErr bytes.Buffer
	first.Stderr = &firstErr
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for sb.Stats().Total < full/2 {
		if time.Now().After(deadline) {
			t.Fatalf("first run made only %d calls", sb.Stats().Total)
		}
		time.Sleep(5 * time.Millisecond) // test code: polling a counter
	}
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := first.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("first run was not killed: %v\n%s", err, firstErr.String())
	}
	killedAt := sb.Stats().Total
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a killed run left a half-written %s", out)
	}
	sb.ResetStats()

	second := exec.Command(binary, runArgs(endpoint, cache, in, out)...)
	if b, err := second.CombinedOutput(); err != nil {
		t.Fatalf("second run: %v\n%s", err, b)
	}
	resumed := sb.Stats().Total
	t.Logf("full run %d calls; killed after %d; resumed run %d calls (%.0f%% of full)", full, killedAt, resumed, 100*float64(resumed)/float64(full))
	// The resumed run asks about what the first did not get answered; tasks
	// in flight at the kill (≤ workers) are asked again, with their polls.
	if slack := int64(16 * 3); resumed > full-killedAt+slack {
		t.Errorf("resumed run made %d calls, want ≤ %d (full %d - killed %d + in-flight %d)", resumed, full-killedAt+slack, full, killedAt, slack)
	}
	if resumed == 0 {
		t.Errorf("resumed run made no call: the kill came too late to test anything")
	}

	// The output has every row, in order, identical to the clean run's.
	got, want := csvRows(t, out), csvRows(t, filepath.Join(dir, "ref.csv"))
	if len(got) != 501 || len(want) != 501 {
		t.Fatalf("rows: resumed %d, reference %d, want 501", len(got), len(want))
	}
	for i := range got {
		if fmt.Sprint(got[i]) != fmt.Sprint(want[i]) {
			t.Fatalf("row %d differs:\n%q\n%q", i+1, got[i], want[i])
		}
	}

	// A finished file run again asks nothing.
	sb.ResetStats()
	if b, err := exec.Command(binary, runArgs(endpoint, cache, in, filepath.Join(dir, "again.csv"))...).CombinedOutput(); err != nil {
		t.Fatalf("third run: %v\n%s", err, b)
	}
	if n := sb.Stats().Total; n != 0 {
		t.Errorf("re-running a finished file made %d calls, want 0", n)
	}
}

func csvRows(t *testing.T, path string) [][]string {
	t.Helper()
	r, err := readers.Open(path, readers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var rows [][]string
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			return rows
		}
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, row.Cells)
	}
}

// TestExitCodes runs the real binary for the documented exit codes.
func TestExitCodes(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		want int
	}{
		{"help", []string{"--help"}, 0},
		{"no command", nil, 2},
		{"bad flag", []string{"run", "--nope"}, 2},
		{"missing input", []string{"run", "--sandbox", "does-not-exist.csv"}, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := exec.Command(binary, tt.args...).Run()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.want {
				t.Errorf("exit %d, want %d", code, tt.want)
			}
		})
	}
}

// TestInterruptExit130 sends SIGINT in the middle of a run: every row is
// still written and the exit code is 130.
func TestInterruptExit130(t *testing.T) {
	in := filepath.Join("samples", "ban-legacy-54084-mont-bonvillers.csv")
	dir := t.TempDir()
	sb, endpoint := startSandbox(t)
	out := filepath.Join(dir, "out.csv")
	cmd := exec.Command(binary, "run", "--endpoint", endpoint, "--no-cache", "--rate", "100", "--poll-first", "20ms",
		"--progress", "none", in, "-o", out)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for sb.Stats().Total < 100 {
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("exit: %v, want 130", err)
	}
	rows := csvRows(t, out)
	if len(rows) != 501 {
		t.Fatalf("%d rows written, want 501", len(rows))
	}
}
