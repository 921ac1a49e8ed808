package ovhapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/ovh/go-ovh/ovh"

	"github.com/ovhcloud-tools/eligibility/ratelimit"
)

// DefaultTimeout bounds one HTTP attempt (go-ovh's own default is 180 s,
// far too long for a batch that retries anyway).
const DefaultTimeout = 30 * time.Second

// poolSize is how many idle go-ovh clients are kept per kind (public,
// signed). It only bounds idle clients, not concurrency.
const poolSize = 64

var _ Caller = (*Client)(nil)

// Client runs eligibility tasks against one OVH endpoint. It is safe for
// concurrent use: each HTTP attempt borrows its own *ovh.Client (go-ovh
// writes Client.Timeout on every request, so one *ovh.Client must never be
// shared by goroutines); all of them share one *http.Transport.
type Client struct {
	endpoint string
	public   *clientPool
	signed   *clientPool // nil without credentials
	limiter  *ratelimit.Limiter
	retry    RetryPolicy
	poll     PollPolicy
	partners bool
	log      *slog.Logger
	stats    stats
}

type config struct {
	hc          *http.Client
	timeout     time.Duration
	limiter     *ratelimit.Limiter
	limiterSet  bool
	retry       RetryPolicy
	poll        PollPolicy
	appKey      string
	appSecret   string
	consumerKey string
	ovhConfig   bool
	partners    bool
	log         *slog.Logger
	userAgent   string
}

// Option configures a Client; it returns an error for invalid input.
type Option func(*config) error

// WithLimiter sets the process-wide limiter every HTTP attempt waits on.
// Without it the client uses its own ratelimit.New(DefaultRate,
// DefaultBurst); nil means no limit.
func WithLimiter(l *ratelimit.Limiter) Option {
	return func(c *config) error {
		c.limiter, c.limiterSet = l, true
		return nil
	}
}

// WithHTTPClient takes the transport (and jar, redirect policy) of hc; its
// Timeout is used when WithTimeout is not given.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("ovhapi: WithHTTPClient: nil client")
		}
		c.hc = hc
		return nil
	}
}

// WithTimeout bounds each HTTP attempt (default DefaultTimeout).
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("ovhapi: WithTimeout: %v is not positive", d)
		}
		c.timeout = d
		return nil
	}
}

// WithRetry sets the retry policy; zero fields keep the defaults.
func WithRetry(p RetryPolicy) Option {
	return func(c *config) error {
		if p.MaxAttempts < 0 || p.Base < 0 || p.Max < 0 {
			return fmt.Errorf("ovhapi: WithRetry: negative value in %+v", p)
		}
		if p.Max > 0 && p.Base > p.Max {
			return fmt.Errorf("ovhapi: WithRetry: Base %v above Max %v", p.Base, p.Max)
		}
		c.retry = p
		return nil
	}
}

// WithPoll sets the polling policy; zero fields keep the defaults.
func WithPoll(p PollPolicy) Option {
	return func(c *config) error {
		if p.First < 0 || p.Max < 0 || p.Deadline < 0 || p.Factor < 0 {
			return fmt.Errorf("ovhapi: WithPoll: negative value in %+v", p)
		}
		if p.Factor != 0 && p.Factor < 1 {
			return fmt.Errorf("ovhapi: WithPoll: Factor %v below 1", p.Factor)
		}
		c.poll = p
		return nil
	}
}

// WithCredentials gives the application key, secret and consumer key used
// to sign /partners routes. They win over OVH_* variables and ovh.conf.
func WithCredentials(appKey, appSecret, consumerKey string) Option {
	return func(c *config) error {
		if appKey == "" || appSecret == "" || consumerKey == "" {
			// Never echo the values: one of them is a secret.
			return errors.New("ovhapi: WithCredentials: application key, application secret and consumer key are all required")
		}
		c.appKey, c.appSecret, c.consumerKey = appKey, appSecret, consumerKey
		return nil
	}
}

// WithOVHConfig loads the endpoint and credentials the go-ovh way: OVH_*
// environment variables over ./ovh.conf, ~/.ovh.conf and /etc/ovh.conf.
// Finding no credentials there is not an error: public routes need none.
func WithOVHConfig() Option {
	return func(c *config) error {
		c.ovhConfig = true
		return nil
	}
}

