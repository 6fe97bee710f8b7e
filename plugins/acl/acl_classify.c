/*
 * Classifier build: one rte_acl context per applied list (interface,
 * direction), holding the rules of its ACLs in order. rte_acl returns the
 * matching rule of highest priority, so "first match wins" is mapped onto
 * descending priorities: rule k of N gets priority N - k; its userdata is
 * k + 1 (0 means no match: the implicit deny).
 *
 * Why rte_acl: a multi-bit trie over the key bytes classifies a whole vector
 * in one call, with SIMD (SSE/AVX2) across packets, and its cost grows with
 * the depth of the trie, not the number of rules: 1,000 rules cost about what
 * 10 do. The price is the build (milliseconds to seconds for large sets) and
 * immutability, hence: build here on the main thread, publish, free the old
 * context after an RCU grace period (acl_control.c).
 *
 * Field layout (struct acl_key): the first field is one byte (the protocol),
 * then 4-byte input groups, as DPDK's l3fwd-acl lays out IPv4.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <rte_malloc.h>

#include "acl.h"

enum { F_PROTO, F_SRC, F_DST, F_SPORT, F_DPORT, F_FLAGS, F_N };

RTE_ACL_RULE_DEF(acl_rte_rule, F_N);

static const struct rte_acl_field_def acl_field_defs[F_N] = {
	[F_PROTO] = {.type = RTE_ACL_FIELD_TYPE_BITMASK, .size = 1, .field_index = F_PROTO,
		     .input_index = 0, .offset = offsetof(struct acl_key, proto)},
	[F_SRC] = {.type = RTE_ACL_FIELD_TYPE_MASK, .size = 4, .field_index = F_SRC,
		   .input_index = 1, .offset = offsetof(struct acl_key, src)},
	[F_DST] = {.type = RTE_ACL_FIELD_TYPE_MASK, .size = 4, .field_index = F_DST,
		   .input_index = 2, .offset = offsetof(struct acl_key, dst)},
	[F_SPORT] = {.type = RTE_ACL_FIELD_TYPE_RANGE, .size = 2, .field_index = F_SPORT,
		     .input_index = 3, .offset = offsetof(struct acl_key, sport)},
	[F_DPORT] = {.type = RTE_ACL_FIELD_TYPE_RANGE, .size = 2, .field_index = F_DPORT,
		     .input_index = 3, .offset = offsetof(struct acl_key, dport)},
	[F_FLAGS] = {.type = RTE_ACL_FIELD_TYPE_BITMASK, .size = 4, .field_index = F_FLAGS,
		     .input_index = 4, .offset = offsetof(struct acl_key, tcp_flags)},
};

static int
build_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err && len) {
		va_start(ap, fmt);
		vsnprintf(err, len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void
rule_to_rte(const struct acl_rule *r, uint32_t prio, uint32_t userdata, struct acl_rte_rule *o)
{
	*o = (struct acl_rte_rule){0};
	o->data.category_mask = 1;
	o->data.priority = (int32_t)prio;
	o->data.userdata = userdata;
	o->field[F_PROTO].value.u8 = r->proto;
	o->field[F_PROTO].mask_range.u8 = r->proto ? 0xff : 0;
	o->field[F_SRC].value.u32 = r->src.addr;
	o->field[F_SRC].mask_range.u32 = r->src.len;
	o->field[F_DST].value.u32 = r->dst.addr;
	o->field[F_DST].mask_range.u32 = r->dst.len;
	/* Any-protocol rules must not depend on ports (non-TCP/UDP keys carry 0). */
	o->field[F_SPORT].value.u16 = r->proto ? r->sport_lo : 0;
	o->field[F_SPORT].mask_range.u16 = r->proto ? r->sport_hi : 65535;
	o->field[F_DPORT].value.u16 = r->proto ? r->dport_lo : 0;
	o->field[F_DPORT].mask_range.u16 = r->proto ? r->dport_hi : 65535;
	o->field[F_FLAGS].value.u32 = (uint32_t)r->tcp_flags_value << 24;
	o->field[F_FLAGS].mask_range.u32 = (uint32_t)r->tcp_flags_mask << 24;
}

void
acl_list_free(struct acl_list_fp *fp)
{
	if (!fp)
		return;
	rte_acl_free(fp->ctx);
	rte_free(fp);
}

struct acl_list_fp *
acl_list_build(struct acl *const *acls, const uint32_t *indices, uint32_t n_acls, char *err,
	       size_t len)
{
	static uint64_t generation; /* rte_acl_create returns an existing context by name */
	struct rte_acl_config cfg = {.num_categories = 1, .num_fields = F_N};
	struct acl_rte_rule *rr = NULL;
	struct acl_list_fp *fp;
	uint32_t total = 0, k = 0;
	char name[RTE_ACL_NAMESIZE];
	int rc;

	for (uint32_t i = 0; i < n_acls; i++)
		total += acls[i]->n_rules;
	if (total > ACL_LIST_RULES_MAX) {
		build_err(err, len, "%u rules in one applied list, at most %u", total,
			  ACL_LIST_RULES_MAX);
		return NULL;
	}
	fp = rte_zmalloc("acl_list", sizeof(*fp) + total * sizeof(fp->refs[0]),
			 RTE_CACHE_LINE_SIZE);
	if (!fp) {
		build_err(err, len, "out of memory for %u rules", total);
		return NULL;
	}
	fp->n_rules = total;
	if (total == 0)
		return fp;
	rr = malloc(total * sizeof(*rr));
	if (!rr)
		goto nomem;
	for (uint32_t i = 0; i < n_acls; i++) {
		struct acl *a = acls[i];
		for (uint32_t r = 0; r < a->n_rules; r++, k++) {
			fp->refs[k] = (struct acl_rule_ref){
				.counter = &a->counters[r],
				.stride = a->stride,
				.n_threads = a->n_threads,
				.action = a->rules[r].action,
				.acl_index = (uint16_t)indices[i],
				.rule_index = r,
			};
			rule_to_rte(&a->rules[r], total - k, k + 1, &rr[k]);
		}
	}
	snprintf(name, sizeof(name), "acl%" PRIu64, ++generation);
	fp->ctx = rte_acl_create(&(struct rte_acl_param){
		.name = name,
		.socket_id = SOCKET_ID_ANY,
		.rule_size = RTE_ACL_RULE_SZ(F_N),
		.max_rule_num = total,
	});
	if (!fp->ctx) {
		build_err(err, len, "rte_acl_create: %s", rte_strerror(rte_errno));
		goto fail;
	}
	rc = rte_acl_add_rules(fp->ctx, (const struct rte_acl_rule *)rr, total);
	if (rc < 0) {
		build_err(err, len, "rte_acl_add_rules: %s", strerror(-rc));
		goto fail;
	}
	memcpy(cfg.defs, acl_field_defs, sizeof(acl_field_defs));
	rc = rte_acl_build(fp->ctx, &cfg);
	if (rc < 0) {
		build_err(err, len, "rte_acl_build of %u rules: %s", total, strerror(-rc));
		goto fail;
	}
	free(rr);
	return fp;
nomem:
	build_err(err, len, "out of memory for %u rules", total);
fail:
	free(rr);
	acl_list_free(fp);
	return NULL;
}
