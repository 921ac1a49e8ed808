package web

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var sample = filepath.Join("..", "samples", "adresse-data-gouv-exemple-search.csv")

type env struct {
	t      *testing.T
	cfg    Config
	srv    *Server
	ts     *httptest.Server
	client *http.Client
}

func newEnv(t *testing.T, mod func(*Config)) *env {
	t.Helper()
	cfg := Config{DataDir: t.TempDir(), Runner: &fakeRunner{}, Inspector: fakeInspector{}}
	if mod != nil {
		mod(&cfg)
	}
	e := &env{t: t, cfg: cfg}
	e.open()
	return e
}

func (e *env) open() {
	e.t.Helper()
	srv, err := Open(context.Background(), e.cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	e.srv = srv
	e.ts = httptest.NewServer(srv.Handler())
	e.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	e.t.Cleanup(e.close)
}

func (e *env) close() {
	e.ts.Close()
	e.srv.Close()
}

func (e *env) do(method, path string, body io.Reader, hdr map[string]string) (*http.Response, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.ts.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func form(fileName string, content []byte, fields map[string]string) (io.Reader, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if fileName != "" {
		fw, _ := mw.CreateFormFile("file", fileName)
		fw.Write(content)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func (e *env) post(path, fileName string, content []byte, fields map[string]string, hdr map[string]string) (*http.Response, string) {
	body, ct := form(fileName, content, fields)
	h := map[string]string{"Content-Type": ct}
	for k, v := range hdr {
		h[k] = v
	}
	return e.do("POST", path, body, h)
}

func readSample(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// apiJob submits a file through the API and returns the created job.
func (e *env) apiJob(name string, content []byte, fields map[string]string) JobView {
	e.t.Helper()
	resp, body := e.post("/api/jobs", name, content, fields, nil)
	if resp.StatusCode != http.StatusCreated {
		e.t.Fatalf("POST /api/jobs: %d %s", resp.StatusCode, body)
	}
	var v JobView
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		e.t.Fatal(err)
	}
	if resp.Header.Get("Location") != "/api/jobs/"+v.ID {
		e.t.Errorf("Location = %q", resp.Header.Get("Location"))
	}
	return v
}

func (e *env) get(id string) JobView {
	e.t.Helper()
	resp, body := e.do("GET", "/api/jobs/"+id, nil, nil)
	if resp.StatusCode != 200 {
		e.t.Fatalf("GET job: %d %s", resp.StatusCode, body)
	}
	var v JobView
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		e.t.Fatal(err)
	}
	return v
}

// wait polls the job until pred holds (20 s at most).
func (e *env) wait(id string, pred func(JobView) bool) JobView {
	e.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		v := e.get(id)
		if pred(v) {
			return v
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("job %s stuck in %s (%d/%d)", id, v.State, v.Done, v.Total)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func state(s string) func(JobView) bool { return func(v JobView) bool { return v.State == s } }

func xlsxRows(t *testing.T, b []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Results")
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestPagesFlow(t *testing.T) {
	e := newEnv(t, nil)
	resp, body := e.do("GET", "/", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(body, "Vérifier un fichier") || !strings.Contains(body, `lang="fr"`) {
		t.Fatalf("home: %d\n%s", resp.StatusCode, body)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("CSP = %q", csp)
	}
	resp, body = e.post("/upload", "écoles <b>.csv", readSample(t, sample), nil, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	loc := resp.Header.Get("Location")
	id := strings.Split(loc, "/")[2]
	if !validID(id) || loc != "/jobs/"+id+"/setup" {
		t.Fatalf("Location %q", loc)
	}
	// Stored under the random id only.
	if _, err := os.Stat(filepath.Join(e.cfg.DataDir, "jobs", id, "input.csv")); err != nil {
		t.Fatal(err)
	}
	_, body = e.do("GET", loc, nil, nil)
	for _, want := range []string{"École Claude Déruet", "postcode", `<option value="2" selected>postcode</option>`,
		"écoles &lt;b&gt;.csv", "header postcode"} {
		if !strings.Contains(body, want) {
			t.Errorf("setup page lacks %q", want)
		}
	}
	if strings.Contains(body, "<b>.csv") {
		t.Error("file name not escaped")
	}
	// Forcing ';' re-previews: one column, the proposal is recomputed.
	resp, body = e.do("POST", loc, strings.NewReader(url.Values{"delimiter": {";"}, "action": {"preview"}}.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if resp.StatusCode != 200 || !strings.Contains(body, "<th>nom,adresse,postcode,city</th>") {
		t.Fatalf("re-preview: %d", resp.StatusCode)
	}
	// Start with that mapping fails: no usable columns.
	resp, body = e.do("POST", loc, strings.NewReader(url.Values{"delimiter": {";"}, "action": {"start"}}.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if resp.StatusCode != 400 || !strings.Contains(body, "no street or address column") {
		t.Fatalf("start with bad mapping: %d", resp.StatusCode)
	}
	// Back to auto, then edit the mapping: city unmapped, address → column 1.
	e.do("POST", loc, strings.NewReader(url.Values{"delimiter": {""}, "action": {"preview"}}.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	resp, _ = e.do("POST", loc, strings.NewReader(url.Values{"map_address": {"1"}, "map_zip": {"2"}, "action": {"start"}}.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/jobs/"+id {
		t.Fatalf("start: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	v := e.wait(id, state(StateDone))
	if v.Done != 4 || v.Total != 4 || v.ByStatus["eligible"] != 3 || len(v.First) != 4 {
		t.Errorf("done view = %+v", v)
	}
	rec, _ := e.srv.record(context.Background(), id)
	if _, ok := rec.Mapping["city"]; ok || rec.Mapping["address"] != 1 {
		t.Errorf("mapping saved = %v", rec.Mapping)
	}
	_, body = e.do("GET", "/jobs/"+id, nil, nil)
	for _, want := range []string{`id="done" class="card">`, "/jobs/" + id + "/download/xlsx", "éligible", "FTTH"} {
		if !strings.Contains(body, want) {
			t.Errorf("job page lacks %q", want)
		}
	}
	resp, body = e.do("GET", "/jobs/"+id+"/download/xlsx", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "eligibility.xlsx") {
		t.Fatalf("download: %d %v", resp.StatusCode, resp.Header)
	}
	if rows := xlsxRows(t, []byte(body)); len(rows) != 5 {
		t.Errorf("xlsx rows = %d, want 5", len(rows))
	}
	resp, body = e.do("GET", "/jobs/"+id+"/download/csv", nil, nil)
	if resp.StatusCode != 200 || !strings.HasPrefix(body, "nom,adresse,postcode,city,elig_status") {
		t.Errorf("csv: %d %q", resp.StatusCode, body)
	}
	// The home page lists it; English on request.
	resp, body = e.do("GET", "/?lang=en", nil, nil)
	if !strings.Contains(body, "Check a file of addresses") || !strings.Contains(body, "/jobs/"+id) || !strings.Contains(body, ">done<") {
		t.Errorf("english home:\n%s", body)
	}
	if c := resp.Header.Get("Set-Cookie"); !strings.HasPrefix(c, "lang=en") {
		t.Errorf("lang cookie = %q", c)
	}
	_, body = e.do("GET", "/", nil, map[string]string{"Accept-Language": "en-GB,en;q=0.9"})
	if !strings.Contains(body, `lang="en"`) {
		t.Error("Accept-Language ignored")
	}
	// Finished jobs' events: one job event then end.
	resp, body = e.do("GET", "/jobs/"+id+"/events", nil, nil)
	if resp.Header.Get("Content-Type") != "text/event-stream" || !strings.Contains(body, "event: job\n") || !strings.Contains(body, "event: end\n") {
		t.Errorf("events: %q", body)
	}
	// Delete from the page.
	resp, _ = e.do("POST", "/jobs/"+id+"/delete", nil, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	if resp, _ := e.do("GET", "/jobs/"+id, nil, nil); resp.StatusCode != 404 {
		t.Errorf("deleted job: %d", resp.StatusCode)
	}
	if _, err := os.Stat(filepath.Join(e.cfg.DataDir, "jobs", id)); !os.IsNotExist(err) {
		t.Errorf("job dir left: %v", err)
	}
}

func TestStaticAndHealth(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Token = "s3cret" })
	for _, p := range []string{"/static/app.js", "/static/style.css", "/healthz", "/login"} {
		if resp, _ := e.do("GET", p, nil, nil); resp.StatusCode != 200 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
	if resp, _ := e.do("GET", "/nope", nil, map[string]string{"Authorization": "Bearer s3cret"}); resp.StatusCode != 404 {
		t.Errorf("unknown path: %d", resp.StatusCode)
	}
}

func TestSetupXLSX(t *testing.T) {
	e := newEnv(t, nil)
	x := excelize.NewFile()
	x.SetSheetRow("Sheet1", "A1", &[]any{"junk"})
	x.NewSheet("Adresses")
	x.SetSheetRow("Adresses", "A1", &[]any{"adresse", "postcode"})
	x.SetSheetRow("Adresses", "A2", &[]any{"1 rue X", "54000"})
	var buf bytes.Buffer
	x.Write(&buf)
	resp, _ := e.post("/upload", "book.xlsx", buf.Bytes(), nil, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload xlsx: %d", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	_, body := e.do("GET", loc, nil, nil)
	if !strings.Contains(body, `<select name="sheet"`) || !strings.Contains(body, `<option value="Adresses">Adresses</option>`) {
		t.Fatalf("no sheet select:\n%s", body)
	}
	_, body = e.do("POST", loc, strings.NewReader(url.Values{"sheet": {"Adresses"}, "action": {"preview"}}.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if !strings.Contains(body, "<td>1 rue X</td>") || !strings.Contains(body, `<option value="Adresses" selected>`) {
		t.Errorf("sheet not re-previewed:\n%s", body)
	}
}

func zipBytes(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for n, b := range files {
		w, _ := zw.Create(n)
		w.Write(b)
	}
	zw.Close()
	return buf.Bytes()
}

func TestBadUploads(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxUpload = 64 << 10; c.MaxUnzipped = 1 << 20 })
	bomb := zipBytes(t, map[string][]byte{"xl/workbook.xml": []byte("<x/>"), "xl/worksheets/sheet1.xml": bytes.Repeat([]byte("A"), 2<<20)})
	cases := []struct {
		name, file string
		content    []byte
		fields     map[string]string
		status     int
		msg        string
	}{
		{"too large", "big.csv", bytes.Repeat([]byte("a,b\n"), 20<<10), nil, 413, "larger than the limit of 64 KB"},
		{"binary", "x.csv", []byte("a,b\n\x00\x01\x02"), nil, 400, "binary file"},
		{"fake xlsx", "x.xlsx", []byte("nom,adresse\n"), nil, 400, "named like an XLSX workbook but is not one"},
		{"old xls", "x.xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, nil, 400, "old Excel .xls"},
		{"zip not xlsx", "x.xlsx", zipBytes(t, map[string][]byte{"a.txt": []byte("hi")}), nil, 400, "not an XLSX workbook"},
		{"broken zip", "x.xlsx", []byte("PK\x03\x04garbage"), nil, 400, "not a valid XLSX workbook"},
		{"zip bomb", "x.xlsx", bomb, nil, 400, "would uncompress to more than 1 MB"},
		{"empty", "x.csv", nil, nil, 400, "is empty"},
		{"no file", "", nil, map[string]string{"columns": "x"}, 400, "no file"},
		{"bad csv", "x.csv", []byte("a,b\n\"unterminated,1\n"), nil, 400, "x.csv"},
		{"unknown column", "x.csv", readSample(t, sample), map[string]string{"columns": "zip=NOPE"}, 400, `unknown column "NOPE"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := e.post("/api/jobs", c.file, c.content, c.fields, nil)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, body)
			}
			var ae apiError
			if err := json.Unmarshal([]byte(body), &ae); err != nil || !strings.Contains(ae.Error, c.msg) {
				t.Errorf("error %q lacks %q", ae.Error, c.msg)
			}
			if strings.Contains(ae.Error, e.cfg.DataDir) || strings.Contains(body, "goroutine") {
				t.Errorf("leaks internals: %s", body)
			}
			// The same through the page: the home page with the message.
			resp, body = e.post("/upload", c.file, c.content, c.fields, nil)
			if resp.StatusCode != c.status || !strings.Contains(body, `id="error-msg"`) {
				t.Errorf("page: %d", resp.StatusCode)
			}
		})
	}
	entries, _ := os.ReadDir(filepath.Join(e.cfg.DataDir, "jobs"))
	if len(entries) != 0 {
		t.Errorf("%d job dirs left by refused uploads", len(entries))
	}
	if resp, _ := e.do("POST", "/api/jobs", strings.NewReader("x"), map[string]string{"Content-Type": "text/plain"}); resp.StatusCode != 400 {
		t.Errorf("non multipart: %d", resp.StatusCode)
	}
}

func TestAPI(t *testing.T) {
	runner := &fakeRunner{}
	e := newEnv(t, func(c *Config) { c.Runner = runner })
	v := e.apiJob("s.csv", readSample(t, sample), map[string]string{"columns": `address="adresse"`})
	if v.State != StateQueued && v.State != StateRunning && v.State != StateDone {
		t.Errorf("created state %s", v.State)
	}
	v = e.wait(v.ID, state(StateDone))
	if v.Summary == nil || v.Summary.Rows != 4 || v.Summary.APICalls != 12 || v.Links["xlsx"] == "" {
		t.Errorf("summary = %+v links %v", v.Summary, v.Links)
	}
	resp, body := e.do("GET", "/api/jobs", nil, nil)
	var list struct{ Jobs []JobView }
	json.Unmarshal([]byte(body), &list)
	if resp.StatusCode != 200 || len(list.Jobs) != 1 || list.Jobs[0].ID != v.ID {
		t.Errorf("list: %d %s", resp.StatusCode, body)
	}
	resp, body = e.do("GET", v.Links["xlsx"], nil, nil)
	if resp.StatusCode != 200 || len(xlsxRows(t, []byte(body))) != 5 {
		t.Errorf("xlsx result: %d", resp.StatusCode)
	}
	if resp, _ = e.do("GET", "/api/jobs/"+v.ID+"/result?format=pdf", nil, nil); resp.StatusCode != 400 {
		t.Errorf("bad format: %d", resp.StatusCode)
	}
	for _, p := range []string{"/api/jobs/0123456789abcdef0123456789abcdef", "/api/jobs/not-hex", "/api/jobs/x/result",
		"/jobs/0123456789abcdef0123456789abcdef", "/jobs/0123456789abcdef0123456789abcdef/events"} {
		if resp, _ := e.do("GET", p, nil, nil); resp.StatusCode != 404 {
			t.Errorf("GET %s: %d, want 404", p, resp.StatusCode)
		}
	}
	if resp, _ := e.do("DELETE", "/api/jobs/0123456789abcdef0123456789abcdef", nil, nil); resp.StatusCode != 404 {
		t.Errorf("DELETE unknown: %d", resp.StatusCode)
	}
	if resp, _ := e.do("DELETE", "/api/jobs/"+v.ID, nil, nil); resp.StatusCode != 204 {
		t.Errorf("DELETE done job: %d", resp.StatusCode)
	}
	if resp, _ := e.do("GET", "/api/jobs/"+v.ID, nil, nil); resp.StatusCode != 404 {
		t.Errorf("after delete: %d", resp.StatusCode)
	}
}

func TestQueueCancelAndEvents(t *testing.T) {
	// a runs 15 rows at 50 ms; the later runs would take hours.
	runner := &fakeRunner{started: make(chan string, 4), perRun: func(n int32) time.Duration {
		if n == 1 {
			return 50 * time.Millisecond
		}
		return time.Hour
	}}
	e := newEnv(t, func(c *Config) { c.Runner = runner; c.Parallel = 1 })
	bal := readSample(t, filepath.Join("..", "samples", "bal-sample-strasbourg-messy.utf8-bom.csv"))
	a := e.apiJob("a.csv", bal, nil)
	<-runner.started
	b := e.apiJob("b.csv", readSample(t, sample), nil)
	// One job at a time, FIFO: b waits, first in line.
	if v := e.get(b.ID); v.State != StateQueued || v.Position != 1 {
		t.Errorf("b = %s position %d", v.State, v.Position)
	}
	if resp, _ := e.do("GET", "/api/jobs/"+b.ID+"/result", nil, nil); resp.StatusCode != 409 {
		t.Errorf("result of a queued job: %d", resp.StatusCode)
	}
	// Live events of a: several job events with growing Done, then end.
	resp, err := e.client.Get(e.ts.URL + "/jobs/" + a.ID + "/events")
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(resp.Body)
	events, last := 0, -1
	for sc.Scan() {
		line := sc.Text()
		if d, ok := strings.CutPrefix(line, "data: "); ok {
			var v JobView
			if json.Unmarshal([]byte(d), &v) == nil && v.ID == a.ID {
				if v.Done < last {
					t.Errorf("done went back %d → %d", last, v.Done)
				}
				last = v.Done
				events++
				if v.Done >= 3 && v.State == StateRunning && v.Rate <= 0 {
					t.Errorf("no rate in %+v", v)
				}
			}
		}
		if line == "event: end" {
			break
		}
	}
	resp.Body.Close()
	if events < 3 || last != 15 {
		t.Errorf("%d events, last done %d", events, last)
	}
	<-runner.started // b runs now
	resp2, _ := e.do("DELETE", "/api/jobs/"+b.ID, nil, nil)
	if resp2.StatusCode != 202 {
		t.Fatalf("cancel: %d", resp2.StatusCode)
	}
	v := e.wait(b.ID, state(StateCancelled))
	if v.Links["xlsx"] != "" {
		t.Error("download link on a cancelled job")
	}
	// A queued job is cancelled at once, from the page.
	c := e.apiJob("c.csv", bal, nil)
	<-runner.started
	d := e.apiJob("d.csv", bal, nil)
	if resp, _ := e.do("POST", "/jobs/"+d.ID+"/cancel", nil, nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("page cancel: %d", resp.StatusCode)
	}
	if v := e.get(d.ID); v.State != StateCancelled {
		t.Errorf("queued job after cancel: %s", v.State)
	}
	e.do("DELETE", "/api/jobs/"+c.ID, nil, nil)
	e.wait(c.ID, state(StateCancelled))
	if n := runner.runs.Load(); n != 3 {
		t.Errorf("runner ran %d times, want 3 (a, b, c; d cancelled while queued)", n)
	}
}

func TestRunnerFailureAndPanic(t *testing.T) {
	runner := &fakeRunner{panics: true}
	e := newEnv(t, func(c *Config) { c.Runner = runner })
	v := e.apiJob("s.csv", readSample(t, sample), nil)
	v = e.wait(v.ID, state(StateFailed))
	if v.Error != "internal error" {
		t.Errorf("error = %q", v.Error)
	}
	_, body := e.do("GET", "/jobs/"+v.ID, nil, nil)
	if !strings.Contains(body, "internal error") || strings.Contains(body, "goroutine") {
		t.Error("job page does not show the plain error")
	}
}

func TestAuth(t *testing.T) {
	const tok = "correct horse battery staple"
	e := newEnv(t, func(c *Config) { c.Token = tok })
	resp, _ := e.do("GET", "/jobs/0123456789abcdef0123456789abcdef", nil, nil)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=%2Fjobs%2F") {
		t.Errorf("no cookie: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, h := range []map[string]string{nil, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic " + tok}, {"Cookie": sessionCookie + "=" + tok}} {
		if resp, body := e.do("GET", "/api/jobs", nil, h); resp.StatusCode != 401 || !strings.Contains(body, "token") || strings.Contains(body, tok) {
			t.Errorf("%v: %d %s", h, resp.StatusCode, body)
		}
	}
	if resp, _ := e.post("/api/jobs", "s.csv", readSample(t, sample), nil, map[string]string{"Authorization": "Bearer nope"}); resp.StatusCode != 401 {
		t.Errorf("upload with wrong token: %d", resp.StatusCode)
	}
	if resp, _ := e.do("GET", "/api/jobs", nil, map[string]string{"Authorization": "Bearer " + tok}); resp.StatusCode != 200 {
		t.Errorf("bearer: %d", resp.StatusCode)
	}
	login := func(token string) *http.Response {
		resp, _ := e.do("POST", "/login", strings.NewReader(url.Values{"token": {token}, "next": {"/?lang=en"}}.Encode()),
			map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
		return resp
	}
	if resp := login("wrong"); resp.StatusCode != 401 || len(resp.Cookies()) != 0 {
		t.Errorf("wrong login: %d", resp.StatusCode)
	}
	resp = login(tok)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/?lang=en" {
		t.Fatalf("login: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	c := resp.Cookies()[0]
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Value == tok || strings.Contains(c.Value, tok) {
		t.Errorf("cookie %+v", c)
	}
	resp, body := e.do("GET", "/", nil, map[string]string{"Cookie": c.Name + "=" + c.Value})
	if resp.StatusCode != 200 || strings.Contains(body, tok) || !strings.Contains(body, "/logout") {
		t.Errorf("with cookie: %d", resp.StatusCode)
	}
	if got := safeNext("//evil.example/x"); got != "/" {
		t.Errorf("safeNext = %q", got)
	}
}

func TestCrossOrigin(t *testing.T) {
	e := newEnv(t, nil)
	for _, h := range []map[string]string{{"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}} {
		if resp, _ := e.post("/upload", "s.csv", readSample(t, sample), nil, h); resp.StatusCode != 403 {
			t.Errorf("%v: %d", h, resp.StatusCode)
		}
	}
	if resp, _ := e.post("/upload", "s.csv", readSample(t, sample), nil, map[string]string{"Origin": e.ts.URL, "Sec-Fetch-Site": "same-origin"}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("same origin: %d", resp.StatusCode)
	}
}

func TestRestartResumes(t *testing.T) {
	runner := &fakeRunner{started: make(chan string, 1)}
	runner.delay.Store(int64(time.Hour))
	e := newEnv(t, func(c *Config) { c.Runner = runner; c.Parallel = 1 })
	v := e.apiJob("s.csv", readSample(t, sample), nil)
	queued := e.apiJob("q.csv", readSample(t, sample), nil)
	<-runner.started
	e.close() // mid-job
	if n := runner.runs.Load(); n != 1 {
		t.Fatalf("runs before restart = %d", n)
	}
	fast := &fakeRunner{}
	e.cfg.Runner = fast
	e.open()
	done := e.wait(v.ID, state(StateDone))
	if done.Done != 4 {
		t.Errorf("resumed job: %+v", done)
	}
	e.wait(queued.ID, state(StateDone))
	if n := fast.runs.Load(); n != 2 {
		t.Errorf("runs after restart = %d", n)
	}
	if resp, _ := e.do("GET", "/api/jobs/"+v.ID+"/result?format=xlsx", nil, nil); resp.StatusCode != 200 {
		t.Errorf("result after restart: %d", resp.StatusCode)
	}
}

func TestJanitor(t *testing.T) {
	now := time.Now()
	var skew atomic.Int64 // the janitor goroutine reads the clock too
	e := newEnv(t, func(c *Config) {
		c.JobTTL = time.Hour
		c.Now = func() time.Time { return now.Add(time.Duration(skew.Load())) }
	})
	v := e.apiJob("s.csv", readSample(t, sample), nil)
	e.wait(v.ID, state(StateDone))
	orphan := filepath.Join(e.cfg.DataDir, "jobs", newID())
	os.Mkdir(orphan, 0o700)
	if n, err := e.srv.sweep(context.Background()); err != nil || n != 0 {
		t.Fatalf("early sweep: %d %v", n, err)
	}
	skew.Store(int64(2 * time.Hour))
	if n, err := e.srv.sweep(context.Background()); err != nil || n != 1 {
		t.Fatalf("sweep: %d %v", n, err)
	}
	if resp, _ := e.do("GET", "/api/jobs/"+v.ID, nil, nil); resp.StatusCode != 404 {
		t.Errorf("expired job: %d", resp.StatusCode)
	}
	for _, d := range []string{filepath.Join(e.cfg.DataDir, "jobs", v.ID), orphan} {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("%s left", d)
		}
	}
}

func TestCatalogue(t *testing.T) {
	for k := range messages["fr"] {
		if _, ok := messages["en"][k]; !ok {
			t.Errorf("en lacks %q", k)
		}
	}
	for k := range messages["en"] {
		if _, ok := messages["fr"][k]; !ok {
			t.Errorf("fr lacks %q", k)
		}
	}
}

func TestParseSize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
	}{{"50MB", 50 << 20}, {"50 mb", 50 << 20}, {"512KiB", 512 << 10}, {"1G", 1 << 30}, {"1048576", 1 << 20}, {"7B", 7},
		{"", 0}, {"-1MB", 0}, {"1.5MB", 0}, {"MB", 0}, {"99999999999999GB", 0}} {
		t.Run(c.in, func(t *testing.T) {
			got, err := ParseSize(c.in)
			if (err != nil) != (c.want == 0) || got != c.want {
				t.Errorf("ParseSize(%q) = %d, %v", c.in, got, err)
			}
		})
	}
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"50MB", "1k", "0", "-3", "9999999999999999999G"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := ParseSize(s); err == nil && n <= 0 {
			t.Errorf("ParseSize(%q) = %d", s, n)
		}
	})
}

func ExampleParseSize() {
	n, _ := ParseSize("50MB")
	fmt.Println(n, formatSize(n))
	// Output: 52428800 50 MB
}

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{`C:\Users\x\adresses.csv`: "adresses.csv", "../../etc/passwd": "passwd",
		"a\x00b\nc.csv": "abc.csv", "": "upload", "..": "upload"} {
		if got := cleanName(in); got != want {
			t.Errorf("cleanName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestParallelJobs: a small job submitted after a long one does not wait for
// it; both run at once and share the rate limiter.
func TestParallelJobs(t *testing.T) {
	runner := &fakeRunner{started: make(chan string, 4)}
	runner.delay.Store(int64(time.Hour))
	e := newEnv(t, func(c *Config) { c.Runner = runner; c.Parallel = 2 })
	big := e.apiJob("big.csv", readSample(t, sample), nil)
	small := e.apiJob("small.csv", readSample(t, sample), nil)
	third := e.apiJob("third.csv", readSample(t, sample), nil)
	for range 2 {
		select {
		case <-runner.started:
		case <-time.After(10 * time.Second):
			t.Fatal("the second job did not start while the first was running")
		}
	}
	for _, id := range []string{big.ID, small.ID} {
		if v := e.get(id); v.State != StateRunning {
			t.Errorf("%s: %s, want running", id, v.State)
		}
	}
	if v := e.get(third.ID); v.State != StateQueued || v.Position != 1 {
		t.Errorf("third: %s position %d, want queued first in line", v.State, v.Position)
	}
}
