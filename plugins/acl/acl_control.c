/*
 * The control API the CLI, the config section and Lua call: the table of
 * ACLs (numbered from 0 in creation order, a freed index reused, as VPP's
 * pool does) and the ordered list applied to each interface direction.
 *
 * Every change builds the new classifiers first, and only when all of them
 * built does it publish them (one release store each), wait for a grace
 * period and free what they replaced. A failed build changes nothing: the
 * old ACL and its classifiers stay in force.
 */
#define VN_LOG_MOD "acl"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <vecnet/net/feature.h>
#include <vecnet/net/interface.h>
#include <vecnet/rcu.h>

#include "acl.h"

struct acl_list_fp *acl_fp_table[ACL_N_DIR][VN_IF_MAX];

static struct acl *acls[ACL_MAX];
static struct {
	uint32_t n;
	uint32_t acl[ACL_LIST_MAX];
} if_lists[VN_IF_MAX][ACL_N_DIR];
static uint32_t n_threads;

/* A list applied to an interface direction filters both families (VPP): its
 * node on the IPv4 arc and its node on the IPv6 arc. */
static const char *const dir_node[ACL_N_DIR][2] = {{ACL_NODE_IN, ACL_NODE_IN6},
						   {ACL_NODE_OUT, ACL_NODE_OUT6}};
static const char *const dir_arc[ACL_N_DIR][2] = {{"ip4-unicast", "ip6-unicast"},
						  {"ip4-output", "ip6-output"}};

/* Both families' features of an interface direction on or off; the first
 * failure is returned (the other family is put back as it was). */
static int
features_set(uint32_t if_index, enum acl_dir dir, bool on)
{
	int rc = vn_feature_enable(if_index, dir_arc[dir][0], dir_node[dir][0], on);

	if (rc < 0)
		return rc;
	rc = vn_feature_enable(if_index, dir_arc[dir][1], dir_node[dir][1], on);
	if (rc < 0)
		vn_feature_enable(if_index, dir_arc[dir][0], dir_node[dir][0], !on);
	return rc;
}

static int
ctl_err(char *err, size_t len, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err && len) {
		va_start(ap, fmt);
		vsnprintf(err, len, fmt, ap);
		va_end(ap);
	}
	return rc;
}

uint32_t
acl_n_threads(void)
{
	if (!n_threads) {
		/* Thread indices are 0 (main) and 1..workers: one per lcore at most. */
		n_threads = rte_lcore_count() + 1;
		if (n_threads > ACL_MAX_THREADS)
			n_threads = ACL_MAX_THREADS;
	}
	return n_threads;
}

void
acl_control_init(void)
{
	acl_n_threads();
}

static void
acl_free(struct acl *a)
{
	if (!a)
		return;
	free(a->rules);
	free(a->base);
	rte_free(a->counters);
	free(a);
}

static struct acl *
acl_new(const struct acl_rule *rules, uint32_t n, const char *tag)
{
	struct acl *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->n_rules = n;
	a->rules = malloc(n * sizeof(*rules));
	a->base = calloc(n, sizeof(*a->base));
	a->n_threads = acl_n_threads();
	/* A cache line holds 4 counters: each thread's row starts on its own. */
	a->stride = RTE_ALIGN_CEIL(n, RTE_CACHE_LINE_SIZE / sizeof(struct acl_counter));
	a->counters = rte_zmalloc("acl_counters",
				  (size_t)a->stride * a->n_threads * sizeof(struct acl_counter),
				  RTE_CACHE_LINE_SIZE);
	if (!a->rules || !a->counters || !a->base) {
		acl_free(a);
		return NULL;
	}
	memcpy(a->rules, rules, n * sizeof(*rules));
	for (uint32_t i = 0; i < n; i++)
		a->has_reflect |= rules[i].action == ACL_PERMIT_REFLECT;
	snprintf(a->tag, sizeof(a->tag), "%s", tag ? tag : "");
	return a;
}

const struct acl *
acl_get(uint32_t index)
{
	return index < ACL_MAX ? acls[index] : NULL;
}

uint32_t
acl_count_slots(void)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < ACL_MAX; i++)
		if (acls[i])
			n = i + 1;
	return n;
}

uint32_t
acl_interface_list(uint32_t if_index, enum acl_dir dir, const uint32_t **list)
{
	if (if_index >= VN_IF_MAX) {
		*list = NULL;
		return 0;
	}
	*list = if_lists[if_index][dir].acl;
	return if_lists[if_index][dir].n;
}

