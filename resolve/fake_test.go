package resolve

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/ovhcloud-tools/eligibility/laposte"
	"github.com/ovhcloud-tools/eligibility/ovhapi"
)

// fake is an in-memory OVH: cities come from the La Poste table (as OVH's
// do), everything else from small maps with sensible defaults. It counts
// every call by route and by (route, body).
type fake struct {
	t testing.TB

	plmCommune bool // answer Paris/Lyon/Marseille zips with the commune code (75056)

	cities    map[string][]ovhapi.City
	streets   map[string][]ovhapi.Street
	numbers   map[string][]string                // streetCode → numbers
	buildings map[string][]ovhapi.Building       // "streetCode/number" → buildings
	byLine    map[string][]ovhapi.Building       // "line/status"
	tests     map[string]*ovhapi.EligibilityTest // "building:REF", "address:code/number", "line:N/status", "otp:X"
	fail      map[string]error                   // route → error

	mu    sync.Mutex
	calls map[string]int
	keys  map[string]int
}

func newFake(t testing.TB) *fake {
	return &fake{
		t: t, cities: map[string][]ovhapi.City{}, streets: map[string][]ovhapi.Street{},
		numbers: map[string][]string{}, buildings: map[string][]ovhapi.Building{},
		byLine: map[string][]ovhapi.Building{}, tests: map[string]*ovhapi.EligibilityTest{},
		fail: map[string]error{}, calls: map[string]int{}, keys: map[string]int{},
	}
}

func (f *fake) service() ovhapi.Service { return ovhapi.Service{Caller: ovhapi.CallerFunc(f.call)} }

func (f *fake) count(route string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[route]
}

func (f *fake) call(ctx context.Context, route string, body any) (json.RawMessage, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	f.calls[route]++
	f.keys[route+" "+string(raw)]++
	if n := f.keys[route+" "+string(raw)]; n > 1 {
		f.t.Errorf("%s %s asked %d times within one row", route, raw, n)
	}
	f.mu.Unlock()
	if err := f.fail[route]; err != nil {
		return nil, err
	}
	var v any
	switch route {
	case ovhapi.RouteCities:
		var req ovhapi.CitiesRequest
		mustUnmarshal(raw, &req)
		v = f.citiesOf(req.ZipCode)
	case ovhapi.RouteStreets:
		var req ovhapi.StreetsRequest
		mustUnmarshal(raw, &req)
		s, ok := f.streets[req.InseeCode]
		if !ok {
			s = []ovhapi.Street{
				{StreetCode: req.InseeCode + "00010", StreetName: "RUE DE LA MAIRIE"},
				{StreetCode: req.InseeCode + "00020", StreetName: "PLACE DE L EGLISE"},
			}
		}
		v = s
	case ovhapi.RouteStreetNumbers:
		var req ovhapi.StreetNumbersRequest
		mustUnmarshal(raw, &req)
		v = f.numbersOf(req.StreetCode)
	case ovhapi.RouteStreetNumbersDetails:
		var req ovhapi.StreetNumbersRequest
		mustUnmarshal(raw, &req)
		var ds []ovhapi.StreetNumberDetails
		for _, n := range f.numbersOf(req.StreetCode) {
			ds = append(ds, ovhapi.StreetNumberDetails{Number: n, Hexacle: ptr("HX" + req.StreetCode + n)})
		}
		v = ds
	case ovhapi.RouteBuildings:
		var req ovhapi.BuildingsRequest
		mustUnmarshal(raw, &req)
		if req.StreetNumber == "" && req.Hexacle == "" {
			return nil, fmt.Errorf("400 buildings without number or hexacle")
		}
		bs, ok := f.buildings[req.StreetCode+"/"+req.StreetNumber]
		if !ok && (req.StreetNumber == "1" || req.StreetNumber == "2") {
			bs = []ovhapi.Building{{Reference: "IMB/" + req.StreetCode[:5] + "/X/" + req.StreetNumber, Type: ptr("HOUSE")}}
		}
		v = bs
	case ovhapi.RouteBuildingsByLine:
		var req ovhapi.LineRequest
		mustUnmarshal(raw, &req)
		v = f.byLine[req.LineNumber+"/"+req.Status]
	case ovhapi.RouteTestBuilding:
		var req ovhapi.TestBuildingRequest
		mustUnmarshal(raw, &req)
		v = f.test("building:"+req.Building, "guide-test-building.json")
	case ovhapi.RouteTestAddress:
		var req ovhapi.TestAddressRequest
		mustUnmarshal(raw, &req)
		v = f.test("address:"+req.StreetCode+"/"+req.StreetNumber, "guide-test-address.json")
	case ovhapi.RouteTestLine:
		var req ovhapi.TestLineRequest
		mustUnmarshal(raw, &req)
		v = f.test("line:"+req.LineNumber+"/"+req.Status, "guide-test-line.json")
	case ovhapi.RouteTestOTP:
		var req ovhapi.TestOTPRequest
		mustUnmarshal(raw, &req)
		v = f.test("otp:"+req.OTP, "guide-test-building.json")
	default:
		return nil, fmt.Errorf("fake: unexpected route %s", route)
	}
	return json.Marshal(v)
}

func (f *fake) test(key, def string) *ovhapi.EligibilityTest {
	if t, ok := f.tests[key]; ok {
		return t
	}
	return guideTest(f.t, def)
}

func (f *fake) numbersOf(code string) []string {
	if n, ok := f.numbers[code]; ok {
		return n
	}
	return []string{"1", "2", "2B", "3", "10"}
}

// citiesOf answers search/cities the way OVH does: one row per locality.
func (f *fake) citiesOf(zip string) []ovhapi.City {
	if c, ok := f.cities[zip]; ok {
		return c
	}
	lp := laposte.Load()
	out := []ovhapi.City{}
	for _, e := range lp.ByZip(zip) {
		insee := e.Insee
		if f.plmCommune {
			insee = lp.CommuneOf(insee)
		}
		c := ovhapi.City{City: e.Name, InseeCode: insee, ZipCode: zip}
		if e.Line5 != "" {
			c.Locality = ptr(e.Line5)
		}
		out = append(out, c)
	}
	return out
}

func mustUnmarshal(raw []byte, v any) {
	if err := json.Unmarshal(raw, v); err != nil {
		panic(err) // the resolver sent a body of the wrong type: a test defect
	}
}

// fiberTest builds a test/building answer with one FTTH offer.
func fiberTest(ref, code string, down, up float64, eligible bool, reasons ...ovhapi.Message) *ovhapi.EligibilityTest {
	return &ovhapi.EligibilityTest{
		EligibilityReference: strings.Repeat("r", 60) + fmt.Sprintf("%04d", len(ref)),
		Endpoint:             ovhapi.Endpoint{Reference: ref, ReferenceType: "building"},
		Offers: []ovhapi.Offer{{
			Eligibility: ovhapi.OfferEligibility{Eligible: eligible, Reasons: reasons},
			Product:     ovhapi.OfferProduct{Code: code, Type: "FTTH", DownloadRate: down, UploadRate: up, Provider: "KOSC"},
		}},
	}
}

// resolve runs one row on a fresh per-row key count (the "never ask twice"
// check is per row; across rows the store dedupes).
func (f *fake) resolve(t testing.TB, opts Options, in Input) Outcome {
	t.Helper()
	f.mu.Lock()
	f.keys = map[string]int{}
	f.mu.Unlock()
	return New(f.service(), opts).Resolve(context.Background(), in)
}
