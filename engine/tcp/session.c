/*
 * The session layer: applications, listeners and the application API of
 * include/vecnet/session.h. Listeners are one small table that every worker
 * reads: the main thread copies it, changes the copy, publishes it with a
 * release store and frees the old one after an RCU grace period. Connect
 * requests go to the chosen worker through its request ring.
 */
#define VN_LOG_MOD "session"
#include <errno.h>
#include <netinet/in.h>
#include <rte_cycles.h>
#include <rte_lpm.h>
#include <rte_ring.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vecnet/graph.h>
#include <vecnet/handoff.h>
#include <vecnet/node.h>
#include <vecnet/net/addr.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/fib6.h>
#include <vecnet/net/ip4_local.h>
#include <vecnet/net/ip6.h>
#include <vecnet/net/ip6_local.h>
#include <vecnet/rcu.h>

#include "tcp/session_priv.h"
#include "tcp/tcp_priv.h"

struct tcp_app tcp_apps[TCP_APP_MAX];
bool vn_session_is_enabled;
struct tcp_listen_table *tcp_listeners;

int
vn_app_register(const char *name, const struct vn_app_cb *cb)
{
	if (!name || !cb)
		return -EINVAL;
	for (int i = 0; i < TCP_APP_MAX; i++) {
		if (tcp_apps[i].is_used)
			continue;
		memset(&tcp_apps[i], 0, sizeof(tcp_apps[i]));
		snprintf(tcp_apps[i].name, sizeof(tcp_apps[i].name), "%s", name);
		tcp_apps[i].cb = *cb;
		tcp_apps[i].is_used = true;
		return i;
	}
	return -ENOSPC;
}

int
vn_app_find(const char *name)
{
	for (int i = 0; i < TCP_APP_MAX; i++)
		if (tcp_apps[i].is_used && strcmp(tcp_apps[i].name, name) == 0)
			return i;
	return -ENOENT;
}

int
vn_session_parse_uri(const char *uri, struct vn_session_ep *ep)
{
	char a[VN_IP6_STRLEN + 2];
	const char *host = uri + 6, *slash;
	size_t alen;
	char *end;
	unsigned long p;

	if (!uri || strncmp(uri, "tcp://", 6) != 0 || !(slash = strrchr(host, '/')) ||
	    (alen = (size_t)(slash - host)) >= sizeof(a) || !slash[1] ||
	    slash[1] < '0' || slash[1] > '9')
		return -EINVAL;
	memset(ep, 0, sizeof(*ep));
	memcpy(a, host, alen);
	a[alen] = 0;
	p = strtoul(slash + 1, &end, 10);
	if (*end || p == 0 || p > 65535)
		return -EINVAL;
	ep->port = (uint16_t)p;
	if (alen >= 2 && a[0] == '[' && a[alen - 1] == ']') {
		a[alen - 1] = 0;
		ep->is_ip6 = true;
		return vn_parse_ip6(a + 1, &ep->addr.ip6);
	}
	if (strchr(a, ':')) {
		ep->is_ip6 = true;
		return vn_parse_ip6(a, &ep->addr.ip6);
	}
	return vn_parse_ip4(a, &ep->addr.ip4);
}

char *
vn_session_fmt_ep(const struct vn_session_ep *ep, char *buf)
{
	char a[VN_IP6_STRLEN];

	if (ep->is_ip6)
		snprintf(buf, VN_SESSION_EP_STRLEN, "[%s]:%u", vn_fmt_ip6(&ep->addr.ip6, a),
			 ep->port);
	else
		snprintf(buf, VN_SESSION_EP_STRLEN, "%s:%u", vn_fmt_ip4(ep->addr.ip4, a), ep->port);
	return buf;
}

/* ---- listeners ---- */

static inline bool
listener_addr_is(const struct tcp_listener *l, bool is_ip6, const union vn_session_ip *a)
{
	return is_ip6 ? vn_ip6_eq(&l->addr.ip6, &a->ip6) : l->addr.ip4 == a->ip4;
}

static inline bool
listener_is_any(const struct tcp_listener *l)
{
	return l->is_ip6 ? vn_ip6_is_unspecified(&l->addr.ip6) : l->addr.ip4 == 0;
}

