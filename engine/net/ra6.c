/*
 * IPv6 router advertisements (RFC 4861 6), net/ra6.h. Configuration,
 * schedules and counters of what we send are main-thread state; workers see
 * only whether an interface advertises (a byte per interface) and hand a
 * router solicitation over in a one-slot mailbox (its source, for
 * ra-send-unicast), so nothing is allocated or locked per packet.
 */
#define VN_LOG_MOD "ra6"
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_random.h>
#include <vecnet/net/buffer.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/ip6.h>
#include <vecnet/net/neighbor6.h>
#include <vecnet/net/ra6.h>

#include "net/neighbor_priv.h"

/* The RA header after the ICMPv6 type, code and checksum (RFC 4861 4.2). */
struct ra6_hdr {
	uint8_t type, code;
	rte_be16_t cksum;
	uint8_t cur_hop_limit;
	uint8_t flags; /* M 0x80, O 0x40 */
	rte_be16_t router_lifetime;
	rte_be32_t reachable_time;
	rte_be32_t retrans_timer;
} __rte_packed;

struct ra6_opt_prefix {
	uint8_t type, len, prefix_len, flags; /* L 0x80, A 0x40 */
	rte_be32_t valid, preferred, reserved;
	uint8_t prefix[16];
} __rte_packed;

#define RA6_F_MANAGED 0x80
#define RA6_F_OTHER 0x40
#define RA6_PI_ONLINK 0x80
#define RA6_PI_AUTO 0x40
#define RA6_RS_LEN 8 /* type, code, checksum, reserved */
#define RA6_PREFIXES_MAX (VN_IF_ADDR6_MAX + VN_RA6_PREFIX_MAX)

/* Main-thread state of an interface with a configuration. */
struct ra6_if {
	struct vn_ra6_config cfg;
	uint32_t sent_unsolicited; /* since on (the initial ones count) */
	uint64_t next_ms; /* next unsolicited RA; 0: on the next tick */
	uint64_t last_mcast_ms; /* last multicast RA, for MIN_DELAY_BETWEEN_RAS */
	uint64_t solicited_ms; /* an answer due; 0: none */
	bool sol_unicast;
	struct vn_ip6 sol_dst;
	uint8_t sol_mac[6];
	uint64_t ra_sent, ra_solicited;
};

/* What workers write: an RS waiting (state 2 once filled), and counters. */
struct ra6_rx_slot {
	uint32_t state; /* 0 free, 1 being filled, 2 full */
	struct vn_ip6 src;
	uint8_t mac[6];
	uint64_t rs_received, ra_received, ra_bad;
} __rte_cache_aligned;

static struct ra6_if *ra_ifs[VN_IF_MAX];
static uint8_t ra_on[VN_IF_MAX]; /* read by workers */
static struct ra6_rx_slot rx_slots[VN_IF_MAX];
static uint64_t last_now_ms;

void
vn_ra6_config_default(struct vn_ra6_config *c)
{
	*c = (struct vn_ra6_config){
		.lifetime_s = VN_RA6_LIFETIME_AUTO,
		.max_interval_s = VN_RA6_MAX_INTERVAL_DEF_S,
		.initial_count = VN_RA6_INITIAL_COUNT_DEF,
		.initial_interval_s = VN_RA6_INITIAL_INTERVAL_DEF_S,
	};
}

uint32_t
vn_ra6_router_lifetime(const struct vn_ra6_config *c)
{
	if (c->cease || !c->send)
		return 0;
	if (c->lifetime_s == VN_RA6_LIFETIME_AUTO)
		return VN_MIN(3 * c->max_interval_s, (uint32_t)VN_RA6_LIFETIME_MAX_S);
	return c->lifetime_s;
}

