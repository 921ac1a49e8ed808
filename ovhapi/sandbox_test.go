package ovhapi

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ovh/go-ovh/ovh"

	"github.com/ovhcloud-tools/eligibility/sandbox"
)

// Mont-Bonvillers (samples/ban-legacy-54084-mont-bonvillers.csv) is in the
// sandbox's default world.
const (
	mbZip   = "54111"
	mbInsee = "54084"
)

func newSandbox(t *testing.T, cfg sandbox.Config) (*sandbox.Server, string) {
	t.Helper()
	s := sandbox.New(cfg)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv.URL + "/1.0"
}

// TestSandboxEveryRoute walks every Service route through the sandbox:
// requests must be accepted and answers must decode into our types.
func TestSandboxEveryRoute(t *testing.T) {
	creds := [3]string{"sbx-app", "sbx-secret", "sbx-consumer"}
	s, ep := newSandbox(t, sandbox.Config{PendingPolls: 1, AppKey: creds[0], AppSecret: creds[1], ConsumerKey: creds[2]})
	c := newTestClient(t, ep, WithCredentials(creds[0], creds[1], creds[2]))
	svc := c.Service()
	ctx := t.Context()

	cities, err := svc.Cities(ctx, mbZip)
	if err != nil {
		t.Fatalf("Cities: %v", err)
	}
	found := false
	for _, ct := range cities {
		found = found || (ct.InseeCode == mbInsee && ct.ZipCode == mbZip)
	}
	if !found {
		t.Fatalf("Cities(%s) = %+v, want INSEE %s", mbZip, cities, mbInsee)
	}

	streets, err := svc.Streets(ctx, mbInsee)
	if err != nil || len(streets) == 0 {
		t.Fatalf("Streets: %v, %d streets", err, len(streets))
	}
	var acacias Street
	for _, st := range streets {
		if strings.Contains(strings.ToUpper(st.StreetName), "ACACIAS") {
			acacias = st
		}
	}
	if acacias.StreetCode == "" {
		t.Fatalf("no ALLEE DES ACACIAS in %+v", streets)
	}

	nums, err := svc.StreetNumbers(ctx, StreetNumbersRequest{StreetCode: acacias.StreetCode})
	if err != nil || len(nums) == 0 {
		t.Fatalf("StreetNumbers: %v %v", nums, err)
	}
	details, err := svc.StreetNumbersDetails(ctx, StreetNumbersRequest{StreetCode: acacias.StreetCode})
	if err != nil || len(details) != len(nums) {
		t.Fatalf("StreetNumbersDetails: %d details for %d numbers, %v", len(details), len(nums), err)
	}
	number := nums[0]
	for _, n := range nums {
		if n == "18" {
			number = n
		}
	}

	buildings, err := svc.Buildings(ctx, BuildingsRequest{StreetCode: acacias.StreetCode, StreetNumber: number})
	if err != nil {
		t.Fatalf("Buildings: %v", err)
	}
	var hexacle string
	for _, d := range details {
		if d.Number == number && d.Hexacle != nil {
			hexacle = *d.Hexacle
		}
	}
	if hexacle != "" {
		if _, err := svc.Buildings(ctx, BuildingsRequest{Hexacle: hexacle}); err != nil {
			t.Errorf("Buildings by hexacle: %v", err)
		}
	}

	lines, err := svc.Lines(ctx, LinesRequest{StreetCode: acacias.StreetCode, StreetNumber: number})
	if err != nil {
		t.Fatalf("Lines: %v", err)
	}
	if len(buildings) == 0 || len(lines) == 0 {
		t.Fatalf("%s %s: %d buildings, %d lines; the default world should have both", acacias.StreetName, number, len(buildings), len(lines))
	}
	if _, err := svc.Addresses(ctx, AddressesRequest{Latitude: "49.3246174823707", Longitude: "5.8330401618155", Distance: 50}); err != nil {
		t.Errorf("Addresses: %v", err)
	}
	if _, err := svc.TestAddress(ctx, TestAddressRequest{StreetCode: acacias.StreetCode, StreetNumber: number}); err != nil {
		t.Errorf("TestAddress: %v", err)
	}

	var ref string
	if len(buildings) > 0 {
		b := buildings[0]
		if _, err := svc.BuildingDetails(ctx, BuildingDetailsRequest{Building: b.Reference}); err != nil {
			t.Errorf("BuildingDetails(%s): %v", b.Reference, err)
		}
		res, err := svc.TestBuilding(ctx, b.Reference)
		if err != nil {
			t.Fatalf("TestBuilding(%s): %v", b.Reference, err)
		}
		ref = res.EligibilityReference
	}
	if len(lines) > 0 {
		l := lines[0]
		status := l.CopperInfo.Status
		if status == "" {
			status = LineActive
		}
		res, err := svc.TestLine(ctx, TestLineRequest{LineNumber: l.LineNumber, Status: status})
		if err != nil {
			t.Errorf("TestLine(%s): %v", l.LineNumber, err)
		} else if ref == "" {
			ref = res.EligibilityReference
		}
		if _, err := svc.BuildingsByLine(ctx, LineRequest{LineNumber: l.LineNumber, Status: status}); err != nil {
			t.Errorf("BuildingsByLine: %v", err)
		}
	}
	// An OTP the sandbox does not know may end as a task error, never as
	// an HTTP or decoding failure.
	if _, err := svc.TestOTP(ctx, "FI-1234-5678"); err != nil {
		var te *TaskError
		if !errors.As(err, &te) {
			t.Errorf("TestOTP: %v", err)
		}
	}
	if ref == "" {
		t.Fatal("no test gave an eligibility reference")
	}
	if res, err := c.EligibilityByReference(ctx, ref); err != nil || res.EligibilityReference != ref {
		t.Errorf("EligibilityByReference: %+v, %v", res, err)
	}

	// Signed partner variant.
	partners := Service{Caller: c, Partners: true}
	if len(buildings) > 0 {
		if _, err := partners.TestBuilding(ctx, buildings[0].Reference); err != nil {
			t.Errorf("TestBuilding/partners: %v", err)
		}
	}

	t.Logf("%d streets, %d numbers, %d buildings, %d lines, reference %.16s…; requests %v",
		len(streets), len(nums), len(buildings), len(lines), ref, c.Stats().Requests)

	for _, r := range append(Routes, RouteTest, RouteTestBuilding+PartnersSuffix) {
		if c.Stats().Requests[r] == 0 {
			t.Errorf("route %s not exercised", r)
		}
	}

	// Client and sandbox agree on the number of HTTP attempts per route.
	ss, cs := s.Stats(), c.Stats()
	for route, n := range cs.Requests {
		if ss.Requests[route] != n {
			t.Errorf("%s: client sent %d, sandbox saw %d", route, n, ss.Requests[route])
		}
	}
}

