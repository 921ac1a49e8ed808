// Package sandbox simulates OVHcloud's /connectivity/eligibility API as an
// http.Handler, faithfully enough that the real client (go-ovh inside
// ovhapi) cannot tell the difference: AsyncTask envelopes answered pending
// until the identical body has been re-POSTed, exact nulls, 400/403/404 error
// bodies, X-Ovh-QueryID headers, go-ovh signatures on the /partners routes,
// and injectable faults (429, 500, 503/408 HTML pages, task errors, stuck
// tasks, latency, a fair-use limiter).
//
// Its world is made of the La Poste cities (package laposte), real streets
// and numbers from BAN/BAL CSV files (Mont-Bonvillers, 54084, is built in),
// and deterministic plausible streets for every other commune. Eligibility
// answers are decided by hashing the endpoint, so they are stable across runs
// and machines.
//
// The package imports nothing of the project but laposte: the client is
// checked against it, not built from it.
package sandbox
