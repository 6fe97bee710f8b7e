/*
 * A proxied connection is a pair of sessions. Bytes move from one side's rx
 * FIFO to the other's tx FIFO, never more than the tx FIFO takes: what
 * cannot move stays in the rx FIFO, whose window then closes, so a slow
 * reader on one side slows the writer on the other through TCP itself and
 * the proxy holds at most the four FIFOs per pair. A FIN is passed on only
 * after every byte before it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vecnet/net/addr.h>
#include <vecnet/session.h>

#include "proxy.h"

const char *const proxy_fail_names[PROXY_N_FAIL] = {
	[PROXY_FAIL_REFUSED] = "refused",
	[PROXY_FAIL_TIMEOUT] = "timeout",
	[PROXY_FAIL_NO_ROUTE] = "no-route",
	[PROXY_FAIL_NO_RESOURCES] = "no-resources",
	[PROXY_FAIL_RESET] = "reset",
};

enum proxy_fail
proxy_fail_of(int err)
{
	switch (err) {
	case -ECONNREFUSED:
		return PROXY_FAIL_REFUSED;
	case -ETIMEDOUT:
		return PROXY_FAIL_TIMEOUT;
	case -EHOSTUNREACH:
	case -ENETUNREACH:
		return PROXY_FAIL_NO_ROUTE;
	case -ECONNRESET:
		return PROXY_FAIL_RESET;
	default:
		return PROXY_FAIL_NO_RESOURCES;
	}
}

const struct proxy_io proxy_vn_io = {
	.rx_avail = vn_session_rx_avail,
	.read = vn_session_read,
	.tx_space = vn_session_tx_space,
	.write = vn_session_write,
	.shutdown = vn_session_shutdown,
};

#define PROXY_CHUNK 16384 /* a quarter of a default FIFO per copy */

uint64_t
proxy_pump(struct proxy_pair *p, enum proxy_side from, const struct proxy_io *io, bool *done)
{
	enum proxy_side to = !from;
	struct vn_session *src = p->side[from], *dst = p->side[to];
	uint8_t buf[PROXY_CHUNK];
	uint64_t moved = 0;
	uint32_t n;

	*done = false;
	if (!src || !dst || (p->flags & (PROXY_CONNECTING | PROXY_CLOSING)))
		return 0;
	while (!(p->flags & PROXY_SHUT(to))) {
		n = VN_MIN(io->rx_avail(src), io->tx_space(dst));
		n = VN_MIN(n, (uint32_t)sizeof(buf));
		if (n == 0)
			break;
		n = io->read(src, buf, n);
		/* tx_space said it fits: write takes all of it. */
		io->write(dst, buf, n);
		moved += n;
	}
	p->bytes[from] += moved;
	if ((p->flags & PROXY_EOF(from)) && !(p->flags & PROXY_SHUT(to)) &&
	    io->rx_avail(src) == 0) {
		p->flags |= PROXY_SHUT(to);
		io->shutdown(dst);
	}
	*done = (p->flags & (PROXY_EOF(0) | PROXY_EOF(1) | PROXY_SHUT(0) | PROXY_SHUT(1))) ==
		(PROXY_EOF(0) | PROXY_EOF(1) | PROXY_SHUT(0) | PROXY_SHUT(1));
	return moved;
}

uint32_t
proxy_pick(uint32_t *rr, uint32_t n)
{
	return n ? __atomic_fetch_add(rr, 1, __ATOMIC_RELAXED) % n : 0;
}

int
proxy_parse_uri(const char *uri, struct vn_session_ep *e)
{
	return vn_session_parse_uri(uri, e);
}

/* VPP's form: tcp://10.0.2.2/80, tcp://2001:db8::2/80. */
void
proxy_fmt_uri(const struct vn_session_ep *e, char *buf, size_t len)
{
	char a[VN_IP6_STRLEN];

	snprintf(buf, len, "tcp://%s/%u",
		 e->is_ip6 ? vn_fmt_ip6(&e->addr.ip6, a) : vn_fmt_ip4(e->addr.ip4, a), e->port);
}
