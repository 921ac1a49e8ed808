package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ovhcloud-tools/eligibility/readers"
	"github.com/ovhcloud-tools/eligibility/sandbox"
)

// runCLI runs the command line in-process and returns exit code, stdout, stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code := Main(t.Context(), args, env)
	return code, out.String(), errb.String()
}

func readAll(t *testing.T, path string) (readers.Reader, []readers.Row) {
	t.Helper()
	r, err := readers.Open(path, readers.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { r.Close() })
	var rows []readers.Row
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		rows = append(rows, row)
	}
	return r, rows
}

func colIndex(header []string, name string) int {
	for i, h := range header {
		if h == name {
			return i
		}
	}
	return -1
}

// TestRunSamplesEndToEnd runs every bundled sample (but the 39,000-row La
// Poste table, which has no street) against the in-process sandbox.
func TestRunSamplesEndToEnd(t *testing.T) {
	samples := []struct {
		file string
		// minimum share of rows that must reach an endpoint (eligible or not_eligible)
		minFound float64
	}{
		{"ban-legacy-54084-mont-bonvillers.csv", 0.85},
		{"adresse-data-gouv-exemple-search.csv", 0.75},
		{"bal-sample-strasbourg-messy.cp1252.csv", 0.5},
		{"bal-sample-strasbourg-messy.utf8-bom.csv", 0.5},
	}
	for _, s := range samples {
		t.Run(s.file, func(t *testing.T) {
			t.Parallel()
			in := filepath.Join("..", "samples", s.file)
			dir := t.TempDir()
			outCSV := filepath.Join(dir, "out.csv")
			outJSONL := filepath.Join(dir, "out.jsonl")
			code, _, stderr := runCLI(t, "run", "--sandbox", "--no-cache", "--progress", "none", in, "-o", outCSV, "-o", outJSONL)
			if code != ExitOK {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			ir, inRows := readAll(t, in)
			or, outRows := readAll(t, outCSV)
			if len(outRows) != len(inRows) {
				t.Fatalf("rows out %d, rows in %d", len(outRows), len(inRows))
			}
			if ir.Dialect().Encoding != or.Dialect().Encoding || ir.Dialect().Delimiter != or.Dialect().Delimiter {
				t.Errorf("dialect in %+v, out %+v", ir.Dialect(), or.Dialect())
			}
			header := or.Header()
			inHeader := ir.Header()
			for i, h := range inHeader {
				if header[i] != h {
					t.Fatalf("header[%d] = %q, want %q", i, header[i], h)
				}
			}
			st := colIndex(header, "elig_status")
			reason := colIndex(header, "elig_reason")
			if st < 0 || reason < 0 || colIndex(header, "elig_error") < 0 {
				t.Fatalf("missing elig_ columns in %q", header)
			}
			counts := map[string]int{}
			for i, row := range outRows {
				for j := range inHeader {
					if row.Cells[j] != inRows[i].Cells[j] {
						t.Fatalf("row %d cell %d changed: %q → %q", i+1, j, inRows[i].Cells[j], row.Cells[j])
					}
				}
				counts[row.Cells[st]]++
				if row.Cells[reason] == "" {
					t.Errorf("row %d: status %s without a reason", i+1, row.Cells[st])
				}
			}
			t.Logf("%s: %v", s.file, counts)
			if counts["error"] > 0 {
				t.Errorf("%d rows in error without any fault injected", counts["error"])
			}
			found := float64(counts["eligible"]+counts["not_eligible"]) / float64(len(outRows))
			if found < s.minFound {
				t.Errorf("found share %.2f < %.2f (%v)", found, s.minFound, counts)
			}
			raw, err := os.ReadFile(outCSV)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(s.file, "cp1252") && utf8.Valid(raw) {
				t.Errorf("the Windows-1252 input came back as UTF-8")
			}
			inRaw, _ := os.ReadFile(in)
			if bytes.HasPrefix(inRaw, []byte("\xef\xbb\xbf")) != bytes.HasPrefix(raw, []byte("\xef\xbb\xbf")) {
				t.Errorf("BOM not kept")
			}
			lines := bytes.Count(mustRead(t, outJSONL), []byte("\n"))
			if lines != len(inRows) {
				t.Errorf("jsonl has %d lines, want %d", lines, len(inRows))
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRunRefusesFilesWithoutStreets: the communes and arrondissements samples
// have zips and cities but no street: a clear usage error before any call.
func TestRunRefusesFilesWithoutStreets(t *testing.T) {
	for _, f := range []string{"communes-departement-region-head-lost-zeros.csv", "arrondissements-municipaux-plm.csv"} {
		t.Run(f, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.csv")
			code, _, stderr := runCLI(t, "run", "--sandbox", "--no-cache", filepath.Join("..", "samples", f), "-o", out)
			if code != ExitUsage || !strings.Contains(stderr, "--columns") || !strings.Contains(stderr, f) {
				t.Errorf("exit %d, stderr:\n%s", code, stderr)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("an output was written")
			}
		})
	}
}

// TestRunWithFaults injects 429s, HTML 503s, task errors and stuck tasks:
// every row still comes back, the failing ones as error with the cause.
func TestRunWithFaults(t *testing.T) {
	in := filepath.Join("..", "samples", "ban-legacy-54084-mont-bonvillers.csv")
	out := filepath.Join(t.TempDir(), "out.jsonl")
	// Unlimited rate: the adaptive limiter's slow-down on 429 is tested in
	// ratelimit/; here injected 429s would only make the run long.
	code, _, stderr := runCLI(t, "run", "--sandbox", "--no-cache", "--progress", "json", "--rate", "-1",
		"--sandbox-faults", "429=0.05,503=0.05,408=0.02,task-error=0.03,stuck=0.02",
		"--task-timeout", "500ms", in, "-o", out)
	if code != ExitRowErrors {
		t.Fatalf("exit %d, want %d\n%s", code, ExitRowErrors, stderr)
	}
	var n, errs int
	causes := map[string]int{}
	for _, line := range bytes.Split(bytes.TrimSpace(mustRead(t, out)), []byte("\n")) {
		var rec struct {
			Row    int `json:"row"`
			Result struct {
				Status string `json:"status"`
				Error  string `json:"error"`
			} `json:"result"`
		}
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatal(err)
		}
		n++
		if rec.Row != n {
			t.Fatalf("row %d at position %d", rec.Row, n)
		}
		if rec.Result.Status == "error" {
			errs++
			if rec.Result.Error == "" {
				t.Errorf("row %d: error without cause", n)
			}
			switch {
			case strings.Contains(rec.Result.Error, "task error: EXTERNAL_WS_UNREACHABLE"):
				causes["task"]++
			case strings.Contains(rec.Result.Error, "still pending"):
				causes["timeout"]++
			default:
				causes["other"]++
			}
		}
	}
	if n != 501 {
		t.Fatalf("%d rows, want 501", n)
	}
	if errs == 0 || errs > 250 {
		t.Errorf("%d error rows", errs)
	}
	t.Logf("error rows %d by cause %v", errs, causes)
	if causes["task"] == 0 || causes["timeout"] == 0 {
		t.Errorf("want both task errors and stuck-pending timeouts among the causes: %v", causes)
	}
	if !strings.Contains(stderr, `"event":"summary"`) || !strings.Contains(stderr, "429s") {
		t.Errorf("summary missing from stderr:\n%s", stderr)
	}
}

func TestRunUsageErrors(t *testing.T) {
	in := filepath.Join("..", "samples", "adresse-data-gouv-exemple-search.csv")
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no input", []string{"run"}, ExitUsage, "missing INPUT"},
		{"unknown column", []string{"run", "--sandbox", "--columns", "zip=NOPE", in}, ExitUsage, "postcode"},
		{"bad progress", []string{"run", "--progress", "fancy", in}, ExitUsage, "--progress"},
		{"sandbox and endpoint", []string{"run", "--sandbox", "--endpoint", "ovh-eu", in}, ExitUsage, "exclude"},
		{"missing file", []string{"run", "--sandbox", "nope.csv"}, ExitFatal, "nope.csv"},
		{"unknown command", []string{"frobnicate"}, ExitUsage, "unknown command"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d (want %d), stderr:\n%s", code, tt.code, stderr)
			}
		})
	}
}

func TestRunDryRunMakesNoCall(t *testing.T) {
	in := filepath.Join("..", "samples", "bal-sample-strasbourg-messy.cp1252.csv")
	code, out, stderr := runCLI(t, "run", "--dry-run", in)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"windows-1252", "rows:     15", "no API call"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
}

func TestRunEnvTwin(t *testing.T) {
	in := filepath.Join("..", "samples", "adresse-data-gouv-exemple-search.csv")
	var out, errb bytes.Buffer
	env := &Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string {
		return map[string]string{"ELIGIBILITY_DRY_RUN": "true", "ELIGIBILITY_LIMIT": "2"}[k]
	}}
	if code := Main(t.Context(), []string{"run", in}, env); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "rows:     2") {
		t.Errorf("ELIGIBILITY_LIMIT not applied:\n%s", out.String())
	}
}

