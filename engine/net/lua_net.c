/*
 * The network layer's functions of the `vecnet` Lua module: interfaces,
 * addresses, routes and neighbours through the same control functions as the
 * CLI and the YAML loader. Bad arguments raise luaL_argerror-style errors
 * ("bad argument #1 to 'route_add' (invalid prefix 'x')"); a refused change
 * raises "route_add 10.0.0.0/8: <reason>". Prefixes name their network: host
 * bits are cleared, as `ip route add` does. Addresses, routes and neighbours
 * take either family (IPv6 when the text holds a ':'): one parser, the
 * family's control call behind it.
 *
 * Walk callbacks (routes, neighbours) run inside C code that owns memory, so a
 * Lua error must never longjmp through them: each entry is converted in its own
 * protected call and the first error is raised after the walk has returned.
 */
#define VN_LOG_MOD "lua"
#include <errno.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include <vecnet/lua.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/fib6.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>

#include "net/cli_ip.h"
#include "net/hostif_priv.h"
#include "net/lua_net_priv.h"

static const char *
vn_lua_errstr(int rc)
{
	switch (rc) {
	case -ENOENT:
		return "not found";
	case -ENODEV:
		return "no such interface";
	default:
		return strerror(-rc);
	}
}

/* What the address, route and neighbour calls of both families refuse. */
static const char *
vn_lua_ip_errstr(int rc)
{
	switch (rc) {
	case -EEXIST:
		return "already exists";
	case -EINVAL:
		return "invalid";
	case -ENETUNREACH:
		return "next hop not on a connected prefix";
	case -EPERM:
		return "a connected or local route";
	default:
		return vn_lua_errstr(rc);
	}
}

/* --- arguments --------------------------------------------------------------------- */

struct vn_interface *
vn_lua_check_if(lua_State *L, int arg)
{
	const char *name = luaL_checkstring(L, arg);
	struct vn_interface *ifp = vn_interface_by_name(name);

	if (ifp == NULL)
		luaL_argerror(L, arg, lua_pushfstring(L, "unknown interface '%s'", name));
	return ifp;
}

static uint32_t
vn_lua_opt_if_index(lua_State *L, int arg)
{
	return lua_isnoneornil(L, arg) ? VN_IF_ANY : vn_lua_check_if(L, arg)->if_index;
}

/* The family of an address or prefix argument: IPv6 if the text holds a ':'. */
static uint8_t
vn_lua_af_of(lua_State *L, int arg)
{
	return lua_type(L, arg) == LUA_TSTRING && strchr(lua_tostring(L, arg), ':') != NULL
		       ? VN_NBR_IP6
		       : VN_NBR_IP4;
}

static const char *
vn_lua_af_name(uint8_t af)
{
	return af == VN_NBR_IP4 ? "IPv4" : "IPv6";
}

static int
vn_lua_parse_addr(const char *s, uint8_t af, union vn_nbr_addr *a)
{
	memset(a, 0, sizeof(*a));
	return af == VN_NBR_IP4 ? vn_parse_ip4(s, &a->ip4) : vn_parse_ip6(s, &a->ip6);
}

static union vn_nbr_addr
vn_lua_check_addr(lua_State *L, int arg, uint8_t af)
{
	const char *s = luaL_checkstring(L, arg);
	union vn_nbr_addr a;

	if (vn_lua_parse_addr(s, af, &a) < 0)
		luaL_argerror(L, arg,
			      lua_pushfstring(L, "invalid %s address '%s'", vn_lua_af_name(af), s));
	return a;
}

static uint32_t
vn_lua_check_ip4(lua_State *L, int arg)
{
	return vn_lua_check_addr(L, arg, VN_NBR_IP4).ip4;
}

/* "A.B.C.D/LEN" or "X:X::X/LEN"; mask_host clears host bits (a route names its network). */
static struct vn_ip_prefix
vn_lua_check_prefix_any(lua_State *L, int arg, bool mask_host)
{
	const char *s = luaL_checkstring(L, arg);
	struct vn_ip_prefix p;

	if (vn_ip_prefix_parse(s, &p, mask_host) < 0)
		luaL_argerror(L, arg, lua_pushfstring(L, "invalid prefix '%s'", s));
	return p;
}

