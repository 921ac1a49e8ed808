package ovhapi

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// Routes of /connectivity/eligibility, relative to the endpoint (…/1.0).
const (
	RouteCities               = "/connectivity/eligibility/search/cities"
	RouteStreets              = "/connectivity/eligibility/search/streets"
	RouteStreetNumbers        = "/connectivity/eligibility/search/streetNumbers"
	RouteStreetNumbersDetails = "/connectivity/eligibility/search/streetNumbers/details"
	RouteBuildings            = "/connectivity/eligibility/search/buildings"
	RouteBuildingsByLine      = "/connectivity/eligibility/search/buildingsByLine"
	RouteBuildingDetails      = "/connectivity/eligibility/search/buildingDetails"
	RouteLines                = "/connectivity/eligibility/search/lines" // deprecated by OVH
	RouteAddresses            = "/connectivity/eligibility/search/addresses"
	RouteTestAddress          = "/connectivity/eligibility/test/address"
	RouteTestBuilding         = "/connectivity/eligibility/test/building"
	RouteTestLine             = "/connectivity/eligibility/test/line"
	RouteTestOTP              = "/connectivity/eligibility/test/otp"
	RouteTest                 = "/connectivity/eligibility/test" // GET ?eligibilityReference=

	// PartnersSuffix turns a test/* route into its signed reseller variant.
	PartnersSuffix = "/partners"
)

// Routes lists the asynchronous POST routes, in the order of the flow.
var Routes = []string{
	RouteCities, RouteStreets, RouteStreetNumbers, RouteStreetNumbersDetails,
	RouteBuildings, RouteBuildingsByLine, RouteBuildingDetails, RouteLines,
	RouteAddresses, RouteTestAddress, RouteTestBuilding, RouteTestLine, RouteTestOTP,
}

// IsTestRoute reports whether route runs an eligibility test (as opposed to a
// referential search); caches keep those for a shorter time.
func IsTestRoute(route string) bool {
	return strings.HasPrefix(route, "/connectivity/eligibility/test")
}

// Caller runs one asynchronous eligibility task to its end (first POST, then
// re-POSTs of the identical body while it is pending) and returns the raw
// JSON of its result. It is the one interface every layer shares: the client
// implements it, the cache decorates it, tests fake it.
type Caller interface {
	Call(ctx context.Context, route string, body any) (json.RawMessage, error)
}

// CallerFunc adapts a function to Caller (handy for fakes in tests).
type CallerFunc func(ctx context.Context, route string, body any) (json.RawMessage, error)

// Call implements Caller.
func (f CallerFunc) Call(ctx context.Context, route string, body any) (json.RawMessage, error) {
	return f(ctx, route, body)
}

// Service gives typed access to every route on top of a Caller.
// Partners selects the signed /partners variants of the test routes.
type Service struct {
	Caller   Caller
	Partners bool
}

func call[T any](ctx context.Context, s Service, route string, body any) (T, error) {
	var out T
	raw, err := s.Caller.Call(ctx, route, body)
	if err != nil {
		return out, err
	}
	if len(raw) == 0 || string(raw) == "null" {
		return out, nil
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return out, &DecodeError{Route: route, Err: err}
	}
	return out, nil
}

func (s Service) testRoute(route string) string {
	if s.Partners {
		return route + PartnersSuffix
	}
	return route
}

// Cities lists the localities of a zip code.
func (s Service) Cities(ctx context.Context, zip string) ([]City, error) {
	return call[[]City](ctx, s, RouteCities, CitiesRequest{ZipCode: zip})
}

// Streets lists the streets of a commune.
func (s Service) Streets(ctx context.Context, insee string) ([]Street, error) {
	return call[[]Street](ctx, s, RouteStreets, StreetsRequest{InseeCode: insee})
}

// StreetNumbers lists the numbers of a street ("1", "1B", …).
func (s Service) StreetNumbers(ctx context.Context, req StreetNumbersRequest) ([]string, error) {
	return call[[]string](ctx, s, RouteStreetNumbers, req)
}

// StreetNumbersDetails lists the numbers of a street with their hexacle.
func (s Service) StreetNumbersDetails(ctx context.Context, req StreetNumbersRequest) ([]StreetNumberDetails, error) {
	return call[[]StreetNumberDetails](ctx, s, RouteStreetNumbersDetails, req)
}

// Buildings lists the fiber buildings of an address.
func (s Service) Buildings(ctx context.Context, req BuildingsRequest) ([]Building, error) {
	return call[[]Building](ctx, s, RouteBuildings, req)
}

// BuildingsByLine lists the buildings served by a copper line.
func (s Service) BuildingsByLine(ctx context.Context, req LineRequest) ([]Building, error) {
	return call[[]Building](ctx, s, RouteBuildingsByLine, req)
}

// BuildingDetails returns one building (a single object, not an array).
func (s Service) BuildingDetails(ctx context.Context, req BuildingDetailsRequest) (*Building, error) {
	return call[*Building](ctx, s, RouteBuildingDetails, req)
}

// Lines lists the copper lines of an address (deprecated by OVH).
func (s Service) Lines(ctx context.Context, req LinesRequest) ([]Line, error) {
	return call[[]Line](ctx, s, RouteLines, req)
}

// Addresses lists the addresses around a point.
func (s Service) Addresses(ctx context.Context, req AddressesRequest) ([]AddressWithCoordinates, error) {
	return call[[]AddressWithCoordinates](ctx, s, RouteAddresses, req)
}

// TestAddress tests an address for a new (neighbour) copper line.
func (s Service) TestAddress(ctx context.Context, req TestAddressRequest) (*EligibilityTest, error) {
	return call[*EligibilityTest](ctx, s, s.testRoute(RouteTestAddress), req)
}

// TestBuilding tests a fiber building.
func (s Service) TestBuilding(ctx context.Context, building string) (*EligibilityTest, error) {
	return call[*EligibilityTest](ctx, s, s.testRoute(RouteTestBuilding), TestBuildingRequest{Building: building})
}

// TestLine tests a copper line.
func (s Service) TestLine(ctx context.Context, req TestLineRequest) (*EligibilityTest, error) {
	return call[*EligibilityTest](ctx, s, s.testRoute(RouteTestLine), req)
}

// TestOTP tests an optical termination point.
func (s Service) TestOTP(ctx context.Context, otp string) (*EligibilityTest, error) {
	return call[*EligibilityTest](ctx, s, s.testRoute(RouteTestOTP), TestOTPRequest{OTP: otp})
}

// TestAs runs a test route (its /partners variant when s.Partners) and
// decodes the result into T: a caller that keeps part of an
// EligibilityTest decodes into a slimmer type. Added function.
func TestAs[T any](ctx context.Context, s Service, route string, body any) (T, error) {
	return call[T](ctx, s, s.testRoute(route), body)
}

// DecodeError is returned when a result does not match the documented schema.
type DecodeError struct {
	Route string
	Err   error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("POST %s: decode result: %v", e.Route, e.Err)
}
func (e *DecodeError) Unwrap() error { return e.Err }
