/*
 * nat44 commands, in vppctl syntax (VPP's nat44-ed plugin):
 *   nat44 enable [sessions N]
 *   nat44 add address A.B.C.D [- A.B.C.D] [del]
 *   set interface nat44 in IF | out IF ... [del]
 *   nat44 add static mapping tcp|udp local A PORT external B PORT [del]
 *   nat44 add static mapping local A external B [del]          (address-only)
 *   nat44 add identity mapping A [tcp|udp PORT] [del]
 *   set nat timeout [udp N] [tcp-established N] [tcp-transitory N] [icmp N]
 *   show nat44 sessions [detail] | summary | addresses | interfaces | static mappings
 *   show nat timeouts
 * Handlers parse and call the control functions in nat44.c.
 */
#define VN_LOG_MOD "nat44"
#include <inttypes.h>
#include <rte_cycles.h>
#include <stdio.h>
#include <vecnet/cli.h>
#include <vecnet/net/interface.h>

#include "nat44.h"
#include "tcp_state.h"

#define NAT44_SHOW_MAX 10000 /* sessions listed by `show nat44 sessions` */

static int
fail(struct vn_cli_out *out, const char *cmd, int rc)
{
	return vn_cli_error(out, "%s: %s", cmd, nat44_strerror(rc));
}

static int
cli_enable(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t n = nat44_main.max_sessions;
	int rc;

	if (vn_cli_arg_keyword(args, "sessions") &&
	    !vn_cli_arg_u32_range(args, NAT44_MIN_SESSIONS, NAT44_MAX_SESSIONS, &n))
		return vn_cli_unexpected(args);
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	rc = nat44_enable(n);
	return rc < 0 ? fail(out, "nat44 enable", rc) : 0;
}

VN_CLI_COMMAND(nat44_enable) = {
	.path = "nat44 enable",
	.syntax = "[sessions N]",
	.help = "allocate the session tables (N sessions over all workers; default 1048576)",
	.fn = cli_enable,
};

static int
cli_add_address(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t lo, hi;
	bool del = false;
	int rc;

	if (!vn_cli_arg_ip4(args, &lo))
		return vn_cli_unexpected(args);
	hi = lo;
	if (vn_cli_arg_keyword(args, "-") && !vn_cli_arg_ip4(args, &hi))
		return vn_cli_unexpected(args);
	if (vn_cli_arg_keyword(args, "del"))
		del = true;
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	if (hi < lo)
		return vn_cli_error(out, "nat44 add address: range end below its start");
	rc = nat44_addr_range(lo, hi, !del);
	return rc < 0 ? fail(out, "nat44 add address", rc) : 0;
}

VN_CLI_COMMAND(nat44_add_address) = {
	.path = "nat44 add address",
	.syntax = "A.B.C.D [- A.B.C.D] [del]",
	.help = "add (or delete) outside pool addresses",
	.fn = cli_add_address,
};

static int
cli_set_interface(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t ifs[16];
	bool inside[16], del = false;
	uint32_t n = 0;

	while (!vn_cli_args_end(args)) {
		if (vn_cli_arg_keyword(args, "del")) {
			del = true;
			continue;
		}
		bool in = vn_cli_arg_keyword(args, "in");
		if (!in && !vn_cli_arg_keyword(args, "out"))
			return vn_cli_unexpected(args);
		if (n >= VN_ARRAY_LEN(ifs))
			return vn_cli_error(out, "set interface nat44: too many interfaces");
		if (!vn_cli_arg_ifname(args, &ifs[n]))
			return vn_cli_unexpected(args);
		inside[n++] = in;
	}
	if (n == 0)
		return vn_cli_error(out, "set interface nat44: expected in IF and/or out IF");
	for (uint32_t i = 0; i < n; i++) {
		int rc = nat44_interface_set(ifs[i], inside[i], !del);
		if (rc < 0) {
			const struct vn_interface *ifp = vn_interface_get(ifs[i]);
			return vn_cli_error(out, "set interface nat44: %s %s: %s",
					    inside[i] ? "in" : "out", ifp ? ifp->name : "?",
					    rc == -EINVAL ? "already inside or outside"
					    : rc == -EEXIST ? "already set"
					    : rc == -ENOENT ? "not set"
							     : nat44_strerror(rc));
		}
	}
	return 0;
}

VN_CLI_COMMAND(nat44_set_interface) = {
	.path = "set interface nat44",
	.syntax = "in IF | out IF ... [del]",
	.help = "mark interfaces inside or outside (enables the nat44 features on them)",
	.fn = cli_set_interface,
	.complete = &vn_cli_ifname,
};

