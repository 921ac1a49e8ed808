package sandbox

import (
	"bytes"
	"encoding/json"
	"hash/fnv"
	"math"
	"testing"
)

// The hand-written appenders must write what encoding/json writes.
func TestAppendResultMatchesEncodingJSON(t *testing.T) {
	odd := []string{"", "plain", `q"uote`, `back\slash`, "<&>", "tab\tnl\n", "\x01", "é à", "\u2028\u2029", "bad\xffutf8", "\x7f"}
	floats := []float64{0, -0, 1, 0.5, 19.998046875, 1e-7, -1e-7, 1e-6, 1e20, 1e21, 123456789.125, math.SmallestNonzeroFloat64}
	var tests []any
	for i, s := range odd {
		f := floats[i%len(floats)]
		n := int64(i - 3)
		yes := i%2 == 0
		m := []message{{AvailabilityDate: &s, Code: s, Message: "m"}, msg("C", s)}
		if i%3 == 0 {
			m = nil
		}
		p := offerProduct{Code: s, DownloadRate: f, UploadRate: -f, Grt: []string{s}, Guaranteed: yes, Name: s, Pairs: &n, Provider: s, Type: s}
		if i%4 == 0 {
			p.Grt, p.Pairs = nil, nil
		}
		e := offerEligibility{ActivationTypes: []string{s, "x"}, Eligible: yes, EstimatedDownloadRate: &f, Reasons: m, UnderConditions: []message{}}
		if i%2 == 1 {
			e.ActivationTypes, e.EstimatedDownloadRate = nil, nil
		}
		addr := &wireAddress{Building: &s, City: s, InseeCode: s, StreetCode: strOrNil(s), ZipCode: s, HousingComplex: ptr("")}
		ci := &copperInfo{AvailablePairs: &n, Nra: &s, SectionsLengths: []sectionLength{{Diameter: f, Length: f * 3}}, Status: s, UnderConstruction: &yes, UnlistedNumber: yes}
		fi := &fiberInfo{BuildingName: &s, BuildingReference: s, BuildingType: s, OperatorCode: s, OperatorName: s}
		po := &portability{Eligibility: portabilityEligibility{Eligible: yes, Reasons: m}, Type: &s}
		if i%3 == 1 {
			addr, ci, fi, po = nil, nil, nil, nil
		}
		if i%5 == 2 && ci != nil {
			ci.SectionsLengths = nil
		}
		offers := []offer{{Eligibility: e, Product: p}, {}}
		if i%4 == 3 {
			offers = nil
		}
		bd := Building{Name: s, Nro: s, Reference: s, Type: s, Stairs: []Stair{{Stair: s, Floors: []string{s, "1"}}, {Stair: "B"}}}
		if i%2 == 0 {
			bd.Stairs = nil
		}
		tests = append(tests,
			eligibilityTest{EligibilityReference: s, Endpoint: endpoint{Address: addr, CopperInfo: ci, FiberInfo: fi, Portability: po, Reference: s, ReferenceType: s}, Offers: offers},
			bd, []Building{bd, {}}, []Building(nil), []Building{},
			[]string{s, "a"}, []string(nil), []string{},
			[]City{{City: s, InseeCode: s, Locality: s, ZipCode: s}}, []City(nil),
			[]Street{{StreetCode: s, StreetName: s, InseeCode: "x", Real: true}}, []Street(nil),
			[]StreetNumber{{Number: s, Hexacle: s}}, // encoding/json's own path
		)
	}
	for i, v := range tests {
		want, werr := json.Marshal(v)
		got, gerr := appendResult([]byte("prefix"), v)
		if (werr == nil) != (gerr == nil) || !bytes.Equal(got, append([]byte("prefix"), want...)) {
			t.Errorf("%d %T:\n got %s (%v)\nwant prefix%s (%v)", i, v, got, gerr, want, werr)
		}
	}
}

func TestHash64IsFNV1a(t *testing.T) {
	for _, parts := range [][]string{{}, {""}, {"a"}, {"qid", "12"}, {"0", "http", "/x\n{}", "3"}, {"é", "\x00"}} {
		f := fnv.New64a()
		for _, p := range parts {
			f.Write([]byte(p))
			f.Write([]byte{0})
		}
		if got, want := hash64(parts...), mix(f.Sum64()); got != want {
			t.Errorf("hash64(%q) = %x, want %x", parts, got, want)
		}
	}
}

// decodeFlat must agree with the slow path wherever it answers.
func TestDecodeFlatMatchesSlowPath(t *testing.T) {
	for _, raw := range []string{
		`{}`, ` { } `, `{"a":"b"}`, "\t{\"zipCode\" :\r\n\"54000\"}\n", `{"b":"1","a":"2","c":""}`,
		`{"streetNumber":"1 B","streetCode":"5408400010"}`, `{"a":"x","a":"y"}`, `{"a":"<"}`, `{"a":"\u00e9"}`,
		`{"a":"é"}`, `{"a":1}`, `{"a":null}`, `{"a":"b",}`, `{"a":"b"} x`, `{"a":"b"}{}`, `{"a" "b"}`, `{"a":"b"`,
		`{"1":"a","2":"b","3":"c","4":"d","5":"e","6":"f","7":"g","8":"h","9":"i"}`, `[]`, ``, `{"a":"b\"c"}`,
	} {
		fb, fc, ok := decodeFlat([]byte(raw))
		if !ok {
			continue
		}
		sb, sc, msg := decodeSlow([]byte(raw))
		if msg != "" {
			t.Errorf("%q: fast path accepted what the slow path refuses: %s", raw, msg)
			continue
		}
		if sc != fc || len(sb) != len(fb) {
			t.Errorf("%q: canon %s, want %s (map %v, want %v)", raw, fc, sc, fb, sb)
		}
		for k, v := range sb {
			if fb[k] != v {
				t.Errorf("%q: [%q] = %v, want %v", raw, k, fb[k], v)
			}
		}
	}
	if _, _, ok := decodeFlat([]byte(`{"a":"x","a":"y"}`)); ok {
		t.Error("a repeated key must go to the slow path")
	}
	if _, c, ok := decodeFlat([]byte(` {"b":"1", "a":"2"}`)); !ok || c != `{"a":"2","b":"1"}` {
		t.Errorf("common body: %q %v", c, ok)
	}
}

func FuzzDecodeFlat(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, `{"zipCode":"54000","x":"y"}`, `{}`, `{"a":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		fb, fc, ok := decodeFlat(raw)
		if !ok {
			return
		}
		sb, sc, msg := decodeSlow(raw)
		if msg != "" || sc != fc || len(sb) != len(fb) {
			t.Fatalf("%q: fast %q, slow %q %q", raw, fc, sc, msg)
		}
		for k, v := range sb {
			if fb[k] != v {
				t.Fatalf("%q: [%q] = %v, want %v", raw, k, fb[k], v)
			}
		}
	})
}
