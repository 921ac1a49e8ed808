package sandbox

// decodeFlat is decodeBody's fast path for the bodies clients send: a flat
// object of plain strings (printable ASCII that JSON writes unescaped), no
// key twice. It returns what the slow path would (the same map, the same
// canonical form) and ok=false for anything else, which the slow path then
// decodes or refuses with its own message.
func decodeFlat(raw []byte) (body, string, bool) {
	type pair struct{ ks, ke, vs, ve int } // key and value spans in raw
	var buf [8]pair
	ps := buf[:0]
	i := skipWS(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return nil, "", false
	}
	i = skipWS(raw, i+1)
	if i < len(raw) && raw[i] == '}' {
		i++
	} else {
		for {
			ks, ke, ok := scanFlatString(raw, i)
			if !ok {
				return nil, "", false
			}
			i = skipWS(raw, ke+1)
			if i >= len(raw) || raw[i] != ':' {
				return nil, "", false
			}
			vs, ve, ok := scanFlatString(raw, skipWS(raw, i+1))
			if !ok || len(ps) == cap(ps) {
				return nil, "", false
			}
			ps = append(ps, pair{ks, ke, vs, ve})
			i = skipWS(raw, ve+1)
			if i >= len(raw) {
				return nil, "", false
			}
			if raw[i] == '}' {
				i++
				break
			}
			if raw[i] != ',' {
				return nil, "", false
			}
			i = skipWS(raw, i+1)
		}
	}
	if skipWS(raw, i) != len(raw) {
		return nil, "", false
	}
	key := func(p pair) string { return string(raw[p.ks:p.ke]) } // no copy: compared only
	// Sort by key as encoding/json sorts map keys; a repeated key (the last
	// one wins in the slow path) goes there.
	n := 2
	for a := 1; a < len(ps); a++ {
		for b := a; b > 0 && key(ps[b]) < key(ps[b-1]); b-- {
			ps[b], ps[b-1] = ps[b-1], ps[b]
		}
	}
	for a, p := range ps {
		if a > 0 && key(p) == key(ps[a-1]) {
			return nil, "", false
		}
		n += p.ke - p.ks + p.ve - p.vs + 6
	}
	canon := make([]byte, 0, n)
	canon = append(canon, '{')
	for a, p := range ps {
		if a > 0 {
			canon = append(canon, ',')
		}
		canon = append(canon, '"')
		canon = append(canon, raw[p.ks:p.ke]...)
		canon = append(canon, `":"`...)
		canon = append(canon, raw[p.vs:p.ve]...)
		canon = append(canon, '"')
	}
	canon = append(canon, '}')
	cs := string(canon)
	// Keys and values are substrings of the canonical form.
	b := make(body, len(ps))
	off := 1
	for _, p := range ps {
		kl, vl := p.ke-p.ks, p.ve-p.vs
		b[cs[off+1:off+1+kl]] = cs[off+kl+4 : off+kl+4+vl]
		off += kl + vl + 6
	}
	return b, cs, true
}

// skipWS skips JSON whitespace from i.
func skipWS(raw []byte, i int) int {
	for i < len(raw) && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\n' || raw[i] == '\r') {
		i++
	}
	return i
}

// scanFlatString reads a string of jsonSafe bytes opening at raw[i]; it
// returns its content span (raw[end] is the closing quote).
func scanFlatString(raw []byte, i int) (start, end int, ok bool) {
	if i >= len(raw) || raw[i] != '"' {
		return 0, 0, false
	}
	for j := i + 1; j < len(raw); j++ {
		if raw[j] == '"' {
			return i + 1, j, true
		}
		if !jsonSafe(raw[j]) {
			return 0, 0, false
		}
	}
	return 0, 0, false
}
