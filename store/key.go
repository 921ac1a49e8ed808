package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// Canonical returns body as compact JSON with object keys sorted, so a
// struct and a map with the same content give the same bytes. Numbers keep
// their literal text (no float64 round trip).
func Canonical(body any) ([]byte, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("canonical body: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("canonical body: %w", err)
	}
	// encoding/json writes map keys sorted.
	out, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("canonical body: %w", err)
	}
	return out, nil
}

// Key is the cache key of one request: hex sha256 of endpoint, route and
// canonical body, NUL-separated so no two triples collide by concatenation.
func Key(endpoint, route string, canonicalBody []byte) string {
	h := sha256.New()
	h.Write([]byte(endpoint))
	h.Write([]byte{0})
	h.Write([]byte(route))
	h.Write([]byte{0})
	h.Write(canonicalBody)
	return hex.EncodeToString(h.Sum(nil))
}
