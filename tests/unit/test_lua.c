/*
 * Lua scripting: the REPL-like state (output, persistence, errors with file and
 * line, limits), and the vecnet module against the real control API on two
 * virtual interfaces. Every check of a change reads it back through C.
 */
#define _GNU_SOURCE
#include <CUnit/CUnit.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vecnet/cli.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/fib6.h>
#include <vecnet/net/interface.h>
#include <vecnet/lua.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/rcu.h>

#include "vn_test.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define PFX(a, b, c, d, l) ((struct vn_prefix){.addr = IP(a, b, c, d), .len = (l)})

static const uint8_t mac_lan0[6] = {0x02, 0, 0, 0, 0xaa, 0x00};
static const uint8_t mac_lan1[6] = {0x02, 0, 0, 0, 0xbb, 0x00};
static uint32_t lan0, lan1;
static struct vn_cli_out *out;

static int
suite_init(void)
{
	struct vn_prefix a0 = PFX(10, 0, 1, 1, 24), a1 = PFX(10, 0, 2, 1, 24);

	if (vn_test_eal_init() < 0 || vn_rcu_init(4) < 0)
		return -1;
	if (vn_interface_create_virtual("lan0", mac_lan0, 1500, &lan0) < 0 ||
	    vn_interface_create_virtual("lan1", mac_lan1, 1500, &lan1) < 0)
		return -1;
	if (vn_fib_init(1u << 16) < 0 || vn_neighbor_init() < 0)
		return -1;
	if (vn_interface_addr_add(lan0, &a0) < 0 || vn_interface_addr_add(lan1, &a1) < 0)
		return -1;
	if (vn_interface_set_admin(lan0, true) < 0 || vn_interface_set_admin(lan1, true) < 0)
		return -1;
	out = vn_cli_out_new();
	return out != NULL ? 0 : -1;
}

static int
suite_fini(void)
{
	vn_lua_fini();
	vn_cli_out_free(out);
	vn_neighbor_fini();
	vn_fib_fini();
	return 0;
}

/* Runs code in a fresh output; returns vn_lua_eval()'s result. */
static int
eval(const char *code)
{
	vn_cli_out_reset(out);
	return vn_lua_eval(code, out);
}

static const char *
text(void)
{
	return vn_cli_out_text(out);
}

static const char *
errmsg(void)
{
	const char *e = vn_cli_out_errmsg(out);

	return e != NULL ? e : "";
}

/* Evaluates code that must succeed and print exactly want. */
static void
eval_expect(const char *code, const char *want)
{
	int rc = eval(code);

	CU_ASSERT_EQUAL(rc, 0);
	if (rc != 0)
		fprintf(stderr, "\n  %s -> error %s\n", code, errmsg());
	CU_ASSERT_STRING_EQUAL(text(), want);
}

/* Evaluates code that must fail with an error containing want. */
static void
eval_fails(const char *code, const char *want)
{
	CU_ASSERT_EQUAL(eval(code), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errmsg(), want));
	if (strstr(errmsg(), want) == NULL)
		fprintf(stderr, "\n  %s -> '%s', wanted '%s'\n", code, errmsg(), want);
}

/* A script in a temporary file named *.lua; the caller unlinks and frees path. */
static char *
write_script(const char *body)
{
	char *path = strdup("/tmp/vn_test_lua_XXXXXX.lua");
	int fd = mkstemps(path, 4);
	FILE *f;

	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	fputs(body, f);
	fclose(f);
	return path;
}

static void
test_eval_output(void)
{
	eval_expect("1 + 2", "3\n");
	eval_expect("print('a', 1, nil, true)", "a\t1\tnil\ttrue\n");
	eval_expect("return 1, 'two'", "1\ttwo\n");
	eval_expect("local x = 1", "");
	eval_expect("string.format('%05.1f', 2.25)", "002.2\n");
	/* The rest of the CLI line is the code, spaces and quotes included. */
	vn_cli_out_reset(out);
	CU_ASSERT_EQUAL(vn_cli_execute("lua eval print(\"a  b\" .. 'c')", out), 0);
	CU_ASSERT_STRING_EQUAL(text(), "a  bc\n");
	vn_cli_out_reset(out);
	CU_ASSERT_EQUAL(vn_cli_execute("lua eval", out), -1);
}

