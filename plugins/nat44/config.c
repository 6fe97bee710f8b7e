/*
 * The `nat44:` config section. The schema types every value; check() adds
 * what a schema cannot say (address ranges, protocol/port pairs); apply()
 * calls the same control functions as the CLI, in this order: table size,
 * timeouts, pool, interfaces, mappings.
 *
 *   nat44:
 *     sessions: 1048576                    # total over workers (at least 64)
 *     addresses: [192.0.2.100, 192.0.2.110-192.0.2.120]
 *     inside: [lan0]
 *     outside: [wan0]
 *     static-mappings:
 *       - { protocol: tcp, local: 10.0.1.2, local-port: 80, external: 192.0.2.100, external-port: 8080 }
 *       - { local: 10.0.1.3, external: 192.0.2.101 }      # address-only
 *     identity-mappings:
 *       - { address: 10.0.1.1, protocol: tcp, port: 22 }
 *     timeouts: { udp: 300, tcp-established: 7440, tcp-transitory: 240, icmp: 60 }
 */
#define VN_LOG_MOD "nat44"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <vecnet/config.h>
#include <vecnet/net/interface.h>

#include "nat44.h"

static const char *const proto_names[] = {"tcp", "udp", NULL};

static const struct vn_cfg_field static_fields[] = {
	{.key = "protocol", .type = VN_CFG_T_ENUM, .enum_values = proto_names,
	 .example = "tcp", .doc = "With the ports: a port forward of this protocol"},
	{.key = "local", .type = VN_CFG_T_SCALAR, .scalar = &vn_cfg_ip4, .required = true,
	 .example = "10.0.1.2", .doc = "Inside address"},
	{.key = "local-port", .type = VN_CFG_T_INT, .min = 1, .max = 65535,
	 .example = "80", .doc = "Inside port (with protocol)"},
	{.key = "external", .type = VN_CFG_T_SCALAR, .scalar = &vn_cfg_ip4, .required = true,
	 .example = "192.0.2.100", .doc = "Outside address the inside one is reached at"},
	{.key = "external-port", .type = VN_CFG_T_INT, .min = 1, .max = 65535,
	 .example = "8080", .doc = "Outside port (with protocol)"},
	{.key = NULL},
};

static const struct vn_cfg_field identity_fields[] = {
	{.key = "address", .type = VN_CFG_T_SCALAR, .scalar = &vn_cfg_ip4, .required = true,
	 .example = "10.0.1.1", .doc = "Address translated to itself (the router's own services)"},
	{.key = "protocol", .type = VN_CFG_T_ENUM, .enum_values = proto_names,
	 .example = "tcp", .doc = "Only this protocol (with port)"},
	{.key = "port", .type = VN_CFG_T_INT, .min = 1, .max = 65535,
	 .example = "22", .doc = "Only this port (with protocol)"},
	{.key = NULL},
};

static const struct vn_cfg_field timeout_fields[] = {
	{.key = "udp", .type = VN_CFG_T_INT, .min = 1, .max = 86400 * 7,
	 .def = "300", .example = "120", .doc = "Seconds an idle UDP session lives"},
	{.key = "tcp-established", .type = VN_CFG_T_INT, .min = 1, .max = 86400 * 7,
	 .def = "7440", .example = "3600", .doc = "Seconds an idle established TCP session lives"},
	{.key = "tcp-transitory", .type = VN_CFG_T_INT, .min = 1, .max = 86400 * 7,
	 .def = "240", .example = "60", .doc = "Seconds a TCP session opening or closing lives"},
	{.key = "icmp", .type = VN_CFG_T_INT, .min = 1, .max = 86400 * 7,
	 .def = "60", .example = "30", .doc = "Seconds an ICMP echo session lives"},
	{.key = NULL},
};

