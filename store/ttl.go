package store

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Default lifetimes: the referential (cities, streets, buildings) changes
// slowly; an eligibility test answer is a commercial offer of the day.
const (
	DefaultTTLSearch = 30 * 24 * time.Hour
	DefaultTTLTest   = 24 * time.Hour
)

// ParseTTL reads a --cache-ttl value: "search=720h,test=24h", one of the two
// (the other keeps its default), or a single duration for both. Durations
// are Go durations plus a "d" (day) suffix: "30d", "12h", "90m".
func ParseTTL(spec string) (search, test time.Duration, err error) {
	search, test = DefaultTTLSearch, DefaultTTLTest
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return search, test, nil
	}
	if !strings.Contains(spec, "=") {
		d, err := ParseDuration(spec)
		if err != nil {
			return 0, 0, fmt.Errorf("cache TTL %q: %w", spec, err)
		}
		return d, d, nil
	}
	seen := map[string]bool{}
	for _, part := range strings.Split(spec, ",") {
		name, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		name = strings.ToLower(strings.TrimSpace(name))
		if !ok {
			return 0, 0, fmt.Errorf("cache TTL %q: %q is not kind=duration (kinds: search, test)", spec, part)
		}
		if seen[name] {
			return 0, 0, fmt.Errorf("cache TTL %q: %s given twice", spec, name)
		}
		seen[name] = true
		d, err := ParseDuration(strings.TrimSpace(val))
		if err != nil {
			return 0, 0, fmt.Errorf("cache TTL %q: %s: %w", spec, name, err)
		}
		switch name {
		case "search":
			search = d
		case "test":
			test = d
		default:
			return 0, 0, fmt.Errorf("cache TTL %q: unknown kind %q (kinds: search, test)", spec, name)
		}
	}
	return search, test, nil
}

// ParseDuration is time.ParseDuration plus whole days ("30d"); it refuses
// negative or zero values.
func ParseDuration(s string) (time.Duration, error) {
	var d time.Duration
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		d = time.Duration(days) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, err
		}
	}
	if d <= 0 {
		return 0, fmt.Errorf("duration %q must be positive", s)
	}
	return d, nil
}
