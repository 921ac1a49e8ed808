package resolve

import (
	"context"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ovhcloud-tools/eligibility/address"
	"github.com/ovhcloud-tools/eligibility/ovhapi"
)

// addressStrategy: cities → streets → streetNumbers → buildings →
// test/building, and test/address when no building or no fiber offer.
func (x *run) addressStrategy(ctx context.Context, in Input) {
	x.addressSteps(ctx, in)
	// A direct identifier that failed with an API error outranks an
	// address that could not be matched: never report not_found for it.
	switch x.out.Status {
	case StatusNotFound, StatusAmbiguous, StatusInvalid:
		if len(x.errs) > 0 && len(x.out.Offers) == 0 {
			reason := x.out.Reason
			x.fail(lastStepName(x.out), x.errs[0])
			x.out.Reason += " (address: " + reason + ")"
		}
	}
}

func (x *run) addressSteps(ctx context.Context, in Input) {
	zipIn, city, number, suffix, street := in.Zip, in.City, in.Number, in.Suffix, in.Street
	if in.Address != "" {
		p := address.SplitAddress(in.Address)
		if street == "" {
			street = p.Street
			if number == "" {
				number = p.Number
			}
		}
		if zipIn == "" {
			zipIn = p.Zip
		}
		if city == "" {
			city = p.City
		}
		if len(p.Stripped) > 0 {
			x.step("parse", "address %q: stripped %s", in.Address, strings.Join(p.Stripped, ", "))
		}
	}
	var reread *altReading
	if number == "" && street != "" {
		if n, s := address.SplitStreet(street); n != "" && s != "" {
			number, street = n, s
			reread = letterReading(number, suffix, street)
		}
	}
	q := cityQuery{}
	zip, zst := address.RepairZip(zipIn)
	switch zst {
	case address.CodeInvalid:
		x.out.Status, x.out.Reason = StatusInvalid, fmt.Sprintf("bad zip %q", zipIn)
		return
	case address.CodeRepaired:
		x.step("parse", "zip %q repaired to %s", zipIn, zip)
	}
	if zst == address.CodeOK || zst == address.CodeRepaired {
		q.zip = zip
	}
	insee, ist := address.RepairInsee(in.Insee)
	switch ist {
	case address.CodeInvalid:
		if q.zip == "" && city == "" {
			x.out.Status, x.out.Reason = StatusInvalid, fmt.Sprintf("bad INSEE code %q", in.Insee)
			return
		}
		x.step("parse", "ignoring bad INSEE code %q", in.Insee)
	case address.CodeRepaired:
		x.step("parse", "INSEE %q repaired to %s", in.Insee, insee)
		q.insee = insee
	case address.CodeOK:
		q.insee = insee
	}
	if city != "" {
		q.city, q.cedex = address.CleanCity(city)
		if q.cedex {
			x.step("parse", "city %q is a CEDEX address", city)
		}
	}
	if strings.TrimSpace(street) == "" {
		x.out.Status = StatusInvalid
		x.out.Reason = "no street or address in the row"
		if q.zip == "" && q.insee == "" && q.city == "" {
			x.out.Reason = "no usable field"
		}
		return
	}
	if q.zip == "" && q.insee == "" && q.city == "" {
		x.out.Status, x.out.Reason = StatusInvalid, "no zip, INSEE code or city"
		return
	}
	com, ok := x.chooseCity(ctx, q)
	if !ok {
		return
	}
	x.out.Insee, x.out.Zip, x.out.City, x.out.Match = com.insee, com.zip, com.city, MatchCity
	x.out.Score = round2(com.score)

	st, sscore, ok := x.chooseStreet(ctx, com, street)
	if !ok && reread != nil && x.out.Status != StatusError {
		// "5 b la gde grange": the B may be the repetition index.
		saved := *x.out
		x.step("streets", "trying %q as number %s%s in %q", street, number, reread.suffix, reread.street)
		x.out.Status, x.out.Candidates = "", nil
		if st, sscore, ok = x.chooseStreet(ctx, com, reread.street); ok {
			suffix = reread.suffix
		} else {
			steps := x.out.Steps
			*x.out = saved
			x.out.Steps = steps
		}
	}
	if !ok {
		return
	}
	x.out.Street, x.out.StreetCode, x.out.Match = st.StreetName, st.StreetCode, MatchStreet
	x.out.Score = round2(min(com.score, sscore))
	alt := ""
	if st.StreetAltCode != nil {
		alt = *st.StreetAltCode
	}

	num := address.ParseNumber(number, suffix)
	switch {
	case strings.TrimSpace(number) == "" && strings.TrimSpace(suffix) == "":
		x.streetLevel(ctx, st, alt, "no house number")
		return
	case num.Pseudo:
		x.streetLevel(ctx, st, alt, fmt.Sprintf("pseudo-number %s (lieu-dit)", strings.TrimSpace(number)))
		return
	case !num.Valid || len(num.Candidates) == 0:
		x.streetLevel(ctx, st, alt, fmt.Sprintf("unreadable house number %q", strings.TrimSpace(number+" "+suffix)))
		return
	}
	nums, err := x.numbers(ctx, st.StreetCode, alt)
	if err != nil {
		x.fail(numbersStep(x.r.opts.Hexacle), err)
		return
	}
	n, hexacle, ok := x.matchNumber(num, nums, st)
	if !ok {
		return
	}
	x.out.Number, x.out.Match = n, MatchAddress
	x.testAddressEndpoints(ctx, st.StreetCode, alt, n, hexacle)
	x.finishOffers()
}

