package resolve

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ovhcloud-tools/eligibility/ovhapi"
)

// guideTest loads one of the eligibility results copied from OVH's guide.
func guideTest(t testing.TB, name string) *ovhapi.EligibilityTest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var et ovhapi.EligibilityTest
	if err := json.Unmarshal(b, &et); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return &et
}

func ptr[T any](v T) *T { return &v }

func TestConvertOffers(t *testing.T) {
	et := guideTest(t, "guide-test-line.json")
	offers := convertOffers(et, "0123456789", EndpointLine)
	if len(offers) != 4 {
		t.Fatalf("got %d offers, want 4", len(offers))
	}
	full := offers[2]
	if full.Code != "ADSL-MAX_FULL" || !full.Eligible || full.DownloadMbps != 8.173828125 ||
		full.UploadMbps != 0.9970703125 || full.NominalDownMbps != 20 || full.Technology != "ADSL" ||
		full.Provider != "KOSC" || full.Endpoint != "0123456789" || full.EndpointType != EndpointLine ||
		full.Reference != et.EligibilityReference {
		t.Errorf("ADSL-MAX_FULL converted to %+v", full)
	}
	if r := offers[1].Reasons; len(r) != 1 || r[0].Code != "TOO_MUCH_ATTENUATION" {
		t.Errorf("VDSL-MAX_FULL reasons = %+v", r)
	}
	fiber := convertOffers(guideTest(t, "guide-test-building.json"), "IMB/91471/C/NT8X", EndpointBuilding)
	if fiber[0].DownloadMbps != 1000 || fiber[0].UploadMbps != 800 {
		t.Errorf("null estimated rates must fall back to nominal: %+v", fiber[0])
	}
}

func TestBest(t *testing.T) {
	line := convertOffers(guideTest(t, "guide-test-line.json"), "0123456789", EndpointLine)
	addr := convertOffers(guideTest(t, "guide-test-address.json"), "94123001234/4", EndpointAddress)
	fiber := convertOffers(guideTest(t, "guide-test-building.json"), "IMB/91471/C/NT8X", EndpointBuilding)
	all := append(append(append([]Offer{}, line...), addr...), fiber...)
	synth := []Offer{
		{Code: "A", Eligible: true, DownloadMbps: 100, UploadMbps: 10},
		{Code: "B", Eligible: true, DownloadMbps: 100, UploadMbps: 20},
		{Code: "C", Eligible: true, DownloadMbps: 100, UploadMbps: 20, Guaranteed: true},
		{Code: "D", Eligible: false, DownloadMbps: 1000, UploadMbps: 500},
	}
	tests := []struct {
		name   string
		offers []Offer
		filter []string
		want   string // "" = nil
		down   float64
	}{
		{"line: only ADSL-MAX_FULL eligible", line, nil, "ADSL-MAX_FULL", 8.173828125},
		{"line: VDSL filter", line, []string{"VDSL"}, "", 0},
		{"line: ADSL filter", line, []string{"adsl"}, "ADSL-MAX_FULL", 8.173828125},
		{"line: product code filter", line, []string{"ADSL-MAX_FULL"}, "ADSL-MAX_FULL", 8.173828125},
		{"line: shared code filter (ineligible)", line, []string{"ADSL-MAX_SHARED"}, "", 0},
		{"address: VDSL est 20.04 ineligible", addr, nil, "ADSL-MAX_FULL", 18.935546875},
		{"fiber: PROFIBER nominal 1G", fiber, nil, "PROFIBER", 1000},
		{"all: fiber wins", all, nil, "PROFIBER", 1000},
		{"all: copper only", all, []string{"VDSL", "ADSL"}, "ADSL-MAX_FULL", 18.935546875},
		{"all: FTTH", all, []string{"FTTH"}, "PROFIBER", 1000},
		{"all: unknown filter", all, []string{"SDSL"}, "", 0},
		{"tie on download: upload then guaranteed", synth, nil, "C", 100},
		{"ineligible fastest ignored", synth[3:], nil, "", 0},
		{"empty", nil, nil, "", 0},
		{"blank filter entry keeps all", synth[:1], []string{" "}, "A", 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := Best(tt.offers, tt.filter)
			switch {
			case tt.want == "" && b != nil:
				t.Fatalf("Best = %s, want nil", b.Code)
			case tt.want != "" && b == nil:
				t.Fatalf("Best = nil, want %s", tt.want)
			case b != nil && (b.Code != tt.want || b.DownloadMbps != tt.down):
				t.Fatalf("Best = %s %.3f, want %s %.3f", b.Code, b.DownloadMbps, tt.want, tt.down)
			}
		})
	}
}

func TestDecide(t *testing.T) {
	line := convertOffers(guideTest(t, "guide-test-line.json"), "0123456789", EndpointLine)
	fiber := convertOffers(guideTest(t, "guide-test-building.json"), "IMB/91471/C/NT8X", EndpointBuilding)
	coming := []Offer{
		{Code: "FTTH-MAX-1G", Technology: "FTTH", NominalDownMbps: 1000, Endpoint: "IMB/1", EndpointType: EndpointBuilding,
			Reasons: []Reason{{Code: "FIBER_NOT_YET_AVAILABLE", Message: "soon", AvailabilityDate: "2027-03-01T00:00:00+01:00"}}},
		{Code: "VDSL-MAX_FULL", Technology: "VDSL", NominalDownMbps: 20, Endpoint: "X/1", EndpointType: EndpointAddress,
			Reasons: []Reason{{Code: "TOO_MUCH_ATTENUATION", Message: "Too much attenuation"}}},
	}
	tests := []struct {
		name      string
		offers    []Offer
		filter    []string
		status    Status
		reason    string
		available string
		building  string
	}{
		{"line eligible", line, nil, StatusEligible, "ADSL-MAX_FULL eligible at line 0123456789", "", ""},
		{"fiber eligible", fiber, nil, StatusEligible, "PROFIBER eligible at building IMB/91471/C/NT8X", "", "IMB/91471/C/NT8X"},
		{"line, VDSL only", line, []string{"VDSL"}, StatusNotEligible, "closest VDSL-MAX_FULL: TOO_MUCH_ATTENUATION", "", ""},
		{"line, VDSL only mentions ADSL", line, []string{"VDSL"}, StatusNotEligible, "ADSL-MAX_FULL eligible, outside VDSL", "", ""},
		{"fiber coming", coming, nil, StatusNotEligible, "closest FTTH-MAX-1G: FIBER_NOT_YET_AVAILABLE", "2027-03-01T00:00:00+01:00", ""},
		{"copper only, date of other offer", coming, []string{"VDSL"}, StatusNotEligible, "TOO_MUCH_ATTENUATION", "2027-03-01T00:00:00+01:00", ""},
		{"nothing", nil, nil, StatusNotEligible, "no offer returned", "", ""},
		{"filtered out", fiber, []string{"SDSL"}, StatusNotEligible, "no offer of SDSL returned", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := Outcome{Offers: tt.offers}
			decide(&out, tt.filter)
			if out.Status != tt.status || !strings.Contains(out.Reason, tt.reason) || out.Available != tt.available || out.Building != tt.building {
				t.Fatalf("got %s %q available=%q building=%q; want %s %q %q %q",
					out.Status, out.Reason, out.Available, out.Building, tt.status, tt.reason, tt.available, tt.building)
			}
			if tt.status == StatusEligible && (out.Best == nil || out.Reference == "") {
				t.Fatalf("eligible without best offer or reference: %+v", out)
			}
		})
	}
}
