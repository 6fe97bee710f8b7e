/*
 * vecnet.http_static_server(URI, {www_root = DIR, cache_size = N|"64m",
 *     keepalive_timeout = S, header_timeout = S, send_timeout = S,
 *     max_age = S}) starts a server; vecnet.http_static_server(URI,
 *     {stop = true}) stops it. The same control functions as the command.
 */
#include <lauxlib.h>
#include <string.h>
#include <vecnet/lua.h>

#include "hs.h"

const char *hs_strerror(int rc);

static uint32_t
opt_u32(lua_State *L, const char *key, uint32_t def, uint32_t min, uint32_t max)
{
	lua_Integer v;

	lua_getfield(L, 2, key);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		return def;
	}
	v = luaL_checkinteger(L, -1);
	lua_pop(L, 1);
	if (v < min || v > max)
		luaL_error(L, "http_static_server: %s out of range", key);
	return (uint32_t)v;
}

static int
l_http_static_server(lua_State *L)
{
	const char *uri = luaL_checkstring(L, 1);
	struct hs_server_conf c;
	int rc;

	hs_server_conf_defaults(&c);
	if (strlen(uri) >= sizeof(c.uri))
		return luaL_argerror(L, 1, "uri too long");
	strcpy(c.uri, uri);
	luaL_checktype(L, 2, LUA_TTABLE);
	lua_getfield(L, 2, "stop");
	bool stop = lua_toboolean(L, -1);
	lua_pop(L, 1);
	if (stop) {
		rc = hs_server_stop(uri);
		if (rc < 0)
			return luaL_error(L, "http_static_server: stop %s: %s", uri, hs_strerror(rc));
		return 0;
	}
	lua_getfield(L, 2, "www_root");
	const char *root = luaL_checkstring(L, -1);
	if (strlen(root) >= sizeof(c.root))
		return luaL_error(L, "http_static_server: www_root too long");
	strcpy(c.root, root);
	lua_pop(L, 1);
	lua_getfield(L, 2, "cache_size");
	if (lua_isnumber(L, -1))
		c.cache_size = (uint64_t)lua_tointeger(L, -1);
	else if (lua_isstring(L, -1) && hs_parse_size(lua_tostring(L, -1), &c.cache_size) < 0)
		return luaL_error(L, "http_static_server: cache_size: bytes with k, m or g");
	lua_pop(L, 1);
	c.keepalive_timeout = opt_u32(L, "keepalive_timeout", c.keepalive_timeout, 1, 86400);
	c.header_timeout = opt_u32(L, "header_timeout", c.header_timeout, 1, 86400);
	c.send_timeout = opt_u32(L, "send_timeout", c.send_timeout, 1, 86400);
	c.max_age = opt_u32(L, "max_age", c.max_age, 0, 1u << 30);
	rc = hs_server_start(&c);
	if (rc < 0)
		return luaL_error(L, "http_static_server %s: %s", uri, hs_strerror(rc));
	return 0;
}

VN_LUA_FUNCTION(hs_lua_server) = {
	.name = "http_static_server",
	.fn = l_http_static_server,
};