static bool
arg_proto(struct vn_cli_args *args, uint8_t *proto)
{
	if (vn_cli_arg_keyword(args, "tcp"))
		*proto = IPPROTO_TCP;
	else if (vn_cli_arg_keyword(args, "udp"))
		*proto = IPPROTO_UDP;
	else
		return false;
	return true;
}

static int
cli_static_mapping(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t local, ext, lport = 0, eport = 0;
	uint8_t proto = 0;
	bool del = false;
	int rc;

	arg_proto(args, &proto);
	if (!vn_cli_arg_keyword(args, "local") || !vn_cli_arg_ip4(args, &local))
		return vn_cli_unexpected(args);
	if (proto && !vn_cli_arg_u32_range(args, 1, 65535, &lport))
		return vn_cli_unexpected(args);
	if (!vn_cli_arg_keyword(args, "external") || !vn_cli_arg_ip4(args, &ext))
		return vn_cli_unexpected(args);
	if (proto && !vn_cli_arg_u32_range(args, 1, 65535, &eport))
		return vn_cli_unexpected(args);
	if (vn_cli_arg_keyword(args, "del"))
		del = true;
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	rc = nat44_static_mapping(local, (uint16_t)lport, ext, (uint16_t)eport, proto, false, !del);
	return rc < 0 ? fail(out, "nat44 add static mapping", rc) : 0;
}

VN_CLI_COMMAND(nat44_static_mapping) = {
	.path = "nat44 add static mapping",
	.syntax = "tcp|udp local A PORT external B PORT [del] | local A external B [del]",
	.help = "port forward (tcp|udp) or one-to-one address mapping",
	.fn = cli_static_mapping,
};

static int
cli_identity_mapping(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t addr, port = 0;
	uint8_t proto = 0;
	bool del = false;
	int rc;

	if (!vn_cli_arg_ip4(args, &addr))
		return vn_cli_unexpected(args);
	if (arg_proto(args, &proto) && !vn_cli_arg_u32_range(args, 1, 65535, &port))
		return vn_cli_unexpected(args);
	if (vn_cli_arg_keyword(args, "del"))
		del = true;
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	rc = nat44_static_mapping(addr, (uint16_t)port, addr, (uint16_t)port, proto, true, !del);
	return rc < 0 ? fail(out, "nat44 add identity mapping", rc) : 0;
}

VN_CLI_COMMAND(nat44_identity_mapping) = {
	.path = "nat44 add identity mapping",
	.syntax = "A [tcp|udp PORT] [del]",
	.help = "traffic of this inside address (and port) is not translated",
	.fn = cli_identity_mapping,
};

static int
cli_set_timeout(struct vn_cli_out *out, struct vn_cli_args *args)
{
	struct nat44_timeouts t = {0};
	int rc;

	while (!vn_cli_args_end(args)) {
		uint32_t *f;
		if (vn_cli_arg_keyword(args, "udp"))
			f = &t.udp;
		else if (vn_cli_arg_keyword(args, "tcp-established"))
			f = &t.tcp_est;
		else if (vn_cli_arg_keyword(args, "tcp-transitory"))
			f = &t.tcp_trans;
		else if (vn_cli_arg_keyword(args, "icmp"))
			f = &t.icmp;
		else
			return vn_cli_unexpected(args);
		if (!vn_cli_arg_u32_range(args, 1, 86400 * 7, f))
			return vn_cli_unexpected(args);
	}
	if (!t.udp && !t.tcp_est && !t.tcp_trans && !t.icmp)
		return vn_cli_error(out, "set nat timeout: expected udp, tcp-established, "
					 "tcp-transitory or icmp N");
	rc = nat44_set_timeouts(&t);
	return rc < 0 ? fail(out, "set nat timeout", rc) : 0;
}

VN_CLI_COMMAND(nat44_set_timeout) = {
	.path = "set nat timeout",
	.syntax = "[udp N] [tcp-established N] [tcp-transitory N] [icmp N]",
	.help = "session timeouts in seconds (apply to existing sessions too)",
	.fn = cli_set_timeout,
};

static void
print_timeouts(struct vn_cli_out *out)
{
	const struct nat44_timeouts *t = &nat44_main.timeouts;

	vn_cli_printf(out, "timeouts: udp %us tcp-established %us tcp-transitory %us icmp %us\n",
		      t->udp, t->tcp_est, t->tcp_trans, t->icmp);
}

static int
cli_show_timeouts(struct vn_cli_out *out, struct vn_cli_args *args)
{
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	print_timeouts(out);
	return 0;
}

