/*
 * Duplicate address detection (RFC 4862 5.4), net/dad6.h. The probes are
 * main-thread state; workers only ask whether an address is tentative, in
 * an immutable set published by pointer and freed after a grace period
 * (vn_rcu_free), as the FIB publishes its objects.
 */
#define VN_LOG_MOD "dad6"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>
#include <vecnet/net/buffer.h>
#include <vecnet/net/dad6.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/ip6.h>
#include <vecnet/net/neighbor6.h>
#include <vecnet/rcu.h>

#include "net/ra6_priv.h"

#define DAD6_MAX (VN_IF_MAX < 256 ? VN_IF_MAX : 256) /* probes at once */

struct dad6_probe {
	uint32_t if_index;
	struct vn_ip6 addr;
	bool is_ll;
	uint32_t sent;
	uint64_t next_ms; /* next solicitation, or the verdict once all are sent */
};

/* What workers read: the addresses being probed. */
struct dad6_set {
	uint32_t n;
	struct {
		uint32_t if_index;
		struct vn_ip6 addr;
	} e[DAD6_MAX];
};

static struct dad6_probe probes[DAD6_MAX];
static uint32_t n_probes;
static struct dad6_set *published;
static uint8_t ll_state[VN_IF_MAX];

const char *
vn_addr6_state_name(uint8_t state)
{
	switch (state) {
	case VN_ADDR6_PREFERRED:
		return "preferred";
	case VN_ADDR6_TENTATIVE:
		return "tentative";
	case VN_ADDR6_DUPLICATE:
		return "duplicate";
	}
	return "?";
}

static void
dad6_publish(void)
{
	struct dad6_set *s = rte_zmalloc("vn_dad6_set", sizeof(*s), 0), *old;

	if (!s) {
		VN_ERR("out of memory publishing tentative addresses");
		return;
	}
	for (uint32_t i = 0; i < n_probes; i++) {
		s->e[i].if_index = probes[i].if_index;
		s->e[i].addr = probes[i].addr;
	}
	s->n = n_probes;
	old = published;
	__atomic_store_n(&published, s, __ATOMIC_RELEASE);
	if (old)
		vn_rcu_free(old, rte_free);
}

bool
vn_dad6_is_tentative(uint32_t if_index, const struct vn_ip6 *addr)
{
	const struct dad6_set *s = __atomic_load_n(&published, __ATOMIC_ACQUIRE);

	for (uint32_t i = 0; s && i < s->n; i++)
		if (s->e[i].if_index == if_index && vn_ip6_eq(&s->e[i].addr, addr))
			return true;
	return false;
}

static int
dad6_find(uint32_t if_index, const struct vn_ip6 *addr)
{
	for (uint32_t i = 0; i < n_probes; i++)
		if (probes[i].if_index == if_index && vn_ip6_eq(&probes[i].addr, addr))
			return (int)i;
	return -1;
}

bool
vn_dad6_start(uint32_t if_index, const struct vn_ip6 *addr)
{
	struct vn_nd6_config c;

	vn_nd6_config_get(&c);
	if (c.dad_transmits == 0 || dad6_find(if_index, addr) >= 0 || n_probes == DAD6_MAX)
		return false;
	probes[n_probes++] = (struct dad6_probe){
		.if_index = if_index,
		.addr = *addr,
		.is_ll = vn_ip6_is_link_local(addr),
		.next_ms = 0, /* the first solicitation goes on the next tick */
	};
	if (vn_ip6_is_link_local(addr) && if_index < VN_IF_MAX)
		ll_state[if_index] = VN_ADDR6_TENTATIVE;
	dad6_publish();
	return true;
}

static void
dad6_remove(int i)
{
	probes[i] = probes[--n_probes];
	dad6_publish();
}

void
vn_dad6_stop(uint32_t if_index, const struct vn_ip6 *addr)
{
	int i = dad6_find(if_index, addr);

	if (i >= 0)
		dad6_remove(i);
	if (vn_ip6_is_link_local(addr) && if_index < VN_IF_MAX)
		ll_state[if_index] = VN_ADDR6_PREFERRED;
}

/* The verdict on probe i: its address is (or is not) in use elsewhere. */
static void
dad6_decide(int i, uint8_t state)
{
	struct dad6_probe p = probes[i];
	char a[VN_IP6_STRLEN];

	dad6_remove(i);
	if (state == VN_ADDR6_DUPLICATE)
		VN_WARN("%s on interface %u: duplicate address detected, not used",
			vn_fmt_ip6(&p.addr, a), p.if_index);
	if (p.is_ll) {
		/* A stable one tries its next DAD counter (RFC 7217 6). */
		if (state == VN_ADDR6_DUPLICATE && vn_ll6_dad_failed(p.if_index)) {
			/* Not probed (dad-transmits 0, table full): in use as is. */
			for (uint32_t k = 0; k < n_probes; k++)
				if (probes[k].is_ll && probes[k].if_index == p.if_index)
					return;
			ll_state[p.if_index] = VN_ADDR6_PREFERRED;
			return;
		}
		ll_state[p.if_index] = state;
		return;
	}
	vn_interface_addr6_set_state(p.if_index, &p.addr, state);
}

void
vn_dad6_conflict(uint32_t if_index, const struct vn_ip6 *addr)
{
	int i = dad6_find(if_index, addr);

	if (i >= 0)
		dad6_decide(i, VN_ADDR6_DUPLICATE);
}

void
vn_dad6_tick(uint64_t now_ms)
{
	uint32_t transmits = 0;
	struct vn_nd6_config c;

	if (n_probes == 0)
		return;
	vn_nd6_config_get(&c);
	transmits = c.dad_transmits ? c.dad_transmits : 1;
	for (int i = (int)n_probes; i-- > 0;) {
		struct dad6_probe *p = &probes[i];
		const struct vn_if_fp *fp;
		struct rte_mbuf *m;

		if (now_ms < p->next_ms)
			continue;
		/* A down link hears nothing: DAD waits for it (RFC 4862 5.4). */
		fp = vn_if_fp(p->if_index);
		if (!fp || !fp->admin_up || !fp->link_up) {
			p->sent = 0;
			p->next_ms = now_ms + 100;
			continue;
		}
		if (p->sent >= transmits) {
			dad6_decide(i, VN_ADDR6_PREFERRED);
			continue;
		}
		p->sent++;
		p->next_ms = now_ms + VN_ND_RETRANS_TIMER_MS;
		m = vn_nd6_ns_build(fp, &p->addr, &(const struct vn_ip6){{0}}, NULL);
		if (m) {
			vn_meta(m)->flags |= VN_META_F_L2_READY;
			vn_nd6_send(m);
		}
	}
}

uint8_t
vn_dad6_ll_state(uint32_t if_index)
{
	return if_index < VN_IF_MAX ? ll_state[if_index] : VN_ADDR6_PREFERRED;
}
