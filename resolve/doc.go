// Package resolve turns what a row says (an OTP, a building reference, a
// line number or a postal address) into OVH endpoints, runs the eligibility
// tests and picks the best offer. It never claims a wrong match: a weak or
// close call is reported as ambiguous with its candidates.
package resolve
