// Package store is the persistent cache of final OVH eligibility answers.
//
// A [Cached] decorates an [ovhapi.Caller] (the restic way: same interface,
// one concern per layer), so the resolver never knows it exists:
//
//	st, err := store.Open(path)           // SQLite (modernc, no cgo), WAL
//	svc := ovhapi.Service{Caller: st.Wrap(client, client.Endpoint(), store.Options{})}
//
// Only ok answers are kept, empty ones ("[]") included; a task error, an HTTP
// failure or a timeout (the wrapped Caller returned an error) is never
// stored. The key is sha256(endpoint, route, canonical JSON body), so the
// sandbox and the real API never share an answer and two bodies with the
// same content (a struct and a map) share one. Each answer is committed as
// soon as it arrives, and the Call that asked for it returns only then: a
// killed run loses only what was in flight. One writer goroutine per Store
// commits the answers that arrive together in one transaction (group
// commit). Several processes may share one file (WAL + busy_timeout).
//
// The answers table is found through a unique index on the key's first 64
// bits (the whole key is compared on read); files of the first format are
// migrated when opened. A Bloom filter of the keys the file holds, loaded
// in the background and following the rows other processes append, spares
// the read of a key the file never held.
//
// Identical requests in flight at the same time are made once
// (singleflight), and hot keys are served from a bounded in-memory LRU.
// [Dedupe] gives both without a file, for --no-cache.
package store
