package resolve

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ovhcloud-tools/eligibility/ovhapi"
)

func TestNumberList(t *testing.T) {
	l := newNumberList([]numberEntry{{number: "1"}, {number: "012 b"}, {number: "12B"}, {number: "3"}, {number: "5 ter"}})
	if l.n != 5 || l.canon == l.numbers {
		t.Fatalf("n %d, canon %q, numbers %q", l.n, l.canon, l.numbers)
	}
	for _, tt := range []struct {
		canon   string
		i       int
		ok      bool
		number  string
		canonAt string
	}{
		{"1", 0, true, "1", "1"},
		{"12B", 1, true, "012 b", "12B"}, // the first one wins, as OVH lists it
		{"3", 3, true, "3", "3"},
		{"5TER", 4, true, "5 ter", "5TER"},
		{"12", 0, false, "", ""},
		{"", 0, false, "", ""},
		{"1\n3", 0, false, "", ""},
	} {
		t.Run(tt.canon, func(t *testing.T) {
			i, ok := l.find(tt.canon)
			if ok != tt.ok || ok && i != tt.i {
				t.Fatalf("find(%q) = %d, %v; want %d, %v", tt.canon, i, ok, tt.i, tt.ok)
			}
			if ok {
				if e := l.entry(i); e.number != tt.number || e.hexacle != "" {
					t.Errorf("entry(%d) = %+v, want %q", i, e, tt.number)
				}
				if c := l.canonAt(i); c != tt.canonAt {
					t.Errorf("canonAt(%d) = %q, want %q", i, c, tt.canonAt)
				}
			}
		})
	}
	t.Run("canonical list shares its string", func(t *testing.T) {
		c := newNumberList([]numberEntry{{number: "2"}, {number: "4B"}})
		if c.canon != c.numbers || c.cost() != 1 {
			t.Errorf("canon %q numbers %q cost %d", c.canon, c.numbers, c.cost())
		}
	})
	t.Run("hexacles", func(t *testing.T) {
		h := newNumberList([]numberEntry{{number: "2", hexacle: "H2"}, {number: "4"}})
		if e := h.entry(0); e.hexacle != "H2" {
			t.Errorf("entry(0) = %+v", e)
		}
		if e := h.entry(1); e.hexacle != "" {
			t.Errorf("entry(1) = %+v", e)
		}
	})
	t.Run("empty", func(t *testing.T) {
		e := newNumberList(nil)
		if _, ok := e.find("1"); ok || e.n != 0 {
			t.Error("an empty list found a number")
		}
	})
}

func TestOfferSets(t *testing.T) {
	var s offerSets
	mk := func(down float64, reason string) []Offer {
		o := []Offer{{Code: "FTTH-1G", Name: "Fibre", Technology: "FTTH", Eligible: true, DownloadMbps: down, UploadMbps: 500},
			{Code: "VDSL", Technology: "VDSL"}}
		if reason != "" {
			o[1].Reasons = []Reason{{Code: reason, Message: "m"}}
		}
		return o
	}
	a := s.intern(mk(1000, "X"))
	b := s.intern(mk(1000, "X"))
	if &a[0] != &b[0] {
		t.Error("identical offer lists are not shared")
	}
	for name, other := range map[string][]Offer{
		"other rate":   mk(900, "X"),
		"other reason": mk(1000, "Y"),
		"no reason":    mk(1000, ""),
	} {
		if got := s.intern(other); &got[0] == &a[0] {
			t.Errorf("%s: a different list was given the kept one", name)
		}
	}
	if s.intern(nil) != nil {
		t.Error("intern(nil) != nil")
	}
}

func TestCompactStreets(t *testing.T) {
	alt := "ALT1"
	in := []ovhapi.Street{{StreetCode: "A1", StreetName: "RUE UN"}, {StreetCode: "B2", StreetName: "RUE DEUX", StreetAltCode: &alt}, {}}
	out := compactStreets(in)
	if len(out) != len(in) {
		t.Fatalf("%d streets, want %d", len(out), len(in))
	}
	for i := range in {
		if out[i].StreetCode != in[i].StreetCode || out[i].StreetName != in[i].StreetName ||
			(in[i].StreetAltCode == nil) != (out[i].StreetAltCode == nil) ||
			in[i].StreetAltCode != nil && *out[i].StreetAltCode != *in[i].StreetAltCode {
			t.Errorf("street %d: %+v, want %+v", i, out[i], in[i])
		}
	}
}

