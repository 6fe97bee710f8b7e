/*
 * Router advertisement commands, in vppctl syntax (VPP's ip6 nd):
 *   ip6 nd IF [no] ra-suppress | ra-suppress-link-layer | ra-managed-config-flag
 *             | ra-other-config-flag
 *             | ra-lifetime S | ra-interval MAX [MIN] | ra-initial COUNT INTERVAL
 *             | ra-cease | ra-send-unicast | ra ...
 *     (a leading `no` negates every keyword, as VPP's; `no` before one, that one)
 *   ip6 nd IF [no] prefix ADDR/LEN [VALID PREF | infinite] [no-advertise]
 *             [off-link] [no-autoconfig]
 *   show ip6 nd [IF]
 *   set ip6 link-local address IF ADDR | IF del
 * Advertisements are off by default (VPP sends them once IPv6 is on): `ip6
 * nd IF no ra-suppress`, or its alias `ip6 nd IF ra`, turns them on.
 */
#define VN_LOG_MOD "cli"
#include <errno.h>
#include <string.h>
#include <vecnet/cli.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/ra6.h>

#include "net/ra6_priv.h"

static int
ra6_cli_result(struct vn_cli_out *out, int rc)
{
	switch (rc) {
	case 0:
		return 0;
	case -EINVAL:
		return vn_cli_error(out, "out of range: ra-interval MAX 4-1800, MIN 3-0.75*MAX; "
					 "ra-lifetime 0 or MAX-9000; ra-initial COUNT 0-10, "
					 "INTERVAL 1-1800; preferred lifetime <= valid");
	case -ENOSPC:
		return vn_cli_error(out, "prefix table full (%u per interface)", VN_RA6_PREFIX_MAX);
	case -ENOENT:
		return vn_cli_error(out, "no such prefix");
	case -ENODEV:
		return vn_cli_error(out, "no such interface");
	default:
		return vn_cli_error(out, "%s", strerror(-rc));
	}
}

static int
ip6_nd_prefix(struct vn_cli_out *out, struct vn_cli_args *args, uint32_t if_index, bool no)
{
	struct vn_ra6_prefix p = {
		.valid_s = VN_RA6_VALID_DEF_S,
		.preferred_s = VN_RA6_PREFERRED_DEF_S,
	};

	if (!vn_cli_arg_prefix6(args, &p.prefix))
		return vn_cli_unexpected(args);
	vn_ip6_mask(&p.prefix.addr, p.prefix.len);
	if (no) {
		if (!vn_cli_args_end(args))
			return vn_cli_unexpected(args);
		return ra6_cli_result(out, vn_ra6_prefix_del(if_index, &p.prefix));
	}
	if (vn_cli_arg_keyword(args, "infinite")) {
		p.valid_s = p.preferred_s = VN_RA6_INFINITE;
	} else if (vn_cli_arg_u32_range(args, 0, UINT32_MAX, &p.valid_s)) {
		if (!vn_cli_arg_u32_range(args, 0, UINT32_MAX, &p.preferred_s))
			return vn_cli_unexpected(args);
	}
	while (!vn_cli_args_end(args)) {
		if (vn_cli_arg_keyword(args, "no-advertise"))
			p.no_advertise = true;
		else if (vn_cli_arg_keyword(args, "off-link") || vn_cli_arg_keyword(args, "no-onlink"))
			p.off_link = true;
		else if (vn_cli_arg_keyword(args, "no-autoconfig"))
			p.no_autoconfig = true;
		else
			return vn_cli_unexpected(args);
	}
	return ra6_cli_result(out, vn_ra6_prefix_set(if_index, &p));
}