const struct tcp_listener *
tcp_listener_find(const struct tcp_tuple *tu)
{
	const struct tcp_listen_table *t = __atomic_load_n(&tcp_listeners, __ATOMIC_ACQUIRE);
	const struct tcp_listener *any = NULL;

	for (uint32_t i = 0; t && i < t->n; i++) {
		const struct tcp_listener *l = &t->l[i];
		if (l->port != tu->lport || l->is_ip6 != tu->is_ip6)
			continue;
		if (listener_addr_is(l, tu->is_ip6, &tu->laddr))
			return l;
		if (listener_is_any(l))
			any = l;
	}
	return any;
}

/* The listener of app on exactly ep, or -1. */
static int
listener_index(const struct vn_session_ep *ep, uint32_t app, bool any_app)
{
	for (uint32_t i = 0; tcp_listeners && i < tcp_listeners->n; i++) {
		const struct tcp_listener *l = &tcp_listeners->l[i];
		if (l->port == ep->port && l->is_ip6 == ep->is_ip6 &&
		    listener_addr_is(l, ep->is_ip6, &ep->addr) && (any_app || l->app == app))
			return (int)i;
	}
	return -1;
}

static int
listeners_publish(struct tcp_listen_table *t)
{
	struct tcp_listen_table *old = tcp_listeners;

	__atomic_store_n(&tcp_listeners, t, __ATOMIC_RELEASE);
	if (old)
		vn_rcu_free(old, free);
	return 0;
}

int
vn_session_listen(uint32_t app, const struct vn_session_ep *ep)
{
	struct tcp_listen_table *t;

	if (!vn_session_is_enabled)
		return -EPERM;
	if (!ep || app >= TCP_APP_MAX || !tcp_apps[app].is_used || ep->port == 0)
		return -EINVAL;
	if (listener_index(ep, app, true) >= 0)
		return -EADDRINUSE;
	if (tcp_listeners && tcp_listeners->n == TCP_LISTEN_MAX)
		return -ENOSPC;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	if (tcp_listeners)
		*t = *tcp_listeners;
	t->l[t->n] = (struct tcp_listener){.port = ep->port, .is_ip6 = ep->is_ip6, .app = app};
	if (ep->is_ip6)
		t->l[t->n].addr.ip6 = ep->addr.ip6;
	else
		t->l[t->n].addr.ip4 = ep->addr.ip4;
	t->n++;
	return listeners_publish(t);
}

int
vn_session_unlisten(uint32_t app, const struct vn_session_ep *ep)
{
	struct tcp_listen_table *t;
	int i = ep ? listener_index(ep, app, false) : -1;

	if (i < 0)
		return -ENOENT;
	t = malloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	*t = *tcp_listeners;
	t->l[i] = t->l[--t->n];
	return listeners_publish(t);
}

uint32_t
vn_session_n_listeners(void)
{
	return tcp_listeners ? tcp_listeners->n : 0;
}

/* ---- enable / disable ---- */

int
vn_session_enable(bool on)
{
	if (!on) {
		if (vn_session_n_listeners())
			return -EBUSY;
		for (uint32_t t = 0; t < VN_THREAD_MAX; t++)
			if (tcp_workers[t] && tcp_workers[t]->n_conns)
				return -EBUSY;
	}
	vn_session_is_enabled = on;
	return 0;
}

/* TCP addressed to us goes to tcp4-input and tcp6-input: claimed before
 * every graph build. */
int tcp_handoff_queue = -1;
int tcp6_handoff_queue = -1;

static int
session_build_begin(void)
{
	int rc = vn_ip4_local_register_protocol(IPPROTO_TCP, "tcp4-input");
	int rc6 = vn_ip6_local_register_protocol(IPPROTO_TCP, "tcp6-input");
	int rc_pmtu = tcp6_pmtu_init();

	if (rc_pmtu < 0)
		return rc_pmtu;

	/* Segments that arrive on a thread that does not own their
	 * connection go to the owner's tcp4-input (tcp6-input). */
	if (tcp_handoff_queue < 0) {
		tcp_handoff_queue = vn_handoff_register("tcp4-input", "tcp4-input");
		if (tcp_handoff_queue < 0)
			return tcp_handoff_queue;
	}
	if (tcp6_handoff_queue < 0) {
		tcp6_handoff_queue = vn_handoff_register("tcp6-input", "tcp6-input");
		if (tcp6_handoff_queue < 0)
			return tcp6_handoff_queue;
	}

	if (rc == -EEXIST)
		VN_WARN("IP protocol 6 is claimed by another node: the TCP stack gets no segments");
	if (rc6 == -EEXIST)
		VN_WARN("IPv6 next header 6 is claimed by another node: no TCP over IPv6");
	if (rc < 0 && rc != -EEXIST)
		return rc;
	return rc6 == -EEXIST ? 0 : rc6;
}

