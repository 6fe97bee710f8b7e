/*
 * nsim commands, VPP's syntax:
 *   set nsim [delay TIME] [bandwidth BW] [packet-size N]
 *            [packets-per-drop N | drop-fraction F] [reorder-fraction F] [buffer N]
 *   nsim output-feature enable-disable IF [disable]
 *   nsim input-feature enable-disable IF [disable]
 *   show nsim
 * TIME is 10ms, 100us, 1.5s (or "10 ms"); BW is 1gbit, 100mbit, 10kbyte (or
 * "100 mbit"). VPP requires delay and bandwidth; here an omitted one is none.
 * `set nsim` replaces every setting, as in VPP.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <vecnet/cli.h>
#include <vecnet/net/interface.h>

#include "nsim.h"

/* A number with its unit in the same word, or a bare number and then a
 * unit word. */
static bool
arg_with_unit(struct vn_cli_args *args, const char *what, const char *const *units,
	      int (*parse)(const char *, uint64_t *), uint64_t *v)
{
	char word[64];

	if (!vn_cli_arg_word(args, what, word, sizeof(word) - 8))
		return false;
	if (strspn(word, "0123456789.") == strlen(word))
		for (int u = 0; units[u]; u++)
			if (vn_cli_arg_keyword(args, units[u])) {
				strcat(word, units[u]);
				break;
			}
	return parse(word, v) == 0;
}

static int
cli_set_nsim(struct vn_cli_out *out, struct vn_cli_args *args)
{
	static const char *const time_units[] = {"ms", "us", "ns", "s", NULL};
	static const char *const bw_units[] = {"gbit",	"mbit",	 "kbit", "bit", "gbyte",
					       "mbyte", "kbyte", "byte", NULL};
	struct nsim_config c = {.packet_size = NSIM_PACKET_SIZE_DEFAULT};
	char word[64];
	bool any = false;
	int rc;

	while (!vn_cli_args_end(args)) {
		if (vn_cli_arg_keyword(args, "delay")) {
			if (!arg_with_unit(args, "time, e.g. 10ms", time_units, nsim_parse_time,
					   &c.delay_ns))
				return vn_cli_error(out,
						    "set nsim: delay: expected a time "
						    "such as 10ms, 100us or 1.5s (at most 60s)");
		} else if (vn_cli_arg_keyword(args, "bandwidth")) {
			if (!arg_with_unit(args, "bandwidth, e.g. 100mbit", bw_units,
					   nsim_parse_bandwidth, &c.bandwidth_bps))
				return vn_cli_error(out,
						    "set nsim: bandwidth: expected e.g. 1gbit, "
						    "100mbit or 0 (1kbit to 1000gbit)");
		} else if (vn_cli_arg_keyword(args, "packet-size")) {
			if (!vn_cli_arg_u32_range(args, 64, 65535, &c.packet_size))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "packets-per-drop")) {
			if (!vn_cli_arg_u32_range(args, 1, UINT32_MAX, &c.packets_per_drop))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "drop-fraction")) {
			if (!vn_cli_arg_word(args, "fraction 0-1", word, sizeof(word)) ||
			    nsim_parse_fraction(word, &c.drop_fraction) < 0)
				return vn_cli_error(out, "set nsim: drop-fraction: expected a "
							 "number from 0 to 1");
		} else if (vn_cli_arg_keyword(args, "reorder-fraction")) {
			if (!vn_cli_arg_word(args, "fraction 0-1", word, sizeof(word)) ||
			    nsim_parse_fraction(word, &c.reorder_fraction) < 0)
				return vn_cli_error(out, "set nsim: reorder-fraction: expected a "
							 "number from 0 to 1");
		} else if (vn_cli_arg_keyword(args, "buffer")) {
			if (!vn_cli_arg_u32_range(args, 1, NSIM_HELD_MAX, &c.buffer))
				return vn_cli_unexpected(args);
		} else {
			return vn_cli_unexpected(args);
		}
		any = true;
	}
	if (!any)
		return vn_cli_unexpected(args);
	if (c.packets_per_drop && c.drop_fraction > 0)
		return vn_cli_error(out,
				    "set nsim: give packets-per-drop or drop-fraction, not both");
	if ((rc = nsim_configure(&c)) < 0)
		return vn_cli_error(out, "set nsim: %s",
				    rc == -ENOMEM ? "out of memory" : "invalid settings");
	return 0;
}

