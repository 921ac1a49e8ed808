// Package readers streams the rows of a prospect file (CSV in any of the
// encodings, delimiters and line endings Excel and CRMs produce, or XLSX) with
// constant memory, and proposes which column plays which address role.
//
// A malformed CSV line never rejects the file: it becomes a Row whose Err
// names the file, line and column, and reading goes on with the next line.
package readers
