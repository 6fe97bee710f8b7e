/*
 * The `nsim:` config section, the settings of `set nsim` and the interfaces
 * to enable it on:
 *
 *   nsim:
 *     delay: 10ms
 *     bandwidth: 100mbit
 *     drop-fraction: 0.01          # or packets-per-drop: 100
 *     reorder-fraction: 0.05
 *     input: [lan0]                # what lan0 receives
 *     output: [lan0]               # the IPv4 packets lan0 sends
 *
 * Values are checked by the schema (FILE:LINE:COL); apply() calls the same
 * control functions as the CLI.
 */
#define VN_LOG_MOD "nsim"
#include <errno.h>
#include <vecnet/config.h>
#include <vecnet/net/interface.h>

#include "nsim.h"

static int
check_time(const char *s)
{
	uint64_t v;

	return nsim_parse_time(s, &v);
}

static int
check_bandwidth(const char *s)
{
	uint64_t v;

	return nsim_parse_bandwidth(s, &v);
}

static int
check_fraction(const char *s)
{
	double v;

	return nsim_parse_fraction(s, &v);
}

static const struct vn_cfg_scalar nsim_time = {
	.expect = "a time such as 10ms, 100us or 1.5s (at most 60s)", .check = check_time};
static const struct vn_cfg_scalar nsim_bandwidth = {
	.expect = "a bandwidth such as 1gbit, 100mbit or 10kbyte (1kbit to 1000gbit)",
	.check = check_bandwidth};
static const struct vn_cfg_scalar nsim_fraction = {.expect = "a number from 0 to 1",
						   .check = check_fraction};

static const struct vn_cfg_field nsim_cfg_fields[] = {
	{.key = "delay", .type = VN_CFG_T_SCALAR, .scalar = &nsim_time, .example = "10ms",
	 .doc = "Time every packet is held (s, ms, us, ns); none when absent"},
	{.key = "bandwidth", .type = VN_CFG_T_SCALAR, .scalar = &nsim_bandwidth,
	 .example = "100mbit",
	 .doc = "Link rate: each packet waits its serialisation time behind the previous one "
		"(bit, kbit, mbit, gbit, or byte units); no limit when absent"},
	{.key = "packet-size", .type = VN_CFG_T_INT, .min = 64, .max = 65535, .def = "1500",
	 .example = "1500", .doc = "Typical packet size in bytes, to size the default buffer"},
	{.key = "packets-per-drop", .type = VN_CFG_T_INT, .min = 1, .max = UINT32_MAX,
	 .example = "100", .doc = "Loss as VPP gives it: one packet in N at random"},
	{.key = "drop-fraction", .type = VN_CFG_T_SCALAR, .scalar = &nsim_fraction,
	 .example = "0.01", .doc = "Loss: fraction of packets dropped at random"},
	{.key = "reorder-fraction", .type = VN_CFG_T_SCALAR, .scalar = &nsim_fraction,
	 .example = "0.05",
	 .doc = "Fraction of packets held back one more delay (1 ms without a delay) so later "
		"ones overtake them"},
	{.key = "buffer", .type = VN_CFG_T_INT, .min = 1, .max = NSIM_HELD_MAX,
	 .example = "4096",
	 .doc = "Packets each worker may hold; beyond, dropped. Default: twice the "
		"bandwidth-delay product in packet-size packets, or 4096 without a bandwidth"},
	{.key = "input", .type = VN_CFG_T_LIST, .elem = VN_CFG_T_STR, .max_items = VN_IF_MAX,
	 .max_len = VN_IFNAME_MAX - 1, .example = "[lan0]",
	 .doc = "Interfaces whose received frames are impaired (device-input arc)"},
	{.key = "output", .type = VN_CFG_T_LIST, .elem = VN_CFG_T_STR, .max_items = VN_IF_MAX,
	 .max_len = VN_IFNAME_MAX - 1, .example = "[lan0]",
	 .doc = "Interfaces whose sent IPv4 packets are impaired (ip4-output arc)"},
	{.key = NULL},
};

static int
nsim_cfg_check(struct vn_cfg_errors *e, const struct vn_cfg_node *section)
{
	const struct vn_cfg_node *ppd = vn_cfg_map_get(section, "packets-per-drop");

	if (ppd && vn_cfg_map_get(section, "drop-fraction")) {
		vn_cfg_error(e, ppd, "nsim: give packets-per-drop or drop-fraction, not both");
		return 1;
	}
	return 0;
}

static int
nsim_cfg_apply(const struct vn_cfg_node *section)
{
	static const char *const lists[NSIM_N_DIRS] = {"input", "output"};
	struct nsim_config c = {0};
	const char *s;
	int rc;

	/* The schema checked every value: the parsers cannot fail here. */
	if ((s = vn_cfg_get_str(section, "delay", NULL)))
		nsim_parse_time(s, &c.delay_ns);
	if ((s = vn_cfg_get_str(section, "bandwidth", NULL)))
		nsim_parse_bandwidth(s, &c.bandwidth_bps);
	if ((s = vn_cfg_get_str(section, "drop-fraction", NULL)))
		nsim_parse_fraction(s, &c.drop_fraction);
	if ((s = vn_cfg_get_str(section, "reorder-fraction", NULL)))
		nsim_parse_fraction(s, &c.reorder_fraction);
	c.packet_size = (uint32_t)vn_cfg_get_int(section, "packet-size", NSIM_PACKET_SIZE_DEFAULT);
	c.packets_per_drop = (uint32_t)vn_cfg_get_int(section, "packets-per-drop", 0);
	c.buffer = (uint32_t)vn_cfg_get_int(section, "buffer", 0);
	if ((rc = nsim_configure(&c)) < 0) {
		VN_ERR("nsim: the settings were refused (%d)", rc);
		return rc;
	}
	for (int d = 0; d < NSIM_N_DIRS; d++) {
		const struct vn_cfg_node *l = vn_cfg_map_get(section, lists[d]);
		for (const struct vn_cfg_node *x = l ? l->child : NULL; x; x = x->next) {
			const struct vn_interface *ifp = vn_interface_by_name(x->value);
			if (!ifp) {
				VN_ERR("nsim.%s: no interface named '%s'", lists[d], x->value);
				return -ENODEV;
			}
			if ((rc = nsim_enable(ifp->if_index, d, true)) < 0) {
				VN_ERR("nsim.%s: %s: cannot enable (%d)", lists[d], x->value, rc);
				return rc;
			}
		}
	}
	return 0;
}

VN_CONFIG_SECTION(nsim) = {
	.name = "nsim",
	.doc = "The network simulator (docs/nsim.md): loss, delay, reordering and a bandwidth "
	       "limit on chosen interfaces, as the `set nsim` and `nsim ...-feature` commands.",
	.fields = nsim_cfg_fields,
	.check = nsim_cfg_check,
	.apply = nsim_cfg_apply,
};
