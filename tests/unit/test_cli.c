/*
 * CLI framework: registry and longest-path dispatch, typed arguments and their
 * error messages, quoting, completion, help, output buffers, and the CLI server
 * with the wire protocol (client side in a thread, server polled here).
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <vecnet/net/interface.h>
#include <vecnet/cli.h>

#include "cli_proto.h"
#include "vn_test.h"

/* --- test commands ----------------------------------------------------------- */

static int
vn_t_route_add(struct vn_cli_out *out, struct vn_cli_args *a)
{
	struct vn_prefix p;
	uint32_t nh, ifi;
	char buf[32];

	if (!vn_cli_arg_prefix(a, &p) || !vn_cli_arg_keyword(a, "via"))
		return vn_cli_unexpected(a);
	vn_cli_printf(out, "route %s", vn_fmt_prefix(&p, buf));
	if (vn_cli_arg_keyword(a, "drop")) {
		vn_cli_printf(out, " drop");
	} else if (vn_cli_arg_ip4(a, &nh)) {
		vn_cli_printf(out, " via %s", vn_fmt_ip4(nh, buf));
		if (vn_cli_arg_ifname(a, &ifi))
			vn_cli_printf(out, " if %u", ifi);
	} else {
		return vn_cli_unexpected(a);
	}
	if (!vn_cli_args_end(a))
		return vn_cli_unexpected(a);
	vn_cli_printf(out, "\n");
	return 0;
}

static int
vn_t_route(struct vn_cli_out *out, struct vn_cli_args *a)
{
	char w[64];

	vn_cli_printf(out, "route-short");
	while (vn_cli_arg_word(a, "word", w, sizeof(w)))
		vn_cli_printf(out, " [%s]", w);
	vn_cli_printf(out, "\n");
	return 0;
}

/* vntest args TYPE VALUE... : one typed argument per call. */
static int
vn_t_args(struct vn_cli_out *out, struct vn_cli_args *a)
{
	char buf[64];
	uint8_t mac[6];
	uint64_t v64;
	uint32_t v32;
	struct vn_prefix p;

	if (vn_cli_arg_keyword(a, "ip4")) {
		if (!vn_cli_arg_ip4(a, &v32))
			return vn_cli_unexpected(a);
		vn_cli_printf(out, "ip4 %s", vn_fmt_ip4(v32, buf));
	} else if (vn_cli_arg_keyword(a, "prefix")) {
		if (!vn_cli_arg_prefix(a, &p))
			return vn_cli_unexpected(a);
		vn_cli_printf(out, "prefix %s", vn_fmt_prefix(&p, buf));
	} else if (vn_cli_arg_keyword(a, "mac")) {
		if (!vn_cli_arg_mac(a, mac))
			return vn_cli_unexpected(a);
		vn_cli_printf(out, "mac %s", vn_fmt_mac(mac, buf));
	} else if (vn_cli_arg_keyword(a, "u64")) {
		if (!vn_cli_arg_u64(a, &v64))
			return vn_cli_unexpected(a);
		vn_cli_printf(out, "u64 %llu", (unsigned long long)v64);
	} else if (vn_cli_arg_keyword(a, "range")) {
		if (!vn_cli_arg_u32_range(a, 10, 20, &v32))
			return vn_cli_unexpected(a);
		vn_cli_printf(out, "range %u", v32);
	} else if (vn_cli_arg_keyword(a, "word")) {
		if (!vn_cli_arg_word(a, "NAME", buf, 8))
			return vn_cli_unexpected(a);
		vn_cli_printf(out, "word <%s>", buf);
	} else if (vn_cli_arg_keyword(a, "if")) {
		if (!vn_cli_arg_ifname(a, &v32))
			return vn_cli_unexpected(a);
		vn_cli_printf(out, "if %u", v32);
	} else if (vn_cli_arg_keyword(a, "rest")) {
		if (!vn_cli_arg_rest(a, buf, sizeof(buf)))
			return vn_cli_unexpected(a);
		vn_cli_printf(out, "rest <%s>", buf);
	} else {
		return vn_cli_unexpected(a);
	}
	if (!vn_cli_args_end(a))
		return vn_cli_unexpected(a);
	return 0;
}

static int
vn_t_big(struct vn_cli_out *out, struct vn_cli_args *a)
{
	uint32_t n;

	if (!vn_cli_arg_u32_range(a, 1, 10000000, &n))
		return vn_cli_unexpected(a);
	for (uint32_t i = 0; i < n; i++)
		vn_cli_printf(out, "line %08u\n", i); /* 14 bytes per line */
	return 0;
}

static int
vn_t_fail(struct vn_cli_out *out, struct vn_cli_args *a)
{
	vn_cli_printf(out, "partial output\n");
	return vn_cli_args_end(a) ? -1 : vn_cli_error(out, "failed with words");
}

static int
vn_t_if(struct vn_cli_out *out, struct vn_cli_args *a)
{
	return 0;
}

static struct vn_cli_command vn_t_cmds[] = {
	{.path = "vntest route add", .syntax = "PREFIX via ADDR [IF] | PREFIX via drop",
	 .help = "add a test route", .fn = vn_t_route_add},
	{.path = "vntest route", .syntax = "[WORDS]", .help = "short route", .fn = vn_t_route},
	{.path = "vntest args", .syntax = "TYPE VALUE", .help = "typed args", .fn = vn_t_args},
	{.path = "vntest big", .syntax = "N", .help = "N lines of output", .fn = vn_t_big},
	{.path = "vntest fail", .help = "always fails", .fn = vn_t_fail},
	{.path = "vntest set interface state", .syntax = "IF up|down", .help = "if state",
	 .fn = vn_t_if, .complete = &vn_cli_ifname},
	{.path = "vntest set ip", .help = "ip", .fn = vn_t_if},
};

