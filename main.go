// Command eligibility tells, for every address of a bulk file, which OVHcloud
// internet offers can be ordered there. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/ovhcloud-tools/eligibility/cli"
)

func main() {
	// A batch's working set is bounded (reorder window, caches). A soft
	// memory limit keeps a run under the 200 MB budget of a shared machine
	// without GC pressure below it; GOMEMLIMIT overrides it.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(160 << 20)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string) int {
	return cli.Main(ctx, args, cli.Stdio())
}
