package address

import (
	"strconv"
	"strings"
)

// CodeStatus says what RepairZip or RepairInsee did with a code.
type CodeStatus int

// Code statuses.
const (
	CodeEmpty    CodeStatus = iota // nothing given
	CodeOK                         // well-formed as given
	CodeRepaired                   // fixed: lost leading zero, Excel float, case, spaces
	CodeInvalid                    // unusable (3 digits, letters, 00xxx …)
)

func (c CodeStatus) String() string {
	switch c {
	case CodeEmpty:
		return "empty"
	case CodeOK:
		return "ok"
	case CodeRepaired:
		return "repaired"
	case CodeInvalid:
		return "invalid"
	}
	return "CodeStatus(" + strconv.Itoa(int(c)) + ")"
}

// cleanCode removes what spreadsheets add around a code: spaces (also inside,
// "01 400"), quotes, Excel's leading apostrophe, and a float tail
// ("1400.0", "1400,00", "1.4E+03").
func cleanCode(s string) string {
	t := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\u00a0', '\u202f', '"', '\'', '=':
			return -1
		}
		return r
	}, s)
	if i := strings.IndexAny(t, ".,"); i > 0 && allDigits(t[:i]) && strings.Trim(t[i+1:], "0") == "" {
		return t[:i]
	}
	if strings.ContainsAny(t, "eE") && len(t) <= 16 {
		if f, err := strconv.ParseFloat(strings.ReplaceAll(t, ",", "."), 64); err == nil && f >= 0 && f < 1e6 && f == float64(int64(f)) {
			return strconv.FormatInt(int64(f), 10)
		}
	}
	return t
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// repairDigits5 pads a 4-digit code lost by Excel and rejects département 00.
func repairDigits5(t string) (string, bool) {
	if !allDigits(t) {
		return t, false
	}
	switch len(t) {
	case 4:
		t = "0" + t
	case 5:
	default:
		return t, false
	}
	return t, !strings.HasPrefix(t, "00")
}

// RepairZip returns the 5-digit zip code of s: "1400" → "01400"
// (CodeRepaired), "1400.0" → "01400", "01400" (CodeOK). Three-digit or
// non-numeric values are CodeInvalid, never padded.
func RepairZip(s string) (string, CodeStatus) {
	trim := strings.TrimSpace(s)
	if trim == "" {
		return "", CodeEmpty
	}
	t := cleanCode(trim)
	if t == "" {
		return "", CodeEmpty
	}
	z, ok := repairDigits5(t)
	if !ok {
		return t, CodeInvalid
	}
	if z != trim {
		return z, CodeRepaired
	}
	return z, CodeOK
}

// RepairInsee returns the 5-character INSEE commune code of s, like
// RepairZip, also accepting Corsica's 2A/2B ("2a004" → "2A004"). INSEE codes
// are never integers.
func RepairInsee(s string) (string, CodeStatus) {
	trim := strings.TrimSpace(s)
	if trim == "" {
		return "", CodeEmpty
	}
	t := cleanCode(trim)
	if t == "" {
		return "", CodeEmpty
	}
	if len(t) == 5 && t[0] == '2' && (t[1]|0x20 == 'a' || t[1]|0x20 == 'b') && allDigits(t[2:]) {
		t = strings.ToUpper(t)
		if t != trim {
			return t, CodeRepaired
		}
		return t, CodeOK
	}
	z, ok := repairDigits5(t)
	if !ok {
		return t, CodeInvalid
	}
	if z != trim {
		return z, CodeRepaired
	}
	return z, CodeOK
}
