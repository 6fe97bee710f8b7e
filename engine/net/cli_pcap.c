/* pcap trace [rx] [tx] [drop] [max N] [file PATH] | pcap trace off | show pcap */
#define VN_LOG_MOD "pcap"
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <vecnet/cli.h>

#include "net/pcap_priv.h"

static void
print_status(struct vn_cli_out *out, const struct vn_pcap_status *st)
{
	vn_cli_printf(out, "%" PRIu64 " packets written to %s", st->n_written, st->path);
	if (st->n_lost)
		vn_cli_printf(out, ", %" PRIu64 " lost (capture pool or ring full)", st->n_lost);
	vn_cli_printf(out, "\n");
}

static int
pcap_trace_fn(struct vn_cli_out *out, struct vn_cli_args *args)
{
	char path[256] = VN_PCAP_DEFAULT_FILE;
	uint32_t kinds = 0, max = VN_PCAP_DEFAULT_MAX;
	struct vn_pcap_status st;
	int rc;

	if (vn_cli_arg_keyword(args, "off")) {
		if (!vn_cli_args_end(args))
			return vn_cli_unexpected(args);
		rc = vn_pcap_stop(&st);
		if (rc == -ENOENT && !st.path[0])
			return vn_cli_error(out, "no capture is running");
		if (rc == -ENOENT)
			vn_cli_printf(out, "capture had already stopped at its max of %u packets; ",
				      st.max);
		print_status(out, &st);
		return 0;
	}
	while (!vn_cli_args_end(args)) {
		if (vn_cli_arg_keyword(args, "rx"))
			kinds |= VN_PCAP_RX;
		else if (vn_cli_arg_keyword(args, "tx"))
			kinds |= VN_PCAP_TX;
		else if (vn_cli_arg_keyword(args, "drop"))
			kinds |= VN_PCAP_DROP;
		else if (vn_cli_arg_keyword(args, "max")) {
			if (!vn_cli_arg_u32_range(args, 1, 10000000, &max))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "file")) {
			if (!vn_cli_arg_word(args, "PATH", path, sizeof(path)))
				return vn_cli_unexpected(args);
		} else {
			return vn_cli_unexpected(args);
		}
	}
	if (!kinds)
		kinds = VN_PCAP_KINDS; /* nothing named: everything */
	rc = vn_pcap_start(kinds, max, path);
	if (rc == -EBUSY)
		return vn_cli_error(out, "a capture is already running; `pcap trace off` first");
	if (rc < 0)
		return vn_cli_error(out, "cannot capture to %s: %s", path, strerror(-rc));
	vn_cli_printf(out, "capturing%s%s%s to %s, max %u packets\n",
		      kinds & VN_PCAP_RX ? " rx" : "", kinds & VN_PCAP_TX ? " tx" : "",
		      kinds & VN_PCAP_DROP ? " drop" : "", path, max);
	return 0;
}

static int
show_pcap_fn(struct vn_cli_out *out, struct vn_cli_args *args)
{
	struct vn_pcap_status st;

	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	vn_pcap_status(&st);
	if (!st.path[0]) {
		vn_cli_printf(out, "no capture since start\n");
		return 0;
	}
	if (st.is_open)
		vn_cli_printf(out, "capturing%s%s%s, max %u: ", st.kinds & VN_PCAP_RX ? " rx" : "",
			      st.kinds & VN_PCAP_TX ? " tx" : "",
			      st.kinds & VN_PCAP_DROP ? " drop" : "", st.max);
	else if (st.max_reached)
		vn_cli_printf(out, "stopped at max %u packets: ", st.max);
	else
		vn_cli_printf(out, "stopped: ");
	print_status(out, &st);
	return 0;
}

VN_CLI_COMMAND(pcap_trace) = {
	.path = "pcap trace",
	.syntax = "[rx] [tx] [drop] [max N] [file PATH] | off",
	.help = "capture packets to a pcapng file (default all points, /tmp/vecnet.pcapng)",
	.fn = pcap_trace_fn,
};

VN_CLI_COMMAND(show_pcap) = {
	.path = "show pcap",
	.syntax = "",
	.help = "state of the pcap capture",
	.fn = show_pcap_fn,
};
