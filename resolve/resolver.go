package resolve

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ovhcloud-tools/eligibility/laposte"
	"github.com/ovhcloud-tools/eligibility/ovhapi"
)

// Defaults of Options.
const (
	DefaultThreshold = 0.80 // below: never auto-picked
	DefaultMargin    = 0.05 // two best closer than this: ambiguous
	DefaultFloor     = 0.70 // below: not found rather than ambiguous
)

// Options tune the resolver. Zero values take the defaults.
type Options struct {
	// Offers restricts the best offer to these technologies ("FTTH",
	// "VDSL") or product codes ("FTTH-MAX-1G").
	Offers []string
	// Threshold is the lowest score a city or street match may have to be
	// picked; Margin the least gap between the two best candidates.
	Threshold, Margin float64
	// Floor: a best candidate scoring below it is "not found" (with the
	// candidates kept) rather than ambiguous. Added field.
	Floor float64
	// StreetLevel allows rows without a house number to be tested at the
	// street's first listed number (else they stop at not_found).
	StreetLevel bool
	// BothLineStatuses tests a line as active and inactive.
	BothLineStatuses bool
	// Hexacle asks search/streetNumbers/details and passes the hexacle to
	// search/buildings and test/address. Added field.
	Hexacle bool
	// MemoSearch and MemoTests bound the decoded answers kept across rows
	// (search lists weigh their length, test answers one each); 0 takes
	// DefaultMemoSearch / DefaultMemoTests, negative keeps none. Added
	// fields.
	MemoSearch, MemoTests int
	// NoSteps leaves Outcome.Steps empty: formatting them is a few percent
	// of a batch's CPU, and only `check` and JSON lines show them.
	NoSteps bool
	Logger  *slog.Logger
	// now is the clock of the memos (tests); nil = time.Now.
	now func() time.Time
}

// Resolver resolves rows. It is safe for concurrent use.
type Resolver struct {
	svc  ovhapi.Service
	opts Options
	log  *slog.Logger
	lp   *laposte.Table

	prepared   preparedCache
	zips       zipCache
	memoSearch *answerMemo
	memoTests  *answerMemo
	spellings  *answerMemo // (INSEE, row street) → top candidates
	offerSets  offerSets
	memoHits   atomic.Int64
}

// MemoHits counts the answers served from the resolver's own memos instead
// of its Caller (the summary adds them to the cache hits).
func (r *Resolver) MemoHits() int64 { return r.memoHits.Load() }