static void
rule_counter_raw(const struct acl *a, uint32_t rule, struct acl_counter *sum)
{
	*sum = (struct acl_counter){0};
	for (uint32_t t = 0; t < a->n_threads; t++) {
		const struct acl_counter *c = &a->counters[(size_t)t * a->stride + rule];
		sum->packets += __atomic_load_n(&c->packets, __ATOMIC_RELAXED);
		sum->bytes += __atomic_load_n(&c->bytes, __ATOMIC_RELAXED);
	}
}

void
acl_rule_counter(const struct acl *a, uint32_t rule, struct acl_counter *sum)
{
	rule_counter_raw(a, rule, sum);
	sum->packets -= a->base[rule].packets;
	sum->bytes -= a->base[rule].bytes;
}

void
acl_counters_clear(void)
{
	for (uint32_t i = 0; i < ACL_MAX; i++)
		if (acls[i])
			for (uint32_t r = 0; r < acls[i]->n_rules; r++)
				rule_counter_raw(acls[i], r, &acls[i]->base[r]);
	acl_if_counters_clear();
}

/* Would these lists hold a permit+reflect rule (with `a` standing in for
 * ACL `idx`)? */
static bool
if_has_reflect(uint32_t if_index, uint32_t idx, const struct acl *a)
{
	for (int d = 0; d < ACL_N_DIR; d++)
		for (uint32_t k = 0; k < if_lists[if_index][d].n; k++) {
			uint32_t x = if_lists[if_index][d].acl[k];
			const struct acl *use = x == idx && a ? a : acls[x];
			if (use && use->has_reflect)
				return true;
		}
	return false;
}

/* Publishes which interfaces look sessions up; after the lists changed. */
static void
reflect_flags_update(void)
{
	for (uint32_t i = 0; i < VN_IF_MAX; i++) {
		uint8_t v = if_has_reflect(i, UINT32_MAX, NULL);
		if (acl_if_reflect[i] != v)
			__atomic_store_n(&acl_if_reflect[i], v, __ATOMIC_RELEASE);
	}
}

/* Builds the classifier of an interface direction's list, with `replace`
 * standing in for ACL `replace_index` when given. */
static struct acl_list_fp *
build_for(uint32_t if_index, enum acl_dir dir, const uint32_t *list, uint32_t n,
	  uint32_t replace_index, struct acl *replace, char *err, size_t len)
{
	struct acl *use[ACL_LIST_MAX];

	for (uint32_t i = 0; i < n; i++)
		use[i] = list[i] == replace_index && replace ? replace : acls[list[i]];
	return acl_list_build(use, list, n, err, len);
}

static bool
acl_in_use(uint32_t idx)
{
	for (uint32_t i = 0; i < VN_IF_MAX; i++)
		for (int d = 0; d < ACL_N_DIR; d++)
			for (uint32_t k = 0; k < if_lists[i][d].n; k++)
				if (if_lists[i][d].acl[k] == idx)
					return true;
	return false;
}

