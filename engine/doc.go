// Package engine wires the stages together for the commands that run them
// (`run`, `check`, `serve`): endpoint or in-process sandbox → rate limiter →
// client → answer cache → resolver, and a file job through pipeline and
// writers. It never falls back to the sandbox: an Engine pointed at OVH talks
// to OVH or fails.
package engine