/* An IPv4 prefix (the IPv4 route queries). */
static struct vn_prefix
vn_lua_check_prefix(lua_State *L, int arg, bool mask_host)
{
	const char *s = luaL_checkstring(L, arg);
	struct vn_prefix p;

	if (vn_parse_prefix(s, &p) < 0)
		luaL_argerror(L, arg, lua_pushfstring(L, "invalid prefix '%s'", s));
	if (mask_host)
		p.addr &= vn_prefix_mask(p.len);
	return p;
}

static void
vn_lua_check_mac(lua_State *L, int arg, uint8_t mac[6])
{
	const char *s = luaL_checkstring(L, arg);

	if (vn_parse_mac(s, mac) < 0)
		luaL_argerror(L, arg, lua_pushfstring(L, "invalid MAC address '%s'", s));
}

/* --- conversions to tables --------------------------------------------------------- */

static void
vn_lua_set_str(lua_State *L, const char *key, const char *v)
{
	lua_pushstring(L, v);
	lua_setfield(L, -2, key);
}

static void
vn_lua_set_int(lua_State *L, const char *key, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, key);
}

static void
vn_lua_set_bool(lua_State *L, const char *key, bool v)
{
	lua_pushboolean(L, v);
	lua_setfield(L, -2, key);
}

static void
vn_lua_push_interface(lua_State *L, const struct vn_interface *ifp)
{
	struct vn_if_counters c;
	char buf[24];

	vn_interface_counters(ifp->if_index, &c);
	lua_createtable(L, 0, 14);
	vn_lua_set_str(L, "name", ifp->name);
	vn_lua_set_int(L, "index", ifp->if_index);
	vn_lua_set_bool(L, "up", ifp->admin_up);
	vn_lua_set_bool(L, "link", vn_interface_link_up(ifp->if_index));
	vn_lua_set_int(L, "mtu", ifp->mtu);
	vn_lua_set_str(L, "mac", vn_fmt_mac(ifp->mac, buf));
	lua_createtable(L, ifp->n_addrs, 0);
	for (uint32_t i = 0; i < ifp->n_addrs; i++) {
		lua_pushstring(L, vn_fmt_prefix(&ifp->addrs[i], buf));
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "addresses");
	vn_lua_set_int(L, "rx_packets", (lua_Integer)c.rx_packets);
	vn_lua_set_int(L, "rx_bytes", (lua_Integer)c.rx_bytes);
	vn_lua_set_int(L, "tx_packets", (lua_Integer)c.tx_packets);
	vn_lua_set_int(L, "tx_bytes", (lua_Integer)c.tx_bytes);
	vn_lua_set_int(L, "drops", (lua_Integer)c.drops);
	vn_lua_set_int(L, "tx_errors", (lua_Integer)c.tx_errors);
}

/* {prefix, source, drop, paths = {{via, interface, adjacency}...}} */
static void
vn_lua_push_route(lua_State *L, const struct vn_route_info *r)
{
	char buf[128];

	lua_createtable(L, 0, 4);
	vn_lua_set_str(L, "prefix", vn_fmt_prefix(&r->prefix, buf));
	vn_lua_set_str(L, "source", vn_route_source_name(r->source));
	vn_lua_set_bool(L, "drop", r->is_drop);
	lua_createtable(L, (int)r->n_paths, 0);
	for (uint32_t i = 0; i < r->n_paths && i < VN_ECMP_MAX_PATHS; i++) {
		const struct vn_route_path *rp = &r->paths[i];
		const struct vn_interface *ifp = NULL;

		lua_createtable(L, 0, 3);
		if (rp->via != 0)
			vn_lua_set_str(L, "via", vn_fmt_ip4(rp->via, buf));
		if (rp->if_index != VN_IF_ANY)
			ifp = vn_interface_get(rp->if_index);
		if (ifp != NULL)
			vn_lua_set_str(L, "interface", ifp->name);
		vn_lua_set_str(L, "adjacency", vn_adj_format(r->adj[i], buf, sizeof(buf)));
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "paths");
}

