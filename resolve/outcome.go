package resolve

// Status is the elig_status of a row.
type Status string

// Row statuses. Every status carries a short human reason.
const (
	StatusEligible    Status = "eligible"     // at least one offer can be ordered
	StatusNotEligible Status = "not_eligible" // endpoint found, no offer eligible
	StatusNotFound    Status = "not_found"    // address, street or number unknown to OVH
	StatusAmbiguous   Status = "ambiguous"    // several candidates too close to pick
	StatusInvalid     Status = "invalid"      // the row cannot be read or has no usable field
	StatusError       Status = "error"        // API failure after retries (never not_found)
)

// Statuses lists every status in display order.
var Statuses = []Status{StatusEligible, StatusNotEligible, StatusNotFound, StatusAmbiguous, StatusInvalid, StatusError}

// Match is the elig_match level: what the row was matched on.
type Match string

// Match levels, most precise first.
const (
	MatchOTP      Match = "otp"
	MatchBuilding Match = "building"
	MatchLine     Match = "line"
	MatchAddress  Match = "address"
	MatchStreet   Match = "street"
	MatchCity     Match = "city"
	MatchNone     Match = "none"
)

// Input is what a row says, by role, after column mapping. Empty means absent.
type Input struct {
	Zip        string
	City       string
	Insee      string
	Address    string // one-column full address, "42 rue X 01500 Ville"
	Number     string // house number, possibly with suffix ("12 bis")
	Suffix     string // repetition index in its own column (rep, suffixe: "BIS", "B")
	Street     string // street name, possibly with the number in front
	Complement string
	Line       string // copper line number (NDI)
	LineStatus string // active / inactive (empty = active)
	OTP        string
	Building   string // building reference, IMB/…
}

// Empty reports whether no field of the input is usable.
func (in Input) Empty() bool { return in == Input{} }

// Reason is one message OVH gave for an offer.
type Reason struct {
	Code             string `json:"code"`
	Message          string `json:"message"`
	AvailabilityDate string `json:"availabilityDate,omitempty"`
}

// Offer is one offer OVH returned for an endpoint, flattened for writers.
type Offer struct {
	Code            string   `json:"code"`
	Name            string   `json:"name"`
	Technology      string   `json:"technology"` // FTTH, VDSL, ADSL, SDSL, …
	Provider        string   `json:"provider,omitempty"`
	Eligible        bool     `json:"eligible"`
	DownloadMbps    float64  `json:"downloadMbps"` // effective: estimated when given, else nominal
	UploadMbps      float64  `json:"uploadMbps"`
	NominalDownMbps float64  `json:"nominalDownloadMbps"`
	NominalUpMbps   float64  `json:"nominalUploadMbps"`
	Guaranteed      bool     `json:"guaranteed"`
	Reasons         []Reason `json:"reasons,omitempty"`
	UnderConditions []Reason `json:"underConditions,omitempty"`
	// Endpoint is what was tested: a building reference, a line, an OTP or
	// "streetCode/number" for test/address; EndpointType says which.
	Endpoint     string `json:"endpoint"`
	EndpointType string `json:"endpointType"`
	Reference    string `json:"eligibilityReference,omitempty"`
}

// Candidate is a possible match kept for ambiguous rows (top 3 with scores).
type Candidate struct {
	Level string  `json:"level"` // city, street, number, building
	Label string  `json:"label"` // "RUE DU VERGER"
	Code  string  `json:"code"`  // INSEE, street code, number, building ref
	Score float64 `json:"score"` // 0..1
}

// Step is one step of the resolution, for `check --address` and JSONL.
type Step struct {
	Name   string `json:"name"`   // "cities", "streets", "streetNumbers", …
	Detail string `json:"detail"` // what was asked and chosen, with scores
}

// Outcome is everything a writer needs about one row. Writers choose what to
// show; nobody re-derives it.
type Outcome struct {
	Status     Status      `json:"status"`
	Match      Match       `json:"match"`
	Reason     string      `json:"reason"`
	Error      string      `json:"error,omitempty"` // the API error, for Status error
	Score      float64     `json:"score,omitempty"` // match confidence 0..1
	Insee      string      `json:"insee,omitempty"`
	Zip        string      `json:"zip,omitempty"`
	City       string      `json:"city,omitempty"`
	Street     string      `json:"street,omitempty"` // OVH street name
	StreetCode string      `json:"streetCode,omitempty"`
	Number     string      `json:"number,omitempty"`    // OVH street number, "12B"
	Building   string      `json:"building,omitempty"`  // building of the best offer
	Buildings  []string    `json:"buildings,omitempty"` // every building found
	Line       string      `json:"line,omitempty"`
	Best       *Offer      `json:"best,omitempty"`
	Offers     []Offer     `json:"offers,omitempty"` // every offer of every endpoint tested
	Available  string      `json:"availableDate,omitempty"`
	Reference  string      `json:"eligibilityReference,omitempty"` // of the best offer's test
	Candidates []Candidate `json:"candidates,omitempty"`
	Steps      []Step      `json:"steps,omitempty"`
}

// EligibleCodes returns the product codes of every eligible offer, best first
// then in OVH's order, without duplicates.
func (o *Outcome) EligibleCodes() []string {
	var codes []string
	seen := map[string]bool{}
	add := func(c string) {
		if c != "" && !seen[c] {
			seen[c] = true
			codes = append(codes, c)
		}
	}
	if o.Best != nil {
		add(o.Best.Code)
	}
	for _, of := range o.Offers {
		if of.Eligible {
			add(of.Code)
		}
	}
	return codes
}
