/*
 * RX queue placement commands, in vppctl syntax: show interface rx-placement,
 * set interface rx-placement IF [queue N] worker W. Workers count from 0 as
 * VPP's do; with `workers: []` the main thread forwards and is worker 0. The
 * move itself (and why it is safe under traffic) is vn_rxq_move in rxq.c.
 */
#define VN_LOG_MOD "cli"
#include <errno.h>
#include <string.h>
#include <vecnet/cli.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/port.h>

#include "net/port_priv.h"

/* "worker 0" for thread 1, "main" for thread 0 (as show threads names them). */
static const char *
vn_rxp_thread_name(uint32_t thread, char *buf, size_t len)
{
	if (thread == 0)
		snprintf(buf, len, "main");
	else
		snprintf(buf, len, "worker %u", thread - 1);
	return buf;
}

/* --- show interface rx-placement -------------------------------------------------- */

/*
 * VPP's layout: each thread that polls queues, the input node, then its queues:
 *   Thread 1 (worker 0):
 *     node port-rx:
 *       lan0 queue 0 (polling)
 */
static int
vn_cli_show_rx_placement(struct vn_cli_out *out, struct vn_cli_args *args)
{
	bool any = false;

	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	for (uint32_t w = 0; w < vn_rxq_worker_count(); w++) {
		uint32_t t = vn_rxq_worker_thread(w);
		/* The main thread is the only one that replaces sets: this one stays. */
		const struct vn_rxq_set *s = vn_rxq_set_of(t);
		char name[24];

		if (s->n == 0)
			continue;
		vn_cli_printf(out, "Thread %u (%s):\n", t, vn_rxp_thread_name(t, name, sizeof(name)));
		for (uint16_t i = 0; i < s->n; i++) {
			const struct vn_interface *ifp = vn_interface_get(s->q[i].if_index);
			const char *node = vn_port_input_node(s->q[i].port_id);
			/* The set keeps each input node's queues together. */
			if (i == 0 || strcmp(node, vn_port_input_node(s->q[i - 1].port_id)) != 0)
				vn_cli_printf(out, "  node %s:\n", node);
			vn_cli_printf(out, "    %s queue %u (polling)\n", ifp ? ifp->name : "?",
				      s->q[i].queue_id);
		}
		any = true;
	}
	if (!any)
		vn_cli_printf(out, "no RX queues\n");
	return 0;
}

VN_CLI_COMMAND(show_rx_placement) = {
	.path = "show interface rx-placement",
	.help = "which thread polls each RX queue",
	.fn = vn_cli_show_rx_placement,
};

/* --- set interface rx-placement --------------------------------------------------- */

static int
vn_cli_set_rx_placement(struct vn_cli_out *out, struct vn_cli_args *args)
{
	const struct vn_interface *ifp;
	uint32_t ifi, queue = 0, worker, n_workers = vn_rxq_worker_count();
	char word[64];
	int rc;

	if (!vn_cli_arg_ifname(args, &ifi)) {
		if (vn_cli_arg_word(args, "interface name", word, sizeof(word)))
			return vn_cli_error(out, "set interface rx-placement: unknown interface '%s'",
					    word);
		return vn_cli_unexpected(args);
	}
	/* As VPP: the queue may be left out and is then queue 0. */
	if (vn_cli_arg_keyword(args, "queue") && !vn_cli_arg_u32_range(args, 0, UINT16_MAX, &queue))
		return vn_cli_unexpected(args);
	if (!vn_cli_arg_keyword(args, "worker") ||
	    !vn_cli_arg_u32_range(args, 0, VN_THREAD_MAX, &worker) || !vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	ifp = vn_interface_get(ifi);
	if (ifp->port_id == VN_PORT_NONE)
		return vn_cli_error(out, "set interface rx-placement: %s has no RX queues "
					 "(no DPDK port)",
				    ifp->name);
	if (queue >= ifp->n_rx_queues)
		return vn_cli_error(out, "set interface rx-placement: %s has no RX queue %u "
					 "(it has %u: 0-%u)",
				    ifp->name, queue, ifp->n_rx_queues, ifp->n_rx_queues - 1);
	if (n_workers == 0)
		return vn_cli_error(out, "set interface rx-placement: no forwarding threads");
	if (worker >= n_workers) {
		if (vn_rxq_worker_thread(0) == 0)
			return vn_cli_error(out, "set interface rx-placement: no worker %u (no "
						 "workers are configured: worker 0 is the main "
						 "thread)",
					    worker);
		return vn_cli_error(out, "set interface rx-placement: no worker %u (there %s %u: 0-%u)",
				    worker, n_workers == 1 ? "is" : "are", n_workers, n_workers - 1);
	}
	rc = vn_rxq_move(ifi, (uint16_t)queue, worker);
	if (rc < 0)
		return vn_cli_error(out, "set interface rx-placement %s queue %u worker %u: %s",
				    ifp->name, queue, worker, strerror(-rc));
	return 0;
}

VN_CLI_COMMAND(set_rx_placement) = {
	.path = "set interface rx-placement",
	.syntax = "IF [queue N] worker W",
	.help = "move an RX queue to a worker (from 0; the main thread without workers)",
	.fn = vn_cli_set_rx_placement,
	.complete = &vn_cli_ifname,
};