VN_GRAPH_HOOKS(session) = {
	.build_begin = session_build_begin,
};

/* ---- active open ---- */

/* The source address (vn_if_src6), interface and MTU of a route to an
 * IPv6 dst through adj; one of our own addresses talks to itself. */
static int
session_src6_of(const struct vn_adj *adj, const struct vn_ip6 *dst, struct vn_ip6 *src,
		uint16_t *if_index, uint16_t *mtu)
{
	const struct vn_if_fp *fp;

	if (adj->type != VN_ADJ_REWRITE && adj->type != VN_ADJ_INCOMPLETE &&
	    adj->type != VN_ADJ_GLEAN)
		return -EHOSTUNREACH;
	fp = vn_if_fp(adj->tx_if);
	if (!fp)
		return -EHOSTUNREACH;
	/* Towards the next hop's prefix, unless it is on-link (glean) or a
	 * link-local router: then the destination's. */
	*src = *vn_if_src6(fp, adj->type == VN_ADJ_GLEAN || vn_ip6_is_link_local(&adj->nh6)
				       ? dst
				       : &adj->nh6);
	/* A link-local source cannot reach a global destination off-link. */
	if (vn_ip6_is_link_local(src))
		return -EHOSTUNREACH;
	*if_index = adj->tx_if;
	*mtu = fp->mtu;
	return 0;
}

/* Source address and interface for dst, as ping chooses them. */
static int
session_route(uint32_t dst, uint32_t *src, uint16_t *if_index, uint16_t *mtu)
{
	struct vn_route_info ri;
	const struct vn_adj *adj;
	const struct vn_interface *ifp;

	if (vn_fib_lookup(dst, &ri) < 0 || ri.is_drop || ri.n_paths == 0)
		return -EHOSTUNREACH;
	adj = vn_adj_get(ri.adj[0]);
	if (!adj || adj->type == VN_ADJ_UNREACH || adj->type == VN_ADJ_DROP ||
	    adj->type == VN_ADJ_LOCAL)
		return -EHOSTUNREACH;
	ifp = vn_interface_get(adj->tx_if);
	if (!ifp || ifp->n_addrs == 0)
		return -EHOSTUNREACH;
	*src = ifp->addrs[0].addr;
	for (uint32_t k = 0; k < ifp->n_addrs; k++) /* prefer the next hop's subnet */
		if (((adj->nh ? adj->nh : dst) & vn_prefix_mask(ifp->addrs[k].len)) ==
		    (ifp->addrs[k].addr & vn_prefix_mask(ifp->addrs[k].len)))
			*src = ifp->addrs[k].addr;
	*if_index = adj->tx_if;
	*mtu = ifp->mtu;
	return 0;
}

/* Source address and interface for an IPv6 dst, as ping chooses them. */
static int
session_route6(const struct vn_ip6 *dst, struct vn_ip6 *src, uint16_t *if_index, uint16_t *mtu)
{
	struct vn_route6_info ri;
	const struct vn_adj *adj;

	if (vn_ip6_is_multicast(dst) || vn_ip6_is_unspecified(dst) || vn_ip6_is_link_local(dst))
		return -EHOSTUNREACH; /* link-local: no route names the interface */
	if (vn_fib6_lookup(dst, &ri) < 0 || ri.is_drop || ri.n_paths == 0)
		return -EHOSTUNREACH;
	adj = vn_adj_get(ri.adj[0] & ~VN_FIB_NH_ECMP);
	if ((ri.adj[0] & VN_FIB_NH_ECMP) || !adj)
		return -EHOSTUNREACH;
	return session_src6_of(adj, dst, src, if_index, mtu);
}

/* The endpoint's family's route: the source address of the connection. */
static int
session_route_ep(const struct vn_session_ep *ep, union vn_session_ip *src, uint16_t *if_index,
		 uint16_t *mtu)
{
	memset(src, 0, sizeof(*src));
	if (ep->is_ip6)
		return session_route6(&ep->addr.ip6, &src->ip6, if_index, mtu);
	return session_route(ep->addr.ip4, &src->ip4, if_index, mtu);
}

