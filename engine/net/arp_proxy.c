/*
 * Proxy ARP ranges (see include/vecnet/net/arp_proxy.h). The control copy keeps
 * reference counts; the fast-path copy is a flat immutable array, replaced
 * whole on every change and freed after a grace period. Lookups scan it
 * linearly: it is consulted only for requests that are not for one of the
 * interface's own addresses, and holds a handful of ranges in practice.
 */
#define VN_LOG_MOD "arp-proxy"
#include <errno.h>
#include <stdlib.h>
#include <vecnet/net/arp_proxy.h>
#include <vecnet/net/interface.h>
#include <vecnet/rcu.h>

struct arp_proxy_range {
	uint32_t if_index;
	uint32_t lo, hi;
};

struct arp_proxy_table {
	uint32_t n;
	struct arp_proxy_range r[];
};

static struct arp_proxy_range ctl[VN_ARP_PROXY_MAX];
static uint32_t ctl_refs[VN_ARP_PROXY_MAX];
static uint32_t n_ctl;
static struct arp_proxy_table *fp_table;

static int
publish(void)
{
	struct arp_proxy_table *t = malloc(sizeof(*t) + n_ctl * sizeof(t->r[0]));
	struct arp_proxy_table *old;

	if (!t)
		return -ENOMEM;
	t->n = n_ctl;
	for (uint32_t i = 0; i < n_ctl; i++)
		t->r[i] = ctl[i];
	old = __atomic_exchange_n(&fp_table, t, __ATOMIC_ACQ_REL);
	vn_rcu_free(old, free);
	return 0;
}

static int
find(uint32_t if_index, uint32_t lo, uint32_t hi)
{
	for (uint32_t i = 0; i < n_ctl; i++)
		if (ctl[i].if_index == if_index && ctl[i].lo == lo && ctl[i].hi == hi)
			return (int)i;
	return -1;
}

int
vn_arp_proxy_add(uint32_t if_index, uint32_t lo, uint32_t hi)
{
	int i = find(if_index, lo, hi);
	int rc;

	if (lo > hi || if_index >= VN_IF_MAX)
		return -EINVAL;
	if (i >= 0) {
		ctl_refs[i]++;
		return 0;
	}
	if (n_ctl >= VN_ARP_PROXY_MAX)
		return -ENOSPC;
	ctl[n_ctl] = (struct arp_proxy_range){.if_index = if_index, .lo = lo, .hi = hi};
	ctl_refs[n_ctl++] = 1;
	rc = publish();
	if (rc < 0)
		n_ctl--;
	return rc;
}

int
vn_arp_proxy_del(uint32_t if_index, uint32_t lo, uint32_t hi)
{
	int i = find(if_index, lo, hi);

	if (i < 0)
		return -ENOENT;
	if (--ctl_refs[i] > 0)
		return 0;
	ctl[i] = ctl[n_ctl - 1];
	ctl_refs[i] = ctl_refs[n_ctl - 1];
	n_ctl--;
	return publish();
}

uint32_t
vn_arp_proxy_count(void)
{
	return n_ctl;
}

bool
vn_arp_proxy_match(uint32_t if_index, uint32_t addr)
{
	const struct arp_proxy_table *t = __atomic_load_n(&fp_table, __ATOMIC_ACQUIRE);

	if (!t)
		return false;
	for (uint32_t i = 0; i < t->n; i++)
		if (t->r[i].if_index == if_index && addr >= t->r[i].lo && addr <= t->r[i].hi)
			return true;
	return false;
}
