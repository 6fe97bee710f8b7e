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
 * then 4-byte input groups, as DPDK's l3fwd-acl lays out IPv4. IPv6
 * (struct acl_key6) has its own context per list, with each address as four
 * 4-byte fields (rte_acl fields are at most 4 bytes), as l3fwd-acl's IPv6.
 * An applied list's rules are numbered once across both families, so the
 * priorities and userdata of both contexts index the same refs[].
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <rte_malloc.h>

#include "acl.h"

enum { F_PROTO, F_SRC, F_DST, F_SPORT, F_DPORT, F_FLAGS, F_N };

RTE_ACL_RULE_DEF(acl_rte_rule, F_N);

enum {
	F6_PROTO,
	F6_SRC0, F6_SRC1, F6_SRC2, F6_SRC3,
	F6_DST0, F6_DST1, F6_DST2, F6_DST3,
	F6_SPORT, F6_DPORT, F6_FLAGS, F6_N
};

RTE_ACL_RULE_DEF(acl_rte_rule6, F6_N);

#define ADDR6_FIELD(f, i, member, w)                                                               \
	[f] = {.type = RTE_ACL_FIELD_TYPE_MASK, .size = 4, .field_index = f, .input_index = i,    \
	       .offset = offsetof(struct acl_key6, member) + 4 * (w)}

static const struct rte_acl_field_def acl_field_defs6[F6_N] = {
	[F6_PROTO] = {.type = RTE_ACL_FIELD_TYPE_BITMASK, .size = 1, .field_index = F6_PROTO,
		      .input_index = 0, .offset = offsetof(struct acl_key6, proto)},
	ADDR6_FIELD(F6_SRC0, 1, src, 0),
	ADDR6_FIELD(F6_SRC1, 2, src, 1),
	ADDR6_FIELD(F6_SRC2, 3, src, 2),
	ADDR6_FIELD(F6_SRC3, 4, src, 3),
	ADDR6_FIELD(F6_DST0, 5, dst, 0),
	ADDR6_FIELD(F6_DST1, 6, dst, 1),
	ADDR6_FIELD(F6_DST2, 7, dst, 2),
	ADDR6_FIELD(F6_DST3, 8, dst, 3),
	[F6_SPORT] = {.type = RTE_ACL_FIELD_TYPE_RANGE, .size = 2, .field_index = F6_SPORT,
		      .input_index = 9, .offset = offsetof(struct acl_key6, sport)},
	[F6_DPORT] = {.type = RTE_ACL_FIELD_TYPE_RANGE, .size = 2, .field_index = F6_DPORT,
		      .input_index = 9, .offset = offsetof(struct acl_key6, dport)},
	[F6_FLAGS] = {.type = RTE_ACL_FIELD_TYPE_BITMASK, .size = 4, .field_index = F6_FLAGS,
		      .input_index = 10, .offset = offsetof(struct acl_key6, tcp_flags)},
};

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

/* One IPv6 address of a rule as four MASK fields: rte_acl takes the values
 * in host order, and each word's mask is the prefix bits that fall in it. */
static void
addr6_to_rte(const struct vn_prefix6 *p, struct rte_acl_field *f)
{
	for (uint32_t w = 0; w < 4; w++) {
		uint32_t v;
		int bits = (int)p->len - 32 * (int)w;

		memcpy(&v, &p->addr.b[4 * w], 4);
		f[w].value.u32 = rte_be_to_cpu_32(v);
		f[w].mask_range.u32 = bits <= 0 ? 0 : bits >= 32 ? 32 : (uint32_t)bits;
	}
}

static void
rule_to_rte6(const struct acl_rule *r, uint32_t prio, uint32_t userdata,
	     struct acl_rte_rule6 *o)
{
	*o = (struct acl_rte_rule6){0};
	o->data.category_mask = 1;
	o->data.priority = (int32_t)prio;
	o->data.userdata = userdata;
	o->field[F6_PROTO].value.u8 = r->proto;
	o->field[F6_PROTO].mask_range.u8 = r->proto ? 0xff : 0;
	addr6_to_rte(&r->src6, &o->field[F6_SRC0]);
	addr6_to_rte(&r->dst6, &o->field[F6_DST0]);
	o->field[F6_SPORT].value.u16 = r->proto ? r->sport_lo : 0;
	o->field[F6_SPORT].mask_range.u16 = r->proto ? r->sport_hi : 65535;
	o->field[F6_DPORT].value.u16 = r->proto ? r->dport_lo : 0;
	o->field[F6_DPORT].mask_range.u16 = r->proto ? r->dport_hi : 65535;
	o->field[F6_FLAGS].value.u32 = (uint32_t)r->tcp_flags_value << 24;
	o->field[F6_FLAGS].mask_range.u32 = (uint32_t)r->tcp_flags_mask << 24;
}

