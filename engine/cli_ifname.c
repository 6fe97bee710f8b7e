/*
 * Interface names for the CLI: vn_cli_arg_ifname() and tab completion look
 * names up through these ops. Installed by a constructor so that every program
 * linking the engine (vecnet, unit tests) resolves names against the real
 * interface table without an init call; a test may still install its own.
 */
#include <errno.h>
#include <vecnet/cli.h>
#include <vecnet/interface.h>

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

static void __attribute__((constructor))
vn_cli_ifname_install(void)
{
	vn_cli_set_ifname_ops(&vn_cli_engine_ifname_ops);
}
