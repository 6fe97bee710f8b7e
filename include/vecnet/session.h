/*
 * The host stack's application API (docs/tcp.md): TCP connections that end
 * in the engine, for plugins. An application registers callbacks once; they
 * run on the forwarding thread that owns the session, inside its loop, so an
 * application needs no locks for per-session state. Each session has two
 * byte FIFOs: rx holds what arrived in order (and keeps out-of-order bytes
 * until the hole fills), tx holds what the application wrote until the peer
 * acknowledges it.
 *
 * Listen and connect are control functions (main thread); everything that
 * takes a session runs on the session's thread, from a callback.
 */
#ifndef VECNET_SESSION_H
#define VECNET_SESSION_H

#include <vecnet/common.h>
#include <vecnet/net/addr.h>

struct vn_session; /* one TCP connection */

/* An address of either family: IPv4 in host order, IPv6 in network order
 * (as net/addr.h keeps them). */
union vn_session_ip {
	uint32_t ip4;
	struct vn_ip6 ip6;
};

/* A session endpoint (VPP's session_endpoint_t): address, port (host
 * order) and family. To listen, the zero address (0.0.0.0 or ::) is any of
 * the engine's addresses of that family only: IPv4 and IPv6 listeners on
 * one port are two listeners. Unused bytes of the address are zero. */
struct vn_session_ep {
	union vn_session_ip addr;
	uint16_t port;
	bool is_ip6;
};

/* The zero address of ep's family (listen: any of ours). */
static inline bool
vn_session_ep_is_any(const struct vn_session_ep *ep)
{
	return ep->is_ip6 ? vn_ip6_is_unspecified(&ep->addr.ip6) : ep->addr.ip4 == 0;
}

/* Same family and address (ports aside). */
static inline bool
vn_session_ep_addr_eq(const struct vn_session_ep *a, const struct vn_session_ep *b)
{
	if (a->is_ip6 != b->is_ip6)
		return false;
	return a->is_ip6 ? vn_ip6_eq(&a->addr.ip6, &b->addr.ip6) : a->addr.ip4 == b->addr.ip4;
}

static inline struct vn_session_ep
vn_session_ep4(uint32_t addr, uint16_t port)
{
	return (struct vn_session_ep){.addr.ip4 = addr, .port = port};
}

static inline struct vn_session_ep
vn_session_ep6(const struct vn_ip6 *addr, uint16_t port)
{
	return (struct vn_session_ep){.addr.ip6 = *addr, .port = port, .is_ip6 = true};
}

/* VPP's URIs: "tcp://A.B.C.D/PORT", "tcp://X:X::X/PORT" (the last colon
 * group is the address's, the port follows the slash) or
 * "tcp://[X:X::X]/PORT"; "tcp://::/80" listens on every IPv6 address.
 * 0 or -EINVAL (no port, port 0, bad address, trailing junk). */
int vn_session_parse_uri(const char *uri, struct vn_session_ep *ep);
/* "A.B.C.D:PORT" or "[X:X::X]:PORT" into buf (at least VN_SESSION_EP_STRLEN
 * bytes); returns buf. */
#define VN_SESSION_EP_STRLEN (VN_IP6_STRLEN + 8)
char *vn_session_fmt_ep(const struct vn_session_ep *ep, char *buf);

struct vn_app_cb {
	/* A passive open completed (three-way handshake done). Non-zero
	 * refuses the session: it is reset, and cleanup follows. */
	int (*accept)(struct vn_session *s);
	/* An active open completed (err 0), or failed (-ECONNREFUSED,
	 * -ETIMEDOUT; cleanup follows). s is NULL when no session could be
	 * made at all (-ENOMEM, -EADDRNOTAVAIL); opaque is the connect's. */
	void (*connected)(struct vn_session *s, uint64_t opaque, int err);
	/* New in-order bytes in the rx FIFO. */
	void (*rx)(struct vn_session *s);
	/* The peer acknowledged data: the tx FIFO has room again. Called only
	 * after a write filled the FIFO or did not fit. */
	void (*tx_space)(struct vn_session *s);
	/* The peer sent FIN: everything before it is in the rx FIFO. */
	void (*peer_close)(struct vn_session *s);
	/* The connection was reset or timed out; cleanup follows. */
	void (*reset)(struct vn_session *s);
	/* The last call for s: it is freed when the callback returns. */
	void (*cleanup)(struct vn_session *s);
};