int
vn_session_connect(uint32_t app, uint32_t thread, const struct vn_session_ep *ep, uint64_t opaque)
{
	struct session_request *r;
	struct tcp_worker *w;
	int rc;

	if (!vn_session_is_enabled)
		return -EPERM;
	if (!ep || app >= TCP_APP_MAX || !tcp_apps[app].is_used || ep->port == 0)
		return -EINVAL;
	w = thread < VN_THREAD_MAX ? tcp_workers[thread] : NULL;
	if (!w)
		return -ENODEV;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->type = SESSION_REQ_CONNECT;
	r->app = app;
	r->remote = *ep;
	r->local.is_ip6 = ep->is_ip6;
	r->opaque = opaque;
	if ((rc = session_route_ep(ep, &r->local.addr, &r->if_index, &r->mtu)) < 0) {
		free(r);
		return rc;
	}
	if (rte_ring_mp_enqueue(w->requests, r) != 0) {
		free(r);
		return -EAGAIN;
	}
	return 0;
}

/* session_route from a worker: the data plane's view (the LPM, adjacencies
 * and interface snapshots workers read under RCU), not the main thread's
 * route table. */
static int
session_route_fp(uint32_t dst, uint32_t *src, uint16_t *if_index, uint16_t *mtu)
{
	const struct vn_adj *adj;
	const struct vn_if_fp *fp;
	uint32_t nh;

	if (!vn_fib_lpm || rte_lpm_lookup(vn_fib_lpm, dst, &nh) != 0)
		return -EHOSTUNREACH;
	adj = vn_fib_adj(nh, dst);
	if (!adj || (adj->type != VN_ADJ_REWRITE && adj->type != VN_ADJ_INCOMPLETE &&
		     adj->type != VN_ADJ_GLEAN))
		return -EHOSTUNREACH;
	fp = vn_if_fp(adj->tx_if);
	if (!fp || fp->n_addrs == 0)
		return -EHOSTUNREACH;
	*src = fp->addrs[0].addr;
	for (uint32_t k = 0; k < fp->n_addrs; k++) /* prefer the next hop's subnet */
		if (((adj->nh ? adj->nh : dst) & vn_prefix_mask(fp->addrs[k].len)) ==
		    (fp->addrs[k].addr & vn_prefix_mask(fp->addrs[k].len)))
			*src = fp->addrs[k].addr;
	*if_index = adj->tx_if;
	*mtu = fp->mtu;
	return 0;
}

/* session_route6 from a worker: the LPM table and the adjacencies, as
 * ip6-lookup sees them (a miss is the unreachable adjacency). */
static int
session_route6_fp(const struct vn_ip6 *dst, struct vn_ip6 *src, uint16_t *if_index,
		  uint16_t *mtu)
{
	const struct vn_adj *adj;

	if (vn_ip6_is_multicast(dst) || vn_ip6_is_unspecified(dst) || vn_ip6_is_link_local(dst))
		return -EHOSTUNREACH;
	if (!vn_fib6)
		return -EHOSTUNREACH;
	adj = vn_fib_adj(vn_lpm6_lookup(vn_fib6, dst->b), 0);
	if (!adj)
		return -EHOSTUNREACH;
	return session_src6_of(adj, dst, src, if_index, mtu);
}

int
vn_session_connect_local(uint32_t app, const struct vn_session_ep *ep, uint64_t opaque)
{
	struct tcp_worker *w = tcp_worker_self;
	struct tcp_conn *c;
	struct tcp_tuple t = {0};
	uint16_t if_index, mtu;
	int rc;

	if (!vn_session_is_enabled)
		return -EPERM;
	if (!ep || app >= TCP_APP_MAX || !tcp_apps[app].is_used || ep->port == 0)
		return -EINVAL;
	if (!w)
		return -ENODEV; /* not on a forwarding thread */
	t.is_ip6 = ep->is_ip6;
	t.raddr = ep->addr;
	t.rport = ep->port;
	if (ep->is_ip6)
		rc = session_route6_fp(&ep->addr.ip6, &t.laddr.ip6, &if_index, &mtu);
	else
		rc = session_route_fp(ep->addr.ip4, &t.laddr.ip4, &if_index, &mtu);
	if (rc < 0)
		return rc;
	c = tcp_connect(w, app, opaque, &t, mtu);
	if (!c)
		return w->n_conns >= w->pool_size ? -ENOMEM : -EADDRNOTAVAIL;
	c->if_index = if_index;
	return 0;
}

