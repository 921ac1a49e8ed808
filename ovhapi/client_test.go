package ovhapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ovh/go-ovh/ovh"

	"github.com/ovhcloud-tools/eligibility/ratelimit"
)

// Tiny policies: no test waits more than milliseconds between attempts.
var (
	fastRetry = RetryPolicy{MaxAttempts: 4, Base: time.Millisecond, Max: 4 * time.Millisecond}
	fastPoll  = PollPolicy{First: time.Millisecond, Factor: 1.5, Max: 4 * time.Millisecond, Deadline: 10 * time.Second}
)

func newTestClient(t *testing.T, endpoint string, opts ...Option) *Client {
	t.Helper()
	base := []Option{WithRetry(fastRetry), WithPoll(fastPoll), WithLimiter(ratelimit.New(0, 0))}
	c, err := New(endpoint, append(base, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

const cityResult = `[{"city":"MONT BONVILLERS","inseeCode":"54084","locality":null,"zipCode":"54111","extra":"ignored"}]`

func TestCallPendingThenOK(t *testing.T) {
	f := newFake(t, func(route string, n int, _ *http.Request, _ []byte) (int, string) {
		if n <= 3 {
			return http.StatusOK, pendingJSON
		}
		return http.StatusOK, `{"status":"ok","result":` + cityResult + `,"error":null,"unknownField":1}`
	})
	lim := ratelimit.New(0, 0)
	c := newTestClient(t, f.endpoint(), WithLimiter(lim))
	cities, err := c.Service().Cities(t.Context(), "54111")
	if err != nil {
		t.Fatal(err)
	}
	if len(cities) != 1 || cities[0].InseeCode != "54084" || cities[0].City != "MONT BONVILLERS" || cities[0].Locality != nil {
		t.Errorf("cities = %+v", cities)
	}
	bodies := f.sentBodies(RouteCities)
	if len(bodies) != 4 {
		t.Fatalf("POSTs = %d, want 4 (first + 3 polls)", len(bodies))
	}
	for i, b := range bodies {
		if b != `{"zipCode":"54111"}` {
			t.Errorf("POST %d body = %q, want the identical first body", i+1, b)
		}
	}
	st := c.Stats()
	want := RouteStats{Requests: 4, Calls: 1, Polls: 3}
	if st.ByRoute[RouteCities] != want || st.Requests[RouteCities] != 4 || st.Total != 4 || st.Polls != 3 {
		t.Errorf("Stats = %+v, want route %+v", st, want)
	}
	if w := lim.Stats().Waits; w != 4 {
		t.Errorf("limiter waits = %d, want one per HTTP attempt (4)", w)
	}
}

func TestLenientStatuses(t *testing.T) {
	for _, status := range []string{"ok", "OK", "done", "success"} {
		t.Run(status, func(t *testing.T) {
			f := newFake(t, func(_ string, n int, _ *http.Request, _ []byte) (int, string) {
				if n == 1 {
					return http.StatusOK, `{"status":"doing","result":null,"error":null}`
				}
				return http.StatusOK, `{"status":"` + status + `","result":["1","1B"]}`
			})
			c := newTestClient(t, f.endpoint())
			nums, err := c.Service().StreetNumbers(t.Context(), StreetNumbersRequest{StreetCode: "5408400020"})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(nums, ",") != "1,1B" || f.count(RouteStreetNumbers) != 2 {
				t.Errorf("numbers %v after %d POSTs, want [1 1B] after 2", nums, f.count(RouteStreetNumbers))
			}
		})
	}
}

func TestTaskError(t *testing.T) {
	f := newFake(t, func(_ string, n int, _ *http.Request, _ []byte) (int, string) {
		if n == 1 {
			return http.StatusOK, pendingJSON
		}
		return http.StatusOK, `{"status":"error","result":null,"error":"EXTERNAL_WS_UNREACHABLE: provider down"}`
	})
	c := newTestClient(t, f.endpoint())
	_, err := c.Service().TestLine(t.Context(), TestLineRequest{LineNumber: "0383000000", Status: LineActive})
	var te *TaskError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want *TaskError", err)
	}
	if te.Route != RouteTestLine || te.Message != "EXTERNAL_WS_UNREACHABLE: provider down" {
		t.Errorf("TaskError = %+v", te)
	}
	if got := err.Error(); got != "POST /connectivity/eligibility/test/line: task error: EXTERNAL_WS_UNREACHABLE: provider down" {
		t.Errorf("Error() = %q", got)
	}
	if !IsPermanent(err) {
		t.Error("IsPermanent(task error) = false")
	}
	if n := f.count(RouteTestLine); n != 2 {
		t.Errorf("POSTs = %d, want 2 (no retry of a task error)", n)
	}
	if st := c.Stats(); st.TaskErrors != 1 || st.Retries != 0 {
		t.Errorf("Stats = %+v", st)
	}
}

func TestStuckPendingTimesOut(t *testing.T) {
	f := newFake(t, func(string, int, *http.Request, []byte) (int, string) { return http.StatusOK, pendingJSON })
	c := newTestClient(t, f.endpoint(), WithPoll(PollPolicy{First: time.Millisecond, Max: 2 * time.Millisecond, Deadline: 30 * time.Millisecond}))
	_, err := c.Service().TestBuilding(t.Context(), "IMB/54084/X/0001")
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want *TimeoutError", err)
	}
	if te.Route != RouteTestBuilding || te.Polls < 1 || te.Elapsed < 30*time.Millisecond {
		t.Errorf("TimeoutError = %+v", te)
	}
	if n := f.count(RouteTestBuilding); n != te.Polls+1 {
		t.Errorf("POSTs = %d, want polls+1 = %d", n, te.Polls+1)
	}
	if IsPermanent(err) {
		t.Error("IsPermanent(timeout) = true, want transient")
	}
	if st := c.Stats(); st.Timeouts != 1 || st.Polls != int64(te.Polls) {
		t.Errorf("Stats = %+v", st)
	}
}

func TestDeadlineExcludesLimiterWait(t *testing.T) {
	f := newFake(t, func(_ string, n int, _ *http.Request, _ []byte) (int, string) {
		if n <= 3 {
			return http.StatusOK, pendingJSON
		}
		return http.StatusOK, okJSON(cityResult)
	})
	// 10 req/s, burst 1: 4 POSTs take >= 300 ms of limiter waits, twice
	// the 150 ms deadline, which must not count them.
	lim := ratelimit.New(10, 1)
	c := newTestClient(t, f.endpoint(), WithLimiter(lim),
		WithPoll(PollPolicy{First: time.Millisecond, Max: 2 * time.Millisecond, Deadline: 150 * time.Millisecond}))
	if _, err := c.Call(t.Context(), RouteCities, CitiesRequest{ZipCode: "54111"}); err != nil {
		t.Fatalf("Call: %v", err)
	}
	if st := lim.Stats(); st.Waits != 4 || st.Waited < 250*time.Millisecond {
		t.Errorf("limiter %+v, want 4 waits totalling >= 250ms", st)
	}
}

func TestRetriedStatuses(t *testing.T) {
	cases := []struct {
		status int
		body   string
	}{
		{429, `{"class":"Client::TooManyRequests","message":"Too many requests"}`},
		{408, "<html><head><title>408 Request Time-out</title></head><body><h1>408 Request Time-out</h1></body></html>"},
		{500, `{"class":"Server::InternalServerError","message":"Internal server error"}`},
		{502, "<html><body><h1>502 Bad Gateway</h1></body></html>"},
		{503, "<html><head><title>503 Service Unavailable</title></head><body>No server is available</body></html>"},
		{504, "<html><body><h1>504 Gateway Time-out</h1></body></html>"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			f := newFake(t, func(_ string, n int, _ *http.Request, _ []byte) (int, string) {
				if n <= 2 {
					return tc.status, tc.body
				}
				return http.StatusOK, okJSON(`[{"streetCode":"5408400020","streetName":"ALLEE DES ACACIAS"}]`)
			})
			lim := ratelimit.New(1000, 100)
			c := newTestClient(t, f.endpoint(), WithLimiter(lim))
			streets, err := c.Service().Streets(t.Context(), "54084")
			if err != nil {
				t.Fatalf("Streets: %v", err)
			}
			if len(streets) != 1 || streets[0].StreetCode != "5408400020" {
				t.Errorf("streets = %+v", streets)
			}
			if n := f.count(RouteStreets); n != 3 {
				t.Errorf("POSTs = %d, want 3", n)
			}
			st := c.Stats()
			if st.Retries != 2 || st.Requests[RouteStreets] != 3 {
				t.Errorf("Stats = %+v, want 2 retries, 3 requests", st)
			}
			if ls := lim.Stats(); ls.Waits != 3 {
				t.Errorf("limiter waits = %d, want 3", ls.Waits)
			}
			want429 := int64(0)
			if tc.status == 429 {
				want429 = 2
			}
			if st.RateLimited != want429 || lim.Stats().RateLimited != want429 {
				t.Errorf("RateLimited client %d limiter %d, want %d", st.RateLimited, lim.Stats().RateLimited, want429)
			}
			if tc.status == 429 && lim.Limit() >= 1000 {
				t.Errorf("limiter rate %v after 429, want halved", lim.Limit())
			}
		})
	}
}