VN_CLI_COMMAND(nat44_show_timeouts) = {
	.path = "show nat timeouts",
	.help = "session timeouts",
	.fn = cli_show_timeouts,
};

/* --- show ------------------------------------------------------------------ */

static const char *
proto_name(uint8_t p)
{
	return p == IPPROTO_TCP ? "tcp" : p == IPPROTO_UDP ? "udp" : p == IPPROTO_ICMP ? "icmp" : "?";
}

static char *
fmt_ep(uint32_t addr_n, uint16_t port_n, char *buf)
{
	char ip[16];

	snprintf(buf, 24, "%s:%u", vn_fmt_ip4(rte_be_to_cpu_32(addr_n), ip),
		 rte_be_to_cpu_16(port_n));
	return buf;
}

static int
cli_show_sessions(struct vn_cli_out *out, struct vn_cli_args *args)
{
	bool detail = vn_cli_arg_keyword(args, "detail");
	uint32_t now = nat44_now_from_tsc(rte_rdtsc()), shown = 0;
	uint64_t total = 0;

	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	if (!nat44_main.enabled) {
		vn_cli_printf(out, "nat44 not enabled: no sessions\n");
		return 0;
	}
	for (uint32_t wi = 0; wi < nat44_main.n_workers; wi++) {
		const struct nat44_worker *w = nat44_main.workers[wi];
		uint64_t n = 0;
		for (int p = 0; p < NAT44_N_PROTO; p++)
			n += __atomic_load_n(&w->n_sessions[p], __ATOMIC_RELAXED);
		total += n;
		vn_cli_printf(out, "worker %u: %" PRIu64 " sessions\n", wi, n);
		uint32_t hwm = __atomic_load_n(&w->hwm, __ATOMIC_RELAXED);
		for (uint32_t i = 0; i < hwm && shown < NAT44_SHOW_MAX; i++) {
			struct nat44_session s = w->sess[i]; /* a copy: the worker may change it */
			char a[24], b[24], c[24];
			uint32_t idle, tmo;
			if (!(s.flags & NAT44_S_USED))
				continue;
			shown++;
			idle = now - s.last_seen;
			tmo = nat44_session_timeout(&s, &nat44_main.timeouts);
			vn_cli_printf(out, "  %-4s %s -> %s remote %s", proto_name(s.proto),
				      fmt_ep(s.in_addr, s.in_port, a), fmt_ep(s.out_addr, s.out_port, b),
				      fmt_ep(s.rem_addr, s.rem_port, c));
			if (s.proto == IPPROTO_TCP)
				vn_cli_printf(out, " %s", nat44_tcp_state_name(s.tcp));
			vn_cli_printf(out, " idle %us%s%s\n", idle,
				      s.flags & NAT44_S_STATIC ? " static" : "",
				      s.flags & NAT44_S_HAIRPIN ? " hairpin" : "");
			if (detail)
				vn_cli_printf(out,
					      "       i2o %" PRIu64 " pkts %" PRIu64 " bytes, o2i %" PRIu64
					      " pkts %" PRIu64 " bytes, age %us, expires in %ds\n",
					      s.pkts_i2o, s.bytes_i2o, s.pkts_o2i, s.bytes_o2i,
					      now - s.created, (int)tmo - (int)idle);
		}
	}
	if (shown < total)
		vn_cli_printf(out, "(%u of %" PRIu64 " sessions listed)\n", shown, total);
	return 0;
}

VN_CLI_COMMAND(nat44_show_sessions) = {
	.path = "show nat44 sessions",
	.syntax = "[detail]",
	.help = "NAT sessions per worker (at most 10000 listed)",
	.fn = cli_show_sessions,
};

