/*
 * acl-plugin-in-ip4 (ip4-unicast arc, keyed on the RX interface) and
 * acl-plugin-out-ip4 (ip4-output arc, keyed on the TX interface), and their
 * IPv6 twins acl-plugin-in-ip6 (ip6-unicast) and acl-plugin-out-ip6
 * (ip6-output), one body compiled four times: the interface's applied list
 * decides, first match wins among the rules of the packet's family, and a
 * packet no rule matches is dropped ("acl implicit deny"). Per vector: (1)
 * for each run of packets on one interface: a classifier key per packet
 * (struct acl_key: protocol, addresses, ports or ICMP type/code, TCP flags)
 * into this thread's scratch, one acquire load of the list, a bulk lookup
 * in the shared session table when a list on the interface has a
 * permit+reflect rule (hits pass, whichever thread made the session), one
 * rte_acl_classify over the misses, then the verdicts; (2) a few of this thread's expired
 * sessions deleted; (3) one enqueue. No locks, no allocation per packet:
 * counters are this thread's own, except a hit on another thread's session
 * (an atomic add on it) and a new session (rte_hash's writer lock, once per
 * flow). Permits and session hits are counted per interface and direction
 * (`show acl-plugin interface`), not as node counters: `show errors` stays a
 * list of drops and rare events.
 *
 *
 * IPv6: the extension headers are walked as ip6-input walks them
 * (vn_ip6_walk) and the rules meet the upper-layer protocol and its ports.
 * Fragments, both families, as VPP (l4-match-nonfirst-fragment, its
 * default): a first fragment is matched like any packet; a non-first one has
 * no L4 header, so it matches the first rule whose addresses and protocol
 * match, ports, ICMP type/code and TCP flags not considered
 * (acl_list_match_fragment), and never makes or meets a session. Neighbour
 * discovery (ICMPv6 133-137 with hop limit 255, which no router forwards)
 * passes unfiltered unless `set acl-plugin ipv6-nd filter`: a deny-all IPv6
 * list must not cut the router off its neighbours (NS/NA to our unicast
 * addresses meet this arc; those to groups and link-local addresses do not).
 *
 * Reads: the IPv4 or IPv6 header (input: at data offset 0; output: after the
 * rewrite, the TX interface's L2 header: 14 bytes, 18 or 22 on a tagged
 * sub-interface), the IPv6 extension headers, the L4 header's first 14 bytes
 * when present; vn_meta.rx_if (input) or tx_if (output); the TX interface's
 * snapshot (output).
 * Writes: vn_meta.feature_arc (vn_feature_next); the shared session table
 * (permit+reflect); this thread's rule and interface counters; drops:
 * vn_buf.error.
 * Nexts: error-drop (0), then the arc's later features and its end (added at
 * graph build).
 * Errors: drop reasons "acl deny" and "acl implicit deny"; counters "acl
 * session created", "acl session table full".
 */
#include <errno.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <vecnet/net/feature.h>
#include <vecnet/net/ip6.h>
#include <vecnet/net/vlan.h>

#include "acl.h"

enum acl_error {
	ACL_ERR_DENY,
	ACL_ERR_IMPLICIT_DENY,
	ACL_ERR_SESSION_NEW,
	ACL_ERR_SESSION_FULL,
	ACL_N_ERR,
};

static const char *const acl_error_names[] = {
	[ACL_ERR_DENY] = "acl deny",
	[ACL_ERR_IMPLICIT_DENY] = "acl implicit deny",
	[ACL_ERR_SESSION_NEW] = "acl session created",
	[ACL_ERR_SESSION_FULL] = "acl session table full",
};

#define ACL_SWEEP_PER_VECTOR 16 /* table entries looked at (all threads' sessions) */

static int
acl_thread_init(struct vn_graph *g, struct vn_node *node)
{
	node->ctx = acl_worker_get(g->thread_index);
	return node->ctx ? 0 : -1;
}