/* RFC 4861 6.2.1 ranges (VPP checks the same). */
static bool
ra6_config_valid(const struct vn_ra6_config *c)
{
	if (c->max_interval_s < VN_RA6_MAX_INTERVAL_MIN_S ||
	    c->max_interval_s > VN_RA6_MAX_INTERVAL_MAX_S)
		return false;
	if (c->min_interval_s &&
	    (c->min_interval_s < VN_RA6_MIN_INTERVAL_MIN_S ||
	     c->min_interval_s > c->max_interval_s * 3 / 4))
		return false;
	if (c->lifetime_s != VN_RA6_LIFETIME_AUTO && c->lifetime_s != 0 &&
	    (c->lifetime_s < c->max_interval_s || c->lifetime_s > VN_RA6_LIFETIME_MAX_S))
		return false;
	if (c->initial_count > 10 || c->initial_interval_s < 1 ||
	    c->initial_interval_s > VN_RA6_MAX_INTERVAL_MAX_S)
		return false;
	if (c->n_prefixes > VN_RA6_PREFIX_MAX)
		return false;
	for (uint32_t i = 0; i < c->n_prefixes; i++) {
		const struct vn_ra6_prefix *p = &c->prefixes[i];
		if (p->prefix.len > 128 || p->preferred_s > p->valid_s ||
		    vn_ip6_is_link_local(&p->prefix.addr) || vn_ip6_is_multicast(&p->prefix.addr))
			return false;
	}
	return true;
}

uint32_t
vn_ra6_interval_ms(const struct vn_ra6_config *c, uint32_t sent, uint64_t rnd)
{
	/* MinRtrAdvInterval defaults to 0.75 x max, to the millisecond. */
	uint64_t lo = c->min_interval_s ? (uint64_t)c->min_interval_s * 1000
					: (uint64_t)c->max_interval_s * 750;
	uint64_t hi = (uint64_t)c->max_interval_s * 1000;
	uint64_t ms = lo + rnd % (hi - lo + 1);

	/* The first few go faster, so a new router is known soon (6.2.4). */
	if (sent < c->initial_count && ms > (uint64_t)c->initial_interval_s * 1000)
		ms = (uint64_t)c->initial_interval_s * 1000;
	return (uint32_t)ms;
}

uint64_t
vn_ra6_solicited_at(uint64_t now_ms, uint64_t last_mcast_ms, uint64_t rnd)
{
	uint64_t at = now_ms + rnd % (VN_RA6_MAX_RA_DELAY_MS + 1);

	/* At most one multicast RA per MIN_DELAY_BETWEEN_RAS (6.2.6). */
	if (last_mcast_ms && at < last_mcast_ms + VN_RA6_MIN_DELAY_BETWEEN_RAS_MS)
		at = last_mcast_ms + VN_RA6_MIN_DELAY_BETWEEN_RAS_MS;
	return at;
}

/* --- building ---------------------------------------------------------- */

static const struct vn_ra6_prefix *
ra6_prefix_entry(const struct vn_ra6_config *c, const struct vn_prefix6 *p)
{
	for (uint32_t i = 0; i < c->n_prefixes; i++)
		if (c->prefixes[i].prefix.len == p->len &&
		    vn_ip6_eq(&c->prefixes[i].prefix.addr, &p->addr))
			return &c->prefixes[i];
	return NULL;
}

static void
ra6_put_prefix(struct ra6_opt_prefix *o, const struct vn_prefix6 *p, const struct vn_ra6_prefix *e)
{
	*o = (struct ra6_opt_prefix){
		.type = VN_ND_OPT_PREFIX_INFO,
		.len = 4,
		.prefix_len = p->len,
		.flags = RA6_PI_ONLINK | RA6_PI_AUTO,
		.valid = rte_cpu_to_be_32(VN_RA6_VALID_DEF_S),
		.preferred = rte_cpu_to_be_32(VN_RA6_PREFERRED_DEF_S),
	};
	if (e) {
		o->flags = (e->off_link ? 0 : RA6_PI_ONLINK) | (e->no_autoconfig ? 0 : RA6_PI_AUTO);
		o->valid = rte_cpu_to_be_32(e->valid_s);
		o->preferred = rte_cpu_to_be_32(e->preferred_s);
	}
	memcpy(o->prefix, p->addr.b, 16);
}

/* The prefixes an RA of c on fp carries: connected ones (overridden by an
 * entry), then the entries that are not connected. */
