package web

import (
	"encoding/json"
	"net/http"
)

type apiError struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// apiCreate: POST /api/jobs, multipart with file and optional columns,
// encoding, delimiter, sheet. The job is queued at once: 201 + the job.
func (s *Server) apiCreate(w http.ResponseWriter, r *http.Request) {
	rec, _, err := s.accept(w, r, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/jobs/"+rec.ID)
	got, err := s.record(r.Context(), rec.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.view(got))
}

func (s *Server) apiList(w http.ResponseWriter, r *http.Request) {
	jobs, err := s.listViews(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"jobs": jobs})
}

func (s *Server) apiGet(w http.ResponseWriter, r *http.Request) {
	rec, err := s.record(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.view(rec))
}

// apiDelete cancels a queued or running job (202 + the job); a job that is
// no longer active is removed with its files (204).
func (s *Server) apiDelete(w http.ResponseWriter, r *http.Request) {
	rec, err := s.record(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if s.cancelJob(rec.ID) {
		got, err := s.record(r.Context(), rec.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusAccepted, s.view(got))
		return
	}
	if err := s.remove(r.Context(), rec.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
