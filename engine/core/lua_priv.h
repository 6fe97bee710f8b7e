/* Between the Lua state (lua.c) and the vecnet module (lua_vecnet.c). */
#ifndef VN_LUA_PRIV_H
#define VN_LUA_PRIV_H

#include <lua.h>

/* luaL_requiref opener of the `vecnet` module. */
int vn_lua_open_vecnet(lua_State *L);

#endif
