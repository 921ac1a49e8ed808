package sandbox

import (
	"encoding/json"
	"math"
	"strconv"
)

// Hand-written JSON appenders for the answer types. They write exactly what
// encoding/json writes (field order, null for nil pointers and slices, HTML
// escaping, float format) at a fraction of its cost; anything unusual (a
// string needing escapes, a float json would write in e-notation) is handed
// to encoding/json itself. encode_test.go compares both on every type.

// appendResult appends the JSON of an answer's result.
func appendResult(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case []Building:
		if x == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = x[i].appendJSON(b)
		}
		return append(b, ']'), nil
	case Building:
		return x.appendJSON(b), nil
	case []string:
		return appendStrings(b, x), nil
	case []City:
		if x == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i, c := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"city":`...)
			b = appendString(b, c.City)
			b = append(b, `,"inseeCode":`...)
			b = appendString(b, c.InseeCode)
			b = append(b, `,"locality":`...)
			b = appendString(b, c.Locality)
			b = append(b, `,"zipCode":`...)
			b = appendString(b, c.ZipCode)
			b = append(b, '}')
		}
		return append(b, ']'), nil
	case []Street:
		if x == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i, s := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"streetCode":`...)
			b = appendString(b, s.StreetCode)
			b = append(b, `,"streetName":`...)
			b = appendString(b, s.StreetName)
			b = append(b, '}')
		}
		return append(b, ']'), nil
	case eligibilityTest:
		return x.appendJSON(b), nil
	}
	raw, err := json.Marshal(v)
	return append(b, raw...), err
}

// jsonSafe reports whether encoding/json writes c unescaped (HTML escaping on).
func jsonSafe(c byte) bool {
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
}

func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if !jsonSafe(s[i]) {
			raw, _ := json.Marshal(s)
			return append(b, raw...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendStrPtr(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendString(b, *s)
}

func appendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

func appendBool(b []byte, v bool) []byte { return strconv.AppendBool(b, v) }

func appendInt64Ptr(b []byte, p *int64) []byte {
	if p == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, *p, 10)
}

func appendBoolPtr(b []byte, p *bool) []byte {
	if p == nil {
		return append(b, "null"...)
	}
	return strconv.AppendBool(b, *p)
}

// appendFloat writes f as encoding/json does ('f' format between 1e-6 and
// 1e21, e-notation, NaN errors… left to encoding/json).
func appendFloat(b []byte, f float64) []byte {
	if a := math.Abs(f); a == 0 || (a >= 1e-6 && a < 1e21) {
		return strconv.AppendFloat(b, f, 'f', -1, 64)
	}
	raw, err := json.Marshal(f)
	if err != nil {
		return append(b, "null"...) // unreachable with the sandbox's rates
	}
	return append(b, raw...)
}

func appendFloatPtr(b []byte, p *float64) []byte {
	if p == nil {
		return append(b, "null"...)
	}
	return appendFloat(b, *p)
}

func (x *Building) appendJSON(b []byte) []byte {
	b = append(b, `{"name":`...)
	b = appendString(b, x.Name)
	b = append(b, `,"nro":`...)
	b = appendString(b, x.Nro)
	b = append(b, `,"reference":`...)
	b = appendString(b, x.Reference)
	b = append(b, `,"stairs":`...)
	if x.Stairs == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, s := range x.Stairs {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"stair":`...)
			b = appendString(b, s.Stair)
			b = append(b, `,"floors":`...)
			b = appendStrings(b, s.Floors)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"type":`...)
	b = appendString(b, x.Type)
	return append(b, '}')
}

func appendMessages(b []byte, ms []message) []byte {
	if ms == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i := range ms {
		if i > 0 {
			b = append(b, ',')
		}
		m := &ms[i]
		b = append(b, `{"availabilityDate":`...)
		b = appendStrPtr(b, m.AvailabilityDate)
		b = append(b, `,"code":`...)
		b = appendString(b, m.Code)
		b = append(b, `,"message":`...)
		b = appendString(b, m.Message)
		b = append(b, '}')
	}
	return append(b, ']')
}

func (o *offer) appendJSON(b []byte) []byte {
	e, p := &o.Eligibility, &o.Product
	b = append(b, `{"eligibility":{"activationTypes":`...)
	b = appendStrings(b, e.ActivationTypes)
	b = append(b, `,"eligible":`...)
	b = appendBool(b, e.Eligible)
	b = append(b, `,"estimatedDownloadRate":`...)
	b = appendFloatPtr(b, e.EstimatedDownloadRate)
	b = append(b, `,"estimatedUploadRate":`...)
	b = appendFloatPtr(b, e.EstimatedUploadRate)
	b = append(b, `,"reasons":`...)
	b = appendMessages(b, e.Reasons)
	b = append(b, `,"underConditions":`...)
	b = appendMessages(b, e.UnderConditions)
	b = append(b, `},"product":{"code":`...)
	b = appendString(b, p.Code)
	b = append(b, `,"downloadRate":`...)
	b = appendFloat(b, p.DownloadRate)
	b = append(b, `,"uploadRate":`...)
	b = appendFloat(b, p.UploadRate)
	b = append(b, `,"grt":`...)
	b = appendStrings(b, p.Grt)
	b = append(b, `,"guaranteed":`...)
	b = appendBool(b, p.Guaranteed)
	b = append(b, `,"name":`...)
	b = appendString(b, p.Name)
	b = append(b, `,"pairs":`...)
	b = appendInt64Ptr(b, p.Pairs)
	b = append(b, `,"provider":`...)
	b = appendString(b, p.Provider)
	b = append(b, `,"type":`...)
	b = appendString(b, p.Type)
	return append(b, "}}"...)
}

func (a *wireAddress) appendJSON(b []byte) []byte {
	if a == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"building":`...)
	b = appendStrPtr(b, a.Building)
	b = append(b, `,"city":`...)
	b = appendString(b, a.City)
	b = append(b, `,"door":`...)
	b = appendStrPtr(b, a.Door)
	b = append(b, `,"floor":`...)
	b = appendStrPtr(b, a.Floor)
	b = append(b, `,"housingComplex":`...)
	b = appendStrPtr(b, a.HousingComplex)
	b = append(b, `,"inseeCode":`...)
	b = appendString(b, a.InseeCode)
	b = append(b, `,"ownerName":`...)
	b = appendStrPtr(b, a.OwnerName)
	b = append(b, `,"stairs":`...)
	b = appendStrPtr(b, a.Stairs)
	b = append(b, `,"streetCode":`...)
	b = appendStrPtr(b, a.StreetCode)
	b = append(b, `,"streetName":`...)
	b = appendStrPtr(b, a.StreetName)
	b = append(b, `,"streetNumber":`...)
	b = appendStrPtr(b, a.StreetNumber)
	b = append(b, `,"zipCode":`...)
	b = appendString(b, a.ZipCode)
	return append(b, '}')
}

func (c *copperInfo) appendJSON(b []byte) []byte {
	if c == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"availablePairs":`...)
	b = appendInt64Ptr(b, c.AvailablePairs)
	b = append(b, `,"maxAvailablePairs":`...)
	b = appendInt64Ptr(b, c.MaxAvailablePairs)
	b = append(b, `,"nra":`...)
	b = appendStrPtr(b, c.Nra)
	b = append(b, `,"sectionsLengths":`...)
	if c.SectionsLengths == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, s := range c.SectionsLengths {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"diameter":`...)
			b = appendFloat(b, s.Diameter)
			b = append(b, `,"length":`...)
			b = appendFloat(b, s.Length)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"status":`...)
	b = appendString(b, c.Status)
	b = append(b, `,"underConstruction":`...)
	b = appendBoolPtr(b, c.UnderConstruction)
	b = append(b, `,"unlistedNumber":`...)
	b = appendBool(b, c.UnlistedNumber)
	return append(b, '}')
}

