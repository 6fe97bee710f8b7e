/*
 * nat44: endpoint-dependent NAT44 (modelled on VPP's nat44-ed). What the
 * plugin's files share:
 *
 *   nat44.c      descriptor, hooks, global state, the control functions
 *   session.c    per-worker session table (sessions and two indexes)
 *   session_hash.c  the index of one direction: hash -> session slot
 *   port_alloc.c outside address and port choice
 *   static_map.c static, address-only and identity mappings (immutable table)
 *   in2out.c, out2in.c, handoff.c, expire.c   the nodes
 *   cli.c, config.c, lua.c                     the three front ends
 *   xlate.h, tcp_state.h                       inline translation helpers
 *
 * Addresses and ports are kept in network byte order in everything the fast
 * path reads (keys, sessions, static entries, the pool), so a packet field is
 * compared or copied without a swap; the control plane (CLI, config, show)
 * works in host order and converts at its edge.
 */
#ifndef VN_NAT44_H
#define VN_NAT44_H

#include <netinet/in.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_hash_crc.h>
#include <string.h>
#include <vecnet/common.h>
#include <vecnet/graph.h>
#include <vecnet/handoff.h>
#include <vecnet/net/interface.h>

#include "session_hash.h"

#define NAT44_MAX_WORKERS 64
#define NAT44_MAX_POOL 4096 /* pool addresses */
#define NAT44_MAX_STATIC 16384 /* static + identity mappings */
#define NAT44_DEFAULT_SESSIONS (1u << 20)
#define NAT44_MIN_SESSIONS 64
#define NAT44_MAX_SESSIONS (64u << 20)
#define NAT44_PORT_MIN 1024 /* dynamic ports and ICMP ids come from 1024..65535 */

enum nat44_proto_idx { NAT44_P_TCP, NAT44_P_UDP, NAT44_P_ICMP, NAT44_N_PROTO };

/* The lookup key of one direction: the packet's own 5-tuple, as it arrives.
 * ICMP echo uses the identifier as the port of the NAT's side (in2out: sport,
 * out2in: dport) and 0 as the remote's. */
struct nat44_key {
	uint32_t src, dst;
	uint16_t sport, dport;
	uint8_t proto;
	uint8_t pad[3];
};
_Static_assert(sizeof(struct nat44_key) == 16, "nat44_key: two 8-byte words (nat44_key_hash)");

/* The hash of both session indexes: CRC32-C of the key's two 8-byte words.
 * Inline so the nodes compute each packet's hash while building its key. */
static inline uint32_t
nat44_key_hash(const struct nat44_key *k, uint32_t seed)
{
	uint64_t a, b;

	memcpy(&a, k, sizeof(a));
	memcpy(&b, (const uint8_t *)k + sizeof(a), sizeof(b));
	return rte_hash_crc_8byte(b, rte_hash_crc_8byte(a, seed));
}

/* Session flags */
#define NAT44_S_USED 0x01
#define NAT44_S_STATIC 0x02 /* from a static mapping (or identity): kept while it exists */
#define NAT44_S_HAIRPIN 0x04 /* remote is one of our outside addresses: out2in after in2out */

/* TCP tracker bits (tcp_state.h) */
#define NAT44_TCP_SYN_I2O 0x01
#define NAT44_TCP_SYN_O2I 0x02
#define NAT44_TCP_FIN_I2O 0x04
#define NAT44_TCP_FIN_O2I 0x08
#define NAT44_TCP_RST 0x10

/* One session: a cache line. in = inside host, out = its outside address,
 * rem = the remote endpoint (as the inside host sees it).
 *   in2out key: (in_addr, rem_addr, in_port, rem_port)
 *   out2in key: (rem_addr, out_addr, rem_port, out_port)   */
struct nat44_session {
	uint32_t in_addr, out_addr, rem_addr;
	uint16_t in_port, out_port, rem_port;
	uint8_t proto; /* IPPROTO_* */
	uint8_t flags; /* NAT44_S_* */
	uint8_t tcp; /* NAT44_TCP_* */
	uint8_t pad[3];
	uint32_t last_seen; /* seconds (nat44_now) */
	uint32_t created;
	uint64_t pkts_i2o, pkts_o2i;
	uint64_t bytes_i2o, bytes_o2i;
} __rte_cache_aligned;

/* Per-worker state: only its worker writes it. Counters are stored with
 * relaxed atomics so `show` reads them untorn. */
