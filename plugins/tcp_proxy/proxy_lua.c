/*
 * Lua bindings, the control functions again:
 *   vecnet.proxy_server("tcp://0.0.0.0/8080", {"tcp://10.0.2.2/80", ...})
 *   vecnet.proxy_server("tcp://0.0.0.0/8080", nil, {stop = true})
 *   t = vecnet.proxy_stats("tcp://0.0.0.0/8080")
 *       -- {active=, total=, bytes_up=, bytes_down=, failures={refused=, ...}}
 */
#include <errno.h>
#include <lauxlib.h>
#include <string.h>
#include <vecnet/lua.h>

#include "proxy.h"

static int
l_proxy_server(lua_State *L)
{
	struct vn_session_ep listen, be[PROXY_BACKENDS_MAX];
	uint32_t n_be = 0;
	bool stop = false;
	int rc;

	if (proxy_parse_uri(luaL_checkstring(L, 1), &listen) < 0)
		return luaL_argerror(L, 1, "tcp://ADDR/PORT");
	if (lua_istable(L, 3)) {
		lua_getfield(L, 3, "stop");
		stop = lua_toboolean(L, -1);
		lua_pop(L, 1);
	}
	if (stop) {
		if (proxy_server_del(&listen) < 0)
			return luaL_error(L, "proxy_server: no server on %s", lua_tostring(L, 1));
		return 0;
	}
	luaL_checktype(L, 2, LUA_TTABLE);
	for (lua_Integer i = 1;; i++) {
		const char *uri;
		lua_rawgeti(L, 2, i);
		if (lua_isnil(L, -1)) {
			lua_pop(L, 1);
			break;
		}
		uri = lua_tostring(L, -1);
		if (n_be == PROXY_BACKENDS_MAX || !uri || proxy_parse_uri(uri, &be[n_be]) < 0 ||
		    vn_session_ep_is_any(&be[n_be]))
			return luaL_argerror(L, 2, "backends: up to 16 tcp://ADDR/PORT");
		n_be++;
		lua_pop(L, 1);
	}
	rc = proxy_server_add(&listen, be, n_be);
	if (rc < 0)
		return luaL_error(L, "proxy_server: %s", strerror(-rc));
	return 0;
}

VN_LUA_FUNCTION(proxy_server) = {.name = "proxy_server", .fn = l_proxy_server};

static int
l_proxy_stats(lua_State *L)
{
	struct vn_session_ep listen;
	struct proxy_stats st;
	uint32_t slot;

	if (proxy_parse_uri(luaL_checkstring(L, 1), &listen) < 0)
		return luaL_argerror(L, 1, "tcp://ADDR/PORT");
	for (slot = 0; slot < PROXY_SERVERS_MAX; slot++)
		if (proxy_servers && proxy_servers->s[slot].is_used &&
		    vn_session_ep_addr_eq(&proxy_servers->s[slot].listen, &listen) &&
		    proxy_servers->s[slot].listen.port == listen.port)
			break;
	if (slot == PROXY_SERVERS_MAX)
		return luaL_error(L, "proxy_stats: no server on %s", lua_tostring(L, 1));
	proxy_stats_sum(slot, &st);
	lua_newtable(L);
	lua_pushinteger(L, (lua_Integer)(st.opened - st.closed));
	lua_setfield(L, -2, "active");
	lua_pushinteger(L, (lua_Integer)st.opened);
	lua_setfield(L, -2, "total");
	lua_pushinteger(L, (lua_Integer)st.bytes_up);
	lua_setfield(L, -2, "bytes_up");
	lua_pushinteger(L, (lua_Integer)st.bytes_down);
	lua_setfield(L, -2, "bytes_down");
	lua_newtable(L);
	for (int k = 0; k < PROXY_N_FAIL; k++) {
		lua_pushinteger(L, (lua_Integer)st.fail[k]);
		lua_setfield(L, -2, proxy_fail_names[k]);
	}
	lua_setfield(L, -2, "failures");
	return 1;
}

VN_LUA_FUNCTION(proxy_stats) = {.name = "proxy_stats", .fn = l_proxy_stats};
