// Package pipeline runs a file through the resolver: one reader, N workers and
// an ordered writer wired with errgroup. Rows leave in input order as soon as
// every row before them is done, through a bounded reorder window, so memory
// does not grow with the file. A row's failure is data (status error), never
// the end of the run; only a failing source or sink stops it. On interrupt it
// stops asking and still writes every row, the unfinished ones as
// "interrupted".
package pipeline
