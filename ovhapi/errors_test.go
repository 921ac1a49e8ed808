package ovhapi

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzSummarize: any error body (HTML pages, JSON, garbage) becomes one
// short valid line.
func FuzzSummarize(f *testing.F) {
	for _, s := range []string{
		"", "Invalid value", "<html><head><title>503 Service Unavailable</title></head></html>",
		"<h1>408</h1>", "<title>", "<<>>&amp;", strings.Repeat("é", 400), "a\nb\r\tc",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := summarize(in)
		if strings.ContainsAny(out, "\n\r\t") {
			t.Errorf("summarize(%q) = %q has line breaks", in, out)
		}
		if n := utf8.RuneCountInString(out); n > 161 {
			t.Errorf("summarize(%q) has %d runes", in, n)
		}
		if utf8.ValidString(in) && !utf8.ValidString(out) {
			t.Errorf("summarize(%q) = %q is not valid UTF-8", in, out)
		}
	})
}
