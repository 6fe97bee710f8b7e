/*
 * Node registry: nodes register themselves (constructors, plugins at load);
 * vn_graph_build() numbers them, resolves next arcs by name and assigns
 * global error codes. Error code 0 belongs to error-drop ("no reason given").
 */
#define VN_LOG_MOD "graph"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <vecnet/graph.h>

#include "core/graph_priv.h"

static struct vn_node_reg *reg_head;
static struct vn_node_reg *by_index[VN_NODE_MAX];
static uint32_t n_built;
static uint32_t n_error_codes;
static bool is_built;
/* next arc of node i resolved to a node index */
uint16_t vn_next_index[VN_NODE_MAX][VN_NEXT_MAX];

void
vn_node_register(struct vn_node_reg *reg)
{
	struct vn_node_reg **p = &reg_head;

	/* Keep registration order: the graph lists nodes the way files declare them. */
	while (*p)
		p = &(*p)->next_reg;
	reg->next_reg = NULL;
	*p = reg;
}

void
vn_node_unregister(struct vn_node_reg *reg)
{
	for (struct vn_node_reg **p = &reg_head; *p; p = &(*p)->next_reg)
		if (*p == reg) {
			*p = reg->next_reg;
			return;
		}
}

struct vn_node_reg *
vn_node_reg_by_name(const char *name)
{
	for (struct vn_node_reg *r = reg_head; r; r = r->next_reg)
		if (strcmp(r->name, name) == 0)
			return r;
	return NULL;
}

static struct vn_node_alias *alias_head;

void
vn_node_alias_register(struct vn_node_alias *a)
{
	a->next = alias_head;
	alias_head = a;
}

void
vn_node_alias_unregister(struct vn_node_alias *a)
{
	for (struct vn_node_alias **p = &alias_head; *p; p = &(*p)->next)
		if (*p == a) {
			*p = a->next;
			return;
		}
}

struct vn_node_reg *
vn_node_reg_by_name_or_alias(const char *name)
{
	struct vn_node_reg *r = vn_node_reg_by_name(name);

	for (struct vn_node_alias *a = alias_head; r == NULL && a != NULL; a = a->next)
		if (strcmp(a->alias, name) == 0)
			r = vn_node_reg_by_name(a->node);
	return r;
}

int
vn_node_add_next(const char *node, const char *next)
{
	struct vn_node_reg *r = vn_node_reg_by_name(node);

	if (!r)
		return -ENOENT;
	if (is_built)
		return -EBUSY;
	if (r->n_next == 0)
		r->n_next = 1; /* arc 0 is always error-drop */
	for (uint16_t i = 0; i < r->n_next; i++)
		if (r->next_names[i] && strcmp(r->next_names[i], next) == 0)
			return i;
	if (r->n_next >= VN_NEXT_MAX)
		return -ENOSPC;
	/* The core's own copy: a plugin that added the arc and was then unloaded
	 * (its init failed) leaves a name the build reports, not a pointer into
	 * unmapped memory. */
	char *copy = strdup(next);
	if (copy == NULL)
		return -ENOMEM;
	r->next_names[r->n_next] = copy;
	return r->n_next++;
}

uint32_t
vn_node_count(void)
{
	return n_built;
}

struct vn_node_reg *
vn_node_reg_at(uint32_t index)
{
	return index < n_built ? by_index[index] : NULL;
}

uint32_t
vn_error_count(void)
{
	return n_error_codes;
}

const struct vn_node_reg *
vn_error_node(uint16_t code, const char **name)
{
	for (uint32_t i = 0; i < n_built; i++) {
		const struct vn_node_reg *r = by_index[i];
		if (code >= r->error_base && code < r->error_base + r->n_errors) {
			if (name)
				*name = r->error_names[code - r->error_base];
			return r;
		}
	}
	if (name)
		*name = "unknown";
	return NULL;
}

static int
place(struct vn_node_reg *r)
{
	if (n_built >= VN_NODE_MAX) {
		VN_ERR("too many nodes (max %d) registering '%s'", VN_NODE_MAX, r->name);
		return -ENOSPC;
	}
	r->index = n_built;
	by_index[n_built++] = r;
	r->error_base = n_error_codes;
	n_error_codes += r->n_errors;
	return 0;
}

static int build_nodes(void);

/* A failed build leaves no half-resolved node table behind. */
int
vn_graph_build(void)
{
	int rc;

	if (is_built)
		return 0;
	rc = build_nodes();
	if (rc < 0)
		n_built = n_error_codes = 0;
	return rc;
}

static int
build_nodes(void)
{
	struct vn_node_reg *drop = vn_node_reg_by_name("error-drop");
	int rc;

	if (is_built)
		return 0;
	if (!drop) {
		VN_ERR("node 'error-drop' is not registered");
		return -ENOENT;
	}
	n_built = n_error_codes = 0;
	if ((rc = vn_graph_hooks_build_begin()) < 0)
		return rc;
	if ((rc = place(drop)) < 0)
		return rc;
	for (struct vn_node_reg *r = reg_head; r; r = r->next_reg) {
		if (r == drop)
			continue;
		for (struct vn_node_reg *o = reg_head; o != r; o = o->next_reg)
			if (strcmp(o->name, r->name) == 0) {
				VN_ERR("node '%s' is registered twice", r->name);
				return -EEXIST;
			}
		if (!r->fn) {
			VN_ERR("node '%s' has no process function", r->name);
			return -EINVAL;
		}
		if ((rc = place(r)) < 0)
			return rc;
	}
	for (uint32_t i = 0; i < n_built; i++) {
		struct vn_node_reg *r = by_index[i];
		r->next_names[0] = "error-drop"; /* next 0 fails safe */
		if (r->n_next == 0)
			r->n_next = 1;
		for (uint16_t a = 0; a < r->n_next; a++) {
			struct vn_node_reg *t = r->next_names[a] ? vn_node_reg_by_name(r->next_names[a]) : NULL;
			if (!t) {
				VN_ERR("node '%s': next arc %u names unknown node '%s'", r->name, a,
				       r->next_names[a] ? r->next_names[a] : "(null)");
				return -ENOENT;
			}
			if (t == r && r != drop) {
				VN_ERR("node '%s': next arc %u loops to itself", r->name, a);
				return -EINVAL;
			}
			vn_next_index[i][a] = t->index;
		}
	}
	is_built = true;
	vn_graph_hooks_build_end();
	return 0;
}

void
vn_graph_reset_build(void)
{
	is_built = false;
	n_built = 0;
}