static void
test_globals_persist(void)
{
	eval_expect("counter = 41", "");
	eval_expect("counter = counter + 1", "");
	eval_expect("counter", "42\n");
	eval_expect("function double(x) return 2 * x end", "");
	eval_expect("double(counter)", "84\n");
	/* An error leaves the globals as they were. */
	eval_fails("counter = nil + 1", "attempt to perform arithmetic on a nil value");
	eval_expect("counter", "42\n");
}

static void
test_syntax_error(void)
{
	eval_fails("x = = 1", "eval:1:");
	eval_fails("x = 1\ny = (\n", "eval:3:");
	eval_fails("x = 1\nfor i = 1 do end", "eval:2:");
}

static void
test_runtime_error_file(void)
{
	char *path = write_script("local t = {}\n"
				  "print('before')\n"
				  "local function f() error('boom') end\n"
				  "f()\n");
	char want[128];

	CU_ASSERT_PTR_NOT_NULL_FATAL(path);
	vn_cli_out_reset(out);
	CU_ASSERT_EQUAL(vn_lua_run_file(path, out), -1);
	snprintf(want, sizeof(want), "%s:3: boom", path);
	CU_ASSERT_PTR_NOT_NULL(strstr(errmsg(), want));
	CU_ASSERT_PTR_NOT_NULL(strstr(errmsg(), "stack traceback"));
	CU_ASSERT_STRING_EQUAL(text(), "before\n");
	/* Through the CLI and exec too. */
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "lua run %s", path);
	vn_cli_out_reset(out);
	CU_ASSERT_EQUAL(vn_cli_execute(cmd, out), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errmsg(), want));
	snprintf(cmd, sizeof(cmd), "exec %s", path);
	vn_cli_out_reset(out);
	CU_ASSERT_EQUAL(vn_cli_execute(cmd, out), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errmsg(), want));
	unlink(path);
	free(path);

	vn_cli_out_reset(out);
	CU_ASSERT_EQUAL(vn_cli_execute("lua run /nonexistent/x.lua", out), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errmsg(), "cannot open /nonexistent/x.lua"));
	/* Error objects that are not strings. */
	eval_fails("error({})", "error object is a table value");
	eval_fails("error(setmetatable({}, {__tostring = function() return 'custom' end}))",
		   "custom");
}

static void
test_os_exit_refused(void)
{
	eval_fails("os.exit(0)", "os.exit is not allowed");
	eval_fails("os.exit(true, true)", "os.exit is not allowed");
	/* The clock stays. */
	eval_expect("type(os.time())", "number\n");
	eval_expect("type(os.clock()) .. type(os.date('%Y'))", "numberstring\n");
	eval_expect("1", "1\n");
}

/* The sandbox: nothing reaches files, processes or native code but through
 * the vecnet module (docs/security.md). */
static void
test_sandbox(void)
{
	static const char *const absent[] = {
		"io", "package", "require", "debug", "dofile", "loadfile", "os.execute",
		"os.remove", "os.rename", "os.tmpname", "os.getenv", "os.setlocale",
	};
	char code[128], want[64];

	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
		snprintf(code, sizeof(code), "type(%s)", absent[i]);
		snprintf(want, sizeof(want), "nil\n");
		vn_cli_out_reset(out);
		CU_ASSERT_EQUAL(vn_lua_eval(code, out), 0);
		if (strcmp(text(), want) != 0)
			fprintf(stderr, "\n  %s is reachable from a script\n", absent[i]);
		CU_ASSERT_STRING_EQUAL(text(), want);
	}
	eval_fails("os.execute('true')", "attempt to call a nil value");
	eval_fails("io.open('/etc/passwd')", "attempt to index a nil value");
	eval_fails("require('os')", "attempt to call a nil value");
	/* load() takes text, refuses a binary chunk (which could crash the VM). */
	eval_expect("load('return 6 * 7')()", "42\n");
	eval_expect("select(2, load(string.dump(function() return 1 end)))",
		    "attempt to load a binary chunk (mode is 't')\n");
	eval_expect("load('return x', 'c', 't', {x = 5})()", "5\n");
	eval_expect("load('return x', 'c', nil, {x = 6})()", "6\n");
	/* The limits hold: no debug.sethook to lift them, no way to the registry. */
	eval_fails("debug.sethook()", "attempt to index a nil value");
	/* lua run still reads the one file it is given. */
	eval_expect("type(vecnet.cli)", "function\n");
}