func TestCompactTestAndRecord(t *testing.T) {
	r := New(ovhapi.Service{}, Options{})
	full := guideTest(t, "guide-test-line.json")
	a := r.compactTest(wireOf(full))
	if a.ref != full.EligibilityReference || a.addr == nil || a.addr.insee != full.Endpoint.Address.InseeCode {
		t.Fatalf("compact test %+v, addr %+v", a, a.addr)
	}
	for _, o := range a.offers {
		if o.Endpoint != "" || o.EndpointType != "" || o.Reference != "" {
			t.Fatalf("kept offer carries what was tested: %+v", o)
		}
	}
	out := Outcome{}
	x := &run{r: r, out: &out}
	got := x.record(a, "0123456789", EndpointLine)
	want := convertOffers(full, "0123456789", EndpointLine)
	if len(got) != len(want) || len(out.Offers) != len(want) {
		t.Fatalf("%d offers recorded, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Code != want[i].Code || got[i].Endpoint != want[i].Endpoint || got[i].EndpointType != want[i].EndpointType ||
			got[i].Reference != want[i].Reference || got[i].DownloadMbps != want[i].DownloadMbps || got[i].Eligible != want[i].Eligible {
			t.Errorf("offer %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if out.Insee != full.Endpoint.Address.InseeCode || out.Zip != full.Endpoint.Address.ZipCode {
		t.Errorf("outcome address %q %q", out.Insee, out.Zip)
	}
	// A second row gets its own copy: changing it leaves the kept answer alone.
	out.Offers[0].Code = "CHANGED"
	if a.offers[0].Code == "CHANGED" {
		t.Error("a row changed the kept offers")
	}
}

// TestSpellingMemo: a spelling's top candidates serve the list they were
// scored against only; a new list (another answer) is scored again.
func TestSpellingMemo(t *testing.T) {
	r := New(ovhapi.Service{}, Options{})
	a := []ovhapi.Street{{StreetCode: "1", StreetName: "RUE DU MOULIN"}, {StreetCode: "2", StreetName: "RUE DE LA GARE"}}
	b := []ovhapi.Street{{StreetCode: "9", StreetName: "RUE DE LA GARE"}, {StreetCode: "8", StreetName: "RUE DU MOULIN"}}
	first := r.scoreStreets("54084", "rue du moulin", a)
	again := r.scoreStreets("54084", "rue du moulin", a)
	if &first[0] != &again[0] {
		t.Error("the same spelling in the same list was scored again")
	}
	other := r.scoreStreets("54084", "rue du moulin", b)
	if b[other[0].idx].StreetCode != "8" || a[first[0].idx].StreetCode != "1" {
		t.Errorf("best candidates %+v / %+v index the wrong list", first[0], other[0])
	}
}

// TestWireDecodesLikeTheFullType: the guide's answers decoded into the
// slim type convert to the same offers and address as the full type.
func TestWireDecodesLikeTheFullType(t *testing.T) {
	for _, name := range []string{"guide-test-line.json", "guide-test-building.json", "guide-test-address.json"} {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			var w testWire
			if err := json.Unmarshal(raw, &w); err != nil {
				t.Fatal(err)
			}
			full := guideTest(t, name)
			got, want := convertWire(&w, "e", EndpointLine), convertOffers(full, "e", EndpointLine)
			if !reflect.DeepEqual(got, want) || len(got) == 0 {
				t.Errorf("slim decode gives\n%+v\nfull decode gives\n%+v", got, want)
			}
			if !reflect.DeepEqual(w.Endpoint.Address, full.Endpoint.Address) || w.EligibilityReference != full.EligibilityReference {
				t.Errorf("address %+v / %+v, reference %q / %q", w.Endpoint.Address, full.Endpoint.Address,
					w.EligibilityReference, full.EligibilityReference)
			}
		})
	}
}
