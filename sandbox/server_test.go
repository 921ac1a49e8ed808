package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

const base = "/1.0/connectivity/eligibility"

var (
	reRef     = regexp.MustCompile(`^[0-9a-f]{64}$`)
	reIMB     = regexp.MustCompile(`^IMB/[0-9AB]{5}/[A-Z]/[0-9A-Z]{4}$`)
	reQueryID = regexp.MustCompile(`^EU\.ext-[1-6]\.[0-9a-f]{8}\.[0-9]+\.[0-9a-f]{32}$`)
)

var (
	cityKeys        = []string{"city", "inseeCode", "locality", "zipCode"}
	buildingKeys    = []string{"name", "nro", "reference", "stairs", "type"}
	addressKeys     = []string{"building", "city", "door", "floor", "housingComplex", "inseeCode", "ownerName", "stairs", "streetCode", "streetName", "streetNumber", "zipCode"}
	endpointKeys    = []string{"address", "copperInfo", "fiberInfo", "portability", "reference", "referenceType"}
	offerEligKeys   = []string{"activationTypes", "eligible", "estimatedDownloadRate", "estimatedUploadRate", "reasons", "underConditions"}
	productKeys     = []string{"code", "downloadRate", "uploadRate", "grt", "guaranteed", "name", "pairs", "provider", "type"}
	copperInfoKeys  = []string{"availablePairs", "maxAvailablePairs", "nra", "sectionsLengths", "status", "underConstruction", "unlistedNumber"}
	fiberInfoKeys   = []string{"buildingName", "buildingReference", "buildingType", "nro", "operatorCode", "operatorName"}
	messageKeys     = []string{"availabilityDate", "code", "message"}
	portabilityKeys = []string{"eligibility", "quarantineEndDate", "type"}
)

func objects(t *testing.T, v any) []map[string]any {
	t.Helper()
	arr, ok := v.([]any)
	if !ok {
		t.Fatalf("result %T, want an array", v)
	}
	out := make([]map[string]any, len(arr))
	for i, x := range arr {
		m, ok := x.(map[string]any)
		if !ok {
			t.Fatalf("item %d is %T, want an object", i, x)
		}
		out[i] = m
	}
	return out
}

func obj(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%T, want an object", v)
	}
	return m
}

