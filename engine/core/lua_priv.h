/* Between the Lua state (lua.c) and the vecnet module (lua_vecnet.c). */
#ifndef VN_LUA_PRIV_H
#define VN_LUA_PRIV_H

#include <lua.h>
#include <vecnet/lua.h>

/* Limits for the following outermost runs (0 keeps the current value); tests use
 * small ones. Defaults are the VN_LUA_* values above. */
void vn_lua_set_limits(uint64_t max_instructions, uint32_t timeout_ms, size_t max_bytes);
/* Closes the state (its globals are lost); the next run creates a new one. */
void vn_lua_fini(void);

/* luaL_requiref opener of the `vecnet` module. */
int vn_lua_open_vecnet(lua_State *L);

#endif