struct nat44_worker {
	struct nat44_shash i2o, o2i; /* indexes of the two directions' keys */
	struct nat44_session *sess;
	uint32_t *free_stack;
	uint32_t cap, n_free, hwm; /* slots [0, hwm) have been used */
	uint32_t scan_pos;
	uint64_t next_scan_tsc;
	uint32_t rnd; /* xorshift state for port choice */
	uint16_t port_lo, port_hi; /* host order: this worker's outside ports */
	uint32_t index; /* forwarding index */
	/* counters */
	uint64_t n_sessions[NAT44_N_PROTO];
	uint64_t created, expired, purged, full_drops;
	uint64_t create_cycles; /* TSC cycles spent creating the `created` sessions */
} __rte_cache_aligned;

/* Pool of outside addresses: immutable once published, sorted (host order in
 * addr_h for binary search, network order in addr for the fast path). */
struct nat44_pool {
	uint32_t n;
	uint32_t addr[NAT44_MAX_POOL];
	uint32_t addr_h[NAT44_MAX_POOL];
};

/* A static mapping. Address-only: ports 0 and proto 0. Identity: local == external. */
struct nat44_static {
	uint32_t local_addr, ext_addr; /* network order */
	uint16_t local_port, ext_port; /* network order */
	uint8_t proto;
	bool is_identity;
};

/* Immutable lookup table over the static mappings (open addressing). */
struct nat44_static_table {
	uint32_t n, mask;
	struct nat44_static *ent; /* n entries */
	uint32_t *by_ext, *by_local; /* mask + 1 slots: entry index + 1, 0 = empty */
};

/* Interface roles (fast path reads nat44_if_role[]) */
#define NAT44_IF_IN 0x1
#define NAT44_IF_OUT 0x2

struct nat44_timeouts {
	uint32_t udp, tcp_est, tcp_trans, icmp; /* seconds */
};

struct nat44_main {
	bool enabled; /* tables allocated */
	uint32_t max_sessions; /* total over workers */
	uint32_t n_workers; /* forwarding threads with tables */
	struct nat44_worker *workers[NAT44_MAX_WORKERS];
	struct nat44_pool *pool; /* RCU-published */
	struct nat44_static_table *statics; /* RCU-published */
	struct nat44_timeouts timeouts; /* relaxed atomics */
	uint64_t tsc_hz, tsc_base;
	int q_in2out, q_out2in; /* handoff queues */
	uint8_t if_role[VN_IF_MAX];
	/* control plane only */
	uint32_t n_static;
	struct nat44_static static_list[NAT44_MAX_STATIC];
};

extern struct nat44_main nat44_main;

/* --- time ------------------------------------------------------------------ */
static inline uint32_t
nat44_now_from_tsc(uint64_t tsc)
{
	return (uint32_t)((tsc - nat44_main.tsc_base) / nat44_main.tsc_hz);
}

/* --- ownership: which forwarding thread holds a session -------------------- */
static inline uint32_t
nat44_owner_of_inside(uint32_t in_addr, uint32_t n)
{
	return n <= 1 ? 0 : rte_hash_crc_4byte(in_addr, 0x9e3779b9) % n;
}

/* Outside ports are split in n equal ranges; port in network order. */
static inline uint32_t
nat44_owner_of_port(uint16_t port_n, uint32_t n)
{
	uint32_t p = rte_be_to_cpu_16(port_n), per;

	if (n <= 1 || p < NAT44_PORT_MIN)
		return 0;
	per = (65536 - NAT44_PORT_MIN) / n;
	p = (p - NAT44_PORT_MIN) / per;
	return p < n ? p : n - 1;
}

/* The calling thread's tables, or NULL before `nat44 enable`. */
static inline struct nat44_worker *
nat44_worker_self(const struct vn_graph *g)
{
	uint32_t i = vn_handoff_self(g);

	return i < NAT44_MAX_WORKERS ? __atomic_load_n(&nat44_main.workers[i], __ATOMIC_ACQUIRE)
				     : NULL;
}

/* --- pool -------------------------------------------------------------- */
static inline const struct nat44_pool *
nat44_pool_get(void)
{
	return __atomic_load_n(&nat44_main.pool, __ATOMIC_ACQUIRE);
}

