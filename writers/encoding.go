package writers

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// textEncoder appends UTF-8 text in the output encoding.
type textEncoder struct {
	name string
	cm   *charmap.Charmap // nil: UTF-8
	bom  bool
}

func encoderFor(name string) (textEncoder, error) {
	switch n := strings.ToLower(strings.TrimSpace(name)); n {
	case "", "utf-8", "utf8":
		return textEncoder{name: "utf-8"}, nil
	case "utf-8-bom", "utf8-bom", "utf-8-sig", "utf8-sig":
		return textEncoder{name: "utf-8-bom", bom: true}, nil
	case "windows-1252", "cp1252", "win1252":
		return textEncoder{name: "windows-1252", cm: charmap.Windows1252}, nil
	case "iso-8859-1", "latin1", "latin-1", "iso8859-1":
		return textEncoder{name: "iso-8859-1", cm: charmap.ISO8859_1}, nil
	case "iso-8859-15", "latin9", "latin-9", "iso8859-15":
		return textEncoder{name: "iso-8859-15", cm: charmap.ISO8859_15}, nil
	default:
		return textEncoder{}, fmt.Errorf("writers: unsupported output encoding %q (utf-8, utf-8-bom, windows-1252, iso-8859-1, iso-8859-15)", name)
	}
}

// sameBytes reports whether text encoded by e and by o is byte-identical
// (a BOM is only a file prefix).
func (e textEncoder) sameBytes(o textEncoder) bool { return e.cm == o.cm }

// append appends s encoded; a rune the charset lacks becomes '?'.
func (e textEncoder) append(dst []byte, s string) []byte {
	if e.cm == nil {
		return append(dst, s...)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if b, ok := e.cm.EncodeRune(r); ok && r != utf8.RuneError {
			dst = append(dst, b)
		} else {
			dst = append(dst, '?')
		}
	}
	return dst
}
