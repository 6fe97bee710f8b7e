/*
 * acl-plugin commands, vppctl syntax:
 *   set acl-plugin acl [index N] RULE[, RULE...] [tag TAG]
 *   delete acl-plugin acl index N
 *   set acl-plugin interface IF input|output acl N [del]
 *   set acl-plugin session timeout tcp idle|transient SECONDS | udp idle SECONDS
 *   set acl-plugin session table max-entries N
 *   set acl-plugin ipv6-nd pass|filter
 *   show acl-plugin acl [index N] | show acl-plugin interface [IF]
 *   show acl-plugin sessions [interface IF] [skip N] [limit N]
 *   clear acl-plugin sessions [interface IF] | clear acl-plugin counters
 * Each handler parses and calls the control API (acl_control.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <rte_cycles.h>
#include <vecnet/cli.h>
#include <vecnet/net/interface.h>

#include "acl.h"

static int
cli_set_acl(struct vn_cli_out *out, struct vn_cli_args *args)
{
	char text[65536], err[256], tag[ACL_TAG_MAX] = "", *t;
	struct acl_rule *rules = NULL;
	uint32_t index, n = 0, got;
	int32_t want = -1;
	int rc;

	if (vn_cli_arg_keyword(args, "index")) {
		if (!vn_cli_arg_u32_range(args, 0, ACL_MAX - 1, &index))
			return vn_cli_unexpected(args);
		want = (int32_t)index;
	}
	if (!vn_cli_arg_rest(args, text, sizeof(text)))
		return vn_cli_error(out, "set acl-plugin acl: expected rules, e.g. "
					 "'permit src 10.0.0.0/8 proto 6 dport 80, deny'");
	/* A trailing "tag NAME" names the ACL (VPP's syntax). */
	t = strstr(text, " tag ");
	if (t && !strchr(t + 5, ',') && !strchr(t + 5, ' ')) {
		snprintf(tag, sizeof(tag), "%s", t + 5);
		*t = '\0';
	}
	if (acl_rules_parse(text, &rules, &n, err, sizeof(err)) < 0)
		return vn_cli_error(out, "set acl-plugin acl: %s", err);
	rc = acl_set(want, rules, n, tag, &got, err, sizeof(err));
	free(rules);
	if (rc < 0)
		return vn_cli_error(out, "set acl-plugin acl: %s", err);
	vn_cli_printf(out, "ACL index:%u\n", got);
	return 0;
}

VN_CLI_COMMAND(acl_set) = {
	.path = "set acl-plugin acl",
	.syntax = "[index N] permit|deny|permit+reflect [ipv4|ipv6] [src P] [dst P] [proto N] "
		  "[sport A-B] [dport A-B] [icmp-type A-B] [icmp-code A-B] [tcp-flags V M], ... "
		  "[tag T]",
	.help = "create an ACL (or replace ACL N) from comma-separated rules",
	.fn = cli_set_acl,
};

static int
cli_delete_acl(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t index;
	char err[256];

	if (!vn_cli_arg_keyword(args, "index") || !vn_cli_arg_u32_range(args, 0, ACL_MAX - 1, &index))
		return vn_cli_unexpected(args);
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	if (acl_delete(index, err, sizeof(err)) < 0)
		return vn_cli_error(out, "delete acl-plugin acl: %s", err);
	return 0;
}

VN_CLI_COMMAND(acl_delete) = {
	.path = "delete acl-plugin acl",
	.syntax = "index N",
	.help = "delete an ACL that no interface uses",
	.fn = cli_delete_acl,
};

static int
cli_set_interface(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t if_index, index;
	enum acl_dir dir;
	bool is_add = true;
	char err[256];

	if (!vn_cli_arg_ifname(args, &if_index))
		return vn_cli_unexpected(args);
	if (vn_cli_arg_keyword(args, "input"))
		dir = ACL_DIR_IN;
	else if (vn_cli_arg_keyword(args, "output"))
		dir = ACL_DIR_OUT;
	else
		return vn_cli_unexpected(args);
	if (!vn_cli_arg_keyword(args, "acl") || !vn_cli_arg_u32_range(args, 0, ACL_MAX - 1, &index))
		return vn_cli_unexpected(args);
	if (vn_cli_arg_keyword(args, "del"))
		is_add = false;
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	if (acl_interface_set(if_index, dir, index, is_add, err, sizeof(err)) < 0)
		return vn_cli_error(out, "set acl-plugin interface: %s", err);
	return 0;
}

VN_CLI_COMMAND(acl_interface) = {
	.path = "set acl-plugin interface",
	.syntax = "IF input|output acl N [del]",
	.help = "append ACL N to (or remove it from) an interface's input or output list",
	.fn = cli_set_interface,
	.complete = &vn_cli_ifname,
};

