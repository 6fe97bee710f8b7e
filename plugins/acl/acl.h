/*
 * acl plugin: what its files share.
 *
 *   acl_rule.c      rule text <-> struct acl_rule (CLI, YAML and Lua all parse here)
 *   acl_classify.c  rte_acl contexts: one per applied list (interface, direction)
 *   acl_node.c      the four feature nodes (ip4-unicast / ip6-unicast input,
 *                   ip4-output / ip6-output output)
 *   acl_session.c   reflexive sessions: one rte_hash shared by every thread
 *   acl_control.c   the control API: ACL table, applied lists, RCU publishing
 *   acl_cli.c       commands; acl_config.c the `acl:` section; acl_lua.c Lua
 *   acl_plugin.c    descriptor and hooks
 *
 * Threading: everything under "control" is main-thread only. Workers read the
 * published struct acl_list_fp of an (interface, direction) with one acquire
 * load per run of packets; a change builds a new one (and a new rte_acl
 * context) off the fast path, publishes the pointer, waits a grace period
 * (vn_rcu_synchronize) and frees the old. Per-rule counters live in the ACL
 * object, one cache-aligned row per thread; per-interface counters live in
 * struct acl_worker, one per thread; sessions in one shared table
 * (acl_session.c explains who writes what).
 */
#ifndef VN_ACL_H
#define VN_ACL_H

#include <netinet/in.h>
#include <string.h>
#include <rte_acl.h>
#include <rte_byteorder.h>
#include <rte_hash.h>
#include <vecnet/common.h>
#include <vecnet/graph.h>
#include <vecnet/net/interface.h>
#include <vecnet/node.h>

#define ACL_MAX 4096 /* ACL indices 0..ACL_MAX-1 */
#define ACL_RULES_MAX 65536 /* rules in one ACL */
#define ACL_LIST_MAX 64 /* ACLs applied to one interface direction */
#define ACL_LIST_RULES_MAX 262144 /* rules in one applied list, all ACLs together */
#define ACL_MAX_THREADS 128
#define ACL_TAG_MAX 64
#define ACL_SESSIONS_DEFAULT 65536 /* one table, shared by every thread */
#define ACL_SESSIONS_MIN 1024
#define ACL_SESSIONS_MAX (1u << 24)

enum acl_action { ACL_DENY = 0, ACL_PERMIT = 1, ACL_PERMIT_REFLECT = 2 };
enum acl_dir { ACL_DIR_IN = 0, ACL_DIR_OUT = 1, ACL_N_DIR };

/* One rule, host byte order. proto 0 matches any protocol; ports (or, for
 * ICMP and ICMPv6, type in sport and code in dport) are inclusive ranges. A
 * rule is of one family, as in VPP: IPv4 (src, dst) or IPv6 (src6, dst6,
 * network order); an ACL may mix them and each packet meets its family's. */
struct acl_rule {
	uint8_t action; /* enum acl_action */
	uint8_t proto;
	uint8_t is_ip6;
	struct vn_prefix src, dst;
	struct vn_prefix6 src6, dst6;
	uint16_t sport_lo, sport_hi;
	uint16_t dport_lo, dport_hi;
	uint8_t tcp_flags_value, tcp_flags_mask; /* match (flags & mask) == value */
};

/* --- acl_rule.c ----------------------------------------------------------- */
/* Parses one rule, e.g. "permit src 10.0.0.0/8 proto 6 dport 80". 0 or
 * -EINVAL with a message naming the problem in err. */
int acl_rule_parse(const char *text, struct acl_rule *r, char *err, size_t len);
/* Parses comma-separated rules into a malloc'd array. 0 or -EINVAL/-ENOMEM
 * with err ("rule 2: ..."). */
int acl_rules_parse(const char *text, struct acl_rule **rules, uint32_t *n, char *err,
		    size_t len);
/* Formats a rule in the syntax acl_rule_parse reads; returns buf. */
char *acl_rule_format(const struct acl_rule *r, char *buf, size_t len);
const char *acl_action_name(uint8_t action);

/* --- the classifier key ---------------------------------------------------- */
/* What rte_acl reads for each packet (fields in network order), built per
 * packet into a per-thread array. It starts with the protocol byte, as
 * DPDK's l3fwd-acl does, then 4-byte groups: addresses, ports, TCP flags. */
