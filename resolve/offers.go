package resolve

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ovhcloud-tools/eligibility/ovhapi"
)

// Endpoint types of Offer.EndpointType: what was tested.
const (
	EndpointOTP      = "otp"
	EndpointBuilding = "building"
	EndpointLine     = "line"
	EndpointAddress  = "address" // test/address: "streetCode/number"
)

// convertWire flattens the offers of one test. endpoint and endpointType
// name what was tested (not OVH's endpoint.reference, which for
// test/address is the neighbour line).
func convertWire(t *testWire, endpoint, endpointType string) []Offer {
	if t == nil {
		return nil
	}
	out := make([]Offer, 0, len(t.Offers))
	for _, o := range t.Offers {
		p, e := o.Product, o.Eligibility
		down, up := p.DownloadRate, p.UploadRate
		if e.EstimatedDownloadRate != nil {
			down = *e.EstimatedDownloadRate
		}
		if e.EstimatedUploadRate != nil {
			up = *e.EstimatedUploadRate
		}
		provider := p.Provider
		if provider == "" {
			provider = p.Operator
		}
		out = append(out, Offer{
			Code:            p.Code,
			Name:            p.Name,
			Technology:      p.Type,
			Provider:        provider,
			Eligible:        e.Eligible,
			DownloadMbps:    down,
			UploadMbps:      up,
			NominalDownMbps: p.DownloadRate,
			NominalUpMbps:   p.UploadRate,
			Guaranteed:      p.Guaranteed,
			Reasons:         convertMessages(e.Reasons),
			UnderConditions: convertMessages(e.UnderConditions),
			Endpoint:        endpoint,
			EndpointType:    endpointType,
			Reference:       t.EligibilityReference,
		})
	}
	return out
}

func convertMessages(ms []ovhapi.Message) []Reason {
	if len(ms) == 0 {
		return nil
	}
	out := make([]Reason, len(ms))
	for i, m := range ms {
		out[i] = Reason{Code: m.Code, Message: m.Message}
		if m.AvailabilityDate != nil {
			out[i].AvailabilityDate = *m.AvailabilityDate
		}
	}
	return out
}

// matchesFilter reports whether an offer is one of filter: a technology
// ("FTTH", "VDSL") or a product code ("FTTH-MAX-1G"), case-insensitive.
// An empty filter keeps everything.
func matchesFilter(o *Offer, filter []string) bool {
	if len(filter) == 0 {
		return true
	}
	restricted := false
	for _, f := range filter {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		restricted = true
		if strings.EqualFold(f, o.Technology) || strings.EqualFold(f, o.Code) {
			return true
		}
	}
	return !restricted // only blank entries: no restriction
}

// better reports whether a ranks before b: effective download, then
// effective upload, then guaranteed.
func better(a, b *Offer) bool {
	if a.DownloadMbps != b.DownloadMbps {
		return a.DownloadMbps > b.DownloadMbps
	}
	if a.UploadMbps != b.UploadMbps {
		return a.UploadMbps > b.UploadMbps
	}
	return a.Guaranteed && !b.Guaranteed
}

// Best returns the best eligible offer among those matching filter
// (technologies or product codes; empty = all), or nil. Ranking: effective
// download (estimated when OVH gives it, else nominal), then upload, then
// guaranteed; on a tie the first one in OVH's order wins. It returns a
// pointer into offers.
func Best(offers []Offer, filter []string) *Offer {
	var best *Offer
	for i := range offers {
		o := &offers[i]
		if !o.Eligible || !matchesFilter(o, filter) {
			continue
		}
		if best == nil || better(o, best) {
			best = o
		}
	}
	return best
}

// closest returns the ineligible offer that came nearest: the highest
// nominal download, then upload. Its reasons explain a not_eligible row.
func closest(offers []Offer, filter []string) *Offer {
	var c *Offer
	for i := range offers {
		o := &offers[i]
		if !matchesFilter(o, filter) {
			continue
		}
		if c == nil || o.NominalDownMbps > c.NominalDownMbps ||
			(o.NominalDownMbps == c.NominalDownMbps && o.NominalUpMbps > c.NominalUpMbps) {
			c = o
		}
	}
	return c
}

// availability returns the availability date of o's reasons, else the
// earliest one of any offer (fiber coming), else "".
func availability(o *Offer, offers []Offer) string {
	if o != nil {
		for _, r := range o.Reasons {
			if r.AvailabilityDate != "" {
				return r.AvailabilityDate
			}
		}
	}
	var dates []string
	for _, of := range offers {
		for _, r := range of.Reasons {
			if r.AvailabilityDate != "" {
				dates = append(dates, r.AvailabilityDate)
			}
		}
	}
	if len(dates) == 0 {
		return ""
	}
	sort.Strings(dates) // RFC 3339 dates sort as text
	return dates[0]
}

// reasonText summarises why an offer is not eligible: "CODE: message; …".
func reasonText(o *Offer) string {
	if o == nil || len(o.Reasons) == 0 {
		return "no reason given"
	}
	parts := make([]string, 0, len(o.Reasons))
	for _, r := range o.Reasons {
		s := r.Code
		if r.Message != "" {
			s += ": " + r.Message
		}
		if r.AvailabilityDate != "" {
			s += " (available " + r.AvailabilityDate + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// hasEligible reports whether one offer of offers (of the given
// technologies; none = any) is eligible.
func hasEligible(offers []Offer, techs ...string) bool {
	for i := range offers {
		if offers[i].Eligible && matchesFilter(&offers[i], techs) {
			return true
		}
	}
	return false
}

func endpointLabel(o *Offer) string {
	switch o.EndpointType {
	case EndpointBuilding:
		return "building " + o.Endpoint
	case EndpointLine:
		return "line " + o.Endpoint
	case EndpointOTP:
		return "OTP " + o.Endpoint
	case EndpointAddress:
		return "address " + o.Endpoint + " (new line)"
	}
	return o.Endpoint
}

// decide sets Status, Best, Reason, Available and Reference from out.Offers.
func decide(out *Outcome, filter []string) {
	if b := Best(out.Offers, filter); b != nil {
		cp := *b
		out.Best = &cp
		out.Status = StatusEligible
		out.Reference = b.Reference
		if b.EndpointType == EndpointBuilding {
			out.Building = b.Endpoint
		}
		n := 0
		for i := range out.Offers {
			if out.Offers[i].Eligible && matchesFilter(&out.Offers[i], filter) {
				n++
			}
		}
		out.Reason = fmt.Sprintf("%s eligible at %s", b.Code, endpointLabel(b))
		if n > 1 {
			out.Reason += fmt.Sprintf(" (%d eligible offers)", n)
		}
		out.Available = ""
		return
	}
	out.Status = StatusNotEligible
	c := closest(out.Offers, filter)
	out.Available = availability(c, out.Offers)
	switch {
	case len(out.Offers) == 0:
		out.Reason = "no offer returned"
	case c == nil:
		// Everything was filtered out.
		out.Reason = fmt.Sprintf("no offer of %s returned", strings.Join(filter, ","))
	default:
		out.Reason = fmt.Sprintf("no offer eligible; closest %s: %s", c.Code, reasonText(c))
		out.Reference = c.Reference
	}
	if len(filter) > 0 {
		if other := Best(out.Offers, nil); other != nil {
			out.Reason += fmt.Sprintf(" (%s eligible, outside %s)", other.Code, strings.Join(filter, ","))
		}
	}
	if out.Available != "" && !strings.Contains(out.Reason, out.Available) {
		out.Reason += "; available " + out.Available
	}
}