static const char *vn_t_ifnames[] = {"lan0", "lan1", "wan0"};

static int
vn_t_if_lookup(const char *name, uint32_t *if_index)
{
	for (uint32_t i = 0; i < VN_ARRAY_LEN(vn_t_ifnames); i++) {
		if (strcmp(name, vn_t_ifnames[i]) == 0) {
			*if_index = i;
			return 0;
		}
	}
	return -ENOENT;
}

static const char *
vn_t_if_name_at(uint32_t i)
{
	return i < VN_ARRAY_LEN(vn_t_ifnames) ? vn_t_ifnames[i] : NULL;
}

static const struct vn_cli_ifname_ops vn_t_ifops = {
	.lookup = vn_t_if_lookup,
	.name_at = vn_t_if_name_at,
};

static int
vn_t_init(void)
{
	for (size_t i = 0; i < VN_ARRAY_LEN(vn_t_cmds); i++)
		vn_cli_register(&vn_t_cmds[i]);
	vn_cli_set_ifname_ops(&vn_t_ifops);
	return 0;
}

static int
vn_t_clean(void)
{
	for (size_t i = 0; i < VN_ARRAY_LEN(vn_t_cmds); i++)
		vn_cli_unregister(&vn_t_cmds[i]);
	vn_cli_set_ifname_ops(NULL);
	return 0;
}

/* Runs line; checks the return code, the output and the error message. */
static void
vn_t_exec(const char *line, int want_rc, const char *want_out, const char *want_err)
{
	struct vn_cli_out *out = vn_cli_out_new();
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	rc = vn_cli_execute(line, out);
	CU_ASSERT_EQUAL(rc, want_rc);
	if (want_out != NULL)
		CU_ASSERT_STRING_EQUAL(vn_cli_out_text(out), want_out);
	if (want_err == NULL) {
		CU_ASSERT_PTR_NULL(vn_cli_out_errmsg(out));
	} else {
		CU_ASSERT_PTR_NOT_NULL_FATAL(vn_cli_out_errmsg(out));
		CU_ASSERT_STRING_EQUAL(vn_cli_out_errmsg(out), want_err);
	}
	if (rc != want_rc || (want_err != NULL && vn_cli_out_errmsg(out) != NULL &&
			      strcmp(vn_cli_out_errmsg(out), want_err) != 0))
		fprintf(stderr, "\n  line '%s': rc %d out '%s' err '%s'\n", line, rc,
			vn_cli_out_text(out), vn_cli_out_errmsg(out) ?: "(none)");
	vn_cli_out_free(out);
}

/* --- parser tests ---------------------------------------------------------------- */

static void
test_arg_types(void)
{
	vn_t_exec("vntest args ip4 10.1.2.3", 0, "ip4 10.1.2.3", NULL);
	vn_t_exec("vntest args ip4 10.1.2", -1, "",
		  "unexpected '10.1.2' (word 4): expected one of: IPv4 address");
	vn_t_exec("vntest args prefix 10.0.0.0/8", 0, "prefix 10.0.0.0/8", NULL);
	vn_t_exec("vntest args prefix 10.0.0.0/33", -1, "",
		  "unexpected '10.0.0.0/33' (word 4): expected one of: prefix A.B.C.D/LEN");
	vn_t_exec("vntest args mac 02:00:00:00:01:02", 0, "mac 02:00:00:00:01:02", NULL);
	vn_t_exec("vntest args mac 02:00:00:00:01", -1, "",
		  "unexpected '02:00:00:00:01' (word 4): expected one of: MAC address");
	vn_t_exec("vntest args u64 18446744073709551615", 0, "u64 18446744073709551615", NULL);
	vn_t_exec("vntest args u64 0x10", 0, "u64 16", NULL);
	vn_t_exec("vntest args u64 18446744073709551616", -1, "",
		  "unexpected '18446744073709551616' (word 4): expected one of: number");
	vn_t_exec("vntest args u64 -1", -1, "",
		  "unexpected '-1' (word 4): expected one of: number");
	vn_t_exec("vntest args range 15", 0, "range 15", NULL);
	vn_t_exec("vntest args range 21", -1, "",
		  "unexpected '21' (word 4): expected one of: number 10-20");
	vn_t_exec("vntest args word abc", 0, "word <abc>", NULL);
	vn_t_exec("vntest args word abcdefgh", -1, "",
		  "unexpected 'abcdefgh' (word 4): expected one of: NAME");
	vn_t_exec("vntest args if lan1", 0, "if 1", NULL);
	vn_t_exec("vntest args if eth9", -1, "",
		  "unexpected 'eth9' (word 4): expected one of: interface name");
	vn_t_exec("vntest args rest  a  \"b c\"  d  ", 0, "rest <a  \"b c\"  d>", NULL);
	vn_t_exec("vntest args rest", -1, "", "missing argument: expected one of: text");
	/* Trailing words after a complete argument. */
	vn_t_exec("vntest args ip4 1.2.3.4 extra", -1, "ip4 1.2.3.4",
		  "unexpected 'extra' (word 5): expected one of: end of line");
	/* Nothing matched at word 3: every keyword tried is listed, in order. */
	vn_t_exec("vntest args bogus 1", -1, "",
		  "unexpected 'bogus' (word 3): expected one of: keyword 'ip4', "
		  "keyword 'prefix', keyword 'mac', keyword 'u64', keyword 'range', "
		  "keyword 'word', keyword 'if', keyword 'rest'");
}