void
acl_list_free(struct acl_list_fp *fp)
{
	if (!fp)
		return;
	rte_acl_free(fp->ctx);
	rte_acl_free(fp->ctx6);
	rte_free(fp);
}

/* One family's context from n rules of rule_size bytes. */
static struct rte_acl_ctx *
ctx_build(const void *rules, uint32_t n, uint32_t n_fields, const struct rte_acl_field_def *defs,
	  char *err, size_t len)
{
	static uint64_t generation; /* rte_acl_create returns an existing context by name */
	struct rte_acl_config cfg = {.num_categories = 1, .num_fields = n_fields};
	char name[RTE_ACL_NAMESIZE];
	struct rte_acl_ctx *ctx;
	int rc;

	snprintf(name, sizeof(name), "acl%" PRIu64, ++generation);
	ctx = rte_acl_create(&(struct rte_acl_param){
		.name = name,
		.socket_id = SOCKET_ID_ANY,
		.rule_size = RTE_ACL_RULE_SZ(n_fields),
		.max_rule_num = n,
	});
	if (!ctx) {
		build_err(err, len, "rte_acl_create: %s", rte_strerror(rte_errno));
		return NULL;
	}
	rc = rte_acl_add_rules(ctx, rules, n);
	if (rc < 0) {
		build_err(err, len, "rte_acl_add_rules: %s", strerror(-rc));
		goto fail;
	}
	memcpy(cfg.defs, defs, n_fields * sizeof(defs[0]));
	rc = rte_acl_build(ctx, &cfg);
	if (rc < 0) {
		build_err(err, len, "rte_acl_build of %u rules: %s", n, strerror(-rc));
		goto fail;
	}
	return ctx;
fail:
	rte_acl_free(ctx);
	return NULL;
}

static bool
prefix6_match(const struct vn_prefix6 *p, const uint32_t a[4])
{
	return vn_prefix6_contains(p, (const struct vn_ip6 *)a);
}

uint32_t
acl_list_match_fragment(const struct acl_list_fp *fp, const void *key, bool is_ip6)
{
	for (uint32_t k = 0; k < fp->n_rules; k++) {
		const struct acl_rule *r = fp->refs[k].rule;

		if (r->is_ip6 != is_ip6)
			continue;
		if (is_ip6) {
			const struct acl_key6 *p = key;
			if (!prefix6_match(&r->src6, p->src) || !prefix6_match(&r->dst6, p->dst) ||
			    (r->proto && r->proto != p->proto))
				continue;
		} else {
			const struct acl_key *p = key;
			uint32_t src = rte_be_to_cpu_32(p->src), dst = rte_be_to_cpu_32(p->dst);
			if ((src & vn_prefix_mask(r->src.len)) != r->src.addr ||
			    (dst & vn_prefix_mask(r->dst.len)) != r->dst.addr ||
			    (r->proto && r->proto != p->proto))
				continue;
		}
		return k + 1;
	}
	return 0;
}

struct acl_list_fp *
acl_list_build(struct acl *const *acls, const uint32_t *indices, uint32_t n_acls, char *err,
	       size_t len)
{
	struct acl_rte_rule *rr = NULL;
	struct acl_rte_rule6 *rr6 = NULL;
	struct acl_list_fp *fp;
	uint32_t total = 0, k = 0, n4 = 0, n6 = 0;

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
	rr6 = malloc(total * sizeof(*rr6));
	if (!rr || !rr6)
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
				.rule = &a->rules[r],
			};
			if (a->rules[r].is_ip6)
				rule_to_rte6(&a->rules[r], total - k, k + 1, &rr6[n6++]);
			else
				rule_to_rte(&a->rules[r], total - k, k + 1, &rr[n4++]);
		}
	}
	if (n4 && !(fp->ctx = ctx_build(rr, n4, F_N, acl_field_defs, err, len)))
		goto fail;
	if (n6 && !(fp->ctx6 = ctx_build(rr6, n6, F6_N, acl_field_defs6, err, len)))
		goto fail;
	free(rr);
	free(rr6);
	return fp;
nomem:
	build_err(err, len, "out of memory for %u rules", total);
fail:
	free(rr);
	free(rr6);
	acl_list_free(fp);
	return NULL;
}