static int
ip6_nd(struct vn_cli_out *out, struct vn_cli_args *args)
{
	struct vn_ra6_config c, def;
	uint32_t if_index, v;
	bool no_all, any = false;

	if (!vn_cli_arg_ifname(args, &if_index))
		return vn_cli_unexpected(args);
	no_all = vn_cli_arg_keyword(args, "no");
	if (vn_cli_arg_keyword(args, "prefix"))
		return ip6_nd_prefix(out, args, if_index, no_all);
	if (vn_ra6_config_get(if_index, &c) < 0)
		return vn_cli_error(out, "no such interface");
	vn_ra6_config_default(&def);
	while (!vn_cli_args_end(args)) {
		/* VPP's leading `no` negates them all; one before a keyword, that one. */
		bool no = vn_cli_arg_keyword(args, "no") || no_all;

		any = true;
		if (vn_cli_arg_keyword(args, "ra-suppress")) {
			c.send = no;
		} else if (vn_cli_arg_keyword(args, "ra")) {
			c.send = !no;
		} else if (vn_cli_arg_keyword(args, "ra-managed-config-flag")) {
			c.managed = !no;
		} else if (vn_cli_arg_keyword(args, "ra-other-config-flag")) {
			c.other = !no;
		} else if (vn_cli_arg_keyword(args, "ra-cease")) {
			c.cease = !no;
		} else if (vn_cli_arg_keyword(args, "ra-suppress-link-layer")) {
			c.no_lladdr = !no;
		} else if (vn_cli_arg_keyword(args, "ra-send-unicast")) {
			c.send_unicast = !no;
		} else if (vn_cli_arg_keyword(args, "ra-lifetime")) {
			c.lifetime_s = def.lifetime_s;
			if (!no) {
				if (!vn_cli_arg_u32_range(args, 0, VN_RA6_LIFETIME_MAX_S, &v))
					return vn_cli_unexpected(args);
				c.lifetime_s = v;
			}
		} else if (vn_cli_arg_keyword(args, "ra-interval")) {
			c.max_interval_s = def.max_interval_s;
			c.min_interval_s = 0;
			if (!no) {
				if (!vn_cli_arg_u32_range(args, VN_RA6_MAX_INTERVAL_MIN_S,
							  VN_RA6_MAX_INTERVAL_MAX_S, &c.max_interval_s))
					return vn_cli_unexpected(args);
				if (vn_cli_arg_u32_range(args, VN_RA6_MIN_INTERVAL_MIN_S,
							 VN_RA6_MAX_INTERVAL_MAX_S, &v))
					c.min_interval_s = v;
			}
		} else if (vn_cli_arg_keyword(args, "ra-initial")) {
			c.initial_count = def.initial_count;
			c.initial_interval_s = def.initial_interval_s;
			if (!no && (!vn_cli_arg_u32_range(args, 0, 10, &c.initial_count) ||
				    !vn_cli_arg_u32_range(args, 1, VN_RA6_MAX_INTERVAL_MAX_S,
							  &c.initial_interval_s)))
				return vn_cli_unexpected(args);
		} else {
			return vn_cli_unexpected(args);
		}
	}
	if (!any)
		return vn_cli_unexpected(args);
	return ra6_cli_result(out, vn_ra6_config_set(if_index, &c));
}

VN_CLI_COMMAND(ip6_nd) = {
	.path = "ip6 nd",
	.syntax = "IF [no] ra | ra-suppress | ra-suppress-link-layer | ra-managed-config-flag | "
		  "ra-other-config-flag | "
		  "ra-lifetime S | ra-interval MAX [MIN] | ra-initial COUNT INTERVAL | ra-cease | "
		  "ra-send-unicast ... | IF [no] prefix ADDR/LEN [VALID PREF | infinite] "
		  "[no-advertise] [off-link] [no-autoconfig]",
	.help = "router advertisements on an interface (off unless `ip6 nd IF no ra-suppress` "
		"or `ip6 nd IF ra`)",
	.fn = ip6_nd,
	.complete = &vn_cli_ifname,
};

/* VPP's set ip6 link-local address IF ADDR; `del` goes back to the
 * engine.ip6-link-local one. */
static int
set_ip6_link_local(struct vn_cli_out *out, struct vn_cli_args *args)
{
	struct vn_ip6 a;
	uint32_t if_index;
	bool del;
	int rc;

	if (!vn_cli_arg_ifname(args, &if_index))
		return vn_cli_unexpected(args);
	del = vn_cli_arg_keyword(args, "del");
	if (!del && !vn_cli_arg_ip6(args, &a))
		return vn_cli_unexpected(args);
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	rc = vn_ll6_set_manual(if_index, del ? NULL : &a);
	if (rc == -EINVAL)
		return vn_cli_error(out, "not a link-local unicast address (fe80::/10)");
	return ra6_cli_result(out, rc);
}

