/*
 * Fixture: a plugin built for another engine ABI. The loader must refuse it
 * from the descriptor alone, before dlopen, so its constructor never runs:
 * the test checks that VN_FIXTURE_ABI_RAN stays unset.
 */
#include <stdlib.h>
#include <vecnet/plugin.h>

__attribute__((section(VN_PLUGIN_SECTION), used, visibility("default")))
const struct vn_plugin_desc vn_plugin_desc = {
	.magic = VN_PLUGIN_MAGIC,
	.abi_version = VN_PLUGIN_ABI_VERSION + 1,
	.name = "abi",
	.version = "1.0",
	.description = "fixture: built for a future engine ABI",
};

static void __attribute__((constructor))
abi_fixture_ctor(void)
{
	setenv("VN_FIXTURE_ABI_RAN", "1", 1);
}
