package sandbox

import (
	"bytes"
	"embed"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/ovhcloud-tools/eligibility/laposte"
)

//go:embed world/ban-legacy-54084-mont-bonvillers.csv
var builtinBAN []byte

// Other built-in communes, so the bundled samples and the guide's examples
// resolve in demos: the BAL Strasbourg sample (real data, UTF-8 with BOM),
// Orsay's streets from the OVH guide and the schools of the
// adresse.data.gouv.fr example (both written by hand in the BAN layout).
//
//go:embed world/bal-sample-strasbourg-messy.utf8-bom.csv world/ban-current-orsay-synthetic.csv world/ban-current-nancy-schools.csv
var builtinFiles embed.FS

const builtinName = "builtin:ban-legacy-54084-mont-bonvillers.csv"

// City is one answer of search/cities.
type City struct {
	City      string `json:"city"`
	InseeCode string `json:"inseeCode"`
	Locality  string `json:"locality"`
	ZipCode   string `json:"zipCode"`
}

// Street is one answer of search/streets.
type Street struct {
	StreetCode string `json:"streetCode"`
	StreetName string `json:"streetName"`
	InseeCode  string `json:"-"`
	ZipCode    string `json:"-"`
	Real       bool   `json:"-"` // read from a BAN/BAL file, not generated
}

// StreetNumber is one answer of search/streetNumbers/details.
type StreetNumber struct {
	Number  string `json:"number"`
	Hexacle string `json:"hexacle"`
}

// Stair is a staircase of a building; "_NA_" means no identifier.
type Stair struct {
	Stair  string   `json:"stair"`
	Floors []string `json:"floors"`
}

// Building is one answer of search/buildings, buildingsByLine and buildingDetails.
type Building struct {
	Name      string  `json:"name"`
	Nro       string  `json:"nro"`
	Reference string  `json:"reference"`
	Stairs    []Stair `json:"stairs"`
	Type      string  `json:"type"` // HOUSE or BUILDING

	StreetCode string `json:"-"`
	Number     string `json:"-"`
}

// Address is a point of the world: a commune, and when known a street and a number.
type Address struct {
	InseeCode    string
	ZipCode      string
	City         string
	StreetCode   string // empty at commune level
	StreetName   string
	StreetNumber string
	Hexacle      string
	Latitude     float64
	Longitude    float64
	HasCoord     bool
}

// Source describes one CSV file read into the world.
type Source struct {
	Name      string
	Rows      int // data rows read
	Addresses int // numbered addresses kept
	Skipped   int // rows without a usable INSEE code or number (pseudo numbers 5xxx/9xxx included)
}

// World is the referential the sandbox answers from. It is safe for
// concurrent use; generated communes are built on first use.
type World struct {
	mu      sync.Mutex
	real    map[string]*commune // from BAN/BAL files, by INSEE code
	gen     map[string]*commune // generated on demand
	sources []Source
	lines   map[string]Address // line numbers handed out by search/lines
}

type commune struct {
	insee   string
	real    bool
	name    string // folded commune name read from a file (used when La Poste lacks the code)
	zip     string // zip read from a file (idem)
	streets []*street
	byName  map[string]*street
	byCode  map[string]*street

	once   sync.Once
	byRef  map[string]*Building
	byHex  map[string]addrRef
	byAddr map[string][]*Building // streetCode+"|"+number
}

type addrRef struct {
	s *street
	n *num
}

type street struct {
	code, name, fantoir, zip string
	nums                     []*num
	byNum                    map[string]*num
}

type num struct {
	n        string
	lat, lon float64
	coord    bool
	hexacle  string // set by the commune index
}

// maxGenerated bounds the cache of generated communes; they are rebuilt
// identically when dropped.
const maxGenerated = 4096

func newWorld() *World {
	return &World{real: map[string]*commune{}, gen: map[string]*commune{}, lines: map[string]Address{}}
}

var (
	defaultOnce  sync.Once
	defaultWorld *World
)

// DefaultWorld returns the shared default world: La Poste cities, the
// built-in Mont-Bonvillers BAN extract, generated streets elsewhere.
func DefaultWorld() *World {
	defaultOnce.Do(func() {
		w, err := LoadWorld()
		if err != nil {
			panic("sandbox: built-in world: " + err.Error()) // build defect, not input
		}
		defaultWorld = w
	})
	return defaultWorld
}

