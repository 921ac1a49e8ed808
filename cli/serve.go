package cli

import "context"

// TODO(owner): placeholder until the command lands.
func cmdServe(ctx context.Context, env *Env, args []string) int {
	return exitCode(env, "serve", usagef("not built yet"))
}
