package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ovhcloud-tools/eligibility/ovhapi"
)

func TestPresenceFilter(t *testing.T) {
	p := newPresence(0)
	p.ready.Store(true)
	r := rand.New(rand.NewPCG(1, 2))
	added := make([]int64, 200_000)
	for i := range added {
		added[i] = int64(r.Uint64())
		p.add(added[i])
	}
	for _, id := range added {
		if !p.mayHave(id) {
			t.Fatalf("id %d added but reported absent", id)
		}
	}
	maybe := 0
	const probes = 100_000
	for range probes {
		if p.mayHave(int64(r.Uint64())) {
			maybe++
		}
	}
	if rate := float64(maybe) / probes; rate > 0.02 {
		t.Errorf("%.2f %% of absent ids reported present, want < 2 %%", 100*rate)
	}
	if q := newPresence(0); !q.mayHave(42) {
		t.Error("a filter not loaded yet must say maybe")
	}
}

// waitPresence waits for the store's filter to be loaded.
func waitPresence(t *testing.T, s *Store) *presence {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if p := s.presence.Load(); p != nil && p.ready.Load() {
			return p
		}
		select {
		case <-time.After(5 * time.Millisecond):
		case <-t.Context().Done():
			t.Fatal(t.Context().Err())
		}
	}
	t.Fatal("presence filter not loaded after 10 s")
	return nil
}

// TestPresenceStore: the filter knows what the file held when opened and
// what this store saves; keys it never saw are misses without a read; rows
// another store appends are found once followed.
func TestPresenceStore(t *testing.T) {
	old := followEvery
	followEvery = 0 // follow at every lookup
	t.Cleanup(func() { followEvery = old })

	s1, path := openTemp(t)
	c1 := s1.Wrap(&fake{}, ep, Options{MemoryEntries: -1})
	for i := range 50 {
		call(t, c1, ovhapi.RouteCities, ovhapi.CitiesRequest{ZipCode: fmt.Sprint(i)})
	}
	s1.Close()

	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	p := waitPresence(t, s2)
	failing := &fake{answer: func(string, any) (json.RawMessage, error) { return nil, errors.New("asked the API") }}
	c2 := s2.Wrap(failing, ep, Options{MemoryEntries: -1})
	for i := range 50 {
		call(t, c2, ovhapi.RouteCities, ovhapi.CitiesRequest{ZipCode: fmt.Sprint(i)})
	}
	if n := failing.calls.Load(); n != 0 {
		t.Fatalf("%d answers in the file were not found", n)
	}
	absent := Key(ep, ovhapi.RouteCities, []byte(`{"zipCode":"absent"}`))
	if p.mayHave(keyID(absent)) {
		t.Log("absent key is a false positive of the filter (allowed, rare)")
	}

	// A third store (another process) appends a row: s2 finds it.
	s3, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s3.Close()
	c3 := s3.Wrap(&fake{}, ep, Options{MemoryEntries: -1})
	call(t, c3, ovhapi.RouteStreets, ovhapi.StreetsRequest{InseeCode: "54084"})
	call(t, c2, ovhapi.RouteStreets, ovhapi.StreetsRequest{InseeCode: "54084"})
	if n := failing.calls.Load(); n != 0 {
		t.Errorf("a row another store appended was not followed (%d API calls)", n)
	}
}