static void
acl_thread_fini(struct vn_graph *g, struct vn_node *node)
{
	if (node->ctx)
		acl_worker_put(g->thread_index);
	node->ctx = NULL;
}

/* Relaxed store: the CLI reads these while we run; a plain store on x86. */
static inline void
acl_add(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, *c + n, __ATOMIC_RELAXED);
}

/*
 * The L4 part of a key, either family (the two key structs differ in their
 * address fields only): ports, TCP flags, or ICMP type/code and echo id, read
 * when the header is all there (l4_avail bytes from l4). Returns is_l4.
 * Inlined with icmp_proto a constant, it is the switch each fill had.
 */
static inline uint8_t
acl_l4_fill(uint8_t proto, uint8_t icmp_proto, const uint8_t *l4, uint32_t l4_avail,
	    uint16_t *ports, uint8_t *tcp_flags, uint16_t *icmp_id)
{
	switch (proto) {
	case IPPROTO_TCP:
		if (l4_avail < 14)
			return 0;
		memcpy(ports, l4, 4);
		*tcp_flags = l4[13];
		return 1;
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		if (l4_avail < 4)
			return 0;
		memcpy(ports, l4, 4);
		return 1;
	default:
		if (proto != icmp_proto)
			return 1; /* addresses and protocol are the whole flow */
		if (l4_avail < 8)
			return 0;
		ports[0] = rte_cpu_to_be_16(l4[0]); /* type */
		ports[1] = rte_cpu_to_be_16(l4[1]); /* code */
		memcpy(icmp_id, l4 + 4, 2);
		return 1;
	}
}

static inline void
acl_key_fill(struct acl_key *k, const struct rte_mbuf *m, uint32_t l3off)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, l3off);
	uint32_t avail = rte_pktmbuf_data_len(m) - l3off;
	uint32_t hl = (ip->version_ihl & 0xf) * 4;

	*k = (struct acl_key){
		.proto = ip->next_proto_id,
		.src = ip->src_addr,
		.dst = ip->dst_addr,
	};
	/* A non-first fragment has no L4 header: ports and flags read as 0. */
	if (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK)) {
		k->nonfirst_frag = 1;
		return;
	}
	k->is_l4 = acl_l4_fill(k->proto, IPPROTO_ICMP, (const uint8_t *)ip + hl,
			       avail > hl ? avail - hl : 0, &k->sport, &k->tcp_flags, &k->icmp_id);
}

/* The IPv6 key: addresses, then the upper-layer header past the extension
 * headers (bounded walk); a chain that does not parse leaves is_l4 0. */
static inline void
acl_key6_fill(struct acl_key6 *k, const struct rte_mbuf *m, uint32_t l3off)
{
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, l3off);
	uint32_t avail, len, l4off;
	const uint8_t *l4;
	uint16_t plen;

	memset(k, 0, sizeof(*k));
	/* Too short for a header (only a malformed frame could be): an empty key. */
	if (unlikely(rte_pktmbuf_data_len(m) < l3off + sizeof(struct rte_ipv6_hdr)))
		return;
	avail = rte_pktmbuf_data_len(m) - l3off;
	memcpy(k->src, ip + 8, 16);
	memcpy(k->dst, ip + 24, 16);
	k->proto = ip[6];
	memcpy(&plen, ip + 4, 2);
	len = VN_MIN(avail, sizeof(struct rte_ipv6_hdr) + rte_be_to_cpu_16(plen));
	l4off = sizeof(struct rte_ipv6_hdr);
	if (unlikely(vn_ip6_is_ext(k->proto))) {
		struct vn_ip6_walk w;
		if (vn_ip6_walk(ip, len, &w) != VN_IP6_WALK_OK)
			return;
		k->proto = w.proto;
		if (w.is_later_fragment) {
			k->nonfirst_frag = 1;
			return;
		}
		l4off = w.l4_off;
	}
	l4 = ip + l4off;
	k->is_l4 = acl_l4_fill(k->proto, IPPROTO_ICMPV6, l4, len > l4off ? len - l4off : 0,
			       &k->sport, &k->tcp_flags, &k->icmp_id);
	k->is_nd = k->proto == IPPROTO_ICMPV6 && k->is_l4 && l4[0] >= 133 && l4[0] <= 137 &&
		   ip[7] == 255;
}

