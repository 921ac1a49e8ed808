package bench

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ovhcloud-tools/eligibility/address"
	"github.com/ovhcloud-tools/eligibility/laposte"
	"github.com/ovhcloud-tools/eligibility/sandbox"
)

// Kind says what a generated row is.
type Kind int

// Row kinds. Junk rows are what real files carry: a contact without an
// address, a street the referential does not know, a zip mangled beyond
// repair.
const (
	KindGood          Kind = iota // an address of the world, written the human way
	KindEmpty                     // a name and nothing else
	KindUnknownStreet             // a real commune, a street it does not have
	KindBadZip                    // a good address with a malformed zip: invalid, no API call
)

func (k Kind) String() string {
	switch k {
	case KindGood:
		return "good"
	case KindEmpty:
		return "empty"
	case KindUnknownStreet:
		return "unknown-street"
	case KindBadZip:
		return "bad-zip"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Header is the header of generated files.
var Header = []string{"nom", "adresse", "code_postal", "ville"}

// Row is one generated row: its cells and the truth behind them.
type Row struct {
	Kind                     Kind
	Name, Address, Zip, City string // the cells, as written in the file
	// Truth. Insee is set for good and unknown-street rows; StreetCode and
	// Number (OVH form, "12B") for good and bad-zip rows.
	Insee, StreetCode, Number string
	// Plain: the human spelling of the street was refused (see Generate)
	// and the OVH name was written in lowercase.
	Plain bool
}

// Cells returns the row in Header order.
func (r Row) Cells() []string { return []string{r.Name, r.Address, r.Zip, r.City} }

// DefaultJunk is the share of junk rows when Config.Junk is 0.
const DefaultJunk = 0.03

// Config shapes a generated file.
type Config struct {
	Rows int
	// Communes is how many distinct communes the file spreads over; every
	// one has at least one row when Rows allows. 0 = Rows/30, at least 1.
	Communes int
	Seed     uint64
	// Junk is the share of junk rows, split evenly between the three junk
	// kinds; 0 = DefaultJunk, negative = none.
	Junk float64
	// Skew is the Zipf exponent (> 1) of the rows over communes; streets
	// and numbers are skewed more. 0 = 1.1.
	Skew float64
}

// Stats describes a generated file.
type Stats struct {
	Rows          int
	Kinds         map[Kind]int
	Communes      int // distinct communes (good and unknown-street rows)
	Streets       int // distinct streets of good rows
	Addresses     int // distinct addresses of good rows
	MaxPerStreet  int // rows of the most frequent street
	MaxPerAddress int // rows of the most frequent address
	Plain         int // good rows whose human spelling was refused (Row.Plain)
}

// Summarize counts what rows contain.
func Summarize(rows []Row) Stats {
	st := Stats{Rows: len(rows), Kinds: map[Kind]int{}}
	communes, streets, addrs := map[string]bool{}, map[string]int{}, map[string]int{}
	for _, r := range rows {
		st.Kinds[r.Kind]++
		if r.Insee != "" {
			communes[r.Insee] = true
		}
		if r.Kind == KindGood {
			if r.Plain {
				st.Plain++
			}
			streets[r.StreetCode]++
			addrs[r.StreetCode+"|"+r.Number]++
		}
	}
	st.Communes, st.Streets, st.Addresses = len(communes), len(streets), len(addrs)
	for _, n := range streets {
		st.MaxPerStreet = max(st.MaxPerStreet, n)
	}
	for _, n := range addrs {
		st.MaxPerAddress = max(st.MaxPerAddress, n)
	}
	return st
}

// badZips are zips no repair can save (address.RepairZip: CodeInvalid).
var badZips = []string{"123", "00123", "750", "ABCDE", "1234567", "75 0"}

// unknownStreets are streets no commune of the sandbox has.
var unknownStreets = []string{
	"rue des licornes", "impasse du korrigan", "allée des farfadets", "chemin de nulle part",
	"rue du zeppelin", "place des dragons", "square des elfes", "rue imaginaire",
}

var firstNames = []string{"Jean", "Marie", "Pierre", "Nathalie", "Michel", "Isabelle", "Philippe", "Sylvie",
	"Alain", "Catherine", "Nicolas", "Sophie", "Laurent", "Valérie", "Stéphane", "Christine", "Éric", "Hélène",
	"Thomas", "Camille", "Julien", "Léa", "François", "Chloé"}

var lastNames = []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
	"Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
	"Vincent", "Fournier", "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont", "Lambert", "Bonnet"}

var companies = []string{"SARL %s", "Boulangerie %s", "Garage %s", "Cabinet %s", "EURL %s et fils", "Pharmacie %s"}

// commune is a commune the generator draws from.
type commune struct {
	insee, name string
	streets     []sandbox.Street   // usable streets
	all         []sandbox.Street   // every street, as search/streets lists them
	prepared    []address.Prepared // of all
	perm        []int              // popularity order of streets
}

type gen struct {
	w      *sandbox.World
	r      *rand.Rand
	lp     *laposte.Table
	nums   map[string][]string // street code → numbers
	perms  map[string][]int    // street code → popularity order of numbers
	zipOK  map[string]bool     // zip|insee → the commune name is unambiguous in the zip
	spells map[string]bool     // street code|spelling → the resolver would pick the street
}

// Generate draws a file of cfg.Rows rows from w (nil = the default world),
// the same for the same Config. Good rows name an address the world has,
// in a commune whose name no other commune of its zip shares; the street is
// written the human way (lowercase or title case, "av", "bd", accents,
// "12 bis"), unless the resolver's scoring would not pick the intended
// street back from that spelling, in which case the plain OVH name in
// lowercase is written (Stats.Plain counts those).
func Generate(w *sandbox.World, cfg Config) ([]Row, error) {
	if cfg.Rows <= 0 {
		return nil, errors.New("bench: Config.Rows must be positive")
	}
	if w == nil {
		w = sandbox.DefaultWorld()
	}
	if cfg.Communes <= 0 {
		cfg.Communes = max(1, cfg.Rows/30)
	}
	if cfg.Junk == 0 {
		cfg.Junk = DefaultJunk
	}
	if cfg.Skew <= 1 {
		cfg.Skew = 1.1
	}
	g := &gen{w: w, r: rand.New(rand.NewPCG(cfg.Seed, 0x5eed_be9c4)), lp: laposte.Load(),
		nums: map[string][]string{}, perms: map[string][]int{}, zipOK: map[string]bool{}, spells: map[string]bool{}}
	communes := g.communes(cfg.Communes)
	if len(communes) == 0 {
		return nil, errors.New("bench: the world has no usable commune")
	}
	zipf := rand.NewZipf(g.r, cfg.Skew, 1, uint64(len(communes)-1))
	rows := make([]Row, 0, cfg.Rows)
	for i := range cfg.Rows {
		ci := int(zipf.Uint64())
		if i < len(communes) {
			ci = i // every commune at least once
		}
		c := communes[ci]
		u := g.r.Float64()
		switch {
		case cfg.Junk > 0 && u < cfg.Junk/3:
			rows = append(rows, Row{Kind: KindEmpty, Name: g.name()})
		case cfg.Junk > 0 && u < 2*cfg.Junk/3:
			rows = append(rows, g.unknownStreet(c))
		case cfg.Junk > 0 && u < cfg.Junk:
			row := g.good(c)
			row.Kind, row.Insee = KindBadZip, ""
			row.Zip = badZips[g.r.IntN(len(badZips))]
			rows = append(rows, row)
		default:
			rows = append(rows, g.good(c))
		}
	}
	g.r.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	return rows, nil
}

// communes picks n communes with at least one usable street, in a seeded
// order over the La Poste table.
func (g *gen) communes(n int) []*commune {
	entries := g.lp.Entries
	var out []*commune
	seen := map[string]bool{}
	for _, i := range g.r.Perm(len(entries)) {
		if len(out) == n {
			break
		}
		e := entries[i]
		if seen[e.Insee] {
			continue
		}
		seen[e.Insee] = true
		c := &commune{insee: e.Insee, name: e.Name}
		c.all = g.w.Streets(e.Insee)
		for _, s := range c.all {
			if s.ZipCode == "" {
				s.ZipCode = e.Zip
			}
			if len(g.numbers(s.StreetCode)) == 0 || !g.cityUnambiguous(s.ZipCode, c.insee, c.name) {
				continue
			}
			c.streets = append(c.streets, s)
		}
		if len(c.streets) == 0 {
			continue
		}
		for _, s := range c.all {
			c.prepared = append(c.prepared, address.PrepareStreet(s.StreetName))
		}
		c.perm = g.r.Perm(len(c.streets))
		out = append(out, c)
	}
	return out
}

func (g *gen) numbers(code string) []string {
	ns, ok := g.nums[code]
	if !ok {
		ns = g.w.Numbers(code)
		g.nums[code] = ns
		g.perms[code] = g.r.Perm(len(ns))
	}
	return ns
}

// cityUnambiguous reports whether name picks insee among the communes La
// Poste lists for zip (the sandbox's search/cities answer).
func (g *gen) cityUnambiguous(zip, insee, name string) bool {
	key := zip + "|" + insee
	if ok, done := g.zipOK[key]; done {
		return ok
	}
	found, ok := false, true
	for _, e := range g.lp.ByZip(zip) {
		if e.Insee == insee {
			found = true
			continue
		}
		for _, n := range []string{e.Name, e.Label, e.Line5} {
			if n != "" && address.CityScore(name, n) >= exactScore {
				ok = false
			}
		}
	}
	g.zipOK[key] = found && ok
	return found && ok
}

// pick draws an index in [0, n) with a Zipf skew through perm.
func (g *gen) pick(perm []int, s float64) int {
	if len(perm) == 1 {
		return perm[0]
	}
	z := rand.NewZipf(g.r, s, 1, uint64(len(perm)-1))
	return perm[z.Uint64()]
}

func (g *gen) good(c *commune) Row {
	s := c.streets[g.pick(c.perm, 1.2)]
	ns := g.numbers(s.StreetCode)
	n := ns[g.pick(g.perms[s.StreetCode], 1.5)]
	street, plain := g.humanStreet(c, s)
	addr := humanNumber(n, g.r) + " " + street
	if !numberReadsBack(addr, n, street) {
		addr = strings.ToLower(n) + " " + street
		if !numberReadsBack(addr, n, street) {
			addr = strings.ToLower(n) + " " + strings.ToLower(s.StreetName)
		}
	}
	return Row{Kind: KindGood, Name: g.name(), Address: addr, Zip: s.ZipCode, City: g.cityText(c.name),
		Insee: c.insee, StreetCode: s.StreetCode, Number: n, Plain: plain}
}

func (g *gen) unknownStreet(c *commune) Row {
	s := c.streets[g.r.IntN(len(c.streets))]
	row := Row{Kind: KindUnknownStreet, Name: g.name(), Zip: s.ZipCode, City: g.cityText(c.name), Insee: c.insee}
	for _, k := range g.r.Perm(len(unknownStreets)) {
		if v, _ := choose(c.prepared, unknownStreets[k]); v != picked {
			row.Address = fmt.Sprintf("%d %s", 1+g.r.IntN(40), unknownStreets[k])
			return row
		}
	}
	// Every invented name matched some street: keep the row as an empty one.
	return Row{Kind: KindEmpty, Name: row.Name}
}

// numberReadsBack reports whether the address cell splits back into the
// intended number (first candidate) and street, both as a street cell
// (address.SplitStreet: how a cell next to zip and city columns is read)
// and as a one-column address (address.SplitAddress).
func numberReadsBack(addr, n, street string) bool {
	num, st := address.SplitStreet(addr)
	if st != street || !firstCandidate(num, n) {
		return false
	}
	p := address.SplitAddress(addr)
	return p.Street == street && p.Zip == "" && p.City == "" && firstCandidate(p.Number, n)
}

func firstCandidate(number, want string) bool {
	num := address.ParseNumber(number, "")
	return num.Valid && len(num.Candidates) > 0 && strings.EqualFold(num.Candidates[0], want)
}

// humanStreet writes a street name the way people type it, or plainly when
// the resolver's rules would not pick the street back from that spelling.
func (g *gen) humanStreet(c *commune, s sandbox.Street) (text string, plain bool) {
	text = humanize(s.StreetName, g.r)
	key := s.StreetCode + "|" + text
	ok, done := g.spells[key]
	if !done {
		v, idx := choose(c.prepared, text)
		ok = v == picked && c.all[idx].StreetCode == s.StreetCode
		g.spells[key] = ok
	}
	if ok {
		return text, false
	}
	return strings.ToLower(s.StreetName), true
}

// Street-choice rules of the resolver (resolve.DefaultFloor, Threshold,
// Margin and its exact-match rule): a spelling is kept only when they pick
// the intended street.
const (
	floorScore = 0.60
	threshold  = 0.80
	margin     = 0.05
	exactScore = 0.999
)

type verdict int

const (
	picked verdict = iota
	notPicked
)

// choose scores text against a commune's streets and says whether the best
// one would be picked, and which (index into the commune's street list).
func choose(prepared []address.Prepared, text string) (verdict, int) {
	in := address.PrepareStreet(text)
	best, second, idx := -1.0, -1.0, -1
	for i, p := range prepared {
		s := p.Score(in)
		switch {
		case s > best:
			best, second, idx = s, best, i
		case s > second:
			second = s
		}
	}
	if idx < 0 || best < floorScore || best < threshold {
		return notPicked, idx
	}
	if second >= 0 && !(best >= exactScore && second < exactScore) && best-second < margin {
		return notPicked, idx
	}
	return picked, idx
}

var typeAbbrev = map[string][]string{
	"AVENUE": {"av", "av.", "ave"}, "BOULEVARD": {"bd", "bld", "boul"}, "CHEMIN": {"ch", "chem"},
	"IMPASSE": {"imp"}, "PLACE": {"pl"}, "ROUTE": {"rte"}, "ALLEE": {"all"}, "LOTISSEMENT": {"lot"},
}

var accents = map[string]string{
	"EGLISE": "ÉGLISE", "GENERAL": "GÉNÉRAL", "ECOLES": "ÉCOLES", "CHATEAU": "CHÂTEAU", "PRES": "PRÉS",
	"MARECHAL": "MARÉCHAL", "LIBERATION": "LIBÉRATION", "REPUBLIQUE": "RÉPUBLIQUE", "RESISTANCE": "RÉSISTANCE",
	"ALLEE": "ALLÉE", "GENETS": "GENÊTS", "CHENES": "CHÊNES", "FORET": "FORÊT", "CIMETIERE": "CIMETIÈRE",
	"PRESBYTERE": "PRESBYTÈRE", "PRIEURE": "PRIEURÉ", "CRETES": "CRÊTES", "PECHEURS": "PÊCHEURS",
	"RIVIERE": "RIVIÈRE", "EMILE": "ÉMILE", "CLEMENCEAU": "CLÉMENCEAU", "LIBERTE": "LIBERTÉ",
	"ECOLE": "ÉCOLE", "MAIRIE": "MAIRIE", "STADE": "STADE",
}

var smallWords = map[string]bool{"de": true, "du": true, "des": true, "la": true, "le": true, "les": true,
	"et": true, "en": true, "sur": true, "aux": true, "au": true}

// humanize turns an OVH street name ("AVENUE DU GENERAL DE GAULLE") into
// what a person types: "av du Général de Gaulle", "avenue du general de
// gaulle", "Place de l'Église"…
func humanize(ovh string, r *rand.Rand) string {
	words := strings.Fields(ovh)
	if len(words) == 0 {
		return ""
	}
	abbrev := ""
	if alts, ok := typeAbbrev[words[0]]; ok && r.IntN(100) < 35 {
		abbrev = alts[r.IntN(len(alts))]
	}
	if r.IntN(2) == 0 {
		for i, w := range words {
			if a, ok := accents[w]; ok {
				words[i] = a
			}
		}
	}
	// Elision: "DE L EGLISE" → "de l'église".
	var b []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		if (w == "L" || w == "D") && i+1 < len(words) {
			b = append(b, w+"'"+words[i+1])
			i++
			continue
		}
		b = append(b, w)
	}
	if abbrev != "" {
		b[0] = abbrev
	}
	switch x := r.IntN(100); {
	case x < 60:
		for i := range b {
			b[i] = strings.ToLower(b[i])
		}
	case x < 85:
		for i := range b {
			lw := strings.ToLower(b[i])
			if i > 0 && (smallWords[lw] || strings.HasPrefix(lw, "l'") || strings.HasPrefix(lw, "d'")) {
				if len(lw) > 2 && lw[1] == '\'' {
					b[i] = lw[:2] + titleWord(lw[2:])
				} else {
					b[i] = lw
				}
				continue
			}
			b[i] = titleWord(lw)
		}
		if abbrev != "" {
			b[0] = abbrev
		}
	default:
		for i := range b {
			b[i] = strings.ToUpper(b[i])
		}
	}
	return strings.Join(b, " ")
}

