package web

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ovhcloud-tools/eligibility/engine"
	"github.com/ovhcloud-tools/eligibility/sandbox"
)

// realEngine opens the process-wide engine against the embedded sandbox.
func realEngine(t *testing.T, cfg sandbox.Config, cache bool, workers int) *engine.Engine {
	t.Helper()
	opts := engine.Options{Sandbox: true, SandboxConfig: cfg, NoCache: !cache, Workers: workers, Rate: -1}
	if cache {
		opts.CachePath = filepath.Join(t.TempDir(), "cache.db")
		opts.CacheExplicit = true
	}
	eng, err := engine.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return eng
}

// backend is the runner and inspector of the browser test: the real ones.
func backend(t *testing.T) (Runner, Inspector) {
	return EngineRunner{Engine: realEngine(t, sandbox.Config{}, false, 0)}, ReadersInspector{}
}

func TestRealEngine(t *testing.T) {
	eng := realEngine(t, sandbox.Config{}, false, 0)
	e := newEnv(t, func(c *Config) {
		c.Runner, c.Inspector = EngineRunner{Engine: eng}, ReadersInspector{}
		c.MaxUnzipped = 1 << 20
	})
	// Page flow on the Windows-1252 BAL sample: detected dialect shown.
	cp := readSample(t, filepath.Join("..", "samples", "bal-sample-strasbourg-messy.cp1252.csv"))
	resp, body := e.post("/upload", "bal.csv", cp, nil, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	loc := resp.Header.Get("Location")
	_, body = e.do("GET", loc, nil, nil)
	for _, want := range []string{"windows-1252", "point-virgule", "Rue de l&#39;Aubépine", `id="map_street"`} {
		if !strings.Contains(body, want) {
			t.Errorf("setup page lacks %q", want)
		}
	}
	// Forcing UTF-8 on a CP1252 file still previews (with replacement
	// characters or an error message), never a 500.
	resp, _ = e.do("POST", loc, strings.NewReader(url.Values{"encoding": {"utf-8"}, "action": {"preview"}}.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if resp.StatusCode != 200 && resp.StatusCode != 400 {
		t.Errorf("forced utf-8: %d", resp.StatusCode)
	}
	resp, body = e.do("POST", loc, strings.NewReader(url.Values{"encoding": {""}, "action": {"start"}}.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("start: %d %s", resp.StatusCode, body)
	}
	id := strings.TrimPrefix(resp.Header.Get("Location"), "/jobs/")
	v := e.wait(id, func(v JobView) bool { return finished(v.State) })
	if v.State != StateDone || v.Done != 15 || v.Summary == nil || !v.Summary.Sandbox || len(v.First) != FirstRows {
		t.Fatalf("job = %s %q done %d summary %+v", v.State, v.Error, v.Done, v.Summary)
	}
	if v.First[0].Row != 1 || v.First[0].Address == "" || v.First[0].Status == "" {
		t.Errorf("first row = %+v", v.First[0])
	}
	resp, body = e.do("GET", "/jobs/"+id+"/download/xlsx", nil, nil)
	if resp.StatusCode != 200 || len(xlsxRows(t, []byte(body))) != 16 {
		t.Errorf("xlsx: %d", resp.StatusCode)
	}
	resp, body = e.do("GET", "/jobs/"+id+"/download/csv", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(body, "elig_status") {
		t.Errorf("csv: %d", resp.StatusCode)
	}

	// API with a columns spec.
	a := e.apiJob("écoles.csv", readSample(t, sample), map[string]string{"columns": "address=adresse,zip=postcode"})
	a = e.wait(a.ID, func(v JobView) bool { return finished(v.State) })
	if a.State != StateDone || a.Done != 4 {
		t.Errorf("api job: %s %q %d", a.State, a.Error, a.Done)
	}

	// Refusals from the real readers.
	bomb := zipBytes(t, map[string][]byte{"xl/workbook.xml": []byte("<workbook/>"), "[Content_Types].xml": []byte("<x/>"),
		"xl/worksheets/sheet1.xml": []byte(strings.Repeat("<row/>", 400<<10))})
	for name, c := range map[string]struct {
		file    string
		content []byte
		fields  map[string]string
		msg     string
	}{
		"zip bomb":       {"b.xlsx", bomb, nil, "uncompress"},
		"not xlsx":       {"x.xlsx", []byte("not a workbook"), nil, "not one"},
		"binary":         {"x.bin", []byte{0x7f, 'E', 'L', 'F', 0, 0, 1}, nil, "binary"},
		"unknown column": {"s.csv", readSample(t, sample), map[string]string{"columns": "zip=NOPE"}, "NOPE"},
		"bad encoding":   {"s.csv", readSample(t, sample), map[string]string{"encoding": "klingon"}, "klingon"},
		"no usable":      {"s.csv", []byte("a,b\n1,2\n"), nil, ""},
	} {
		t.Run(name, func(t *testing.T) {
			resp, body := e.post("/api/jobs", c.file, c.content, c.fields, nil)
			if resp.StatusCode != 400 || !strings.Contains(body, c.msg) || strings.Contains(body, e.cfg.DataDir) {
				t.Errorf("%d %s", resp.StatusCode, body)
			}
		})
	}
}

// TestRestartRealEngine closes the server while a job runs against a slow
// sandbox, reopens it on the same data directory with the same engine (and
// its answer cache) and sees the job finish.
func TestRestartRealEngine(t *testing.T) {
	eng := realEngine(t, sandbox.Config{Latency: 30 * time.Millisecond, PendingPolls: 1}, true, 2)
	e := newEnv(t, func(c *Config) { c.Runner, c.Inspector = EngineRunner{Engine: eng}, ReadersInspector{} })
	bal := readSample(t, filepath.Join("..", "samples", "bal-sample-strasbourg-messy.utf8-bom.csv"))
	v := e.apiJob("bal.csv", bal, nil)
	v = e.wait(v.ID, func(v JobView) bool { return v.Done >= 2 || finished(v.State) })
	if v.State != StateRunning {
		t.Fatalf("state before restart: %s (%d/%d) %s", v.State, v.Done, v.Total, v.Error)
	}
	e.close()
	rec, err := func() (*record, error) {
		d, err := openDB(context.Background(), filepath.Join(e.cfg.DataDir, "jobs.db"))
		if err != nil {
			return nil, err
		}
		defer d.close()
		return d.get(context.Background(), v.ID)
	}()
	if err != nil || rec.State != StateQueued {
		t.Fatalf("after close: %v %+v", err, rec)
	}
	e.open()
	done := e.wait(v.ID, func(v JobView) bool { return finished(v.State) })
	if done.State != StateDone || done.Done != 15 || done.Summary == nil {
		t.Fatalf("after restart: %s %q %d/%d", done.State, done.Error, done.Done, done.Total)
	}
	if done.Summary.CacheHits == 0 {
		t.Errorf("the resumed run did not reuse the cache: %+v", done.Summary)
	}
	resp, body := e.do("GET", "/api/jobs/"+v.ID+"/result?format=xlsx", nil, nil)
	if resp.StatusCode != 200 || len(xlsxRows(t, []byte(body))) != 16 {
		t.Errorf("xlsx after restart: %d", resp.StatusCode)
	}
	if _, err := os.Stat(filepath.Join(e.cfg.DataDir, "jobs", v.ID, "result.csv")); err != nil {
		t.Error(err)
	}
}