static int
cli_set_session(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t *which, secs;
	char err[256];

	if (vn_cli_arg_keyword(args, "table")) {
		if (!vn_cli_arg_keyword(args, "max-entries") ||
		    !vn_cli_arg_u32_range(args, ACL_SESSIONS_MIN, ACL_SESSIONS_MAX, &secs) ||
		    !vn_cli_args_end(args))
			return vn_cli_unexpected(args);
		if (acl_sess_table_set_size(secs, err, sizeof(err)) < 0)
			return vn_cli_error(out, "set acl-plugin session table: %s", err);
		return 0;
	}
	if (!vn_cli_arg_keyword(args, "timeout"))
		return vn_cli_unexpected(args);
	if (vn_cli_arg_keyword(args, "tcp")) {
		if (vn_cli_arg_keyword(args, "idle"))
			which = &acl_timeout_tcp_s;
		else if (vn_cli_arg_keyword(args, "transient"))
			which = &acl_timeout_tcp_transient_s;
		else
			return vn_cli_unexpected(args);
	} else if (vn_cli_arg_keyword(args, "udp")) {
		if (!vn_cli_arg_keyword(args, "idle"))
			return vn_cli_unexpected(args);
		which = &acl_timeout_udp_s;
	} else {
		return vn_cli_unexpected(args);
	}
	if (!vn_cli_arg_u32_range(args, 1, 86400 * 7, &secs))
		return vn_cli_unexpected(args);
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	__atomic_store_n(which, secs, __ATOMIC_RELAXED);
	return 0;
}

VN_CLI_COMMAND(acl_timeout) = {
	.path = "set acl-plugin session",
	.syntax = "timeout tcp idle|transient SECONDS | timeout udp idle SECONDS | "
		  "table max-entries N",
	.help = "reflexive session timeouts (udp: every protocol but TCP; tcp transient: "
		"before the handshake completes and after FIN/RST), or the table size (when empty)",
	.fn = cli_set_session,
};

static int
cli_set_nd(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint8_t v;

	(void)out;
	if (vn_cli_arg_keyword(args, "pass"))
		v = 0;
	else if (vn_cli_arg_keyword(args, "filter"))
		v = 1;
	else
		return vn_cli_unexpected(args);
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	__atomic_store_n(&acl_nd_filter, v, __ATOMIC_RELAXED);
	return 0;
}

VN_CLI_COMMAND(acl_nd) = {
	.path = "set acl-plugin ipv6-nd",
	.syntax = "pass|filter",
	.help = "IPv6 neighbour discovery (ICMPv6 133-137, hop limit 255) passes the ACLs "
		"unfiltered (pass, the default) or meets their rules like any ICMPv6 (filter)",
	.fn = cli_set_nd,
};

static int
cli_clear_sessions(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t if_index = UINT32_MAX, n;

	if (vn_cli_arg_keyword(args, "interface") && !vn_cli_arg_ifname(args, &if_index))
		return vn_cli_unexpected(args);
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	n = acl_sessions_purge(if_index, UINT32_MAX, UINT32_MAX);
	vn_cli_printf(out, "%u session(s) deleted\n", n);
	return 0;
}

VN_CLI_COMMAND(acl_clear_sessions) = {
	.path = "clear acl-plugin sessions",
	.syntax = "[interface IF]",
	.help = "delete every reflexive session (or those of one interface)",
	.fn = cli_clear_sessions,
	.complete = &vn_cli_ifname,
};

static int
cli_clear_counters(struct vn_cli_out *out, struct vn_cli_args *args)
{
	(void)out;
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	acl_counters_clear();
	return 0;
}

VN_CLI_COMMAND(acl_clear_counters) = {
	.path = "clear acl-plugin counters",
	.help = "restart the per-rule and per-interface counters from 0 (show errors: clear errors)",
	.fn = cli_clear_counters,
};

static void
show_one_acl(struct vn_cli_out *out, uint32_t index, const struct acl *a)
{
	char buf[256];

	vn_cli_printf(out, "acl-index %u count %u tag {%s}\n", index, a->n_rules, a->tag);
	for (uint32_t r = 0; r < a->n_rules; r++) {
		struct acl_counter c;
		acl_rule_counter(a, r, &c);
		vn_cli_printf(out, "  %4u: %s  packets %" PRIu64 " bytes %" PRIu64 "\n", r,
			      acl_rule_format(&a->rules[r], buf, sizeof(buf)), c.packets, c.bytes);
	}
	for (int d = 0; d < ACL_N_DIR; d++) {
		bool any = false;
		vn_cli_printf(out, "  applied %s on:", d == ACL_DIR_IN ? "input" : "output");
		for (uint32_t i = 0; i < vn_interface_count() && i < VN_IF_MAX; i++) {
			const uint32_t *list;
			uint32_t n = acl_interface_list(i, d, &list);
			for (uint32_t k = 0; k < n; k++)
				if (list[k] == index) {
					vn_cli_printf(out, " %s", vn_interface_get(i)->name);
					any = true;
				}
		}
		vn_cli_printf(out, "%s\n", any ? "" : " -");
	}
}

