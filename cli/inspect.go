package cli

import "context"

// TODO(owner): placeholder until the command lands.
func cmdInspect(ctx context.Context, env *Env, args []string) int {
	return exitCode(env, "inspect", usagef("not built yet"))
}