VN_CLI_COMMAND(set_ip6_link_local) = {
	.path = "set ip6 link-local address",
	.syntax = "IF ADDR | IF del",
	.help = "the interface's IPv6 link-local address, set by hand (del: back to "
		"engine.ip6-link-local's)",
	.fn = set_ip6_link_local,
	.complete = &vn_cli_ifname,
};

static const char *
lifetime_str(uint32_t s, char *buf, size_t len)
{
	if (s == VN_RA6_INFINITE)
		return "infinite";
	snprintf(buf, len, "%us", s);
	return buf;
}

void
vn_ra6_show_rows(struct vn_cli_out *out, uint32_t if_index)
{
	struct vn_ra6_config c;
	struct vn_ra6_stats st;
	char a[VN_PREFIX6_STRLEN], v[16], p[16];

	if (vn_ra6_config_get(if_index, &c) < 0 || vn_ra6_stats_get(if_index, &st) < 0)
		return;
	if (!c.send) {
		vn_cli_printf(out, "  ND router advertisements are off (ip6 nd IF ra)\n");
	} else {
		double min = c.min_interval_s ? c.min_interval_s : c.max_interval_s * 0.75;
		vn_cli_printf(out,
			      "  ND router advertisements are sent every %u seconds (min interval "
			      "%g)%s\n  ND router advertisements live for %u seconds\n",
			      c.max_interval_s, min, c.cease ? ", ceased" : "",
			      vn_ra6_router_lifetime(&c));
		vn_cli_printf(out, "  ND initial advertisements: %u, at most %u seconds apart\n",
			      c.initial_count, c.initial_interval_s);
		vn_cli_printf(out, "  Hosts %s stateful (DHCPv6) addresses, %s other configuration%s\n",
			      c.managed ? "use" : "do not use", c.managed || c.other ? "get" : "do not get",
			      c.send_unicast ? "; solicitations answered unicast" : "");
		if (c.no_lladdr)
			vn_cli_printf(out, "  ND router advertisements carry no link-layer address\n");
	}
	for (uint32_t i = 0; i < c.n_prefixes; i++) {
		const struct vn_ra6_prefix *e = &c.prefixes[i];
		vn_cli_printf(out, "  ND prefix %s valid %s preferred %s%s%s%s\n",
			      vn_fmt_prefix6(&e->prefix, a), lifetime_str(e->valid_s, v, sizeof(v)),
			      lifetime_str(e->preferred_s, p, sizeof(p)),
			      e->no_advertise ? " no-advertise" : "", e->off_link ? " off-link" : "",
			      e->no_autoconfig ? " no-autoconfig" : "");
	}
	vn_cli_printf(out,
		      "  ND router advertisements sent %lu (solicited %lu)\n"
		      "  ND router solicitations received %lu\n"
		      "  ND router advertisements received %lu (never acted on)\n"
		      "  ND router discovery messages refused %lu\n",
		      (unsigned long)st.ra_sent, (unsigned long)st.ra_solicited,
		      (unsigned long)st.rs_received, (unsigned long)st.ra_received,
		      (unsigned long)st.ra_bad);
}

static int
show_ip6_nd(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t only;

	if (!vn_cli_arg_ifname(args, &only))
		only = VN_IF_MAX;
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	for (uint32_t i = 0; i < vn_interface_count(); i++) {
		const struct vn_interface *ifp = vn_interface_get(i);

		if (!ifp || (only != VN_IF_MAX && only != i))
			continue;
		vn_cli_printf(out, "%s:\n", ifp->name);
		vn_ra6_show_rows(out, i);
	}
	return 0;
}

VN_CLI_COMMAND(show_ip6_nd) = {
	.path = "show ip6 nd",
	.syntax = "[IF]",
	.help = "router advertisement settings, prefixes and counters per interface",
	.fn = show_ip6_nd,
	.complete = &vn_cli_ifname,
};
