/*
 * The config against the machine (engine/app/config_machine.c) and the paths
 * of a file (relative to the file): each check with its FILE:LINE:COL, its
 * message and whether it is an error or a warning. Messages that name this
 * machine's facts (its CPUs) are matched up to those facts.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/engine_config.h"
#include "vn_test.h"

static char *out;
static int errors;

/* Loads yaml as file name, runs the machine checks; the output in out. */
static int
check(const char *name, const char *yaml)
{
	struct vn_config cfg;
	size_t len;
	FILE *f;

	free(out);
	out = NULL;
	f = open_memstream(&out, &len);
	if (vn_config_load_string(name, yaml, &cfg, f) < 0) {
		fclose(f);
		return -1;
	}
	errors = vn_config_machine_check(&cfg, f);
	fclose(f);
	vn_config_free(&cfg);
	return errors;
}

/* True when a line of the output starts with prefix. */
static bool
has(const char *prefix)
{
	size_t n = strlen(prefix);

	for (const char *p = out; p != NULL && *p != '\0';) {
		if (strncmp(p, prefix, n) == 0)
			return true;
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return false;
}

static void
test_relative_paths(void)
{
	struct vn_config cfg;

	CU_ASSERT_EQUAL_FATAL(vn_config_load_string("/etc/vn/t.yaml",
						    "cli: {socket: run/cli.sock}\n"
						    "plugins: {path: ../plugins}\n"
						    "exec: [setup.cli, /abs/x.lua]\n",
						    &cfg, stderr),
			      0);
	CU_ASSERT_STRING_EQUAL(cfg.cli_socket, "/etc/vn/run/cli.sock");
	CU_ASSERT_STRING_EQUAL(cfg.plugins_path, "/etc/vn/../plugins");
	CU_ASSERT_STRING_EQUAL(cfg.exec[0], "/etc/vn/setup.cli");
	CU_ASSERT_STRING_EQUAL(cfg.exec[1], "/abs/x.lua");
	vn_config_free(&cfg);
	/* A file in the current directory: paths as written. */
	CU_ASSERT_EQUAL_FATAL(vn_config_load_string("t.yaml", "exec: [setup.cli]\n", &cfg, stderr),
			      0);
	CU_ASSERT_STRING_EQUAL(cfg.exec[0], "setup.cli");
	vn_config_free(&cfg);
}

static void
test_host_device(void)
{
	struct vn_config cfg;

	CU_ASSERT_EQUAL_FATAL(vn_config_load_string("t.yaml",
						    "interfaces:\n"
						    "  - { name: a, device: \"host:lo\" }\n",
						    &cfg, stderr),
			      0);
	/* Kept as written: vecnet's own driver opens it, not EAL. */
	CU_ASSERT_STRING_EQUAL(cfg.interfaces[0].device, "host:lo");
	vn_config_free(&cfg);
	/* lo exists everywhere: no error. */
	CU_ASSERT_EQUAL(check("t.yaml", "interfaces:\n  - { name: a, device: \"host:lo\" }\n"), 0);
	CU_ASSERT_EQUAL(check("t.yaml", "interfaces:\n"
					"  - name: a\n"
					"    device: host:vn-nosuch0\n"),
			1);
	CU_ASSERT_TRUE(has("t.yaml:3:13: interfaces[0].device: Linux has no interface "
			   "'vn-nosuch0' (it has: "));
}

/* Devices vecnet makes: a tap's namespace, a memif's socket directory. */
static void
test_vport_devices(void)
{
	CU_ASSERT_EQUAL(check("t.yaml", "interfaces:\n"
					"  - { name: a, device: loopback }\n"
					"  - { name: b, device: \"tap:vt0,host-ip4-addr=10.0.0.2/24\" }\n"
					"  - { name: c, device: \"memif:slave,id=1,socket=/tmp/m.sock\" }\n"
					"  - { name: d, device: \"memif:master\" }\n"),
			0);
	CU_ASSERT_EQUAL(check("t.yaml", "interfaces:\n"
					"  - { name: a, device: \"tap:vt0,host-ns=vn-nosuch-ns\" }\n"
					"  - { name: b, device: \"memif:slave,socket=/vn-nosuch-dir/m.sock\" }\n"
					"  - { name: c, device: \"memif:master,socket=m.sock\" }\n"),
			3);
	CU_ASSERT_TRUE(has("t.yaml:2:24: interfaces[0].device: no network namespace "
			   "'vn-nosuch-ns'; create it (`ip netns add vn-nosuch-ns`)"));
	CU_ASSERT_TRUE(has("t.yaml:3:24: interfaces[1].device: the directory of memif socket "
			   "'/vn-nosuch-dir/m.sock' does not exist"));
	CU_ASSERT_TRUE(has("t.yaml:4:24: interfaces[2].device: memif socket 'm.sock' must be an "
			   "absolute path of at most 107 bytes"));
}

static void
test_cores(void)
{
	CU_ASSERT_EQUAL(check("t.yaml", "engine:\n  workers: [1023]\n"), 1);
	CU_ASSERT_TRUE(has("t.yaml:2:13: engine.workers[0]: CPU 1023 does not exist; this "
			   "machine has CPUs 0"));
	CU_ASSERT_EQUAL(check("t.yaml", "engine:\n  main-core: 1000\n"), 1);
	CU_ASSERT_TRUE(has("t.yaml:2:14: engine.main-core: CPU 1000 does not exist"));
	/* A worker on the main core starts, with a warning. */
	CU_ASSERT_EQUAL(check("t.yaml", "engine:\n  main-core: 0\n  workers: [0]\n"), 0);
	CU_ASSERT_TRUE(has("t.yaml:3:13: warning: engine.workers[0]: CPU 0 is also "
			   "engine.main-core: the worker shares the control thread's core"));
	CU_ASSERT_EQUAL(check("t.yaml", "engine:\n  workers: []\n"), 0);
	CU_ASSERT_PTR_NULL(strstr(out, "warning"));
}

static void
test_hugepages(void)
{
	/* 16M buffers want 41216 MB: no test machine has that free. */
	CU_ASSERT_EQUAL(check("t.yaml", "engine:\n  buffers: 16777216\n  hugepages: on\n"), 1);
	CU_ASSERT_TRUE(has("t.yaml:3:14: engine.hugepages: 'on' needs 41216 MB of hugepages for "
			   "16777216 buffers and the FIB, "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "reserve 20608 pages of 2 MB: `echo 20608 > "
					   "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages`"));
	CU_ASSERT_EQUAL(check("t.yaml", "engine:\n  buffers: 16777216\n  hugepages: auto\n"), 0);
}

static void
test_pci(void)
{
	CU_ASSERT_EQUAL(check("t.yaml", "interfaces:\n  - { name: a, device: ffff:ff:1f.7 }\n"), 1);
	CU_ASSERT_TRUE(has("t.yaml:2:24: interfaces[0].device: no PCI device ffff:ff:1f.7 on this "
			   "machine; `dpdk-devbind.py --status` or `vecnet doctor` lists"));
}

static void
test_socket_plugins_exec(void)
{
	CU_ASSERT_EQUAL(check("t.yaml", "cli:\n  socket: /dev/null/vn/cli.sock\n"), 1);
	CU_ASSERT_TRUE(has("t.yaml:2:11: cli.socket: cannot create the directory of "
			   "/dev/null/vn/cli.sock: /dev/null is not a directory"));
	CU_ASSERT_EQUAL(check("/nonexistent-vn/t.yaml", "plugins:\n  path: plugins\n"), 1);
	CU_ASSERT_TRUE(has("/nonexistent-vn/t.yaml:2:9: plugins.path: no directory "
			   "/nonexistent-vn/plugins (relative paths start at the config file's "
			   "directory)"));
	CU_ASSERT_EQUAL(check("t.yaml", "plugins:\n  path: /\n  enable: [vn-nosuch]\n"), 1);
	CU_ASSERT_TRUE(has("t.yaml:3:12: plugins.enable[0]: no plugin 'vn-nosuch' loads from /"));
	CU_ASSERT_EQUAL(check("/etc/t.yaml", "exec: [hostname, nosuch.cli, /etc]\n"), 2);
	CU_ASSERT_FALSE(has("/etc/t.yaml:1:8:"));
	CU_ASSERT_TRUE(has("/etc/t.yaml:1:18: exec[1]: /etc/nosuch.cli: No such file or "
			   "directory; exec takes files of CLI commands or .lua scripts"));
	CU_ASSERT_TRUE(has("/etc/t.yaml:1:30: exec[2]: /etc is not a readable file"));
}

int
main(void)
{
	CU_TestInfo tests[] = {
		{"relative paths start at the file", test_relative_paths},
		{"host:IFNAME devices", test_host_device},
		{"tap, memif and loopback devices", test_vport_devices},
		{"cores", test_cores},
		{"hugepages on without pages", test_hugepages},
		{"PCI devices", test_pci},
		{"socket, plugins, exec", test_socket_plugins_exec},
		CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {{"config_machine", NULL, NULL, NULL, NULL, tests},
				 CU_SUITE_INFO_NULL};
	int rc = vn_test_run(suites);

	free(out);
	return rc;
}
