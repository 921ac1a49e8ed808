package sandbox

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseFaults(t *testing.T) {
	tests := []struct {
		spec    string
		want    map[Fault]float64
		wantErr bool
	}{
		{"", map[Fault]float64{}, false},
		{"429=0.05,503=0.02,task-error=0.01,stuck=0.01", map[Fault]float64{Fault429: 0.05, Fault503: 0.02, FaultTaskError: 0.01, FaultStuck: 0.01}, false},
		{" 500 = 1 ", map[Fault]float64{Fault500: 1}, false},
		{"418=0.1", nil, true},
		{"429", nil, true},
		{"429=2", nil, true},
		{"429=-0.1", nil, true},
		{"429=0.6,503=0.6", nil, true},
		{"429=0.1,429=0.2", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			got, err := ParseFaults(tt.spec)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && FormatFaults(got) != FormatFaults(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFailFirst(t *testing.T) {
	tests := []struct {
		fault Fault
		code  int
		ctype string
		body  string
	}{
		{Fault429, 429, "", "Too"},
		{Fault500, 500, "application/json", `"class":"Server::InternalServerError"`},
		{Fault503, 503, "text/html", "<html><body><h1>503 Service Unavailable</h1>"},
		{Fault408, 408, "text/html", "<h1>408 Request Time-out</h1>"},
	}
	for _, tt := range tests {
		t.Run(string(tt.fault), func(t *testing.T) {
			s, url := setup(t, Config{FailFirst: 2, FailWith: tt.fault, PendingPolls: 1})
			for i := range 2 {
				r := post(t, url+base+"/search/cities", `{"zipCode":"91400"}`)
				if r.code != tt.code || !strings.Contains(string(r.raw), tt.body) || !strings.HasPrefix(r.hdr.Get("Content-Type"), tt.ctype) {
					t.Fatalf("attempt %d: %d %q %s", i+1, r.code, r.hdr.Get("Content-Type"), r.raw)
				}
				if !reQueryID.MatchString(r.hdr.Get("X-Ovh-QueryID")) {
					t.Errorf("X-Ovh-QueryID %q", r.hdr.Get("X-Ovh-QueryID"))
				}
			}
			// Faulted attempts do not move the task: pending, then ok.
			env, n := task(t, url+base+"/search/cities", `{"zipCode":"91400"}`)
			if env["status"] != "ok" || n != 2 {
				t.Errorf("after faults: %v after %d POSTs", env["status"], n)
			}
			st := s.Stats()
			if st.Faults[string(tt.fault)] != 2 || st.Total != 4 || st.Pending != 1 {
				t.Errorf("stats %+v", st)
			}
		})
	}
	t.Run("task-error", func(t *testing.T) {
		_, url := setup(t, Config{FailFirst: 1, FailWith: FaultTaskError})
		first := decode(t, post(t, url+base+"/test/otp", `{"otp":"Z"}`).raw)
		second := decode(t, post(t, url+base+"/test/otp", `{"otp":"Z"}`).raw)
		if first["status"] != "error" || second["status"] != "ok" {
			t.Errorf("statuses %v, %v", first["status"], second["status"])
		}
	})
	t.Run("stuck", func(t *testing.T) {
		_, url := setup(t, Config{FailFirst: 3, FailWith: FaultStuck})
		_, n := task(t, url+base+"/test/otp", `{"otp":"Z"}`)
		if n != 4 {
			t.Errorf("ok after %d POSTs, want 4", n)
		}
	})
}

func TestKeyFaults(t *testing.T) {
	t.Run("task-error", func(t *testing.T) {
		s, url := setup(t, Config{FaultRate: map[Fault]float64{FaultTaskError: 1}, PendingPolls: 1})
		for range 2 {
			env, _ := task(t, url+base+"/test/building", `{"building":"IMB/54084/C/AAAA"}`)
			msg, _ := env["error"].(string)
			if env["status"] != "error" || env["result"] != nil || !strings.HasPrefix(msg, "EXTERNAL_WS_UNREACHABLE: ") {
				t.Fatalf("envelope %v", env)
			}
		}
		if got := s.Stats().Faults["task-error"]; got != 1 {
			t.Errorf("task-error faults = %d, want 1 (per key)", got)
		}
	})
	t.Run("stuck", func(t *testing.T) {
		_, url := setup(t, Config{FaultRate: map[Fault]float64{FaultStuck: 1}})
		for range 20 {
			if env := decode(t, post(t, url+base+"/test/otp", `{"otp":"S"}`).raw); env["status"] != "pending" {
				t.Fatalf("status %v, want pending forever", env["status"])
			}
		}
	})
}

// codes POSTs n distinct bodies once each and returns the HTTP codes.
func codes(t *testing.T, cfg Config, n int) []int {
	t.Helper()
	_, url := setup(t, cfg)
	out := make([]int, n)
	for i := range out {
		out[i] = post(t, url+base+"/search/cities", fmt.Sprintf(`{"zipCode":"%05d"}`, 10000+i)).code
	}
	return out
}

func TestFaultRatesAreDeterministic(t *testing.T) {
	cfg := Config{FaultRate: map[Fault]float64{Fault429: 0.15, Fault503: 0.15}, Seed: 42}
	a, b := codes(t, cfg, 300), codes(t, cfg, 300)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatal("same seed, different faults")
	}
	cfg.Seed = 43
	if c := codes(t, cfg, 300); fmt.Sprint(a) == fmt.Sprint(c) {
		t.Error("another seed gives the same faults")
	}
	count := map[int]int{}
	for _, c := range a {
		count[c]++
	}
	// 300 draws at 15 %: expect about 45 of each; allow a wide margin.
	for _, c := range []int{429, 503} {
		if count[c] < 20 || count[c] > 75 {
			t.Errorf("%d answered %d times out of 300, want about 45", c, count[c])
		}
	}
	if count[200]+count[429]+count[503] != 300 {
		t.Errorf("unexpected codes %v", count)
	}
}

func TestFairUse(t *testing.T) {
	s, url := setup(t, Config{RatePerMinute: 3})
	var limited int
	for range 5 {
		r := post(t, url+base+"/search/cities", `{"zipCode":"91400"}`)
		if r.code == http.StatusTooManyRequests {
			limited++
			if m := decode(t, r.raw); m["class"] != "Client::TooManyRequests" {
				t.Errorf("body %s", r.raw)
			}
		}
	}
	if limited != 2 || s.Stats().Faults["fair-use"] != 2 {
		t.Errorf("%d limited, stats %+v; want 2", limited, s.Stats())
	}
}

func TestLatencyHonoursCancellation(t *testing.T) {
	_, url := setup(t, Config{Latency: time.Hour})
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", url+base+"/search/cities", strings.NewReader(`{"zipCode":"91400"}`))
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("answered despite an hour of latency")
	}
	// The handler must return (the test server's Close waits for it).
}
