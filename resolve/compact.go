package resolve

import (
	"context"
	"hash/maphash"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/ovhcloud-tools/eligibility/ovhapi"
)

// testAnswer is an eligibility test as rows use it, kept across rows in
// place of the decoded answer (a tenth of its size): the offers converted
// once, with what was tested left blank, and the endpoint's address.
type testAnswer struct {
	offers []Offer // shared and read-only; Endpoint, EndpointType and Reference blank
	ref    string  // eligibilityReference
	addr   *testAddress
}

// testAddress is the endpoint address of a test; the street fields are
// empty when OVH gave none.
type testAddress struct {
	insee, zip, city                     string
	streetCode, streetName, streetNumber string
	hasStreet                            bool
}

// compactStreets copies a decoded street list so that all its names and
// codes share one allocation: a file's communes hold a hundred thousand
// streets for the whole run, and as separate small strings, allocated
// among the decoder's garbage, they would be that many objects for the
// collector to mark and that many half-empty spans.
func compactStreets(ss []ovhapi.Street) []ovhapi.Street {
	out := make([]ovhapi.Street, len(ss))
	alts := make([]string, len(ss))
	fields := make([]*string, 0, 2*len(ss))
	for i, s := range ss {
		out[i].StreetCode, out[i].StreetName = s.StreetCode, s.StreetName
		fields = append(fields, &out[i].StreetCode, &out[i].StreetName)
		if s.StreetAltCode != nil {
			alts[i] = *s.StreetAltCode
			out[i].StreetAltCode = &alts[i]
			fields = append(fields, &alts[i])
		}
	}
	shareOne(fields...)
	return out
}

// deref is *p, or "" for nil.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// shareOne rewrites the strings so that they share one allocation.
func shareOne(ps ...*string) {
	n := 0
	for _, p := range ps {
		n += len(*p)
	}
	var b strings.Builder
	b.Grow(n)
	for _, p := range ps {
		b.WriteString(*p)
	}
	arena := b.String()
	for _, p := range ps {
		*p, arena = arena[:len(*p)], arena[len(*p):]
	}
}

// offerSets interns converted offer lists: the buildings of a district
// mostly get the very same offers, and one shared list then serves them
// all (a list is ≈ 1.2 KB, a test's other fields ≈ 300 bytes). Keyed by a
// hash of the content, confirmed field by field. Bounded: past
// maxOfferSets distinct lists, new ones are kept as they are.
type offerSets struct {
	mu sync.Mutex
	m  map[uint64][]Offer
}

const maxOfferSets = 20_000

var offerSeed = maphash.MakeSeed()

func (s *offerSets) intern(offers []Offer) []Offer {
	if len(offers) == 0 {
		return nil
	}
	var h maphash.Hash
	h.SetSeed(offerSeed)
	str := func(v string) {
		h.WriteString(v)
		h.WriteByte(0)
	}
	for i := range offers {
		o := &offers[i]
		str(o.Code)
		str(o.Name)
		str(o.Technology)
		str(o.Provider)
		str(o.Endpoint)
		str(o.EndpointType)
		str(o.Reference)
		str(strconv.FormatBool(o.Eligible) + strconv.FormatBool(o.Guaranteed))
		for _, f := range [...]float64{o.DownloadMbps, o.UploadMbps, o.NominalDownMbps, o.NominalUpMbps} {
			str(strconv.FormatFloat(f, 'g', -1, 64))
		}
		for _, rs := range [...][]Reason{o.Reasons, o.UnderConditions} {
			for _, r := range rs {
				str(r.Code)
				str(r.Message)
				str(r.AvailabilityDate)
			}
			h.WriteByte(1)
		}
		h.WriteByte(2)
	}
	key := h.Sum64()
	s.mu.Lock()
	defer s.mu.Unlock()
	if kept, ok := s.m[key]; ok && sameOffers(kept, offers) {
		return kept
	}
	if s.m == nil {
		s.m = map[uint64][]Offer{}
	}
	if _, taken := s.m[key]; !taken && len(s.m) < maxOfferSets {
		s.m[key] = offers
	}
	return offers
}

func sameOffers(a, b []Offer) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := &a[i], &b[i]
		if x.Code != y.Code || x.Name != y.Name || x.Technology != y.Technology || x.Provider != y.Provider ||
			x.Eligible != y.Eligible || x.DownloadMbps != y.DownloadMbps || x.UploadMbps != y.UploadMbps ||
			x.NominalDownMbps != y.NominalDownMbps || x.NominalUpMbps != y.NominalUpMbps ||
			x.Guaranteed != y.Guaranteed || x.Endpoint != y.Endpoint || x.EndpointType != y.EndpointType ||
			x.Reference != y.Reference || !slices.Equal(x.Reasons, y.Reasons) ||
			!slices.Equal(x.UnderConditions, y.UnderConditions) {
			return false
		}
	}
	return true
}

