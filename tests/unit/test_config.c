/*
 * YAML config loader: conversion of a full file to exact struct values, every
 * class of error with its exact FILE:LINE:COL and message, all errors of a file
 * reported together, and plugin sections with their own schema.
 */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vecnet/net/interface.h>
#include <vecnet/config.h>

#include "app/engine_config.h"
#include "core/config_priv.h"
#include "vn_test.h"

/* Everything the loader printed for the last vn_load(). */
static char *vn_out;

static int
vn_load(const char *yaml, struct vn_config *cfg)
{
	size_t len;
	FILE *f;
	int rc;

	free(vn_out);
	vn_out = NULL;
	f = open_memstream(&vn_out, &len);
	rc = vn_config_load_string("t.yaml", yaml, cfg, f);
	fclose(f);
	return rc;
}

/* True when the output holds exactly this line. */
static bool
vn_has_line(const char *line)
{
	size_t n = strlen(line);

	for (const char *p = vn_out; p != NULL && *p != '\0';) {
		const char *eol = strchr(p, '\n');

		if (eol != NULL && (size_t)(eol - p) == n && memcmp(p, line, n) == 0)
			return true;
		p = eol ? eol + 1 : NULL;
	}
	return false;
}

static int
vn_n_lines(void)
{
	int n = 0;

	for (const char *p = vn_out; p != NULL && *p != '\0'; p++)
		n += *p == '\n';
	return n;
}

#define VN_ASSERT_ERR(line)                                                                        \
	do {                                                                                       \
		CU_ASSERT(vn_has_line(line));                                                      \
		if (!vn_has_line(line))                                                            \
			fprintf(stderr, "\nmissing: %s\ngot:\n%s", line, vn_out ? vn_out : "");    \
	} while (0)

#define VN_ASSERT_N_ERRS(n)                                                                        \
	do {                                                                                       \
		CU_ASSERT_EQUAL(vn_n_lines(), n);                                                  \
		if (vn_n_lines() != (n))                                                           \
			fprintf(stderr, "\nwant %d lines, got:\n%s", n, vn_out ? vn_out : "");     \
	} while (0)

/* An invalid file must leave nothing behind for the caller to apply. */
static void
vn_assert_empty(const struct vn_config *cfg)
{
	CU_ASSERT_PTR_NULL(cfg->root);
	CU_ASSERT_PTR_NULL(cfg->file);
	CU_ASSERT_PTR_NULL(cfg->interfaces);
	CU_ASSERT_EQUAL(cfg->n_interfaces, 0);
	CU_ASSERT_EQUAL(cfg->n_routes, 0);
	CU_ASSERT_EQUAL(cfg->buffers, 0);
}

static const char vn_full_yaml[] =
    "engine:\n"
    "  main-core: 2\n"
    "  workers: [3, 4]\n"
    "  buffers: 32768\n"
    "  hugepages: off\n"
    "  log-level: debug\n"
    "  poll: always\n"
    "cli:\n"
    "  socket: /tmp/vn-test.sock\n"
    "plugins:\n"
    "  path: /opt/vecnet/plugins\n"
    "  enable: [nat44, acl]\n"
    "interfaces:\n"
    "  - name: lan0\n"
    "    device: net_af_packet0,iface=veth-lan\n"
    "    rx-queues: 2\n"
    "    mtu: 9000\n"
    "    addresses: [10.0.1.1/24, 192.168.5.254/32]\n"
    "    up: false\n"
    "    workers: [0, 1]\n"
    "  - name: lan1\n"
    "    device: \"0000:03:00.0\"\n"
    "routes:\n"
    "  - { prefix: 0.0.0.0/0, via: 192.0.2.1 }\n"
    "  - { prefix: 198.51.100.0/24, via: [10.0.1.9, 10.0.1.10], interface: lan0 }\n"
    "  - { prefix: 203.0.113.0/24, drop: yes }\n"
    "neighbors:\n"
    "  - { interface: lan0, address: 10.0.1.2, mac: \"02:00:00:00:01:02\" }\n"
    "exec: [configs/extra.cli, configs/setup.lua]\n"
    "neighbor-config: { queue-length: 8, resolve-timeout-ms: 250 }\n";

static void
test_full(void)
{
	static const uint8_t mac[6] = {2, 0, 0, 0, 1, 2};
	struct vn_config cfg;
	const struct vn_config_interface *i0, *i1;
	const struct vn_config_route *r;

	CU_ASSERT_EQUAL_FATAL(vn_load(vn_full_yaml, &cfg), 0);
	CU_ASSERT_STRING_EQUAL(vn_out, "");
	CU_ASSERT_STRING_EQUAL(cfg.file, "t.yaml");
	CU_ASSERT_EQUAL(cfg.main_core, 2);
	CU_ASSERT_EQUAL(cfg.n_workers, 2);
	CU_ASSERT_EQUAL(cfg.workers[0], 3);
	CU_ASSERT_EQUAL(cfg.workers[1], 4);
	CU_ASSERT_EQUAL(cfg.buffers, 32768);
	CU_ASSERT_EQUAL(cfg.hugepages, VN_HUGEPAGES_OFF);
	CU_ASSERT_EQUAL(cfg.log_level, VN_LOG_DEBUG);
	CU_ASSERT_EQUAL(cfg.neighbor_queue_len, 8);
	CU_ASSERT_EQUAL(cfg.neighbor_timeout_ms, 250);
	CU_ASSERT_EQUAL(cfg.poll, VN_POLL_ALWAYS);
	CU_ASSERT_STRING_EQUAL(cfg.cli_socket, "/tmp/vn-test.sock");
	CU_ASSERT_STRING_EQUAL(cfg.plugins_path, "/opt/vecnet/plugins");
	CU_ASSERT_FALSE(cfg.plugins_all);
	CU_ASSERT_EQUAL_FATAL(cfg.n_plugins_enable, 2);
	CU_ASSERT_STRING_EQUAL(cfg.plugins_enable[0], "nat44");
	CU_ASSERT_STRING_EQUAL(cfg.plugins_enable[1], "acl");

	CU_ASSERT_EQUAL_FATAL(cfg.n_interfaces, 2);
	i0 = &cfg.interfaces[0];
	CU_ASSERT_STRING_EQUAL(i0->name, "lan0");
	CU_ASSERT_STRING_EQUAL(i0->device, "net_af_packet0,iface=veth-lan");
	CU_ASSERT_EQUAL(i0->rx_queues, 2);
	CU_ASSERT_EQUAL(i0->mtu, 9000);
	CU_ASSERT_FALSE(i0->up);
	CU_ASSERT_EQUAL(i0->n_addresses, 2);
	CU_ASSERT_EQUAL(i0->addresses[0].addr, 0x0a000101);
	CU_ASSERT_EQUAL(i0->addresses[0].len, 24);
	CU_ASSERT_EQUAL(i0->addresses[1].addr, 0xc0a805fe);
	CU_ASSERT_EQUAL(i0->addresses[1].len, 32);
	CU_ASSERT_EQUAL(i0->n_workers, 2);
	CU_ASSERT_EQUAL(i0->workers[0], 0);
	CU_ASSERT_EQUAL(i0->workers[1], 1);
	/* Defaults of the second interface. */
	i1 = &cfg.interfaces[1];
	CU_ASSERT_STRING_EQUAL(i1->name, "lan1");
	CU_ASSERT_STRING_EQUAL(i1->device, "0000:03:00.0");
	CU_ASSERT_EQUAL(i1->rx_queues, 1);
	CU_ASSERT_EQUAL(i1->mtu, 1500);
	CU_ASSERT_TRUE(i1->up);
	CU_ASSERT_EQUAL(i1->n_addresses, 0);
	CU_ASSERT_EQUAL(i1->n_workers, 0);

	CU_ASSERT_EQUAL_FATAL(cfg.n_routes, 3);
	r = &cfg.routes[0];
	CU_ASSERT_EQUAL(r->prefix.addr, 0);
	CU_ASSERT_EQUAL(r->prefix.len, 0);
	CU_ASSERT_FALSE(r->drop);
	CU_ASSERT_EQUAL(r->n_paths, 1);
	CU_ASSERT_EQUAL(r->via[0], 0xc0000201);
	CU_ASSERT_STRING_EQUAL(r->interface, "");
	r = &cfg.routes[1];
	CU_ASSERT_EQUAL(r->prefix.addr, 0xc6336400);
	CU_ASSERT_EQUAL(r->prefix.len, 24);
	CU_ASSERT_EQUAL(r->n_paths, 2);
	CU_ASSERT_EQUAL(r->via[0], 0x0a000109);
	CU_ASSERT_EQUAL(r->via[1], 0x0a00010a);
	CU_ASSERT_STRING_EQUAL(r->interface, "lan0");
	r = &cfg.routes[2];
	CU_ASSERT_EQUAL(r->prefix.addr, 0xcb007100);
	CU_ASSERT_TRUE(r->drop);
	CU_ASSERT_EQUAL(r->n_paths, 0);

	CU_ASSERT_EQUAL_FATAL(cfg.n_neighbors, 1);
	CU_ASSERT_STRING_EQUAL(cfg.neighbors[0].interface, "lan0");
	CU_ASSERT_EQUAL(cfg.neighbors[0].address, 0x0a000102);
	CU_ASSERT_EQUAL(memcmp(cfg.neighbors[0].mac, mac, 6), 0);

	CU_ASSERT_EQUAL_FATAL(cfg.n_exec, 2);
	CU_ASSERT_STRING_EQUAL(cfg.exec[0], "configs/extra.cli");
	CU_ASSERT_STRING_EQUAL(cfg.exec[1], "configs/setup.lua");

	/* The tree is kept, with positions, for plugin sections. */
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg.root);
	CU_ASSERT_PTR_NOT_NULL(vn_cfg_map_get(cfg.root, "routes"));
	CU_ASSERT_EQUAL(vn_cfg_map_get(cfg.root, "routes")->key_line, 23);
	CU_ASSERT_EQUAL(vn_cfg_map_get(vn_cfg_map_get(cfg.root, "engine"), "buffers")->line, 4);
	CU_ASSERT_EQUAL(vn_cfg_map_get(vn_cfg_map_get(cfg.root, "engine"), "buffers")->col, 12);
	vn_config_free(&cfg);
	CU_ASSERT_PTR_NULL(cfg.root);
	CU_ASSERT_EQUAL(cfg.n_interfaces, 0);
}

