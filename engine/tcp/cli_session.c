/*
 * Commands of the host stack, in VPP's words: session enable|disable,
 * show session [verbose] [thread N] [state S], show tcp stats (settings:
 * tcp_config.c).
 *
 * Connection lists: the main thread walks its own connections when it is
 * the forwarder (workers: []); a worker's are copied by the worker itself
 * between two of its loops, on a request through its request ring, while
 * the command waits (bounded): a worker frees its connections while we
 * would read them, so we never walk its pool.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <vecnet/cli.h>
#include <vecnet/graph.h>
#include <vecnet/net/addr.h>

#include "tcp/session_priv.h"
#include "tcp/tcp_priv.h"

static int
session_enable_fn(struct vn_cli_out *out, struct vn_cli_args *args)
{
	int rc;

	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	rc = vn_session_enable(true);
	return rc < 0 ? vn_cli_error(out, "%s", strerror(-rc)) : 0;
}

static int
session_disable_fn(struct vn_cli_out *out, struct vn_cli_args *args)
{
	int rc;

	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	rc = vn_session_enable(false);
	if (rc == -EBUSY)
		return vn_cli_error(out, "listeners or connections remain");
	return rc < 0 ? vn_cli_error(out, "%s", strerror(-rc)) : 0;
}

VN_CLI_COMMAND(session_enable) = {
	.path = "session enable",
	.help = "enable the host stack (TCP listeners and connections)",
	.fn = session_enable_fn,
};

VN_CLI_COMMAND(session_disable) = {
	.path = "session disable",
	.help = "disable the host stack (when no listener or connection remains)",
	.fn = session_disable_fn,
};

static bool
session_may_walk(uint32_t thread)
{
	struct vn_graph *g = vn_graph_self();

	return g && g->thread_index == thread;
}

static void
show_conn(struct vn_cli_out *out, const struct tcp_conn *c, bool verbose)
{
	char l[VN_SESSION_EP_STRLEN], r[VN_SESSION_EP_STRLEN];
	struct vn_session_ep le = {.addr = c->laddr, .port = c->lport, .is_ip6 = c->is_ip6};
	struct vn_session_ep re = {.addr = c->raddr, .port = c->rport, .is_ip6 = c->is_ip6};

	vn_cli_printf(out, "[%u] %s -> %s %s rx %u tx %u\n", c->thread,
		      vn_session_fmt_ep(&le, l), vn_session_fmt_ep(&re, r),
		      tcp_state_names[c->state], tcp_fifo_len(&c->rx), tcp_fifo_len(&c->tx));
	if (!verbose)
		return;
	vn_cli_printf(out,
		      "    app %s snd_una %u snd_nxt %u snd_max %u snd_wnd %u rcv_nxt %u rcv_wnd %u\n"
		      "    mss %u wscale %u/%u%s%s cwnd %u ssthresh %u srtt %u ms rto %u ms%s\n"
		      "    segs in %lu out %lu bytes in %lu out %lu retransmitted %lu timeouts %lu\n",
		      tcp_apps[c->app].name, c->snd_una - c->iss, c->snd_nxt - c->iss,
		      c->snd_max - c->iss, c->snd_wnd, c->rcv_nxt - c->irs, tcp_conn_rcv_wnd(c),
		      c->snd_mss, c->snd_wscale, c->rcv_wscale,
		      (c->flags & TCP_CF_TS) ? " ts" : "", (c->flags & TCP_CF_SACK) ? " sack" : "",
		      c->cwnd, c->ssthresh > (1u << 30) ? 0 : c->ssthresh, c->srtt >> 3, c->rto,
		      (c->flags & TCP_CF_RECOVERY) ? " recovery" : "", c->segs_in, c->segs_out,
		      c->bytes_in, c->bytes_out, c->rtx_segs, c->n_timeouts);
}

#define SHOW_SESSION_MAX 100000 /* connections listed per thread */
#define SHOW_SESSION_WAIT_MS 1000

static void
show_worker_conns(struct vn_cli_out *out, uint32_t t, uint32_t state, bool verbose)
{
	uint32_t n = 0, n_match = 0;
	int err;
	struct tcp_conn *conns = vn_session_snapshot(t, state, SHOW_SESSION_MAX, &n, &n_match,
						     SHOW_SESSION_WAIT_MS, &err);

	if (!conns) {
		vn_cli_printf(out, "  (connections not listed: %s)\n",
			      err == -ETIMEDOUT ? "the worker did not answer within 1 s"
			      : err == -EAGAIN	? "its request queue is full"
						: strerror(-err));
		return;
	}
	for (uint32_t i = 0; i < n; i++)
		show_conn(out, &conns[i], verbose);
	if (n_match > n)
		vn_cli_printf(out, "  (%u more not listed)\n", n_match - n);
	free(conns);
}

