package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/ovhcloud-tools/eligibility/engine"
	"github.com/ovhcloud-tools/eligibility/ovhapi"
	"github.com/ovhcloud-tools/eligibility/resolve"
)

func cmdCheck(ctx context.Context, env *Env, args []string) int {
	fs := newFlagSet(env, "check", "(--address TEXT | --zip Z --city C --street S --number N | --building REF | --line NUMBER [--status S] | --otp ID) [flags]")
	var (
		api    apiFlags
		in     resolve.Input
		asJSON bool
	)
	api.register(fs)
	fs.StringVar(&in.Address, "address", "", `full address, e.g. "2 rue du Verger 91400 Orsay"`)
	fs.StringVar(&in.Zip, "zip", "", "zip code")
	fs.StringVar(&in.City, "city", "", "city")
	fs.StringVar(&in.Insee, "insee", "", "INSEE code of the commune")
	fs.StringVar(&in.Street, "street", "", "street name (the number may come first)")
	fs.StringVar(&in.Number, "number", "", "house number, e.g. 12, 12 bis, 12B")
	fs.StringVar(&in.Building, "building", "", "building reference, e.g. IMB/91471/C/NT8X")
	fs.StringVar(&in.Line, "line", "", "copper line number, e.g. 0123456789")
	fs.StringVar(&in.LineStatus, "status", "", "line status: active or inactive (default active)")
	fs.StringVar(&in.OTP, "otp", "", "optical termination point, e.g. OO-XXXX-XXXX/C")
	fs.BoolVar(&asJSON, "json", false, "print the raw eligibility test result(s) and the outcome as JSON")
	if err := parseFlags(fs, env, args); err != nil {
		return exitCode(env, "check", err)
	}
	if fs.NArg() > 0 {
		if in.Address != "" {
			return exitCode(env, "check", usagef("unexpected argument %q", fs.Arg(0)))
		}
		in.Address = strings.Join(fs.Args(), " ")
	}
	if in.Empty() {
		fs.Usage()
		return exitCode(env, "check", usagef("give an address, a building, a line or an OTP"))
	}
	if s := in.LineStatus; s != "" && s != ovhapi.LineActive && s != ovhapi.LineInactive {
		return exitCode(env, "check", usagef("--status must be active or inactive"))
	}
	opts, err := api.options(env.logger(levelWarn))
	if err != nil {
		return exitCode(env, "check", err)
	}
	eng, err := engine.Open(ctx, opts)
	if err != nil {
		return exitCode(env, "check", err)
	}
	defer eng.Close()
	out := eng.Resolver().Resolve(ctx, in)
	if asJSON {
		raw := map[string]any{"outcome": out}
		if out.Reference != "" {
			if t, err := eng.Client().EligibilityByReference(ctx, out.Reference); err == nil {
				raw["test"] = t
			}
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(raw); err != nil {
			return exitCode(env, "check", err)
		}
	} else {
		if eng.Sandbox() {
			fmt.Fprintln(env.Stdout, "(sandbox data, not real eligibility)")
		}
		printOutcome(env.Stdout, out)
	}
	if out.Status == resolve.StatusError {
		return ExitRowErrors
	}
	return ExitOK
}

// printOutcome shows each resolution step, the offers and the best one.
func printOutcome(w io.Writer, out resolve.Outcome) {
	for i, s := range out.Steps {
		fmt.Fprintf(w, "%d. %-14s %s\n", i+1, s.Name, s.Detail)
	}
	if len(out.Candidates) > 0 {
		fmt.Fprintln(w, "candidates:")
		for _, c := range out.Candidates {
			fmt.Fprintf(w, "  %-8s %-40s %-14s %.2f\n", c.Level, c.Label, c.Code, c.Score)
		}
	}
	if len(out.Offers) > 0 {
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "OFFER\tTECH\tELIGIBLE\tDOWN Mb/s\tUP Mb/s\tENDPOINT\tREASON")
		for _, o := range out.Offers {
			var reasons []string
			for _, r := range o.Reasons {
				s := r.Code
				if r.AvailabilityDate != "" {
					s += " (" + r.AvailabilityDate + ")"
				}
				reasons = append(reasons, s)
			}
			el := "no"
			if o.Eligible {
				el = "yes"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", o.Code, o.Technology, el, fmtRate(o.DownloadMbps),
				fmtRate(o.UploadMbps), o.Endpoint, strings.Join(reasons, ", "))
		}
		tw.Flush()
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "status: %s (match %s)\n", out.Status, out.Match)
	if out.Best != nil {
		fmt.Fprintf(w, "best:   %s — %s, %s Mb/s down, %s Mb/s up\n", out.Best.Code, out.Best.Name,
			fmtRate(out.Best.DownloadMbps), fmtRate(out.Best.UploadMbps))
	}
	if out.Reason != "" {
		fmt.Fprintf(w, "reason: %s\n", out.Reason)
	}
	if out.Available != "" {
		fmt.Fprintf(w, "available from: %s\n", out.Available)
	}
	if out.Error != "" {
		fmt.Fprintf(w, "error:  %s\n", out.Error)
	}
}

func fmtRate(f float64) string {
	s := fmt.Sprintf("%.2f", f)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}
