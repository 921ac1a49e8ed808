// Package resolve turns what a row says (an OTP, a building reference, a
// line number or a postal address) into OVH endpoints, runs the eligibility
// tests and picks the best offer. It never claims a wrong match: a weak or
// close call is reported as ambiguous with its candidates.
//
// Strategy per row, most precise identifier first (a failing one falls
// through to the next the row has):
//
//   - OTP → test/otp; building reference → test/building;
//   - line → test/line (active, or both statuses) and buildingsByLine →
//     test/building;
//   - address → search/cities (city chosen by name, locality, La Poste
//     Ligne_5, or INSEE code; CEDEX and unknown zips by commune name within
//     the département) → search/streets (address.Prepared scores, memoized
//     per commune) → search/streetNumbers (never a silent 12B → 12) →
//     search/buildings → test/building for each, and test/address
//     (neighbour copper line) when no building or no fiber offer is eligible.
//
// A candidate is picked when it scores at least Options.Threshold and leads
// the next by Options.Margin, or when it is the only folded-exact name.
// Within one Resolve the same question is never asked twice; across rows,
// deduplication belongs to the caching Caller underneath, while the
// Resolver keeps what rows share in compact form (test answers as converted
// offers, identical offer lists once; building lists as references; number
// lists as strings), prepared city and street names and the top candidates
// of each spelling, in bounded two-generation memos
// (Options.MemoSearch/MemoTests), so that a repeated address costs no call,
// no decoding and no matching.
//
// Statuses: eligible, not_eligible, not_found (what is unknown is said),
// ambiguous (Outcome.Candidates), invalid (row unusable) and error (API
// failure: Outcome.Error; never reported as not_found). Outcome.Steps records
// each API step with what was asked, chosen and scored.
package resolve
