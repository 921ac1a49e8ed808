// Package ratelimit holds the one request limiter the whole process shares.
//
// Every HTTP attempt to the OVH API (first POST, poll re-POSTs, retries)
// calls Wait first, so polls and retries count against the same budget as
// new work. The limiter adapts like rclone's pacer: a 429 halves the rate
// for a cool-down, then successes bring it back step by step to the
// configured rate. It never goes above the configured rate.
package ratelimit