int
vn_session_clear(uint32_t thread)
{
	int n = 0;

	for (uint32_t t = 0; t < VN_THREAD_MAX; t++) {
		struct session_request *r;
		if (!tcp_workers[t] || (thread != UINT32_MAX && t != thread))
			continue;
		r = calloc(1, sizeof(*r));
		if (!r)
			return -ENOMEM;
		r->type = SESSION_REQ_CLEAR;
		if (rte_ring_mp_enqueue(tcp_workers[t]->requests, r) != 0) {
			free(r);
			return -EAGAIN;
		}
		n++;
	}
	return n;
}

/* Worker: aborts the connections it owns, at most a frame of resets per
 * loop (tcp4-output's queue is bounded); true when all are done. */
static bool
session_clear_run(struct tcp_worker *w)
{
	uint32_t n_rst = 0;

	for (uint32_t i = 0; i < w->pool_size; i++) {
		struct tcp_conn *c = w->pool[i];
		if (!c || (c->flags & TCP_CF_CLEANUP))
			continue;
		if (n_rst == VN_FRAME_SIZE)
			return false;
		if (c->state != TCP_TIME_WAIT && c->state != TCP_SYN_SENT)
			n_rst++;
		tcp_conn_abort(w, c);
	}
	return true;
}

/* ---- snapshots for show session ---- */