int
acl_set(int32_t index, const struct acl_rule *rules, uint32_t n, const char *tag,
	uint32_t *out_index, char *err, size_t len)
{
	struct acl_list_fp *fresh[VN_IF_MAX][ACL_N_DIR] = {{NULL}};
	struct acl_list_fp *old_fp[VN_IF_MAX][ACL_N_DIR] = {{NULL}};
	struct acl *a, *old;
	uint32_t idx;
	char e[200];

	if (n == 0)
		return ctl_err(err, len, -EINVAL, "an ACL needs at least one rule");
	if (n > ACL_RULES_MAX)
		return ctl_err(err, len, -EINVAL, "%u rules, at most %u", n, ACL_RULES_MAX);
	if (index >= 0) {
		if ((uint32_t)index >= ACL_MAX || !acls[index])
			return ctl_err(err, len, -ENOENT, "no ACL with index %d to replace", index);
		idx = (uint32_t)index;
	} else {
		for (idx = 0; idx < ACL_MAX && acls[idx]; idx++)
			;
		if (idx == ACL_MAX)
			return ctl_err(err, len, -ENOSPC, "ACL table full (%u)", ACL_MAX);
	}
	a = acl_new(rules, n, tag);
	if (!a)
		return ctl_err(err, len, -ENOMEM, "out of memory for %u rules", n);
	if (a->has_reflect && acl_in_use(idx) && acl_sess_table_ensure(e, sizeof(e)) < 0) {
		acl_free(a);
		return ctl_err(err, len, -ENOMEM, "ACL %u not changed: %s", idx, e);
	}
	/* Build every classifier that uses this ACL before touching anything. */
	for (uint32_t i = 0; i < VN_IF_MAX; i++) {
		for (int d = 0; d < ACL_N_DIR; d++) {
			bool uses = false;
			for (uint32_t k = 0; k < if_lists[i][d].n; k++)
				uses |= if_lists[i][d].acl[k] == idx;
			if (!uses)
				continue;
			fresh[i][d] = build_for(i, d, if_lists[i][d].acl, if_lists[i][d].n, idx, a,
						e, sizeof(e));
			if (!fresh[i][d]) {
				for (uint32_t j = 0; j <= i; j++)
					for (int dd = 0; dd < ACL_N_DIR; dd++)
						acl_list_free(fresh[j][dd]);
				acl_free(a);
				return ctl_err(err, len, -ENOMEM, "ACL %u not changed: %s", idx, e);
			}
		}
	}
	old = acls[idx];
	acls[idx] = a;
	for (uint32_t i = 0; i < VN_IF_MAX; i++)
		for (int d = 0; d < ACL_N_DIR; d++)
			if (fresh[i][d]) {
				old_fp[i][d] = acl_fp_table[d][i];
				__atomic_store_n(&acl_fp_table[d][i], fresh[i][d], __ATOMIC_RELEASE);
			}
	reflect_flags_update();
	/* Workers may still hold the old classifiers (and count into the old ACL). */
	vn_rcu_synchronize();
	for (uint32_t i = 0; i < VN_IF_MAX; i++)
		for (int d = 0; d < ACL_N_DIR; d++)
			acl_list_free(old_fp[i][d]);
	acl_free(old);
	if (out_index)
		*out_index = idx;
	VN_INFO("ACL %u %s: %u rule(s)", idx, old ? "replaced" : "created", n);
	return 0;
}

int
acl_delete(uint32_t index, char *err, size_t len)
{
	struct acl *a = index < ACL_MAX ? acls[index] : NULL;

	if (!a)
		return ctl_err(err, len, -ENOENT, "no ACL with index %u", index);
	for (uint32_t i = 0; i < VN_IF_MAX; i++)
		for (int d = 0; d < ACL_N_DIR; d++)
			for (uint32_t k = 0; k < if_lists[i][d].n; k++)
				if (if_lists[i][d].acl[k] == index) {
					const struct vn_interface *ifp = vn_interface_get(i);
					return ctl_err(err, len, -EBUSY,
						       "ACL %u is applied to %s %s: remove it first",
						       index, ifp ? ifp->name : "?",
						       d == ACL_DIR_IN ? "input" : "output");
				}
	acls[index] = NULL;
	/* Nothing published refers to it (no list has it), so no grace period. */
	acl_free(a);
	VN_INFO("ACL %u deleted", index);
	return 0;
}

