package resolve

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ovhcloud-tools/eligibility/ovhapi"
)

// orsay sets up the guide's Orsay street.
func orsay(f *fake) {
	f.streets["91471"] = []ovhapi.Street{
		{StreetCode: "9147132200", StreetName: "RUE DU VERGER"},
		{StreetCode: "9147132300", StreetName: "RUE DU MOULIN"},
		{StreetCode: "9147132400", StreetName: "RUE DU MOULINET"},
		{StreetCode: "9147132500", StreetName: "RUE BARON D HUART"},
		{StreetCode: "9147132600", StreetName: "IMPASSE BARON D HUART"},
		{StreetCode: "9147132700", StreetName: "AVENUE DU GENERAL LECLERC"},
		{StreetCode: "9147132800", StreetName: "CHEMIN DE LA BARRE"},
		{StreetCode: "9147132900", StreetName: "BOULEVARD DUBREUIL"},
	}
	f.numbers["9147132200"] = []string{"1", "1B", "2", "2B", "3", "12", "14", "5184"}
	f.buildings["9147132200/2"] = []ovhapi.Building{{Reference: "IMB/91471/C/NT8X", Type: ptr("HOUSE")}}
	f.buildings["9147132200/1"] = nil
}

type strategyCase struct {
	name   string
	in     Input
	opts   Options
	setup  func(*fake)
	status Status
	match  Match
	reason string // substring
	street string
	number string
	best   string
	check  func(t *testing.T, f *fake, out Outcome)
}