static void
test_unexpected_messages(void)
{
	vn_t_exec("vntest route add 10.0.0.0/8 via drop", 0, "route 10.0.0.0/8 drop\n", NULL);
	vn_t_exec("vntest route add 10.0.0.0/8 via 192.0.2.1", 0,
		  "route 10.0.0.0/8 via 192.0.2.1\n", NULL);
	vn_t_exec("vntest route add 10.0.0.0/8 via 192.0.2.1 wan0", 0,
		  "route 10.0.0.0/8 via 192.0.2.1 if 2\n", NULL);
	vn_t_exec("vntest route add 10.0.0.0/8 foo", -1, NULL,
		  "unexpected 'foo' (word 5): expected one of: keyword 'via'");
	vn_t_exec("vntest route add 10.0.0.0/8 via foo", -1, NULL,
		  "unexpected 'foo' (word 6): expected one of: keyword 'drop', IPv4 address");
	vn_t_exec("vntest route add 10.0.0.0/8 via", -1, NULL,
		  "missing argument: expected one of: keyword 'drop', IPv4 address");
	vn_t_exec("vntest route add", -1, NULL,
		  "missing argument: expected one of: prefix A.B.C.D/LEN");
	vn_t_exec("vntest route add 10.0.0.0/8 via 192.0.2.1 bogus", -1, NULL,
		  "unexpected 'bogus' (word 7): expected one of: interface name, end of line");
	/* Control bytes are not echoed raw; long words are cut. */
	vn_t_exec("vntest route add \x01\x7f", -1, NULL,
		  "unexpected '?\?' (word 4): expected one of: prefix A.B.C.D/LEN");
	vn_t_exec("vntest args ip4 "
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  -1, NULL,
		  "unexpected 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' (word 4): "
		  "expected one of: IPv4 address");
}

static void
test_dispatch(void)
{
	/* Longest path wins; a shorter one takes what the longer doesn't spell out. */
	vn_t_exec("vntest route add 1.0.0.0/8 via drop", 0, "route 1.0.0.0/8 drop\n", NULL);
	vn_t_exec("vntest route addx y", 0, "route-short [addx] [y]\n", NULL);
	vn_t_exec("vntest route", 0, "route-short\n", NULL);
	vn_t_exec("  vntest\t route  ", 0, "route-short\n", NULL);
	vn_t_exec("", 0, "", NULL);
	vn_t_exec("   \t\n", 0, "", NULL);
	vn_t_exec("vntest nothing", -1, "",
		  "unknown command 'vntest nothing': expected one of: args, big, fail, route, set");
	vn_t_exec("vntest set", -1, "", "incomplete command 'vntest set': expected one of: "
					 "interface, ip");
	vn_t_exec("vntest set interface bogus", -1, "",
		  "unknown command 'vntest set interface bogus': expected one of: state");
	vn_t_exec("vntest fail", -1, "partial output\n", "vntest fail: command failed");
	vn_t_exec("vntest fail x", -1, "partial output\n", "failed with words");

	/* At top level the candidates include every module's commands. */
	struct vn_cli_out *out = vn_cli_out_new();

	CU_ASSERT_EQUAL(vn_cli_execute("shox interface", out), -1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vn_cli_out_errmsg(out));
	CU_ASSERT_EQUAL(strncmp(vn_cli_out_errmsg(out),
				"unknown command 'shox interface': expected one of: ", 51),
			0);
	CU_ASSERT_PTR_NOT_NULL(strstr(vn_cli_out_errmsg(out), "; did you mean 'show'?"));
	CU_ASSERT_PTR_NOT_NULL(strstr(vn_cli_out_errmsg(out), "vntest"));
	CU_ASSERT_PTR_NOT_NULL(strstr(vn_cli_out_errmsg(out), "help"));
	vn_cli_out_free(out);
}

static void
test_registry(void)
{
	struct vn_cli_command dup = {.path = "vntest  route", .fn = vn_t_if};
	struct vn_cli_command extra = {.path = "vntest extra", .fn = vn_t_if};

	/* A second command on the same path is refused. */
	vn_cli_register(&dup);
	vn_t_exec("vntest route", 0, "route-short\n", NULL);
	vn_cli_unregister(&dup);
	vn_cli_register(&extra);
	vn_cli_register(&extra); /* twice: no loop in the list */
	vn_t_exec("vntest extra", 0, "", NULL);
	vn_cli_unregister(&extra);
	vn_t_exec("vntest extra", -1, "",
		  "unknown command 'vntest extra': expected one of: args, big, fail, route, set");
	vn_t_exec("vntest route", 0, "route-short\n", NULL);
}

static void
test_quotes(void)
{
	vn_t_exec("vntest route \"a b\" c", 0, "route-short [a b] [c]\n", NULL);
	vn_t_exec("vntest route \"\" \"x\\\"y\\\\z\"", 0, "route-short [] [x\"y\\z]\n", NULL);
	vn_t_exec("vntest route print(\"hi\")", 0, "route-short [print(\"hi\")]\n", NULL);
	vn_t_exec("vntest route \"open", -1, "", "unterminated quote (word 3)");
	vn_t_exec("vntest route \"a\"b", -1, "", "unexpected text after closing quote (word 3)");
	vn_t_exec("vntest args rest \"x y\" z", 0, "rest <\"x y\" z>", NULL);
}