static void
vn_assert_defaults(const struct vn_config *cfg)
{
	char def_dir[4096];

	CU_ASSERT_EQUAL(cfg->main_core, 0);
	CU_ASSERT_EQUAL(cfg->n_workers, 0);
	CU_ASSERT_EQUAL(cfg->buffers, 16384);
	CU_ASSERT_EQUAL(cfg->hugepages, VN_HUGEPAGES_AUTO);
	CU_ASSERT_EQUAL(cfg->log_level, VN_LOG_INFO);
	CU_ASSERT_EQUAL(cfg->poll, VN_POLL_ADAPTIVE);
	CU_ASSERT_STRING_EQUAL(cfg->cli_socket, "/run/vecnet/cli.sock");
	vn_config_default_plugin_dir(def_dir, sizeof(def_dir));
	CU_ASSERT_STRING_EQUAL(cfg->plugins_path, def_dir);
	CU_ASSERT_TRUE(cfg->plugins_all);
	CU_ASSERT_EQUAL(cfg->n_plugins_enable, 0);
	CU_ASSERT_EQUAL(cfg->n_interfaces, 0);
	CU_ASSERT_EQUAL(cfg->n_routes, 0);
	CU_ASSERT_EQUAL(cfg->n_neighbors, 0);
	CU_ASSERT_EQUAL(cfg->n_exec, 0);
	CU_ASSERT_EQUAL(cfg->neighbor_queue_len, 3);
	CU_ASSERT_EQUAL(cfg->neighbor_timeout_ms, 1000);
	CU_ASSERT_PTR_NOT_NULL(cfg->root);
}

static void
test_empty(void)
{
	static const char *const empty[] = {"", "# only a comment\n", "---\n", "engine: {}\n",
					    "engine:\n  workers: []\nplugins:\n  enable: [all]\n"};
	struct vn_config cfg;

	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(vn_load(empty[i], &cfg), 0);
		CU_ASSERT_STRING_EQUAL(vn_out, "");
		vn_assert_defaults(&cfg);
		vn_config_free(&cfg);
	}
	/* `enable: []` is an explicit "no plugins", unlike a missing key. */
	CU_ASSERT_EQUAL_FATAL(vn_load("plugins: { enable: [] }\n", &cfg), 0);
	CU_ASSERT_FALSE(cfg.plugins_all);
	CU_ASSERT_EQUAL(cfg.n_plugins_enable, 0);
	vn_config_free(&cfg);
}

static void
test_booleans(void)
{
	static const struct {
		const char *text;
		bool value;
	} forms[] = {{"true", true}, {"false", false}, {"yes", true},  {"no", false},
		     {"on", true},   {"off", false},   {"True", true}, {"OFF", false}};
	struct vn_config cfg;
	char yaml[128];

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		snprintf(yaml, sizeof(yaml), "interfaces:\n  - { name: a, device: d, up: %s }\n",
			 forms[i].text);
		CU_ASSERT_EQUAL_FATAL(vn_load(yaml, &cfg), 0);
		CU_ASSERT_EQUAL(cfg.interfaces[0].up, forms[i].value);
		vn_config_free(&cfg);
	}
}

static void
test_unknown_keys(void)
{
	struct vn_config cfg;

	CU_ASSERT_EQUAL(vn_load("engine:\n"
				"  main-core: 0\n"
				"  bufers: 4096\n"
				"natt44:\n"
				"  enable: true\n",
				&cfg),
			-1);
	VN_ASSERT_ERR("t.yaml:3:3: engine.bufers: unknown key (expected one of: main-core, "
		      "workers, buffers, ip4-routes, ip6-routes, hugepages, log-level, poll, "
		      "ip6-link-local, ip6-stable-secret)");
	VN_ASSERT_ERR(
	    "t.yaml:4:1: natt44: unknown top-level key (expected one of: engine, cli, "
	    "plugins, interfaces, sub-interfaces, routes, neighbors, neighbor-config, ip6-nd, "
	    "exec, tcp; plugin sections: none loaded)");
	VN_ASSERT_N_ERRS(2);
	vn_assert_empty(&cfg);

	CU_ASSERT_EQUAL(vn_load("interfaces:\n  - { name: a, device: d, speed: 10 }\n", &cfg), -1);
	VN_ASSERT_ERR("t.yaml:2:27: interfaces[0].speed: unknown key (expected one of: name, "
		      "device, rx-queues, mtu, addresses, up, workers, ip6-nd)");
	VN_ASSERT_N_ERRS(1);
}