static const struct vn_cfg_field nat44_fields[] = {
	{.key = "sessions", .type = VN_CFG_T_INT, .min = NAT44_MIN_SESSIONS,
	 .max = NAT44_MAX_SESSIONS,
	 .def = "1048576", .example = "65536", .doc = "Session table size, total over workers"},
	{.key = "addresses", .type = VN_CFG_T_SCALAR_OR_LIST, .elem = VN_CFG_T_STR, .max_len = 40,
	 .example = "[192.0.2.100, 192.0.2.110-192.0.2.120]", .doc = "Outside address pool: addresses or ranges A-B"},
	{.key = "inside", .type = VN_CFG_T_SCALAR_OR_LIST, .elem = VN_CFG_T_STR,
	 .max_len = VN_IFNAME_MAX - 1,
	 .example = "[lan0]", .doc = "Interfaces on the private side"},
	{.key = "outside", .type = VN_CFG_T_SCALAR_OR_LIST, .elem = VN_CFG_T_STR,
	 .max_len = VN_IFNAME_MAX - 1,
	 .example = "[wan0]", .doc = "Interfaces on the public side"},
	{.key = "static-mappings", .type = VN_CFG_T_LIST, .elem = VN_CFG_T_MAP,
	 .fields = static_fields,
	 .doc = "One-to-one or port-forward mappings, as `nat44 add static mapping`"},
	{.key = "identity-mappings", .type = VN_CFG_T_LIST, .elem = VN_CFG_T_MAP,
	 .fields = identity_fields,
	 .doc = "Addresses (and ports) left untranslated"},
	{.key = "timeouts", .type = VN_CFG_T_MAP, .fields = timeout_fields,
	 .doc = "Session idle timeouts in seconds"},
	{.key = NULL},
};

/* "A" or "A-B" (spaces around the dash allowed). 0 or -EINVAL. */
static int
parse_range(const char *s, uint32_t *lo, uint32_t *hi)
{
	char a[20], b[20];
	const char *dash = strchr(s, '-');
	size_t la;

	if (!dash)
		return vn_parse_ip4(s, lo) < 0 ? -EINVAL : (*hi = *lo, 0);
	la = (size_t)(dash - s);
	while (la && s[la - 1] == ' ')
		la--;
	while (dash[1] == ' ')
		dash++;
	if (la >= sizeof(a) || strlen(dash + 1) >= sizeof(b))
		return -EINVAL;
	memcpy(a, s, la);
	a[la] = '\0';
	strcpy(b, dash + 1);
	if (vn_parse_ip4(a, lo) < 0 || vn_parse_ip4(b, hi) < 0 || *hi < *lo ||
	    *hi - *lo >= NAT44_MAX_POOL)
		return -EINVAL;
	return 0;
}

/* Calls fn on each scalar of a scalar-or-list node. */
static int
each_scalar(const struct vn_cfg_node *n, int (*fn)(const struct vn_cfg_node *, void *), void *ctx)
{
	int rc;

	if (!n)
		return 0;
	if (n->type == VN_CFG_SCALAR)
		return fn(n, ctx);
	for (const struct vn_cfg_node *c = n->child; c; c = c->next)
		if ((rc = fn(c, ctx)) != 0)
			return rc;
	return 0;
}

static int
check_addr(const struct vn_cfg_node *n, void *ctx)
{
	uint32_t lo, hi;

	if (parse_range(n->value, &lo, &hi) < 0)
		vn_cfg_error(ctx, n,
			     "nat44.addresses: expected an IPv4 address or a range A-B of at most "
			     "%u addresses, got '%s'",
			     NAT44_MAX_POOL, n->value);
	return 0;
}

static int
nat44_cfg_check(struct vn_cfg_errors *e, const struct vn_cfg_node *sec)
{
	const struct vn_cfg_node *l;
	int before = e->count;

	each_scalar(vn_cfg_map_get(sec, "addresses"), check_addr, e);
	if ((l = vn_cfg_map_get(sec, "static-mappings")))
		for (const struct vn_cfg_node *m = l->child; m; m = m->next) {
			bool proto = vn_cfg_map_get(m, "protocol") != NULL;
			bool lp = vn_cfg_map_get(m, "local-port") != NULL;
			bool ep = vn_cfg_map_get(m, "external-port") != NULL;
			if (proto != lp || proto != ep)
				vn_cfg_error(e, m,
					     "nat44.static-mappings: a port forward needs protocol, "
					     "local-port and external-port; an address-only mapping "
					     "none of them");
		}
	if ((l = vn_cfg_map_get(sec, "identity-mappings")))
		for (const struct vn_cfg_node *m = l->child; m; m = m->next)
			if ((vn_cfg_map_get(m, "protocol") != NULL) !=
			    (vn_cfg_map_get(m, "port") != NULL))
				vn_cfg_error(e, m,
					     "nat44.identity-mappings: protocol and port go together");
	return e->count - before;
}

static int
apply_addr(const struct vn_cfg_node *n, void *ctx)
{
	uint32_t lo, hi;
	int rc;

	if (parse_range(n->value, &lo, &hi) < 0)
		return -EINVAL;
	rc = nat44_addr_range(lo, hi, true);
	if (rc < 0)
		VN_ERR("nat44.addresses: %s: %s", n->value, nat44_strerror(rc));
	return rc;
}

