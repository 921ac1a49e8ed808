package sandbox

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// maxBody bounds a request body; eligibility bodies are a few dozen bytes.
const maxBody = 1 << 20

// Server is the simulator, an http.Handler serving /1.0/… and /v1/…,
// GET /auth/time and GET /__stats.
type Server struct {
	cfg   Config
	world *World
	seed  string
	boot  uint32
	qid   atomic.Int64

	bootHex    string // boot as %08x, for the query ids
	httpFaulty bool   // some HTTP fault rate is set: draw per attempt

	mu        sync.Mutex
	jobs      map[string]*job
	lastSweep time.Time
	results   map[string]json.RawMessage // eligibilityReference → EligibilityTest
	fair      map[string]*window

	statsMu sync.Mutex
	stats   Stats
}

// Stats counts what the server saw. Requests are keyed by route path
// without the version prefix ("/connectivity/eligibility/search/cities",
// "/auth/time"; "unknown" for anything else) and count every HTTP request,
// polls and faults included.
type Stats struct {
	Requests map[string]int64 `json:"requests"`
	Total    int64            `json:"total"`
	Pending  int64            `json:"pending"` // pending answers served
	Faults   map[string]int64 `json:"faults"`  // by Fault name, plus "fair-use" for the RatePerMinute limiter
	Jobs     int64            `json:"jobs"`    // request keys started (first non-faulted POST)
}

// job is the state of one request key (route + canonical body).
type job struct {
	attempts int
	started  bool
	created  time.Time
	expires  time.Time
	pending  int // pending answers served
	once     sync.Once
	final    []byte
}

type window struct {
	start time.Time
	n     int
}

// New returns a simulator for cfg.
func New(cfg Config) *Server {
	if cfg.World == nil {
		cfg.World = DefaultWorld()
	}
	if cfg.JobTTL <= 0 {
		cfg.JobTTL = DefaultJobTTL
	}
	cfg.FaultRate = maps.Clone(cfg.FaultRate)
	boot := uint32(time.Now().Unix())
	httpFaulty := false
	for _, f := range httpFaults {
		httpFaulty = httpFaulty || cfg.FaultRate[f] != 0
	}
	return &Server{
		cfg:        cfg,
		world:      cfg.World,
		seed:       strconv.FormatInt(cfg.Seed, 10),
		boot:       boot,
		bootHex:    fmt.Sprintf("%08x", boot),
		httpFaulty: httpFaulty,
		jobs:       map[string]*job{},
		results:    map[string]json.RawMessage{},
		fair:       map[string]*window{},
		stats:      Stats{Requests: map[string]int64{}, Faults: map[string]int64{}},
	}
}

// World returns the world the server answers from.
func (s *Server) World() *World { return s.world }

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	st := s.stats
	st.Requests = maps.Clone(s.stats.Requests)
	st.Faults = maps.Clone(s.stats.Faults)
	return st
}

// ResetStats zeroes the counters (jobs and stored results are kept).
func (s *Server) ResetStats() {
	s.statsMu.Lock()
	s.stats = Stats{Requests: map[string]int64{}, Faults: map[string]int64{}}
	s.statsMu.Unlock()
}

// ResetJobs forgets every task, so that identical requests start pending
// again (as after JobTTL). Stored test results stay readable by reference.
func (s *Server) ResetJobs() {
	s.mu.Lock()
	s.jobs = map[string]*job{}
	s.mu.Unlock()
}

func (s *Server) count(f func(*Stats)) {
	s.statsMu.Lock()
	f(&s.stats)
	s.statsMu.Unlock()
}

// stripVersion turns "/1.0/x" or "/v1/x" into "/x".
func stripVersion(p string) (string, bool) {
	switch {
	case strings.HasPrefix(p, "/1.0/"):
		return p[len("/1.0"):], true
	case strings.HasPrefix(p, "/v1/"):
		return p[len("/v1"):], true
	}
	return "", false
}