static void
test_junk(void)
{
	struct vn_cli_out *out = vn_cli_out_new();
	size_t len = 1 << 20;
	char *line = malloc(len + 1);
	uint32_t seed = 12345;

	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	/* Random bytes, quotes included: nothing may crash or leak. */
	for (int round = 0; round < 200; round++) {
		size_t n = (size_t)(round * 37) % 300;

		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245 + 12345;
			line[i] = (char)((seed >> 16) % 255 + 1);
		}
		line[n] = '\0';
		vn_cli_out_reset(out);
		vn_cli_execute(line, out);
		vn_cli_help(line, out);
		char **c;
		size_t nc;

		if (vn_cli_complete(line, &c, &nc) == 0)
			vn_cli_complete_free(c, nc);
	}
	/* A 1 MiB word and a 1 MiB line of words. */
	memset(line, 'x', len);
	line[len] = '\0';
	vn_cli_out_reset(out);
	CU_ASSERT_EQUAL(vn_cli_execute(line, out), -1);
	for (size_t i = 0; i < len; i += 2)
		line[i] = ' ';
	memcpy(line, "vntest route", 12);
	vn_cli_out_reset(out);
	CU_ASSERT_EQUAL(vn_cli_execute(line, out), 0);
	CU_ASSERT_EQUAL(vn_cli_out_len(out), strlen("route-short\n") + (len / 2 - 6) * 4);
	free(line);
	vn_cli_out_free(out);
}

static void
test_out_growth(void)
{
	struct vn_cli_out *out = vn_cli_out_new();
	char *big = malloc(200001);

	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_STRING_EQUAL(vn_cli_out_text(out), "");
	CU_ASSERT_PTR_NULL(vn_cli_out_errmsg(out));
	for (int i = 0; i < 10000; i++)
		vn_cli_printf(out, "line %05d\n", i);
	CU_ASSERT_EQUAL(vn_cli_out_len(out), 110000);
	CU_ASSERT_EQUAL(strlen(vn_cli_out_text(out)), 110000);
	CU_ASSERT_EQUAL(memcmp(vn_cli_out_text(out) + 109989, "line 09999\n", 11), 0);
	memset(big, 'b', 200000);
	big[200000] = '\0';
	vn_cli_printf(out, "%s", big);
	CU_ASSERT_EQUAL(vn_cli_out_len(out), 310000);
	CU_ASSERT_EQUAL(vn_cli_out_text(out)[309999], 'b');
	CU_ASSERT_EQUAL(vn_cli_error(out, "bad %d", 7), -1);
	CU_ASSERT_STRING_EQUAL(vn_cli_out_errmsg(out), "bad 7");
	vn_cli_out_reset(out);
	CU_ASSERT_EQUAL(vn_cli_out_len(out), 0);
	CU_ASSERT_STRING_EQUAL(vn_cli_out_text(out), "");
	CU_ASSERT_PTR_NULL(vn_cli_out_errmsg(out));
	vn_cli_printf(out, "again");
	CU_ASSERT_STRING_EQUAL(vn_cli_out_text(out), "again");
	free(big);
	vn_cli_out_free(out);
	/* Through a command: 100k lines, 1.4 MB. */
	out = vn_cli_out_new();
	CU_ASSERT_EQUAL(vn_cli_execute("vntest big 100000", out), 0);
	CU_ASSERT_EQUAL(vn_cli_out_len(out), 1400000);
	vn_cli_out_free(out);
}

/* Completion candidates joined by ','. */
static char *
vn_t_complete(const char *line)
{
	static char buf[512];
	char **c;
	size_t n;

	buf[0] = '\0';
	if (vn_cli_complete(line, &c, &n) != 0)
		return strcpy(buf, "(error)");
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(buf, ",");
		strncat(buf, c[i], sizeof(buf) - strlen(buf) - 2);
	}
	vn_cli_complete_free(c, n);
	return buf;
}

static void
test_complete(void)
{
	CU_ASSERT_STRING_EQUAL(vn_t_complete("vntes"), "vntest");
	CU_ASSERT_STRING_EQUAL(vn_t_complete("vntest "), "args,big,fail,route,set");
	CU_ASSERT_STRING_EQUAL(vn_t_complete("vntest  r"), "route");
	CU_ASSERT_STRING_EQUAL(vn_t_complete("vntest route "), "add");
	CU_ASSERT_STRING_EQUAL(vn_t_complete("vntest route add "), "");
	CU_ASSERT_STRING_EQUAL(vn_t_complete("vntest set "), "interface,ip");
	CU_ASSERT_STRING_EQUAL(vn_t_complete("vntest set interface "), "state");
	/* After a command with complete_ifname: interface names, at any argument. */
	CU_ASSERT_STRING_EQUAL(vn_t_complete("vntest set interface state "), "lan0,lan1,wan0");
	CU_ASSERT_STRING_EQUAL(vn_t_complete("vntest set interface state la"), "lan0,lan1");
	CU_ASSERT_STRING_EQUAL(vn_t_complete("vntest set interface state lan0 "),
			       "lan0,lan1,wan0");
	CU_ASSERT_STRING_EQUAL(vn_t_complete("vntest set interface state x"), "");
	CU_ASSERT_STRING_EQUAL(vn_t_complete("vntest bogus "), "");
	CU_ASSERT_STRING_EQUAL(vn_t_complete("vntest route \"open "), "");
	/* Top level lists everyone's commands; ours and the built-in help are there. */
	CU_ASSERT_PTR_NOT_NULL(strstr(vn_t_complete(""), "vntest"));
	CU_ASSERT_PTR_NOT_NULL(strstr(vn_t_complete(""), "help"));
	CU_ASSERT_STRING_EQUAL(vn_t_complete("hel"), "help");
}

static void vn_t_help(const char *line, int want_rc, const char *want);