static void
test_runaway_aborted(void)
{
	vn_lua_set_limits(20000000, 0, 0);
	eval_fails("while true do end", "script aborted: more than 20000000 instructions");
	/* Catching the abort does not keep the script alive. */
	eval_fails("while true do pcall(function() while true do end end) end", "script aborted");
	eval_fails("local co = coroutine.wrap(function() while true do end end) co()",
		   "script aborted");
	eval_expect("1 + 1", "2\n");

	vn_lua_set_limits(UINT64_MAX, 200, 0);
	eval_fails("while true do end", "script aborted: running longer than 200 ms");
	eval_expect("2 + 2", "4\n");

	vn_lua_set_limits(VN_LUA_MAX_INSTRUCTIONS, VN_LUA_TIMEOUT_MS, 0);
	/* A finite loop well within the budget runs to completion. */
	eval_expect("local n = 0 for i = 1, 1000000 do n = n + i end return n", "500000500000\n");
}

static void
test_memory_limit(void)
{
	vn_lua_set_limits(0, 0, 64ul << 20);
	eval_fails("big = {} for i = 1, 1e9 do big[i] = i end", "not enough memory");
	eval_fails("local s = string.rep('x', 1 << 30)", "not enough memory");
	eval_expect("big = nil collectgarbage() return 'ok'", "ok\n");
	vn_lua_set_limits(0, 0, VN_LUA_MAX_BYTES);
}

static void
test_interfaces(void)
{
	eval_expect("#vecnet.interfaces()", "2\n");
	eval_expect("local i = vecnet.interface('lan0')\n"
		    "return i.name, i.index, i.up, i.mtu, i.mac, i.addresses[1], #i.addresses",
		    "lan0\t0\ttrue\t1500\t02:00:00:00:aa:00\t10.0.1.1/24\t1\n");
	eval_expect("local i = vecnet.interface('lan1') return i.rx_packets, i.tx_bytes, i.drops",
		    "0\t0\t0\n");
	eval_expect("vecnet.interface('nope')", "nil\n");

	eval_expect("vecnet.set_mtu('lan1', 1400)", "");
	CU_ASSERT_EQUAL(vn_interface_get(lan1)->mtu, 1400);
	eval_expect("vecnet.set_mtu('lan1', 1500)", "");
	eval_expect("vecnet.set_state('lan1', false)", "");
	CU_ASSERT_FALSE(vn_interface_get(lan1)->admin_up);
	eval_expect("vecnet.set_state('lan1', true)", "");
	CU_ASSERT_TRUE(vn_interface_get(lan1)->admin_up);

	eval_expect("vecnet.add_address('lan1', '10.0.3.1/24')", "");
	CU_ASSERT_EQUAL(vn_interface_get(lan1)->n_addrs, 2);
	eval_expect("vecnet.route('10.0.3.0/24').source", "connected\n");
	eval_expect("vecnet.del_address('lan1', '10.0.3.1/24')", "");
	CU_ASSERT_EQUAL(vn_interface_get(lan1)->n_addrs, 1);
	eval_fails("vecnet.del_address('lan1', '10.0.3.1/24')", "del_address lan1 10.0.3.1/24:");
}

