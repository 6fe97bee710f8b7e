/*
 * The YAML loader as `vecnet --check` runs it: parse, validate every section
 * (the engine's and the plugins': the plugins are loaded first, as main()
 * does), cross-check, convert. Arbitrary bytes and mutations of the
 * configs/ examples (the seed corpus); errors go to /dev/null. A valid file
 * is loaded twice: the result must be the same both times.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/engine_config.h"
#include "core/config_priv.h"
#include "fuzz_engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static FILE *devnull;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	vf_plugins_load();
	devnull = fopen("/dev/null", "w");
	return devnull ? 0 : -1;
}

static int
load(const uint8_t *data, size_t size, struct vn_config *cfg)
{
	struct vn_cfg_errors e = {.file = "fuzz.yaml", .stream = devnull};
	struct vn_cfg_node *root = vn_cfg_parse_buffer(&e, (const char *)data, size);

	if (root == NULL)
		return -1;
	return vn_config_load_tree("fuzz.yaml", root, cfg, devnull);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vn_config a, b;

	if (load(data, size, &a) < 0)
		return 0;
	if (load(data, size, &b) < 0 || a.n_interfaces != b.n_interfaces ||
	    a.n_routes != b.n_routes || a.n_neighbors != b.n_neighbors || a.buffers != b.buffers)
		abort(); /* the loader depends on more than its input */
	vn_config_free(&a);
	vn_config_free(&b);
	return 0;
}