static uint32_t
ra6_prefixes(const struct vn_if_fp *fp, const struct vn_ra6_config *c,
	     struct ra6_opt_prefix *out)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < fp->n_addrs6; i++) {
		struct vn_prefix6 p = fp->addrs6[i];
		const struct vn_ra6_prefix *e;
		bool seen = false;

		if (p.len >= 128)
			continue;
		vn_ip6_mask(&p.addr, p.len);
		for (uint32_t k = 0; k < n && !seen; k++)
			seen = out[k].prefix_len == p.len && memcmp(out[k].prefix, p.addr.b, 16) == 0;
		e = ra6_prefix_entry(c, &p);
		if (seen || (e && e->no_advertise))
			continue;
		ra6_put_prefix(&out[n++], &p, e);
	}
	for (uint32_t i = 0; i < c->n_prefixes && n < RA6_PREFIXES_MAX; i++) {
		const struct vn_ra6_prefix *e = &c->prefixes[i];
		bool seen = false;

		for (uint32_t k = 0; k < n && !seen; k++)
			seen = out[k].prefix_len == e->prefix.len &&
			       memcmp(out[k].prefix, e->prefix.addr.b, 16) == 0;
		if (!seen && !e->no_advertise)
			ra6_put_prefix(&out[n++], &e->prefix, e);
	}
	return n;
}

struct rte_mbuf *
vn_ra6_build(const struct vn_if_fp *fp, const struct vn_ra6_config *c, uint32_t router_lifetime_s,
	     const struct vn_ip6 *dst, const uint8_t *dst_mac)
{
	static const struct vn_ip6 all_nodes = {{0xff, 0x02, [15] = 0x01}};
	struct ra6_opt_prefix pfx[RA6_PREFIXES_MAX];
	uint32_t n_pfx = ra6_prefixes(fp, c, pfx);
	uint16_t len = sizeof(struct rte_ipv6_hdr) + sizeof(struct ra6_hdr) +
		       (c->no_lladdr ? 0 : 8) + 8 + n_pfx * sizeof(struct ra6_opt_prefix);
	struct rte_ipv6_hdr *ip;
	struct rte_mbuf *m;
	struct ra6_hdr *ra;
	uint8_t *opt, mac[6];

	if (!dst)
		dst = &all_nodes;
	if (dst_mac)
		memcpy(mac, dst_mac, 6);
	else
		vn_ip6_mcast_mac_of(dst, mac);
	m = vn_nd6_msg_alloc(len, &fp->ll6, dst, &ip);
	if (unlikely(!m))
		return NULL;
	ra = (struct ra6_hdr *)(ip + 1);
	*ra = (struct ra6_hdr){
		.type = VN_ICMP6_ROUTER_ADVERT,
		.cur_hop_limit = VN_RA6_HOP_LIMIT,
		.flags = (c->managed ? RA6_F_MANAGED : 0) | (c->other ? RA6_F_OTHER : 0),
		.router_lifetime = rte_cpu_to_be_16((uint16_t)router_lifetime_s),
	};
	opt = (uint8_t *)(ra + 1);
	/* Without it hosts resolve us by NS first (load sharing, RFC 4861 4.2). */
	if (!c->no_lladdr) {
		vn_nd6_opt_src_lladdr(opt, fp->mac);
		opt += 8;
	}
	memset(opt, 0, 8);
	opt[0] = VN_ND_OPT_MTU;
	opt[1] = 1;
	*(rte_be32_t *)(opt + 4) = rte_cpu_to_be_32(fp->mtu);
	opt += 8;
	memcpy(opt, pfx, n_pfx * sizeof(pfx[0]));
	return vn_nd6_msg_finish(m, fp, ip, &ra->cksum, mac,
				 VN_META_F_LOCAL_ORIGIN | VN_META_F_L2_READY);
}

/* --- sending ----------------------------------------------------------- */

static void
ra6_send(uint32_t if_index, struct ra6_if *r, uint32_t lifetime, const struct vn_ip6 *dst,
	 const uint8_t *dst_mac)
{
	const struct vn_if_fp *fp = vn_if_fp((uint16_t)if_index);
	struct rte_mbuf *m;

	if (!fp || !fp->admin_up || !fp->link_up)
		return;
	m = vn_ra6_build(fp, &r->cfg, lifetime, dst, dst_mac);
	if (!m)
		return;
	r->ra_sent++;
	vn_nd6_send(m);
}