static void
test_wrong_types(void)
{
	struct vn_config cfg;

	CU_ASSERT_EQUAL(vn_load("engine: 5\n"
				"interfaces: {name: lan0}\n"
				"exec: configs/a.cli\n"
				"cli:\n"
				"  socket: [a]\n"
				"routes:\n",
				&cfg),
			-1);
	VN_ASSERT_ERR("t.yaml:1:9: engine: expected a map, got '5'");
	VN_ASSERT_ERR("t.yaml:2:13: interfaces: expected a list, got a map");
	VN_ASSERT_ERR("t.yaml:3:7: exec: expected a list, got 'configs/a.cli'");
	VN_ASSERT_ERR("t.yaml:5:11: cli.socket: expected a non-empty string, got a list");
	/* `routes:` with nothing after it is null, not an empty list. */
	VN_ASSERT_ERR("t.yaml:6:8: routes: expected a list, got nothing");
	VN_ASSERT_N_ERRS(5);
	vn_assert_empty(&cfg);

	CU_ASSERT_EQUAL(vn_load("- engine\n", &cfg), -1);
	VN_ASSERT_ERR(
	    "t.yaml:1:1: expected a map of sections (engine, cli, plugins, interfaces, sub-interfaces, "
	    "routes, neighbors, neighbor-config, ip6-nd, exec, tcp, ...), got a list");
	VN_ASSERT_N_ERRS(1);
}

/* Ten errors of different classes in one file: all of them are reported. */
static void
test_bad_values_all_reported(void)
{
	struct vn_config cfg;

	CU_ASSERT_EQUAL(
	    vn_load("engine:\n"
		    "  hugepages: sometimes\n"
		    "  log-level: verbose\n"
		    "interfaces:\n"
		    "  - name: lan0\n"
		    "    device: d0\n"
		    "    mtu: 9001\n"
		    "    addresses: [10.0.1.1/33, 10.0.2.1]\n"
		    "    up: maybe\n"
		    "neighbors:\n"
		    "  - { interface: lan0, address: 256.0.0.1, mac: \"02:00:00:00:01\" }\n"
		    "routes:\n"
		    "  - { prefix: 10.0.0.0/8x, via: 10.0.1.300 }\n",
		    &cfg),
	    -1);
	VN_ASSERT_ERR(
	    "t.yaml:2:14: engine.hugepages: expected one of auto|on|off, got 'sometimes'");
	VN_ASSERT_ERR("t.yaml:3:14: engine.log-level: expected one of error|warning|info|debug, "
		      "got 'verbose'");
	VN_ASSERT_ERR(
	    "t.yaml:7:10: interfaces[0].mtu: expected an integer in [68, 9000], got '9001'");
	VN_ASSERT_ERR("t.yaml:8:17: interfaces[0].addresses[0]: expected a prefix "
		      "A.B.C.D/LEN or X:X::X/LEN, got '10.0.1.1/33'");
	VN_ASSERT_ERR("t.yaml:8:30: interfaces[0].addresses[1]: expected a prefix "
		      "A.B.C.D/LEN or X:X::X/LEN, got '10.0.2.1'");
	VN_ASSERT_ERR("t.yaml:9:9: interfaces[0].up: expected a boolean (true/false, yes/no, "
		      "on/off), got 'maybe'");
	VN_ASSERT_ERR("t.yaml:11:33: neighbors[0].address: expected an IPv4 or IPv6 address, got "
		      "'256.0.0.1'");
	VN_ASSERT_ERR("t.yaml:11:49: neighbors[0].mac: expected a MAC address xx:xx:xx:xx:xx:xx, "
		      "got '02:00:00:00:01'");
	VN_ASSERT_ERR("t.yaml:13:15: routes[0].prefix: expected a prefix A.B.C.D/LEN or X:X::X/LEN, "
		      "got '10.0.0.0/8x'");
	VN_ASSERT_ERR("t.yaml:13:33: routes[0].via: expected an IPv4 or IPv6 address, got "
		      "'10.0.1.300'");
	VN_ASSERT_N_ERRS(10);
	vn_assert_empty(&cfg);
}

static void
test_ranges(void)
{
	struct vn_config cfg;
	char yaml[512];
	size_t off;

	CU_ASSERT_EQUAL(vn_load("engine:\n"
				"  buffers: lots\n"
				"  main-core: -1\n"
				"  workers: [1, 2, 1, 99999999999999999999]\n"
				"interfaces:\n"
				"  - { name: a, device: d, mtu: 67, rx-queues: 0 }\n",
				&cfg),
			-1);
	VN_ASSERT_ERR("t.yaml:2:12: engine.buffers: expected an integer in [1024, 16777216], got "
		      "'lots'");
	VN_ASSERT_ERR("t.yaml:3:14: engine.main-core: expected an integer in [0, 1023], got '-1'");
	VN_ASSERT_ERR("t.yaml:4:22: engine.workers[3]: expected an integer in [0, 1023], got "
		      "'99999999999999999999'");
	VN_ASSERT_ERR("t.yaml:4:19: engine.workers[2]: core 1 is listed twice");
	VN_ASSERT_ERR(
	    "t.yaml:6:32: interfaces[0].mtu: expected an integer in [68, 9000], got '67'");
	VN_ASSERT_ERR("t.yaml:6:47: interfaces[0].rx-queues: expected an integer in [1, 64], got "
		      "'0'");
	VN_ASSERT_N_ERRS(6);

	/* Queue 0 holds nothing (allowed); a timeout of 0 would drop at once. */
	CU_ASSERT_EQUAL(vn_load("neighbor-config: { queue-length: 65, resolve-timeout-ms: 0 }\n",
				&cfg),
			-1);
	VN_ASSERT_ERR("t.yaml:1:34: neighbor-config.queue-length: expected an integer in [0, 64], "
		      "got '65'");
	VN_ASSERT_ERR("t.yaml:1:58: neighbor-config.resolve-timeout-ms: expected an integer in [1, "
		      "60000], got '0'");
	VN_ASSERT_N_ERRS(2);
	CU_ASSERT_EQUAL(vn_load("neighbor-config: { queue-length: 0 }\n", &cfg), 0);
	CU_ASSERT_EQUAL(cfg.neighbor_queue_len, 0);
	CU_ASSERT_EQUAL(cfg.neighbor_timeout_ms, 1000);
	vn_config_free(&cfg);

	/* List lengths are bounded by the fixed arrays of struct vn_config. */
	off = (size_t)snprintf(yaml, sizeof(yaml),
			       "interfaces:\n  - name: a\n    device: d\n"
			       "    addresses: [");
	for (int i = 0; i < VN_CFG_MAX_ADDRS + 1; i++)
		off += (size_t)snprintf(yaml + off, sizeof(yaml) - off, "%s10.0.%d.1/24",
					i ? ", " : "", i);
	snprintf(yaml + off, sizeof(yaml) - off, "]\n");
	CU_ASSERT_EQUAL(vn_load(yaml, &cfg), -1);
	VN_ASSERT_ERR("t.yaml:4:16: interfaces[0].addresses: expected at most 16 items, got 17");
	VN_ASSERT_N_ERRS(1);

	/* Names must fit struct vn_config_interface. */
	CU_ASSERT_EQUAL(vn_load("interfaces:\n"
				"  - { name: abcdefghijabcdefghijabcdefghijXY, device: d }\n",
				&cfg),
			-1);
	VN_ASSERT_ERR("t.yaml:2:13: interfaces[0].name: expected at most 31 characters, got 32");
	VN_ASSERT_N_ERRS(1);
}

