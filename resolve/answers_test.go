package resolve

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ovhcloud-tools/eligibility/ovhapi"
)

// TestMemoAcrossRows: rows of one commune share the decoded search lists
// and test answers; failures are never kept; a negative budget keeps none.
func TestMemoAcrossRows(t *testing.T) {
	row := func(number string) Input {
		return Input{Zip: "91400", City: "ORSAY", Street: "rue du Verger", Number: number}
	}
	resolveRows := func(f *fake, r *Resolver, ins ...Input) []Outcome {
		var outs []Outcome
		for _, in := range ins {
			f.mu.Lock()
			f.keys = map[string]int{} // "never twice" is per row
			f.mu.Unlock()
			outs = append(outs, r.Resolve(context.Background(), in))
		}
		return outs
	}
	tests := []struct {
		name                      string
		opts                      Options
		cities, streets, building int
	}{
		{"default memo", Options{}, 1, 1, 1},
		{"no memo", Options{MemoSearch: -1, MemoTests: -1}, 3, 3, 2},
		{"search only", Options{MemoTests: -1}, 1, 1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			orsay(f)
			r := New(f.service(), tt.opts)
			outs := resolveRows(f, r, row("2"), row("1"), row("2"))
			for i, out := range outs {
				if out.Status != StatusEligible {
					t.Fatalf("row %d: %s %s", i, out.Status, out.Reason)
				}
			}
			if outs[0].Reason != outs[2].Reason || outs[0].Building != outs[2].Building || len(outs[0].Steps) != len(outs[2].Steps) {
				t.Errorf("same row, different outcome:\n%+v\n%+v", outs[0], outs[2])
			}
			if n := f.count(ovhapi.RouteCities); n != tt.cities {
				t.Errorf("cities asked %d times, want %d", n, tt.cities)
			}
			if n := f.count(ovhapi.RouteStreets); n != tt.streets {
				t.Errorf("streets asked %d times, want %d", n, tt.streets)
			}
			if n := f.count(ovhapi.RouteTestBuilding); n != tt.building {
				t.Errorf("test/building asked %d times, want %d", n, tt.building)
			}
		})
	}
	t.Run("failure not kept", func(t *testing.T) {
		f := newFake(t)
		orsay(f)
		r := New(f.service(), Options{})
		f.fail[ovhapi.RouteStreets] = errors.New("boom")
		if out := resolveRows(f, r, row("2"))[0]; out.Status != StatusError {
			t.Fatalf("with streets failing: %s %s", out.Status, out.Reason)
		}
		delete(f.fail, ovhapi.RouteStreets)
		if out := resolveRows(f, r, row("2"))[0]; out.Status != StatusEligible {
			t.Fatalf("after recovery: %s %s", out.Status, out.Reason)
		}
		if n := f.count(ovhapi.RouteStreets); n != 2 {
			t.Errorf("streets asked %d times, want 2 (the failure is not memoized)", n)
		}
	})
}

func TestAnswerMemo(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	k := keyOf
	t.Run("bounded by cost, recent answers kept", func(t *testing.T) {
		m := newAnswerMemo(10, time.Hour) // generations of 5
		m.put(k("a"), []string{"1", "2", "3"}, 4, t0)
		m.put(k("b"), []string{"1", "2", "3"}, 4, t0) // 8 > 5: a's generation gets old
		if _, ok := m.get(k("a"), t0); !ok {          // back to the current one (b's becomes old)
			t.Fatal("a missing")
		}
		m.put(k("c"), "x", 4, t0) // a's generation gets old, b's is dropped
		if _, ok := m.get(k("b"), t0); ok {
			t.Error("b kept over budget")
		}
		for _, key := range []string{"a", "c"} {
			if _, ok := m.get(k(key), t0); !ok {
				t.Errorf("%s evicted", key)
			}
		}
		if m.put(k("huge"), "x", 6, t0) != "x" || m.len() != 2 {
			t.Errorf("an answer over half the budget must pass through unkept, len %d", m.len())
		}
	})
	t.Run("never more than the budget", func(t *testing.T) {
		m := newAnswerMemo(100, time.Hour)
		for i := range 1000 {
			m.put(k(fmt.Sprint(i)), i, 1+i%3, t0)
			if used := m.cur.used + m.old.used; used > 100 {
				t.Fatalf("after %d puts the memo holds cost %d > 100", i+1, used)
			}
		}
		if _, ok := m.get(k("999"), t0); !ok {
			t.Error("the latest answer is gone")
		}
		if _, ok := m.get(k("0"), t0); ok {
			t.Error("the first answer is still there")
		}
	})
	t.Run("first answer wins", func(t *testing.T) {
		m := newAnswerMemo(10, time.Hour)
		first, second := []string{"1"}, []string{"1"}
		m.put(k("k"), first, 2, t0)
		got := m.put(k("k"), second, 2, t0).([]string)
		if &got[0] != &first[0] {
			t.Error("a racing put replaced the kept answer")
		}
	})
	t.Run("expires", func(t *testing.T) {
		m := newAnswerMemo(10, time.Minute)
		m.put(k("k"), "v", 1, t0)
		if _, ok := m.get(k("k"), t0.Add(59*time.Second)); !ok {
			t.Error("expired early")
		}
		if _, ok := m.get(k("k"), t0.Add(time.Minute)); ok {
			t.Error("served after its age")
		}
		if m.len() != 0 {
			t.Errorf("expired entry kept: len %d", m.len())
		}
	})
	t.Run("nil memo", func(t *testing.T) {
		var m *answerMemo = newAnswerMemo(-1, time.Hour)
		if m.put(k("k"), "v", 1, t0) != "v" {
			t.Error("nil put changed the value")
		}
		if _, ok := m.get(k("k"), t0); ok {
			t.Error("nil memo served")
		}
	})
}

func TestRequestKey(t *testing.T) {
	keys := map[memoKey]string{}
	for name, v := range map[string]memoKey{
		"cities 54111":            requestKey(ovhapi.RouteCities, "54111"),
		"streets 54111":           requestKey(ovhapi.RouteStreets, "54111"),
		"cities \"54111\" (JSON)": requestKey(ovhapi.RouteCities, []byte(`"54111"`)),
		"numbers A":               requestKey(ovhapi.RouteStreetNumbers, ovhapi.StreetNumbersRequest{StreetCode: "A"}),
		"numbers A alt B":         requestKey(ovhapi.RouteStreetNumbers, ovhapi.StreetNumbersRequest{StreetCode: "A", StreetAltCode: "B"}),
	} {
		if other, ok := keys[v]; ok {
			t.Errorf("%s and %s share a key", name, other)
		}
		keys[v] = name
	}
	a := requestKey(ovhapi.RouteBuildings, ovhapi.BuildingsRequest{StreetCode: "X", StreetNumber: "12B"})
	b := requestKey(ovhapi.RouteBuildings, ovhapi.BuildingsRequest{StreetCode: "X", StreetNumber: "12B"})
	if a != b {
		t.Error("the same request got two keys")
	}
}
