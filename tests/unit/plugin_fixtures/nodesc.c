/* Fixture: an ordinary shared object named *_plugin.so with no vecnet
 * descriptor. Skipped without being opened: VN_FIXTURE_NODESC_RAN stays unset. */
#include <stdlib.h>

static void __attribute__((constructor))
nodesc_fixture_ctor(void)
{
	setenv("VN_FIXTURE_NODESC_RAN", "1", 1);
}
