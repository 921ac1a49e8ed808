package resolve

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/ovhcloud-tools/eligibility/address"
	"github.com/ovhcloud-tools/eligibility/laposte"
	"github.com/ovhcloud-tools/eligibility/ovhapi"
)

// commune is the city chosen for a row, in OVH's words.
type commune struct {
	insee, zip, city string
	score            float64
}

// cityQuery is what the row says about its commune, repaired.
type cityQuery struct {
	zip, insee, city string
	cedex            bool
}

// sameCommune accepts the arrondissement codes of Paris, Lyon and Marseille
// both ways (75056 ↔ 751NN) and the old numeric Corsican codes (20004 ↔ 2A004).
func (r *Resolver) sameCommune(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if a == b || r.lp.CommuneOf(a) == b || r.lp.CommuneOf(b) == a {
		return true
	}
	return corsican(a) == corsican(b) && corsican(a) != ""
}

// corsican maps 2A004/2B033/20004 to a comparable "20"+rest key, "" otherwise.
func corsican(code string) string {
	if len(code) == 5 && (strings.HasPrefix(code, "2A") || strings.HasPrefix(code, "2B") || strings.HasPrefix(code, "20")) {
		return "20" + code[2:]
	}
	return ""
}

// depts lists the départements a zip or INSEE code may belong to: Corsican
// zips (20xxx) are in 2A or 2B.
func depts(code string) []string {
	d := laposte.Dept(code)
	if d == "20" {
		return []string{"2A", "2B"}
	}
	return []string{d}
}

// cityGroup gathers the localities OVH lists for one INSEE code.
type cityGroup struct {
	insee string
	city  string // OVH's city name
	zip   string
	names []string // city, localities, La Poste names, labels and Ligne_5
	// prepNames are the non-empty names, in the order of zipInfo.names.
	prepNames []string
}

func (r *Resolver) groupCities(cs []ovhapi.City, zip string) []*cityGroup {
	var groups []*cityGroup
	byInsee := map[string]*cityGroup{}
	for _, c := range cs {
		g := byInsee[c.InseeCode]
		if g == nil {
			z := c.ZipCode
			if z == "" {
				z = zip
			}
			g = &cityGroup{insee: c.InseeCode, city: c.City, zip: z}
			byInsee[c.InseeCode] = g
			groups = append(groups, g)
			// La Poste names (old communes in Ligne_5) for this commune and zip.
			for _, e := range r.lp.ByInsee(c.InseeCode) {
				if zip == "" || e.Zip == zip {
					g.names = append(g.names, e.Name, e.Label, e.Line5)
				}
			}
		}
		g.names = append(g.names, c.City)
		if c.Locality != nil {
			g.names = append(g.names, *c.Locality)
		}
	}
	return groups
}

// scoreNames returns the best CityScore of city against names, and the name.
func scoreNames(city string, names []string) (float64, string) {
	in := address.PrepareCity(city)
	best, via := 0.0, ""
	for _, n := range names {
		if n == "" {
			continue
		}
		if s := in.Score(address.PrepareCity(n)); s > best {
			best, via = s, n
		}
	}
	return best, via
}

// nameScore is the best score of a city against one group's names.
type nameScore struct {
	score float64
	via   string
}

// zipInfo is what pickCity derives from the localities of a zip: the
// groups, their prepared names, the step text, and the scores of the city
// spellings rows gave. Built once per zip and answer, shared by rows.
type zipInfo struct {
	src     *ovhapi.City // identity of the answer it was built from
	n       int
	groups  []*cityGroup
	names   [][]address.PreparedCity // per group, the non-empty names
	listing string
	once    sync.Once // builds the fields above

	mu     sync.Mutex
	scores map[string][]nameScore // row city → per group
}

// maxCitySpellings bounds the memoized city spellings of one zip.
const maxCitySpellings = 16

