/*
 * Forwarding threads and the RX queues they own. Every RX queue of every
 * interface is owned by exactly one forwarding thread; each thread has its own
 * TX queue on every port. Placement is decided at start (vn_rxq_place, with
 * the interfaces' explicit worker lists) and read by port-rx at thread init.
 */
#define VN_LOG_MOD "rxq"
#include <errno.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/port.h>

#include "net/port_priv.h"

#define VN_RXQ_MAX 1024

static struct {
	struct vn_rxq q;
	uint32_t thread;
} placement[VN_RXQ_MAX];
static uint32_t n_placed;

int
vn_rxq_place(uint32_t n_fwd, const uint32_t *fwd_thread)
{
	uint32_t rr = 0;

	n_placed = 0;
	for (uint32_t i = 0; i < vn_interface_count(); i++) {
		struct vn_interface *ifp = vn_interface_get(i);
		for (uint16_t q = 0; q < ifp->n_rx_queues && ifp->port_id != UINT16_MAX; q++) {
			uint32_t t;
			if (n_placed >= VN_RXQ_MAX)
				return -ENOSPC;
			if (q < VN_ARRAY_LEN(ifp->rx_workers) && ifp->rx_workers[q] >= 0) {
				if ((uint32_t)ifp->rx_workers[q] >= n_fwd) {
					VN_ERR("%s: RX queue %u placed on worker %d, but there are %u",
					       ifp->name, q, ifp->rx_workers[q], n_fwd);
					return -EINVAL;
				}
				t = fwd_thread[ifp->rx_workers[q]];
			} else {
				t = fwd_thread[rr++ % n_fwd];
			}
			placement[n_placed].q = (struct vn_rxq){
				.port_id = ifp->port_id, .queue_id = q, .if_index = i};
			placement[n_placed++].thread = t;
		}
	}
	return 0;
}

uint16_t
vn_rxq_count_for_thread(uint32_t thread)
{
	uint16_t n = 0;

	for (uint32_t i = 0; i < n_placed; i++)
		n += placement[i].thread == thread;
	return n;
}

uint16_t
vn_rxq_for_thread(uint32_t thread, struct vn_rxq *out, uint16_t max)
{
	uint16_t n = 0;

	for (uint32_t i = 0; i < n_placed && n < max; i++)
		if (placement[i].thread == thread)
			out[n++] = placement[i].q;
	return n;
}

uint16_t vn_port_thread_txq[VN_THREAD_MAX];
