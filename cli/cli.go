package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"sort"
	"strings"
)

// Exit codes, as documented in the README.
const (
	ExitOK          = 0
	ExitFatal       = 1
	ExitUsage       = 2
	ExitRowErrors   = 3 // done, but some rows have status error
	ExitInterrupted = 130
)

// Env is what a command may touch of the outside world. Tests fill it with
// buffers; main.go with the process's streams.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// IsTTY reports whether stderr is a terminal (progress bar or JSON lines).
	IsTTY bool
	// SetMemoryLimit sets the process's soft memory limit (`run` bounds its
	// heap, see runMemoryLimit); nil leaves it alone, as in tests that run
	// commands inside the test process.
	SetMemoryLimit func(int64)
}

func (e *Env) getenv(k string) string {
	if e.Getenv == nil {
		return ""
	}
	return e.Getenv(k)
}

// logger logs to stderr in text; libraries get it, never print themselves.
func (e *Env) logger(level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(e.Stderr, &slog.HandlerOptions{Level: level}))
}

// UsageError is a mistake in the command line: exit code 2.
type UsageError struct {
	Msg  string
	Hint string
}

func (e *UsageError) Error() string {
	if e.Hint == "" {
		return e.Msg
	}
	return e.Msg + "\n" + e.Hint
}

func usagef(format string, a ...any) error { return &UsageError{Msg: fmt.Sprintf(format, a...)} }

type command struct {
	summary string
	run     func(ctx context.Context, env *Env, args []string) int
}

var commands = map[string]command{
	"run":     {"enrich a CSV/XLSX file with OVH eligibility", cmdRun},
	"check":   {"check one address, building, line or OTP", cmdCheck},
	"inspect": {"show how a file is read and mapped (no API call)", cmdInspect},
	"sandbox": {"serve the embedded OVH API simulator", cmdSandbox},
	"cache":   {"cache stats|prune|clear", cmdCache},
	"serve":   {"web page to upload a file and download results", cmdServe},
}

// Main runs the command line and returns the process exit code.
func Main(ctx context.Context, args []string, env *Env) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(env.Stderr)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintln(env.Stdout, "eligibility", Version)
		return ExitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "eligibility: unknown command %q\n", args[0])
		printUsage(env.Stderr)
		return ExitUsage
	}
	return c.run(ctx, env, args[1:])
}

// Version is set at build time with -ldflags "-X …/cli.Version=…".
var Version = "dev"

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: eligibility COMMAND [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'eligibility COMMAND -h' for the flags of a command.")
	fmt.Fprintln(w, "Every flag --some-flag can also be set with ELIGIBILITY_SOME_FLAG.")
}

// newFlagSet makes the flag set of a subcommand; usage goes to stderr.
func newFlagSet(env *Env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "usage: eligibility %s %s\n\nflags (each also read from ELIGIBILITY_<FLAG>):\n", name, usage)
		fs.PrintDefaults()
	}
	return fs
}

// EnvName is the ELIGIBILITY_* twin of a flag: --cache-ttl → ELIGIBILITY_CACHE_TTL.
func EnvName(flagName string) string {
	return "ELIGIBILITY_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseFlags sets every flag from its ELIGIBILITY_* twin, then parses args
// (the command line wins). It returns a *UsageError on a bad flag or value.
func parseFlags(fs *flag.FlagSet, env *Env, args []string) error {
	var bad error
	fs.VisitAll(func(f *flag.Flag) {
		if v := env.getenv(EnvName(f.Name)); v != "" && bad == nil {
			if err := fs.Set(f.Name, v); err != nil {
				bad = usagef("%s=%q: %v", EnvName(f.Name), v, err)
			}
		}
	})
	if bad != nil {
		return bad
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &UsageError{Msg: err.Error()}
	}
	return nil
}

// exitCode prints err and maps it to an exit code.
func exitCode(env *Env, name string, err error) int {
	if err == nil {
		return ExitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	var ue *UsageError
	if errors.As(err, &ue) {
		fmt.Fprintf(env.Stderr, "eligibility %s: %v\n", name, err)
		return ExitUsage
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintf(env.Stderr, "eligibility %s: interrupted\n", name)
		return ExitInterrupted
	}
	fmt.Fprintf(env.Stderr, "eligibility %s: %v\n", name, err)
	return ExitFatal
}

// Stdio is the Env of the real process.
func Stdio() *Env {
	fi, err := os.Stderr.Stat()
	tty := err == nil && fi.Mode()&os.ModeCharDevice != 0
	return &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, IsTTY: tty,
		SetMemoryLimit: func(n int64) { debug.SetMemoryLimit(n) }}
}

const levelWarn = slog.LevelWarn
