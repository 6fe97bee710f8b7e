/*
 * The stack's settings: one table that `set tcp`, `show tcp config` and the
 * `tcp:` YAML section all use. Settings take effect for connections opened
 * after the change; a connection keeps what it started with (its FIFOs) or
 * reads the value when it needs it (timers).
 */
#define VN_LOG_MOD "tcp"
#include <errno.h>
#include <string.h>
#include <vecnet/cli.h>
#include <vecnet/config.h>

#include "tcp/session_priv.h"
#include "tcp/tcp_priv.h"

struct tcp_param {
	const char *name;
	uint32_t *val;
	uint32_t min, max;
	bool is_pow2;
};

static const struct tcp_param tcp_params[] = {
	{"rx-fifo-size", &tcp_cfg.rx_fifo, 4096, 1u << 26, true},
	{"tx-fifo-size", &tcp_cfg.tx_fifo, 4096, 1u << 26, true},
	{"time-wait-ms", &tcp_cfg.time_wait_ms, 1, 600000, false},
	{"fin-wait-2-ms", &tcp_cfg.fin_wait_2_ms, 1, 600000, false},
	{"rto-min-ms", &tcp_cfg.rto_min_ms, 1, 60000, false},
	{"rto-max-ms", &tcp_cfg.rto_max_ms, 1000, 600000, false},
	{"rto-initial-ms", &tcp_cfg.rto_init_ms, 1, 60000, false},
	{"max-retransmissions", &tcp_cfg.max_rtx, 1, 30, false},
	{"max-syn-retransmissions", &tcp_cfg.max_syn_rtx, 1, 10, false},
	{"challenge-acks-per-s", &tcp_cfg.challenge_acks_per_s, 0, 1000000, false},
	{"half-open-max", &tcp_cfg.half_open_max, 0, 1000000, false},
	{"keepalive-idle-ms", &tcp_cfg.keepalive_idle_ms, 0, 86400000, false},
	{"keepalive-interval-ms", &tcp_cfg.keepalive_interval_ms, 100, 3600000, false},
	{"keepalive-probes", &tcp_cfg.keepalive_probes, 1, 100, false},
	{"nagle", &tcp_cfg.nagle, 0, 1, false},
	{"congestion-control", &tcp_cfg.cc, TCP_CC_NEWRENO, TCP_CC_CUBIC, false},
};

static const char *const tcp_cc_names[] = {[TCP_CC_NEWRENO] = "newreno", [TCP_CC_CUBIC] = "cubic",
					   NULL};

/* A congestion control by name: its enum tcp_cc, or -1. */
static int
tcp_cc_by_name(const char *name)
{
	for (int i = 0; tcp_cc_names[i]; i++)
		if (strcmp(tcp_cc_names[i], name) == 0)
			return i;
	return -1;
}

int
vn_tcp_set(const char *name, uint64_t v)
{
	for (uint32_t i = 0; i < VN_ARRAY_LEN(tcp_params); i++) {
		const struct tcp_param *p = &tcp_params[i];
		if (strcmp(p->name, name) != 0)
			continue;
		if (v < p->min || v > p->max || (p->is_pow2 && (v & (v - 1))))
			return -ERANGE;
		if ((p->val == &tcp_cfg.rto_min_ms && v > tcp_cfg.rto_max_ms) ||
		    (p->val == &tcp_cfg.rto_max_ms && v < tcp_cfg.rto_min_ms))
			return -ERANGE;
		/* Workers read it for their next connection or timer. */
		__atomic_store_n(p->val, (uint32_t)v, __ATOMIC_RELAXED);
		return 0;
	}
	return -ENOENT;
}

/* ---- CLI ---- */

