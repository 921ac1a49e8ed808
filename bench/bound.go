package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/ovhcloud-tools/eligibility/ovhapi"
	"github.com/ovhcloud-tools/eligibility/sandbox"
)

// BoundRoutes are the routes an address file needs, in resolution order.
var BoundRoutes = []string{
	ovhapi.RouteCities, ovhapi.RouteStreets, ovhapi.RouteStreetNumbers,
	ovhapi.RouteBuildings, ovhapi.RouteTestBuilding, ovhapi.RouteTestAddress,
}

// Bound is the fewest HTTP requests a file of addresses can cost: every
// distinct question asked once, each task answered after PendingPolls
// pending answers.
type Bound struct {
	PendingPolls int
	Keys         map[string]int // distinct tasks (request keys) per route
}

// Requests is the bound of one route: its tasks × (1 + PendingPolls).
func (b Bound) Requests(route string) int64 {
	return int64(b.Keys[route]) * int64(1+b.PendingPolls)
}

// Total is the bound over every route.
func (b Bound) Total() int64 {
	var n int64
	for r := range b.Keys {
		n += b.Requests(r)
	}
	return n
}

// EligibleFunc says whether test/building finds an eligible offer for a
// building reference.
type EligibleFunc func(ref string) (bool, error)

// LowerBound computes the bound of rows from the world's answers:
//
//   - search/cities: distinct zips, and search/streets: distinct INSEE codes,
//     of the rows that name a real commune (good and unknown-street rows);
//   - search/streetNumbers: distinct street codes of the good rows;
//   - search/buildings: their distinct addresses;
//   - test/building: the distinct buildings the world lists at them;
//   - test/address: the distinct addresses with no building, or none with
//     an eligible offer (the resolver then tests the neighbour copper line).
//
// Empty and bad-zip rows cost nothing. eligible is asked once per building.
func LowerBound(rows []Row, w *sandbox.World, eligible EligibleFunc, pendingPolls int) (Bound, error) {
	if w == nil {
		w = sandbox.DefaultWorld()
	}
	zips, insees, streets := map[string]bool{}, map[string]bool{}, map[string]bool{}
	type addr struct{ code, number string }
	addrs := map[addr]bool{}
	var order []addr // deterministic error reporting
	for _, r := range rows {
		switch r.Kind {
		case KindGood:
			zips[r.Zip], insees[r.Insee], streets[r.StreetCode] = true, true, true
			a := addr{r.StreetCode, r.Number}
			if !addrs[a] {
				addrs[a] = true
				order = append(order, a)
			}
		case KindUnknownStreet:
			zips[r.Zip], insees[r.Insee] = true, true
		}
	}
	buildings := map[string]bool{}
	memo := map[string]bool{}
	tests := 0
	for _, a := range order {
		bs := w.Buildings(a.code, a.number)
		fiber := false
		for _, b := range bs {
			buildings[b.Reference] = true
			ok, seen := memo[b.Reference]
			if !seen {
				var err error
				if ok, err = eligible(b.Reference); err != nil {
					return Bound{}, fmt.Errorf("building %s of %s/%s: %w", b.Reference, a.code, a.number, err)
				}
				memo[b.Reference] = ok
			}
			fiber = fiber || ok
		}
		if !fiber {
			tests++
		}
	}
	return Bound{PendingPolls: pendingPolls, Keys: map[string]int{
		ovhapi.RouteCities:        len(zips),
		ovhapi.RouteStreets:       len(insees),
		ovhapi.RouteStreetNumbers: len(streets),
		ovhapi.RouteBuildings:     len(addrs),
		ovhapi.RouteTestBuilding:  len(buildings),
		ovhapi.RouteTestAddress:   tests,
	}}, nil
}

// SandboxEligible asks h, a sandbox handler, for test/building in-process
// (no network), polling while it answers pending.
func SandboxEligible(h http.Handler) EligibleFunc {
	return func(ref string) (bool, error) {
		body, err := json.Marshal(map[string]string{"building": ref})
		if err != nil {
			return false, err
		}
		for range 20 {
			req := httptest.NewRequest(http.MethodPost, "/1.0"+ovhapi.RouteTestBuilding, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				return false, fmt.Errorf("test/building: HTTP %d: %s", rec.Code, bytes.TrimSpace(rec.Body.Bytes()))
			}
			var env struct {
				Status string  `json:"status"`
				Error  *string `json:"error"`
				Result *struct {
					Offers []struct {
						Eligibility struct {
							Eligible bool `json:"eligible"`
						} `json:"eligibility"`
					} `json:"offers"`
				} `json:"result"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
				return false, fmt.Errorf("test/building: %w", err)
			}
			switch env.Status {
			case "pending":
				continue
			case "ok":
				if env.Result == nil {
					return false, nil
				}
				for _, o := range env.Result.Offers {
					if o.Eligibility.Eligible {
						return true, nil
					}
				}
				return false, nil
			default:
				msg := ""
				if env.Error != nil {
					msg = *env.Error
				}
				return false, fmt.Errorf("test/building: status %q: %s", env.Status, msg)
			}
		}
		return false, fmt.Errorf("test/building %s: still pending after 20 polls", ref)
	}
}

// EligibleFromSandbox is SandboxEligible on a fresh sandbox of w answering
// at once.
func EligibleFromSandbox(w *sandbox.World) EligibleFunc {
	return SandboxEligible(sandbox.New(sandbox.Config{World: w}))
}
