// Package cli is the command line of the eligibility binary: one function per
// subcommand, flags with ELIGIBILITY_* twins, exit codes. It is the only
// package (with web/ for its pages) that decides what a person sees.
package cli
