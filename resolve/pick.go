package resolve

import (
	"fmt"
	"strings"
)

// scored is one candidate of a choice (a commune, a street).
type scored struct {
	label string
	code  string
	score float64
	via   string // the name that scored, when it is not label ("locality ORSIGNY")
	idx   int    // index in the caller's list
}

type verdict int

const (
	picked   verdict = iota
	tooWeak          // best below Floor: not found
	tooLow           // best below Threshold: ambiguous
	tooClose         // two best within Margin: ambiguous
	noneAtAll
)

// exactScore is what a folded-equal name scores; a single exact candidate
// is picked whatever the margin (RUE DU MOULIN beats RUE DU MOULINET).
const exactScore = 0.999

// keepTop keeps the 3 best candidates, best first, ties by label for a
// stable output. Only they are ever shown or compared, and a linear pass
// is much cheaper than sorting a big commune's streets.
func keepTop(c []scored) []scored {
	const k = 3
	less := func(a, b *scored) bool { // a ranks before b
		if a.score != b.score {
			return a.score > b.score
		}
		return a.label < b.label
	}
	top := make([]scored, 0, k+1)
	for i := range c {
		if len(top) == k && !less(&c[i], &top[k-1]) {
			continue
		}
		j := len(top)
		top = append(top, c[i])
		for j > 0 && less(&top[j], &top[j-1]) {
			top[j], top[j-1] = top[j-1], top[j]
			j--
		}
		if len(top) > k {
			top = top[:k]
		}
	}
	return top
}

// choose applies the threshold and margin rules to sorted candidates.
func (r *Resolver) choose(c []scored) verdict {
	if len(c) == 0 {
		return noneAtAll
	}
	best := c[0].score
	if best < r.opts.Floor {
		return tooWeak
	}
	if best < r.opts.Threshold {
		return tooLow
	}
	if len(c) > 1 {
		second := c[1].score
		if best >= exactScore && second < exactScore {
			return picked
		}
		if best-second < r.opts.Margin {
			return tooClose
		}
	}
	return picked
}

// candidates keeps the top 3 for Outcome.Candidates.
func candidates(level string, c []scored) []Candidate {
	n := min(3, len(c))
	out := make([]Candidate, 0, n)
	for _, s := range c[:n] {
		out = append(out, Candidate{Level: level, Label: s.label, Code: s.code, Score: round2(s.score)})
	}
	return out
}

func round2(f float64) float64 {
	return float64(int(f*100+0.5)) / 100
}

// topText renders "RUE X 0.62, RUE Y 0.55" for reasons and steps.
func topText(c []scored, n int) string {
	n = min(n, len(c))
	parts := make([]string, 0, n)
	for _, s := range c[:n] {
		parts = append(parts, fmt.Sprintf("%s %.2f", s.label, s.score))
	}
	return strings.Join(parts, ", ")
}
