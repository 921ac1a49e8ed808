package ovhapi

// Types of the /connectivity/eligibility API, as described by
// https://eu.api.ovh.com/1.0/connectivity.json (schema connectivity.eligibility.*).
// Nullable fields (canBeNull: true) are pointers. Enums are plain strings so
// that values OVH adds later (new offer types, providers, message codes) decode.

// Task statuses of xdsl.AsyncTaskStatusEnum. The guide's prose also says
// "done" and "success"; the client accepts those as success.
// (The "error" status is TaskFailed: TaskError is the error type.)
const (
	TaskPending = "pending"
	TaskOK      = "ok"
	TaskFailed  = "error"
)

// Line statuses (connectivity.eligibility.LineStatusEnum).
const (
	LineActive   = "active"
	LineInactive = "inactive"
)

// Offer product types (connectivity.eligibility.OfferProductTypeEnum).
const (
	TypeADSL = "ADSL"
	TypeVDSL = "VDSL"
	TypeSDSL = "SDSL"
	TypeFTTH = "FTTH"
	TypeFTTE = "FTTE"
	TypeFTTO = "FTTO"
)

// City is one locality of a zip code (search/cities).
type City struct {
	City      string  `json:"city"`
	InseeCode string  `json:"inseeCode"`
	Locality  *string `json:"locality"`
	ZipCode   string  `json:"zipCode"`
}

// Street is one street of a commune (search/streets).
type Street struct {
	StreetCode    string  `json:"streetCode"`
	StreetName    string  `json:"streetName"`
	StreetAltCode *string `json:"streetAltCode,omitempty"`
}

// StreetNumberDetails is one number of a street with its hexacle
// (search/streetNumbers/details).
type StreetNumberDetails struct {
	Number  string  `json:"number"`
	Hexacle *string `json:"hexacle"`
}

// BuildingStair is a staircase of a building; "_NA_" means no identifier.
type BuildingStair struct {
	Stair  string   `json:"stair"`
	Floors []string `json:"floors"`
}

// Building is a fiber building (search/buildings, buildingsByLine, buildingDetails).
type Building struct {
	Name      string          `json:"name"`
	Nro       *string         `json:"nro"`
	Reference string          `json:"reference"`
	Stairs    []BuildingStair `json:"stairs"`
	Type      *string         `json:"type"` // BUILDING or HOUSE
}