int
acl_interface_set(uint32_t if_index, enum acl_dir dir, uint32_t acl_index, bool is_add,
		  char *err, size_t len)
{
	uint32_t list[ACL_LIST_MAX], n, pos = UINT32_MAX;
	struct acl_list_fp *fp = NULL, *old;
	const struct vn_interface *ifp = vn_interface_get(if_index);
	char e[200];
	int rc;

	if (!ifp || if_index >= VN_IF_MAX)
		return ctl_err(err, len, -ENODEV, "no interface with index %u", if_index);
	if (!acl_get(acl_index))
		return ctl_err(err, len, -ENOENT, "no ACL with index %u", acl_index);
	n = if_lists[if_index][dir].n;
	memcpy(list, if_lists[if_index][dir].acl, n * sizeof(list[0]));
	for (uint32_t k = 0; k < n; k++)
		if (list[k] == acl_index)
			pos = k;
	if (is_add) {
		if (pos != UINT32_MAX)
			return ctl_err(err, len, -EEXIST, "ACL %u is already applied to %s %s",
				       acl_index, ifp->name, dir == ACL_DIR_IN ? "input" : "output");
		if (n == ACL_LIST_MAX)
			return ctl_err(err, len, -ENOSPC, "%s already has %u ACLs", ifp->name,
				       ACL_LIST_MAX);
		list[n++] = acl_index;
	} else {
		if (pos == UINT32_MAX)
			return ctl_err(err, len, -ENOENT, "ACL %u is not applied to %s %s",
				       acl_index, ifp->name, dir == ACL_DIR_IN ? "input" : "output");
		memmove(&list[pos], &list[pos + 1], (n - pos - 1) * sizeof(list[0]));
		n--;
	}
	if (is_add && acls[acl_index]->has_reflect && acl_sess_table_ensure(e, sizeof(e)) < 0)
		return ctl_err(err, len, -ENOMEM, "%s not changed: %s", ifp->name, e);
	if (n) {
		fp = build_for(if_index, dir, list, n, UINT32_MAX, NULL, e, sizeof(e));
		if (!fp)
			return ctl_err(err, len, -ENOMEM, "%s not changed: %s", ifp->name, e);
	}
	/* Publish the list before the feature goes on, and take the feature off
	 * before the list goes away: a packet in the node always has a list, or
	 * (briefly, while being removed) passes as if none were applied. */
	old = acl_fp_table[dir][if_index];
	if (fp) {
		__atomic_store_n(&acl_fp_table[dir][if_index], fp, __ATOMIC_RELEASE);
		rc = features_set(if_index, dir, true);
	} else {
		rc = features_set(if_index, dir, false);
		__atomic_store_n(&acl_fp_table[dir][if_index], NULL, __ATOMIC_RELEASE);
	}
	if (rc < 0) {
		/* Only before the graph exists; put the old list back. */
		__atomic_store_n(&acl_fp_table[dir][if_index], old, __ATOMIC_RELEASE);
		vn_rcu_synchronize();
		acl_list_free(fp);
		return ctl_err(err, len, rc, "cannot %s feature %s on %s: %s",
			       fp ? "enable" : "disable", dir_node[dir][0], ifp->name,
			       strerror(-rc));
	}
	if_lists[if_index][dir].n = n;
	memcpy(if_lists[if_index][dir].acl, list, n * sizeof(list[0]));
	reflect_flags_update();
	vn_rcu_synchronize();
	acl_list_free(old);
	/* After the grace period no thread classifies with the old list, so no
	 * session of this ACL here can be made any more: delete those there are
	 * (VPP does so too), here on the main thread, off the fast path. */
	if (!is_add) {
		uint32_t gone = acl_sessions_purge(if_index, dir, acl_index);
		if (gone)
			VN_INFO("%s %s: %u session(s) of ACL %u deleted", ifp->name,
				dir == ACL_DIR_IN ? "input" : "output", gone, acl_index);
	}
	VN_INFO("%s %s: ACL %u %s (%u ACL(s) applied)", ifp->name,
		dir == ACL_DIR_IN ? "input" : "output", acl_index, is_add ? "added" : "removed", n);
	return 0;
}

void
acl_reset(void)
{
	for (uint32_t i = 0; i < VN_IF_MAX; i++)
		for (int d = 0; d < ACL_N_DIR; d++)
			while (if_lists[i][d].n)
				if (acl_interface_set(i, d,
						      if_lists[i][d].acl[if_lists[i][d].n - 1],
						      false, NULL, 0) < 0)
					break;
	for (uint32_t i = 0; i < ACL_MAX; i++)
		if (acls[i])
			acl_delete(i, NULL, 0);
}

void
acl_control_fini(void)
{
	/* At exit the workers have stopped: free without waiting. */
	for (uint32_t i = 0; i < VN_IF_MAX; i++)
		for (int d = 0; d < ACL_N_DIR; d++) {
			acl_list_free(acl_fp_table[d][i]);
			acl_fp_table[d][i] = NULL;
			if_lists[i][d].n = 0;
		}
	for (uint32_t i = 0; i < ACL_MAX; i++) {
		acl_free(acls[i]);
		acls[i] = NULL;
	}
	memset(acl_if_reflect, 0, sizeof(acl_if_reflect));
	acl_sess_table_free();
}

/* An interface going away takes its ACL bindings, and their sessions, along:
 * the next interface given its index starts with none. */
static void
acl_interface_deleted(uint32_t if_index)
{
	char err[200];

	for (int d = 0; d < ACL_N_DIR && if_index < VN_IF_MAX; d++)
		while (if_lists[if_index][d].n) {
			uint32_t last = if_lists[if_index][d].acl[if_lists[if_index][d].n - 1];
			if (acl_interface_set(if_index, d, last, false, err, sizeof(err)) < 0) {
				VN_WARN("interface %u deleted: %s", if_index, err);
				break;
			}
		}
}

VN_INTERFACE_HOOKS(acl) = {
	.deleted = acl_interface_deleted,
};