struct acl_key {
	uint8_t proto; /* 0: input 0 */
	uint8_t pad0[3];
	uint32_t src; /* 4: input 1 */
	uint32_t dst; /* 8: input 2 */
	uint16_t sport; /* 12: input 3 (ICMP: type) */
	uint16_t dport; /* 14: input 3 (ICMP: code) */
	uint8_t tcp_flags; /* 16: input 4, a 32-bit bitmask field */
	uint8_t pad1[3];
	/* Not read by rte_acl: */
	uint16_t icmp_id; /* echo request/reply identifier (network order), sessions */
	uint8_t is_l4; /* ports/flags were read (not a non-first fragment) */
	uint8_t nonfirst_frag; /* matched on addresses and protocol alone (VPP) */
};

/* The IPv6 key: the same fields, addresses as four 4-byte groups each (rte_acl
 * compares at most 4 bytes per field, as DPDK's l3fwd-acl lays out IPv6).
 * proto is the upper-layer protocol found after the extension headers. */
struct acl_key6 {
	uint8_t proto; /* 0: input 0 */
	uint8_t pad0[3];
	uint32_t src[4]; /* 4: inputs 1-4 */
	uint32_t dst[4]; /* 20: inputs 5-8 */
	uint16_t sport; /* 36: input 9 (ICMPv6: type) */
	uint16_t dport; /* 38: input 9 (ICMPv6: code) */
	uint8_t tcp_flags; /* 40: input 10 */
	uint8_t pad1[3];
	/* Not read by rte_acl: */
	uint16_t icmp_id;
	uint8_t is_l4;
	uint8_t nonfirst_frag;
	uint8_t is_nd; /* neighbour discovery (ICMPv6 133-137, hop limit 255) */
	uint8_t pad2[3];
};

/* --- acl_control.c: ACLs, applied lists ---------------------------------- */
struct acl_counter {
	uint64_t packets;
	uint64_t bytes;
};

/* An ACL, immutable once published: a replacement is a new object. */
struct acl {
	uint32_t n_rules;
	struct acl_rule *rules;
	char tag[ACL_TAG_MAX];
	uint32_t stride; /* counters per thread row (n_rules rounded up to a cache line) */
	uint32_t n_threads; /* rows */
	struct acl_counter *counters; /* [thread * stride + rule], rte_malloc'd */
	struct acl_counter *base; /* [rule]: sums at the last clear (main thread) */
	bool has_reflect; /* a permit+reflect rule */
};

/* Where a classifier result (userdata - 1) points. */
struct acl_rule_ref {
	struct acl_counter *counter; /* the rule's counter in thread row 0 */
	uint32_t stride; /* add thread * stride */
	uint32_t n_threads;
	uint8_t action;
	uint16_t acl_index;
	uint32_t rule_index;
	const struct acl_rule *rule; /* the ACL's own (non-first fragments) */
};

/* What the fast path reads for one (interface, direction): immutable. One
 * list serves both families: each has its own classifier of its own rules,
 * numbered in one sequence, so first match wins within a family across the
 * whole list. */
struct acl_list_fp {
	struct rte_acl_ctx *ctx; /* IPv4; NULL: no IPv4 rules (all implicitly denied) */
	struct rte_acl_ctx *ctx6; /* IPv6; NULL: no IPv6 rules */
	uint32_t n_rules;
	struct acl_rule_ref refs[]; /* by classifier userdata - 1 */
};

extern struct acl_list_fp *acl_fp_table[ACL_N_DIR][VN_IF_MAX];

static inline const struct acl_list_fp *
acl_fp_get(enum acl_dir dir, uint16_t if_index)
{
	return if_index < VN_IF_MAX ? __atomic_load_n(&acl_fp_table[dir][if_index], __ATOMIC_ACQUIRE)
				    : NULL;
}

/* Control API (main thread). All return 0 or a negative errno, with a
 * message in err when err is not NULL. */
void acl_control_init(void);
void acl_control_fini(void);
/* index < 0: a new ACL (lowest free index); otherwise replaces ACL index,
 * which must exist. *out_index gets the index. */
int acl_set(int32_t index, const struct acl_rule *rules, uint32_t n, const char *tag,
	    uint32_t *out_index, char *err, size_t len);
int acl_delete(uint32_t index, char *err, size_t len);
/* Adds ACL to the end of the interface's list (or removes it, is_add false). */
int acl_interface_set(uint32_t if_index, enum acl_dir dir, uint32_t acl_index, bool is_add,
		      char *err, size_t len);