static void
vn_lua_push_neighbor(lua_State *L, const struct vn_nbr *n)
{
	const struct vn_interface *ifp = vn_interface_get(n->if_index);
	char buf[VN_IP6_STRLEN];

	lua_createtable(L, 0, 4);
	vn_lua_set_str(L, "interface", ifp != NULL ? ifp->name : "?");
	vn_lua_set_str(L, "address", vn_fmt_nbr_addr(n->af, &n->addr, buf));
	vn_lua_set_str(L, "mac", vn_fmt_mac(n->mac, buf));
	vn_lua_set_bool(L, "static", n->is_static);
}

/* --- interfaces -------------------------------------------------------------------- */

static int
vn_lua_interfaces(lua_State *L)
{
	lua_Integer n = 0;

	lua_newtable(L);
	for (uint32_t i = 0; i < vn_interface_count(); i++) {
		const struct vn_interface *ifp = vn_interface_get(i);

		if (ifp == NULL)
			continue;
		vn_lua_push_interface(L, ifp);
		lua_rawseti(L, -2, ++n);
	}
	return 1;
}

static int
vn_lua_interface(lua_State *L)
{
	const struct vn_interface *ifp = vn_interface_by_name(luaL_checkstring(L, 1));

	if (ifp == NULL)
		lua_pushnil(L);
	else
		vn_lua_push_interface(L, ifp);
	return 1;
}

static int
vn_lua_set_state(lua_State *L)
{
	struct vn_interface *ifp = vn_lua_check_if(L, 1);
	int rc;

	luaL_checktype(L, 2, LUA_TBOOLEAN);
	rc = vn_interface_set_admin(ifp->if_index, lua_toboolean(L, 2));
	if (rc < 0)
		return luaL_error(L, "set_state %s: %s", ifp->name, vn_lua_errstr(rc));
	return 0;
}

static int
vn_lua_set_mtu(lua_State *L)
{
	struct vn_interface *ifp = vn_lua_check_if(L, 1);
	lua_Integer mtu = luaL_checkinteger(L, 2);
	int rc;

	luaL_argcheck(L, mtu > 0 && mtu <= UINT16_MAX, 2, "MTU out of range");
	rc = vn_interface_set_mtu(ifp->if_index, (uint16_t)mtu);
	if (rc < 0)
		return luaL_error(L, "set_mtu %s %d: %s", ifp->name, (int)mtu, vn_lua_errstr(rc));
	return 0;
}

/* create_host_interface(VETH [, {hw_addr = MAC, rx_queues = N}]): its name. */
static int
vn_lua_create_host_interface(lua_State *L)
{
	const char *veth = luaL_checkstring(L, 1);
	lua_Integer rxq = 1;
	bool has_mac = false;
	uint8_t mac[6];
	uint32_t idx;
	int rc;

	if (!lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TTABLE);
		lua_getfield(L, 2, "rx_queues");
		if (!lua_isnil(L, -1))
			rxq = luaL_checkinteger(L, -1);
		lua_pop(L, 1);
		luaL_argcheck(L, rxq >= 1 && rxq <= 16, 2, "rx_queues out of range (1-16)");
		lua_getfield(L, 2, "hw_addr");
		if (!lua_isnil(L, -1)) {
			vn_lua_check_mac(L, lua_gettop(L), mac);
			has_mac = true;
		}
		lua_pop(L, 1);
	}
	rc = vn_hostif_create(veth, has_mac ? mac : NULL, (uint16_t)rxq, &idx);
	if (rc < 0)
		return luaL_error(L, "create_host_interface %s: %s", veth,
				  rc == -ENODEV ? "Linux has no such interface" : vn_lua_errstr(rc));
	lua_pushstring(L, vn_interface_get(idx)->name);
	return 1;
}

