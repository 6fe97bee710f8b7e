/*
 * nsim settings: the words an operator writes (10ms, 1gbit, 0.01) and the
 * form the workers read (TSC cycles, thresholds for rte_rand()), computed
 * once per change so the packet loop does no division.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nsim.h"

struct unit {
	const char *name;
	double scale;
};

/* A number followed at once by one of units (or no unit when bare_scale > 0). */
static int
parse_scaled(const char *s, const struct unit *units, double bare_scale, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -EINVAL;
	v = strtod(s, &end);
	if (end == s || !isfinite(v) || v < 0)
		return -EINVAL;
	if (*end == '\0') {
		if (bare_scale <= 0)
			return -EINVAL;
		*out = v * bare_scale;
		return 0;
	}
	for (const struct unit *u = units; u->name; u++)
		if (strcasecmp(end, u->name) == 0) {
			*out = v * u->scale;
			return 0;
		}
	return -EINVAL;
}

int
nsim_parse_time(const char *s, uint64_t *ns)
{
	static const struct unit units[] = {
	    {"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"sec", 1e9}, {NULL, 0},
	};
	double v;

	/* A bare number is seconds, as VPP's unformat of a delay. */
	if (parse_scaled(s, units, 1e9, &v) < 0 || v > 60e9)
		return -EINVAL;
	*ns = (uint64_t)llround(v);
	return 0;
}

int
nsim_parse_bandwidth(const char *s, uint64_t *bps)
{
	static const struct unit units[] = {
	    {"bit", 1},	    {"kbit", 1e3},  {"mbit", 1e6}, {"gbit", 1e9}, {"bps", 1},
	    {"kbps", 1e3},  {"mbps", 1e6},  {"gbps", 1e9}, {"byte", 8},	  {"kbyte", 8e3},
	    {"mbyte", 8e6}, {"gbyte", 8e9}, {NULL, 0},
	};
	double v;

	/* A bare number is bits/s. At most 1 Tbit/s; below 1 kbit/s a
	 * 1500-byte frame would take 12 s. */
	if (parse_scaled(s, units, 1, &v) < 0 || v > 1e12 || (v != 0 && v < 1e3))
		return -EINVAL;
	*bps = (uint64_t)llround(v);
	return 0;
}

int
nsim_parse_fraction(const char *s, double *f)
{
	char *end;
	double v;

	if (!s || !*s)
		return -EINVAL;
	v = strtod(s, &end);
	if (end == s || *end || !(v >= 0 && v <= 1))
		return -EINVAL;
	*f = v;
	return 0;
}

/* rte_rand() is uniform over 64 bits: below f * 2^64 with probability f. */
static uint64_t
threshold(double f)
{
	if (f <= 0)
		return 0;
	if (f >= 1)
		return UINT64_MAX;
	return (uint64_t)ldexp(f, 64);
}

int
nsim_params_make(const struct nsim_config *c, uint64_t hz, struct nsim_params *p)
{
	double drop = c->packets_per_drop ? 1.0 / c->packets_per_drop : c->drop_fraction;
	uint32_t size = c->packet_size ? c->packet_size : NSIM_PACKET_SIZE_DEFAULT;

	if (hz == 0 || !(drop >= 0 && drop <= 1) ||
	    !(c->reorder_fraction >= 0 && c->reorder_fraction <= 1) || c->buffer > NSIM_HELD_MAX ||
	    c->delay_ns > 60000000000ull || size < 64 || size > 65535 ||
	    (c->bandwidth_bps && (c->bandwidth_bps < 1000 || c->bandwidth_bps > 1000000000000ull)))
		return -EINVAL;
	*p = (struct nsim_params){.cfg = *c};
	p->cfg.packet_size = size;
	p->drop_below = threshold(drop);
	p->reorder_below = threshold(c->reorder_fraction);
	p->delay_tsc = (uint64_t)((double)c->delay_ns * (double)hz / 1e9);
	/* A reordered packet waits a second delay, so the next ones overtake it. */
	p->reorder_tsc =
	    (uint64_t)((double)RTE_MAX(c->delay_ns, NSIM_REORDER_MIN_NS) * (double)hz / 1e9);
	if (c->bandwidth_bps)
		p->byte_tsc_fp = (uint64_t)(8.0 * (double)hz * 65536.0 / (double)c->bandwidth_bps);
	p->holds = c->delay_ns || c->bandwidth_bps || c->reorder_fraction > 0;
	if (c->buffer) {
		p->buffer = c->buffer;
	} else if (c->bandwidth_bps) {
		/* Twice the bandwidth-delay product in packets of packet-size (room for
		 * a queue as deep as the link is long), at least 64. */
		double bdp = (double)c->bandwidth_bps / 8.0 * ((double)c->delay_ns / 1e9) / size;
		p->buffer = (uint32_t)RTE_MIN(RTE_MAX(2.0 * bdp, 64.0), (double)NSIM_HELD_MAX);
	} else {
		p->buffer = NSIM_BUFFER_DEFAULT;
	}
	return 0;
}