// altReading is a second reading of a street cell whose first word is a
// lone letter: "5 b la gde grange" is also number 5B in "la gde grange".
type altReading struct {
	suffix, street string
}

func letterReading(number, suffix, street string) *altReading {
	if suffix != "" || digitsOf(strings.TrimSpace(number)) != strings.TrimSpace(number) {
		return nil
	}
	words := strings.Fields(street)
	if len(words) < 2 || len(words[0]) != 1 {
		return nil
	}
	c := words[0][0] | 0x20
	if c < 'a' || c > 'z' {
		return nil
	}
	return &altReading{suffix: strings.ToUpper(words[0]), street: strings.Join(words[1:], " ")}
}

func numbersStep(hexacle bool) string {
	if hexacle {
		return "streetNumbers/details"
	}
	return "streetNumbers"
}

// chooseStreet matches the row's street against the commune's streets.
func (x *run) chooseStreet(ctx context.Context, com commune, street string) (ovhapi.Street, float64, bool) {
	streets, err := memoCall(ctx, x, ovhapi.RouteStreets, com.insee, func(ctx context.Context) ([]ovhapi.Street, error) {
		ss, err := x.r.svc.Streets(ctx, com.insee)
		return compactStreets(ss), err
	})
	if err != nil {
		x.fail("streets", err)
		return ovhapi.Street{}, 0, false
	}
	if len(streets) == 0 {
		x.step("streets", "INSEE %s: OVH lists no street", com.insee)
		x.notFound(MatchCity, "no street known to OVH in %s %s", com.insee, com.city)
		return ovhapi.Street{}, 0, false
	}
	c := x.r.scoreStreets(com.insee, street, streets)
	if x.tracing() {
		x.step("streets", "INSEE %s: %d streets; %q best: %s", com.insee, len(streets), street, topText(c, 3))
	}
	switch x.r.choose(c) {
	case picked:
		s := streets[c[0].idx]
		if x.tracing() {
			x.step("streets", "chose %s %s %.2f", s.StreetName, s.StreetCode, c[0].score)
		}
		return s, c[0].score, true
	case tooWeak:
		x.out.Candidates = candidates("street", c)
		x.notFound(MatchCity, "street not found in %s (best: %s)", com.insee, topText(c, 1))
	default:
		x.ambiguous(MatchCity, candidates("street", c), "street %q ambiguous in %s: %s", street, com.insee, topText(c, 3))
	}
	return ovhapi.Street{}, 0, false
}

// scoreStreets scores every street of a commune against the row's street,
// best first. The top candidates of each spelling rows give are memoized
// (most rows of a file repeat a spelling), so the commune's prepared names
// are only needed for a new spelling.
func (r *Resolver) scoreStreets(insee, street string, streets []ovhapi.Street) []scored {
	var src *ovhapi.Street
	if len(streets) > 0 {
		src = &streets[0]
	}
	key := keyOf(insee + "\x00" + street)
	now := r.opts.now()
	// The top candidates index the list they were scored against: they
	// are only good for that very list (the memo hands out the same slice
	// while it keeps it).
	if v, ok := r.spellings.get(key, now); ok {
		if t := v.(*spellingTop); t.src == src && t.n == len(streets) {
			return t.top
		}
	}
	top := r.prepared.get(insee, streets).score(street)
	r.spellings.put(key, &spellingTop{src: src, n: len(streets), top: top}, 1, now)
	return top
}

// spellingTop is the memoized result of one spelling in one street list.
type spellingTop struct {
	src *ovhapi.Street
	n   int
	top []scored
}

// streetInfo is a commune's street list prepared for scoring.
type streetInfo struct {
	src     *ovhapi.Street // identity of the list it was built from
	key     string         // INSEE, length and hash of the list
	streets []ovhapi.Street
	prep    []address.Prepared
	once    sync.Once   // builds prep
	used    atomic.Bool // since the eviction hand last passed
}

func (s *streetInfo) score(street string) []scored {
	in := address.PrepareStreet(street)
	c := make([]scored, len(s.streets))
	for i, st := range s.streets {
		c[i] = scored{label: st.StreetName, code: st.StreetCode, score: s.prep[i].Score(in), idx: i}
	}
	return keepTop(c)
}

