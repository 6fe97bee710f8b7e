/*
 * exec FILE runs a CLI file (or a .lua script) through vn_exec_file(); quit
 * is handled by vecnetctl, which never sends it, so the server just accepts it.
 */
#define VN_LOG_MOD "cli"
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <vecnet/cli.h>
#include <vecnet/lua.h>

#include "core/worker_priv.h"

int
vn_exec_file(const char *path, struct vn_cli_out *out)
{
	size_t len = strlen(path);
	char line[4096];
	int lineno = 0, rc = 0;
	FILE *f;

	if (len > 4 && strcmp(path + len - 4, ".lua") == 0) {
		return vn_lua_run_file(path, out);
	}
	f = fopen(path, "r");
	if (!f)
		return vn_cli_error(out, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *s = line + strspn(line, " \t");
		lineno++;
		s[strcspn(s, "\r\n")] = '\0';
		if (*s == '\0' || *s == '#')
			continue;
		struct vn_cli_out *o = vn_cli_out_new();
		if (vn_cli_execute(s, o) < 0) {
			rc = vn_cli_error(out, "%s:%d: %s", path, lineno,
					  vn_cli_out_errmsg(o) ? vn_cli_out_errmsg(o) : "failed");
			vn_cli_out_free(o);
			break;
		}
		vn_cli_printf(out, "%s", vn_cli_out_text(o));
		vn_cli_out_free(o);
	}
	fclose(f);
	return rc;
}

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