// Address is an endpoint or line address. Street fields are hidden for
// unlisted numbers.
type Address struct {
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

// SectionLength is one cable section of a copper line.
type SectionLength struct {
	Diameter float64 `json:"diameter"` // mm
	Length   float64 `json:"length"`   // m
}

// CopperInfo describes a copper line.
type CopperInfo struct {
	AvailablePairs    *int64          `json:"availablePairs"`
	MaxAvailablePairs *int64          `json:"maxAvailablePairs"`
	Nra               *string         `json:"nra"`
	SectionsLengths   []SectionLength `json:"sectionsLengths"`
	Status            string          `json:"status"`
	UnderConstruction *bool           `json:"underConstruction"`
	UnlistedNumber    bool            `json:"unlistedNumber"`
}

// FiberInfo describes a fiber building.
type FiberInfo struct {
	BuildingName      *string  `json:"buildingName"`
	BuildingReference string   `json:"buildingReference"`
	BuildingType      string   `json:"buildingType"`
	Nro               *string  `json:"nro"`
	OperatorCode      string   `json:"operatorCode"`
	OperatorName      string   `json:"operatorName"`
	Latitude          *float64 `json:"latitude,omitempty"`
	Longitude         *float64 `json:"longitude,omitempty"`
	PmReference       *string  `json:"pmReference,omitempty"`
}

// Message is a reason or a condition attached to an eligibility.
type Message struct {
	AvailabilityDate *string `json:"availabilityDate"` // set for *_NOT_YET_AVAILABLE
	Code             string  `json:"code"`
	Message          string  `json:"message"`
}

// PortabilityEligibility tells whether a number can be ported.
type PortabilityEligibility struct {
	Eligible        bool      `json:"eligible"`
	Reasons         []Message `json:"reasons"`
	UnderConditions []Message `json:"underConditions"`
}

// Portability of the line number of an endpoint.
type Portability struct {
	Eligibility       PortabilityEligibility `json:"eligibility"`
	QuarantineEndDate *string                `json:"quarantineEndDate"`
	Type              *string                `json:"type"`
}

// Endpoint is the delivery point an eligibility test was made on.
type Endpoint struct {
	Address       *Address     `json:"address"`
	CopperInfo    *CopperInfo  `json:"copperInfo"`
	FiberInfo     *FiberInfo   `json:"fiberInfo"`
	Portability   *Portability `json:"portability"`
	Reference     string       `json:"reference"`
	ReferenceType string       `json:"referenceType"` // address, building, hexacle, lineNumber, otp
}

// OfferEligibility says whether an offer can be ordered and at what rate.
type OfferEligibility struct {
	ActivationTypes       []string  `json:"activationTypes"`
	Eligible              bool      `json:"eligible"`
	EstimatedDownloadRate *float64  `json:"estimatedDownloadRate"`
	EstimatedUploadRate   *float64  `json:"estimatedUploadRate"`
	MultiOtp              *bool     `json:"multiOtp,omitempty"`
	Reasons               []Message `json:"reasons"`
	UnderConditions       []Message `json:"underConditions"`
}

// OfferProduct is the catalogue entry of an offer.
type OfferProduct struct {
	Code           string   `json:"code"`
	DownloadRate   float64  `json:"downloadRate"` // Mbit/s
	UploadRate     float64  `json:"uploadRate"`   // Mbit/s
	Grt            []string `json:"grt"`
	Guaranteed     bool     `json:"guaranteed"`
	Name           string   `json:"name"`
	Pairs          *int64   `json:"pairs"`
	Provider       string   `json:"provider"`
	Operator       string   `json:"operator,omitempty"`
	Type           string   `json:"type"`
	UnbundlingType *string  `json:"unbundlingType,omitempty"`
}

// Offer is one product with its eligibility.
type Offer struct {
	Eligibility OfferEligibility `json:"eligibility"`
	Product     OfferProduct     `json:"product"`
}

// EligibilityTest is the result of every test/* route and of GET test.
type EligibilityTest struct {
	EligibilityReference string   `json:"eligibilityReference"`
	Endpoint             Endpoint `json:"endpoint"`
	Offers               []Offer  `json:"offers"`
}

// Line is a copper line found at an address (search/lines, deprecated).
type Line struct {
	Address    Address    `json:"address"`
	CopperInfo CopperInfo `json:"copperInfo"`
	LineNumber string     `json:"lineNumber"`
}

// AddressWithCoordinates is a result of search/addresses.
type AddressWithCoordinates struct {
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

// Request bodies. Optional fields are omitted when empty, as third-party
// clients do; the JSON field order is fixed by the struct so that a re-POST
// (the poll) sends the identical body.

// CitiesRequest is the body of search/cities.
type CitiesRequest struct {
	ZipCode string `json:"zipCode"`
}

// StreetsRequest is the body of search/streets.
type StreetsRequest struct {
	InseeCode string `json:"inseeCode"`
}

// StreetNumbersRequest is the body of search/streetNumbers and
// search/streetNumbers/details.
type StreetNumbersRequest struct {
	StreetCode    string `json:"streetCode"`
	StreetAltCode string `json:"streetAltCode,omitempty"`
}

// BuildingsRequest is the body of search/buildings: at least
// streetCode+streetNumber or hexacle.
type BuildingsRequest struct {
	Hexacle       string `json:"hexacle,omitempty"`
	StreetAltCode string `json:"streetAltCode,omitempty"`
	StreetCode    string `json:"streetCode,omitempty"`
	StreetNumber  string `json:"streetNumber,omitempty"`
}

// LineRequest is the body of search/buildingsByLine.
type LineRequest struct {
	LineNumber string `json:"lineNumber"`
	Status     string `json:"status"`
}

// BuildingDetailsRequest is the body of search/buildingDetails.
type BuildingDetailsRequest struct {
	Building      string `json:"building"`
	ForceProvider string `json:"forceProvider,omitempty"`
}

// LinesRequest is the body of search/lines (deprecated by OVH).
type LinesRequest struct {
	StreetCode   string `json:"streetCode"`
	StreetNumber string `json:"streetNumber"`
	OwnerName    string `json:"ownerName,omitempty"`
}

// AddressesRequest is the body of search/addresses.
type AddressesRequest struct {
	Latitude  string `json:"latitude"`
	Longitude string `json:"longitude"`
	Distance  int64  `json:"distance,omitempty"`
}

// TestAddressRequest is the body of test/address(/partners).
type TestAddressRequest struct {
	Hexacle       string `json:"hexacle,omitempty"`
	StreetAltCode string `json:"streetAltCode,omitempty"`
	StreetCode    string `json:"streetCode,omitempty"`
	StreetNumber  string `json:"streetNumber,omitempty"`
}

// TestBuildingRequest is the body of test/building(/partners).
type TestBuildingRequest struct {
	Building string `json:"building"`
}

// TestLineRequest is the body of test/line(/partners).
type TestLineRequest struct {
	LineNumber   string `json:"lineNumber"`
	Status       string `json:"status"`
	StreetCode   string `json:"streetCode,omitempty"`
	StreetNumber string `json:"streetNumber,omitempty"`
}

// TestOTPRequest is the body of test/otp(/partners).
type TestOTPRequest struct {
	OTP string `json:"otp"`
}
