package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"strings"
)

// Wire types of the eligibility tests. Nullable fields are pointers so that
// they are written as null, exactly as OVH does.

type message struct {
	AvailabilityDate *string `json:"availabilityDate"`
	Code             string  `json:"code"`
	Message          string  `json:"message"`
}

type offerEligibility struct {
	ActivationTypes       []string  `json:"activationTypes"`
	Eligible              bool      `json:"eligible"`
	EstimatedDownloadRate *float64  `json:"estimatedDownloadRate"`
	EstimatedUploadRate   *float64  `json:"estimatedUploadRate"`
	Reasons               []message `json:"reasons"`
	UnderConditions       []message `json:"underConditions"`
}

type offerProduct struct {
	Code         string   `json:"code"`
	DownloadRate float64  `json:"downloadRate"`
	UploadRate   float64  `json:"uploadRate"`
	Grt          []string `json:"grt"`
	Guaranteed   bool     `json:"guaranteed"`
	Name         string   `json:"name"`
	Pairs        *int64   `json:"pairs"`
	Provider     string   `json:"provider"`
	Type         string   `json:"type"`
}

type offer struct {
	Eligibility offerEligibility `json:"eligibility"`
	Product     offerProduct     `json:"product"`
}

type wireAddress struct {
	Building       *string `json:"building"`
	City           string  `json:"city"`
	Door           *string `json:"door"`
	Floor          *string `json:"floor"`
	HousingComplex *string `json:"housingComplex"`
	InseeCode      string  `json:"inseeCode"`
	OwnerName      *string `json:"ownerName"`
	Stairs         *string `json:"stairs"`
	StreetCode     *string `json:"streetCode"`
	StreetName     *string `json:"streetName"`
	StreetNumber   *string `json:"streetNumber"`
	ZipCode        string  `json:"zipCode"`
}

type sectionLength struct {
	Diameter float64 `json:"diameter"`
	Length   float64 `json:"length"`
}

type copperInfo struct {
	AvailablePairs    *int64          `json:"availablePairs"`
	MaxAvailablePairs *int64          `json:"maxAvailablePairs"`
	Nra               *string         `json:"nra"`
	SectionsLengths   []sectionLength `json:"sectionsLengths"`
	Status            string          `json:"status"`
	UnderConstruction *bool           `json:"underConstruction"`
	UnlistedNumber    bool            `json:"unlistedNumber"`
}

type fiberInfo struct {
	BuildingName      *string `json:"buildingName"`
	BuildingReference string  `json:"buildingReference"`
	BuildingType      string  `json:"buildingType"`
	Nro               *string `json:"nro"`
	OperatorCode      string  `json:"operatorCode"`
	OperatorName      string  `json:"operatorName"`
}

type portabilityEligibility struct {
	Eligible        bool      `json:"eligible"`
	Reasons         []message `json:"reasons"`
	UnderConditions []message `json:"underConditions"`
}

type portability struct {
	Eligibility       portabilityEligibility `json:"eligibility"`
	QuarantineEndDate *string                `json:"quarantineEndDate"`
	Type              *string                `json:"type"`
}

type endpoint struct {
	Address       *wireAddress `json:"address"`
	CopperInfo    *copperInfo  `json:"copperInfo"`
	FiberInfo     *fiberInfo   `json:"fiberInfo"`
	Portability   *portability `json:"portability"`
	Reference     string       `json:"reference"`
	ReferenceType string       `json:"referenceType"`
}

// EligibilityTest is the result of the test/* routes and of GET test.
type eligibilityTest struct {
	EligibilityReference string   `json:"eligibilityReference"`
	Endpoint             endpoint `json:"endpoint"`
	Offers               []offer  `json:"offers"`
}

type lineAddress struct {
	Address    wireAddress `json:"address"`
	CopperInfo copperInfo  `json:"copperInfo"`
	LineNumber string      `json:"lineNumber"`
}

type addressWithCoordinates struct {
	BuildingName      *string `json:"buildingName"`
	BuildingReference *string `json:"buildingReference"`
	City              string  `json:"city"`
	Distance          *string `json:"distance"`
	InseeCode         string  `json:"inseeCode"`
	Latitude          string  `json:"latitude"`
	Longitude         string  `json:"longitude"`
	StreetCode        *string `json:"streetCode"`
	StreetName        *string `json:"streetName"`
	StreetNumber      *string `json:"streetNumber"`
	ZipCode           string  `json:"zipCode"`
}

func ptr[T any](v T) *T { return &v }

func strOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// reference is the 64-character eligibilityReference of an endpoint.
func reference(kind, ref string) string {
	sum := sha256.Sum256([]byte("eligibility\x00" + kind + "\x00" + ref))
	return hex.EncodeToString(sum[:])
}

