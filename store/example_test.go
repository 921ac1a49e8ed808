package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ovhcloud-tools/eligibility/ovhapi"
	"github.com/ovhcloud-tools/eligibility/store"
)

func ExampleStore_Wrap() {
	dir, _ := os.MkdirTemp("", "store-example")
	defer os.RemoveAll(dir)
	st, err := store.Open(filepath.Join(dir, "cache.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()

	// client stands for *ovhapi.Client.
	client := ovhapi.CallerFunc(func(_ context.Context, route string, body any) (json.RawMessage, error) {
		fmt.Println("asked", route)
		return json.RawMessage(`[{"inseeCode":"01001","city":"L'ABERGEMENT-CLEMENCIAT"}]`), nil
	})
	svc := ovhapi.Service{Caller: st.Wrap(client, "http://127.0.0.1:8080/1.0", store.Options{})}
	for range 2 {
		cities, _ := svc.Cities(context.Background(), "01400")
		fmt.Println(cities[0].City)
	}
	// Output:
	// asked /connectivity/eligibility/search/cities
	// L'ABERGEMENT-CLEMENCIAT
	// L'ABERGEMENT-CLEMENCIAT
}

func ExampleParseTTL() {
	search, test, _ := store.ParseTTL("search=30d,test=12h")
	fmt.Println(search, test)
	// Output: 720h0m0s 12h0m0s
}
