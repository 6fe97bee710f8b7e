/*
 * IPv6 router advertisements (RFC 4861 6), off by default on every
 * interface. When on (`ip6 nd IF no ra-suppress`, or `ip6 nd IF ra`), the
 * main thread sends unsolicited RAs to ff02::1 from the interface's
 * link-local address at a random interval between MinRtrAdvInterval and
 * MaxRtrAdvInterval (the first ra-initial ones at most ra-initial INTERVAL
 * apart), and answers router solicitations at most once per
 * MIN_DELAY_BETWEEN_RAS (3 s) after a random delay of up to
 * MAX_RA_DELAY_TIME (500 ms). Each carries our MAC, the link MTU and a
 * prefix information option per connected global prefix (on-link and
 * autonomous, unless a `prefix` entry overrides it), plus the configured
 * prefixes. Turning RAs off (ra-suppress), ra-cease, or the interface going
 * admin down sends a final RA with router lifetime 0 (6.2.5).
 *
 * Workers only validate received RS and RA (ip6-local) and post an RS to
 * the main thread through a one-slot mailbox per interface; received RAs
 * are counted and never install a route or an address.
 */
#ifndef VECNET_RA6_H
#define VECNET_RA6_H

#include <rte_ip.h>
#include <vecnet/common.h>
#include <vecnet/net/addr.h>

/* RFC 4861 10, and VPP's defaults */
#define VN_RA6_MAX_INTERVAL_DEF_S 200
#define VN_RA6_MAX_INTERVAL_MIN_S 4
#define VN_RA6_MAX_INTERVAL_MAX_S 1800
#define VN_RA6_MIN_INTERVAL_MIN_S 3
#define VN_RA6_LIFETIME_MAX_S 9000
#define VN_RA6_LIFETIME_AUTO UINT32_MAX /* 3 x MaxRtrAdvInterval, at most 9000 s */
#define VN_RA6_INITIAL_COUNT_DEF 3 /* MAX_INITIAL_RTR_ADVERTISEMENTS */
#define VN_RA6_INITIAL_INTERVAL_DEF_S 16 /* MAX_INITIAL_RTR_ADVERT_INTERVAL */
#define VN_RA6_MIN_DELAY_BETWEEN_RAS_MS 3000
#define VN_RA6_MAX_RA_DELAY_MS 500
#define VN_RA6_VALID_DEF_S 2592000 /* AdvValidLifetime, 30 days */
#define VN_RA6_PREFERRED_DEF_S 604800 /* AdvPreferredLifetime, 7 days */
#define VN_RA6_INFINITE UINT32_MAX
#define VN_RA6_PREFIX_MAX 8 /* configured per interface */
#define VN_RA6_HOP_LIMIT 64 /* Cur Hop Limit advertised */

#define VN_ND_OPT_PREFIX_INFO 3
#define VN_ND_OPT_MTU 5

/* A `prefix` entry: a prefix to advertise, or overrides for a connected one. */
struct vn_ra6_prefix {
	struct vn_prefix6 prefix; /* host bits clear */
	uint32_t valid_s, preferred_s; /* VN_RA6_INFINITE: infinite */
	bool no_advertise; /* left out of RAs (a connected prefix too) */
	bool off_link; /* L flag clear */
	bool no_autoconfig; /* A flag clear */
};

struct vn_ra6_config {
	bool send; /* advertisements on (VPP: no ra-suppress); default false */
	bool managed; /* M flag */
	bool other; /* O flag */
	bool cease; /* router lifetime 0 and no unsolicited RAs (ra-cease) */
	bool send_unicast; /* answer an RS to its source (ra-send-unicast) */
	bool no_lladdr; /* no source link-layer option (ra-suppress-link-layer) */
	uint32_t lifetime_s; /* router lifetime: 0, or max interval .. 9000, or AUTO */
	uint32_t max_interval_s; /* 4 .. 1800 */
	uint32_t min_interval_s; /* 3 .. 0.75 x max; 0: 0.75 x max */
	uint32_t initial_count; /* unsolicited RAs sent faster at the start */
	uint32_t initial_interval_s; /* at most this apart (a cap), 1 .. 1800 */
	uint32_t n_prefixes;
	struct vn_ra6_prefix prefixes[VN_RA6_PREFIX_MAX];
};

