/*
 * acl plugin: what its files share.
 *
 *   acl_rule.c      rule text <-> struct acl_rule (CLI, YAML and Lua all parse here)
 *   acl_classify.c  rte_acl contexts: one per applied list (interface, direction)
 *   acl_node.c      the two feature nodes (ip4-unicast input, ip4-output output)
 *   acl_session.c   reflexive sessions: one rte_hash per forwarding thread
 *   acl_control.c   the control API: ACL table, applied lists, RCU publishing
 *   acl_cli.c       commands; acl_config.c the `acl:` section; acl_lua.c Lua
 *   acl_plugin.c    descriptor and hooks
 *
 * Threading: everything under "control" is main-thread only. Workers read the
 * published struct acl_list_fp of an (interface, direction) with one acquire
 * load per run of packets; a change builds a new one (and a new rte_acl
 * context) off the fast path, publishes the pointer, waits a grace period
 * (vn_rcu_synchronize) and frees the old. Per-rule counters live in the ACL
 * object, one cache-aligned row per thread; sessions and per-interface
 * counters live in struct acl_worker, one per thread.
 */
#ifndef VN_ACL_H
#define VN_ACL_H

#include <rte_acl.h>
#include <rte_byteorder.h>
#include <rte_hash.h>
#include <vecnet/common.h>
#include <vecnet/graph.h>
#include <vecnet/node.h>

#define ACL_MAX 4096 /* ACL indices 0..ACL_MAX-1 */
#define ACL_RULES_MAX 65536 /* rules in one ACL */
#define ACL_LIST_MAX 64 /* ACLs applied to one interface direction */
#define ACL_LIST_RULES_MAX 262144 /* rules in one applied list, all ACLs together */
#define ACL_MAX_THREADS 128
#define ACL_TAG_MAX 64
#define ACL_SESSIONS_DEFAULT 65536 /* per forwarding thread */

enum acl_action { ACL_DENY = 0, ACL_PERMIT = 1, ACL_PERMIT_REFLECT = 2 };
enum acl_dir { ACL_DIR_IN = 0, ACL_DIR_OUT = 1, ACL_N_DIR };

/* One rule, host byte order. proto 0 matches any protocol; ports (or, for
 * ICMP, type in sport and code in dport) are inclusive ranges. */
struct acl_rule {
	uint8_t action; /* enum acl_action */
	uint8_t proto;
	struct vn_prefix src, dst;
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
	uint8_t pad2;
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
};

/* Where a classifier result (userdata - 1) points. */
struct acl_rule_ref {
	struct acl_counter *counter; /* the rule's counter in thread row 0 */
	uint32_t stride; /* add thread * stride */
	uint32_t n_threads;
	uint8_t action;
	uint16_t acl_index;
	uint32_t rule_index;
};

/* What the fast path reads for one (interface, direction): immutable. */
struct acl_list_fp {
	struct rte_acl_ctx *ctx; /* NULL: no rules (everything is implicitly denied) */
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
/* A rule's counters summed over threads. */
void acl_rule_counter(const struct acl *a, uint32_t rule, struct acl_counter *sum);
/* Thread count for counter rows, fixed at init. */
uint32_t acl_n_threads(void);

/* --- acl_classify.c ------------------------------------------------------- */
/* Builds a classifier for the given ACLs in order (first match wins).
 * Returns NULL with err on failure. */
struct acl_list_fp *acl_list_build(struct acl *const *acls, const uint32_t *indices,
				   uint32_t n_acls, char *err, size_t len);
void acl_list_free(struct acl_list_fp *fp);

/* --- acl_session.c: per-thread state --------------------------------------- */
/* Canonical 5-tuple plus interface: both directions give the same key. */
struct acl_sess_key {
	uint32_t a_addr, b_addr; /* network order, a <= b */
	uint16_t a_port, b_port;
	uint8_t proto;
	uint8_t pad;
	uint16_t if_index;
};

struct acl_session {
	struct acl_sess_key key;
	uint64_t created_tsc;
	uint64_t last_tsc; /* written by the owner thread; show reads it */
	uint64_t packets;
	uint32_t acl_index; /* the permit+reflect rule that created it */
	uint32_t rule_index;
	uint8_t in_use;
	uint8_t dir; /* where it was created */
};

/* Counters per (interface, direction) per thread: every decision. */
struct acl_if_counters {
	uint64_t permit; /* by a permit or permit+reflect rule */
	uint64_t deny; /* by a deny rule */
	uint64_t implicit_deny; /* no rule matched */
	uint64_t session_hit; /* passed by a reflexive session */
};

struct acl_worker {
	uint32_t thread_index;
	uint32_t refs; /* nodes using it (two per thread) */
	struct rte_hash *hash;
	struct acl_session *sessions; /* by hash position */
	uint32_t capacity;
	uint32_t n_sessions; /* live entries in hash (owner writes) */
	uint32_t sweep_next; /* rte_hash_iterate cursor */
	uint64_t n_created, n_expired, n_full;
	struct acl_if_counters ifc[VN_IF_MAX][ACL_N_DIR];
	/* Scratch for one vector. */
	struct acl_key keys[VN_FRAME_SIZE];
	struct acl_sess_key skeys[VN_FRAME_SIZE];
} __rte_cache_aligned;

extern struct acl_worker *acl_workers[ACL_MAX_THREADS];
/* Idle timeouts in seconds, set by the control plane, read per vector. */
extern uint32_t acl_timeout_tcp_s, acl_timeout_udp_s;
extern uint32_t acl_sessions_max; /* capacity of tables created from now on */

struct acl_worker *acl_worker_get(uint32_t thread_index); /* creates; main thread */
void acl_worker_put(uint32_t thread_index);
/* Idle timeout in TSC ticks for a protocol, from the current settings. */
uint64_t acl_session_timeout_tsc(uint8_t proto);

static inline void
acl_sess_key_make(struct acl_sess_key *s, const struct acl_key *k, uint16_t if_index)
{
	uint16_t sp = k->sport, dp = k->dport;

	if (k->proto == 1) /* ICMP echo: both directions carry the identifier */
		sp = dp = k->icmp_id;
	s->proto = k->proto;
	s->pad = 0;
	s->if_index = if_index;
	if (k->src < k->dst || (k->src == k->dst && sp <= dp)) {
		s->a_addr = k->src, s->b_addr = k->dst, s->a_port = sp, s->b_port = dp;
	} else {
		s->a_addr = k->dst, s->b_addr = k->src, s->a_port = dp, s->b_port = sp;
	}
}

/* A session may be made for this packet: ICMP only for echo request/reply. */
static inline bool
acl_sess_eligible(const struct acl_key *k)
{
	if (!k->is_l4)
		return false;
	if (k->proto == 1)
		return k->sport == rte_cpu_to_be_16(8) || k->sport == rte_cpu_to_be_16(0);
	return true;
}

/* Fast path (owner thread). */
int acl_session_add(struct acl_worker *w, const struct acl_sess_key *key, uint64_t now,
		    uint32_t acl_index, uint32_t rule_index, uint8_t dir);
/* Deletes at most max expired sessions, resuming where the last call stopped. */
void acl_session_sweep(struct acl_worker *w, uint64_t now, uint32_t max);

/* Sums a per-interface counter set over threads. */
void acl_if_counters_sum(uint32_t if_index, enum acl_dir dir, struct acl_if_counters *sum);

/* Node names. */
#define ACL_NODE_IN "acl-plugin-in-ip4"
#define ACL_NODE_OUT "acl-plugin-out-ip4"

#endif