// bodyPool recycles request body buffers; a body never outlives its request
// (the job key and the decoded values are copies).
var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// readBody reads at most maxBody+1 bytes into a pooled buffer.
func readBody(r io.Reader, bp *[]byte) ([]byte, error) {
	buf := (*bp)[:0]
	for len(buf) <= maxBody {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):min(cap(buf), maxBody+1)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			*bp = buf
			return nil, err
		}
	}
	*bp = buf
	return buf, nil
}

// Header keys as net/http canonicalizes them, and shared values: assigning
// them skips Header.Set's key check and a slice per response.
var (
	ctJSON = []string{"application/json; charset=utf-8"}
)

const hdrQueryID = "X-Ovh-Queryid" // textproto.CanonicalMIMEHeaderKey("X-Ovh-QueryID")

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == routeStats {
		s.serveStats(w, r)
		return
	}
	w.Header()[hdrQueryID] = []string{s.queryID()}
	path, versioned := stripVersion(r.URL.Path)
	rt, partners, isRoute := lookupRoute(path)
	label := "unknown"
	if versioned && (isRoute || path == routeTest || path == routeAuthTime) {
		label = path
	}
	s.count(func(st *Stats) { st.Requests[label]++; st.Total++ })

	// Read the body first: net/http only notices a client that went away
	// once the body is consumed, and the latency wait relies on that.
	bp := bodyPool.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= 64<<10 {
			bodyPool.Put(bp)
		}
	}()
	raw, err := readBody(r.Body, bp)
	if err != nil {
		writeError(w, http.StatusBadRequest, "Client::BadRequest", "Cannot read the request body")
		return
	}
	if s.cfg.Latency > 0 && !wait(r.Context(), s.cfg.Latency) {
		return // the client went away
	}
	if s.overFairUse(r) {
		s.count(func(st *Stats) { st.Faults["fair-use"]++ })
		writeError(w, http.StatusTooManyRequests, "Client::TooManyRequests",
			fmt.Sprintf("Fair use limit of %d requests per minute reached, slow down", s.cfg.RatePerMinute))
		return
	}
	switch {
	case !versioned:
		writeError(w, http.StatusNotFound, "Client::NotFound", "Got an invalid (or empty) URL")
	case path == routeAuthTime:
		if r.Method != http.MethodGet {
			methodNotAllowed(w, r)
			return
		}
		writeJSON(w, http.StatusOK, time.Now().Unix())
	case path == routeTest:
		if r.Method != http.MethodGet {
			methodNotAllowed(w, r)
			return
		}
		s.serveGetTest(w, r)
	case isRoute:
		if r.Method != http.MethodPost {
			methodNotAllowed(w, r)
			return
		}
		s.serveTask(w, r, raw, path, rt, partners)
	default:
		writeError(w, http.StatusNotFound, "Client::NotFound", "Got an invalid (or empty) URL")
	}
}

func (s *Server) serveStats(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		methodNotAllowed(w, r)
		return
	}
	writeJSON(w, http.StatusOK, s.Stats())
}

func (s *Server) serveGetTest(w http.ResponseWriter, r *http.Request) {
	ref := r.URL.Query().Get("eligibilityReference")
	if ref == "" {
		writeError(w, http.StatusBadRequest, "Client::BadRequest", "Missing parameter(s): eligibilityReference")
		return
	}
	s.mu.Lock()
	raw, ok := s.results[ref]
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "Client::NotFound",
			fmt.Sprintf("The requested object (eligibilityReference = %s) does not exist", ref))
		return
	}
	writeRaw(w, http.StatusOK, raw)
}

