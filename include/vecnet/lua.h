/*
 * Lua 5.4 scripting bound to the control API: `lua run FILE`, `lua eval CODE`
 * and `exec:` entries ending in `.lua`. One long-lived lua_State lives on the
 * main thread, so globals persist between calls like a REPL. Scripts see the
 * standard libraries (os.exit refused: a script never stops the engine) and a
 * `vecnet` module calling the same functions as the CLI and the YAML loader.
 *
 * A script error is returned through vn_cli_error() as Lua reports it,
 * `FILE:LINE: message` followed by a traceback; it changes nothing but what the
 * script already did. A runaway script is aborted after VN_LUA_MAX_INSTRUCTIONS
 * Lua instructions or VN_LUA_TIMEOUT_MS of wall-clock time (C work done for it
 * included), and the state is refused more than VN_LUA_MAX_BYTES of memory, so
 * an infinite loop or an unbounded table costs the control plane a bounded stall.
 * Main thread only.
 */
#ifndef VECNET_LUA_H
#define VECNET_LUA_H

#include <vecnet/common.h>

struct vn_cli_out;

#define VN_LUA_MAX_INSTRUCTIONS 1000000000ull
#define VN_LUA_TIMEOUT_MS 30000u
#define VN_LUA_MAX_BYTES (1024ul * 1024 * 1024)

/* Runs the script in path. print() output goes to out. Returns 0, or -1 with the
 * error in out. The state is created on first use. */
int vn_lua_run_file(const char *path, struct vn_cli_out *out);
/* Runs a chunk named "eval". An expression's values are printed, as the lua REPL
 * does (`lua eval 1+2` prints 3). Returns 0, or -1 with the error in out. */
int vn_lua_eval(const char *code, struct vn_cli_out *out);

/* Functions added to the `vecnet` module by plugins (or engine modules):
 *   static int l_hello(lua_State *L) { ... }
 *   VN_LUA_FUNCTION(hello) = { .name = "sample_hello", .fn = l_hello };
 * makes vecnet.sample_hello() available to every script. Register at load time:
 * the module is built when the Lua state is first created. */
struct lua_State;
struct vn_lua_function {
	const char *name;
	int (*fn)(struct lua_State *L);
	struct vn_lua_function *next;
};
void vn_lua_register(struct vn_lua_function *f);
void vn_lua_unregister(struct vn_lua_function *f);

#define VN_LUA_FUNCTION(id) VN_REGISTRATION(vn_lua_function, id, vn_lua_register, vn_lua_unregister)

#endif