// checkTest checks an EligibilityTest; fiber says which nulls to expect.
func checkTest(t *testing.T, v any, fiber bool, refType string, activation []string) map[string]any {
	t.Helper()
	res := obj(t, v)
	wantKeys(t, "test", res, "eligibilityReference", "endpoint", "offers")
	if ref, _ := res["eligibilityReference"].(string); !reRef.MatchString(ref) {
		t.Errorf("eligibilityReference = %q, want 64 chars", ref)
	}
	ep := obj(t, res["endpoint"])
	wantKeys(t, "endpoint", ep, endpointKeys...)
	if ep["referenceType"] != refType {
		t.Errorf("referenceType = %v, want %s", ep["referenceType"], refType)
	}
	wantKeys(t, "address", obj(t, ep["address"]), addressKeys...)
	if fiber {
		wantNull(t, "endpoint", ep, "copperInfo")
		wantNull(t, "endpoint", ep, "portability")
		wantKeys(t, "fiberInfo", obj(t, ep["fiberInfo"]), fiberInfoKeys...)
		addr := obj(t, ep["address"])
		for _, k := range []string{"door", "floor", "stairs", "housingComplex", "ownerName", "building"} {
			wantNull(t, "fiber address", addr, k)
		}
	} else {
		wantNull(t, "endpoint", ep, "fiberInfo")
		wantKeys(t, "copperInfo", obj(t, ep["copperInfo"]), copperInfoKeys...)
		wantKeys(t, "portability", obj(t, ep["portability"]), portabilityKeys...)
		if hc := obj(t, ep["address"])["housingComplex"]; hc != "" {
			t.Errorf("copper housingComplex = %v, want \"\"", hc)
		}
	}
	offers := objects(t, res["offers"])
	if len(offers) == 0 {
		t.Fatal("no offers")
	}
	for _, o := range offers {
		wantKeys(t, "offer", o, "eligibility", "product")
		e, p := obj(t, o["eligibility"]), obj(t, o["product"])
		wantKeys(t, "eligibility", e, offerEligKeys...)
		wantKeys(t, "product", p, productKeys...)
		for _, r := range objects(t, e["reasons"]) {
			wantKeys(t, "reason", r, messageKeys...)
		}
		if _, ok := p["grt"].([]any); !ok {
			t.Errorf("grt = %v, want an array", p["grt"])
		}
		acts, _ := e["activationTypes"].([]any)
		if fiber {
			if p["type"] != "FTTH" {
				t.Errorf("fiber route offers %v", p["type"])
			}
			wantNull(t, "FTTH product", p, "pairs")
			wantNull(t, "FTTH eligibility", e, "estimatedDownloadRate")
			wantNull(t, "FTTH eligibility", e, "estimatedUploadRate")
			if acts == nil || len(acts) != 0 {
				t.Errorf("FTTH activationTypes = %v, want []", e["activationTypes"])
			}
			continue
		}
		if p["type"] == "FTTH" {
			t.Errorf("copper route offers FTTH")
		}
		down, _ := e["estimatedDownloadRate"].(float64)
		if nominal, _ := p["downloadRate"].(float64); down > nominal {
			t.Errorf("%v: estimated %v above nominal %v", p["code"], down, nominal)
		}
		if activation != nil && fmt.Sprint(acts) != fmt.Sprint(activation) {
			t.Errorf("activationTypes = %v, want %v", acts, activation)
		}
	}
	return res
}

