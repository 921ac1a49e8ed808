// Package address normalizes and matches French postal addresses the way
// OVH (AFNOR style) and La Poste spell them: folding, house numbers with
// repetition indexes, one-column address splitting, zip and INSEE repair,
// street-type and title abbreviations, and street/city similarity scores.
//
// It is pure: no I/O, no API types. Street matching is called for every
// street of a commune on every row, so names are prepared once with
// PrepareStreet and compared with Prepared.Score.
package address