/* Removes every ACL from every interface and deletes every ACL. */
void acl_reset(void);
const struct acl *acl_get(uint32_t index);
uint32_t acl_count_slots(void); /* 1 + highest index in use, or 0 */
/* Applied list of an interface direction: n and the ACL indices. */
uint32_t acl_interface_list(uint32_t if_index, enum acl_dir dir, const uint32_t **acls);
/* A rule's counters summed over threads, since the last clear. */
void acl_rule_counter(const struct acl *a, uint32_t rule, struct acl_counter *sum);
/* clear acl-plugin counters: rule counters of every ACL (a snapshot; the
 * workers' counters are never written by the control plane). */
void acl_counters_clear(void);
/* Thread count for counter rows, fixed at init. */
uint32_t acl_n_threads(void);

/* --- acl_classify.c ------------------------------------------------------- */
/* Builds a classifier for the given ACLs in order (first match wins).
 * Returns NULL with err on failure. */
struct acl_list_fp *acl_list_build(struct acl *const *acls, const uint32_t *indices,
				   uint32_t n_acls, char *err, size_t len);
void acl_list_free(struct acl_list_fp *fp);
/* The first rule of the list matching a non-first fragment (addresses and
 * protocol; ports, type/code and flags are not in it), as VPP's
 * l4-match-nonfirst-fragment: its userdata, 0 for none. A linear walk:
 * fragments are rare. key is a struct acl_key or acl_key6. */
uint32_t acl_list_match_fragment(const struct acl_list_fp *fp, const void *key, bool is_ip6);

/* --- acl_session.c: the shared session table, per-thread state ----------- */
/* Canonical 5-tuple plus interface: both directions give the same key.
 * One table for both families: an IPv4 address fills the first 4 bytes. */
struct acl_sess_key {
	uint8_t a_addr[16], b_addr[16]; /* network order, a <= b (memcmp) */
	uint16_t a_port, b_port;
	uint8_t proto;
	uint8_t is_ip6;
	uint16_t if_index;
};
_Static_assert(sizeof(struct acl_sess_key) == 40, "no hole in the hashed key");

#define ACL_OWNER_FREE 0u /* struct acl_session.owner: nobody */
#define ACL_OWNER_DEAD UINT32_MAX /* being deleted by whoever claimed it */

#define ACL_TCP_FIN 0x01
#define ACL_TCP_SYN 0x02
#define ACL_TCP_RST 0x04
#define ACL_TCP_ACK 0x10

/* One record per hash position, in a table shared by every thread. The
 * creator owns it (owner = thread + 1, claimed by compare-and-swap) and is the
 * only one to expire it; the control plane deletes by claiming it the same
 * way. Any thread that hits it refreshes last_tsc and ORs TCP flags in. */
struct acl_session {
	struct acl_sess_key key; /* stable while owned */
	uint32_t owner; /* ACL_OWNER_FREE, thread + 1, or ACL_OWNER_DEAD */
	uint8_t in_use; /* release-stored last at creation, first cleared at deletion */
	uint8_t dir; /* where it was created */
	uint8_t fwd_side; /* which side of the key (0 = a) sent the creating packet */
	uint8_t tcp_track; /* created by a SYN: the handshake decides the timeout */
	uint8_t tcp_seen[2]; /* TCP flags seen forward [0] and backward [1] */
	uint16_t acl_index; /* the permit+reflect rule that created it (< ACL_MAX) */
	uint16_t rule_index; /* < ACL_RULES_MAX */
	uint8_t pad[2];
	uint64_t created_tsc;
	uint64_t last_tsc; /* any hitting thread stores it (relaxed) */
	uint64_t packets; /* hits by the owner (owner-only writes) */
	uint64_t packets_other; /* hits by other threads (atomic add: rare, cross-thread) */
} __rte_cache_aligned;
_Static_assert(sizeof(struct acl_session) == 128, "two cache lines per session (IPv6 keys)");
_Static_assert(ACL_MAX <= 65536 && ACL_RULES_MAX <= 65536, "indices fit acl_session's u16");

/* The one session table (NULL until an ACL with a permit+reflect rule is
 * applied). rte_hash with lock-free readers and several writers; positions
 * index sessions[]. Published with a release store; replaced only when empty. */
struct acl_sess_table {
	struct rte_hash *hash;
	struct acl_session *sessions; /* [n_slots] */
	uint32_t capacity; /* entries asked of rte_hash */
	uint32_t n_slots; /* positions rte_hash may return (per-lcore caches add some) */
};

extern struct acl_sess_table *acl_sess;
/* Per interface: 1 when a list applied to it (either direction) holds a
 * permit+reflect rule, so its packets are looked up in the session table. */
extern uint8_t acl_if_reflect[VN_IF_MAX];

