/*
 * The proxy's session callbacks. Both sides of a pair are sessions of one
 * application; a session's opaque value is its pair's address with the low
 * bit saying which side it is. Everything runs on the worker that accepted
 * the client: the backend connection is opened from it
 * (vn_session_connect_local), so both sessions, the pair and its counters
 * belong to one thread and need no lock.
 *
 * A pair is freed when both sessions' cleanup came and no connect result is
 * due. A session that goes away before the pair is done (reset, timeout)
 * takes the other down with a reset.
 */
#define VN_LOG_MOD "tcp-proxy"
#include <errno.h>
#include <stdlib.h>
#include <vecnet/graph.h>
#include <vecnet/session.h>

#include "proxy.h"

int proxy_app = -1;

static struct proxy_pair *
pair_of(const struct vn_session *s, enum proxy_side *side)
{
	uint64_t o = vn_session_opaque(s);

	*side = (enum proxy_side)(o & 1);
	return (struct proxy_pair *)(uintptr_t)(o & ~(uint64_t)1);
}

static struct proxy_stats *
pair_stats(const struct proxy_pair *p)
{
	return &proxy_stats[p->slot][p->thread];
}

static void
pair_free(struct proxy_pair *p)
{
	pair_stats(p)->closed++;
	free(p);
}

/* Moves what side `from` has for the other; when both ways are done, lets
 * both sessions go. The pair may be gone on return. */
static void
pair_pump(struct proxy_pair *p, enum proxy_side from)
{
	struct vn_session *front, *back;
	uint64_t moved;
	bool done;

	moved = proxy_pump(p, from, &proxy_vn_io, &done);
	if (from == PROXY_FRONT)
		pair_stats(p)->bytes_up += moved;
	else
		pair_stats(p)->bytes_down += moved;
	if (!done)
		return;
	p->flags |= PROXY_CLOSING;
	front = p->side[PROXY_FRONT];
	back = p->side[PROXY_BACK];
	/* Each close may run its session's cleanup at once; the second
	 * frees the pair. */
	vn_session_close(front);
	vn_session_close(back);
}

static int
proxy_accept(struct vn_session *s)
{
	const struct proxy_table *t = __atomic_load_n(&proxy_servers, __ATOMIC_ACQUIRE);
	const struct proxy_server *srv;
	const struct vn_session_ep *be;
	struct proxy_pair *p;
	struct vn_session_ep local;
	int slot, rc;

	vn_session_set_opaque(s, 0);
	vn_session_endpoints(s, &local, NULL);
	slot = proxy_server_find(t, &local);
	if (slot < 0)
		return -1; /* stopped since the SYN: reset */
	srv = &t->s[slot];
	p = calloc(1, sizeof(*p));
	if (!p) {
		proxy_stats[slot][vn_graph_self()->thread_index].fail[PROXY_FAIL_NO_RESOURCES]++;
		return -1;
	}
	p->slot = (uint16_t)slot;
	p->thread = (uint16_t)vn_graph_self()->thread_index;
	p->side[PROXY_FRONT] = s;
	pair_stats(p)->opened++;
	be = &srv->backends[proxy_pick(&proxy_rr[slot], srv->n_backends)];
	rc = vn_session_connect_local((uint32_t)proxy_app, be,
				      (uint64_t)(uintptr_t)p | PROXY_BACK);
	if (rc < 0) {
		/* The client hears a reset; its cleanup finds no pair. */
		pair_stats(p)->fail[proxy_fail_of(rc)]++;
		pair_free(p);
		return -1;
	}
	p->flags |= PROXY_CONNECTING;
	vn_session_set_opaque(s, (uint64_t)(uintptr_t)p | PROXY_FRONT);
	return 0;
}

static void
proxy_connected(struct vn_session *s, uint64_t opaque, int err)
{
	struct proxy_pair *p = (struct proxy_pair *)(uintptr_t)(opaque & ~(uint64_t)1);
	struct vn_session *front = p->side[PROXY_FRONT];

	p->flags &= ~PROXY_CONNECTING;
	if (err || !front) {
		if (s)
			vn_session_set_opaque(s, 0); /* its cleanup follows: not ours */
		if (err)
			pair_stats(p)->fail[proxy_fail_of(err)]++;
		if (s && !err)
			vn_session_abort(s); /* the client left meanwhile */
		if (front)
			vn_session_abort(front); /* its cleanup frees the pair */
		else
			pair_free(p);
		return;
	}
	p->side[PROXY_BACK] = s;
	/* What the client sent meanwhile, and maybe its FIN. Neither pump can
	 * finish the pair (the backend's FIN cannot have come yet), so p is
	 * still there for the second. */
	pair_pump(p, PROXY_FRONT);
	pair_pump(p, PROXY_BACK);
}

static void
proxy_rx(struct vn_session *s)
{
	enum proxy_side side;
	struct proxy_pair *p = pair_of(s, &side);

	if (p)
		pair_pump(p, side);
}

static void
proxy_tx_space(struct vn_session *s)
{
	enum proxy_side side;
	struct proxy_pair *p = pair_of(s, &side);

	if (p)
		pair_pump(p, !side);
}

static void
proxy_peer_close(struct vn_session *s)
{
	enum proxy_side side;
	struct proxy_pair *p = pair_of(s, &side);

	if (!p)
		return;
	p->flags |= PROXY_EOF(side);
	pair_pump(p, side);
}

static void
proxy_reset(struct vn_session *s)
{
	enum proxy_side side;
	struct proxy_pair *p = pair_of(s, &side);

	if (p && side == PROXY_BACK && !(p->flags & PROXY_CLOSING))
		pair_stats(p)->fail[PROXY_FAIL_RESET]++;
	/* cleanup follows and resets the other side */
}

static void
proxy_cleanup(struct vn_session *s)
{
	enum proxy_side side;
	struct proxy_pair *p = pair_of(s, &side);
	struct vn_session *other;

	if (!p)
		return;
	vn_session_set_opaque(s, 0);
	p->side[side] = NULL;
	other = p->side[!side];
	if (other) {
		/* Gone before the pair was done: the other side hears a
		 * reset, and its cleanup frees the pair. */
		if (!(p->flags & PROXY_CLOSING))
			vn_session_abort(other);
		return;
	}
	if (!(p->flags & PROXY_CONNECTING))
		pair_free(p);
}

static const struct vn_app_cb proxy_cb = {
	.accept = proxy_accept,
	.connected = proxy_connected,
	.rx = proxy_rx,
	.tx_space = proxy_tx_space,
	.peer_close = proxy_peer_close,
	.reset = proxy_reset,
	.cleanup = proxy_cleanup,
};

int
proxy_app_init(void)
{
	proxy_app = vn_app_register("tcp-proxy", &proxy_cb);
	return proxy_app < 0 ? proxy_app : 0;
}