static void
test_missing_required(void)
{
	struct vn_config cfg;

	CU_ASSERT_EQUAL(vn_load("interfaces:\n"
				"  - name: lan0\n"
				"  - device: d1\n"
				"routes:\n"
				"  - via: 10.0.0.1\n"
				"neighbors:\n"
				"  - {}\n",
				&cfg),
			-1);
	VN_ASSERT_ERR("t.yaml:2:5: interfaces[0]: missing required key 'device'");
	VN_ASSERT_ERR("t.yaml:3:5: interfaces[1]: missing required key 'name'");
	VN_ASSERT_ERR("t.yaml:5:5: routes[0]: missing required key 'prefix'");
	VN_ASSERT_ERR("t.yaml:7:5: neighbors[0]: missing required key 'interface'");
	VN_ASSERT_ERR("t.yaml:7:5: neighbors[0]: missing required key 'address'");
	VN_ASSERT_ERR("t.yaml:7:5: neighbors[0]: missing required key 'mac'");
	VN_ASSERT_N_ERRS(6);
	vn_assert_empty(&cfg);
}

static void
test_interface_references(void)
{
	struct vn_config cfg;

	CU_ASSERT_EQUAL(vn_load("interfaces:\n"
				"  - name: lan0\n"
				"    device: d0\n"
				"  - name: lan0\n"
				"    device: d1\n"
				"routes:\n"
				"  - prefix: 10.9.0.0/16\n"
				"    via: 10.0.1.5\n"
				"    interface: lan9\n"
				"  - { prefix: 10.8.0.0/16, via: 10.0.1.6, interface: lan0 }\n"
				"neighbors:\n"
				"  - interface: wan0\n"
				"    address: 10.0.1.2\n"
				"    mac: 02:00:00:00:01:02\n",
				&cfg),
			-1);
	VN_ASSERT_ERR("t.yaml:4:11: interfaces[1].name: duplicate interface name 'lan0' (first "
		      "defined at 2:11)");
	VN_ASSERT_ERR("t.yaml:9:16: routes[0].interface: no interface named 'lan9' in interfaces or "
		      "sub-interfaces");
	VN_ASSERT_ERR("t.yaml:12:16: neighbors[0].interface: no interface named 'wan0' in "
		      "interfaces or sub-interfaces");
	VN_ASSERT_N_ERRS(3);
	vn_assert_empty(&cfg);
}

/* IPv6 in addresses, routes and neighbors: each entry in its family's table;
 * a next hop of the other family is refused where it stands. */
static void
test_ip6(void)
{
	struct vn_config cfg;
	char b[VN_PREFIX6_STRLEN];

	CU_ASSERT_EQUAL_FATAL(vn_load("interfaces:\n"
				      "  - { name: lan0, device: net_null0,\n"
				      "      addresses: [10.0.1.1/24, 2001:db8:1::1/64] }\n"
				      "routes:\n"
				      "  - { prefix: 2001:db8:100::/48, via: [2001:db8:1::2, 2001:db8:1::3] }\n"
				      "  - { prefix: 10.9.0.0/16, via: 10.0.1.2 }\n"
				      "  - { prefix: \"::/0\", via: \"fe80::1\", interface: lan0 }\n"
				      "  - { prefix: 2001:db8:dead::/48, drop: true }\n"
				      "neighbors:\n"
				      "  - { interface: lan0, address: 2001:db8:1::2, mac: "
				      "\"02:00:00:00:01:02\" }\n",
				      &cfg),
			      0);
	CU_ASSERT_EQUAL(cfg.interfaces[0].n_addresses, 1);
	CU_ASSERT_EQUAL_FATAL(cfg.interfaces[0].n_addresses6, 1);
	CU_ASSERT_STRING_EQUAL(vn_fmt_prefix6(&cfg.interfaces[0].addresses6[0], b), "2001:db8:1::1/64");
	CU_ASSERT_EQUAL(cfg.n_routes, 1);
	CU_ASSERT_EQUAL_FATAL(cfg.n_routes6, 3);
	CU_ASSERT_EQUAL(cfg.routes6[0].n_paths, 2);
	CU_ASSERT_STRING_EQUAL(vn_fmt_ip6(&cfg.routes6[0].via[1], b), "2001:db8:1::3");
	CU_ASSERT_STRING_EQUAL(cfg.routes6[1].interface, "lan0");
	CU_ASSERT(cfg.routes6[2].drop);
	CU_ASSERT_EQUAL(cfg.n_neighbors, 0);
	CU_ASSERT_EQUAL(cfg.n_neighbors6, 1);
	vn_config_free(&cfg);

	CU_ASSERT_EQUAL(vn_load("routes:\n"
				"  - { prefix: 2001:db8::/32, via: 10.0.0.1 }\n"
				"  - { prefix: 10.0.0.0/8, via: [10.0.0.1, 2001:db8::1] }\n"
				"  - { prefix: 2001:db8::/129, via: 2001:db8::1 }\n",
				&cfg),
			-1);
	VN_ASSERT_ERR("t.yaml:2:35: routes[0].via: 10.0.0.1 is not an IPv6 address like the prefix");
	VN_ASSERT_ERR("t.yaml:3:43: routes[1].via: 2001:db8::1 is not an IPv4 address like the "
		      "prefix");
	VN_ASSERT_ERR("t.yaml:4:15: routes[2].prefix: expected a prefix A.B.C.D/LEN or X:X::X/LEN, "
		      "got '2001:db8::/129'");
	VN_ASSERT_N_ERRS(3);
	vn_assert_empty(&cfg);
}

static void
test_routes_via_drop(void)
{
	struct vn_config cfg;

	CU_ASSERT_EQUAL(vn_load("routes:\n"
				"  - { prefix: 10.1.0.0/16 }\n"
				"  - { prefix: 10.2.0.0/16, via: 10.0.0.1, drop: true }\n"
				"  - { prefix: 10.3.0.0/16, drop: false }\n"
				"  - { prefix: 10.4.0.0/16, via: [] }\n"
				"  - { prefix: 10.5.0.0/16, via: {a: 1} }\n",
				&cfg),
			-1);
	VN_ASSERT_ERR("t.yaml:2:5: routes[0]: expected one of 'via' or 'drop: true'");
	VN_ASSERT_ERR("t.yaml:3:49: routes[1]: give either 'via' or 'drop', not both");
	VN_ASSERT_ERR("t.yaml:4:34: routes[2].drop: must be true when given (use 'via' for a "
		      "forwarding route)");
	VN_ASSERT_ERR("t.yaml:5:33: routes[3].via: expected at least 1 item, got 0");
	VN_ASSERT_ERR("t.yaml:6:33: routes[4].via: expected an IPv4 or IPv6 address or a list of "
		      "them, got a map");
	VN_ASSERT_N_ERRS(5);
	vn_assert_empty(&cfg);
}

