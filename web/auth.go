package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
)

const sessionCookie = "eligibility_session"

// sessionValue is what the login cookie holds: a MAC of the token, so the
// token itself never sits in the browser.
func (s *Server) sessionValue() string {
	m := hmac.New(sha256.New, []byte(s.cfg.Token))
	m.Write([]byte("eligibility web session v1"))
	return hex.EncodeToString(m.Sum(nil))
}

// same compares secrets in constant time, whatever their lengths.
func same(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}

func (s *Server) authorized(r *http.Request) bool {
	if s.cfg.Token == "" {
		return true
	}
	if h := r.Header.Get("Authorization"); h != "" {
		t, ok := strings.CutPrefix(h, "Bearer ")
		return ok && same(strings.TrimSpace(t), s.cfg.Token)
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return same(c.Value, s.sessionValue())
	}
	return false
}

// public paths need no token.
func public(path string) bool {
	return path == "/login" || path == "/healthz" || strings.HasPrefix(path, "/static/")
}

func (s *Server) requireAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if public(r.URL.Path) || s.authorized(r) {
			next.ServeHTTP(w, r)
			return
		}
		if isAPI(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="eligibility"`)
			writeJSON(w, http.StatusUnauthorized, apiError{Error: "missing or wrong token"})
			return
		}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		s.render(w, r, http.StatusUnauthorized, "login", translate(lang(r), "login.title"), loginView{}, translate(lang(r), "login.wrong"))
	})
}

type loginView struct{ Next string }

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.HasPrefix(next, "/login") {
		return "/"
	}
	return next
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Token == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", translate(lang(r), "login.title"), loginView{Next: safeNext(r.URL.Query().Get("next"))}, "")
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badRequest("bad login form"))
		return
	}
	next := safeNext(r.PostForm.Get("next"))
	if s.cfg.Token == "" {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	if !same(r.PostForm.Get("token"), s.cfg.Token) {
		s.log.Warn("failed login", "remote", r.RemoteAddr)
		s.render(w, r, http.StatusUnauthorized, "login", translate(lang(r), "login.title"), loginView{Next: next}, translate(lang(r), "login.wrong"))
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: s.sessionValue(), Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil, MaxAge: 7 * 24 * 3600})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, MaxAge: -1})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
