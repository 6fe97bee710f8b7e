/* Appending bytes to an mbuf chain (engine-private). */
#ifndef VN_MBUF_APPEND_H
#define VN_MBUF_APPEND_H

#include <rte_mbuf.h>
#include <stdbool.h>

/* Appends len bytes to the chain head (last segment *tail), allocating
 * segments from head's pool as the data room fills; false when it runs dry
 * (the caller frees head). */
static inline bool
vn_mbuf_append(struct rte_mbuf *head, struct rte_mbuf **tail, const uint8_t *src, uint32_t len)
{
	struct rte_mbuf *t = *tail;

	while (len) {
		uint32_t room = rte_pktmbuf_tailroom(t);
		if (room == 0) {
			struct rte_mbuf *s = rte_pktmbuf_alloc(head->pool);
			if (!s)
				return false;
			t->next = s;
			t = s;
			head->nb_segs++;
			room = rte_pktmbuf_tailroom(t);
		}
		uint32_t k = RTE_MIN(room, len);
		rte_memcpy(rte_pktmbuf_mtod_offset(t, uint8_t *, t->data_len), src, k);
		t->data_len += k;
		head->pkt_len += k;
		src += k;
		len -= k;
	}
	*tail = t;
	return true;
}

#endif
