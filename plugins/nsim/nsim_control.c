/*
 * nsim's control functions, called by the CLI, the config section and Lua.
 * Settings are an immutable struct published by pointer (RCU: a worker may
 * still read the old one during its walk). Turning a link off bumps its
 * generation and nsim_flush_seq: each worker's nsim-wheel then frees what
 * that link still holds at its next poll, and anything held later for the
 * old generation is freed instead of sent when it comes due.
 */
#define VN_LOG_MOD "nsim"
#include <errno.h>
#include <inttypes.h>
#include <rte_cycles.h>
#include <rte_malloc.h>
#include <stdio.h>
#include <vecnet/graph.h>
#include <vecnet/net/feature.h>
#include <vecnet/rcu.h>

#include "nsim.h"

struct nsim_params *nsim_params_cur;
struct nsim_wheel *nsim_wheels[VN_THREAD_MAX];
uint16_t nsim_link_gen[NSIM_LINKS];
bool nsim_link_on[NSIM_LINKS];
uint32_t nsim_flush_seq;
uint64_t nsim_test_tsc;

static void
params_free(void *p)
{
	rte_free(p);
}

int
nsim_configure(const struct nsim_config *c)
{
	struct nsim_params *p = rte_zmalloc("nsim_params", sizeof(*p), RTE_CACHE_LINE_SIZE), *old;
	char text[256];
	int rc;

	if (!p)
		return -ENOMEM;
	if ((rc = nsim_params_make(c, rte_get_tsc_hz(), p)) < 0) {
		rte_free(p);
		return rc;
	}
	old = __atomic_exchange_n(&nsim_params_cur, p, __ATOMIC_ACQ_REL);
	if (old)
		vn_rcu_free(old, params_free);
	nsim_format_config(p, text, sizeof(text));
	VN_INFO("nsim: %s", text);
	return 0;
}

int
nsim_control_init(void)
{
	static const struct nsim_config none = {0};

	return nsim_params_cur ? 0 : nsim_configure(&none);
}

void
nsim_control_fini(void)
{
	/* Workers have stopped (plugins exit after the graphs are destroyed). */
	rte_free(nsim_params_cur);
	nsim_params_cur = NULL;
}

/* Output is one link seen by two arcs: IPv4's and IPv6's. */
static const struct {
	const char *arc, *node;
} dir_feat[NSIM_N_DIRS][2] = {
	[NSIM_DIR_INPUT] = {{"device-input", NSIM_NODE_INPUT}},
	[NSIM_DIR_OUTPUT] = {{"ip4-output", NSIM_NODE_OUTPUT}, {"ip6-output", NSIM_NODE_OUTPUT6}},
};

/* Every arc of dir on or off; on failure the ones already turned on are undone. */
static int
nsim_features_set(uint32_t if_index, enum nsim_dir dir, bool enable)
{
	int rc = 0;

	for (unsigned i = 0; i < 2 && dir_feat[dir][i].arc; i++) {
		rc = vn_feature_enable(if_index, dir_feat[dir][i].arc, dir_feat[dir][i].node, enable);
		if (rc < 0 && enable) {
			while (i--)
				vn_feature_enable(if_index, dir_feat[dir][i].arc, dir_feat[dir][i].node,
						  false);
			return rc;
		}
	}
	return rc;
}

int
nsim_enable(uint32_t if_index, enum nsim_dir dir, bool enable)
{
	uint16_t link;
	int rc;

	if (dir >= NSIM_N_DIRS)
		return -EINVAL;
	if (if_index >= VN_IF_MAX)
		return -ENODEV;
	link = nsim_link((uint16_t)if_index, dir);
	if (enable) {
		if (!vn_interface_get(if_index))
			return -ENODEV;
		if ((rc = nsim_wheels_ensure()) < 0)
			return rc;
		/* On before the feature bit: a packet held at once is not freed as stale. */
		bool was_on = nsim_link_on[link];
		__atomic_store_n(&nsim_link_on[link], true, __ATOMIC_RELEASE);
		rc = nsim_features_set(if_index, dir, true);
		if (rc < 0)
			__atomic_store_n(&nsim_link_on[link], was_on, __ATOMIC_RELEASE);
		return rc;
	}
	/* Off even when the interface is already gone (its deletion hook). */
	rc = vn_interface_get(if_index) ? nsim_features_set(if_index, dir, false) : 0;
	if (rc < 0 && !nsim_link_on[link])
		return rc;
	__atomic_store_n(&nsim_link_on[link], false, __ATOMIC_RELEASE);
	__atomic_store_n(&nsim_link_gen[link], (uint16_t)(nsim_link_gen[link] + 1),
			 __ATOMIC_RELEASE);
	__atomic_fetch_add(&nsim_flush_seq, 1, __ATOMIC_RELEASE);
	return 0;
}

bool
nsim_enabled(uint32_t if_index, enum nsim_dir dir)
{
	return if_index < VN_IF_MAX && dir < NSIM_N_DIRS &&
	       __atomic_load_n(&nsim_link_on[nsim_link((uint16_t)if_index, dir)], __ATOMIC_RELAXED);
}