/* Router advertisements per interface and the link-local keys (net/ra6.h). */
static void
test_ip6_nd_ra(void)
{
	struct vn_config cfg;
	char b[VN_PREFIX6_STRLEN];

	CU_ASSERT_EQUAL_FATAL(vn_load("engine:\n"
				      "  ip6-link-local: stable\n"
				      "  ip6-stable-secret: \"00112233445566778899aabbccddeeFF\"\n"
				      "interfaces:\n"
				      "  - name: lan0\n"
				      "    device: net_null0\n"
				      "    ip6-nd:\n"
				      "      ra: true\n"
				      "      other-config-flag: true\n"
				      "      suppress-link-layer: yes\n"
				      "      interval-max: 30\n"
				      "      interval-min: 10\n"
				      "      prefixes:\n"
				      "        - { prefix: 2001:db8:7::5/64, valid-lifetime: 600, "
				      "preferred-lifetime: 300, no-autoconfig: true }\n"
				      "  - { name: lan1, device: net_null1 }\n",
				      &cfg),
			      0);
	CU_ASSERT_EQUAL(cfg.ip6_link_local, VN_LL6_STABLE);
	CU_ASSERT(cfg.has_ip6_secret);
	CU_ASSERT_EQUAL(cfg.ip6_secret[0], 0x00);
	CU_ASSERT_EQUAL(cfg.ip6_secret[1], 0x11);
	CU_ASSERT_EQUAL(cfg.ip6_secret[15], 0xff);
	CU_ASSERT(cfg.interfaces[0].has_ra6);
	CU_ASSERT(cfg.interfaces[0].ra6.send);
	CU_ASSERT(cfg.interfaces[0].ra6.other);
	CU_ASSERT(!cfg.interfaces[0].ra6.managed);
	CU_ASSERT(cfg.interfaces[0].ra6.no_lladdr);
	CU_ASSERT_EQUAL(cfg.interfaces[0].ra6.max_interval_s, 30);
	CU_ASSERT_EQUAL(cfg.interfaces[0].ra6.min_interval_s, 10);
	CU_ASSERT_EQUAL(cfg.interfaces[0].ra6.lifetime_s, VN_RA6_LIFETIME_AUTO);
	CU_ASSERT_EQUAL_FATAL(cfg.interfaces[0].ra6.n_prefixes, 1);
	CU_ASSERT_STRING_EQUAL(vn_fmt_prefix6(&cfg.interfaces[0].ra6.prefixes[0].prefix, b),
			       "2001:db8:7::/64");
	CU_ASSERT_EQUAL(cfg.interfaces[0].ra6.prefixes[0].valid_s, 600);
	CU_ASSERT_EQUAL(cfg.interfaces[0].ra6.prefixes[0].preferred_s, 300);
	CU_ASSERT(cfg.interfaces[0].ra6.prefixes[0].no_autoconfig);
	CU_ASSERT(!cfg.interfaces[1].has_ra6);
	vn_config_free(&cfg);

	/* Defaults: EUI-64, the secret from the machine. */
	CU_ASSERT_EQUAL_FATAL(vn_load("interfaces:\n  - { name: lan0, device: net_null0 }\n", &cfg), 0);
	CU_ASSERT_EQUAL(cfg.ip6_link_local, VN_LL6_EUI64);
	CU_ASSERT(!cfg.has_ip6_secret);
	vn_config_free(&cfg);

	CU_ASSERT_EQUAL(vn_load("engine:\n"
				"  ip6-link-local: random\n"
				"  ip6-stable-secret: 0011\n"
				"interfaces:\n"
				"  - name: lan0\n"
				"    device: net_null0\n"
				"    ip6-nd:\n"
				"      interval-max: 20\n"
				"      interval-min: 16\n"
				"      lifetime: 10\n"
				"      interval: 3\n"
				"      prefixes:\n"
				"        - { prefix: \"fe80::/64\" }\n"
				"        - { prefix: 2001:db8::/64, valid-lifetime: 10, preferred-lifetime: 20 }\n",
				&cfg),
			-1);
	VN_ASSERT_ERR("t.yaml:2:19: engine.ip6-link-local: expected one of eui64|stable, got "
		      "'random'");
	VN_ASSERT_ERR("t.yaml:3:22: engine.ip6-stable-secret: expected a 128-bit secret in hex "
		      "(32 hex digits), got '0011'");
	VN_ASSERT_ERR("t.yaml:11:7: interfaces[0].ip6-nd.interval: unknown key (expected one of: "
		      "ra, managed-config-flag, other-config-flag, send-unicast, "
		      "suppress-link-layer, lifetime, "
		      "interval-max, interval-min, initial-count, initial-interval, prefixes)");
	VN_ASSERT_ERR("t.yaml:9:21: interfaces[0].ip6-nd.interval-min: 16 is more than 0.75 x "
		      "interval-max (20): give at most 15");
	VN_ASSERT_ERR("t.yaml:10:17: interfaces[0].ip6-nd.lifetime: 10 is less than interval-max "
		      "(20): give 0 or 20 to 9000");
	VN_ASSERT_ERR("t.yaml:13:21: interfaces[0].ip6-nd.prefixes[0].prefix: fe80::/64 is "
		      "link-local or multicast: advertise a global prefix");
	VN_ASSERT_ERR("t.yaml:14:76: interfaces[0].ip6-nd.prefixes[1].preferred-lifetime: 20 is "
		      "more than valid-lifetime (10)");
	VN_ASSERT_N_ERRS(7);
	vn_assert_empty(&cfg);

	/* Sub-interfaces take the same key. */
	CU_ASSERT_EQUAL_FATAL(vn_load("interfaces:\n  - { name: lan0, device: net_null0 }\n"
				      "sub-interfaces:\n"
				      "  - { parent: lan0, id: 100, ip6-nd: { ra: true, lifetime: 0 } }\n",
				      &cfg),
			      0);
	CU_ASSERT(cfg.subifs[0].has_ra6);
	CU_ASSERT(cfg.subifs[0].ra6.send);
	CU_ASSERT_EQUAL(cfg.subifs[0].ra6.lifetime_s, 0);
	vn_config_free(&cfg);
	CU_ASSERT_EQUAL(vn_load("interfaces:\n  - { name: lan0, device: net_null0 }\n"
				"sub-interfaces:\n"
				"  - { parent: lan0, id: 100, ip6-nd: { interval-max: 8, interval-min: 7 } }\n",
				&cfg),
			-1);
	VN_ASSERT_ERR("t.yaml:4:71: sub-interfaces[0].ip6-nd.interval-min: 7 is more than 0.75 x "
		      "interval-max (8): give at most 6");
	VN_ASSERT_N_ERRS(1);
}

static void
test_duplicate_keys(void)
{
	struct vn_config cfg;

	CU_ASSERT_EQUAL(vn_load("engine:\n"
				"  buffers: 4096\n"
				"  buffers: 8192\n"
				"cli: {}\n"
				"cli: {}\n",
				&cfg),
			-1);
	VN_ASSERT_ERR("t.yaml:3:3: engine.buffers: duplicate key (first given at 2:3)");
	VN_ASSERT_ERR("t.yaml:5:1: cli: duplicate key (first given at 4:1)");
	VN_ASSERT_N_ERRS(2);
}

static void
test_syntax_errors(void)
{
	struct vn_config cfg;

	/* Unclosed flow sequence: the error is where the parser gave up, with the context. */
	CU_ASSERT_EQUAL(vn_load("engine:\n"
				"  workers: [1, 2\n"
				"cli:\n"
				"  socket: /tmp/x\n",
				&cfg),
			-1);
	VN_ASSERT_ERR("t.yaml:3:4: YAML syntax error: did not find expected ',' or ']' (while "
		      "parsing a flow sequence at 2:12)");
	VN_ASSERT_N_ERRS(1);
	vn_assert_empty(&cfg);

	/* Tabs cannot indent YAML. */
	CU_ASSERT_EQUAL(vn_load("engine:\n\tbuffers: 4096\n", &cfg), -1);
	VN_ASSERT_ERR("t.yaml:2:1: YAML syntax error: found character that cannot start any token "
		      "(while scanning for the next token at 2:1)");
	VN_ASSERT_N_ERRS(1);

	/* Bad indentation of a key. */
	CU_ASSERT_EQUAL(vn_load("engine:\n  main-core: 0\n buffers: 4096\n", &cfg), -1);
	CU_ASSERT_EQUAL(strncmp(vn_out, "t.yaml:3:2: YAML syntax error: ", 31), 0);
	VN_ASSERT_N_ERRS(1);

	CU_ASSERT_EQUAL(vn_load("engine: {}\n---\ncli: {}\n", &cfg), -1);
	VN_ASSERT_ERR("t.yaml:2:1: only one YAML document is allowed in a config file");
	VN_ASSERT_N_ERRS(1);

	CU_ASSERT_EQUAL(vn_load("engine:\n  main-core: &c 1\n  buffers: *c\n", &cfg), -1);
	VN_ASSERT_ERR("t.yaml:3:12: YAML aliases (*c) are not supported");
	VN_ASSERT_N_ERRS(1);

	/* Invalid UTF-8 is reported where it is. */
	CU_ASSERT_EQUAL(vn_load("engine:\n  log-level: \xff\n", &cfg), -1);
	CU_ASSERT_EQUAL(strncmp(vn_out, "t.yaml:2:14: YAML syntax error: ", 32), 0);
	VN_ASSERT_N_ERRS(1);
}

