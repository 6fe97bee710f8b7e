/*
 * nsim: a network simulator on interfaces, as VPP's nsim plugin. Packets an
 * interface receives (device-input arc) or sends (ip4-output arc) can be
 * dropped at random, delayed, reordered and paced to a bandwidth.
 *
 * Files:
 *   nsim_params.c      parsing of times, bandwidths, fractions; settings to fast-path form
 *   nsim_wheel.c       the per-worker timing wheel that holds delayed packets
 *   nsim_control.c     the control functions: settings (RCU), enable, counters
 *   nsim_node.c        nsim-input and nsim-output, the feature nodes
 *   nsim_wheel_node.c  nsim-wheel, the polled node that releases held packets
 *   nsim_cli.c, nsim_config.c, nsim_lua.c: the three ways to call the control functions
 *
 * Each forwarding thread owns a wheel: its feature nodes put packets in, its
 * nsim-wheel takes them out when due. Nothing is shared or locked; the
 * control plane talks to workers through the RCU-published settings and
 * per-link generation numbers.
 */
#ifndef VN_NSIM_H
#define VN_NSIM_H

#include <rte_mbuf.h>
#include <vecnet/common.h>
#include <vecnet/graph.h>
#include <vecnet/net/interface.h>

/* A link: one interface in one direction. */
enum nsim_dir { NSIM_DIR_INPUT, NSIM_DIR_OUTPUT, NSIM_N_DIRS };
#define NSIM_LINKS (VN_IF_MAX * NSIM_N_DIRS)
static inline uint16_t
nsim_link(uint16_t if_index, enum nsim_dir dir)
{
	return (uint16_t)(if_index * NSIM_N_DIRS + dir);
}

#define NSIM_NODE_INPUT "nsim-input"
#define NSIM_NODE_OUTPUT "nsim-output"
#define NSIM_NODE_OUTPUT6 "nsim-output-ip6"
#define NSIM_NODE_WHEEL "nsim-wheel"

/* Most packets one worker's wheel can hold (`buffer` is at most this). */
#define NSIM_HELD_MAX 32768
#define NSIM_PACKET_SIZE_DEFAULT 1500
/* Default buffer when no bandwidth makes a bandwidth-delay product. */
#define NSIM_BUFFER_DEFAULT 4096
/* Reordered packets wait this much longer when there is no delay to double. */
#define NSIM_REORDER_MIN_NS 1000000ull

/* The settings as given; 0 means none. */
struct nsim_config {
	uint64_t delay_ns;
	uint64_t bandwidth_bps;	   /* bits per second */
	uint32_t packet_size;	   /* bytes: sizes the default buffer (VPP's packet-size) */
	uint32_t packets_per_drop; /* VPP's form of the loss: 1 in N, at random */
	double drop_fraction;	   /* [0, 1]; packets_per_drop wins when set */
	double reorder_fraction;   /* [0, 1] */
	uint32_t buffer; /* packets one worker may hold; 0: from the bandwidth-delay product */
};

/* What the workers read, once per vector: the settings in TSC units and
 * 64-bit thresholds for rte_rand(). Never changed once published. */
struct nsim_params {
	struct nsim_config cfg;
	uint32_t buffer;	/* the buffer in effect */
	bool holds;		/* delay, bandwidth or reordering: packets wait in the wheel */
	uint64_t drop_below;	/* rte_rand() < this: dropped */
	uint64_t reorder_below; /* rte_rand() < this: held back reorder_tsc longer */
	uint64_t delay_tsc;
	uint64_t reorder_tsc;
	uint64_t byte_tsc_fp; /* TSC cycles to serialise one byte, << 16; 0: no limit */
};

/* nsim_params.c: parsers (0 or -EINVAL) and the fast-path form. */
int nsim_parse_time(const char *s, uint64_t *ns);	/* "10ms", "100us", "1.5s", "250ns" */
int nsim_parse_bandwidth(const char *s, uint64_t *bps); /* "1gbit", "100mbit", "10kbyte" */
int nsim_parse_fraction(const char *s, double *f);	/* 0 .. 1 */
/* p from c at TSC rate hz; -EINVAL for settings out of range. */
int nsim_params_make(const struct nsim_config *c, uint64_t hz, struct nsim_params *p);
/* Serialisation time of len bytes in TSC cycles. */
static inline uint64_t
nsim_serial_tsc(const struct nsim_params *p, uint32_t len)
{
	return ((uint64_t)len * p->byte_tsc_fp) >> 16;
}

/* Per worker, per link; written by the owning worker only (relaxed stores). */
struct nsim_counters {
	uint64_t received;     /* entered the feature */
	uint64_t dropped_loss; /* dropped by the simulated loss */
	uint64_t delayed;      /* put in the wheel */
	uint64_t reordered;    /* of those, held back to be overtaken */
	uint64_t dropped_full; /* the wheel was full (the buffer) */
	uint64_t freed;	       /* held when the link was disabled: freed, never sent */
	uint64_t held;	       /* in the wheel now */
};