// WithPartners requires credentials (New fails with ErrNoCredentials
// without them) and makes Service use the signed /partners test routes.
func WithPartners(on bool) Option {
	return func(c *config) error {
		c.partners = on
		return nil
	}
}

// WithLogger receives retries and task outcomes at debug level (nil = discard).
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.log = l
		return nil
	}
}

// WithUserAgent adds s to go-ovh's User-Agent ("github.com/ovh/go-ovh (s)").
func WithUserAgent(s string) Option {
	return func(c *config) error {
		if strings.ContainsAny(s, "\r\n") {
			return errors.New("ovhapi: WithUserAgent: line break in user agent")
		}
		c.userAgent = s
		return nil
	}
}

// New returns a client for endpoint: a go-ovh name ("ovh-eu", "ovh-ca", …)
// or a URL such as "http://127.0.0.1:8080/1.0". An empty endpoint means
// "ovh-eu", or with WithOVHConfig OVH_ENDPOINT / ovh.conf's [default].
func New(endpoint string, opts ...Option) (*Client, error) {
	cfg := config{timeout: 0, retry: DefaultRetry, poll: DefaultPoll}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	endpoint = strings.TrimSuffix(strings.TrimSpace(endpoint), "/")

	var (
		tmpl *ovh.Client // credentials, never used for requests itself
		base string
		err  error
	)
	switch {
	case cfg.appKey != "":
		if base, err = resolveEndpoint(endpoint); err != nil {
			return nil, err
		}
		tmpl = &ovh.Client{AppKey: cfg.appKey, AppSecret: cfg.appSecret, ConsumerKey: cfg.consumerKey}
	case cfg.ovhConfig:
		if tmpl, base, err = fromOVHConfig(endpoint); err != nil {
			return nil, err
		}
	default:
		if base, err = resolveEndpoint(endpoint); err != nil {
			return nil, err
		}
	}
	if cfg.partners && tmpl == nil {
		return nil, ErrNoCredentials
	}

	transport := http.RoundTripper(defaultTransport())
	var jar http.CookieJar
	var redirect func(*http.Request, []*http.Request) error
	if cfg.hc != nil {
		transport, jar, redirect = cfg.hc.Transport, cfg.hc.Jar, cfg.hc.CheckRedirect
		if cfg.timeout == 0 && cfg.hc.Timeout > 0 {
			cfg.timeout = cfg.hc.Timeout
		}
	}
	if cfg.timeout == 0 {
		cfg.timeout = DefaultTimeout
	}
	newHTTP := func() *http.Client {
		return &http.Client{Transport: transport, Jar: jar, CheckRedirect: redirect}
	}

	c := &Client{
		endpoint: base,
		retry:    cfg.retry.withDefaults(),
		poll:     cfg.poll.withDefaults(),
		partners: cfg.partners,
		log:      cfg.log,
		limiter:  cfg.limiter,
	}
	if !cfg.limiterSet {
		c.limiter = ratelimit.New(ratelimit.DefaultRate, ratelimit.DefaultBurst)
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.public = newPool(func() *ovh.Client {
		oc := &ovh.Client{Client: newHTTP(), Timeout: cfg.timeout, UserAgent: cfg.userAgent}
		_ = oc.SetEndpoint(base) // base has no trailing slash
		return oc
	})
	if tmpl != nil {
		c.signed = newPool(func() *ovh.Client {
			// A copy keeps every credential kind go-ovh loaded (including
			// its unexported OAuth2 token source); each copy learns the
			// server time delta once, which is why idle clients are kept.
			oc := new(ovh.Client)
			*oc = *tmpl // tmpl is never used: its time delta is still empty
			oc.Client, oc.Timeout, oc.UserAgent = newHTTP(), cfg.timeout, cfg.userAgent
			_ = oc.SetEndpoint(base)
			return oc
		})
	}
	return c, nil
}

// resolveEndpoint maps a go-ovh endpoint name or a URL to the base URL.
func resolveEndpoint(name string) (string, error) {
	if name == "" {
		name = "ovh-eu"
	}
	if !strings.Contains(name, "/") {
		if u, ok := ovh.Endpoints[name]; ok {
			return u, nil
		}
		return "", fmt.Errorf("ovhapi: unknown endpoint %q: use one of ovh-eu, ovh-ca, ovh-us, … or a URL such as http://127.0.0.1:8080/1.0", name)
	}
	u, err := url.Parse(name)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("ovhapi: endpoint %q is not an http(s) URL", name)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("ovhapi: endpoint URL must have no user, query or fragment")
	}
	return name, nil
}

