package readers

import (
	"fmt"
	"strings"
)

// ParseError is a malformed record. It is carried by Row.Err; reading goes on.
type ParseError struct {
	File   string
	Line   int // 1-based physical line
	Column int // 1-based field
	Msg    string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d: column %d: %s", e.File, e.Line, e.Column, e.Msg)
}

// OptionError is a bad reader option (unknown encoding, sheet, delimiter…).
// Commands report it as a usage error.
type OptionError struct {
	Option string // "encoding", "delimiter", "sheet"
	Value  string
	Valid  []string // accepted values, when there is a closed list
}

func (e *OptionError) Error() string {
	msg := fmt.Sprintf("--%s %q is not valid", e.Option, e.Value)
	if len(e.Valid) > 0 {
		msg += " (use one of: " + strings.Join(e.Valid, ", ") + ")"
	}
	return msg
}

// LimitError is a file refused because it would exceed a safety limit, such
// as an XLSX that unzips to more than Options.MaxUnzipSize (a zip bomb).
type LimitError struct {
	File  string
	Limit int64
	Err   error
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("%s: refused: the workbook unzips to more than %d MiB (zip bomb or huge file?): %v",
		e.File, e.Limit>>20, e.Err)
}

func (e *LimitError) Unwrap() error { return e.Err }
