/*
 * The `ping` command's loop, for both families (ping_run.c): ping.c and
 * ping6.c find the route and build and read their own packets; the loop
 * sends them on time through a forwarding thread's control-inject node,
 * collects the replies that the local node's echo-reply hook posts to one
 * MP/SC ring, prints them and the statistics.
 */
#ifndef VN_PING_PRIV_H
#define VN_PING_PRIV_H

#include <rte_mbuf.h>
#include <vecnet/cli.h>

#define VN_PING_DATA 56 /* bytes after the ICMP header, as Linux ping */
#define VN_PING_TIMEOUT_MS 1000
#define VN_PING_MAX_REPEAT 1000

struct vn_ping {
	const char *dst; /* the destination, formatted */
	const char *hops_name; /* "ttl" or "hlim" */
	uint16_t id;
	uint32_t repeat;
	void *ctx; /* the family's */
	/* Request seq (from 1); NULL when no buffer. */
	struct rte_mbuf *(*build)(struct vn_ping *p, uint16_t seq);
	/* A reply to this ping: its seq, ICMP bytes and hop count; false if not ours. */
	bool (*parse)(struct vn_ping *p, struct rte_mbuf *m, uint16_t *seq, uint32_t *bytes,
		      uint8_t *hops);
	/* Installs (or, NULL, removes) the local node's echo-reply hook. */
	void (*set_hook)(void (*hook)(struct rte_mbuf *m));
};

/* Runs p: repeat requests interval s apart, then up to VN_PING_TIMEOUT_MS
 * for the replies. Keeps the main loop's work going meanwhile. */
int vn_ping_run(struct vn_cli_out *out, struct vn_ping *p, double interval);

/* Runs the main loop's work once (the graph when the main thread forwards,
 * learned neighbours, capture); sleeps a little when workers forward. */
void vn_ping_idle(void);

#endif
