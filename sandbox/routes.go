package sandbox

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Route paths, relative to /1.0 or /v1.
const (
	pathPrefix     = "/connectivity/eligibility"
	routeTest      = pathPrefix + "/test"
	routeAuthTime  = "/auth/time"
	routeStats     = "/__stats"
	partnersSuffix = "/partners"
)

type kind int

const (
	kString kind = iota
	kInt
)

type field struct {
	name     string
	required bool
	kind     kind
	enum     []string
}

// body is a decoded request body (json.Decoder with UseNumber).
type body map[string]any

func (b body) str(k string) string {
	s, _ := b[k].(string)
	return strings.TrimSpace(s)
}

// answer is a task's final state: a result, or a task error text.
type answer struct {
	result  any
	errText string
	ref     string // eligibilityReference under which GET test serves result
}

type route struct {
	fields   []field
	check    func(body) string // extra validation; non-empty = 400 message
	answer   func(*Server, body) answer
	partners bool // has a signed /partners twin
}

var statusEnum = []string{"active", "inactive"}

func needAddress(b body) string {
	if (b.str("streetCode") != "" && b.str("streetNumber") != "") || b.str("hexacle") != "" {
		return ""
	}
	return "At least a couple streetCode/streetNumber or an hexacle is required"
}

var routes = map[string]route{
	pathPrefix + "/search/cities": {
		fields: []field{{name: "zipCode", required: true}},
		answer: func(s *Server, b body) answer { return answer{result: s.world.Cities(b.str("zipCode"))} },
	},
	pathPrefix + "/search/streets": {
		fields: []field{{name: "inseeCode", required: true}},
		answer: func(s *Server, b body) answer { return answer{result: s.world.Streets(b.str("inseeCode"))} },
	},
	pathPrefix + "/search/streetNumbers": {
		fields: []field{{name: "streetCode", required: true}, {name: "streetAltCode"}},
		answer: func(s *Server, b body) answer { return answer{result: s.world.Numbers(b.str("streetCode"))} },
	},
	pathPrefix + "/search/streetNumbers/details": {
		fields: []field{{name: "streetCode", required: true}, {name: "streetAltCode"}},
		answer: func(s *Server, b body) answer { return answer{result: s.world.NumberDetails(b.str("streetCode"))} },
	},
	pathPrefix + "/search/buildings": {
		fields: []field{{name: "hexacle"}, {name: "streetAltCode"}, {name: "streetCode"}, {name: "streetNumber"}},
		check:  needAddress,
		answer: (*Server).searchBuildings,
	},
	pathPrefix + "/search/buildingsByLine": {
		fields: []field{{name: "lineNumber", required: true}, {name: "status", required: true, enum: statusEnum}},
		answer: (*Server).buildingsByLine,
	},
	pathPrefix + "/search/buildingDetails": {
		fields: []field{{name: "building", required: true}, {name: "forceProvider"}},
		answer: (*Server).buildingDetails,
	},
	pathPrefix + "/search/lines": {
		fields: []field{{name: "streetCode", required: true}, {name: "streetNumber", required: true}, {name: "ownerName"}},
		answer: (*Server).searchLines,
	},
	pathPrefix + "/search/addresses": {
		fields: []field{{name: "latitude", required: true}, {name: "longitude", required: true}, {name: "distance", kind: kInt}},
		check:  checkCoordinates,
		answer: (*Server).searchAddresses,
	},
	pathPrefix + "/test/address": {
		fields:   []field{{name: "hexacle"}, {name: "streetAltCode"}, {name: "streetCode"}, {name: "streetNumber"}},
		check:    needAddress,
		answer:   (*Server).testAddress,
		partners: true,
	},
	pathPrefix + "/test/building": {
		fields:   []field{{name: "building", required: true}},
		answer:   (*Server).testBuilding,
		partners: true,
	},
	pathPrefix + "/test/line": {
		fields:   []field{{name: "lineNumber", required: true}, {name: "status", required: true, enum: statusEnum}, {name: "streetCode"}, {name: "streetNumber"}},
		answer:   (*Server).testLine,
		partners: true,
	},
	pathPrefix + "/test/otp": {
		fields:   []field{{name: "otp", required: true}},
		answer:   (*Server).testOTP,
		partners: true,
	},
}

// lookupRoute finds the route of a version-stripped path; partners is true
// for the signed twin.
func lookupRoute(path string) (r route, partners, ok bool) {
	if r, ok := routes[path]; ok {
		return r, false, true
	}
	if base, found := strings.CutSuffix(path, partnersSuffix); found {
		if r, ok := routes[base]; ok && r.partners {
			return r, true, true
		}
	}
	return route{}, false, false
}