// preparedCache memoizes the prepared street names of communes: matching a
// row against a big commune's full list is the resolver's CPU cost.
// Bounded by the streets it holds (≈ 350 bytes each); keyed by INSEE;
// evicts with the CLOCK rule, so a commune rows keep coming back to stays.
// The list itself is checked by identity (the resolver's answer memo hands
// the same slice to every row), else by a hash so that a changed list is
// prepared again.
type preparedCache struct {
	mu    sync.Mutex
	max   int // streets; 0 = defaultPreparedStreets
	held  int
	m     map[string]*streetInfo
	order []string // eviction queue
}

const defaultPreparedStreets = 50_000

func streetsKey(insee string, streets []ovhapi.Street) string {
	h := fnv.New64a()
	for _, s := range streets {
		h.Write([]byte(s.StreetCode))
		h.Write([]byte{0})
		h.Write([]byte(s.StreetName))
		h.Write([]byte{1})
	}
	return fmt.Sprintf("%s/%d/%x", insee, len(streets), h.Sum64())
}

func (p *preparedCache) get(insee string, streets []ovhapi.Street) *streetInfo {
	var src *ovhapi.Street
	if len(streets) > 0 {
		src = &streets[0]
	}
	p.mu.Lock()
	v, ok := p.m[insee]
	p.mu.Unlock()
	if ok && v.src == src && len(v.streets) == len(streets) {
		v.used.Store(true)
		v.once.Do(v.build)
		return v
	}
	key := streetsKey(insee, streets)
	p.mu.Lock()
	if v, ok = p.m[insee]; ok && v.key == key {
		p.mu.Unlock()
		v.used.Store(true)
		v.once.Do(v.build) // same content, maybe in another slice
		return v
	}
	// Rows racing on a new commune share one build.
	v = &streetInfo{src: src, key: key, streets: streets}
	if p.m == nil {
		p.m = map[string]*streetInfo{}
	}
	max := p.max
	if max <= 0 {
		max = defaultPreparedStreets
	}
	if ok {
		p.held -= len(p.m[insee].streets)
	} else {
		p.order = append(p.order, insee)
	}
	p.m[insee] = v
	p.held += len(streets)
	// CLOCK: a commune used since the hand last passed gets another round.
	for spins := 0; p.held > max && len(p.order) > 1 && spins < 2*len(p.order); spins++ {
		old := p.order[0]
		p.order = p.order[1:]
		if o := p.m[old]; old != insee && o.used.Swap(false) {
			p.order = append(p.order, old)
			continue
		}
		if old == insee {
			p.order = append(p.order, old)
			continue
		}
		p.held -= len(p.m[old].streets)
		delete(p.m, old)
	}
	p.mu.Unlock()
	v.once.Do(v.build)
	return v
}

func (s *streetInfo) build() {
	s.prep = make([]address.Prepared, len(s.streets))
	for i, st := range s.streets {
		s.prep[i] = address.PrepareStreet(st.StreetName)
	}
}

// numberEntry is one number OVH lists for a street.
type numberEntry struct {
	number  string
	hexacle string
}

func (x *run) numbers(ctx context.Context, code, alt string) (*numberList, error) {
	req := ovhapi.StreetNumbersRequest{StreetCode: code, StreetAltCode: alt}
	if x.r.opts.Hexacle {
		return memoCall(ctx, x, ovhapi.RouteStreetNumbersDetails, req, func(ctx context.Context) (*numberList, error) {
			ds, err := x.r.svc.StreetNumbersDetails(ctx, req)
			if err != nil {
				return nil, err
			}
			out := make([]numberEntry, len(ds))
			for i, d := range ds {
				out[i].number = d.Number
				if d.Hexacle != nil {
					out[i].hexacle = *d.Hexacle
				}
			}
			return newNumberList(out), nil
		})
	}
	return memoCall(ctx, x, ovhapi.RouteStreetNumbers, req, func(ctx context.Context) (*numberList, error) {
		ns, err := x.r.svc.StreetNumbers(ctx, req)
		if err != nil {
			return nil, err
		}
		out := make([]numberEntry, len(ns))
		for i, n := range ns {
			out[i].number = n
		}
		return newNumberList(out), nil
	})
}

// canonNumber compares OVH numbers with parsed candidates: uppercase, no
// spaces, no leading zeros ("012 b" → "12B").
func canonNumber(s string) string {
	if isCanonNumber(s) {
		return s // the common case, without allocating
	}
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	t := strings.TrimLeft(s, "0")
	if t == "" || t[0] < '0' || t[0] > '9' {
		if s != "" && strings.Trim(s, "0") == "" {
			return "0"
		}
		return t
	}
	return t
}

