/*
 * Sub-interfaces from Lua, through the same control functions as the CLI
 * and the YAML loader:
 *   vecnet.create_sub_interface("lan0", 100)                     -> "lan0.100" (dot1q 100)
 *   vecnet.create_sub_interface("lan0", 7, {dot1q = 70})
 *   vecnet.create_sub_interface("lan0", 8, {dot1ad = 300, inner_dot1q = 400})
 *   vecnet.delete_sub_interface("lan0.100")
 * A refused change raises "create_sub_interface lan0 100: <reason>".
 */
#define VN_LOG_MOD "lua"
#include <errno.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include <vecnet/lua.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/vlan.h>

#include "net/lua_net_priv.h"

/* opts[key] as a VLAN id, or 0 when absent. */
static uint16_t
lua_subif_vid(lua_State *L, int opts, const char *key)
{
	lua_Integer v = 0;

	if (lua_getfield(L, opts, key) != LUA_TNIL) {
		v = luaL_checkinteger(L, -1);
		luaL_argcheck(L, v >= 1 && v <= VN_VLAN_VID_MAX, opts,
			      lua_pushfstring(L, "%s: not a VLAN id (1-4094)", key));
	}
	lua_pop(L, 1);
	return (uint16_t)v;
}

static int
vn_lua_create_subif(lua_State *L)
{
	struct vn_interface *sup = vn_lua_check_if(L, 1);
	lua_Integer id = luaL_checkinteger(L, 2);
	struct vn_subif_tags t = {.outer_tpid = VN_VLAN_TPID_DOT1Q};
	uint16_t q = 0, ad = 0, inner = 0;
	uint32_t idx;
	int rc;

	luaL_argcheck(L, id >= 0 && id < UINT32_MAX, 2, "sub-interface id out of range");
	if (!lua_isnoneornil(L, 3)) {
		luaL_checktype(L, 3, LUA_TTABLE);
		q = lua_subif_vid(L, 3, "dot1q");
		ad = lua_subif_vid(L, 3, "dot1ad");
		inner = lua_subif_vid(L, 3, "inner_dot1q");
	}
	luaL_argcheck(L, !(q && ad), 3, "give dot1q or dot1ad as the outer tag, not both");
	if (ad) {
		t.outer_tpid = VN_VLAN_TPID_DOT1AD;
		t.outer_vid = ad;
	} else {
		t.outer_vid = q ? q : (uint16_t)id;
		luaL_argcheck(L, q || (id >= 1 && id <= VN_VLAN_VID_MAX), 2,
			      "not a VLAN id (1-4094): give dot1q or dot1ad");
	}
	t.inner_vid = inner;
	rc = vn_subif_create(sup->if_index, (uint32_t)id, &t, &idx);
	if (rc < 0)
		return luaL_error(L, "create_sub_interface %s %d: %s", sup->name, (int)id,
				  rc == -EEXIST   ? "name or VLAN tags already used"
				  : rc == -EINVAL ? "parent is a sub-interface"
						  : strerror(-rc));
	lua_pushstring(L, vn_interface_get(idx)->name);
	return 1;
}

static int
vn_lua_delete_subif(lua_State *L)
{
	struct vn_interface *ifp = vn_lua_check_if(L, 1);
	char name[VN_IFNAME_MAX], why[128];
	int rc;

	snprintf(name, sizeof(name), "%s", ifp->name);
	rc = vn_subif_delete(ifp->if_index, why, sizeof(why));
	if (rc == -ENODEV)
		return luaL_error(L, "delete_sub_interface %s: not a sub-interface", name);
	if (rc < 0)
		return luaL_error(L, "delete_sub_interface %s: %s", name,
				  *why ? why : strerror(-rc));
	return 0;
}

VN_LUA_FUNCTION(create_sub_interface) = {.name = "create_sub_interface",
					 .fn = vn_lua_create_subif};
VN_LUA_FUNCTION(delete_sub_interface) = {.name = "delete_sub_interface",
					 .fn = vn_lua_delete_subif};
