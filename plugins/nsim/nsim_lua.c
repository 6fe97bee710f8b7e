/*
 * Lua bindings, the same control functions again:
 *   vecnet.nsim_set{delay = "10ms", bandwidth = "100mbit", drop_fraction = 0.01,
 *                   packets_per_drop = 100, reorder_fraction = 0.05,
 *                   packet_size = 1500, buffer = 4096}     -- every setting; absent = none
 *   vecnet.nsim_enable("lan0", "input"|"output" [, false to disable])
 *   t = vecnet.nsim_counters("lan0", "input"|"output")
 *       -- {received=, dropped_loss=, delayed=, reordered=, dropped_full=, freed=, held=}
 * A refused call raises "nsim_...: <reason>".
 */
#include <errno.h>
#include <lauxlib.h>
#include <lua.h>
#include <string.h>
#include <vecnet/lua.h>
#include <vecnet/net/interface.h>

#include "nsim.h"

/* The field as a string (numbers too: bandwidth = 0), or NULL. The value
 * and its string stay on the stack, alive until the function returns. */
static const char *
opt_field_str(lua_State *L, const char *key)
{
	lua_getfield(L, 1, key);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		return NULL;
	}
	return luaL_tolstring(L, -1, NULL);
}

static double
opt_field_num(lua_State *L, const char *key, double def)
{
	double v = def;

	lua_getfield(L, 1, key);
	if (!lua_isnil(L, -1)) {
		if (!lua_isnumber(L, -1))
			luaL_error(L, "nsim_set: %s must be a number", key);
		v = lua_tonumber(L, -1);
	}
	lua_pop(L, 1);
	return v;
}

static int
l_nsim_set(lua_State *L)
{
	struct nsim_config c = {0};
	const char *s;
	double v;

	luaL_checktype(L, 1, LUA_TTABLE);
	if ((s = opt_field_str(L, "delay")) && nsim_parse_time(s, &c.delay_ns) < 0)
		return luaL_error(L, "nsim_set: delay '%s': expected e.g. 10ms", s);
	if ((s = opt_field_str(L, "bandwidth")) && nsim_parse_bandwidth(s, &c.bandwidth_bps) < 0)
		return luaL_error(L, "nsim_set: bandwidth '%s': expected e.g. 100mbit", s);
	c.drop_fraction = opt_field_num(L, "drop_fraction", 0);
	c.reorder_fraction = opt_field_num(L, "reorder_fraction", 0);
	v = opt_field_num(L, "packets_per_drop", 0);
	if (v < 0 || v > UINT32_MAX)
		return luaL_error(L, "nsim_set: packets_per_drop out of range");
	c.packets_per_drop = (uint32_t)v;
	if (c.packets_per_drop && c.drop_fraction > 0)
		return luaL_error(L, "nsim_set: give packets_per_drop or drop_fraction, not both");
	v = opt_field_num(L, "packet_size", NSIM_PACKET_SIZE_DEFAULT);
	c.packet_size = v >= 64 && v <= 65535 ? (uint32_t)v : 0;
	v = opt_field_num(L, "buffer", 0);
	c.buffer = v >= 0 && v <= NSIM_HELD_MAX ? (uint32_t)v : NSIM_HELD_MAX + 1;
	if (nsim_configure(&c) < 0)
		return luaL_error(L, "nsim_set: invalid settings");
	return 0;
}

VN_LUA_FUNCTION(nsim_set) = {.name = "nsim_set", .fn = l_nsim_set};

static enum nsim_dir
check_dir(lua_State *L, int arg)
{
	const char *d = luaL_checkstring(L, arg);

	if (strcmp(d, "input") == 0)
		return NSIM_DIR_INPUT;
	if (strcmp(d, "output") == 0)
		return NSIM_DIR_OUTPUT;
	luaL_argerror(L, arg, "'input' or 'output'");
	return NSIM_DIR_INPUT;
}

static const struct vn_interface *
check_if(lua_State *L, const char *fn)
{
	const char *name = luaL_checkstring(L, 1);
	const struct vn_interface *ifp = vn_interface_by_name(name);

	if (!ifp)
		luaL_error(L, "%s: no interface named '%s'", fn, name);
	return ifp;
}

static int
l_nsim_enable(lua_State *L)
{
	const struct vn_interface *ifp = check_if(L, "nsim_enable");
	enum nsim_dir d = check_dir(L, 2);
	bool on = lua_isnoneornil(L, 3) ? true : lua_toboolean(L, 3);
	int rc = nsim_enable(ifp->if_index, d, on);

	if (rc < 0)
		return luaL_error(L, "nsim_enable: %s", strerror(-rc));
	return 0;
}

VN_LUA_FUNCTION(nsim_enable) = {.name = "nsim_enable", .fn = l_nsim_enable};

static int
l_nsim_counters(lua_State *L)
{
	const struct vn_interface *ifp = check_if(L, "nsim_counters");
	struct nsim_counters c;

	nsim_counters_sum(ifp->if_index, check_dir(L, 2), &c);
	lua_createtable(L, 0, 7);
#define FIELD(f)                                                                                   \
	lua_pushinteger(L, (lua_Integer)c.f);                                                      \
	lua_setfield(L, -2, #f)
	FIELD(received);
	FIELD(dropped_loss);
	FIELD(delayed);
	FIELD(reordered);
	FIELD(dropped_full);
	FIELD(freed);
	FIELD(held);
#undef FIELD
	return 1;
}

VN_LUA_FUNCTION(nsim_counters) = {.name = "nsim_counters", .fn = l_nsim_counters};
