// Package bench measures the whole program against the sandbox: a generator
// of realistic French address files drawn from the sandbox world, the lower
// bound of the API calls such a file needs, and the report `make bench`
// prints (TestBenchReport, skipped unless BENCH=1). See README.md.
package bench