// isCanonNumber reports whether s is already canonical: digits not
// starting with 0, then upper-case letters.
func isCanonNumber(s string) bool {
	if s == "" || s[0] < '1' || s[0] > '9' {
		return false
	}
	i := 1
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	for ; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// digitsOf returns the leading digits of a canonical number ("12B" → "12").
func digitsOf(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

// matchNumber tries the parsed candidates in order against OVH's list. A
// suffixed number never silently falls back to the bare one.
func (x *run) matchNumber(num address.Number, list *numberList, st ovhapi.Street) (string, string, bool) {
	for i, cand := range num.Candidates {
		if j, ok := list.find(canonNumber(cand)); ok {
			n := list.entry(j)
			if x.tracing() {
				how := ""
				if len(num.Candidates) > 1 {
					how = fmt.Sprintf(" (candidate %d of %s: %s)", i+1, strings.Join(num.Candidates, ","), num.Raw)
				}
				x.step(numbersStep(x.r.opts.Hexacle), "%s: %d numbers; chose %s%s", st.StreetCode, list.n, n.number, how)
			}
			return n.number, n.hexacle, true
		}
	}
	first := canonNumber(num.Candidates[0])
	reason := fmt.Sprintf("number %s not in OVH list of %s (%d numbers)", first, st.StreetName, list.n)
	if d := digitsOf(first); d != first && d != "" {
		if _, ok := list.find(d); ok {
			reason = fmt.Sprintf("number %s not in OVH list (%s exists)", first, d)
		}
	} else {
		var near []string
		for i := range list.n {
			if c := list.canonAt(i); digitsOf(c) == first && c != first {
				near = append(near, list.entry(i).number)
			}
		}
		if len(near) > 0 {
			reason = fmt.Sprintf("number %s not in OVH list (%s exists)", first, strings.Join(near, ", "))
		}
	}
	x.step(numbersStep(x.r.opts.Hexacle), "%s: %d numbers; %s", st.StreetCode, list.n, reason)
	x.notFound(MatchStreet, "%s", reason)
	return "", "", false
}

// streetLevel handles rows without a usable house number.
func (x *run) streetLevel(ctx context.Context, st ovhapi.Street, alt, why string) {
	if !x.r.opts.StreetLevel {
		x.notFound(MatchStreet, "%s: street-level match %s %s only", why, st.StreetName, st.StreetCode)
		return
	}
	nums, err := x.numbers(ctx, st.StreetCode, alt)
	if err != nil {
		x.fail(numbersStep(x.r.opts.Hexacle), err)
		return
	}
	if nums.n == 0 {
		x.notFound(MatchStreet, "%s and OVH lists no number in %s", why, st.StreetName)
		return
	}
	n := nums.entry(0)
	x.step("street-level", "%s: testing %s at its first listed number %s", why, st.StreetName, n.number)
	x.testAddressEndpoints(ctx, st.StreetCode, alt, n.number, n.hexacle)
	x.finishOffers()
	x.out.Reason = "street level (" + why + ", tested number " + n.number + "): " + x.out.Reason
	x.out.Match = MatchStreet
}

// testAddressEndpoints tests the buildings of an address, then the address
// itself (neighbour copper line) when no fiber offer came out.
func (x *run) testAddressEndpoints(ctx context.Context, code, alt, number, hexacle string) {
	breq := ovhapi.BuildingsRequest{StreetCode: code, StreetAltCode: alt, StreetNumber: number, Hexacle: hexacle}
	bs, err := memoCall(ctx, x, ovhapi.RouteBuildings, breq, func(ctx context.Context) (buildingList, error) {
		bs, err := x.r.svc.Buildings(ctx, breq)
		return buildingsOf(bs), err
	})
	if err != nil {
		x.errs = append(x.errs, err)
		x.step("buildings", "%s/%s: error: %v", code, number, err)
	} else {
		if x.tracing() {
			x.step("buildings", "%s/%s: %d building(s) %s", code, number, len(bs), strings.Join(bs, " "))
		}
		for _, ref := range bs {
			if ref != "" {
				x.testBuilding(ctx, ref)
			}
		}
	}
	if len(bs) > 0 && hasEligible(x.out.Offers, x.r.opts.Offers...) {
		return
	}
	endpoint := code + "/" + number
	treq := ovhapi.TestAddressRequest{StreetCode: code, StreetAltCode: alt, StreetNumber: number, Hexacle: hexacle}
	t, err := x.test(ctx, ovhapi.RouteTestAddress, treq, treq)
	if err != nil {
		x.errs = append(x.errs, err)
		x.step("test/address", "%s: error: %v", endpoint, err)
		return
	}
	offers := x.record(t, endpoint, EndpointAddress)
	if x.tracing() {
		x.step("test/address", "%s: %s", endpoint, summarize(offers))
	}
}
