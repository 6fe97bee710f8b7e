/*
 * The Lua state behind `lua run`, `lua eval` and `.lua` exec entries: one
 * lua_State on the main thread for the engine's life, so globals persist
 * between calls. Every run goes through lua_pcall with a message handler that
 * appends a traceback; nothing here may raise outside a protected call, since
 * an unprotected Lua error would abort() the engine through the panic handler.
 *
 * Limits (see vecnet/lua.h): a count hook runs every VN_LUA_HOOK_COUNT VM
 * instructions, adds them up and reads the clock. Once the outermost run is
 * over its budget the hook raises, then re-arms itself on every instruction,
 * so a script that catches the error with pcall is stopped at its next
 * instruction outside the pcall. A custom allocator caps the state's memory;
 * Lua turns a refused allocation into a LUA_ERRMEM error after a full GC.
 * Scripts run in a sandbox (vn_lua_setup): the vecnet module is their only
 * way out of the state.
 */
#define _GNU_SOURCE
#define VN_LOG_MOD "lua"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include <vecnet/cli.h>
#include <vecnet/lua.h>

#include "core/lua_priv.h"

#define VN_LUA_HOOK_COUNT 10000 /* instructions between two budget checks */
#define VN_LUA_DEPTH_MAX 8 /* lua eval -> vecnet.cli("lua eval ...") -> ... */
#define VN_LUA_EVAL_CHUNK "=eval"

struct vn_lua {
	lua_State *L;
	size_t n_bytes; /* held by the state now */
	/* limits, applied from the next outermost run */
	size_t max_bytes;
	uint64_t max_instructions;
	uint32_t timeout_ms;
	/* the run in progress */
	unsigned depth; /* nested runs (vecnet.cli running lua) */
	uint64_t n_instructions; /* counted by the hook since the outermost run began */
	uint64_t deadline_ns; /* CLOCK_MONOTONIC */
	bool is_aborted; /* over budget: every hook raises until the outermost run ends */
	char abort_reason[64];
	struct vn_cli_out *out; /* where print() writes: the innermost run's output */
};

static struct vn_lua vn_lua = {
	.max_bytes = VN_LUA_MAX_BYTES,
	.max_instructions = VN_LUA_MAX_INSTRUCTIONS,
	.timeout_ms = VN_LUA_TIMEOUT_MS,
};

static uint64_t
vn_lua_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* lua_Alloc with a ceiling. When ptr is NULL, osize encodes a type, not a size. */
static void *
vn_lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct vn_lua *s = ud;
	void *p;

	if (ptr == NULL)
		osize = 0;
	if (nsize == 0) {
		free(ptr);
		s->n_bytes -= osize;
		return NULL;
	}
	if (nsize > osize && s->n_bytes + (nsize - osize) > s->max_bytes)
		return NULL;
	p = realloc(ptr, nsize);
	if (p != NULL)
		s->n_bytes = s->n_bytes - osize + nsize;
	return p;
}

static void
vn_lua_hook(lua_State *L, lua_Debug *ar)
{
	struct vn_lua *s = &vn_lua;

	if (s->depth == 0)
		return; /* finalizers run by a GC outside any run: nothing to limit */
	if (!s->is_aborted) {
		/* A coroutine left armed per instruction by an earlier abort goes back to normal. */
		if (lua_gethookcount(L) != VN_LUA_HOOK_COUNT)
			lua_sethook(L, vn_lua_hook, LUA_MASKCOUNT, VN_LUA_HOOK_COUNT);
		s->n_instructions += VN_LUA_HOOK_COUNT;
		if (s->n_instructions > s->max_instructions)
			snprintf(s->abort_reason, sizeof(s->abort_reason),
				 "more than %llu instructions",
				 (unsigned long long)s->max_instructions);
		else if (vn_lua_now_ns() > s->deadline_ns)
			snprintf(s->abort_reason, sizeof(s->abort_reason), "running longer than %u ms",
				 s->timeout_ms);
		else
			return;
		s->is_aborted = true;
	}
	lua_sethook(L, vn_lua_hook, LUA_MASKCOUNT, 1);
	lua_getinfo(L, "Sl", ar);
	lua_pushfstring(L, "%s:%d: script aborted: %s", ar->short_src, ar->currentline,
			s->abort_reason);
	lua_error(L);
}

/* print(...) into the output of the command running the script. */
static int
vn_lua_print(lua_State *L)
{
	int n = lua_gettop(L);
	luaL_Buffer b;

	luaL_buffinit(L, &b);
	for (int i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addchar(&b, '\t');
		luaL_tolstring(L, i, NULL);
		luaL_addvalue(&b);
	}
	luaL_addchar(&b, '\n');
	luaL_pushresult(&b);
	if (vn_lua.out != NULL)
		vn_cli_printf(vn_lua.out, "%s", lua_tostring(L, -1));
	else
		VN_INFO("%s", lua_tostring(L, -1));
	return 0;
}