func TestNotRetriedStatuses(t *testing.T) {
	for _, code := range []int{400, 401, 403, 404, 409} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			f := newFake(t, func(string, int, *http.Request, []byte) (int, string) {
				return code, `{"class":"Client::BadRequest","message":"Invalid value for zipCode"}`
			})
			c := newTestClient(t, f.endpoint())
			_, err := c.Call(t.Context(), RouteCities, CitiesRequest{ZipCode: "5411"})
			var he *HTTPError
			if !errors.As(err, &he) {
				t.Fatalf("err = %v, want *HTTPError", err)
			}
			var ae *ovh.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("*ovh.APIError not reachable from %v", err)
			}
			if ae.Code != code || ae.Class != "Client::BadRequest" || ae.Message != "Invalid value for zipCode" || ae.QueryID != "EU.ext-1.test.1" {
				t.Errorf("APIError = %+v", ae)
			}
			want := fmt.Sprintf("POST /connectivity/eligibility/search/cities: %d Client::BadRequest: Invalid value for zipCode (query id EU.ext-1.test.1)", code)
			if err.Error() != want {
				t.Errorf("Error() = %q\nwant      %q", err.Error(), want)
			}
			if he.Attempts != 1 || he.StatusCode() != code || f.count(RouteCities) != 1 {
				t.Errorf("attempts %d, status %d, POSTs %d; want 1, %d, 1", he.Attempts, he.StatusCode(), f.count(RouteCities), code)
			}
			if !IsPermanent(err) {
				t.Error("IsPermanent = false")
			}
		})
	}
}

