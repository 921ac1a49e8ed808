package readers

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/ovhcloud-tools/eligibility/laposte"
)

// Mapping says which column (0-based) plays which role, and why.
type Mapping struct {
	Columns  map[Role]int
	Evidence map[Role]string
	Header   []string
	// Warnings are about the data rather than the choice: codes that lost
	// their leading zero, an address column without zip codes…
	Warnings []string
}

// Get is the trimmed cell of role r ("" when unmapped or out of range).
func (m Mapping) Get(cells []string, r Role) string {
	i, ok := m.Columns[r]
	if !ok || i < 0 || i >= len(cells) {
		return ""
	}
	return strings.TrimSpace(cells[i])
}

// Has reports whether role r is mapped.
func (m Mapping) Has(r Role) bool {
	_, ok := m.Columns[r]
	return ok
}

// UsableError says why the rows of a file cannot be resolved.
type UsableError struct {
	Mapped []Role
	Header []string
}

func (e *UsableError) Error() string {
	have := "nothing"
	if len(e.Mapped) > 0 {
		s := make([]string, len(e.Mapped))
		for i, r := range e.Mapped {
			s[i] = string(r)
		}
		have = strings.Join(s, ", ")
	}
	return fmt.Sprintf("no usable columns (mapped: %s): need a full address column, or a street with a zip, "+
		"city or INSEE code column, or a line number, OTP or building column; headers are: %s; "+
		"map them with --columns, e.g. --columns zip=\"CODE POSTAL\",street=RUE", have, quoteList(e.Header))
}

// Usable returns nil when the mapped roles are enough to resolve rows.
func (m Mapping) Usable() error {
	place := m.Has(RoleZip) || m.Has(RoleCity) || m.Has(RoleInsee)
	if m.Has(RoleAddress) || (m.Has(RoleStreet) && place) || m.Has(RoleLine) || m.Has(RoleOTP) || m.Has(RoleBuilding) {
		return nil
	}
	var mapped []Role
	for _, r := range Roles {
		if m.Has(r) {
			mapped = append(mapped, r)
		}
	}
	return &UsableError{Mapped: mapped, Header: m.Header}
}

func quoteList(h []string) string {
	q := make([]string, len(h))
	for i, s := range h {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

// ColumnError is a --columns spec naming a column or role that does not exist.
type ColumnError struct {
	Spec   string   // the offending "role=column" part
	Role   string   // as typed
	Column string   // as typed
	Msg    string   // what is wrong
	Header []string // the real headers, to help
}

func (e *ColumnError) Error() string {
	return fmt.Sprintf("--columns %s: %s; the file's columns are: %s", e.Spec, e.Msg, quoteList(e.Header))
}

// newFolder strips accents. A transform.Chain keeps buffers: it is not safe
// for concurrent use, so each call makes its own (cheap next to the read).
func newFolder() transform.Transformer {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}

// foldHeader makes header names comparable: lower case, no accents, any
// punctuation a space. "Libellé_d'acheminement " → "libelle d acheminement".
func foldHeader(s string) string {
	s = strings.NewReplacer("œ", "oe", "Œ", "oe", "æ", "ae", "Æ", "ae", "\ufeff", "").Replace(s)
	if t, _, err := transform.String(newFolder(), s); err == nil {
		s = t
	}
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		} else {
			space = true
		}
	}
	return b.String()
}

type alias struct {
	name   string // folded
	weight float64
}

func al(w float64, names ...string) []alias {
	a := make([]alias, len(names))
	for i, n := range names {
		a[i] = alias{n, w}
	}
	return a
}