static int
vn_lua_delete_host_interface(lua_State *L)
{
	const char *veth = luaL_checkstring(L, 1);
	int rc = vn_hostif_delete(veth);

	if (rc < 0)
		return luaL_error(L, "delete_host_interface %s: %s", veth,
				  rc == -ENOENT ? "no such host interface" : vn_lua_errstr(rc));
	return 0;
}

static int
vn_lua_address(lua_State *L, bool is_add)
{
	struct vn_interface *ifp = vn_lua_check_if(L, 1);
	struct vn_ip_prefix p = vn_lua_check_prefix_any(L, 2, false);
	char buf[VN_PREFIX6_STRLEN];
	int rc;

	rc = vn_ip_if_addr_apply(ifp->if_index, &p, !is_add);
	if (rc < 0)
		return luaL_error(L, "%s %s %s: %s", is_add ? "add_address" : "del_address",
				  ifp->name, vn_ip_prefix_fmt(&p, buf), vn_lua_ip_errstr(rc));
	return 0;
}

static int
vn_lua_add_address(lua_State *L)
{
	return vn_lua_address(L, true);
}

static int
vn_lua_del_address(lua_State *L)
{
	return vn_lua_address(L, false);
}

/* --- routes ------------------------------------------------------------------------ */

/* route_add(prefix, via [, ifname]): via is "drop", an address, or an array of them. */
static int
vn_lua_route_add(lua_State *L)
{
	struct vn_ip_prefix p = vn_lua_check_prefix_any(L, 1, true);
	struct vn_ip_path paths[VN_ECMP_MAX_PATHS];
	uint32_t if_index = vn_lua_opt_if_index(L, 3);
	uint32_t n_paths = 0;
	char buf[VN_PREFIX6_STRLEN];
	bool is_drop = false;
	int rc;

	if (lua_type(L, 2) == LUA_TSTRING && strcmp(lua_tostring(L, 2), "drop") == 0) {
		is_drop = true;
		luaL_argcheck(L, if_index == VN_IF_ANY, 3, "a drop route takes no interface");
	} else if (lua_type(L, 2) == LUA_TSTRING) {
		paths[n_paths++] = (struct vn_ip_path){vn_lua_check_addr(L, 2, p.af), if_index};
	} else if (lua_type(L, 2) == LUA_TTABLE) {
		lua_Unsigned n = lua_rawlen(L, 2);

		luaL_argcheck(L, n >= 1 && n <= VN_ECMP_MAX_PATHS, 2,
			      lua_pushfstring(L, "1 to %d next hops expected", VN_ECMP_MAX_PATHS));
		for (lua_Unsigned i = 1; i <= n; i++) {
			const char *s;

			lua_rawgeti(L, 2, (lua_Integer)i);
			s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
			if (s == NULL || vn_lua_parse_addr(s, p.af, &paths[n_paths].via) < 0)
				return luaL_argerror(
					L, 2,
					lua_pushfstring(L, "next hop %d: %s address expected, got %s",
							(int)i, vn_lua_af_name(p.af),
							s ? s : luaL_typename(L, -1)));
			lua_pop(L, 1);
			paths[n_paths++].if_index = if_index;
		}
	} else {
		return luaL_typeerror(L, 2, "\"drop\", an address or an array of addresses");
	}
	rc = vn_ip_route_apply(&p, paths, n_paths, is_drop, false);
	if (rc < 0)
		return luaL_error(L, "route_add %s: %s", vn_ip_prefix_fmt(&p, buf),
				  vn_lua_ip_errstr(rc));
	return 0;
}

/* route_del(prefix [, via [, ifname]]): the whole route, or one path. */
static int
vn_lua_route_del(lua_State *L)
{
	struct vn_ip_prefix p = vn_lua_check_prefix_any(L, 1, true);
	bool has_path = !lua_isnoneornil(L, 2);
	struct vn_ip_path path = {.if_index = VN_IF_ANY};
	char buf[VN_PREFIX6_STRLEN];
	int rc;

	if (has_path) {
		path.via = vn_lua_check_addr(L, 2, p.af);
		path.if_index = vn_lua_opt_if_index(L, 3);
	}
	rc = vn_ip_route_apply(&p, &path, has_path, false, true);
	if (rc < 0)
		return luaL_error(L, "route_del %s: %s", vn_ip_prefix_fmt(&p, buf),
				  vn_lua_ip_errstr(rc));
	return 0;
}