func titleWord(w string) string {
	r, n := utf8.DecodeRuneInString(w)
	if r == utf8.RuneError {
		return w
	}
	return string(unicode.ToUpper(r)) + w[n:]
}

// humanNumber writes an OVH number ("12", "12B", "12T") as typed: "12 bis",
// "12bis", "12 b", "12 ter".
func humanNumber(n string, r *rand.Rand) string {
	i := strings.IndexFunc(n, func(c rune) bool { return c < '0' || c > '9' })
	if i < 0 {
		return n
	}
	digits, suf := n[:i], strings.ToUpper(n[i:])
	words := map[string]string{"B": "bis", "T": "ter", "Q": "quater"}
	w, ok := words[suf]
	if !ok {
		return digits + strings.ToLower(suf)
	}
	switch r.IntN(5) {
	case 0, 1:
		return digits + " " + w
	case 2:
		return digits + w
	case 3:
		return digits + " " + strings.ToLower(suf)
	default:
		return digits + strings.ToUpper(w[:1]) + w[1:]
	}
}

func (g *gen) name() string {
	last := lastNames[g.r.IntN(len(lastNames))]
	if g.r.IntN(10) == 0 {
		return fmt.Sprintf(companies[g.r.IntN(len(companies))], last)
	}
	return firstNames[g.r.IntN(len(firstNames))] + " " + strings.ToUpper(last)
}

// cityText writes a La Poste name ("L ABERGEMENT CLEMENCIAT") as typed.
func (g *gen) cityText(name string) string {
	switch x := g.r.IntN(100); {
	case x < 40:
		return name
	case x < 50:
		return strings.ToLower(name)
	default:
		ws := strings.Fields(strings.ToLower(name))
		for i, w := range ws {
			if i > 0 && smallWords[w] {
				continue
			}
			ws[i] = titleWord(w)
		}
		return strings.Join(ws, " ")
	}
}

// WriteCSV writes rows as a ';'-separated UTF-8 file with Header.
func WriteCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	if err := cw.Write(Header); err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write(r.Cells()); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