/* --- a plugin section ------------------------------------------------- */
static int vn_test_applied;
static const struct vn_cfg_node *vn_test_applied_node;

static const struct vn_cfg_field vn_test_pool_fields[] = {
    {.key = "start", .type = VN_CFG_T_SCALAR, .scalar = &vn_cfg_ip4, .required = true},
    {.key = "end", .type = VN_CFG_T_SCALAR, .scalar = &vn_cfg_ip4, .required = true},
    {.key = NULL},
};

static const struct vn_cfg_field vn_test_fields[] = {
    {.key = "enabled", .type = VN_CFG_T_BOOL},
    {.key = "sessions", .type = VN_CFG_T_INT, .min = 1, .max = 1000000},
    {.key = "pool", .type = VN_CFG_T_LIST, .elem = VN_CFG_T_MAP, .fields = vn_test_pool_fields},
    {.key = NULL},
};

static int
vn_test_check(struct vn_cfg_errors *e, const struct vn_cfg_node *section)
{
	const struct vn_cfg_node *pool = vn_cfg_map_get(section, "pool");
	uint32_t start, end;
	int n = 0;

	for (const struct vn_cfg_node *c = pool ? pool->child : NULL; c != NULL; c = c->next) {
		vn_parse_ip4(vn_cfg_get_str(c, "start", ""), &start);
		vn_parse_ip4(vn_cfg_get_str(c, "end", ""), &end);
		if (start > end) {
			vn_cfg_error(e, c, "testsec.pool: start is above end");
			n++;
		}
	}
	return n;
}

static int
vn_test_apply(const struct vn_cfg_node *section)
{
	vn_test_applied++;
	vn_test_applied_node = section;
	return vn_cfg_get_int(section, "sessions", 0) == 13 ? -EADDRINUSE : 0;
}

static struct vn_config_section vn_test_section = {
    .name = "testsec",
    .fields = vn_test_fields,
    .check = vn_test_check,
    .apply = vn_test_apply,
};

static void
test_plugin_section(void)
{
	struct vn_config cfg;
	const struct vn_cfg_node *sec;
	size_t len;
	char *out = NULL;
	FILE *f;

	vn_config_section_register(&vn_test_section);
	vn_config_section_register(&vn_test_section); /* idempotent */

	CU_ASSERT_EQUAL_FATAL(vn_load("engine: { buffers: 4096 }\n"
				      "testsec:\n"
				      "  enabled: on\n"
				      "  sessions: 1000\n"
				      "  pool:\n"
				      "    - { start: 10.0.0.1, end: 10.0.0.9 }\n",
				      &cfg),
			      0);
	CU_ASSERT_STRING_EQUAL(vn_out, "");
	sec = vn_cfg_map_get(cfg.root, "testsec");
	CU_ASSERT_PTR_NOT_NULL_FATAL(sec);
	CU_ASSERT_EQUAL(sec->key_line, 2);
	CU_ASSERT_TRUE(vn_cfg_get_bool(sec, "enabled", false));
	CU_ASSERT_EQUAL(vn_cfg_get_int(sec, "sessions", 0), 1000);
	CU_ASSERT_EQUAL(vn_cfg_get_int(sec, "missing", 7), 7);
	vn_test_applied = 0;
	CU_ASSERT_EQUAL(vn_config_apply_sections(&cfg, NULL), 0);
	CU_ASSERT_EQUAL(vn_test_applied, 1);
	CU_ASSERT_PTR_EQUAL(vn_test_applied_node, sec);
	vn_config_free(&cfg);

	/* A failing apply is reported at the section and stops. */
	CU_ASSERT_EQUAL_FATAL(vn_load("testsec:\n  sessions: 13\n", &cfg), 0);
	f = open_memstream(&out, &len);
	CU_ASSERT_EQUAL(vn_config_apply_sections(&cfg, f), -EADDRINUSE);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(out, "t.yaml:1:1: testsec: Address already in use\n");
	free(out);
	vn_config_free(&cfg);

	/* Its schema rejects unknown keys and missing ones; check() is not run then. */
	CU_ASSERT_EQUAL(vn_load("testsec:\n"
				"  sesions: 10\n"
				"  pool:\n"
				"    - { start: 10.0.0.9 }\n"
				"bogus: 1\n",
				&cfg),
			-1);
	VN_ASSERT_ERR("t.yaml:2:3: testsec.sesions: unknown key (expected one of: enabled, "
		      "sessions, pool)");
	VN_ASSERT_ERR("t.yaml:4:7: testsec.pool[0]: missing required key 'end'");
	VN_ASSERT_ERR("t.yaml:5:1: bogus: unknown top-level key (expected one of: engine, cli, "
		      "plugins, interfaces, sub-interfaces, routes, neighbors, neighbor-config, "
		      "ip6-nd, exec, tcp; plugin sections: testsec)");
	VN_ASSERT_N_ERRS(3);
	vn_assert_empty(&cfg);

	/* The section's own check runs on a well-typed section. */
	CU_ASSERT_EQUAL(vn_load("testsec:\n"
				"  pool:\n"
				"    - { start: 10.0.0.1, end: 10.0.0.9 }\n"
				"    - { start: 10.0.0.9, end: 10.0.0.1 }\n",
				&cfg),
			-1);
	VN_ASSERT_ERR("t.yaml:4:7: testsec.pool: start is above end");
	VN_ASSERT_N_ERRS(1);

	vn_config_section_unregister(&vn_test_section);
	CU_ASSERT_EQUAL(vn_load("testsec:\n  enabled: on\n", &cfg), -1);
	VN_ASSERT_ERR(
	    "t.yaml:1:1: testsec: unknown top-level key (expected one of: engine, cli, "
	    "plugins, interfaces, sub-interfaces, routes, neighbors, neighbor-config, ip6-nd, "
	    "exec, tcp; plugin sections: none loaded)");
}

/* --- files --------------------------------------------------------------- */
static void
test_file(void)
{
	char path[] = "/tmp/vn_test_config_XXXXXX";
	char line[512];
	struct vn_config cfg;
	size_t len;
	FILE *f;
	int fd;

	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	f = fdopen(fd, "w");
	fputs("engine:\n  poll: sometimes\n", f);
	fclose(f);
	free(vn_out);
	vn_out = NULL;
	f = open_memstream(&vn_out, &len);
	CU_ASSERT_EQUAL(vn_config_load(path, &cfg, f), -1);
	fclose(f);
	snprintf(line, sizeof(line),
		 "%s:2:9: engine.poll: expected one of always|adaptive, got "
		 "'sometimes'",
		 path);
	VN_ASSERT_ERR(line);
	VN_ASSERT_N_ERRS(1);
	unlink(path);

	free(vn_out);
	vn_out = NULL;
	f = open_memstream(&vn_out, &len);
	CU_ASSERT_EQUAL(vn_config_load("/nonexistent/vn.yaml", &cfg, f), -1);
	fclose(f);
	VN_ASSERT_ERR("/nonexistent/vn.yaml: cannot open: No such file or directory");
	vn_assert_empty(&cfg);
}

