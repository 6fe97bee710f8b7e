/*
 * Lua bindings, the same control API again:
 *   i = vecnet.acl_set("permit src 10.0.0.0/8, deny" [, index [, tag]])
 *   vecnet.acl_delete(i)
 *   vecnet.acl_interface("lan0", "input"|"output", i [, false to remove])
 *   t = vecnet.acl_counters(i)   -- { {packets=, bytes=}, ... } per rule
 * Errors are raised as Lua errors with the control API's message.
 */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include <vecnet/net/interface.h>
#include <vecnet/lua.h>

#include "acl.h"

static int
l_acl_set(lua_State *L)
{
	const char *text = luaL_checkstring(L, 1);
	lua_Integer index = luaL_optinteger(L, 2, -1);
	const char *tag = luaL_optstring(L, 3, "");
	struct acl_rule *rules;
	uint32_t n, got;
	char err[256];
	int rc;

	if (index < -1 || index >= ACL_MAX)
		return luaL_argerror(L, 2, "ACL index out of range");
	if (acl_rules_parse(text, &rules, &n, err, sizeof(err)) < 0)
		return luaL_error(L, "acl_set: %s", err);
	rc = acl_set((int32_t)index, rules, n, tag, &got, err, sizeof(err));
	free(rules);
	if (rc < 0)
		return luaL_error(L, "acl_set: %s", err);
	lua_pushinteger(L, got);
	return 1;
}

VN_LUA_FUNCTION(acl_set) = {.name = "acl_set", .fn = l_acl_set};

static int
l_acl_delete(lua_State *L)
{
	lua_Integer index = luaL_checkinteger(L, 1);
	char err[256];

	if (index < 0 || index >= ACL_MAX || acl_delete((uint32_t)index, err, sizeof(err)) < 0)
		return luaL_error(L, "acl_delete: %s",
				  index < 0 || index >= ACL_MAX ? "index out of range" : err);
	return 0;
}

VN_LUA_FUNCTION(acl_delete) = {.name = "acl_delete", .fn = l_acl_delete};

static int
l_acl_interface(lua_State *L)
{
	const char *ifname = luaL_checkstring(L, 1);
	const char *dir = luaL_checkstring(L, 2);
	lua_Integer index = luaL_checkinteger(L, 3);
	bool is_add = lua_isnoneornil(L, 4) ? true : lua_toboolean(L, 4);
	const struct vn_interface *ifp = vn_interface_by_name(ifname);
	char err[256];
	enum acl_dir d;

	if (!ifp)
		return luaL_error(L, "acl_interface: no interface named '%s'", ifname);
	if (strcmp(dir, "input") == 0)
		d = ACL_DIR_IN;
	else if (strcmp(dir, "output") == 0)
		d = ACL_DIR_OUT;
	else
		return luaL_argerror(L, 2, "'input' or 'output'");
	if (index < 0 || index >= ACL_MAX)
		return luaL_argerror(L, 3, "ACL index out of range");
	if (acl_interface_set(ifp->if_index, d, (uint32_t)index, is_add, err, sizeof(err)) < 0)
		return luaL_error(L, "acl_interface: %s", err);
	return 0;
}

VN_LUA_FUNCTION(acl_interface) = {.name = "acl_interface", .fn = l_acl_interface};

static int
l_acl_counters(lua_State *L)
{
	lua_Integer index = luaL_checkinteger(L, 1);
	const struct acl *a = index >= 0 && index < ACL_MAX ? acl_get((uint32_t)index) : NULL;

	if (!a)
		return luaL_error(L, "acl_counters: no ACL with index %d", (int)index);
	lua_createtable(L, (int)a->n_rules, 0);
	for (uint32_t r = 0; r < a->n_rules; r++) {
		struct acl_counter c;
		acl_rule_counter(a, r, &c);
		lua_createtable(L, 0, 2);
		lua_pushinteger(L, (lua_Integer)c.packets);
		lua_setfield(L, -2, "packets");
		lua_pushinteger(L, (lua_Integer)c.bytes);
		lua_setfield(L, -2, "bytes");
		lua_rawseti(L, -2, r + 1);
	}
	return 1;
}

VN_LUA_FUNCTION(acl_counters) = {.name = "acl_counters", .fn = l_acl_counters};
