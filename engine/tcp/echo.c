/*
 * Built-in applications for testing and measuring the stack (VPP's
 * `test echo server|clients`): an echo server, a discard server, and an echo
 * client that opens N connections, sends B bytes on each, reads them back,
 * checks every byte and reports the throughput.
 *
 * The client's command blocks its CLI client while the run lasts (bounded
 * by its timeout), as ping does: when the main thread is the forwarder it
 * runs the graph itself meanwhile.
 */
#define VN_LOG_MOD "echo"
#include <errno.h>
#include <rte_cycles.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vecnet/cli.h>
#include <vecnet/graph.h>
#include <vecnet/net/addr.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/session.h>

#include "tcp/session_priv.h"

#define ECHO_CHUNK 16384

/* ---- servers ---- */

static void
echo_move(struct vn_session *s)
{
	uint8_t buf[ECHO_CHUNK];

	for (;;) {
		uint32_t n = VN_MIN(vn_session_rx_avail(s), vn_session_tx_space(s));
		n = VN_MIN(n, (uint32_t)sizeof(buf));
		if (n == 0)
			break;
		n = vn_session_read(s, buf, n);
		vn_session_write(s, buf, n);
	}
	/* The peer closed and everything it sent went back: close too. */
	if (vn_session_opaque(s) && vn_session_rx_avail(s) == 0)
		vn_session_close(s);
}

static int
echo_accept(struct vn_session *s)
{
	vn_session_set_opaque(s, 0);
	return 0;
}

static void
echo_peer_close(struct vn_session *s)
{
	vn_session_set_opaque(s, 1);
	echo_move(s);
}

static const struct vn_app_cb echo_server_cb = {
	.accept = echo_accept,
	.rx = echo_move,
	.tx_space = echo_move,
	.peer_close = echo_peer_close,
};

static void
discard_rx(struct vn_session *s)
{
	uint8_t buf[ECHO_CHUNK];

	while (vn_session_read(s, buf, sizeof(buf)))
		;
}

static void
discard_peer_close(struct vn_session *s)
{
	discard_rx(s);
	vn_session_close(s);
}

static const struct vn_app_cb discard_server_cb = {
	.accept = echo_accept,
	.rx = discard_rx,
	.peer_close = discard_peer_close,
};

/* ---- client ---- */

struct echo_client_conn {
	uint64_t sent, rcvd; /* bytes over all rounds */
	uint32_t round; /* request/response rounds completed */
	bool is_ok;
};

/* One run of `test echo clients`. Callbacks find their connection by the
 * opaque value (run generation << 32 | index); a connection of an earlier,
 * abandoned run is aborted instead. Each connection's entry is written by
 * its owning thread only; the run's counters by every thread (atomics). */
static struct {
	uint32_t gen;
	uint32_t n, bytes, rounds;
	uint32_t n_connected, n_done, n_failed, n_bad;
	uint64_t first_tsc, last_tsc;
	struct echo_client_conn *c;
} ec;

static inline uint8_t
echo_pattern(uint32_t conn, uint32_t off)
{
	return (uint8_t)(off ^ (off >> 8) ^ (off >> 16) ^ (conn * 37));
}

static struct echo_client_conn *
ec_conn(struct vn_session *s, uint32_t *idx)
{
	uint64_t o = vn_session_opaque(s);

	if ((uint32_t)(o >> 32) != ec.gen || (uint32_t)o >= ec.n) {
		vn_session_abort(s);
		return NULL;
	}
	*idx = (uint32_t)o;
	return &ec.c[*idx];
}

static void
ec_send(struct vn_session *s)
{
	uint8_t buf[ECHO_CHUNK];
	uint32_t i;
	struct echo_client_conn *c = ec_conn(s, &i);

	/* This round's request: bytes more than the rounds before. */
	uint64_t limit = c ? (uint64_t)(c->round + 1) * ec.bytes : 0;

	while (c && c->sent < limit) {
		uint32_t n = (uint32_t)VN_MIN(limit - c->sent, (uint64_t)sizeof(buf)), w;
		for (uint32_t k = 0; k < n; k++)
			buf[k] = echo_pattern(i, (uint32_t)(c->sent + k));
		w = vn_session_write(s, buf, n);
		c->sent += w;
		if (w < n)
			break;
	}
}

static void
ec_connected(struct vn_session *s, uint64_t opaque, int err)
{
	if ((uint32_t)(opaque >> 32) != ec.gen)
		return;
	if (err) {
		__atomic_fetch_add(&ec.n_failed, 1, __ATOMIC_RELEASE);
		if (!s) /* no session, so no cleanup to count it */
			__atomic_fetch_add(&ec.n_done, 1, __ATOMIC_RELEASE);
		return;
	}
	__atomic_fetch_add(&ec.n_connected, 1, __ATOMIC_RELEASE);
	ec_send(s);
}

