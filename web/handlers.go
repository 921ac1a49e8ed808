package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ovhcloud-tools/eligibility/readers"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

func parsePages() (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"inc":  func(i int) int { return i + 1 },
		"date": func(t time.Time) string { return t.Local().Format("2006-01-02 15:04") },
	}
	pages := map[string]*template.Template{}
	for _, name := range []string{"index", "setup", "job", "login", "error"} {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)

	mux.HandleFunc("GET /{$}", s.index)
	mux.HandleFunc("POST /upload", s.uploadPage)
	mux.HandleFunc("GET /jobs/{id}/setup", s.setupPage)
	mux.HandleFunc("POST /jobs/{id}/setup", s.setupPost)
	mux.HandleFunc("GET /jobs/{id}", s.jobHTML)
	mux.HandleFunc("GET /jobs/{id}/events", s.events)
	mux.HandleFunc("POST /jobs/{id}/cancel", s.cancelPage)
	mux.HandleFunc("POST /jobs/{id}/delete", s.deletePage)
	mux.HandleFunc("GET /jobs/{id}/download/{format}", s.download)

	mux.HandleFunc("POST /api/jobs", s.apiCreate)
	mux.HandleFunc("GET /api/jobs", s.apiList)
	mux.HandleFunc("GET /api/jobs/{id}", s.apiGet)
	mux.HandleFunc("GET /api/jobs/{id}/result", s.download)
	mux.HandleFunc("DELETE /api/jobs/{id}", s.apiDelete)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, &httpError{Status: http.StatusNotFound, Msg: "not found"})
	})

	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, &httpError{Status: http.StatusForbidden, Msg: "cross-origin request refused"})
	}))
	return s.recoverer(s.headers(csrf.Handler(s.requireAuth(mux))))
}