static void
test_routes_10k(void)
{
	uint32_t base = vn_fib_route_count();
	struct vn_route_info ri;
	char *path = write_script(
		"-- 10,000 /24s from 10.100.0.0 on, via a host on lan0\n"
		"for i = 0, 9999 do\n"
		"\tvecnet.route_add(string.format('10.%d.%d.0/24', 100 + i // 256, i % 256),\n"
		"\t\t'10.0.1.2')\n"
		"end\n"
		"print(vecnet.route_count())\n");

	CU_ASSERT_PTR_NOT_NULL_FATAL(path);
	vn_cli_out_reset(out);
	CU_ASSERT_EQUAL(vn_lua_run_file(path, out), 0);
	CU_ASSERT_EQUAL(vn_fib_route_count(), base + 10000);
	CU_ASSERT_EQUAL(atoi(text()), (int)(base + 10000));
	CU_ASSERT_EQUAL(vn_fib_get(&PFX(10, 100, 0, 0, 24), &ri), 0);
	CU_ASSERT_EQUAL(vn_fib_get(&PFX(10, 139, 15, 0, 24), &ri), 0);
	CU_ASSERT_EQUAL(ri.n_paths, 1);
	CU_ASSERT_EQUAL(ri.paths[0].via, IP(10, 0, 1, 2));

	/* `show ip fib PREFIX` finds the last one. */
	vn_cli_out_reset(out);
	CU_ASSERT_EQUAL(vn_cli_execute("show ip fib 10.139.15.0/24", out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text(), "10.139.15.0/24"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text(), "via 10.0.1.2"));

	/* The same through Lua, then remove them all. */
	eval_expect("local n = 0 for _, r in ipairs(vecnet.routes()) do\n"
		    "  if r.source == 'static' then n = n + 1 end end return n",
		    "10000\n");
	eval_expect("local r = vecnet.route_lookup('10.139.15.77')\n"
		    "return r.prefix, r.source, r.paths[1].via, r.drop",
		    "10.139.15.0/24\tstatic\t10.0.1.2\tfalse\n");
	/* Out of memory halfway through the walk: raised after it, nothing leaked. */
	vn_lua_set_limits(0, 0, 2ul << 20);
	eval_fails("#vecnet.routes()", "not enough memory");
	vn_lua_set_limits(0, 0, VN_LUA_MAX_BYTES);
	eval_expect("for i = 0, 9999 do\n"
		    "  vecnet.route_del(string.format('10.%d.%d.0/24', 100 + i // 256, i % 256))\n"
		    "end",
		    "");
	CU_ASSERT_EQUAL(vn_fib_route_count(), base);
	unlink(path);
	free(path);
}

static void
test_route_kinds(void)
{
	struct vn_route_info ri;

	/* ECMP from an array, host bits cleared as `ip route add` does. */
	eval_expect("vecnet.route_add('192.168.7.9/16', {'10.0.1.2', '10.0.1.3'})", "");
	CU_ASSERT_EQUAL_FATAL(vn_fib_get(&PFX(192, 168, 0, 0, 16), &ri), 0);
	CU_ASSERT_EQUAL(ri.n_paths, 2);
	eval_expect("local r = vecnet.route('192.168.0.0/16')\n"
		    "return #r.paths, r.paths[1].via, r.paths[2].via",
		    "2\t10.0.1.2\t10.0.1.3\n");
	eval_expect("vecnet.route_del('192.168.0.0/16', '10.0.1.2')", "");
	CU_ASSERT_EQUAL(vn_fib_get(&PFX(192, 168, 0, 0, 16), &ri), 0);
	CU_ASSERT_EQUAL(ri.n_paths, 1);
	eval_expect("vecnet.route_del('192.168.0.0/16')", "");
	CU_ASSERT_EQUAL(vn_fib_get(&PFX(192, 168, 0, 0, 16), &ri), -ENOENT);

	/* A path through a named interface. */
	eval_expect("vecnet.route_add('172.20.0.0/16', '10.0.2.9', 'lan1')", "");
	CU_ASSERT_EQUAL_FATAL(vn_fib_get(&PFX(172, 20, 0, 0, 16), &ri), 0);
	CU_ASSERT_EQUAL(ri.paths[0].if_index, lan1);
	eval_expect("vecnet.route('172.20.0.0/16').paths[1].interface", "lan1\n");
	eval_expect("vecnet.route_del('172.20.0.0/16', '10.0.2.9', 'lan1')", "");

	/* Drop. */
	eval_expect("vecnet.route_add('203.0.113.0/24', 'drop')", "");
	CU_ASSERT_EQUAL_FATAL(vn_fib_get(&PFX(203, 0, 113, 0, 24), &ri), 0);
	CU_ASSERT_TRUE(ri.is_drop);
	eval_expect("vecnet.route('203.0.113.0/24').drop", "true\n");
	eval_expect("vecnet.route_del('203.0.113.0/24')", "");
	eval_expect("vecnet.route_lookup('8.8.8.8')", "nil\n");
}