func (s *Server) serveTask(w http.ResponseWriter, r *http.Request, raw []byte, path string, rt route, partners bool) {
	if len(raw) > maxBody {
		writeError(w, http.StatusBadRequest, "Client::BadRequest", "Request body too large")
		return
	}
	if partners && !s.signed(r, raw) {
		writeError(w, http.StatusForbidden, "Client::Forbidden", "This call has not been granted")
		return
	}
	b, canon, msg := decodeBody(raw)
	if msg == "" {
		msg = validate(rt, b)
	}
	if msg != "" {
		writeError(w, http.StatusBadRequest, "Client::BadRequest", msg)
		return
	}
	key := path + "\n" + canon

	now := time.Now()
	s.mu.Lock()
	j := s.jobs[key]
	if j == nil || now.After(j.expires) {
		s.sweep(now)
		j = &job{expires: now.Add(s.cfg.JobTTL)}
		s.jobs[key] = j
	}
	j.attempts++
	attempt := j.attempts
	s.mu.Unlock()

	if f := s.httpFault(key, attempt); f != "" {
		s.count(func(st *Stats) { st.Faults[string(f)]++ })
		s.writeFault(w, f, key, attempt)
		return
	}

	state := s.advance(j, key, attempt, now)
	switch state {
	case TaskPending:
		s.count(func(st *Stats) { st.Pending++ })
		writeRaw(w, http.StatusOK, []byte(`{"status":"pending","result":null,"error":null}`))
	case TaskError:
		writeRaw(w, http.StatusOK, envelope(nil, "EXTERNAL_WS_UNREACHABLE: the operator's web service did not answer, try again later"))
	default:
		j.once.Do(func() { j.final = s.finalAnswer(key, b, rt) })
		writeRaw(w, http.StatusOK, j.final)
	}
}

// Task states.
const (
	TaskPending = "pending"
	TaskOK      = "ok"
	TaskError   = "error"
)

// advance moves a job on by one answered POST and says what to answer.
func (s *Server) advance(j *job, key string, attempt int, now time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !j.started {
		j.started = true
		j.created = now
		s.count(func(st *Stats) { st.Jobs++ })
		if s.keyFault(FaultStuck, key) {
			s.count(func(st *Stats) { st.Faults[string(FaultStuck)]++ })
		}
	}
	if attempt <= s.cfg.FailFirst {
		switch s.cfg.FailWith {
		case FaultStuck:
			return TaskPending
		case FaultTaskError:
			s.count(func(st *Stats) { st.Faults[string(FaultTaskError)]++ })
			return TaskError
		}
	}
	if s.keyFault(FaultStuck, key) {
		return TaskPending
	}
	if j.pending < s.cfg.PendingPolls || now.Sub(j.created) < s.cfg.PendingFor {
		j.pending++
		return TaskPending
	}
	return TaskOK
}

// finalAnswer computes the stable final envelope of a key.
func (s *Server) finalAnswer(key string, b body, rt route) []byte {
	if s.keyFault(FaultTaskError, key) {
		s.count(func(st *Stats) { st.Faults[string(FaultTaskError)]++ })
		return envelope(nil, "EXTERNAL_WS_UNREACHABLE: the operator's web service did not answer, try again later")
	}
	a := rt.answer(s, b)
	if a.errText != "" {
		return envelope(nil, a.errText)
	}
	// The envelope is written around the result; the same bytes hold the
	// test result served by GET test (the job's answer and the stored result
	// share memory).
	const head, tail = `{"status":"ok","result":`, `,"error":null}`
	bp := encodePool.Get().(*[]byte)
	defer encodePool.Put(bp)
	buf, err := appendResult(append((*bp)[:0], head...), a.result)
	*bp = buf[:0]
	if err != nil {
		return envelope(nil, "internal error: "+err.Error())
	}
	out := make([]byte, len(buf)+len(tail))
	copy(out[copy(out, buf):], tail)
	if a.ref != "" {
		s.mu.Lock()
		s.results[a.ref] = out[len(head):len(buf):len(buf)]
		s.mu.Unlock()
	}
	return out
}

// encodePool recycles the scratch buffers answers are written into.
var encodePool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

