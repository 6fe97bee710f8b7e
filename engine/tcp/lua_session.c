/*
 * The host stack from Lua: vecnet.session_enable(), vecnet.echo_server(URI
 * [, {discard = true, stop = true}]), and for any registered application
 * vecnet.session_listen(APP, URI), vecnet.session_unlisten(APP, URI),
 * vecnet.session_connect(APP, URI [, THREAD [, OPAQUE]]); the same control
 * functions as the commands and the tcp: section.
 */
#include <errno.h>
#include <lauxlib.h>
#include <lua.h>
#include <string.h>
#include <vecnet/graph.h>
#include <vecnet/lua.h>
#include <vecnet/session.h>

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

/* APP and URI of argument 1 and 2, or a Lua error naming what is wrong. */
static uint32_t
lua_app_uri(lua_State *L, const char *fn, struct vn_session_ep *ep)
{
	const char *name = luaL_checkstring(L, 1), *uri = luaL_checkstring(L, 2);
	int app = vn_session_app_lookup(name);

	if (app < 0)
		luaL_error(L, "%s: no application '%s'", fn, name);
	if (vn_session_parse_uri(uri, ep) < 0)
		luaL_error(L, "%s: uri is tcp://ADDR/PORT, not '%s'", fn, uri);
	return (uint32_t)app;
}

static int
lua_session_listen_common(lua_State *L, bool stop)
{
	const char *fn = stop ? "session_unlisten" : "session_listen";
	struct vn_session_ep ep;
	uint32_t app = lua_app_uri(L, fn, &ep);
	int rc = stop ? vn_session_unlisten(app, &ep) : vn_session_listen(app, &ep);

	if (rc < 0)
		return luaL_error(L, "%s %s: %s", fn, lua_tostring(L, 2),
				  rc == -EPERM ? "session layer disabled" : strerror(-rc));
	return 0;
}

static int
lua_session_listen(lua_State *L)
{
	return lua_session_listen_common(L, false);
}

static int
lua_session_unlisten(lua_State *L)
{
	return lua_session_listen_common(L, true);
}

static int
lua_session_connect(lua_State *L)
{
	struct vn_session_ep ep;
	uint32_t app = lua_app_uri(L, "session_connect", &ep);
	lua_Integer t = luaL_optinteger(L, 3, -1);
	uint64_t opaque = (uint64_t)luaL_optinteger(L, 4, 0);
	int rc;

	if (t >= VN_THREAD_MAX)
		return luaL_error(L, "session_connect: no thread %d", (int)t);
	rc = vn_session_connect(app, t < 0 ? vn_fwd_thread_index(0) : (uint32_t)t, &ep,
				opaque);
	if (rc < 0)
		return luaL_error(L, "session_connect %s: %s", lua_tostring(L, 2),
				  rc == -EPERM	  ? "session layer disabled"
				  : rc == -ENODEV ? "no TCP stack on that thread"
						  : strerror(-rc));
	return 0;
}

VN_LUA_FUNCTION(session_listen) = {.name = "session_listen", .fn = lua_session_listen};
VN_LUA_FUNCTION(session_unlisten) = {.name = "session_unlisten", .fn = lua_session_unlisten};
VN_LUA_FUNCTION(session_connect) = {.name = "session_connect", .fn = lua_session_connect};
VN_LUA_FUNCTION(session_enable) = {.name = "session_enable", .fn = lua_session_enable};
VN_LUA_FUNCTION(echo_server) = {.name = "echo_server", .fn = lua_echo_server};