static void
vn_t_help(const char *line, int want_rc, const char *want)
{
	struct vn_cli_out *out = vn_cli_out_new();
	int rc = vn_cli_help(line, out);

	CU_ASSERT_EQUAL(rc, want_rc);
	if (rc == 0) {
		CU_ASSERT_STRING_EQUAL(vn_cli_out_text(out), want);
	} else {
		CU_ASSERT_STRING_EQUAL(vn_cli_out_errmsg(out) ?: "", want);
	}
	if (strcmp(rc == 0 ? vn_cli_out_text(out) : vn_cli_out_errmsg(out) ?: "", want) != 0)
		fprintf(stderr, "\n  help '%s' gave:\n%s%s\n", line, vn_cli_out_text(out),
			vn_cli_out_errmsg(out) ?: "");
	vn_cli_out_free(out);
}

static void
test_help(void)
{
	vn_t_help("vntest set", 0,
		  "vntest set interface state IF up|down  if state\n"
		  "vntest set ip                          ip\n");
	vn_t_help("vntest route", 0,
		  "vntest route [WORDS]                      short route\n"
		  "vntest route add PREFIX via ADDR [IF] | PREFIX via drop\n"
		  "                                          add a test route\n");
	/* Arguments typed: just the command. */
	vn_t_help("vntest route add 1.0.0.0/8", 0,
		  "vntest route add PREFIX via ADDR [IF] | PREFIX via drop\n"
		  "                                          add a test route\n");
	/* A partial last word. */
	vn_t_help("vntest b", 0, "vntest big N  N lines of output\n");
	vn_t_help("vntest zz", -1, "unknown command 'vntest zz': expected one of: args, big, "
				   "fail, route, set");
	vn_t_help("vntest \"zz", -1, "unterminated quote (word 2)");

	/* The built-in help command gives the same. */
	struct vn_cli_out *out = vn_cli_out_new();

	CU_ASSERT_EQUAL(vn_cli_execute("help vntest b", out), 0);
	CU_ASSERT_STRING_EQUAL(vn_cli_out_text(out), "vntest big N  N lines of output\n");
	vn_cli_out_reset(out);
	CU_ASSERT_EQUAL(vn_cli_execute("help", out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(vn_cli_out_text(out), "vntest fail"));
	CU_ASSERT_PTR_NOT_NULL(strstr(vn_cli_out_text(out), "help [WORDS]"));
	vn_cli_out_free(out);
}

/* --- server and protocol --------------------------------------------------------- */

struct vn_t_resp {
	int rc;
	uint8_t status;
	char *body;
	size_t len;
};

struct vn_t_client {
	const char *path;
	atomic_bool is_done;
	int connect_rc;
	struct vn_t_resp exec_ok, exec_err, complete, help, bad_type, nul, big;
	struct vn_t_resp slow_b, slow_a;
	int oversize_rc;
};

static void
vn_t_req(int fd, uint8_t type, const char *text, size_t len, struct vn_t_resp *r)
{
	r->rc = vn_cli_send_msg(fd, type, text, len);
	if (r->rc == 0)
		r->rc = vn_cli_recv_msg(fd, &r->status, &r->body, &r->len);
}

static int
vn_t_connect(const char *path)
{
	struct timeval tv = {.tv_sec = 10};
	int fd = vn_cli_connect(path);

	/* A server that blocks would hang the test: time out instead. */
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static void *
vn_t_client_main(void *arg)
{
	struct vn_t_client *cl = arg;
	static const char partial[] = "vntest route add 1.0.0.0/8 via drop";
	uint8_t hdr[VN_CLI_HDR_LEN];
	int fd, fd_a, fd_b;

	fd = vn_t_connect(cl->path);
	cl->connect_rc = fd;
	if (fd < 0)
		goto done;
	vn_t_req(fd, VN_CLI_REQ_EXEC, "vntest route add 10.0.0.0/8 via drop", 36, &cl->exec_ok);
	vn_t_req(fd, VN_CLI_REQ_EXEC, "vntest route add 10.0.0.0/8 via x", 33, &cl->exec_err);
	vn_t_req(fd, VN_CLI_REQ_COMPLETE, "vntest set interface state l", 28, &cl->complete);
	vn_t_req(fd, VN_CLI_REQ_HELP, "vntest b", 8, &cl->help);
	vn_t_req(fd, 99, "x", 1, &cl->bad_type);
	vn_t_req(fd, VN_CLI_REQ_EXEC, "vntest\0route", 12, &cl->nul);
	/* 2 MB of output: more than the socket buffer holds. */
	vn_t_req(fd, VN_CLI_REQ_EXEC, "vntest big 150000", 17, &cl->big);

	/* Client A stalls mid-header; client B must still be served. */
	fd_a = vn_t_connect(cl->path);
	fd_b = vn_t_connect(cl->path);
	vn_cli_hdr_encode(hdr, VN_CLI_REQ_EXEC, sizeof(partial) - 1);
	vn_cli_write_full(fd_a, hdr, 3);
	usleep(50 * 1000);
	vn_t_req(fd_b, VN_CLI_REQ_EXEC, "vntest route x", 14, &cl->slow_b);
	vn_cli_write_full(fd_a, hdr + 3, 2);
	vn_cli_write_full(fd_a, partial, 10);
	usleep(50 * 1000);
	vn_cli_write_full(fd_a, partial + 10, sizeof(partial) - 1 - 10);
	cl->slow_a.rc = vn_cli_recv_msg(fd_a, &cl->slow_a.status, &cl->slow_a.body,
					&cl->slow_a.len);
	close(fd_a);
	close(fd_b);

	/* An oversized request gets the connection closed. */
	vn_cli_hdr_encode(hdr, VN_CLI_REQ_EXEC, VN_CLI_MSG_MAX + 1);
	vn_cli_write_full(fd, hdr, sizeof(hdr));
	{
		uint8_t st;
		char *body;
		size_t len;

		cl->oversize_rc = vn_cli_recv_msg(fd, &st, &body, &len);
		free(body);
	}
	close(fd);
done:
	atomic_store(&cl->is_done, true);
	return NULL;
}

static void
vn_t_check(const struct vn_t_resp *r, uint8_t status, const char *body, size_t len)
{
	CU_ASSERT_EQUAL(r->rc, 0);
	CU_ASSERT_EQUAL(r->status, status);
	CU_ASSERT_EQUAL(r->len, len);
	if (r->body != NULL && r->len == len)
		CU_ASSERT_EQUAL(memcmp(r->body, body, len), 0);
	if (r->rc != 0 || r->len != len || (r->body && memcmp(r->body, body, len) != 0))
		fprintf(stderr, "\n  response rc %d status %u len %zu: '%.*s'\n", r->rc,
			r->status, r->len, (int)VN_MIN(r->len, (size_t)200), r->body ?: "");
}

static char vn_t_dir[64];
static char vn_t_path[128];

static void
vn_t_paths(void)
{
	strcpy(vn_t_dir, "/tmp/vn-test-cli-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(vn_t_dir));
	snprintf(vn_t_path, sizeof(vn_t_path), "%s/sub/dir/cli.sock", vn_t_dir);
}

static void
vn_t_rm_paths(void)
{
	char p[160];

	unlink(vn_t_path);
	snprintf(p, sizeof(p), "%s/sub/dir", vn_t_dir);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/sub", vn_t_dir);
	rmdir(p);
	rmdir(vn_t_dir);
}

static void
test_server(void)
{
	struct vn_t_client cl = {0};
	struct timespec t0, t;
	pthread_t th;
	struct stat st;
	const char *out, *msg;
	size_t out_len;

	vn_t_paths();
	CU_ASSERT_EQUAL_FATAL(vn_cli_server_start(vn_t_path), 0);
	CU_ASSERT_EQUAL(vn_cli_server_start(vn_t_path), -EALREADY);
	CU_ASSERT_EQUAL(stat(vn_t_path, &st), 0);
	CU_ASSERT(S_ISSOCK(st.st_mode));
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);

	cl.path = vn_t_path;
	CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, vn_t_client_main, &cl), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		vn_cli_server_poll(20);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (!atomic_load(&cl.is_done) && t.tv_sec - t0.tv_sec < 30);
	CU_ASSERT(atomic_load(&cl.is_done));
	pthread_join(th, NULL);

	CU_ASSERT(cl.connect_rc >= 0);
	vn_t_check(&cl.exec_ok, VN_CLI_STATUS_OK, "route 10.0.0.0/8 drop\n", 22);
	static const char err[] = "route 10.0.0.0/8\0unexpected 'x' (word 6): expected one of: "
				  "keyword 'drop', IPv4 address";
	vn_t_check(&cl.exec_err, VN_CLI_STATUS_ERR, err, sizeof(err) - 1);
	vn_cli_split_error(cl.exec_err.body, cl.exec_err.len, &out, &out_len, &msg);
	CU_ASSERT_EQUAL(out_len, 16);
	CU_ASSERT_STRING_EQUAL(msg, err + 17);
	vn_t_check(&cl.complete, VN_CLI_STATUS_OK, "lan0\nlan1\n", 10);
	vn_t_check(&cl.help, VN_CLI_STATUS_OK, "vntest big N  N lines of output\n", 32);
	static const char bad[] = "\0unknown request type 99";
	vn_t_check(&cl.bad_type, VN_CLI_STATUS_ERR, bad, sizeof(bad) - 1);
	static const char nul[] = "\0request contains a NUL byte";
	vn_t_check(&cl.nul, VN_CLI_STATUS_ERR, nul, sizeof(nul) - 1);
	CU_ASSERT_EQUAL(cl.big.rc, 0);
	CU_ASSERT_EQUAL(cl.big.status, VN_CLI_STATUS_OK);
	CU_ASSERT_EQUAL(cl.big.len, 150000 * 14);
	if (cl.big.body != NULL && cl.big.len == 150000 * 14)
		CU_ASSERT_EQUAL(memcmp(cl.big.body + cl.big.len - 14, "line 00149999\n", 14), 0);
	vn_t_check(&cl.slow_b, VN_CLI_STATUS_OK, "route-short [x]\n", 16);
	vn_t_check(&cl.slow_a, VN_CLI_STATUS_OK, "route 1.0.0.0/8 drop\n", 21);
	CU_ASSERT_EQUAL(cl.oversize_rc, -ECONNRESET);

	struct vn_t_resp *all[] = {&cl.exec_ok, &cl.exec_err, &cl.complete, &cl.help, &cl.bad_type,
				   &cl.nul, &cl.big, &cl.slow_a, &cl.slow_b};
	for (size_t i = 0; i < VN_ARRAY_LEN(all); i++)
		free(all[i]->body);

	vn_cli_server_stop();
	CU_ASSERT_EQUAL(access(vn_t_path, F_OK), -1);
	CU_ASSERT_EQUAL(vn_cli_connect(vn_t_path), -ENOENT);
	vn_cli_server_poll(0); /* stopped: a no-op */
	vn_t_rm_paths();
}

/* A listening socket that is not ours, at path. */
static int
vn_t_listen(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	strcpy(sa.sun_path, path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static void
test_server_claim(void)
{
	char dir[160];
	int fd;

	vn_t_paths();
	snprintf(dir, sizeof(dir), "%s/sub", vn_t_dir);
	mkdir(dir, 0755);
	snprintf(dir, sizeof(dir), "%s/sub/dir", vn_t_dir);
	mkdir(dir, 0755);

	/* A live listener: refused, and its socket left alone. */
	fd = vn_t_listen(vn_t_path);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(vn_cli_server_start(vn_t_path), -EADDRINUSE);
	CU_ASSERT_EQUAL(access(vn_t_path, F_OK), 0);
	/* The same socket once nobody listens: stale, replaced. */
	close(fd);
	CU_ASSERT_EQUAL(vn_cli_server_start(vn_t_path), 0);
	vn_cli_server_stop();

	/* A regular file is never removed. */
	fd = open(vn_t_path, O_CREAT | O_WRONLY, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	CU_ASSERT_EQUAL(vn_cli_server_start(vn_t_path), -EEXIST);
	CU_ASSERT_EQUAL(access(vn_t_path, F_OK), 0);

	/* Too long for sun_path. */
	char long_path[200];

	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[0] = '/';
	long_path[sizeof(long_path) - 1] = '\0';
	CU_ASSERT_EQUAL(vn_cli_server_start(long_path), -ENAMETOOLONG);
	vn_t_rm_paths();
}

/* The socket's directory is created 0700, and one that others may write (or
 * that belongs to another user) is refused, as sshd refuses its files. */
static void
test_server_dir_modes(void)
{
	char dir[160];
	struct stat st;

	vn_t_paths();
	CU_ASSERT_EQUAL_FATAL(vn_cli_server_start(vn_t_path), 0);
	vn_cli_server_stop();
	snprintf(dir, sizeof(dir), "%s/sub/dir", vn_t_dir);
	CU_ASSERT_EQUAL(stat(dir, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0700);
	CU_ASSERT_EQUAL(st.st_uid, geteuid());
	snprintf(dir, sizeof(dir), "%s/sub", vn_t_dir);
	CU_ASSERT_EQUAL(stat(dir, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0755);

	/* World-writable (even sticky, as /tmp), group-writable: refused, nothing made. */
	snprintf(dir, sizeof(dir), "%s/sub/dir", vn_t_dir);
	CU_ASSERT_EQUAL(chmod(dir, 01777), 0);
	CU_ASSERT_EQUAL(vn_cli_server_start(vn_t_path), -EPERM);
	CU_ASSERT_NOT_EQUAL(access(vn_t_path, F_OK), 0);
	CU_ASSERT_EQUAL(chmod(dir, 0770), 0);
	CU_ASSERT_EQUAL(vn_cli_server_start(vn_t_path), -EPERM);
	/* Another user's directory, however strict: refused. */
	CU_ASSERT_EQUAL(chmod(dir, 0700), 0);
	CU_ASSERT_EQUAL(chown(dir, 65534, 65534), 0);
	CU_ASSERT_EQUAL(vn_cli_server_start(vn_t_path), -EPERM);
	CU_ASSERT_EQUAL(chown(dir, geteuid(), getegid()), 0);
	/* A directory only root writes, made by someone else (0755): taken. */
	CU_ASSERT_EQUAL(chmod(dir, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(vn_cli_server_start(vn_t_path), 0);
	CU_ASSERT_EQUAL(stat(vn_t_path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
	CU_ASSERT_EQUAL(st.st_uid, geteuid());
	vn_cli_server_stop();
	/* A bare name lives in the current directory, checked the same way. */
	CU_ASSERT_EQUAL_FATAL(chdir(dir), 0);
	CU_ASSERT_EQUAL(chmod(dir, 0777), 0);
	CU_ASSERT_EQUAL(vn_cli_server_start("cli.sock"), -EPERM);
	CU_ASSERT_EQUAL(chmod(dir, 0700), 0);
	CU_ASSERT_EQUAL_FATAL(chdir("/"), 0);
	vn_t_rm_paths();
}

/* Unique prefixes of every word, as vppctl takes them. */
static void
test_prefixes(void)
{
	struct vn_cli_command bigger = {.path = "vntest bigger", .fn = vn_t_if};
	struct vn_cli_out *out = vn_cli_out_new();

	vn_t_exec("vnt ro ad 1.0.0.0/8 via drop", 0, "route 1.0.0.0/8 drop\n", NULL);
	vn_t_exec("vntest r a 1.0.0.0/8 via drop", 0, "route 1.0.0.0/8 drop\n", NULL);
	vn_t_exec("vntest se int st lan0 up", 0, "", NULL);
	/* A word that prefixes no command word is the first argument. */
	vn_t_exec("vntest ro addx y", 0, "route-short [addx] [y]\n", NULL);
	/* Ambiguous at the top level: every candidate is named. */
	CU_ASSERT_EQUAL(vn_cli_execute("s", out), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(vn_cli_out_errmsg(out), "ambiguous 's': "));
	CU_ASSERT_PTR_NOT_NULL(strstr(vn_cli_out_errmsg(out), "set"));
	CU_ASSERT_PTR_NOT_NULL(strstr(vn_cli_out_errmsg(out), "show"));
	vn_cli_out_free(out);
	/* A typo is answered with the nearest word. */
	vn_t_exec("vntest rute", -1, "",
		  "unknown command 'vntest rute': expected one of: args, big, fail, route, set; "
		  "did you mean 'vntest route'?");
	vn_t_exec("vntest set interfac", -1, "",
		  "incomplete command 'vntest set interfac': expected one of: state");
	vn_t_exec("vntest zzzz", -1, "",
		  "unknown command 'vntest zzzz': expected one of: args, big, fail, route, set");

	/* An exact word wins over a longer one it prefixes; a shorter prefix of
	 * both is ambiguous. */
	vn_cli_register(&bigger);
	vn_t_exec("vntest big 2", 0, "line 00000000\nline 00000001\n", NULL);
	vn_t_exec("vntest bigg", 0, "", NULL);
	vn_t_exec("vntest bi 2", -1, "", "ambiguous 'bi': big, bigger");
	CU_ASSERT_STRING_EQUAL(vn_t_complete("vntest bi"), "big,bigger");
	vn_cli_unregister(&bigger);
	/* The same when the longer word was registered first. */
	struct vn_cli_command hello = {.path = "vntest hello", .fn = vn_t_fail};
	struct vn_cli_command hell = {.path = "vntest hell", .fn = vn_t_if};
	vn_cli_register(&hello);
	vn_cli_register(&hell);
	vn_t_exec("vntest hell", 0, "", NULL);
	vn_t_exec("vntest hello", -1, "partial output\n", "vntest hello: command failed");
	vn_t_exec("vntest hel", -1, "", "ambiguous 'hel': hell, hello");
	vn_cli_unregister(&hell);
	vn_cli_unregister(&hello);

	/* Completion and help resolve the words typed so far the same way. */
	CU_ASSERT_STRING_EQUAL(vn_t_complete("vnt ro "), "add");
	CU_ASSERT_STRING_EQUAL(vn_t_complete("vntest se i"), "interface,ip");
	CU_ASSERT_STRING_EQUAL(vn_t_complete("vntest se int st la"), "lan0,lan1");
	vn_t_help("vnt se int", 0, "vntest set interface state IF up|down  if state\n");
	vn_t_exec("sh help vnt se int", 0, "vntest set interface state IF up|down  if state\n",
		  NULL);
	vn_t_help("vnt ro ad 1.0.0.0/8", 0,
		  "vntest route add PREFIX via ADDR [IF] | PREFIX via drop\n"
		  "                                          add a test route\n");
}

/* Word i of path (its length; 0 past the end), start in *w. */
static size_t
vn_t_path_word(const char *path, size_t i, const char **w)
{
	for (;;) {
		while (*path == ' ')
			path++;
		size_t len = strcspn(path, " ");
		if (len == 0 || i-- == 0) {
			*w = path;
			return len;
		}
		path += len;
	}
}

/* Every registered command runs from the shortest unique abbreviation of each
 * of its words (the shortest prefix no sibling command word shares, or the
 * whole word): a module or plugin adding a command cannot break the rule
 * without this failing. */
static void
test_every_path_abbreviated(void)
{
	size_t n_checked = 0, n_shortened = 0;

	for (struct vn_cli_command *c = vn_cli_command_first(); c != NULL; c = c->next) {
		char line[256] = "";
		const char *w;
		size_t len, depth;

		for (size_t i = 0; (len = vn_t_path_word(c->path, i, &w)) != 0; i++) {
			size_t k = 1;
			for (; k < len; k++) {
				bool shared = false;
				for (struct vn_cli_command *o = vn_cli_command_first(); o; o = o->next) {
					const char *ow, *a, *b;
					size_t olen = vn_t_path_word(o->path, i, &ow), j;
					for (j = 0; j < i; j++) {
						size_t la = vn_t_path_word(c->path, j, &a);
						size_t lb = vn_t_path_word(o->path, j, &b);
						if (la != lb || memcmp(a, b, la) != 0)
							break;
					}
					if (j == i && olen >= k && memcmp(ow, w, k) == 0 &&
					    (olen != len || memcmp(ow, w, len) != 0))
						shared = true;
				}
				if (!shared)
					break;
			}
			n_shortened += k < len;
			snprintf(line + strlen(line), sizeof(line) - strlen(line), "%.*s ", (int)k, w);
		}
		struct vn_cli_command *got = vn_cli_command_for(line, &depth);
		CU_ASSERT_PTR_EQUAL(got, c);
		if (got != c)
			fprintf(stderr, "\n  '%s' runs '%s', not '%s'\n", line, got ? got->path : "-",
				c->path);
		n_checked++;
	}
	CU_ASSERT(n_checked > 30);
	CU_ASSERT(n_shortened > 30);
}

int
main(void)
{
	static CU_TestInfo parse_tests[] = {
		{"arg types", test_arg_types},
		{"unexpected messages", test_unexpected_messages},
		{"dispatch", test_dispatch},
		{"registry", test_registry},
		{"quotes", test_quotes},
		{"junk input", test_junk},
		{"output growth", test_out_growth},
		{"complete", test_complete},
		{"help", test_help},
		{"prefixes", test_prefixes},
		{"every path abbreviated", test_every_path_abbreviated},
		CU_TEST_INFO_NULL,
	};
	static CU_TestInfo server_tests[] = {
		{"server and protocol", test_server},
		{"socket path claim", test_server_claim},
		{"socket directory: 0700, refused if others may write", test_server_dir_modes},
		CU_TEST_INFO_NULL,
	};
	static CU_SuiteInfo suites[] = {
		{.pName = "cli parse", .pInitFunc = vn_t_init, .pCleanupFunc = vn_t_clean,
		 .pTests = parse_tests},
		{.pName = "cli server", .pInitFunc = vn_t_init, .pCleanupFunc = vn_t_clean,
		 .pTests = server_tests},
		CU_SUITE_INFO_NULL,
	};

	return vn_test_run(suites);
}