func TestSandboxPendingThenOK(t *testing.T) {
	s, ep := newSandbox(t, sandbox.Config{PendingPolls: 3})
	c := newTestClient(t, ep)
	cities, err := c.Service().Cities(t.Context(), mbZip)
	if err != nil || len(cities) == 0 {
		t.Fatalf("Cities: %v %v", cities, err)
	}
	if got := s.Stats().Requests[RouteCities]; got != 4 {
		t.Errorf("sandbox saw %d POSTs, want 4 (PendingPolls=3)", got)
	}
	if st := c.Stats(); st.Polls != 3 || st.Requests[RouteCities] != 4 {
		t.Errorf("client stats %+v", st)
	}
}

func TestSandboxTaskError(t *testing.T) {
	s, ep := newSandbox(t, sandbox.Config{FaultRate: map[sandbox.Fault]float64{sandbox.FaultTaskError: 1}})
	c := newTestClient(t, ep)
	_, err := c.Service().Streets(t.Context(), mbInsee)
	var te *TaskError
	if !errors.As(err, &te) || te.Message == "" {
		t.Fatalf("err = %v, want *TaskError with OVH's message", err)
	}
	if got := s.Stats().Requests[RouteStreets]; got != 1 {
		t.Errorf("sandbox saw %d POSTs, want 1 (task errors are not retried)", got)
	}
}

func TestSandboxStuck(t *testing.T) {
	s, ep := newSandbox(t, sandbox.Config{FaultRate: map[sandbox.Fault]float64{sandbox.FaultStuck: 1}})
	c := newTestClient(t, ep, WithPoll(PollPolicy{First: time.Millisecond, Max: 2 * time.Millisecond, Deadline: 40 * time.Millisecond}))
	_, err := c.Service().Cities(t.Context(), mbZip)
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want *TimeoutError", err)
	}
	if got := s.Stats().Requests[RouteCities]; got != int64(te.Polls+1) {
		t.Errorf("sandbox saw %d POSTs, want %d", got, te.Polls+1)
	}
}