static int
vn_lua_os_exit(lua_State *L)
{
	return luaL_error(L, "os.exit is not allowed: a script cannot stop the engine");
}

/* Adds a traceback to an error message, as the lua interpreter does. */
static int
vn_lua_msgh(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);

	if (msg == NULL) {
		if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
			msg = lua_tostring(L, -1);
		else
			msg = lua_pushfstring(L, "(error object is a %s value)",
					      luaL_typename(L, 1));
	}
	luaL_traceback(L, L, msg, 1);
	return 1;
}

/* load() as the base library's, but text only: a crafted binary chunk can
 * crash the VM (the same reason `lua run` loads text only). */
static int
vn_lua_load_text(lua_State *L)
{
	int n = lua_gettop(L) < 4 ? 3 : 4; /* env only when given: a nil env is an env */

	lua_settop(L, n);
	lua_pushliteral(L, "t");
	lua_replace(L, 3);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, n, LUA_MULTRET);
	return lua_gettop(L);
}

/*
 * The sandbox (docs/security.md). A script may change the engine through the
 * vecnet module and nothing else: no io, no package (require, loadlib: native
 * code), no debug (sethook would lift the limits), from os only the clock
 * and the date, no dofile or loadfile (files other than the one `lua run` is
 * given), load() of text only. A script that wants data brings it in its
 * own source.
 */
static const luaL_Reg vn_lua_libs[] = {
	{LUA_GNAME, luaopen_base},	  {LUA_COLIBNAME, luaopen_coroutine},
	{LUA_TABLIBNAME, luaopen_table},  {LUA_STRLIBNAME, luaopen_string},
	{LUA_MATHLIBNAME, luaopen_math}, {LUA_UTF8LIBNAME, luaopen_utf8},
	{NULL, NULL},
};
static const char *const vn_lua_os_kept[] = {"clock", "date", "difftime", "time", NULL};
static const char *const vn_lua_base_removed[] = {"dofile", "loadfile", NULL};

/* os with only what reads the clock; os.exit says why it is not there. */
static void
vn_lua_open_os(lua_State *L)
{
	luaL_requiref(L, LUA_OSLIBNAME, luaopen_os, 0); /* the full one, not global */
	lua_newtable(L);
	for (const char *const *k = vn_lua_os_kept; *k; k++) {
		lua_getfield(L, -2, *k);
		lua_setfield(L, -2, *k);
	}
	lua_pushcfunction(L, vn_lua_os_exit);
	lua_setfield(L, -2, "exit");
	lua_setglobal(L, LUA_OSLIBNAME);
	lua_pop(L, 1);
}

/* Libraries and overrides, run protected: opening them allocates. */
static int
vn_lua_setup(lua_State *L)
{
	for (const luaL_Reg *lib = vn_lua_libs; lib->func; lib++) {
		luaL_requiref(L, lib->name, lib->func, 1);
		lua_pop(L, 1);
	}
	vn_lua_open_os(L);
	for (const char *const *k = vn_lua_base_removed; *k; k++) {
		lua_pushnil(L);
		lua_setglobal(L, *k);
	}
	lua_getglobal(L, "load");
	lua_pushcclosure(L, vn_lua_load_text, 1);
	lua_setglobal(L, "load");
	lua_register(L, "print", vn_lua_print);
	luaL_requiref(L, "vecnet", vn_lua_open_vecnet, 1);
	lua_pop(L, 1);
	return 0;
}

static int
vn_lua_panic(lua_State *L)
{
	const char *msg = lua_tostring(L, -1);

	VN_ERR("unprotected Lua error: %s", msg != NULL ? msg : "?");
	return 0; /* Lua aborts the process after this */
}

static int
vn_lua_open(struct vn_cli_out *out)
{
	lua_State *L = lua_newstate(vn_lua_alloc, &vn_lua);

	if (L == NULL)
		return vn_cli_error(out, "lua: cannot create a state: out of memory");
	lua_atpanic(L, vn_lua_panic);
	lua_pushcfunction(L, vn_lua_setup);
	if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
		vn_cli_error(out, "lua: cannot open the libraries: %s", lua_tostring(L, -1));
		lua_close(L);
		return -1;
	}
	/* Coroutines inherit the hook of the thread that creates them. */
	lua_sethook(L, vn_lua_hook, LUA_MASKCOUNT, VN_LUA_HOOK_COUNT);
	vn_lua.L = L;
	return 0;
}

/* Starts a run writing to out; *saved_out and *saved_top restore the outer one. */
static lua_State *
vn_lua_enter(struct vn_cli_out *out, struct vn_cli_out **saved_out, int *saved_top)
{
	struct vn_lua *s = &vn_lua;

	if (s->L == NULL && vn_lua_open(out) < 0)
		return NULL;
	if (s->depth >= VN_LUA_DEPTH_MAX) {
		vn_cli_error(out, "lua: scripts nested more than %d deep", VN_LUA_DEPTH_MAX);
		return NULL;
	}
	if (s->depth == 0) {
		s->n_instructions = 0;
		s->deadline_ns = vn_lua_now_ns() + (uint64_t)s->timeout_ms * 1000000ull;
		s->is_aborted = false;
	}
	s->depth++;
	*saved_out = s->out;
	s->out = out;
	*saved_top = lua_gettop(s->L);
	return s->L;
}