/* Appends one walked entry to the array at index 1: protected, see the file comment. */
static int
vn_lua_append_route(lua_State *L)
{
	const struct vn_route_info *r = lua_touserdata(L, 2);

	vn_lua_push_route(L, r);
	lua_rawseti(L, 1, (lua_Integer)lua_rawlen(L, 1) + 1);
	return 0;
}

static int
vn_lua_append_neighbor(lua_State *L)
{
	const struct vn_nbr *n = lua_touserdata(L, 2);

	vn_lua_push_neighbor(L, n);
	lua_rawseti(L, 1, (lua_Integer)lua_rawlen(L, 1) + 1);
	return 0;
}

struct vn_lua_walk {
	lua_State *L;
	int table; /* stack index of the result array */
	lua_CFunction append;
	bool is_failed; /* error object left on the stack */
};

static bool
vn_lua_walk_append(struct vn_lua_walk *w, const void *entry)
{
	lua_State *L = w->L;

	if (w->is_failed)
		return false;
	lua_pushcfunction(L, w->append);
	lua_pushvalue(L, w->table);
	lua_pushlightuserdata(L, (void *)entry);
	if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
		w->is_failed = true;
		return false;
	}
	return true;
}

static int
vn_lua_route_cb(const struct vn_route_info *r, void *ctx)
{
	return vn_lua_walk_append(ctx, r) ? 0 : 1;
}

static void
vn_lua_neighbor_cb(const struct vn_nbr *n, void *ctx)
{
	vn_lua_walk_append(ctx, n);
}

static int
vn_lua_routes(lua_State *L)
{
	struct vn_lua_walk w = {.L = L, .append = vn_lua_append_route};
	int rc;

	lua_createtable(L, (int)VN_MIN(vn_fib_route_count(), 1u << 20), 0);
	w.table = lua_gettop(L);
	rc = vn_fib_walk(vn_lua_route_cb, &w);
	if (w.is_failed)
		return lua_error(L);
	if (rc < 0)
		return luaL_error(L, "routes: %s", vn_lua_errstr(rc));
	return 1;
}

static int
vn_lua_route_count(lua_State *L)
{
	lua_pushinteger(L, vn_fib_route_count());
	return 1;
}

/* Exact route for a prefix, or nil. */
static int
vn_lua_route(lua_State *L)
{
	struct vn_prefix p = vn_lua_check_prefix(L, 1, true);
	struct vn_route_info ri;

	if (vn_fib_get(&p, &ri) < 0)
		lua_pushnil(L);
	else
		vn_lua_push_route(L, &ri);
	return 1;
}

/* Longest-prefix match for an address, or nil. */
static int
vn_lua_route_lookup(lua_State *L)
{
	uint32_t addr = vn_lua_check_ip4(L, 1);
	struct vn_route_info ri;

	if (vn_fib_lookup(addr, &ri) < 0)
		lua_pushnil(L);
	else
		vn_lua_push_route(L, &ri);
	return 1;
}

/* --- neighbours -------------------------------------------------------------------- */

/* neighbor_set(ifname, address, mac [, static = true]) */
static int
vn_lua_neighbor_set(lua_State *L)
{
	struct vn_interface *ifp = vn_lua_check_if(L, 1);
	uint8_t af = vn_lua_af_of(L, 2);
	union vn_nbr_addr a = vn_lua_check_addr(L, 2, af);
	char buf[VN_IP6_STRLEN];
	bool is_static = true;
	uint8_t mac[6];
	int rc;

	vn_lua_check_mac(L, 3, mac);
	if (!lua_isnoneornil(L, 4)) {
		luaL_checktype(L, 4, LUA_TBOOLEAN);
		is_static = lua_toboolean(L, 4);
	}
	rc = vn_nbr_set(af, ifp->if_index, &a, mac, is_static);
	if (rc < 0)
		return luaL_error(L, "neighbor_set %s %s: %s", ifp->name,
				  vn_fmt_nbr_addr(af, &a, buf), vn_lua_ip_errstr(rc));
	return 0;
}