static void
ec_rx(struct vn_session *s)
{
	uint8_t buf[ECHO_CHUNK];
	uint32_t i, n;
	struct echo_client_conn *c = ec_conn(s, &i);

	if (!c)
		return;
	while ((n = vn_session_read(s, buf, sizeof(buf))) > 0) {
		for (uint32_t k = 0; k < n; k++)
			if (buf[k] != echo_pattern(i, (uint32_t)(c->rcvd + k))) {
				__atomic_fetch_add(&ec.n_bad, 1, __ATOMIC_RELEASE);
				vn_session_abort(s);
				return;
			}
		c->rcvd += n;
	}
	/* A round is done when its whole echo is back; the next request
	 * follows, or after the last one the client closes. */
	while (!c->is_ok && c->rcvd >= (uint64_t)(c->round + 1) * ec.bytes) {
		if (++c->round < ec.rounds) {
			ec_send(s);
			continue;
		}
		c->is_ok = true;
		ec.last_tsc = rte_rdtsc();
		vn_session_close(s);
	}
}

static void
ec_peer_close(struct vn_session *s)
{
	uint32_t i;
	struct echo_client_conn *c = ec_conn(s, &i);

	/* The server closed before echoing everything. */
	if (c && !c->is_ok)
		__atomic_fetch_add(&ec.n_failed, 1, __ATOMIC_RELEASE);
	vn_session_close(s);
}

static void
ec_reset(struct vn_session *s)
{
	uint32_t i;
	struct echo_client_conn *c = ec_conn(s, &i);

	if (c && !c->is_ok)
		__atomic_fetch_add(&ec.n_failed, 1, __ATOMIC_RELEASE);
}

static void
ec_cleanup(struct vn_session *s)
{
	if ((uint32_t)(vn_session_opaque(s) >> 32) == ec.gen)
		__atomic_fetch_add(&ec.n_done, 1, __ATOMIC_RELEASE);
}

static const struct vn_app_cb echo_client_cb = {
	.connected = ec_connected,
	.rx = ec_rx,
	.tx_space = ec_send,
	.peer_close = ec_peer_close,
	.reset = ec_reset,
	.cleanup = ec_cleanup,
};

/* ---- commands ---- */

static int
echo_app(const char *name, const struct vn_app_cb *cb)
{
	int app = vn_app_find(name);

	return app >= 0 ? app : vn_app_register(name, cb);
}

/* The built-in servers by name, for tcp.listen and vecnet.session_listen;
 * the client is not one: its state belongs to `test echo clients`. */
int
vn_session_app_lookup(const char *name)
{
	int app = vn_app_find(name);

	if (app >= 0)
		return app;
	if (strcmp(name, "echo-server") == 0)
		return echo_app(name, &echo_server_cb);
	if (strcmp(name, "discard-server") == 0)
		return echo_app(name, &discard_server_cb);
	return -ENOENT;
}

int
vn_echo_server(const char *uri, bool discard, bool stop)
{
	struct vn_session_ep ep;
	int app;

	if (vn_session_parse_uri(uri, &ep) < 0)
		return -EINVAL;
	app = discard ? echo_app("discard-server", &discard_server_cb)
		      : echo_app("echo-server", &echo_server_cb);
	if (app < 0)
		return app;
	return stop ? vn_session_unlisten((uint32_t)app, &ep)
		    : vn_session_listen((uint32_t)app, &ep);
}

static int
echo_server_fn(struct vn_cli_out *out, struct vn_cli_args *args)
{
	char uri[64] = "";
	bool discard = false, stop = false;
	int rc;

	while (!vn_cli_args_end(args)) {
		if (vn_cli_arg_keyword(args, "uri")) {
			if (!vn_cli_arg_word(args, "tcp://ADDR/PORT", uri, sizeof(uri)))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "discard")) {
			discard = true;
		} else if (vn_cli_arg_keyword(args, "stop")) {
			stop = true;
		} else {
			return vn_cli_unexpected(args);
		}
	}
	rc = vn_echo_server(uri, discard, stop);
	if (rc == -EINVAL)
		return vn_cli_error(out, "uri: tcp://ADDR/PORT, not '%s'", uri);
	if (rc == -EPERM)
		return vn_cli_error(out, "session layer disabled (session enable)");
	if (rc < 0)
		return vn_cli_error(out, "%s %s: %s", stop ? "stop" : "listen", uri, strerror(-rc));
	return 0;
}

VN_CLI_COMMAND(test_echo_server) = {
	.path = "test echo server",
	.syntax = "uri tcp://ADDR/PORT [discard] [stop]",
	.help = "echo (or discard) what TCP clients send to ADDR:PORT (0.0.0.0: any IPv4, "
		"::: any IPv6)",
	.fn = echo_server_fn,
};

