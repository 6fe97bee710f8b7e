/*
 * Interface names as a CLI argument type (vn_cli_ifname): vn_cli_arg_ifname()
 * and tab completion look names up through ops that default to the real
 * interface table; a unit test may install its own.
 */
#include <errno.h>
#include <vecnet/cli.h>
#include <vecnet/net/interface.h>

static int
vn_cli_ifname_lookup(const char *name, uint32_t *if_index)
{
	const struct vn_interface *ifp = vn_interface_by_name(name);

	if (ifp == NULL)
		return -ENOENT;
	*if_index = ifp->if_index;
	return 0;
}

static const char *
vn_cli_ifname_at(uint32_t i)
{
	const struct vn_interface *ifp = vn_interface_get(i);

	return ifp != NULL ? ifp->name : NULL;
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

static int
ifname_parse(const char *w, void *out)
{
	return ops->lookup ? ops->lookup(w, out) : -ENOENT;
}

static const char *
ifname_at(uint32_t i)
{
	return ops->name_at ? ops->name_at(i) : NULL;
}

const struct vn_cli_arg_type vn_cli_ifname = {
	.what = "interface name",
	.parse = ifname_parse,
	.name_at = ifname_at,
};
