package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Canonical returns body as compact JSON with object keys sorted, so a
// struct and a map with the same content give the same bytes. Numbers keep
// their literal text (no float64 round trip).
func Canonical(body any) ([]byte, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("canonical body: %w", err)
	}
	if isCanonical(raw) {
		// Most request structs already list their fields in order: spare
		// the generic decode and encode (most of Canonical's cost).
		return raw, nil
	}
	return canonicalSlow(raw)
}

// canonicalSlow sorts the keys of raw (the output of json.Marshal) by a
// generic decode and encode.
func canonicalSlow(raw []byte) ([]byte, error) {
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

// isCanonical reports whether raw, the output of json.Marshal (compact,
// valid), is already what canonicalSlow would return: valid UTF-8, no escape
// at all (so every string reads back byte for byte, and encodes back the
// same: json.Marshal escapes whatever it would escape), and the keys of
// every object strictly ascending (sorted, no duplicate). Numbers and
// literals keep their text either way.
func isCanonical(raw []byte) bool {
	if bytes.IndexByte(raw, '\\') >= 0 || !utf8.Valid(raw) {
		return false
	}
	type frame struct {
		object, wantKey bool
		last            []byte // previous key; nil before the first
	}
	var stack []frame
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '{':
			stack = append(stack, frame{object: true, wantKey: true})
		case '[':
			stack = append(stack, frame{})
		case '}', ']':
			if len(stack) == 0 {
				return false
			}
			stack = stack[:len(stack)-1]
		case ',':
			if n := len(stack); n > 0 && stack[n-1].object {
				stack[n-1].wantKey = true
			}
		case '"':
			end := bytes.IndexByte(raw[i+1:], '"')
			if end < 0 {
				return false
			}
			str := raw[i+1 : i+1+end]
			if n := len(stack); n > 0 && stack[n-1].wantKey {
				f := &stack[n-1]
				if f.last != nil && bytes.Compare(f.last, str) >= 0 {
					return false
				}
				f.last, f.wantKey = str, false
			}
			i += 1 + end
		}
	}
	return len(stack) == 0
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
