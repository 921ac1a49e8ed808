package cli

import "context"

// TODO(owner): placeholder until the command lands.
func cmdCheck(ctx context.Context, env *Env, args []string) int {
	return exitCode(env, "check", usagef("not built yet"))
}
