/*
 * lua run FILE and lua eval CODE: front ends of engine/lua.c. CODE is the rest
 * of the line verbatim, so `lua eval print("a  b")` needs no quoting.
 */
#define VN_LOG_MOD "cli"
#include <limits.h>
#include <stdlib.h>
#include <vecnet/cli.h>
#include <vecnet/lua.h>

/* Longest `lua eval` chunk; longer code belongs in a file for `lua run`. */
#define VN_CLI_LUA_EVAL_MAX (256u * 1024)

static int
vn_cli_lua_run(struct vn_cli_out *out, struct vn_cli_args *args)
{
	char path[PATH_MAX];

	if (!vn_cli_arg_word(args, "file name", path, sizeof(path)) || !vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	return vn_lua_run_file(path, out) < 0 ? -1 : 0;
}

VN_CLI_COMMAND(lua_run) = {
	.path = "lua run",
	.syntax = "FILE",
	.help = "run a Lua script (the vecnet module is loaded; print goes to this output)",
	.fn = vn_cli_lua_run,
};

static int
vn_cli_lua_eval(struct vn_cli_out *out, struct vn_cli_args *args)
{
	char *code = malloc(VN_CLI_LUA_EVAL_MAX);
	int rc;

	if (code == NULL)
		return vn_cli_error(out, "lua eval: out of memory");
	if (!vn_cli_arg_rest(args, code, VN_CLI_LUA_EVAL_MAX))
		rc = vn_cli_unexpected(args);
	else
		rc = vn_lua_eval(code, out) < 0 ? -1 : 0;
	free(code);
	return rc;
}

VN_CLI_COMMAND(lua_eval) = {
	.path = "lua eval",
	.syntax = "CODE",
	.help = "run Lua code in the engine's state (globals persist); an expression prints its value",
	.fn = vn_cli_lua_eval,
};
