/*
 * The host stack from Lua: vecnet.session_enable(), vecnet.echo_server(URI
 * [, {discard = true, stop = true}]); the same control functions as the
 * commands and the tcp: section.
 */
#include <errno.h>
#include <lauxlib.h>
#include <lua.h>
#include <string.h>
#include <vecnet/lua.h>

#include "tcp/session_priv.h"

static int
lua_session_enable(lua_State *L)
{
	int rc = vn_session_enable(lua_isnone(L, 1) || lua_toboolean(L, 1));

	if (rc < 0)
		return luaL_error(L, "session %s: %s", lua_toboolean(L, 1) ? "enable" : "disable",
				  rc == -EBUSY ? "listeners or connections remain" : strerror(-rc));
	return 0;
}

static int
lua_echo_server(lua_State *L)
{
	const char *uri = luaL_checkstring(L, 1);
	bool discard = false, stop = false;
	int rc;

	if (lua_istable(L, 2)) {
		lua_getfield(L, 2, "discard");
		discard = lua_toboolean(L, -1);
		lua_getfield(L, 2, "stop");
		stop = lua_toboolean(L, -1);
		lua_pop(L, 2);
	}
	rc = vn_echo_server(uri, discard, stop);
	if (rc < 0)
		return luaL_error(L, "echo_server %s: %s", uri,
				  rc == -EINVAL  ? "uri is tcp://ADDR/PORT"
				  : rc == -EPERM ? "session layer disabled"
						 : strerror(-rc));
	return 0;
}

VN_LUA_FUNCTION(session_enable) = {.name = "session_enable", .fn = lua_session_enable};
VN_LUA_FUNCTION(echo_server) = {.name = "echo_server", .fn = lua_echo_server};
