/*
 * Memory commands: show buffers (every DPDK mempool, with its per-lcore
 * caches). It reads DPDK's tables on the main thread; workers keep
 * allocating meanwhile, so a pool's counts are a moment's, not a snapshot.
 */
#define _GNU_SOURCE
#define VN_LOG_MOD "cli"
#include <stdio.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <vecnet/cli.h>

/* --- show buffers ------------------------------------------------------------- */

struct vn_cli_pools {
	struct vn_cli_out *out;
	uint32_t n;
};

/* The data room of a pool made by rte_pktmbuf_pool_create(); 0 for other
 * pools (their private area, if any, is not an rte_pktmbuf_pool_private:
 * then an mbuf, its private area and its data room don't make the element). */
static uint32_t
vn_cli_pool_data_room(struct rte_mempool *mp)
{
	const struct rte_pktmbuf_pool_private *p;

	if (mp->private_data_size < sizeof(*p))
		return 0;
	p = rte_mempool_get_priv(mp);
	if (mp->elt_size != sizeof(struct rte_mbuf) + p->mbuf_priv_size + p->mbuf_data_room_size)
		return 0;
	return p->mbuf_data_room_size;
}

/*
 * One pool in VPP's columns: Avail is what the pool's common store holds,
 * Cached what the lcores' caches hold, Used what is allocated; the three add
 * up to Total. rte_mempool_avail_count() is the store and the caches; each
 * cache is read once here, so the columns and the per-lcore line agree.
 */
static void
vn_cli_pool_show(struct rte_mempool *mp, void *arg)
{
	struct vn_cli_pools *c = arg;
	uint32_t room = vn_cli_pool_data_room(mp), fill[RTE_MAX_LCORE] = {0};
	uint32_t cached = 0, avail, used;
	bool has_cache = mp->cache_size != 0 && mp->local_cache != NULL;
	unsigned lcore;
	char numa[12], data[12];

	if (has_cache)
		RTE_LCORE_FOREACH(lcore) {
			fill[lcore] =
				__atomic_load_n(&mp->local_cache[lcore].len, __ATOMIC_RELAXED);
			cached += fill[lcore];
		}
	avail = rte_mempool_avail_count(mp);
	used = mp->size - avail;
	cached = VN_MIN(cached, avail);
	if (mp->socket_id == SOCKET_ID_ANY)
		snprintf(numa, sizeof(numa), "any");
	else
		snprintf(numa, sizeof(numa), "%d", mp->socket_id);
	if (room != 0)
		snprintf(data, sizeof(data), "%u", room);
	else
		snprintf(data, sizeof(data), "-");
	vn_cli_printf(c->out, "%-24s %5u %5s %6u %10s %8u %8u %8u %8u\n", mp->name, c->n, numa,
		      mp->elt_size, data, mp->size, avail - cached, cached, used);
	if (has_cache) {
		vn_cli_printf(c->out, "  cache size %u, per lcore:", mp->cache_size);
		RTE_LCORE_FOREACH(lcore)
			vn_cli_printf(c->out, " %u:%u", lcore, fill[lcore]);
		vn_cli_printf(c->out, "\n");
	}
	c->n++;
}

static int
vn_cli_show_buffers(struct vn_cli_out *out, struct vn_cli_args *args)
{
	struct vn_cli_pools c = {.out = out};

	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	vn_cli_printf(out, "%-24s %5s %5s %6s %10s %8s %8s %8s %8s\n", "Pool Name", "Index", "NUMA",
		      "Size", "Data Size", "Total", "Avail", "Cached", "Used");
	rte_mempool_walk(vn_cli_pool_show, &c);
	if (c.n == 0)
		vn_cli_printf(out, "no buffer pools\n");
	return 0;
}

VN_CLI_COMMAND(show_buffers) = {
	.path = "show buffers",
	.help = "DPDK buffer pools: total, available, cached per lcore and used",
	.fn = vn_cli_show_buffers,
};