/* nsim_wheel.c: a hashed timing wheel of preallocated entries (no
 * allocation per packet). Entries of one slot leave in the order they came,
 * so a link's packets, due in order, leave in order. */
#define NSIM_SLOTS 8192	   /* power of two */
#define NSIM_TICK_SHIFT 14 /* a slot is 2^14 TSC cycles: ~7 us at 2.4 GHz */
#define NSIM_NIL UINT32_MAX

struct nsim_entry {
	struct rte_mbuf *m;
	uint64_t due;	    /* TSC */
	struct vn_node *to; /* where it goes when due: this thread's runtime of the arc's next */
	uint32_t next;	    /* in its slot's list, or the free list */
	uint16_t link;
	uint16_t gen; /* nsim_link_gen[link] when it was held */
};

struct nsim_wheel {
	uint32_t cap;
	uint32_t n_held;
	uint32_t free_head;
	uint32_t flush_seen;		/* nsim_flush_seq when this worker last flushed */
	uint64_t cur_tick;		/* next slot to look at, as an absolute tick */
	uint64_t link_busy[NSIM_LINKS]; /* TSC when each link's last packet is on the wire */
	struct nsim_counters cnt[NSIM_LINKS];
	uint32_t head[NSIM_SLOTS], tail[NSIM_SLOTS];
	struct nsim_entry e[];
};

struct nsim_wheel *nsim_wheel_create(uint32_t cap);
/* Frees every held packet (counted as freed), then the wheel. */
void nsim_wheel_destroy(struct nsim_wheel *w);
/* Holds m, arrived at now, until due; -ENOSPC when no entry is free. */
int nsim_wheel_hold(struct nsim_wheel *w, struct rte_mbuf *m, uint64_t now, uint64_t due,
		    struct vn_node *to, uint16_t link, uint16_t gen);
/* Takes out up to max packets due by now, in slot order and in each slot in
 * the order they came; returns how many (m[i] goes to to[i]). */
uint16_t nsim_wheel_release(struct nsim_wheel *w, uint64_t now, struct rte_mbuf **m,
			    struct vn_node **to, uint16_t *link, uint16_t max);
/* Frees the held packets whose link is off or whose generation is old;
 * returns how many. */
uint32_t nsim_wheel_flush(struct nsim_wheel *w, const uint16_t *gen, const bool *on);

/* nsim_control.c */
extern struct nsim_params *nsim_params_cur; /* RCU-published, never NULL after init */
extern struct nsim_wheel *nsim_wheels[VN_THREAD_MAX];
extern uint16_t nsim_link_gen[NSIM_LINKS]; /* bumped when a link is disabled */
extern bool nsim_link_on[NSIM_LINKS];
extern uint32_t nsim_flush_seq; /* bumped with any generation: workers flush */
/* Test clock: when non-zero, the nodes read it instead of the TSC. */
extern uint64_t nsim_test_tsc;

static inline uint64_t
nsim_now(void)
{
	uint64_t t = __atomic_load_n(&nsim_test_tsc, __ATOMIC_RELAXED);

	return unlikely(t != 0) ? t : rte_rdtsc();
}

static inline const struct nsim_params *
nsim_params_get(void)
{
	return __atomic_load_n(&nsim_params_cur, __ATOMIC_ACQUIRE);
}

int nsim_control_init(void);
void nsim_control_fini(void);
/* New settings, published to the workers (RCU); 0 or -EINVAL / -ENOMEM. */
int nsim_configure(const struct nsim_config *c);
/* The feature on (or off) for one interface and direction; turning it off
 * frees the packets the link still holds. 0 or -ENODEV / -ENOENT. */
int nsim_enable(uint32_t if_index, enum nsim_dir dir, bool enable);
bool nsim_enabled(uint32_t if_index, enum nsim_dir dir);
/* A link's counters summed over the forwarding threads. */
void nsim_counters_sum(uint32_t if_index, enum nsim_dir dir, struct nsim_counters *sum);
/* Every forwarding thread's wheel, made when nsim is first enabled (an
 * engine that never uses nsim spends no memory on it); 0 or -ENOMEM.
 * A thread without one passes packets on untouched. */
int nsim_wheels_ensure(void);
/* A new graph for thread t: its wheel, if nsim has been enabled. */
void nsim_thread_wheel_init(uint32_t t);
/* Frees thread t's wheel and the packets it holds (graph teardown). */
void nsim_wheel_release_thread(uint32_t t);
/* The settings as one line, for show nsim and logs. */
void nsim_format_config(const struct nsim_params *p, char *buf, size_t len);

static inline void
nsim_count(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, *c + n, __ATOMIC_RELAXED);
}

#endif
