/*
 * Taps, memifs and loopbacks from Lua, through the same control functions as
 * the CLI and the YAML loader (options as in the CLI, '-' spelt '_'):
 *   vecnet.create_tap({id = 0, host_if_name = "vtap0", host_ns = "ns1",
 *                      host_ip4_addr = "10.0.3.2/24", host_ip4_gw = "10.0.3.1",
 *                      hw_addr = "02:00:00:00:00:01"})              -> "tap0"
 *   vecnet.delete_tap("tap0")
 *   vecnet.create_memif_socket(1, "/run/vpp/memif1.sock")
 *   vecnet.create_memif({id = 0, socket_id = 1, role = "slave", rx_queues = 1})
 *                                                                   -> "memif1/0"
 *   vecnet.delete_memif("memif1/0")
 *   vecnet.create_loopback({instance = 0, mac = "de:ad:00:00:00:01"}) -> "loop0"
 *   vecnet.delete_loopback("loop0")
 * A refused change raises "create_tap: <reason>".
 */
#define VN_LOG_MOD "lua"
#include <errno.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include <vecnet/lua.h>
#include <vecnet/net/addr.h>

#include "net/loopback_priv.h"
#include "net/memif_priv.h"
#include "net/tap_priv.h"

/* opts[key] as a string, or NULL when absent (opts 0: no table). */
static const char *
opt_string(lua_State *L, int opts, const char *key)
{
	const char *s = NULL;

	if (opts && lua_getfield(L, opts, key) != LUA_TNIL) {
		/* A string, not a number luaL_checkstring would convert: the
		 * table keeps its own string alive once the copy is popped, and
		 * would not keep a converted one. */
		if (lua_type(L, -1) != LUA_TSTRING)
			luaL_error(L, "option '%s' must be a string", key);
		s = lua_tostring(L, -1);
		lua_pop(L, 1);
		return s;
	}
	if (opts)
		lua_pop(L, 1);
	return NULL;
}

static lua_Integer
opt_int(lua_State *L, int opts, const char *key, lua_Integer min, lua_Integer max,
	lua_Integer def)
{
	lua_Integer v = def;

	if (opts && lua_getfield(L, opts, key) != LUA_TNIL) {
		v = luaL_checkinteger(L, -1);
		if (v < min || v > max)
			luaL_error(L, "%s out of range (%d-%d)", key, (int)min, (int)max);
	}
	if (opts)
		lua_pop(L, 1);
	return v;
}

/* opts[key] as a unicast MAC into mac; false when absent. */
static bool
opt_mac(lua_State *L, int opts, const char *key, uint8_t mac[6])
{
	const char *s = opt_string(L, opts, key);

	if (!s)
		return false;
	if (vn_parse_mac(s, mac) < 0 || (mac[0] & 1))
		luaL_error(L, "%s: '%s' is not a unicast MAC address", key, s);
	return true;
}

static int
opts_arg(lua_State *L, int arg)
{
	if (lua_isnoneornil(L, arg))
		return 0;
	luaL_checktype(L, arg, LUA_TTABLE);
	return arg;
}

static int
vn_lua_create_tap(lua_State *L)
{
	int opts = opts_arg(L, 1);
	struct vn_tap_args a = {.id = (int)opt_int(L, opts, "id", 0, VN_TAP_ID_MAX, -1)};
	const char *addr = opt_string(L, opts, "host_ip4_addr");
	const char *gw = opt_string(L, opts, "host_ip4_gw");
	uint8_t mac[6];
	uint32_t idx;
	int rc;

	a.host_if_name = opt_string(L, opts, "host_if_name");
	a.host_ns = opt_string(L, opts, "host_ns");
	if (opt_mac(L, opts, "hw_addr", mac))
		a.mac = mac;
	if (addr && vn_parse_prefix(addr, &a.host_addr) < 0)
		return luaL_error(L, "create_tap: host_ip4_addr '%s' is no A.B.C.D/LEN", addr);
	if (gw && vn_parse_ip4(gw, &a.host_gw) < 0)
		return luaL_error(L, "create_tap: host_ip4_gw '%s' is no address", gw);
	if (a.host_if_name && (strlen(a.host_if_name) >= IF_NAMESIZE ||
			       strpbrk(a.host_if_name, "/,= ")))
		return luaL_error(L, "create_tap: '%s' is not a Linux interface name",
				  a.host_if_name);
	if (a.host_ns && strpbrk(a.host_ns, ",="))
		return luaL_error(L, "create_tap: '%s' is not a namespace name", a.host_ns);
	rc = vn_tap_create(&a, &idx);
	if (rc == -EEXIST)
		return luaL_error(L, "create_tap: tap%d exists", a.id);
	if (rc == -EADDRINUSE)
		return luaL_error(L, "create_tap: Linux already has an interface of that name");
	if (rc == -ENOENT)
		return luaL_error(L, "create_tap: no network namespace '%s'",
				  a.host_ns ? a.host_ns : "");
	if (rc < 0)
		return luaL_error(L, "create_tap: %s", strerror(-rc));
	lua_pushstring(L, vn_interface_get(idx)->name);
	return 1;
}