static void
snapshot_release(struct session_request *r)
{
	if (__atomic_sub_fetch(&r->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		free(r->conns);
		free(r);
	}
}

void
session_request_discard(struct session_request *r)
{
	if (r->type == SESSION_REQ_SNAPSHOT)
		snapshot_release(r);
	else
		free(r);
}

/* Worker: shallow copies; the FIFOs' counters are in the copy, and the
 * command reads nothing the copy points to. */
static void
snapshot_run(struct tcp_worker *w, struct session_request *r)
{
	for (uint32_t i = 0; i < w->pool_size; i++) {
		const struct tcp_conn *c = w->pool[i];
		if (!c || (c->flags & TCP_CF_CLEANUP) ||
		    (r->state != UINT32_MAX && c->state != r->state))
			continue;
		if (r->n < r->max)
			r->conns[r->n++] = *c;
		r->n_match++;
	}
	snapshot_release(r);
}

struct tcp_conn *
vn_session_snapshot(uint32_t thread, uint32_t state, uint32_t max, uint32_t *n, uint32_t *n_match,
		    uint32_t timeout_ms, int *err)
{
	struct tcp_worker *w = thread < VN_THREAD_MAX ? tcp_workers[thread] : NULL;
	struct session_request *r;
	struct tcp_conn *conns;
	uint64_t deadline;

	*err = 0;
	if (!w) {
		*err = -ENODEV;
		return NULL;
	}
	/* Room for what it has now, and a few opened meanwhile. */
	max = VN_MIN(max, __atomic_load_n(&w->n_conns, __ATOMIC_RELAXED) + 64);
	r = calloc(1, sizeof(*r));
	conns = calloc(max ? max : 1, sizeof(*conns));
	if (!r || !conns) {
		free(r);
		free(conns);
		*err = -ENOMEM;
		return NULL;
	}
	*r = (struct session_request){.type = SESSION_REQ_SNAPSHOT, .refs = 2, .state = state,
				      .max = max, .conns = conns};
	if (rte_ring_mp_enqueue(w->requests, r) != 0) {
		free(r);
		free(conns);
		*err = -EAGAIN;
		return NULL;
	}
	deadline = rte_rdtsc() + rte_get_tsc_hz() / 1000 * timeout_ms;
	while (__atomic_load_n(&r->refs, __ATOMIC_ACQUIRE) > 1) {
		struct timespec ts = {.tv_nsec = 100000};
		if (rte_rdtsc() > deadline) {
			/* It answers later, or never (stopped): it frees. */
			snapshot_release(r);
			*err = -ETIMEDOUT;
			return NULL;
		}
		nanosleep(&ts, NULL);
	}
	*n = r->n;
	*n_match = r->n_match;
	free(r);
	return conns;
}

void
session_request_run(struct tcp_worker *w, struct session_request *r)
{
	struct tcp_conn *c;

	if (r->type == SESSION_REQ_SNAPSHOT) {
		snapshot_run(w, r);
		return;
	}
	if (r->type == SESSION_REQ_CLEAR) {
		/* The rest next loop: the request goes round again. */
		if (session_clear_run(w) || rte_ring_mp_enqueue(w->requests, r) != 0)
			free(r);
		return;
	}
	{
		struct tcp_tuple t = {.laddr = r->local.addr, .raddr = r->remote.addr,
				      .rport = r->remote.port, .is_ip6 = r->remote.is_ip6};
		c = tcp_connect(w, r->app, r->opaque, &t, r->mtu);
	}
	if (c) {
		c->if_index = r->if_index;
	} else {
		int err = w->n_conns >= w->pool_size ? -ENOMEM : -EADDRNOTAVAIL;
		if (err == -ENOMEM)
			w->stats[TCP_STAT_CONNECT_TABLE_FULL]++;
		if (tcp_apps[r->app].cb.connected)
			tcp_apps[r->app].cb.connected(NULL, r->opaque, err);
	}
	free(r);
}

/* ---- the API on the session's thread ---- */

static inline struct tcp_conn *
conn_of(const struct vn_session *s)
{
	return (struct tcp_conn *)s;
}

uint32_t
vn_session_rx_avail(const struct vn_session *s)
{
	return tcp_fifo_len(&conn_of(s)->rx);
}

uint32_t
vn_session_read(struct vn_session *s, void *buf, uint32_t len)
{
	struct tcp_conn *c = conn_of(s);
	uint32_t n = tcp_fifo_read(&c->rx, buf, len);

	if (n)
		tcp_app_read(tcp_workers[c->thread], c);
	return n;
}

uint32_t
vn_session_peek(const struct vn_session *s, uint32_t off, void *buf, uint32_t len)
{
	return tcp_fifo_peek(&conn_of(s)->rx, off, buf, len);
}

static bool
conn_may_write(const struct tcp_conn *c)
{
	return (c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT) &&
	       !(c->flags & (TCP_CF_FIN_QUEUED | TCP_CF_CLEANUP));
}

uint32_t
vn_session_tx_space(const struct vn_session *s)
{
	const struct tcp_conn *c = conn_of(s);

	return conn_may_write(c) ? tcp_fifo_free_space(&c->tx) : 0;
}

uint32_t
vn_session_write(struct vn_session *s, const void *buf, uint32_t len)
{
	struct tcp_conn *c = conn_of(s);
	uint32_t n;

	if (!conn_may_write(c))
		return 0;
	n = tcp_fifo_write(&c->tx, buf, len);
	/* Full, or fuller than the app wanted: it hears when there is room. */
	if (n < len || tcp_fifo_free_space(&c->tx) == 0)
		c->flags |= TCP_CF_TX_FULL;
	if (n)
		tcp_want_output(tcp_workers[c->thread], c);
	return n;
}

void
vn_session_close(struct vn_session *s)
{
	struct tcp_conn *c = conn_of(s);

	tcp_conn_close(tcp_workers[c->thread], c);
}

void
vn_session_shutdown(struct vn_session *s)
{
	struct tcp_conn *c = conn_of(s);

	tcp_conn_shutdown(tcp_workers[c->thread], c);
}

void
vn_session_abort(struct vn_session *s)
{
	struct tcp_conn *c = conn_of(s);

	tcp_conn_abort(tcp_workers[c->thread], c);
}

void
vn_session_set_nodelay(struct vn_session *s, bool nodelay)
{
	struct tcp_conn *c = conn_of(s);

	if (nodelay) {
		c->flags &= ~TCP_CF_NAGLE;
		tcp_want_output(tcp_workers[c->thread], c); /* what Nagle held goes now */
	} else {
		c->flags |= TCP_CF_NAGLE;
	}
}

uint64_t
vn_session_opaque(const struct vn_session *s)
{
	return conn_of(s)->opaque;
}

void
vn_session_set_opaque(struct vn_session *s, uint64_t opaque)
{
	conn_of(s)->opaque = opaque;
}

void
vn_session_endpoints(const struct vn_session *s, struct vn_session_ep *local,
		     struct vn_session_ep *remote)
{
	const struct tcp_conn *c = conn_of(s);

	if (local)
		*local = (struct vn_session_ep){.addr = c->laddr, .port = c->lport,
						.is_ip6 = c->is_ip6};
	if (remote)
		*remote = (struct vn_session_ep){.addr = c->raddr, .port = c->rport,
						 .is_ip6 = c->is_ip6};
}
