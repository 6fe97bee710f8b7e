/*
 * IPv6 in the `vecnet` Lua module: the same functions as IPv4 (add_address,
 * route_add, neighbor_set, ...), lua_net.c handing over when the address is
 * IPv6; errors read as theirs ("route_add 2001:db8::/32: <reason>").
 * vecnet.routes6() lists the IPv6 routes, vecnet.neighbors6() the IPv6
 * neighbours, as tables like their IPv4 counterparts.
 */
#define VN_LOG_MOD "lua"
#include <errno.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include <vecnet/lua.h>
#include <vecnet/net/fib6.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor6.h>

#include "net/lua_ip6.h"

bool
vn_lua_is_ip6(lua_State *L, int arg)
{
	return lua_type(L, arg) == LUA_TSTRING && strchr(lua_tostring(L, arg), ':') != NULL;
}

static const char *
errstr6(int rc)
{
	switch (rc) {
	case -ENOENT:
		return "no such entry";
	case -EEXIST:
		return "already exists";
	case -EINVAL:
		return "invalid";
	case -ENETUNREACH:
		return "next hop not on a connected prefix";
	case -EPERM:
		return "a connected or local route";
	default:
		return strerror(-rc);
	}
}

static struct vn_ip6
check_ip6(lua_State *L, int arg)
{
	const char *s = luaL_checkstring(L, arg);
	struct vn_ip6 a = {0};

	if (vn_parse_ip6(s, &a) < 0)
		luaL_argerror(L, arg, lua_pushfstring(L, "invalid IPv6 address '%s'", s));
	return a;
}

static struct vn_prefix6
check_prefix6(lua_State *L, int arg, bool mask_host)
{
	const char *s = luaL_checkstring(L, arg);
	struct vn_prefix6 p = {0};

	if (vn_parse_prefix6(s, &p) < 0)
		luaL_argerror(L, arg, lua_pushfstring(L, "invalid prefix '%s'", s));
	if (mask_host)
		vn_ip6_mask(&p.addr, p.len);
	return p;
}

static uint32_t
opt_if_index(lua_State *L, int arg)
{
	const char *name;
	struct vn_interface *ifp;

	if (lua_isnoneornil(L, arg))
		return VN_IF_ANY;
	name = luaL_checkstring(L, arg);
	ifp = vn_interface_by_name(name);
	if (!ifp)
		luaL_argerror(L, arg, lua_pushfstring(L, "unknown interface '%s'", name));
	return ifp->if_index;
}

int
vn_lua_address6(lua_State *L, uint32_t if_index, const char *ifname, bool is_add)
{
	struct vn_prefix6 p = check_prefix6(L, 2, false);
	char buf[VN_PREFIX6_STRLEN];
	int rc;

	rc = is_add ? vn_interface_addr6_add(if_index, &p) : vn_interface_addr6_del(if_index, &p);
	if (rc < 0)
		return luaL_error(L, "%s %s %s: %s", is_add ? "add_address" : "del_address", ifname,
				  vn_fmt_prefix6(&p, buf), errstr6(rc));
	return 0;
}

int
vn_lua_route_add6(lua_State *L)
{
	struct vn_prefix6 p = check_prefix6(L, 1, true);
	struct vn_route6_path paths[VN_ECMP_MAX_PATHS];
	uint32_t if_index = opt_if_index(L, 3), n_paths = 0;
	char buf[VN_PREFIX6_STRLEN];
	bool is_drop = false;
	int rc;

	if (lua_type(L, 2) == LUA_TSTRING && strcmp(lua_tostring(L, 2), "drop") == 0) {
		is_drop = true;
	} else if (lua_type(L, 2) == LUA_TSTRING) {
		paths[n_paths++] = (struct vn_route6_path){.via = check_ip6(L, 2), .if_index = if_index};
	} else if (lua_type(L, 2) == LUA_TTABLE) {
		lua_Unsigned n = lua_rawlen(L, 2);

		luaL_argcheck(L, n >= 1 && n <= VN_ECMP_MAX_PATHS, 2, "1 to 16 next hops expected");
		for (lua_Unsigned i = 1; i <= n; i++) {
			lua_rawgeti(L, 2, (lua_Integer)i);
			const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
			struct vn_ip6 via;
			if (s == NULL || vn_parse_ip6(s, &via) < 0)
				return luaL_argerror(L, 2,
						     lua_pushfstring(L, "next hop %d: IPv6 address "
									"expected",
								     (int)i));
			lua_pop(L, 1);
			paths[n_paths++] = (struct vn_route6_path){.via = via, .if_index = if_index};
		}
	} else {
		return luaL_typeerror(L, 2, "\"drop\", an address or an array of addresses");
	}
	rc = is_drop ? vn_route6_add_drop(&p) : vn_route6_add(&p, paths, n_paths);
	if (rc < 0)
		return luaL_error(L, "route_add %s: %s", vn_fmt_prefix6(&p, buf), errstr6(rc));
	return 0;
}

int
vn_lua_route_del6(lua_State *L)
{
	struct vn_prefix6 p = check_prefix6(L, 1, true);
	struct vn_route6_path path = {.if_index = VN_IF_ANY};
	bool has_path = !lua_isnoneornil(L, 2);
	char buf[VN_PREFIX6_STRLEN];
	int rc;

	if (has_path) {
		path.via = check_ip6(L, 2);
		path.if_index = opt_if_index(L, 3);
	}
	rc = vn_route6_del(&p, has_path ? &path : NULL);
	if (rc < 0)
		return luaL_error(L, "route_del %s: %s", vn_fmt_prefix6(&p, buf), errstr6(rc));
	return 0;
}

