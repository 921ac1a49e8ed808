package ovhapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"github.com/ovhcloud-tools/eligibility/ovhapi"
	"github.com/ovhcloud-tools/eligibility/ratelimit"
)

func ExampleService_Cities() {
	// A stand-in for OVH: the task is pending once, then done.
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if posts.Add(1) == 1 {
			fmt.Fprint(w, `{"status":"pending","result":null,"error":null}`)
			return
		}
		fmt.Fprint(w, `{"status":"ok","error":null,"result":[{"city":"MONT BONVILLERS","inseeCode":"54084","locality":null,"zipCode":"54111"}]}`)
	}))
	defer srv.Close()

	client, err := ovhapi.New(srv.URL+"/1.0",
		ovhapi.WithLimiter(ratelimit.New(ratelimit.DefaultRate, ratelimit.DefaultBurst)),
		ovhapi.WithPoll(ovhapi.PollPolicy{First: 10 * time.Millisecond}))
	if err != nil {
		fmt.Println(err)
		return
	}
	cities, err := client.Service().Cities(context.Background(), "54111")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range cities {
		fmt.Println(c.ZipCode, c.InseeCode, c.City)
	}
	fmt.Println("HTTP requests:", client.Stats().Requests[ovhapi.RouteCities])
	// Output:
	// 54111 54084 MONT BONVILLERS
	// HTTP requests: 2
}