VN_CLI_COMMAND(nsim_set) = {
	.path = "set nsim",
	.syntax = "[delay TIME] [bandwidth BW] [packet-size N] [packets-per-drop N | "
	      "drop-fraction F] [reorder-fraction F] [buffer N]",
	.help = "network simulator settings (every setting; an omitted one is none)",
	.fn = cli_set_nsim,
};

static int
cli_feature(struct vn_cli_out *out, struct vn_cli_args *args, enum nsim_dir dir)
{
	uint32_t if_index;
	bool enable = true;
	int rc;

	if (!vn_cli_arg_keyword(args, "enable-disable") || !vn_cli_arg_ifname(args, &if_index))
		return vn_cli_unexpected(args);
	if (vn_cli_arg_keyword(args, "disable"))
		enable = false;
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	if ((rc = nsim_enable(if_index, dir, enable)) < 0)
		return vn_cli_error(out, "nsim %s-feature: %s",
				    dir == NSIM_DIR_INPUT ? "input" : "output",
				    rc == -ENODEV ? "no such interface" : strerror(-rc));
	return 0;
}

static int
cli_output_feature(struct vn_cli_out *out, struct vn_cli_args *args)
{
	return cli_feature(out, args, NSIM_DIR_OUTPUT);
}

static int
cli_input_feature(struct vn_cli_out *out, struct vn_cli_args *args)
{
	return cli_feature(out, args, NSIM_DIR_INPUT);
}

VN_CLI_COMMAND(nsim_output) = {
	.path = "nsim output-feature",
	.syntax = "enable-disable IF [disable]",
	.help = "simulate the link on the IPv4 packets IF sends (ip4-output arc)",
	.fn = cli_output_feature,
	.complete = &vn_cli_ifname,
};

VN_CLI_COMMAND(nsim_input) = {
	.path = "nsim input-feature",
	.syntax = "enable-disable IF [disable]",
	.help = "simulate the link on every frame IF receives (device-input arc)",
	.fn = cli_input_feature,
	.complete = &vn_cli_ifname,
};

static int
cli_show_nsim(struct vn_cli_out *out, struct vn_cli_args *args)
{
	const struct nsim_params *p = nsim_params_get();
	static const char *const dir_name[NSIM_N_DIRS] = {"input", "output"};
	char text[256];

	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	if (!p)
		return vn_cli_error(out, "show nsim: nsim is not initialised");
	nsim_format_config(p, text, sizeof(text));
	vn_cli_printf(out, "nsim: %s\n", text);
	vn_cli_printf(out, "%-16s %-7s %-8s %12s %12s %12s %12s %12s %12s %8s\n", "Interface",
		      "Dir", "State", "Received", "Loss-drops", "Delayed", "Reordered",
		      "Buffer-full", "Freed", "Held");
	for (uint32_t i = 0; i < VN_IF_MAX; i++) {
		const struct vn_interface *ifp = vn_interface_get(i);
		for (int d = 0; d < NSIM_N_DIRS; d++) {
			struct nsim_counters c;
			bool on = nsim_enabled(i, d);
			nsim_counters_sum(i, d, &c);
			if (!on && c.received == 0 && c.held == 0)
				continue;
			vn_cli_printf(out,
				      "%-16s %-7s %-8s %12" PRIu64 " %12" PRIu64 " %12" PRIu64
				      " %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %8" PRIu64 "\n",
				      ifp ? ifp->name : "(deleted)", dir_name[d],
				      on ? "enabled" : "-", c.received, c.dropped_loss, c.delayed,
				      c.reordered, c.dropped_full, c.freed, c.held);
		}
	}
	return 0;
}

VN_CLI_COMMAND(nsim_show) = {
	.path = "show nsim",
	.help = "network simulator settings and, per interface and direction, its counters",
	.fn = cli_show_nsim,
};
