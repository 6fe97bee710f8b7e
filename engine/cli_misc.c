/*
 * exec FILE runs a CLI file (or a .lua script) through vn_exec_file(); quit
 * is handled by vecnetctl, which never sends it, so the server just accepts it.
 */
#define VN_LOG_MOD "cli"
#include <limits.h>
#include <vecnet/cli.h>

#include "engine_priv.h"

/* A file that execs itself would recurse until the stack runs out. */
#define VN_EXEC_DEPTH_MAX 8

static int
vn_cli_exec(struct vn_cli_out *out, struct vn_cli_args *args)
{
	static unsigned depth;
	char path[PATH_MAX];
	int rc;

	if (!vn_cli_arg_word(args, "file name", path, sizeof(path)) || !vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	if (depth >= VN_EXEC_DEPTH_MAX)
		return vn_cli_error(out, "exec %s: nested more than %d deep", path,
				    VN_EXEC_DEPTH_MAX);
	depth++;
	rc = vn_exec_file(path, out);
	depth--;
	return rc < 0 ? -1 : 0;
}

VN_CLI_COMMAND(exec) = {
	.path = "exec",
	.syntax = "FILE",
	.help = "run the commands in FILE (a .lua file runs as a Lua script)",
	.fn = vn_cli_exec,
};

static int
vn_cli_quit(struct vn_cli_out *out, struct vn_cli_args *args)
{
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	return 0;
}

VN_CLI_COMMAND(quit) = {
	.path = "quit",
	.help = "leave the vecnetctl shell",
	.fn = vn_cli_quit,
};