// validate checks a body against its route; it returns the 400 message.
func validate(r route, b body) string {
	var missing []string
	for _, f := range r.fields {
		v, present := b[f.name]
		if !present || v == nil {
			if f.required {
				missing = append(missing, f.name)
			}
			continue
		}
		switch f.kind {
		case kString:
			s, isStr := v.(string)
			if !isStr {
				return fmt.Sprintf("Invalid type for parameter %s: expected a string", f.name)
			}
			if f.required && strings.TrimSpace(s) == "" {
				missing = append(missing, f.name)
				continue
			}
			if f.enum != nil && !contains(f.enum, s) {
				return fmt.Sprintf("Invalid value for parameter %s: %q is not one of %s", f.name, s, strings.Join(f.enum, ", "))
			}
		case kInt:
			n, isNum := v.(json.Number)
			if !isNum {
				return fmt.Sprintf("Invalid type for parameter %s: expected an integer", f.name)
			}
			if _, err := n.Int64(); err != nil {
				return fmt.Sprintf("Invalid type for parameter %s: expected an integer", f.name)
			}
		}
	}
	if len(missing) > 0 {
		return "Missing parameter(s): " + strings.Join(missing, ", ")
	}
	if r.check != nil {
		return r.check(b)
	}
	return ""
}

func checkCoordinates(b body) string {
	lat, err1 := strconv.ParseFloat(b.str("latitude"), 64)
	lon, err2 := strconv.ParseFloat(b.str("longitude"), 64)
	if err1 != nil || err2 != nil || math.Abs(lat) > 90 || math.Abs(lon) > 180 {
		return "Invalid value for parameters latitude/longitude: decimal degrees expected"
	}
	return ""
}

func validLine(s string) bool { return len(s) == 10 && s[0] == '0' && isDigits(s) }

func (s *Server) searchBuildings(b body) answer {
	if hx := b.str("hexacle"); hx != "" {
		a, ok := s.world.Hexacle(hx)
		if !ok {
			return answer{result: []Building{}}
		}
		return answer{result: s.world.Buildings(a.StreetCode, a.StreetNumber)}
	}
	return answer{result: s.world.Buildings(b.str("streetCode"), b.str("streetNumber"))}
}

func (s *Server) buildingsByLine(b body) answer {
	ln := b.str("lineNumber")
	if !validLine(ln) || pct(hash64("bbl", ln)) < 15 {
		return answer{result: []Building{}}
	}
	a := s.world.lineAddress(ln)
	return answer{result: s.world.Buildings(a.StreetCode, a.StreetNumber)}
}

func (s *Server) buildingDetails(b body) answer {
	ref := b.str("building")
	bd, _, ok := s.world.Building(ref)
	if !ok {
		return answer{errText: fmt.Sprintf("No building found with reference %s", ref)}
	}
	return answer{result: bd}
}

func (s *Server) searchLines(b body) answer {
	a, ok := s.world.Address(b.str("streetCode"), strings.ToUpper(b.str("streetNumber")))
	out := []lineAddress{}
	if !ok {
		return answer{result: out}
	}
	key := a.StreetCode + "|" + a.StreetNumber
	h := hash64("lines", key)
	n := 0
	switch p := pct(h); {
	case p < 20:
	case p < 85:
		n = 1
	default:
		n = 2
	}
	owner := b.str("ownerName") != ""
	for i := range n {
		ln := lineNumber("address", key, i)
		status := "inactive"
		if hash64("linestatus", ln)%2 == 0 {
			status = "active"
		}
		// Without an owner name OVH only searches inactive lines.
		if status == "active" && !owner {
			continue
		}
		s.world.registerLine(ln, a)
		addr := copperAddress(a, "", false)
		addr.OwnerName = ptr(ownerName(hash64("owner", ln)))
		out = append(out, lineAddress{
			Address:    *addr,
			CopperInfo: copperInfo{Status: status, SectionsLengths: []sectionLength{}},
			LineNumber: ln,
		})
	}
	return answer{result: out}
}

func (s *Server) searchAddresses(b body) answer {
	lat, _ := strconv.ParseFloat(b.str("latitude"), 64)
	lon, _ := strconv.ParseFloat(b.str("longitude"), 64)
	dist := 10.0
	if n, ok := b["distance"].(json.Number); ok {
		if d, err := n.Int64(); err == nil && d > 0 {
			dist = math.Min(float64(d), 2000)
		}
	}
	type hit struct {
		a Address
		d float64
	}
	var hits []hit
	for _, insee := range s.world.RealCommunes() {
		c := s.world.commune(insee)
		c.index()
		for _, st := range c.streets {
			for _, n := range st.nums {
				if !n.coord {
					continue
				}
				if d := haversine(lat, lon, n.lat, n.lon); d <= dist {
					hits = append(hits, hit{c.address(st, n), d})
				}
			}
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].d < hits[j].d })
	out := []addressWithCoordinates{}
	for i, h := range hits {
		if i == 50 {
			break
		}
		r := addressWithCoordinates{
			City: h.a.City, InseeCode: h.a.InseeCode, ZipCode: h.a.ZipCode,
			Latitude: strconv.FormatFloat(h.a.Latitude, 'f', -1, 64), Longitude: strconv.FormatFloat(h.a.Longitude, 'f', -1, 64),
			Distance:   ptr(strconv.FormatFloat(math.Round(h.d*10)/10, 'f', -1, 64)),
			StreetCode: strOrNil(h.a.StreetCode), StreetName: strOrNil(h.a.StreetName), StreetNumber: strOrNil(h.a.StreetNumber),
		}
		if bs := s.world.Buildings(h.a.StreetCode, h.a.StreetNumber); len(bs) > 0 {
			r.BuildingName, r.BuildingReference = ptr(bs[0].Name), ptr(bs[0].Reference)
		}
		out = append(out, r)
	}
	return answer{result: out}
}

