// Package writers writes the enriched output of a run: the input rows,
// unchanged and in order, followed by the elig_* columns (see Columns), as
// CSV, XLSX or JSON Lines.
//
// CSV keeps the input dialect by default (encoding, delimiter, quoting,
// line ending) so a file comes back the way its user sent it; rows whose
// Row.Raw bytes are known are echoed byte for byte. ExcelCSV forces UTF-8
// with BOM, ';' and CRLF. Re-running on an output replaces its elig_* columns.
//
// Headerless input gives headerless CSV output: the elig_* columns are then
// positional, appended after the input's cells in the order of Columns (plus
// elig_sandbox when Options.Sandbox). XLSX and JSONL always name their
// columns (input columns without a name become col_N).
//
// XLSX output has four sheets: Results (streamed, every input cell a text
// cell, frozen header, autofilter), Offers (one line per row and offer),
// Candidates (top candidates of ambiguous rows) and Summary (counts, API
// statistics, charts).
//
// Create writes to a temporary file next to the target and renames it at
// Close, so a half-written file never carries the final name; Abort removes it.
// A Writer is safe for concurrent use, but rows are written in call order:
// callers write rows in output order (Row.Index ascending).
package writers