static int
vn_lua_neighbor_del(lua_State *L)
{
	struct vn_interface *ifp = vn_lua_check_if(L, 1);
	uint8_t af = vn_lua_af_of(L, 2);
	union vn_nbr_addr a = vn_lua_check_addr(L, 2, af);
	char buf[VN_IP6_STRLEN];
	int rc;

	rc = vn_nbr_del(af, ifp->if_index, &a);
	if (rc < 0)
		return luaL_error(L, "neighbor_del %s %s: %s", ifp->name,
				  vn_fmt_nbr_addr(af, &a, buf), vn_lua_ip_errstr(rc));
	return 0;
}

/* The neighbours of one family: { {interface=, address=, mac=, static=}, ... } */
static int
vn_lua_neighbors_of(lua_State *L, uint8_t af)
{
	struct vn_lua_walk w = {.L = L, .append = vn_lua_append_neighbor};

	lua_createtable(L, (int)VN_MIN(vn_nbr_count(af), 1u << 20), 0);
	w.table = lua_gettop(L);
	vn_nbr_walk(af, vn_lua_neighbor_cb, &w);
	if (w.is_failed)
		return lua_error(L);
	return 1;
}

static int
vn_lua_neighbors(lua_State *L)
{
	return vn_lua_neighbors_of(L, VN_NBR_IP4);
}

static int
vn_lua_neighbors6(lua_State *L)
{
	return vn_lua_neighbors_of(L, VN_NBR_IP6);
}

/* Registered in the order vecnet.* lists them. */
VN_LUA_FUNCTION(interfaces) = {.name = "interfaces", .fn = vn_lua_interfaces};
VN_LUA_FUNCTION(interface) = {.name = "interface", .fn = vn_lua_interface};
VN_LUA_FUNCTION(set_state) = {.name = "set_state", .fn = vn_lua_set_state};
VN_LUA_FUNCTION(set_mtu) = {.name = "set_mtu", .fn = vn_lua_set_mtu};
VN_LUA_FUNCTION(create_host_interface) = {.name = "create_host_interface",
					  .fn = vn_lua_create_host_interface};
VN_LUA_FUNCTION(delete_host_interface) = {.name = "delete_host_interface",
					  .fn = vn_lua_delete_host_interface};
VN_LUA_FUNCTION(add_address) = {.name = "add_address", .fn = vn_lua_add_address};
VN_LUA_FUNCTION(del_address) = {.name = "del_address", .fn = vn_lua_del_address};
VN_LUA_FUNCTION(route_add) = {.name = "route_add", .fn = vn_lua_route_add};
VN_LUA_FUNCTION(route_del) = {.name = "route_del", .fn = vn_lua_route_del};
VN_LUA_FUNCTION(routes) = {.name = "routes", .fn = vn_lua_routes};
VN_LUA_FUNCTION(route) = {.name = "route", .fn = vn_lua_route};
VN_LUA_FUNCTION(route_lookup) = {.name = "route_lookup", .fn = vn_lua_route_lookup};
VN_LUA_FUNCTION(route_count) = {.name = "route_count", .fn = vn_lua_route_count};
VN_LUA_FUNCTION(neighbor_set) = {.name = "neighbor_set", .fn = vn_lua_neighbor_set};
VN_LUA_FUNCTION(neighbor_del) = {.name = "neighbor_del", .fn = vn_lua_neighbor_del};
VN_LUA_FUNCTION(neighbors) = {.name = "neighbors", .fn = vn_lua_neighbors};
VN_LUA_FUNCTION(neighbors6) = {.name = "neighbors6", .fn = vn_lua_neighbors6};
