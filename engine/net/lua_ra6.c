/*
 * vecnet.ip6_nd(IF [, settings]) in Lua: router advertisements on an
 * interface, as `ip6 nd IF ...`. With a table, changes the keys it holds
 * (ra, managed, other, cease, send_unicast, suppress_link_layer, lifetime, interval_max,
 * interval_min, initial_count, initial_interval); returns the interface's
 * settings and counters as a table either way.
 */
#define VN_LOG_MOD "lua"
#include <errno.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include <vecnet/lua.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/ra6.h>

static void
opt_bool(lua_State *L, const char *key, bool *v)
{
	if (lua_getfield(L, 2, key) != LUA_TNIL)
		*v = lua_toboolean(L, -1);
	lua_pop(L, 1);
}

static void
opt_u32(lua_State *L, const char *key, uint32_t *v)
{
	if (lua_getfield(L, 2, key) != LUA_TNIL) {
		lua_Integer i = luaL_checkinteger(L, -1);
		if (i < 0 || i > UINT32_MAX)
			luaL_error(L, "ip6_nd: %s out of range", key);
		*v = (uint32_t)i;
	}
	lua_pop(L, 1);
}

static void
set_int(lua_State *L, const char *key, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, key);
}

static void
set_num(lua_State *L, const char *key, lua_Number v)
{
	lua_pushnumber(L, v);
	lua_setfield(L, -2, key);
}

static void
set_bool(lua_State *L, const char *key, bool v)
{
	lua_pushboolean(L, v);
	lua_setfield(L, -2, key);
}

static int
vn_lua_ip6_nd(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	struct vn_interface *ifp = vn_interface_by_name(name);
	struct vn_ra6_config c;
	struct vn_ra6_stats st;
	int rc;

	if (!ifp)
		return luaL_argerror(L, 1, lua_pushfstring(L, "unknown interface '%s'", name));
	vn_ra6_config_get(ifp->if_index, &c);
	if (!lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TTABLE);
		opt_bool(L, "ra", &c.send);
		opt_bool(L, "managed", &c.managed);
		opt_bool(L, "other", &c.other);
		opt_bool(L, "cease", &c.cease);
		opt_bool(L, "send_unicast", &c.send_unicast);
		opt_bool(L, "suppress_link_layer", &c.no_lladdr);
		opt_u32(L, "lifetime", &c.lifetime_s);
		opt_u32(L, "interval_max", &c.max_interval_s);
		opt_u32(L, "interval_min", &c.min_interval_s);
		opt_u32(L, "initial_count", &c.initial_count);
		opt_u32(L, "initial_interval", &c.initial_interval_s);
		rc = vn_ra6_config_set(ifp->if_index, &c);
		if (rc < 0)
			return luaL_error(L, "ip6_nd %s: %s", name,
					  rc == -EINVAL ? "out of range" : strerror(-rc));
	}
	vn_ra6_stats_get(ifp->if_index, &st);
	lua_createtable(L, 0, 14);
	set_bool(L, "ra", c.send);
	set_bool(L, "managed", c.managed);
	set_bool(L, "other", c.other);
	set_bool(L, "cease", c.cease);
	set_bool(L, "send_unicast", c.send_unicast);
	set_bool(L, "suppress_link_layer", c.no_lladdr);
	set_int(L, "lifetime", vn_ra6_router_lifetime(&c));
	set_int(L, "interval_max", c.max_interval_s);
	/* 0.75 x max by default, which may be a fraction of a second */
	if (c.min_interval_s || c.max_interval_s % 4 == 0)
		set_int(L, "interval_min",
			c.min_interval_s ? c.min_interval_s : c.max_interval_s / 4 * 3);
	else
		set_num(L, "interval_min", c.max_interval_s * 0.75);
	set_int(L, "initial_count", c.initial_count);
	set_int(L, "initial_interval", c.initial_interval_s);
	set_int(L, "ra_sent", (lua_Integer)st.ra_sent);
	set_int(L, "rs_received", (lua_Integer)st.rs_received);
	set_int(L, "ra_received", (lua_Integer)st.ra_received);
	set_int(L, "ra_bad", (lua_Integer)st.ra_bad);
	return 1;
}

VN_LUA_FUNCTION(ip6_nd) = {.name = "ip6_nd", .fn = vn_lua_ip6_nd};
