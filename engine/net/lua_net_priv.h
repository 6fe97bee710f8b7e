/* What the network layer's Lua files share (engine-private). */
#ifndef VN_LUA_NET_PRIV_H
#define VN_LUA_NET_PRIV_H

#include <lua.h>
#include <vecnet/net/interface.h>

/* The interface named by argument arg, or a Lua argument error. */
struct vn_interface *vn_lua_check_if(lua_State *L, int arg);

#endif