func TestSandboxRetriedFaults(t *testing.T) {
	for _, f := range []sandbox.Fault{sandbox.Fault429, sandbox.Fault500, sandbox.Fault503, sandbox.Fault408} {
		t.Run(string(f), func(t *testing.T) {
			s, ep := newSandbox(t, sandbox.Config{FailFirst: 2, FailWith: f, PendingPolls: 1})
			c := newTestClient(t, ep)
			cities, err := c.Service().Cities(t.Context(), mbZip)
			if err != nil || len(cities) == 0 {
				t.Fatalf("Cities: %v %v", cities, err)
			}
			// 2 failed attempts, then pending once, then ok.
			if got := s.Stats().Requests[RouteCities]; got != 4 {
				t.Errorf("sandbox saw %d POSTs, want 4", got)
			}
			if st := c.Stats(); st.Retries != 2 {
				t.Errorf("client stats %+v, want 2 retries", st)
			}
		})
	}
	t.Run("exhausted 503", func(t *testing.T) {
		s, ep := newSandbox(t, sandbox.Config{FailFirst: 10, FailWith: sandbox.Fault503})
		c := newTestClient(t, ep)
		_, err := c.Service().Cities(t.Context(), mbZip)
		var ae *ovh.APIError
		if !errors.As(err, &ae) || ae.Code != 503 || IsPermanent(err) {
			t.Fatalf("err = %v, want transient 503 *ovh.APIError", err)
		}
		if strings.Contains(err.Error(), "<") {
			t.Errorf("HTML leaked into the error text: %q", err)
		}
		if got := s.Stats().Requests[RouteCities]; got != 4 {
			t.Errorf("sandbox saw %d POSTs, want 4 attempts", got)
		}
	})
}

func TestSandboxBadRequestNotRetried(t *testing.T) {
	s, ep := newSandbox(t, sandbox.Config{})
	c := newTestClient(t, ep)
	_, err := c.Service().TestLine(t.Context(), TestLineRequest{LineNumber: "0383000000", Status: "bogus"})
	var he *HTTPError
	if !errors.As(err, &he) || he.StatusCode() != 400 || !IsPermanent(err) {
		t.Fatalf("err = %v, want permanent 400", err)
	}
	if !strings.HasPrefix(err.Error(), "POST /connectivity/eligibility/test/line: 400") {
		t.Errorf("Error() = %q", err)
	}
	if got := s.Stats().Requests[RouteTestLine]; got != 1 {
		t.Errorf("sandbox saw %d POSTs, want 1", got)
	}
}

func TestSandboxPartners(t *testing.T) {
	creds := [3]string{"sbx-app", "sbx-secret", "sbx-consumer"}
	s, ep := newSandbox(t, sandbox.Config{AppKey: creds[0], AppSecret: creds[1], ConsumerKey: creds[2]})
	route := RouteTestLine + PartnersSuffix
	body := TestLineRequest{LineNumber: "0383000000", Status: LineActive}

	signed := newTestClient(t, ep, WithCredentials(creds[0], creds[1], creds[2]))
	if _, err := signed.Call(t.Context(), route, body); err != nil {
		var te *TaskError
		if !errors.As(err, &te) { // an unknown line may be a task error, but the call went through
			t.Fatalf("signed partners call: %v", err)
		}
	}

	anon := newTestClient(t, ep)
	if _, err := anon.Call(t.Context(), route, body); !errors.Is(err, ErrNoCredentials) {
		t.Errorf("without credentials: %v, want ErrNoCredentials", err)
	}

	wrong := newTestClient(t, ep, WithCredentials(creds[0], "not-the-secret", creds[2]))
	_, err := wrong.Call(t.Context(), route, body)
	if !IsPermanent(err) || strings.Contains(err.Error(), "not-the-secret") || strings.Contains(err.Error(), creds[2]) {
		t.Errorf("wrong secret: %v, want a permanent error without secrets", err)
	}
	if got := s.Stats().Requests[route]; got != 2 {
		t.Errorf("sandbox saw %d partner POSTs, want 2 (signed ok + wrong secret)", got)
	}
}

func TestSandboxConcurrent(t *testing.T) {
	s, ep := newSandbox(t, sandbox.Config{PendingPolls: 2, FaultRate: map[sandbox.Fault]float64{sandbox.Fault429: 0.1, sandbox.Fault503: 0.1}, Seed: 7})
	c := newTestClient(t, ep, WithRetry(RetryPolicy{MaxAttempts: 10, Base: time.Millisecond, Max: 2 * time.Millisecond}))
	var wg sync.WaitGroup
	for w := range 32 {
		wg.Go(func() {
			for i := range 4 {
				zip := []string{mbZip, "75001", "67000", "01500"}[(w+i)%4]
				if _, err := c.Service().Cities(t.Context(), zip); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if ss, cs := s.Stats(), c.Stats(); ss.Requests[RouteCities] != cs.Requests[RouteCities] {
		t.Errorf("sandbox saw %d, client counted %d", ss.Requests[RouteCities], cs.Requests[RouteCities])
	} else {
		t.Logf("128 tasks: %d HTTP attempts, %d polls, %d retries, %d 429s", cs.Total, cs.Polls, cs.Retries, cs.RateLimited)
	}
	_ = fmt.Sprint
}
