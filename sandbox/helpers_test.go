package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"
)

// setup serves a sandbox on a free 127.0.0.1 port for the test.
func setup(t *testing.T, cfg Config) (*Server, string) {
	t.Helper()
	s := New(cfg)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL
}

type reply struct {
	code int
	hdr  http.Header
	raw  []byte
}

func post(t *testing.T, url string, body string) reply {
	t.Helper()
	return do(t, http.MethodPost, url, body, nil)
}

func do(t *testing.T, method, url, body string, hdr map[string]string) reply {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{resp.StatusCode, resp.Header, raw}
}

func decode(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return m
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// wantKeys checks that m has exactly the given keys.
func wantKeys(t *testing.T, what string, m map[string]any, want ...string) {
	t.Helper()
	sort.Strings(want)
	got := keys(m)
	if len(got) != len(want) {
		t.Errorf("%s keys = %v, want %v", what, got, want)
		return
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s keys = %v, want %v", what, got, want)
			return
		}
	}
}

// wantNull checks that m[k] is present and null.
func wantNull(t *testing.T, what string, m map[string]any, k string) {
	t.Helper()
	v, ok := m[k]
	if !ok || v != nil {
		t.Errorf("%s.%s = %v (present %v), want null", what, k, v, ok)
	}
}

// task POSTs until the task is no longer pending and returns the envelope
// and the number of POSTs made.
func task(t *testing.T, url, body string) (map[string]any, int) {
	t.Helper()
	for n := 1; n <= 50; n++ {
		r := post(t, url, body)
		if r.code != http.StatusOK {
			t.Fatalf("POST %s %s: %d %s", url, body, r.code, r.raw)
		}
		env := decode(t, r.raw)
		wantKeys(t, "envelope", env, "status", "result", "error")
		if env["status"] != "pending" {
			return env, n
		}
		wantNull(t, "pending", env, "result")
		wantNull(t, "pending", env, "error")
	}
	t.Fatalf("POST %s %s: still pending after 50 polls", url, body)
	return nil, 0
}

func okResult(t *testing.T, url, body string) any {
	t.Helper()
	env, _ := task(t, url, body)
	if env["status"] != "ok" {
		t.Fatalf("POST %s %s: %v", url, body, env)
	}
	wantNull(t, "ok", env, "error")
	return env["result"]
}
