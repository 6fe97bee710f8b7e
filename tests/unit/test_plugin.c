/*
 * Plugin loader and the sample plugin, with real shared objects: the sample
 * plugin from the build (VN_PLUGIN_DIR) and fixtures built from
 * tests/unit/plugin_fixtures/ (VN_FIXTURE_DIR):
 *   abi_plugin.so       descriptor for another ABI: refused before dlopen
 *   nodesc_plugin.so    a plain .so with no descriptor: skipped unopened
 *   missing_plugin.so   references an engine function that does not exist
 *   failinit_plugin.so  registers a node, feature, command, config section and
 *                       Lua function,
 *                       then its init fails
 * Fixture constructors set environment variables, so a test can tell whether
 * any of a refused plugin's code ran. Junk files are made at run time.
 *
 * The executable is linked with ENABLE_EXPORTS, as the engine is, so that
 * plugins resolve vn_* from it. The loader's state is global, so the tests
 * run in order and build on each other.
 */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_ip.h>
#include <vecnet/cli.h>
#include <vecnet/config.h>
#include <vecnet/net/feature.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/plugin.h>

#include "app/engine_config.h"
#include "core/plugin_priv.h"
#include <vecnet/rcu.h>
#include <vecnet/trace.h>

#include "vn_test.h"
#include "vn_test_cli.h"
#include "vn_test_graph.h"

#ifndef VN_PLUGIN_DIR
#error "VN_PLUGIN_DIR (the build's plugins/ directory) must be defined"
#endif
#ifndef VN_FIXTURE_DIR
#error "VN_FIXTURE_DIR (the built plugin fixtures) must be defined"
#endif

VT_CAPTURE_NODE(lookup_cap, "test-ip4-lookup");

static const uint8_t mac_lan0[6] = {0x02, 0, 0, 0, 0xaa, 0x00};
static const uint8_t mac_lan1[6] = {0x02, 0, 0, 0, 0xbb, 0x00};
static char junk_dir[64];
static struct vn_graph *g;

/* --- helpers ------------------------------------------------------------- */

static int
load_one(const char *dir, const char *name)
{
	char *names[] = {(char *)name};

	return vn_plugins_load(dir, false, names, 1);
}

/* 0 when yaml is a valid config with the sections registered now. */
static int
config_check(const char *yaml)
{
	struct vn_config cfg;
	int rc = vn_config_load_string("test.yaml", yaml, &cfg, NULL);

	if (rc == 0)
		vn_config_free(&cfg);
	return rc;
}

static int
write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, data, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