func haversine(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371000.0
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := p2-p1, (lon2-lon1)*math.Pi/180
	a := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}

func (s *Server) testAddress(b body) answer {
	var a Address
	if hx := b.str("hexacle"); hx != "" {
		var ok bool
		if a, ok = s.world.Hexacle(hx); !ok {
			return answer{errText: fmt.Sprintf("No address found for hexacle %s", hx)}
		}
	} else {
		code, number := b.str("streetCode"), strings.ToUpper(b.str("streetNumber"))
		var ok bool
		if a, ok = s.world.Address(code, number); !ok {
			_, st := s.world.street(code)
			if st == nil {
				return answer{errText: fmt.Sprintf("No street found for streetCode %s", code)}
			}
			// A number OVH does not list: the copper plant is the street's.
			a, _ = s.world.CommuneAddress(code[:5])
			a.StreetCode, a.StreetName, a.StreetNumber = st.code, st.name, number
			if st.zip != "" {
				a.ZipCode = st.zip
			}
		}
	}
	key := a.StreetCode + "|" + a.StreetNumber
	l := copperLine("address", key, a.InseeCode)
	t := eligibilityTest{
		EligibilityReference: reference("address", key),
		Endpoint: endpoint{
			ReferenceType: "lineNumber",
			Reference:     lineNumber("neighbour", key, 0),
			Address:       copperAddress(a, "", false),
			CopperInfo:    l.info("active", false),
			Portability:   &portability{Eligibility: portabilityEligibility{Reasons: []message{}, UnderConditions: []message{}}},
		},
		Offers: copperOffers(l, "active", true),
	}
	return s.test(t)
}

func (s *Server) testBuilding(b body) answer {
	ref := b.str("building")
	bd, a, ok := s.world.Building(ref)
	var ep endpoint
	switch {
	case ok:
		ep = fiberEndpoint("building", ref, a, &bd)
	default:
		// A reference from another session of the sandbox: place it in its
		// commune when its INSEE part is known.
		parts := strings.Split(ref, "/")
		if len(parts) < 3 {
			return answer{errText: fmt.Sprintf("No building found with reference %s", ref)}
		}
		ca, known := s.world.CommuneAddress(parts[1])
		if !known {
			return answer{errText: fmt.Sprintf("No building found with reference %s", ref)}
		}
		ep = fiberEndpoint("building", ref, ca, nil)
	}
	return s.test(eligibilityTest{
		EligibilityReference: reference("building", ref),
		Endpoint:             ep,
		Offers:               fiberOffers("building", ref),
	})
}

func (s *Server) testLine(b body) answer {
	ln, status := b.str("lineNumber"), b.str("status")
	if !validLine(ln) {
		return answer{errText: fmt.Sprintf("Invalid line number %s: 10 digits starting with 0 expected", ln)}
	}
	a, ok := s.world.Address(b.str("streetCode"), strings.ToUpper(b.str("streetNumber")))
	if !ok {
		a = s.world.lineAddress(ln)
	}
	h := hash64("linemeta", ln)
	unlisted := h%20 == 0
	l := copperLine("line", ln, a.InseeCode)
	port := &portability{Eligibility: portabilityEligibility{Eligible: true, Reasons: []message{}, UnderConditions: []message{}}}
	if (h>>8)%5 < 2 {
		port.Eligibility.Eligible = false
		port.Eligibility.Reasons = []message{msg("3049", "L opérateur détient le parc à modifier")}
	}
	door := fmt.Sprintf("%05d", 1+(h>>16)%12)
	return s.test(eligibilityTest{
		EligibilityReference: reference("line", ln+"|"+status),
		Endpoint: endpoint{
			ReferenceType: "lineNumber",
			Reference:     ln,
			Address:       copperAddress(a, door, unlisted),
			CopperInfo:    l.info(status, unlisted),
			Portability:   port,
		},
		Offers: copperOffers(l, status, false),
	})
}

func (s *Server) testOTP(b body) answer {
	otp := b.str("otp")
	a := s.world.pickAddress("otp", otp)
	var bd *Building
	if bs := s.world.Buildings(a.StreetCode, a.StreetNumber); len(bs) > 0 {
		bd = &bs[0]
	}
	return s.test(eligibilityTest{
		EligibilityReference: reference("otp", otp),
		Endpoint:             fiberEndpoint("otp", otp, a, bd),
		Offers:               fiberOffers("otp", otp),
	})
}

// test marks a test result to keep for GET test?eligibilityReference=
// (finalAnswer stores it once encoded).
func (s *Server) test(t eligibilityTest) answer {
	return answer{result: t, ref: t.EligibilityReference}
}
