/*
 * The `acl:` config section:
 *
 *   acl:
 *     sessions: 65536              # the session table, shared by every thread
 *     session-timeouts: { tcp-idle: 86400, tcp-transient: 120, udp-idle: 600 }
 *     acls:                        # numbered 0, 1, ... in this order
 *       - tag: web
 *         rules:
 *           - permit+reflect src 10.0.1.0/24 proto tcp
 *           - deny proto icmp
 *     interfaces:
 *       - { name: lan1, input: [1], output: [0] }
 *
 * Rules use the CLI syntax (acl_rule.c). The schema checks types; check()
 * parses every rule and every ACL reference, reporting FILE:LINE:COL, so a
 * bad rule stops the engine from starting. apply() calls the control API.
 */
#define VN_LOG_MOD "acl"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <vecnet/config.h>
#include <vecnet/net/interface.h>

#include "acl.h"

static const struct vn_cfg_field acl_cfg_rule_list_fields[] = {
	{.key = "tag", .type = VN_CFG_T_STR, .max_len = ACL_TAG_MAX - 1,
	 .example = "web", .doc = "A name for the ACL in `show acl-plugin acl`"},
	{.key = "rules", .type = VN_CFG_T_LIST, .elem = VN_CFG_T_STR, .required = true,
	 .min_items = 1, .max_items = ACL_RULES_MAX, .max_len = 511,
	 .example = "[\"permit+reflect src 10.0.1.0/24 proto tcp\", \"deny\"]", .doc = "Rules in the CLI syntax, first match wins"},
	{.key = NULL},
};

static const struct vn_cfg_field acl_cfg_if_fields[] = {
	{.key = "name", .type = VN_CFG_T_STR, .required = true, .max_len = VN_IFNAME_MAX - 1,
	 .example = "lan1", .doc = "The interface"},
	{.key = "input", .type = VN_CFG_T_LIST, .elem = VN_CFG_T_INT, .min = 0, .max = ACL_MAX - 1,
	 .max_items = ACL_LIST_MAX,
	 .example = "[1]", .doc = "ACL numbers applied to packets it receives, in order"},
	{.key = "output", .type = VN_CFG_T_LIST, .elem = VN_CFG_T_INT, .min = 0, .max = ACL_MAX - 1,
	 .max_items = ACL_LIST_MAX,
	 .example = "[0]", .doc = "ACL numbers applied to packets it sends, in order"},
	{.key = NULL},
};

static const struct vn_cfg_field acl_cfg_timeout_fields[] = {
	{.key = "tcp-idle", .type = VN_CFG_T_INT, .min = 1, .max = 86400 * 7,
	 .def = "86400", .example = "3600", .doc = "Seconds an idle established TCP session lives"},
	{.key = "tcp-transient", .type = VN_CFG_T_INT, .min = 1, .max = 86400 * 7,
	 .def = "120", .example = "60", .doc = "Seconds a TCP session opening or closing lives"},
	{.key = "udp-idle", .type = VN_CFG_T_INT, .min = 1, .max = 86400 * 7,
	 .def = "600", .example = "120", .doc = "Seconds an idle UDP session lives"},
	{.key = NULL},
};

static const struct vn_cfg_field acl_cfg_fields[] = {
	{.key = "sessions", .type = VN_CFG_T_INT, .min = ACL_SESSIONS_MIN, .max = ACL_SESSIONS_MAX,
	 .def = "65536", .example = "262144", .doc = "Reflexive session table size, shared by every thread"},
	{.key = "session-timeouts", .type = VN_CFG_T_MAP, .fields = acl_cfg_timeout_fields,
	 .doc = "Idle timeouts of reflexive sessions"},
	{.key = "acls", .type = VN_CFG_T_LIST, .elem = VN_CFG_T_MAP,
	 .fields = acl_cfg_rule_list_fields, .max_items = ACL_MAX,
	 .doc = "ACLs, numbered 0, 1, ... in this order"},
	{.key = "interfaces", .type = VN_CFG_T_LIST, .elem = VN_CFG_T_MAP,
	 .fields = acl_cfg_if_fields, .max_items = VN_IF_MAX,
	 .doc = "Which ACLs each interface applies"},
	{.key = NULL},
};

static uint32_t
count_children(const struct vn_cfg_node *n)
{
	uint32_t k = 0;

	for (const struct vn_cfg_node *c = n ? n->child : NULL; c; c = c->next)
		k++;
	return k;
}