static inline void
acl_count_rule(const struct acl_rule_ref *ref, uint32_t t, uint64_t pkts, uint64_t bytes)
{
	if (ref && likely(t < ref->n_threads)) {
		struct acl_counter *c = ref->counter + (size_t)t * ref->stride;
		acl_add(&c->packets, pkts);
		acl_add(&c->bytes, bytes);
	}
}

/* The next feature is the same for every packet of a run (one interface):
 * computed for the first packet that passes, copied to the others. */
struct acl_pass {
	struct rte_mbuf *first; /* NULL until a packet of the run passed */
	uint16_t next;
};

static inline uint16_t
acl_next(struct vn_node *node, struct rte_mbuf *m, struct acl_pass *p)
{
	if (p->first) {
		vn_meta(m)->feature_arc = vn_meta(p->first)->feature_arc;
		return p->next;
	}
	p->first = m;
	p->next = vn_feature_next(node, m);
	return p->next;
}

/* A key field of packet i, of either family (is_ip6 is a constant where inlined). */
#define KEY(i, f) (is_ip6 ? keys6[i].f : keys[i].f)

/* Decides a run of n packets that share interface if_index. */
static inline void
acl_run(struct acl_worker *w, struct vn_node *node, enum acl_dir dir, uint16_t if_index,
	struct rte_mbuf **pkts, const struct acl_key *keys, const struct acl_key6 *keys6,
	struct acl_sess_key *skeys, uint8_t *sides, uint16_t *nexts, uint16_t n, uint64_t now,
	const struct acl_timeouts *tmo, uint32_t l3off, uint32_t *counts, bool is_ip6)
{
	const struct acl_list_fp *fp = acl_fp_get(dir, if_index);
	struct acl_sess_table *st = NULL;
	const uint8_t *data[VN_FRAME_SIZE];
	uint32_t res[VN_FRAME_SIZE];
	uint16_t miss[VN_FRAME_SIZE], todo[VN_FRAME_SIZE];
	uint16_t n_miss = 0, n_todo = 0;
	uint32_t t = w->thread_index, me = t + 1;
	struct acl_if_counters *ic;
	uint64_t c_permit = 0, c_deny = 0, c_implicit = 0, c_hit = 0, c_other = 0, c_nd = 0;
	struct acl_pass first_pass = {.first = NULL};
	struct rte_acl_ctx *ctx;

	if (!fp) {
		/* Being removed from this interface: pass, as without ACLs. */
		for (uint16_t i = 0; i < n; i++)
			nexts[i] = vn_feature_next(node, pkts[i]);
		return;
	}
	ic = &w->ifc[if_index][dir];
	/* Neighbour discovery is not the rules' unless asked (see the top). */
	if (is_ip6 && !__atomic_load_n(&acl_nd_filter, __ATOMIC_RELAXED)) {
		for (uint16_t i = 0; i < n; i++) {
			if (unlikely(keys6[i].is_nd)) {
				nexts[i] = acl_next(node, pkts[i], &first_pass);
				c_nd++;
			} else {
				todo[n_todo++] = i;
			}
		}
	} else {
		for (uint16_t i = 0; i < n; i++)
			todo[i] = i;
		n_todo = n;
	}
	if (__atomic_load_n(&acl_if_reflect[if_index], __ATOMIC_ACQUIRE))
		st = __atomic_load_n(&acl_sess, __ATOMIC_ACQUIRE);
	if (st) {
		const void *kp[RTE_HASH_LOOKUP_BULK_MAX];
		int32_t pos[RTE_HASH_LOOKUP_BULK_MAX];

		for (uint16_t q = 0; q < n_todo; q++) {
			uint16_t i = todo[q];
			sides[i] = is_ip6 ? acl_sess_key_make6(&skeys[i], &keys6[i], if_index)
					  : acl_sess_key_make(&skeys[i], &keys[i], if_index);
		}
		for (uint16_t b = 0; b < n_todo; b += RTE_HASH_LOOKUP_BULK_MAX) {
			uint16_t nb = VN_MIN(n_todo - b, RTE_HASH_LOOKUP_BULK_MAX);
			for (uint16_t i = 0; i < nb; i++)
				kp[i] = &skeys[todo[b + i]];
			rte_hash_lookup_bulk(st->hash, kp, nb, pos);
			for (uint16_t i = 0; i < nb; i++) {
				uint16_t k = todo[b + i];
				struct acl_session *s = pos[i] >= 0 && (uint32_t)pos[i] < st->n_slots
								? &st->sessions[pos[i]]
								: NULL;
				/* A non-first fragment has no ports: never a session's. */
				if (s && !KEY(k, nonfirst_frag) &&
				    __atomic_load_n(&s->in_use, __ATOMIC_ACQUIRE) &&
				    !acl_session_expired(s, now, tmo)) {
					__atomic_store_n(&s->last_tsc, now, __ATOMIC_RELAXED);
					if (KEY(k, proto) == IPPROTO_TCP && KEY(k, is_l4))
						acl_session_tcp_seen(s, sides[k],
								     KEY(k, tcp_flags));
					if (__atomic_load_n(&s->owner, __ATOMIC_RELAXED) == me) {
						acl_add(&s->packets, 1);
					} else {
						__atomic_fetch_add(&s->packets_other, 1,
								   __ATOMIC_RELAXED);
						c_other++;
					}
					nexts[k] = acl_next(node, pkts[k], &first_pass);
					c_hit++;
				} else {
					data[n_miss] = is_ip6 ? (const uint8_t *)&keys6[k]
							      : (const uint8_t *)&keys[k];
					miss[n_miss++] = k;
				}
			}
		}
	} else {
		for (uint16_t q = 0; q < n_todo; q++) {
			uint16_t i = todo[q];
			data[q] = is_ip6 ? (const uint8_t *)&keys6[i] : (const uint8_t *)&keys[i];
			miss[q] = i;
		}
		n_miss = n_todo;
	}
	ctx = is_ip6 ? fp->ctx6 : fp->ctx;
	if (n_miss && ctx)
		rte_acl_classify(ctx, data, res, n_miss, 1);
	else
		memset(res, 0, n_miss * sizeof(res[0]));
	/* Runs of packets decided by one rule add to its counter once. */
	const struct acl_rule_ref *last = NULL;
	uint64_t run_pkts = 0, run_bytes = 0;

	for (uint16_t q = 0; q < n_miss; q++) {
		uint16_t k = miss[q];
		struct rte_mbuf *m = pkts[k];
		const struct acl_rule_ref *ref;

		if (unlikely(KEY(k, nonfirst_frag)))
			res[q] = acl_list_match_fragment(fp, data[q], is_ip6);
		if (res[q] == 0) {
			vn_drop_reason(node, m, ACL_ERR_IMPLICIT_DENY);
			nexts[k] = VN_NEXT_DROP;
			c_implicit++;
			continue;
		}
		ref = &fp->refs[res[q] - 1];
		if (ref != last) {
			acl_count_rule(last, t, run_pkts, run_bytes);
			last = ref;
			run_pkts = run_bytes = 0;
		}
		run_pkts++;
		run_bytes += rte_pktmbuf_pkt_len(m) - l3off;
		if (ref->action == ACL_DENY) {
			vn_drop_reason(node, m, ACL_ERR_DENY);
			nexts[k] = VN_NEXT_DROP;
			c_deny++;
			continue;
		}
		nexts[k] = acl_next(node, m, &first_pass);
		c_permit++;
		if (ref->action == ACL_PERMIT_REFLECT &&
		    (is_ip6 ? acl_sess_eligible6(&keys6[k]) : acl_sess_eligible(&keys[k]))) {
			int rc = -ENOSPC;
			/* The table is there once a reflect rule is applied; st is NULL
			 * only in the instant the list is being published. */
			struct acl_sess_table *ct = st ? st : __atomic_load_n(&acl_sess,
									   __ATOMIC_ACQUIRE);
			uint8_t side = is_ip6 ? acl_sess_key_make6(&skeys[k], &keys6[k], if_index)
					      : acl_sess_key_make(&skeys[k], &keys[k], if_index);
			if (ct)
				rc = acl_session_add(w, ct, &skeys[k], side, KEY(k, tcp_flags), now,
						     tmo, ref->acl_index, ref->rule_index, dir);
			else
				acl_add(&w->n_full, 1);
			if (rc == 0)
				counts[ACL_ERR_SESSION_NEW]++;
			else if (rc < 0)
				counts[ACL_ERR_SESSION_FULL]++;
		}
	}
	acl_count_rule(last, t, run_pkts, run_bytes);
	acl_add(&ic->permit, c_permit);
	acl_add(&ic->deny, c_deny);
	acl_add(&ic->implicit_deny, c_implicit);
	acl_add(&ic->session_hit, c_hit);
	if (c_nd)
		acl_add(&ic->nd, c_nd);
	if (c_other)
		acl_add(&w->n_hit_other, c_other);
}