/* Counters per (interface, direction) per thread: every decision. */
struct acl_if_counters {
	uint64_t permit; /* by a permit or permit+reflect rule */
	uint64_t deny; /* by a deny rule */
	uint64_t implicit_deny; /* no rule matched */
	uint64_t session_hit; /* passed by a reflexive session */
	uint64_t nd; /* IPv6 neighbour discovery passed unfiltered (acl_nd_filter off) */
};

/* Timeouts of one vector, in TSC ticks. */
struct acl_timeouts {
	uint64_t tcp_idle, tcp_transient, udp;
};

struct acl_worker {
	uint32_t thread_index;
	uint32_t refs; /* nodes using it (four per thread) */
	uint32_t sweep_next; /* rte_hash_iterate cursor over the shared table */
	/* Written by this thread only (relaxed stores; show reads them). */
	uint64_t n_created, n_expired, n_full;
	uint64_t n_hit_other; /* session hits on a session another thread owns */
	struct acl_if_counters ifc[VN_IF_MAX][ACL_N_DIR];
	/* Scratch for one vector. */
	struct acl_key keys[VN_FRAME_SIZE];
	struct acl_key6 keys6[VN_FRAME_SIZE];
	struct acl_sess_key skeys[VN_FRAME_SIZE];
	uint8_t sides[VN_FRAME_SIZE];
} __rte_cache_aligned;

extern struct acl_worker *acl_workers[ACL_MAX_THREADS];
/* Timeouts in seconds, set by the control plane, read per vector. */
extern uint32_t acl_timeout_tcp_s, acl_timeout_tcp_transient_s, acl_timeout_udp_s;
extern uint32_t acl_sessions_max; /* capacity of the table when it is created */
/* 0 (default): IPv6 neighbour discovery passes the ACL nodes unfiltered;
 * 1: ND meets the rules like any ICMPv6 (set acl-plugin ipv6-nd filter). */
extern uint8_t acl_nd_filter;
/* Sessions of thread t deleted by the control plane (written by main only). */
extern uint64_t acl_ctl_deleted[ACL_MAX_THREADS];

struct acl_worker *acl_worker_get(uint32_t thread_index); /* creates; main thread */
void acl_worker_put(uint32_t thread_index);
void acl_timeouts_get(struct acl_timeouts *t);

static inline uint64_t
acl_session_timeout(const struct acl_session *s, const struct acl_timeouts *t)
{
	uint8_t f0, f1;

	if (s->key.proto != IPPROTO_TCP)
		return t->udp;
	f0 = __atomic_load_n(&s->tcp_seen[0], __ATOMIC_RELAXED);
	f1 = __atomic_load_n(&s->tcp_seen[1], __ATOMIC_RELAXED);
	/* Closing or reset: short. */
	if ((f0 | f1) & (ACL_TCP_FIN | ACL_TCP_RST))
		return t->tcp_transient;
	/* Opened by a SYN: established once both sides sent SYN and ACK (VPP). */
	if (s->tcp_track && ((f0 & (ACL_TCP_SYN | ACL_TCP_ACK)) != (ACL_TCP_SYN | ACL_TCP_ACK) ||
			     (f1 & (ACL_TCP_SYN | ACL_TCP_ACK)) != (ACL_TCP_SYN | ACL_TCP_ACK)))
		return t->tcp_transient;
	return t->tcp_idle;
}

/* Idle beyond its timeout; a last_tsc slightly ahead (another core's TSC) is not. */
static inline bool
acl_session_expired(const struct acl_session *s, uint64_t now, const struct acl_timeouts *t)
{
	int64_t idle = (int64_t)(now - __atomic_load_n(&s->last_tsc, __ATOMIC_RELAXED));

	return idle > (int64_t)acl_session_timeout(s, t);
}

/* ORs a packet's TCP flags into the session, by direction relative to the
 * creating packet; an atomic OR only when a flag is new (a few times a
 * connection), since two threads may carry the two directions. */
static inline void
acl_session_tcp_seen(struct acl_session *s, uint8_t side, uint8_t flags)
{
	uint8_t *seen = &s->tcp_seen[side != s->fwd_side];

	flags &= ACL_TCP_FIN | ACL_TCP_SYN | ACL_TCP_RST | ACL_TCP_ACK;
	if ((__atomic_load_n(seen, __ATOMIC_RELAXED) & flags) != flags)
		__atomic_fetch_or(seen, flags, __ATOMIC_RELAXED);
}

/* Fills the canonical key from addresses of alen bytes; returns the side
 * (0 = a) the packet was sent from. */
