package engine

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/ovhcloud-tools/eligibility/pipeline"
	"github.com/ovhcloud-tools/eligibility/resolve"
)

func TestRunFileSandbox(t *testing.T) {
	e, err := Open(t.Context(), Options{Sandbox: true, NoCache: true, Rate: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	dir := t.TempDir()
	var last pipeline.Progress
	sum, err := e.RunFile(t.Context(), FileJob{
		Input:    filepath.Join("..", "samples", "ban-legacy-54084-mont-bonvillers.csv"),
		Outputs:  []string{filepath.Join(dir, "out.csv"), filepath.Join(dir, "out.xlsx")},
		Progress: func(p pipeline.Progress) { last = p },
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rows != 501 || last.Done != 501 || last.Total != 501 || !last.Final {
		t.Fatalf("rows %d, last progress %+v", sum.Rows, last)
	}
	if sum.APICallsTotal == 0 || sum.Endpoint != e.Endpoint() || !sum.Sandbox {
		t.Errorf("summary %+v", sum)
	}
	t.Logf("by status %v, by tech %v, calls %d %v", sum.ByStatus, sum.ByTech, sum.APICallsTotal, sum.APICalls)
	if sum.ByStatus[string(resolve.StatusError)] > 0 {
		t.Errorf("error rows: %v", sum.ByStatus)
	}
}

func TestOpenNeverFallsBackToSandbox(t *testing.T) {
	e, err := Open(t.Context(), Options{Endpoint: "http://127.0.0.1:1/1.0", NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if e.Sandbox() || e.SandboxServer() != nil || e.Endpoint() != "http://127.0.0.1:1/1.0" {
		t.Fatalf("endpoint %s, sandbox %v", e.Endpoint(), e.Sandbox())
	}
	if _, err := Open(t.Context(), Options{Endpoint: "ovh-mars", NoCache: true}); err == nil {
		t.Fatal("unknown endpoint name accepted")
	}
}

func TestAutoWorkers(t *testing.T) {
	for _, tt := range []struct {
		rate float64
		poll time.Duration
		want int
	}{
		{1, 2 * time.Second, 8},    // OVH default: 1 req/s
		{50, 2 * time.Second, 300}, // enough tasks in flight to keep 50 req/s
		{200, 50 * time.Millisecond, 30},
		{0, 2 * time.Second, 8}, // unlimited: the default
		{10000, 10 * time.Second, 1024},
	} {
		if got := autoWorkers(tt.rate, tt.poll); got != tt.want {
			t.Errorf("autoWorkers(%v, %v) = %d, want %d", tt.rate, tt.poll, got, tt.want)
		}
	}
}
