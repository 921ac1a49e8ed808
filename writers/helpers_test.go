package writers

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/ovhcloud-tools/eligibility/readers"
	"github.com/ovhcloud-tools/eligibility/resolve"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.* files")

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./writers -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n got: %q\nwant: %q", name, got, want)
	}
}

func cp1252(t testing.TB, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func row(i int, raw string, cells ...string) readers.Row {
	r := readers.Row{Index: i, Line: i + 2, Cells: cells}
	if raw != "" {
		r.Raw = []byte(raw)
	}
	return r
}

var ftth = resolve.Offer{
	Code: "FTTH_1G", Name: "Fibre 1 Gb/s", Technology: "FTTH", Eligible: true,
	DownloadMbps: 1000, UploadMbps: 700, NominalDownMbps: 1000, NominalUpMbps: 700,
	Endpoint: "IMB/01004/X/00AB", EndpointType: "building", Reference: "ref-ftth-1",
}

var vdsl = resolve.Offer{
	Code: "VDSL_PRO", Name: "VDSL2 Pro", Technology: "VDSL", Eligible: true,
	DownloadMbps: 48.1749, UploadMbps: 8.1700, NominalDownMbps: 100, NominalUpMbps: 40,
	Endpoint: "0123456789", EndpointType: "line",
}

var adsl = resolve.Offer{
	Code: "ADSL_MAX", Name: "ADSL Max", Technology: "ADSL", Eligible: false,
	Endpoint: "0123456789", EndpointType: "line",
	Reasons: []resolve.Reason{{Code: "NOT_AVAILABLE", Message: "Offre indisponible sur cette ligne", AvailabilityDate: "2027-01-15"}},
}

// outcomes is one outcome of each kind, reused across formats.
func outcomes() []resolve.Outcome {
	best := ftth
	return []resolve.Outcome{
		{Status: resolve.StatusEligible, Match: resolve.MatchAddress, Reason: "adresse trouvée, 2 offres éligibles",
			Score: 0.974, Insee: "01004", Zip: "01500", City: "AMBERIEU EN BUGEY", Street: "RUE ROGER VAILLANT",
			StreetCode: "010040123", Number: "12B", Building: "IMB/01004/X/00AB", Best: &best,
			Offers: []resolve.Offer{ftth, vdsl, adsl}, Reference: "ref-ftth-1"},
		{Status: resolve.StatusNotFound, Match: resolve.MatchStreet, Reason: "numéro inconnu ≠ 12", Insee: "01400",
			Street: "RUE DU VERGER", StreetCode: "014000001", Score: 0.9},
		{Status: resolve.StatusAmbiguous, Match: resolve.MatchCity, Reason: "2 rues proches", Insee: "67482",
			Candidates: []resolve.Candidate{
				{Level: "street", Label: "RUE DE L EGLISE", Code: "674820001", Score: 0.81},
				{Level: "street", Label: "RUELLE DE L EGLISE", Code: "674820002", Score: 0.8},
			}},
		{Status: resolve.StatusError, Match: resolve.MatchNone, Reason: "API failure after 5 attempts",
			Error: `POST /connectivity/eligibility/search/cities: 503 "Service Unavailable"`},
	}
}

// failWriter fails every write, for error paths.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func utf8Valid(s string) bool { return utf8.ValidString(s) }