void
nsim_counters_sum(uint32_t if_index, enum nsim_dir dir, struct nsim_counters *sum)
{
	uint16_t link = nsim_link((uint16_t)if_index, dir);

	*sum = (struct nsim_counters){0};
	for (uint32_t t = 0; t < VN_THREAD_MAX; t++) {
		const struct nsim_wheel *w = __atomic_load_n(&nsim_wheels[t], __ATOMIC_ACQUIRE);
		if (!w)
			continue;
		const struct nsim_counters *c = &w->cnt[link];
		sum->received += __atomic_load_n(&c->received, __ATOMIC_RELAXED);
		sum->dropped_loss += __atomic_load_n(&c->dropped_loss, __ATOMIC_RELAXED);
		sum->delayed += __atomic_load_n(&c->delayed, __ATOMIC_RELAXED);
		sum->reordered += __atomic_load_n(&c->reordered, __ATOMIC_RELAXED);
		sum->dropped_full += __atomic_load_n(&c->dropped_full, __ATOMIC_RELAXED);
		sum->freed += __atomic_load_n(&c->freed, __ATOMIC_RELAXED);
		sum->held += __atomic_load_n(&c->held, __ATOMIC_RELAXED);
	}
}

/* The interface's features go with it (feature.c); its held packets too. */
static void
nsim_interface_deleted(uint32_t if_index)
{
	for (int d = 0; d < NSIM_N_DIRS; d++)
		if (nsim_enabled(if_index, d))
			nsim_enable(if_index, d, false);
}

VN_INTERFACE_HOOKS(nsim) = {
	.deleted = nsim_interface_deleted,
};

/* Set at the first enable: from then on every forwarding thread has a wheel,
 * including those whose graphs are made later (workers start after the
 * config is applied). */
static bool nsim_in_use;

static int
wheel_make(uint32_t t)
{
	struct nsim_wheel *w;

	if (t >= VN_THREAD_MAX || nsim_wheels[t])
		return 0;
	w = nsim_wheel_create(NSIM_HELD_MAX);
	if (!w) {
		VN_WARN("thread %u: no memory for a wheel: nsim passes its packets untouched", t);
		return -ENOMEM;
	}
	w->flush_seen = __atomic_load_n(&nsim_flush_seq, __ATOMIC_ACQUIRE);
	__atomic_store_n(&nsim_wheels[t], w, __ATOMIC_RELEASE);
	return 0;
}

/* Graphs are created and destroyed by the main thread, as wheels are: the
 * pointer is published for the thread's nodes to pick up. */
int
nsim_wheels_ensure(void)
{
	nsim_in_use = true;
	for (uint32_t i = 0; i < vn_graph_count(); i++) {
		const struct vn_graph *g = vn_graph_at(i);
		int rc;

		if (g && (rc = wheel_make(g->thread_index)) < 0)
			return rc;
	}
	return 0;
}

void
nsim_thread_wheel_init(uint32_t t)
{
	if (nsim_in_use)
		wheel_make(t);
}

void
nsim_wheel_release_thread(uint32_t t)
{
	struct nsim_wheel *w = t < VN_THREAD_MAX ? nsim_wheels[t] : NULL;

	if (!w)
		return;
	__atomic_store_n(&nsim_wheels[t], NULL, __ATOMIC_RELEASE);
	nsim_wheel_destroy(w);
}

static void
fmt_time(uint64_t ns, char *buf, size_t len)
{
	if (ns == 0)
		snprintf(buf, len, "none");
	else if (ns % 1000000 == 0)
		snprintf(buf, len, "%" PRIu64 "ms", ns / 1000000);
	else if (ns % 1000 == 0)
		snprintf(buf, len, "%" PRIu64 "us", ns / 1000);
	else
		snprintf(buf, len, "%" PRIu64 "ns", ns);
}

static void
fmt_bw(uint64_t bps, char *buf, size_t len)
{
	if (bps == 0)
		snprintf(buf, len, "none");
	else if (bps % 1000000000 == 0)
		snprintf(buf, len, "%" PRIu64 "gbit", bps / 1000000000);
	else if (bps % 1000000 == 0)
		snprintf(buf, len, "%" PRIu64 "mbit", bps / 1000000);
	else if (bps % 1000 == 0)
		snprintf(buf, len, "%" PRIu64 "kbit", bps / 1000);
	else
		snprintf(buf, len, "%" PRIu64 "bit", bps);
}

void
nsim_format_config(const struct nsim_params *p, char *buf, size_t len)
{
	const struct nsim_config *c = &p->cfg;
	char delay[32], bw[32], drop[48];

	fmt_time(c->delay_ns, delay, sizeof(delay));
	fmt_bw(c->bandwidth_bps, bw, sizeof(bw));
	if (c->packets_per_drop)
		snprintf(drop, sizeof(drop), "packets-per-drop %u", c->packets_per_drop);
	else
		snprintf(drop, sizeof(drop), "drop-fraction %g", c->drop_fraction);
	snprintf(buf, len,
		 "delay %s bandwidth %s packet-size %u %s reorder-fraction %g buffer %u%s", delay,
		 bw, c->packet_size, drop, c->reorder_fraction, p->buffer,
		 c->buffer ? "" : " (default)");
}
