/* IPv6 halves of the dual-stack Lua functions in lua_net.c: add_address,
 * del_address, route_add, route_del, neighbor_set and neighbor_del hand over
 * here when their address argument is IPv6 (it holds a ':'). */
#ifndef VN_LUA_IP6_H
#define VN_LUA_IP6_H

#include <lua.h>
#include <stdbool.h>

/* True if the argument at arg is a string naming an IPv6 address or prefix. */
bool vn_lua_is_ip6(lua_State *L, int arg);
int vn_lua_address6(lua_State *L, uint32_t if_index, const char *ifname, bool is_add);
int vn_lua_route_add6(lua_State *L);
int vn_lua_route_del6(lua_State *L);
int vn_lua_neighbor_set6(lua_State *L, uint32_t if_index, const char *ifname);
int vn_lua_neighbor_del6(lua_State *L, uint32_t if_index, const char *ifname);

#endif