static int
vn_lua_delete_tap(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	int rc = vn_tap_delete(name);

	if (rc < 0)
		return luaL_error(L, "delete_tap %s: %s", name,
				  rc == -ENOENT ? "no such tap interface" : strerror(-rc));
	return 0;
}

static int
vn_lua_create_memif_socket(lua_State *L)
{
	lua_Integer id = luaL_checkinteger(L, 1);
	const char *path = luaL_checkstring(L, 2);
	int rc;

	luaL_argcheck(L, id >= 1 && id < VN_MEMIF_SOCKETS, 1, "socket id out of range (1-63)");
	rc = strchr(path, ',') ? -EINVAL : vn_memif_socket_add((uint32_t)id, path);
	if (rc == -ENOENT)
		return luaL_error(L, "create_memif_socket: the directory of '%s' does not exist",
				  path);
	if (rc == -EINVAL)
		return luaL_error(L, "create_memif_socket: '%s' must be an absolute path of at "
				     "most 107 bytes, without ','",
				  path);
	if (rc < 0)
		return luaL_error(L, "create_memif_socket %d: %s", (int)id,
				  rc == -EBUSY ? "in use by a memif" : strerror(-rc));
	return 0;
}

static int
vn_lua_create_memif(lua_State *L)
{
	int opts = opts_arg(L, 1);
	struct vn_memif_args a = {
		.id = (uint32_t)opt_int(L, opts, "id", 0, UINT32_MAX - 1, 0),
		.socket_id = (uint32_t)opt_int(L, opts, "socket_id", 0, VN_MEMIF_SOCKETS - 1, 0),
		.rx_queues = (uint16_t)opt_int(L, opts, "rx_queues", 1, 16, 1),
		.master = true,
	};
	const char *role = opt_string(L, opts, "role");
	uint8_t mac[6];
	uint32_t idx;
	int rc;

	if (role && strcmp(role, "master") != 0 && strcmp(role, "slave") != 0)
		return luaL_error(L, "create_memif: role '%s' is neither master nor slave", role);
	a.master = !role || strcmp(role, "master") == 0;
	if (opt_mac(L, opts, "hw_addr", mac))
		a.mac = mac;
	rc = vn_memif_create(&a, &idx);
	if (rc == -EEXIST)
		return luaL_error(L, "create_memif: memif%u/%u exists", a.socket_id, a.id);
	if (rc == -ENOENT)
		return luaL_error(L, "create_memif: no socket id %u", a.socket_id);
	if (rc == -ENOTDIR)
		return luaL_error(L, "create_memif: the directory of socket '%s' does not exist",
				  vn_memif_socket_path(a.socket_id));
	if (rc < 0)
		return luaL_error(L, "create_memif: %s", strerror(-rc));
	lua_pushstring(L, vn_interface_get(idx)->name);
	return 1;
}

static int
vn_lua_delete_memif(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	int rc = vn_memif_delete(name);

	if (rc < 0)
		return luaL_error(L, "delete_memif %s: %s", name,
				  rc == -ENOENT ? "no such memif interface" : strerror(-rc));
	return 0;
}

static int
vn_lua_create_loopback(lua_State *L)
{
	int opts = opts_arg(L, 1);
	int instance = (int)opt_int(L, opts, "instance", 0, VN_LOOPBACK_INSTANCE_MAX, -1);
	uint8_t mac[6];
	bool has_mac = opt_mac(L, opts, "mac", mac);
	uint32_t idx;
	int rc = vn_loopback_create(has_mac ? mac : NULL, instance, &idx);

	if (rc == -EEXIST)
		return luaL_error(L, "create_loopback: loop%d exists", instance);
	if (rc < 0)
		return luaL_error(L, "create_loopback: %s", strerror(-rc));
	lua_pushstring(L, vn_interface_get(idx)->name);
	return 1;
}

static int
vn_lua_delete_loopback(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	int rc = vn_loopback_delete(name);

	if (rc < 0)
		return luaL_error(L, "delete_loopback %s: %s", name,
				  rc == -ENOENT ? "no such loopback" : strerror(-rc));
	return 0;
}

VN_LUA_FUNCTION(create_tap) = {.name = "create_tap", .fn = vn_lua_create_tap};
VN_LUA_FUNCTION(delete_tap) = {.name = "delete_tap", .fn = vn_lua_delete_tap};
VN_LUA_FUNCTION(create_memif_socket) = {.name = "create_memif_socket",
					.fn = vn_lua_create_memif_socket};
VN_LUA_FUNCTION(create_memif) = {.name = "create_memif", .fn = vn_lua_create_memif};
VN_LUA_FUNCTION(delete_memif) = {.name = "delete_memif", .fn = vn_lua_delete_memif};
VN_LUA_FUNCTION(create_loopback) = {.name = "create_loopback", .fn = vn_lua_create_loopback};
VN_LUA_FUNCTION(delete_loopback) = {.name = "delete_loopback", .fn = vn_lua_delete_loopback};
