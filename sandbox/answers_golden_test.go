package sandbox

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ovhcloud-tools/eligibility/laposte"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// goldenReq is one request of the golden mix.
type goldenReq struct {
	method, path, body string
}

// goldenMix builds a deterministic mix of requests from the default world:
// the routes the program calls most (cities, streets, streetNumbers,
// buildings, test/building, test/address), the other routes once in a
// while, repeated keys, equivalent bodies, bad bodies and unknown paths.
// step thins the La Poste table (larger = fewer communes).
func goldenMix(step int) []goldenReq {
	const v = "/1.0" + pathPrefix
	var out []goldenReq
	add := func(method, path, body string) { out = append(out, goldenReq{method, path, body}) }
	post := func(route string, kv ...string) {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		raw, _ := json.Marshal(m)
		add(http.MethodPost, v+route, string(raw))
	}
	w := DefaultWorld()
	entries := laposte.Load().Entries
	communes := []string{"54084", "67482", "91471", "54395"} // the built-in files' communes
	zips := []string{"54230", "67000", "91400", "54000", "00000", "7500"}
	for i := 0; i < len(entries); i += step {
		communes = append(communes, entries[i].Insee)
		zips = append(zips, entries[i].Zip)
	}
	for i, z := range zips {
		post("/search/cities", "zipCode", z)
		if i%7 == 0 {
			post("/search/cities", "zipCode", z) // same key again
			add(http.MethodPost, v+"/search/cities", `{ "zipCode" : " `+z+`" }`)
		}
	}
	for ci, insee := range communes {
		post("/search/streets", "inseeCode", insee)
		streets := w.Streets(insee)
		for si, st := range streets {
			if si >= 2 {
				break
			}
			post("/search/streetNumbers", "streetCode", st.StreetCode)
			if ci%5 == 0 {
				post("/search/streetNumbers/details", "streetCode", st.StreetCode, "streetAltCode", "")
			}
			for ni, nd := range w.NumberDetails(st.StreetCode) {
				if ni >= 3 {
					break
				}
				post("/search/buildings", "streetCode", st.StreetCode, "streetNumber", nd.Number)
				post("/test/address", "streetCode", st.StreetCode, "streetNumber", nd.Number)
				if ni == 0 {
					post("/search/buildings", "hexacle", nd.Hexacle)
					post("/test/address", "hexacle", nd.Hexacle)
					post("/test/address", "streetCode", st.StreetCode, "streetNumber", strings.ToLower(nd.Number)+" ")
					post("/test/address", "streetCode", st.StreetCode, "streetNumber", "9999")
					post("/search/lines", "streetCode", st.StreetCode, "streetNumber", nd.Number, "ownerName", "DUPONT")
				}
				for bi, b := range w.Buildings(st.StreetCode, nd.Number) {
					post("/test/building", "building", b.Reference)
					if bi == 0 && ni == 0 {
						post("/search/buildingDetails", "building", b.Reference)
						post("/test/building", "building", b.Reference) // repeat
						// Read the stored result back.
						add(http.MethodGet, "/1.0"+routeTest+"?eligibilityReference="+reference("building", b.Reference), "")
					}
				}
			}
		}
		if ci%9 == 0 {
			ln := fmt.Sprintf("0%d%08d", 1+ci%5, ci*7919)
			post("/test/line", "lineNumber", ln, "status", "active")
			post("/search/buildingsByLine", "lineNumber", ln, "status", "inactive")
			post("/test/otp", "otp", fmt.Sprintf("FI-%04d-%04d", ci, ci*3))
			post("/test/building", "building", "IMB/"+insee+"/X/ZZZZ") // unknown, commune known
		}
	}
	// Bad requests and odd paths.
	for _, b := range []string{"", " ", "{", "[]", `"x"`, `{"zipCode":"54000"} {}`, `{"zipCode":54000}`, `{"zipCode":"  "}`, `{}`, `{"zipCode":null}`, `{"zipCode":"54000","extra":1}`, `{"zipCode":"54000","nested":{"b":2,"a":[1,2.50]}}`} {
		add(http.MethodPost, v+"/search/cities", b)
	}
	for _, b := range []string{`{"streetCode":"5408401000"}`, `{"hexacle":""}`, `{"streetCode":"x","streetNumber":"1"}`, `{"hexacle":"540840000"}`} {
		add(http.MethodPost, v+"/search/buildings", b)
		add(http.MethodPost, v+"/test/address", b)
	}
	add(http.MethodPost, v+"/test/building", `{"building":"nope"}`)
	add(http.MethodPost, v+"/test/building", `{"building":"IMB/99999/X/AAAA"}`)
	add(http.MethodPost, v+"/search/buildingDetails", `{"building":"IMB/54084/X/AAAA"}`)
	add(http.MethodPost, v+"/test/line", `{"lineNumber":"123","status":"active"}`)
	add(http.MethodPost, v+"/test/line", `{"lineNumber":"0123456789","status":"gone"}`)
	add(http.MethodPost, v+"/search/addresses", `{"latitude":"48.4","longitude":"6.0","distance":2000}`)
	add(http.MethodPost, v+"/search/addresses", `{"latitude":"x","longitude":"6.0"}`)
	add(http.MethodPost, v+"/search/addresses", `{"latitude":"48.4","longitude":"6.0","distance":"far"}`)
	add(http.MethodPost, v+"/test/building/partners", `{"building":"nope"}`) // refused: no AppKey
	add(http.MethodPost, v+"/search/cities/partners", `{"zipCode":"54000"}`)
	add(http.MethodGet, v+"/search/cities", "")
	add(http.MethodPost, v+"/search/nothing", `{}`)
	add(http.MethodPost, pathPrefix+"/search/cities", `{"zipCode":"54000"}`)
	add(http.MethodPost, "/2.0"+pathPrefix+"/search/cities", `{"zipCode":"54000"}`)
	add(http.MethodPost, "/v1"+pathPrefix+"/search/cities", `{"zipCode":"54000"}`)
	add(http.MethodGet, "/1.0"+routeTest, "")
	add(http.MethodGet, "/1.0"+routeTest+"?eligibilityReference=nope", "")
	add(http.MethodPost, "/1.0"+routeTest, "")
	add(http.MethodPost, "/1.0"+routeAuthTime, "")
	add(http.MethodPost, v+"/search/cities", strings.Repeat(" ", maxBody+1))
	return out
}

