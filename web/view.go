package web

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"
)

// JobView is a job as the API, the event stream and the job page see it.
type JobView struct {
	ID       string            `json:"id"`
	Name     string            `json:"name"`
	Format   string            `json:"format"`
	State    string            `json:"state"`
	Position int               `json:"position,omitempty"` // in the queue, 1 = next
	Created  time.Time         `json:"created"`
	Started  *time.Time        `json:"started,omitempty"`
	Finished *time.Time        `json:"finished,omitempty"`
	Done     int               `json:"done"`
	Total    int               `json:"total"`
	Percent  float64           `json:"percent"`
	Rate     float64           `json:"rate"`       // rows per second
	ETA      float64           `json:"etaSeconds"` // -1 = unknown
	Elapsed  float64           `json:"elapsedSeconds"`
	ByStatus map[string]int    `json:"byStatus"`
	ByTech   map[string]int    `json:"byTech"`
	First    []ResultRow       `json:"first"`
	Summary  *Summary          `json:"summary,omitempty"`
	Error    string            `json:"error,omitempty"`
	Links    map[string]string `json:"links"`
}

func (s *Server) view(r record) JobView {
	v := JobView{ID: r.ID, Name: r.Name, Format: r.Format, State: r.State, Created: r.Created,
		Done: r.Progress.Done, Total: r.Progress.Total, ByStatus: r.Progress.ByStatus, ByTech: r.Progress.ByTech,
		First: r.Progress.First, Summary: r.Summary, Error: r.Error, ETA: -1}
	if v.ByStatus == nil {
		v.ByStatus = map[string]int{}
	}
	if v.ByTech == nil {
		v.ByTech = map[string]int{}
	}
	if v.First == nil {
		v.First = []ResultRow{}
	}
	if !r.Started.IsZero() {
		t := r.Started
		v.Started = &t
	}
	if !r.Finished.IsZero() {
		t := r.Finished
		v.Finished = &t
	}
	if r.State == StateQueued {
		v.Position = s.position(r.ID)
	}
	el := r.Progress.Elapsed
	if el == 0 && r.State == StateRunning && v.Started != nil {
		el = s.now().Sub(r.Started)
	}
	v.Elapsed = round(el.Seconds(), 1)
	if v.Total > 0 {
		v.Percent = round(100*float64(v.Done)/float64(v.Total), 1)
	}
	if el > 0 && v.Done > 0 {
		v.Rate = round(float64(v.Done)/el.Seconds(), 2)
		if v.Total >= v.Done && r.State == StateRunning {
			v.ETA = round(float64(v.Total-v.Done)/(float64(v.Done)/el.Seconds()), 0)
		}
	}
	if r.State == StateDone {
		v.ETA = 0
	}
	v.Links = map[string]string{"self": "/api/jobs/" + r.ID, "page": "/jobs/" + r.ID, "events": "/jobs/" + r.ID + "/events"}
	if r.State == StateDone {
		v.Links["csv"] = "/api/jobs/" + r.ID + "/result?format=csv"
		v.Links["xlsx"] = "/api/jobs/" + r.ID + "/result?format=xlsx"
	}
	return v
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

// Page data.

type kv struct {
	Key, Label string
	N          int
}

type jobPage struct {
	JobView
	Active   bool
	Statuses []kv
	Techs    []kv
	Max      int // scale of the technology bars
	RateText string
	ETAText  string
	I18N     string // JSON of the strings app.js needs
}

// statuses are resolve.Statuses in display order (kept here so the pages
// do not depend on the resolver's build).
var statuses = []string{"eligible", "not_eligible", "not_found", "ambiguous", "invalid", "error"}

var knownTechs = []string{"FTTH", "VDSL", "ADSL", "SDSL"}

func (s *Server) jobPage(l string, r record) jobPage {
	v := s.view(r)
	p := jobPage{JobView: v, Active: r.State == StateQueued || r.State == StateRunning, Max: max(v.Done, 1)}
	for _, st := range statuses {
		p.Statuses = append(p.Statuses, kv{Key: st, Label: translate(l, "status."+st), N: v.ByStatus[st]})
	}
	techs := slices.Clone(knownTechs)
	for _, k := range slices.Sorted(maps.Keys(v.ByTech)) {
		if !slices.Contains(techs, k) {
			techs = append(techs, k)
		}
	}
	for _, t := range techs {
		p.Techs = append(p.Techs, kv{Key: t, Label: t, N: v.ByTech[t]})
	}
	if v.Rate > 0 {
		p.RateText = fmt.Sprintf("%.1f %s", v.Rate, translate(l, "job.rateunit"))
	} else {
		p.RateText = "—"
	}
	p.ETAText = formatETA(v.ETA)
	strs := map[string]string{"rateunit": translate(l, "job.rateunit"), "position": translate(l, "job.position")}
	for _, st := range []string{StateDraft, StateQueued, StateRunning, StateDone, StateFailed, StateCancelled} {
		strs["state."+st] = translate(l, "state."+st)
	}
	for _, st := range statuses {
		strs["status."+st] = translate(l, "status."+st)
	}
	b, _ := json.Marshal(strs)
	p.I18N = string(b)
	return p
}

func formatETA(sec float64) string {
	if sec < 0 {
		return "—"
	}
	d := time.Duration(sec) * time.Second
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min %02d s", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%d h %02d min", int(d.Hours()), int(d.Minutes())%60)
}
