// Command eligibility tells, for every address of a bulk file, which OVHcloud
// internet offers can be ordered there. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/ovhcloud-tools/eligibility/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string) int {
	return cli.Main(ctx, args, cli.Stdio())
}