struct vn_ra6_stats {
	uint64_t ra_sent; /* all, final ones included */
	uint64_t ra_solicited; /* of which in answer to an RS */
	uint64_t rs_received; /* valid RS on an advertising interface */
	uint64_t ra_received; /* valid RAs (counted, never acted on) */
	uint64_t ra_bad; /* RS or RA refused by the checks of RFC 4861 6.1 */
	uint64_t next_ms; /* monotonic ms of the next unsolicited RA, 0: none */
};

void vn_ra6_config_default(struct vn_ra6_config *c);
/* Main thread: -EINVAL (out of range, as VPP's ranges), -ENODEV. Turning
 * advertisements off or ceasing sends a final RA with router lifetime 0. */
int vn_ra6_config_set(uint32_t if_index, const struct vn_ra6_config *c);
int vn_ra6_config_get(uint32_t if_index, struct vn_ra6_config *out);
/* Adds (or replaces: same prefix) a prefix entry; -ENOSPC when full. */
int vn_ra6_prefix_set(uint32_t if_index, const struct vn_ra6_prefix *p);
int vn_ra6_prefix_del(uint32_t if_index, const struct vn_prefix6 *p); /* -ENOENT */
int vn_ra6_stats_get(uint32_t if_index, struct vn_ra6_stats *out);
/* The router lifetime an RA of c carries (0 when ceasing). */
uint32_t vn_ra6_router_lifetime(const struct vn_ra6_config *c);

/* An RA for fp (whole frame, VN_META_F_L2_READY, tx_if set) from its
 * link-local address to dst (NULL: ff02::1) at dst_mac (NULL: its group
 * MAC) with router_lifetime_s; NULL when no buffer. */
struct vn_if_fp;
struct rte_mbuf *vn_ra6_build(const struct vn_if_fp *fp, const struct vn_ra6_config *c,
			      uint32_t router_lifetime_s, const struct vn_ip6 *dst,
			      const uint8_t *dst_mac);

/* Schedules (pure, for tests): the next unsolicited RA after sent ones,
 * rnd a uniform random 64-bit value (RFC 4861 6.2.4); when an RS seen at
 * now is answered, given the last multicast RA (6.2.6). */
uint32_t vn_ra6_interval_ms(const struct vn_ra6_config *c, uint32_t sent, uint64_t rnd);
uint64_t vn_ra6_solicited_at(uint64_t now_ms, uint64_t last_mcast_ms, uint64_t rnd);

/* Main thread: sends due RAs, answers posted RS (vn_neighbor6_tick). */
void vn_ra6_tick(uint64_t now_ms);
/* Main thread: if_index goes admin down (final RA) or was deleted. */
void vn_ra6_interface_down(uint32_t if_index);
void vn_ra6_interface_del(uint32_t if_index);

/* Fast path (ip6-local), after hop limit, code and checksum were checked. */
enum vn_ra6_rx {
	VN_RA6_RX_OK, /* RS posted to the main thread, or RA counted */
	VN_RA6_RX_OFF, /* RS on an interface that does not advertise */
	VN_RA6_RX_BAD, /* refused by RFC 4861 6.1.1 / 6.1.2 */
};
enum vn_ra6_rx vn_ra6_rs_input(uint32_t if_index, const struct rte_ipv6_hdr *ip,
			       const uint8_t *icmp, uint32_t len, const uint8_t src_mac[6]);
enum vn_ra6_rx vn_ra6_ra_input(uint32_t if_index, const struct rte_ipv6_hdr *ip,
			       const uint8_t *icmp, uint32_t len);

#endif
