/*
 * Servers: the table the CLI, the config and Lua start and stop, and
 * workers read at accept. A slot's pointer is published with a release
 * store; stopping unlistens, then clears the slot and waits for a grace
 * period, after which no new session can find the server. Sessions that
 * already hold it keep it: the server's memory is kept (retired) until its
 * live-session count, summed over the workers, is zero, and only then
 * freed with its caches, on the next start or stop.
 */
#define VN_LOG_MOD "http_static"
#define _GNU_SOURCE /* O_PATH */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vecnet/graph.h>
#include <vecnet/net/addr.h>
#include <vecnet/rcu.h>
#include <vecnet/session.h>

#include "hs.h"

const char *const hs_counter_names[HS_C_MAX] = {
	[HS_C_SESSIONS] = "sessions",
	[HS_C_CLOSED] = "sessions closed",
	[HS_C_REQUESTS] = "requests",
	[HS_C_2XX] = "responses 2xx",
	[HS_C_3XX] = "responses 3xx",
	[HS_C_4XX] = "responses 4xx",
	[HS_C_5XX] = "responses 5xx",
	[HS_C_BYTES] = "bytes sent",
	[HS_C_CACHE_HIT] = "cache hits",
	[HS_C_CACHE_MISS] = "cache misses",
	[HS_C_STREAMED] = "responses streamed from disk",
	[HS_C_TIMEOUT_HEADER] = "timeouts: request head",
	[HS_C_TIMEOUT_IDLE] = "timeouts: idle keep-alive",
	[HS_C_TIMEOUT_SEND] = "timeouts: client not reading",
	[HS_C_RESET] = "connections reset by the client",
	[HS_C_E400] = "errors: 400 malformed request",
	[HS_C_E403] = "errors: 403 forbidden path",
	[HS_C_E404] = "errors: 404 not found",
	[HS_C_E405] = "errors: 405 method not allowed",
	[HS_C_E414] = "errors: 414 request line too long",
	[HS_C_E416] = "errors: 416 range not satisfiable",
	[HS_C_E431] = "errors: 431 request head too large",
	[HS_C_E500] = "errors: 500 file read failed",
	[HS_C_E501] = "errors: 501 not implemented",
	[HS_C_E505] = "errors: 505 HTTP version",
};

static struct hs_server *servers[HS_SERVERS_MAX]; /* published: workers read */
static struct hs_server *retired[HS_SERVERS_MAX]; /* stopped, sessions may remain */

void
hs_server_conf_defaults(struct hs_server_conf *c)
{
	*c = (struct hs_server_conf){
		.cache_size = HS_DEFAULT_CACHE_SIZE,
		.keepalive_timeout = HS_DEFAULT_KEEPALIVE,
		.header_timeout = HS_DEFAULT_HEADER_TIMEOUT,
		.send_timeout = HS_DEFAULT_SEND_TIMEOUT,
		.max_age = HS_DEFAULT_MAX_AGE,
	};
}

/* tcp://A.B.C.D/PORT, tcp://X:X::X/PORT, tcp://[X:X::X]/PORT */
int
hs_parse_uri(const char *uri, struct vn_session_ep *ep)
{
	return vn_session_parse_uri(uri, ep);
}

int
hs_parse_size(const char *s, uint64_t *bytes)
{
	char *end;
	unsigned long long v;
	uint32_t shift = 0;

	if (!*s || *s == '-')
		return -EINVAL;
	v = strtoull(s, &end, 10);
	switch (*end) {
	case 0: break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: return -EINVAL;
	}
	if (*end || v > (1ull << 40) >> shift)
		return -EINVAL;
	*bytes = (uint64_t)v << shift;
	return 0;
}

uint64_t
hs_server_counter(const struct hs_server *srv, enum hs_counter c)
{
	uint64_t sum = 0;

	for (uint32_t t = 0; t < VN_THREAD_MAX; t++)
		sum += __atomic_load_n(&srv->cnt[t].c[c], __ATOMIC_RELAXED);
	return sum;
}

static void
server_free(struct hs_server *srv)
{
	for (uint32_t t = 0; t < VN_THREAD_MAX; t++)
		if (srv->cache[t])
			hs_cache_destroy(srv->cache[t]);
	if (srv->root_fd >= 0)
		close(srv->root_fd);
	free(srv);
}

/* Frees retired servers no session refers to any more. */
static void
reap_retired(void)
{
	for (uint32_t i = 0; i < HS_SERVERS_MAX; i++) {
		struct hs_server *srv = retired[i];
		if (!srv)
			continue;
		/* closed first: a session counted closed was counted opened */
		uint64_t closed = 0, opened;
		for (uint32_t t = 0; t < VN_THREAD_MAX; t++)
			closed += __atomic_load_n(&srv->cnt[t].c[HS_C_CLOSED], __ATOMIC_ACQUIRE);
		opened = hs_server_counter(srv, HS_C_SESSIONS);
		if (opened == closed) {
			retired[i] = NULL;
			server_free(srv);
		}
	}
}