func TestRetriesExhausted(t *testing.T) {
	f := newFake(t, func(string, int, *http.Request, []byte) (int, string) {
		return 503, "<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head><body><p>No server is available to handle this request.</p></body></html>"
	})
	c := newTestClient(t, f.endpoint())
	_, err := c.Call(t.Context(), RouteCities, CitiesRequest{ZipCode: "54111"})
	var he *HTTPError
	if !errors.As(err, &he) || he.Attempts != 4 {
		t.Fatalf("err = %v, want *HTTPError after 4 attempts", err)
	}
	want := "POST /connectivity/eligibility/search/cities: 503: 503 Service Unavailable (query id EU.ext-1.test.4) (after 4 attempts)"
	if err.Error() != want {
		t.Errorf("Error() = %q\nwant      %q", err.Error(), want)
	}
	var ae *ovh.APIError
	if !errors.As(err, &ae) || !strings.Contains(ae.Message, "<html>") {
		t.Errorf("raw HTML body not kept in APIError.Message: %+v", ae)
	}
	if IsPermanent(err) {
		t.Error("IsPermanent(503) = true")
	}
	if st := c.Stats(); st.Retries != 3 || st.HTTPErrors != 1 || f.count(RouteCities) != 4 {
		t.Errorf("Stats = %+v, POSTs %d", st, f.count(RouteCities))
	}
}

func TestNetworkErrors(t *testing.T) {
	t.Run("dropped then ok", func(t *testing.T) {
		f := newFake(t, func(_ string, n int, _ *http.Request, _ []byte) (int, string) {
			if n <= 2 {
				return dropConn, ""
			}
			return http.StatusOK, okJSON(cityResult)
		})
		c := newTestClient(t, f.endpoint())
		if _, err := c.Call(t.Context(), RouteCities, CitiesRequest{ZipCode: "54111"}); err != nil {
			t.Fatal(err)
		}
		if n := f.count(RouteCities); n != 3 {
			t.Errorf("POSTs = %d, want 3", n)
		}
	})
	t.Run("refused", func(t *testing.T) {
		f := newFake(t, nil)
		ep := f.endpoint()
		f.srv.Close()
		c := newTestClient(t, ep)
		_, err := c.Call(t.Context(), RouteCities, CitiesRequest{ZipCode: "54111"})
		var he *HTTPError
		var ue *url.Error
		if !errors.As(err, &he) || he.Attempts != 4 || !errors.As(err, &ue) {
			t.Fatalf("err = %v, want *HTTPError wrapping *url.Error after 4 attempts", err)
		}
		if !strings.HasPrefix(err.Error(), "POST /connectivity/eligibility/search/cities: ") || he.StatusCode() != 0 {
			t.Errorf("Error() = %q", err)
		}
		if IsPermanent(err) {
			t.Error("IsPermanent(network) = true")
		}
	})
}