func TestStrategy(t *testing.T) {
	verger := func(number, suffix string) Input {
		return Input{Zip: "91400", City: "ORSAY", Street: "rue du Verger", Number: number, Suffix: suffix}
	}
	taskErr := &ovhapi.TaskError{Route: ovhapi.RouteStreets, Message: "EXTERNAL_WS_UNREACHABLE"}
	cases := []strategyCase{
		// Address path.
		{name: "guide address: building eligible", in: verger("2", ""), status: StatusEligible, match: MatchAddress,
			street: "9147132200", number: "2", best: "PROFIBER", reason: "PROFIBER eligible at building IMB/91471/C/NT8X",
			check: func(t *testing.T, f *fake, out Outcome) {
				if f.count(ovhapi.RouteTestAddress) != 0 {
					t.Error("test/address asked although fiber is eligible")
				}
				if out.Building != "IMB/91471/C/NT8X" || out.Reference == "" || out.Score < 0.8 {
					t.Errorf("building=%q reference=%q score=%v", out.Building, out.Reference, out.Score)
				}
				if len(out.Steps) < 5 {
					t.Errorf("steps: %v", out.Steps)
				}
			}},
		{name: "no building: test/address", in: verger("1", ""), status: StatusEligible, match: MatchAddress,
			number: "1", best: "ADSL-MAX_FULL", reason: "address 9147132200/1",
			check: func(t *testing.T, f *fake, out Outcome) {
				if f.count(ovhapi.RouteTestAddress) != 1 || f.count(ovhapi.RouteTestBuilding) != 0 {
					t.Errorf("calls %v", f.calls)
				}
			}},
		{name: "building ineligible: test/address too", in: verger("2", ""),
			setup: func(f *fake) {
				f.tests["building:IMB/91471/C/NT8X"] = fiberTest("IMB/91471/C/NT8X", "FTTH-MAX-1G", 1000, 250, false,
					ovhapi.Message{Code: "FIBER_NOT_YET_DEPLOYED", Message: "later", AvailabilityDate: ptr("2027-01-01T00:00:00+01:00")})
			},
			status: StatusEligible, match: MatchAddress, best: "ADSL-MAX_FULL",
			check: func(t *testing.T, f *fake, out Outcome) {
				if len(out.Offers) != 3 {
					t.Errorf("offers %d, want 1 fiber + 2 copper", len(out.Offers))
				}
			}},
		{name: "nothing eligible: closest reasons and date", in: verger("2", ""),
			setup: func(f *fake) {
				f.tests["building:IMB/91471/C/NT8X"] = fiberTest("IMB/91471/C/NT8X", "FTTH-MAX-1G", 1000, 250, false,
					ovhapi.Message{Code: "FIBER_NOT_YET_DEPLOYED", Message: "later", AvailabilityDate: ptr("2027-01-01T00:00:00+01:00")})
				f.tests["address:9147132200/2"] = fiberTest("x", "VDSL-MAX_FULL", 50, 8, false)
			},
			status: StatusNotEligible, match: MatchAddress, reason: "closest FTTH-MAX-1G: FIBER_NOT_YET_DEPLOYED",
			check: func(t *testing.T, f *fake, out Outcome) {
				if out.Available != "2027-01-01T00:00:00+01:00" {
					t.Errorf("available %q", out.Available)
				}
			}},
		{name: "several buildings: best kept, all listed", in: verger("3", ""),
			setup: func(f *fake) {
				f.buildings["9147132200/3"] = []ovhapi.Building{{Reference: "IMB/A"}, {Reference: "IMB/B"}, {Reference: "IMB/C"}}
				f.tests["building:IMB/A"] = fiberTest("IMB/A", "FTTH-MAX-300M", 300, 300, true)
				f.tests["building:IMB/B"] = fiberTest("IMB/B", "FTTH-MAX-1G", 1000, 250, true)
				f.tests["building:IMB/C"] = fiberTest("IMB/C", "FTTH-MAX-1G", 1000, 250, false)
			},
			status: StatusEligible, match: MatchAddress, best: "FTTH-MAX-1G", reason: "building IMB/B",
			check: func(t *testing.T, f *fake, out Outcome) {
				if strings.Join(out.Buildings, " ") != "IMB/A IMB/B IMB/C" || out.Building != "IMB/B" {
					t.Errorf("buildings %v building %q", out.Buildings, out.Building)
				}
				if got := out.EligibleCodes(); strings.Join(got, " ") != "FTTH-MAX-1G FTTH-MAX-300M" {
					t.Errorf("eligible codes %v", got)
				}
			}},
		{name: "offers filter VDSL still tests copper", in: verger("2", ""), opts: Options{Offers: []string{"ADSL"}},
			status: StatusEligible, best: "ADSL-MAX_FULL",
			check: func(t *testing.T, f *fake, out Outcome) {
				if f.count(ovhapi.RouteTestAddress) != 1 {
					t.Error("copper filter must test the address")
				}
			}},
		{name: "hexacle option", in: verger("2", ""), opts: Options{Hexacle: true}, status: StatusEligible,
			check: func(t *testing.T, f *fake, out Outcome) {
				if f.count(ovhapi.RouteStreetNumbersDetails) != 1 || f.count(ovhapi.RouteStreetNumbers) != 0 {
					t.Errorf("calls %v", f.calls)
				}
			}},
		// Numbers.
		{name: "2 bis → 2B", in: verger("2 bis", ""), status: StatusEligible, number: "2B"},
		{name: "2 + BIS column", in: verger("2", "BIS"), status: StatusEligible, number: "2B"},
		{name: "2b in one cell", in: verger("2b", ""), status: StatusEligible, number: "2B"},
		{name: "number in street cell", in: Input{Zip: "91400", City: "ORSAY", Street: "2 rue du Verger"}, status: StatusEligible, number: "2"},
		{name: "full address column", in: Input{Address: "1 bis rue du Verger 91400 Orsay"}, status: StatusEligible, number: "1B", street: "9147132200"},
		{name: "12B absent, 12 exists", in: verger("12", "B"), status: StatusNotFound, match: MatchStreet,
			reason: "number 12B not in OVH list (12 exists)"},
		{name: "12 ter absent", in: verger("12 ter", ""), status: StatusNotFound, reason: "number 12T not in OVH list (12 exists)"},
		{name: "4 absent", in: verger("4", ""), status: StatusNotFound, reason: "number 4 not in OVH list"},
		{name: "range 12-14", in: verger("12-14", ""), status: StatusEligible, number: "12",
			check: func(t *testing.T, f *fake, out Outcome) {
				if !strings.Contains(stepsText(out), "candidate 1 of 12,14") {
					t.Errorf("range element not recorded: %s", stepsText(out))
				}
			}},
		{name: "range 13-14 second element", in: verger("13-14", ""), status: StatusEligible, number: "14"},
		{name: "Excel float", in: verger("3,0000000000", ""), status: StatusEligible, number: "3"},
		{name: "leading zeros", in: verger("0012", ""), status: StatusEligible, number: "12"},
		{name: "pseudo-number", in: verger("5184", ""), status: StatusNotFound, match: MatchStreet, reason: "pseudo-number 5184",
			street: "9147132200"},
		{name: "no number", in: verger("", ""), status: StatusNotFound, match: MatchStreet, reason: "no house number"},
		{name: "no number, street level allowed", in: verger("", ""), opts: Options{StreetLevel: true},
			status: StatusEligible, match: MatchStreet, reason: "street level", number: ""},
		// Streets.
		{name: "lone letter read as suffix", in: Input{Zip: "91400", City: "ORSAY", Street: "5 b la grande grange"},
			setup: func(f *fake) {
				f.streets["91471"] = append(f.streets["91471"], ovhapi.Street{StreetCode: "9147133000", StreetName: "LA GRANDE GRANGE"})
				f.numbers["9147133000"] = []string{"5", "5B"}
			},
			status: StatusEligible, street: "9147133000", number: "5B"},
		{name: "street type abbreviated", in: Input{Zip: "91400", City: "ORSAY", Street: "r. du verger", Number: "2"}, status: StatusEligible, street: "9147132200"},
		{name: "moulin vs moulinet", in: Input{Zip: "91400", City: "ORSAY", Street: "rue du Moulin", Number: "1"}, status: StatusEligible, street: "9147132300"},
		{name: "moulinet", in: Input{Zip: "91400", City: "ORSAY", Street: "Rue du Moulinet", Number: "1"}, status: StatusEligible, street: "9147132400"},
		{name: "rue baron vs impasse", in: Input{Zip: "91400", City: "ORSAY", Street: "r baron d'huart", Number: "1"}, status: StatusEligible, street: "9147132500"},
		{name: "impasse baron", in: Input{Zip: "91400", City: "ORSAY", Street: "imp. Baron d'Huart", Number: "1"}, status: StatusEligible, street: "9147132600"},
		{name: "baron without type: ambiguous", in: Input{Zip: "91400", City: "ORSAY", Street: "baron d huart", Number: "1"},
			status: StatusAmbiguous, reason: "ambiguous",
			check: func(t *testing.T, f *fake, out Outcome) {
				if len(out.Candidates) < 2 || out.Candidates[0].Level != "street" {
					t.Errorf("candidates %+v", out.Candidates)
				}
				if f.count(ovhapi.RouteStreetNumbers) != 0 {
					t.Error("an ambiguous street must not be tested")
				}
			}},
		{name: "av gal leclerc", in: Input{Zip: "91400", City: "ORSAY", Street: "av. du Gal Leclerc", Number: "1"}, status: StatusEligible, street: "9147132700"},
		{name: "chem de la barre", in: Input{Zip: "91400", City: "ORSAY", Street: "chem de la barre", Number: "1"}, status: StatusEligible, street: "9147132800"},
		{name: "bd dubreuil", in: Input{Zip: "91400", City: "ORSAY", Street: "Bd Dubreuil", Number: "1"}, status: StatusEligible, street: "9147132900"},
		{name: "street not found", in: Input{Zip: "91400", City: "ORSAY", Street: "avenue de l'Europe", Number: "1"},
			status: StatusNotFound, match: MatchCity, reason: "street not found in 91471 (best:"},
		{name: "no street", in: Input{Zip: "91400", City: "ORSAY"}, status: StatusInvalid, reason: "no street"},
		// Direct identifiers.
		{name: "OTP", in: Input{OTP: "OO-XXXX-XXXX/C", Zip: "91400"}, status: StatusEligible, match: MatchOTP, best: "PROFIBER",
			check: func(t *testing.T, f *fake, out Outcome) {
				if f.count(ovhapi.RouteCities) != 0 {
					t.Error("OTP row must not search the address")
				}
				if out.Street != "RUE DU VERGER" || out.Insee != "91471" {
					t.Errorf("address from endpoint: %q %q", out.Street, out.Insee)
				}
			}},
		{name: "building", in: Input{Building: "IMB/91471/C/NT8X"}, status: StatusEligible, match: MatchBuilding, best: "PROFIBER"},
		{name: "line active", in: Input{Line: "01 23 45 67 89"}, status: StatusEligible, match: MatchLine, best: "ADSL-MAX_FULL",
			check: func(t *testing.T, f *fake, out Outcome) {
				if f.count(ovhapi.RouteTestLine) != 1 || f.count(ovhapi.RouteBuildingsByLine) != 1 || out.Line != "0123456789" {
					t.Errorf("calls %v line %q", f.calls, out.Line)
				}
			}},
		{name: "line lost zero, inactive", in: Input{Line: "123456789", LineStatus: "inactive"}, status: StatusEligible, match: MatchLine,
			setup: func(f *fake) {
				f.byLine["0123456789/inactive"] = []ovhapi.Building{{Reference: "IMB/91471/C/NT8X"}}
			},
			best: "PROFIBER", reason: "building IMB/91471/C/NT8X"},
		{name: "line both statuses", in: Input{Line: "+33123456789"}, opts: Options{BothLineStatuses: true}, status: StatusEligible,
			check: func(t *testing.T, f *fake, out Outcome) {
				if f.count(ovhapi.RouteTestLine) != 2 || f.count(ovhapi.RouteBuildingsByLine) != 2 {
					t.Errorf("calls %v", f.calls)
				}
			}},
		{name: "bad line only", in: Input{Line: "12"}, status: StatusInvalid, reason: "10-digit"},
		{name: "OTP fails, address answers", in: Input{OTP: "BAD", Zip: "91400", City: "ORSAY", Street: "rue du verger", Number: "2"},
			setup: func(f *fake) {
				f.fail[ovhapi.RouteTestOTP] = &ovhapi.TaskError{Route: ovhapi.RouteTestOTP, Message: "unknown OTP"}
			},
			status: StatusEligible, match: MatchAddress},
		// Errors are never not_found.
		{name: "streets task error", in: verger("2", ""), setup: func(f *fake) { f.fail[ovhapi.RouteStreets] = taskErr },
			status: StatusError, reason: "API failure at streets",
			check: func(t *testing.T, f *fake, out Outcome) {
				if out.Error != taskErr.Error() {
					t.Errorf("Error = %q", out.Error)
				}
			}},
		{name: "cities HTTP error", in: verger("2", ""),
			setup: func(f *fake) {
				f.fail[ovhapi.RouteCities] = &ovhapi.HTTPError{Route: ovhapi.RouteCities, Attempts: 3, Err: errors.New("503")}
			},
			status: StatusError},
		{name: "test/address fails, fiber eligible", in: verger("2", ""), opts: Options{Offers: []string{"FTTH"}},
			setup:  func(f *fake) { f.fail[ovhapi.RouteTestAddress] = errors.New("boom") },
			status: StatusEligible, best: "PROFIBER"},
		{name: "buildings fail, copper ineligible: error", in: verger("2", ""),
			setup: func(f *fake) {
				f.fail[ovhapi.RouteBuildings] = errors.New("boom")
				f.tests["address:9147132200/2"] = fiberTest("x", "VDSL-MAX_FULL", 50, 8, false)
			},
			status: StatusError},
		{name: "OTP error only", in: Input{OTP: "X"}, setup: func(f *fake) { f.fail[ovhapi.RouteTestOTP] = errors.New("boom") },
			status: StatusError},
		{name: "OTP error, address not found: still error", in: Input{OTP: "X", Zip: "91400", City: "ORSAY", Street: "rue inconnue", Number: "1"},
			setup:  func(f *fake) { f.fail[ovhapi.RouteTestOTP] = errors.New("boom") },
			status: StatusError},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			orsay(f)
			if tt.setup != nil {
				tt.setup(f)
			}
			out := f.resolve(t, tt.opts, tt.in)
			if out.Status != tt.status {
				t.Fatalf("status %s (%s), want %s\nsteps:\n%s", out.Status, out.Reason, tt.status, stepsText(out))
			}
			if out.Reason == "" {
				t.Error("empty reason")
			}
			if tt.match != "" && out.Match != tt.match {
				t.Errorf("match %s, want %s", out.Match, tt.match)
			}
			if tt.reason != "" && !strings.Contains(out.Reason, tt.reason) {
				t.Errorf("reason %q, want it to contain %q", out.Reason, tt.reason)
			}
			if tt.street != "" && out.StreetCode != tt.street {
				t.Errorf("street %s %q, want %s\n%s", out.StreetCode, out.Street, tt.street, stepsText(out))
			}
			if tt.number != "" && out.Number != tt.number {
				t.Errorf("number %q, want %q", out.Number, tt.number)
			}
			if tt.best != "" && (out.Best == nil || out.Best.Code != tt.best) {
				t.Errorf("best %+v, want %s", out.Best, tt.best)
			}
			if (out.Status == StatusError) != (out.Error != "") {
				t.Errorf("status %s with Error %q", out.Status, out.Error)
			}
			if tt.check != nil {
				tt.check(t, f, out)
			}
		})
	}
}

func stepsText(out Outcome) string {
	var b strings.Builder
	for _, s := range out.Steps {
		b.WriteString(s.Name + ": " + s.Detail + "\n")
	}
	return b.String()
}

func TestResolveCancelled(t *testing.T) {
	f := newFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	svc := ovhapi.Service{Caller: ovhapi.CallerFunc(func(ctx context.Context, route string, body any) (json.RawMessage, error) {
		return nil, ctx.Err()
	})}
	_ = f
	out := New(svc, Options{}).Resolve(ctx, Input{Zip: "91400", City: "ORSAY", Street: "rue du verger", Number: "2"})
	if out.Status != StatusError || !strings.Contains(out.Error, "canceled") {
		t.Fatalf("got %s %q", out.Status, out.Error)
	}
}

func TestResolveEmpty(t *testing.T) {
	f := newFake(t)
	out := f.resolve(t, Options{}, Input{})
	if out.Status != StatusInvalid || len(f.calls) != 0 {
		t.Fatalf("got %s, calls %v", out.Status, f.calls)
	}
}