// fromOVHConfig lets go-ovh read OVH_* and ovh.conf. "missing
// authentication information" only means this is a public-only client.
func fromOVHConfig(endpoint string) (*ovh.Client, string, error) {
	oc, err := ovh.NewEndpointClient(endpoint)
	if err == nil {
		return oc, oc.Endpoint(), nil
	}
	if !strings.Contains(err.Error(), "missing authentication information") {
		// go-ovh's messages name settings, never their values.
		return nil, "", fmt.Errorf("ovhapi: OVH configuration: %w", err)
	}
	if endpoint == "" {
		// Same lookup (OVH_ENDPOINT, then [default] endpoint) with a
		// throwaway token that satisfies go-ovh's credential check.
		if probe, perr := ovh.NewAccessTokenClient("", "-"); perr == nil {
			return nil, probe.Endpoint(), nil
		}
		endpoint = os.Getenv("OVH_ENDPOINT")
	}
	base, err := resolveEndpoint(strings.TrimSuffix(endpoint, "/"))
	return nil, base, err
}

func defaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = poolSize
	return t
}

// clientPool keeps idle *ovh.Client values. A channel rather than a
// sync.Pool: a GC must not drop signed clients, each of which would then
// spend an extra GET /auth/time learning the time delta again.
type clientPool struct {
	idle  chan *ovh.Client
	newFn func() *ovh.Client
}

func newPool(fn func() *ovh.Client) *clientPool {
	return &clientPool{idle: make(chan *ovh.Client, poolSize), newFn: fn}
}

func (p *clientPool) get() *ovh.Client {
	select {
	case oc := <-p.idle:
		return oc
	default:
		return p.newFn()
	}
}

func (p *clientPool) put(oc *ovh.Client) {
	select {
	case p.idle <- oc:
	default:
	}
}

// Endpoint returns the base URL, e.g. https://api.eu.ovhcloud.com/1.0.
func (c *Client) Endpoint() string { return c.endpoint }

// HasCredentials reports whether /partners routes can be signed.
func (c *Client) HasCredentials() bool { return c.signed != nil }

// Partners reports whether WithPartners(true) was given.
func (c *Client) Partners() bool { return c.partners }

// Limiter returns the limiter the client waits on (nil = none).
func (c *Client) Limiter() *ratelimit.Limiter { return c.limiter }

// Service returns the typed routes over this client (no cache).
func (c *Client) Service() Service { return Service{Caller: c, Partners: c.partners} }

// Call runs one task on route to its end and returns its raw result. Routes
// ending in /partners are signed and need credentials.
func (c *Client) Call(ctx context.Context, route string, body any) (json.RawMessage, error) {
	signed := strings.HasSuffix(route, PartnersSuffix)
	if signed && c.signed == nil {
		return nil, fmt.Errorf("POST %s: %w", route, ErrNoCredentials)
	}
	// Marshalled once: every poll re-POSTs these exact bytes.
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("POST %s: encode body: %w", route, err)
	}
	rs := c.stats.route(route)
	rs.calls.Add(1)
	return c.runTask(ctx, route, json.RawMessage(raw), signed, rs)
}

// EligibilityByReference fetches a stored test again (GET, not a task).
func (c *Client) EligibilityByReference(ctx context.Context, ref string) (*EligibilityTest, error) {
	if ref == "" {
		return nil, errors.New("GET " + RouteTest + ": empty eligibility reference")
	}
	rs := c.stats.route(RouteTest)
	rs.calls.Add(1)
	out := new(EligibilityTest)
	path := RouteTest + "?eligibilityReference=" + url.QueryEscape(ref)
	if _, err := c.do(ctx, http.MethodGet, RouteTest, path, nil, out, false, rs); err != nil {
		return nil, err
	}
	return out, nil
}