// cityScores scores city against every group, memoized per spelling.
func (z *zipInfo) cityScores(city string) []nameScore {
	z.mu.Lock()
	if v, ok := z.scores[city]; ok {
		z.mu.Unlock()
		return v
	}
	z.mu.Unlock()
	in := address.PrepareCity(city)
	v := make([]nameScore, len(z.groups))
	for i, g := range z.groups {
		for j, p := range z.names[i] {
			if s := in.Score(p); s > v[i].score {
				v[i] = nameScore{score: s, via: g.prepNames[j]}
			}
		}
	}
	z.mu.Lock()
	if z.scores == nil || len(z.scores) >= maxCitySpellings {
		z.scores = map[string][]nameScore{}
	}
	z.scores[city] = v
	z.mu.Unlock()
	return v
}

// zipCache keeps the zipInfo of recent zips (bounded, concurrency-safe).
type zipCache struct {
	mu    sync.Mutex
	m     map[string]*zipInfo
	order []string
}

const maxZipInfos = 4096

func (r *Resolver) zipInfo(zip string, cs []ovhapi.City) *zipInfo {
	var src *ovhapi.City
	if len(cs) > 0 {
		src = &cs[0]
	}
	c := &r.zips
	c.mu.Lock()
	z, ok := c.m[zip]
	if !ok || z.src != src || z.n != len(cs) {
		// Rows racing on a new zip share one build.
		z = &zipInfo{src: src, n: len(cs)}
		if c.m == nil {
			c.m = map[string]*zipInfo{}
		}
		if !ok {
			for len(c.order) >= maxZipInfos {
				delete(c.m, c.order[0])
				c.order = c.order[1:]
			}
			c.order = append(c.order, zip)
		}
		c.m[zip] = z
	}
	c.mu.Unlock()
	z.once.Do(func() { r.buildZipInfo(z, zip, cs) })
	return z
}

func (r *Resolver) buildZipInfo(z *zipInfo, zip string, cs []ovhapi.City) {
	z.groups = r.groupCities(cs, zip)
	z.names = make([][]address.PreparedCity, len(z.groups))
	for i, g := range z.groups {
		for _, n := range g.names {
			if n != "" && !contains(g.prepNames, n) { // La Poste's name and label are often equal
				z.names[i] = append(z.names[i], address.PrepareCity(n))
				g.prepNames = append(g.prepNames, n)
			}
		}
	}
	labels := make([]string, 0, len(cs))
	for _, c := range cs {
		l := c.City
		if c.Locality != nil && *c.Locality != "" && *c.Locality != c.City {
			l += "/" + *c.Locality
		}
		labels = append(labels, l+" "+c.InseeCode)
	}
	z.listing = fmt.Sprintf("zip %s: %d localities (%s)", zip, len(cs), shorten(strings.Join(labels, ", "), 200))
}

// chooseCity finds the row's commune. On false the outcome's status is set.
func (x *run) chooseCity(ctx context.Context, q cityQuery) (commune, bool) {
	r := x.r
	switch {
	case q.zip != "" && !q.cedex && r.lp.ZipKnown(q.zip):
		cs, err := x.cities(ctx, q.zip)
		if err != nil {
			x.fail("cities", err)
			return commune{}, false
		}
		if len(cs) == 0 {
			x.step("cities", "zip %s: OVH lists no locality", q.zip)
			if q.city != "" {
				return x.deptFallback(ctx, q, fmt.Sprintf("zip %s unknown to OVH", q.zip))
			}
			return x.notFound(MatchNone, "zip %s unknown to OVH", q.zip)
		}
		return x.pickCity(ctx, q, cs)
	case q.zip != "":
		why := fmt.Sprintf("zip %s is not a distribution zip", q.zip)
		if q.cedex {
			why = fmt.Sprintf("zip %s is a CEDEX zip", q.zip)
		}
		if q.insee != "" {
			x.step("cities", "%s; using INSEE %s", why, q.insee)
			return x.byInsee(ctx, q)
		}
		if q.city == "" {
			return x.notFound(MatchNone, "%s and the row has no city", why)
		}
		return x.deptFallback(ctx, q, why)
	case q.insee != "":
		return x.byInsee(ctx, q)
	case q.city != "":
		return x.byName(ctx, q)
	}
	x.out.Status, x.out.Reason = StatusInvalid, "no zip, INSEE code or city"
	return commune{}, false
}

