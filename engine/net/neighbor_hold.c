/*
 * The hold queue of address resolution, shared by ip4-arp and ip6-glean
 * (net/neighbor_hold.h). One table per forwarding thread, touched by that
 * thread only.
 */
#include <string.h>

#include <rte_cycles.h>
#include <rte_malloc.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor_hold.h>

struct vn_hold_table *
vn_hold_table_create(const struct vn_hold_family *family)
{
	struct vn_hold_table *t = rte_zmalloc("vn_hold_table", sizeof(*t), RTE_CACHE_LINE_SIZE);

	if (!t)
		return NULL;
	t->family = family;
	t->ms_tsc = rte_get_tsc_hz() / 1000;
	t->retry_tsc = t->ms_tsc * VN_HOLD_RETRY_MS;
	t->scan_tsc = t->ms_tsc * VN_HOLD_SCAN_MS;
	return t;
}

void
vn_hold_table_free(struct vn_hold_table *t)
{
	for (uint32_t i = 0; t && i < t->n_holds; i++)
		rte_pktmbuf_free_bulk(t->holds[i].pkts, t->holds[i].n);
	rte_free(t);
}

static struct vn_hold *
hold_find(struct vn_hold_table *t, uint16_t if_index, const union vn_hold_addr *target)
{
	for (uint32_t i = 0; i < t->n_holds; i++)
		if (t->holds[i].if_index == if_index &&
		    memcmp(&t->holds[i].target, target, sizeof(*target)) == 0)
			return &t->holds[i];
	return NULL;
}

enum vn_hold_result
vn_hold_add(struct vn_hold_table *t, struct rte_mbuf *m, const struct vn_adj *adj,
	    const union vn_hold_addr *target, uint64_t now, uint32_t queue_len)
{
	struct vn_hold *h = hold_find(t, adj->tx_if, target);

	if (t->n_held >= VN_HOLD_PKTS)
		return VN_HOLD_TABLE_FULL;
	if (!h) {
		if (t->n_holds == VN_HOLD_NEXT_HOPS)
			return VN_HOLD_TABLE_FULL;
		h = &t->holds[t->n_holds++];
		*h = (struct vn_hold){
			.target = *target,
			.adj_index = adj->index,
			.if_index = adj->tx_if,
			.rx_if = vn_meta(m)->rx_if,
			.adj_type = adj->type,
			.since_tsc = now,
			.asked_tsc = now, /* a request went now or within the interval */
		};
	}
	if (h->n >= queue_len)
		return VN_HOLD_QUEUE_FULL;
	/* Its trace ends here; a released packet is traced anew as input. */
	vn_buf(m)->trace_id = 0;
	h->pkts[h->n++] = m;
	t->n_held++;
	return VN_HOLD_HELD;
}

/* Whether h's packets go back to the lookup: their interface is down or
 * gone, or the family says the next hop resolved. */
static bool
hold_done(const struct vn_hold_table *t, const struct vn_hold *h)
{
	const struct vn_if_fp *fp = h->if_index < VN_IF_MAX ? vn_if_fp(h->if_index) : NULL;

	if (!fp || !fp->admin_up || !fp->link_up)
		return true;
	return t->family->done(h);
}

bool
vn_hold_poll(struct vn_hold_table *t, uint64_t now, struct vn_hold_out *out)
{
	uint64_t timeout;
	uint32_t epoch;

	out->n_released = out->n_expired = out->n_requests = 0;
	if (likely(t->n_holds == 0))
		return false;
	epoch = vn_fib_epoch_get();
	if (epoch == t->epoch && now < t->next_scan_tsc)
		return false;
	t->epoch = epoch;
	t->next_scan_tsc = now + t->scan_tsc;
	timeout = t->ms_tsc * __atomic_load_n(&vn_neighbor_cfg.timeout_ms, __ATOMIC_RELAXED);
	/* Backwards: an entry removed takes the last one's place, already seen. */
	for (uint32_t i = t->n_holds; i-- > 0;) {
		struct vn_hold *h = &t->holds[i];
		bool done = hold_done(t, h);

		if (!done && now - h->since_tsc < timeout) {
			if (now - h->asked_tsc >= t->retry_tsc && out->n_requests < VN_FRAME_SIZE) {
				struct rte_mbuf *r = t->family->request(h);
				if (r)
					out->requests[out->n_requests++] = r;
				h->asked_tsc = now;
			}
			continue;
		}
		if ((done && out->n_released + h->n > VN_FRAME_SIZE) ||
		    (!done && out->n_expired + h->n > VN_FRAME_SIZE)) {
			t->next_scan_tsc = 0; /* the next poll goes on */
			continue;
		}
		for (uint8_t k = 0; k < h->n; k++) {
			if (done)
				out->released[out->n_released++] = h->pkts[k];
			else
				out->expired[out->n_expired++] = h->pkts[k];
		}
		t->n_held -= h->n;
		*h = t->holds[--t->n_holds];
	}
	return true;
}