static int
suite_init(void)
{
	char path[128];
	uint8_t junk[4096];
	FILE *f;

	if (vn_test_eal_init() < 0 || vn_rcu_init(4) < 0)
		return -1;
	out = vn_cli_out_new();
	snprintf(junk_dir, sizeof(junk_dir), "/tmp/vn-test-plugin.XXXXXX");
	if (!out || !mkdtemp(junk_dir))
		return -1;
	/* x: random bytes; y: a real ELF header whose section table points past
	 * the end of the file; z: empty. */
	f = fopen("/dev/urandom", "r");
	if (!f || fread(junk, 1, sizeof(junk), f) != sizeof(junk))
		return -1;
	fclose(f);
	snprintf(path, sizeof(path), "%s/x_plugin.so", junk_dir);
	if (write_file(path, junk, sizeof(junk)) < 0)
		return -1;
	f = fopen(VN_PLUGIN_DIR "/sample_plugin.so", "r");
	if (!f || fread(junk, 1, 64, f) != 64)
		return -1;
	fclose(f);
	snprintf(path, sizeof(path), "%s/y_plugin.so", junk_dir);
	if (write_file(path, junk, 256) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/z_plugin.so", junk_dir);
	return write_file(path, "", 0);
}

static int
suite_fini(void)
{
	char path[128];

	for (const char *n = "xyz"; *n; n++) {
		snprintf(path, sizeof(path), "%s/%c_plugin.so", junk_dir, *n);
		unlink(path);
	}
	rmdir(junk_dir);
	if (g)
		vn_graph_destroy(g);
	vn_cli_out_free(out);
	return 0;
}

/* --- the descriptor, read from the file ---------------------------------- */

static void
test_read_desc(void)
{
	struct vn_plugin_desc d;
	char err[256], path[128], want[128];

	CU_ASSERT_EQUAL(vn_plugin_read_desc(VN_PLUGIN_DIR "/sample_plugin.so", &d, err, sizeof(err)),
			0);
	CU_ASSERT_STRING_EQUAL(d.name, "sample");
	CU_ASSERT_EQUAL(d.abi_version, VN_PLUGIN_ABI_VERSION);

	CU_ASSERT_EQUAL(vn_plugin_read_desc(VN_FIXTURE_DIR "/abi_plugin.so", &d, err, sizeof(err)),
			-EPROTO);
	snprintf(want, sizeof(want), "plugin 'abi' was built for engine ABI %u, this engine is ABI %u",
		 VN_PLUGIN_ABI_VERSION + 1, VN_PLUGIN_ABI_VERSION);
	CU_ASSERT_STRING_EQUAL(err, want);
	/* Built against the previous ABI: refused naming both versions. */
	CU_ASSERT_EQUAL(vn_plugin_read_desc(VN_FIXTURE_DIR "/abi1_plugin.so", &d, err, sizeof(err)),
			-EPROTO);
	snprintf(want, sizeof(want), "plugin 'abi1' was built for engine ABI 1, this engine is ABI %u",
		 VN_PLUGIN_ABI_VERSION);
	CU_ASSERT_STRING_EQUAL(err, want);
	CU_ASSERT_NOT_EQUAL(VN_PLUGIN_ABI_VERSION, 1);

	CU_ASSERT_EQUAL(
		vn_plugin_read_desc(VN_FIXTURE_DIR "/nodesc_plugin.so", &d, err, sizeof(err)),
		-ENOEXEC);
	CU_ASSERT(has(err, "no vecnet plugin descriptor"));

	snprintf(path, sizeof(path), "%s/x_plugin.so", junk_dir);
	CU_ASSERT_EQUAL(vn_plugin_read_desc(path, &d, err, sizeof(err)), -ENOEXEC);
	CU_ASSERT_STRING_EQUAL(err, "not an ELF64 shared object");
	snprintf(path, sizeof(path), "%s/y_plugin.so", junk_dir);
	CU_ASSERT_EQUAL(vn_plugin_read_desc(path, &d, err, sizeof(err)), -ENOEXEC);
	CU_ASSERT_STRING_EQUAL(err, "malformed ELF section table");
	snprintf(path, sizeof(path), "%s/z_plugin.so", junk_dir);
	CU_ASSERT_EQUAL(vn_plugin_read_desc(path, &d, err, sizeof(err)), -ENOEXEC);
	CU_ASSERT(has(err, "too short"));
	CU_ASSERT_EQUAL(vn_plugin_read_desc("/nonexistent_plugin.so", &d, err, sizeof(err)),
			-ENOENT);
}

/* --- what the loader refuses ---------------------------------------------- */

static void
test_abi_mismatch_refused(void)
{
	unsetenv("VN_FIXTURE_ABI_RAN");
	CU_ASSERT_EQUAL(load_one(VN_FIXTURE_DIR, "abi"), 0);
	/* Refused from the file alone: not one instruction of it ran. */
	CU_ASSERT_PTR_NULL(getenv("VN_FIXTURE_ABI_RAN"));
	CU_ASSERT_STRING_EQUAL(cmd_ok("show plugins"), "no plugins loaded\n");
	unsetenv("VN_FIXTURE_ABI1_RAN");
	CU_ASSERT_EQUAL(load_one(VN_FIXTURE_DIR, "abi1"), 0);
	CU_ASSERT_PTR_NULL(getenv("VN_FIXTURE_ABI1_RAN"));
	CU_ASSERT_STRING_EQUAL(cmd_ok("show plugins"), "no plugins loaded\n");
}

static void
test_junk_skipped(void)
{
	/* x, y and z, all enabled; the loader must neither crash nor load. */
	CU_ASSERT_EQUAL(vn_plugins_load(junk_dir, true, NULL, 0), 0);
	CU_ASSERT_STRING_EQUAL(cmd_ok("show plugins"), "no plugins loaded\n");
}

static void
test_no_descriptor_skipped(void)
{
	unsetenv("VN_FIXTURE_NODESC_RAN");
	CU_ASSERT_EQUAL(load_one(VN_FIXTURE_DIR, "nodesc"), 0);
	CU_ASSERT_PTR_NULL(getenv("VN_FIXTURE_NODESC_RAN"));
}

static void
test_missing_symbol_skipped(void)
{
	unsetenv("VN_FIXTURE_MISSING_RAN");
	CU_ASSERT_EQUAL(load_one(VN_FIXTURE_DIR, "missing"), 0);
	/* RTLD_NOW: relocation fails before constructors. */
	CU_ASSERT_PTR_NULL(getenv("VN_FIXTURE_MISSING_RAN"));
	CU_ASSERT_STRING_EQUAL(cmd_ok("show plugins"), "no plugins loaded\n");
}

/* Code others could change is never run: a plugin file or directory writable
 * by group or others, or owned by another user, is refused before dlopen. */
static void
test_writable_refused(void)
{
	char dir[64], path[128], cmdline[256];

	snprintf(dir, sizeof(dir), "/tmp/vn-test-plugin-perm.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/failinit_plugin.so", dir);
	snprintf(cmdline, sizeof(cmdline), "cp %s/failinit_plugin.so %s", VN_FIXTURE_DIR, path);
	CU_ASSERT_EQUAL_FATAL(system(cmdline), 0);
	unsetenv("VN_FIXTURE_FAILINIT_RAN");

	CU_ASSERT_EQUAL(chmod(path, 0666), 0);
	CU_ASSERT_EQUAL(load_one(dir, "failinit"), 0);
	CU_ASSERT_EQUAL(chmod(path, 0664), 0);
	CU_ASSERT_EQUAL(load_one(dir, "failinit"), 0);
	CU_ASSERT_EQUAL(chmod(path, 0755), 0);
	CU_ASSERT_EQUAL(chown(path, 65534, 65534), 0);
	CU_ASSERT_EQUAL(load_one(dir, "failinit"), 0);
	CU_ASSERT_EQUAL(chown(path, 0, 0), 0);
	CU_ASSERT_EQUAL(chmod(dir, 01777), 0); /* as /tmp */
	CU_ASSERT_EQUAL(load_one(dir, "failinit"), 0);
	CU_ASSERT_EQUAL(chmod(dir, 0775), 0);
	CU_ASSERT_EQUAL(load_one(dir, "failinit"), 0);
	CU_ASSERT_PTR_NULL(getenv("VN_FIXTURE_FAILINIT_RAN")); /* none of its code ran */
	CU_ASSERT_STRING_EQUAL(cmd_ok("show plugins"), "no plugins loaded\n");

	/* Only root may write: loaded (then unloaded by its failing init). */
	CU_ASSERT_EQUAL(chmod(dir, 0755), 0);
	CU_ASSERT_EQUAL(load_one(dir, "failinit"), 1);
	CU_ASSERT_PTR_NOT_NULL(getenv("VN_FIXTURE_FAILINIT_RAN"));
	vn_plugins_init();
	CU_ASSERT_STRING_EQUAL(cmd_ok("show plugins"), "no plugins loaded\n");
	unlink(path);
	rmdir(dir);
}

static void
test_failing_init_unloaded(void)
{
	unsetenv("VN_FIXTURE_FAILINIT_RAN");
	CU_ASSERT_EQUAL_FATAL(load_one(VN_FIXTURE_DIR, "failinit"), 1);
	/* Loaded: its constructors registered one of everything. */
	CU_ASSERT_PTR_NOT_NULL(getenv("VN_FIXTURE_FAILINIT_RAN"));
	CU_ASSERT_PTR_NOT_NULL(vn_node_reg_by_name("failinit-node"));
	CU_ASSERT_STRING_EQUAL(cmd_ok("failinit hello"), "failinit is here\n");
	CU_ASSERT_EQUAL(config_check("failinit: {}\n"), 0);
	CU_ASSERT_STRING_EQUAL(cmd_ok("lua eval return vecnet.failinit_hello ~= nil"), "true\n");
	CU_ASSERT(has(cmd_ok("show plugins"), "failinit"));

	vn_plugins_init();
	CU_ASSERT_PTR_NULL(vn_node_reg_by_name("failinit-node"));
	CU_ASSERT_EQUAL(cmd("failinit hello"), -1);
	CU_ASSERT_EQUAL(config_check("failinit: {}\n"), -1);
	CU_ASSERT_STRING_EQUAL(cmd_ok("lua eval return vecnet.failinit_hello ~= nil"), "false\n");
	CU_ASSERT_STRING_EQUAL(cmd_ok("show plugins"), "no plugins loaded\n");
	/* Its feature went too, or the graph build below would fail on a
	 * feature naming an unknown node. */
}

/* A plugin whose file is named otherwise than its descriptor is enabled by
 * either name, and known by both once loaded. */
static void
test_renamed_file(void)
{
	char dir[] = "/tmp/vn-plugin-renamed.XXXXXX", cmdline[512];

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(cmdline, sizeof(cmdline), "cp %s/failinit_plugin.so %s/renamed_plugin.so",
		 VN_FIXTURE_DIR, dir);
	CU_ASSERT_EQUAL_FATAL(system(cmdline), 0);
	CU_ASSERT_EQUAL(load_one(dir, "failinit"), 1); /* by its descriptor's name */
	CU_ASSERT_TRUE(vn_plugin_is_loaded("failinit"));
	CU_ASSERT_TRUE(vn_plugin_is_loaded("renamed"));
	CU_ASSERT_FALSE(vn_plugin_is_loaded("renamed_plugin"));
	vn_plugins_init(); /* its init fails: unloaded */
	CU_ASSERT_FALSE(vn_plugin_is_loaded("renamed"));
	CU_ASSERT_EQUAL(load_one(dir, "renamed"), 1); /* by its file's name */
	CU_ASSERT_TRUE(vn_plugin_is_loaded("failinit"));
	vn_plugins_init();
	CU_ASSERT_EQUAL(load_one(dir, "other"), 0);
	snprintf(cmdline, sizeof(cmdline), "rm -rf %s", dir);
	CU_ASSERT_EQUAL(system(cmdline), 0);
}

/* --- the sample plugin ------------------------------------------------------ */

static void
test_sample_loads(void)
{
	const char *t;

	CU_ASSERT_EQUAL_FATAL(load_one(VN_PLUGIN_DIR, "sample"), 1);
	CU_ASSERT_PTR_NOT_NULL(vn_node_reg_by_name("sample-filter"));
	/* The same name twice: the second is refused. */
	CU_ASSERT_EQUAL(load_one(VN_PLUGIN_DIR, "sample"), 0);
	/* Everything in the fixture directory at once: only the broken ones. */
	CU_ASSERT_EQUAL(vn_plugins_load(VN_FIXTURE_DIR, true, NULL, 0), 1); /* failinit */

	/* Its config section validates with its schema. */
	CU_ASSERT_EQUAL(config_check("sample: { drop-protocol: 1 }\n"), 0);
	CU_ASSERT_EQUAL(config_check("sample: {}\n"), 0);
	CU_ASSERT_EQUAL(config_check("sample: { drop-protocol: 256 }\n"), -1);
	CU_ASSERT_EQUAL(config_check("sample: { drop-protocol: icmp }\n"), -1);
	CU_ASSERT_EQUAL(config_check("sample: { drop-proto: 1 }\n"), -1);

	vn_plugins_init(); /* failinit fails again and is unloaded again */
	vn_plugins_init(); /* idempotent: init runs once per plugin */
	t = cmd_ok("show plugins");
	CU_ASSERT(has(t, "sample"));
	CU_ASSERT(has(t, VN_PLUGIN_DIR "/sample_plugin.so"));
	CU_ASSERT_PTR_NULL(strstr(t, "failinit"));
	CU_ASSERT_PTR_NULL(strstr(t, "abi"));
	CU_ASSERT_PTR_NULL(strstr(t, "missing"));
}

/* An IPv4 packet as ip4-input receives it (data at the IPv4 header). */
static struct rte_mbuf *
ip4_pkt(uint16_t rx_if, uint8_t proto)
{
	struct rte_mbuf *m = vt_pkt(64, rx_if);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	*ip = (struct rte_ipv4_hdr){
		.version_ihl = 0x45,
		.total_length = rte_cpu_to_be_16(64),
		.time_to_live = 64,
		.next_proto_id = proto,
		.src_addr = rte_cpu_to_be_32(RTE_IPV4(10, 0, rx_if + 1, 2)),
		.dst_addr = rte_cpu_to_be_32(RTE_IPV4(10, 0, 9, 9)),
	};
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return m;
}

/* lan0: 3 ICMP + 2 UDP; lan1: 2 ICMP. Returns how many reached ip4-lookup. */
static uint16_t
send_mix(void)
{
	struct rte_mbuf *pkts[7];
	uint16_t n = 0;

	for (int i = 0; i < 3; i++)
		pkts[n++] = ip4_pkt(0, IPPROTO_ICMP);
	pkts[n++] = ip4_pkt(0, IPPROTO_UDP);
	pkts[n++] = ip4_pkt(1, IPPROTO_ICMP);
	pkts[n++] = ip4_pkt(0, IPPROTO_UDP);
	pkts[n++] = ip4_pkt(1, IPPROTO_ICMP);
	vt_capture_reset(&lookup_cap);
	vt_inject(g, "ip4-input", pkts, n);
	return lookup_cap.n;
}

/* `show sample` row of an interface: "IF enabled|- SEEN DROPPED". */
static bool
sample_row(const char *ifname, const char *state, uint64_t seen, uint64_t dropped)
{
	const char *t = cmd_ok("show sample");
	char want[128];

	snprintf(want, sizeof(want), "%-16s %-8s %12" PRIu64 " %12" PRIu64 "\n", ifname, state,
		 seen, dropped);
	return has(t, want);
}

static uint64_t
dropped_total(void)
{
	return vn_error_total(vt_err("sample-filter", "protocol dropped by configuration"));
}

static void
test_sample_filter(void)
{
	struct vn_config cfg;
	const char *t;

	CU_ASSERT_EQUAL_FATAL(vn_interface_create_virtual("lan0", mac_lan0, 1500, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(vn_interface_create_virtual("lan1", mac_lan1, 1500, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(vn_fib_init(1u << 16), 0);
	CU_ASSERT_EQUAL_FATAL(vn_neighbor_init(), 0);
	CU_ASSERT_EQUAL_FATAL(vn_graph_build(), 0);
	g = vn_graph_create(0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	vt_redirect(g, "ip4-input", "ip4-lookup", "test-ip4-lookup");
	vt_redirect(g, "sample-filter", "ip4-lookup", "test-ip4-lookup");

	/* Not enabled anywhere yet: everything passes, the node never runs. */
	CU_ASSERT_EQUAL(cmd("sample set protocol 1"), 0);
	CU_ASSERT_EQUAL(send_mix(), 7);
	CU_ASSERT(sample_row("lan0", "-", 0, 0));

	/* On lan0 only: its 3 ICMP packets are dropped with the reason. */
	cmd_ok("set interface feature lan0 sample-filter arc ip4-unicast");
	CU_ASSERT(has(cmd_ok("show interface features lan0"), "sample-filter            enabled"));
	CU_ASSERT_EQUAL(send_mix(), 4);
	CU_ASSERT_EQUAL(dropped_total(), 3);
	t = cmd_ok("show sample");
	CU_ASSERT(has(t, "drop protocol: 1\n"));
	CU_ASSERT(sample_row("lan0", "enabled", 5, 3));
	CU_ASSERT(sample_row("lan1", "-", 0, 0));
	t = cmd_ok("show errors");
	CU_ASSERT(has(t, "protocol dropped by configuration"));
	CU_ASSERT(has(t, "packets inspected"));

	/* The config section calls the same control function: UDP now. */
	CU_ASSERT_EQUAL_FATAL(
		vn_config_load_string("t.yaml", "sample: { drop-protocol: 17 }\n", &cfg, stderr), 0);
	CU_ASSERT_EQUAL(vn_config_apply_sections(&cfg, stderr), 0);
	vn_config_free(&cfg);
	CU_ASSERT(has(cmd_ok("show sample"), "drop protocol: 17\n"));
	CU_ASSERT_EQUAL(send_mix(), 5);
	CU_ASSERT_EQUAL(dropped_total(), 5);

	/* none: nothing dropped, still counted as seen. */
	cmd_ok("sample set protocol none");
	CU_ASSERT_EQUAL(send_mix(), 7);
	CU_ASSERT(sample_row("lan0", "enabled", 15, 5));
	CU_ASSERT_EQUAL(cmd("sample set protocol 256"), -1);
	CU_ASSERT_EQUAL(cmd("sample set protocol icmp"), -1);

	/* Disabled: ICMP on lan0 passes again, without the node. */
	cmd_ok("sample set protocol 1");
	cmd_ok("set interface feature lan0 sample-filter arc ip4-unicast disable");
	CU_ASSERT_EQUAL(send_mix(), 7);
	CU_ASSERT_EQUAL(dropped_total(), 5);
	CU_ASSERT(sample_row("lan0", "-", 15, 5));
	vt_capture_reset(&lookup_cap);
}

static void
test_sample_trace(void)
{
	const struct vn_node_reg *reg = vn_node_reg_by_name("sample-filter");
	struct rte_mbuf *m = ip4_pkt(0, IPPROTO_ICMP);
	struct vn_trace_rec rec = {.data_len = 20}; /* opaque zeroed: rx_if 0 */
	char buf[256];

	CU_ASSERT_PTR_NOT_NULL_FATAL(reg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(reg->format_trace);
	rec.node_index = reg->index;
	memcpy(rec.data, rte_pktmbuf_mtod(m, void *), 20);
	rte_pktmbuf_free(m);
	CU_ASSERT_EQUAL(vn_trace_format_rec(buf, sizeof(buf), &rec), (int)strlen(buf));
	CU_ASSERT_STRING_EQUAL(buf, "  sample-filter: rx lan0, IP protocol 1, 10.0.1.2 -> 10.0.9.9\n");
	/* A buffer too short is cut, never overrun. */
	CU_ASSERT_EQUAL(reg->format_trace(buf, 10, &rec, NULL), 9);
	CU_ASSERT_STRING_EQUAL(buf, "  sample-");
	rec.data_len = 8;
	reg->format_trace(buf, sizeof(buf), &rec, NULL);
	CU_ASSERT_STRING_EQUAL(buf, "  sample-filter: truncated record (8 bytes)\n");
}

int
main(void)
{
	CU_TestInfo tests[] = {
		{"descriptor read from the file", test_read_desc},
		{"ABI mismatch refused, no code run", test_abi_mismatch_refused},
		{"junk *_plugin.so skipped", test_junk_skipped},
		{".so without descriptor skipped", test_no_descriptor_skipped},
		{"unresolved symbol skipped", test_missing_symbol_skipped},
		{"writable by others than root refused", test_writable_refused},
		{"failing init unloaded, registrations gone", test_failing_init_unloaded},
		{"file named otherwise than its descriptor", test_renamed_file},
		{"sample loads, config schema, show plugins", test_sample_loads},
		{"sample-filter on ip4-unicast per interface", test_sample_filter},
		{"sample-filter trace record", test_sample_trace},
		CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {
		{"plugins", suite_init, suite_fini, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return vn_test_run(suites);
}