// TestRunMemoryLimit: `run` bounds its heap against a real endpoint, not
// with the in-process sandbox nor when GOMEMLIMIT says otherwise.
func TestRunMemoryLimit(t *testing.T) {
	srv := httptest.NewServer(sandbox.New(sandbox.Config{}))
	defer srv.Close()
	in := filepath.Join("..", "samples", "adresse-data-gouv-exemple-search.csv")
	endpoint := []string{"--endpoint", srv.URL + "/1.0", "--poll-first", "1ms", "--rate", "-1"}
	for _, tt := range []struct {
		name string
		args []string
		env  map[string]string
		want int64
	}{
		{"endpoint", endpoint, nil, runMemoryLimit},
		{"sandbox", []string{"--sandbox"}, nil, 0},
		{"GOMEMLIMIT", endpoint, map[string]string{"GOMEMLIMIT": "1GiB"}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var set int64
			var out, errb bytes.Buffer
			env := &Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return tt.env[k] },
				SetMemoryLimit: func(n int64) { set = n }}
			args := append([]string{"run", "--no-cache", "--progress", "none", "-o", filepath.Join(t.TempDir(), "out.csv")}, tt.args...)
			if code := Main(t.Context(), append(args, in), env); code != ExitOK {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			if set != tt.want {
				t.Errorf("memory limit set to %d, want %d", set, tt.want)
			}
		})
	}
}

// TestRunSandboxPendingPolls: --sandbox-pending-polls 0 means at once (half
// the requests of the default one pending answer), and needs --sandbox.
func TestRunSandboxPendingPolls(t *testing.T) {
	in := filepath.Join("..", "samples", "adresse-data-gouv-exemple-search.csv")
	calls := func(extra ...string) int {
		t.Helper()
		args := append([]string{"run", "--sandbox", "--no-cache", "--progress", "none", "-o", filepath.Join(t.TempDir(), "out.csv")}, extra...)
		code, _, stderr := runCLI(t, append(args, in)...)
		if code != ExitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		m := regexp.MustCompile(`API calls: (\d+)`).FindStringSubmatch(stderr)
		if m == nil {
			t.Fatalf("no API call count in:\n%s", stderr)
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	def, none := calls(), calls("--sandbox-pending-polls", "0")
	if none == 0 || def != 2*none {
		t.Errorf("API calls: %d with one pending answer per task, %d with none; want twice as many", def, none)
	}
	if code, _, _ := runCLI(t, "run", "--sandbox-pending-polls", "0", in); code != ExitUsage {
		t.Errorf("--sandbox-pending-polls without --sandbox: exit %d, want %d", code, ExitUsage)
	}
}
