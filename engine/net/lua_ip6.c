/*
 * vecnet.routes6() in the `vecnet` Lua module: the IPv6 routes as a table
 * like vecnet.routes(). The functions that change addresses, routes and
 * neighbours, and vecnet.neighbors()/neighbors6(), are in lua_net.c for both
 * families.
 */
#define VN_LOG_MOD "lua"
#include <errno.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include <vecnet/lua.h>
#include <vecnet/net/fib6.h>

#include "net/cli_ip.h"

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
		lua_pushstring(L, vn_route_source_name(r->source));
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

VN_LUA_FUNCTION(routes6) = {.name = "routes6", .fn = vn_lua_routes6};