static int
set_tcp_fn(struct vn_cli_out *out, struct vn_cli_args *args)
{
	char key[32];
	uint64_t v;
	int rc;

	if (!vn_cli_arg_word(args, "setting", key, sizeof(key)))
		return vn_cli_unexpected(args);
	if (strcmp(key, "congestion-control") == 0) {
		char name[16];
		int cc;
		if (!vn_cli_arg_word(args, "newreno | cubic", name, sizeof(name)) ||
		    !vn_cli_args_end(args))
			return vn_cli_unexpected(args);
		if ((cc = tcp_cc_by_name(name)) < 0)
			return vn_cli_error(out, "congestion-control: newreno or cubic, not '%s'", name);
		v = (uint64_t)cc;
	} else if (!vn_cli_arg_u64(args, &v) || !vn_cli_args_end(args)) {
		return vn_cli_unexpected(args);
	}
	rc = vn_tcp_set(key, v);
	if (rc == -ENOENT)
		return vn_cli_error(out, "no setting '%s' (show tcp config lists them)", key);
	if (rc == -ERANGE) {
		for (uint32_t i = 0; i < VN_ARRAY_LEN(tcp_params); i++)
			if (strcmp(tcp_params[i].name, key) == 0)
				return vn_cli_error(out, "%s: %u to %u%s", key, tcp_params[i].min,
						    tcp_params[i].max,
						    tcp_params[i].is_pow2 ? ", a power of two" : "");
	}
	return rc < 0 ? vn_cli_error(out, "%s", strerror(-rc)) : 0;
}

VN_CLI_COMMAND(set_tcp) = {
	.path = "set tcp",
	.syntax = "SETTING VALUE",
	.help = "change a TCP setting for connections opened from now on (show tcp config)",
	.fn = set_tcp_fn,
};

static int
show_tcp_config_fn(struct vn_cli_out *out, struct vn_cli_args *args)
{
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	for (uint32_t i = 0; i < VN_ARRAY_LEN(tcp_params); i++) {
		if (tcp_params[i].val == &tcp_cfg.cc)
			vn_cli_printf(out, "%-24s %s\n", tcp_params[i].name, tcp_cc_names[tcp_cfg.cc]);
		else
			vn_cli_printf(out, "%-24s %u\n", tcp_params[i].name, *tcp_params[i].val);
	}
	vn_cli_printf(out, "%-24s %u (per thread, at start)\n", "max-connections",
		      tcp_cfg.max_conns);
	return 0;
}

VN_CLI_COMMAND(show_tcp_config) = {
	.path = "show tcp config",
	.help = "the TCP stack's settings",
	.fn = show_tcp_config_fn,
};

/* ---- tcp: in the YAML ----
 * An engine section: the application's schema table (config_schema.c) holds
 * these fields, its checks call vn_tcp_cfg_check and its apply
 * vn_tcp_cfg_apply, as for the other sections of the engine. */

#define TCP_INT(k, lo, hi, d, ex, text)                                                            \
	{.key = k, .type = VN_CFG_T_INT, .min = lo, .max = hi, .def = d, .example = ex, .doc = text}

static const struct vn_cfg_field tcp_listen_fields[] = {
	{.key = "app", .type = VN_CFG_T_STR, .required = true, .max_len = 31, .example = "echo-server",
	 .doc = "the application's registered name"},
	{.key = "uri", .type = VN_CFG_T_STR, .required = true, .max_len = 63,
	 .example = "\"tcp://0.0.0.0/7\"",
	 .doc = "tcp://ADDR/PORT, IPv4 or IPv6 (tcp://[ADDR]/PORT too); 0.0.0.0 is every IPv4 "
		"address, :: every IPv6 one"},
	{.key = NULL},
};

static const struct vn_cfg_field tcp_connect_fields[] = {
	{.key = "app", .type = VN_CFG_T_STR, .required = true, .max_len = 31, .example = "my-app",
	 .doc = "the application's registered name"},
	{.key = "uri", .type = VN_CFG_T_STR, .required = true, .max_len = 63,
	 .example = "\"tcp://10.0.2.2/80\"", .doc = "tcp://ADDR/PORT to connect to, IPv4 or IPv6"},
	{.key = "thread", .type = VN_CFG_T_INT, .min = 0, .max = VN_THREAD_MAX - 1, .def = "first",
	 .example = "1", .doc = "the forwarding thread that opens it (`show session`'s thread N)"},
	{.key = NULL},
};