/* A final RA: hosts drop us as a default router at once (6.2.5). It may
 * reach interface-output after the interface went admin down: a farewell
 * frame passes there. */
static void
ra6_send_final(uint32_t if_index, struct ra6_if *r)
{
	const struct vn_if_fp *fp = vn_if_fp((uint16_t)if_index);
	struct rte_mbuf *m;

	r->last_mcast_ms = last_now_ms ? last_now_ms : 1;
	if (!fp || !fp->admin_up || !fp->link_up)
		return;
	m = vn_ra6_build(fp, &r->cfg, 0, NULL, NULL);
	if (!m)
		return;
	vn_meta(m)->flags |= VN_META_F_FAREWELL;
	r->ra_sent++;
	vn_nd6_send(m);
}

static void
ra6_rx_take(uint32_t if_index, struct ra6_if *r, uint64_t now)
{
	struct ra6_rx_slot *s = &rx_slots[if_index];
	uint64_t at;

	if (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) != 2)
		return;
	if (r->cfg.send_unicast && !vn_ip6_is_unspecified(&s->src)) {
		/* Unicast answers are not the multicast rate limit's business. */
		at = now + rte_rand() % (VN_RA6_MAX_RA_DELAY_MS + 1);
		if (!r->solicited_ms || at < r->solicited_ms) {
			r->solicited_ms = at;
			r->sol_unicast = true;
			r->sol_dst = s->src;
			memcpy(r->sol_mac, s->mac, 6);
		}
	} else {
		at = vn_ra6_solicited_at(now, r->last_mcast_ms, rte_rand());
		/* The RA just sent, or an unsolicited one due sooner, answers it. */
		if (r->last_mcast_ms == now || (!r->cfg.cease && r->next_ms && r->next_ms <= at))
			at = 0;
		if (at && (!r->solicited_ms || r->sol_unicast || at < r->solicited_ms)) {
			r->solicited_ms = at;
			r->sol_unicast = false;
		}
	}
	__atomic_store_n(&s->state, 0, __ATOMIC_RELEASE);
}

void
vn_ra6_tick(uint64_t now)
{
	last_now_ms = now;
	for (uint32_t i = 0; i < VN_IF_MAX; i++) {
		struct ra6_if *r = ra_ifs[i];
		const struct vn_if_fp *fp;

		if (!r || !r->cfg.send)
			continue;
		fp = vn_if_fp((uint16_t)i);
		if (!fp || !fp->admin_up || !fp->link_up || fp->n_addrs6 == 0) {
			/* Start over when it comes back: hosts learn of us quickly. */
			r->sent_unsolicited = 0;
			r->next_ms = 0;
			r->solicited_ms = 0;
			continue;
		}
		if (!r->cfg.cease && now >= r->next_ms) {
			ra6_send(i, r, vn_ra6_router_lifetime(&r->cfg), NULL, NULL);
			r->last_mcast_ms = now;
			r->next_ms = now + vn_ra6_interval_ms(&r->cfg, r->sent_unsolicited++,
							      rte_rand());
		}
		ra6_rx_take(i, r, now);
		if (r->solicited_ms && now >= r->solicited_ms) {
			r->ra_solicited++;
			if (r->sol_unicast) {
				ra6_send(i, r, vn_ra6_router_lifetime(&r->cfg), &r->sol_dst, r->sol_mac);
			} else {
				ra6_send(i, r, vn_ra6_router_lifetime(&r->cfg), NULL, NULL);
				r->last_mcast_ms = now;
			}
			r->solicited_ms = 0;
		}
	}
}

/* --- configuration ----------------------------------------------------- */

