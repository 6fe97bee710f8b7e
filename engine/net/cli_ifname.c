/*
 * Interface names as a CLI argument type (vn_cli_ifname): vn_cli_arg_ifname()
 * and tab completion look names up through ops that default to the real
 * interface table; a unit test may install its own.
 *
 * A word names an interface when it is a name, or else the start of exactly
 * one name (`show interface wa` is wan0). An exact name always wins over the
 * longer names it starts (lan1 is lan1 even with lan10 there). A word that
 * starts several names is refused, and the error lists them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <vecnet/cli.h>
#include <vecnet/net/interface.h>

/* The parser keeps this many characters of what it expected (cli_parse.c,
 * VN_CLI_EXPECT_LEN less the NUL); an ambiguity message is made to fit. */
#define VN_CLI_IFNAME_WHAT_MAX 47
#define VN_CLI_IFNAME_WHAT "interface name"

static int
vn_cli_ifname_lookup(const char *name, uint32_t *if_index)
{
	const struct vn_interface *ifp = vn_interface_by_name(name);

	if (ifp == NULL)
		return -ENOENT;
	*if_index = ifp->if_index;
	return 0;
}

/* The i-th interface that exists: a removed one leaves an empty slot, which
 * must not end the walk. */
static const char *
vn_cli_ifname_at(uint32_t i)
{
	for (uint32_t k = 0; k < vn_interface_count(); k++) {
		const struct vn_interface *ifp = vn_interface_get(k);

		if (ifp != NULL && i-- == 0)
			return ifp->name;
	}
	return NULL;
}

static const struct vn_cli_ifname_ops vn_cli_engine_ifname_ops = {
	.lookup = vn_cli_ifname_lookup,
	.name_at = vn_cli_ifname_at,
};
static const struct vn_cli_ifname_ops *ops = &vn_cli_engine_ifname_ops;

void
vn_cli_set_ifname_ops(const struct vn_cli_ifname_ops *o)
{
	ops = o ? o : &vn_cli_engine_ifname_ops;
}

/* The names word starts, and the last of them. */
static uint32_t
ifname_matches(const char *word, const char **match)
{
	size_t len = strlen(word);
	const char *name;
	uint32_t n = 0;

	for (uint32_t i = 0; len > 0 && ops->name_at && (name = ops->name_at(i)) != NULL; i++)
		if (strncmp(name, word, len) == 0) {
			*match = name;
			n++;
		}
	return n;
}

static int
ifname_parse(const char *w, void *out)
{
	const char *match = NULL;

	if (ops->lookup == NULL)
		return -ENOENT;
	if (ops->lookup(w, out) == 0)
		return 0; /* an exact name, even if it starts longer ones */
	switch (ifname_matches(w, &match)) {
	case 0:
		return -ENOENT;
	case 1:
		return ops->lookup(match, out);
	default:
		return -EEXIST;
	}
}

/*
 * What an "expected one of: ..." message says about a refused word: an
 * ambiguous prefix with its candidates, "interface name (ambiguous: a, b,
 * ...)", within VN_CLI_IFNAME_WHAT_MAX (as many as fit, "..." when some were
 * left out). The CLI runs on the main thread only.
 */
static const char *
ifname_refused(const char *word)
{
	static const char more[] = ", ...)";
	static char what[VN_CLI_IFNAME_WHAT_MAX + 1];
	const char *name;
	size_t len = strlen(word), n;
	uint32_t shown = 0, n_match = ifname_matches(word, &name);

	if (n_match < 2)
		return VN_CLI_IFNAME_WHAT;
	n = (size_t)snprintf(what, sizeof(what), "%s (ambiguous: ", VN_CLI_IFNAME_WHAT);
	for (uint32_t i = 0; (name = ops->name_at(i)) != NULL; i++) {
		bool is_last = shown + 1 == n_match;
		size_t need = (shown ? 2 : 0) + strlen(name) + (is_last ? 1 : sizeof(more) - 1);

		if (strncmp(name, word, len) != 0)
			continue;
		if (n + need > VN_CLI_IFNAME_WHAT_MAX) {
			snprintf(what + n, sizeof(what) - n, "%s", shown ? more : "...)");
			return what;
		}
		n += (size_t)snprintf(what + n, sizeof(what) - n, "%s%s", shown ? ", " : "", name);
		shown++;
	}
	snprintf(what + n, sizeof(what) - n, ")");
	return what;
}

static const char *
ifname_at(uint32_t i)
{
	return ops->name_at ? ops->name_at(i) : NULL;
}

const struct vn_cli_arg_type vn_cli_ifname = {
	.what = VN_CLI_IFNAME_WHAT,
	.parse = ifname_parse,
	.name_at = ifname_at,
	.refused = ifname_refused,
};