// Products. Names and codes are OVH's (connectivity guide); the VDSL and
// SDSL nominal rates are realistic rather than the guide's placeholder 20/1.
var (
	prodFTTH1G   = offerProduct{Code: "FTTH-MAX-1G", Type: "FTTH", Name: "FTTH-Max 1G download and 250M upload", Provider: "KOSC", DownloadRate: 1000, UploadRate: 250}
	prodProFiber = offerProduct{Code: "PROFIBER", Type: "FTTH", Name: "PRO FIBER with 1G download and 800M upload", Provider: "KOSC", DownloadRate: 1000, UploadRate: 800}
	prodADSLFull = offerProduct{Code: "ADSL-MAX_FULL", Type: "ADSL", Name: "ADSL-Max full unbundling", Provider: "KOSC", DownloadRate: 20, UploadRate: 1, Pairs: ptr[int64](1)}
	prodADSLShar = offerProduct{Code: "ADSL-MAX_SHARED", Type: "ADSL", Name: "ADSL-Max with shared unbundling", Provider: "KOSC", DownloadRate: 20, UploadRate: 1, Pairs: ptr[int64](1)}
	prodVDSLFull = offerProduct{Code: "VDSL-MAX_FULL", Type: "VDSL", Name: "VDSL-Max with full unbundling", Provider: "KOSC", DownloadRate: 100, UploadRate: 40, Pairs: ptr[int64](1)}
	prodVDSLShar = offerProduct{Code: "VDSL-MAX_SHARED", Type: "VDSL", Name: "VDSL-Max with shared unbundling", Provider: "KOSC", DownloadRate: 100, UploadRate: 40, Pairs: ptr[int64](1)}
	prodSDSL1M   = offerProduct{Code: "SDSL-1M-2P", Type: "SDSL", Name: "SDSL 1M guaranteed on 2 pairs", Provider: "KOSC", DownloadRate: 1, UploadRate: 1, Pairs: ptr[int64](2), Guaranteed: true, Grt: []string{"4ho", "4hno"}}
	prodSDSL16M  = offerProduct{Code: "SDSL-16M-4P", Type: "SDSL", Name: "SDSL 16M guaranteed on 4 pairs", Provider: "KOSC", DownloadRate: 16, UploadRate: 16, Pairs: ptr[int64](4), Guaranteed: true, Grt: []string{"4ho", "4hno"}}
)

func product(p offerProduct) offerProduct {
	if p.Grt == nil {
		p.Grt = []string{}
	} else {
		p.Grt = append([]string(nil), p.Grt...)
	}
	return p
}

func msg(code, text string) message { return message{Code: code, Message: text} }

var (
	reasonAttenuation   = msg("TOO_MUCH_ATTENUATION", "Too much attenuation to deliver the product.")
	reasonNotDeployed   = msg("FIBER_NOT_DEPLOYED_IN_BUILDING", "Fiber is not deployed in the building.")
	reasonFiberNA       = msg("FIBER_NOT_AVAILABLE", "Fiber is not available at this address.")
	reasonProductNA     = msg("PRODUCT_NOT_AVAILABLE", "Product not available for this endpoint.")
	reasonPairs         = msg("PAIRS_SATURATION", "No copper pair is available to deliver the product.")
	reasonCopperNA      = msg("COPPER_NOT_AVAILABLE", "Copper not available in this area.")
	reasonOTPNotMarket  = msg("OTP_NOT_MARKETABLE", "The optical termination point cannot be marketed yet.")
	reasonOTPNotConnect = msg("OTP_NOT_CONNECTABLE", "The optical termination point is not connectable.")
	reasonShared        = msg("INCOMPATIBLE_LOCAL_LOOP", "Shared unbundling needs an active line.")
	condDelay7          = msg("DELAY_7", "Activation within 7 days after the order.")
)

// availabilityDate is the first day of a month 2 to 19 months after mid
// 2026, in Paris local time, as OVH writes it.
func availabilityDate(h uint64) *string {
	m := 7 + int(h%18) // months since 2026-01
	y, mo := 2026+(m-1)/12, (m-1)%12+1
	off := "+01:00"
	if mo >= 4 && mo <= 10 {
		off = "+02:00"
	}
	return ptr(fmt.Sprintf("%04d-%02d-01T00:00:00%s", y, mo, off))
}

func fiberOffer(p offerProduct, eligible bool, reasons, conds []message) offer {
	return offer{
		Product: product(p),
		Eligibility: offerEligibility{
			ActivationTypes: []string{}, Eligible: eligible,
			Reasons: nonNil(reasons), UnderConditions: nonNil(conds),
		},
	}
}

func nonNil(m []message) []message {
	if m == nil {
		return []message{}
	}
	return m
}