func TestRouteShapes(t *testing.T) {
	_, url := setup(t, Config{PendingPolls: 1})
	w := DefaultWorld()
	acacias := w.Buildings("5408400200", "18")
	if len(acacias) == 0 {
		t.Fatal("no building at 18 allée des Acacias")
	}
	bref := acacias[0].Reference
	// A line whose address has a building (buildingsByLine is sometimes []).
	var line string
	for i := range 200 {
		ln := fmt.Sprintf("01%08d", i)
		a := w.lineAddress(ln)
		if pct(hash64("bbl", ln)) >= 15 && len(w.Buildings(a.StreetCode, a.StreetNumber)) > 0 {
			line = ln
			break
		}
	}
	tests := []struct {
		route, body string
		check       func(t *testing.T, result any)
	}{
		{"/search/cities", `{"zipCode":"91400"}`, func(t *testing.T, v any) {
			for _, c := range objects(t, v) {
				wantKeys(t, "city", c, cityKeys...)
			}
		}},
		{"/search/streets", `{"inseeCode":"54084"}`, func(t *testing.T, v any) {
			ss := objects(t, v)
			if len(ss) != 22 {
				t.Errorf("%d streets, want 22", len(ss))
			}
			for _, s := range ss {
				wantKeys(t, "street", s, "streetCode", "streetName")
				if c, _ := s["streetCode"].(string); len(c) != 10 || !strings.HasPrefix(c, "54084") {
					t.Errorf("streetCode %q", c)
				}
			}
		}},
		{"/search/streetNumbers", `{"streetCode":"5408400200"}`, func(t *testing.T, v any) {
			arr, _ := v.([]any)
			if len(arr) != 49 || arr[0] != "1" || arr[48] != "49" {
				t.Errorf("numbers = %v, want 1..49", arr)
			}
		}},
		{"/search/streetNumbers/details", `{"streetCode":"5408400200"}`, func(t *testing.T, v any) {
			for _, n := range objects(t, v) {
				wantKeys(t, "number", n, "number", "hexacle")
			}
		}},
		{"/search/buildings", `{"streetCode":"5408400200","streetNumber":"18"}`, func(t *testing.T, v any) {
			for _, b := range objects(t, v) {
				wantKeys(t, "building", b, buildingKeys...)
				if !reIMB.MatchString(b["reference"].(string)) {
					t.Errorf("reference %v", b["reference"])
				}
				if _, ok := b["stairs"].([]any); !ok {
					t.Errorf("stairs %v, want an array", b["stairs"])
				}
			}
		}},
		{"/search/buildings", `{"hexacle":"` + w.NumberDetails("5408400200")[17].Hexacle + `"}`, func(t *testing.T, v any) {
			if bs := objects(t, v); len(bs) == 0 || bs[0]["reference"] != bref {
				t.Errorf("by hexacle: %v, want %s", v, bref)
			}
		}},
		{"/search/buildingsByLine", `{"lineNumber":"` + line + `","status":"inactive"}`, func(t *testing.T, v any) {
			bs := objects(t, v)
			if len(bs) == 0 {
				t.Error("no building")
			}
			for _, b := range bs {
				wantKeys(t, "building", b, buildingKeys...)
			}
		}},
		{"/search/buildingDetails", `{"building":"` + bref + `"}`, func(t *testing.T, v any) {
			b := obj(t, v)
			wantKeys(t, "building", b, buildingKeys...)
			if b["reference"] != bref {
				t.Errorf("reference %v", b["reference"])
			}
		}},
		{"/search/lines", `{"streetCode":"5408400200","streetNumber":"18","ownerName":"DUP"}`, func(t *testing.T, v any) {
			for _, l := range objects(t, v) {
				wantKeys(t, "line", l, "address", "copperInfo", "lineNumber")
				ci := obj(t, l["copperInfo"])
				wantKeys(t, "copperInfo", ci, copperInfoKeys...)
				for _, k := range []string{"availablePairs", "maxAvailablePairs", "nra", "underConstruction"} {
					wantNull(t, "line copperInfo", ci, k)
				}
				if s, _ := ci["sectionsLengths"].([]any); s == nil || len(s) != 0 {
					t.Errorf("sectionsLengths %v, want []", ci["sectionsLengths"])
				}
				wantKeys(t, "address", obj(t, l["address"]), addressKeys...)
			}
		}},
		{"/search/addresses", `{"latitude":"49.3246174823707","longitude":"5.8330401618155","distance":15}`, func(t *testing.T, v any) {
			as := objects(t, v)
			if len(as) == 0 || as[0]["streetNumber"] != "18" || as[0]["streetName"] != "ALLEE DES ACACIAS" {
				t.Fatalf("addresses = %v", v)
			}
			wantKeys(t, "address", as[0], "buildingName", "buildingReference", "city", "distance", "inseeCode", "latitude", "longitude", "streetCode", "streetName", "streetNumber", "zipCode")
		}},
		{"/test/building", `{"building":"` + bref + `"}`, func(t *testing.T, v any) {
			checkTest(t, v, true, "building", nil)
		}},
		{"/test/address", `{"streetCode":"5408400200","streetNumber":"18"}`, func(t *testing.T, v any) {
			checkTest(t, v, false, "lineNumber", []string{"createNeighbour"})
		}},
		{"/test/line", `{"lineNumber":"0123456789","status":"active"}`, func(t *testing.T, v any) {
			res := checkTest(t, v, false, "lineNumber", nil)
			if ep := obj(t, res["endpoint"]); ep["reference"] != "0123456789" {
				t.Errorf("reference %v", ep["reference"])
			}
		}},
		{"/test/otp", `{"otp":"OO-1234-5678/C"}`, func(t *testing.T, v any) {
			checkTest(t, v, true, "otp", nil)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.route, func(t *testing.T) {
			env, n := task(t, url+base+tt.route, tt.body)
			if env["status"] != "ok" || n != 2 {
				t.Fatalf("status %v after %d POSTs: %v", env["status"], n, env)
			}
			wantNull(t, "ok", env, "error")
			tt.check(t, env["result"])
		})
	}
}

func TestCities(t *testing.T) {
	_, url := setup(t, Config{})
	tests := []struct {
		zip  string
		want []City // must be among the answers
	}{
		{"91400", []City{
			{City: "ORSAY", InseeCode: "91471", Locality: "ORSAY", ZipCode: "91400"},
			{City: "SACLAY", InseeCode: "91534", Locality: "SACLAY", ZipCode: "91400"},
		}},
		{"75016", []City{{City: "PARIS 16", InseeCode: "75116", Locality: "PARIS", ZipCode: "75016"}}},
		{"20000", []City{{City: "AJACCIO", InseeCode: "2A004", Locality: "AJACCIO", ZipCode: "20000"}}},
		{"97400", []City{{City: "ST DENIS", InseeCode: "97411", Locality: "ST DENIS", ZipCode: "97400"}}},
		{"00000", nil},
	}
	for _, tt := range tests {
		t.Run(tt.zip, func(t *testing.T) {
			got := objects(t, okResult(t, url+base+"/search/cities", `{"zipCode":"`+tt.zip+`"}`))
			if tt.want == nil && len(got) != 0 {
				t.Fatalf("got %v, want []", got)
			}
			for _, w := range tt.want {
				found := false
				for _, c := range got {
					if c["city"] == w.City && c["inseeCode"] == w.InseeCode && c["locality"] == w.Locality && c["zipCode"] == w.ZipCode {
						found = true
					}
				}
				if !found {
					t.Errorf("%+v missing from %v", w, got)
				}
			}
		})
	}
	// ORSIGNY is a Ligne_5 locality of Orsay in the guide's example.
	found := false
	for _, c := range DefaultWorld().Cities("91400") {
		found = found || (c.Locality == "ORSIGNY" && c.InseeCode == "91471")
	}
	if !found {
		t.Error("91400 lacks locality ORSIGNY")
	}
}

func TestPolling(t *testing.T) {
	tests := []struct {
		name      string
		cfg       Config
		wantPosts int
	}{
		{"at once", Config{}, 1},
		{"one pending", Config{PendingPolls: 1}, 2},
		{"three pending", Config{PendingPolls: 3}, 4},
		{"pending for a nanosecond", Config{PendingFor: 1}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, url := setup(t, tt.cfg)
			env, n := task(t, url+base+"/search/streets", `{"inseeCode":"54084"}`)
			if env["status"] != "ok" || n != tt.wantPosts {
				t.Fatalf("status %v after %d POSTs, want ok after %d", env["status"], n, tt.wantPosts)
			}
			st := s.Stats()
			if st.Pending != int64(tt.wantPosts-1) || st.Requests["/connectivity/eligibility/search/streets"] != int64(tt.wantPosts) || st.Jobs != 1 {
				t.Errorf("stats = %+v", st)
			}
			// The final answer is stable.
			again := post(t, url+base+"/search/streets", `{"inseeCode":"54084"}`)
			if env2 := decode(t, again.raw); fmt.Sprint(env2) != fmt.Sprint(env) {
				t.Error("final answer changed on a later POST")
			}
		})
	}
	t.Run("pending for an hour", func(t *testing.T) {
		_, url := setup(t, Config{PendingFor: 3600e9})
		for range 5 {
			if env := decode(t, post(t, url+base+"/test/otp", `{"otp":"X"}`).raw); env["status"] != "pending" {
				t.Fatalf("status %v", env["status"])
			}
		}
	})
	t.Run("canonical body and versions share a job", func(t *testing.T) {
		s, url := setup(t, Config{PendingPolls: 1})
		first := decode(t, post(t, url+base+"/test/line", `{"lineNumber":"0123456789","status":"active"}`).raw)
		second := decode(t, post(t, url+"/v1/connectivity/eligibility/test/line", "{ \"status\": \"active\",\n \"lineNumber\": \"0123456789\" }").raw)
		if first["status"] != "pending" || second["status"] != "ok" {
			t.Fatalf("statuses %v then %v", first["status"], second["status"])
		}
		other := decode(t, post(t, url+base+"/test/line", `{"lineNumber":"0123456789","status":"inactive"}`).raw)
		if other["status"] != "pending" {
			t.Errorf("another body shares the job: %v", other["status"])
		}
		if got := s.Stats().Requests["/connectivity/eligibility/test/line"]; got != 3 {
			t.Errorf("test/line requests = %d, want 3", got)
		}
	})
	t.Run("job TTL", func(t *testing.T) {
		_, url := setup(t, Config{PendingPolls: 1, JobTTL: 1})
		// Every job is expired by the next POST: it starts again each time.
		for range 3 {
			if env := decode(t, post(t, url+base+"/test/otp", `{"otp":"Y"}`).raw); env["status"] != "pending" {
				t.Fatalf("status %v, want pending (job expired)", env["status"])
			}
		}
	})
}