const struct vn_cfg_field vn_tcp_cfg_fields[] = {
	{.key = "enable", .type = VN_CFG_T_BOOL, .def = "false", .example = "true",
	 .doc = "the host stack on (`session enable`): listeners and connections allowed"},
	TCP_INT("rx-fifo-size", 4096, 1 << 26, "65536", "262144",
		"bytes of each session's receive FIFO, a power of two; the largest window offered"),
	TCP_INT("tx-fifo-size", 4096, 1 << 26, "65536", "262144",
		"bytes of each session's transmit FIFO (kept until acknowledged), a power of two"),
	TCP_INT("time-wait-ms", 1, 600000, "60000", "10000",
		"how long a closed connection stays in TIME_WAIT"),
	TCP_INT("fin-wait-2-ms", 1, 600000, "60000", "30000",
		"how long FIN_WAIT_2 waits for the peer's FIN"),
	TCP_INT("rto-min-ms", 1, 60000, "200", "200", "smallest retransmission timeout"),
	TCP_INT("rto-max-ms", 1000, 600000, "60000", "60000", "largest retransmission timeout"),
	TCP_INT("rto-initial-ms", 1, 60000, "1000", "1000",
		"retransmission timeout before an RTT is measured (SYNs)"),
	TCP_INT("max-retransmissions", 1, 30, "12", "8",
		"timeouts in a row before a connection is reset"),
	TCP_INT("max-syn-retransmissions", 1, 10, "5", "3",
		"timeouts of a SYN or SYN-ACK before the open fails"),
	TCP_INT("challenge-acks-per-s", 0, 1000000, "1000", "1000",
		"RFC 5961 challenge ACKs a thread sends per second at most"),
	TCP_INT("half-open-max", 0, 1000000, "1024", "4096",
		"passive connections a thread keeps in SYN_RCVD; beyond, SYNs get SYN cookies"),
	TCP_INT("keepalive-idle-ms", 0, 86400000, "0", "7200000",
		"idle time before keepalive probes start; 0: no keepalive (RFC 9293 3.8.4)"),
	TCP_INT("keepalive-interval-ms", 100, 3600000, "75000", "75000",
		"time between keepalive probes"),
	TCP_INT("keepalive-probes", 1, 100, "9", "9",
		"unanswered keepalive probes before the connection is reset"),
	TCP_INT("nagle", 0, 1, "0", "1",
		"1: connections start with Nagle's algorithm (an app may turn it off per session)"),
	{.key = "congestion-control", .type = VN_CFG_T_ENUM, .enum_values = tcp_cc_names,
	 .def = "newreno", .example = "cubic",
	 .doc = "of new connections: NewReno (RFC 6582) or CUBIC (RFC 9438)"},
	{.key = "echo-servers", .type = VN_CFG_T_LIST, .elem = VN_CFG_T_STR, .max_len = 63,
	 .def = "[]", .example = "[\"tcp://0.0.0.0/7\"]",
	 .doc = "built-in echo servers to start (`test echo server uri ...`); needs `enable`"},
	{.key = "discard-servers", .type = VN_CFG_T_LIST, .elem = VN_CFG_T_STR, .max_len = 63,
	 .def = "[]", .example = "[\"tcp://0.0.0.0/9\"]",
	 .doc = "built-in discard servers to start; needs `enable`"},
	TCP_INT("max-connections", 16, 1 << 22, "16384", "65536",
		"connections per thread (TIME_WAIT included), fixed at start: beyond, a SYN is "
		"dropped (`tcp connection table full`) and a connect fails with -ENOMEM"),
	{.key = "listen", .type = VN_CFG_T_LIST, .elem = VN_CFG_T_MAP, .fields = tcp_listen_fields,
	 .def = "[]", .example = "[{ app: echo-server, uri: \"tcp://0.0.0.0/7\" }]",
	 .doc = "listeners of registered applications (a plugin's, or the built-in "
		"echo-server and discard-server), opened once the engine runs; needs `enable`"},
	{.key = "connect", .type = VN_CFG_T_LIST, .elem = VN_CFG_T_MAP, .fields = tcp_connect_fields,
	 .def = "[]", .example = "[{ app: my-app, uri: \"tcp://10.0.2.2/80\", thread: 1 }]",
	 .doc = "connections a registered application opens once the engine runs (its "
		"`connected` callback gets the entry's index as opaque); needs `enable`"},
	{.key = NULL},
};

