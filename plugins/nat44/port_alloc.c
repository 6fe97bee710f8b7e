/*
 * Outside address and port for a new dynamic session (endpoint-dependent, as
 * nat44-ed and Linux masquerading do): an outside (address, port) may serve
 * several inside endpoints as long as their remotes differ, so a candidate is
 * free exactly when its out2in key (remote, out address, remote port, out
 * port) is not in the worker's table. That is the collision test: no bitmap,
 * nothing shared between workers.
 *
 * Each worker owns one range of ports (nat44_owner_of_port), so a reply from
 * outside is handed to the worker that holds its session. The address is the
 * pool entry the inside address hashes to (a host keeps one outside address,
 * "paired" in RFC 4787's words), then the next ones. The inside port is kept
 * when free and in range; otherwise candidates start at a random point and
 * go up. Both loops are bounded, so a nearly exhausted pool costs a bounded
 * number of lookups and then a counted drop.
 */
#include <errno.h>
#include <rte_hash_crc.h>

#include "nat44.h"

#define NAT44_ALLOC_ADDRS 16 /* addresses tried per new session */
#define NAT44_ALLOC_PORTS 128 /* ports tried per address */

static inline uint32_t
xorshift32(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

int
nat44_alloc_out(struct nat44_worker *w, const struct nat44_pool *pool,
		const struct nat44_static_table *st, struct nat44_session *s)
{
	uint32_t n = pool ? pool->n : 0;
	uint32_t lo = w->port_lo, hi = w->port_hi, range = hi - lo + 1;
	uint32_t want = rte_be_to_cpu_16(s->in_port);
	struct nat44_key k = {.src = s->rem_addr, .sport = s->rem_port, .proto = s->proto};
	uint32_t start;

	if (n == 0)
		return -EADDRNOTAVAIL;
	start = rte_hash_crc_4byte(s->in_addr, 0) % n;
	for (uint32_t a = 0; a < n && a < NAT44_ALLOC_ADDRS; a++) {
		uint32_t r = xorshift32(&w->rnd) % range;
		k.dst = pool->addr[(start + a) % n];
		/* An address-only static mapping owns every port of its address. */
		if (st && nat44_static_by_ext(st, k.dst, 0, 0))
			continue;
		for (uint32_t t = 0; t < NAT44_ALLOC_PORTS; t++) {
			uint32_t p;
			if (t == 0) {
				if (want < lo || want > hi)
					continue;
				p = want;
			} else {
				p = lo + (r + t) % range;
			}
			k.dport = rte_cpu_to_be_16((uint16_t)p);
			if (st && s->proto != IPPROTO_ICMP) {
				const struct nat44_static *m = nat44_static_by_ext(st, k.dst, k.dport,
										   s->proto);
				if (m && m->proto)
					continue; /* a port forward's external port */
			}
			if (nat44_session_lookup(w, true, &k) < 0) {
				s->out_addr = k.dst;
				s->out_port = k.dport;
				return 0;
			}
		}
	}
	return -EADDRNOTAVAIL;
}
