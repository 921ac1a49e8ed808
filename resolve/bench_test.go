package resolve

import (
	"fmt"
	"testing"

	"github.com/ovhcloud-tools/eligibility/address"
	"github.com/ovhcloud-tools/eligibility/ovhapi"
)

// bigCommune gives 75116 a Paris-sized street list.
func bigCommune(f *fake) []ovhapi.Street {
	types := []string{"RUE", "AVENUE", "BOULEVARD", "IMPASSE", "PLACE", "VILLA", "SQUARE", "ALLEE"}
	names := []string{"DU GENERAL LECLERC", "DE LA POMPE", "MOZART", "DE PASSY", "VICTOR HUGO", "DES BELLES FEUILLES", "KLEBER", "FOCH"}
	var ss []ovhapi.Street
	for i := 0; i < 4000; i++ {
		ss = append(ss, ovhapi.Street{
			StreetCode: fmt.Sprintf("75116%05d", i),
			StreetName: fmt.Sprintf("%s %s %d", types[i%len(types)], names[(i/len(types))%len(names)], i),
		})
	}
	ss = append(ss, ovhapi.Street{StreetCode: "7511699999", StreetName: "AVENUE DE LA GRANDE ARMEE"})
	f.streets["75116"] = ss
	return ss
}

// BenchmarkResolveBigCommune: one row against 4,000 streets, the prepared
// list memoized across rows.
func BenchmarkResolveBigCommune(b *testing.B) {
	f := newFake(b)
	bigCommune(f)
	r := New(f.service(), Options{})
	in := Input{Zip: "75016", City: "PARIS", Street: "av. de la Gde Armée", Number: "1"}
	for b.Loop() {
		f.keys = map[string]int{}
		if out := r.Resolve(b.Context(), in); out.StreetCode != "7511699999" {
			b.Fatalf("%s %s", out.Status, out.Reason)
		}
	}
}

// BenchmarkScoreStreetsUnprepared is the cost without the memo.
func BenchmarkScoreStreetsUnprepared(b *testing.B) {
	ss := bigCommune(newFake(b))
	for b.Loop() {
		for _, s := range ss {
			address.StreetScore("av. de la Gde Armée", s.StreetName)
		}
	}
}