int
vn_tcp_cfg_apply(const struct vn_cfg_node *section)
{
	int rc;

	if (!section)
		return 0;
	for (const struct vn_cfg_field *f = vn_tcp_cfg_fields; f->key; f++) {
		if (f->type != VN_CFG_T_INT || !vn_cfg_map_get(section, f->key) ||
		    strcmp(f->key, "max-connections") == 0)
			continue;
		rc = vn_tcp_set(f->key, (uint64_t)vn_cfg_get_int(section, f->key, 0));
		if (rc < 0) {
			VN_ERR("tcp.%s: %s", f->key, strerror(-rc));
			return rc;
		}
	}
	if (vn_cfg_map_get(section, "congestion-control"))
		vn_tcp_set("congestion-control",
			   (uint64_t)tcp_cc_by_name(vn_cfg_get_str(section, "congestion-control",
								  "newreno")));
	if (vn_cfg_get_bool(section, "enable", false) && (rc = vn_session_enable(true)) < 0)
		return rc;
	for (int d = 0; d < 2; d++) {
		const char *key = d ? "discard-servers" : "echo-servers";
		const struct vn_cfg_node *list = vn_cfg_map_get(section, key);
		/* The schema checked: a list of strings. */
		for (const struct vn_cfg_node *u = list ? list->child : NULL; u; u = u->next) {
			rc = vn_echo_server(u->value, d, false);
			if (rc < 0) {
				VN_ERR("tcp.%s %s: %s", key, u->value,
				       rc == -EPERM ? "needs tcp.enable" : strerror(-rc));
				return rc;
			}
		}
	}
	return 0;
}

int
vn_tcp_cfg_check(struct vn_cfg_errors *e, const struct vn_cfg_node *section)
{
	int n = 0;

	if (!section)
		return 0;
	for (const struct vn_cfg_field *f = vn_tcp_cfg_fields; f->key; f++) {
		const struct vn_cfg_node *v = vn_cfg_map_get(section, f->key);
		int64_t x = vn_cfg_get_int(section, f->key, 0);
		if (v && strstr(f->key, "fifo-size") && (x & (x - 1))) {
			vn_cfg_error(e, v, "tcp.%s: %ld is not a power of two", f->key, (long)x);
			n++;
		}
	}
	for (int k = 0; k < 2; k++) {
		const char *key = k ? "connect" : "listen";
		const struct vn_cfg_node *list = vn_cfg_map_get(section, key);
		uint32_t i = 0;
		struct vn_session_ep ep;
		for (const struct vn_cfg_node *it = list ? list->child : NULL; it;
		     it = it->next, i++) {
			const struct vn_cfg_node *u = vn_cfg_map_get(it, "uri");
			if (u && u->value && vn_session_parse_uri(u->value, &ep) < 0) {
				vn_cfg_error(e, u, "tcp.%s[%u].uri: '%s' is not tcp://ADDR/PORT",
					     key, i, u->value);
				n++;
			} else if (k && u && u->value && vn_session_ep_is_any(&ep)) {
				vn_cfg_error(e, u,
					     "tcp.connect[%u].uri: connect to an address, not %s",
					     i,
					     ep.is_ip6 ? "::" : "0.0.0.0");
				n++;
			}
		}
		if (list && list->child && !vn_cfg_get_bool(section, "enable", false)) {
			vn_cfg_error(e, list, "tcp.%s needs tcp.enable: true", key);
			n++;
		}
	}
	if (vn_cfg_get_int(section, "rto-min-ms", 200) > vn_cfg_get_int(section, "rto-max-ms", 60000)) {
		vn_cfg_error(e, vn_cfg_map_get(section, "rto-min-ms"),
			     "tcp.rto-min-ms is above tcp.rto-max-ms");
		n++;
	}
	return n;
}