int
vn_ra6_config_set(uint32_t if_index, const struct vn_ra6_config *c)
{
	struct ra6_if *r;
	bool was_live;

	if (if_index >= VN_IF_MAX || !vn_interface_get(if_index))
		return -ENODEV;
	if (!ra6_config_valid(c))
		return -EINVAL;
	r = ra_ifs[if_index];
	if (!r) {
		r = rte_zmalloc("vn_ra6_if", sizeof(*r), 0);
		if (!r)
			return -ENOMEM;
		ra_ifs[if_index] = r;
	}
	was_live = r->cfg.send && !r->cfg.cease;
	/* Ceasing or turning off: tell hosts with lifetime 0 (6.2.5). */
	if (was_live && (!c->send || c->cease)) {
		r->cfg = *c;
		r->cfg.cease = true;
		ra6_send_final(if_index, r);
	}
	if (c->send && !r->cfg.send) /* an RS from before is not waiting any more */
		__atomic_store_n(&rx_slots[if_index].state, 0, __ATOMIC_RELEASE);
	if (c->send && (!r->cfg.send || (r->cfg.cease && !c->cease))) {
		r->sent_unsolicited = 0;
		r->next_ms = 0;
	}
	if (r->cfg.max_interval_s != c->max_interval_s ||
	    r->cfg.min_interval_s != c->min_interval_s)
		r->next_ms = 0; /* a new schedule starts now */
	if (!c->send)
		r->solicited_ms = 0;
	r->cfg = *c;
	__atomic_store_n(&ra_on[if_index], c->send, __ATOMIC_RELEASE);
	return 0;
}

int
vn_ra6_config_get(uint32_t if_index, struct vn_ra6_config *out)
{
	if (if_index >= VN_IF_MAX || !vn_interface_get(if_index))
		return -ENODEV;
	if (ra_ifs[if_index])
		*out = ra_ifs[if_index]->cfg;
	else
		vn_ra6_config_default(out);
	return 0;
}

int
vn_ra6_prefix_set(uint32_t if_index, const struct vn_ra6_prefix *p)
{
	struct vn_ra6_config c;
	uint32_t i;
	int rc = vn_ra6_config_get(if_index, &c);

	if (rc < 0)
		return rc;
	for (i = 0; i < c.n_prefixes; i++)
		if (c.prefixes[i].prefix.len == p->prefix.len &&
		    vn_ip6_eq(&c.prefixes[i].prefix.addr, &p->prefix.addr))
			break;
	if (i == VN_RA6_PREFIX_MAX)
		return -ENOSPC;
	c.prefixes[i] = *p;
	if (i == c.n_prefixes)
		c.n_prefixes++;
	return vn_ra6_config_set(if_index, &c);
}

int
vn_ra6_prefix_del(uint32_t if_index, const struct vn_prefix6 *p)
{
	struct vn_ra6_config c;
	int rc = vn_ra6_config_get(if_index, &c);

	if (rc < 0)
		return rc;
	for (uint32_t i = 0; i < c.n_prefixes; i++)
		if (c.prefixes[i].prefix.len == p->len && vn_ip6_eq(&c.prefixes[i].prefix.addr, &p->addr)) {
			c.prefixes[i] = c.prefixes[--c.n_prefixes];
			return vn_ra6_config_set(if_index, &c);
		}
	return -ENOENT;
}

int
vn_ra6_stats_get(uint32_t if_index, struct vn_ra6_stats *out)
{
	const struct ra6_if *r;
	const struct ra6_rx_slot *s;

	if (if_index >= VN_IF_MAX || !vn_interface_get(if_index))
		return -ENODEV;
	r = ra_ifs[if_index];
	s = &rx_slots[if_index];
	*out = (struct vn_ra6_stats){
		.rs_received = __atomic_load_n(&s->rs_received, __ATOMIC_RELAXED),
		.ra_received = __atomic_load_n(&s->ra_received, __ATOMIC_RELAXED),
		.ra_bad = __atomic_load_n(&s->ra_bad, __ATOMIC_RELAXED),
	};
	if (r) {
		out->ra_sent = r->ra_sent;
		out->ra_solicited = r->ra_solicited;
		out->next_ms = r->cfg.send && !r->cfg.cease ? r->next_ms : 0;
	}
	return 0;
}

void
vn_ra6_interface_down(uint32_t if_index)
{
	struct ra6_if *r = if_index < VN_IF_MAX ? ra_ifs[if_index] : NULL;

	if (!r)
		return;
	if (r->cfg.send && !r->cfg.cease)
		ra6_send_final(if_index, r);
	/* Back up, it starts over with initial RAs, however short the gap. */
	r->sent_unsolicited = 0;
	r->next_ms = 0;
	r->solicited_ms = 0;
}

