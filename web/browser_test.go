package web

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const chromium = "/usr/bin/chromium"

// TestBrowser drives Debian's chromium through the whole flow: login, upload,
// preview, change one mapping select, start, live job page until done,
// screenshot, then the XLSX checked with excelize.
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI: %v", chromium, err)
		}
		t.Skipf("no %s (install chromium to run this test)", chromium)
	}
	const tok = "browser-test-token"
	runner, inspector := backend(t)
	e := newEnv(t, func(c *Config) { c.Token = tok; c.Runner = runner; c.Inspector = inspector; c.Sandbox = true })
	input, err := filepath.Abs(filepath.Join("..", "samples", "adresse-data-gouv-exemple-search.csv"))
	if err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancelB := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	defer cancelB()
	ctx, cancelT := context.WithTimeout(ctx, 50*time.Second)
	defer cancelT()

	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser, %s: %v", what, err)
		}
	}
	step("login page", chromedp.Do(ctx,
		chromedp.Navigate(e.ts.URL+"/?lang=fr"), // French although chromium says en-US
		chromedp.WaitVisible(chromedp.CSS(`#login input[name="token"]`)),
		chromedp.SendKeys(chromedp.CSS(`#login input[name="token"]`), tok),
	))
	_, err = chromedp.RunResponse(ctx, chromedp.Submit(chromedp.ID("login")))
	step("login", err)
	// Upload with the file picker.
	step("upload", chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.ID("upload")),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{input}),
	))
	_, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.ID("send")))
	step("send", err)
	step("setup page", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("mapping"))))
	setupText, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("preview")))
	step("preview text", err)
	setupShot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	step("setup screenshot", err)
	if p := os.Getenv("WEB_SCREENSHOT"); p != "" {
		os.WriteFile(strings.TrimSuffix(p, ".png")+"-setup.png", setupShot, 0o644)
	}
	// Change one mapping select: no city column.
	step("mapping", chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("map_city"), "")))
	_, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.ID("start")))
	step("start", err)
	// The job page follows the run over Server-Sent Events until #done shows.
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("done"))); err != nil {
		body, _ := chromedp.Run(context.WithoutCancel(ctx), chromedp.Text(chromedp.CSS("body")))
		t.Fatalf("browser, wait done: %v\npage:\n%s", err, body)
	}
	jobURL, err := chromedp.Run(ctx, chromedp.Location())
	step("location", err)
	stateText, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("state")))
	step("state", err)
	doneN, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("done-n")))
	step("done-n", err)
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	step("screenshot", err)
	elapsed := time.Since(start)
	if !strings.Contains(setupText, "École Claude Déruet") || !strings.Contains(setupText, "Vandœuvre-lès-Nancy") {
		t.Errorf("preview text: %q", setupText)
	}
	if stateText != translate("fr", "state.done") || doneN != "4" {
		t.Errorf("job page: state %q, done %q", stateText, doneN)
	}
	id := strings.TrimPrefix(strings.TrimPrefix(jobURL, e.ts.URL), "/jobs/")
	if !validID(id) {
		t.Fatalf("job URL %q", jobURL)
	}
	rec, err := e.srv.record(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rec.Mapping["city"]; ok {
		t.Errorf("the city select change was not applied: %v", rec.Mapping)
	}
	path := filepath.Join(t.TempDir(), "job-page.png")
	if err := os.WriteFile(path, shot, 0o600); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(shot, []byte("\x89PNG")) || len(shot) < 10<<10 {
		t.Errorf("screenshot: %d bytes", len(shot))
	}
	t.Logf("browser flow took %v; screenshot %s (%d bytes)", elapsed.Round(time.Millisecond), path, len(shot))
	if p := os.Getenv("WEB_SCREENSHOT"); p != "" {
		os.WriteFile(p, shot, 0o644)
	}

	// Download the XLSX through the API with the token.
	req, _ := http.NewRequest("GET", e.ts.URL+"/api/jobs/"+id+"/result?format=xlsx", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("xlsx: %d %s", resp.StatusCode, buf.String())
	}
	if rows := xlsxRows(t, buf.Bytes()); len(rows) != 5 {
		t.Errorf("sheet Results has %d rows, want 5 (header + 4)", len(rows))
	}
}