// fiberOffers decides the FTTH offers of a building or OTP: about 45 %
// eligible, 15 % planned (FIBER_NOT_YET_AVAILABLE with a date), the rest
// not deployed. An OTP means the fiber is there: mostly eligible.
func fiberOffers(kind, ref string) []offer {
	h := hash64("fiber", kind, ref)
	p := pct(h)
	if kind == "otp" {
		switch {
		case p < 85:
			p = 0
		case p < 95:
			r := []message{reasonOTPNotMarket}
			return []offer{fiberOffer(prodFTTH1G, false, r, nil), fiberOffer(prodProFiber, false, r, nil)}
		default:
			r := []message{reasonOTPNotConnect}
			return []offer{fiberOffer(prodFTTH1G, false, r, nil), fiberOffer(prodProFiber, false, r, nil)}
		}
	}
	switch {
	case p < 45:
		var conds []message
		if (h>>8)%10 == 0 {
			conds = []message{condDelay7}
		}
		pro := fiberOffer(prodProFiber, true, nil, conds)
		if (h>>16)%10 < 3 {
			pro = fiberOffer(prodProFiber, false, []message{reasonProductNA}, nil)
		}
		return []offer{fiberOffer(prodFTTH1G, true, nil, conds), pro}
	case p < 60:
		r := msg("FIBER_NOT_YET_AVAILABLE", "Fiber is not yet available at this address.")
		r.AvailabilityDate = availabilityDate(h >> 24)
		return []offer{fiberOffer(prodFTTH1G, false, []message{r}, nil), fiberOffer(prodProFiber, false, []message{r}, nil)}
	default:
		r := reasonNotDeployed
		if (h>>8)%3 == 0 {
			r = reasonFiberNA
		}
		return []offer{fiberOffer(prodFTTH1G, false, []message{r}, nil), fiberOffer(prodProFiber, false, []message{r}, nil)}
	}
}

// line is the copper plant behind a line or an address.
type line struct {
	length    float64 // metres to the NRA
	pairs     int64
	vdslNRA   bool
	sdsl      bool
	saturated bool
	nra       string
}

func copperLine(kind, key, insee string) line {
	h := hash64("copper", kind, key)
	l := line{nra: nroOf(insee)}
	// A long-tailed distance: most lines are 0.3–4 km, a few are far beyond
	// ADSL reach, which gives about 10–15 % of lines nothing at all.
	l.length = 250 + float64(h%3500) + float64((h>>12)%100)*float64((h>>20)%100)/1.6
	l.pairs = 1 + int64((h>>28)%6)
	l.vdslNRA = (h>>32)%4 != 0
	l.sdsl = (h>>36)%3 == 0
	l.saturated = (h>>40)%25 == 0
	if l.saturated {
		l.pairs = 0
	}
	return l
}

// quantize rounds a rate the way modems report it (1/1024 Mbit steps).
func quantize(x float64) float64 { return math.Round(x*1024) / 1024 }

// copperOffers decides the xDSL offers of a line. Estimated rates drop with
// the distance; an offer out of reach gets TOO_MUCH_ATTENUATION and 0.
// neighbour is the test/address case (createNeighbour, full unbundling only).
func copperOffers(l line, status string, neighbour bool) []offer {
	adslDown := quantize(20 * math.Exp(-l.length/3300))
	adslUp := quantize(math.Min(1, 1.1*math.Exp(-l.length/5000)))
	adslOK := l.length < 7000 && !l.saturated
	vdslDown := quantize(math.Max(0, 95-l.length*0.065))
	vdslUp := quantize(math.Max(0, 38-l.length*0.026))
	vdslOK := l.vdslNRA && l.length < 1300 && !l.saturated

	activation := func(shared bool) []string {
		switch {
		case neighbour:
			return []string{"createNeighbour"}
		case shared:
			return []string{"activate"}
		case status == "active":
			return []string{"activate", "create"}
		default:
			return []string{"create", "activate"}
		}
	}
	active := status == "active"
	// reach says whether the line can carry the product; shared unbundling
	// also needs an active line.
	mk := func(p offerProduct, reach bool, down, up float64, shared bool) offer {
		ok := reach && (!shared || active || neighbour)
		e := offerEligibility{ActivationTypes: activation(shared), Eligible: ok, Reasons: []message{}, UnderConditions: []message{}}
		switch {
		case l.saturated:
			e.Reasons = []message{reasonPairs}
			down, up = 0, 0
		case !reach:
			e.Reasons = []message{reasonAttenuation}
			down, up = 0, 0
		case !ok:
			e.Reasons = []message{reasonShared}
		}
		e.EstimatedDownloadRate, e.EstimatedUploadRate = ptr(down), ptr(up)
		return offer{Product: product(p), Eligibility: e}
	}
	var out []offer
	if neighbour {
		out = append(out, mk(prodVDSLFull, vdslOK, vdslDown, vdslUp, false), mk(prodADSLFull, adslOK, adslDown, adslUp, false))
	} else {
		out = append(out,
			mk(prodADSLShar, adslOK, adslDown, adslUp, true),
			mk(prodVDSLFull, vdslOK, vdslDown, vdslUp, false),
			mk(prodADSLFull, adslOK, adslDown, adslUp, false),
			mk(prodVDSLShar, vdslOK, vdslDown, vdslUp, true))
	}
	if l.sdsl && !neighbour {
		// Guaranteed offers: the estimate is the nominal rate when reachable.
		for _, sd := range []struct {
			p     offerProduct
			reach float64
			pairs int64
		}{{prodSDSL1M, 4500, 2}, {prodSDSL16M, 2500, 4}} {
			o := mk(sd.p, l.length < sd.reach && l.pairs >= sd.pairs, sd.p.DownloadRate, sd.p.UploadRate, false)
			if l.pairs < sd.pairs && !l.saturated {
				o.Eligibility.Reasons = []message{reasonPairs}
			}
			out = append(out, o)
		}
	}
	return out
}

