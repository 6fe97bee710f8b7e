/*
 * A token bucket kept in TSC ticks, for per-thread rate limits (ICMP errors
 * of both families): each event costs hz / rate ticks of credit, credit grows
 * with time up to burst events' worth. Integer only; one owner thread.
 */
#ifndef VECNET_RATELIMIT_H
#define VECNET_RATELIMIT_H

#include <rte_cycles.h>
#include <vecnet/common.h>

struct vn_token_bucket {
	uint64_t credit;
	uint64_t max_credit;
	uint64_t cost;
	uint64_t last_tsc;
};

/* Full at start: a burst may go at once. */
static inline void
vn_token_bucket_init(struct vn_token_bucket *b, uint32_t rate, uint32_t burst)
{
	b->cost = rte_get_tsc_hz() / rate;
	b->max_credit = b->cost * burst;
	b->credit = b->max_credit;
	b->last_tsc = rte_rdtsc();
}

/* True (and one token spent) if an event may happen at now (TSC). */
static inline bool
vn_token_bucket_take(struct vn_token_bucket *b, uint64_t now)
{
	b->credit = VN_MIN(b->credit + (now - b->last_tsc), b->max_credit);
	b->last_tsc = now;
	if (b->credit < b->cost)
		return false;
	b->credit -= b->cost;
	return true;
}

#endif
