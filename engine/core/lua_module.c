/*
 * The `vecnet` Lua module: vecnet.version, vecnet.cli(LINE), and the functions
 * that modules and plugins register (VN_LUA_FUNCTION): the network layer's
 * interfaces, routes and neighbours (net/lua_net.c), a plugin's own.
 */
#define VN_LOG_MOD "lua"
#include <errno.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include <vecnet/cli.h>
#include <vecnet/lua.h>

#include "core/lua_priv.h"

#define VN_LUA_CLI_OUT_MT "vecnet.cli_out"

/* --- vecnet.cli -------------------------------------------------------------------- */

/* The output buffer lives in a userdata so a Lua error (even out of memory) frees it. */
static int
vn_lua_cli_out_gc(lua_State *L)
{
	struct vn_cli_out **box = luaL_checkudata(L, 1, VN_LUA_CLI_OUT_MT);

	vn_cli_out_free(*box);
	*box = NULL;
	return 0;
}

static int
vn_lua_cli(lua_State *L)
{
	const char *line = luaL_checkstring(L, 1);
	struct vn_cli_out **box;

	box = lua_newuserdatauv(L, sizeof(*box), 0);
	*box = NULL;
	luaL_setmetatable(L, VN_LUA_CLI_OUT_MT);
	*box = vn_cli_out_new();
	if (*box == NULL)
		return luaL_error(L, "cli: out of memory");
	if (vn_cli_execute(line, *box) < 0) {
		const char *msg = vn_cli_out_errmsg(*box);

		return luaL_error(L, "%s", msg != NULL ? msg : "command failed");
	}
	lua_pushlstring(L, vn_cli_out_text(*box), vn_cli_out_len(*box));
	vn_cli_out_free(*box);
	*box = NULL;
	return 1;
}

static const luaL_Reg vn_lua_funcs[] = {
	{"cli", vn_lua_cli},
	{NULL, NULL},
};

static struct vn_lua_function *extra_head;

void
vn_lua_register(struct vn_lua_function *f)
{
	struct vn_lua_function **p = &extra_head;

	while (*p)
		p = &(*p)->next;
	f->next = NULL;
	*p = f;
	/* A state that already exists gets the function on its next creation;
	 * close it so the module is rebuilt with the new entry. */
	vn_lua_fini();
}

void
vn_lua_unregister(struct vn_lua_function *f)
{
	for (struct vn_lua_function **p = &extra_head; *p; p = &(*p)->next)
		if (*p == f) {
			*p = f->next;
			vn_lua_fini();
			return;
		}
}

int
vn_lua_open_vecnet(lua_State *L)
{
	if (luaL_newmetatable(L, VN_LUA_CLI_OUT_MT)) {
		lua_pushcfunction(L, vn_lua_cli_out_gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_pop(L, 1);
	luaL_newlib(L, vn_lua_funcs);
	lua_pushstring(L, VN_VERSION);
	lua_setfield(L, -2, "version");
	for (const struct vn_lua_function *f = extra_head; f; f = f->next) {
		lua_pushcfunction(L, f->fn);
		lua_setfield(L, -2, f->name);
	}
	return 1;
}