func (f *fiberInfo) appendJSON(b []byte) []byte {
	if f == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"buildingName":`...)
	b = appendStrPtr(b, f.BuildingName)
	b = append(b, `,"buildingReference":`...)
	b = appendString(b, f.BuildingReference)
	b = append(b, `,"buildingType":`...)
	b = appendString(b, f.BuildingType)
	b = append(b, `,"nro":`...)
	b = appendStrPtr(b, f.Nro)
	b = append(b, `,"operatorCode":`...)
	b = appendString(b, f.OperatorCode)
	b = append(b, `,"operatorName":`...)
	b = appendString(b, f.OperatorName)
	return append(b, '}')
}

func (p *portability) appendJSON(b []byte) []byte {
	if p == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"eligibility":{"eligible":`...)
	b = appendBool(b, p.Eligibility.Eligible)
	b = append(b, `,"reasons":`...)
	b = appendMessages(b, p.Eligibility.Reasons)
	b = append(b, `,"underConditions":`...)
	b = appendMessages(b, p.Eligibility.UnderConditions)
	b = append(b, `},"quarantineEndDate":`...)
	b = appendStrPtr(b, p.QuarantineEndDate)
	b = append(b, `,"type":`...)
	b = appendStrPtr(b, p.Type)
	return append(b, '}')
}

func (t *eligibilityTest) appendJSON(b []byte) []byte {
	e := &t.Endpoint
	b = append(b, `{"eligibilityReference":`...)
	b = appendString(b, t.EligibilityReference)
	b = append(b, `,"endpoint":{"address":`...)
	b = e.Address.appendJSON(b)
	b = append(b, `,"copperInfo":`...)
	b = e.CopperInfo.appendJSON(b)
	b = append(b, `,"fiberInfo":`...)
	b = e.FiberInfo.appendJSON(b)
	b = append(b, `,"portability":`...)
	b = e.Portability.appendJSON(b)
	b = append(b, `,"reference":`...)
	b = appendString(b, e.Reference)
	b = append(b, `,"referenceType":`...)
	b = appendString(b, e.ReferenceType)
	b = append(b, `},"offers":`...)
	if t.Offers == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range t.Offers {
			if i > 0 {
				b = append(b, ',')
			}
			b = t.Offers[i].appendJSON(b)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}