func envelope(result any, errText string) []byte {
	type env struct {
		Status string          `json:"status"`
		Result json.RawMessage `json:"result"`
		Error  *string         `json:"error"`
	}
	e := env{Status: TaskOK, Result: json.RawMessage("null")}
	if errText != "" {
		e.Status, e.Error = TaskError, &errText
	} else {
		raw, err := json.Marshal(result)
		if err != nil {
			msg := "internal error: " + err.Error()
			e.Status, e.Error = TaskError, &msg
		} else {
			e.Result = raw
		}
	}
	out, _ := json.Marshal(e)
	return out
}

// decodeBody reads a JSON object and returns it with its canonical form
// (keys sorted, numbers as sent), or a 400 message.
func decodeBody(raw []byte) (body, string, string) {
	if b, canon, ok := decodeFlat(raw); ok {
		return b, canon, ""
	}
	return decodeSlow(raw)
}

// decodeSlow is decodeBody for any input.
func decodeSlow(raw []byte) (body, string, string) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, "", "Invalid JSON received: empty body"
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, "", "Invalid JSON received: " + err.Error()
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, "", "Invalid JSON received: data after the object"
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, "", "Invalid JSON received: an object is expected"
	}
	canon, err := json.Marshal(m) // maps marshal with sorted keys
	if err != nil {
		return nil, "", "Invalid JSON received: " + err.Error()
	}
	return body(m), string(canon), ""
}

// sweep drops expired jobs now and then; the caller holds s.mu.
func (s *Server) sweep(now time.Time) {
	every := max(s.cfg.JobTTL/4, time.Second)
	if now.Sub(s.lastSweep) < every {
		return
	}
	s.lastSweep = now
	for k, j := range s.jobs {
		if now.After(j.expires) {
			delete(s.jobs, k)
		}
	}
}

// keyFault draws a per-key fault.
func (s *Server) keyFault(f Fault, key string) bool {
	p := s.cfg.FaultRate[f]
	return p > 0 && unit(hash64(s.seed, string(f), key)) < p
}

// httpFault draws the HTTP fault of one attempt, or "".
func (s *Server) httpFault(key string, attempt int) Fault {
	if attempt <= s.cfg.FailFirst && s.cfg.FailWith.isHTTP() {
		return s.cfg.FailWith
	}
	if !s.httpFaulty {
		return "" // no rate set: the draw below could not pick a fault
	}
	u := unit(hash64(s.seed, "http", key, strconv.Itoa(attempt)))
	acc := 0.0
	for _, f := range httpFaults {
		acc += s.cfg.FaultRate[f]
		if u < acc {
			return f
		}
	}
	return ""
}

func (s *Server) writeFault(w http.ResponseWriter, f Fault, key string, attempt int) {
	switch f {
	case Fault429:
		if hash64(s.seed, "429body", key, strconv.Itoa(attempt))%2 == 0 {
			writeError(w, http.StatusTooManyRequests, "Client::TooManyRequests", "Too many requests, please slow down")
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, "Too Many Requests\n")
	case Fault500:
		writeError(w, http.StatusInternalServerError, "Server::InternalServerError", "Internal server error")
	case Fault503:
		writeHTML(w, http.StatusServiceUnavailable, "<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n")
	case Fault408:
		writeHTML(w, http.StatusRequestTimeout, "<html><body><h1>408 Request Time-out</h1>\nYour browser didn't send a complete request in time.\n</body></html>\n")
	}
}

