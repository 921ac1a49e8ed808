package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// serveBuf is a stderr the server goroutine and the test share.
type serveBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *serveBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *serveBuf) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestServeUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		env  map[string]string
		msg  string
	}{
		{[]string{"--addr", "0.0.0.0:0"}, nil, "a token is required"},
		{[]string{"--addr", ":8080"}, nil, "a token is required"},
		{[]string{"--max-upload", "lots"}, nil, "--max-upload"},
		{[]string{"--job-ttl", "-1h"}, nil, "--job-ttl"},
		{[]string{"--addr", "nohost"}, nil, "--addr"},
		{[]string{"extra"}, nil, "unexpected argument"},
		{[]string{"--sandbox", "--endpoint", "ovh-eu"}, nil, "exclude"},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			env := &Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return c.env[k] }}
			args := append([]string{"serve", "--data", t.TempDir()}, c.args...)
			if code := Main(context.Background(), args, env); code != ExitUsage || !strings.Contains(errb.String(), c.msg) {
				t.Errorf("code %d, stderr %q", code, errb.String())
			}
		})
	}
	for addr, want := range map[string]bool{"127.0.0.1:80": true, "[::1]:80": true, "localhost:1": true, "0.0.0.0:1": false,
		":80": false, "192.168.1.2:80": false} {
		if got, _ := loopback(addr); got != want {
			t.Errorf("loopback(%q) = %v", addr, got)
		}
	}
}

// TestServeSandbox starts `serve --sandbox` on a free loopback port with a
// token from the environment, runs a file through the API, then stops it.
func TestServeSandbox(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const tok = "t0ken-from-env"
	errb := &serveBuf{}
	env := &Env{Stdout: &bytes.Buffer{}, Stderr: errb, Getenv: func(k string) string {
		return map[string]string{"ELIGIBILITY_TOKEN": tok}[k]
	}}
	code := make(chan int, 1)
	go func() {
		code <- Main(ctx, []string{"serve", "--sandbox", "--no-cache", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, env)
	}()
	re := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)/`)
	var base string
	for i := 0; i < 500 && base == ""; i++ {
		if m := re.FindStringSubmatch(errb.String()); m != nil {
			base = "http://" + m[1]
		}
		time.Sleep(10 * time.Millisecond)
	}
	if base == "" {
		t.Fatalf("server did not start: %s", errb.String())
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "x.csv")
	b, _ := os.ReadFile(filepath.Join("..", "samples", "adresse-data-gouv-exemple-search.csv"))
	fw.Write(b)
	mw.Close()
	payload := body.Bytes()
	req, _ := http.NewRequest("POST", base+"/api/jobs", bytes.NewReader(payload))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 401 {
		t.Fatalf("no token: %v %v", err, resp)
	}
	req, _ = http.NewRequest("POST", base+"/api/jobs", bytes.NewReader(payload))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("upload: %v %v", err, resp)
	}
	var job struct{ ID, State string }
	json.NewDecoder(resp.Body).Decode(&job)
	resp.Body.Close()
	for i := 0; i < 1000 && job.State != "done"; i++ {
		time.Sleep(10 * time.Millisecond)
		req, _ := http.NewRequest("GET", base+"/api/jobs/"+job.ID, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			json.NewDecoder(resp.Body).Decode(&job)
			resp.Body.Close()
		}
	}
	if job.State != "done" {
		t.Errorf("job state %q", job.State)
	}
	cancel()
	if c := <-code; c != ExitOK {
		t.Errorf("exit %d: %s", c, errb.String())
	}
	if strings.Contains(errb.String(), tok) {
		t.Error("the token reached the log")
	}
}
