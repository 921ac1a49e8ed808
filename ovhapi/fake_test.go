package ovhapi

import (
	"crypto/sha1"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeAPI is a scripted stand-in for OVH used until (and besides) the
// sandbox: respond decides each answer from the route and the 1-based count
// of requests on it.
type fakeAPI struct {
	srv     *httptest.Server
	respond func(route string, n int, r *http.Request, body []byte) (int, string)
	// creds, when set, are checked on signed (/partners) requests like OVH
	// would: X-Ovh-Application/Consumer/Timestamp/Signature.
	creds *[3]string

	mu       sync.Mutex
	requests map[string]int
	bodies   map[string][]string
	headers  map[string][]http.Header
}

const dropConn = -1 // respond status: close the connection without answering

func okJSON(result string) string { return `{"status":"ok","result":` + result + `,"error":null}` }

const pendingJSON = `{"status":"pending","result":null,"error":null}`

func newFake(t *testing.T, respond func(route string, n int, r *http.Request, body []byte) (int, string)) *fakeAPI {
	t.Helper()
	f := &fakeAPI{respond: respond, requests: map[string]int{}, bodies: map[string][]string{}, headers: map[string][]http.Header{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) endpoint() string { return f.srv.URL + "/1.0" }

func (f *fakeAPI) count(route string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[route]
}

func (f *fakeAPI) sentBodies(route string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.bodies[route]...)
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	route := strings.TrimPrefix(r.URL.Path, "/1.0")
	if route == "/auth/time" {
		fmt.Fprint(w, time.Now().Unix())
		return
	}
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.requests[route]++
	n := f.requests[route]
	f.bodies[route] = append(f.bodies[route], string(body))
	f.headers[route] = append(f.headers[route], r.Header.Clone())
	f.mu.Unlock()

	w.Header().Set("X-Ovh-QueryID", "EU.ext-1.test."+strconv.Itoa(n))
	if strings.HasSuffix(route, PartnersSuffix) {
		if status, msg := f.checkSignature(r, body); status != 0 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprint(w, msg)
			return
		}
	}
	status, resp := http.StatusOK, okJSON("[]")
	if f.respond != nil {
		status, resp = f.respond(route, n, r, body)
	}
	if status == dropConn {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	if strings.HasPrefix(resp, "<") {
		w.Header().Set("Content-Type", "text/html")
	} else {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	fmt.Fprint(w, resp)
}

func (f *fakeAPI) checkSignature(r *http.Request, body []byte) (int, string) {
	app, cons, ts, sig := r.Header.Get("X-Ovh-Application"), r.Header.Get("X-Ovh-Consumer"),
		r.Header.Get("X-Ovh-Timestamp"), r.Header.Get("X-Ovh-Signature")
	if app == "" || sig == "" {
		return http.StatusForbidden, `{"class":"Client::Forbidden","message":"This call has not been granted"}`
	}
	if f.creds == nil || app != f.creds[0] || cons != f.creds[2] {
		return http.StatusForbidden, `{"errorCode":"INVALID_CREDENTIAL","httpCode":"403 Forbidden","message":"This credential is not valid"}`
	}
	target := "http://" + r.Host + r.URL.RequestURI()
	h := sha1.Sum([]byte(f.creds[1] + "+" + f.creds[2] + "+" + r.Method + "+" + target + "+" + string(body) + "+" + ts))
	if sig != fmt.Sprintf("$1$%x", h) {
		return http.StatusBadRequest, `{"errorCode":"INVALID_SIGNATURE","httpCode":"400 Bad Request","message":"Invalid signature"}`
	}
	return 0, ""
}