static inline uint16_t
acl_if_of(struct rte_mbuf *m, enum acl_dir dir)
{
	return dir == ACL_DIR_OUT ? vn_meta(m)->tx_if : vn_meta(m)->rx_if;
}

/* Where the IP header starts: at the data on input (ethernet-input took the
 * Ethernet header and any tags off); on output after the rewrite ip4/ip6-rewrite
 * prepended, which is the TX interface's L2 header: 14 bytes, or 18/22 on a
 * sub-interface with its tags (vn_if_l2_len, what the adjacency and the
 * neighbour-discovery nodes write). */
static inline uint32_t
acl_l3_offset(enum acl_dir dir, uint16_t if_index)
{
	const struct vn_if_fp *fp;

	if (dir == ACL_DIR_IN)
		return 0;
	fp = if_index < VN_IF_MAX ? vn_if_fp(if_index) : NULL;
	return fp ? vn_if_l2_len(fp) : RTE_ETHER_HDR_LEN;
}

/* The keys of packets [i, n), whose IP header is at l3off. */
static inline void
acl_keys_fill(struct acl_worker *w, struct rte_mbuf **pkts, uint16_t i, uint16_t n,
	      uint32_t l3off, bool is_ip6)
{
	for (; i + 4 <= n; i += 4) {
		if (i + 8 <= n) {
			rte_prefetch0(rte_pktmbuf_mtod_offset(pkts[i + 4], void *, l3off));
			rte_prefetch0(rte_pktmbuf_mtod_offset(pkts[i + 5], void *, l3off));
			rte_prefetch0(rte_pktmbuf_mtod_offset(pkts[i + 6], void *, l3off));
			rte_prefetch0(rte_pktmbuf_mtod_offset(pkts[i + 7], void *, l3off));
		}
		for (uint16_t k = i; k < i + 4; k++) {
			if (is_ip6)
				acl_key6_fill(&w->keys6[k], pkts[k], l3off);
			else
				acl_key_fill(&w->keys[k], pkts[k], l3off);
		}
	}
	for (; i < n; i++) {
		if (is_ip6)
			acl_key6_fill(&w->keys6[i], pkts[i], l3off);
		else
			acl_key_fill(&w->keys[i], pkts[i], l3off);
	}
}