static int
cli_show_acl(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t index, slots = acl_count_slots();
	bool any = false;

	if (vn_cli_arg_keyword(args, "index")) {
		if (!vn_cli_arg_u32_range(args, 0, ACL_MAX - 1, &index))
			return vn_cli_unexpected(args);
		if (!vn_cli_args_end(args))
			return vn_cli_unexpected(args);
		if (!acl_get(index))
			return vn_cli_error(out, "show acl-plugin acl: no ACL with index %u", index);
		show_one_acl(out, index, acl_get(index));
		return 0;
	}
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	for (uint32_t i = 0; i < slots; i++)
		if (acl_get(i)) {
			show_one_acl(out, i, acl_get(i));
			any = true;
		}
	if (!any)
		vn_cli_printf(out, "no ACLs\n");
	return 0;
}

VN_CLI_COMMAND(acl_show) = {
	.path = "show acl-plugin acl",
	.syntax = "[index N]",
	.help = "ACLs, their rules and per-rule counters (packets, bytes)",
	.fn = cli_show_acl,
};

static int
cli_show_interface(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t only = UINT32_MAX;

	if (vn_cli_arg_ifname(args, &only)) {
		/* one interface */
	}
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	vn_cli_printf(out, "%-16s %-6s %-16s %12s %12s %14s %12s %10s\n", "Interface", "Dir",
		      "ACLs", "Permit", "Deny", "Implicit-deny", "Session-hit", "IPv6-ND");
	for (uint32_t i = 0; i < vn_interface_count() && i < VN_IF_MAX; i++) {
		const struct vn_interface *ifp = vn_interface_get(i);
		if (!ifp || (only != UINT32_MAX && only != i))
			continue;
		for (int d = 0; d < ACL_N_DIR; d++) {
			const uint32_t *list;
			uint32_t n = acl_interface_list(i, d, &list);
			struct acl_if_counters c;
			char acls[128] = "-";
			size_t off = 0;

			for (uint32_t k = 0; k < n && off < sizeof(acls) - 12; k++)
				off += snprintf(acls + off, sizeof(acls) - off, "%s%u", k ? "," : "",
						list[k]);
			acl_if_counters_sum(i, d, &c);
			vn_cli_printf(out,
				      "%-16s %-6s %-16s %12" PRIu64 " %12" PRIu64 " %14" PRIu64
				      " %12" PRIu64 " %10" PRIu64 "\n",
				      ifp->name, d == ACL_DIR_IN ? "input" : "output", acls,
				      c.permit, c.deny, c.implicit_deny, c.session_hit, c.nd);
		}
	}
	return 0;
}

VN_CLI_COMMAND(acl_show_interface) = {
	.path = "show acl-plugin interface",
	.syntax = "[IF]",
	.help = "ACLs applied per interface and direction, with every decision counted",
	.fn = cli_show_interface,
	.complete = &vn_cli_ifname,
};

#define ACL_SHOW_SESSIONS_DEFAULT 100

/* An address of a session key: a.b.c.d, or [v6] so the port stays apart. */
static void
sess_addr(const struct acl_sess_key *k, const uint8_t *addr, char *buf)
{
	char t[VN_IP6_STRLEN];
	uint32_t v4;

	if (k->is_ip6) {
		sprintf(buf, "[%s]", vn_fmt_ip6((const struct vn_ip6 *)addr, t));
		return;
	}
	memcpy(&v4, addr, 4);
	vn_fmt_ip4(rte_be_to_cpu_32(v4), buf);
}