// do sends one request with retries. It returns the time spent waiting on
// the limiter, which task deadlines do not count.
func (c *Client) do(ctx context.Context, method, route, path string, body, out any, signed bool, rs *routeCounters) (time.Duration, error) {
	var waited time.Duration
	for attempt := 1; ; attempt++ {
		t0 := time.Now()
		err := c.limiter.Wait(ctx)
		waited += time.Since(t0)
		if err != nil {
			return waited, fmt.Errorf("%s %s: rate limiter: %w", method, route, err)
		}
		rs.requests.Add(1)
		err = c.send(ctx, method, path, body, out, signed)
		if err == nil {
			c.limiter.OnSuccess()
			return waited, nil
		}
		if ctx.Err() != nil {
			return waited, fmt.Errorf("%s %s: %w", method, route, ctx.Err())
		}
		if isDecodeError(err) {
			return waited, &DecodeError{Route: route, Err: err}
		}
		ae := apiError(err)
		if ae != nil && ae.Code == http.StatusTooManyRequests {
			rs.rateLimited.Add(1)
			c.limiter.OnRateLimited()
		}
		if !shouldRetry(ctx, err) || attempt >= c.retry.MaxAttempts {
			rs.httpErrors.Add(1)
			herr := &HTTPError{Method: method, Route: route, Attempts: attempt, Err: err}
			c.log.Debug("ovh request failed", "route", route, "attempts", attempt, "err", herr.Error())
			return waited, herr
		}
		rs.retries.Add(1)
		wait := c.retry.backoff(attempt)
		c.log.Debug("ovh request retried", "route", route, "attempt", attempt, "wait", wait,
			"status", statusOf(ae), "query_id", queryIDOf(ae), "err", summarize(err.Error()))
		if err := sleep(ctx, wait); err != nil {
			return waited, fmt.Errorf("%s %s: %w", method, route, err)
		}
	}
}

// send makes one HTTP attempt. go-ovh builds and signs the request and
// sends it (NewRequest, Do: what CallAPIWithContext does); the response is
// read here, the way go-ovh's UnmarshalResponse reads it (same
// *ovh.APIError), but into a pooled buffer decoded in place: go-ovh's
// ReadAll and json.Decoder copies were a fifth of a batch's allocations.
func (c *Client) send(ctx context.Context, method, path string, body, out any, signed bool) error {
	p, needAuth := c.public, false
	if signed {
		p, needAuth = c.signed, true
	}
	oc := p.get()
	defer p.put(oc)
	req, err := oc.NewRequest(method, path, body, needAuth)
	if err != nil {
		return err
	}
	resp, err := oc.Do(req.WithContext(ctx))
	if err != nil {
		return err
	}
	return readResponse(resp, out)
}

var bodyPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBody: a buffer grown past this by an unusual answer is dropped
// rather than kept for ever by the pool.
const maxPooledBody = 1 << 20

// readResponse is go-ovh's UnmarshalResponse on a pooled buffer: an HTTP
// status outside 2xx is an *ovh.APIError (its JSON message, else the raw
// body, and the query id); an empty body decodes nothing.
func readResponse(resp *http.Response, out any) error {
	defer resp.Body.Close()
	buf := bodyPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= maxPooledBody {
			bodyPool.Put(buf)
		}
	}()
	if n := resp.ContentLength; n > 0 && n < 64<<20 {
		buf.Grow(int(n) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return err
	}
	body := buf.Bytes()
	if resp.StatusCode < http.StatusOK || resp.StatusCode >= http.StatusMultipleChoices {
		ae := &ovh.APIError{Code: resp.StatusCode}
		if err := json.Unmarshal(body, ae); err != nil {
			ae.Message = string(body)
		}
		ae.QueryID = resp.Header.Get("X-Ovh-QueryID")
		return ae
	}
	if len(body) == 0 || out == nil {
		return nil
	}
	// json.Unmarshal copies what it keeps (strings, RawMessage), so the
	// buffer may go back to the pool.
	err := json.Unmarshal(body, out)
	var se *json.SyntaxError
	if errors.As(err, &se) && se.Offset >= int64(len(body)) {
		// A body cut short is a cut transfer (retried), as go-ovh's
		// json.Decoder reports it, not a malformed answer.
		return io.ErrUnexpectedEOF
	}
	return err
}

func isDecodeError(err error) bool {
	var se *json.SyntaxError
	var ue *json.UnmarshalTypeError
	return errors.As(err, &se) || errors.As(err, &ue)
}

func statusOf(ae *ovh.APIError) int {
	if ae == nil {
		return 0
	}
	return ae.Code
}

func queryIDOf(ae *ovh.APIError) string {
	if ae == nil {
		return ""
	}
	return ae.QueryID
}