func (x *run) cities(ctx context.Context, zip string) ([]ovhapi.City, error) {
	return memoCall(ctx, x, ovhapi.RouteCities, zip, func(ctx context.Context) ([]ovhapi.City, error) {
		return x.r.svc.Cities(ctx, zip)
	})
}

func (x *run) notFound(m Match, format string, args ...any) (commune, bool) {
	x.out.Status, x.out.Match, x.out.Reason = StatusNotFound, m, fmt.Sprintf(format, args...)
	return commune{}, false
}

func (x *run) ambiguous(m Match, cands []Candidate, format string, args ...any) (commune, bool) {
	x.out.Status, x.out.Match, x.out.Reason = StatusAmbiguous, m, fmt.Sprintf(format, args...)
	x.out.Candidates = cands
	return commune{}, false
}

// pickCity chooses among the localities OVH lists for the zip.
func (x *run) pickCity(ctx context.Context, q cityQuery, cs []ovhapi.City) (commune, bool) {
	r := x.r
	info := r.zipInfo(q.zip, cs)
	groups := info.groups
	x.step("cities", "%s", info.listing)
	chosen := func(g *cityGroup, score float64, how string) (commune, bool) {
		if x.tracing() {
			x.step("cities", "chose %s %s (%s)", g.city, g.insee, how)
		}
		return commune{insee: g.insee, zip: g.zip, city: g.city, score: score}, true
	}
	if q.insee != "" {
		var hits []*cityGroup
		for _, g := range groups {
			if r.sameCommune(g.insee, q.insee) {
				hits = append(hits, g)
			}
		}
		if len(hits) == 1 {
			return chosen(hits[0], 1, "INSEE "+q.insee)
		}
		x.step("cities", "INSEE %s is not among the communes of zip %s", q.insee, q.zip)
	}
	if q.city == "" {
		if len(groups) == 1 {
			return chosen(groups[0], 1, "only commune of the zip")
		}
		c := make([]scored, 0, len(groups))
		for _, g := range groups {
			c = append(c, scored{label: g.city, code: g.insee})
		}
		return x.ambiguous(MatchCity, candidates("city", c),
			"zip %s serves %d communes and the row has no city", q.zip, len(groups))
	}
	c := make([]scored, 0, len(groups))
	for i, ns := range info.cityScores(q.city) {
		g := groups[i]
		c = append(c, scored{label: g.city, code: g.insee, score: ns.score, via: ns.via, idx: i})
	}
	c = keepTop(c)
	switch r.choose(c) {
	case picked:
		how := ""
		if x.tracing() {
			how = fmt.Sprintf("city %q %.2f", q.city, c[0].score)
			if c[0].via != "" && c[0].via != c[0].label {
				how += " via " + c[0].via
			}
		}
		return chosen(groups[c[0].idx], c[0].score, how)
	case tooClose:
		return x.ambiguous(MatchCity, candidates("city", c), "city %q ambiguous in zip %s: %s", q.city, q.zip, topText(c, 3))
	}
	// The city does not match the zip's communes: maybe the zip is wrong.
	why := fmt.Sprintf("city %q not in zip %s (best: %s)", q.city, q.zip, topText(c, 1))
	if com, ok := x.tryDept(ctx, q, why); ok {
		return com, true
	}
	if x.out.Status != "" {
		return commune{}, false
	}
	if r.choose(c) == tooLow {
		return x.ambiguous(MatchCity, candidates("city", c), "%s", why)
	}
	x.out.Candidates = candidates("city", c)
	return x.notFound(MatchNone, "%s", why)
}

