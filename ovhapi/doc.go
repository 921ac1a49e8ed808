// Package ovhapi is the client of OVHcloud's /connectivity/eligibility API.
//
// Every eligibility route is an asynchronous task: the answer is
// {"status":"pending"|"ok"|"error","result":…,"error":…} and the client
// re-POSTs the identical body until the task is no longer pending. Caller is
// the one small interface the rest of the program depends on; Client
// implements it on top of github.com/ovh/go-ovh (endpoints, ovh.conf, OVH_*
// variables, signing, *ovh.APIError), with retries, polling and a shared
// rate limiter. Service gives typed access to each route over any Caller.
package ovhapi
