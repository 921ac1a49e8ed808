package writers

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/ovhcloud-tools/eligibility/readers"
	"github.com/ovhcloud-tools/eligibility/resolve"
)

// Columns are the appended output columns, in order. The first seventeen are
// the contract; elig_score and elig_candidates follow. SandboxColumn is added
// after them when Options.Sandbox is set.
var Columns = []string{
	"elig_status", "elig_match", "elig_insee", "elig_street", "elig_street_code",
	"elig_number", "elig_building", "elig_best_offer", "elig_best_offer_name",
	"elig_technology", "elig_download_mbps", "elig_upload_mbps", "elig_offers",
	"elig_reason", "elig_available_date", "elig_reference", "elig_error",
	"elig_score", "elig_candidates",
}

// SandboxColumn holds SandboxNote on every row of a sandbox run.
const SandboxColumn = "elig_sandbox"

// EligPrefix marks the columns this package appends; input columns carrying
// it are dropped, so a re-run replaces them.
const EligPrefix = "elig_"

// Indexes into Columns used by the XLSX writer for typed cells.
const (
	colStatus   = 0
	colDownload = 10
	colUpload   = 11
	colScore    = 17
)

// Cells returns the values of Columns for one outcome.
func Cells(out resolve.Outcome) []string {
	return appendCells(make([]string, 0, len(Columns)), &out)
}

func appendCells(dst []string, out *resolve.Outcome) []string {
	match := string(out.Match)
	if match == "" && out.Status != "" {
		match = string(resolve.MatchNone)
	}
	var code, name, tech, down, up string
	if b := out.Best; b != nil {
		code, name, tech = b.Code, b.Name, b.Technology
		down, up = FormatRate(b.DownloadMbps), FormatRate(b.UploadMbps)
	}
	return append(dst,
		string(out.Status), match, out.Insee, out.Street, out.StreetCode,
		out.Number, out.Building, code, name,
		tech, down, up, strings.Join(out.EligibleCodes(), "|"),
		out.Reason, out.Available, out.Reference, out.Error,
		FormatScore(out.Score), candidates(out.Candidates),
	)
}

// FormatRate formats a rate in Mbit/s with at most two decimals and no
// trailing zeros: 1000, 8.17, 0.5.
func FormatRate(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// FormatScore formats a 0..1 score with two decimals; 0 (no score) is empty.
func FormatScore(v float64) string {
	if v == 0 || math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

func candidates(cs []resolve.Candidate) string {
	if len(cs) == 0 {
		return ""
	}
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteByte('|')
		}
		label := c.Label
		if label == "" {
			label = c.Code
		}
		b.WriteString(label)
		b.WriteString(" (")
		b.WriteString(strconv.FormatFloat(c.Score, 'f', 2, 64))
		b.WriteByte(')')
	}
	return b.String()
}

// fixOutcome gives a malformed row without a status the invalid status.
func fixOutcome(row *readers.Row, out *resolve.Outcome) {
	if row.Err != nil && out.Status == "" {
		out.Status = resolve.StatusInvalid
		out.Match = resolve.MatchNone
		if out.Reason == "" {
			out.Reason = "malformed row: " + row.Err.Error()
		}
	}
}

// layout is which input columns are echoed and what the output header is.
type layout struct {
	header  bool     // the output has a header row
	inNames []string // names of the kept input columns (col_N when unnamed)
	keep    []int    // indexes of the kept input columns
	dropped bool     // some elig_ input column was dropped
	width   int      // input width (len(Options.Header))
	extra   []string // appended column names
	sandbox bool
}

func newLayout(opts Options) layout {
	l := layout{
		header:  opts.Dialect.Header || (opts.Dialect.Format == "" && len(opts.Header) > 0),
		width:   len(opts.Header),
		sandbox: opts.Sandbox,
	}
	for i, h := range opts.Header {
		if l.header && strings.HasPrefix(strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))), EligPrefix) {
			l.dropped = true
			continue
		}
		l.keep = append(l.keep, i)
		if strings.TrimSpace(h) == "" {
			h = "col_" + strconv.Itoa(i+1)
		}
		l.inNames = append(l.inNames, h)
	}
	l.extra = append(l.extra, Columns...)
	if opts.Sandbox {
		l.extra = append(l.extra, SandboxColumn)
	}
	return l
}

// names is the full output header.
func (l *layout) names() []string {
	return append(append([]string(nil), l.inNames...), l.extra...)
}

// inputCells returns the echoed input cells of a row: the kept columns, then
// any cells beyond the header width (a malformed or headerless row keeps all
// its data).
func (l *layout) inputCells(dst []string, cells []string) []string {
	for _, i := range l.keep {
		if i < len(cells) {
			dst = append(dst, cells[i])
		} else {
			dst = append(dst, "")
		}
	}
	if len(cells) > l.width {
		dst = append(dst, cells[l.width:]...)
	}
	return dst
}

// eligCells returns the appended cells of a row.
func (l *layout) eligCells(dst []string, out *resolve.Outcome) []string {
	dst = appendCells(dst, out)
	if l.sandbox {
		dst = append(dst, SandboxNote)
	}
	return dst
}

// counts tallies what was written, for the Summary.
type counts struct {
	rows     int
	byStatus map[string]int
	byTech   map[string]int
	byBest   map[string]int
}

func newCounts() counts {
	return counts{byStatus: map[string]int{}, byTech: map[string]int{}, byBest: map[string]int{}}
}

func (c *counts) add(out *resolve.Outcome) {
	c.rows++
	c.byStatus[string(out.Status)]++
	if out.Best != nil {
		c.byTech[out.Best.Technology]++
		c.byBest[out.Best.Code]++
	} else {
		c.byTech["none"]++
	}
}

// fill overwrites the Summary's row counts with what was written.
func (c *counts) fill(s *Summary) {
	s.Rows = c.rows
	s.ByStatus, s.ByTech, s.ByBest = c.byStatus, c.byTech, c.byBest
}

// sortedByCount returns the keys of m, most frequent first then by name.
func sortedByCount[V int | int64](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}