static int
echo_clients_fn(struct vn_cli_out *out, struct vn_cli_args *args)
{
	struct vn_graph *g = vn_graph_self(); /* non-NULL: the main thread forwards */
	uint32_t n = 1, bytes = 8192, rounds = 1, timeout = 60, submitted = 0, thread;
	uint32_t concurrency = UINT32_MAX;
	uint64_t hz = rte_get_tsc_hz(), deadline, start;
	struct vn_session_ep ep;
	char uri[64] = "";
	int app, rc = 0;
	double secs;

	while (!vn_cli_args_end(args)) {
		if (vn_cli_arg_keyword(args, "nclients")) {
			if (!vn_cli_arg_u32_range(args, 1, 100000, &n))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "bytes")) {
			if (!vn_cli_arg_u32_range(args, 1, 1u << 31, &bytes))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "rounds")) {
			if (!vn_cli_arg_u32_range(args, 1, 10000000, &rounds))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "concurrency")) {
			if (!vn_cli_arg_u32_range(args, 1, 100000, &concurrency))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "timeout")) {
			if (!vn_cli_arg_u32_range(args, 1, 3600, &timeout))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "uri")) {
			if (!vn_cli_arg_word(args, "tcp://ADDR/PORT", uri, sizeof(uri)))
				return vn_cli_unexpected(args);
		} else {
			return vn_cli_unexpected(args);
		}
	}
	if (vn_session_parse_uri(uri, &ep) < 0)
		return vn_cli_error(out, "uri: tcp://ADDR/PORT, not '%s'", uri);
	app = echo_app("echo-client", &echo_client_cb);
	if (app < 0)
		return vn_cli_error(out, "cannot register the client: %s", strerror(-app));
	free(ec.c);
	ec.c = calloc(n, sizeof(*ec.c));
	if (!ec.c)
		return vn_cli_error(out, "out of memory");
	ec.gen++;
	ec.n = n;
	ec.bytes = bytes;
	ec.rounds = rounds;
	ec.n_connected = ec.n_done = ec.n_failed = ec.n_bad = 0;
	/* Spread over the forwarding threads: each opens its own, with a
	 * port that makes it the owner. */
	thread = g ? g->thread_index : vn_fwd_thread_index(0);
	start = rte_rdtsc();
	ec.last_tsc = start;
	deadline = start + hz * timeout;
	while (vn_engine_running()) {
		/* At most concurrency open at once (as ab -c): a burst of
		 * SYNs larger than a ring is a test of the ring. */
		while (submitted < n &&
		       submitted - __atomic_load_n(&ec.n_done, __ATOMIC_ACQUIRE) < concurrency) {
			if (!g)
				thread = vn_fwd_thread_index(submitted % vn_fwd_thread_count());
			rc = vn_session_connect((uint32_t)app, thread, &ep,
						(uint64_t)ec.gen << 32 | submitted);
			if (rc < 0)
				break;
			submitted++;
		}
		if (rc < 0 && rc != -EAGAIN)
			break;
		if (g)
			vn_graph_run_once(g);
		vn_neighbor_process_learned();
		if (__atomic_load_n(&ec.n_done, __ATOMIC_ACQUIRE) >= n || rte_rdtsc() > deadline)
			break;
		if (!g) {
			struct timespec ts = {.tv_nsec = 20000};
			nanosleep(&ts, NULL);
		}
	}
	if (rc < 0 && rc != -EAGAIN) {
		ec.gen++; /* what was opened is abandoned */
		return vn_cli_error(out, "connect %s: %s", uri,
				    rc == -EPERM ? "session layer disabled (session enable)"
						 : strerror(-rc));
	}
	secs = (double)(ec.last_tsc - start) / hz;
	{
		uint32_t n_ok = 0;
		for (uint32_t i = 0; i < n; i++)
			n_ok += ec.c[i].is_ok;
		if (rounds > 1)
			vn_cli_printf(out, "%u clients, %u rounds of %u bytes each: ", n, rounds,
				      bytes);
		else
			vn_cli_printf(out, "%u clients, %u bytes each: ", n, bytes);
		vn_cli_printf(out, "%u complete, %u failed, %u corrupt%s\n", n_ok, ec.n_failed,
			      ec.n_bad, ec.n_done < n ? " (timed out)" : "");
		if (secs > 0)
			vn_cli_printf(out,
				      "%.3f s, %.3f Gbit/s each way, %.1f connections/s, "
				      "%.1f transactions/s\n",
				      secs, (double)n_ok * rounds * bytes * 8 / secs / 1e9, n_ok / secs,
				      (double)n_ok * rounds / secs);
	}
	if (ec.n_done < n)
		ec.gen++; /* stragglers are aborted by their next callback */
	return 0;
}

VN_CLI_COMMAND(test_echo_clients) = {
	.path = "test echo clients",
	.syntax = "[nclients N] [bytes B] [rounds R] [concurrency C] [timeout SEC] "
		  "uri tcp://ADDR/PORT",
	.help = "open N connections, send B bytes (R times, each after the echo), check, report",
	.fn = echo_clients_fn,
};