static int
cli_show_summary(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint64_t total = 0, created = 0, cycles = 0, cap = 0;

	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	if (!nat44_main.enabled) {
		vn_cli_printf(out, "nat44 not enabled (sessions when enabled: %u)\n",
			      nat44_main.max_sessions);
		print_timeouts(out);
		return 0;
	}
	vn_cli_printf(out, "max sessions: %u (%u per worker, %u worker(s))\n",
		      nat44_main.max_sessions, nat44_main.workers[0]->cap, nat44_main.n_workers);
	vn_cli_printf(out, "%-7s %9s %9s %9s %9s %11s %11s %9s %11s\n", "worker", "sessions", "tcp",
		      "udp", "icmp", "created", "expired", "purged", "table-full");
	for (uint32_t wi = 0; wi < nat44_main.n_workers; wi++) {
		const struct nat44_worker *w = nat44_main.workers[wi];
		uint64_t p[NAT44_N_PROTO], n = 0;
		for (int i = 0; i < NAT44_N_PROTO; i++)
			n += p[i] = __atomic_load_n(&w->n_sessions[i], __ATOMIC_RELAXED);
		total += n;
		cap += w->cap;
		created += __atomic_load_n(&w->created, __ATOMIC_RELAXED);
		cycles += __atomic_load_n(&w->create_cycles, __ATOMIC_RELAXED);
		vn_cli_printf(out,
			      "%-7u %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %11" PRIu64
			      " %11" PRIu64 " %9" PRIu64 " %11" PRIu64 "\n",
			      wi, n, p[NAT44_P_TCP], p[NAT44_P_UDP], p[NAT44_P_ICMP],
			      __atomic_load_n(&w->created, __ATOMIC_RELAXED),
			      __atomic_load_n(&w->expired, __ATOMIC_RELAXED),
			      __atomic_load_n(&w->purged, __ATOMIC_RELAXED),
			      __atomic_load_n(&w->full_drops, __ATOMIC_RELAXED));
	}
	vn_cli_printf(out, "sessions: %" PRIu64 " of %" PRIu64 " (table use %.1f%%)\n", total, cap,
		      cap ? 100.0 * (double)total / (double)cap : 0.0);
	vn_cli_printf(out, "session creation: %" PRIu64 " sessions, %" PRIu64
			   " cycles per new session\n",
		      created, created ? cycles / created : 0);
	vn_cli_printf(out, "pool addresses: %u, static mappings: %u\n",
		      nat44_main.pool ? nat44_main.pool->n : 0, nat44_main.n_static);
	print_timeouts(out);
	return 0;
}

VN_CLI_COMMAND(nat44_show_summary) = {
	.path = "show nat44 summary",
	.help = "sessions per worker and protocol, table use, session creation cost",
	.fn = cli_show_summary,
};

static int
cli_show_addresses(struct vn_cli_out *out, struct vn_cli_args *args)
{
	const struct nat44_pool *p = nat44_main.pool;
	char ip[16];

	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	vn_cli_printf(out, "NAT44 pool addresses:\n");
	for (uint32_t i = 0; p && i < p->n; i++)
		vn_cli_printf(out, "  %s\n", vn_fmt_ip4(p->addr_h[i], ip));
	return 0;
}

VN_CLI_COMMAND(nat44_show_addresses) = {
	.path = "show nat44 addresses",
	.help = "outside pool addresses",
	.fn = cli_show_addresses,
};

static int
cli_show_interfaces(struct vn_cli_out *out, struct vn_cli_args *args)
{
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	vn_cli_printf(out, "NAT44 interfaces:\n");
	for (uint32_t i = 0; i < VN_IF_MAX; i++) {
		const struct vn_interface *ifp = vn_interface_get(i);
		if (!ifp || !nat44_main.if_role[i])
			continue;
		vn_cli_printf(out, "  %s %s\n", ifp->name,
			      nat44_main.if_role[i] & NAT44_IF_IN ? "in" : "out");
	}
	return 0;
}

VN_CLI_COMMAND(nat44_show_interfaces) = {
	.path = "show nat44 interfaces",
	.help = "inside and outside interfaces",
	.fn = cli_show_interfaces,
};

static int
cli_show_static(struct vn_cli_out *out, struct vn_cli_args *args)
{
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	vn_cli_printf(out, "NAT44 static mappings:\n");
	for (uint32_t i = 0; i < nat44_main.n_static; i++) {
		const struct nat44_static *m = &nat44_main.static_list[i];
		char a[24], b[24], ip[16];
		if (m->is_identity && !m->proto)
			vn_cli_printf(out, "  identity %s\n",
				      vn_fmt_ip4(rte_be_to_cpu_32(m->local_addr), ip));
		else if (m->is_identity)
			vn_cli_printf(out, "  identity %s %s\n", proto_name(m->proto),
				      fmt_ep(m->local_addr, m->local_port, a));
		else if (!m->proto)
			vn_cli_printf(out, "  local %s external %s\n",
				      vn_fmt_ip4(rte_be_to_cpu_32(m->local_addr), a),
				      vn_fmt_ip4(rte_be_to_cpu_32(m->ext_addr), b));
		else
			vn_cli_printf(out, "  %s local %s external %s\n", proto_name(m->proto),
				      fmt_ep(m->local_addr, m->local_port, a),
				      fmt_ep(m->ext_addr, m->ext_port, b));
	}
	return 0;
}

VN_CLI_COMMAND(nat44_show_static) = {
	.path = "show nat44 static mappings",
	.help = "static, address-only and identity mappings",
	.fn = cli_show_static,
};