static int
show_session_fn(struct vn_cli_out *out, struct vn_cli_args *args)
{
	bool verbose = false;
	const struct tcp_listen_table *lt = tcp_listeners;
	uint32_t thread = UINT32_MAX, state = UINT32_MAX;
	char a[VN_SESSION_EP_STRLEN], word[16];

	while (!vn_cli_args_end(args)) {
		if (vn_cli_arg_keyword(args, "verbose")) {
			verbose = true;
		} else if (vn_cli_arg_keyword(args, "thread")) {
			if (!vn_cli_arg_u32_range(args, 0, VN_THREAD_MAX - 1, &thread))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "state")) {
			if (!vn_cli_arg_word(args, "STATE (e.g. ESTABLISHED)", word, sizeof(word)))
				return vn_cli_unexpected(args);
			for (uint32_t s = TCP_SYN_SENT; s < TCP_N_STATE; s++)
				if (strcasecmp(word, tcp_state_names[s]) == 0)
					state = s;
			if (state == UINT32_MAX)
				return vn_cli_error(out, "no state '%s' (SYN_SENT ... TIME_WAIT)", word);
		} else {
			return vn_cli_unexpected(args);
		}
	}
	vn_cli_printf(out, "session layer %s\n", vn_session_is_enabled ? "enabled" : "disabled");
	for (uint32_t i = 0; lt && i < lt->n; i++) {
		struct vn_session_ep ep = {.addr = lt->l[i].addr, .port = lt->l[i].port,
					   .is_ip6 = lt->l[i].is_ip6};
		vn_cli_printf(out, "listen %s app %s\n", vn_session_fmt_ep(&ep, a),
			      tcp_apps[lt->l[i].app].name);
	}
	for (uint32_t t = 0; t < VN_THREAD_MAX; t++) {
		const struct tcp_worker *w = tcp_workers[t];
		if (!w || (thread != UINT32_MAX && t != thread))
			continue;
		vn_cli_printf(out, "thread %u: %u connections\n", t, w->n_conns);
		if (session_may_walk(t)) {
			for (uint32_t i = 0; i < w->pool_size; i++) {
				const struct tcp_conn *c = w->pool[i];
				if (c && !(c->flags & TCP_CF_CLEANUP) &&
				    (state == UINT32_MAX || c->state == state))
					show_conn(out, c, verbose);
			}
			continue;
		}
		show_worker_conns(out, t, state, verbose);
	}
	return 0;
}

VN_CLI_COMMAND(show_session) = {
	.path = "show session",
	.syntax = "[verbose] [thread N] [state STATE]",
	.help = "listeners and TCP connections per thread",
	.fn = show_session_fn,
};

static int
show_tcp_stats_fn(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint64_t sum[TCP_N_STAT] = {0};
	uint32_t n_conns = 0;

	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	for (uint32_t t = 0; t < VN_THREAD_MAX; t++) {
		const struct tcp_worker *w = tcp_workers[t];
		if (!w)
			continue;
		n_conns += w->n_conns;
		for (int s = 0; s < TCP_N_STAT; s++)
			sum[s] += __atomic_load_n(&w->stats[s], __ATOMIC_RELAXED);
	}
	vn_cli_printf(out, "%12u connections\n", n_conns);
	for (int s = 0; s < TCP_N_STAT; s++)
		vn_cli_printf(out, "%12lu %s\n", sum[s], tcp_stat_names[s]);
	return 0;
}

VN_CLI_COMMAND(show_tcp_stats) = {
	.path = "show tcp stats",
	.help = "TCP counters summed over the threads",
	.fn = show_tcp_stats_fn,
};

static int
clear_session_fn(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t thread = UINT32_MAX;
	int rc;

	if (vn_cli_arg_keyword(args, "thread") &&
	    !vn_cli_arg_u32_range(args, 0, VN_THREAD_MAX - 1, &thread))
		return vn_cli_unexpected(args);
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	rc = vn_session_clear(thread);
	if (rc < 0)
		return vn_cli_error(out, "%s", strerror(-rc));
	if (rc == 0 && thread != UINT32_MAX)
		return vn_cli_error(out, "thread %u runs no TCP stack", thread);
	return 0;
}

VN_CLI_COMMAND(clear_session) = {
	.path = "clear session",
	.syntax = "[thread N]",
	.help = "reset every TCP connection (of one thread); listeners stay",
	.fn = clear_session_fn,
};
