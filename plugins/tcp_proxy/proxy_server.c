/*
 * Proxy servers: a fixed table of slots that the workers read when a client
 * connects. The main thread changes a copy and publishes it (release store);
 * the old one is freed after an RCU grace period. A slot keeps its index for
 * the server's life, so counters and open connections refer to it by index.
 */
#define VN_LOG_MOD "tcp-proxy"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <vecnet/rcu.h>
#include <vecnet/session.h>

#include "proxy.h"

struct proxy_table *proxy_servers;
struct proxy_stats proxy_stats[PROXY_SERVERS_MAX][VN_THREAD_MAX];
uint32_t proxy_rr[PROXY_SERVERS_MAX];

static int
proxy_publish(struct proxy_table *t)
{
	struct proxy_table *old = proxy_servers;

	__atomic_store_n(&proxy_servers, t, __ATOMIC_RELEASE);
	if (old)
		vn_rcu_free(old, free);
	return 0;
}

static int
proxy_slot_of(const struct proxy_table *t, const struct vn_session_ep *listen)
{
	for (int i = 0; t && i < PROXY_SERVERS_MAX; i++)
		if (t->s[i].is_used && vn_session_ep_addr_eq(&t->s[i].listen, listen) &&
		    t->s[i].listen.port == listen->port)
			return i;
	return -1;
}

int
proxy_server_add(const struct vn_session_ep *listen, const struct vn_session_ep *backends,
		 uint32_t n_backends)
{
	struct proxy_table *t;
	int slot = -1, rc;

	if (proxy_app < 0 || n_backends == 0 || n_backends > PROXY_BACKENDS_MAX)
		return -EINVAL;
	if (proxy_slot_of(proxy_servers, listen) >= 0)
		return -EEXIST;
	for (int i = 0; i < PROXY_SERVERS_MAX && slot < 0; i++)
		if (!proxy_servers || !proxy_servers->s[i].is_used)
			slot = i;
	if (slot < 0)
		return -ENOSPC;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	if (proxy_servers)
		*t = *proxy_servers;
	t->s[slot] = (struct proxy_server){.is_used = true, .listen = *listen,
					   .n_backends = n_backends};
	memcpy(t->s[slot].backends, backends, n_backends * sizeof(*backends));
	/* A reused slot counts afresh (workers may still add to a pair of the
	 * old server's that is closing: a few stray counts at worst). */
	memset(proxy_stats[slot], 0, sizeof(proxy_stats[slot]));
	proxy_rr[slot] = 0;
	/* Published before listening: a worker finds the server of the first
	 * client that connects. */
	proxy_publish(t);
	rc = vn_session_listen((uint32_t)proxy_app, listen);
	if (rc < 0) {
		t = malloc(sizeof(*t));
		if (t) {
			*t = *proxy_servers;
			t->s[slot].is_used = false;
			proxy_publish(t);
		}
		return rc;
	}
	return 0;
}

int
proxy_server_del(const struct vn_session_ep *listen)
{
	int slot = proxy_slot_of(proxy_servers, listen);
	struct proxy_table *t;

	if (slot < 0)
		return -ENOENT;
	vn_session_unlisten((uint32_t)proxy_app, listen);
	t = malloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	*t = *proxy_servers;
	t->s[slot].is_used = false;
	return proxy_publish(t);
}

int
proxy_server_find(const struct proxy_table *t, const struct vn_session_ep *local)
{
	int any = -1;

	for (int i = 0; t && i < PROXY_SERVERS_MAX; i++) {
		const struct vn_session_ep *l = &t->s[i].listen;
		if (!t->s[i].is_used || l->port != local->port || l->is_ip6 != local->is_ip6)
			continue;
		if (vn_session_ep_addr_eq(l, local))
			return i;
		if (vn_session_ep_is_any(l))
			any = i;
	}
	return any;
}

void
proxy_stats_sum(uint32_t slot, struct proxy_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (uint32_t t = 0; t < VN_THREAD_MAX; t++) {
		const struct proxy_stats *s = &proxy_stats[slot][t];
		out->opened += s->opened;
		out->closed += s->closed;
		out->bytes_up += s->bytes_up;
		out->bytes_down += s->bytes_down;
		for (int k = 0; k < PROXY_N_FAIL; k++)
			out->fail[k] += s->fail[k];
	}
}