/* The same functions take IPv6; routes6 and neighbors6 list that family. */
static void
test_ip6(void)
{
	struct vn_prefix6 p;
	struct vn_route6_info ri;

	eval_expect("vecnet.add_address('lan0', '2001:db8:1::1/64')", "");
	eval_expect("vecnet.add_address('lan1', '2001:db8:2::1/64')", "");
	eval_expect("vecnet.route_add('2001:db8:100::5/48', {'2001:db8:1::2', '2001:db8:2::2'})",
		    "");
	vn_parse_prefix6("2001:db8:100::/48", &p);
	CU_ASSERT_EQUAL_FATAL(vn_fib6_get(&p, &ri), 0);
	CU_ASSERT_EQUAL(ri.n_paths, 2);
	eval_expect("for _, r in ipairs(vecnet.routes6()) do\n"
		    "  if r.prefix == '2001:db8:100::/48' then return r.source, #r.via, r.via[2] end\n"
		    "end",
		    "static\t2\t2001:db8:2::2\n");
	eval_expect("vecnet.route_del('2001:db8:100::/48', '2001:db8:1::2')", "");
	CU_ASSERT_EQUAL_FATAL(vn_fib6_get(&p, &ri), 0);
	CU_ASSERT_EQUAL(ri.n_paths, 1);
	eval_expect("vecnet.route_del('2001:db8:100::/48')", "");
	CU_ASSERT_EQUAL(vn_fib6_get(&p, &ri), -ENOENT);
	eval_expect("vecnet.neighbor_set('lan0', '2001:db8:1::9', '02:00:00:00:01:09')", "");
	eval_expect("local n = vecnet.neighbors6()[1]\nreturn n.interface, n.address, n.mac, "
		    "n.static",
		    "lan0\t2001:db8:1::9\t02:00:00:00:01:09\ttrue\n");
	eval_expect("vecnet.neighbor_del('lan0', '2001:db8:1::9')", "");
	eval_expect("#vecnet.neighbors6()", "0\n");
	eval_fails("vecnet.route_add('2001:db8::/32', '10.0.1.2')", "invalid IPv6 address");
	eval_fails("vecnet.route_add('2001:db8::/32', 'fe80::1')", "route_add 2001:db8::/32: invalid");
	eval_fails("vecnet.add_address('lan0', 'fe80::1/64')", "add_address lan0 fe80::1/64");
	/* One parser for both families: the same checks, the same words. */
	eval_fails("vecnet.route_add('2001:db8::/32', {'2001:db8:1::2', '10.0.1.2'})",
		   "next hop 2: IPv6 address expected, got 10.0.1.2");
	eval_fails("vecnet.route_add('2001:db8::/32', 'drop', 'lan0')", "takes no interface");
	eval_fails("vecnet.route_del('2001:db8:77::/48')", "route_del 2001:db8:77::/48: not found");
	eval_fails("vecnet.neighbor_del('lan0', '2001:db8:1::99')",
		   "neighbor_del lan0 2001:db8:1::99: not found");
	eval_fails("vecnet.neighbor_set('lan0', 'ff02::1', '02:00:00:00:01:09')",
		   "neighbor_set lan0 ff02::1: invalid");
	eval_expect("vecnet.del_address('lan0', '2001:db8:1::1/64')", "");
	eval_expect("vecnet.del_address('lan1', '2001:db8:2::1/64')", "");
}

/* vecnet.ip6_nd: router advertisements, as `ip6 nd IF ...` (net/ra6.h). */
static void
test_ip6_nd(void)
{
	eval_expect("local t = vecnet.ip6_nd('lan0')\n"
		    "return t.ra, t.interval_max, t.interval_min, t.lifetime, t.ra_sent",
		    "false\t200\t150\t0\t0\n");
	eval_expect("local t = vecnet.ip6_nd('lan0', {ra = true, interval_max = 30, other = true})\n"
		    "return t.ra, t.interval_max, t.interval_min, t.lifetime, t.other, t.managed",
		    "true\t30\t22.5\t90\ttrue\tfalse\n");
	eval_fails("vecnet.ip6_nd('lan0', {interval_max = 3})", "ip6_nd lan0: out of range");
	eval_fails("vecnet.ip6_nd('nope')", "unknown interface 'nope'");
	eval_expect("return vecnet.ip6_nd('lan0', {ra = false}).ra", "false\n");
}