// playGolden sends reqs (each rounds times) to a fresh sandbox, then GETs
// /__stats, and returns the SHA-256 of every (request, status, headers that
// matter, body). X-Ovh-QueryID embeds the boot time: its boot-dependent
// parts are checked for shape, then left out of the sum. GET /auth/time
// answers the clock: only its status and type are summed.
func playGolden(t *testing.T, cfg Config, reqs []goldenReq, rounds int) (string, int) {
	t.Helper()
	s := New(cfg)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	client := ts.Client()
	h := sha256.New()
	bw := bufio.NewWriter(h)
	n := 0
	send := func(r goldenReq) {
		req, err := http.NewRequestWithContext(t.Context(), r.method, ts.URL+r.path, strings.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		n++
		qid := resp.Header.Get("X-Ovh-QueryID")
		if r.path != routeStats {
			qid = stableQueryID(t, s, qid)
		}
		if r.path == "/1.0"+routeAuthTime && resp.StatusCode == http.StatusOK {
			raw = nil
		}
		fmt.Fprintf(bw, "%s %s %q\n%d %q %q %q %q\n%s\n", r.method, r.path, r.body, resp.StatusCode,
			resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"), qid, resp.Header.Get("Content-Length"), raw)
	}
	for _, r := range reqs {
		for range rounds {
			send(r)
		}
	}
	send(goldenReq{http.MethodGet, "/1.0" + routeAuthTime, ""})
	send(goldenReq{http.MethodGet, routeStats, ""})
	bw.Flush()
	return hex.EncodeToString(h.Sum(nil)), n
}

// stableQueryID checks "EU.ext-D.BOOT.N.H1H2" against the server's boot
// time and drops the boot-dependent parts.
func stableQueryID(t *testing.T, s *Server, qid string) string {
	t.Helper()
	p := strings.Split(qid, ".")
	if len(p) != 5 || len(p[4]) != 32 || p[2] != fmt.Sprintf("%08x", s.boot) {
		t.Fatalf("X-Ovh-QueryID %q: bad shape", qid)
	}
	h1, err1 := strconv.ParseUint(p[4][:16], 16, 64)
	h2, err2 := strconv.ParseUint(p[4][16:], 16, 64)
	if err1 != nil || err2 != nil || h2 != mix(h1^uint64(s.boot)) {
		t.Fatalf("X-Ovh-QueryID %q: second half is not mix(h1^boot)", qid)
	}
	return p[0] + "." + p[1] + "." + p[3] + "." + p[4][:16]
}

func TestAnswersGolden(t *testing.T) {
	step := 1000
	cases := []struct {
		name   string
		cfg    Config
		step   int
		rounds int
	}{
		{"at-once", Config{PendingPolls: 0}, step, 1},
		{"pending-1", Config{PendingPolls: 1}, step * 6, 2},
		{"faults", Config{Seed: 7, FaultRate: map[Fault]float64{
			Fault429: 0.08, Fault500: 0.04, Fault503: 0.04, Fault408: 0.02, FaultTaskError: 0.05, FaultStuck: 0.05,
		}}, step * 6, 3},
		{"fail-first", Config{FailFirst: 1, FailWith: FaultTaskError, PendingPolls: 1}, step * 12, 3},
	}
	path := filepath.Join("testdata", "answers.sha256")
	want := map[string]string{}
	if !*update {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./sandbox/ -run TestAnswersGolden -update)", err)
		}
		for _, l := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
			name, rest, _ := strings.Cut(l, " ")
			want[name] = rest
		}
	}
	got := make([]string, len(cases))
	t.Run("group", func(t *testing.T) {
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				sum, n := playGolden(t, c.cfg, goldenMix(c.step), c.rounds)
				got[i] = fmt.Sprintf("%s %d", sum, n)
				if !*update && got[i] != want[c.name] {
					t.Errorf("answers changed: sum and count %s, golden %s", got[i], want[c.name])
				}
			})
		}
	})
	if *update {
		var b bytes.Buffer
		for i, c := range cases {
			fmt.Fprintf(&b, "%s %s\n", c.name, got[i])
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
