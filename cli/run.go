package cli

import "context"

// TODO(owner): placeholder until the command lands.
func cmdRun(ctx context.Context, env *Env, args []string) int {
	return exitCode(env, "run", usagef("not built yet"))
}