func TestBadRequests(t *testing.T) {
	s, url := setup(t, Config{})
	tests := []struct {
		name, method, route, body string
		code                      int
		class                     string
	}{
		{"invalid JSON", "POST", "/search/cities", `{"zipCode":`, 400, "Client::BadRequest"},
		{"empty body", "POST", "/search/cities", ``, 400, "Client::BadRequest"},
		{"array body", "POST", "/search/cities", `["91400"]`, 400, "Client::BadRequest"},
		{"trailing data", "POST", "/search/cities", `{"zipCode":"91400"} {}`, 400, "Client::BadRequest"},
		{"missing zipCode", "POST", "/search/cities", `{"zip":"91400"}`, 400, "Client::BadRequest"},
		{"empty inseeCode", "POST", "/search/streets", `{"inseeCode":""}`, 400, "Client::BadRequest"},
		{"number zipCode", "POST", "/search/cities", `{"zipCode":91400}`, 400, "Client::BadRequest"},
		{"bad status", "POST", "/test/line", `{"lineNumber":"0123456789","status":"actif"}`, 400, "Client::BadRequest"},
		{"missing status", "POST", "/search/buildingsByLine", `{"lineNumber":"0123456789"}`, 400, "Client::BadRequest"},
		{"buildings without address", "POST", "/search/buildings", `{"streetCode":"5408400200"}`, 400, "Client::BadRequest"},
		{"test/address empty", "POST", "/test/address", `{}`, 400, "Client::BadRequest"},
		{"bad latitude", "POST", "/search/addresses", `{"latitude":"north","longitude":"2"}`, 400, "Client::BadRequest"},
		{"float distance", "POST", "/search/addresses", `{"latitude":"48","longitude":"2","distance":1.5}`, 400, "Client::BadRequest"},
		{"unknown route", "POST", "/search/nothing", `{}`, 404, "Client::NotFound"},
		{"GET on a POST route", "GET", "/search/cities", ``, 405, "Client::MethodNotAllowed"},
		{"GET test without reference", "GET", "/test", ``, 400, "Client::BadRequest"},
		{"GET test unknown reference", "GET", "/test?eligibilityReference=nope", ``, 404, "Client::NotFound"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, tt.method, url+base+tt.route, tt.body, nil)
			if r.code != tt.code {
				t.Fatalf("code %d, want %d: %s", r.code, tt.code, r.raw)
			}
			m := decode(t, r.raw)
			wantKeys(t, "error", m, "class", "message")
			if m["class"] != tt.class || m["message"] == "" {
				t.Errorf("body %s", r.raw)
			}
			if ct := r.hdr.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
			if q := r.hdr.Get("X-Ovh-QueryID"); !reQueryID.MatchString(q) {
				t.Errorf("X-Ovh-QueryID %q", q)
			}
		})
	}
	if st := s.Stats(); st.Jobs != 0 || st.Total != int64(len(tests)) {
		t.Errorf("stats after bad requests: %+v", st)
	}
}

