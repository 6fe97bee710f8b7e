/*
 * Lua bindings: the same control functions as the CLI and the config.
 *   vecnet.nat44_add_address("192.0.2.100" [, "192.0.2.110"] [, is_del])
 *   vecnet.nat44_interface("lan0", "in"|"out" [, is_del])
 *   vecnet.nat44_static_mapping{protocol = "tcp", local_ip = "10.0.1.2", local_port = 80,
 *                               external_ip = "192.0.2.100", external_port = 8080, del = false}
 *   vecnet.nat44_set_timeouts{udp = 30, tcp_established = 600, tcp_transitory = 60, icmp = 10}
 *   vecnet.nat44_summary() -> {sessions = N, max_sessions = N, created = N, tcp = N, udp = N, icmp = N}
 * A refused change raises "nat44_...: <reason>".
 */
#include <lauxlib.h>
#include <lua.h>
#include <string.h>
#include <vecnet/net/interface.h>
#include <vecnet/lua.h>

#include "nat44.h"

static uint32_t
check_ip4(lua_State *L, int arg)
{
	const char *s = luaL_checkstring(L, arg);
	uint32_t a;

	if (vn_parse_ip4(s, &a) < 0)
		luaL_argerror(L, arg, lua_pushfstring(L, "invalid IPv4 address '%s'", s));
	return a;
}

static int
raise(lua_State *L, const char *fn, int rc)
{
	return luaL_error(L, "%s: %s", fn, nat44_strerror(rc));
}

static int
l_add_address(lua_State *L)
{
	uint32_t lo = check_ip4(L, 1), hi = lo;
	bool del = false;
	int rc;

	if (lua_type(L, 2) == LUA_TSTRING)
		hi = check_ip4(L, 2);
	else if (lua_type(L, 2) == LUA_TBOOLEAN)
		del = lua_toboolean(L, 2);
	if (lua_type(L, 3) == LUA_TBOOLEAN)
		del = lua_toboolean(L, 3);
	if (hi < lo)
		return luaL_argerror(L, 2, "range end below its start");
	if ((rc = nat44_addr_range(lo, hi, !del)) < 0)
		return raise(L, "nat44_add_address", rc);
	return 0;
}

static int
l_interface(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	const char *role = luaL_checkstring(L, 2);
	struct vn_interface *ifp = vn_interface_by_name(name);
	int rc;

	if (!ifp)
		return luaL_argerror(L, 1, lua_pushfstring(L, "unknown interface '%s'", name));
	if (strcmp(role, "in") != 0 && strcmp(role, "out") != 0)
		return luaL_argerror(L, 2, "expected 'in' or 'out'");
	rc = nat44_interface_set(ifp->if_index, role[0] == 'i', !lua_toboolean(L, 3));
	if (rc < 0)
		return raise(L, "nat44_interface", rc);
	return 0;
}

static lua_Integer
opt_field_int(lua_State *L, const char *key, lua_Integer def)
{
	lua_Integer v;

	lua_getfield(L, 1, key);
	v = lua_isnil(L, -1) ? def : luaL_checkinteger(L, -1);
	lua_pop(L, 1);
	return v;
}

static uint32_t
field_ip4(lua_State *L, const char *key)
{
	uint32_t a;

	lua_getfield(L, 1, key);
	if (!lua_isstring(L, -1) || vn_parse_ip4(lua_tostring(L, -1), &a) < 0)
		luaL_error(L, "nat44_static_mapping: field '%s' must be an IPv4 address", key);
	lua_pop(L, 1);
	return a;
}

static int
l_static_mapping(lua_State *L)
{
	uint8_t proto = 0;
	uint32_t local, ext;
	lua_Integer lp, ep;
	bool del;
	int rc;

	luaL_checktype(L, 1, LUA_TTABLE);
	lua_getfield(L, 1, "protocol");
	if (!lua_isnil(L, -1)) {
		const char *p = luaL_checkstring(L, -1);
		if (strcmp(p, "tcp") == 0)
			proto = IPPROTO_TCP;
		else if (strcmp(p, "udp") == 0)
			proto = IPPROTO_UDP;
		else
			return luaL_error(L, "nat44_static_mapping: protocol must be tcp or udp");
	}
	lua_pop(L, 1);
	local = field_ip4(L, "local_ip");
	ext = field_ip4(L, "external_ip");
	lp = opt_field_int(L, "local_port", 0);
	ep = opt_field_int(L, "external_port", 0);
	if (lp < 0 || lp > 65535 || ep < 0 || ep > 65535)
		return luaL_error(L, "nat44_static_mapping: ports are 1..65535");
	lua_getfield(L, 1, "del");
	del = lua_toboolean(L, -1);
	lua_pop(L, 1);
	rc = nat44_static_mapping(local, (uint16_t)lp, ext, (uint16_t)ep, proto, false, !del);
	if (rc < 0)
		return raise(L, "nat44_static_mapping", rc);
	return 0;
}

static int
l_set_timeouts(lua_State *L)
{
	struct nat44_timeouts t;
	int rc;

	luaL_checktype(L, 1, LUA_TTABLE);
	t.udp = (uint32_t)opt_field_int(L, "udp", 0);
	t.tcp_est = (uint32_t)opt_field_int(L, "tcp_established", 0);
	t.tcp_trans = (uint32_t)opt_field_int(L, "tcp_transitory", 0);
	t.icmp = (uint32_t)opt_field_int(L, "icmp", 0);
	if ((rc = nat44_set_timeouts(&t)) < 0)
		return raise(L, "nat44_set_timeouts", rc);
	return 0;
}

static int
l_summary(lua_State *L)
{
	uint64_t p[NAT44_N_PROTO] = {0}, created = 0;

	for (uint32_t w = 0; w < nat44_main.n_workers; w++) {
		for (int i = 0; i < NAT44_N_PROTO; i++)
			p[i] += __atomic_load_n(&nat44_main.workers[w]->n_sessions[i], __ATOMIC_RELAXED);
		created += __atomic_load_n(&nat44_main.workers[w]->created, __ATOMIC_RELAXED);
	}
	lua_createtable(L, 0, 6);
	lua_pushinteger(L, (lua_Integer)(p[0] + p[1] + p[2]));
	lua_setfield(L, -2, "sessions");
	lua_pushinteger(L, nat44_main.max_sessions);
	lua_setfield(L, -2, "max_sessions");
	lua_pushinteger(L, (lua_Integer)created);
	lua_setfield(L, -2, "created");
	lua_pushinteger(L, (lua_Integer)p[NAT44_P_TCP]);
	lua_setfield(L, -2, "tcp");
	lua_pushinteger(L, (lua_Integer)p[NAT44_P_UDP]);
	lua_setfield(L, -2, "udp");
	lua_pushinteger(L, (lua_Integer)p[NAT44_P_ICMP]);
	lua_setfield(L, -2, "icmp");
	return 1;
}

VN_LUA_FUNCTION(nat44_add_address) = {.name = "nat44_add_address", .fn = l_add_address};
VN_LUA_FUNCTION(nat44_interface) = {.name = "nat44_interface", .fn = l_interface};
VN_LUA_FUNCTION(nat44_static_mapping) = {.name = "nat44_static_mapping", .fn = l_static_mapping};
VN_LUA_FUNCTION(nat44_set_timeouts) = {.name = "nat44_set_timeouts", .fn = l_set_timeouts};
VN_LUA_FUNCTION(nat44_summary) = {.name = "nat44_summary", .fn = l_summary};
