package cli

import "context"

// TODO(owner): placeholder until the command lands.
func cmdSandbox(ctx context.Context, env *Env, args []string) int {
	return exitCode(env, "sandbox", usagef("not built yet"))
}
