// Package web is the `eligibility serve` web interface: upload a CSV or XLSX
// file, check how it is read and mapped, run it, follow its progress live and
// download the enriched file as CSV or XLSX. A JSON API sits beside the pages.
//
// Pages are rendered on the server (html/template) with a little vanilla JS
// and embedded assets. Jobs are kept in a SQLite table plus files under
// DataDir/jobs/<id>/, so a restarted server lists past jobs and resumes
// unfinished ones from the start (the engine's answer cache makes that cheap).
//
// Scheduling: jobs start in FIFO order of submission, up to Config.Parallel
// (default 3) at once; the engine parallelises rows inside a job with its own
// workers, and every running job shares the process-wide rate limiter, so
// running jobs get about equal parts of the API rate and a small file is not
// stuck behind a big one. Jobs beyond that wait with a "position in queue".
//
// Security: the server is meant for loopback; when a token is configured every
// request (except the login page and static assets) must carry it, either as
// the HttpOnly SameSite=Strict cookie set by the login form or as an
// `Authorization: Bearer` header. Unsafe cross-origin requests are refused
// (Sec-Fetch-Site / Origin check). Uploads are size-capped and stored under
// random names; the client file name is display metadata only.
package web