func TestTaskErrorsInAnswers(t *testing.T) {
	_, url := setup(t, Config{})
	tests := []struct{ route, body string }{
		{"/search/buildingDetails", `{"building":"IMB/54084/Z/NOPE"}`},
		{"/test/building", `{"building":"garbage"}`},
		{"/test/line", `{"lineNumber":"12","status":"active"}`},
		{"/test/address", `{"streetCode":"9999999999","streetNumber":"1"}`},
	}
	for _, tt := range tests {
		t.Run(tt.route, func(t *testing.T) {
			env, _ := task(t, url+base+tt.route, tt.body)
			if env["status"] != "error" || env["result"] != nil {
				t.Fatalf("envelope %v, want a task error", env)
			}
			if msg, _ := env["error"].(string); msg == "" {
				t.Error("empty error text")
			}
		})
	}
}

func TestGetTestByReference(t *testing.T) {
	_, url := setup(t, Config{})
	res := obj(t, okResult(t, url+base+"/test/line", `{"lineNumber":"0561234567","status":"inactive"}`))
	ref := res["eligibilityReference"].(string)
	r := do(t, "GET", url+base+"/test?eligibilityReference="+ref, "", nil)
	if r.code != http.StatusOK {
		t.Fatalf("GET test: %d %s", r.code, r.raw)
	}
	got := decode(t, r.raw)
	wantKeys(t, "GET test", got, "eligibilityReference", "endpoint", "offers")
	if fmt.Sprint(got) != fmt.Sprint(res) {
		t.Errorf("GET test differs from the POST result:\n%v\n%v", got, res)
	}
	// Deterministic from the endpoint: a fresh server gives the same reference.
	_, url2 := setup(t, Config{})
	res2 := obj(t, okResult(t, url2+base+"/test/line", `{"lineNumber":"0561234567","status":"inactive"}`))
	if res2["eligibilityReference"] != ref {
		t.Error("eligibilityReference is not deterministic")
	}
}

