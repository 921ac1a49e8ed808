package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Event stream pacing: at most one update per eventGap, a comment every
// heartbeat so proxies keep the connection.
const (
	eventGap  = 250 * time.Millisecond
	heartbeat = 15 * time.Second
)

// events streams a job as Server-Sent Events: "job" events carrying a
// JobView, then one "end" event when the job is finished.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	rec, err := s.record(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	send := func(event string, v any) bool {
		b, _ := json.Marshal(v)
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	j := s.activeJob(rec.ID)
	if j == nil {
		send("job", s.view(rec))
		if rec.State != StateQueued && rec.State != StateRunning {
			send("end", map[string]string{"state": rec.State})
		}
		return
	}
	beat := time.NewTicker(heartbeat)
	defer beat.Stop()
	gap := time.NewTimer(0)
	defer gap.Stop()
	for {
		cur, changed := j.snapshot()
		if !send("job", s.view(cur)) {
			return
		}
		if finished(cur.State) {
			send("end", map[string]string{"state": cur.State})
			return
		}
	wait:
		select {
		case <-changed:
		case <-beat.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil || rc.Flush() != nil {
				return
			}
			goto wait
		case <-r.Context().Done():
			return
		case <-s.ctx.Done():
			return
		}
		gap.Reset(eventGap)
		select {
		case <-gap.C:
		case <-r.Context().Done():
			return
		case <-s.ctx.Done():
			return
		}
	}
}