// deptFallback finds the commune by name within the zip's département
// (CEDEX and unknown zips), then asks OVH with the commune's real zip.
func (x *run) deptFallback(ctx context.Context, q cityQuery, why string) (commune, bool) {
	if com, ok := x.tryDept(ctx, q, why); ok || x.out.Status != "" {
		return com, ok
	}
	return x.notFound(MatchNone, "%s; city %q not found in département %s", why, q.city, strings.Join(depts(q.zip), "/"))
}

// tryDept is deptFallback without the final not_found: false with no status
// set means "no confident commune".
func (x *run) tryDept(ctx context.Context, q cityQuery, why string) (commune, bool) {
	r := x.r
	if q.city == "" || q.zip == "" {
		return commune{}, false
	}
	type best struct {
		e     laposte.Entry
		score float64
		via   string
	}
	byInsee := map[string]*best{}
	var order []string
	for _, d := range depts(q.zip) {
		for _, e := range r.lp.ByDept(d) {
			s, via := scoreNames(q.city, []string{e.Name, e.Label, e.Line5})
			b := byInsee[e.Insee]
			if b == nil {
				byInsee[e.Insee] = &best{e: e, score: s, via: via}
				order = append(order, e.Insee)
			} else if s > b.score {
				*b = best{e: e, score: s, via: via}
			}
		}
	}
	c := make([]scored, 0, len(order))
	for i, insee := range order {
		b := byInsee[insee]
		c = append(c, scored{label: b.e.Name, code: insee, score: b.score, via: b.via, idx: i})
	}
	c = keepTop(c)
	switch r.choose(c) {
	case picked:
	case tooClose:
		_, ok := x.ambiguous(MatchCity, candidates("city", c), "%s; city %q ambiguous in département: %s", why, q.city, topText(c, 3))
		return commune{}, ok
	default:
		x.step("cities", "%s; no commune of département %s matches %q (best: %s)",
			why, strings.Join(depts(q.zip), "/"), q.city, topText(c, 1))
		return commune{}, false
	}
	b := byInsee[c[0].code]
	x.step("cities", "%s; commune by name in département: %s %s %.2f (zip %s)", why, b.e.Name, b.e.Insee, b.score, b.e.Zip)
	q2 := cityQuery{zip: b.e.Zip, insee: b.e.Insee, city: q.city}
	com, ok := x.viaZip(ctx, q2)
	if ok {
		com.score = min(com.score, b.score)
	}
	return com, ok
}

// viaZip asks OVH for q.zip and keeps the locality of q.insee.
func (x *run) viaZip(ctx context.Context, q cityQuery) (commune, bool) {
	cs, err := x.cities(ctx, q.zip)
	if err != nil {
		x.fail("cities", err)
		return commune{}, false
	}
	for _, c := range cs {
		if x.r.sameCommune(c.InseeCode, q.insee) {
			zip := c.ZipCode
			if zip == "" {
				zip = q.zip
			}
			x.step("cities", "zip %s: chose %s %s (INSEE %s)", q.zip, c.City, c.InseeCode, q.insee)
			return commune{insee: c.InseeCode, zip: zip, city: c.City, score: 1}, true
		}
	}
	return x.notFound(MatchNone, "commune %s not known to OVH at zip %s", q.insee, q.zip)
}