func TestDecodeError(t *testing.T) {
	// A 200 whose body is not JSON cannot get better by asking again.
	f := newFake(t, func(string, int, *http.Request, []byte) (int, string) {
		return http.StatusOK, `<html>maintenance</html>`
	})
	c := newTestClient(t, f.endpoint())
	_, err := c.Call(t.Context(), RouteCities, CitiesRequest{ZipCode: "54111"})
	var de *DecodeError
	if !errors.As(err, &de) || !IsPermanent(err) || f.count(RouteCities) != 1 {
		t.Errorf("err = %v after %d POSTs, want one *DecodeError", err, f.count(RouteCities))
	}
	// A truncated body looks like a cut transfer: retried.
	f1 := newFake(t, func(string, int, *http.Request, []byte) (int, string) { return http.StatusOK, `{"status":` })
	c1 := newTestClient(t, f1.endpoint())
	_, err = c1.Call(t.Context(), RouteCities, CitiesRequest{ZipCode: "54111"})
	var he *HTTPError
	if !errors.As(err, &he) || he.Attempts != 4 || f1.count(RouteCities) != 4 {
		t.Errorf("truncated body: err = %v after %d POSTs, want *HTTPError after 4", err, f1.count(RouteCities))
	}
	// A well-formed envelope whose result does not match the schema.
	f2 := newFake(t, func(string, int, *http.Request, []byte) (int, string) {
		return http.StatusOK, okJSON(`{"not":"an array"}`)
	})
	c2 := newTestClient(t, f2.endpoint())
	if _, err := c2.Service().Cities(t.Context(), "54111"); !errors.As(err, &de) {
		t.Errorf("err = %v, want *DecodeError", err)
	}
}

