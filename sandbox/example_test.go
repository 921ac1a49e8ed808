package sandbox_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/ovhcloud-tools/eligibility/sandbox"
)

// A client re-POSTs the identical body while the task is pending.
func Example() {
	srv := httptest.NewServer(sandbox.New(sandbox.Config{PendingPolls: 1}))
	defer srv.Close()
	for range 2 {
		resp, err := http.Post(srv.URL+"/1.0/connectivity/eligibility/search/cities", "application/json",
			strings.NewReader(`{"zipCode":"54111"}`))
		if err != nil {
			fmt.Println(err)
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, string(body))
	}
	// Output:
	// 200 {"status":"pending","result":null,"error":null}
	// 200 {"status":"ok","result":[{"city":"MONT BONVILLERS","inseeCode":"54084","locality":"MONT BONVILLERS","zipCode":"54111"}],"error":null}
}

func ExampleParseFaults() {
	f, err := sandbox.ParseFaults("503=0.02,429=0.05,stuck=0.01")
	fmt.Println(sandbox.FormatFaults(f), err)
	// Output: 429=0.05,503=0.02,stuck=0.01 <nil>
}
