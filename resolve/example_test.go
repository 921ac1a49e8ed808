package resolve_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ovhcloud-tools/eligibility/ovhapi"
	"github.com/ovhcloud-tools/eligibility/resolve"
)

// A fake OVH answering the guide's Orsay example.
func guideCaller(ctx context.Context, route string, body any) (json.RawMessage, error) {
	answers := map[string]string{
		ovhapi.RouteCities:        `[{"inseeCode":"91471","zipCode":"91400","locality":"ORSIGNY","city":"ORSAY"}]`,
		ovhapi.RouteStreets:       `[{"streetName":"RUE DU VERGER","streetCode":"9147132200"}]`,
		ovhapi.RouteStreetNumbers: `["1","1B","2","2B","3"]`,
		ovhapi.RouteBuildings:     `[{"stairs":[],"reference":"IMB/91471/C/NT8X","type":"HOUSE","name":"","nro":"91122BUR"}]`,
		ovhapi.RouteTestBuilding: `{"eligibilityReference":"abc","endpoint":{"reference":"IMB/91471/C/NT8X","referenceType":"building"},
			"offers":[{"product":{"code":"PROFIBER","type":"FTTH","downloadRate":1000,"uploadRate":800},
			"eligibility":{"eligible":true,"estimatedDownloadRate":null}}]}`,
	}
	a, ok := answers[route]
	if !ok {
		return nil, fmt.Errorf("unexpected %s", route)
	}
	return json.RawMessage(a), nil
}

func ExampleResolver_Resolve() {
	r := resolve.New(ovhapi.Service{Caller: ovhapi.CallerFunc(guideCaller)}, resolve.Options{})
	out := r.Resolve(context.Background(), resolve.Input{
		Zip: "91400", City: "Orsigny", Street: "r. du verger", Number: "1 bis",
	})
	fmt.Println(out.Status, out.Match, out.Insee, out.StreetCode, out.Number)
	fmt.Println(out.Reason)
	for _, s := range out.Steps {
		fmt.Printf("%s: %s\n", s.Name, s.Detail)
	}
	// Output:
	// eligible address 91471 9147132200 1B
	// PROFIBER eligible at building IMB/91471/C/NT8X
	// cities: zip 91400: 1 localities (ORSAY/ORSIGNY 91471)
	// cities: chose ORSAY 91471 (city "Orsigny" 1.00 via ORSIGNY)
	// streets: INSEE 91471: 1 streets; "r. du verger" best: RUE DU VERGER 0.98
	// streets: chose RUE DU VERGER 9147132200 0.98
	// streetNumbers: 9147132200: 5 numbers; chose 1B
	// buildings: 9147132200/1B: 1 building(s) IMB/91471/C/NT8X
	// test/building: building IMB/91471/C/NT8X: 1 offers, eligible: PROFIBER
}

func ExampleBest() {
	offers := []resolve.Offer{
		{Code: "VDSL-MAX_FULL", Technology: "VDSL", Eligible: false, DownloadMbps: 20.04},
		{Code: "ADSL-MAX_FULL", Technology: "ADSL", Eligible: true, DownloadMbps: 18.94},
		{Code: "ADSL-MAX_SHARED", Technology: "ADSL", Eligible: true, DownloadMbps: 8.17},
	}
	fmt.Println(resolve.Best(offers, nil).Code)
	fmt.Println(resolve.Best(offers, []string{"VDSL"}) == nil)
	// Output:
	// ADSL-MAX_FULL
	// true
}