int
vn_tcp_cfg_early(const struct vn_cfg_node *section)
{
	/* The 4-tuple table and pool are sized when each thread's stack
	 * attaches (graph build): the only setting read before it. */
	if (section && vn_cfg_map_get(section, "max-connections"))
		tcp_cfg.max_conns = (uint32_t)vn_cfg_get_int(section, "max-connections", 16384);
	return 0;
}

#define TCP_NO_APP "no application '%s' (echo-server, discard-server, or one a plugin registered)"

/* A listen: or connect: entry's place in the file, for start-up errors. */
static void
tcp_cfg_err(const char *file, const struct vn_cfg_node *at, const char *key, uint32_t i,
	    const char *what)
{
	VN_ERR("%s:%d:%d: tcp.%s[%u]: %s", file ? file : "config", at->line, at->col, key, i, what);
}

int
vn_tcp_cfg_start(const char *file, const struct vn_cfg_node *section)
{
	const struct vn_cfg_node *list;
	char msg[192];
	uint32_t i;
	struct vn_session_ep ep;
	int app, rc;

	if (!section)
		return 0;
	/* Now, not at apply: plugins register their apps in their own
	 * sections, and connects need the workers' stacks. */
	list = vn_cfg_map_get(section, "listen");
	i = 0;
	for (const struct vn_cfg_node *e = list ? list->child : NULL; e; e = e->next, i++) {
		const char *name = vn_cfg_get_str(e, "app", "");
		const char *uri = vn_cfg_get_str(e, "uri", "");
		if ((app = vn_session_app_lookup(name)) < 0) {
			snprintf(msg, sizeof(msg), TCP_NO_APP, name);
			tcp_cfg_err(file, e, "listen", i, msg);
			return app;
		}
		vn_session_parse_uri(uri, &ep); /* checked at load */
		if ((rc = vn_session_listen((uint32_t)app, &ep)) < 0) {
			snprintf(msg, sizeof(msg), "listen %s: %s", uri, strerror(-rc));
			tcp_cfg_err(file, e, "listen", i, msg);
			return rc;
		}
	}
	list = vn_cfg_map_get(section, "connect");
	i = 0;
	for (const struct vn_cfg_node *e = list ? list->child : NULL; e; e = e->next, i++) {
		const char *name = vn_cfg_get_str(e, "app", "");
		const char *uri = vn_cfg_get_str(e, "uri", "");
		int64_t t = vn_cfg_get_int(e, "thread", -1);
		uint32_t thread = t < 0 ? vn_fwd_thread_index(0) : (uint32_t)t;
		if ((app = vn_session_app_lookup(name)) < 0) {
			snprintf(msg, sizeof(msg), TCP_NO_APP, name);
			tcp_cfg_err(file, e, "connect", i, msg);
			return app;
		}
		vn_session_parse_uri(uri, &ep);
		rc = vn_session_connect((uint32_t)app, thread, &ep, i);
		if (rc < 0) {
			snprintf(msg, sizeof(msg), "connect %s: %s", uri,
				 rc == -ENODEV ? "no TCP stack on that thread (not forwarding)"
					       : strerror(-rc));
			tcp_cfg_err(file, e, "connect", i, msg);
			return rc;
		}
	}
	return 0;
}
