package writers_test

import (
	"fmt"
	"os"

	"github.com/ovhcloud-tools/eligibility/readers"
	"github.com/ovhcloud-tools/eligibility/resolve"
	"github.com/ovhcloud-tools/eligibility/writers"
)

func ExampleCells() {
	out := resolve.Outcome{Status: resolve.StatusEligible, Match: resolve.MatchAddress, Insee: "01004",
		Best: &resolve.Offer{Code: "FTTH_1G", Technology: "FTTH", Eligible: true, DownloadMbps: 1000, UploadMbps: 8.1749}}
	cells := writers.Cells(out)
	for i, c := range cells[:13] {
		if c != "" {
			fmt.Printf("%s=%s\n", writers.Columns[i], c)
		}
	}
	// Output:
	// elig_status=eligible
	// elig_match=address
	// elig_insee=01004
	// elig_best_offer=FTTH_1G
	// elig_technology=FTTH
	// elig_download_mbps=1000
	// elig_upload_mbps=8.17
	// elig_offers=FTTH_1G
}

func ExampleNew() {
	// A ';' file from Excel: the row is echoed byte for byte, then the elig_ cells.
	opts := writers.Options{
		Header:  []string{"cp", "ville"},
		Dialect: readers.Dialect{Format: "csv", Encoding: "utf-8", Delimiter: ';', LineEnding: "\n", Header: true},
	}
	w, err := writers.New(os.Stdout, "csv", opts)
	if err != nil {
		panic(err)
	}
	row := readers.Row{Index: 0, Line: 2, Cells: []string{"01400", "Châtillon"}, Raw: []byte("01400;Châtillon")}
	_ = w.Write(row, resolve.Outcome{Status: resolve.StatusNotFound, Match: resolve.MatchCity, Insee: "01093", Reason: "street unknown"})
	_ = w.Close(writers.Summary{})
	// Output:
	// cp;ville;elig_status;elig_match;elig_insee;elig_street;elig_street_code;elig_number;elig_building;elig_best_offer;elig_best_offer_name;elig_technology;elig_download_mbps;elig_upload_mbps;elig_offers;elig_reason;elig_available_date;elig_reference;elig_error;elig_score;elig_candidates
	// 01400;Châtillon;not_found;city;01093;;;;;;;;;;;street unknown;;;;;
}