func TestContextCancellation(t *testing.T) {
	t.Run("while polling", func(t *testing.T) {
		f := newFake(t, func(string, int, *http.Request, []byte) (int, string) { return http.StatusOK, pendingJSON })
		c := newTestClient(t, f.endpoint(), WithPoll(PollPolicy{First: time.Hour, Deadline: 2 * time.Hour}))
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() {
			_, err := c.Call(ctx, RouteCities, CitiesRequest{ZipCode: "54111"})
			done <- err
		}()
		for f.count(RouteCities) == 0 {
			time.Sleep(time.Millisecond) // test only: wait for the first POST
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
	t.Run("no retry after cancel", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		f := newFake(t, func(string, int, *http.Request, []byte) (int, string) {
			cancel()
			return 503, "<html>down</html>"
		})
		c := newTestClient(t, f.endpoint(), WithRetry(RetryPolicy{MaxAttempts: 10, Base: time.Millisecond}))
		_, err := c.Call(ctx, RouteCities, CitiesRequest{ZipCode: "54111"})
		if !errors.Is(err, context.Canceled) || f.count(RouteCities) != 1 {
			t.Errorf("err = %v after %d POSTs, want context.Canceled after 1", err, f.count(RouteCities))
		}
	})
}

var testCreds = [3]string{"AK-visible-app-key", "AS-s3cr3t-application-secret", "CK-s3cr3t-consumer-key"}

func TestPartnersSigned(t *testing.T) {
	f := newFake(t, func(route string, _ int, _ *http.Request, _ []byte) (int, string) {
		if route == RouteCities {
			return http.StatusOK, okJSON(cityResult)
		}
		return http.StatusOK, okJSON(`{"eligibilityReference":"ref-1","endpoint":{"reference":"0383000000","referenceType":"lineNumber"},"offers":[]}`)
	})
	f.creds = &testCreds
	c := newTestClient(t, f.endpoint(), WithCredentials(testCreds[0], testCreds[1], testCreds[2]), WithPartners(true))
	if !c.HasCredentials() || !c.Partners() {
		t.Fatal("client lost its credentials")
	}
	res, err := c.Service().TestLine(t.Context(), TestLineRequest{LineNumber: "0383000000", Status: LineActive})
	if err != nil {
		t.Fatalf("signed call: %v", err)
	}
	if res.EligibilityReference != "ref-1" || f.count(RouteTestLine+PartnersSuffix) != 1 {
		t.Errorf("result %+v, partner POSTs %d", res, f.count(RouteTestLine+PartnersSuffix))
	}
	// Public routes stay unsigned even when credentials exist.
	if _, err := c.Service().Cities(t.Context(), "54111"); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	h := f.headers[RouteCities][0]
	f.mu.Unlock()
	for _, k := range []string{"X-Ovh-Application", "X-Ovh-Signature", "X-Ovh-Consumer"} {
		if h.Get(k) != "" {
			t.Errorf("public route sent %s", k)
		}
	}

	// Wrong secret: the fake rejects the signature, permanently.
	bad := newTestClient(t, f.endpoint(), WithCredentials(testCreds[0], "wrong-secret", testCreds[2]))
	_, err = bad.Call(t.Context(), RouteTestOTP+PartnersSuffix, TestOTPRequest{OTP: "FI-1234-5678"})
	if !IsPermanent(err) || !strings.Contains(err.Error(), "400") {
		t.Errorf("bad signature err = %v, want permanent 400", err)
	}
}

func TestPartnersWithoutCredentials(t *testing.T) {
	f := newFake(t, nil)
	c := newTestClient(t, f.endpoint())
	_, err := c.Call(t.Context(), RouteTestBuilding+PartnersSuffix, TestBuildingRequest{Building: "IMB/54084/X/0001"})
	if !errors.Is(err, ErrNoCredentials) || !IsPermanent(err) {
		t.Errorf("err = %v, want ErrNoCredentials", err)
	}
	if n := f.count(RouteTestBuilding + PartnersSuffix); n != 0 {
		t.Errorf("%d requests sent without credentials", n)
	}
	if _, err := New(f.endpoint(), WithPartners(true)); !errors.Is(err, ErrNoCredentials) {
		t.Errorf("New(WithPartners) without credentials = %v, want ErrNoCredentials", err)
	}
}

func TestOVHConfig(t *testing.T) {
	f := newFake(t, func(string, int, *http.Request, []byte) (int, string) {
		return http.StatusOK, okJSON(`{"eligibilityReference":"r","endpoint":{"reference":"x","referenceType":"otp"},"offers":[]}`)
	})
	f.creds = &testCreds
	t.Chdir(t.TempDir()) // no ./ovh.conf
	t.Setenv("HOME", t.TempDir())
	t.Setenv("OVH_ENDPOINT", f.endpoint())

	// No credentials anywhere: a public client, endpoint from OVH_ENDPOINT.
	c, err := New("", WithOVHConfig(), WithLimiter(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Endpoint() != f.endpoint() || c.HasCredentials() {
		t.Errorf("endpoint %q creds %v", c.Endpoint(), c.HasCredentials())
	}

	t.Setenv("OVH_APPLICATION_KEY", testCreds[0])
	t.Setenv("OVH_APPLICATION_SECRET", testCreds[1])
	t.Setenv("OVH_CONSUMER_KEY", testCreds[2])
	c, err = New("", WithOVHConfig(), WithLimiter(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !c.HasCredentials() || c.Endpoint() != f.endpoint() {
		t.Fatalf("OVH_* credentials not loaded (endpoint %q)", c.Endpoint())
	}
	if _, err := c.Service().TestOTP(t.Context(), "FI-1"); err != nil || f.count(RouteTestOTP) != 1 || f.count(RouteTestOTP+PartnersSuffix) != 0 {
		t.Errorf("Service() without WithPartners: err %v, public %d, partners %d; want the public route",
			err, f.count(RouteTestOTP), f.count(RouteTestOTP+PartnersSuffix))
	}
	if _, err := c.Call(t.Context(), RouteTestOTP+PartnersSuffix, TestOTPRequest{OTP: "FI-1"}); err != nil {
		t.Errorf("signed call with OVH_* credentials: %v", err)
	}

	// A half pair is a configuration error that names no value.
	t.Setenv("OVH_APPLICATION_SECRET", "")
	_, err = New("", WithOVHConfig())
	if err == nil || strings.Contains(err.Error(), testCreds[2]) {
		t.Errorf("half pair: err = %v", err)
	}
}

func TestNewEndpoints(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"", ovh.OvhEU, true},
		{"ovh-eu", "https://api.eu.ovhcloud.com/1.0", true},
		{"ovh-ca", ovh.OvhCA, true},
		{"kimsufi-eu", ovh.KimsufiEU, true},
		{"http://127.0.0.1:8080/1.0", "http://127.0.0.1:8080/1.0", true},
		{"http://127.0.0.1:8080/1.0/", "http://127.0.0.1:8080/1.0", true},
		{"ovh-mars", "", false},
		{"ftp://127.0.0.1/1.0", "", false},
		{"http:///1.0", "", false},
		{"http://u:p@127.0.0.1/1.0", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			c, err := New(tc.in)
			if !tc.ok {
				if err == nil {
					t.Errorf("New(%q) accepted", tc.in)
				}
				return
			}
			if err != nil || c.Endpoint() != tc.want {
				t.Errorf("New(%q) = %v, %v; want %q", tc.in, c, err, tc.want)
			}
		})
	}
}

func TestOptionValidation(t *testing.T) {
	bad := map[string]Option{
		"nil http client":  WithHTTPClient(nil),
		"zero timeout":     WithTimeout(0),
		"negative retry":   WithRetry(RetryPolicy{MaxAttempts: -1}),
		"base above max":   WithRetry(RetryPolicy{Base: time.Minute, Max: time.Second}),
		"negative poll":    WithPoll(PollPolicy{Deadline: -time.Second}),
		"shrinking factor": WithPoll(PollPolicy{Factor: 0.5}),
		"empty secret":     WithCredentials("ak", "", "ck"),
		"newline in agent": WithUserAgent("x\r\ny"),
	}
	for name, o := range bad {
		if _, err := New("ovh-eu", o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestUserAgentAndTimeout(t *testing.T) {
	f := newFake(t, func(string, int, *http.Request, []byte) (int, string) {
		time.Sleep(200 * time.Millisecond) // test server only: slower than the attempt timeout
		return http.StatusOK, okJSON("[]")
	})
	c := newTestClient(t, f.endpoint(), WithUserAgent("eligibility/test"), WithTimeout(20*time.Millisecond),
		WithRetry(RetryPolicy{MaxAttempts: 2, Base: time.Millisecond}))
	_, err := c.Call(t.Context(), RouteCities, CitiesRequest{ZipCode: "54111"})
	var he *HTTPError
	if !errors.As(err, &he) || he.Attempts != 2 {
		t.Fatalf("err = %v, want *HTTPError after 2 timed-out attempts", err)
	}
	f.mu.Lock()
	ua := f.headers[RouteCities][0].Get("User-Agent")
	f.mu.Unlock()
	if ua != "github.com/ovh/go-ovh (eligibility/test)" {
		t.Errorf("User-Agent = %q", ua)
	}
}

func TestEligibilityByReference(t *testing.T) {
	ref := "abc+def/ghi"
	f := newFake(t, func(route string, _ int, r *http.Request, _ []byte) (int, string) {
		if r.Method != http.MethodGet || r.URL.Query().Get("eligibilityReference") != ref {
			return 400, `{"class":"Client::BadRequest","message":"bad query"}`
		}
		return http.StatusOK, `{"eligibilityReference":"abc+def/ghi","endpoint":{"reference":"IMB/54084/X/0001","referenceType":"building"},"offers":[{"product":{"code":"FTTH-MAX-1G","type":"FTTH"},"eligibility":{"eligible":true}}]}`
	})
	c := newTestClient(t, f.endpoint())
	res, err := c.EligibilityByReference(t.Context(), ref)
	if err != nil {
		t.Fatal(err)
	}
	if res.EligibilityReference != ref || len(res.Offers) != 1 || res.Offers[0].Product.Code != "FTTH-MAX-1G" {
		t.Errorf("result = %+v", res)
	}
	if c.Stats().Requests[RouteTest] != 1 {
		t.Errorf("stats = %+v", c.Stats())
	}
	if _, err := c.EligibilityByReference(t.Context(), ""); err == nil {
		t.Error("empty reference accepted")
	}
}

// TestNoSecretInErrors drives every error path with credentials set and
// checks that no error text carries the secret or the consumer key.
func TestNoSecretInErrors(t *testing.T) {
	f := newFake(t, func(route string, _ int, _ *http.Request, _ []byte) (int, string) {
		switch {
		case strings.HasSuffix(route, "/cities"):
			return 503, "<html><title>down</title></html>"
		case strings.HasSuffix(route, "/streets"):
			return 400, `{"class":"Client::BadRequest","message":"bad"}`
		case strings.HasSuffix(route, "/buildings"):
			return http.StatusOK, `{"status":"error","error":"failed"}`
		case strings.HasSuffix(route, "/streetNumbers"):
			return http.StatusOK, pendingJSON
		}
		return http.StatusOK, okJSON("[]")
	})
	f.creds = &[3]string{testCreds[0], "another-secret", testCreds[2]} // every signature is wrong
	c := newTestClient(t, f.endpoint(), WithCredentials(testCreds[0], testCreds[1], testCreds[2]),
		WithPoll(PollPolicy{First: time.Millisecond, Deadline: 5 * time.Millisecond}))
	closed := newFake(t, nil)
	ep := closed.endpoint()
	closed.srv.Close()
	dead := newTestClient(t, ep, WithCredentials(testCreds[0], testCreds[1], testCreds[2]))

	var errs []error
	collect := func(_ any, err error) { errs = append(errs, err) }
	ctx := t.Context()
	collect(c.Call(ctx, RouteCities, CitiesRequest{ZipCode: "1"}))
	collect(c.Call(ctx, RouteStreets, StreetsRequest{InseeCode: "1"}))
	collect(c.Call(ctx, RouteBuildings, BuildingsRequest{Hexacle: "1"}))
	collect(c.Call(ctx, RouteStreetNumbers, StreetNumbersRequest{StreetCode: "1"}))
	collect(c.Call(ctx, RouteTestLine+PartnersSuffix, TestLineRequest{LineNumber: "1", Status: "active"}))
	collect(dead.Call(ctx, RouteTestLine+PartnersSuffix, TestLineRequest{LineNumber: "1", Status: "active"}))
	collect(dead.Call(ctx, RouteCities, CitiesRequest{ZipCode: "1"}))
	collect(c.Call(ctx, RouteCities, make(chan int)))
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	collect(c.Call(cancelled, RouteTestOTP+PartnersSuffix, TestOTPRequest{OTP: "1"}))
	_, err := New("nowhere", WithCredentials(testCreds[0], testCreds[1], testCreds[2]))
	collect(nil, err)
	collect(New("ovh-eu", WithCredentials(testCreds[0], "", testCreds[2])))

	for i, err := range errs {
		if err == nil {
			t.Errorf("case %d: no error", i)
			continue
		}
		for _, s := range []string{fmt.Sprint(err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", errors.Unwrap(err))} {
			if strings.Contains(s, testCreds[1]) || strings.Contains(s, testCreds[2]) {
				t.Errorf("case %d: secret in error text %q", i, s)
			}
		}
	}
}

func TestConcurrentCallsNoRace(t *testing.T) {
	f := newFake(t, func(route string, n int, _ *http.Request, body []byte) (int, string) {
		// Every second POST of a route is "pending" so polls interleave.
		if n%2 == 0 {
			return http.StatusOK, pendingJSON
		}
		if strings.HasSuffix(route, PartnersSuffix) {
			return http.StatusOK, okJSON(`{"eligibilityReference":"r","endpoint":{"reference":"x","referenceType":"otp"},"offers":[]}`)
		}
		return http.StatusOK, okJSON(cityResult)
	})
	f.creds = &testCreds
	lim := ratelimit.New(0, 0)
	c := newTestClient(t, f.endpoint(), WithLimiter(lim), WithCredentials(testCreds[0], testCreds[1], testCreds[2]))
	const workers, each = 32, 8
	var wg sync.WaitGroup
	errc := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				var err error
				if (w+i)%3 == 0 {
					_, err = c.Call(t.Context(), RouteTestOTP+PartnersSuffix, TestOTPRequest{OTP: fmt.Sprint("FI-", w, i)})
				} else {
					_, err = c.Service().Cities(t.Context(), "54111")
				}
				if err != nil {
					errc <- err
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	st := c.Stats()
	served := int64(f.count(RouteCities) + f.count(RouteTestOTP+PartnersSuffix))
	if st.Calls != workers*each || st.Total != served || lim.Stats().Waits != served || st.Total != st.Calls+st.Polls {
		t.Errorf("Stats = %+v; server saw %d, limiter %d", st, served, lim.Stats().Waits)
	}
}

func TestStatsIsACopy(t *testing.T) {
	f := newFake(t, nil)
	c := newTestClient(t, f.endpoint())
	if _, err := c.Call(t.Context(), RouteCities, CitiesRequest{ZipCode: "54111"}); err != nil {
		t.Fatal(err)
	}
	st := c.Stats()
	st.Requests[RouteCities] = 99
	st.ByRoute[RouteCities] = RouteStats{}
	if got := c.Stats().Requests[RouteCities]; got != 1 {
		t.Errorf("Stats shares its maps: %d", got)
	}
}

func TestSummarize(t *testing.T) {
	cases := map[string]string{
		"":              "",
		"Invalid value": "Invalid value",
		"<html><head><title>503 Service Unavailable</title></head><body>x</body></html>":  "503 Service Unavailable",
		"<html><body><h1>408 Request Time-out</h1>Your browser didn't send</body></html>": "408 Request Time-out",
		"<p>a &amp;\n   b</p>":   "a & b",
		strings.Repeat("x", 300): strings.Repeat("x", 160) + "…",
	}
	for in, want := range cases {
		if got := summarize(in); got != want {
			t.Errorf("summarize(%.30q) = %q, want %q", in, got, want)
		}
	}
}

func TestResultRawIsIndependent(t *testing.T) {
	f := newFake(t, func(string, int, *http.Request, []byte) (int, string) { return http.StatusOK, okJSON(`["1","2"]`) })
	c := newTestClient(t, f.endpoint())
	raw, err := c.Call(t.Context(), RouteStreetNumbers, StreetNumbersRequest{StreetCode: "5408400020"})
	if err != nil {
		t.Fatal(err)
	}
	var nums []string
	if err := json.Unmarshal(raw, &nums); err != nil || len(nums) != 2 {
		t.Errorf("raw %s: %v", raw, err)
	}
}

func TestLoggerSeesRetriesWithoutSecrets(t *testing.T) {
	f := newFake(t, func(_ string, n int, _ *http.Request, _ []byte) (int, string) {
		if n == 1 {
			return 429, `{"class":"Client::TooManyRequests","message":"slow down"}`
		}
		return http.StatusOK, `{"status":"error","error":"no such building"}`
	})
	f.creds = &testCreds
	var buf strings.Builder
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return buf.Write(p)
	}), &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newTestClient(t, f.endpoint(), WithLogger(log), WithCredentials(testCreds[0], testCreds[1], testCreds[2]))
	if _, err := c.Call(t.Context(), RouteTestBuilding+PartnersSuffix, TestBuildingRequest{Building: "IMB/1"}); err == nil {
		t.Fatal("want a task error")
	}
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	for _, want := range []string{"ovh request retried", "status=429", "query_id=EU.ext-1.test.1", "ovh task error", "no such building"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, testCreds[1]) || strings.Contains(out, testCreds[2]) {
		t.Errorf("secret in log:\n%s", out)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestPollWaitsGrow checks, from the server side, that re-POSTs are spaced
// at least by the policy's growing waits (timers never fire early, so only
// lower bounds are asserted).
func TestPollWaitsGrow(t *testing.T) {
	var mu sync.Mutex
	var at []time.Time
	f := newFake(t, func(_ string, n int, _ *http.Request, _ []byte) (int, string) {
		mu.Lock()
		at = append(at, time.Now())
		mu.Unlock()
		if n <= 4 {
			return http.StatusOK, pendingJSON
		}
		return http.StatusOK, okJSON("[]")
	})
	c := newTestClient(t, f.endpoint(), WithPoll(PollPolicy{First: 10 * time.Millisecond, Factor: 2, Max: 30 * time.Millisecond, Deadline: time.Minute}))
	if _, err := c.Call(t.Context(), RouteStreets, StreetsRequest{InseeCode: "54084"}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	floors := []time.Duration{10, 20, 30, 30}
	if len(at) != 5 {
		t.Fatalf("POSTs = %d, want 5", len(at))
	}
	for i, m := range floors {
		if gap := at[i+1].Sub(at[i]); gap < m*time.Millisecond {
			t.Errorf("gap before poll %d = %v, want >= %v", i+1, gap, m*time.Millisecond)
		}
	}
}