// byInsee resolves a row that gives an INSEE code and no usable zip.
func (x *run) byInsee(ctx context.Context, q cityQuery) (commune, bool) {
	r := x.r
	entries := r.lp.ByInsee(q.insee)
	if len(entries) == 0 {
		if q.city != "" && q.zip == "" {
			x.step("cities", "INSEE %s unknown to La Poste; trying the city name", q.insee)
			return x.byName(ctx, cityQuery{city: q.city})
		}
		return x.notFound(MatchNone, "INSEE code %s unknown", q.insee)
	}
	// A Paris/Lyon/Marseille commune code spans arrondissements: the city
	// text ("PARIS 16") may tell which one.
	groups := map[string][]laposte.Entry{}
	var order []string
	for _, e := range entries {
		if _, ok := groups[e.Insee]; !ok {
			order = append(order, e.Insee)
		}
		groups[e.Insee] = append(groups[e.Insee], e)
	}
	pick := order[0]
	if len(order) > 1 {
		c := make([]scored, 0, len(order))
		for _, code := range order {
			var names []string
			for _, e := range groups[code] {
				names = append(names, e.Name, e.Label, e.Line5)
			}
			s := 0.0
			if q.city != "" {
				s, _ = scoreNames(q.city, names)
			}
			c = append(c, scored{label: groups[code][0].Name, code: code, score: s})
		}
		c = keepTop(c)
		if q.city == "" || r.choose(c) != picked || c[0].score < exactScore {
			return x.ambiguous(MatchCity, candidates("city", c),
				"INSEE %s spans %d arrondissements; give the zip", q.insee, len(order))
		}
		pick = c[0].code
	}
	e := groups[pick][0]
	return x.viaZip(ctx, cityQuery{zip: e.Zip, insee: q.insee, city: q.city})
}

// byName resolves a row with a city and neither zip nor INSEE: an exact
// (folded) commune name, unique in France.
func (x *run) byName(ctx context.Context, q cityQuery) (commune, bool) {
	r := x.r
	idx := communeNames(r.lp)[nameKey(q.city)]
	var order []string
	seen := map[string]laposte.Entry{}
	for _, i := range idx {
		e := r.lp.Entries[i]
		if _, ok := seen[e.Insee]; !ok {
			seen[e.Insee] = e
			order = append(order, e.Insee)
		}
	}
	switch len(order) {
	case 0:
		return x.notFound(MatchNone, "city %q: no zip and no commune of that name", q.city)
	case 1:
		e := seen[order[0]]
		x.step("cities", "no zip: %q is %s %s (zip %s)", q.city, e.Name, e.Insee, e.Zip)
		return x.viaZip(ctx, cityQuery{zip: e.Zip, insee: e.Insee, city: q.city})
	}
	c := make([]scored, 0, len(order))
	for _, code := range order {
		e := seen[code]
		c = append(c, scored{label: e.Name + " " + e.Zip, code: code, score: 1})
	}
	return x.ambiguous(MatchCity, candidates("city", c), "city %q without zip matches %d communes", q.city, len(order))
}

var (
	namesOnce sync.Once
	namesIdx  map[string][]int
)

// communeNames indexes the La Poste table by folded name, label and
// Ligne_5 (built once: the table is shared).
func communeNames(lp *laposte.Table) map[string][]int {
	namesOnce.Do(func() {
		namesIdx = map[string][]int{}
		for i, e := range lp.Entries {
			for _, n := range []string{e.Name, e.Label, e.Line5} {
				if n == "" {
					continue
				}
				k := nameKey(n)
				if l := namesIdx[k]; len(l) == 0 || l[len(l)-1] != i {
					namesIdx[k] = append(namesIdx[k], i)
				}
			}
		}
	})
	return namesIdx
}

// nameKey folds a commune name and abbreviates SAINT/SAINTE as La Poste
// does ("Saint-Denis" → "ST DENIS").
func nameKey(s string) string {
	words := strings.Fields(address.Fold(s))
	for i, w := range words {
		switch w {
		case "SAINT":
			words[i] = "ST"
		case "SAINTE":
			words[i] = "STE"
		case "SAINTS":
			words[i] = "STS"
		case "SAINTES":
			words[i] = "STES"
		}
	}
	return strings.Join(words, " ")
}
