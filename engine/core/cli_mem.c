/*
 * Memory commands: show buffers (every DPDK mempool, with its per-lcore
 * caches) and show memory (DPDK heaps, memzones, EAL pages, the process's own
 * malloc heap). Both read DPDK's tables on the main thread; workers keep
 * allocating meanwhile, so a pool's counts are a moment's, not a snapshot.
 */
#define _GNU_SOURCE
#define VN_LOG_MOD "cli"
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memory.h>
#include <rte_memzone.h>
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

/* --- show memory -------------------------------------------------------------- */

/* 512 -> "512", 1536 -> "1.5K", 268435456 -> "256.0M": binary units. */
static const char *
vn_cli_fmt_bytes(uint64_t b, char *buf, size_t len)
{
	static const char units[] = "KMGTP";
	double v = (double)b;
	int u = -1;

	while (v >= 1024.0 && u < (int)sizeof(units) - 2) {
		v /= 1024.0;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%" PRIu64, b);
	else
		snprintf(buf, len, "%.1f%c", v, units[u]);
	return buf;
}

struct vn_cli_zones {
	struct vn_cli_out *out;
	uint32_t n;
	uint64_t bytes;
};

static void
vn_cli_zone_show(const struct rte_memzone *mz, void *arg)
{
	struct vn_cli_zones *z = arg;
	char len[16];

	vn_cli_printf(z->out, "  %-32s %8s %6d\n", mz->name,
		      vn_cli_fmt_bytes(mz->len, len, sizeof(len)), mz->socket_id);
	z->n++;
	z->bytes += mz->len;
}

/* EAL's memory by socket and page size (a handful of combinations). */
#define VN_CLI_SEG_KINDS 16

struct vn_cli_segs {
	uint32_t n;
	struct {
		int socket;
		uint64_t page_sz, pages, bytes;
	} kind[VN_CLI_SEG_KINDS];
};

static int
vn_cli_seg_count(const struct rte_memseg_list *msl, const struct rte_memseg *ms, void *arg)
{
	struct vn_cli_segs *s = arg;
	uint32_t i;

	if (msl->external)
		return 0; /* memory the application registered, not EAL's pages */
	for (i = 0; i < s->n; i++)
		if (s->kind[i].socket == ms->socket_id && s->kind[i].page_sz == ms->hugepage_sz)
			break;
	if (i == s->n) {
		if (s->n == VN_CLI_SEG_KINDS)
			return 0;
		s->kind[s->n].socket = ms->socket_id;
		s->kind[s->n].page_sz = ms->hugepage_sz;
		s->n++;
	}
	s->kind[i].pages++;
	s->kind[i].bytes += ms->len;
	return 0;
}

/* The system's hugepages of the default size (/proc/meminfo); false if none. */
static bool
vn_cli_sys_hugepages(uint64_t *total, uint64_t *free_pages, uint64_t *kb)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	int found = 0;

	if (f == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL) {
		found += sscanf(line, "HugePages_Total: %" SCNu64, total) == 1;
		found += sscanf(line, "HugePages_Free: %" SCNu64, free_pages) == 1;
		found += sscanf(line, "Hugepagesize: %" SCNu64, kb) == 1;
	}
	fclose(f);
	return found == 3;
}

static int
vn_cli_show_memory(struct vn_cli_out *out, struct vn_cli_args *args)
{
	struct vn_cli_zones z = {.out = out};
	struct vn_cli_segs s = {0};
	struct mallinfo2 mi;
	uint64_t hp_total, hp_free, hp_kb;
	char a[16], b[16], c[16], d[16];

	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);

	vn_cli_printf(out, "DPDK heaps:\n  %-6s %10s %10s %10s %14s %8s\n", "Socket", "Size",
		      "Free", "Allocated", "Greatest free", "Allocs");
	for (unsigned i = 0; i < rte_socket_count(); i++) {
		struct rte_malloc_socket_stats st;
		int sock = rte_socket_id_by_idx(i);

		if (sock < 0 || rte_malloc_get_socket_stats(sock, &st) < 0)
			continue;
		vn_cli_printf(out, "  %-6d %10s %10s %10s %14s %8u\n", sock,
			      vn_cli_fmt_bytes(st.heap_totalsz_bytes, a, sizeof(a)),
			      vn_cli_fmt_bytes(st.heap_freesz_bytes, b, sizeof(b)),
			      vn_cli_fmt_bytes(st.heap_allocsz_bytes, c, sizeof(c)),
			      vn_cli_fmt_bytes(st.greatest_free_size, d, sizeof(d)),
			      st.alloc_count);
	}

	vn_cli_printf(out, "Memzones:\n  %-32s %8s %6s\n", "Name", "Length", "Socket");
	rte_memzone_walk(vn_cli_zone_show, &z);
	vn_cli_printf(out, "  %u memzones, %s\n", z.n, vn_cli_fmt_bytes(z.bytes, a, sizeof(a)));

	rte_memseg_walk(vn_cli_seg_count, &s);
	vn_cli_printf(out, "EAL memory (%s):\n",
		      rte_eal_has_hugepages() ? "hugepages" : "no hugepages, --no-huge");
	for (uint32_t i = 0; i < s.n; i++)
		vn_cli_printf(out, "  socket %d: %" PRIu64 " pages of %s, %s\n", s.kind[i].socket,
			      s.kind[i].pages, vn_cli_fmt_bytes(s.kind[i].page_sz, a, sizeof(a)),
			      vn_cli_fmt_bytes(s.kind[i].bytes, b, sizeof(b)));
	if (vn_cli_sys_hugepages(&hp_total, &hp_free, &hp_kb))
		vn_cli_printf(out, "System hugepages of %s: %" PRIu64 " total, %" PRIu64 " free\n",
			      vn_cli_fmt_bytes(hp_kb * 1024, a, sizeof(a)), hp_total, hp_free);

	mi = mallinfo2();
	vn_cli_printf(out, "Process heap (malloc): %s in use, %s free, %s mapped\n",
		      vn_cli_fmt_bytes(mi.uordblks + mi.hblkhd, a, sizeof(a)),
		      vn_cli_fmt_bytes(mi.fordblks, b, sizeof(b)),
		      vn_cli_fmt_bytes(mi.arena + mi.hblkhd, c, sizeof(c)));
	return 0;
}

VN_CLI_COMMAND(show_memory) = {
	.path = "show memory",
	.help = "DPDK heaps, memzones, EAL pages and the process heap",
	.fn = vn_cli_show_memory,
};
