package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ovhcloud-tools/eligibility/readers"
)

// inspectSample is how many rows feed the column mapping proposal.
const inspectSample = 200

// cmdInspect shows how a file is read and mapped, without any API call.
func cmdInspect(ctx context.Context, env *Env, args []string) int {
	fs := newFlagSet(env, "inspect", "FILE|- [flags]")
	var opts readers.Options
	var columns string
	var nrows int
	fs.StringVar(&opts.Encoding, "encoding", "", "input encoding: utf-8, windows-1252, iso-8859-1, iso-8859-15, utf-16le… (default: detect)")
	fs.StringVar(&opts.Delimiter, "delimiter", "", `CSV delimiter: ";" "," tab "|" (default: sniff)`)
	fs.BoolVar(&opts.NoHeader, "no-header", false, "the first line is data, not column names")
	fs.StringVar(&opts.Sheet, "sheet", "", "XLSX sheet name or 1-based index (default: first non-empty sheet)")
	fs.StringVar(&columns, "columns", "", `override the column mapping: zip="CODE POSTAL",city=COMMUNE,street=3`)
	fs.IntVar(&nrows, "rows", 5, "rows to show as the resolver will see them")
	path, err := parseInterspersed(fs, env, args)
	if err == nil && nrows < 0 {
		err = usagef("--rows must be ≥ 0")
	}
	if err != nil {
		return exitCode(env, "inspect", err)
	}
	opts.Stdin = env.Stdin
	return exitCode(env, "inspect", inspect(ctx, env.Stdout, path, opts, columns, nrows))
}

// parseInterspersed parses flags placed before and after the one FILE
// argument ("inspect x.csv --rows 3" as well as "inspect --rows 3 x.csv").
func parseInterspersed(fs *flag.FlagSet, env *Env, args []string) (string, error) {
	if err := parseFlags(fs, env, args); err != nil {
		return "", err
	}
	var files []string
	for rest := fs.Args(); len(rest) > 0; rest = fs.Args() {
		files = append(files, rest[0])
		if err := fs.Parse(rest[1:]); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return "", err
			}
			return "", &UsageError{Msg: err.Error()}
		}
	}
	if len(files) != 1 {
		return "", &UsageError{Msg: fmt.Sprintf("expected one FILE (or - for stdin), got %d", len(files)),
			Hint: "usage: eligibility inspect FILE|- [--encoding E] [--delimiter D] [--no-header] [--sheet S] [--columns SPEC] [--rows N]"}
	}
	return files[0], nil
}

func inspect(ctx context.Context, w io.Writer, path string, opts readers.Options, columns string, nrows int) error {
	r, err := readers.Open(path, opts)
	if err != nil {
		return asUsage(err)
	}
	defer r.Close()
	header := r.Header()
	var sample [][]string
	var shown []readers.Row
	var rowErrs []error
	total, nerr := 0, 0
	for {
		if total%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		total++
		if row.Err != nil {
			nerr++
			if len(rowErrs) < 5 {
				rowErrs = append(rowErrs, row.Err)
			}
		}
		if len(sample) < inspectSample {
			sample = append(sample, row.Cells)
		}
		if len(shown) < nrows {
			shown = append(shown, row)
		}
	}
	header = r.Header() // an XLSX read without header widens it as rows come
	m := readers.Propose(header, sample)
	if columns != "" {
		if m, err = readers.ParseOverride(columns, header, m); err != nil {
			return asUsage(err)
		}
	}

	d := r.Dialect()
	p := func(k, v string) { fmt.Fprintf(w, "%-11s %s\n", k+":", v) }
	p("file", path)
	p("format", d.Format)
	if d.Format == "xlsx" {
		p("sheet", d.Sheet)
	} else {
		p("encoding", d.Encoding)
		p("delimiter", delimiterName(d.Delimiter))
		p("line ends", map[string]string{"\r\n": "CRLF", "\n": "LF", "\r": "CR"}[d.LineEnding])
		p("quoted", yesNo(d.Quote))
	}
	p("detection", d.Evidence)
	if d.Header {
		p("header", fmt.Sprintf("yes, %d columns", len(header)))
	} else {
		p("header", fmt.Sprintf("no (--no-header), %d columns named col1…", len(header)))
	}
	p("rows", fmt.Sprintf("%d (%d with errors)", total, nerr))
	for _, e := range rowErrs {
		fmt.Fprintf(w, "  error: %v\n", e)
	}
	if nerr > len(rowErrs) {
		fmt.Fprintf(w, "  … and %d more\n", nerr-len(rowErrs))
	}

	fmt.Fprintln(w, "\ncolumns:")
	roleOf := map[int]readers.Role{}
	for role, c := range m.Columns {
		roleOf[c] = role
	}
	for i, h := range header {
		role := "-"
		if r, ok := roleOf[i]; ok {
			role = string(r)
		}
		fmt.Fprintf(w, "  %3d  %-12s %s\n", i+1, role, strconv.Quote(h))
	}

	fmt.Fprintln(w, "\nmapping:")
	for _, role := range readers.Roles {
		if !m.Has(role) {
			continue
		}
		fmt.Fprintf(w, "  %-11s ← %d %q\n", role, m.Columns[role]+1, colName(header, m.Columns[role]))
		fmt.Fprintf(w, "  %-11s   %s\n", "", m.Evidence[role])
	}
	if len(m.Columns) == 0 {
		fmt.Fprintln(w, "  (no column recognised)")
	}
	for _, warn := range m.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", warn)
	}
	fmt.Fprintln(w)
	if err := m.Usable(); err != nil {
		p("usable", "no: "+err.Error())
	} else {
		p("usable", "yes")
	}

	if nrows > 0 {
		fmt.Fprintf(w, "\nfirst %d rows as the resolver sees them:\n", len(shown))
		for _, row := range shown {
			var parts []string
			for _, role := range readers.Roles {
				if m.Has(role) {
					parts = append(parts, fmt.Sprintf("%s=%q", role, m.Get(row.Cells, role)))
				}
			}
			line := strings.Join(parts, " ")
			if row.Err != nil {
				line += "  [error: " + row.Err.Error() + "]"
			}
			fmt.Fprintf(w, "  line %d: %s\n", row.Line, line)
		}
	}
	return nil
}

// asUsage turns the readers' option and column errors into usage errors
// (exit 2); the others stay fatal.
func asUsage(err error) error {
	var oe *readers.OptionError
	var ce *readers.ColumnError
	if errors.As(err, &oe) || errors.As(err, &ce) {
		return &UsageError{Msg: err.Error()}
	}
	return err
}

func colName(h []string, i int) string {
	if i >= 0 && i < len(h) {
		return h[i]
	}
	return fmt.Sprintf("col%d", i+1)
}

func delimiterName(d rune) string {
	switch d {
	case '\t':
		return "tab"
	case 0:
		return "-"
	}
	return strconv.Quote(string(d))
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