func cat(lists ...[]alias) []alias {
	var out []alias
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// aliases are header names per role, folded. Weights order the choice when
// several columns fit (nom_voie before nom_afnor, the full commune name
// before the La Poste label).
var aliases = map[Role][]alias{
	RoleZip: cat(al(1, "code postal", "cp", "code post", "postcode", "postal code", "zip", "zipcode", "zip code",
		"code postale", "cpostal"), al(0.9, "codes postaux")),
	RoleCity: cat(al(1, "ville", "commune", "city", "nom commune complet", "commune nom", "nom de la commune", "town"),
		al(0.99, "nom commune postal"), al(0.98, "nom commune", "localite"),
		al(0.9, "libelle acheminement", "libelle d acheminement")),
	RoleInsee: cat(al(1, "code insee", "insee", "code commune insee", "citycode", "commune insee", "code insee commune"),
		al(0.9, "cog", "depcom"), al(0.6, "code commune")),
	RoleAddress: al(1, "adresse", "adresse complete", "address", "full address", "adresse postale", "adresse1"),
	RoleNumber: al(1, "numero", "num", "n", "no", "nr", "numero de voie", "numero voie", "numero dans la voie",
		"housenumber", "house number", "number"),
	RoleSuffix: cat(al(1, "rep", "suffixe", "suffix", "indice", "indice de repetition", "indice repetition"),
		al(0.9, "btq")),
	RoleStreet: cat(al(1, "voie", "nom voie", "voie nom", "libelle de voie", "libelle voie", "nom de la voie",
		"rue", "street", "numero et libelle de voie", "type et libelle de voie"), al(0.9, "nom afnor")),
	RoleComplement: cat(al(1, "complement", "complement adresse", "complement d adresse"),
		al(0.9, "adresse 2", "address 2", "address line 2")),
	RoleLine: al(1, "ligne", "numero de ligne", "numero ligne", "ndi", "line", "line number"),
	RoleLineStatus: cat(al(1, "statut ligne", "statut de ligne", "line status", "etat ligne", "etat de la ligne"),
		al(0.7, "statut")),
	RoleOTP: cat(al(1, "otp", "pto", "reference pto", "ref pto", "reference prise", "otp ref"), al(0.8, "prise")),
	RoleBuilding: cat(al(1, "imb", "building", "reference immeuble", "ref immeuble", "code immeuble",
		"building reference", "reference imb"), al(0.9, "immeuble")),
}

// headerScore matches one folded header against a role's aliases.
func headerScore(h string, r Role) (float64, string) {
	best, which := 0.0, ""
	ht := strings.Fields(h)
	hc := strings.ReplaceAll(h, " ", "")
	for _, a := range aliases[r] {
		s := 0.0
		switch {
		case h == a.name || hc == strings.ReplaceAll(a.name, " ", ""):
			s = a.weight
		case len(a.name) >= 3 && hasPrefixTokens(ht, strings.Fields(a.name)):
			s = 0.8 * a.weight
		case len(a.name) >= 3 && containsTokens(ht, strings.Fields(a.name)):
			s = 0.7 * a.weight
		}
		if s > best {
			best, which = s, a.name
		}
	}
	return best, which
}

func hasPrefixTokens(h, p []string) bool {
	if len(p) > len(h) {
		return false
	}
	for i := range p {
		if h[i] != p[i] {
			return false
		}
	}
	return true
}

func containsTokens(h, p []string) bool {
	for _, t := range p {
		found := false
		for _, u := range h {
			if u == t {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

var (
	reCode5    = regexp.MustCompile(`^[0-9]{5}$`)
	reCode4    = regexp.MustCompile(`^[0-9]{4}$`)
	reCodeF    = regexp.MustCompile(`^[0-9]{4,5}[.,]0+$`)
	reCorsica  = regexp.MustCompile(`^2[ABab][0-9]{3}$`)
	reNumber   = regexp.MustCompile(`(?i)^[0-9]{1,5}( ?([a-z]|bis|ter|quater|quinquies))?$|^[0-9]{1,5}[.,]0+$`)
	reLine     = regexp.MustCompile(`^0?[0-9]{9}$`)
	reOTP      = regexp.MustCompile(`(?i)^[a-z]{2}-[a-z0-9]{4}-[a-z0-9]{4}$`)
	reBuilding = regexp.MustCompile(`(?i)^imb/`)
	reZipIn    = regexp.MustCompile(`(^|[^0-9])[0-9]{5}([^0-9]|$)`)
	reDigit    = regexp.MustCompile(`[0-9]`)
	reLetter   = regexp.MustCompile(`\pL`)
)

// colStats describes the sampled cells of one column.
type colStats struct {
	n                             int // non-empty sampled cells
	code5, code4, codeF, corsica  int
	knownZip, knownInsee          int
	number, line, otp, building   int
	letters, zipInside, withDigit int
}

func (c colStats) codes() int { return c.code5 + c.code4 + c.codeF + c.corsica }

func statsOf(sample [][]string, col int) colStats {
	var s colStats
	var lp *laposte.Table
	for _, row := range sample {
		if col >= len(row) {
			continue
		}
		v := strings.TrimSpace(row[col])
		if v == "" {
			continue
		}
		s.n++
		code := ""
		switch {
		case reCode5.MatchString(v):
			s.code5++
			code = v
		case reCode4.MatchString(v):
			s.code4++
			code = "0" + v
		case reCodeF.MatchString(v):
			s.codeF++
			code = v[:strings.IndexAny(v, ".,")]
			if len(code) == 4 {
				code = "0" + code
			}
		case reCorsica.MatchString(v):
			s.corsica++
			code = strings.ToUpper(v)
		}
		if code != "" {
			if lp == nil {
				lp = laposte.Load()
			}
			if lp.ZipKnown(code) {
				s.knownZip++
			}
			if len(lp.ByInsee(code)) > 0 {
				s.knownInsee++
			}
		}
		if reNumber.MatchString(v) {
			s.number++
		}
		if reLine.MatchString(strings.NewReplacer(" ", "", ".", "", "-", "").Replace(v)) {
			s.line++
		}
		if reOTP.MatchString(v) {
			s.otp++
		}
		if reBuilding.MatchString(v) {
			s.building++
		}
		if reLetter.MatchString(v) {
			s.letters++
		}
		if reZipIn.MatchString(v) {
			s.zipInside++
		}
		if reDigit.MatchString(v) {
			s.withDigit++
		}
	}
	return s
}

func pct(a, n int) int {
	if n == 0 {
		return 0
	}
	return (100*a + n/2) / n
}

// contentFit is the factor that the cells apply to a header match, with its
// evidence. An empty sample neither confirms nor contradicts.
func contentFit(r Role, s colStats, sampled int) (float64, string) {
	if s.n == 0 {
		return 0.5, fmt.Sprintf("all %d sampled cells empty", sampled)
	}
	frac := func(k int) float64 { return float64(k) / float64(s.n) }
	say := func(k int, what string) string {
		return fmt.Sprintf("%d%% of %d sampled cells %s", pct(k, s.n), s.n, what)
	}
	switch r {
	case RoleZip, RoleInsee:
		ev := say(s.code5+s.corsica, "are 5-character codes")
		if s.code4+s.codeF > 0 {
			ev = say(s.codes(), "are codes (5 digits, or 4 with the leading zero lost)")
		}
		if frac(s.codes()) >= 0.5 {
			return 1, ev
		}
		return 0.2, ev
	case RoleNumber:
		ev := say(s.number, "look like house numbers")
		if frac(s.number) >= 0.5 {
			return 1, ev
		}
		return 0.2, ev
	case RoleLine:
		ev := say(s.line, "are 10-digit line numbers")
		if frac(s.line) >= 0.5 {
			return 1, ev
		}
		return 0.1, ev
	case RoleOTP:
		ev := say(s.otp, "look like OTP references (XX-XXXX-XXXX)")
		if frac(s.otp) >= 0.5 {
			return 1, ev
		}
		return 0.3, ev
	case RoleBuilding:
		ev := say(s.building, "start with IMB/")
		if frac(s.building) >= 0.5 {
			return 1, ev
		}
		return 0.3, ev
	case RoleCity, RoleStreet, RoleComplement, RoleAddress, RoleSuffix, RoleLineStatus:
		ev := say(s.letters, "have letters")
		if r == RoleAddress {
			ev += fmt.Sprintf(", %d%% hold a 5-digit code", pct(s.zipInside, s.n))
		}
		if frac(s.letters) >= 0.5 {
			return 1, ev
		}
		return 0.2, ev
	}
	return 1, ""
}

type candidate struct {
	role   Role
	col    int
	score  float64
	ev     string
	header bool // from the header name (not content alone)
}

// minScore is what a column needs to be chosen.
const minScore = 0.5

// Propose maps columns to roles from the header names (French or English;
// case, accents and punctuation ignored) and the content of sample rows.
// Each column gets at most one role and each role at most one column.
func Propose(header []string, sample [][]string) Mapping {
	m := Mapping{Columns: map[Role]int{}, Evidence: map[Role]string{}, Header: header}
	width := len(header)
	for _, row := range sample {
		width = max(width, len(row))
	}
	stats := make([]colStats, width)
	for c := range stats {
		stats[c] = statsOf(sample, c)
	}
	name := func(c int) string {
		if c < len(header) {
			return header[c]
		}
		return fmt.Sprintf("col%d", c+1)
	}
	var cands []candidate
	for c := 0; c < width; c++ {
		h := ""
		if c < len(header) {
			h = foldHeader(header[c])
		}
		matched := false
		for _, r := range Roles {
			hs, which := headerScore(h, r)
			if hs == 0 {
				continue
			}
			matched = true
			fit, cev := contentFit(r, stats[c], len(sample))
			if fit == 0.5 && hs >= 0.9 {
				fit = 1 // an exact header name is enough on its own
			}
			ev := fmt.Sprintf("header %q ~ %s", name(c), r)
			if which != h {
				ev += fmt.Sprintf(" (like %q)", which)
			}
			if cev != "" {
				ev += "; " + cev
			}
			cands = append(cands, candidate{r, c, hs * fit, ev, true})
		}
		if !matched || len(sample) > 0 {
			cands = append(cands, contentOnly(c, name(c), stats[c])...)
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		return cands[i].col < cands[j].col
	})
	used := map[int]bool{}
	for _, cd := range cands {
		if cd.score < minScore || used[cd.col] || m.Has(cd.role) {
			continue
		}
		m.Columns[cd.role] = cd.col
		m.Evidence[cd.role] = cd.ev
		used[cd.col] = true
	}
	// Record the runners-up so a person can tell what was left aside.
	for _, r := range Roles {
		if !m.Has(r) {
			continue
		}
		var alt []string
		for _, cd := range cands {
			if cd.role == r && cd.header && cd.col != m.Columns[r] && cd.score >= minScore && !containsStr(alt, name(cd.col)) {
				alt = append(alt, strconv.Quote(name(cd.col)))
			}
		}
		if len(alt) > 0 {
			m.Evidence[r] += "; also fits: " + strings.Join(alt, ", ")
		}
	}
	// An "adresse" column without zip codes, next to zip/city columns, is a
	// street line with its number: give it to the street role.
	if c, ok := m.Columns[RoleAddress]; ok && !m.Has(RoleStreet) &&
		(m.Has(RoleZip) || m.Has(RoleCity) || m.Has(RoleInsee)) && stats[c].n > 0 &&
		float64(stats[c].zipInside)/float64(stats[c].n) < 0.3 {
		m.Columns[RoleStreet] = c
		m.Evidence[RoleStreet] = m.Evidence[RoleAddress] + "; no zip code inside and zip/city columns exist: read as street (number included)"
		delete(m.Columns, RoleAddress)
		delete(m.Evidence, RoleAddress)
	}
	for _, r := range []Role{RoleZip, RoleInsee} {
		c, ok := m.Columns[r]
		if !ok {
			continue
		}
		if lost := stats[c].code4 + stats[c].codeF; lost > 0 {
			note := fmt.Sprintf("4-digit codes: %d of %d sampled cells lost their leading zero (e.g. 1400): they will be left-padded to 5 digits",
				lost, stats[c].n)
			m.Evidence[r] += "; " + note
			m.Warnings = append(m.Warnings, fmt.Sprintf("column %q (%s): %s", name(c), r, note))
		}
	}
	return m
}

func containsStr(l []string, s string) bool {
	q := strconv.Quote(s)
	for _, x := range l {
		if x == q {
			return true
		}
	}
	return false
}

// contentOnly proposes roles from cells alone, for columns whose header says
// nothing (or files without a header).
func contentOnly(c int, name string, s colStats) []candidate {
	if s.n < 1 {
		return nil
	}
	frac := func(k int) float64 { return float64(k) / float64(s.n) }
	var out []candidate
	if frac(s.codes()) >= 0.8 && frac(max(s.knownZip, s.knownInsee)) >= 0.5 {
		ev := fmt.Sprintf("column %q: no header match; %d%% of %d sampled cells are 5-digit codes, %d%% known La Poste zips, %d%% known INSEE codes",
			name, pct(s.codes(), s.n), s.n, pct(s.knownZip, s.n), pct(s.knownInsee, s.n))
		if s.knownZip >= s.knownInsee {
			out = append(out, candidate{RoleZip, c, 0.55, ev, false}, candidate{RoleInsee, c, 0.5, ev, false})
		} else {
			out = append(out, candidate{RoleInsee, c, 0.55, ev, false}, candidate{RoleZip, c, 0.5, ev, false})
		}
	}
	if frac(s.zipInside) >= 0.6 && frac(s.letters) >= 0.6 {
		out = append(out, candidate{RoleAddress, c, 0.55, fmt.Sprintf(
			"column %q: no header match; %d%% of %d sampled cells hold letters and a 5-digit code (full address)",
			name, pct(s.zipInside, s.n), s.n), false})
	}
	if frac(s.line) >= 0.9 {
		out = append(out, candidate{RoleLine, c, 0.5, fmt.Sprintf(
			"column %q: no header match; %d%% of %d sampled cells are 10-digit line numbers", name, pct(s.line, s.n), s.n), false})
	}
	if frac(s.building) >= 0.9 {
		out = append(out, candidate{RoleBuilding, c, 0.55, fmt.Sprintf(
			"column %q: no header match; %d%% of %d sampled cells start with IMB/", name, pct(s.building, s.n), s.n), false})
	}
	if frac(s.otp) >= 0.9 {
		out = append(out, candidate{RoleOTP, c, 0.55, fmt.Sprintf(
			"column %q: no header match; %d%% of %d sampled cells look like OTP references", name, pct(s.otp, s.n), s.n), false})
	}
	return out
}

// roleNames accepts the role names and a few French synonyms in --columns.
var roleNames = map[string]Role{
	"cp": RoleZip, "code_postal": RoleZip, "postcode": RoleZip,
	"ville": RoleCity, "commune": RoleCity,
	"adresse": RoleAddress,
	"numero":  RoleNumber, "num": RoleNumber,
	"rep": RoleSuffix, "suffixe": RoleSuffix,
	"rue": RoleStreet, "voie": RoleStreet,
	"ligne": RoleLine, "ndi": RoleLine, "line-status": RoleLineStatus, "linestatus": RoleLineStatus,
	"statut": RoleLineStatus, "pto": RoleOTP, "imb": RoleBuilding,
}

// ParseOverride applies a --columns spec such as
// zip="CODE POSTAL",city=COMMUNE,street=3 to base. Columns are named as in
// the header (case, accents and punctuation ignored) or by 1-based
// position; an empty value unmaps the role. A name that matches no column
// is a *ColumnError listing the real headers.
func ParseOverride(spec string, header []string, base Mapping) (Mapping, error) {
	m := Mapping{Columns: map[Role]int{}, Evidence: map[Role]string{}, Header: header, Warnings: base.Warnings}
	for r, c := range base.Columns {
		m.Columns[r] = c
		m.Evidence[r] = base.Evidence[r]
	}
	parts, err := splitSpec(spec)
	if err != nil {
		return m, &ColumnError{Spec: spec, Msg: err.Error(), Header: header}
	}
	forced := map[int]Role{}
	for _, p := range parts {
		k, v, ok := strings.Cut(p.text, "=")
		if !ok {
			return m, &ColumnError{Spec: p.text, Msg: "expected role=column", Header: header}
		}
		key := strings.ToLower(strings.TrimSpace(k))
		role, ok := roleNames[key]
		if !ok {
			for _, r := range Roles {
				if string(r) == key {
					role, ok = r, true
				}
			}
		}
		if !ok {
			names := make([]string, len(Roles))
			for i, r := range Roles {
				names[i] = string(r)
			}
			return m, &ColumnError{Spec: p.text, Role: k, Msg: fmt.Sprintf("unknown role %q (roles: %s)", k, strings.Join(names, ", ")), Header: header}
		}
		col := p.value
		if !p.quoted {
			col = strings.TrimSpace(v)
		}
		if col == "" || (!p.quoted && strings.EqualFold(col, "none")) {
			delete(m.Columns, role)
			delete(m.Evidence, role)
			continue
		}
		idx := findColumn(header, col)
		if idx < 0 {
			return m, &ColumnError{Spec: p.text, Role: k, Column: col, Msg: fmt.Sprintf("no column %q", col), Header: header}
		}
		if other, dup := forced[idx]; dup && other != role {
			return m, &ColumnError{Spec: p.text, Role: k, Column: col,
				Msg: fmt.Sprintf("column %q is already given to %s", col, other), Header: header}
		}
		forced[idx] = role
		for r, c := range m.Columns {
			if c == idx && r != role {
				delete(m.Columns, r)
				delete(m.Evidence, r)
			}
		}
		m.Columns[role] = idx
		m.Evidence[role] = fmt.Sprintf("forced by --columns %s", strings.TrimSpace(p.text))
	}
	return m, nil
}

// findColumn: exact name, then folded name, then 1-based position.
func findColumn(header []string, col string) int {
	for i, h := range header {
		if h == col {
			return i
		}
	}
	f := foldHeader(col)
	for i, h := range header {
		if f != "" && foldHeader(h) == f {
			return i
		}
	}
	if n, err := strconv.Atoi(col); err == nil && n >= 1 && n <= len(header) {
		return n - 1
	}
	return -1
}

type specPart struct {
	text   string // as typed
	value  string // unquoted value when quoted
	quoted bool
}

// splitSpec cuts a spec on commas outside double quotes.
func splitSpec(spec string) ([]specPart, error) {
	var parts []specPart
	var cur, val strings.Builder
	inQ, quoted, afterEq := false, false, false
	flush := func() {
		if t := strings.TrimSpace(cur.String()); t != "" {
			parts = append(parts, specPart{text: t, value: val.String(), quoted: quoted})
		}
		cur.Reset()
		val.Reset()
		quoted, afterEq = false, false
	}
	for _, r := range spec {
		switch {
		case r == '"':
			inQ = !inQ
			if afterEq {
				quoted = true
			}
			cur.WriteRune(r)
		case r == ',' && !inQ:
			flush()
		default:
			cur.WriteRune(r)
			if afterEq && inQ {
				val.WriteRune(r)
			}
			if r == '=' && !inQ {
				afterEq = true
			}
		}
	}
	if inQ {
		return nil, fmt.Errorf("unbalanced quote in %q", spec)
	}
	flush()
	return parts, nil
}
