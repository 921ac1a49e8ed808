package resolve

import (
	"strings"
	"testing"
)

// FuzzResolve: any row gets a status and a reason, and never panics.
func FuzzResolve(f *testing.F) {
	seeds := [][6]string{
		{"91400", "ORSAY", "", "rue du verger", "2 bis", ""},
		{"1400", "", "1033", "12-14 r. x", "", ""},
		{"", "", "", "", "", "01 23 45 67 89"},
		{"140", "Ville Cedex 3", "2A004", "", "5184", ""},
		{"75016", "PARIS", "75056", "5 b la gde grange", "163,0000", "+33"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2], s[3], s[4], s[5])
	}
	f.Fuzz(func(t *testing.T, zip, city, insee, street, number, line string) {
		fk := newFake(t)
		orsay(fk)
		out := fk.resolve(t, Options{StreetLevel: strings.Contains(number, "s")},
			Input{Zip: zip, City: city, Insee: insee, Street: street, Number: number, Line: line})
		if out.Status == "" || out.Reason == "" {
			t.Fatalf("no status or reason: %+v", out)
		}
		if out.Status == StatusEligible && out.Best == nil {
			t.Fatalf("eligible without best offer")
		}
	})
}