static int
apply_if(const struct vn_cfg_node *n, void *ctx)
{
	bool inside = *(bool *)ctx;
	struct vn_interface *ifp = vn_interface_by_name(n->value);
	int rc;

	if (!ifp) {
		VN_ERR("nat44.%s: no interface '%s'", inside ? "inside" : "outside", n->value);
		return -ENODEV;
	}
	rc = nat44_interface_set(ifp->if_index, inside, true);
	if (rc < 0)
		VN_ERR("nat44.%s: %s: %s", inside ? "inside" : "outside", n->value,
		       rc == -EINVAL ? "already inside or outside" : nat44_strerror(rc));
	return rc;
}

static uint8_t
cfg_proto(const struct vn_cfg_node *m)
{
	const char *p = vn_cfg_get_str(m, "protocol", NULL);

	return !p ? 0 : strcmp(p, "tcp") == 0 ? IPPROTO_TCP : IPPROTO_UDP;
}

static uint32_t
cfg_ip4(const struct vn_cfg_node *m, const char *key)
{
	uint32_t a = 0;

	vn_parse_ip4(vn_cfg_get_str(m, key, "0.0.0.0"), &a);
	return a;
}

static int
nat44_cfg_apply(const struct vn_cfg_node *sec)
{
	const struct vn_cfg_node *l, *t;
	bool inside;
	int rc;

	if ((rc = nat44_enable((uint32_t)vn_cfg_get_int(sec, "sessions", nat44_main.max_sessions))) < 0) {
		VN_ERR("nat44.sessions: %s", nat44_strerror(rc));
		return rc;
	}
	if ((t = vn_cfg_map_get(sec, "timeouts"))) {
		struct nat44_timeouts to = {
			.udp = (uint32_t)vn_cfg_get_int(t, "udp", 0),
			.tcp_est = (uint32_t)vn_cfg_get_int(t, "tcp-established", 0),
			.tcp_trans = (uint32_t)vn_cfg_get_int(t, "tcp-transitory", 0),
			.icmp = (uint32_t)vn_cfg_get_int(t, "icmp", 0),
		};
		if ((rc = nat44_set_timeouts(&to)) < 0)
			return rc;
	}
	if ((rc = each_scalar(vn_cfg_map_get(sec, "addresses"), apply_addr, NULL)) < 0)
		return rc;
	inside = true;
	if ((rc = each_scalar(vn_cfg_map_get(sec, "inside"), apply_if, &inside)) < 0)
		return rc;
	inside = false;
	if ((rc = each_scalar(vn_cfg_map_get(sec, "outside"), apply_if, &inside)) < 0)
		return rc;
	if ((l = vn_cfg_map_get(sec, "static-mappings")))
		for (const struct vn_cfg_node *m = l->child; m; m = m->next) {
			rc = nat44_static_mapping(cfg_ip4(m, "local"),
						  (uint16_t)vn_cfg_get_int(m, "local-port", 0),
						  cfg_ip4(m, "external"),
						  (uint16_t)vn_cfg_get_int(m, "external-port", 0),
						  cfg_proto(m), false, true);
			if (rc < 0) {
				VN_ERR("nat44.static-mappings (line %d): %s", m->line,
				       nat44_strerror(rc));
				return rc;
			}
		}
	if ((l = vn_cfg_map_get(sec, "identity-mappings")))
		for (const struct vn_cfg_node *m = l->child; m; m = m->next) {
			uint32_t a = cfg_ip4(m, "address");
			uint16_t p = (uint16_t)vn_cfg_get_int(m, "port", 0);
			rc = nat44_static_mapping(a, p, a, p, cfg_proto(m), true, true);
			if (rc < 0) {
				VN_ERR("nat44.identity-mappings (line %d): %s", m->line,
				       nat44_strerror(rc));
				return rc;
			}
		}
	return 0;
}

VN_CONFIG_SECTION(nat44) = {
	.name = "nat44",
	.doc = "Endpoint-dependent NAT44 (docs/nat44.md): the outside pool, which interfaces "
	       "are inside and outside, mappings and timeouts; applied with the same calls as "
	       "the `nat44` commands.",
	.fields = nat44_fields,
	.check = nat44_cfg_check,
	.apply = nat44_cfg_apply,
};