static inline uint8_t
acl_sess_key_fill(struct acl_sess_key *s, const void *src, const void *dst, uint32_t alen,
		  uint16_t sp, uint16_t dp, uint8_t proto, uint16_t if_index)
{
	int c = memcmp(src, dst, alen);

	memset(s, 0, sizeof(*s));
	s->proto = proto;
	s->is_ip6 = alen == 16;
	s->if_index = if_index;
	if (c < 0 || (c == 0 && sp <= dp)) {
		memcpy(s->a_addr, src, alen), memcpy(s->b_addr, dst, alen);
		s->a_port = sp, s->b_port = dp;
		return 0;
	}
	memcpy(s->a_addr, dst, alen), memcpy(s->b_addr, src, alen);
	s->a_port = dp, s->b_port = sp;
	return 1;
}

static inline uint8_t
acl_sess_key_make(struct acl_sess_key *s, const struct acl_key *k, uint16_t if_index)
{
	/* ICMP echo: both directions carry the identifier */
	bool echo = k->proto == IPPROTO_ICMP;

	return acl_sess_key_fill(s, &k->src, &k->dst, 4, echo ? k->icmp_id : k->sport,
				 echo ? k->icmp_id : k->dport, k->proto, if_index);
}

static inline uint8_t
acl_sess_key_make6(struct acl_sess_key *s, const struct acl_key6 *k, uint16_t if_index)
{
	bool echo = k->proto == IPPROTO_ICMPV6;

	return acl_sess_key_fill(s, k->src, k->dst, 16, echo ? k->icmp_id : k->sport,
				 echo ? k->icmp_id : k->dport, k->proto, if_index);
}

/* A session may be made for this packet: ICMP only for echo request/reply. */
static inline bool
acl_sess_eligible(const struct acl_key *k)
{
	if (!k->is_l4)
		return false;
	if (k->proto == IPPROTO_ICMP)
		return k->sport == rte_cpu_to_be_16(8) || k->sport == rte_cpu_to_be_16(0);
	return true;
}

/* ICMPv6 likewise: echo request (128) and reply (129). */
static inline bool
acl_sess_eligible6(const struct acl_key6 *k)
{
	if (!k->is_l4)
		return false;
	if (k->proto == IPPROTO_ICMPV6)
		return k->sport == rte_cpu_to_be_16(128) || k->sport == rte_cpu_to_be_16(129);
	return true;
}

/* Fast path. 0: made; 1: the flow already had one; -ENOSPC: table full. */
int acl_session_add(struct acl_worker *w, struct acl_sess_table *st,
		    const struct acl_sess_key *key, uint8_t side, uint8_t tcp_flags, uint64_t now,
		    const struct acl_timeouts *t, uint32_t acl_index, uint32_t rule_index,
		    uint8_t dir);
/* Looks at up to max table entries, resuming where the last call stopped, and
 * deletes those this thread owns that are expired. */
void acl_session_sweep(struct acl_worker *w, struct acl_sess_table *st, uint64_t now,
		       const struct acl_timeouts *t, uint32_t max);
/* Sessions thread t owns now. */
static inline uint64_t
acl_worker_owned(const struct acl_worker *w)
{
	return w->n_created - w->n_expired -
	       __atomic_load_n(&acl_ctl_deleted[w->thread_index], __ATOMIC_RELAXED);
}

/* Control plane (main thread). */
int acl_sess_table_ensure(char *err, size_t len); /* creates the table if needed */
void acl_sess_table_free(void); /* at exit, workers stopped */
/* Changes the capacity: -EBUSY while sessions exist. */
int acl_sess_table_set_size(uint32_t n, char *err, size_t len);
/* Deletes the sessions matching if_index, dir and acl_index (UINT32_MAX:
 * any); returns how many. */
uint32_t acl_sessions_purge(uint32_t if_index, uint32_t dir, uint32_t acl_index);
uint64_t acl_sessions_live(void); /* over all threads */
/* clear acl-plugin counters: per-interface decision counters (snapshot). */
void acl_if_counters_clear(void);

/* Sums a per-interface counter set over threads. */
void acl_if_counters_sum(uint32_t if_index, enum acl_dir dir, struct acl_if_counters *sum);

/* Node names. */
#define ACL_NODE_IN "acl-plugin-in-ip4"
#define ACL_NODE_OUT "acl-plugin-out-ip4"
#define ACL_NODE_IN6 "acl-plugin-in-ip6"
#define ACL_NODE_OUT6 "acl-plugin-out-ip6"

#endif