// headers sets the security headers and remembers an explicit ?lang=.
func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		if l := r.URL.Query().Get("lang"); messages[l] != nil {
			http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
		}
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		// The path only: no query string, no headers (tokens never reach logs).
		s.log.Debug("http", "method", r.Method, "path", r.URL.Path, "status", sw.status, "took", time.Since(start))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int)        { w.status = code; w.ResponseWriter.WriteHeader(code) }
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// recoverer turns a handler panic into a plain 500: no stack trace to the client.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("handler panic", "path", r.URL.Path, "panic", fmt.Sprint(v))
				s.fail(w, r, errors.New("panic"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ")
}

// page is the data of every template.
type page struct {
	Lang, Other string
	Title       string
	Auth        bool
	Sandbox     bool
	Error       string
	Data        any
}

// T translates a catalogue key for the page's language.
func (p *page) T(key string) string { return translate(p.Lang, key) }

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any, errMsg string) {
	l := lang(r)
	p := &page{Lang: l, Other: "en", Title: title, Auth: s.cfg.Token != "", Sandbox: s.cfg.Sandbox, Error: errMsg, Data: data}
	if l == "en" {
		p.Other = "fr"
	}
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("template", "page", name, "err", err)
		http.Error(w, translate(l, "err.internal"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// fail answers an error as a plain message: JSON for the API, a page else.
// Unexpected errors are logged and shown as "internal error" only.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	l := lang(r)
	status, msg := http.StatusInternalServerError, translate(l, "err.internal")
	var he *httpError
	switch {
	case errors.As(err, &he):
		status, msg = he.Status, he.Msg
	case errors.Is(err, errNoJob):
		status, msg = http.StatusNotFound, translate(l, "err.notfound")
	default:
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if isAPI(r) {
		writeJSON(w, status, apiError{Error: msg})
		return
	}
	s.render(w, r, status, "error", translate(l, "err.title"), nil, msg)
}

// record loads a job: the in-memory copy if active (fresher), else the database's.
func (s *Server) record(ctx context.Context, id string) (record, error) {
	if !validID(id) {
		return record{}, errNoJob
	}
	if j := s.activeJob(id); j != nil {
		r, _ := j.snapshot()
		return r, nil
	}
	r, err := s.db.get(ctx, id)
	if err != nil {
		return record{}, err
	}
	return *r, nil
}

type indexView struct {
	MaxUpload string
	Jobs      []JobView
}

func (s *Server) listViews(ctx context.Context) ([]JobView, error) {
	recs, err := s.db.list(ctx, 200)
	if err != nil {
		return nil, err
	}
	out := make([]JobView, 0, len(recs))
	for _, r := range recs {
		if j := s.activeJob(r.ID); j != nil {
			*r, _ = j.snapshot()
		}
		out = append(out, s.view(*r))
	}
	return out, nil
}

func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	s.indexWith(w, r, http.StatusOK, "")
}

func (s *Server) indexWith(w http.ResponseWriter, r *http.Request, status int, msg string) {
	jobs, err := s.listViews(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "index", translate(lang(r), "upload.title"), indexView{MaxUpload: formatSize(s.cfg.MaxUpload), Jobs: jobs}, msg)
}

// errStatus is the status and plain message of an upload error.
func errStatus(err error) (int, string, bool) {
	var he *httpError
	if errors.As(err, &he) {
		return he.Status, he.Msg, true
	}
	return 0, "", false
}

// accept stores and previews an upload and inserts its job.
func (s *Server) accept(w http.ResponseWriter, r *http.Request, api bool) (*record, *Preview, error) {
	up, err := s.receive(w, r)
	if err != nil {
		return nil, nil, err
	}
	opts := ReadOptions{Encoding: up.Fields["encoding"], Delimiter: up.Fields["delimiter"], Sheet: up.Fields["sheet"]}
	p, err := s.preview(r.Context(), up.ID, up.Format, up.Name, opts)
	if err == nil && len(p.Header) == 0 {
		err = badRequest("%q has no header row", up.Name)
	}
	mapping := Mapping(nil)
	if err == nil {
		mapping = p.Proposed
		if spec := strings.TrimSpace(up.Fields["columns"]); spec != "" {
			mapping, err = s.cfg.Inspector.Override(spec, p, p.Proposed)
			if err != nil {
				err = badRequest("%s", err.Error())
			}
		}
	}
	if err == nil && api {
		if cerr := s.cfg.Inspector.Check(p, mapping); cerr != nil {
			err = badRequest("%s", cerr.Error())
		}
	}
	if err != nil {
		os.RemoveAll(s.jobDir(up.ID))
		return nil, nil, err
	}
	now := s.now()
	rec := &record{ID: up.ID, Name: up.Name, Format: up.Format, State: StateDraft, Created: now, Updated: now,
		Read: opts, Mapping: mapping}
	if api {
		rec.State, rec.Queued = StateQueued, now
	}
	if err := s.db.insert(r.Context(), rec); err != nil {
		os.RemoveAll(s.jobDir(up.ID))
		return nil, nil, err
	}
	if api {
		s.enqueue(newJob(rec))
	}
	s.log.Info("upload", "job", rec.ID, "format", rec.Format, "state", rec.State)
	return rec, p, nil
}

func (s *Server) uploadPage(w http.ResponseWriter, r *http.Request) {
	rec, _, err := s.accept(w, r, false)
	if err != nil {
		if status, msg, ok := errStatus(err); ok {
			s.indexWith(w, r, status, msg)
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/jobs/"+rec.ID+"/setup", http.StatusSeeOther)
}

// Setup page.

type option struct {
	Value, Label string
	Selected     bool
}

type roleView struct {
	Role, Label string
	Options     []option
	Evidence    string
}

type setupView struct {
	ID, Name, Format string
	Dialect          readers.Dialect
	Detected         string
	Header           []string
	Rows             [][]string
	Sheets           []option
	Encodings        []option
	Delimiters       []option
	Roles            []roleView
	Problem          string
	Warnings         []string
}

func (s *Server) setupView(l string, rec record, p *Preview) setupView {
	v := setupView{ID: rec.ID, Name: rec.Name, Format: rec.Format, Dialect: p.Dialect, Header: p.Header, Warnings: p.Warnings}
	for _, row := range p.Rows {
		cells := make([]string, len(p.Header))
		copy(cells, row)
		v.Rows = append(v.Rows, cells)
	}
	opts := func(cur string, pairs ...string) []option {
		var out []option
		for i := 0; i+1 < len(pairs); i += 2 {
			out = append(out, option{Value: pairs[i], Label: pairs[i+1], Selected: pairs[i] == cur})
		}
		return out
	}
	auto := translate(l, "setup.auto")
	v.Encodings = opts(rec.Read.Encoding, "", auto, "utf-8", "UTF-8", "windows-1252", "Windows-1252", "iso-8859-1", "ISO-8859-1 (Latin-1)",
		"iso-8859-15", "ISO-8859-15 (Latin-9)", "utf-16le", "UTF-16 LE", "utf-16be", "UTF-16 BE")
	v.Delimiters = opts(rec.Read.Delimiter, "", auto, ";", translate(l, "delim.semicolon"), ",", translate(l, "delim.comma"),
		"\t", translate(l, "delim.tab"), "|", translate(l, "delim.pipe"))
	v.Sheets = opts(rec.Read.Sheet, "", auto)
	for _, sh := range p.Sheets {
		v.Sheets = append(v.Sheets, option{Value: sh, Label: sh, Selected: sh == rec.Read.Sheet})
	}
	var det []string
	det = append(det, strings.ToUpper(p.Dialect.Format))
	if p.Dialect.Encoding != "" {
		det = append(det, p.Dialect.Encoding)
	}
	if p.Dialect.Format != "xlsx" && p.Dialect.Delimiter != 0 {
		det = append(det, delimiterName(l, p.Dialect.Delimiter))
	}
	if p.Dialect.Sheet != "" {
		det = append(det, translate(l, "setup.sheet")+" « "+p.Dialect.Sheet+" »")
	}
	v.Detected = strings.Join(det, " · ")
	for _, role := range readers.Roles {
		rv := roleView{Role: string(role), Label: translate(l, "role."+string(role)), Evidence: p.Evidence[role]}
		cur, mapped := rec.Mapping[role]
		rv.Options = append(rv.Options, option{Value: "", Label: "—", Selected: !mapped})
		for i, h := range p.Header {
			label := h
			if label == "" {
				label = fmt.Sprintf("#%d", i+1)
			}
			rv.Options = append(rv.Options, option{Value: strconv.Itoa(i), Label: label, Selected: mapped && cur == i})
		}
		v.Roles = append(v.Roles, rv)
	}
	if err := s.cfg.Inspector.Check(p, rec.Mapping); err != nil {
		v.Problem = err.Error()
	}
	return v
}

func delimiterName(l string, d rune) string {
	switch d {
	case ';':
		return translate(l, "delim.semicolon")
	case ',':
		return translate(l, "delim.comma")
	case '\t':
		return translate(l, "delim.tab")
	case '|':
		return translate(l, "delim.pipe")
	}
	return string(d)
}

func (s *Server) setupPage(w http.ResponseWriter, r *http.Request) {
	rec, err := s.record(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if rec.State != StateDraft {
		http.Redirect(w, r, "/jobs/"+rec.ID, http.StatusSeeOther)
		return
	}
	p, err := s.preview(r.Context(), rec.ID, rec.Format, rec.Name, rec.Read)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "setup", translate(lang(r), "setup.title"), s.setupView(lang(r), rec, p), "")
}

func (s *Server) setupPost(w http.ResponseWriter, r *http.Request) {
	rec, err := s.record(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if rec.State != StateDraft {
		http.Redirect(w, r, "/jobs/"+rec.ID, http.StatusSeeOther)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badRequest("bad form"))
		return
	}
	f := r.PostForm
	l := lang(r)
	opts := ReadOptions{Encoding: f.Get("encoding"), Delimiter: f.Get("delimiter"), Sheet: f.Get("sheet")}
	if rec.Format == "xlsx" {
		opts.Encoding, opts.Delimiter = "", ""
	} else {
		opts.Sheet = ""
	}
	p, err := s.preview(r.Context(), rec.ID, rec.Format, rec.Name, opts)
	if err != nil {
		// Show the error over the preview as it was.
		old, perr := s.preview(r.Context(), rec.ID, rec.Format, rec.Name, rec.Read)
		if perr != nil {
			s.fail(w, r, err)
			return
		}
		_, msg, _ := errStatus(err)
		s.render(w, r, http.StatusBadRequest, "setup", translate(l, "setup.title"), s.setupView(l, rec, old), msg)
		return
	}
	if opts == rec.Read {
		m := Mapping{}
		for _, role := range readers.Roles {
			v := f.Get("map_" + string(role))
			if v == "" {
				continue
			}
			i, err := strconv.Atoi(v)
			if err != nil || i < 0 || i >= len(p.Header) {
				s.fail(w, r, badRequest("bad column for %s", role))
				return
			}
			m[role] = i
		}
		rec.Mapping = m
	} else {
		// Another dialect may give other headers: start again from the proposal.
		rec.Read, rec.Mapping = opts, p.Proposed
	}
	rec.Updated = s.now()
	if f.Get("action") == "start" {
		if err := s.cfg.Inspector.Check(p, rec.Mapping); err != nil {
			s.save(&rec)
			s.render(w, r, http.StatusBadRequest, "setup", translate(l, "setup.title"), s.setupView(l, rec, p), err.Error())
			return
		}
		rec.State, rec.Queued = StateQueued, s.now()
		s.save(&rec)
		s.enqueue(newJob(&rec))
		http.Redirect(w, r, "/jobs/"+rec.ID, http.StatusSeeOther)
		return
	}
	s.save(&rec)
	s.render(w, r, http.StatusOK, "setup", translate(l, "setup.title"), s.setupView(l, rec, p), "")
}

func (s *Server) jobHTML(w http.ResponseWriter, r *http.Request) {
	rec, err := s.record(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if rec.State == StateDraft {
		http.Redirect(w, r, "/jobs/"+rec.ID+"/setup", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "job", rec.Name, s.jobPage(lang(r), rec), "")
}

func (s *Server) cancelPage(w http.ResponseWriter, r *http.Request) {
	rec, err := s.record(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.cancelJob(rec.ID)
	http.Redirect(w, r, "/jobs/"+rec.ID, http.StatusSeeOther)
}

func (s *Server) deletePage(w http.ResponseWriter, r *http.Request) {
	if err := s.remove(r.Context(), r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// remove deletes a job that is not queued or running (409 otherwise).
func (s *Server) remove(ctx context.Context, id string) error {
	rec, err := s.record(ctx, id)
	if err != nil {
		return err
	}
	if rec.State == StateQueued || rec.State == StateRunning {
		return &httpError{Status: http.StatusConflict, Msg: "the job is still active: cancel it first"}
	}
	if err := os.RemoveAll(s.jobDir(id)); err != nil {
		return err
	}
	return s.db.delete(ctx, id)
}

// download serves result.csv or result.xlsx of a done job.
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	rec, err := s.record(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	format := r.PathValue("format")
	if format == "" {
		format = r.URL.Query().Get("format")
	}
	if format == "" {
		format = "csv"
	}
	ctype := map[string]string{"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[format]
	if ctype == "" {
		s.fail(w, r, badRequest("format must be csv or xlsx"))
		return
	}
	if rec.State != StateDone {
		s.fail(w, r, &httpError{Status: http.StatusConflict, Msg: translate(lang(r), "err.notready")})
		return
	}
	f, err := os.Open(filepath.Join(s.jobDir(rec.ID), "result."+format))
	if err != nil {
		s.fail(w, r, &httpError{Status: http.StatusNotFound, Msg: "result file missing"})
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	base := strings.TrimSuffix(rec.Name, filepath.Ext(rec.Name))
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": base + ".eligibility." + format}))
	http.ServeContent(w, r, "", st.ModTime(), f)
}