/* Registers an application; returns its index (>= 0) or -ENOSPC / -EINVAL.
 * The callbacks are copied; name must stay valid. */
int vn_app_register(const char *name, const struct vn_app_cb *cb);
/* The index of the application registered under name, or -ENOENT. */
int vn_app_find(const char *name);

/* Main thread. Segments to ep (the zero address: any of the engine's
 * addresses of ep's family) start sessions of app. 0, -EADDRINUSE, -ENOSPC,
 * -EINVAL, -EPERM when the session layer is disabled (`session enable`). */
int vn_session_listen(uint32_t app, const struct vn_session_ep *ep);
int vn_session_unlisten(uint32_t app, const struct vn_session_ep *ep);

/* Main thread. Opens a connection to ep (either family) on forwarding
 * thread `thread` (vn_fwd_thread_index); app's connected callback reports
 * the result there, with opaque set on the session. 0 when the request was
 * queued, or a negative errno (-EHOSTUNREACH: no route or no source
 * address; -EAGAIN: request queue full). */
int vn_session_connect(uint32_t app, uint32_t thread, const struct vn_session_ep *ep,
		       uint64_t opaque);

/* Forwarding thread (a callback, or a node of the running graph): as
 * vn_session_connect, from this very thread, at once; the source port makes
 * this thread the connection's owner, so the new session and the one whose
 * callback asked live together. 0: connected reports the result later on
 * this thread; else a negative errno and no callback (-ENODEV: not on a
 * forwarding thread; -EHOSTUNREACH; -ENOMEM: the worker's table is full;
 * -EADDRNOTAVAIL: no free port). */
int vn_session_connect_local(uint32_t app, const struct vn_session_ep *ep, uint64_t opaque);

/* On the session's thread. */
uint32_t vn_session_rx_avail(const struct vn_session *s);
uint32_t vn_session_read(struct vn_session *s, void *buf, uint32_t len);
/* Copies without consuming, from off bytes into the rx FIFO. */
uint32_t vn_session_peek(const struct vn_session *s, uint32_t off, void *buf, uint32_t len);
uint32_t vn_session_tx_space(const struct vn_session *s);
/* Queues up to len bytes; returns how many fit. When not all fit, or the
 * FIFO is now full, tx_space follows once the peer acknowledges some. */
uint32_t vn_session_write(struct vn_session *s, const void *buf, uint32_t len);
/* Nagle's algorithm (RFC 896) off (nodelay, the default unless the `nagle`
 * setting says otherwise) or on: with it, a short segment waits while data
 * is unacknowledged. */
void vn_session_set_nodelay(struct vn_session *s, bool nodelay);
/* Graceful close: FIN once the queued bytes are sent. */
void vn_session_close(struct vn_session *s);
/* Half-close: FIN once the queued bytes are sent, but the app keeps the
 * session: rx and peer_close still come, the rx FIFO stays readable after
 * the peer's FIN too, until the app calls vn_session_close (or abort), a
 * reset, or the TIME_WAIT timer ends it. vn_session_close alone also keeps
 * receiving, but lets go of the session (and any unread bytes) as soon as
 * the peer's FIN arrives. */
void vn_session_shutdown(struct vn_session *s);
/* Abortive close: RST now. */
void vn_session_abort(struct vn_session *s);
uint64_t vn_session_opaque(const struct vn_session *s);
void vn_session_set_opaque(struct vn_session *s, uint64_t opaque);
/* The session's local and remote endpoints (one family). */
void vn_session_endpoints(const struct vn_session *s, struct vn_session_ep *local,
			  struct vn_session_ep *remote);

#endif