func (l line) info(status string, unlisted bool) *copperInfo {
	sections := []sectionLength{{Diameter: 4, Length: math.Round(l.length * 0.7)}, {Diameter: 6, Length: math.Round(l.length * 0.3)}}
	if l.length < 1000 {
		sections = []sectionLength{{Diameter: 4, Length: math.Round(l.length)}}
	}
	return &copperInfo{
		AvailablePairs: ptr(l.pairs), MaxAvailablePairs: ptr(max(l.pairs, 1)),
		Nra: ptr(l.nra), SectionsLengths: sections, Status: status,
		UnderConstruction: ptr(false), UnlistedNumber: unlisted,
	}
}

// copperAddress is the address of a copper endpoint; street fields are
// hidden for unlisted numbers, as OVH does.
func copperAddress(a Address, door string, unlisted bool) *wireAddress {
	w := &wireAddress{City: a.City, InseeCode: a.InseeCode, ZipCode: a.ZipCode, HousingComplex: ptr(""), Door: strOrNil(door)}
	if !unlisted {
		w.StreetCode, w.StreetName, w.StreetNumber = strOrNil(a.StreetCode), strOrNil(a.StreetName), strOrNil(a.StreetNumber)
	}
	return w
}

func fiberAddress(a Address) *wireAddress {
	return &wireAddress{
		City: a.City, InseeCode: a.InseeCode, ZipCode: a.ZipCode,
		StreetCode: strOrNil(a.StreetCode), StreetName: strOrNil(a.StreetName), StreetNumber: strOrNil(a.StreetNumber),
	}
}

var operators = []struct{ code, name string }{
	{"FI", "ORANGE"}, {"FI", "ORANGE"}, {"FI", "ORANGE"}, {"SR", "SFR FTTH"}, {"AX", "AXIONE"}, {"CV", "COVAGE"},
}

func fiberEndpoint(kind, ref string, a Address, b *Building) endpoint {
	h := hash64("operator", a.InseeCode)
	op := operators[h%uint64(len(operators))]
	fi := &fiberInfo{BuildingName: ptr(""), BuildingReference: ref, BuildingType: "HOUSE", Nro: ptr(nroOf(a.InseeCode)), OperatorCode: op.code, OperatorName: op.name}
	if b != nil {
		fi.BuildingReference, fi.BuildingType, fi.BuildingName, fi.Nro = b.Reference, b.Type, ptr(b.Name), ptr(b.Nro)
	}
	if kind == "otp" && b == nil {
		fi.BuildingReference = "IMB/" + a.InseeCode + "/X/" + code36(hash64("otp-imb", ref), 4)
	}
	return endpoint{ReferenceType: kind, Reference: ref, Address: fiberAddress(a), FiberInfo: fi}
}

// ownerName masks a name the way OVH does: "J*** D**".
func ownerName(h uint64) string {
	first := "ABCDEFGHJLMNPRSTV"[h%17]
	last := "BCDFGLMPRST"[(h>>8)%11]
	return fmt.Sprintf("%c%s %c%s", first, strings.Repeat("*", 2+int(h>>16)%5), last, strings.Repeat("*", 2+int(h>>24)%6))
}

// lineNumber draws a French landline number (01–05) for an address.
func lineNumber(kind, key string, i int) string {
	h := hash64("lineno", kind, key, fmt.Sprint(i))
	return fmt.Sprintf("0%d%08d", 1+h%5, (h>>8)%100000000)
}