func TestAuthTimeAndStats(t *testing.T) {
	s, url := setup(t, Config{})
	r := do(t, "GET", url+"/1.0/auth/time", "", nil)
	var ts int64
	if _, err := fmt.Sscan(string(r.raw), &ts); err != nil || r.code != 200 || ts < 1.7e9 {
		t.Fatalf("auth/time: %d %q", r.code, r.raw)
	}
	if !reQueryID.MatchString(r.hdr.Get("X-Ovh-QueryID")) {
		t.Errorf("X-Ovh-QueryID %q", r.hdr.Get("X-Ovh-QueryID"))
	}
	post(t, url+base+"/search/cities", `{"zipCode":"54111"}`)
	post(t, url+"/v1/connectivity/eligibility/search/cities", `{"zipCode":"54111"}`)
	do(t, "GET", url+"/1.0/nowhere", "", nil)

	st := decode(t, do(t, "GET", url+"/__stats", "", nil).raw)
	wantKeys(t, "stats", st, "requests", "total", "pending", "faults", "jobs")
	req := obj(t, st["requests"])
	if req["/connectivity/eligibility/search/cities"] != 2.0 || req["/auth/time"] != 1.0 || req["unknown"] != 1.0 || st["total"] != 4.0 {
		t.Errorf("stats %v", st)
	}
	s.ResetStats()
	if got := s.Stats(); got.Total != 0 || len(got.Requests) != 0 {
		t.Errorf("after reset: %+v", got)
	}
}

