/*
 * Fixture: a well-formed plugin that calls an engine function this engine
 * does not have (a plugin built against newer headers, say). dlopen with
 * RTLD_NOW fails on the unresolved symbol before any constructor runs, and
 * the loader skips it.
 */
#include <stdlib.h>
#include <vecnet/plugin.h>

VN_PLUGIN(.name = "missing", .version = "1.0", .description = "fixture: unresolved symbol");

void vn_no_such_engine_function(void);

static void __attribute__((constructor))
missing_fixture_ctor(void)
{
	setenv("VN_FIXTURE_MISSING_RAN", "1", 1);
	vn_no_such_engine_function();
}