static inline uint16_t
acl_node_inline(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n,
		enum acl_dir dir, bool is_ip6)
{
	struct acl_worker *w = node->ctx;
	uint16_t nexts[VN_FRAME_SIZE];
	uint32_t counts[ACL_N_ERR] = {0};
	uint64_t now = rte_rdtsc();
	struct acl_timeouts tmo;
	struct acl_sess_table *st;
	uint16_t i;

	acl_timeouts_get(&tmo);
	for (i = 0; i < n;) {
		uint16_t ifx = acl_if_of(pkts[i], dir), j = i + 1;
		while (j < n && acl_if_of(pkts[j], dir) == ifx)
			j++;
		if (ifx < VN_IF_MAX) {
			/* One interface per run: one L2 length (a sub-interface's is longer). */
			uint32_t l3off = acl_l3_offset(dir, ifx);

			acl_keys_fill(w, pkts, i, j, l3off, is_ip6);
			acl_run(w, node, dir, ifx, pkts + i, w->keys + i, w->keys6 + i,
				w->skeys + i, w->sides + i, nexts + i, j - i, now, &tmo, l3off,
				counts, is_ip6);
		} else
			for (uint16_t k = i; k < j; k++)
				nexts[k] = vn_feature_next(node, pkts[k]);
		i = j;
	}
	/* Expire a few of this thread's sessions, when it has any. */
	st = __atomic_load_n(&acl_sess, __ATOMIC_ACQUIRE);
	if (st && acl_worker_owned(w))
		acl_session_sweep(w, st, now, &tmo, ACL_SWEEP_PER_VECTOR);
	vn_node_count_errors(node, counts, ACL_ERR_SESSION_NEW, ACL_N_ERR - ACL_ERR_SESSION_NEW);
	vn_enqueue_nexts(g, node, pkts, nexts, n);
	return n;
}