func TestPartners(t *testing.T) {
	const ak, as, ck = "app-key", "app-secret", "consumer-key"
	body := `{"lineNumber":"0123456789","status":"active"}`
	sign := func(url, body, secret string) map[string]string {
		ts := "1796367121"
		return map[string]string{
			"X-Ovh-Application": ak, "X-Ovh-Consumer": ck, "X-Ovh-Timestamp": ts,
			"X-Ovh-Signature": Signature(secret, ck, "POST", url, body, ts),
		}
	}
	t.Run("known signature", func(t *testing.T) {
		// The vector of ovh-connectivity-api.md §7.5 was made with go-ovh; we
		// only check the formula's shape here and its use below.
		if got := Signature(as, ck, "POST", "http://h/1.0/x", "", "1"); !regexp.MustCompile(`^\$1\$[0-9a-f]{40}$`).MatchString(got) {
			t.Errorf("signature %q", got)
		}
	})
	_, url := setup(t, Config{AppKey: ak, AppSecret: as, ConsumerKey: ck})
	target := url + base + "/test/line/partners"
	tests := []struct {
		name string
		url  string
		hdr  map[string]string
		code int
	}{
		{"unsigned", target, nil, 403},
		{"wrong secret", target, sign(target, body, "other"), 403},
		{"signed for another body", target, sign(target, `{}`, as), 403},
		{"signed", target, sign(target, body, as), 200},
		{"signed on /v1", url + "/v1/connectivity/eligibility/test/line/partners", sign(url+"/v1/connectivity/eligibility/test/line/partners", body, as), 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, "POST", tt.url, body, tt.hdr)
			if r.code != tt.code {
				t.Fatalf("code %d, want %d: %s", r.code, tt.code, r.raw)
			}
			m := decode(t, r.raw)
			if tt.code == 403 {
				if m["class"] != "Client::Forbidden" || m["message"] != "This call has not been granted" {
					t.Errorf("body %s", r.raw)
				}
				return
			}
			if m["status"] != "ok" {
				t.Errorf("envelope %s", r.raw)
			}
			checkTest(t, m["result"], false, "lineNumber", nil)
		})
	}
	t.Run("no credentials configured", func(t *testing.T) {
		_, url := setup(t, Config{})
		target := url + base + "/test/otp/partners"
		if r := do(t, "POST", target, `{"otp":"X"}`, sign(target, `{"otp":"X"}`, as)); r.code != 403 {
			t.Errorf("code %d, want 403", r.code)
		}
	})
}

func TestConcurrentPolls(t *testing.T) {
	s, url := setup(t, Config{PendingPolls: 2})
	bodies := []string{`{"otp":"A"}`, `{"otp":"B"}`, `{"otp":"C"}`}
	results := make(chan string, 24)
	for i := range 24 {
		go func() {
			b := bodies[i%len(bodies)]
			for range 20 {
				resp, err := http.Post(url+base+"/test/otp", "application/json", strings.NewReader(b))
				if err != nil {
					results <- "error: " + err.Error()
					return
				}
				var env map[string]any
				err = json.NewDecoder(resp.Body).Decode(&env)
				resp.Body.Close()
				if err != nil || env["status"] != "pending" {
					results <- b + fmt.Sprint(env["result"], err)
					return
				}
			}
			results <- "still pending"
		}()
	}
	seen := map[string]bool{}
	for range 24 {
		seen[<-results] = true
	}
	if len(seen) != len(bodies) {
		t.Errorf("%d distinct final answers for %d bodies", len(seen), len(bodies))
	}
	if st := s.Stats(); st.Jobs != int64(len(bodies)) || st.Pending != 2*int64(len(bodies)) {
		t.Errorf("stats %+v", st)
	}
}

func TestResetJobs(t *testing.T) {
	s, url := setup(t, Config{PendingPolls: 1})
	if _, n := task(t, url+base+"/test/otp", `{"otp":"R"}`); n != 2 {
		t.Fatalf("first task took %d POSTs", n)
	}
	if _, n := task(t, url+base+"/test/otp", `{"otp":"R"}`); n != 1 {
		t.Fatalf("finished task took %d POSTs", n)
	}
	s.ResetJobs()
	if _, n := task(t, url+base+"/test/otp", `{"otp":"R"}`); n != 2 {
		t.Errorf("after ResetJobs the task took %d POSTs, want 2", n)
	}
}