static void
vn_lua_leave(struct vn_cli_out *saved_out, int saved_top)
{
	struct vn_lua *s = &vn_lua;

	lua_settop(s->L, saved_top);
	s->out = saved_out;
	if (--s->depth == 0 && s->is_aborted) {
		s->is_aborted = false;
		lua_sethook(s->L, vn_lua_hook, LUA_MASKCOUNT, VN_LUA_HOOK_COUNT);
	}
}

/* Reports the error on top of the stack of a failed load or call. */
static int
vn_lua_report(lua_State *L, int rc, const char *name, struct vn_cli_out *out)
{
	const char *msg;

	if (rc == LUA_ERRMEM) {
		/* Whatever the script still references stays: collect the rest now. */
		lua_gc(L, LUA_GCCOLLECT);
		return vn_cli_error(out, "%s: not enough memory (a script may use at most %zu MiB)",
				    name, vn_lua.max_bytes >> 20);
	}
	msg = lua_tostring(L, -1);
	return vn_cli_error(out, "%s", msg != NULL ? msg : "unknown Lua error");
}

/* Calls the chunk on top of the stack; its results stay on the stack above base. */
static int
vn_lua_call(lua_State *L, int n_results, const char *name, struct vn_cli_out *out)
{
	int base = lua_gettop(L);
	int rc;

	lua_pushcfunction(L, vn_lua_msgh);
	lua_insert(L, base);
	rc = lua_pcall(L, 0, n_results, base);
	lua_remove(L, base);
	if (rc != LUA_OK)
		return vn_lua_report(L, rc, name, out);
	return 0;
}

int
vn_lua_run_file(const char *path, struct vn_cli_out *out)
{
	struct vn_cli_out *saved_out;
	int saved_top, rc;
	lua_State *L;

	L = vn_lua_enter(out, &saved_out, &saved_top);
	if (L == NULL)
		return -1;
	/* Text only: a crafted binary chunk can crash the VM. */
	rc = luaL_loadfilex(L, path, "t");
	if (rc != LUA_OK)
		rc = vn_lua_report(L, rc, path, out);
	else
		rc = vn_lua_call(L, 0, path, out);
	vn_lua_leave(saved_out, saved_top);
	return rc;
}

int
vn_lua_eval(const char *code, struct vn_cli_out *out)
{
	struct vn_cli_out *saved_out;
	int saved_top, top, rc;
	char *expr = NULL;
	lua_State *L;

	L = vn_lua_enter(out, &saved_out, &saved_top);
	if (L == NULL)
		return -1;
	/* As the lua REPL: an expression first, so `lua eval 1+2` prints 3; else a statement. */
	rc = LUA_ERRSYNTAX;
	if (asprintf(&expr, "return %s", code) >= 0)
		rc = luaL_loadbufferx(L, expr, strlen(expr), VN_LUA_EVAL_CHUNK, "t");
	free(expr);
	if (rc != LUA_OK) {
		lua_settop(L, saved_top);
		rc = luaL_loadbufferx(L, code, strlen(code), VN_LUA_EVAL_CHUNK, "t");
	}
	if (rc != LUA_OK) {
		rc = vn_lua_report(L, rc, "eval", out);
		goto done;
	}
	rc = vn_lua_call(L, LUA_MULTRET, "eval", out);
	top = lua_gettop(L);
	if (rc == 0 && top > saved_top) {
		/* print(results...), protected: __tostring metamethods run script code. */
		lua_pushcfunction(L, vn_lua_print);
		lua_insert(L, saved_top + 1);
		lua_pushcfunction(L, vn_lua_msgh);
		lua_insert(L, saved_top + 1);
		rc = lua_pcall(L, top - saved_top, 0, saved_top + 1);
		if (rc != LUA_OK)
			rc = vn_lua_report(L, rc, "eval", out);
	}
done:
	vn_lua_leave(saved_out, saved_top);
	return rc;
}

void
vn_lua_set_limits(uint64_t max_instructions, uint32_t timeout_ms, size_t max_bytes)
{
	if (max_instructions != 0)
		vn_lua.max_instructions = max_instructions;
	if (timeout_ms != 0)
		vn_lua.timeout_ms = timeout_ms;
	if (max_bytes != 0)
		vn_lua.max_bytes = max_bytes;
}

void
vn_lua_fini(void)
{
	if (vn_lua.L == NULL || vn_lua.depth != 0)
		return;
	lua_close(vn_lua.L);
	vn_lua.L = NULL;
}