static void
test_bad_args(void)
{
	uint32_t base = vn_fib_route_count();

	eval_fails("vecnet.route_add('nope', '10.0.1.2')",
		   "bad argument #1 to 'route_add' (invalid prefix 'nope')");
	eval_fails("vecnet.route_add('10.9.0.0/16', '10.0.1.300')", "invalid IPv4 address");
	eval_fails("vecnet.route_add('10.9.0.0/16', {})", "1 to 16 next hops expected");
	eval_fails("vecnet.route_add('10.9.0.0/16', {'10.0.1.2', 7})",
		   "next hop 2: IPv4 address expected");
	eval_fails("vecnet.route_add('10.9.0.0/16', 5)", "\"drop\", an address or an array");
	eval_fails("vecnet.route_add('10.9.0.0/16', '10.0.1.2', 'eth9')",
		   "bad argument #3 to 'route_add' (unknown interface 'eth9')");
	eval_fails("vecnet.route_add('10.9.0.0/16', 'drop', 'lan0')", "takes no interface");
	eval_fails("vecnet.route_add()", "bad argument #1");
	eval_fails("vecnet.set_state('lan0', 'up')", "boolean expected");
	eval_fails("vecnet.set_mtu('lan0', 'big')", "number expected");
	eval_fails("vecnet.set_mtu('lan0', 70000)", "MTU out of range");
	eval_fails("vecnet.add_address('lan0', '10.0.1.1')", "invalid prefix '10.0.1.1'");
	eval_fails("vecnet.neighbor_set('lan0', '10.0.1.5', 'zz:00')", "invalid MAC address");
	/* Control-API refusals name the operation and the object. */
	eval_fails("vecnet.route_del('172.31.0.0/16')", "route_del 172.31.0.0/16: not found");
	eval_fails("vecnet.neighbor_del('lan0', '10.0.1.99')", "neighbor_del lan0 10.0.1.99:");
	/* The line of the failing call, from a script. */
	eval_fails("local a = 1\nvecnet.route_add('x/1', 'drop')", "eval:2: bad argument #1");
	/* A Lua pcall catches them like any error. */
	eval_expect("local ok, e = pcall(vecnet.route_add, 'nope', 'drop') return ok", "false\n");
	CU_ASSERT_EQUAL(vn_fib_route_count(), base);
}

static void
test_neighbors(void)
{
	struct vn_neighbor_info n;

	eval_expect("vecnet.neighbor_set('lan0', '10.0.1.7', '02:00:00:00:01:07')", "");
	CU_ASSERT_EQUAL_FATAL(vn_neighbor_get(lan0, IP(10, 0, 1, 7), &n), 0);
	CU_ASSERT_TRUE(n.is_static);
	CU_ASSERT_EQUAL(n.mac[5], 0x07);
	eval_expect("vecnet.neighbor_set('lan1', '10.0.2.7', '02:00:00:00:02:07', false)", "");
	CU_ASSERT_EQUAL_FATAL(vn_neighbor_get(lan1, IP(10, 0, 2, 7), &n), 0);
	CU_ASSERT_FALSE(n.is_static);
	eval_expect("local t = vecnet.neighbors() local n = t[1]\n"
		    "return #t, n.interface, n.address, n.mac, n.static",
		    "2\tlan0\t10.0.1.7\t02:00:00:00:01:07\ttrue\n");
	eval_expect("vecnet.neighbor_del('lan0', '10.0.1.7') vecnet.neighbor_del('lan1', '10.0.2.7')",
		    "");
	CU_ASSERT_EQUAL(vn_neighbor_count(), 0);
	eval_expect("#vecnet.neighbors()", "0\n");
}

static void
test_cli(void)
{
	eval_expect("vecnet.cli('show ip fib 10.0.1.0/24'):match('10.0.1.0/24 %(connected%)') ~= nil",
		    "true\n");
	eval_expect("vecnet.cli('ip route add 198.51.100.0/24 via 10.0.1.9')", "\n");
	CU_ASSERT_EQUAL(vn_fib_get(&PFX(198, 51, 100, 0, 24), &(struct vn_route_info){0}), 0);
	eval_expect("vecnet.route('198.51.100.0/24').paths[1].via", "10.0.1.9\n");
	eval_expect("vecnet.cli('ip route del 198.51.100.0/24')", "\n");
	/* A failing command raises its own message, at the script's line. */
	eval_fails("\nvecnet.cli('ip route del 198.51.100.0/24')",
		   "eval:2: ip route del 198.51.100.0/24:");
	eval_fails("vecnet.cli('frobnicate now')", "eval:1: ");
	eval_expect("local ok, e = pcall(vecnet.cli, 'frobnicate') return ok, type(e)",
		    "false\tstring\n");
	/* Nested: a command running Lua from Lua, with its own output. */
	eval_expect("vecnet.cli('lua eval 6 * 7')", "42\n\n");
	eval_fails("vecnet.cli('lua eval error(\"inner\")')", "eval:1: inner");
}