// LoadWorld returns the default world plus the addresses of BAN (legacy or
// current) and BAL CSV files. A commune found in a file is served from the
// files only (no generated streets mixed in).
func LoadWorld(paths ...string) (*World, error) {
	w := newWorld()
	if err := w.addCSV(builtinName, bytes.NewReader(builtinBAN)); err != nil {
		return nil, err
	}
	extra, err := builtinFiles.ReadDir("world")
	if err != nil {
		return nil, err
	}
	for _, e := range extra {
		b, err := builtinFiles.ReadFile("world/" + e.Name())
		if err != nil {
			return nil, err
		}
		if err := w.addCSV("builtin:"+e.Name(), bytes.NewReader(b)); err != nil {
			return nil, err
		}
	}
	for _, p := range paths {
		if err := w.addFile(p); err != nil {
			return nil, err
		}
	}
	w.finish()
	return w, nil
}

// Sources lists the files read into the world.
func (w *World) Sources() []Source {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]Source(nil), w.sources...)
}

// RealCommunes lists the INSEE codes read from files, sorted.
func (w *World) RealCommunes() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.real))
	for k := range w.real {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Cities answers search/cities: one City per La Poste row of the zip
// (locality = Ligne_5 when set, else the Libellé d'acheminement), plus the
// communes of loaded files that La Poste does not list under that zip.
func (w *World) Cities(zip string) []City {
	out := []City{}
	seen := map[City]bool{}
	add := func(c City) {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	if len(zip) == 5 {
		for _, e := range laposte.Load().ByZip(zip) {
			loc := e.Line5
			if loc == "" {
				loc = e.Label
			}
			add(City{City: e.Name, InseeCode: e.Insee, Locality: loc, ZipCode: e.Zip})
		}
	}
	w.mu.Lock()
	var extra []City
	for _, c := range w.real {
		for _, z := range c.zips() {
			if z == zip {
				name := c.cityName()
				extra = append(extra, City{City: name, InseeCode: c.insee, Locality: name, ZipCode: zip})
			}
		}
	}
	w.mu.Unlock()
	sort.Slice(extra, func(i, j int) bool { return extra[i].InseeCode < extra[j].InseeCode })
	for _, c := range extra {
		dup := false
		for _, o := range out {
			if o.InseeCode == c.InseeCode {
				dup = true
			}
		}
		if !dup {
			add(c)
		}
	}
	return out
}

// Streets answers search/streets, sorted by name. Paris, Lyon and Marseille
// have streets under their arrondissement codes only, as at OVH.
func (w *World) Streets(insee string) []Street {
	c := w.commune(insee)
	out := []Street{}
	if c == nil {
		return out
	}
	for _, s := range c.streets {
		out = append(out, Street{StreetCode: s.code, StreetName: s.name, InseeCode: c.insee, ZipCode: s.zip, Real: c.real})
	}
	return out
}

// Numbers answers search/streetNumbers: "1", "1B", "2"… in street order.
func (w *World) Numbers(streetCode string) []string {
	_, s := w.street(streetCode)
	out := []string{}
	if s == nil {
		return out
	}
	for _, n := range s.nums {
		out = append(out, n.n)
	}
	return out
}

// NumberDetails answers search/streetNumbers/details (numbers with hexacles).
func (w *World) NumberDetails(streetCode string) []StreetNumber {
	c, s := w.street(streetCode)
	out := []StreetNumber{}
	if s == nil {
		return out
	}
	c.index()
	for _, n := range s.nums {
		out = append(out, StreetNumber{Number: n.n, Hexacle: n.hexacle})
	}
	return out
}

// Buildings answers search/buildings for an address ([] when none is known,
// which happens for a few addresses, as at OVH).
func (w *World) Buildings(streetCode, number string) []Building {
	c, s := w.street(streetCode)
	out := []Building{}
	if s == nil {
		return out
	}
	c.index()
	for _, b := range c.byAddr[s.code+"|"+strings.ToUpper(strings.TrimSpace(number))] {
		out = append(out, *b)
	}
	return out
}

// Hexacle finds the address of a hexacle.
func (w *World) Hexacle(hexacle string) (Address, bool) {
	if len(hexacle) < 5 {
		return Address{}, false
	}
	c := w.commune(hexacle[:5])
	if c == nil {
		return Address{}, false
	}
	c.index()
	r, ok := c.byHex[hexacle]
	if !ok {
		return Address{}, false
	}
	return c.address(r.s, r.n), true
}

// Address finds a numbered address; ok is false when the street or number is unknown.
func (w *World) Address(streetCode, number string) (Address, bool) {
	c, s := w.street(streetCode)
	if s == nil {
		return Address{}, false
	}
	n := s.byNum[strings.ToUpper(strings.TrimSpace(number))]
	if n == nil {
		return Address{}, false
	}
	c.index()
	return c.address(s, n), true
}

// Building finds a building by reference, with its address.
func (w *World) Building(ref string) (Building, Address, bool) {
	parts := strings.Split(ref, "/")
	if len(parts) < 3 {
		return Building{}, Address{}, false
	}
	c := w.commune(parts[1])
	if c == nil {
		return Building{}, Address{}, false
	}
	c.index()
	b, ok := c.byRef[ref]
	if !ok {
		return Building{}, Address{}, false
	}
	s := c.byCode[b.StreetCode]
	return *b, c.address(s, s.byNum[b.Number]), true
}

// CommuneAddress is the commune-level address of an INSEE code (no street).
func (w *World) CommuneAddress(insee string) (Address, bool) {
	c := w.commune(insee)
	if c == nil {
		return Address{}, false
	}
	return c.address(nil, nil), true
}

// lineAddress places a line number: where search/lines said, else at a
// deterministic numbered address somewhere in France.
func (w *World) lineAddress(line string) Address {
	w.mu.Lock()
	a, ok := w.lines[line]
	w.mu.Unlock()
	if ok {
		return a
	}
	return w.pickAddress("line", line)
}

func (w *World) registerLine(line string, a Address) {
	w.mu.Lock()
	w.lines[line] = a
	w.mu.Unlock()
}

// pickAddress draws a numbered address from (kind, key).
func (w *World) pickAddress(kind, key string) Address {
	entries := laposte.Load().Entries
	h := hash64(kind, key)
	e := entries[h%uint64(len(entries))]
	c := w.commune(e.Insee)
	if c == nil {
		return Address{InseeCode: e.Insee, ZipCode: e.Zip, City: e.Name}
	}
	for i := range c.streets {
		s := c.streets[(int(h>>20)+i)%len(c.streets)]
		if len(s.nums) > 0 {
			return c.address(s, s.nums[(h>>40)%uint64(len(s.nums))])
		}
	}
	return c.address(nil, nil)
}

func (w *World) street(code string) (*commune, *street) {
	if len(code) != 10 {
		return nil, nil
	}
	c := w.commune(code[:5])
	if c == nil {
		return nil, nil
	}
	return c, c.byCode[code]
}

// commune returns the file commune of an INSEE code, else a generated one
// for La Poste codes, else nil.
func (w *World) commune(insee string) *commune {
	insee = strings.ToUpper(insee)
	w.mu.Lock()
	defer w.mu.Unlock()
	if c := w.real[insee]; c != nil {
		return c
	}
	if c := w.gen[insee]; c != nil {
		return c
	}
	zips := laposteZips(insee)
	if len(zips) == 0 {
		return nil
	}
	if len(w.gen) >= maxGenerated {
		w.gen = map[string]*commune{}
	}
	c := generateCommune(insee, zips)
	w.gen[insee] = c
	return c
}

// laposteZips lists the zips La Poste gives an exact INSEE code (not the
// arrondissements of 75056/69123/13055).
func laposteZips(insee string) []string {
	var out []string
	for _, e := range laposte.Load().ByInsee(insee) {
		if e.Insee == insee && !contains(out, e.Zip) {
			out = append(out, e.Zip)
		}
	}
	return out
}

func laposteName(insee string) string {
	for _, e := range laposte.Load().ByInsee(insee) {
		if e.Insee == insee {
			return e.Name
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (c *commune) cityName() string {
	if n := laposteName(c.insee); n != "" {
		return n
	}
	return c.name
}

func (c *commune) zips() []string {
	var out []string
	for _, s := range c.streets {
		if s.zip != "" && !contains(out, s.zip) {
			out = append(out, s.zip)
		}
	}
	if len(out) == 0 && c.zip != "" {
		out = append(out, c.zip)
	}
	return out
}

func (c *commune) address(s *street, n *num) Address {
	a := Address{InseeCode: c.insee, City: c.cityName(), ZipCode: c.zip}
	if zs := laposteZips(c.insee); a.ZipCode == "" && len(zs) > 0 {
		a.ZipCode = zs[0]
	}
	if s != nil {
		a.StreetCode, a.StreetName = s.code, s.name
		if s.zip != "" {
			a.ZipCode = s.zip
		}
	}
	if n != nil {
		a.StreetNumber, a.Hexacle = n.n, n.hexacle
		a.Latitude, a.Longitude, a.HasCoord = n.lat, n.lon, n.coord
	}
	return a
}

// index gives every address its hexacle and buildings, once. Codes are
// assigned in street-code then number order, so they never depend on
// timing.
func (c *commune) index() {
	c.once.Do(func() {
		// Sized up front: growing these maps was most of the indexing cost.
		total := 0
		for _, s := range c.streets {
			total += len(s.nums)
		}
		c.byRef = make(map[string]*Building, total+total/4)
		c.byHex = make(map[string]addrRef, total)
		c.byAddr = make(map[string][]*Building, total)
		streets := append([]*street(nil), c.streets...)
		sort.Slice(streets, func(i, j int) bool { return streets[i].code < streets[j].code })
		nro := nroOf(c.insee)
		for _, s := range streets {
			for _, n := range s.nums {
				h := hash64("hexacle", s.code, n.n)
				for {
					hx := c.insee + code36(h, 5)
					if _, dup := c.byHex[hx]; !dup {
						n.hexacle = hx
						c.byHex[hx] = addrRef{s, n}
						break
					}
					h = mix(h + 1)
				}
				key := s.code + "|" + n.n
				for _, b := range makeBuildings(s.code, n.n) {
					h := hash64("imb", s.code, n.n, b.Name)
					for {
						ref := "IMB/" + c.insee + "/" + "CSXEA"[h%5:h%5+1] + "/" + code36(h>>8, 4)
						if _, dup := c.byRef[ref]; !dup {
							b.Reference = ref
							break
						}
						h = mix(h + 1)
					}
					b.Nro = nro
					c.byRef[b.Reference] = b
					c.byAddr[key] = append(c.byAddr[key], b)
				}
			}
		}
	})
}

// nroOf names the optical node serving a commune: a neighbouring code and
// three letters, like "91122BUR".
func nroOf(insee string) string {
	h := hash64("nro", insee)
	return insee[:2] + fmt.Sprintf("%03d", h%1000) + letters(h>>16, 3)
}

// makeBuildings decides the buildings of an address: most often one house,
// sometimes one or a few buildings, rarely none.
func makeBuildings(streetCode, number string) []*Building {
	h := hash64("buildings", streetCode, number)
	p := pct(h)
	switch {
	case p < 3:
		return nil
	case p < 80:
		return []*Building{{Name: "", Type: "HOUSE", Stairs: []Stair{}, StreetCode: streetCode, Number: number}}
	}
	count := 1
	if p >= 93 {
		count = 2 + int(h>>8)%2
	}
	out := make([]*Building, count)
	for i := range out {
		name := ""
		if count > 1 || (h>>12)%2 == 0 {
			name = "BAT " + string(rune('A'+i))
		}
		var stairs []Stair
		if (h>>16)%3 == 0 {
			stairs = []Stair{{Stair: "_NA_", Floors: []string{"_NA_"}}}
		} else {
			floors := make([]string, 2+int(h>>20)%5)
			for f := range floors {
				floors[f] = strconv.Itoa(f)
			}
			stairs = []Stair{{Stair: "A", Floors: floors}}
			if (h>>24)%2 == 0 {
				stairs = append(stairs, Stair{Stair: "B", Floors: floors})
			}
		}
		out[i] = &Building{Name: name, Type: "BUILDING", Stairs: stairs, StreetCode: streetCode, Number: number}
	}
	return out
}

// rng is a tiny deterministic generator (splitmix64), stable across Go versions.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix(r.s)
}

func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// streetPool holds the names generated communes draw from.
var streetPool = []string{
	"RUE DE LA MAIRIE", "GRANDE RUE", "RUE DE L EGLISE", "AVENUE DU GENERAL DE GAULLE",
	"CHEMIN DES VIGNES", "RUE DU CHATEAU", "PLACE DE LA REPUBLIQUE", "RUE VICTOR HUGO",
	"RUE JEAN JAURES", "RUE PASTEUR", "RUE DE LA GARE", "RUE DU MOULIN", "RUE DES ECOLES",
	"ALLEE DES TILLEULS", "IMPASSE DES LILAS", "RUE DES JARDINS", "AVENUE DE LA LIBERATION",
	"RUE DU 8 MAI 1945", "RUE DU 11 NOVEMBRE", "PLACE DE L EGLISE", "RUE DE LA FONTAINE",
	"CHEMIN DU BOIS", "ROUTE DE LA FORET", "RUE DES PRES", "RUE DU STADE", "RUE DE LA PAIX",
	"BOULEVARD GAMBETTA", "RUE GEORGES CLEMENCEAU", "RUE ANATOLE FRANCE", "RUE EMILE ZOLA",
	"AVENUE JEAN MOULIN", "RUE DU COMMANDANT CHARCOT", "RUE SAINT MARTIN", "RUE DES ROSES",
	"ALLEE DES ACACIAS", "RUE DES CHENES", "CHEMIN DES PECHEURS", "RUE DU PONT", "QUAI DE LA RIVIERE",
	"RUE DE LA POSTE", "RUE DU PRESBYTERE", "RUE DU LAVOIR", "RUE DE LA CROIX", "RUE DES CERISIERS",
	"RUE DU FOUR", "RUE DES ARTISANS", "IMPASSE DU CLOS", "RUE DU VERGER", "RUE DES PEUPLIERS",
	"AVENUE DE LA GARE", "RUE DU MARECHAL FOCH", "RUE DU MARECHAL LECLERC", "RUE ARISTIDE BRIAND",
	"RUE LOUIS PASTEUR", "RUE DE LA LIBERTE", "RUE DES CHAMPS", "CHEMIN DE RONDE", "RUE DU CALVAIRE",
	"RUE DES BLEUETS", "RUE DES MIMOSAS", "RUE DU PARC", "AVENUE DES SPORTS", "RUE DU CIMETIERE",
	"RUE DE LA RESISTANCE", "RUE DU DOCTEUR SCHWEITZER", "RUE JULES FERRY", "RUE PIERRE CURIE",
	"RUE DES ALOUETTES", "ROUTE NATIONALE", "RUE DU CENTRE", "RUE HAUTE", "RUE BASSE",
	"RUE DE BELLEVUE", "RUE DES SOURCES", "CHEMIN DES CRETES", "LOTISSEMENT LES GENETS",
	"RUE DU PRIEURE", "RUE DES ORMES", "RUE DES HIRONDELLES", "RUE DU TERTRE",
}

// generateCommune draws 18 to 47 streets with numbers 1..N (gaps, some B
// and T suffixes), the same every time for a given INSEE code.
func generateCommune(insee string, zips []string) *commune {
	r := &rng{s: hash64("commune", insee)}
	c := &commune{insee: insee, byName: map[string]*street{}, byCode: map[string]*street{}}
	n := 18 + r.intn(30)
	perm := make([]int, len(streetPool))
	for i := range perm {
		perm[i] = i
	}
	for i := len(perm) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		perm[i], perm[j] = perm[j], perm[i]
	}
	for _, i := range perm[:n] {
		s := &street{name: streetPool[i], zip: zips[r.intn(len(zips))], byNum: map[string]*num{}}
		for {
			n := r.intn(10000) // written %04d, then a 0
			code := insee + string([]byte{byte('0' + n/1000), byte('0' + n/100%10), byte('0' + n/10%10), byte('0' + n%10), '0'})
			if c.byCode[code] == nil {
				s.code = code
				break
			}
		}
		last := 3 + r.intn(25)
		if r.intn(4) == 0 {
			last += r.intn(120)
		}
		for k := 1; k <= last; k++ {
			if r.intn(8) == 0 {
				continue
			}
			s.addNum(strconv.Itoa(k), 0, 0, false)
			switch x := r.intn(100); {
			case x < 2:
				s.addNum(strconv.Itoa(k)+"B", 0, 0, false)
				s.addNum(strconv.Itoa(k)+"T", 0, 0, false)
			case x < 9:
				s.addNum(strconv.Itoa(k)+"B", 0, 0, false)
			}
		}
		c.byName[s.name] = s
		c.byCode[s.code] = s
		c.streets = append(c.streets, s)
	}
	sort.Slice(c.streets, func(i, j int) bool { return c.streets[i].name < c.streets[j].name })
	return c
}

func (s *street) addNum(n string, lat, lon float64, coord bool) {
	if s.byNum[n] != nil {
		return
	}
	x := &num{n: n, lat: lat, lon: lon, coord: coord}
	s.byNum[n] = x
	s.nums = append(s.nums, x)
}

// numLess orders "2" < "2B" < "2T" < "10".
func numLess(a, b string) bool {
	na, sa := splitNum(a)
	nb, sb := splitNum(b)
	if na != nb {
		return na < nb
	}
	return sa < sb
}

func splitNum(s string) (int, string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	n, _ := strconv.Atoi(s[:i])
	return n, s[i:]
}