static inline bool
nat44_pool_has(const struct nat44_pool *p, uint32_t addr_n)
{
	uint32_t a = rte_be_to_cpu_32(addr_n), lo = 0, hi;

	if (!p)
		return false;
	hi = p->n;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (p->addr_h[mid] == a)
			return true;
		if (p->addr_h[mid] < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* --- static mappings (static_map.c) --------------------------------------- */
static inline const struct nat44_static_table *
nat44_statics_get(void)
{
	return __atomic_load_n(&nat44_main.statics, __ATOMIC_ACQUIRE);
}
/* Mapping whose external side is (addr, port, proto), else the address-only
 * mapping of addr, else NULL. */
const struct nat44_static *nat44_static_by_ext(const struct nat44_static_table *t, uint32_t addr,
					       uint16_t port, uint8_t proto);
/* The same on the local side. */
const struct nat44_static *nat44_static_by_local(const struct nat44_static_table *t,
						 uint32_t addr, uint16_t port, uint8_t proto);
/* True if addr is the external address of any static mapping (hairpin test). */
bool nat44_static_has_ext_addr(const struct nat44_static_table *t, uint32_t addr);
/* Builds the immutable table from a list; NULL on allocation failure. */
struct nat44_static_table *nat44_static_build(const struct nat44_static *list, uint32_t n);
void nat44_static_free(void *t);

/* --- sessions (session.c) ------------------------------------------------- */
int nat44_worker_alloc(struct nat44_worker **out, uint32_t index, uint32_t cap, uint32_t n_fwd);
void nat44_worker_free(struct nat44_worker *w);
/* Looks up one direction; session index or -1. */
int32_t nat44_session_lookup(const struct nat44_worker *w, bool o2i, const struct nat44_key *k);
/* The same with the key's hash (nat44_key_hash(k, 0)) already known. */
int32_t nat44_session_find(const struct nat44_worker *w, bool o2i, const struct nat44_key *k,
			   uint32_t hash);
/* Creates a session (both keys). Returns the index, -ENOSPC when the table is
 * full, -EEXIST when a key is taken. */
int32_t nat44_session_create(struct nat44_worker *w, const struct nat44_session *s);
void nat44_session_delete(struct nat44_worker *w, uint32_t idx);
uint32_t nat44_session_timeout(const struct nat44_session *s, const struct nat44_timeouts *t);
static inline void
nat44_session_i2o_key(const struct nat44_session *s, struct nat44_key *k)
{
	*k = (struct nat44_key){.src = s->in_addr, .dst = s->rem_addr, .sport = s->in_port,
				.dport = s->rem_port, .proto = s->proto};
}
static inline void
nat44_session_o2i_key(const struct nat44_session *s, struct nat44_key *k)
{
	*k = (struct nat44_key){.src = s->rem_addr, .dst = s->out_addr, .sport = s->rem_port,
				.dport = s->out_port, .proto = s->proto};
}
/* The session's key of one direction is k. Field by field: building the
 * session's key in memory and comparing 8-byte words made each load wait on
 * a failed store forward. */
static inline bool
nat44_session_has_key(const struct nat44_session *s, bool o2i, const struct nat44_key *k)
{
	uint32_t d = (uint32_t)(s->proto ^ k->proto) | (s->rem_addr ^ (o2i ? k->src : k->dst));

	if (o2i)
		d |= (s->out_addr ^ k->dst) | (uint32_t)(s->rem_port ^ k->sport) |
		     (uint32_t)(s->out_port ^ k->dport);
	else
		d |= (s->in_addr ^ k->src) | (uint32_t)(s->in_port ^ k->sport) |
		     (uint32_t)(s->rem_port ^ k->dport);
	return d == 0;
}
static inline enum nat44_proto_idx
nat44_proto_idx(uint8_t proto)
{
	return proto == IPPROTO_TCP ? NAT44_P_TCP : proto == IPPROTO_UDP ? NAT44_P_UDP : NAT44_P_ICMP;
}
/* Expiry step: scans up to max_scan slots, deletes at most max_del expired or
 * orphaned sessions; returns the number deleted. */
uint32_t nat44_expire_step(struct nat44_worker *w, uint32_t now, uint32_t max_scan,
			   uint32_t max_del);

/* --- port allocation (port_alloc.c) ---------------------------------------- */
/* Chooses an outside address and port for a new dynamic session s (in and rem
 * set): the source port when it is free in this worker's range, else another;
 * never a (rem, out) pair in use nor a static mapping's external port.
 * 0, or -EADDRNOTAVAIL (pool empty or exhausted). */
int nat44_alloc_out(struct nat44_worker *w, const struct nat44_pool *pool,
		    const struct nat44_static_table *st, struct nat44_session *s);

/* --- control (nat44.c): CLI, config and Lua call these -------------------- */
int nat44_enable(uint32_t max_sessions);
int nat44_addr_range(uint32_t lo, uint32_t hi, bool is_add); /* host order */
int nat44_interface_set(uint32_t if_index, bool inside, bool is_add);
/* Host-order addresses and ports; proto 0 and ports 0 = address-only. */
int nat44_static_mapping(uint32_t local, uint16_t lport, uint32_t ext, uint16_t eport,
			 uint8_t proto, bool is_identity, bool is_add);
int nat44_set_timeouts(const struct nat44_timeouts *t); /* 0 fields keep their value */
const char *nat44_strerror(int rc);

#endif