static void
test_default_yaml(void)
{
	char path[4096], src[4096], def_dir[4096];
	const char *root = getenv("VN_SRC");
	struct vn_config cfg;
	size_t len;
	FILE *f;

	if (root != NULL) {
		snprintf(path, sizeof(path), "%s/configs/default.yaml", root);
	} else {
		snprintf(src, sizeof(src), "%s", __FILE__);
		snprintf(path, sizeof(path), "%s/../../configs/default.yaml", dirname(src));
	}
	free(vn_out);
	vn_out = NULL;
	f = open_memstream(&vn_out, &len);
	CU_ASSERT_EQUAL_FATAL(vn_config_load(path, &cfg, f), 0);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(vn_out, "");
	CU_ASSERT_EQUAL(cfg.n_workers, 0);
	CU_ASSERT_EQUAL(cfg.hugepages, VN_HUGEPAGES_OFF);
	CU_ASSERT_EQUAL(cfg.buffers, 16384);
	CU_ASSERT_EQUAL(cfg.poll, VN_POLL_ADAPTIVE);
	CU_ASSERT_STRING_EQUAL(cfg.cli_socket, "/run/vecnet/cli.sock");
	vn_config_default_plugin_dir(def_dir, sizeof(def_dir));
	CU_ASSERT_STRING_EQUAL(cfg.plugins_path, def_dir);
	CU_ASSERT_EQUAL_FATAL(cfg.n_interfaces, 2);
	CU_ASSERT_STRING_EQUAL(cfg.interfaces[0].name, "lan0");
	CU_ASSERT_STRING_EQUAL(cfg.interfaces[0].device, "host:vn-host-a-r");
	CU_ASSERT_EQUAL(cfg.interfaces[0].n_addresses, 1);
	CU_ASSERT_EQUAL(cfg.interfaces[0].addresses[0].addr, 0x0a000101);
	CU_ASSERT_EQUAL(cfg.interfaces[0].addresses[0].len, 24);
	CU_ASSERT_TRUE(cfg.interfaces[0].up);
	CU_ASSERT_STRING_EQUAL(cfg.interfaces[1].name, "lan1");
	CU_ASSERT_STRING_EQUAL(cfg.interfaces[1].device, "host:vn-host-b-r");
	CU_ASSERT_EQUAL(cfg.interfaces[1].addresses[0].addr, 0x0a000201);
	CU_ASSERT_EQUAL(cfg.interfaces[1].addresses[0].len, 24);
	CU_ASSERT_EQUAL(cfg.ip6_routes, 1u << 18);
	vn_config_free(&cfg);
	/* engine.ip6-routes: taken, and bounded as ip4-routes is. */
	CU_ASSERT_EQUAL_FATAL(vn_load("engine:\n  ip6-routes: 1048576\n", &cfg), 0);
	CU_ASSERT_EQUAL(cfg.ip6_routes, 1048576);
	vn_config_free(&cfg);
	CU_ASSERT_EQUAL(vn_load("engine:\n  ip6-routes: 100\n", &cfg), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(vn_out, "engine.ip6-routes: expected an integer in [1024, 8388608]"));
}

/* The tree-only parse main() uses to read plugins: before plugins are loaded. */
static void
test_parse_tree_only(void)
{
	struct vn_cfg_node *root = vn_cfg_parse_string("t.yaml",
						       "nat44: {x: 1}\nplugins:\n"
						       "  path: /p\n",
						       NULL);
	const struct vn_cfg_node *plugins;

	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	plugins = vn_cfg_map_get(root, "plugins");
	CU_ASSERT_STRING_EQUAL(vn_cfg_get_str(plugins, "path", ""), "/p");
	CU_ASSERT_EQUAL(plugins->key_line, 2);
	CU_ASSERT_EQUAL(plugins->key_col, 1);
	CU_ASSERT_EQUAL(plugins->line, 3);
	CU_ASSERT_EQUAL(plugins->col, 3);
	vn_cfg_tree_free(root);
	CU_ASSERT_PTR_NULL(vn_cfg_parse_string("t.yaml", "a: [\n", NULL));
}

/* --- the fast path for long flow-map lists (config_flow_list.c) ---------- */

/* Same shape, positions, keys and values, node by node. */
static bool
vn_tree_eq(const struct vn_cfg_node *a, const struct vn_cfg_node *b)
{
	for (; a != NULL && b != NULL; a = a->next, b = b->next) {
		if (a->type != b->type || a->line != b->line || a->col != b->col ||
		    a->key_line != b->key_line || a->key_col != b->key_col ||
		    (a->key == NULL) != (b->key == NULL) || (a->key && strcmp(a->key, b->key)) ||
		    (a->value == NULL) != (b->value == NULL) ||
		    (a->value && strcmp(a->value, b->value))) {
			fprintf(stderr, "\n  differ at %d:%d (%s) / %d:%d (%s)\n", a->line, a->col,
				a->key ? a->key : "-", b->line, b->col, b->key ? b->key : "-");
			return false;
		}
		if (!vn_tree_eq(a->child, b->child))
			return false;
	}
	return a == NULL && b == NULL;
}

/* head, then n copies of item ("%u" = its index), then tail. */
static char *
vn_list_yaml(const char *head, const char *item, unsigned n, const char *tail)
{
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	fputs(head, f);
	for (unsigned i = 0; i < n; i++)
		fprintf(f, item, i);
	fputs(tail, f);
	fclose(f);
	return buf;
}

/* Parses y both ways; the trees must be equal and the fast path taken or not
 * (never for a file libyaml rejects: its errors are libyaml's to report). */
static void
vn_check_flow_list(const char *y, bool fast)
{
	struct vn_cfg_errors e = {.file = "t.yaml"};
	struct vn_cfg_node *slow = vn_cfg_parse_yaml(&e, y, strlen(y));
	struct vn_cfg_node *quick = vn_cfg_parse_flow_lists(y, strlen(y));

	CU_ASSERT_EQUAL(quick != NULL, fast);
	CU_ASSERT(slow != NULL || quick == NULL);
	if (quick != NULL)
		CU_ASSERT(vn_tree_eq(slow, quick));
	vn_cfg_tree_free(slow);
	vn_cfg_tree_free(quick);
}