static int
cli_show_sessions(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint64_t now = rte_rdtsc(), hz = rte_get_tsc_hz();
	uint32_t limit = ACL_SHOW_SESSIONS_DEFAULT, skip = 0, only = UINT32_MAX;
	uint32_t shown = 0, total = 0, owned[ACL_MAX_THREADS] = {0};
	const struct acl_sess_table *st = acl_sess;
	struct acl_timeouts tmo;

	for (;;) {
		if (vn_cli_arg_keyword(args, "limit")) {
			if (!vn_cli_arg_u32_range(args, 0, UINT32_MAX, &limit))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "skip")) {
			if (!vn_cli_arg_u32_range(args, 0, UINT32_MAX, &skip))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "interface")) {
			if (!vn_cli_arg_ifname(args, &only))
				return vn_cli_unexpected(args);
		} else {
			break;
		}
	}
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	acl_timeouts_get(&tmo);
	vn_cli_printf(out, "timeouts: tcp idle %us, tcp transient %us, udp and others idle %us\n",
		      __atomic_load_n(&acl_timeout_tcp_s, __ATOMIC_RELAXED),
		      __atomic_load_n(&acl_timeout_tcp_transient_s, __ATOMIC_RELAXED),
		      __atomic_load_n(&acl_timeout_udp_s, __ATOMIC_RELAXED));
	if (st)
		vn_cli_printf(out, "table: one for all threads, capacity %u\n", st->capacity);
	else
		vn_cli_printf(out, "table: not created (no permit+reflect ACL applied yet), "
				   "capacity %u\n",
			      acl_sessions_max);
	for (uint32_t p = 0; st && p < st->n_slots; p++) {
		const struct acl_session *s = &st->sessions[p];
		uint32_t owner = __atomic_load_n(&s->owner, __ATOMIC_ACQUIRE);
		if (owner == ACL_OWNER_FREE || owner == ACL_OWNER_DEAD ||
		    !__atomic_load_n(&s->in_use, __ATOMIC_ACQUIRE))
			continue;
		if (owner - 1 < ACL_MAX_THREADS)
			owned[owner - 1]++;
		struct acl_sess_key k = s->key;
		if (only != UINT32_MAX && k.if_index != only)
			continue;
		total++;
		if (total <= skip || shown >= limit)
			continue;
		uint64_t last = __atomic_load_n(&s->last_tsc, __ATOMIC_RELAXED);
		uint64_t idle = now > last ? now - last : 0;
		const struct vn_interface *ifp = vn_interface_get(k.if_index);
		char a[VN_IP6_STRLEN + 2], b[VN_IP6_STRLEN + 2], tcp[40] = "";
		bool expired = acl_session_expired(s, now, &tmo);

		if (k.proto == IPPROTO_TCP)
			snprintf(tcp, sizeof(tcp), " tcp %s flags 0x%02x/0x%02x",
				 acl_session_timeout(s, &tmo) == tmo.tcp_idle &&
						 tmo.tcp_idle != tmo.tcp_transient
					 ? "established"
					 : "transient",
				 s->tcp_seen[0], s->tcp_seen[1]);
		sess_addr(&k, k.a_addr, a);
		sess_addr(&k, k.b_addr, b);
		vn_cli_printf(out,
			      "  %s proto %u %s:%u <-> %s:%u age %.1fs idle %.1fs packets "
			      "%" PRIu64 " acl %u rule %u thread %u%s%s\n",
			      ifp ? ifp->name : "?", k.proto, a, rte_be_to_cpu_16(k.a_port), b,
			      rte_be_to_cpu_16(k.b_port), (double)(now - s->created_tsc) / hz,
			      (double)idle / hz,
			      __atomic_load_n(&s->packets, __ATOMIC_RELAXED) +
				      __atomic_load_n(&s->packets_other, __ATOMIC_RELAXED),
			      s->acl_index, s->rule_index, owner - 1, tcp,
			      expired ? " (expired, draining)" : "");
		shown++;
	}
	if (total > skip + shown)
		vn_cli_printf(out, "  ... %u more not shown (skip %u limit %u to see them)\n",
			      total - skip - shown, skip + shown, limit);
	for (uint32_t t = 0; t < ACL_MAX_THREADS; t++) {
		const struct acl_worker *w = acl_workers[t];
		if (!w)
			continue;
		vn_cli_printf(out,
			      "thread %u: owns %u, created %" PRIu64 ", expired %" PRIu64
			      ", cleared %" PRIu64 ", table full %" PRIu64
			      ", hits on other threads' sessions %" PRIu64 "\n",
			      t, owned[t], __atomic_load_n(&w->n_created, __ATOMIC_RELAXED),
			      __atomic_load_n(&w->n_expired, __ATOMIC_RELAXED), acl_ctl_deleted[t],
			      __atomic_load_n(&w->n_full, __ATOMIC_RELAXED),
			      __atomic_load_n(&w->n_hit_other, __ATOMIC_RELAXED));
	}
	vn_cli_printf(out, "total sessions: %u\n", total);
	return 0;
}

VN_CLI_COMMAND(acl_show_sessions) = {
	.path = "show acl-plugin sessions",
	.syntax = "[interface IF] [skip N] [limit N]",
	.help = "reflexive sessions (the first 100 unless limit says), owner thread, idle time; "
		"per-thread counters",
	.fn = cli_show_sessions,
	.complete = &vn_cli_ifname,
};
