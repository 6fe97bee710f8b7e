/*
 * tcp_proxy: a TCP proxy on the host stack (docs/proxy.md). A client's
 * connection to a server URI is accepted by the engine, a connection to one
 * of the server's backends (round-robin) is opened from the same worker, and
 * bytes are copied both ways through the sessions' FIFOs.
 *
 *   proxy_pair.c    a pair of sessions: copying with flow control, half-close
 *                   propagation, failure reasons, the round-robin pick (no
 *                   engine state: unit-tested with fake sessions)
 *   proxy_app.c     the session callbacks that drive the pairs
 *   proxy_server.c  servers (published to the workers under RCU), counters
 *   proxy_cli.c     test proxy server ..., show proxy
 *   proxy_config.c  the tcp-proxy: section
 *   proxy_lua.c     vecnet.proxy_server(), vecnet.proxy_stats()
 */
#ifndef VN_TCP_PROXY_H
#define VN_TCP_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rte_common.h>
#include <vecnet/common.h>
#include <vecnet/session.h>

struct vn_session;

#define PROXY_SERVERS_MAX 16
#define PROXY_BACKENDS_MAX 16
#define PROXY_URI_MAX 64 /* "tcp://" + an IPv6 address (45) + "/65535" */

enum proxy_side { PROXY_FRONT, PROXY_BACK };

/* Why a client got a reset instead of a backend. */
enum proxy_fail {
	PROXY_FAIL_REFUSED, /* the backend answered the SYN with a reset */
	PROXY_FAIL_TIMEOUT, /* no answer to the SYNs */
	PROXY_FAIL_NO_ROUTE, /* no route or source address to the backend */
	PROXY_FAIL_NO_RESOURCES, /* worker's table full, no free port */
	PROXY_FAIL_RESET, /* an open backend connection was reset */
	PROXY_N_FAIL,
};
extern const char *const proxy_fail_names[PROXY_N_FAIL];
enum proxy_fail proxy_fail_of(int err);

/* Pair flags: per side, EOF (its peer sent FIN) and SHUT (we sent it FIN). */
#define PROXY_EOF(side) (1u << (side))
#define PROXY_SHUT(side) (4u << (side))
#define PROXY_CONNECTING 0x10 /* the backend's connected callback is due */
#define PROXY_CLOSING 0x20 /* both ways done: both sessions closed */

struct proxy_pair {
	struct vn_session *side[2]; /* NULL once its cleanup came */
	uint32_t flags;
	uint16_t slot; /* server's counters */
	uint16_t thread;
	uint64_t bytes[2]; /* moved from side i to the other */
};

/* The session calls the pair logic makes, so tests can give it fakes. */
struct proxy_io {
	uint32_t (*rx_avail)(const struct vn_session *s);
	uint32_t (*read)(struct vn_session *s, void *buf, uint32_t len);
	uint32_t (*tx_space)(const struct vn_session *s);
	uint32_t (*write)(struct vn_session *s, const void *buf, uint32_t len);
	void (*shutdown)(struct vn_session *s);
};
extern const struct proxy_io proxy_vn_io;

/* Moves what side `from` received to the other side, as much as its tx
 * FIFO takes; once from's peer closed and all it sent is moved, half-closes
 * the other side. Returns the bytes moved; *done is set when both ways are
 * finished (both FINs received and passed on): the caller closes both. */
uint64_t proxy_pump(struct proxy_pair *p, enum proxy_side from, const struct proxy_io *io,
		    bool *done);

struct proxy_server {
	bool is_used;
	struct vn_session_ep listen;
	uint32_t n_backends;
	struct vn_session_ep backends[PROXY_BACKENDS_MAX];
};

/* The servers, by slot; republished whole by the main thread (RCU). */
struct proxy_table {
	struct proxy_server s[PROXY_SERVERS_MAX];
};
extern struct proxy_table *proxy_servers;

/* Per server slot and thread: only the thread writes its row. */
struct proxy_stats {
	uint64_t opened, closed; /* client connections accepted, pairs gone */
	uint64_t bytes_up, bytes_down; /* client -> backend, backend -> client */
	uint64_t fail[PROXY_N_FAIL];
} __rte_cache_aligned;
extern struct proxy_stats proxy_stats[PROXY_SERVERS_MAX][VN_THREAD_MAX];
/* Round-robin counters, one per slot, shared by the workers. */
extern uint32_t proxy_rr[PROXY_SERVERS_MAX];

/* Backend index for the next connection of a server with n backends. */
uint32_t proxy_pick(uint32_t *rr, uint32_t n);
/* "tcp://A.B.C.D/PORT": 0 or -EINVAL. */
int proxy_parse_uri(const char *uri, struct vn_session_ep *e);
void proxy_fmt_uri(const struct vn_session_ep *e, char *buf, size_t len);

/* Main thread. Starts a server (listens on `listen`): 0, -EEXIST, -ENOSPC,
 * -EINVAL, -EPERM (session layer disabled), or what listen says. */
int proxy_server_add(const struct vn_session_ep *listen, const struct vn_session_ep *backends,
		     uint32_t n_backends);
/* Stops listening; open connections carry on. 0 or -ENOENT. */
int proxy_server_del(const struct vn_session_ep *listen);
/* The server slot of table t for a connection to laddr:lport, or -1 (a
 * worker passes the table it loaded once, so slot and entry agree). */
int proxy_server_find(const struct proxy_table *t, const struct vn_session_ep *local);
/* Sum of every thread's counters of a slot. */
void proxy_stats_sum(uint32_t slot, struct proxy_stats *out);

/* proxy_app.c */
extern int proxy_app;
int proxy_app_init(void);

#endif