// overFairUse applies RatePerMinute per consumer key, else per client IP,
// over fixed one-minute windows.
func (s *Server) overFairUse(r *http.Request) bool {
	if s.cfg.RatePerMinute <= 0 {
		return false
	}
	who := r.Header.Get("X-Ovh-Consumer")
	if who == "" {
		who, _, _ = net.SplitHostPort(r.RemoteAddr)
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	win := s.fair[who]
	if win == nil || now.Sub(win.start) >= time.Minute {
		win = &window{start: now}
		s.fair[who] = win
	}
	win.n++
	return win.n > s.cfg.RatePerMinute
}

// signed checks a go-ovh signature: "$1$" + hex(sha1(AppSecret+"+"+
// ConsumerKey+"+"+METHOD+"+"+fullURL+"+"+body+"+"+timestamp)).
func (s *Server) signed(r *http.Request, raw []byte) bool {
	if s.cfg.AppKey == "" {
		return false
	}
	h := r.Header
	if h.Get("X-Ovh-Application") != s.cfg.AppKey || h.Get("X-Ovh-Consumer") != s.cfg.ConsumerKey {
		return false
	}
	ts, sig := h.Get("X-Ovh-Timestamp"), h.Get("X-Ovh-Signature")
	if _, err := strconv.ParseInt(ts, 10, 64); err != nil || sig == "" {
		return false
	}
	uri := r.RequestURI
	if uri == "" || !strings.HasPrefix(uri, "/") {
		uri = r.URL.RequestURI()
	}
	for _, scheme := range []string{"http", "https"} {
		want := Signature(s.cfg.AppSecret, s.cfg.ConsumerKey, r.Method, scheme+"://"+r.Host+uri, string(raw), ts)
		if subtle.ConstantTimeCompare([]byte(want), []byte(sig)) == 1 {
			return true
		}
	}
	return false
}

// Signature computes go-ovh's X-Ovh-Signature (exported for tests and demos).
func Signature(appSecret, consumerKey, method, fullURL, body, timestamp string) string {
	sum := sha1.Sum([]byte(appSecret + "+" + consumerKey + "+" + method + "+" + fullURL + "+" + body + "+" + timestamp))
	return "$1$" + hex.EncodeToString(sum[:])
}

// queryID mimics "EU.ext-3.65e35d7b.2743956.409faf758b6080216e956063f7a5db1b".
func (s *Server) queryID() string {
	n := s.qid.Add(1)
	var b [96]byte
	ns := strconv.AppendInt(b[:0], n, 10)
	// hash64(s.seed, "qid", n) without converting n to a string.
	h := fnvAdd(fnvAdd(uint64(fnvOffset64), s.seed), "qid")
	for _, c := range ns {
		h ^= uint64(c)
		h *= fnvPrime64
	}
	h1 := mix(h * fnvPrime64)
	h2 := mix(h1 ^ uint64(s.boot))
	out := append(b[len(ns):len(ns)], "EU.ext-"...)
	out = strconv.AppendUint(out, 1+h1%6, 10)
	out = append(out, '.')
	out = append(out, s.bootHex...)
	out = append(out, '.')
	out = append(out, ns...)
	out = append(out, '.')
	out = appendHex64(out, h1)
	out = appendHex64(out, h2)
	return string(out)
}

// appendHex64 writes x as 16 lowercase hex digits (%016x).
func appendHex64(b []byte, x uint64) []byte {
	const digits = "0123456789abcdef"
	for i := 60; i >= 0; i -= 4 {
		b = append(b, digits[(x>>uint(i))&0xf])
	}
	return b
}

// wait sleeps d unless ctx ends first; it reports whether d elapsed.
func wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusMethodNotAllowed, "Client::MethodNotAllowed", fmt.Sprintf("Method %s is not allowed on this path", r.Method))
}

func writeError(w http.ResponseWriter, code int, class, message string) {
	writeJSON(w, code, struct {
		Class   string `json:"class"`
		Message string `json:"message"`
	}{class, message})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	raw, err := json.Marshal(v)
	if err != nil {
		code, raw = http.StatusInternalServerError, []byte(`{"class":"Server::InternalServerError","message":"encoding error"}`)
	}
	writeRaw(w, code, raw)
}

func writeRaw(w http.ResponseWriter, code int, raw []byte) {
	w.Header()["Content-Type"] = ctJSON
	w.WriteHeader(code)
	w.Write(raw)
}

func writeHTML(w http.ResponseWriter, code int, page string) {
	w.Header().Set("Content-Type", "text/html")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(code)
	io.WriteString(w, page)
}
