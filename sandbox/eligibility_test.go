package sandbox

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestFiberMix(t *testing.T) {
	const n = 2000
	var eligible, planned, notDeployed int
	for i := range n {
		offers := fiberOffers("building", fmt.Sprintf("IMB/33063/C/%04d", i))
		if len(offers) != 2 || offers[0].Product.Code != "FTTH-MAX-1G" || offers[1].Product.Code != "PROFIBER" {
			t.Fatalf("offers %+v", offers)
		}
		switch o := offers[0].Eligibility; {
		case o.Eligible:
			eligible++
		case o.Reasons[0].Code == "FIBER_NOT_YET_AVAILABLE":
			planned++
			if d := o.Reasons[0].AvailabilityDate; d == nil || !strings.HasSuffix(*d, ":00+01:00") && !strings.HasSuffix(*d, ":00+02:00") {
				t.Fatalf("availabilityDate %v", d)
			}
		case o.Reasons[0].Code == "FIBER_NOT_DEPLOYED_IN_BUILDING" || o.Reasons[0].Code == "FIBER_NOT_AVAILABLE":
			notDeployed++
		default:
			t.Fatalf("reason %+v", o.Reasons)
		}
	}
	check := func(name string, got int, lo, hi float64) {
		if f := float64(got) / n; f < lo || f > hi {
			t.Errorf("%s: %.2f, want %.2f–%.2f", name, f, lo, hi)
		}
	}
	check("eligible", eligible, 0.40, 0.50)
	check("planned", planned, 0.12, 0.18)
	check("not deployed", notDeployed, 0.35, 0.45)
}

func TestCopperMix(t *testing.T) {
	const n = 2000
	var nothing, vdsl, sdsl int
	for i := range n {
		ln := fmt.Sprintf("02%08d", i)
		offers := copperOffers(copperLine("line", ln, "33063"), "active", false)
		any := false
		for _, o := range offers {
			e, p := o.Eligibility, o.Product
			if *e.EstimatedDownloadRate > p.DownloadRate || (!e.Eligible && len(e.Reasons) == 0) {
				t.Fatalf("%s: %+v", ln, o)
			}
			if e.Eligible {
				any = true
				if p.Type == "VDSL" {
					vdsl++
				}
				if p.Type == "SDSL" {
					sdsl++
				}
				if !p.Guaranteed && *e.EstimatedDownloadRate >= p.DownloadRate {
					t.Errorf("%s: estimate %v not below nominal %v", p.Code, *e.EstimatedDownloadRate, p.DownloadRate)
				}
			}
		}
		if !any {
			nothing++
		}
	}
	if f := float64(nothing) / n; f < 0.05 || f > 0.25 {
		t.Errorf("nothing eligible on %.2f of lines, want about 0.1–0.2", f)
	}
	if vdsl == 0 || sdsl == 0 {
		t.Errorf("vdsl %d, sdsl %d eligible offers", vdsl, sdsl)
	}
	// test/address: full unbundling only, createNeighbour.
	for _, o := range copperOffers(copperLine("address", "x", "33063"), "active", true) {
		if strings.HasSuffix(o.Product.Code, "_SHARED") || fmt.Sprint(o.Eligibility.ActivationTypes) != "[createNeighbour]" {
			t.Errorf("neighbour offer %+v", o)
		}
	}
}

// FuzzBody checks that no body makes a route panic or answer anything but
// 200 (a task) or 400 (a bad body).
func FuzzBody(f *testing.F) {
	paths := []string{
		"/search/cities", "/search/streets", "/search/streetNumbers", "/search/streetNumbers/details",
		"/search/buildings", "/search/buildingsByLine", "/search/buildingDetails", "/search/lines",
		"/search/addresses", "/test/address", "/test/building", "/test/line", "/test/otp",
	}
	seeds := []string{
		`{"zipCode":"91400"}`, `{"inseeCode":"54084"}`, `{"streetCode":"5408400200"}`,
		`{"streetCode":"5408400200","streetNumber":"18"}`, `{"hexacle":"54084ABCDE"}`,
		`{"lineNumber":"0123456789","status":"active"}`, `{"building":"IMB/54084/C/AAAA"}`,
		`{"latitude":"49.32","longitude":"5.83","distance":100}`, `{"otp":"OO-1/C"}`,
		`{`, `[]`, `null`, `{"zipCode":null}`, `{"status":"x","lineNumber":1e400}`, "\xff\xfe",
	}
	for i, s := range seeds {
		f.Add(uint8(i), s)
	}
	s := New(Config{})
	f.Fuzz(func(t *testing.T, route uint8, body string) {
		p := "/1.0/connectivity/eligibility" + paths[int(route)%len(paths)]
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, p, strings.NewReader(body)))
		if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
			t.Fatalf("%s %q: %d %s", p, body, rec.Code, rec.Body)
		}
	})
}

// BenchmarkTask measures a full task answered at once (new key each time).
func BenchmarkTask(b *testing.B) {
	s := New(Config{})
	for _, route := range []string{"/search/cities", "/test/line"} {
		b.Run(route, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				body := fmt.Sprintf(`{"zipCode":"%05d"}`, 1000+i%95000)
				if route == "/test/line" {
					body = fmt.Sprintf(`{"lineNumber":"01%08d","status":"active"}`, i)
				}
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/1.0/connectivity/eligibility"+route, strings.NewReader(body)))
				if rec.Code != 200 {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}
