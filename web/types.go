package web

import (
	"context"
	"time"

	"github.com/ovhcloud-tools/eligibility/readers"
)

// ReadOptions are the user's overrides of the detected dialect; empty = auto.
type ReadOptions struct {
	Encoding  string `json:"encoding,omitempty"`
	Delimiter string `json:"delimiter,omitempty"`
	Sheet     string `json:"sheet,omitempty"`
	// MaxUnzip caps what an XLSX may unzip to; set by the server from
	// Config.MaxUnzipped on every call, never stored.
	MaxUnzip int64 `json:"-"`
}

// Mapping is the column index of each mapped role; an absent role is unmapped.
type Mapping map[readers.Role]int

// Preview is what the setup page shows of a stored upload.
type Preview struct {
	Header   []string
	Rows     [][]string // first rows as decoded
	Dialect  readers.Dialect
	Sheets   []string // XLSX sheet names, in workbook order
	Proposed Mapping
	Evidence map[readers.Role]string
	Warnings []string // about the data: codes that lost their leading zeros…
}

// Inspector reads uploads for the setup page and validates mappings. The
// production one is built on package readers.
type Inspector interface {
	// Preview decodes the first n rows of path. Its error is shown to the
	// user as is: it must be a plain message.
	Preview(ctx context.Context, path string, opts ReadOptions, n int) (*Preview, error)
	// Override applies a columns spec (zip="CODE POSTAL",city=COMMUNE) to base.
	Override(spec string, p *Preview, base Mapping) (Mapping, error)
	// Check returns why rows mapped by m cannot be resolved, or nil.
	Check(p *Preview, m Mapping) error
}

// JobSpec is one file to run.
type JobSpec struct {
	Input    string
	Outputs  []string // result.csv and result.xlsx in the job directory
	Read     ReadOptions
	Mapping  Mapping
	Progress func(Progress) // called from any goroutine; must not block
}

// Runner runs a file job; the production one wraps engine.(*Engine).RunFile.
type Runner interface {
	Run(ctx context.Context, spec JobSpec) (Summary, error)
}

// RunnerFunc adapts a function to Runner.
type RunnerFunc func(ctx context.Context, spec JobSpec) (Summary, error)

// Run calls f.
func (f RunnerFunc) Run(ctx context.Context, spec JobSpec) (Summary, error) { return f(ctx, spec) }

// Progress is a snapshot of a running job.
type Progress struct {
	Done     int            `json:"done"`
	Total    int            `json:"total"` // 0 = unknown
	ByStatus map[string]int `json:"byStatus,omitempty"`
	ByTech   map[string]int `json:"byTech,omitempty"` // rows with an eligible offer of that technology
	Elapsed  time.Duration  `json:"elapsedNs"`
	First    []ResultRow    `json:"first,omitempty"` // first rows of the file that are done
}

// ResultRow is one row of the "first results" table.
type ResultRow struct {
	Row     int    `json:"row"` // 1-based data row
	Address string `json:"address"`
	Status  string `json:"status"`
	Best    string `json:"best,omitempty"` // best offer, "FTTH 1000/500 (code)"
	Reason  string `json:"reason,omitempty"`
}

// Summary is what a finished job reports.
type Summary struct {
	Rows        int            `json:"rows"`
	ByStatus    map[string]int `json:"byStatus,omitempty"`
	ByTech      map[string]int `json:"byTech,omitempty"`
	ByBest      map[string]int `json:"byBest,omitempty"`
	Elapsed     time.Duration  `json:"elapsedNs"`
	APICalls    int64          `json:"apiCalls"`
	CacheHits   int64          `json:"cacheHits"`
	Retries     int64          `json:"retries"`
	RateLimited int64          `json:"rateLimited"`
	Sandbox     bool           `json:"sandbox"`
}

// FirstRows is how many rows the "first results" table keeps.
const FirstRows = 10