static void
test_flow_lists(void)
{
	static const struct {
		const char *head, *item, *tail;
		bool fast;
	} cases[] = {
	    /* The bench's lists, both families, indented and not, quoted words. */
	    {"engine: {buffers: 4096}\nroutes:\n",
	     "  - { prefix: 2001:db8:%x::/48, via: 2001:db8:1::2 }\n", "neighbors: []\n", true},
	    {"routes:\n", "- {prefix: 16.0.%u.0/24,via: \"10.1.0.2\" ,  interface: out0}\n", "",
	     true},
	    {"cli: {socket: /x}\n\nneighbors:\n",
	     "    -   { interface: out0, address: \"2001:db8:1::%x\", mac: \"02:00:00:00:00:01\" } "
	     " \n",
	     "\n# the end\nengine:\n  buffers: 4096\n", true},
	    {"routes:\n", "  - { prefix: 2001:db8:%x::/48, drop: true }\n  # a comment line\n\n",
	     "", true},
	    /* No newline at the end of the file. */
	    {"routes:\n", "  - { prefix: 10.%u.0.0/16, via: 10.0.0.1 }\n",
	     "  - { prefix: 1.0.0.0/8, via: x }", true},
	    /* Left to libyaml: a comment after an item, an indented non-item after
	     * the list, a tag, a value ending in ':' (a key), a nested flow. */
	    {"routes:\n", "  - { prefix: 10.%u.0.0/16, via: 10.0.0.1 }\n",
	     "  - { prefix: 1.0.0.0/8, via: x } # c\n", false},
	    {"routes:\n", "  - { prefix: 10.%u.0.0/16, via: 10.0.0.1 }\n",
	     "  - prefix: 1.0.0.0/8\n", false},
	    {"routes:\n", "  - { prefix: 10.%u.0.0/16, via: 10.0.0.1 }\n", "  !tag\n", false},
	    {"routes:\n", "  - { prefix: 10.%u.0.0/16, via: 10.0.0.1 }\n",
	     "  - { prefix: 2001:db8::, via: x }\n", false},
	    {"routes:\n", "  - { prefix: 10.%u.0.0/16, via: [10.0.0.1, 10.0.0.2] }\n", "", false},
	    /* An item indented less, whose second '-' sits where the others' is. */
	    {"routes:\n  - { prefix: 10.0.0.0/8, via: x }\n -- { prefix: 11.0.0.0/8, via: x }\n",
	     "  - { prefix: 10.%u.0.0/16, via: 10.0.0.1 }\n", "", false},
	    /* The key inside a flow collection, not the root map's. */
	    {"x: [1,\nroutes:\n", "  - { prefix: 10.%u.0.0/16, via: 10.0.0.1 }\n", "  ]\n", false},
	};

	for (unsigned i = 0; i < RTE_DIM(cases); i++) {
		char *y = vn_list_yaml(cases[i].head, cases[i].item, 300, cases[i].tail);

		vn_check_flow_list(y, cases[i].fast);
		free(y);
	}
}

/* Random edits of a long list (characters YAML gives a meaning to, deletions,
 * truncations): the fast path gives libyaml's tree or leaves the file to it.
 * The same with 20,000 edits under ASan/UBSan found an item indented less
 * taken for one of the list's. */
static void
test_flow_list_mutations(void)
{
	static const char alpha[] = " -{}:,\"#\n\tab0:/.!&*[]?|>'%@`\\";
	char *base = vn_list_yaml("engine: {buffers: 4096}\nroutes:\n",
				  "  - { prefix: 2001:db8:%x::/48, via: \"2001:db8:1::2\" }\n", 300,
				  "neighbors: []\n");
	size_t base_len = strlen(base);
	unsigned fast = 0, slow = 0;

	srand(7);
	for (unsigned it = 0; it < 500; it++) {
		char *b = strdup(base);
		size_t len = base_len;

		for (int m = 1 + rand() % 3; m > 0; m--) {
			size_t at = 20 + (size_t)rand() % (len - 20);

			switch (rand() % 3) {
			case 0:
				b[at] = alpha[rand() % (sizeof(alpha) - 1)];
				break;
			case 1:
				memmove(b + at, b + at + 1, len - at);
				len--;
				break;
			default:
				if (rand() % 8 == 0)
					b[len = at] = '\0';
			}
		}
		struct vn_cfg_errors e = {.file = "t.yaml"};
		struct vn_cfg_node *s = vn_cfg_parse_yaml(&e, b, len);
		struct vn_cfg_node *q = vn_cfg_parse_flow_lists(b, len);

		slow += s != NULL;
		fast += q != NULL;
		if (q != NULL && (s == NULL || !vn_tree_eq(s, q))) {
			CU_FAIL("the fast path's tree differs from libyaml's");
			fprintf(stderr, "\n  edit %u:\n%s\n", it, b);
			it = 500;
		}
		vn_cfg_tree_free(s);
		vn_cfg_tree_free(q);
		free(b);
	}
	/* Both kinds were tried: some edits break the list, many do not. */
	CU_ASSERT(fast > 100 && slow > fast);
	free(base);
}

/* Errors inside a fast list keep FILE:LINE:COL; the list's own syntax errors
 * come from libyaml, as without the fast path. */
static void
test_flow_list_errors(void)
{
	struct vn_config cfg;
	char *y = vn_list_yaml("interfaces:\n  - { name: out0, device: net_null0, addresses: "
			       "[\"2001:db8:1::1/64\"] }\nroutes:\n",
			       "  - { prefix: 2001:db8:%x::/48, via: 2001:db8:1::2 }\n", 299,
			       "  - { prefix: 2001:db9::/48, via: 2001:db8:1::x }\n"
			       "  - { prefix: 2001:db9:1::/48, vla: 2001:db8:1::2 }\n");

	CU_ASSERT_EQUAL(vn_load(y, &cfg), -1);
	CU_ASSERT(vn_has_line("t.yaml:303:35: routes[299].via: expected an IPv4 or IPv6 address, "
			      "got '2001:db8:1::x'"));
	CU_ASSERT(vn_has_line("t.yaml:304:32: routes[300].vla: unknown key (expected one of: "
			      "prefix, via, interface, drop)"));
	CU_ASSERT(vn_has_line("t.yaml:304:5: routes[300]: expected one of 'via' or 'drop: true'"));
	CU_ASSERT_EQUAL(vn_n_lines(), 3);
	free(y);
	y = vn_list_yaml("routes:\n", "  - { prefix: 16.0.%u.0/24, via: 10.1.0.2 }\n", 299,
			 "  - { prefix: 16.1.0.0/24, via: 10.1.0.2\n");
	CU_ASSERT_EQUAL(vn_load(y, &cfg), -1);
	CU_ASSERT_EQUAL(vn_n_lines(), 1);
	CU_ASSERT(strncmp(vn_out, "t.yaml:30", 9) == 0);
	free(y);
}

static int
vn_config_suite_clean(void)
{
	free(vn_out);
	vn_out = NULL;
	return 0;
}

static CU_TestInfo vn_config_tests[] = {
    {"full config converts to exact values", test_full},
    {"empty files give defaults", test_empty},
    {"boolean forms", test_booleans},
    {"unknown keys", test_unknown_keys},
    {"wrong types", test_wrong_types},
    {"bad values, all reported", test_bad_values_all_reported},
    {"ranges and lengths", test_ranges},
    {"missing required keys", test_missing_required},
    {"interface references", test_interface_references},
    {"routes via/drop", test_routes_via_drop},
    {"IPv6 addresses, routes, neighbors", test_ip6},
    {"ip6-nd router advertisements, link-local keys", test_ip6_nd_ra},
    {"duplicate keys", test_duplicate_keys},
    {"YAML syntax errors", test_syntax_errors},
    {"plugin section", test_plugin_section},
    {"files", test_file},
    {"configs/default.yaml", test_default_yaml},
    {"tree-only parse", test_parse_tree_only},
    {"long flow-map lists: the same tree as libyaml", test_flow_lists},
    {"long flow-map lists: errors", test_flow_list_errors},
    {"long flow-map lists: random edits", test_flow_list_mutations},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo vn_suites[] = {
    {.pName = "config", .pCleanupFunc = vn_config_suite_clean, .pTests = vn_config_tests},
    CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return vn_test_run(vn_suites);
}