static int
acl_cfg_check(struct vn_cfg_errors *e, const struct vn_cfg_node *section)
{
	const struct vn_cfg_node *acls = vn_cfg_map_get(section, "acls");
	const struct vn_cfg_node *ifs = vn_cfg_map_get(section, "interfaces");
	uint32_t n_acls = count_children(acls), i = 0;
	int errors = 0;

	for (const struct vn_cfg_node *a = acls ? acls->child : NULL; a; a = a->next, i++) {
		const struct vn_cfg_node *rules = vn_cfg_map_get(a, "rules");
		uint32_t k = 0;
		for (const struct vn_cfg_node *r = rules ? rules->child : NULL; r; r = r->next, k++) {
			struct acl_rule rule;
			char err[200];
			if (acl_rule_parse(r->value, &rule, err, sizeof(err)) < 0) {
				vn_cfg_error(e, r, "acl.acls[%u].rules[%u]: %s", i, k, err);
				errors++;
			}
		}
	}
	i = 0;
	for (const struct vn_cfg_node *f = ifs ? ifs->child : NULL; f; f = f->next, i++) {
		static const char *const dirs[] = {"input", "output"};
		for (int d = 0; d < 2; d++) {
			const struct vn_cfg_node *l = vn_cfg_map_get(f, dirs[d]);
			uint32_t k = 0;
			for (const struct vn_cfg_node *x = l ? l->child : NULL; x; x = x->next, k++) {
				int64_t v;
				if (vn_cfg_parse_int(x->value, &v) == 0 && v >= n_acls) {
					vn_cfg_error(e, x,
						     "acl.interfaces[%u].%s[%u]: ACL %" PRId64
						     " is not defined (acl.acls has %u)",
						     i, dirs[d], k, v, n_acls);
					errors++;
				}
			}
		}
	}
	return errors;
}

static int
acl_cfg_apply(const struct vn_cfg_node *section)
{
	const struct vn_cfg_node *tmo = vn_cfg_map_get(section, "session-timeouts");
	const struct vn_cfg_node *acls = vn_cfg_map_get(section, "acls");
	const struct vn_cfg_node *ifs = vn_cfg_map_get(section, "interfaces");
	uint32_t n_acls = count_children(acls), i = 0, *index;
	char err[256];
	int rc = 0;

	if (tmo) {
		acl_timeout_tcp_s = (uint32_t)vn_cfg_get_int(tmo, "tcp-idle", acl_timeout_tcp_s);
		acl_timeout_tcp_transient_s = (uint32_t)vn_cfg_get_int(tmo, "tcp-transient",
								       acl_timeout_tcp_transient_s);
		acl_timeout_udp_s = (uint32_t)vn_cfg_get_int(tmo, "udp-idle", acl_timeout_udp_s);
	}
	if (vn_cfg_map_get(section, "sessions")) {
		rc = acl_sess_table_set_size(
			(uint32_t)vn_cfg_get_int(section, "sessions", ACL_SESSIONS_DEFAULT), err,
			sizeof(err));
		if (rc < 0) {
			VN_ERR("acl.sessions: %s", err);
			return rc;
		}
	}
	index = calloc(n_acls + 1, sizeof(*index));
	if (!index)
		return -ENOMEM;
	for (const struct vn_cfg_node *a = acls ? acls->child : NULL; a; a = a->next, i++) {
		const struct vn_cfg_node *rules = vn_cfg_map_get(a, "rules");
		uint32_t n = count_children(rules), k = 0;
		struct acl_rule *rr = calloc(n, sizeof(*rr));

		if (!rr) {
			rc = -ENOMEM;
			goto out;
		}
		for (const struct vn_cfg_node *r = rules->child; r; r = r->next, k++)
			if (acl_rule_parse(r->value, &rr[k], err, sizeof(err)) < 0) {
				VN_ERR("acl.acls[%u].rules[%u]: %s", i, k, err);
				free(rr);
				rc = -EINVAL;
				goto out;
			}
		rc = acl_set(-1, rr, n, vn_cfg_get_str(a, "tag", ""), &index[i], err, sizeof(err));
		free(rr);
		if (rc < 0) {
			VN_ERR("acl.acls[%u]: %s", i, err);
			goto out;
		}
	}
	for (const struct vn_cfg_node *f = ifs ? ifs->child : NULL; f; f = f->next) {
		const char *name = vn_cfg_get_str(f, "name", "");
		const struct vn_interface *ifp = vn_interface_by_name(name);
		static const char *const dirs[] = {"input", "output"};

		if (!ifp) {
			VN_ERR("acl.interfaces: no interface named '%s'", name);
			rc = -ENODEV;
			goto out;
		}
		for (int d = 0; d < 2; d++) {
			const struct vn_cfg_node *l = vn_cfg_map_get(f, dirs[d]);
			for (const struct vn_cfg_node *x = l ? l->child : NULL; x; x = x->next) {
				int64_t v = 0;
				vn_cfg_parse_int(x->value, &v);
				rc = acl_interface_set(ifp->if_index, d, index[v], true, err,
						       sizeof(err));
				if (rc < 0) {
					VN_ERR("acl.interfaces %s %s: %s", name, dirs[d], err);
					goto out;
				}
			}
		}
	}
out:
	free(index);
	return rc;
}

VN_CONFIG_SECTION(acl) = {
	.name = "acl",
	.doc = "Stateless and reflexive ACLs on interfaces (docs/acl.md), as the `set acl-plugin` "
	       "commands.",
	.fields = acl_cfg_fields,
	.check = acl_cfg_check,
	.apply = acl_cfg_apply,
};
