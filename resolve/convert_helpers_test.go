package resolve

import "github.com/ovhcloud-tools/eligibility/ovhapi"

// Test helpers: the guide's examples are full EligibilityTests.

// convertOffers is convertWire on a full test.
func convertOffers(t *ovhapi.EligibilityTest, endpoint, endpointType string) []Offer {
	return convertWire(wireOf(t), endpoint, endpointType)
}

// wireOf keeps what testWire holds of a full test.
func wireOf(t *ovhapi.EligibilityTest) *testWire {
	if t == nil {
		return nil
	}
	w := &testWire{EligibilityReference: t.EligibilityReference, Offers: make([]wireOffer, len(t.Offers))}
	w.Endpoint.Address = t.Endpoint.Address
	for i, o := range t.Offers {
		e, p := &w.Offers[i].Eligibility, &w.Offers[i].Product
		e.Eligible, e.EstimatedDownloadRate, e.EstimatedUploadRate = o.Eligibility.Eligible, o.Eligibility.EstimatedDownloadRate, o.Eligibility.EstimatedUploadRate
		e.Reasons, e.UnderConditions = o.Eligibility.Reasons, o.Eligibility.UnderConditions
		p.Code, p.DownloadRate, p.UploadRate, p.Guaranteed = o.Product.Code, o.Product.DownloadRate, o.Product.UploadRate, o.Product.Guaranteed
		p.Name, p.Provider, p.Operator, p.Type = o.Product.Name, o.Product.Provider, o.Product.Operator, o.Product.Type
	}
	return w
}