struct hs_server *
hs_server_find(const struct vn_session_ep *local)
{
	struct hs_server *any = NULL;

	for (uint32_t i = 0; i < HS_SERVERS_MAX; i++) {
		struct hs_server *srv = __atomic_load_n(&servers[i], __ATOMIC_ACQUIRE);
		if (!srv || srv->ep.port != local->port || srv->ep.is_ip6 != local->is_ip6)
			continue;
		if (vn_session_ep_addr_eq(&srv->ep, local))
			return srv;
		if (vn_session_ep_is_any(&srv->ep))
			any = srv;
	}
	return any;
}

struct hs_server *
hs_server_at(uint32_t i)
{
	return i < HS_SERVERS_MAX ? servers[i] : NULL;
}

int
hs_server_start(const struct hs_server_conf *c)
{
	struct hs_server *srv;
	char real[PATH_MAX];
	struct stat st;
	uint32_t slot = HS_SERVERS_MAX;
	struct vn_session_ep ep;
	int rc;

	if (hs_parse_uri(c->uri, &ep) < 0)
		return -EINVAL;
	if (hs_app < 0)
		return -ENODEV;
	reap_retired();
	for (uint32_t i = 0; i < HS_SERVERS_MAX; i++) {
		if (servers[i] && servers[i]->ep.port == ep.port &&
		    vn_session_ep_addr_eq(&servers[i]->ep, &ep))
			return -EEXIST;
		if (!servers[i] && slot == HS_SERVERS_MAX)
			slot = i;
	}
	if (slot == HS_SERVERS_MAX)
		return -ENOSPC;
	if (!realpath(c->root, real))
		return -errno;
	if (stat(real, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (strlen(real) >= HS_ROOT_MAX)
		return -ENAMETOOLONG;
	srv = aligned_alloc(RTE_CACHE_LINE_SIZE, RTE_ALIGN_CEIL(sizeof(*srv), RTE_CACHE_LINE_SIZE));
	if (!srv)
		return -ENOMEM;
	memset(srv, 0, sizeof(*srv));
	srv->root_fd = open(real, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (srv->root_fd < 0) {
		rc = -errno;
		free(srv);
		return rc;
	}
	strcpy(srv->root, real);
	srv->ep = ep;
	srv->cache_size = c->cache_size;
	srv->keepalive_timeout = c->keepalive_timeout;
	srv->header_timeout = c->header_timeout;
	srv->send_timeout = c->send_timeout;
	srv->max_age = c->max_age;
	srv->is_live = true;
	/* Published before listening: the first accept finds it. */
	__atomic_store_n(&servers[slot], srv, __ATOMIC_RELEASE);
	rc = vn_session_listen((uint32_t)hs_app, &ep);
	if (rc < 0) {
		__atomic_store_n(&servers[slot], NULL, __ATOMIC_RELEASE);
		vn_rcu_synchronize();
		server_free(srv);
		return rc;
	}
	VN_INFO("http static server %s serves %s", c->uri, real);
	return 0;
}

int
hs_server_stop(const char *uri)
{
	struct vn_session_ep ep;

	if (hs_parse_uri(uri, &ep) < 0)
		return -EINVAL;
	for (uint32_t i = 0; i < HS_SERVERS_MAX; i++) {
		struct hs_server *srv = servers[i];
		if (!srv || srv->ep.port != ep.port || !vn_session_ep_addr_eq(&srv->ep, &ep))
			continue;
		vn_session_unlisten((uint32_t)hs_app, &ep);
		__atomic_store_n(&srv->is_live, false, __ATOMIC_RELEASE);
		__atomic_store_n(&servers[i], NULL, __ATOMIC_RELEASE);
		vn_rcu_synchronize(); /* no accept still looks at the slot */
		uint32_t r = 0;
		while (r < HS_SERVERS_MAX && retired[r])
			r++;
		if (r < HS_SERVERS_MAX)
			retired[r] = srv;
		else /* sessions of 16 stopped servers still open: kept for good */
			VN_WARN("http static server %s: memory kept, too many retired", uri);
		reap_retired();
		VN_INFO("http static server %s stopped", uri);
		return 0;
	}
	return -ENOENT;
}

void
hs_servers_fini(void)
{
	for (uint32_t i = 0; i < HS_SERVERS_MAX; i++) {
		if (servers[i])
			server_free(servers[i]);
		if (retired[i])
			server_free(retired[i]);
		servers[i] = retired[i] = NULL;
	}
}
