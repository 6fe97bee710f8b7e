/*
 * Fixture: a plugin built against the headers before the ABI went to 2 (the
 * frame scalar, struct vn_graph's private part, vn_buf/vn_meta, trace
 * records). Its descriptor says ABI 1, as VN_PLUGIN() then wrote; the loader
 * must refuse it by name and version before dlopen.
 */
#include <stdlib.h>
#include <vecnet/plugin.h>

__attribute__((section(VN_PLUGIN_SECTION), used, visibility("default")))
const struct vn_plugin_desc vn_plugin_desc = {
	.magic = VN_PLUGIN_MAGIC,
	.abi_version = 1,
	.name = "abi1",
	.version = "1.0",
	.description = "fixture: built for engine ABI 1",
};

static void __attribute__((constructor))
abi1_fixture_ctor(void)
{
	setenv("VN_FIXTURE_ABI1_RAN", "1", 1);
}