static uint16_t
acl_in_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	return acl_node_inline(g, node, pkts, n, ACL_DIR_IN, false);
}

static uint16_t
acl_out_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	return acl_node_inline(g, node, pkts, n, ACL_DIR_OUT, false);
}

static uint16_t
acl_in6_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	return acl_node_inline(g, node, pkts, n, ACL_DIR_IN, true);
}

static uint16_t
acl_out6_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	return acl_node_inline(g, node, pkts, n, ACL_DIR_OUT, true);
}

#define ACL_NODE(id, nm, f)                                                                        \
	VN_NODE_REGISTER(id) = {                                                                   \
		.name = nm,                                                                        \
		.fn = f,                                                                           \
		.n_next = 1,                                                                       \
		.n_errors = ACL_N_ERR,                                                             \
		.error_names = acl_error_names,                                                    \
		.thread_init = acl_thread_init,                                                    \
		.thread_fini = acl_thread_fini,                                                    \
	}

ACL_NODE(acl_in, ACL_NODE_IN, acl_in_fn);
ACL_NODE(acl_out, ACL_NODE_OUT, acl_out_fn);
ACL_NODE(acl_in6, ACL_NODE_IN6, acl_in6_fn);
ACL_NODE(acl_out6, ACL_NODE_OUT6, acl_out6_fn);

VN_FEATURE_REGISTER(acl_in) = {
	.arc = "ip4-unicast",
	.node = ACL_NODE_IN,
};

VN_FEATURE_REGISTER(acl_out) = {
	.arc = "ip4-output",
	.node = ACL_NODE_OUT,
};

VN_FEATURE_REGISTER(acl_in6) = {
	.arc = "ip6-unicast",
	.node = ACL_NODE_IN6,
};

VN_FEATURE_REGISTER(acl_out6) = {
	.arc = "ip6-output",
	.node = ACL_NODE_OUT6,
};
