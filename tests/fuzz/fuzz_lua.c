/*
 * The Lua bindings (the vecnet module and what plugins add to it) with
 * arbitrary arguments, against the engine state of fuzz_engine.h. The input
 * picks a function and builds its arguments: nil, booleans, integers at
 * their limits, floats (NaN, infinities), strings of any bytes, tables with
 * the keys the bindings read, functions. The call is Lua source run through
 * vn_lua_eval, the path `lua eval` takes, so the limits and the sandbox are
 * those of the engine.
 *
 * Input: [function index] then per argument [type][payload...], up to 6.
 * vecnet.cli is left to the CLI harness (it runs any command); the functions
 * that make taps, memifs and host interfaces are not called (see below).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vecnet/cli.h>
#include <vecnet/common.h>
#include <vecnet/lua.h>

#include "fuzz_engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define VF_CODE_MAX 8192

static char *fns[128];
static uint32_t n_fns;

/* Keys the bindings read from their table arguments. */
static const char *const keys[] = {
	"prefix", "via", "interface", "drop", "paths", "address", "mac", "static", "del",
	"name", "up", "mtu", "protocol", "local", "local_ip", "local_port", "external_ip",
	"external_port", "in", "out", "input", "output", "index", "sessions", "max_sessions",
	"tcp", "udp", "icmp", "tcp_established", "tcp_transitory", "source", "addresses", "1",
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *names, *save = NULL;

	vf_engine_init();
	/* Not the functions that make devices outside the engine (a kernel tap,
	 * a memif socket file, an AF_PACKET socket on a real Linux interface):
	 * they reach the machine itself, and a DPDK port's RX ring takes the
	 * harness's mbufs. */
	vf_cli("lua eval local t = {} for k, v in pairs(vecnet) do if type(v) == 'function' and "
	       "k ~= 'cli' and not k:match('^create_tap') and not k:match('^create_memif') and "
	       "k ~= 'create_host_interface' then t[#t + 1] = k end end table.sort(t) "
	       "print(table.concat(t, ' '))",
	       true);
	names = strdup(vn_cli_out_text(vf_out));
	for (char *w = strtok_r(names, " \n", &save); w && n_fns < 128; w = strtok_r(NULL, " \n", &save))
		fns[n_fns++] = w;
	if (n_fns < 10) {
		fprintf(stderr, "fuzz: vecnet module has only %u functions\n", n_fns);
		abort();
	}
	return 0;
}

struct cursor {
	const uint8_t *p;
	size_t n;
};

static uint8_t
take(struct cursor *c)
{
	if (c->n == 0)
		return 0;
	c->n--;
	return *c->p++;
}

static uint64_t
take64(struct cursor *c)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | take(c);
	return v;
}

static void
emit(char *code, size_t *len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
emit(char *code, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len >= VF_CODE_MAX)
		return;
	va_start(ap, fmt);
	n = vsnprintf(code + *len, VF_CODE_MAX - *len, fmt, ap);
	va_end(ap);
	*len = n < 0 ? VF_CODE_MAX : *len + (size_t)n;
}

static void value(struct cursor *c, char *code, size_t *len, int depth);

static void
string(struct cursor *c, char *code, size_t *len)
{
	uint8_t n = take(c);

	emit(code, len, "\"");
	for (uint8_t i = 0; i < n && c->n > 0; i++)
		emit(code, len, "\\x%02x", take(c));
	emit(code, len, "\"");
}

static void
value(struct cursor *c, char *code, size_t *len, int depth)
{
	uint8_t t = take(c);
	double d;
	uint64_t u;

	switch (t % 10) {
	case 0:
		emit(code, len, "nil");
		break;
	case 1:
		emit(code, len, t & 0x10 ? "true" : "false");
		break;
	case 2:
		emit(code, len, "%" PRId64, (int64_t)take64(c));
		break;
	case 3:
		emit(code, len, "%d", (int8_t)take(c));
		break;
	case 4:
		u = take64(c);
		memcpy(&d, &u, sizeof(d));
		if (isnan(d))
			emit(code, len, "(0/0)");
		else if (isinf(d))
			emit(code, len, d > 0 ? "(1/0)" : "(-1/0)");
		else
			emit(code, len, "%a", d);
		break;
	case 5:
	case 6:
		string(c, code, len);
		break;
	case 7: { /* a table: up to 6 fields with known keys, or array items */
		uint8_t n = take(c) % 7;

		emit(code, len, "{");
		for (uint8_t i = 0; i < n && c->n > 0; i++) {
			uint8_t k = take(c);

			if (depth < 3) {
				if (k < VN_ARRAY_LEN(keys))
					emit(code, len, "[\"%s\"]=", keys[k]);
				value(c, code, len, depth + 1);
			} else {
				emit(code, len, "0");
			}
			emit(code, len, ",");
		}
		emit(code, len, "}");
		break;
	}
	case 8:
		emit(code, len, "function() return 1 end");
		break;
	default: /* a well-formed address, prefix or MAC: gets past the first check */
		switch (take(c) % 3) {
		case 0:
			emit(code, len, "\"%u.%u.%u.%u\"", take(c), take(c), take(c), take(c));
			break;
		case 1:
			emit(code, len, "\"%u.%u.%u.%u/%u\"", take(c), take(c), take(c), take(c),
			     take(c) % 40);
			break;
		default:
			emit(code, len, "\"%02x:%02x:%02x:%02x:%02x:%02x\"", take(c), take(c), take(c),
			     take(c), take(c), take(c));
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = {data, size};
	static char code[VF_CODE_MAX + 1];
	size_t len = 0;

	while (c.n > 0) {
		uint8_t f = take(&c), n_args = take(&c) % 7;

		len = 0;
		emit(code, &len, "vecnet.%s(", fns[f % n_fns]);
		for (uint8_t i = 0; i < n_args; i++) {
			if (i)
				emit(code, &len, ",");
			value(&c, code, &len, 0);
		}
		emit(code, &len, ")");
		if (len >= VF_CODE_MAX)
			break;
		vn_cli_out_reset(vf_out);
		vn_lua_eval(code, vf_out);
	}
	vf_run();
	vf_check_buffers("a Lua input");
	return 0;
}