static void
test_state_intact(void)
{
	uint32_t base = vn_fib_route_count();

	/* Changes made before an error stay; nothing else moves. */
	eval_fails("vecnet.route_add('10.77.0.0/16', '10.0.1.2') error('stop')", "eval:1: stop");
	CU_ASSERT_EQUAL(vn_fib_route_count(), base + 1);
	eval_expect("vecnet.route_del('10.77.0.0/16')", "");
	CU_ASSERT_EQUAL(vn_fib_route_count(), base);
	eval_expect("counter", "42\n");
	CU_ASSERT_EQUAL(vn_interface_get(lan0)->mtu, 1500);
	CU_ASSERT_TRUE(vn_interface_get(lan0)->admin_up);
	/* Still serving commands and scripts. */
	vn_cli_out_reset(out);
	CU_ASSERT_EQUAL(vn_cli_execute("show ip fib 10.0.2.0/24", out), 0);
	eval_expect("'alive'", "alive\n");
	/* A closed state starts again empty. */
	vn_lua_fini();
	eval_expect("counter", "nil\n");
	eval_expect("vecnet.interface('lan0').name", "lan0\n");
}

/* configs/examples/setup.lua, found from this file's path (CMake passes it absolute). */
static void
test_example_setup(void)
{
	uint32_t base = vn_fib_route_count();
	char path[512], *slash;

	snprintf(path, sizeof(path), "%s", __FILE__);
	slash = strstr(path, "tests/unit/test_lua.c");
	CU_ASSERT_PTR_NOT_NULL_FATAL(slash);
	snprintf(slash, sizeof(path) - (size_t)(slash - path), "configs/examples/setup.lua");
	vn_cli_out_reset(out);
	CU_ASSERT_EQUAL(vn_lua_run_file(path, out), 0);
	if (vn_cli_out_errmsg(out) != NULL)
		fprintf(stderr, "\n  %s\n", errmsg());
	CU_ASSERT_PTR_NOT_NULL(strstr(text(), "198.51.100.7 -> 198.51.100.0/24 via 2 paths"));
	/* 19 static routes, and the /32 host route of the static neighbour. */
	CU_ASSERT_EQUAL(vn_fib_route_count(), base + 20);
	eval_expect("for _, r in ipairs(vecnet.routes()) do\n"
		    "  if r.source == 'static' then vecnet.route_del(r.prefix) end end\n"
		    "vecnet.neighbor_del('lan0', '10.0.1.2')",
		    "");
	CU_ASSERT_EQUAL(vn_fib_route_count(), base);
}

int
main(void)
{
	CU_TestInfo tests[] = {
		{"eval prints output and values", test_eval_output},
		{"globals persist between evals", test_globals_persist},
		{"syntax error with line", test_syntax_error},
		{"runtime error in a file: file:line", test_runtime_error_file},
		{"os.exit refused", test_os_exit_refused},
		{"sandbox: no io, os.execute, package, debug", test_sandbox},
		{"runaway scripts aborted", test_runaway_aborted},
		{"memory limit", test_memory_limit},
		{"interfaces, state, MTU, addresses", test_interfaces},
		{"10,000 routes from a script", test_routes_10k},
		{"ECMP, interface paths, drop", test_route_kinds},
		{"bad arguments raise", test_bad_args},
		{"IPv6: addresses, routes, neighbours", test_ip6},
		{"IPv6 router advertisements: ip6_nd", test_ip6_nd},
		{"neighbours", test_neighbors},
		{"vecnet.cli success and failure", test_cli},
		{"example setup.lua", test_example_setup},
		{"state intact after errors", test_state_intact},
		CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {
		{"lua", suite_init, suite_fini, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return vn_test_run(suites);
}