int
vn_lua_neighbor_set6(lua_State *L, uint32_t if_index, const char *ifname)
{
	struct vn_ip6 a = check_ip6(L, 2);
	const char *s = luaL_checkstring(L, 3);
	char buf[VN_IP6_STRLEN];
	bool is_static = true;
	uint8_t mac[6];
	int rc;

	if (vn_parse_mac(s, mac) < 0)
		return luaL_argerror(L, 3, lua_pushfstring(L, "invalid MAC address '%s'", s));
	if (!lua_isnoneornil(L, 4)) {
		luaL_checktype(L, 4, LUA_TBOOLEAN);
		is_static = lua_toboolean(L, 4);
	}
	rc = vn_neighbor6_set(if_index, &a, mac, is_static);
	if (rc < 0)
		return luaL_error(L, "neighbor_set %s %s: %s", ifname, vn_fmt_ip6(&a, buf),
				  errstr6(rc));
	return 0;
}

int
vn_lua_neighbor_del6(lua_State *L, uint32_t if_index, const char *ifname)
{
	struct vn_ip6 a = check_ip6(L, 2);
	char buf[VN_IP6_STRLEN];
	int rc = vn_neighbor6_del(if_index, &a);

	if (rc < 0)
		return luaL_error(L, "neighbor_del %s %s: %s", ifname, vn_fmt_ip6(&a, buf),
				  errstr6(rc));
	return 0;
}

/* --- listings: plain tables, built after the walk (nothing can longjmp through it) -- */
struct route6_list {
	struct vn_route6_info *r;
	uint32_t n, cap;
};

static int
route6_collect(const struct vn_route6_info *r, void *ctx)
{
	struct route6_list *l = ctx;

	if (l->n == l->cap) {
		uint32_t cap = l->cap ? l->cap * 2 : 64;
		struct vn_route6_info *nr = realloc(l->r, cap * sizeof(*nr));
		if (!nr)
			return -ENOMEM;
		l->r = nr;
		l->cap = cap;
	}
	l->r[l->n++] = *r;
	return 0;
}

static const char *const source_names[] = {
	[VN_ROUTE_STATIC] = "static",
	[VN_ROUTE_CONNECTED] = "connected",
	[VN_ROUTE_LOCAL] = "local",
	[VN_ROUTE_HOST] = "neighbor",
};

/* vecnet.routes6(): { {prefix=, source=, drop=, via={...}}, ... } */
static int
vn_lua_routes6(lua_State *L)
{
	struct route6_list l = {0};
	char buf[VN_PREFIX6_STRLEN];

	if (vn_fib6_walk(route6_collect, &l) != 0) {
		free(l.r);
		return luaL_error(L, "routes6: out of memory");
	}
	lua_createtable(L, (int)l.n, 0);
	for (uint32_t i = 0; i < l.n; i++) {
		const struct vn_route6_info *r = &l.r[i];

		lua_createtable(L, 0, 4);
		lua_pushstring(L, vn_fmt_prefix6(&r->prefix, buf));
		lua_setfield(L, -2, "prefix");
		lua_pushstring(L, source_names[r->source]);
		lua_setfield(L, -2, "source");
		lua_pushboolean(L, r->is_drop);
		lua_setfield(L, -2, "drop");
		lua_createtable(L, (int)r->n_paths, 0);
		for (uint32_t k = 0; k < r->n_paths && r->source == VN_ROUTE_STATIC; k++) {
			lua_pushstring(L, vn_fmt_ip6(&r->paths[k].via, buf));
			lua_rawseti(L, -2, (lua_Integer)k + 1);
		}
		lua_setfield(L, -2, "via");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	free(l.r);
	return 1;
}

struct nbr6_list {
	struct vn_neighbor6_info *n;
	uint32_t count, cap;
	bool failed;
};

static void
nbr6_collect(const struct vn_neighbor6_info *n, void *ctx)
{
	struct nbr6_list *l = ctx;

	if (l->count == l->cap) {
		uint32_t cap = l->cap ? l->cap * 2 : 64;
		struct vn_neighbor6_info *nn = realloc(l->n, cap * sizeof(*nn));
		if (!nn) {
			l->failed = true;
			return;
		}
		l->n = nn;
		l->cap = cap;
	}
	l->n[l->count++] = *n;
}

/* vecnet.neighbors6(): { {interface=, address=, mac=, static=}, ... } */
static int
vn_lua_neighbors6(lua_State *L)
{
	struct nbr6_list l = {0};
	char ip[VN_IP6_STRLEN], mac[18];

	vn_neighbor6_walk(nbr6_collect, &l);
	if (l.failed) {
		free(l.n);
		return luaL_error(L, "neighbors6: out of memory");
	}
	lua_createtable(L, (int)l.count, 0);
	for (uint32_t i = 0; i < l.count; i++) {
		const struct vn_interface *ifp = vn_interface_get(l.n[i].if_index);

		lua_createtable(L, 0, 4);
		lua_pushstring(L, ifp ? ifp->name : "?");
		lua_setfield(L, -2, "interface");
		lua_pushstring(L, vn_fmt_ip6(&l.n[i].addr, ip));
		lua_setfield(L, -2, "address");
		lua_pushstring(L, vn_fmt_mac(l.n[i].mac, mac));
		lua_setfield(L, -2, "mac");
		lua_pushboolean(L, l.n[i].is_static);
		lua_setfield(L, -2, "static");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	free(l.n);
	return 1;
}

VN_LUA_FUNCTION(routes6) = {.name = "routes6", .fn = vn_lua_routes6};
VN_LUA_FUNCTION(neighbors6) = {.name = "neighbors6", .fn = vn_lua_neighbors6};