// compactTest converts a decoded test for the memo.
func (r *Resolver) compactTest(t *testWire) *testAnswer {
	if t == nil {
		return &testAnswer{}
	}
	offers := convertWire(t, "", "")
	for i := range offers {
		offers[i].Reference = "" // per test: record sets it again
	}
	a := &testAnswer{offers: r.offerSets.intern(offers), ref: t.EligibilityReference}
	if ad := t.Endpoint.Address; ad != nil {
		a.addr = &testAddress{insee: ad.InseeCode, zip: ad.ZipCode, city: ad.City, hasStreet: ad.StreetCode != nil,
			streetCode: deref(ad.StreetCode), streetName: deref(ad.StreetName), streetNumber: deref(ad.StreetNumber)}
		// One allocation for every string the answer keeps (see
		// compactStreets).
		shareOne(&a.ref, &a.addr.insee, &a.addr.zip, &a.addr.city, &a.addr.streetCode, &a.addr.streetName, &a.addr.streetNumber)
	}
	return a
}

// test runs one eligibility test through the memos. key is what the memo
// knows the test by, req the request body.
func (x *run) test(ctx context.Context, route string, key, req any) (*testAnswer, error) {
	return memoCall(ctx, x, route, key, func(ctx context.Context) (*testAnswer, error) {
		t, err := ovhapi.TestAs[*testWire](ctx, x.r.svc, route, req)
		if err != nil {
			return nil, err
		}
		return x.r.compactTest(t), nil
	})
}

// testWire is the part of an ovhapi.EligibilityTest rows use (same names
// and tags): decoding into it skips the copper, fiber and portability
// details, a third of what decoding a test allocates.
type testWire struct {
	EligibilityReference string `json:"eligibilityReference"`
	Endpoint             struct {
		Address *ovhapi.Address `json:"address"`
	} `json:"endpoint"`
	Offers []wireOffer `json:"offers"`
}

type wireOffer struct {
	Eligibility struct {
		Eligible              bool             `json:"eligible"`
		EstimatedDownloadRate *float64         `json:"estimatedDownloadRate"`
		EstimatedUploadRate   *float64         `json:"estimatedUploadRate"`
		Reasons               []ovhapi.Message `json:"reasons"`
		UnderConditions       []ovhapi.Message `json:"underConditions"`
	} `json:"eligibility"`
	Product struct {
		Code         string  `json:"code"`
		DownloadRate float64 `json:"downloadRate"`
		UploadRate   float64 `json:"uploadRate"`
		Guaranteed   bool    `json:"guaranteed"`
		Name         string  `json:"name"`
		Provider     string  `json:"provider"`
		Operator     string  `json:"operator"`
		Type         string  `json:"type"`
	} `json:"product"`
}

// buildingList is a building search as rows use it: the references.
type buildingList []string

func buildingsOf(bs []ovhapi.Building) buildingList {
	refs := make(buildingList, 0, len(bs))
	for _, b := range bs {
		refs = append(refs, b.Reference)
	}
	return refs
}

// numberList is a street's numbers as rows use them: a street has dozens
// and a file's streets hundreds of thousands, so they are kept as two
// strings, "\n12\n12B\n14\n" and the same in canonical form (usually the
// same string), rather than as slices of small strings.
type numberList struct {
	n        int
	numbers  string   // "\n" + each number + "\n"
	canon    string   // the same with canonNumber applied
	hexacles []string // parallel to the numbers; nil without hexacles
}

func newNumberList(entries []numberEntry) *numberList {
	var nb, cb strings.Builder
	l := &numberList{n: len(entries)}
	size := 1
	for _, e := range entries {
		size += len(e.number) + 1
	}
	nb.Grow(size)
	same := true
	nb.WriteByte('\n')
	cb.WriteByte('\n')
	for i, e := range entries {
		num := strings.ReplaceAll(e.number, "\n", " ")
		c := canonNumber(num)
		same = same && c == num
		nb.WriteString(num)
		nb.WriteByte('\n')
		cb.WriteString(c)
		cb.WriteByte('\n')
		if e.hexacle != "" {
			if l.hexacles == nil {
				l.hexacles = make([]string, len(entries))
			}
			l.hexacles[i] = e.hexacle
		}
	}
	l.numbers = nb.String()
	l.canon = l.numbers
	if !same {
		l.canon = cb.String()
	}
	return l
}

// cost is the list's weight in the search memo (see answerCost): its
// strings, not its count, since numbers are a few bytes each.
func (l *numberList) cost() int {
	n := len(l.numbers)
	if l.canon != l.numbers {
		n += len(l.canon)
	}
	return 1 + n/32 + len(l.hexacles)
}

// field returns the i-th entry of a "\n"-framed list.
func field(list string, i int) string {
	rest := list[1:]
	for ; i > 0; i-- {
		rest = rest[strings.IndexByte(rest, '\n')+1:]
	}
	return rest[:strings.IndexByte(rest, '\n')]
}

// entry returns the i-th number and its hexacle.
func (l *numberList) entry(i int) numberEntry {
	e := numberEntry{number: field(l.numbers, i)}
	if l.hexacles != nil {
		e.hexacle = l.hexacles[i]
	}
	return e
}

// canonAt returns the canonical form of the i-th number.
func (l *numberList) canonAt(i int) string { return field(l.canon, i) }

// find returns the index of the first number whose canonical form is c.
func (l *numberList) find(c string) (int, bool) {
	if c == "" || strings.IndexByte(c, '\n') >= 0 {
		return 0, false
	}
	pos := strings.Index(l.canon, "\n"+c+"\n")
	if pos < 0 {
		return 0, false
	}
	return strings.Count(l.canon[:pos], "\n"), true
}