// New returns a resolver calling svc.
func New(svc ovhapi.Service, opts Options) *Resolver {
	if opts.Threshold <= 0 {
		opts.Threshold = DefaultThreshold
	}
	if opts.Margin <= 0 {
		opts.Margin = DefaultMargin
	}
	if opts.Floor <= 0 {
		opts.Floor = DefaultFloor
	}
	if opts.Floor > opts.Threshold {
		opts.Floor = opts.Threshold
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.now == nil {
		opts.now = time.Now
	}
	r := &Resolver{svc: svc, opts: opts, log: log, lp: laposte.Load()}
	r.memoSearch = newAnswerMemo(orDefault(opts.MemoSearch, DefaultMemoSearch), memoSearchAge)
	r.memoTests = newAnswerMemo(orDefault(opts.MemoTests, DefaultMemoTests), memoTestAge)
	r.spellings = newAnswerMemo(maxSpellings, memoSearchAge)
	return r
}

func orDefault(n, def int) int {
	if n == 0 {
		return def
	}
	return n
}

// run is the state of one Resolve: the outcome being built and a memo so
// that one row never asks OVH the same thing twice.
type run struct {
	r    *Resolver
	out  *Outcome
	memo map[memoKey]memoEntry
	errs []error // API failures that did not stop the row
}

type memoEntry struct {
	v   any
	err error
}

// memoCall runs f once per (route, body) within a row, and serves its
// decoded ok answers to later rows from the resolver's memos.
func memoCall[T any](ctx context.Context, x *run, route string, body any, f func(context.Context) (T, error)) (T, error) {
	key := requestKey(route, body)
	if e, ok := x.memo[key]; ok {
		v, _ := e.v.(T)
		return v, e.err
	}
	m := x.r.memoFor(route)
	if v, ok := m.get(key, x.r.opts.now()); ok {
		if t, ok := v.(T); ok {
			x.r.memoHits.Add(1)
			x.remember(key, memoEntry{v: t})
			return t, nil
		}
	}
	v, err := f(ctx)
	if err == nil {
		if t, ok := m.put(key, v, answerCost(v), x.r.opts.now()).(T); ok {
			v = t
		}
	}
	x.remember(key, memoEntry{v: v, err: err})
	return v, err
}

// remember keeps an answer for the rest of the row.
func (x *run) remember(key memoKey, e memoEntry) {
	if x.memo == nil {
		x.memo = make(map[memoKey]memoEntry, 8)
	}
	x.memo[key] = e
}

func (x *run) step(name, format string, args ...any) {
	if x.r.opts.NoSteps {
		return
	}
	x.out.Steps = append(x.out.Steps, Step{Name: name, Detail: fmt.Sprintf(format, args...)})
}

// fail ends the row with status error because of an API failure.
func (x *run) fail(stepName string, err error) {
	x.out.Status = StatusError
	x.out.Error = err.Error()
	x.out.Reason = "API failure at " + stepName + ": " + shorten(err.Error(), 160)
	x.step(stepName, "error: %v", err)
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Resolve resolves one row. It never panics on bad input and always returns
// a status with a reason.
func (r *Resolver) Resolve(ctx context.Context, in Input) Outcome {
	out := Outcome{Match: MatchNone}
	x := &run{r: r, out: &out}
	x.resolve(ctx, normalizeInput(in))
	if out.Status == "" { // defensive: every path sets one
		out.Status = StatusInvalid
		out.Reason = "row could not be resolved"
	}
	r.log.Debug("resolved", "status", out.Status, "match", out.Match, "reason", out.Reason)
	return out
}

func normalizeInput(in Input) Input {
	t := strings.TrimSpace
	return Input{
		Zip: t(in.Zip), City: t(in.City), Insee: t(in.Insee), Address: t(in.Address),
		Number: t(in.Number), Suffix: t(in.Suffix), Street: t(in.Street), Complement: t(in.Complement),
		Line: t(in.Line), LineStatus: t(in.LineStatus), OTP: t(in.OTP), Building: t(in.Building),
	}
}

func (x *run) resolve(ctx context.Context, in Input) {
	if in.Empty() {
		x.out.Status, x.out.Reason = StatusInvalid, "empty row"
		return
	}
	// Direct identifiers, most precise first. A failure falls through to
	// the next identifier the row has; its error is kept.
	if in.OTP != "" {
		if x.direct(ctx, "test/otp", MatchOTP, func(ctx context.Context) bool { return x.testOTP(ctx, in.OTP) }) {
			return
		}
	}
	if in.Building != "" {
		if x.direct(ctx, "test/building", MatchBuilding, func(ctx context.Context) bool {
			return x.testBuilding(ctx, in.Building)
		}) {
			return
		}
	}
	if in.Line != "" {
		if x.direct(ctx, "test/line", MatchLine, func(ctx context.Context) bool { return x.lineStrategy(ctx, in) }) {
			return
		}
	}
	if !hasAddress(in) {
		if len(x.errs) > 0 {
			x.fail(lastStepName(x.out), x.errs[len(x.errs)-1])
			return
		}
		if x.out.Status == "" {
			x.out.Status = StatusInvalid
			x.out.Reason = "no usable field (need zip/INSEE/city with street or address, a line, an OTP or a building)"
		}
		return
	}
	x.addressStrategy(ctx, in)
}

// direct runs one identifier strategy; it reports whether the row is done
// (some endpoint answered).
func (x *run) direct(ctx context.Context, name string, m Match, f func(context.Context) bool) bool {
	if !f(ctx) {
		return false
	}
	x.out.Match = m
	x.finishOffers()
	return true
}

func lastStepName(o *Outcome) string {
	if len(o.Steps) == 0 {
		return "request"
	}
	return o.Steps[len(o.Steps)-1].Name
}

func hasAddress(in Input) bool {
	return in.Address != "" || in.Street != "" || in.Zip != "" || in.Insee != "" || in.City != ""
}

// finishOffers decides the status from the offers tested; API failures
// with no offer at all make the row an error.
func (x *run) finishOffers() {
	// An API failure leaves the answer incomplete unless something is
	// eligible anyway: never report not_eligible for it.
	if len(x.errs) > 0 && !hasEligible(x.out.Offers, x.r.opts.Offers...) {
		x.fail(lastStepName(x.out), x.errs[len(x.errs)-1])
		return
	}
	decide(x.out, x.r.opts.Offers)
	if x.out.Score == 0 && x.out.Status != StatusError {
		x.out.Score = 1
	}
}

// record adds a test's offers and fills the outcome's address from the
// endpoint when the row did not give it. It returns the offers added.
func (x *run) record(t *testAnswer, endpoint, typ string) []Offer {
	n := len(x.out.Offers)
	x.out.Offers = append(x.out.Offers, t.offers...)
	offers := x.out.Offers[n:]
	for i := range offers {
		offers[i].Endpoint, offers[i].EndpointType, offers[i].Reference = endpoint, typ, t.ref
	}
	a := t.addr
	if a == nil {
		return offers
	}
	if x.out.Insee == "" {
		x.out.Insee = a.insee
	}
	if x.out.Zip == "" {
		x.out.Zip = a.zip
	}
	if x.out.City == "" {
		x.out.City = a.city
	}
	if x.out.StreetCode == "" && a.hasStreet {
		x.out.StreetCode, x.out.Street, x.out.Number = a.streetCode, a.streetName, a.streetNumber
	}
	return offers
}

// tracing reports whether steps are kept: arguments that cost something to
// build are only built then.
func (x *run) tracing() bool { return !x.r.opts.NoSteps }

func summarize(offers []Offer) string {
	if len(offers) == 0 {
		return "no offer"
	}
	var el []string
	for _, o := range offers {
		if o.Eligible {
			el = append(el, o.Code)
		}
	}
	if len(el) == 0 {
		return fmt.Sprintf("%d offers, none eligible", len(offers))
	}
	return fmt.Sprintf("%d offers, eligible: %s", len(offers), strings.Join(el, " "))
}

func (x *run) testOTP(ctx context.Context, otp string) bool {
	t, err := x.test(ctx, ovhapi.RouteTestOTP, otp, ovhapi.TestOTPRequest{OTP: otp})
	if err != nil {
		x.errs = append(x.errs, err)
		x.step("test/otp", "OTP %s: error: %v", otp, err)
		return false
	}
	offers := x.record(t, otp, EndpointOTP)
	if x.tracing() {
		x.step("test/otp", "OTP %s: %s", otp, summarize(offers))
	}
	return true
}

func (x *run) testBuilding(ctx context.Context, ref string) bool {
	t, err := x.test(ctx, ovhapi.RouteTestBuilding, ref, ovhapi.TestBuildingRequest{Building: ref})
	if err != nil {
		x.errs = append(x.errs, err)
		x.step("test/building", "building %s: error: %v", ref, err)
		return false
	}
	offers := x.record(t, ref, EndpointBuilding)
	if !contains(x.out.Buildings, ref) {
		x.out.Buildings = append(x.out.Buildings, ref)
	}
	if x.tracing() {
		x.step("test/building", "building %s: %s", ref, summarize(offers))
	}
	return true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// normalizeLine turns "01 23 45 67 89", "+33123456789" or "123456789"
// into OVH's ten-digit form.
func normalizeLine(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(s, "+33") && len(d) == 11:
		d = "0" + d[2:]
	case strings.HasPrefix(d, "0033") && len(d) == 13:
		d = "0" + d[4:]
	case len(d) == 9:
		d = "0" + d // lost leading zero (spreadsheet)
	}
	return d
}

func lineStatuses(in Input, both bool) []string {
	st := strings.ToLower(strings.TrimSpace(in.LineStatus))
	switch st {
	case "inactive", "inactif", "inactive line", "0", "false", "no", "non":
		st = ovhapi.LineInactive
	default:
		st = ovhapi.LineActive
	}
	if !both {
		return []string{st}
	}
	if st == ovhapi.LineActive {
		return []string{ovhapi.LineActive, ovhapi.LineInactive}
	}
	return []string{ovhapi.LineInactive, ovhapi.LineActive}
}

// lineStrategy tests the line (copper) and the buildings it serves (fiber).
func (x *run) lineStrategy(ctx context.Context, in Input) bool {
	line := normalizeLine(in.Line)
	if len(line) != 10 {
		x.step("test/line", "line %q is not a 10-digit number", in.Line)
		if x.out.Status == "" {
			x.out.Status, x.out.Reason = StatusInvalid, fmt.Sprintf("line number %q is not a 10-digit number", in.Line)
		}
		return false
	}
	x.out.Line = line
	ok := false
	for _, st := range lineStatuses(in, x.r.opts.BothLineStatuses) {
		req := ovhapi.TestLineRequest{LineNumber: line, Status: st}
		t, err := x.test(ctx, ovhapi.RouteTestLine, req, req)
		if err != nil {
			x.errs = append(x.errs, err)
			x.step("test/line", "line %s (%s): error: %v", line, st, err)
		} else {
			ok = true
			offers := x.record(t, line, EndpointLine)
			if x.tracing() {
				x.step("test/line", "line %s (%s): %s", line, st, summarize(offers))
			}
		}
		breq := ovhapi.LineRequest{LineNumber: line, Status: st}
		bs, err := memoCall(ctx, x, ovhapi.RouteBuildingsByLine, breq, func(ctx context.Context) (buildingList, error) {
			bs, err := x.r.svc.BuildingsByLine(ctx, breq)
			return buildingsOf(bs), err
		})
		if err != nil {
			x.errs = append(x.errs, err)
			x.step("buildingsByLine", "line %s (%s): error: %v", line, st, err)
			continue
		}
		if x.tracing() {
			x.step("buildingsByLine", "line %s (%s): %d building(s) %s", line, st, len(bs), strings.Join(bs, " "))
		}
		for _, ref := range bs {
			if ref != "" && x.testBuilding(ctx, ref) {
				ok = true
			}
		}
	}
	return ok
}
