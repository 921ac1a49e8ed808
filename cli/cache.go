package cli

import "context"

// TODO(owner): placeholder until the command lands.
func cmdCache(ctx context.Context, env *Env, args []string) int {
	return exitCode(env, "cache", usagef("not built yet"))
}