void
vn_ra6_interface_del(uint32_t if_index)
{
	if (if_index >= VN_IF_MAX)
		return;
	__atomic_store_n(&ra_on[if_index], 0, __ATOMIC_RELEASE);
	rte_free(ra_ifs[if_index]);
	ra_ifs[if_index] = NULL;
	memset(&rx_slots[if_index], 0, sizeof(rx_slots[if_index]));
}

/* --- receiving (workers) ----------------------------------------------- */

/* Options of an ND message (RFC 4861 4.6): each of non-zero length, none
 * past the end. The source link-layer address option is returned. */
static bool
ra6_opts_ok(const uint8_t *o, uint32_t len, const uint8_t **sllao)
{
	*sllao = NULL;
	while (len > 0) {
		uint32_t olen;

		if (len < 2 || o[1] == 0)
			return false;
		olen = (uint32_t)o[1] * 8;
		if (olen > len)
			return false;
		if (o[0] == VN_ND_OPT_SRC_LLADDR)
			*sllao = o;
		o += olen;
		len -= olen;
	}
	return true;
}

static void
ra6_count(uint64_t *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

enum vn_ra6_rx
vn_ra6_rs_input(uint32_t if_index, const struct rte_ipv6_hdr *ip, const uint8_t *icmp,
		uint32_t len, const uint8_t src_mac[6])
{
	struct ra6_rx_slot *s;
	const uint8_t *sllao;
	uint32_t free_slot = 0;

	if (if_index >= VN_IF_MAX)
		return VN_RA6_RX_BAD;
	s = &rx_slots[if_index];
	/* RFC 4861 6.1.1; an unspecified source carries no link-layer address. */
	if (len < RA6_RS_LEN || !ra6_opts_ok(icmp + RA6_RS_LEN, len - RA6_RS_LEN, &sllao) ||
	    (sllao && vn_ip6_is_unspecified((const struct vn_ip6 *)ip->src_addr))) {
		ra6_count(&s->ra_bad);
		return VN_RA6_RX_BAD;
	}
	if (!__atomic_load_n(&ra_on[if_index], __ATOMIC_ACQUIRE))
		return VN_RA6_RX_OFF;
	ra6_count(&s->rs_received);
	/* One waiting is enough: the answer to it answers this one too. */
	if (__atomic_compare_exchange_n(&s->state, &free_slot, 1, false, __ATOMIC_ACQUIRE,
					__ATOMIC_RELAXED)) {
		memcpy(s->src.b, ip->src_addr, 16);
		memcpy(s->mac, sllao && sllao[1] == 1 ? sllao + 2 : src_mac, 6);
		__atomic_store_n(&s->state, 2, __ATOMIC_RELEASE);
	}
	return VN_RA6_RX_OK;
}

enum vn_ra6_rx
vn_ra6_ra_input(uint32_t if_index, const struct rte_ipv6_hdr *ip, const uint8_t *icmp,
		uint32_t len)
{
	struct ra6_rx_slot *s;
	const uint8_t *sllao;

	if (if_index >= VN_IF_MAX)
		return VN_RA6_RX_BAD;
	s = &rx_slots[if_index];
	/* RFC 4861 6.1.2: from a link-local source, 16 bytes or more, options sound. */
	if (len < sizeof(struct ra6_hdr) ||
	    !vn_ip6_is_link_local((const struct vn_ip6 *)ip->src_addr) ||
	    !ra6_opts_ok(icmp + sizeof(struct ra6_hdr), len - sizeof(struct ra6_hdr), &sllao)) {
		ra6_count(&s->ra_bad);
		return VN_RA6_RX_BAD;
	}
	/* Counted, never acted on: no route, no address from it (issue 19). */
	ra6_count(&s->ra_received);
	return VN_RA6_RX_OK;
}

static void
ra6_interface_deleted(uint32_t if_index)
{
	vn_ra6_interface_del(if_index);
}

VN_INTERFACE_HOOKS(ra6_hooks) = {.deleted = ra6_interface_deleted};
